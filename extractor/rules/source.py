"""Rules that read the source text: grounding of every quoted string, and not_a_decision.
Both are skipped when the source text is not at hand."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from extractor.facts.patterns import LISTING_LINE
from extractor.models import Issue
from extractor.read.clean import line_start_patterns, line_start_spans
from extractor.rules.base import Context, get, issue, items

# A listing card's line (facts.patterns.LISTING_LINE), matched at the start of a line.
LISTING_LINE_PATTERNS = line_start_patterns(LISTING_LINE, re.MULTILINE)
# A decision's title line "<Organisation> (<YY SSS SSS[x]>)", as a listing card also shows it.
TITLE_LINE_REGEX = re.compile(
    r"^[ \t]*\S[^\n]{1,200}? \((?P<ref>\d{2} ?\d{3} ?\d{3}[a-z]?)\)[ \t\r]*$", re.MULTILINE)
# The bracketed reference a title line ends with: found first, so that only its lines are read.
REF_IN_BRACKETS_REGEX = re.compile(r"\(\d{2} ?\d{3} ?\d{3}[a-z]?\)")
# Wording an LGSCO statement cannot do without (used to spot inputs that are not decisions):
# the Ombudsman, a "Summary:" label, a "Decision :" / "Decision date :" header label, or "final
# decision". The word "decision" alone is everyday English ("hello world, not a decision").
LGSCO_MARKER_REGEX = re.compile(
    r"ombudsman|summary\s*:|^\s*decision(?: date)?\s*:|\bfinal decision\b",
    re.IGNORECASE | re.MULTILINE)


def _quoted(d: Any) -> Iterator[tuple[str, Any, Any, Any, str]]:
    """(field, text, start, end, offsets rule) for every string the record quotes."""
    for key in ("reasons", "payments"):
        for i, item in enumerate(items(d, key)):
            yield (f"{key}[{i}].evidence", get(item, "evidence"), get(item, "start"),
                   get(item, "end"), "span_mismatch")
    yield "summary", get(d, "summary"), None, None, "span_mismatch"
    spans = get(d, "spans")
    for key, span in spans.items() if isinstance(spans, Mapping) else ():
        yield (f"spans.{key}", get(span, "text"), get(span, "start"), get(span, "end"),
               "span_mismatch")
    for i, c in enumerate(items(d, "citations")):
        yield (f"citations[{i}].text", get(c, "text"), get(c, "start"), get(c, "end"),
               "citation_offsets")


def rule_grounding(ctx: Context) -> list[Issue]:
    """Every quoted string occurs in the source (up to quote/space normalisation) and its
    offsets, when given, select it."""
    if ctx.grounder is None:
        return []
    issues = []
    for field_name, quoted, start, end, offsets_rule in _quoted(ctx.decision):
        if quoted is None or (isinstance(quoted, str) and not quoted.strip()):
            continue
        problem = ctx.grounder.check(quoted, start, end)
        if problem is not None:
            rule = "ungrounded_text" if problem.missing else offsets_rule
            issues.append(issue(rule, field_name, problem.message))
    return issues


def _not_a_decision(ctx: Context) -> bool:
    """No reference, category, outcome or citation, and a source without LGSCO wording."""
    d = ctx.decision
    cat = get(d, "category")
    empty = (get(d, "reference") is None and get(d, "outcome") is None
             and get(cat, "top") is None and get(cat, "sub") is None
             and not items(d, "citations"))
    return ctx.source is not None and empty and not LGSCO_MARKER_REGEX.search(ctx.source)


def rule_reference_missing(ctx: Context) -> list[Issue]:
    """A decision whose text (and URL) holds no case reference: never a silent null, since
    such a record looks complete and cannot be joined to anything (a peer harvester's dump
    without its URL); nor its body, when none is named either."""
    d = ctx.decision
    if get(d, "reference") is not None or _not_a_decision(ctx):
        return []
    found = [issue("reference_missing", "reference", "no case reference in the text or its "
                   "URL: the record cannot be matched to its decision by reference")]
    if not items(d, "bodies"):
        found.append(issue("bodies_missing", "bodies", "no case reference and no body named: "
                           "nothing says which decision or council this is"))
    return found


def rule_not_a_decision(ctx: Context) -> list[Issue]:
    if not _not_a_decision(ctx):
        return []
    return [issue("not_a_decision", None,
                  "no reference, category, outcome or citation, and no LGSCO wording: "
                  "this does not look like an LGSCO decision")]


def _ref_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line holding a bracketed case reference, each once."""
    end = -1
    for m in REF_IN_BRACKETS_REGEX.finditer(text):
        if m.start() < end:
            continue
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        end = len(text) if end == -1 else end
        yield start, end


def rule_several_decisions(ctx: Context) -> list[Issue]:
    """A listing or search-results page (DOMAIN §2.1: several cards, each a title line, a
    "Statement Upheld <sub-category> <date>" line and a summary) is not one decision."""
    if ctx.source is None:
        return []
    cards = sum(1 for _ in line_start_spans(LISTING_LINE_PATTERNS, ctx.source)) \
        if "Statement " in ctx.source or "Report " in ctx.source else 0  # a card's first words
    titles = {m["ref"].replace(" ", "") for start, end in _ref_lines(ctx.source)
              for m in TITLE_LINE_REGEX.finditer(ctx.source, start, end)}
    found = max(cards, len(titles))
    if found < 2:
        return []
    return [issue("several_decisions", None,
                  f"the text holds {found} decisions (a listing or search-results page?); this "
                  "record reads only the first: extract each decision from its own page")]
