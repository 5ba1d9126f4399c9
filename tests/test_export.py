"""``extractor export``: the tidy tables as CSV, JSON Lines and Parquet files that read back to
the same rows, with a data dictionary that describes every column."""

from __future__ import annotations

import csv
import json
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tidy_records import decisions, result_row
from typer.testing import CliRunner

from extractor.cli import app
from extractor.errors import ConfigError
from extractor.models import Decision
from extractor.store.export import PARQUET_HINT, export
from extractor.store.store import RunConfig, Store
from extractor.store.tidy import TIDY_TABLES
from extractor.vocab import REASON_CODES

SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CONFIG = RunConfig("none", None, None, "1.0")
runner = CliRunner()


def fill(store: Store, records: list, runs: int = 1) -> list[int]:
    """Write ``records`` spread over ``runs`` runs; the run ids."""
    ids = [store.start_run(CONFIG, {}) for _ in range(runs)]
    for n, record in enumerate(records):
        store.write(ids[n % runs], CONFIG.sha, result_row(record, key=f"id:{n}"))
    return ids


def stored(store: Store, table: str, run_id: int | None = None) -> list[dict[str, Any]]:
    """The rows of ``table`` straight from SQLite (booleans as bool), export order."""
    cols = list(store.conn.execute(f"PRAGMA table_info({table})"))
    flags = {c[1] for c in cols if c[2] == "BOOLEAN"}
    where = "" if run_id is None else f"WHERE result_id IN (SELECT result_id FROM decisions " \
                                      f"WHERE run_id = {run_id})"
    order = "result_id, id" if table == "issues" else "result_id, position" \
        if table != "decisions" else "result_id"
    cur = store.conn.execute(f"SELECT * FROM {table} {where} ORDER BY {order}")
    names = [d[0] for d in cur.description]
    return [{n: (bool(v) if n in flags and v is not None else v)
             for n, v in zip(names, row, strict=True)} for row in cur]


def typed(value: str, kind: str) -> Any:
    """A CSV field read back with its dictionary type (empty is null)."""
    if value == "":
        return None
    return {"integer": int, "number": float, "boolean": lambda v: v == "true"}.get(
        kind, str)(value)


def read_back(folder: Path, table: str, fmt: str) -> list[dict[str, Any]]:
    path = folder / f"{table}.{fmt}"
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if fmt == "parquet":
        import pyarrow.parquet as pq
        return pq.read_table(path).to_pylist()
    kinds = {(r["table"], r["field"]): r["type"] for r in csv.DictReader(
        (folder / "dictionary.csv").open(encoding="utf-8"))}
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: typed(v, kinds[table, k]) for k, v in row.items()}
                for row in csv.DictReader(fh)]


def csv_view(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What CSV can carry: an empty text and null are the same empty field."""
    return [{k: None if v == "" else v for k, v in row.items()} for row in rows]


def real_date(text: str | None) -> date | None:
    """A YYYY-MM-DD text that is a real date, as a date (Parquet's dates); else None."""
    if text is None or len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        return date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        return None


def parquet_view(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What Parquet carries: decision_date as a date."""
    return [{k: real_date(v) if k == "decision_date" else v for k, v in row.items()}
            for row in rows]


@SETTINGS
@given(records=st.lists(decisions, min_size=1, max_size=3),
       fmt=st.sampled_from(["csv", "jsonl", "parquet"]))
def test_export_round_trips(records, fmt):
    pytest.importorskip("pyarrow")
    with Store(":memory:") as store, tempfile.TemporaryDirectory() as tmp:
        fill(store, records)
        counts = export(store.conn, Path(tmp), fmt)
        for table in TIDY_TABLES:
            expected = stored(store, table)
            expected = csv_view(expected) if fmt == "csv" else parquet_view(expected) \
                if fmt == "parquet" else expected
            assert read_back(Path(tmp), table, fmt) == expected, table
            assert counts[table] == len(expected)


def test_export_of_one_run_holds_only_its_decisions(tmp_path):
    records = [_record(n) for n in range(6)]
    with Store(":memory:") as store:
        first, second = fill(store, records, runs=2)
        export(store.conn, tmp_path, "jsonl", run_id=second)
        got = read_back(tmp_path, "decisions", "jsonl")
        assert [d["reference"] for d in got] == ["24 000 001", "24 000 003", "24 000 005"]
        assert {r["result_id"] for r in read_back(tmp_path, "reasons", "jsonl")} == {
            d["result_id"] for d in got}
        assert read_back(tmp_path, "reasons", "jsonl") == stored(store, "reasons", second)
        assert first != second


def _record(n: int) -> Decision:
    return Decision(reference=f"24 000 {n:03d}", reasons=[{"code": "late_complaint"}],
                    investigated=n % 2 == 0)


def test_dictionary_describes_every_column(tmp_path):
    with Store(":memory:") as store:
        export(store.conn, tmp_path, "csv")
        columns = {(t, r[1]) for t in TIDY_TABLES
                   for r in store.conn.execute(f"PRAGMA table_info({t})")}
    rows = list(csv.DictReader((tmp_path / "dictionary.csv").open(encoding="utf-8")))
    assert {(r["table"], r["field"]) for r in rows} == columns
    assert all(r["meaning"] and r["type"] in ("integer", "number", "string", "boolean", "date")
               for r in rows), [r for r in rows if not r["meaning"]]
    codes = next(r for r in rows if (r["table"], r["field"]) == ("reasons", "code"))
    assert codes["vocabulary"].split(" | ") == list(REASON_CODES)
    page = (tmp_path / "dictionary.md").read_text(encoding="utf-8")
    assert page.count("\n## ") == len(TIDY_TABLES) and "| amount_gbp | number |" in page


# (decision_date as written, investigated, decision_date read back from Parquet)
TYPED_ROWS = [("2025-10-06", True, date(2025, 10, 6)),
              ("2025-02-31", False, None),   # not a real date: null (its issue says why)
              (None, None, None)]


def test_parquet_is_typed_for_the_tools_that_read_it(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq
    records = [Decision(reference=f"24 000 00{n}", decision_date=when, investigated=seen,
                        payments=[{"amount_gbp": 150.5}])
               for n, (when, seen, _) in enumerate(TYPED_ROWS)]
    with Store(":memory:") as store:
        fill(store, records)
        export(store.conn, tmp_path, "parquet")
    decisions = pq.read_table(tmp_path / "decisions.parquet")
    types = dict(zip(decisions.schema.names, decisions.schema.types, strict=True))
    assert (types["decision_date"], types["investigated"], types["decision_year"]) == (
        pa.date32(), pa.bool_(), pa.int64())
    assert pq.read_table(tmp_path / "payments.parquet").schema.field("amount_gbp").type == \
        pa.float64()
    assert decisions.column("decision_date").to_pylist() == [d for *_, d in TYPED_ROWS]
    pd = pytest.importorskip("pandas")
    frame = pd.read_parquet(tmp_path / "decisions.parquet")
    assert (str(frame["investigated"].dtype), str(frame["fault_found"].dtype),
            str(frame["decision_year"].dtype)) == ("boolean", "boolean", "Int64")
    assert frame["decision_date"].dt.year.tolist()[:1] == [2025]


def test_parquet_without_pyarrow_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with Store(":memory:") as store, pytest.raises(ConfigError, match="pip install"):
        export(store.conn, tmp_path / "out", "parquet")
    assert not (tmp_path / "out").exists()  # stopped before writing anything
    db = tmp_path / "runs.sqlite"
    Store(str(db)).close()
    result = runner.invoke(app, ["export", "--db", str(db), "--out", str(tmp_path / "o"),
                                 "--format", "parquet"])
    assert result.exit_code == 1 and result.stderr.strip() == f"error: {PARQUET_HINT}"


def test_export_command(tmp_path):
    db = tmp_path / "runs.sqlite"
    with Store(str(db)) as store:
        fill(store, [_record(1), _record(2)])
    result = runner.invoke(app, ["export", "--db", str(db), "--out", str(tmp_path / "o"),
                                 "--format", "jsonl", "--run", "1"])
    assert result.exit_code == 0, result.stderr
    assert "wrote 2 decisions" in result.stderr and "reasons 2" in result.stderr
    assert len(read_back(tmp_path / "o", "decisions", "jsonl")) == 2
    missing = runner.invoke(app, ["export", "--db", str(db), "--out", str(tmp_path / "p"),
                                  "--run", "9"])
    assert missing.exit_code == 1 and missing.stderr.strip() == f"error: {db}: no run 9"
    bad = runner.invoke(app, ["export", "--db", str(db), "--out", "x", "--format", "xml"])
    assert bad.exit_code == 2
