"""Outcome, investigated and fault found, judged from standard wording (DOMAIN.md §2.3, §5).

Used when a page has no "Decision :" header, and for ``investigated`` / ``fault_found`` always.
The Summary is read first, then the final decision. Only clear house phrasing counts:
"We will not investigate" (closed after initial enquiries, not investigated), "I have
discontinued my investigation" (closed, but investigated), "We found fault" / "The Council was
at fault" (upheld), "The Council was not at fault" / "We did not find fault" (not upheld).
Failing all of these, a remedy agreed or recommended ("The Council has agreed to apologise",
"We recommended a payment") means an investigation that found fault: upheld.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.facts.patterns import TITLE_REGEX_PART, lowered_text, twin
from extractor.vocab.phrases import phrase  # case-insensitive, compiled when first used

# "We will not investigate", "The Ombudsman will not start an investigation", "We cannot
# lawfully investigate", "decided not to investigate".
NOT_INVESTIGATING_REGEX = phrase(
    r"\b(?:will|shall|should|can|could|do|does|did|would|may) ?not (?:\w+ ){0,2}?(?:(?:start"
    r"|begin|continue) )?(?:(?:an|any|our|my|the|further) )?investigat"
    rf"|\bwill not (?:consider|look into) (?:this|the|{TITLE_REGEX_PART}|his|her|their)\b"
    r"|\bcannot (?:lawfully |legally )?investigate|\bdecided? not to (?:\w+ ){0,2}investigat"
    r"|\bwill not be investigating")
# "I have discontinued my investigation", "The Ombudsman has discontinued the investigation".
DISCONTINUED_REGEX = phrase(
    r"\b(?:discontinu(?:e|ed|ing)|ended|stopped) (?:the|my|our|its|this|an|his|her) investigation"
    r"|\binvestigation (?:has been|was|is) discontinued")
# Fault found: "We found fault", "There was fault by the Council", "The Council is at fault",
# "We found failings", "I uphold the complaint".
FAULT_FOUND_REGEX = phrase(
    r"\b(?:found|find|finds|identified) (?:some |several |a number of |significant )?"
    r"(?:fault|faults|failings|failures|maladministration)\b"
    r"|\bthere (?:was|were|has been|have been|is) (?:a |some |also |further )?(?:fault|faults"
    r"|failings|maladministration|service failures?)\b|\b(?:I|we) (?:have )?(?:uphold|upheld)\b"
    # "The Council's failures ... are fault", "These faults have caused", "some fault in"
    r"|\b(?:is|are|was|were) (?:also |both )?fault\b|\bsome fault (?:in|by|with|on|when)\b"
    r"|\b(?:these|those|the) faults (?:have|had|caused|led|meant)\b"
    r"|\bthis fault (?:has |had )?(?:caused|led to|meant)\b"
    # an injustice caused by what was just described: "This caused Mr X avoidable distress"
    r"|\b(?:this|these|which) (?:has |have |also )?caused (?:\w+ ){0,3}(?:an? |some |significant "
    r"|avoidable )?(?:injustice|distress|frustration|uncertainty)\b"
    r"|\buph(?:o|e)lds? (?:\w+['’]?s? ){0,3}complaints?\b"
    r"|\b(?:was|were|is|are|has been|have been) at fault\b"
    r"|\b(?:found|find|finds) (?:the \w+(?: \w+)?|it|them) (?:to be |was |were )?at fault"
    r"|\bamounts? to fault\b|\b(?:this|that|which) (?:was|is) fault\b"
    r"|\bfound (?:that )?(?:the \w+(?: \w+)?|it|they) (?:had )?failed to\b"
    r"|\bI uphold\b|\bfault causing injustice")
# Weaker: a Summary that states a failing as fact ("The Council failed to provide ...",
# "We have found delay at two stages"). Counts only when nothing says "will not investigate".
FAILING_STATED_REGEX = phrase(
    r"^(?:(?:The|This|Its) (?:Council|Care Provider|Provider|Authority|Trust|care home|Home"
    r"|organisation)(?:'s)?|It) (?:\w+ )?(?:failed|delayed|was wrong|wrongly)\b"
    # the body accepting it: "The Council accepts it delayed", "it acknowledged its error"
    r"|\b(?:accept(?:s|ed)?|acknowledge[sd]?|admit(?:s|ted)?) (?:that )?(?:it|there) (?:was |were "
    r"|had )?(?:at fault|fault|failed|delayed|made (?:a |an )?(?:mistake|error))\b"
    r"|\bthere (?:was|were|has been|have been) (?:a |some |also |further |avoidable |unnecessary )?"
    r"delays? (?:by|on the part of)\b"
    r"|\b(?:we|I) (?:have )?found (?:\w+ ){0,2}(?:delays?|failures?|failings?|errors?"
    r"|mistakes?)\b")
# A party's claim shortly before a finding is no finding ("Mrs X complains the Council was
# at fault", "The Council says it acted properly").
CLAIM = (r"says?|said|claims?|claimed|complain(?:s|ed)?|alleges?|alleged|believes?|feels?|felt"
         r"|thinks?|argues?|argued|maintains?|insists?")
CLAIM_BEFORE_REGEX = phrase(rf"\b(?:{CLAIM})\b")
# A negation or a hedge (or a claim) shortly before a fault-found phrase cancels it.
HEDGE_BEFORE_REGEX = phrase(
    rf"\b(?:not|no|never|nor|neither|unlikely|whether|if|cannot|any|{CLAIM})\b|n't")
HEDGE_WINDOW = 30
# No fault: "The Council was not at fault", "We did not find fault", "We find no fault".
NO_FAULT_REGEX = phrase(
    r"\b(?:not|no) (?:\w+ ){0,3}at fault\b"
    r"|\b(?:did|do|does|have|has|could|can) ?not (?:find|found|identify|see) (?:any )?fault"
    r"|\b(?:found|find|finds|finding) no (?:evidence of )?(?:fault|maladministration)"
    r"|\bno (?:fault|maladministration) (?:by|in|with|on)"
    r"|\b(?:do|does|did|have|has) not uphold|\bnot upheld"
    # "The Council did nothing wrong", "it acted properly", "acted without fault"
    r"|\b(?:did|done) nothing wrong\b|\bacted (?:properly|correctly|appropriately|lawfully"
    r"|reasonably|without fault)\b|\bwithout fault\b")


# A remedy the decision gives: agreed, recommended, or to remedy the injustice.
REMEDY_GIVEN_REGEX = phrase(
    r"\bagreed to (?:\w+ ){0,2}?(?:apologi[sz]e|pay|make (?:a |an )?(?:\w+ )?payment|refund"
    r"|reimburse|waive|review|reassess|reconsider|remind|train|provide|arrange|take action)\b"
    r"|\b(?:we|I) (?:have )?recommend(?:ed)?\b(?: that)? (?:the \w+ |it )?(?:should )?"
    r"(?:apologi|pay|make|review|reassess|reconsider|remind|provide|arrange|take|an apology"
    r"|a (?:\w+ )?payment)"
    r"|\bto (?:remedy|put right) (?:the|this|that|its|any|her|his|their) (?:\w+ )?injustice\b")


@dataclass
class Wording:
    """What the standard phrases of a passage say; each signal keeps its sentence."""

    not_investigating: tuple[int, int] | None = None
    discontinued: tuple[int, int] | None = None
    fault: tuple[int, int] | None = None
    no_fault: tuple[int, int] | None = None
    failing: tuple[int, int] | None = None
    remedy: tuple[int, int] | None = None

    @property
    def any(self) -> bool:
        return any((self.not_investigating, self.discontinued, self.fault, self.no_fault,
                    self.failing, self.remedy))


# Fast-path strings: any match of a signal's pattern contains one of its needles (a sentence
# without any is not searched).
NEEDLES: dict[str, tuple[str, ...]] = {
    "discontinued": ("investigation",),
    "not_investigating": ("investigat", "consider", "look into"),
    "fault": ("fault", "fail", "uphold", "upheld", "maladministration", "caused"),
    "no_fault": ("fault", "uphold", "upheld", "wrong", "acted", "maladministration"),
    "failing": ("fail", "delay", "wrong", "error", "mistake", "accept", "acknowledg", "admit"),
    "remedy": ("agreed to", "recommend", "injustice"),
}


def read_wording(text: str, sentences: list[tuple[int, int]], lowered: str | None = None
                 ) -> Wording:
    """The signals of the given sentences of ``text`` (``lowered``: its lowered form,
    ``patterns.lowered_text``, when the caller has it): every signal's pattern is
    case-insensitive, so each runs as its lowered twin on the lowered sentence."""
    lowered = lowered_text(text) if lowered is None else lowered
    w = Wording()
    for start, end in sentences:
        sentence = lowered[start:end]

        def has(signal: str, sentence: str = sentence) -> bool:
            return getattr(w, signal) is None and any(n in sentence for n in NEEDLES[signal])

        span = (start, end)
        if has("discontinued") and _search(DISCONTINUED_REGEX, sentence):
            w.discontinued = span
        elif has("not_investigating") and _search(NOT_INVESTIGATING_REGEX, sentence):
            w.not_investigating = span
        if has("fault") and _found(FAULT_FOUND_REGEX, HEDGE_BEFORE_REGEX, sentence):
            w.fault = span
        if has("no_fault") and _found(NO_FAULT_REGEX, CLAIM_BEFORE_REGEX, sentence):
            w.no_fault = span
        if has("failing") and _search(FAILING_STATED_REGEX, sentence):
            w.failing = span
        if has("remedy") and _found(REMEDY_GIVEN_REGEX, HEDGE_BEFORE_REGEX, sentence):
            w.remedy = span
    return w


def _search(pattern: re.Pattern[str], lowered: str) -> bool:
    """Whether a case-insensitive pattern matches a lowered sentence (run as its twin)."""
    return twin(pattern).search(lowered) is not None


def _found(finding: re.Pattern[str], hedge: re.Pattern[str], lowered: str) -> bool:
    """A match of ``finding`` that no ``hedge`` shortly before cancels (in a lowered
    sentence)."""
    for m in twin(finding).finditer(lowered):
        if not _search(hedge, lowered[max(0, m.start() - HEDGE_WINDOW):m.start()]):
            return True
    return False


def outcome_from(w: Wording) -> tuple[str, tuple[int, int]] | None:
    """The outcome the wording makes clear, with its sentence."""
    if w.fault:
        return "upheld", w.fault
    if w.discontinued or w.not_investigating:
        return "closed_after_initial_enquiries", w.discontinued or w.not_investigating
    if w.failing:  # fault with or without injustice is Upheld (DOMAIN §2.3)
        return "upheld", w.failing
    if w.no_fault:
        return "not_upheld", w.no_fault
    if w.remedy:  # a remedy given: an investigation found fault (DOMAIN §5.2)
        return "upheld", w.remedy
    return None


Signal = tuple[bool, tuple[int, int] | None]


def investigated_from(w: Wording, outcome: str | None) -> Signal | None:
    """Was it investigated? Wording first (a header "Upheld" can sit on a "We will not
    investigate" remedy), then the outcome."""
    if w.discontinued:
        return True, w.discontinued
    if w.not_investigating and not w.fault:
        return False, w.not_investigating
    finding = w.fault or w.failing or w.no_fault or w.remedy
    if outcome in ("upheld", "not_upheld"):
        return True, finding
    if outcome == "closed_after_initial_enquiries":
        return False, None
    if finding:
        return True, finding
    return None


def fault_from(w: Wording, outcome: str | None) -> Signal | None:
    """Fault found (only meaningful for an investigated decision)."""
    if w.fault or w.failing:
        return True, w.fault or w.failing
    if outcome == "upheld":
        return True, None
    if w.no_fault:
        return False, w.no_fault
    if outcome == "not_upheld":
        return False, None
    return None
