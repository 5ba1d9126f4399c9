"""The command line: a thin Typer shell over the library.

Exit codes: 0 all good; 1 could not run (config, input, model server); 2 usage;
3 ran, but some records carry error-severity issues or failed extraction; 4 the embedded
model server crashed or stayed silent on its first request (nothing was read or stored).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from extractor.errors import ExtractorError, InputError
from extractor.model.backends import BackendName, BackendOptions, open_model_pass
from extractor.model.modes import DEFAULT_MODE, ModeName
from extractor.read.clean import DEFAULT_STEPS
from extractor.runs import DEFAULT_TOP
from extractor.settings import DEFAULT_MAX_BYTES, Settings

if TYPE_CHECKING:
    from rich.console import Console

# Start-up: the commands import the library they use when they run (pydantic models, the
# pipeline, the store, rich), so `extractor --help` loads only typer and the few names its
# options show; tests/test_startup.py checks what each command leaves unloaded.

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_FINDINGS = 0, 1, 2, 3

# Plain click help (rich_markup_mode=None): the rich option table gives the descriptions a
# narrow column once a command has a dozen options (batch); plain help keeps them readable.
app = typer.Typer(help="Turn LGSCO decision statements into validated, source-grounded JSON.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
                  rich_markup_mode=None, context_settings={"max_content_width": 100})


@cache
def err() -> Console:
    """The console on stderr (rich loads when a command first prints there)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


# Choices: an unknown backend or mode is a usage error (exit 2), listed in --help.
BackendOpt = Annotated[BackendName | None, typer.Option(
    "--backend", "-b", help="Default: openai when "
    "OPENAI_API_KEY or OPENAI_BASE_URL is set, else local (the embedded model).",
    envvar="EXTRACTOR_BACKEND")]
ModelOpt = Annotated[str | None, typer.Option(help="Model name for the server.",
                                              envvar="EXTRACTOR_MODEL")]
BaseUrlOpt = Annotated[str | None, typer.Option(help="OpenAI-compatible server URL "
                                                "(e.g. http://127.0.0.1:8080/v1).")]
ModeOpt = Annotated[ModeName | None, typer.Option(
    help=f"instructor's structured-output mode (default "
    f"{DEFAULT_MODE}: a forced tool call; json_schema for OpenAI's structured outputs).")]
ModelPathOpt = Annotated[str | None, typer.Option(help="GGUF file for the local backend "
                                                  "(default: the packaged Gemma 3 270M).")]
MaxBytesOpt = Annotated[int, typer.Option(help="Refuse inputs larger than this many bytes.",
                                          envvar="EXTRACTOR_MAX_BYTES")]
CassetteOpt = Annotated[str | None, typer.Option(help="Replay model HTTP from this vcrpy "
                                                 "cassette (YAML).")]
PolicyOpt = Annotated[str | None, typer.Option(help="Trust policy file (extractor calibrate); "
                                               "default: the embedded model's own, else "
                                               "rules.", envvar="EXTRACTOR_POLICY")]
RecordOpt = Annotated[bool, typer.Option("--record", help="With --cassette: record new "
                                         "exchanges from the live server.")]


@contextmanager
def guarded() -> Iterator[None]:
    """Translate library errors into one line on stderr and their exit code (1; 4 for an
    embedded model server that failed its self-test)."""
    try:
        yield
    except ExtractorError as exc:
        if os.environ.get("EXTRACTOR_RAISE_ERRORS"):
            raise
        err().print(f"error: {exc}", markup=False)
        raise typer.Exit(exc.exit_code) from None


def _model_stopped(model_pass: object, retry: str) -> None:
    """Say once on stderr when the embedded server was given up on during the command."""
    watch = getattr(model_pass, "watch", None)  # an LLMPass's; replays and doubles have none
    note = watch.stop_note(retry) if watch is not None else None
    if note:
        err().print(f"error: {note}", markup=False)


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files (.txt .html .json .jsonl), folders "
                                               "of them, globs, or - for stdin.")],
    backend: BackendOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    mode: ModeOpt = None,
    model_path: ModelPathOpt = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write JSON Lines here "
                                             "instead of stdout.")] = None,
    cassette: CassetteOpt = None,
    record: RecordOpt = False,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
    html: Annotated[Path | None, typer.Option(help="Also write a review page (HTML) of the "
                                              "records here.")] = None,
    policy: PolicyOpt = None,
) -> None:
    """Extract decisions into JSON Lines records (one per document); with a model, on a
    terminal, show documents done, questions asked and time elapsed."""
    from extractor.read.inputs import count, expand
    from extractor.runs.extracting import extract_each, nothing_to_read, output
    from extractor.runs.report import NoProgress, extract_progress

    options = BackendOptions(backend, model, base_url, mode, model_path, cassette, record,
                             inputs=tuple(paths), policy=policy)
    settings = Settings.from_env()
    with guarded():
        total = count(expand(paths))
        if total == 0:
            raise nothing_to_read(paths)
        uses_model = options.resolved(settings) != "none"  # no model, no progress: no rich
        shown = extract_progress(err(), total, uses_model) if uses_model else NoProgress()
        with shown as progress, output(out) as sink, open_model_pass(options, settings) as mp:
            progress.follow(mp)
            tally = extract_each(paths, max_bytes, mp, sink, progress, keep=html is not None,
                                 warn=lambda line: err().print(line, markup=False))
        _model_stopped(mp, "extract those documents again once the server runs "
                       "(README.md, Troubleshooting)")
        if html:
            from extractor.review.page import write_review

            err().print("wrote " + write_review(html, [r for r, _ in tally.kept],
                                              [t for _, t in tally.kept]), markup=False)
    if (line := tally.error_line()) is not None:
        err().print(line, markup=False)
    raise typer.Exit(EXIT_ERROR if tally.unreadable else EXIT_FINDINGS if tally.with_errors
                     else EXIT_OK)


@app.command()
def clean(
    path: Annotated[str, typer.Argument(help="One input file, or - for stdin.")],
    steps: Annotated[str | None, typer.Option(help="Comma-separated cleaning steps; "
                                              f"default: {','.join(DEFAULT_STEPS)}.")] = None,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
) -> None:
    """Print the cleaned text of a document (what the later stages read)."""
    from extractor.read.clean import CLEANERS, clean_text
    from extractor.read.load import load_path

    with guarded():
        chosen = tuple(s.strip() for s in steps.split(",")) if steps else DEFAULT_STEPS
        unknown = [s for s in chosen if s not in CLEANERS]
        if unknown:
            raise typer.BadParameter(f"unknown step {unknown[0]!r}; valid: {', '.join(CLEANERS)}")
        for item in load_path(path, max_bytes):
            if isinstance(item, InputError):
                raise item
            typer.echo(clean_text(item.text, chosen).text)


@app.command()
def check(
    results: Annotated[str, typer.Argument(help="A JSON Lines file of records.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print records with fresh issues "
                                          "as JSON Lines.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only warnings and "
                                        "errors (and the totals).")] = False,
) -> None:
    """Re-run the rules on saved records, then print totals; exit 3 when any has an error."""
    from extractor.review.records import check_summary, issue_lines, read_records, recheck
    from extractor.runs.extracting import write_jsonl

    with guarded():
        checked = [recheck(rec) for rec in read_records(results)]
    if as_json:
        write_jsonl(checked, sys.stdout)
    else:
        for line in issue_lines(checked, quiet):
            typer.echo(line)
        typer.echo(check_summary(checked))
    raise typer.Exit(EXIT_FINDINGS if any(r.has_errors for r in checked) else EXIT_OK)


@app.command()
def review(
    results: Annotated[str, typer.Argument(help="A JSON Lines file of records.")],
    html: Annotated[Path, typer.Option(help="Write the review page (one offline HTML file) "
                                       "here.")],
) -> None:
    """Write a page to review records against their source text, span by span."""
    from extractor.review.page import write_review
    from extractor.review.records import read_records

    with guarded():
        err().print("wrote " + write_review(html, read_records(results)), markup=False)


@app.command("eval")
def eval_(
    inputs: Annotated[list[str] | None, typer.Argument(
        help="Decision files to extract and score (matched to labels by name).")] = None,
    gold: Annotated[list[str] | None, typer.Option(help="Gold labels, JSON Lines as "
                                                   "corpus/dev-gold.jsonl (repeatable).")] = None,
    results: Annotated[str | None, typer.Option(help="Score these saved records instead of "
                                                "extracting INPUT.")] = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    mode: ModeOpt = None,
    model_path: ModelPathOpt = None,
    cassette: CassetteOpt = None,
    record: RecordOpt = False,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    policy: PolicyOpt = None,
) -> None:
    """Per-field accuracy / precision / recall / F1 of extraction against gold labels."""
    from rich.console import Console

    from extractor.review.evaluate import extract_all, load_gold, report_table, score
    from extractor.review.records import read_records

    if not gold or not (inputs or results):
        raise typer.BadParameter("give --gold GOLD.jsonl and INPUT files (or --results FILE)")
    options = BackendOptions(backend, model, base_url, mode, model_path, cassette, record,
                             policy=policy)
    with guarded():
        labels, started = load_gold(gold), time.perf_counter()
        records, failures = (read_records(results), []) if results else extract_all(
            inputs or [], options, Settings.from_env(), max_bytes)
        report, seconds = score(labels, records), round(time.perf_counter() - started, 2)
    for failure in failures:
        err().print(f"error: {failure}", markup=False)
    if as_json:
        typer.echo(json.dumps({**report.as_dict(), "seconds": seconds}, indent=1))
    else:
        Console().print(report_table(report, seconds))
    raise typer.Exit(EXIT_ERROR if failures else EXIT_OK)


@app.command()
def calibrate(
    gold: Annotated[list[str], typer.Option(help="Hand labels, JSON Lines in the corpus format "
                                            "(repeatable).")],
    docs: Annotated[str, typer.Option(help="The folder holding the labelled files.")],
    out: Annotated[Path, typer.Option(help="Write the policy (modes and figures) here.")],
    backend: BackendOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    mode: ModeOpt = None,
    model_path: ModelPathOpt = None,
) -> None:
    """Measure how far to trust a backend, field by field, on labelled decisions; write the
    trust policy for --policy and print its table."""
    from extractor.review.calibrate import calibrate_to_file

    options = BackendOptions(backend, model, base_url, mode, model_path)
    with guarded():
        typer.echo(calibrate_to_file(options, Settings.from_env(), gold, docs, out,
                                     lambda line: err().print(line, markup=False)))


DbOpt = Annotated[str, typer.Option("--db", help="The SQLite run store.", envvar="EXTRACTOR_DB")]


@app.command()
def batch(
    inputs: Annotated[list[str] | None, typer.Argument(help="Files, folders (recursive), globs "
                                                       "or JSON Lines files of records.")]
    = None,
    db: DbOpt = "runs.sqlite",
    harvested: Annotated[bool, typer.Option("--harvested", help="Also the pages `harvest` "
                                            "stored that have no result for this backend, "
                                            "model, prompt and schema.")] = False,
    concurrency: Annotated[int, typer.Option(
        min=1, help="Model requests in flight (keep 1 with the embedded model: it answers one "
                    "at a time, and more workers compete with it for the cores).")] = 1,
    resume: Annotated[bool, typer.Option(help="Skip documents already done with the same text, "
                                         "backend, model, prompt and schema.")] = True,
    retry_failed: Annotated[bool, typer.Option(help="Re-run only the documents whose result "
                                               "failed.")] = False,
    jsonl: Annotated[str | None, typer.Option(help="Export the run's records (JSON Lines).")]
    = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Process at most N documents.")]
    = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    mode: ModeOpt = None,
    model_path: ModelPathOpt = None,
    max_bytes: MaxBytesOpt = DEFAULT_MAX_BYTES,
    policy: PolicyOpt = None,
) -> None:
    """Run many documents into a SQLite store (resumable); print a summary."""
    from extractor.runs.batch import BatchOptions, describe_backend, run_batch
    from extractor.runs.report import format_summary, make_progress

    if not inputs and not harvested:
        raise typer.BadParameter("give INPUT files or --harvested")
    backend_options = BackendOptions(backend, model, base_url, mode, model_path, policy=policy)
    options = BatchOptions(concurrency, resume, retry_failed, limit, max_bytes, jsonl, harvested,
                           recorded=describe_backend(backend_options))
    try:
        with guarded(), open_model_pass(backend_options, Settings.from_env()) as mp:
            summary = run_batch(inputs or [], db, mp, options, make_progress(err()))
    except KeyboardInterrupt:
        err().print("interrupted: finished documents are saved; run again to resume")
        raise typer.Exit(130) from None
    typer.echo(format_summary(summary))
    _model_stopped(mp, f"re-run them with: extractor batch --retry-failed --db {db}")
    raise typer.Exit(summary.exit_code)


@app.command()
def harvest(
    db: DbOpt = "runs.sqlite",
    since: Annotated[datetime | None, typer.Option(
        formats=["%Y-%m-%d"], help="First decision date (YYYY-MM-DD). Default: continue from "
        "the last complete night.")] = None,
    until: Annotated[datetime | None, typer.Option(
        formats=["%Y-%m-%d"], help="Last decision date (YYYY-MM-DD). Default: today.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Fetch at most N decision pages; "
                                              "the next run resumes the night.")] = None,
    recheck: Annotated[bool, typer.Option("--recheck", help="Also revalidate the stored pages "
                                          "the listing shows (conditional requests), to see "
                                          "changes their listing card does not show.")] = False,
    site: Annotated[str | None, typer.Option(help="The website (default "
                                             "https://www.lgo.org.uk).",
                                             envvar="EXTRACTOR_SITE")] = None,
    contact: Annotated[str | None, typer.Option(help="An e-mail or URL sent in the User-Agent.",
                                                envvar="EXTRACTOR_CONTACT")] = None,
) -> None:
    """Fetch new decision pages from the Ombudsman's website into the store (polite,
    resumable); print a summary. Then `extractor batch --db DB --harvested` extracts the
    stored pages that have no result yet (scripts/nightly runs both, from cron)."""
    from extractor.harvest.fetch import Politeness  # aiohttp loads only for a harvest
    from extractor.harvest.run import HarvestOptions
    from extractor.harvest.run import harvest as run_harvest
    from extractor.runs.report import format_harvest, make_harvest_progress

    settings = Settings.from_env()
    settings = replace(settings, site=site or settings.site, contact=contact or settings.contact)
    options = HarvestOptions.from_settings(settings, since and since.date(),
                                           until and until.date(), limit, recheck)
    if not settings.contact:
        err().print("note: set EXTRACTOR_CONTACT (an e-mail or URL) so the site can reach you")
    try:
        with guarded():
            summary = run_harvest(db, options, Politeness.from_settings(settings),
                                  make_harvest_progress(err()))
    except KeyboardInterrupt:
        err().print("interrupted: stored pages are kept; run again to resume the night")
        raise typer.Exit(130) from None
    typer.echo(format_harvest(summary))
    raise typer.Exit(summary.exit_code)


runs_app = typer.Typer(help="Read back what batch runs did.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")


@runs_app.command("list")
def runs_list(db: DbOpt = "runs.sqlite") -> None:
    """List the runs in the store, newest first."""
    from extractor.runs.report import format_runs
    from extractor.store.store import Store

    with guarded(), Store.existing(db) as store:
        typer.echo(format_runs(store.runs()))


@runs_app.command("show")
def runs_show(run_id: Annotated[int, typer.Argument(help="The run id.")],
              db: DbOpt = "runs.sqlite") -> None:
    """Show one run: options, totals, top rules and failed documents."""
    from extractor.runs.report import format_run
    from extractor.store.store import Store

    with guarded(), Store.existing(db) as store:
        run = store.run(run_id)
        typer.echo(format_run(run, store.top_rules(run_id), store.failures(run_id)))


@runs_app.command("report")
def runs_report(run_id: Annotated[int, typer.Argument(help="The run id.")],
                html: Annotated[Path, typer.Option(help="Write the report page (one offline "
                                                   "HTML file) here.")],
                db: DbOpt = "runs.sqlite",
                top: Annotated[int, typer.Option(min=1, help="Bodies shown in the upheld-rate "
                                                 "chart.")] = DEFAULT_TOP) -> None:
    """Write one offline page of charts, with their numbers, about what a run found."""
    from extractor.runs.runreport import write_report
    from extractor.store.store import Store

    with guarded(), Store.existing(db) as store:
        size = write_report(store, run_id, html, top)
    err().print(f"wrote {html} ({size:,} bytes)", markup=False)


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


@app.command("export")
def export_(
    out: Annotated[Path, typer.Option(help="Folder to write the tables and dictionary into.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="File format (parquet needs "
                                              "the parquet extra).")] = ExportFormat.csv,
    db: DbOpt = "runs.sqlite",
    run: Annotated[int | None, typer.Option(help="Only the decisions this run wrote.")] = None,
) -> None:
    """Export the tidy tables (decisions, reasons, payments, ...) with a data dictionary."""
    from extractor.store.export import export as export_tables
    from extractor.store.store import Store

    with guarded(), Store.existing(db) as store:
        if run is not None:
            store.run(run)  # an unknown run is an error, not an empty export
        counts = export_tables(store.conn, out, fmt.value, run)
    err().print(f"wrote {counts['decisions']:,} decisions to {out} (" + ", ".join(
        f"{table} {n:,}" for table, n in counts.items() if table != "decisions") + ")",
        markup=False)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the output record."""
    from extractor.review.records import schema_json

    typer.echo(schema_json())


def main() -> None:
    app()


if __name__ == "__main__":
    main()
