"""What a batch shows a person: live progress, the end summary, and the stored runs."""

from __future__ import annotations

import time
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from extractor.runs.batch import RunSummary

PLAIN_EVERY_SECONDS = 10.0


def make_progress(console: Console) -> RichProgress | PlainProgress:
    """A live bar on a terminal, else a plain line every few seconds (for logs and cron)."""
    if console.is_terminal:
        return RichProgress(console)
    return PlainProgress(console.file)


def _eta(summary: RunSummary) -> str:
    left = max(summary.total - summary.processed - summary.skipped, 0)
    return f"{left / summary.rate:.0f}s" if summary.rate > 0 else "?"


def _counts(summary: RunSummary) -> str:
    return (f"ok {summary.ok} · issues {summary.issues} · failed {summary.failed} · "
            f"skipped {summary.skipped}")


class RichProgress:
    def __init__(self, console: Console):
        self.bar = Progress(
            TextColumn("[bold]batch"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:.1f} docs/s"), TimeRemainingColumn(),
            TextColumn("{task.fields[counts]}"), console=console)
        self.task = self.bar.add_task("batch", total=None, rate=0.0, counts="")

    def start(self, summary: RunSummary) -> None:
        self.bar.update(self.task, total=summary.total)
        self.bar.start()

    def update(self, summary: RunSummary) -> None:
        self.bar.update(self.task, completed=summary.processed + summary.skipped,
                        rate=summary.rate, counts=_counts(summary))

    def stop(self, summary: RunSummary) -> None:
        self.update(summary)
        self.bar.stop()


class PlainProgress:
    def __init__(self, out: TextIO, every: float = PLAIN_EVERY_SECONDS):
        self.out, self.every, self.last = out, every, 0.0

    def start(self, summary: RunSummary) -> None:
        self.last = time.monotonic()
        self._line(f"batch: run {summary.run_id}, {summary.total} documents")

    def update(self, summary: RunSummary) -> None:
        if time.monotonic() - self.last >= self.every:
            self.last = time.monotonic()
            done = summary.processed + summary.skipped
            self._line(f"batch: {done}/{summary.total} · {_counts(summary)} · "
                       f"{summary.rate:.1f} docs/s · ETA {_eta(summary)}")

    def stop(self, summary: RunSummary) -> None:
        pass

    def _line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


def format_summary(summary: RunSummary) -> str:
    lines = [
        f"run {summary.run_id} {summary.status} in {summary.elapsed:.1f}s: "
        f"{summary.processed} documents processed, {summary.skipped} already done",
        f"  ok {summary.ok} · with issues {summary.issues} (errors {summary.with_errors}) · "
        f"failed {summary.failed}",
        "  top rules: " + (", ".join(f"{rule} {n}" for rule, n in summary.rules.most_common(5))
                           or "none fired"),
        f"  tokens: {summary.prompt_tokens} prompt, {summary.completion_tokens} completion",
        f"  {summary.rate:.1f} decisions/second",
    ]
    if summary.server_restarts or summary.breaker_opened:
        lines.append(f"  model server: restarted {summary.server_restarts} time(s), left alone "
                     f"after repeated failures {summary.breaker_opened} time(s)")
    return "\n".join(lines)


RUN_COLUMNS = ("id", "started", "status", "backend", "model", "ok", "issues", "failed", "seconds")


def format_runs(runs: list[dict[str, Any]]) -> str:
    if not runs:
        return "no runs recorded"
    rows = [RUN_COLUMNS] + [tuple(str(v) for v in _run_columns(r)) for r in runs]
    widths = [max(len(row[i]) for row in rows) for i in range(len(RUN_COLUMNS))]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
                     for row in rows)


def _run_columns(run: dict[str, Any]) -> tuple[Any, ...]:
    counts, totals = run["counts"], run["totals"] or {}
    return (run["id"], run["started"][:19].replace("T", " "), run["status"], run["backend"],
            run["model"] or "-", counts["ok"], counts["issues"], counts["failed"],
            totals.get("seconds", "-"))


def format_run(run: dict[str, Any], top_rules: list[tuple[str, int]],
               failures: list[tuple[str, str]]) -> str:
    totals = run["totals"] or {}
    lines = [f"run {run['id']}: {run['status']}",
             f"  started {run['started']}  finished {run['finished'] or '-'}",
             f"  backend {run['backend']}  model {run['model'] or '-'}  "
             f"prompt_sha {run['prompt_sha'] or '-'}  schema {run['schema_version']}",
             f"  options {_options(run['options'])}",
             "  results now: " + " · ".join(f"{k} {v}" for k, v in run["counts"].items())]
    if totals:
        lines.append("  totals: " + " · ".join(f"{k} {v}" for k, v in totals.items()
                                               if k != "top_rules"))
    lines.append("  top rules: " + (", ".join(f"{r} {n}" for r, n in top_rules) or "none"))
    lines += [f"  failed {source}: {error}" for source, error in failures]
    return "\n".join(lines)


def _options(options: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in options.items() if v not in (None, False, [], {}))
