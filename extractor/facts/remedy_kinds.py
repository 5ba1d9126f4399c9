"""Remedy kinds: what the body agreed, offered, did or was recommended to do (DOMAIN §5.1).

A kind's phrase counts only where a remedy frame governs it: the nearest frame or wish before
it is a frame ("has agreed to", "will", "should", "we recommend", "to remedy ... by", "has
already apologised"), or it stands in an "Agreed action" list (or after a lead-in such as
"The Council has agreed to:"), or a passive frame follows it ("Service improvement is
recommended"). The complainant's wish ("Mr X wants the Council to apologise") governs
nothing, and a negation just before the phrase ("did not apologise", "failed to review")
cancels it.

What the body has since done ("has since reassessed her") is a remedy. What it had already
done before ("had already apologised", "already refunded", "the Council apologised in its
reply") is the remedy only where the decision gives none of its own (no agreed, recommended or
since-given kind), where its sentence accepts it ("already apologised, which is suitable
action"), or where the decision rests on it (the caller says so: satisfied_with_remedy):
beside an agreed remedy, an earlier apology or refund is context.

The catch-all ``other`` is an agreed action that no kind names: an item of a frame's list
("agreed to apologise, pay £250 and explain what it has done") whose verb is one of the
vocabulary's ``item_verbs``, read only when the caller says a remedy is expected (fault found).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractor.facts.patterns import TextView, twin
from extractor.facts.remedies import NEGATION_WINDOW, NOT_GIVEN_REGEX
from extractor.vocab import REMEDIES, REMEDY
from extractor.vocab.phrases import PERSON, phrase

# ``phrase``: a case-insensitive pattern compiled when first used (most run as their lowered
# twins, ``patterns.twin``, and the originals are then never compiled).

# Each kind's phrase rules and, one per rule, their fast-path needles, from the vocabulary
# ("other" has none).
REMEDY_KIND_REGEXES: dict[str, tuple[re.Pattern[str], ...]] = {
    r.kind: (r.pattern, *(ph.pattern for ph in r.more)) for r in REMEDIES
    if r.pattern is not None}
KIND_NEEDLES: dict[str, tuple[tuple[str, ...], ...]] = {
    r.kind: (r.needles, *(ph.needles for ph in r.more)) for r in REMEDIES}

OTHER_VERBS = frozenset(REMEDY["other"].item_verbs)

# A frame giving the remedies after it: agreement, recommendation, an undertaking, "to
# remedy ... by". Not "will not", "should have".
FORWARD_FRAME = (
    r"\bagree(?:s|d|ing)?\b|\b(?:will|shall|must|(?:is|are) to|needs? to)\b"
    r"(?! not\b| have\b| be (?:un)?(?:able|likely))|\bshould\b(?! not\b| have\b)"
    r"|\brecommend\w*|\bask(?:s|ed)? (?:the \w+ |it |them )?to\b|\boffer(?:s|ed)? to\b"
    r"|\bundert(?:akes|ook|aken) to\b|\bpropos\w+|\bremed(?:y|ies|ied)\b"
    r"|\baccept(?:s|ed)? (?:our|the|my) recommendations?")
# A remedy the body has already given: "it has since partially reassessed her", "the Council
# apologised", "already refunded" (not "Mr X has paid": see PERSON_BEFORE_REGEX).
DONE_FRAME = (
    r"\b(?:has|have|had) (?:now |since |already |also |then )*(?:\w+ly )?(?=(?:apologi|refund"
    r"|reimburs|waiv|cancel|credit|reduc|paid|offer|reassess|review|re-?consider|agreed|provid"
    r"|made|sent|arrang|chang|amend|updat|remind|train|writ|remov|put|correct|implement"
    r"|introduc|issu|complet)\w*)|\balready\b"
    r"|\b(?:Council|Authority|Provider|Home|Trust|School|organisation|it|they) (?:also |then "
    r"|later |subsequently )?(?:apologi[sz]ed|refunded|reimbursed|waived|cancelled|credited"
    r"|offered|paid)\b")
FRAME_REGEX = phrase(rf"(?P<forward>{FORWARD_FRAME})|(?P<done>{DONE_FRAME})")
# A done frame told as before the Ombudsman looked: "had ...", "already", a plain past ("the
# Council apologised"), not "has since" / "has now".
BEFORE_FRAME_REGEX = phrase(r"had\b|.*\balready\b|(?!ha(?:s|ve)\b)")
PERSON_BEFORE_REGEX = phrase(rf"{PERSON}\s+$")
# "should have reassessed", "to have apologised": what was not done.
MODAL_BEFORE_REGEX = phrase(r"\b(?:should|could|would|might|must|ought to|to|may)\s+$")
# Where no remedy is expected (no fault found), a remedy already given counts for every kind
# but a review: an earlier review or reassessment is more often what was complained about.
DONE_KINDS_WITHOUT_FAULT = ("apology", "payment", "refund_or_waiver", "service_improvement")
# A frame in a question or a condition gives nothing: "whether the Council should provide".
HYPOTHETICAL_BEFORE_REGEX = phrase(r"\b(?:whether|if|unless)\b(?:\W+\w+){0,4}\W*$")
# A frame after the remedy it gives: "Service improvement is recommended".
PASSIVE_FRAME_REGEX = phrase(
    r"\b(?:is|are|was|were|has been|have been|will be|should be) (?:also |now )?"
    r"(?:recommended|agreed|proposed|offered|provided|made|given|sent|issued)\b")
# The complainant's wish, claim or complaint: governs nothing after it.
WISH_REGEX = phrase(
    rf"{PERSON} (?:also |further |now |still )?(?:wants?|wanted|would like|asks?|asked"
    r"|seeks?|sought|requests?|requested|is seeking|complain\w*|says?|said|claims?|claimed"
    r"|expects?|expected|hopes?|disagrees?|believes?|feels?|felt|thinks?|considers?"
    r"|argues?)\b|\boutcome (?:\w+ ){0,2}(?:wants?|wanted|seeks?|sought)\b")

# A sentence that accepts what the body did as its remedy: "which is suitable action", "its
# apology was proportionate", "we are satisfied with".
ACCEPTED_REGEX = phrase(
    r"\b(?:suitable|appropriate|proportionate|adequate|sufficient|satisfactory|fair|enough)"
    r" (?:remedy|remedies|action|response|steps|offer|apology)\b|\b(?:is|was|are|were) (?:a |an"
    r" )?(?:suitable|appropriate|proportionate|reasonable|adequate|sufficient|satisfactory"
    r"|fair|enough)\b|\bsatisfied\b|\bin line with (?:what we|our guidance)")

# "other": where the items of an agreed action start ("agreed to", "will", "should", "we
# recommend (that) the Council"), how they split, and what is not a remedy of its own.
ITEM_FRAME_REGEX = phrase(
    r"\b(?:agree(?:s|d)?|agreeing|offer(?:s|ed)?|undert\w+) to\s+"
    r"|\b(?:will|should|must|shall)\s+(?!not\b|have\b|be\b|need\b)"
    r"|\brecommend(?:s|ed)?(?: that)?\s+(?:the (?:\w+ ){1,2}?(?:should )?)?"
    # what the body has since done, its items in the past ("has since arranged a meeting")
    r"|\b(?:has|have) (?:since|now|subsequently)\s+")
ITEM_ADVERBS = frozenset(("also", "then", "now", "further", "immediately", "promptly", "still"))
ITEM_SPLIT_REGEX = re.compile(r"\s*[,;:]\s*(?:and |or |then )?|\s+(?:and|or|then) (?:to )?")
# "the need to consider and record": the second verb shares the first one's "to".
SHARED_TO_REGEX = phrase(r"\bto \w+ (?:and|or) (?=\w)")
# Compliance and generic wording: "provide us with evidence", "put forward a remedy".
NOT_AN_ACTION_REGEX = phrase(
    r"\bevidence\b|\bcompl(?:y|ied|iance)\b|\b(?:to|with) us\b|\bthe Ombudsman\b"
    r"|\breport back\b|\bremed(?:y|ies)\b|\brecommendations?\b")

# A sentence that lists what the sentence before agreed: "This included an apology".
INCLUDES_REGEX = phrase(
    r"(?:This|These|They|Those|It|The (?:remedy|remedies|recommendations?|actions?))"
    r" (?:also )?(?:include[sd]?|included|involve[sd]?|(?:is|are|was|were) to)\b")

Part = tuple[list[tuple[int, int]], bool]  # the sentences of a part; a list of actions?


def find_remedy_kinds(text: str, parts: Iterable[Part], expected: bool = False,
                      accepted: bool = False, view: TextView | None = None
                      ) -> list[tuple[str, int, int]]:
    """(kind, sentence start, end) of each remedy kind the parts give, first mention.

    ``parts``: the sentences of each part of the decision, with a flag saying whether the
    part is a list of actions (an "Agreed action" section). ``expected``: a remedy is expected
    (fault was found): read the catch-all "other", and count every kind a body has already
    given. ``accepted``: the decision accepts what the body had already done as the remedy.
    ``view``: the document's shared view of ``text``, when the caller has one."""
    view = view or TextView(text)
    low = view.lowered  # every pattern but ITEM_SPLIT_REGEX is case-insensitive: run as twins
    found: dict[str, tuple[str, int, int]] = {}
    before: dict[str, tuple[str, int, int]] = {}  # given by the body before: context or remedy
    for sentences, listed in parts:
        if not sentences:
            continue
        hits = _kind_hits(text, sentences, expected, view)
        carry, previous = listed, (0, 0)
        for i, (start, end) in enumerate(sentences):
            if i in hits or (carry and expected):  # a list line may hold an "other" action
                inherit = carry or (twin(INCLUDES_REGEX).match(low, start, end) is not None
                                    and twin(FRAME_REGEX).search(low, *previous) is not None)
                for kind, via in _sentence_kinds(text, low, start, end, hits.get(i, []),
                                                 inherit, expected):
                    given = (via != "before" or accepted
                             or twin(ACCEPTED_REGEX).search(low, start, end))
                    (found if given else before).setdefault(kind, (kind, start, end))
            carry = carry or (text[start:end].rstrip().endswith(":")
                              and twin(FRAME_REGEX).search(low, start, end) is not None)
            previous = (start, end)
    if not found:
        found = before
    return sorted(found.values(), key=lambda k: k[1])


def _kind_hits(text: str, sentences: list[tuple[int, int]], expected: bool, view: TextView
               ) -> dict[int, list[tuple[str, int]]]:
    """Sentence index -> (kind, position) of each kind phrase in it, in kind order (a kind's
    rule runs only on the sentences holding one of its needles). With ``expected``, a
    sentence with an item frame is listed too (it may hold an "other" action)."""
    index = view.index(sentences)
    number = {sentence: i for i, sentence in enumerate(sentences)}
    found: dict[int, list[tuple[str, int]]] = {}
    for kind, regexes in REMEDY_KIND_REGEXES.items():
        gates = KIND_NEEDLES[kind]
        for j, regex in enumerate(regexes):
            if gates and gates[j] and not index.holding(gates[j]):
                continue  # none of its needles is in these sentences
            for m, sentence in index.matches(regex, gates[j] if gates else ()):
                found.setdefault(number[sentence], []).append((kind, m.start()))
    hits = {i: found[i] for i in sorted(found)}
    if expected:
        item_frame, lowered = twin(ITEM_FRAME_REGEX), view.lowered
        for i, (start, end) in enumerate(sentences):
            if i not in hits and item_frame.search(lowered, start, end):
                hits[i] = []
    return hits


def _sentence_kinds(text: str, low: str, start: int, end: int, hits: list[tuple[str, int]],
                    listed: bool, expected: bool) -> list[tuple[str, str]]:
    """(kind, "forward" / "done" / "before") of each kind of a sentence's phrases (``hits``)
    it gives, and "other" when a remedy is expected (``low``: the lowered text)."""
    governors = _governors(low, start, end)
    if not governors and not listed and not twin(PASSIVE_FRAME_REGEX).search(low, start, end):
        return []
    kinds: list[tuple[str, str]] = []
    for kind, pos in hits:
        allowed = ("forward", "done", "before") if expected or kind in DONE_KINDS_WITHOUT_FAULT \
            else ("forward",)
        via = _governor(low, pos, end, governors, listed)
        if via in allowed and not any(k == kind for k, _v in kinds):
            kinds.append((kind, via))
    if expected and _other_action(text, low, start, end, listed):
        kinds.append(("other", "forward"))
    return kinds


def _governors(low: str, start: int, end: int) -> list[tuple[int, str]]:
    """(position, "forward" / "done" / "before" / "wish") of each frame and wish of a
    sentence of the lowered text, in order."""
    found = [(m.start(), _frame_label(low, start, m)) for m in twin(FRAME_REGEX).finditer(
        low, start, end)]
    found += [(m.start(), "wish") for m in twin(WISH_REGEX).finditer(low, start, end)]
    return sorted(found)


def _frame_label(low: str, start: int, m: re.Match[str]) -> str:
    """"forward" / "done" / "before"; "wish" for a frame in a condition, or a done frame whose
    subject is the person ("Mr X has paid") or that follows a modal ("should have
    reassessed"). ``low``: the lowered text, ``m`` a match of the frame's twin in it."""
    before = low[max(start, m.start() - 40):m.start()]
    if twin(HYPOTHETICAL_BEFORE_REGEX).search(before):
        return "wish"
    if m.lastgroup == "done" and (twin(PERSON_BEFORE_REGEX).search(before)
                                  or twin(MODAL_BEFORE_REGEX).search(before)):
        return "wish"
    if m.lastgroup == "done" and twin(BEFORE_FRAME_REGEX).match(m.group()):
        return "before"
    return m.lastgroup or ""


def _governor(low: str, pos: int, end: int, governors: list[tuple[int, str]], listed: bool
              ) -> str | None:
    """What governs the phrase at ``pos``: the nearest frame or wish before it, else the list
    it stands in or a passive frame after it; None when negated or ungoverned."""
    if twin(NOT_GIVEN_REGEX).search(low, max(0, pos - NEGATION_WINDOW), pos):
        return None
    before = [label for at, label in governors if at <= pos]
    if before:
        return before[-1]
    if listed or twin(PASSIVE_FRAME_REGEX).search(low, pos, end):
        return "forward"
    return None


def _other_action(text: str, low: str, start: int, end: int, listed: bool) -> bool:
    """An agreed action that no kind names, read from the items after a frame (or the items
    of a list line; the frames found in the lowered text ``low``, the items read in
    ``text``)."""
    tails = [m.end() for m in twin(ITEM_FRAME_REGEX).finditer(low, start, end)
             if not twin(WISH_REGEX).search(low, start, m.start())
             and not twin(HYPOTHETICAL_BEFORE_REGEX).search(low, max(start, m.start() - 40),
                                                            m.start())]
    if listed and not tails:
        tails = [start]
    for tail in tails:
        joined = SHARED_TO_REGEX.sub(lambda m: m.group().replace(" ", "_"), text[tail:end])
        for item in ITEM_SPLIT_REGEX.split(joined):
            if _is_other(item):
                return True
    return False


def _base_verb(word: str) -> str:
    """The listed verb a word is a form of ("explains", "arranged", "added" -> "add"), else the
    word."""
    for suffix in ("s", "d", "ed"):
        if word.endswith(suffix) and word[:-len(suffix)] in OTHER_VERBS:
            return word[:-len(suffix)]
    return word


def _is_other(item: str) -> bool:
    item = item.replace("_", " ")
    words = [w for w in item.lower().split(maxsplit=3) if w not in ITEM_ADVERBS]
    if not words:
        return False
    verb = _base_verb(words[0])
    if verb not in OTHER_VERBS or NOT_AN_ACTION_REGEX.search(item):
        return False
    return not any(r.search(item) for regexes in REMEDY_KIND_REGEXES.values()
                   for r in regexes)
