"""Money remedies (amount, status, purpose), from standard remedy phrasing (the kinds of remedy
are read in ``remedy_kinds``).

A "£" amount is a payment only in a sentence that gives it as a remedy: a remedy verb (pay,
refund, waive, credit, reduce ...) and a status cue. The cue nearest before the amount decides
the status: "should" / "recommend" -> recommended; "agreed" / "will" -> agreed; "offered" /
"has paid" -> offered_by_body. A sentence without a cue takes the last cue of the sentence before
("The Council agreed to our recommendations. This included ... £1,000 payment"). Amounts the
complainant claims or owes ("says", "wants", "overpayment of £650") are not remedies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from extractor.facts.money import find_amounts
from extractor.facts.patterns import TITLE_REGEX_PART
from extractor.vocab.phrases import W as _W

_FLAGS = re.IGNORECASE

# Status cues, each with the status it signals (searched before the amount).
STATUS_CUE_REGEX = re.compile(
    r"\b(?P<recommended>should|recommend(?:s|ed|ing)?|we (?:ask|asked) the)\b"
    r"|\b(?P<agreed>agree(?:s|d)?|will|accepted (?:our|the) recommendations?)\b"
    r"|\b(?P<offered_by_body>offer(?:s|ed)?|(?:has|have|had) (?:already |now |since )?"
    r"(?:paid|refunded|reimbursed|waived|reduced|credited|made (?:a )?payments?|awarded)"
    # the body's own act, told in the past: "It also credited £20 to his account"
    r"|(?:it|Council|Authority|Provider|Trust|Home) (?:also |then |later |subsequently |since )?"
    r"(?:paid|refunded|reimbursed|waived|reduced|credited|awarded))\b",
    _FLAGS)
# The sentence must speak of a money remedy.
REMEDY_VERB_REGEX = re.compile(
    r"\b(?:pay|pays|paid|paying|payments?|refund\w*|reimburs\w*|waiv\w*|credit\w*|reduc\w*"
    r"|compensat\w*|award\w*|offer\w*|deduct\w*|write off|written off|remed(?:y|ies))\b", _FLAGS)
# A complainant's claim, wish or debt is not a remedy.
NOT_A_REMEDY_REGEX = re.compile(
    rf"\b(?:{TITLE_REGEX_PART}|[Ss]he|[Hh]e|[Tt]hey|[Tt]he complainants?) {_W}{{0,2}}"
    r"(?:says?|said|claims?|claimed|wants?|wanted|asks?|asked|seeks?|sought|believes?"
    r"|requested|is seeking|would like)\b"
    r"|\b(?:overpayment|arrears|threshold|savings|capital|income|rent) (?:of )?$", _FLAGS)
# A remedy word that describes a failure, not a remedy.
NOT_GIVEN_REGEX = re.compile(
    r"\b(?:not|never|failed to|failure to|without|no|refused to|declined to|unable to)\b", _FLAGS)
# How far (characters) before a remedy phrase NOT_GIVEN_REGEX cancels it: a rule's own phrase
# ("did not apologise"), and the looser support cue a model answer is checked against, whose
# cue words stand further from the negation ("did not, as we asked, apologise").
NEGATION_WINDOW = 20
SUPPORT_NEGATION_WINDOW = 40
NEGATION_REGEX = re.compile(r"\b(?:not|no longer|declined|refused|never)\b", _FLAGS)
# "£500 for the distress caused", "£150 to acknowledge the time and trouble".
PURPOSE_REGEX = re.compile(
    rf"\s*(?:payment\s+|remedy\s+)?(?:to (?:him|her|them|{TITLE_REGEX_PART} [A-Z])\s+)?"
    r"(?:to (?:acknowledge|recognise|recognize|reflect|remedy|"
    r"make up for|compensate (?:\w+ )?for)|for|in recognition of|as a (?:symbolic )?(?:payment|"
    r"remedy) for)\s+(?:the\s+|his\s+|her\s+|their\s+|its\s+|any\s+)?"
    r"(?P<purpose>[^,.;:£()]{3,80}?)(?=\s*(?:[,.;:()]|\band\s+(?:to|£|pay|make|made|apologi\w*"
    r"|provide|issue|complete|remind|review|waive|refund|\w+ed)\b|$))", _FLAGS)


@dataclass(frozen=True)
class MoneyHit:
    amount: float
    status: str
    purpose: str | None
    start: int  # of the evidence sentence
    end: int


def find_payments(text: str, groups: list[tuple[list[tuple[int, int]], bool]]
                  ) -> list[MoneyHit]:
    """One hit per amount (first mention with a clear status), in text order.

    ``groups`` are the sentences of each part of the decision, with a flag saying whether a
    status cue carries over more than one sentence (a list of agreed actions under "The
    Council has agreed to:") or only to the next one (narrative). The cue of a lead-in (a
    sentence ending ":") holds for the items after it, whatever an item's own asides say."""
    hits: dict[float, MoneyHit] = {}
    for sentences, carry in groups:
        previous_cue: str | None = None
        lead_cue: str | None = None  # of a lead-in ("The Council has agreed to:")
        for start, end in sentences[:_last_with_money(text, sentences) + 1]:
            sentence = text[start:end]
            for hit in _sentence_payments(sentence, start, lead_cue or previous_cue):
                first = hits.setdefault(hit.amount, hit)
                if first.purpose is None and hit.purpose:
                    hits[hit.amount] = replace(first, purpose=hit.purpose)
            cues = list(STATUS_CUE_REGEX.finditer(sentence))
            previous_cue = cues[-1].lastgroup if cues else previous_cue if carry else None
            if cues and sentence.rstrip().endswith(":"):
                lead_cue = cues[-1].lastgroup
    return sorted(hits.values(), key=lambda h: h.start)


def _last_with_money(text: str, sentences: list[tuple[int, int]]) -> int:
    """The index of the last sentence naming money (-1 for none): the cues of the sentences
    after it qualify no amount, so they need not be read."""
    for i in range(len(sentences) - 1, -1, -1):
        if has_money(text, *sentences[i]):
            return i
    return -1


def has_money(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` names money ("£" or "pounds"): no payment without."""
    return text.find("£", start, end) != -1 or text.find("pounds", start, end) != -1


def _sentence_payments(sentence: str, offset: int, previous_cue: str | None
                       ) -> Iterator[MoneyHit]:
    if not has_money(sentence) or not REMEDY_VERB_REGEX.search(sentence):
        return
    for amount, start, end in find_amounts(sentence):
        before = sentence[:start]
        if NOT_A_REMEDY_REGEX.search(before):
            continue
        cues = list(STATUS_CUE_REGEX.finditer(before))
        if cues and NEGATION_REGEX.search(before[cues[-1].start():]):
            continue
        status = cues[-1].lastgroup if cues else previous_cue
        if status is None:
            continue
        purpose = PURPOSE_REGEX.match(sentence, end)
        yield MoneyHit(amount, status, purpose["purpose"].strip() if purpose else None,
                       offset, offset + len(sentence))
