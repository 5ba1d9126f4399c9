"""Patterns of the facts stage: references, dates, money, pseudonyms, Acts, URLs, citations."""

from __future__ import annotations

import re

import pytest

from extractor.facts import patterns as p
from extractor.facts.citations import find_citations

# --- case references -----------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("22 001 239", "22 001 239"),
    ("22-001-239", "22 001 239"),
    ("22001239", "22 001 239"),
    ("17 002 402b", "17 002 402b"),
    ("22-018-059a", "22 018 059a"),
    (" 24 005 669 ", "24 005 669"),
    ("96/A/1637", None),          # legacy regional-Ombudsman report: not a decision reference
    ("97/C/3705", None),
    ("22 001 23", None),
    ("2200123999", None),
])
def test_normalise_ref(value, expected):
    assert p.normalise_ref(value) == expected


@pytest.mark.parametrize("text, expected", [
    ("Hampshire County Council (22 001 239)", "22 001 239"),
    ("see case 17 002 402b here", "17 002 402b"),
    ("phone 0161 222 3333 4", None),     # part of a longer number
    ("22 001 2390", None),
])
def test_display_ref_in_text(text, expected):
    m = p.DISPLAY_REF_REGEX.search(text)
    assert (p.format_ref(m) if m else None) == expected


@pytest.mark.parametrize("text, expected", [
    ("(ref: 25008223)", "25 008 223"),
    ("Reference 24005669", "24 005 669"),
    ("reference number 22018059a", "22 018 059a"),
    ("telephone 25008223", None),        # the compact form needs its label
])
def test_compact_ref_needs_label(text, expected):
    m = p.COMPACT_REF_REGEX.search(text)
    assert (p.format_ref(m) if m else None) == expected


@pytest.mark.parametrize("url, ref, top, sub", [
    ("https://www.lgo.org.uk/decisions/adult-care-services/direct-payments/22-001-239",
     "22 001 239", "adult-care-services", "direct-payments"),
    ("https://www.lgo.org.uk/decisions/health/other/17-002-402b?displaypref=0",
     "17 002 402b", "health", "other"),
    ("http://lgo.org.uk/decisions/children-s-care-services/fostering/21-004-111/",
     "21 004 111", "children-s-care-services", "fostering"),
    ("https://www.accountabilityindex.uk/sources/lgo/decisions/"
     "lgo-24-005-669-dudley-metropolitan-borough-council/", "24 005 669", None, None),
    ("https://www.inquirytracker.uk/sources/lgo/decisions/lgo-23-012-644-leeds-city-council/",
     "23 012 644", None, None),
    # an e-mail redirect with the decision URL percent-encoded inside it
    ("https://links.example.com/CL0/https:%2F%2Fwww.lgo.org.uk%2Fdecisions%2Fhousing%2F"
     "homelessness%2F24-021-016/1/0100abc", "24 021 016", "housing", "homelessness"),
    ("https://links.example.com/https%253A%252F%252Fwww.lgo.org.uk%252Fdecisions%252Fplanning"
     "%252Fenforcement%252F22-003-617", "22 003 617", "planning", "enforcement"),
    ("https://www.lgo.org.uk/decisions/planning/enforcement", None, None, None),
    ("https://example.com/report-2024-05-06", None, None, None),
    (None, None, None, None),
])
def test_parse_decision_url(url, ref, top, sub):
    facts = p.parse_decision_url(url)
    assert (facts.reference, facts.top_slug, facts.sub_slug) == (ref, top, sub)


# --- dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("06 Oct 2025", "2025-10-06"),          # header "Decision date : 06 Oct 2025"
    ("6 October 2025", "2025-10-06"),
    ("29 July 2024", "2024-07-29"),         # mirrors spell the month in full
    ("13-Feb-2024", "2024-02-13"),          # listing lines
    ("2025-10-06", "2025-10-06"),
    ("06/10/2025", "2025-10-06"),           # UK numeric, day first
    ("6th October, 2025", "2025-10-06"),
    ("October 6, 2025", "2025-10-06"),
    ("05 Sept 2021", "2021-09-05"),
    ("Decided 01 Mar 2022 by the", "2022-03-01"),
    ("31 Feb 2024", None),                  # not a calendar date
    ("2024-13-01", None),
    ("in March 2025", None),                # no day: not a decision date
    ("", None),
])
def test_parse_date(text, expected):
    assert p.parse_date(text) == expected


def test_find_date_gives_position():
    text = "Decision date : 05 Mar 2021"
    iso, start, end = p.find_date(text)
    assert (iso, text[start:end]) == ("2021-03-05", "05 Mar 2021")


# --- money ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("£1,050", [1050.0]),
    ("£1050", [1050.0]),
    ("£250.50", [250.5]),
    ("£ 300", [300.0]),
    ("£6,650 and £500", [6650.0, 500.0]),
    ("£1,000,000", [1000000.0]),
    ("£23,250.", [23250.0]),
    ("no money here 1,000", []),
])
def test_find_amounts(text, expected):
    assert [a for a, _s, _e in p.find_amounts(text)] == expected


# --- pseudonyms ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Mr X complained", ["Mr X"]),
    ("Mrs B and Ms T", ["Mrs B", "Ms T"]),
    ("Miss X’s complaint", ["Miss X"]),
    ("Mx Q said", ["Mx Q"]),
    ("Mr Xavier", []),                      # a real name is not a pseudonym
    ("Mrs. C agreed", ["Mrs. C"]),
])
def test_pseudonym_regex(text, expected):
    assert [m.group() for m in p.PSEUDONYM_REGEX.finditer(text)] == expected


@pytest.mark.parametrize("text, regex, expected", [
    ("The complainant, whom I shall call Mr X, complains", "intro", "Mr X"),
    ("The complainant, who I refer to here as Mrs X, complained", "intro", "Mrs X"),
    ("The complainant (whom I refer to as Ms D) complains", "intro", "Ms D"),
    ("I have called the complainant 'Ms B'.", "intro", "Ms B"),
    ("In this statement I refer to the complainant as Mr P.", "intro", "Mr P"),
    ("The complainant, whom I shall call X, complains", "intro", "X"),
    ("her daughter (whom I shall refer to as B)", "intro", None),   # not the complainant
    ("The complainant, Mrs C, says", "apposition", "Mrs C"),
    ("The complainant I spoke to", "apposition", None),
    ("'Mr B' complains on behalf of 'Miss C'.", "behalf", "Miss C"),
    ("Mr X complains on behalf of his wife, Mrs X.", "behalf", "Mrs X"),
    ("Mr and Mrs X complained the Council", "subject", "Mr and Mrs X"),
    ("Dr X and Dr Y complain the Council", "subject", "Dr X and Dr Y"),
    ("Mr X complains for himself and Mrs X", "subject", "Mr X"),
])
def test_complainant_formulas(text, regex, expected):
    pattern = {"intro": p.PSEUDONYM_INTRO_REGEX, "apposition": p.PSEUDONYM_APPOSITION_REGEX,
               "behalf": p.ON_BEHALF_REGEX, "subject": p.COMPLAINING_SUBJECT_REGEX}[regex]
    m = pattern.search(text)
    assert (m.group("name") if m else None) == expected


# --- other Acts ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("duties under the Children Act 1989 to", ["Children Act 1989"]),
    ("The Wildlife & Countryside Act 1981 says", ["Wildlife & Countryside Act 1981"]),
    ("the Children and Families Act 2014 and the Equality Act 2010",
     ["Children and Families Act 2014", "Equality Act 2010"]),
    ("specific sections of the Care Act or guidance", ["Care Act"]),   # no year written
    ("s117 of the Mental Health Act 1983", ["Mental Health Act 1983"]),
    ("Under the Housing Act 1996, section 202", ["Housing Act 1996"]),
    ("(Local Government Act 1974, section 26(1))", []),                # the citations field
    ("The Act says", []),
    ("section 18ZA and Local Government Act 1974", []),
    ("the Local Government Finance Act 1992", ["Local Government Finance Act 1992"]),
    ("Health Service Commissioners Act 1993, section 18ZA",
     ["Health Service Commissioners Act 1993"]),
    ("the Anti-social Behaviour, Crime and Policing Act 2014 says",
     ["Anti-social Behaviour, Crime and Policing Act 2014"]),
    ("He complained to the Council, the Housing Act 1996 says", ["Housing Act 1996"]),
    ("the Children Act 1989, the Care Act 2014 and the Equality Act 2010",
     ["Children Act 1989", "Care Act 2014", "Equality Act 2010"]),
])
def test_find_other_acts(text, expected):
    assert [name for name, _s, _e in p.find_other_acts(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("the Care Act 2014\nno act here\nthe Housing Act and the Care Act", [
        "the Care Act 2014", "the Housing Act and the Care Act"]),
    ("first line\nthe Children Act 1989", ["the Children Act 1989"]),
    ("the Care Act 2014\n", ["the Care Act 2014"]),
    ("nothing\nat all", []),
])
def test_lines_holding_each_line_once(text, expected):
    assert [text[s:e] for s, e in p.lines_holding(text, " Act")] == expected


def test_other_acts_across_lines_as_in_one():
    """Gating by lines finds what a scan of the whole text finds (names never cross a line)."""
    lines = ["The Care Act 2014 and the Housing Act 1996 apply.", "Nothing here.",
             "Under the Children and Families Act 2014, the Council must act.", "Act"]
    joined = list(p.find_other_acts("\n".join(lines)))
    assert [n for n, _s, _e in joined] == [n for line in lines
                                           for n, _s, _e in p.find_other_acts(line)]
    assert [n for n, _s, _e in joined] == ["Care Act 2014", "Housing Act 1996",
                                           "Children and Families Act 2014"]


# --- sentences -----------------------------------------------------------------------------

def test_iter_sentences_keeps_titles_and_ends_after_pseudonyms():
    text = "Mr. X complained to Mrs Y. The Council was at fault.\nNext line"
    assert [text[s:e] for s, e in p.iter_sentences(text)] == [
        "Mr. X complained to Mrs Y.", "The Council was at fault.", "Next line"]



# The needles gate a pattern to the sentences holding one; the matches are those of the same
# pattern run on every sentence (a needle in a gap, in a later paragraph, repeated, overlapping,
# upper-case, or absent from the document).
@pytest.mark.parametrize("text, pattern, needles", [
    ("The Council apologised. Mr X wants an apology.\nNo remedy here.", r"apolog\w+",
     ("apolog",)),
    ("It was late.  He could appeal. APPEAL rights exist.", r"(?i)appeal", ("appeal",)),
    ("Nothing matches.\nStill nothing.", r"court", ("court",)),
    ("aaaa. aa", r"aaa", ("aa",)),
    ("A tribunal. A court. A tribunal again.", r"tribunal|court", ("tribunal", "court")),
    # stretches far apart: a needle split between two is in neither
    ("We asked the trib\n" + " " * 100 + "\nunal decided. A tribunal.", r"tribunal",
     ("tribunal",)),
])
def test_needles_find_what_every_sentence_finds(text, pattern, needles):
    regex = re.compile(pattern)
    view = p.TextView(text)
    every_sentence = list(p.iter_sentences(text))
    for sentences in (every_sentence, every_sentence[:-1]):  # and a part of the document
        gated = [(m.span(), s) for m, s in view.index(sentences).matches(regex, needles)]
        every = [(m.span(), s) for s in sentences for m in regex.finditer(text, *s)]
        assert gated == every



# A case-insensitive pattern's lowered twin: letters lower-cased (classes too), escapes, group
# names and flags as written.
@pytest.mark.parametrize("source, expected", [
    (r"\bMr [A-Z]\b", r"\bmr [a-z]\b"),
    (r"(?P<Name>Council)\W+(?P=Name)", r"(?P<Name>council)\W+(?P=Name)"),
    (r"\N{LATIN SMALL LETTER A}|\S+|\D", r"\N{LATIN SMALL LETTER A}|\S+|\D"),
    (r"(?x) Care \s Quality  # comment", r"(?x) care \s quality  # comment"),
    (r"[^A-Za-z]İ", r"[^a-za-z]i"),
])
def test_lower_pattern_source(source, expected):
    assert p.lower_pattern_source(source) == expected


# The twin finds what the case-insensitive pattern finds, at the same positions, in sentences
# with capitals, curly quotes, a dotless i and a long s; a case-sensitive pattern has none.
TWIN_TEXT = ("The Council’s Care Quality Commission report. MR X said İt was THE COUNCIL's fault."
             "\nWe cannot achieve anything more. The complaınt ſhould go to a Tribunal.")


@pytest.mark.parametrize("source", [
    r"\bcouncil\b", r"\bMr [A-Z]\b", r"care quality commission", r"\b[A-Z]\w+ report",
    r"complaint|should", r"(?P<who>council)[’']s", r"\bit was (?:the )?\w+",
    r"cannot (?:[\w'’(),-]+ ){0,2}more", r"İt|tribunal",
])
def test_lowered_twin_finds_the_same_matches(source):
    pattern = re.compile(source, re.IGNORECASE)
    twin = p.lowered_pattern(pattern)
    lowered = p.TextView(TWIN_TEXT).lowered
    assert [m.span() for m in twin.finditer(lowered)] == [
        m.span() for m in pattern.finditer(TWIN_TEXT)]
    assert p.lowered_pattern(re.compile(source)) is None


# --- citations (DOMAIN.md §3.3: every string of the normalisation test set) ------------------

CITATION_TABLE = [
    ("(Local Government Act 1974, section 24A(6), as amended, section 34(B))",
     ["LGA1974 s24A(6)", "LGA1974 s34B"]),
    ("(Local Government Act 1974, section 24A(6), as amended)", ["LGA1974 s24A(6)"]),
    ("(Local Government Act 1974, section 24A(6))", ["LGA1974 s24A(6)"]),
    ("(Local Government Act 1974, section 24A(7), as amended)", ["LGA1974 s24A(7)"]),
    ("(Local Government Act 1974, sections 24A(6) and 34B(8), as amended)",
     ["LGA1974 s24A(6)", "LGA1974 s34B(8)"]),
    ("(Local Government Act 1974, sections 26(1) and 26A(1), as amended)",
     ["LGA1974 s26(1)", "LGA1974 s26A(1)"]),
    ("(Local Government Act 1974, sections 26(1) and 26A(1), as amended).",
     ["LGA1974 s26(1)", "LGA1974 s26A(1)"]),
    ("(Local Government Act 1974, s26(1) and s26A(1) as amended)",
     ["LGA1974 s26(1)", "LGA1974 s26A(1)"]),
    ("(Local Government Act 1974, sections 26(1), 26A(1) and 34(3), as amended)",
     ["LGA1974 s26(1)", "LGA1974 s26A(1)", "LGA1974 s34(3)"]),
    ("(Local Government Act 1974, sections 26(1), as amended)", ["LGA1974 s26(1)"]),
    ("(Local Government Act 1974, section 34(3), as amended)", ["LGA1974 s34(3)"]),
    ("(Local Government Act 1974, section 30(1B) and 34H(i), as amended)",
     ["LGA1974 s30(1B)", "LGA1974 s34H(i)"]),
    ("(Local Government Act 1974, section 30(1B) and 34H(i), as amended. Then 5 more.",
     ["LGA1974 s30(1B)", "LGA1974 s34H(i)"]),                       # no closing bracket
    ("(Local Government Act 1974, sections 26B and 34D, as amended)",
     ["LGA1974 s26B", "LGA1974 s34D"]),
    ("(Local Government Act 1974, section 26(6)(a), as amended)", ["LGA1974 s26(6)(a)"]),
    ("(Local Government Act 1974, section 26(6)(a))", ["LGA1974 s26(6)(a)"]),
    ("(Local Government Act 1974, section 26(6)(b), as amended)", ["LGA1974 s26(6)(b)"]),
    ("(Local Government Act 1974, section 26(6)(b))", ["LGA1974 s26(6)(b)"]),
    ("(Local Government Act 1974, section 26(6)(c), as amended)", ["LGA1974 s26(6)(c)"]),
    ("(Local Government Act 1974, section 26(6), as amended)", ["LGA1974 s26(6)"]),
    ("(Local Government Act 1974, section 26(7), as amended)", ["LGA1974 s26(7)"]),
    ("(Local Government Act 1974, section 26(5), section 34(B)6)",
     ["LGA1974 s26(5)", "LGA1974 s34B(6)"]),
    ("(Local Government Act 1974, section 27(1)(a), as amended)", ["LGA1974 s27(1)(a)"]),
    ("(section 26A or 34C, Local Government Act 1974)", ["LGA1974 s26A", "LGA1974 s34C"]),
    ("(Local Government Act 1974, sections 25 and 34(1), as amended)",
     ["LGA1974 s25", "LGA1974 s34(1)"]),
    ("(Local Government Act 1974, sections 25 and 34A, as amended)",
     ["LGA1974 s25", "LGA1974 s34A"]),
    ("(Local Government Act 1974, sections 24A(1)(A) and 25(7), as amended).",
     ["LGA1974 s24A(1)(a)", "LGA1974 s25(7)"]),
    ("(Local Government Act 1974, section 25(7), as amended)", ["LGA1974 s25(7)"]),
    ("(Local Government Act 1974, sections 34B and 34C)", ["LGA1974 s34B", "LGA1974 s34C"]),
    ("(Local Government Act 1974, sections 34 B, 34C and 34 H(3 and 4) as amended)",
     ["LGA1974 s34B", "LGA1974 s34C", "LGA1974 s34H(3)", "LGA1974 s34H(4)"]),
    ("(Local Government Act, section 26D and 34E, as amended)", ["LGA1974 s26D", "LGA1974 s34E"]),
    ("(Local Government Act 1974, Schedule 5/5A, paragraph 1/3, as amended)",
     ["LGA1974 Sch5 para1", "LGA1974 Sch5A para3"]),
    ("(Local Government Act 1974, Schedule 5, paragraph 5(b), as amended)",
     ["LGA1974 Sch5 para5(b)"]),
    ("(Local Government Act 1974, Schedule 5, paragraph 5(b))", ["LGA1974 Sch5 para5(b)"]),
    ("(Local Government Act 1974, Schedule 5, paragraph 5(2), as amended)",
     ["LGA1974 Sch5 para5(2)"]),
    ("(Local Government Act 1974, paragraph 5A schedule 5, as amended)", ["LGA1974 Sch5 para5A"]),
    ("[Local Government Act 1974, Schedule 5.5 (as amended)]", ["LGA1974 Sch5 para5"]),
    ("(Local Government Act 1974, section 24A(6), as amended, section 34(B)) Pv20",
     ["LGA1974 s24A(6)", "LGA1974 s34B"]),
    ("Invalid: Consent - section 26A(1)(b)", ["LGA1974 s26A(1)(b)"]),
    ("s26B discretion exercised", ["LGA1974 s26B"]),
    ("(Housing Act 1996, section 202) / (Housing Act 1996, section 204)", []),
    # more house and free-text variants
    ("(Local Government Act 1974, section 24A (6), as amended)", ["LGA1974 s24A(6)"]),
    ("(Local Government Act 1974, paragraph 5B, schedule 5, as amended)",
     ["LGA1974 Sch5 para5B"]),
    ("[Local Government Act 1974, Schedule 5.4/Schedule 5A.4]",
     ["LGA1974 Sch5 para4", "LGA1974 Sch5A para4"]),
    ("We cannot do so (section 26(6)(c) of the Local Government Act 1974).",
     ["LGA1974 s26(6)(c)"]),
    ("(Local Government Act 1974 (as amended), section 26B)", ["LGA1974 s26B"]),
    ("(LGA 1974, s.26(6)(a))", ["LGA1974 s26(6)(a)"]),
    ("(Health Service Commissioners Act 1993, section 18ZA and Local Government Act 1974, "
     "section 30(1B) and 34H(i), as amended)", ["LGA1974 s30(1B)", "LGA1974 s34H(i)"]),
    ("The Local Government Act 1974 sets out our powers.", []),
    ("(Local Government Act 2000, section 5)", []),
    ("under section 26A of the Children Act 1989", []),
    ("a section 21 notice and s117 aftercare", []),
    ("(Local Government Act 1974, section 30(1B", ["LGA1974 s30(1B)"]),   # cut-off excerpt
    ("(Local Government Act 1974, section 30(1B) and 3", ["LGA1974 s30(1B)"]),
    ("(Local Government Act 1974, section 24A(6)) and again (Local Government Act 1974, "
     "section 24A(6), as amended)", ["LGA1974 s24A(6)"]),                   # de-duplicated
    # word boundaries before "LGA" and a bare section's "s"
    ("LGA 1974, s26(6)(a) applies", ["LGA1974 s26(6)(a)"]),          # at the text's start
    ("XLGA 1974, s26(6)(a)", []),
    ("Invalid: Consent - section 26A(1)(b)", ["LGA1974 s26A(1)(b)"]),
    ("s26B discretion exercised", ["LGA1974 s26B"]),
    ("versus26B, Ss26A and LGA19745", []),                               # inside a word
]


@pytest.mark.parametrize("text, expected", CITATION_TABLE)
def test_citations_canonical(text, expected):
    assert [f.canonical for f in find_citations(text)] == expected


@pytest.mark.parametrize("text, expected_spans", [
    ("(Local Government Act 1974, sections 26(1) and 26A(1), as amended)",
     ["sections 26(1)", "26A(1)"]),
    ("(Local Government Act 1974, section 24A(6), as amended, section 34(B))",
     ["section 24A(6)", "section 34(B)"]),
    ("(Local Government Act 1974, Schedule 5/5A, paragraph 1/3, as amended)",
     ["Schedule 5/5A, paragraph 1/3", "Schedule 5/5A, paragraph 1/3"]),
])
def test_citation_spans_quote_the_provision(text, expected_spans):
    assert [text[f.start:f.end] for f in find_citations(text)] == expected_spans


VOCABULARY_SENTENCES = (
    "We will not investigate this complaint because Mr X could have appealed to the Tribunal. "
    "The Council has agreed to apologise to Mrs B, pay her £300 and review its procedures. "
    "It is reasonable to expect him to go to court. An investigation would not achieve "
    "anything more. The Council should reassess Mr X's needs. The Care Quality Commission "
    "is better placed to consider this. It is unlikely we would find fault. Ms C says she "
    "wants the Council to remind staff of its policy.")


def test_every_vocabulary_phrase_has_a_faithful_twin():
    from extractor.facts.reasons import REASON_RULES, REFERRAL_RULES
    from extractor.facts.remedy_kinds import REMEDY_KIND_REGEXES
    patterns = [rule.pattern for rule in REASON_RULES + REFERRAL_RULES] + [
        regex for regexes in REMEDY_KIND_REGEXES.values() for regex in regexes]
    lowered = p.TextView(VOCABULARY_SENTENCES).lowered
    matched = 0
    for pattern in patterns:
        twin = p.lowered_pattern(pattern)
        assert twin is not None, pattern.pattern[:60]
        spans = [m.span() for m in pattern.finditer(VOCABULARY_SENTENCES)]
        assert [m.span() for m in twin.finditer(lowered)] == spans, pattern.pattern[:60]
        matched += bool(spans)
    assert matched >= 10  # the sentences exercise the rules, not only their misses
