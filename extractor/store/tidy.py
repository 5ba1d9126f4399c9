"""Tidy tables: the stored records as plain rows that SQL, sqlite-utils and Datasette can query.

``decisions`` holds one row per decision: the latest result that has a record (``ok`` or
``issues``) per document key and run configuration. Each list field of the record has a child
table named after it (``bodies``, ``reasons``, ``referred_to``, ``payments``, ``remedy_kinds``,
``citations``, ``other_acts``), keyed by ``result_id`` and ``position`` (the item's index in the
record's list); the store's own ``issues`` table holds the rule issues by ``result_id``.

They are tables, not views, kept current by ``refresh`` inside the transaction that writes a
result (``Store.write``), so a query reads indexed columns instead of parsing every record.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from pydantic import ValidationError

from extractor.models import Decision

DECISION_TABLE = "decisions"
CHILD_TABLES = ("bodies", "reasons", "referred_to", "payments", "remedy_kinds", "citations",
                "other_acts")
ISSUES_TABLE = "issues"  # the store's rule issues: the last child table
TIDY_TABLES = (DECISION_TABLE, *CHILD_TABLES, ISSUES_TABLE)
RECORD_STATUSES = ("ok", "issues")

# What a payment is for, from its free-text purpose: first match wins, in this order.
PURPOSE_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # a service, support or schooling the person went without
    ("lost_provision", re.compile(r"\b(?:miss|lost|loss|education|provision|care|support|"
                                  r"services?|respite|therapy)", re.IGNORECASE)),
    # money the person paid or was charged: refunds, fees, charges, costs, arrears
    ("costs_and_charges", re.compile(r"\b(?:refund|fees?|charges?|costs?|arrears|rent|"
                                     r"expenses?|invoice)", re.IGNORECASE)),
    # the effort of pursuing the complaint
    ("time_and_trouble", re.compile(r"\btime\s+and\s+trouble", re.IGNORECASE)),
    # distress and its usual companions
    ("distress", re.compile(r"\b(?:distress|frustrat|uncertain|anxi|inconvenien|upset|worry)",
                            re.IGNORECASE)),
)
PURPOSE_OTHER, PURPOSE_UNSTATED = "other", "not_stated"
PURPOSE_KIND_NAMES = (*(name for name, _ in PURPOSE_KINDS), PURPOSE_OTHER, PURPOSE_UNSTATED)

# The latest result with a record per (document key, configuration); ``{where}`` narrows it.
# CROSS JOIN keeps documents the outer loop: one key's results are found through the
# (document_id, config_sha) index instead of scanning a whole configuration's results.
LATEST_SQL = """
    SELECT id, run_id, document_id, doc_key, config_sha, status, record FROM (
        SELECT r.id, r.run_id, r.document_id, d.doc_key, r.config_sha, r.status, r.record,
               row_number() OVER (PARTITION BY d.doc_key, r.config_sha
                                  ORDER BY r.created DESC, r.id DESC) AS latest
        FROM documents d CROSS JOIN results r ON r.document_id = d.id
        WHERE r.status IN ('ok', 'issues') AND r.record IS NOT NULL {where})
    WHERE latest = 1"""

Row = dict[str, Any]


def purpose_kind(purpose: str | None) -> str:
    """The kind of a payment's purpose (``PURPOSE_KIND_NAMES``)."""
    if not purpose or not purpose.strip():
        return PURPOSE_UNSTATED
    return next((name for name, regex in PURPOSE_KINDS if regex.search(purpose)), PURPOSE_OTHER)


def decision_year(date: str | None) -> int | None:
    head = (date or "")[:4]
    return int(head) if len(head) == 4 and head.isdigit() else None


def decision_row(record: Decision) -> Row:
    """The scalar fields of a record (``decisions`` without the store's keys)."""
    category, meta = record.category, record.meta
    return {
        "reference": record.reference, "category_top": category.top if category else None,
        "category_sub": category.sub if category else None, "outcome": record.outcome,
        "decision_date": record.decision_date, "decision_year": decision_year(
            record.decision_date), "complainant": record.complainant,
        "investigated": record.investigated, "fault_found": record.fault_found,
        "summary": record.summary, "backend": meta.backend, "model": meta.model,
        "prompt_sha": meta.prompt_sha, "schema_version": meta.schema_version,
        "questions": meta.questions, "attempts": meta.attempts,
        "prompt_tokens": meta.usage.prompt_tokens,
        "completion_tokens": meta.usage.completion_tokens, "seconds": meta.seconds,
        "source": meta.source, "url": meta.url, "ext_id": meta.id,
        "source_sha256": meta.source_sha256,
    }


def child_rows(record: Decision) -> dict[str, list[Row]]:
    """The rows of every child table for one record, in list order (without the keys)."""
    return {
        "bodies": [{"body": b} for b in record.bodies],
        "reasons": [{"code": r.code, "evidence": r.evidence, "span_start": r.start,
                     "span_end": r.end, "origin": r.origin} for r in record.reasons],
        "referred_to": [{"code": c} for c in record.referred_to],
        "payments": [{"amount_gbp": p.amount_gbp, "status": p.status, "purpose": p.purpose,
                      "purpose_kind": purpose_kind(p.purpose), "evidence": p.evidence,
                      "span_start": p.start, "span_end": p.end, "origin": p.origin}
                     for p in record.payments],
        "remedy_kinds": [{"kind": k} for k in record.remedy_kinds],
        "citations": [{"canonical": c.canonical, "text": c.text, "span_start": c.start,
                       "span_end": c.end} for c in record.citations],
        "other_acts": [{"act": a} for a in record.other_acts],
    }


def refresh(conn: sqlite3.Connection, written: tuple[Any, ...],
            decision: Decision | None = None) -> None:
    """Make the tidy rows of one document key and configuration match the store, in the
    transaction that wrote ``written`` (a result row shaped as ``LATEST_SQL``'s; ``decision``:
    its record as an object, which spares parsing the JSON again)."""
    doc_key, config_sha, status, record = written[3:]
    conn.execute("DELETE FROM decisions WHERE doc_key = ? AND config_sha = ?",
                 (doc_key, config_sha))
    if status in RECORD_STATUSES and record is not None:
        _insert(conn, written, decision)  # the result just written is the latest
        return
    where = "AND d.doc_key = ? AND r.config_sha = ?"
    for row in conn.execute(LATEST_SQL.format(where=where), (doc_key, config_sha)).fetchall():
        _insert(conn, row)


def rebuild(conn: sqlite3.Connection) -> int:
    """Fill the tidy tables again from every stored result; the number of decisions."""
    conn.execute("DELETE FROM decisions")
    written = 0
    for latest in conn.execute(LATEST_SQL.format(where="")).fetchall():
        written += _insert(conn, latest)
    return written


def _insert(conn: sqlite3.Connection, latest: tuple[Any, ...],
            record: Decision | None = None) -> int:
    result_id, run_id, document_id, doc_key, config_sha, status, text = latest
    try:
        record = record or Decision.model_validate_json(text)
    except ValidationError:
        return 0  # not a record this version can read (the pipeline never writes one)
    keys = {"result_id": result_id, "run_id": run_id, "document_id": document_id,
            "doc_key": doc_key, "config_sha": config_sha, "status": status}
    _insert_rows(conn, DECISION_TABLE, [{**keys, **decision_row(record)}])
    for table, rows in child_rows(record).items():
        _insert_rows(conn, table, [{"result_id": result_id, "position": n, **row}
                                   for n, row in enumerate(rows)])
    return 1


def _insert_rows(conn: sqlite3.Connection, table: str, rows: list[Row]) -> None:
    if rows:
        names = list(rows[0])
        conn.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES "
                         f"({', '.join('?' * len(names))})", [list(r.values()) for r in rows])
