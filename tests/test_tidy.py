"""The tidy tables agree with the JSON records they come from, hold the latest result with a
record per document and configuration, and are filled for a store made before them."""

from __future__ import annotations

import itertools
import json
import sqlite3
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tidy_records import decisions, result_row

import extractor.store.store as store_module
from extractor.models import Decision
from extractor.store import tidy
from extractor.store.migrations import MIGRATIONS, TIDY_CHILD_TABLES
from extractor.store.store import RunConfig, Store

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CONFIG = RunConfig("local", "m", "p", "1.0")


def flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def expected_decision(data: dict[str, Any]) -> dict[str, Any]:
    """The ``decisions`` row of one record, read straight from its JSON."""
    cat, meta, date = data["category"] or {}, data["meta"], data["decision_date"]
    year = int(date[:4]) if date and len(date) >= 4 and date[:4].isdigit() else None
    return {
        "reference": data["reference"], "category_top": cat.get("top"),
        "category_sub": cat.get("sub"), "outcome": data["outcome"], "decision_date": date,
        "decision_year": year, "complainant": data["complainant"],
        "investigated": flag(data["investigated"]), "fault_found": flag(data["fault_found"]),
        "summary": data["summary"], "backend": meta["backend"], "model": meta["model"],
        "prompt_sha": meta["prompt_sha"], "schema_version": meta["schema_version"],
        "questions": meta["questions"], "attempts": meta["attempts"],
        "prompt_tokens": meta["usage"]["prompt_tokens"],
        "completion_tokens": meta["usage"]["completion_tokens"], "seconds": meta["seconds"],
        "source": meta["source"], "url": meta["url"], "ext_id": meta["id"],
        "source_sha256": meta["source_sha256"]}


def expected_children(data: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    """Every child table's rows (without result_id), read straight from the JSON."""
    return {
        "bodies": [(n, b) for n, b in enumerate(data["bodies"])],
        "reasons": [(n, r["code"], r["evidence"], r["start"], r["end"], r["origin"])
                    for n, r in enumerate(data["reasons"])],
        "referred_to": [(n, c) for n, c in enumerate(data["referred_to"])],
        "payments": [(n, p["amount_gbp"], p["status"], p["purpose"],
                      tidy.purpose_kind(p["purpose"]), p["evidence"], p["start"], p["end"],
                      p["origin"]) for n, p in enumerate(data["payments"])],
        "remedy_kinds": [(n, k) for n, k in enumerate(data["remedy_kinds"])],
        "citations": [(n, c["canonical"], c["text"], c["start"], c["end"])
                      for n, c in enumerate(data["citations"])],
        "other_acts": [(n, a) for n, a in enumerate(data["other_acts"])],
        "issues": [(i["rule"], i["severity"], i["field"], i["message"],
                    (i["span"] or {}).get("start"), (i["span"] or {}).get("end"))
                   for i in data["issues"]],
    }


def stored_decision(conn: sqlite3.Connection, result_id: int) -> dict[str, Any]:
    cur = conn.execute("SELECT * FROM decisions WHERE result_id = ?", (result_id,))
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def stored_children(conn: sqlite3.Connection, result_id: int) -> dict[str, list[tuple]]:
    found = {t: conn.execute(f"SELECT * FROM {t} WHERE result_id = ? ORDER BY position",
                             (result_id,)).fetchall() for t in TIDY_CHILD_TABLES}
    found = {t: [row[1:] for row in rows] for t, rows in found.items()}  # drop result_id
    found["issues"] = conn.execute("SELECT rule, severity, field, message, span_start, "
                                   "span_end FROM issues WHERE result_id = ? ORDER BY id",
                                   (result_id,)).fetchall()
    return found


@SETTINGS
@given(records=st.lists(decisions, min_size=1, max_size=4))
def test_tidy_tables_agree_with_the_json_records(records: list[Decision]):
    with Store(":memory:") as store:
        run = store.start_run(CONFIG, {})
        for n, record in enumerate(records):
            row = result_row(record, key=f"id:{n}", status=["ok", "issues"][n % 2])
            result_id = store.write(run, CONFIG.sha, row)
            data = json.loads(row.record or "")
            decision = stored_decision(store.conn, result_id)
            assert decision == {"result_id": result_id, "run_id": run, "document_id": n + 1,
                                "doc_key": f"id:{n}", "config_sha": CONFIG.sha,
                                "status": row.status, **expected_decision(data)}
            assert stored_children(store.conn, result_id) == expected_children(data)
        before = dump(store.conn)  # written from the record objects (as the batch does)
        tidy.rebuild(store.conn)   # read back from the stored JSON (as a backfill does)
        assert dump(store.conn) == before


# One write: (document key, text version, configuration, status).
WRITES = st.lists(st.tuples(st.sampled_from(["id:a", "id:b"]), st.sampled_from(["s1", "s2"]),
                            st.sampled_from(["c1", "c2"]),
                            st.sampled_from(["ok", "issues", "failed", "failed-no-record"])),
                  min_size=1, max_size=12)


def latest_by_model(writes: list[tuple[str, str, str, str]]) -> dict[tuple[str, str], int]:
    """(key, config) -> the index of the write that should be its decision: the last write
    of a result with a record still standing (a later write to the same text replaces it)."""
    standing: dict[tuple[str, str, str], tuple[int, str]] = {}
    for n, (key, sha, config, status) in enumerate(writes):
        standing[key, sha, config] = (n, status)
    best: dict[tuple[str, str], int] = {}
    for (key, _, config), (n, status) in standing.items():
        if status in ("ok", "issues") and n > best.get((key, config), -1):
            best[key, config] = n
    return best


@SETTINGS
@given(writes=WRITES)
def test_decisions_hold_the_latest_result_with_a_record(writes, monkeypatch_clock):
    with Store(":memory:") as store:
        run = store.start_run(CONFIG, {})
        for n, (key, sha, config, status) in enumerate(writes):
            record = None if status == "failed-no-record" else Decision(reference=str(n))
            store.write(run, config, result_row(record, key, sha, status.split("-")[0]))
        found = {(k, c): int(ref) for k, c, ref in store.conn.execute(
            "SELECT doc_key, config_sha, reference FROM decisions")}
        assert found == latest_by_model(writes)
        before = dump(store.conn)
        tidy.rebuild(store.conn)  # what a backfill makes of the same results
        assert dump(store.conn) == before


@pytest.fixture(scope="module")
def monkeypatch_clock():
    """A store clock that always moves forward, so "latest" is unambiguous."""
    ticks = itertools.count()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store_module, "now", lambda: f"2026-01-01T00:00:{next(ticks):09d}")
        yield


def dump(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
            for t in tidy.TIDY_TABLES}


def test_a_store_made_before_the_tidy_tables_is_filled_when_opened(tmp_path):
    path = str(tmp_path / "old.sqlite")
    old = [m for m in MIGRATIONS if "tidy" not in m.__name__]
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in old[:5]:
        migration(conn)
    conn.execute("INSERT INTO runs (id, started, status, options, backend, schema_version, "
                 "config_sha) VALUES (1, 'then', 'done', '{}', 'none', '1.0', 'c')")
    conn.execute("INSERT INTO documents VALUES (1, 'id:1', 's', 'in.json', NULL, NULL)")
    record = Decision(reference="24 000 001", reasons=[{"code": "late_complaint"}])
    conn.execute("INSERT INTO results (document_id, run_id, config_sha, status, record, created)"
                 " VALUES (1, 1, 'c', 'ok', ?, 'then')", (record.model_dump_json(),))
    conn.execute("CREATE TABLE _extractor_migrations (name TEXT PRIMARY KEY, applied TEXT)")
    conn.executemany("INSERT INTO _extractor_migrations VALUES (?, 'then')",
                     [(m.__name__,) for m in old[:5]])
    conn.close()
    with Store(path) as store:
        assert store.conn.execute("SELECT reference FROM decisions").fetchall() == [
            ("24 000 001",)]
        assert store.conn.execute("SELECT code FROM reasons").fetchall() == [("late_complaint",)]


# (purpose as worded, kind): the first matching group wins, in PURPOSE_KINDS order
PURPOSES = [
    ("distress", "distress"),
    ("the avoidable frustration and uncertainty caused", "distress"),
    ("frustration and time and trouble pursuing the complaint", "time_and_trouble"),
    ("the child's missed education", "lost_provision"),
    ("the loss of respite care", "lost_provision"),
    ("this extra charge", "costs_and_charges"),
    ("a refund of the fees paid", "costs_and_charges"),
    ("injustice", "other"),
    ("", "not_stated"),
    ("   ", "not_stated"),
    (None, "not_stated"),
]


@pytest.mark.parametrize(("purpose", "kind"), PURPOSES, ids=[repr(p) for p, _ in PURPOSES])
def test_purpose_kind(purpose, kind):
    assert tidy.purpose_kind(purpose) == kind


def test_every_tidy_column_is_filled_by_the_flattening():
    with Store(":memory:") as store:
        cols = {t: [r[1] for r in store.conn.execute(f"PRAGMA table_info({t})")]
                for t in TIDY_CHILD_TABLES}
        decision_cols = [r[1] for r in store.conn.execute("PRAGMA table_info(decisions)")]
    record = Decision(bodies=["x"], reasons=[{"code": "other"}], referred_to=["courts"],
                      payments=[{}], remedy_kinds=["apology"], other_acts=["Act 2000"],
                      citations=[{"canonical": "c", "text": "t", "start": 0, "end": 1}])
    keys = ["result_id", "run_id", "document_id", "doc_key", "config_sha", "status"]
    assert decision_cols == keys + list(tidy.decision_row(record))
    rows = tidy.child_rows(record)
    assert {t: ["result_id", "position", *rows[t][0]] for t in rows} == cols
