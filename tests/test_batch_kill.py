"""A real ``extractor batch`` process killed mid-run (SIGKILL, then SIGINT) and run again:
every document ends up recorded exactly once."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from killing import WAIT_SECONDS, count_rows, interrupt_after
from test_batch import decision_text

from extractor.store.store import Store

DOCS = 800             # enough that a run lasts well past the first commits


def make_inputs(folder: Path) -> list[str]:
    """Half the documents in one JSONL file, half as files in a nested folder."""
    half = DOCS // 2
    with (folder / "part1.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(half):
            fh.write(json.dumps({"id": f"doc-{i}", "text": decision_text(i)}) + "\n")
    nested = folder / "part2" / "more"
    nested.mkdir(parents=True)
    for i in range(half, DOCS):
        (nested / f"doc-{i}.txt").write_text(decision_text(i), encoding="utf-8")
    return [str(folder / "part1.jsonl"), str(folder / "part2")]


def start(inputs: list[str], db: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "extractor", "batch", *inputs, "--db",
                             str(db), "--backend", "none", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def results(db: Path) -> int:
    return count_rows(db, "results")


def test_killed_batches_resume_to_exactly_one_result_per_document(tmp_path):
    inputs, db, out = make_inputs(tmp_path), tmp_path / "runs.sqlite", tmp_path / "out.jsonl"
    first = interrupt_after(start(inputs, db), db, "results", 10, signal.SIGKILL)
    second = interrupt_after(start(inputs, db), db, "results", first + 50, signal.SIGKILL)
    third = start(inputs, db)
    interrupt_after(third, db, "results", second + 50, signal.SIGINT)
    assert third.returncode != 0  # Ctrl-C ends the command with a failure code
    assert results(db) < DOCS, "the runs were too fast to be interrupted; raise DOCS"

    final = subprocess.run([sys.executable, "-m", "extractor", "batch", *inputs, "--db",
                            str(db), "--backend", "none", "--jsonl", str(out)],
                           capture_output=True, text=True, timeout=WAIT_SECONDS)
    assert final.returncode == 0, final.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT document_id) FROM results"
                            ).fetchone() == (DOCS, DOCS)
        assert conn.execute("SELECT COUNT(*) FROM results WHERE status = 'failed'"
                            ).fetchone() == (0,)
        statuses = dict(conn.execute("SELECT id, status FROM runs"))
    assert list(statuses.values()) == ["running", "running", "interrupted", "done"]
    with Store.existing(str(db)) as store:  # read back, the killed runs show as killed
        assert [r["status"] for r in store.runs()] == ["done", "interrupted", "killed", "killed"]
    exported = [json.loads(line) for line in out.read_text().splitlines()]
    sources = [r["meta"]["id"] or Path(r["meta"]["source"]).stem for r in exported]
    assert sorted(sources) == sorted(f"doc-{i}" for i in range(DOCS))
