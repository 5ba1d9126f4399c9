"""The run store: migrations, WAL, atomic upserts, read-back queries."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from extractor.store.migrations import MIGRATIONS, MIGRATIONS_TABLE, applied
from extractor.store.store import ResultRow, RunConfig, Store, StoreError

CONFIG = RunConfig("local", "gemma", "abc123", "1.0")


def row(key: str = "id:1", status: str = "ok", **changes: object) -> ResultRow:
    base = ResultRow(doc_key=key, sha256="s" * 64, source="in.jsonl:1", status=status,
                     record='{"reference": null}',
                     issues=[("case_ref_format", "warning", "reference", "odd", 3, 9)])
    return replace(base, **changes)


@pytest.fixture
def store(tmp_path):
    with Store(str(tmp_path / "runs.sqlite")) as s:
        yield s


def test_migrations_are_named_in_order_and_applied_once(tmp_path):
    names = [fn.__name__ for fn in MIGRATIONS]
    assert names == sorted(names) and len(set(names)) == len(names)
    assert names[:4] == ["m001_runs", "m002_documents", "m003_results", "m004_issues"]
    path = str(tmp_path / "runs.sqlite")
    Store(path).close()
    with Store(path) as again:  # a second open applies nothing new
        assert applied(again.conn) == names
        tables = {r[0] for r in again.conn.execute("SELECT name FROM sqlite_master "
                                                   "WHERE type = 'table'")}
    assert {"runs", "documents", "results", "issues", MIGRATIONS_TABLE} <= tables


def test_store_is_wal(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


# (what differs, config): every part of the configuration changes the key
CONFIGS = [
    ("backend", replace(CONFIG, backend="openai")),
    ("model", replace(CONFIG, model="gpt")),
    ("prompt", replace(CONFIG, prompt_sha="def456")),
    ("schema", replace(CONFIG, schema_version="1.1")),
    ("none vs null model", RunConfig("local", None, "abc123", "1.0")),
]


@pytest.mark.parametrize("other", [c[1] for c in CONFIGS], ids=[c[0] for c in CONFIGS])
def test_config_sha_depends_on_every_part(other):
    assert other.sha != CONFIG.sha and CONFIG.sha == replace(CONFIG).sha


def test_write_upserts_one_result_per_document_and_config(store):
    run = store.start_run(CONFIG, {"inputs": ["x"]})
    first = store.write(run, CONFIG.sha, row(status="failed", error="timeout", record=None))
    second = store.write(run, CONFIG.sha, row(status="issues"))
    other = store.write(run, "other-config", row())
    assert first == second != other
    assert store.lookup("id:1", "s" * 64, CONFIG.sha) == (first, "issues")
    assert store.lookup("id:1", "t" * 64, CONFIG.sha) is None
    counts = store.conn.execute("SELECT (SELECT COUNT(*) FROM documents), "
                                "(SELECT COUNT(*) FROM results), "
                                "(SELECT COUNT(*) FROM issues)").fetchone()
    assert counts == (1, 2, 2)  # issues of the replaced result were replaced, not added


def test_write_is_all_or_nothing(store):
    run = store.start_run(CONFIG, {})
    broken = row(issues=[("rule", None, None, "severity missing", None, None)])  # NOT NULL
    with pytest.raises(sqlite3.IntegrityError):
        store.write(run, CONFIG.sha, broken)  # type: ignore[arg-type]
    assert store.conn.execute("SELECT COUNT(*) FROM documents").fetchone() == (0,)
    assert store.conn.execute("SELECT COUNT(*) FROM results").fetchone() == (0,)


def test_runs_read_back(store):
    run = store.start_run(CONFIG, {"concurrency": 2})
    store.write(run, CONFIG.sha, row("id:1"))
    store.write(run, CONFIG.sha, row("id:2", status="failed", error="bad input", record=None,
                                     issues=[], source="b.txt"))
    store.finish_run(run, "done", {"ok": 1, "failed": 1})
    shown = store.run(run)
    assert (shown["status"], shown["options"], shown["totals"]) == (
        "done", {"concurrency": 2}, {"ok": 1, "failed": 1})
    assert shown["counts"] == {"ok": 1, "issues": 0, "failed": 1}
    assert store.top_rules(run) == [("case_ref_format", 1)]
    assert store.failures(run) == [("b.txt", "bad input")]
    assert [r["id"] for r in store.runs()] == [run]
    with pytest.raises(StoreError, match="no run 99"):
        store.run(99)


def test_records_of_a_run_plus_extra_ids(store):
    old = store.start_run(CONFIG, {})
    kept = store.write(old, CONFIG.sha, row("id:1", record='{"n": 1}'))
    store.write(old, CONFIG.sha, row("id:2", record='{"n": 2}'))
    new = store.start_run(CONFIG, {})
    store.write(new, CONFIG.sha, row("id:3", record='{"n": 3}'))
    store.write(new, CONFIG.sha, row("id:4", record=None, status="failed"))
    assert list(store.records(new)) == ['{"n": 3}']
    assert list(store.records(new, [kept])) == ['{"n": 1}', '{"n": 3}']


def test_existing_refuses_a_missing_store(tmp_path):
    with pytest.raises(StoreError, match="no run store"):
        Store.existing(str(tmp_path / "nope.sqlite"))
    assert not (tmp_path / "nope.sqlite").exists()


def test_unopenable_store_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="cannot open"):
        Store(str(tmp_path / "no-such-dir" / "runs.sqlite"))
