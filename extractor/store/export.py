"""Export the tidy tables as files: CSV, JSON Lines or Parquet, with a data dictionary.

One file per table (``decisions.csv``, ``reasons.csv``, …) plus ``dictionary.<format>`` and
``dictionary.md``. ``run_id`` narrows every table to the decisions that run wrote. Rows are read
in chunks, so memory stays flat whatever the store's size. Parquet needs pyarrow (the
``parquet`` extra); without it the export stops before writing anything.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from extractor.errors import ConfigError, InputError
from extractor.store.dictionary import Field, columns, dictionary, markdown
from extractor.store.tidy import DECISION_TABLE, ISSUES_TABLE, TIDY_TABLES

FORMATS = ("csv", "jsonl", "parquet")
CHUNK_ROWS = 5000
PARQUET_HINT = "parquet export needs pyarrow: pip install 'extractor[parquet]'"


class Sink(Protocol):
    def write(self, rows: list[dict[str, Any]]) -> None: ...
    def close(self) -> None: ...


def select_sql(table: str, run_id: int | None) -> str:
    """The rows of ``table`` that belong to the decisions chosen (all, or one run's)."""
    where = "WHERE d.run_id = :run" if run_id is not None else ""
    if table == DECISION_TABLE:
        return f"SELECT * FROM decisions d {where} ORDER BY d.result_id"
    order = "t.id" if table == ISSUES_TABLE else "t.position"
    return (f"SELECT t.* FROM {table} t JOIN decisions d ON d.result_id = t.result_id "
            f"{where} ORDER BY t.result_id, {order}")


def read_rows(conn: sqlite3.Connection, table: str, run_id: int | None
              ) -> Iterator[list[dict[str, Any]]]:
    """Chunks of rows as dicts, booleans as ``bool`` (SQLite stores 0/1)."""
    cols = columns(conn, table)
    flags = [name for name, kind in cols if kind == "boolean"]
    cur = conn.execute(select_sql(table, run_id), {"run": run_id})
    while chunk := cur.fetchmany(CHUNK_ROWS):
        rows = [dict(zip([n for n, _ in cols], row, strict=True)) for row in chunk]
        for row in rows:
            for name in flags:
                row[name] = None if row[name] is None else bool(row[name])
        yield rows


def export(conn: sqlite3.Connection, out: Path, fmt: str, run_id: int | None = None
           ) -> dict[str, int]:
    """Write every tidy table and the dictionary under ``out``; rows written per table."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        _pyarrow()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out}: cannot create the folder ({exc.strerror})") from None
    counts = {table: _export_table(conn, out, fmt, table, run_id) for table in TIDY_TABLES}
    fields = dictionary(conn)
    sink = open_sink(out / f"dictionary.{fmt}", fmt, _dictionary_columns())
    sink.write([f.as_row() for f in fields])
    sink.close()
    (out / "dictionary.md").write_text(markdown(fields), encoding="utf-8")
    return counts


def _export_table(conn: sqlite3.Connection, out: Path, fmt: str, table: str,
                  run_id: int | None) -> int:
    sink, written = open_sink(out / f"{table}.{fmt}", fmt, columns(conn, table)), 0
    try:
        for rows in read_rows(conn, table, run_id):
            sink.write(rows)
            written += len(rows)
    finally:
        sink.close()
    return written


def _dictionary_columns() -> list[tuple[str, str]]:
    return [(name, "string") for name in Field("", "", "", "").as_row()]


def open_sink(path: Path, fmt: str, cols: list[tuple[str, str]]) -> Sink:
    if fmt == "csv":
        return CsvSink(path, [name for name, _ in cols])
    if fmt == "jsonl":
        return JsonlSink(path)
    return ParquetSink(path, cols)


class CsvSink:
    """CSV with a header; null is an empty field, booleans are true / false."""

    def __init__(self, path: Path, names: list[str]):
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(names)

    def write(self, rows: list[dict[str, Any]]) -> None:
        self.writer.writerows([_csv_value(v) for v in row.values()] for row in rows)

    def close(self) -> None:
        self.handle.close()


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


# Characters that many line readers (str.splitlines, JavaScript) take as line breaks.
LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


class JsonlSink:
    """One JSON object per line, UTF-8; only ``\\n`` ends a line."""

    def __init__(self, path: Path):
        self.handle = path.open("w", encoding="utf-8")

    def write(self, rows: list[dict[str, Any]]) -> None:
        self.handle.writelines(json.dumps(row, ensure_ascii=False).translate(LINE_BREAKS) + "\n"
                               for row in rows)

    def close(self) -> None:
        self.handle.close()


def _pyarrow() -> Any:
    try:
        import pyarrow  # the optional extra: loaded only for parquet
        import pyarrow.parquet
    except ImportError:
        raise ConfigError(PARQUET_HINT) from None
    return pyarrow


# Dictionary type -> (pandas_type, dtype) in the pandas metadata of a Parquet file: pandas
# then reads nullable booleans and integers as its nullable dtypes (not object / float64) and
# dates as dates (pyarrow's date32 dtype, with the .dt accessor), not as Python objects.
PANDAS_TYPES = {"boolean": ("bool", "boolean"), "integer": ("int64", "Int64"),
                "number": ("float64", "float64"), "date": ("date", "date32[day][pyarrow]"),
                "string": ("unicode", "object")}
ISO_DATE_REGEX = re.compile(r"\d{4}-\d{2}-\d{2}")  # the form the records write dates in


def iso_date(value: str | None) -> date | None:
    """A YYYY-MM-DD text as a date; None when it is not a real date (the record's issue says)."""
    if value is None or not ISO_DATE_REGEX.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def pandas_metadata(cols: list[tuple[str, str]]) -> str:
    return json.dumps({"index_columns": [], "column_indexes": [], "columns": [
        {"name": name, "field_name": name, "pandas_type": PANDAS_TYPES[kind][0],
         "numpy_type": PANDAS_TYPES[kind][1], "metadata": None} for name, kind in cols],
        "creator": {"library": "extractor"}})


class ParquetSink:
    """One Parquet file written row group by row group, typed from the dictionary."""

    def __init__(self, path: Path, cols: list[tuple[str, str]]):
        pa = _pyarrow()
        types = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
                 "date": pa.date32()}
        self.pa, self.dates = pa, [name for name, kind in cols if kind == "date"]
        self.schema = pa.schema([(name, types.get(kind, pa.string())) for name, kind in cols],
                                metadata={"pandas": pandas_metadata(cols)})
        self.writer = pa.parquet.ParquetWriter(str(path), self.schema)

    def write(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            for name in self.dates:
                row[name] = iso_date(row[name])
        self.writer.write_table(self.pa.Table.from_pylist(rows, schema=self.schema))

    def close(self) -> None:
        self.writer.close()
