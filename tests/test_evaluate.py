"""extractor.review.evaluate: field views, matching, scores, and the `eval` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.errors import InputError
from extractor.models import Category, Citation, Decision, Meta, Payment, Reason
from extractor.review.evaluate import (
    SCALAR_FIELDS,
    SET_FIELDS,
    gold_view,
    load_gold,
    match,
    norm_cite,
    norm_ref,
    norm_text,
    record_view,
    score,
)

ROOT = Path(__file__).resolve().parent.parent
SHARED_SCORER = ROOT.parent / "shared" / "tools" / "score.py"
runner = CliRunner()

NORM_REFS = [
    ("25 005 395", "25 005 395"),
    ("25-005-395", "25 005 395"),        # dashes, as in file names and urls
    ("25005395", "25 005 395"),          # no separators
    ("17 002 402b", "17 002 402b"),      # a trailing letter is kept
    ("ref 12/345/678", "12 345 678"),    # any one non-digit between groups
    ("no digits", "no digits"),          # unparseable: compared as written
    (None, None),
    ("", None),
]
NORM_TEXTS = [
    ("The Council", "council"),          # a leading "the" goes
    ("Mr  X\n", "mr x"),                 # whitespace collapses
    ("Children\u2019s services", "children's services"),  # curly apostrophe
    ("Care\u00a0Act 2014", "care act 2014"),  # non-breaking space
    ("Other the", "other the"),          # only a leading "the"
    (None, None),
]
NORM_CITES = [
    ("LGA1974 s34H(i)", "LGA1974 s34H(1)"),  # labels write roman (i) for s34H
    ("LGA1974 s26(6)(c)", "LGA1974 s26(6)(c)"),
    (" LGA1974  s24A(6) ", "LGA1974 s24A(6)"),
    ("LGA1974 s24(i)", "LGA1974 s24(i)"),  # only s34H is rewritten
]


@pytest.mark.parametrize(("raw", "want"), NORM_REFS, ids=[str(r[0]) for r in NORM_REFS])
def test_norm_ref(raw, want):
    assert norm_ref(raw) == want


@pytest.mark.parametrize(("raw", "want"), NORM_TEXTS, ids=[str(r[0]) for r in NORM_TEXTS])
def test_norm_text(raw, want):
    assert norm_text(raw) == want


@pytest.mark.parametrize(("raw", "want"), NORM_CITES, ids=[r[0] for r in NORM_CITES])
def test_norm_cite(raw, want):
    assert norm_cite(raw) == want


def label(file: str, **over) -> dict:
    """A gold label in the dev-gold.jsonl format; unspecified fields unknown / empty."""
    base = {"file": file, "ref": None, "ref_in_text": True, "bodies": [], "category_top": None,
            "category_sub": None, "outcome": None, "outcome_source": "wording",
            "decision_date": None, "complainant": None, "investigated": None,
            "fault_found": None, "reasons": [], "referred_to": [], "payments": [],
            "remedy_kinds": [], "citations": [], "other_acts": [], "complete": False, "notes": ""}
    return {**base, **over}


def make_record(source: str, **over) -> Decision:
    return Decision(**over, meta=Meta(source=source))


def cite(canonical: str) -> Citation:
    return Citation(canonical=canonical, text="section", start=0, end=7)


GOLD_VIEWS = [
    # (label overrides, field, expected view)
    ({"outcome": "upheld", "outcome_source": "header"}, "outcome_header", "upheld"),
    ({"outcome": "upheld", "outcome_source": "header"}, "outcome_wording", None),
    ({"outcome": "not_upheld"}, "outcome_wording", "not_upheld"),
    ({"outcome": "unclear"}, "outcome_wording", None),             # unclear is not scored
    ({"bodies": []}, "bodies", None),                              # unnamed bodies not scored
    ({"bodies": ["The Council"]}, "bodies", {"council"}),
    ({"investigated": True, "reasons": ["premature"]}, "reasons", None),  # investigated: skip
    ({"investigated": False, "reasons": ["premature"]}, "reasons", {"premature"}),
    ({"investigated": None, "reasons": []}, "reasons", None),
    ({"referred_to": ["none"]}, "referred_to", set()),
    ({"payments": [{"amount_gbp": 150, "status": "agreed"}, {"amount_gbp": None}]},
     "payment_amounts", {150.0}),
    ({"citations": ["LGA1974 s34H(i)"]}, "citations", {"LGA1974 s34H(1)"}),
    ({"ref": "25-005-395"}, "reference", "25 005 395"),
]


@pytest.mark.parametrize(("over", "field", "want"), GOLD_VIEWS,
                         ids=[f"{g[1]}-{i}" for i, g in enumerate(GOLD_VIEWS)])
def test_gold_view(over, field, want):
    assert gold_view(label("a.json", **over))[field] == want


def test_record_view_reads_every_scored_field():
    rec = make_record("a.json", reference="25-005-395",
                      category=Category(top="The Education", sub=None), outcome="upheld",
                      reasons=[Reason(code="premature")], referred_to=["courts"],
                      payments=[Payment(amount_gbp=300), Payment(amount_gbp=None)],
                      citations=[cite("LGA1974 s26(1)")], other_acts=["Care Act 2014"])
    view = record_view(rec)
    assert set(view) == set(SCALAR_FIELDS) | set(SET_FIELDS)
    assert view["reference"] == "25 005 395" and view["category_top"] == "education"
    assert view["category_sub"] is None and view["outcome_wording"] == "upheld"
    assert view["payment_amounts"] == {300.0} and view["citations"] == {"LGA1974 s26(1)"}
    assert view["reasons"] == {"premature"} and view["other_acts"] == {"care act 2014"}


def test_match_by_stem_then_position():
    gold = [label("25-001__x.json"), label("25-002__x.json")]
    a, b = make_record("/tmp/run/25-002__x.json"), make_record("elsewhere/25-001__x.txt")
    assert match(gold, [a, b]) == [b, a]                      # stems, whatever the folder
    assert match(gold, [a]) == [None, a]                      # missing one
    c, d = make_record(""), make_record("")
    assert match(gold, [c, d]) == [c, d]                      # no sources: by position
    assert match(gold, [c]) == [None, None]                   # ...only when counts agree


# A small labelled set whose scores are worked out by hand below.
SMALL_GOLD = [
    label("d1.json", ref="25 000 001", outcome="closed_after_initial_enquiries",
          outcome_source="header", complainant="Mr X", investigated=False,
          reasons=["premature", "late_complaint"], bodies=["Leeds City Council"],
          citations=["LGA1974 s26(6)(a)", "LGA1974 s26B"]),
    label("d2.json", ref="25 000 002", outcome="upheld", investigated=True, fault_found=True,
          payments=[{"amount_gbp": 200, "status": "agreed", "purpose": "distress"}],
          remedy_kinds=["apology", "payment"]),
    label("d3.json", ref="25 000 003"),                       # no record for this one
]
SMALL_RECORDS = [
    make_record("in/d1.json", reference="25-000-001", outcome="closed_after_initial_enquiries",
                complainant="Mr X", investigated=False, bodies=["Leeds City Council"],
                reasons=[Reason(code="premature"), Reason(code="other")],
                citations=[cite("LGA1974 s26(6)(a)")]),
    make_record("in/d2.json", reference="25 000 002", outcome="not_upheld", investigated=True,
                fault_found=True, payments=[Payment(amount_gbp=200.0), Payment(amount_gbp=50)],
                remedy_kinds=["apology", "payment", "other"]),
]
SMALL_EXPECTED = {
    "reference": {"accuracy": 0.6667, "n": 3},                # d3 missing
    "outcome_header": {"accuracy": 1.0, "n": 1},
    "outcome_wording": {"accuracy": 0.0, "n": 1},             # upheld vs not_upheld
    "complainant": {"accuracy": 1.0, "n": 1},
    "investigated": {"accuracy": 1.0, "n": 2},
    "fault_found": {"accuracy": 1.0, "n": 1},
    "decision_date": {"accuracy": None, "n": 0},              # never labelled
    "reasons": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "n": 2},
    "citations": {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "n": 2},
    "payment_amounts": {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "n": 1},
    "remedy_kinds": {"precision": 0.6667, "recall": 1.0, "f1": 0.8, "n": 2},
    "bodies": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "n": 1},
    "other_acts": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "n": 0},  # nothing either side
}


@pytest.mark.parametrize("field", sorted(SMALL_EXPECTED))
def test_small_set_scores(field):
    report = score(SMALL_GOLD, SMALL_RECORDS).as_dict()
    assert report["documents"] == 3 and report["missing_results"] == 1
    got = report["fields"][field]
    assert {k: got[k] for k in SMALL_EXPECTED[field]} == SMALL_EXPECTED[field]


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r.model_dump_json() if isinstance(r, Decision) else json.dumps(r))
                            + "\n" for r in rows), encoding="utf-8")
    return path


def test_load_gold_reads_several_files(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", SMALL_GOLD[:2])
    b = write_jsonl(tmp_path / "b.jsonl", SMALL_GOLD[2:])
    assert [g["file"] for g in load_gold([str(a), str(b)])] == ["d1.json", "d2.json", "d3.json"]


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such file"),
    ("{not json\n", "invalid JSON"),
    ('{"ref": "25 000 001"}\n', 'needs a "file" name'),
    ("\n\n", "no gold labels"),
])
def test_load_gold_errors(tmp_path, content, message):
    path = tmp_path / "gold.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_gold([str(path)])


def test_cli_eval_results_json(tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", SMALL_GOLD)
    results = write_jsonl(tmp_path / "results.jsonl", SMALL_RECORDS)
    out = runner.invoke(app, ["eval", "--gold", str(gold), "--results", str(results), "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["missing_results"] == 1
    assert report["fields"]["reasons"]["f1"] == 0.5


def test_cli_eval_table(tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", SMALL_GOLD)
    results = write_jsonl(tmp_path / "results.jsonl", SMALL_RECORDS)
    out = runner.invoke(app, ["eval", "--gold", str(gold), "--results", str(results)])
    assert out.exit_code == 0, out.output
    for name in ("payment_amounts", "outcome_header", "precision", "3 documents"):
        assert name in out.stdout


def test_cli_eval_runs_the_pipeline(tmp_path):
    seed = (ROOT / "examples" / "seed_000_kensington.txt").read_text(encoding="utf-8")
    doc = tmp_path / "d1.json"
    doc.write_text(json.dumps({"url": "https://example.org/d1", "text": seed}), encoding="utf-8")
    gold = write_jsonl(tmp_path / "gold.jsonl", SMALL_GOLD)
    out = runner.invoke(app, ["eval", "--backend", "none", "--gold", str(gold), str(doc),
                              str(tmp_path / "absent.json"), "--json"])
    assert out.exit_code == 1                                 # one input could not be read
    assert "absent.json: no such file" in out.stderr
    assert json.loads(out.stdout)["missing_results"] == 2     # d2, d3 never given


@pytest.mark.parametrize("args", [["eval", "x.json"], ["eval", "--gold", "g.jsonl"]])
def test_cli_eval_usage(args):
    assert runner.invoke(app, args).exit_code == 2


@pytest.mark.skipif(not SHARED_SCORER.exists(), reason="shared/tools/score.py not beside the "
                    "checkout")
def test_agrees_with_the_shared_scorer(tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", SMALL_GOLD)
    results = write_jsonl(tmp_path / "results.jsonl", SMALL_RECORDS)
    proc = subprocess.run([sys.executable, str(SHARED_SCORER), "--gold", str(gold), "--docs",
                           str(tmp_path), "--results", str(results), "--json"],
                          capture_output=True, text=True, check=True)
    theirs = json.loads(proc.stdout)
    ours = score(SMALL_GOLD, SMALL_RECORDS).as_dict()
    assert ours["documents"] == theirs["documents"]
    assert ours["missing_results"] == theirs["missing_results"]
    for name, scores in theirs["fields"].items():
        assert {k: ours["fields"][name][k] for k in scores} == scores, name
