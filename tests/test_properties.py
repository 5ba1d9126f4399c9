"""Properties of the deterministic side, over generated inputs (hypothesis).

- cleaning never loses a paragraph's words: every content paragraph of the raw text is found,
  normalised, in the normalised cleaned text, and the cleaned text invents no words;
- offsets always point into the original input: for any span of a cleaned line,
  ``Cleaned.to_source`` selects raw text whose normalised form is the cleaned span's;
- ``rules.check_decision`` never raises, and no rule crashes internally, on any record.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.facts.grounding import normalise
from extractor.models import (
    OUTCOMES,
    Category,
    Citation,
    Decision,
    Payment,
    Reason,
)
from extractor.read.clean import INVISIBLE_REGEX, clean_text
from extractor.rules import check_decision
from extractor.vocab import REASON_CODES, REFERRED_TO_CODES, REMEDY_KINDS

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- raw text made of content paragraphs with cleaning noise around and inside them ---------
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789£&"
CURLY = "\u2018\u2019\u201c\u201d"
# Noise a copy of a page carries between words: odd spaces, tabs, zero-width, soft hyphens.
GAPS = [" ", "  ", "\u00a0", "\t", " \u200b", "\u202f", "   "]
INSIDE = ["", "", "", "\u200b", "\u00ad", "\ufeff"]
# What cleaning is meant to drop around paragraphs: page furniture, list markers, blank lines.
FURNITURE = ["Back to top", "Print this page", "LGO logogram", "Share this page", "Menu"]
MARKERS = ["", "", "1. ", "12) ", "- ", "\u2022 ", "(a) ", "b) ", "  3. "]
BREAKS = ["\n", "\n\n", "\r\n", "\n \n", "\n\u00a0\n"]


@st.composite
def word(draw: st.DrawFn) -> str:
    core = draw(st.text(LETTERS, min_size=1, max_size=8))
    # a word starts with a letter, so no paragraph opens with something like list numbering
    core = draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh")) + core
    cut = draw(st.integers(0, len(core)))
    core = core[:cut] + draw(st.sampled_from(INSIDE)) + core[cut:]
    quote = draw(st.sampled_from(["", "", "'", '"', *CURLY]))
    tail = draw(st.sampled_from(["", "", ",", ".", ";", ":", "?"]))
    return quote + core + quote + tail


@st.composite
def paragraph(draw: st.DrawFn, marked: bool = True) -> tuple[str, str]:
    """(raw line, its words joined by single spaces), with a list marker when ``marked``."""
    words = draw(st.lists(word(), min_size=3, max_size=8))
    gaps = [draw(st.sampled_from(GAPS)) for _ in words[1:]]
    raw = words[0] + "".join(g + w for g, w in zip(gaps, words[1:], strict=True))
    marker = draw(st.sampled_from(MARKERS if marked else [""]))
    lead = marker + draw(st.sampled_from(["", " ", "\u00a0"]))
    return lead + raw + draw(st.sampled_from(["", " ", "\t"])), " ".join(words)


@st.composite
def page(draw: st.DrawFn, droppable: bool = True) -> tuple[str, list[str]]:
    """(raw text, its content paragraphs); with ``droppable``, furniture lines and list
    markers that cleaning removes."""
    paras = draw(st.lists(paragraph(droppable), min_size=1, max_size=4))
    lines: list[str] = []
    for raw, _ in paras:
        if droppable and draw(st.booleans()):
            lines.append(draw(st.sampled_from(FURNITURE)))
        lines.append(raw)
    raw_text = "".join(line + draw(st.sampled_from(BREAKS)) for line in lines)
    return draw(st.sampled_from(["", "\n", " \n", "\ufeff"])) + raw_text, [c for _, c in paras]


def norm(text: str) -> str:
    """Comparison form: invisible characters gone, quotes/dashes/spaces made uniform."""
    return normalise(INVISIBLE_REGEX.sub("", text))


def words_of(text: str) -> list[str]:
    return norm(text).split()


def is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(w == b for b in it) for w in small)


@FAST
@given(page())
def test_cleaning_keeps_every_paragraph_in_order(sample: tuple[str, list[str]]) -> None:
    raw, paragraphs = sample
    cleaned = norm(clean_text(raw).text)
    pos = 0
    for para in paragraphs:
        found = cleaned.find(norm(para), pos)
        assert found >= 0, f"lost {para!r} in {cleaned!r}"
        pos = found + len(norm(para))


@FAST
@given(page())
def test_cleaning_invents_no_words(sample: tuple[str, list[str]]) -> None:
    raw, _ = sample
    assert is_subsequence(words_of(clean_text(raw).text), words_of(raw))


@st.composite
def cleaned_span(draw: st.DrawFn, droppable: bool) -> tuple[str, object, int, int]:
    raw, _ = draw(page(droppable=droppable))
    cleaned = clean_text(raw)
    if droppable:  # spans within one cleaned line (a quote never straddles dropped text)
        lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", cleaned.text)]
        lo, hi = draw(st.sampled_from(lines))
    else:
        lo, hi = 0, len(cleaned.text)
    start = draw(st.integers(lo, hi - 1))
    end = draw(st.integers(start + 1, hi))
    return raw, cleaned, start, end


@FAST
@given(cleaned_span(droppable=True))
def test_offsets_select_the_quoted_text_within_a_line(sample) -> None:
    raw, cleaned, start, end = sample
    s, e = cleaned.to_source(start, end)
    assert 0 <= s <= e <= len(raw)
    assert norm(raw[s:e]) == norm(cleaned.text[start:end])


@FAST
@given(cleaned_span(droppable=False))
def test_offsets_select_the_quoted_text_across_lines(sample) -> None:
    raw, cleaned, start, end = sample
    s, e = cleaned.to_source(start, end)
    assert norm(raw[s:e]) == norm(cleaned.text[start:end])


@FAST
@given(page())
def test_every_cleaned_character_maps_into_the_input(sample) -> None:
    raw, _ = sample
    cleaned = clean_text(raw)
    assert len(cleaned.offsets) >= len(cleaned.text)
    assert all(0 <= o <= len(raw) for o in cleaned.offsets)
    assert cleaned.offsets[:len(cleaned.text)] == sorted(cleaned.offsets[:len(cleaned.text)])


# --- records: valid ones with hostile values, and arbitrary JSON shapes --------------------
ANY_TEXT = st.text(max_size=40)
MAYBE_TEXT = st.none() | ANY_TEXT
ANY_INT = st.integers(-10**6, 10**9)
DATES = st.none() | ANY_TEXT | st.dates().map(str) | st.sampled_from(
    ["2025-02-31", "2099-01-01", "1990-05-05", "0000-00-00", "2025-13-01"])
REFERENCES = st.none() | ANY_TEXT | st.from_regex(r"\A\d{2} \d{3} \d{3}[a-z]?\Z")
CODES = st.sampled_from(REASON_CODES) | ANY_TEXT
AMOUNTS = st.none() | st.floats(allow_nan=True, allow_infinity=True) | ANY_INT.map(float)
CITATIONS = st.builds(Citation, canonical=st.sampled_from(
    ["LGA1974 s24A(6)", "LGA1974 s26(6)(c)", "LGA1974 s34B", "LGA1974 Sch5 para1",
     "LGA1974 s99(9)", "nonsense", ""]) | ANY_TEXT, text=ANY_TEXT, start=ANY_INT, end=ANY_INT)
REASONS = st.builds(Reason, code=CODES, evidence=MAYBE_TEXT, start=st.none() | ANY_INT,
                    end=st.none() | ANY_INT, origin=st.sampled_from(["rule", "model"]))
PAYMENTS = st.builds(Payment, amount_gbp=AMOUNTS, status=st.none() | st.sampled_from(
    ["agreed", "offered_by_body", "recommended"]), purpose=MAYBE_TEXT, evidence=MAYBE_TEXT,
    start=st.none() | ANY_INT, end=st.none() | ANY_INT)
DECISIONS = st.builds(
    Decision, reference=REFERENCES, bodies=st.lists(ANY_TEXT, max_size=3),
    category=st.none() | st.builds(Category, top=MAYBE_TEXT, sub=MAYBE_TEXT),
    outcome=st.none() | st.sampled_from(OUTCOMES), decision_date=DATES,
    complainant=MAYBE_TEXT, investigated=st.none() | st.booleans(),
    fault_found=st.none() | st.booleans(), reasons=st.lists(REASONS, max_size=3),
    referred_to=st.lists(st.sampled_from(REFERRED_TO_CODES) | ANY_TEXT, max_size=3),
    payments=st.lists(PAYMENTS, max_size=3),
    remedy_kinds=st.lists(st.sampled_from(REMEDY_KINDS) | ANY_TEXT, max_size=3),
    citations=st.lists(CITATIONS, max_size=3), other_acts=st.lists(ANY_TEXT, max_size=2),
    summary=MAYBE_TEXT)
JSON = st.recursive(st.none() | st.booleans() | st.floats() | ANY_INT | ANY_TEXT,
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(ANY_TEXT, inner, max_size=3), max_leaves=12)
FIELDS = ["reference", "bodies", "category", "outcome", "decision_date", "complainant",
          "investigated", "fault_found", "reasons", "referred_to", "payments", "remedy_kinds",
          "citations", "other_acts", "summary", "spans", "meta"]
SHAPELESS = st.dictionaries(st.sampled_from(FIELDS) | ANY_TEXT, JSON, max_size=10)
SOURCES = st.none() | st.text(max_size=300) | page().map(lambda p: p[0])


def assert_rules_hold(record: object, source: str | None) -> None:
    issues = check_decision(record, source)
    crashed = [i.message for i in issues if i.rule == "rule_internal_error"]
    assert not crashed, crashed


@FAST
@given(DECISIONS, SOURCES)
def test_rules_never_raise_on_a_valid_record(record: Decision, source: str | None) -> None:
    assert_rules_hold(record, source)


@FAST
@given(SHAPELESS, SOURCES)
def test_rules_never_raise_on_a_shapeless_record(record: dict, source: str | None) -> None:
    assert_rules_hold(record, source)
    assert_rules_hold(Decision.model_construct(**{k: v for k, v in record.items()
                                                  if k in FIELDS}), source)
