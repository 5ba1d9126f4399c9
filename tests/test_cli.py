"""The CLI contract: every exit code and its one-line error message."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.models import Decision, Issue
from extractor.review.records import schema_json

ROOT = Path(__file__).resolve().parent.parent
SEED = str(ROOT / "examples" / "seed_000_kensington.txt")
runner = CliRunner()


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_extract_none_writes_one_json_line_per_document():
    result = run("extract", "--backend", "none", SEED, SEED)
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(lines) == 2
    assert lines[0]["meta"]["source"] == SEED and lines[0]["meta"]["backend"] == "none"


def test_extract_out_file(tmp_path):
    out = tmp_path / "r.jsonl"
    result = run("extract", "--backend", "none", "--out", str(out), SEED)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert Decision.model_validate_json(out.read_text().splitlines()[0]).meta.source == SEED


def test_extract_stdin():
    text = Path(SEED).read_text(encoding="utf-8")
    result = run("extract", "--backend", "none", "-", stdin=text)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["meta"]["source"] == "-"


ERRORS = [
    # (args, exit code, stderr fragment)
    (["extract", "--backend", "none", "/nonexistent/x.txt"], 1,
     "error: /nonexistent/x.txt: no such file"),
    (["extract", "--backend", "bogus", SEED], 2, "'bogus' is not one of 'none', 'local', 'openai'"),
    (["extract", "--mode", "xml", SEED], 2, "'xml' is not one of 'tools', 'json', 'json_schema'"),
    (["extract", "--backend", "none", "--max-bytes", "10", SEED], 1, "over the limit of 10"),
    (["clean", "--steps", "nbsp,shout", SEED], 2, "unknown step 'shout'"),
    (["check", "/nonexistent/r.jsonl"], 1, "error: /nonexistent/r.jsonl: no such file"),
    (["extract", "--no-such-option", SEED], 2, "No such option"),
    ([], 2, "Usage"),
]


@pytest.mark.parametrize("args,code,fragment", ERRORS, ids=[" ".join(e[0][:3]) for e in ERRORS])
def test_errors_and_exit_codes(args, code, fragment):
    result = run(*args)
    assert result.exit_code == code
    assert fragment in (result.stderr + result.stdout)


def test_error_is_a_single_line():
    result = run("extract", "--backend", "none", "/nonexistent/x.txt")
    assert result.stderr.strip().count("\n") == 0


def test_bad_document_does_not_stop_the_others(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = run("extract", "--backend", "none", str(empty), SEED)
    assert result.exit_code == 1
    assert "input is empty" in result.stderr
    assert len(result.stdout.splitlines()) == 1


def test_check_exit_3_on_error_issue(tmp_path):
    rec = Decision(issues=[Issue(rule="extraction_failed", severity="error", field=None,
                                 message="model gave up")])
    path = tmp_path / "r.jsonl"
    path.write_text(rec.model_dump_json() + "\n")
    result = run("check", str(path))
    assert result.exit_code == 3
    assert "extraction_failed" in result.stdout


def test_check_exit_0_and_json(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(run("extract", "--backend", "none", SEED).stdout)
    result = run("check", "--json", str(path))
    assert json.loads(result.stdout)["meta"]["source"] == SEED
    assert result.exit_code == 0


def test_check_rejects_non_records(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"reference": 5}\n')
    result = run("check", str(path))
    assert result.exit_code == 1
    assert "r.jsonl:1: not a decision record" in result.stderr


def test_clean_prints_cleaned_text():
    result = run("clean", SEED)
    assert result.exit_code == 0
    assert result.stdout.startswith("Royal Borough of Kensington & Chelsea (25 005 395)\n")
    assert "\u2019" not in result.stdout


def test_schema_file_is_current():
    committed = (ROOT / "schemas" / "decision.schema.json").read_text(encoding="utf-8")
    assert committed.strip() == schema_json().strip(), (
        "schemas/decision.schema.json is stale: run `extractor schema > "
        "schemas/decision.schema.json`")


def test_python_dash_m_and_help():
    proc = subprocess.run([sys.executable, "-m", "extractor", "--help"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0
    for command in ("extract", "clean", "check", "schema"):
        assert command in proc.stdout


def test_saved_html_page_gives_the_same_header_facts_as_the_text():
    page = str(ROOT / "tests" / "fixtures" / "seed_000_page.html")
    from_html = json.loads(run("extract", "--backend", "none", page).stdout)
    from_text = json.loads(run("extract", "--backend", "none", SEED).stdout)
    for field in ("reference", "bodies", "category", "outcome", "decision_date", "complainant",
                  "referred_to"):
        assert from_html[field] == from_text[field], field
    assert [c["canonical"] for c in from_html["citations"]] == ["LGA1974 s24A(6)", "LGA1974 s34B"]


def test_credentials_in_a_base_url_never_reach_the_error_line():
    result = run("extract", "--backend", "openai", "--base-url",
                 "http://someone:hunter2secret@127.0.0.1:9/v1", SEED)
    assert result.exit_code == 1
    assert "hunter2secret" not in result.stderr + result.stdout
    assert "***@127.0.0.1:9" in result.stderr


# --- what a newcomer reads first (issue 16, item 6) -------------------------------------------

def test_mode_help_names_every_mode():
    result = run("extract", "--help")
    assert "<tools|json|json_schema|md_json>" in result.stdout


def test_batch_help_keeps_descriptions_readable():
    """A dozen options must not squeeze the descriptions into a narrow column: each option's
    help starts on its own line with most of its words, not two or three."""
    lines = run("batch", "--help").stdout.splitlines()
    [resume] = [line for line in lines if line.lstrip().startswith("--resume")]
    assert "Skip documents already done with the same" in resume
    [backend] = [i for i, line in enumerate(lines) if "--backend" in line]
    assert "OPENAI_API_KEY or" in lines[backend] + lines[backend + 1]


def test_text_that_merely_says_decision_is_flagged_not_a_decision():
    result = run("extract", "--backend", "none", "-", stdin="hello world, not a decision")
    assert "not_a_decision" in {i["rule"] for i in json.loads(result.stdout)["issues"]}


def test_review_says_how_many_records_and_how_big_the_page_is(tmp_path):
    records, page = tmp_path / "r.jsonl", tmp_path / "review.html"
    records.write_text(run("extract", "--backend", "none", SEED, SEED).stdout)
    result = run("review", str(records), "--html", str(page))
    assert result.exit_code == 0
    size = round(page.stat().st_size / 1000)
    assert result.stderr.strip() == f"wrote {page}: 2 records, {size} kB (one page, each " \
        "record's source text included)"


# --- check: totals, and --quiet for only the problems (issue 16, item 4) ---------------------

def checked_file(tmp_path: Path) -> Path:
    """Three records: one clean, one with a warning, one with an error (and an info note)."""
    clean = Decision()
    warned = Decision(issues=[Issue(rule="model_unsupported", severity="warning", field=None,
                                    message="an answer was dropped")])
    failed = Decision(issues=[
        Issue(rule="extraction_failed", severity="error", field=None, message="model gave up"),
        Issue(rule="input_decoding", severity="info", field=None, message="Windows-1252")])
    for n, rec in enumerate((clean, warned, failed)):
        rec.meta.source, rec.reference, rec.bodies = f"d{n}.txt", f"25 00{n} 395", ["A Council"]
    path = tmp_path / "r.jsonl"
    path.write_text("".join(r.model_dump_json() + "\n" for r in (clean, warned, failed)))
    return path


def test_check_totals(tmp_path):
    result = run("check", str(checked_file(tmp_path)))
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert lines[0] == "d0.txt: ok"
    assert lines[-2:] == [
        "3 records: 1 ok, 1 with warnings, 1 with errors",
        ("top rules: model_unsupported (warning) 1, extraction_failed (error) 1, "
         "input_decoding (info) 1")]


def test_check_quiet_prints_only_problems_and_the_totals(tmp_path):
    result = run("check", "--quiet", str(checked_file(tmp_path)))
    assert result.exit_code == 3
    assert result.stdout.splitlines()[:2] == [
        "d1.txt: warning model_unsupported [-] an answer was dropped",
        "d2.txt: error extraction_failed [-] model gave up"]
    assert result.stdout.splitlines()[2].startswith("3 records: 1 ok")
    assert len(result.stdout.splitlines()) == 4  # no "d0.txt: ok", no info line


def test_extract_eval_and_batch_read_inputs_the_same_way(tmp_path):
    """One input path: a folder, a glob and a JSON Lines file name the same documents for
    extract as for batch (folders were refused by extract before)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(Path(SEED).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.jsonl").write_text(json.dumps({"id": "b1", "text": Path(SEED).read_text(
        encoding="utf-8")}) + "\n", encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    result = runner.invoke(app, ["extract", "--backend", "none", str(folder)])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["meta"]["id"] for r in records] == [None, "b1"]
    assert result.exit_code == 1
    assert "notes.pdf: a .pdf file in a folder is not read" in result.stderr
    assert "batch" not in result.stderr.replace(str(folder), "")  # no other command named


# (header line replaced in a copy of the seed, the error rules its record must carry)
BROKEN_HEADERS = [
    ("Decision date : 06 Oct 2025", "Decision date : 31 Feb 2025", {"decision_date_invalid"}),
    ("Category : Children's care services > Child protection",
     "Category : Parking tickets > Child protection", {"category_top_unknown"}),
]


@pytest.mark.parametrize(("line", "broken", "rules"), BROKEN_HEADERS,
                         ids=[b[2].copy().pop() for b in BROKEN_HEADERS])
def test_extract_says_on_stderr_which_rules_found_errors(tmp_path, line, broken, rules):
    page = tmp_path / "broken.txt"
    page.write_text(Path(SEED).read_text(encoding="utf-8").replace(line, broken),
                    encoding="utf-8")
    result = run("extract", "--backend", "none", SEED, str(page))
    records = [json.loads(x) for x in result.stdout.splitlines()]
    found = {i["rule"] for i in records[1]["issues"] if i["severity"] == "error"}
    assert found == rules and result.exit_code == 3
    named = ", ".join(f"{rule} 1" for rule in sorted(rules))
    assert result.stderr.splitlines() == [
        f"extract: 1 of 2 records with error issues ({named}); each record's \"issues\" "
        "says why (exit 3)"]


def test_extract_without_error_issues_is_silent_on_stderr():
    result = run("extract", "--backend", "none", SEED)
    assert (result.exit_code, result.stderr) == (0, "")


@pytest.mark.parametrize("name", ["empty", "empty/*.txt"])
def test_extract_of_nothing_says_so_and_fails(tmp_path, name):
    (tmp_path / "empty").mkdir()
    result = run("extract", "--backend", "none", str(tmp_path / name))
    assert result.exit_code == 1 and result.stdout == ""
    expected = "no documents found (extract reads .txt .html .htm .json .jsonl files and " \
        "folders of them)" if name == "empty" else "no files match"
    assert result.stderr == f"error: {tmp_path / name}: {expected}\n"
