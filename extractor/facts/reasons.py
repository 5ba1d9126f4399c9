"""Reasons for not investigating and the bodies a complainant is pointed to, from house phrasing.

The phrase rules (``extractor.vocab``) follow the trigger wording of DOMAIN.md §4 and the LGSCO
house style of the Summary / My assessment / Final decision. The caller passes only those
parts (never "The Ombudsman's role and powers", which lists tests that may not apply). Each hit
carries the sentence it was read from, so the record can quote it. Precision over recall: a
model pass fills the gaps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from extractor.facts.patterns import TITLE_REGEX_PART, TextView
from extractor.vocab import REASONS, REFERRAL_FROM_REASON, REFERRALS
from extractor.vocab.phrases import ANY_ROUTE, APPEAL_AVAILABLE, FLAGS


@dataclass(frozen=True)
class PhraseRule:
    """``code`` when a sentence matches ``pattern`` and not ``unless``."""

    code: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None
    in_wish: bool = False  # may match a sentence that starts with the person's wish
    needles: tuple[str, ...] = ()  # fast path: run only on sentences holding one


# A sentence that reports the complainant's claim or wish ("Mr X says he could not appeal")
# gives no reason of the Ombudsman's (matched at the sentence start).
COMPLAINANT_CLAIM_REGEX = re.compile(
    rf"(?:(?:However|But|And|Although|While),? )?{TITLE_REGEX_PART} [A-Z] (?:also |then )?"
    r"(?:says|said|claims|claimed|believes"
    r"|feels|felt|wants|wanted|considers|thinks|argues|disputes|disagrees)\b")

# The phrase rules of every code, from the vocabulary, with their fast-path needles (the
# phrase's own, else its code's).
REASON_RULES: tuple[PhraseRule, ...] = tuple(
    PhraseRule(r.code, ph.pattern, ph.unless, ph.in_wish, ph.needles or r.needles)
    for r in REASONS for ph in r.phrases)
REFERRAL_RULES: tuple[PhraseRule, ...] = tuple(
    PhraseRule(r.code, ph.pattern, ph.unless, ph.in_wish, ph.needles or r.needles)
    for r in REFERRALS for ph in r.phrases)
FAST_PATH = True  # use the needles (the results are the same without: they only skip work)
# A sentence whose appeal wording names no route takes it from the citations: the open
# routes grounded in one paragraph of s26(6) ("LGA1974 s26(6)(a)" -> tribunal_appeal_available).
ROUTE_BY_CITATION: dict[str, str] = {
    f"LGA1974 {r.grounds[0]}": r.code for r in REASONS
    if len(r.grounds) == 1 and r.grounds[0].startswith("s26(6)(") and not r.legal_bar}
# Routes whose codes exclude each other: an injustice is either none or too small, never both
# (the first the decision states, the Summary's before the assessment's, is its reason).
EXCLUSIVE_ROUTE: dict[str, str] = {r.code: r.route for r in REASONS if r.route == "injustice"}
APPEAL_AVAILABLE_REGEX = re.compile(APPEAL_AVAILABLE, FLAGS)
ANY_ROUTE_REGEX = re.compile(ANY_ROUTE, FLAGS)


@dataclass(frozen=True)
class Hit:
    code: str
    start: int
    end: int


def match_rules(rules: Iterable[PhraseRule], text: str, sentences: list[tuple[int, int]],
                view: TextView | None = None) -> list[Hit]:
    """First sentence (in order) that each rule's code matches (``view``: the document's
    shared view of ``text``, when the caller has one)."""
    if not sentences:
        return []
    index = (view or TextView(text)).index(sentences)
    hits: dict[str, Hit] = {}
    for rule in rules:
        if rule.code in hits or (FAST_PATH and rule.needles and not index.holding(rule.needles)):
            continue  # found already, or none of its needles is in these sentences
        for _m, (start, end) in index.matches(rule.pattern,
                                              rule.needles if FAST_PATH else ()):
            if not rule.in_wish and COMPLAINANT_CLAIM_REGEX.match(text, start, end):
                continue
            if rule.unless is None or not rule.unless.search(text, start, end):
                hits[rule.code] = Hit(rule.code, start, end)
                break
    return sorted(hits.values(), key=lambda h: h.start)


def find_reasons(text: str, sentences: list[tuple[int, int]], citations: Iterable[str],
                 view: TextView | None = None) -> list[Hit]:
    """Reason codes of the given sentences; bare appeal wording takes its route from the
    cited s26(6)(a)/(b)/(c) when exactly one is cited."""
    hits = _first_of_exclusive(match_rules(REASON_RULES, text, sentences, view))
    routes = {ROUTE_BY_CITATION[c] for c in citations if c in ROUTE_BY_CITATION}
    if len(routes) == 1 and not any(h.code in ROUTE_BY_CITATION.values() for h in hits):
        hits.extend(_bare_appeal_hits(text, sentences, routes.pop()))
    return hits


def _first_of_exclusive(hits: list[Hit]) -> list[Hit]:
    """Hits (in text order) without a later code of an exclusive route already stated."""
    seen: set[str] = set()
    kept = []
    for hit in hits:
        route = EXCLUSIVE_ROUTE.get(hit.code)
        if route in seen:
            continue
        if route:
            seen.add(route)
        kept.append(hit)
    return kept


def _bare_appeal_hits(text: str, sentences: list[tuple[int, int]], code: str) -> list[Hit]:
    for start, end in sentences:
        sentence = text[start:end]
        if APPEAL_AVAILABLE_REGEX.search(sentence) and not ANY_ROUTE_REGEX.search(sentence):
            return [Hit(code, start, end)]
    return []


def find_referrals(text: str, sentences: list[tuple[int, int]], reasons: Iterable[Hit],
                   view: TextView | None = None) -> list[Hit]:
    """Bodies named in the given sentences, plus the routes the reasons point to."""
    hits = match_rules(REFERRAL_RULES, text, sentences, view)
    have = {h.code for h in hits}
    for reason in reasons:
        code = REFERRAL_FROM_REASON.get(reason.code)
        if code and code not in have:
            have.add(code)
            hits.append(Hit(code, reason.start, reason.end))
    return hits
