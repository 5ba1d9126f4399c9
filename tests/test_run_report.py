"""The run report's numbers, read from the tidy tables of a hand-made run (``SAMPLE``: ten
decisions, one failed model pass, one unreadable input), and the page they make."""

from __future__ import annotations

import re

import pytest
from tidy_records import SAMPLE, sample, write_sample
from typer.testing import CliRunner

from extractor.cli import app
from extractor.runs.runreport import FIGURES, figures, write_report
from extractor.runs.runreport.charts import render
from extractor.store.store import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def run():
    with Store(":memory:") as store:
        run_id = write_sample(store)
        yield store, run_id


def figure(run, key: str, top: int = 15):
    store, run_id = run
    return next(f for f in figures(store, run_id, top) if f.key == key)


def test_outcomes_by_category(run):
    got = figure(run, "outcomes")
    assert got.headers == ["category", "upheld", "not upheld", "closed after initial enquiries",
                           "(not found)", "total"]
    assert got.table == [["Housing", 3, 1, 1, 0, 5], ["Education", 0, 1, 2, 0, 3],
                         ["(not found)", 0, 0, 1, 1, 2]]
    assert got.panels[0].series["upheld"] == [3, 0, 0]


def test_upheld_rate_by_body_counts_upheld_over_upheld_or_not(run):
    got = figure(run, "bodies")
    assert got.table[:3] == [["Anytown Council", 4, 3, 2, "67%"],
                             ["Bluetown Council", 2, 1, 1, "100%"],
                             ["Cloud County Council", 1, 0, 0, "–"]]
    assert got.panels[0].labels[:3] == ["67% of 3", "100% of 1", "none upheld or not upheld"]
    assert [row[0] for row in figure(run, "bodies", top=2).table] == [
        "Anytown Council", "Bluetown Council"]


def test_payments_by_purpose_and_size(run):
    got = figure(run, "payments")
    size, money = got.panels
    assert size.rows == ["under £100", "£250–499", "£1,000–2,499", "£5,000 and over"]
    assert size.series["distress"] == [0, 1, 0, 0] and size.series["not_stated"] == [1, 0, 0, 0]
    assert money.rows == ["lost_provision", "time_and_trouble", "distress", "not_stated"]
    assert money.series["£"] == [1200, 5000, 300, 50]
    assert got.table[0] == ["lost_provision", 1, "£1,200", "£1,200", "£1,200"]


def test_reasons_remedies_and_referrals(run):
    reasons = figure(run, "reasons")
    assert reasons.table == [["late_complaint", 2, 0], ["no_evidence_of_fault", 1, 1],
                             ["premature", 1, 0]]
    assert reasons.panels[0].series == {"rule": [2, 0, 1], "model": [0, 1, 0]}
    assert "4 decisions were not investigated, 1 of them with no reason found" in reasons.note
    assert figure(run, "remedies").table == [["apology", 2], ["payment", 2]]
    assert figure(run, "referrals").table == [["tribunal", 2], ["courts", 1]]


def test_issues_count_every_result_of_the_run(run):
    got = figure(run, "issues")
    assert got.headers == ["rule", "error", "warning", "info", "documents"]
    assert ["extraction_failed", 1, 0, 0, 1] in got.table        # from the failed result
    assert len(got.table) == 5 and sum(sum(r[1:4]) for r in got.table) == 5


def test_model_usage(run):
    got = dict(figure(run, "model").table)
    assert {k: got[k] for k in ("results", "asked", "answered", "re-asked", "failed",
                                "model value kept", "model value refused")} == {
        "results": 12, "asked": 4, "answered": 3, "re-asked": 2, "failed": 2,
        "model value kept": 2, "model value refused": 1}
    assert got["prompt tokens"] == 2000 and got["completion tokens"] == 160
    assert got["questions asked"] == 8 and got["answers received (re-asks included)"] == 13


def test_every_chart_has_hover_numbers_and_unique_ids(run):
    store, run_id = run
    svgs = [render(f) for f in figures(store, run_id)]
    assert len(svgs) == len(FIGURES)
    ids = [i for svg in svgs for i in re.findall(r'\bid="([^"]+)"', svg)]
    assert len(ids) == len(set(ids))                              # one page, no clashes
    refs = {r for svg in svgs for r in re.findall(r"url\(#([^)]+)\)", svg)}
    assert refs <= set(ids)
    assert all("<title>" in svg and not svg.startswith("<?xml") for svg in svgs)
    assert "<title>Housing: 3 upheld</title>" in svgs[0]


def test_an_empty_run_still_makes_a_page(tmp_path):
    with Store(":memory:") as store:
        run_id = write_sample(store, records=[])
        size = write_report(store, run_id, tmp_path / "empty.html")
    page = (tmp_path / "empty.html").read_text(encoding="utf-8")
    assert size == len(page.encode()) and page.count("<svg") == len(FIGURES)
    assert page.count("none in this run") >= 6


def test_top_bodies_bound_the_page_whatever_the_run_size(tmp_path):
    records = [sample(n, f"Council {n % 40}", "upheld") for n in range(200)]
    with Store(":memory:") as store:
        got = figures(store, write_sample(store, records), top=15)
    bodies = next(f for f in got if f.key == "bodies")
    assert len(bodies.table) == 15 and bodies.table[0][1] == 5


def test_report_command(tmp_path):
    db = tmp_path / "runs.sqlite"
    with Store(str(db)) as store:
        run_id = write_sample(store)
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["runs", "report", str(run_id), "--db", str(db),
                                 "--html", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"wrote {out} (") and out.stat().st_size > 50_000
    missing = runner.invoke(app, ["runs", "report", "7", "--db", str(db), "--html", str(out)])
    assert missing.exit_code == 1 and missing.stderr.strip() == f"error: {db}: no run 7"
    assert len(SAMPLE) == 10
