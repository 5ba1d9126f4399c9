"""The batch runner: resume, retry, failures recorded, concurrency, export, CLI."""

from __future__ import annotations

import io
import json
import sqlite3
import threading
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import extractor.runs.batch as batch_module
from extractor.cli import app
from extractor.errors import ExtractorError
from extractor.model.backends import BackendOptions
from extractor.model.llm import Asked
from extractor.models import Decision, Issue
from extractor.read.inputs import Unsupported, count, document_key, expand, iter_items
from extractor.read.load import Document
from extractor.runs.batch import BatchOptions, RunSummary, describe_backend, run_batch
from extractor.runs.report import (
    PlainProgress,
    RichProgress,
    format_runs,
    format_summary,
    make_progress,
)
from extractor.settings import Settings

FAIL_MARK = "MODEL-CANNOT-READ-THIS"
HALF_WRITTEN = "written by a model pass that then failed"
GROUNDED_SUMMARY = "We found no fault in how the Council reached its decision."


def decision_text(n: int, extra: str = "") -> str:
    """A short decision in the house style, distinct per ``n``."""
    return (f"Northshire County Council (23 {n:03d} {100 + n:03d})\n\n"
            "Category : Adult care services > Charging\n\nDecision : Not upheld\n\n"
            "Decision date : 14 Mar 2024\n\nThe Ombudsman's final decision:\n\n"
            f"Summary: Mr {chr(65 + n % 26)} complained about charges for care number {n}. "
            f"We found no fault in how the Council reached its decision.\n{extra}\n")


def write_records(path: Path, n: int, failing: tuple[int, ...] = (), start: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(start, start + n):
            text = decision_text(i, FAIL_MARK if i in failing else "")
            fh.write(json.dumps({"id": f"doc-{i}", "text": text}) + "\n")
    return path


class ModelPassFailed(ExtractorError):
    """A whole model pass that failed after its retries (the batch keeps ``attempts``)."""

    def __init__(self, message: str, attempts: int):
        super().__init__(message)
        self.attempts = attempts


class FakePass:
    """Stands in for the model server: fills ``summary``; fails on marked documents."""

    name = "fake"
    settings = Settings()

    def __init__(self, model: str = "m1", prompt_sha: str = "p1", fail: bool = True,
                 barrier: threading.Barrier | None = None, fail_as: str = "raise"):
        self.model, self.prompt_sha, self.fail, self.barrier = model, prompt_sha, fail, barrier
        self.fail_as = fail_as  # "raise", or "issue" as llm.py does for a question that fails
        self.calls: list[str] = []
        self.lock = threading.Lock()

    def ask_all(self, facts: Decision, doc: Document, questions: list) -> Asked:
        with self.lock:
            self.calls.append(doc.id or doc.source)
        if self.barrier is not None:
            self.barrier.wait()
        if self.fail and FAIL_MARK in doc.text and self.fail_as == "issue":
            facts.issues.append(Issue(rule="extraction_failed", severity="error",
                                      message="model answer for reasons failed"))
            return Asked()
        if self.fail and FAIL_MARK in doc.text:
            facts.complainant = HALF_WRITTEN  # a model pass may fail after changing the record
            raise ModelPassFailed("model answer failed validation 3 times", attempts=3)
        facts.summary = GROUNDED_SUMMARY
        facts.meta.usage.prompt_tokens += 100
        facts.meta.usage.completion_tokens += 10
        return Asked()


def db_rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_second_run_skips_everything(tmp_path):
    src, db = write_records(tmp_path / "in.jsonl", 12), tmp_path / "r.sqlite"
    first = run_batch([str(src)], str(db))
    again = run_batch([str(src)], str(db))
    assert (first.ok + first.issues, first.skipped) == (12, 0)
    assert (again.processed, again.skipped) == (0, 12)
    assert db_rows(db, "SELECT COUNT(*) FROM results") == [(12,)]


# (name, second pass, second run options, processed, results in the store after both runs)
RERUNS = [
    ("same config is skipped", FakePass(), BatchOptions(), 0, 6),
    ("changed prompt re-does", FakePass(prompt_sha="p2"), BatchOptions(), 6, 12),
    ("changed model re-does", FakePass(model="m2"), BatchOptions(), 6, 12),
    ("no-resume re-does in place", FakePass(), BatchOptions(resume=False), 6, 6),
    ("retry-failed re-does only failures", FakePass(fail=False),
     BatchOptions(retry_failed=True), 2, 6),
]


@pytest.mark.parametrize(("second", "options", "processed", "stored"),
                         [r[1:] for r in RERUNS], ids=[r[0] for r in RERUNS])
def test_rerun_policy(tmp_path, second, options, processed, stored):
    src, db = write_records(tmp_path / "in.jsonl", 6, failing=(1, 4)), tmp_path / "r.sqlite"
    first = run_batch([str(src)], str(db), FakePass())
    assert (first.ok, first.failed) == (4, 2)
    summary = run_batch([str(src)], str(db), second, options)
    assert summary.processed == processed
    assert summary.skipped == 6 - processed
    assert db_rows(db, "SELECT COUNT(*) FROM results") == [(stored,)]


@pytest.mark.parametrize("fail_as", ["raise", "issue"])
def test_retry_failed_leaves_none_failed(tmp_path, fail_as):
    src, db = write_records(tmp_path / "in.jsonl", 6, failing=(0, 5)), tmp_path / "r.sqlite"
    assert run_batch([str(src)], str(db), FakePass(fail_as=fail_as)).failed == 2
    healthy = FakePass(fail=False)
    summary = run_batch([str(src)], str(db), healthy, BatchOptions(retry_failed=True))
    assert sorted(healthy.calls) == ["doc-0", "doc-5"]
    assert summary.exit_code == 0
    assert db_rows(db, "SELECT status, COUNT(*) FROM results GROUP BY status") == [("ok", 6)]


def test_model_failure_keeps_deterministic_record_and_reason(tmp_path):
    src, db = write_records(tmp_path / "in.jsonl", 3, failing=(2,)), tmp_path / "r.sqlite"
    summary = run_batch([str(src)], str(db), FakePass())
    assert (summary.failed, summary.exit_code) == (1, 3)
    error, attempts, record = db_rows(
        db, "SELECT error, attempts, record FROM results WHERE status = 'failed'")[0]
    assert error == "model answer failed validation 3 times" and attempts == 3
    kept = Decision.model_validate_json(record)
    assert kept.meta.backend == "fake" and kept.meta.id == "doc-2"
    assert kept.complainant != HALF_WRITTEN  # only the deterministic fields are kept
    assert any(i.rule == "extraction_failed" and i.severity == "error" for i in kept.issues)
    assert db_rows(db, "SELECT COUNT(*) FROM issues WHERE rule = 'extraction_failed'") == [(1,)]


def test_unexpected_exception_is_a_failed_document(tmp_path):
    class Crashing(FakePass):
        def ask_all(self, *args: object) -> Decision:
            raise RuntimeError("boom\nsecond line")

    src, db = write_records(tmp_path / "in.jsonl", 2), tmp_path / "r.sqlite"
    summary = run_batch([str(src)], str(db), Crashing())
    assert summary.failed == 2
    assert db_rows(db, "SELECT DISTINCT error FROM results") == [
        ("internal error: RuntimeError: boom second line",)]


def test_failure_reasons_never_hold_the_api_key(tmp_path, monkeypatch):
    key = "sk-test-batch-0123456789abcdefghij"
    monkeypatch.setenv("OPENAI_API_KEY", key)

    class Echoing(FakePass):
        def ask_all(self, *args: object) -> Decision:
            raise RuntimeError(f"proxy said: bad credential Bearer {key}")

    src, db = write_records(tmp_path / "in.jsonl", 1), tmp_path / "r.sqlite"
    assert run_batch([str(src)], str(db), Echoing()).failed == 1
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("r.sqlite*"))  # with any WAL
    assert key.encode() not in stored
    assert "bad credential" in db_rows(db, "SELECT error FROM results")[0][0]


def test_unreadable_inputs_are_failed_rows_with_their_source(tmp_path):
    src = write_records(tmp_path / "in.jsonl", 3)
    with src.open("a") as fh:
        fh.write("{not json\n" + json.dumps({"id": "no-text"}) + "\n")
    (tmp_path / "empty.txt").write_text("  \n")
    db = tmp_path / "r.sqlite"
    paths = [str(src), str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt"),
             str(tmp_path / "nothing-*.html")]
    summary = run_batch(paths, str(db))
    assert (summary.processed, summary.failed) == (8, 5)
    failed = dict(db_rows(db, "SELECT d.source, r.error FROM results r JOIN documents d "
                              "ON d.id = r.document_id WHERE r.status = 'failed'"))
    assert set(failed) == {f"{src}:4", f"{src}:5", *paths[1:]}
    assert "invalid JSON" in failed[f"{src}:4"] and "no 'text'" in failed[f"{src}:5"]
    assert "no files match" in failed[paths[3]]
    assert run_batch(paths, str(db)).skipped == 8  # failed inputs are done too, until retried


def test_concurrency_keeps_n_model_calls_in_flight(tmp_path):
    src, db = write_records(tmp_path / "in.jsonl", 8), tmp_path / "r.sqlite"
    fake = FakePass(barrier=threading.Barrier(4, timeout=10))
    summary = run_batch([str(src)], str(db), fake, BatchOptions(concurrency=4))
    assert (summary.ok + summary.issues, summary.failed) == (8, 0)  # barrier never broke


CLOSED = ("Northshire County Council (23 {n:03d} 1{n:02d})\n\nCategory : Adult care services > "
          "Charging\n\nDecision : Closed after initial enquiries\n\nDecision date : 14 Mar 2024"
          "\n\nThe Ombudsman's final decision:\n\nSummary: Mr A complained about charges for care "
          "number {n}. We will not investigate this complaint. Mr A has a right of appeal to a "
          "tribunal about this.\n")
UPHELD = ("Northshire County Council (23 {n:03d} 2{n:02d})\n\nCategory : Adult care services > "
          "Charging\n\nDecision : Upheld\n\nDecision date : 14 Mar 2024\n\nThe Ombudsman's final "
          "decision:\n\nSummary: Mrs B complained about charges for care number {n}. We found "
          "fault and the Council has agreed to put things right.\n\nAgreed action\n\nWithin one "
          "month the Council will write to Mrs B to say sorry for the confusion.\n")


class Questioning(FakePass):
    """Records the kinds of question each model pass was given, in the order they came."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: list[tuple[str, ...]] = []

    def ask_all(self, facts, doc, questions):
        with self.lock:
            self.kinds.append(tuple(q.name for q in questions))
        return super().ask_all(facts, doc, questions)


@pytest.mark.parametrize(("n", "window", "runs"), [
    (8, 16, 2),    # one window: the reasons questions together, then the remedies questions
    (20, 16, 4),   # a full window, then the last four
    (6, 2, 6),     # windows of two documents: no two alike to put together
])
def test_model_passes_come_grouped_by_question_kind(tmp_path, monkeypatch, n, window, runs):
    monkeypatch.setattr(batch_module, "GROUP_WINDOW", window)
    src, db = tmp_path / "in.jsonl", tmp_path / "r.sqlite"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = (CLOSED if i % 2 == 0 else UPHELD).format(n=i)
            fh.write(json.dumps({"id": f"doc-{i}", "text": text}) + "\n")
    fake = Questioning()
    summary = run_batch([str(src)], str(db), fake, BatchOptions(concurrency=1))
    assert summary.processed == n and sorted(fake.calls) == sorted(f"doc-{i}" for i in range(n))
    assert set(fake.kinds) == {("reasons",), ("remedies",)}
    changes = sum(1 for a, b in zip(fake.kinds, fake.kinds[1:], strict=False) if a != b)
    assert changes + 1 == runs


@pytest.mark.parametrize(("kinds", "order"), [
    ([("remedies",), ("reasons",), ("remedies",), ()], [3, 1, 0, 2]),
    ([("status",), ("reasons", "status"), ("reasons",)], [2, 1, 0]),
    ([("reasons",), ("reasons",)], [0, 1]),   # stable: input order within a kind
    ([], []),
])
def test_grouped_orders_a_window_by_its_question_kinds(kinds, order):
    window = [batch_module.Prepared(None, None, None, 0.0, k) for k in kinds]  # type: ignore
    ids = [id(p) for p in window]
    assert [ids.index(id(p)) for p in batch_module.grouped(window)] == order


def test_deterministic_pass_does_not_wait_for_the_model(tmp_path, monkeypatch):
    second_read = threading.Event()
    real = batch_module.deterministic_pass

    def spy(doc: Document):
        if doc.id == "doc-1":
            second_read.set()
        return real(doc)

    class Waiting(FakePass):
        def ask_all(self, facts, doc, questions):
            if doc.id == "doc-0":  # the only model slot is busy until doc-1 has been read
                facts.complainant = "read meanwhile" if second_read.wait(10) else "waited"
            return super().ask_all(facts, doc, questions)

    monkeypatch.setattr(batch_module, "deterministic_pass", spy)
    src, db = write_records(tmp_path / "in.jsonl", 3), tmp_path / "r.sqlite"
    run_batch([str(src)], str(db), Waiting(), BatchOptions(concurrency=1))
    assert second_read.is_set()
    assert db_rows(db, "SELECT COUNT(*) FROM results WHERE record LIKE '%read meanwhile%'") \
        == [(1,)]


def test_limit_and_export_include_resumed_records(tmp_path):
    src, db, out = write_records(tmp_path / "in.jsonl", 10), tmp_path / "r.sqlite", tmp_path / "o"
    assert run_batch([str(src)], str(db), options=BatchOptions(limit=4)).processed == 4
    summary = run_batch([str(src)], str(db), options=BatchOptions(jsonl=str(out)))
    assert (summary.processed, summary.skipped) == (6, 4)
    ids = [json.loads(line)["meta"]["id"] for line in out.read_text().splitlines()]
    assert sorted(ids) == sorted(f"doc-{i}" for i in range(10))


def test_summary_counts_tokens_rules_and_exit_code(tmp_path):
    src, db = write_records(tmp_path / "in.jsonl", 4, failing=(3,)), tmp_path / "r.sqlite"
    summary = run_batch([str(src)], str(db), FakePass())
    assert (summary.prompt_tokens, summary.completion_tokens) == (300, 30)
    assert summary.rules["extraction_failed"] == 1
    text = format_summary(summary)
    assert "failed 1" in text and "extraction_failed 1" in text and "decisions/second" in text
    assert RunSummary(ok=3).exit_code == 0 and RunSummary(with_errors=1).exit_code == 3


def test_run_row_records_config_options_and_totals(tmp_path):
    src, db = write_records(tmp_path / "in.jsonl", 2), tmp_path / "r.sqlite"
    run_batch([str(src)], str(db), FakePass(), BatchOptions(
        concurrency=2, recorded={"base_url": "http://127.0.0.1:9/v1"}))
    (status, backend, model, prompt, options, totals), = db_rows(
        db, "SELECT status, backend, model, prompt_sha, options, totals FROM runs")
    assert (status, backend, model, prompt) == ("done", "fake", "m1", "p1")
    assert json.loads(options)["concurrency"] == 2
    assert json.loads(options)["base_url"] == "http://127.0.0.1:9/v1"
    assert json.loads(totals)["ok"] + json.loads(totals)["issues"] == 2


def test_describe_backend_drops_url_credentials():
    described = describe_backend(BackendOptions("openai",
                                                base_url="http://u:sk-secret@h:8/v1?key=k2"))
    assert described == {"backend": "openai", "base_url": "http://***@h:8/v1"}


def test_plain_progress_lines(tmp_path):
    src, db = write_records(tmp_path / "in.jsonl", 3), tmp_path / "r.sqlite"
    lines: list[str] = []

    class Out:
        def write(self, text: str) -> None:
            lines.append(text)

        def flush(self) -> None:
            pass

    run_batch([str(src)], str(db), progress=PlainProgress(Out(), every=0))  # type: ignore[arg-type]
    assert lines[0].startswith("batch: run 1, 3 documents")
    assert "3/3" in lines[-1] and "docs/s" in lines[-1] and "ETA" in lines[-1]


def test_rich_progress_on_a_terminal(tmp_path):
    src, db = write_records(tmp_path / "in.jsonl", 3), tmp_path / "r.sqlite"
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=160)
    progress = make_progress(console)
    assert isinstance(progress, RichProgress)
    run_batch([str(src)], str(db), progress=progress)
    assert "3/3" in screen.getvalue() and "docs/s" in screen.getvalue()


# -- inputs -------------------------------------------------------------------------------------

def test_expand_folders_globs_and_missing(tmp_path):
    for name in ("a/1.txt", "a/b/2.html", "a/b/3.json", "a/notes.md", "a/.hidden/4.txt",
                 "c.jsonl"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    got = expand([str(tmp_path / "a"), str(tmp_path / "*.jsonl"), str(tmp_path / "zz.txt")])
    rel = [str(Path(p).relative_to(tmp_path)) for p in got]
    assert rel == ["a/1.txt", "a/b/2.html", "a/b/3.json", "a/notes.md", "c.jsonl", "zz.txt"]
    assert [isinstance(p, Unsupported) for p in got] == [False] * 3 + [True] + [False] * 2


# -- what a folder holds, and what the summary says (issue 16, items 1 and 5) --------------------

def write_folder_with_unsupported(folder: Path) -> None:
    folder.mkdir()
    (folder / "ok.txt").write_text(decision_text(1), encoding="utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    (folder / "page.PNG").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")


def test_unsupported_files_in_a_folder_are_counted_named_and_failed(tmp_path):
    write_folder_with_unsupported(tmp_path / "in")
    db = tmp_path / "r.sqlite"
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "in"), "--db", str(db),
                                      "--backend", "none"])
    assert result.exit_code == 3
    failed = dict(db_rows(db, "SELECT d.source, r.error FROM results r JOIN documents d "
                              "ON d.id = r.document_id WHERE r.status = 'failed'"))
    assert sorted(Path(p).name for p in failed) == ["page.PNG", "photo.jpg", "scan.pdf"]
    assert all("in a folder is not read (from folders: .txt .html .htm .json .jsonl)" in why
               for why in failed.values())
    out = result.stdout
    assert "4 documents processed" in out and "failed 3" in out
    for name, suffix in (("page.PNG", ".png"), ("photo.jpg", ".jpg"), ("scan.pdf", ".pdf")):
        assert f"failed {tmp_path / 'in' / name}: a {suffix} file in a folder is not read" in out


def test_summary_names_the_first_failures_and_points_to_the_rest(tmp_path):
    src = write_records(tmp_path / "in.jsonl", 8, failing=tuple(range(7)))
    summary = run_batch([str(src)], str(tmp_path / "r.sqlite"), FakePass())
    lines = format_summary(summary).splitlines()
    named = [line for line in lines if line.startswith(f"  failed {src}:")]
    assert len(named) == 5 and all("failed validation 3 times" in line for line in named)
    assert f"  ... and 2 more failed: extractor runs show {summary.run_id}" in lines


def test_a_resume_with_nothing_to_do_says_so(tmp_path):
    src, db = write_records(tmp_path / "in.jsonl", 3, failing=(2,)), str(tmp_path / "r.sqlite")
    run_batch([str(src)], db, FakePass())
    summary = run_batch([str(src)], db, FakePass())
    assert format_summary(summary) == (
        f"run {summary.run_id} done in {summary.elapsed:.1f}s: nothing to do: 3 already done "
        "(1 of them failed: --retry-failed re-runs those)")


def test_a_folder_without_documents_says_what_batch_reads(tmp_path):
    (tmp_path / "empty").mkdir()
    summary = run_batch([str(tmp_path / "empty")], str(tmp_path / "r.sqlite"))
    assert format_summary(summary).endswith(
        "no documents found (batch reads .txt .html .htm .json .jsonl files and folders of them)")


KEYS = [
    # (document, where, key): id wins, then url, then the place it was read
    (Document("t", "f.jsonl:3", url="https://x/1", id="7"), "/abs/f.jsonl:3", "id:7"),
    (Document("t", "f.json", url="https://x/1"), "/abs/f.json", "url:https://x/1"),
    (Document("t", "f.txt"), "/abs/f.txt", "src:/abs/f.txt"),
]


@pytest.mark.parametrize(("doc", "where", "key"), KEYS, ids=["id", "url", "place"])
def test_document_key(doc, where, key):
    assert document_key(doc, where) == key


def test_jsonl_is_streamed_with_a_per_record_limit(tmp_path):
    src = write_records(tmp_path / "big.jsonl", 3)
    with src.open("a") as fh:
        fh.write(json.dumps({"id": "huge", "text": "x" * 5000}) + "\n\n")
        fh.write(json.dumps({"id": "after", "text": decision_text(9)}) + "\n")
    items = list(iter_items([str(src)], max_bytes=2000))
    assert count([str(src)]) == len(items) == 5
    assert [i.error is None for i in items] == [True, True, True, False, True]
    assert "over the limit" in str(items[3].error) and items[4].doc.id == "after"


# -- command line -------------------------------------------------------------------------------

def test_cli_batch_runs_list_and_show(tmp_path):
    src = write_records(tmp_path / "in.jsonl", 3, failing=())
    with src.open("a") as fh:
        fh.write("{broken\n")
    db, out = str(tmp_path / "r.sqlite"), str(tmp_path / "out.jsonl")
    runner = CliRunner()
    result = runner.invoke(app, ["batch", str(src), "--db", db, "--backend", "none",
                                 "--jsonl", out])
    assert result.exit_code == 3, result.output
    assert "failed 1" in result.stdout and "decisions/second" in result.stdout
    assert len(Path(out).read_text().splitlines()) == 3
    listed = runner.invoke(app, ["runs", "list", "--db", db])
    assert listed.exit_code == 0 and listed.stdout.splitlines()[1].split()[0] == "1"
    shown = runner.invoke(app, ["runs", "show", "1", "--db", db])
    assert shown.exit_code == 0 and f"failed {src}:4: " in shown.stdout
    missing = runner.invoke(app, ["runs", "show", "5", "--db", db])
    assert missing.exit_code == 1 and "no run 5" in missing.stderr


def test_cli_batch_exit_0_and_runs_list_on_missing_store(tmp_path):
    src = write_records(tmp_path / "in.jsonl", 2)
    runner = CliRunner()
    result = runner.invoke(app, ["batch", str(src), "--db", str(tmp_path / "r.sqlite"),
                                 "--backend", "none"])
    assert result.exit_code == 0, result.output
    nowhere = runner.invoke(app, ["batch", str(src), "--db", str(tmp_path / "no" / "r.sqlite"),
                                  "--backend", "none"])
    assert nowhere.exit_code == 1 and "cannot open the run store" in nowhere.stderr
    gone = runner.invoke(app, ["runs", "list", "--db", str(tmp_path / "none.sqlite")])
    assert gone.exit_code == 1 and "no run store" in gone.stderr
    assert not (tmp_path / "none.sqlite").exists()


def test_format_runs_table():
    run = {"id": 3, "started": "2025-01-02T03:04:05.000+00:00", "status": "done",
           "backend": "none", "model": None, "counts": {"ok": 5, "issues": 1, "failed": 0},
           "totals": {"seconds": 1.5}}
    lines = format_runs([run]).splitlines()
    assert lines[0].split() == ["id", "started", "status", "backend", "model", "ok", "issues",
                                "failed", "seconds"]
    assert lines[1].split() == ["3", "2025-01-02", "03:04:05", "done", "none", "-", "5", "1",
                                "0", "1.5"]


class Lines(list):
    """A stream that keeps what is written to it."""

    def write(self, text: str) -> None:
        self.append(text)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize(("limit", "header", "processed"), [
    (2, "batch: run 1, at most 2 of 5 documents (--limit 2)\n", 2),
    (5, "batch: run 1, 5 documents\n", 5),     # a limit that takes everything is not shown
    (None, "batch: run 1, 5 documents\n", 5),
])
def test_the_header_counts_what_the_run_will_do(tmp_path, limit, header, processed):
    src, db = write_records(tmp_path / "in.jsonl", 5, failing=(0,)), tmp_path / "r.sqlite"
    out = Lines()
    summary = run_batch([str(src)], str(db), FakePass(), BatchOptions(limit=limit),
                        PlainProgress(out, every=3600))  # type: ignore[arg-type]
    assert out[0] == header and summary.processed == processed
    # the summary's words agree with its numbers: the failed one is the one with an error
    assert format_summary(summary).splitlines()[1] == (
        f"  ok {processed - 1} · with issues 0 · failed 1 · with error issues 1 of {processed}")
