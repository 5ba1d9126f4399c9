"""Helpers for the reliability tests: run the CLI in-process, read a batch store back."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from extractor.cli import app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DECISION = FIXTURES / "hostile_decision.txt"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.startswith("{")]

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]


def cli(*args: str, env: dict[str, str] | None = None, stdin: str | bytes | None = None) -> Run:
    """Run ``extractor ARGS`` in this process (library exceptions become exit codes)."""
    result = CliRunner().invoke(app, list(args), env=env, input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def stored(db: Path | str) -> list[dict[str, Any]]:
    """Every result of every run in a batch store, with its document's source."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT r.run_id, r.status, r.error, r.attempts, r.record, d.source, d.doc_key "
            "FROM results r JOIN documents d ON d.id = r.document_id ORDER BY r.id").fetchall()
    return [{**dict(r), "record": json.loads(r["record"]) if r["record"] else None}
            for r in rows]


def latest(db: Path | str) -> dict[str, dict[str, Any]]:
    """The latest result per document key (what a reader of the store sees as current)."""
    return {row["doc_key"]: row for row in stored(db)}


def issue_rules(record: dict[str, Any]) -> set[str]:
    return {issue["rule"] for issue in record.get("issues", [])}


# Fields a rule settles; they must not depend on the input's format or on text injected into it.
FACT_FIELDS = ("reference", "bodies", "category", "outcome", "decision_date", "complainant",
               "investigated", "fault_found", "referred_to", "payments", "remedy_kinds",
               "other_acts", "summary")


def facts_of(record: dict[str, Any]) -> dict[str, Any]:
    """The deterministic fields, with offsets dropped (they index different input texts)."""
    facts = {k: record.get(k) for k in FACT_FIELDS}
    facts["payments"] = [{k: v for k, v in p.items() if k not in ("start", "end")}
                         for p in record.get("payments") or []]
    facts["citations"] = sorted(c["canonical"] for c in record.get("citations") or [])
    facts["reasons"] = sorted(r["code"] for r in record.get("reasons") or [])
    return facts


def quoted_strings(record: dict[str, Any]) -> list[str]:
    """Every string the record claims to quote from its source."""
    quotes = [r.get("evidence") for r in record.get("reasons") or []]
    quotes += [p.get("evidence") for p in record.get("payments") or []]
    quotes += [c.get("text") for c in record.get("citations") or []]
    quotes += [s.get("text") for s in (record.get("spans") or {}).values()]
    return [q for q in quotes if q]


# A corpus of distinct decisions (made from DECISION) for batch tests.

def unit(i: int) -> str:
    """The phrase that only document ``i`` has (in its Summary, so in every prompt)."""
    return f"workshop at unit {i:03d}"


def make_corpus(folder: Path, n: int) -> list[Path]:
    """``n`` distinct decisions: own reference, own phrase in the Summary."""
    text = DECISION.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        body = text.replace("24 017 452", reference(i)).replace("neighbouring workshop",
                                                                unit(i))
        paths.append(folder / f"d{i:03d}.txt")
        paths[-1].write_text(body, encoding="utf-8")
    return paths


def reference(i: int) -> str:
    serial = 1000 + i
    return f"24 {serial // 1000:03d} {serial % 1000:03d}"
