"""The run report: one self-contained HTML page of charts (inline SVG) and their numbers.

``write_report(store, run_id, path)`` reads the run's tidy tables (``figures``, ``activity``),
draws each figure with matplotlib (``charts``) and writes the page (``page``).
"""

from __future__ import annotations

from pathlib import Path

from extractor.errors import InputError
from extractor.runs import DEFAULT_TOP
from extractor.runs.runreport.activity import issues, model_usage
from extractor.runs.runreport.figures import (
    Figure,
    Numbers,
    outcomes_by_category,
    payments,
    reasons,
    referrals,
    remedy_kinds,
    upheld_by_body,
)
from extractor.store.store import Store

FIGURES = (outcomes_by_category, upheld_by_body, payments, reasons, remedy_kinds, referrals,
           issues, model_usage)


def figures(store: Store, run_id: int, top: int = DEFAULT_TOP) -> list[Figure]:
    numbers = Numbers(store.conn, run_id, top)
    return [make(numbers) for make in FIGURES]


def write_report(store: Store, run_id: int, path: str | Path, top: int = DEFAULT_TOP) -> int:
    """Write the report page of run ``run_id``; its size in bytes."""
    from extractor.runs.runreport.page import render_page  # loads matplotlib: only when used

    run = store.run(run_id)
    html = render_page(run, Numbers(store.conn, run_id, top).decisions(),
                       figures(store, run_id, top))
    try:
        Path(path).write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    return len(html.encode("utf-8"))
