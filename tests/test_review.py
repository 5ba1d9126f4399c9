"""extractor.review.page: placing evidence, highlighting, the page, and the `review` command.

``seed_record()`` builds a record on the Kingston seed whose spans are computed from the text;
the browser test imports it too.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from extractor.cli import app
from extractor.models import Category, Citation, Decision, Issue, Meta, Payment, Reason, Span
from extractor.pipeline import run_one
from extractor.read.load import Document, load_path
from extractor.review.page import (
    OTHER_ROW,
    Evidence,
    collect_evidence,
    field_base,
    highlight,
    place,
    render_html,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "examples").glob("seed_*.txt"))
KINGSTON = ROOT / "examples" / "seed_001_kingston.txt"
runner = CliRunner()


def span(text: str, quote: str, nth: int = 0) -> Span:
    """The ``nth`` occurrence of ``quote`` in ``text`` as a Span."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return Span(text=quote, start=start, end=start + len(quote))


def cite(text: str, quote: str, canonical: str, nth: int = 0) -> Citation:
    return Citation(canonical=canonical, **span(text, quote, nth).model_dump())


def seed_record(path: Path = KINGSTON) -> tuple[Decision, str]:
    """A hand-made record of the Kingston seed, every offset computed from the loaded text."""
    doc = load_path(str(path))[0]
    assert isinstance(doc, Document)
    t = doc.text
    offered = span(t, "It offered Miss X £1050 for the distress caused")
    reason = span(t, "we are unlikely to achieve more than the Council has already offered")
    rec = Decision(
        reference="25 019 316", bodies=["Royal Borough of Kingston upon Thames"],
        category=Category(top="Children's care services", sub="Child protection"),
        outcome="closed_after_initial_enquiries", decision_date="2026-05-06",
        complainant="Miss X", investigated=False,
        reasons=[Reason(code="satisfied_with_remedy", evidence=reason.text, start=reason.start,
                        end=reason.end, origin="model")],
        referred_to=["information_commissioner"],
        payments=[Payment(amount_gbp=1050, status="offered_by_body", purpose="distress",
                          evidence=offered.text, start=offered.start, end=offered.end)],
        remedy_kinds=["payment", "service_improvement"],
        citations=[cite(t, "section 24A(6)", "LGA1974 s24A(6)"),
                   cite(t, "section 34(B)", "LGA1974 s34B"),
                   cite(t, "section 26(6)(c)", "LGA1974 s26(6)(c)")],
        spans={"reference": span(t, "25 019 316"), "decision_date": span(t, "06 May 2026"),
               "bodies[0]": span(t, "Royal Borough of Kingston upon Thames"),
               "category": span(t, "Children's care services > Child protection")},
        issues=[Issue(rule="reason_vs_offer", severity="warning", field="reasons[0]",
                      message="check the offer <b>was</b> made", span=offered),
                Issue(rule="not_a_decision", severity="error", field=None,
                      message="a record-wide finding")],
        meta=Meta(backend="openai", model="gpt-test", prompt_sha="abc123", attempts=2,
                  source=str(path), source_sha256=doc.sha256),
    )
    return rec, t


class MarkText(HTMLParser):
    """Collects the text inside each ``data-span`` (over all its fragments) and the page text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.by_span: dict[str, str] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "mark":
            self.stack.append(dict(attrs).get("data-span"))

    def handle_endtag(self, tag):
        if tag == "mark":
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        for sid in self.stack:
            if sid:
                self.by_span[sid] = self.by_span.get(sid, "") + data


def parse_marks(html: str) -> MarkText:
    parser = MarkText()
    parser.feed(html)
    parser.close()
    assert parser.stack == [], "unbalanced <mark> tags"
    return parser


def ev(quote: str | None, start: int | None, end: int | None) -> Evidence:
    return Evidence("reasons", "r", quote, start, end)


SOURCE = "The Council <b>& co</b> failed. The Council said sorry."
PLACES = [
    # (evidence, expected position, exact)
    (ev("Council", 4, 11), (4, 11), True),                  # offsets select the quote
    (ev("Council", 0, 7), (4, 11), False),                  # wrong offsets: found by search
    (ev("sorry", None, None), (49, 54), False),             # no offsets: found by search
    (ev("refund", 3, 9), None, True),                       # not in the source
    (ev(None, 12, 23), (12, 23), True),                     # offsets alone (an issue span)
    (ev("The", 50, 400), (0, 3), False),                    # offsets beyond the text
    (ev("x", 5, 5), None, True),                            # empty span, quote absent
]


@pytest.mark.parametrize(("evidence", "at", "exact"), PLACES,
                         ids=[f"{p[0].quote}-{p[0].start}" for p in PLACES])
def test_place(evidence, at, exact):
    assert place(SOURCE, evidence) == (at, exact)


FIELD_BASES = [
    ("reference", "reference"),
    ("reasons[2].evidence", "reasons"),   # list item and attribute
    ("category.top", "category"),
    ("category_top", "category"),         # a flattened sub-field
    ("payments[0]", "payments"),
    ("page_title", None),                 # names no record field
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("name", "row"), FIELD_BASES, ids=[str(f[0]) for f in FIELD_BASES])
def test_field_base(name, row):
    assert field_base(name) == row


def test_place_without_source():
    assert place(None, ev("Council", 4, 11)) == (None, True)


def placed(*ranges: tuple[int, int]) -> list[Evidence]:
    return [Evidence("f", "l", None, s, e, sid=f"r0-s{n}", at=(s, e))
            for n, (s, e) in enumerate(ranges)]


HIGHLIGHTS = [
    # (spans, expected html for "abcdefghij")
    ((), "abcdefghij"),
    (((2, 4),), 'ab<mark id="r0-s0">cd</mark>efghij'),
    (((0, 10), (2, 4)), '<mark id="r0-s0">ab<mark id="r0-s1">cd</mark>efghij</mark>'),  # nested
    (((2, 6), (4, 8)),                                       # crossing: r0-s1 in two fragments
     'ab<mark id="r0-s0">cd<mark id="r0-s1">ef</mark></mark><mark>gh</mark>ij'),
    (((2, 4), (2, 4)), 'ab<mark id="r0-s0"><mark id="r0-s1">cd</mark></mark>efghij'),  # same span
    (((0, 2), (2, 4)), '<mark id="r0-s0">ab</mark><mark id="r0-s1">cd</mark>efghij'),  # adjacent
]


def _bare(html: str) -> str:
    """Only the tag names and ids, to keep the table readable."""
    return re.sub(r'<mark( id="[^"]+")?[^>]*>', r"<mark\1>", html)


@pytest.mark.parametrize(("ranges", "want"), HIGHLIGHTS, ids=[str(h[0]) for h in HIGHLIGHTS])
def test_highlight_table(ranges, want):
    assert _bare(highlight("abcdefghij", placed(*ranges))) == want


@given(st.text(alphabet="ab<&>\"' \n", min_size=1, max_size=40),
       st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=6))
def test_highlight_keeps_text_and_every_span(source, pairs):
    ranges = [(min(a, b), max(a, b)) for a, b in pairs
              if min(a, b) < max(a, b) <= len(source)]
    evs = placed(*ranges)
    parsed = parse_marks(highlight(source, evs))
    assert "".join(parsed.text) == source
    for e in evs:
        assert parsed.by_span[e.sid] == source[e.at[0]:e.at[1]]


def test_seed_record_offsets_select_their_quotes():
    rec, text = seed_record()
    evs = collect_evidence(rec)
    assert len(evs) == 10  # 4 spans, 1 reason, 1 payment, 3 citations, 1 issue span
    for e in evs:
        assert text[e.start:e.end] == e.quote, e


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_pipeline_records_offsets_select_their_quotes(path):
    doc = load_path(str(path))[0]
    rec = run_one(doc)
    for e in collect_evidence(rec):
        if e.start is not None and e.quote is not None:
            assert doc.text[e.start:e.end] == e.quote, e


def test_page_highlights_every_evidence_span():
    rec, text = seed_record()
    page = render_html([rec])
    marks = parse_marks(page).by_span
    for n, e in enumerate(collect_evidence(rec)):
        assert marks[f"r0-s{n}"] == e.quote
    assert "Source text not available" not in page


def test_page_is_self_contained_and_escaped():
    rec, _ = seed_record()
    hostile = rec.model_copy(update={"complainant": '<script>alert("x")</script>',
                                     "summary": "</pre><img src=x onerror=alert(1)>"})
    page = render_html([hostile], [f'{"<script>evil()</script>"} & more'])
    assert "<script>alert" not in page and "<script>evil" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<img" not in page
    assert page.count("<script>") == 1                       # only the page's own script
    assert not re.search(r'(src|href)="(https?:)?//', page)  # no external assets
    assert "<link" not in page and "@import" not in page


def test_issues_sit_beside_their_fields():
    rec, _ = seed_record()
    page = render_html([rec])
    reasons_row = re.search(r'<tr id="r0-f-reasons".*?</tr>', page, re.S)[0]
    assert "reason_vs_offer" in reasons_row and "&lt;b&gt;was&lt;/b&gt;" in reasons_row
    loose = page.split("<h3>Record issues</h3>")[1].split("</ul>")[0]
    assert "not_a_decision" in loose and "reason_vs_offer" not in loose


def test_rows_link_to_their_spans():
    rec, _ = seed_record()
    page = render_html([rec])
    row = re.search(r'<tr id="r0-f-citations"[^>]*data-spans="([^"]*)"', page)
    assert row and row[1].split() == ["r0-s6", "r0-s7", "r0-s8"]
    assert '<a class="ev" href="#r0-s6" data-span="r0-s6">LGA1974 s24A(6)</a>' in page


def test_meta_is_shown():
    rec, _ = seed_record()
    page = render_html([rec])
    for value in ("gpt-test", "abc123", "openai", rec.meta.source_sha256):
        assert f"<td>{value}</td>" in page


def test_several_records_get_a_nav():
    rec, _ = seed_record()
    other = rec.model_copy(update={"reference": "25 000 001"})
    page = render_html([rec, other])
    assert '<nav><h1>2 records</h1>' in page
    assert 'href="#r1" data-record="r1">25 000 001</a>' in page
    assert page.count('class="record"') == 2
    assert "<nav>" not in render_html([rec])


def test_spans_of_unknown_fields_get_their_own_row():
    rec, text = seed_record()
    rec.spans["page_title"] = span(text, "Royal Borough")
    page = render_html([rec], [text])
    row = re.search(r'<tr id="r0-f-other-spans".*?</tr>', page, re.S)
    assert row and f"<th>{OTHER_ROW}</th>" in row[0] and "page_title" in row[0]
    assert "r0-f-other-spans" not in render_html([seed_record()[0]], [text])


def test_several_records_step_to_each_other():
    rec, text = seed_record()
    page = render_html([rec, rec, rec], [text] * 3)
    assert '<p class="steps"> 1 of 3 <a href="#r1">next →</a></p>' in page
    assert '<a href="#r0">← previous</a> 2 of 3 <a href="#r2">next →</a>' in page
    assert 'class="steps"' not in render_html([rec], [text])


@pytest.mark.parametrize("change", ["missing", "edited"])
def test_source_gone_or_changed_gives_a_note(tmp_path, change):
    rec, text = seed_record()
    copy = tmp_path / "decision.txt"
    if change == "edited":
        copy.write_text(text + "\nedited later", encoding="utf-8")
    rec.meta.source = str(copy)
    page = render_html([rec])
    assert "Source text not available" in page and '<pre class="source">' not in page
    assert "It offered Miss X £1050" in page                 # quotes still in the table
    assert "not found in the source" not in page


def test_source_reloaded_when_unchanged(tmp_path):
    rec, text = seed_record()
    copy = tmp_path / "decision.txt"
    copy.write_text(text, encoding="utf-8")
    rec.meta.source = str(copy)
    assert '<pre class="source">' in render_html([rec])


def test_quote_missing_from_source_is_reported():
    rec, text = seed_record()
    rec.reasons[0].evidence, rec.reasons[0].start = "words the page never says", None
    page = render_html([rec], [text])
    assert "words the page never says" in page and "not found in the source" in page


def test_cli_review_writes_the_page(tmp_path):
    rec, _ = seed_record()
    results = tmp_path / "results.jsonl"
    results.write_text(rec.model_dump_json() + "\n", encoding="utf-8")
    out = tmp_path / "review.html"
    result = runner.invoke(app, ["review", str(results), "--html", str(out)])
    assert result.exit_code == 0, result.output
    assert parse_marks(out.read_text(encoding="utf-8")).by_span["r0-s6"] == "section 24A(6)"


@pytest.mark.parametrize(("args", "code", "message"), [
    (["review", "absent.jsonl", "--html", "x.html"], 1, "absent.jsonl: no such file"),
    (["review", "RESULTS", "--html", "/no/such/dir/x.html"], 1, "cannot write"),
    (["review", "RESULTS"], 2, ""),                          # --html is required
])
def test_cli_review_errors(tmp_path, args, code, message):
    rec, _ = seed_record()
    results = tmp_path / "r.jsonl"
    results.write_text(rec.model_dump_json() + "\n", encoding="utf-8")
    result = runner.invoke(app, [str(results) if a == "RESULTS" else a for a in args])
    assert result.exit_code == code and message in result.output


def test_cli_extract_html_uses_the_loaded_text(tmp_path):
    out = tmp_path / "page.html"
    stdin = KINGSTON.read_text(encoding="utf-8")
    result = runner.invoke(app, ["extract", "--backend", "none", "--html", str(out), "-"],
                           input=stdin)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["meta"]["source"] == "-"
    page = out.read_text(encoding="utf-8")
    assert '<pre class="source">' in page and "Miss X" in page
