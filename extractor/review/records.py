"""Reading, re-checking and describing saved records (JSON Lines)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from pydantic import ValidationError

from extractor.errors import InputError
from extractor.models import Decision
from extractor.read.load import Document, jsonl_lines, load_path
from extractor.rules import RULE_NAMES, check_decision


def read_records(path: str) -> list[Decision]:
    """Every record of a JSON Lines file; a malformed line is an ``InputError``."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    records = []
    for lineno, line in jsonl_lines(p.read_text(encoding="utf-8")):
        try:
            records.append(Decision.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"]) or "record"
            raise InputError(f"{path}:{lineno}: not a decision record ({where}: "
                             f"{first['msg']})") from None
    if not records:
        raise InputError(f"{path}: no records")
    return records


def source_text(record: Decision) -> str | None:
    """The record's loaded source text, when its file is still there and unchanged."""
    src = record.meta.source
    path = src.rsplit(":", 1)[0] if src and not Path(src).exists() else src
    if not path or not Path(path).is_file():
        return None
    try:
        docs = [d for d in load_path(path) if isinstance(d, Document)]
    except InputError:
        return None
    match = [d for d in docs if d.sha256 == record.meta.source_sha256]
    return match[0].text if match else None


def recheck(record: Decision) -> Decision:
    """The record with its rule findings recomputed (other issues are kept)."""
    kept = [i for i in record.issues if i.rule not in RULE_NAMES]
    fresh = record.model_copy(update={"issues": kept})
    fresh.issues.extend(check_decision(fresh, source_text(record)))
    return fresh


PROBLEMS = ("error", "warning")  # what ``check --quiet`` prints; info notes are not problems
TOP_RULES = 5


def issue_lines(records: Sequence[Decision], quiet: bool = False) -> Iterator[str]:
    """One line per issue ("<source>: <severity> <rule> [<field>] <message>"), and "<source>:
    ok" for a record without any; ``quiet``: only warnings and errors."""
    for rec in records:
        label = rec.meta.source or rec.reference or "?"
        shown = [i for i in rec.issues if not quiet or i.severity in PROBLEMS]
        if not rec.issues and not quiet:
            yield f"{label}: ok"
        for issue in shown:
            yield f"{label}: {issue.severity} {issue.rule} [{issue.field or '-'}] {issue.message}"


def check_summary(records: Sequence[Decision]) -> str:
    """Totals: records, ok (info notes at most), with warnings, with errors; the top rules."""
    worst = Counter(_worst(rec) for rec in records)
    fired = Counter((i.rule, i.severity) for rec in records for i in rec.issues)
    top = ", ".join(f"{rule} ({severity}) {n}" for (rule, severity), n in
                    fired.most_common(TOP_RULES))
    return (f"{len(records)} records: {worst['ok']} ok, {worst['warning']} with warnings, "
            f"{worst['error']} with errors\ntop rules: {top or 'none fired'}")


def _worst(record: Decision) -> str:
    severities = {i.severity for i in record.issues}
    return next((s for s in PROBLEMS if s in severities), "ok")


def schema_json() -> str:
    return json.dumps(Decision.model_json_schema(), indent=2, ensure_ascii=False)
