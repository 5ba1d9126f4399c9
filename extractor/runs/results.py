"""Results: one finished (or failed) document turned into the row the run store keeps."""

from __future__ import annotations

from extractor.errors import ExtractorError
from extractor.models import Decision, Issue
from extractor.pipeline import finish
from extractor.read.inputs import Item
from extractor.rules.policy import FAILED_RULE, NOTED_SEVERITY
from extractor.settings import redact
from extractor.store.store import ResultRow

MAX_REASON_CHARS = 500


def reason(exc: BaseException) -> str:
    """A one-line reason for a failed document (never the API key, whatever echoed it)."""
    text = str(exc) if isinstance(exc, ExtractorError) else \
        f"internal error: {type(exc).__name__}: {exc}"
    return " ".join(redact(text).split())[:MAX_REASON_CHARS]


def finished_row(item: Item, record: Decision, started: float,
                 failure: BaseException | None = None) -> ResultRow:
    """The row of a document that went through the pipeline (``failure``: its model pass
    failed, and the record keeps the deterministic fields)."""
    assert item.doc is not None
    try:
        finish(record, item.doc, started)
    except Exception as exc:  # noqa: BLE001 - a crashing rule fails this document only
        return failed_row(item, reason(exc))
    if failure is not None:
        record.meta.attempts = max(record.meta.attempts, getattr(failure, "attempts", 0))
        record.issues.append(Issue(rule=FAILED_RULE, severity=NOTED_SEVERITY[FAILED_RULE],
                                    message=reason(failure)))
    why = extraction_failure(record)
    return _row(item, "failed" if why else status_of(record), record, why)


def extraction_failure(record: Decision) -> str | None:
    """Why the model pass failed on this record (its ``extraction_failed`` issues), if it did:
    such a result is ``failed``, so ``--retry-failed`` runs it again."""
    found = [i.message for i in record.issues if i.rule == FAILED_RULE and i.severity == "error"]
    return " ".join("; ".join(found).split())[:MAX_REASON_CHARS] if found else None


def status_of(record: Decision) -> str:
    """``issues`` when a rule found an error or a warning, else ``ok``."""
    return "issues" if any(i.severity in ("error", "warning") for i in record.issues) else "ok"


def failed_row(item: Item, why: str) -> ResultRow:
    return _row(item, "failed", None, why)


def _row(item: Item, status: str, record: Decision | None, error: str | None) -> ResultRow:
    doc, meta = item.doc, record.meta if record is not None else None
    return ResultRow(
        doc_key=item.key, sha256=item.sha256, source=item.source, status=status,
        url=doc.url if doc else None, ext_id=doc.id if doc else None, error=error,
        attempts=meta.attempts if meta else 0,
        prompt_tokens=meta.usage.prompt_tokens if meta else 0,
        completion_tokens=meta.usage.completion_tokens if meta else 0,
        seconds=meta.seconds if meta else 0.0,
        record=record.model_dump_json() if record is not None else None, decision=record,
        issues=[(i.rule, i.severity, i.field, i.message, i.span.start if i.span else None,
                 i.span.end if i.span else None) for i in record.issues] if record else [])
