"""The run store: one SQLite file (WAL) holding runs, documents, results and rule issues, and
the tidy tables of the decisions (``tidy.py``), updated in the transaction that writes a result.

A result is unique per (document, run configuration): the configuration is the backend, model,
prompt hash and schema version (``RunConfig.sha``). Each result is written in one transaction
(an upsert), so a killed process leaves every finished document recorded exactly once.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError
from extractor.models import Decision
from extractor.store import tidy
from extractor.store.migrations import migrate

PRAGMAS = (
    "PRAGMA journal_mode=WAL",      # readers never block the writer; a crash loses no commit
    "PRAGMA synchronous=NORMAL",    # with WAL: durable at checkpoints, never corrupt
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",    # another process writing the same store: wait, then fail
)
STATUSES = ("ok", "issues", "failed")

IssueRow = tuple[str, str, str | None, str, int | None, int | None]


class StoreError(ExtractorError):
    """The run store cannot be opened, read or written."""


@dataclass(frozen=True)
class RunConfig:
    """What makes a result reusable: same source text + same configuration = already done."""

    backend: str
    model: str | None
    prompt_sha: str | None
    schema_version: str

    @property
    def sha(self) -> str:
        key = json.dumps([self.backend, self.model, self.prompt_sha, self.schema_version])
        return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass
class ResultRow:
    """One finished document, ready to be written in one transaction."""

    doc_key: str
    sha256: str
    source: str
    status: str
    url: str | None = None
    ext_id: str | None = None
    error: str | None = None
    attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    record: str | None = None
    issues: list[IssueRow] = field(default_factory=list)
    decision: Decision | None = field(default=None, repr=False, compare=False)  # of ``record``


def _alive(pid: int | None, host: str | None) -> bool:
    """Whether the process that started a run may still be running it."""
    if pid is None or host != socket.gethostname():
        return True  # cannot tell from here
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Store:
    """One connection to the store; use one ``Store`` per thread."""

    def __init__(self, path: str):
        self.path = path
        try:
            self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            for pragma in PRAGMAS:
                self.conn.execute(pragma)
            migrate(self.conn)
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open the run store ({exc})") from None

    @classmethod
    def existing(cls, path: str) -> Store:
        """Open a store that must already exist (reading runs back never creates one)."""
        if not Path(path).is_file():
            raise StoreError(f"{path}: no run store here (run `extractor batch --db {path}`)")
        return cls(path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs ---------------------------------------------------------------------------------

    def start_run(self, config: RunConfig, options: dict[str, Any]) -> int:
        cur = self.conn.execute(
            "INSERT INTO runs (started, status, options, backend, model, prompt_sha, "
            "schema_version, config_sha, pid, host) VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)",
            (now(), json.dumps(options, default=str), config.backend, config.model,
             config.prompt_sha, config.schema_version, config.sha, os.getpid(),
             socket.gethostname()))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, totals: dict[str, Any]) -> None:
        self.conn.execute("UPDATE runs SET finished = ?, status = ?, totals = ? WHERE id = ?",
                          (now(), status, json.dumps(totals), run_id))

    def runs(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = self._dicts("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [self._with_counts(r) for r in rows]

    def run(self, run_id: int) -> dict[str, Any]:
        rows = self._dicts("SELECT * FROM runs WHERE id = ?", (run_id,))
        if not rows:
            raise StoreError(f"{self.path}: no run {run_id}")
        return self._with_counts(rows[0])

    def _with_counts(self, run: dict[str, Any]) -> dict[str, Any]:
        run["options"] = json.loads(run["options"])
        run["totals"] = json.loads(run["totals"]) if run["totals"] else None
        run["counts"] = self.status_counts(run["id"])
        if run["status"] == "running" and not _alive(run["pid"], run["host"]):
            run["status"] = "killed"  # its process is gone: it never finished
        return run

    def status_counts(self, run_id: int) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        counts.update(self.conn.execute(
            "SELECT status, COUNT(*) FROM results WHERE run_id = ? GROUP BY status", (run_id,)))
        return counts

    def top_rules(self, run_id: int, limit: int = 5) -> list[tuple[str, int]]:
        """The rules that fired on most documents of a run."""
        return list(self.conn.execute(
            "SELECT i.rule, COUNT(DISTINCT i.result_id) AS n FROM issues i "
            "JOIN results r ON r.id = i.result_id WHERE r.run_id = ? "
            "GROUP BY i.rule ORDER BY n DESC, i.rule LIMIT ?", (run_id, limit)))

    def failures(self, run_id: int, limit: int = 20) -> list[tuple[str, str]]:
        return list(self.conn.execute(
            "SELECT d.source, r.error FROM results r JOIN documents d ON d.id = r.document_id "
            "WHERE r.run_id = ? AND r.status = 'failed' ORDER BY r.id LIMIT ?", (run_id, limit)))

    # -- results ------------------------------------------------------------------------------

    def lookup(self, doc_key: str, sha256: str, config_sha: str) -> tuple[int, str] | None:
        """The (result id, status) already stored for this document and configuration."""
        row = self.conn.execute(
            "SELECT r.id, r.status FROM documents d JOIN results r ON r.document_id = d.id "
            "WHERE d.doc_key = ? AND d.sha256 = ? AND r.config_sha = ?",
            (doc_key, sha256, config_sha)).fetchone()
        return (row[0], row[1]) if row else None

    def write(self, run_id: int, config_sha: str, row: ResultRow) -> int:
        """Record one document's result atomically (replacing an earlier one); its id."""
        with self.transaction():
            return self._upsert(run_id, config_sha, row)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed whole, or (on any exception) not at all."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def _upsert(self, run_id: int, config_sha: str, row: ResultRow) -> int:
        (doc_id,) = self.conn.execute(
            "INSERT INTO documents (doc_key, sha256, source, url, ext_id) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (doc_key, sha256) DO UPDATE SET source = excluded.source RETURNING id",
            (row.doc_key, row.sha256, row.source, row.url, row.ext_id)).fetchall()[0]
        (result_id,) = self.conn.execute(
            "INSERT INTO results (document_id, run_id, config_sha, status, error, attempts, "
            "prompt_tokens, completion_tokens, seconds, record, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (document_id, config_sha) DO UPDATE SET run_id = excluded.run_id, "
            "status = excluded.status, error = excluded.error, "
            "attempts = excluded.attempts, "
            "prompt_tokens = excluded.prompt_tokens, "
            "completion_tokens = excluded.completion_tokens, seconds = excluded.seconds, "
            "record = excluded.record, created = excluded.created RETURNING id",
            (doc_id, run_id, config_sha, row.status, row.error, row.attempts, row.prompt_tokens,
             row.completion_tokens, row.seconds, row.record, now())).fetchall()[0]
        self.conn.execute("DELETE FROM issues WHERE result_id = ?", (result_id,))
        self.conn.executemany(
            "INSERT INTO issues (result_id, rule, severity, field, message, span_start, "
            "span_end) VALUES (?, ?, ?, ?, ?, ?, ?)", [(result_id, *i) for i in row.issues])
        tidy.refresh(self.conn, (result_id, run_id, doc_id, row.doc_key, config_sha, row.status,
                                 row.record), row.decision)
        return int(result_id)

    def records(self, run_id: int, extra_ids: Iterable[int] = ()) -> Iterator[str]:
        """Record JSON of every result written by a run, plus ``extra_ids`` (in id order)."""
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS export_ids (id INTEGER PRIMARY KEY)")
        self.conn.execute("DELETE FROM temp.export_ids")
        self.conn.executemany("INSERT OR IGNORE INTO temp.export_ids VALUES (?)",
                              ((i,) for i in extra_ids))
        cur = self.conn.execute(
            "SELECT record FROM results WHERE (run_id = ? OR id IN "
            "(SELECT id FROM temp.export_ids)) AND record IS NOT NULL ORDER BY id", (run_id,))
        for (record,) in cur:
            yield record

    def _dicts(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        cur = self.conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur]
