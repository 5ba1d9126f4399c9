"""Reasons for not investigating and the bodies a complainant is pointed to, from house phrasing.

The phrase table follows the trigger wording of DOMAIN.md §4 and the LGSCO house style of the
Summary / My assessment / Final decision. The caller passes only those parts (never "The
Ombudsman's role and powers", which lists tests that may not apply). Each hit carries the
sentence it was read from, so the record can quote it. Precision over recall: a model pass fills
the gaps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from extractor.facts.patterns import SentenceIndex

_W = r"(?:[\w'’(),-]+ )"  # one word and its space, for bounded gaps like {0,3}
_FLAGS = re.IGNORECASE


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives), _FLAGS)


@dataclass(frozen=True)
class PhraseRule:
    """``code`` when a sentence matches ``pattern`` and not ``unless``."""

    code: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None


_WN = r"(?:(?!not |never |no )[\w'’(),-]+ )"  # a word that is not a negation
# A sentence that reports the complainant's claim or wish ("Mr X says he could not appeal")
# gives no reason of the Ombudsman's (matched at the sentence start).
COMPLAINANT_CLAIM_REGEX = re.compile(
    r"(?:(?:However|But|And|Although|While),? )?(?:Mr|Mrs|Ms|Miss|Mx|Dr) [A-Z] (?:also |then )?"
    r"(?:says|said|claims|claimed|believes"
    r"|feels|felt|wants|wanted|considers|thinks|argues|disputes|disagrees)\b")

# Appeal routes: the route a sentence names decides tribunal / court / minister.
TRIBUNAL_WORDS = r"tribunal|appeal panel|independent panel|adjudicator"
COURT_WORDS = (r"courts?|magistrates|judicial review|legal action|legal proceedings"
               r"|Court of Protection|insurers?|insurance claim")
MINISTER_WORDS = r"Secretary of State|Planning Inspector(?:ate)?|government minister|Minister"
# "can appeal", "could have appealed", "had the right to appeal", "a right of appeal",
# "reasonable for him to have appealed", "reasonable ... to make an appeal".
APPEAL_AVAILABLE = (
    rf"\b(?:can|could|may|might|able to|(?:has|had|have) (?:a |the )?right (?:of|to)"
    rf"|right of|reasonable {_W}{{0,8}}to(?: have)?|(?:should|ought to) have|expect {_W}{{0,3}}to"
    rf"(?: have)?) {_WN}{{0,3}}(?:an? )?(?:appeal(?:ed)?|make an appeal|use (?:the|this|that|its|"
    rf"his|her|their) {_W}{{0,2}}appeal)\b")
APPEAL_USED = (
    r"\b(?:has|have|had) (?:already )?(?:appealed|lodged an appeal|made an appeal)"
    r"|\bappeal (?:is|was) (?:pending|ongoing|outstanding|being considered)"
    r"|\bwaiting for (?:a |the )?(?:\w+ )?(?:hearing|appeal)")

REASON_RULES: tuple[PhraseRule, ...] = (
    PhraseRule("no_evidence_of_fault", _rx(
        r"\b(?:not enough|insufficient|no|little|not sufficient) (?:evidence|sign|suggestion"
        r"|indication)s? of (?:any )?(?:administrative )?fault",
        rf"\bunlikely\b {_W}{{0,5}}(?:to )?find(?:ing)? (?:any )?fault",
        r"\bno fault (?:in|by|with) (?:the|how|its|what)\b")),
    PhraseRule("injustice_not_significant", _rx(
        rf"\b(?:not|no|insufficient|isn't) {_W}{{0,4}}significant {_W}{{0,3}}injustice",
        rf"\binjustice {_W}{{0,5}}(?:is|was|are|were) not {_W}{{0,2}}significant",
        r"\bnot significant enough", r"\bnot (?:sufficiently|serious enough|great enough)",
        r"\b(?:no|not|insufficient|unlikely)\b[^.\n]{0,150}\bsignificant (?:personal )?injustice",
        rf"\binjustice {_W}{{0,4}}(?:too small|minor|limited)\b")),
    PhraseRule("no_injustice_from_fault", _rx(
        rf"\bfault {_W}{{0,3}}(?:has|did|does|would|had) not (?:\w+ )?(?:caus|le[ad])\w* "
        rf"{_W}{{0,4}}injustice",
        rf"\b(?:insufficient|not enough|no) (?:evidence of )?{_W}{{0,6}}injustice caused",
        r"\bno (?:personal |significant |direct |claimed )?injustice (?:to|for|caused)",
        rf"\bnot (?:caused|suffered) {_W}{{0,2}}injustice"),
        unless=re.compile(r"significant", _FLAGS)),
    PhraseRule("cannot_add_to_previous_investigation", _rx(
        rf"\b(?:could|can|would|will) ?not add {_W}{{0,3}}to\b",
        rf"\bunlikely {_W}{{0,3}}(?:could|would|to|can) add (?:anything |much )?(?:more |further )?"
        rf"to\b",
        rf"\b(?:add|adding) (?:little|nothing) {_W}{{0,2}}to\b")),
    PhraseRule("no_different_outcome", _rx(
        rf"\b(?:not|unlikely to) {_W}{{0,3}}(?:lead to|result in|achieve|produce|bring about"
        rf"|make) (?:a |any )?(?:different|more|other|further) (?:outcomes?|results?"
        rf"|decision)")),
    PhraseRule("cannot_achieve_outcome_sought", _rx(
        rf"\b(?:cannot|can ?not|could not|unable to|not able to) {_W}{{0,2}}(?:achieve|provide"
        rf"|give|deliver|secure|get) {_W}{{0,4}}(?:outcomes?|remed(?:y|ies)|results?) "
        rf"{_W}{{0,3}}(?:wants?|sought|seeks?|seeking|wanted|desired)",
        r"\boutcome (?:\w+ ){0,4}(?:wants?|seeks?|sought) is not (?:one|something) (?:we|the "
        r"Ombudsman) can")),
    PhraseRule("satisfied_with_remedy", _rx(
        rf"\bachieve {_W}{{0,2}}(?:more|further|anything (?:more|further)|significantly more)"
        rf" than {_W}{{0,5}}(?:already|has|have|had)\b",
        rf"\b(?:Council|Authority|Provider|Home|Trust|organisation|it|they) (?:has|have|had) "
        rf"already {_W}{{0,3}}(?:offered|agreed|provided|apologi[sz]ed|taken|put|remedied"
        rf"|refunded|paid|cancelled|waived|done)",
        r"\b(?:suitable|appropriate|proportionate|reasonable|adequate|sufficient) remedy\b",
        r"\bsuitable (?:action|response|steps)\b",
        r"\b(?:has|have) (?:now |already |since )?taken (?:suitable|appropriate|proportionate"
        r"|reasonable|sufficient|adequate) (?:action|steps)\b",
        rf"\bremed(?:y|ies|ied) (?:the|any|this|that) {_W}{{0,2}}injustice",
        r"\bin line with what we would", r"\bsatisfied with (?:the|its|their)\b",
        r"\b(?:Council|Authority|Provider|Home|Trust|organisation|it) (?:has|have) (?:now |since "
        r"|already )?agreed to\b",
        r"\bwhat we would (?:normally |usually )?(?:recommend|ask for|expect|seek)")),
    PhraseRule("no_worthwhile_outcome", _rx(
        r"\bno worthwhile outcome",
        rf"\b(?:not|unlikely to) {_W}{{0,2}}achieve (?:anything|a worthwhile|any (?:meaningful"
        rf"|worthwhile))"),
        unless=re.compile(r"\bthan\b", _FLAGS)),
    PhraseRule("other_body_better_placed", _rx(
        r"\b(?:better|best|more appropriately|more suitably) (?:placed|suited)\b",
        r"\bmore appropriate (?:body|organisation|route|forum)",
        rf"\breasonable {_W}{{0,8}}(?:complain|refer (?:it|this|the matter)|go|raise "
        rf"{_W}{{0,3}}(?:with|to)) {_W}{{0,2}}(?:to |with )?the (?:Information Commissioner|ICO"
        rf"|Housing Ombudsman|Parliamentary|PHSO|Care Quality|CQC|Ofsted|police)")),
    # "the ICO is the appropriate body to ..." (a tribunal or court so named is an appeal route)
    PhraseRule("other_body_better_placed", _rx(
        r"\bthe (?:appropriate|right|proper|correct) (?:body|organisation|place|forum) "
        r"(?:to|for)\b"),
        unless=re.compile(rf"{TRIBUNAL_WORDS}|{COURT_WORDS}|{MINISTER_WORDS}", _FLAGS)),
    PhraseRule("use_review_or_appeal_first", _rx(
        rf"\b(?:use|using|request|ask for|apply for) {_W}{{0,2}}(?:right of|right to "
        rf"(?:a |request a |ask for a )?)(?:statutory |suitability |formal )?review\b",
        r"\bask (?:the \w+ )?(?:for |to )(?:a )?(?:statutory |suitability )?review\b",
        r"\bright to (?:request |ask for )?(?:a |an )?(?:statutory |suitability |formal )?review\b",
        r"\b(?:s\.?|section )202\b(?! of)", r"\bsuitability review")),
    PhraseRule("complaint_handling_only", _rx(
        r"\bnot (?:a )?good use of public\b",
        rf"\bcomplaints?[- ]handling {_W}{{0,8}}(?:alone|on its own|in isolation|standalone"
        rf"|stand-alone|separately)",
        rf"\b(?:not|no) {_W}{{0,3}}investigate {_W}{{0,3}}(?:complaints?[- ]handling|complaints"
        rf" procedures?)")),
    PhraseRule("tribunal_appeal_used", _rx(
        rf"(?:{APPEAL_USED}) {_W}{{0,6}}(?:{TRIBUNAL_WORDS})", rf"(?:{TRIBUNAL_WORDS}) "
        rf"{_W}{{0,3}}(?:has|have) (?:already )?(?:decided|considered|dismissed|upheld|heard)")),
    PhraseRule("tribunal_appeal_available", _rx(
        rf"(?:{APPEAL_AVAILABLE}) {_W}{{0,8}}(?:{TRIBUNAL_WORDS})"),
        unless=re.compile(APPEAL_USED, _FLAGS)),
    PhraseRule("minister_appeal_available", _rx(
        rf"(?:{APPEAL_AVAILABLE}|\b(?:can|could|may) {_W}{{0,3}}(?:object|make "
        rf"{_W}{{0,2}}objections?|refer)) {_W}{{0,8}}(?:{MINISTER_WORDS})")),
    PhraseRule("court_remedy_used", _rx(
        rf"\b(?:has|have|had) (?:already )?(?:started|taken|issued|begun|commenced|brought"
        rf"|lodged) {_W}{{0,2}}(?:court|legal|judicial review) (?:action|proceedings|case|claim)",
        r"\b(?:has|have|had) (?:already )?(?:taken|gone) (?:the matter |this |it )?to court")),
    PhraseRule("court_remedy_available", _rx(
        rf"\b(?:can|could|may|able to|(?:has|had) the right to|reasonable {_W}{{0,8}}to"
        rf"(?: have)?) {_WN}{{0,3}}(?:take|taken|go|gone|apply|appeal(?:ed)?|make a claim"
        rf"|bring|brought|seek|pursue|start) {_W}{{0,5}}(?:to |in |through |at |a |the )?"
        rf"(?:{COURT_WORDS})\b",
        r"\b(?:court|courts|magistrates'? court|county court) (?:is|are|would be) (?:better"
        r"|best) placed"),
        unless=re.compile(r"\b(?:has|have|had) (?:already )?(?:started|taken|gone)\b", _FLAGS)),
    PhraseRule("court_proceedings_matter", _rx(
        r"\bcourt reports?\b", r"\bwhat happen(?:s|ed) in court",
        rf"\b(?:because|as|since) (?:a |the )?court {_W}{{0,2}}(?:dealt|considered|decided"
        rf"|made)", r"\bused in (?:the )?court proceedings",
        r"\b(?:start|starting|conduct) of (?:court|legal) (?:action|proceedings)",
        rf"\b(?:about|concerns?|concerning|relat\w+ to) {_W}{{0,4}}(?:court|care) proceedings")),
    PhraseRule("late_complaint", _rx(
        r"\blate complaints?\b",
        r"\b(?:is|was|are|were|also|too|complained) late\b(?! (?:father|mother|husband|wife|son"
        r"|daughter|partner|brother|sister|parent|grand\w+|aunt|uncle|relative))",
        r"\bmore than (?:12|twelve) months (?:after|before|to complain|later)",
        r"\boutside the (?:permitted |normal )?(?:12|twelve)[- ]month")),
    PhraseRule("premature", _rx(
        r"\bpremature(?:ly)?\b",
        rf"\bnot (?:yet )?(?:completed|finished|been through|exhausted|used) (?:the |its |their )?"
        rf"{_W}{{0,2}}complaints? (?:procedure|process)",
        rf"\bnot (?:yet )?{_W}{{0,2}}(?:had|given) {_W}{{0,2}}(?:chance|opportunity) to "
        rf"{_W}{{0,2}}(?:respond|investigate|consider|reply)")),
    PhraseRule("affects_all_or_most", _rx(r"\ball or most (?:\w+ ){0,3}(?:people|residents"
                                          r"|inhabitants|of the)")),
    PhraseRule("public_body_complainant", _rx(
        r"\bcomplaints? from (?:a |an )?(?:public bod(?:y|ies)|town council|parish council)")),
    PhraseRule("body_out_of_jurisdiction", _rx(
        rf"\b(?:cannot|can ?not|no (?:legal )?power to|not able to) investigate {_W}{{0,2}}"
        rf"(?:the )?(?:actions?|decisions?|complaints? about) "
        rf"(?:of |by )?(?:an? |the )?(?:academ(?:y|ies)|free school|parish council|town council"
        rf"|private (?:company|firm|landlord)|housing association)")),
    PhraseRule("school_internal_matter", _rx(
        r"\bwhat happens in (?:a |the )?schools?\b",
        rf"\bcannot investigate {_W}{{0,2}}(?:the )?(?:actions?|decisions?|conduct|complaints? "
        rf"about) (?:of |by )?(?:an? |the )?(?:school|schools|head ?teachers?|governors)\b",
        r"\b(?:internal|inside) (?:management|matters|affairs) of (?:a |the )?school",
        r"\bschool'?s? internal (?:management|matters|affairs|decisions)")),
    PhraseRule("social_housing_landlord", _rx(
        r"\bHousing Ombudsman", r"\b(?:as|in its (?:role|capacity) as) (?:a |the |its )?"
        r"(?:social )?landlord\b")),
    PhraseRule("personnel_matter", _rx(r"\bpersonnel (?:matters?|issues?)\b")),
    PhraseRule("commercial_matter", _rx(r"\bcommercial (?:matters?|transactions?|decisions?)\b",
                                        r"\bcontractual (?:matters?|disputes?)\b")),
)

# Fast path: each code's pattern can only match text holding one of these lower-case strings,
# so a block without any is skipped without running the pattern.
NEEDLES: dict[str, tuple[str, ...]] = {
    "no_evidence_of_fault": ("fault",),
    "injustice_not_significant": ("significant", "sufficiently", "serious enough",
                                  "great enough", "injustice"),
    "no_injustice_from_fault": ("injustice",),
    "cannot_add_to_previous_investigation": ("add",),
    "no_different_outcome": ("outcome", "result", "decision"),
    "cannot_achieve_outcome_sought": ("outcome", "remed", "result"),
    "satisfied_with_remedy": ("than", "already", "remed", "action", "response", "steps",
                              "in line with", "satisfied", "what we would", "agreed to"),
    "no_worthwhile_outcome": ("worthwhile", "achieve"),
    "other_body_better_placed": ("placed", "suited", "appropriate", "reasonable"),
    "use_review_or_appeal_first": ("review", "202"),
    "complaint_handling_only": ("good use of public", "complaint"),
    "tribunal_appeal_used": ("tribunal", "panel", "adjudicator"),
    "tribunal_appeal_available": ("tribunal", "panel", "adjudicator"),
    "minister_appeal_available": ("secretary of state", "inspector", "minister"),
    "court_remedy_used": ("court", "legal", "judicial"),
    "court_remedy_available": ("court", "magistrates", "judicial", "legal", "insur"),
    "court_proceedings_matter": ("court", "proceedings"),
    "late_complaint": ("late", "month"),
    "premature": ("premature", "chance", "opportunity", "procedure", "process"),
    "affects_all_or_most": ("all or most",),
    "public_body_complainant": ("public bod", "town council", "parish council"),
    "body_out_of_jurisdiction": ("investigate",),
    "school_internal_matter": ("school",),
    "social_housing_landlord": ("housing ombudsman", "landlord"),
    "personnel_matter": ("personnel",),
    "commercial_matter": ("commercial", "contractual"),
    "information_commissioner": ("information commissioner", "ico"),
    "housing_ombudsman": ("housing ombudsman",),
    "phso": ("ombudsman", "phso"),
    "planning_inspectorate": ("planning inspector",),
    "police": ("police",),
    "regulator_other": ("care quality", "cqc", "ofsted", "ofcom", "ombudsman", "commission",
                        "social work england", "public guardian", "traffic commissioner",
                        "environment agency"),
}

# referred_to: a body named in the reason parts of a decision not investigated.
REFERRAL_RULES: tuple[PhraseRule, ...] = (
    PhraseRule("information_commissioner", _rx(r"\bInformation Commissioner", r"\bICO\b")),
    PhraseRule("housing_ombudsman", _rx(r"\bHousing Ombudsman")),
    PhraseRule("phso", _rx(r"\bParliamentary and Health Service Ombudsman", r"\bPHSO\b",
                           r"\bHealth Service Ombudsman")),
    PhraseRule("planning_inspectorate", _rx(r"\bPlanning Inspector(?:ate)?\b")),
    PhraseRule("police", _rx(r"\b(?:report|refer|take|raise) {0}{{0,4}}(?:to|with) the police"
                             .format(_W), r"\bmatter for the police")),
    PhraseRule("regulator_other", _rx(
        r"\bCare Quality Commission|\bCQC\b|\bOfsted\b|\bOfcom\b|\bFinancial Ombudsman"
        r"|\bPensions Ombudsman|\bCharity Commission|\bSocial Work England|\bPublic Guardian"
        r"|\bTraffic Commissioner|\bEnvironment Agency"),
        unless=re.compile(r"\bshar(?:e|ed|ing)\b", _FLAGS)),
)
# Reasons that point the complainant somewhere.
REFERRAL_FROM_REASON: dict[str, str] = {
    "tribunal_appeal_available": "tribunal", "court_remedy_available": "courts",
    "social_housing_landlord": "housing_ombudsman"}
# A sentence whose appeal wording names no route takes it from the citations.
ROUTE_BY_CITATION: dict[str, str] = {
    "LGA1974 s26(6)(a)": "tribunal_appeal_available", "LGA1974 s26(6)(b)":
    "minister_appeal_available", "LGA1974 s26(6)(c)": "court_remedy_available"}
APPEAL_AVAILABLE_REGEX = re.compile(APPEAL_AVAILABLE, _FLAGS)
ANY_ROUTE_REGEX = re.compile(rf"{TRIBUNAL_WORDS}|{COURT_WORDS}|{MINISTER_WORDS}", _FLAGS)


@dataclass(frozen=True)
class Hit:
    code: str
    start: int
    end: int


def match_rules(rules: Iterable[PhraseRule], text: str, sentences: list[tuple[int, int]]
                ) -> list[Hit]:
    """First sentence (in order) that each rule's code matches."""
    index = SentenceIndex(sentences, text)
    hits: dict[str, Hit] = {}
    for rule in rules:
        if rule.code in hits:
            continue
        for _m, (start, end) in index.matches(rule.pattern, NEEDLES.get(rule.code, ())):
            if COMPLAINANT_CLAIM_REGEX.match(text, start, end):
                continue
            if rule.unless is None or not rule.unless.search(text, start, end):
                hits[rule.code] = Hit(rule.code, start, end)
                break
    return sorted(hits.values(), key=lambda h: h.start)


def find_reasons(text: str, sentences: list[tuple[int, int]], citations: Iterable[str]
                 ) -> list[Hit]:
    """Reason codes of the given sentences; bare appeal wording takes its route from the
    cited s26(6)(a)/(b)/(c) when exactly one is cited."""
    hits = match_rules(REASON_RULES, text, sentences)
    routes = {ROUTE_BY_CITATION[c] for c in citations if c in ROUTE_BY_CITATION}
    if len(routes) == 1 and not any(h.code in ROUTE_BY_CITATION.values() for h in hits):
        hits.extend(_bare_appeal_hits(text, sentences, routes.pop()))
    return hits


def _bare_appeal_hits(text: str, sentences: list[tuple[int, int]], code: str) -> list[Hit]:
    for start, end in sentences:
        sentence = text[start:end]
        if APPEAL_AVAILABLE_REGEX.search(sentence) and not ANY_ROUTE_REGEX.search(sentence):
            return [Hit(code, start, end)]
    return []


def find_referrals(text: str, sentences: list[tuple[int, int]], reasons: Iterable[Hit]
                   ) -> list[Hit]:
    """Bodies named in the given sentences, plus the routes the reasons point to."""
    hits = match_rules(REFERRAL_RULES, text, sentences)
    have = {h.code for h in hits}
    for reason in reasons:
        code = REFERRAL_FROM_REASON.get(reason.code)
        if code and code not in have:
            have.add(code)
            hits.append(Hit(code, reason.start, reason.end))
    return hits
