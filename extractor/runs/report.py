"""What a person sees of the work: batch progress, its end summary and the stored runs; and
the progress of ``extract`` while a model answers."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TextIO

from extractor.model.prices import PRICES_DATED
from extractor.read.inputs import formats_read

if TYPE_CHECKING:  # the harvest's HTTP client loads only for a harvest; rich's progress
    # bars and the batch runner only for a display that uses them
    from rich.console import Console

    from extractor.harvest.listing import Window
    from extractor.harvest.run import HarvestSummary
    from extractor.runs.batch import RunSummary

PLAIN_EVERY_SECONDS = 10.0
FAILURE_CHARS = 160  # a failure's reason as the summary shows it (runs show: all of it)


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
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

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
        self._line(f"batch: run {summary.run_id}, {planned(summary)}")

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


EXTRACT_COUNTS = ("[bold]extract[/] {task.completed:.0f}/{task.total:.0f} documents · "
                  "{task.fields[asked]} questions asked · {task.elapsed:.0f}s")


class ExtractProgress:
    """``extract`` with a model, on a terminal: documents done, questions asked (re-asks
    included), time elapsed and the document at hand, live, since a small model on a busy
    machine can take minutes per document. Drawn on stderr; when stdout is the same terminal,
    on stdout, with the records (and error lines) printed above the live line."""

    def __init__(self, console: Console, total: int, on_stdout: bool = False):
        from rich.progress import Progress, SpinnerColumn, TextColumn
        from rich.table import Column

        self.bar = Progress(
            SpinnerColumn(table_column=Column(no_wrap=True)),
            TextColumn(EXTRACT_COUNTS, table_column=Column(no_wrap=True)),
            TextColumn("{task.fields[doing]}", markup=False, table_column=Column(
                no_wrap=True, overflow="ellipsis", ratio=1)),  # the name gives way first
            console=console, redirect_stdout=on_stdout, redirect_stderr=on_stdout)
        self.task = self.bar.add_task("extract", total=total, asked=0, doing="starting")
        self.asked = 0
        self._lock = threading.Lock()

    def __enter__(self) -> Self:
        self.bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.bar.stop()

    def follow(self, model_pass: object) -> None:
        """Count the answers of ``model_pass`` (one that keeps ``listeners``) as they come."""
        listeners = getattr(model_pass, "listeners", None)
        if isinstance(listeners, list):
            listeners.append(self.answered)

    def answered(self) -> None:
        with self._lock:
            self.asked += 1
            self.bar.update(self.task, asked=self.asked, refresh=True)

    def document(self, source: str) -> None:
        self.bar.update(self.task, doing=Path(source).name, refresh=True)

    def done(self) -> None:
        self.bar.update(self.task, advance=1, doing="")


class NoProgress(ExtractProgress):
    """Nothing shown: no model, or not a terminal (the records are the progress there)."""

    def __init__(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        pass

    def follow(self, model_pass: object) -> None:
        pass

    def document(self, source: str) -> None:
        pass

    def done(self) -> None:
        pass


def extract_progress(err: Console, total: int, uses_model: bool,
                     out: Console | None = None) -> ExtractProgress:
    """The progress display for ``extract`` (``NoProgress`` off a terminal or without a
    model). ``out``: the stdout console (default: a new one on sys.stdout)."""
    if not uses_model or not err.is_terminal:
        return NoProgress()
    from rich.console import Console

    out = out or Console(soft_wrap=True, highlight=False)
    return ExtractProgress(out, total, on_stdout=True) if out.is_terminal \
        else ExtractProgress(err, total)


def planned(summary: RunSummary) -> str:
    """How many documents the run will take: all it found, or ``--limit`` of them."""
    if summary.limit is not None and summary.limit < summary.total:
        return f"at most {summary.limit} of {documents(summary.total)} (--limit {summary.limit})"
    return documents(summary.total)


def documents(n: int) -> str:
    return f"{n} document" if n == 1 else f"{n} documents"


def format_summary(summary: RunSummary) -> str:
    head = f"run {summary.run_id} {summary.status} in {summary.elapsed:.1f}s: "
    if summary.processed == 0:
        return head + _nothing_done(summary)
    lines = [
        head + f"{documents(summary.processed)} processed, {_already_done(summary)}",
        (f"  ok {summary.ok} · with issues {summary.issues} · failed {summary.failed} · "
         f"with error issues {summary.with_errors} of {summary.processed}"),
        *_failure_lines(summary),
        "  top rules: " + (", ".join(f"{rule} {n}" for rule, n in summary.rules.most_common(5))
                           or "none fired"),
        f"  tokens: {summary.prompt_tokens} prompt, {summary.completion_tokens} completion"
        + cost_line(summary),
        f"  {summary.rate:.1f} decisions/second",
    ]
    if summary.server_restarts or summary.breaker_opened:
        lines.append(f"  model server: restarted {summary.server_restarts} time(s), left alone "
                     f"after repeated failures {summary.breaker_opened} time(s)")
    if summary.model_stopped:
        lines.append(f"  model not asked for the rest of the run: {summary.model_stopped}; "
                     f"{summary.rules_only} document(s) got the rules' values only "
                     "(--retry-failed re-runs them)")
    return "\n".join(lines)


def _already_done(summary: RunSummary) -> str:
    failed = summary.skipped_failed
    return f"{summary.skipped} already done" + (
        f" ({failed} of them failed: --retry-failed re-runs those)" if failed else "")


def _nothing_done(summary: RunSummary) -> str:
    if summary.skipped:
        return f"nothing to do: {_already_done(summary)}"
    if summary.harvested:
        return "nothing to do: every harvested page has a result for this configuration"
    return f"no documents found ({formats_read('batch')})"


def _failure_lines(summary: RunSummary) -> list[str]:
    """The first failed documents with their reasons, and where to see the rest."""
    lines = [f"  failed {source}: {_shorten(why.removeprefix(f'{source}: '))}"
             for source, why in summary.failures]
    more = summary.failed - len(summary.failures)
    if more > 0:
        lines.append(f"  ... and {more} more failed: extractor runs show {summary.run_id}")
    return lines


def _shorten(text: str, limit: int = FAILURE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


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
    lines += [f"  failed {source}: {error.removeprefix(f'{source}: ')}"
              for source, error in failures]
    return "\n".join(lines)


def _options(options: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in options.items() if v not in (None, False, [], {}))


def make_harvest_progress(console: Console) -> HarvestLines:
    return HarvestLines(console)


class HarvestLines:
    """A line when the night starts and one per listing window (stderr, so cron logs keep
    them); on a terminal also a live line as each decision page is fetched."""

    def __init__(self, console: Console):
        self.console, self.started = console, False
        self.status = console.status("harvest") if console.is_terminal else None

    def start(self, summary: HarvestSummary) -> None:
        if self.status is not None:
            self.status.start()

    def window(self, summary: HarvestSummary, window: Window) -> None:
        if not self.started:  # not before: a night blocked at once shows only its error
            self.started = True
            resumed = " (resumed)" if summary.resumed else ""
            self._line(f"harvest: night {summary.night_id}, decisions dated {summary.since} "
                       f"to {summary.until}{resumed}")
        self._line(f"harvest: {window} done · {_harvest_counts(summary)}")

    def page(self, summary: HarvestSummary) -> None:
        if self.status is not None:
            self.status.update(f"harvest: fetching decision pages · new {summary.new} · "
                               f"changed {summary.changed} · failed {summary.failed} · "
                               f"{summary.requests} requests, {summary.rate:.2f}/s")

    def stop(self, summary: HarvestSummary) -> None:
        if self.status is not None:
            self.status.stop()

    def _line(self, text: str) -> None:
        self.console.print(text, markup=False, highlight=False)


def _harvest_counts(s: HarvestSummary) -> str:
    return (f"listed {s.listed} · new {s.new} · changed {s.changed} · failed {s.failed} · "
            f"{s.requests} requests, {s.rate:.2f}/s")


def _listing_note(s: HarvestSummary) -> str:
    from extractor.harvest.listing import SEARCH

    if s.listing == SEARCH.name:
        return ""
    return f" (then from the {s.listing} listing: the search served its form without results)"


def format_harvest(s: HarvestSummary) -> str:
    resumed = ", resumed" if s.resumed else ""
    return "\n".join([
        (f"night {s.night_id} {s.status} in {s.seconds:.1f}s: decisions dated {s.since} to "
         f"{s.until}{resumed}"),
        (f"  windows {s.windows} (failed {s.failed_windows}) · listing pages "
         f"{s.listing_pages}{_listing_note(s)} · listed {s.listed}"),
        (f"  new {s.new} · changed {s.changed} · unchanged {s.unchanged} · not found "
         f"{s.not_found} · skipped {s.skipped} · failed {s.failed}"),
        f"  {s.requests} requests, {s.rate:.2f} requests/second",
    ])


def cost_line(summary: RunSummary) -> str:
    """`` · cost $0.0123 (prices of <date>)`` with a model; nothing without one, or for a
    model the price table lacks."""
    cost = summary.cost_usd
    if summary.backend == "none" or cost is None:
        return ""
    return f" · cost ${cost:.4f} (prices of {PRICES_DATED})"
