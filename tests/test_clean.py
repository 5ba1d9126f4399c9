"""Stage 2 (clean): each named step, the default chain, and the offset map."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractor.facts.patterns import LISTING_LINE
from extractor.read.clean import (
    CLEANERS,
    DEFAULT_STEPS,
    FURNITURE_LINE_REGEX,
    LIST_MARKER_REGEX,
    clean_text,
    first_at_line_start,
    line_start_patterns,
    line_start_spans,
)
from extractor.rules.header import DATE_HEADER_PATTERNS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

STEPS = [
    # (step, raw, cleaned)
    ("nbsp", "a\u00a0b\tc", "a b c"),
    ("invisible", "a\u200bb\u00adc", "abc"),
    ("quotes", "\u2018fault\u2019 \u201cinjustice\u201d", "'fault' \"injustice\""),
    ("furniture", "Para one\nBack to top\nPara two\nPrint this page\nLGO logogram",
     "Para one\nPara two\n"),
    ("list_numbering", "  1. First\n12) Second\n- Third\n\u2022 Fourth\n(a) Fifth\n2024 stays",
     "First\nSecond\nThird\nFourth\nFifth\n2024 stays"),
    ("whitespace", "\n\n  a   b  \n\n\n c \n\n", "a b\nc"),
    ("cookie_banner", "Final decision\nReview your privacy settings\nRequired cookies\n"
     "These cookies enable the website to work.\nWe recommend you set these 'ON'.\n"
     "Privacy settings",
     "Final decision\n"),
    ("cookie_banner", "We use cookies on this site.\nAccept all cookies\nOxford City Council "
     "(24 001 234)", "\nOxford City Council (24 001 234)"),
    ("cookie_banner", "COOKIES ON THIS SITE\nOn\nDecision", "\nDecision"),  # no lower case
    ("cookie_banner", "We found fault.\nThe Council cooked the figures.", "We found fault.\n"
     "The Council cooked the figures."),
    ("furniture", "Print\nShare\nMenu\nText\n  Yes  \nNo", "Text\n"),  # first, runs, last
    ("furniture", "Printed below\nNo fault\n Close \nend", "Printed below\nNo fault\nend"),
    ("list_numbering", "1. a\n\n 2)  b\nc 3. d\n(iv) e\n\u2013 f", "a\n\nb\nc 3. d\ne\nf"),
]


@pytest.mark.parametrize("step,raw,expected", STEPS, ids=[f"{s[0]}-{i}" for i, s in
                                                            enumerate(STEPS)])
def test_each_step(step, raw, expected):
    assert clean_text(raw, [step]).text == expected


# (raw, cleaned text, offsets): the whitespace step's edges, runs and the offset each run keeps
# (a line break standing for several keeps the first break's; a space the first space's).
WHITESPACE = [
    (" a", "a", [1, 2]),
    ("a ", "a", [0, 2]),
    ("  a  ", "a", [2, 5]),
    ("a  b", "a b", [0, 1, 3, 4]),
    ("a \n b", "a\nb", [0, 2, 4, 5]),
    ("a\n\n\nb", "a\nb", [0, 1, 4, 5]),
    ("a \n \n b ", "a\nb", [0, 2, 6, 8]),
    ("a b\nc", "a b\nc", [0, 1, 2, 3, 4, 5]),
    ("\n \n", "", [0]),
    ("   ", "", [3]),
    ("a\n\n\n", "a", [0, 1]),  # runs of line breaks only (no space beside one): their pattern
    ("\n\na\n\nb", "a\nb", [2, 3, 5, 6]),
    ("a\n\nb  c", "a\nb c", [0, 1, 3, 4, 6, 7]),  # both kinds of run
]


@pytest.mark.parametrize(("raw", "text", "offsets"), WHITESPACE)
def test_whitespace_runs_and_offsets(raw, text, offsets):
    cleaned = clean_text(raw, ["whitespace"])
    assert (cleaned.text, cleaned.offsets) == (text, offsets)


# Texts with and without matches at their first line, in runs of lines, at their end, and
# strings that match inside a line only.
LINE_START_TEXTS = ["", "Print", "Print\n", "\nPrint", "Print\nPrint\nx Print\n  Print  ",
                    "a\n1. b\n 2) c\nd 3. e\n- f\n-g\n(a) h", "\n\nNo\nYes\nNone\n No \n"]
LISTING_TEXTS = [
    "Statement Upheld School transport 13-Feb-2024\nReport Not upheld Planning 1 May 2023",
    "Title (24 001 234)\n  Statement Closed after initial enquiries Other 2-Jan-2025 \n"]


@pytest.mark.parametrize("source, flags", [
    (FURNITURE_LINE_REGEX, 0), (LIST_MARKER_REGEX, 0), (LISTING_LINE, re.MULTILINE)],
    ids=["furniture", "list_numbering", "listing_line"])
@pytest.mark.parametrize("text", LINE_START_TEXTS + LISTING_TEXTS)
def test_line_start_spans_are_those_of_a_multiline_caret(source, flags, text):
    caret = re.compile(rf"^(?:{source})", flags | re.MULTILINE)
    assert list(line_start_spans(line_start_patterns(source, flags), text)) == [
        m.span() for m in caret.finditer(text)]


# The date header rule's pattern (its value may stand on the next line): the first match.
DATE_HEADER_TEXTS = ["Decision date : 31 Feb 2025", "x\n  DECISION DATE:\n  31 Feb 2025\nz",
                     "The decision date : 1 May 2024\nDate of decision: 2 May 2024",
                     "Decision date :\nSummary", "date of decision: 5\r\n"]


@pytest.mark.parametrize("text", LINE_START_TEXTS + DATE_HEADER_TEXTS)
def test_first_at_line_start_is_the_search_of_a_multiline_caret(text):
    first = DATE_HEADER_PATTERNS[0]
    caret = re.compile(rf"^(?:{first.pattern})", first.flags)
    found, expected = first_at_line_start(DATE_HEADER_PATTERNS, text), caret.search(text)
    assert (found and (found["value"], found.span("value"))) == (
        expected and (expected["value"], expected.span("value")))


def test_unknown_step_lists_valid_names():
    with pytest.raises(ValueError, match="valid steps: nbsp"):
        clean_text("x", ["nbsp", "shout"])


def test_default_steps_are_all_registered():
    assert set(DEFAULT_STEPS) <= set(CLEANERS)


def assert_offsets_faithful(raw: str, steps=DEFAULT_STEPS) -> None:
    """Every cleaned character comes from a raw character that cleans to it."""
    cleaned = clean_text(raw, steps)
    assert len(cleaned.offsets) == len(cleaned.text) + 1
    assert cleaned.offsets == sorted(cleaned.offsets)
    for i, ch in enumerate(cleaned.text):
        src = raw[cleaned.offsets[i]]
        if ch == src:
            continue
        assert ch in " \n'\"" and clean_text(src, ["nbsp", "quotes"]).text in (ch, " ", "\n"), (
            i, ch, src)


@pytest.mark.parametrize("name", ["seed_000_kensington.txt", "seed_001_kingston.txt"])
def test_offsets_on_seeds(name):
    assert_offsets_faithful((EXAMPLES / name).read_text(encoding="utf-8"))


def test_to_source_selects_the_same_words():
    raw = "  1.\u00a0The\u00a0Council\u2019s  decision\n\nBack to top\n  2. Next"
    cleaned = clean_text(raw)
    assert cleaned.text == "The Council's decision\nNext"
    start = cleaned.text.index("Council's")
    s, e = cleaned.to_source(start, start + len("Council's decision"))
    assert raw[s:e] == "Council\u2019s  decision"
    s, e = cleaned.to_source(cleaned.text.index("Next"), len(cleaned.text))
    assert raw[s:e] == "Next"


def test_seed_001_cookie_banner_is_gone():
    raw = (EXAMPLES / "seed_001_kingston.txt").read_text(encoding="utf-8")
    text = clean_text(raw).text
    for junk in ("cookie", "Google Analytics", "Privacy settings", "Back to top",
                 "Print this page", "LGO logogram"):
        assert junk.lower() not in text.lower()
    assert text.endswith("Investigator's decision on behalf of the Ombudsman")


def test_decision_text_mentioning_privacy_is_kept():
    raw = "My assessment\nThe Council breached Mr X's privacy when it shared his address.\nEnd"
    assert clean_text(raw).text == raw
