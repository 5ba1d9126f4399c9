"""Bulk runs: many documents into the SQLite run store, resumable, with bounded concurrency.

Threads: the caller's thread reads inputs and runs the deterministic pass of each document; a
pool of ``concurrency`` workers runs the model pass (so one document's deterministic pass never
waits on another's model call), ``GROUP_WINDOW`` documents at a time ordered by the kinds of
question they ask (consecutive prompts of one kind share their start, which the embedded
server evaluates once); one writer thread owns the store connection and commits each
finished document in its own transaction. Every failure of one document becomes a ``failed``
result with its reason, and the run goes on.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from extractor.errors import InputError
from extractor.facts.extract import Context
from extractor.model.backends import BackendOptions
from extractor.model.policy import RULES
from extractor.model.prices import PRICES_DATED, cost_usd
from extractor.models import SCHEMA_VERSION, Decision
from extractor.pipeline import deterministic_pass, model_stage, question_kinds, stamp_backend
from extractor.read.inputs import Item, count, expand, iter_items
from extractor.read.load import DEFAULT_MAX_BYTES
from extractor.runs.results import failed_row, finished_row, reason
from extractor.settings import shown_url
from extractor.store.store import ResultRow, RunConfig, Store, StoreError

if TYPE_CHECKING:  # openai and instructor load only when a model is used
    from extractor.model.llm import ModelPass

WRITE_QUEUE_SIZE = 512      # finished documents waiting for the writer (bounds memory)
NAMED_FAILURES = 5          # failed documents the summary names with their reasons
PREFETCH_PER_WORKER = 2     # documents prepared per model worker before the reader waits
# Documents whose model passes are reordered so that questions of one kind follow each other:
# their prompts share a start, which the embedded server does not evaluate again.
GROUP_WINDOW = 16


@dataclass(frozen=True)
class BatchOptions:
    concurrency: int = 1
    resume: bool = True
    retry_failed: bool = False
    limit: int | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    jsonl: str | None = None
    harvested: bool = False     # also the harvested pages with no result for this configuration
    recorded: dict[str, Any] = field(default_factory=dict)  # more options to keep with the run


@dataclass
class RunSummary:
    """What a run did; updated by the writer thread as results are committed."""

    run_id: int = 0
    total: int = 0
    skipped: int = 0
    skipped_failed: int = 0     # of those, documents whose stored result is a failure
    ok: int = 0
    issues: int = 0
    failed: int = 0
    with_errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)  # the first few (source, why)
    server_restarts: int = 0   # of the embedded model server (model/watch.py)
    breaker_opened: int = 0    # times a failing model server was left alone for a while
    model_stopped: str | None = None  # why the model was not asked for the rest of the run
    rules_only: int = 0        # documents that got the rules' values only for that reason
    status: str = "running"
    started: float = field(default_factory=time.perf_counter)
    seconds: float | None = None
    harvested: bool = False     # the run also took the harvested pages without a result
    limit: int | None = None    # --limit: at most this many documents are run
    backend: str = "none"       # with the model, what the tokens cost (model/prices.py)
    model: str | None = None

    @property
    def cost_usd(self) -> float | None:
        return cost_usd(self.backend, self.model, self.prompt_tokens, self.completion_tokens)

    @property
    def processed(self) -> int:
        return self.ok + self.issues + self.failed

    @property
    def elapsed(self) -> float:
        return self.seconds if self.seconds is not None else time.perf_counter() - self.started

    @property
    def rate(self) -> float:
        return self.processed / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def exit_code(self) -> int:
        """3 when a document failed or carries an error-severity issue, else 0."""
        return 3 if self.failed or self.with_errors else 0

    def add(self, row: ResultRow) -> None:
        setattr(self, row.status, getattr(self, row.status) + 1)
        if row.status == "failed" and len(self.failures) < NAMED_FAILURES:
            self.failures.append((row.source, row.error or "no reason recorded"))
        self.with_errors += any(issue[1] == "error" for issue in row.issues)
        self.rules.update({issue[0] for issue in row.issues})
        self.prompt_tokens += row.prompt_tokens
        self.completion_tokens += row.completion_tokens

    def totals(self) -> dict[str, Any]:
        fields = ("total", "skipped", "skipped_failed", "ok", "issues", "failed", "with_errors",
                  "prompt_tokens", "completion_tokens", "server_restarts", "breaker_opened",
                  "model_stopped", "rules_only")
        return {**{name: getattr(self, name) for name in fields}, "seconds": round(
            self.elapsed, 3), "rate": round(self.rate, 2), "top_rules": self.rules.most_common(5),
            "cost_usd": self.cost_usd, "prices_dated": PRICES_DATED}


class Progress(Protocol):
    def start(self, summary: RunSummary) -> None: ...
    def update(self, summary: RunSummary) -> None: ...
    def stop(self, summary: RunSummary) -> None: ...


def describe_backend(options: BackendOptions) -> dict[str, Any]:
    """The backend options as stored with a run (credentials in the base URL dropped)."""
    described = {k: v for k, v in asdict(options).items() if v not in (None, False)}
    if options.base_url:
        described["base_url"] = shown_url(options.base_url)
    return described


def run_config(model_pass: ModelPass | None) -> RunConfig:
    if model_pass is None:
        return RunConfig("none", None, None, SCHEMA_VERSION)
    prompt = model_pass.prompt_sha  # a policy other than rules changes the results: keyed too
    if getattr(model_pass, "policy", RULES).sha != RULES.sha:
        prompt = f"{prompt}+policy:{model_pass.policy.sha}"
    return RunConfig(model_pass.name, model_pass.model, prompt, SCHEMA_VERSION)


def _harvested_pages(store: Store, sha: str, options: BatchOptions) -> tuple[int, Iterator[Item]]:
    """The stored harvested pages to run (``--harvested``); the harvest's HTTP client is
    imported only then."""
    from extractor.harvest.harvest_store import harvested_items

    return harvested_items(store, sha, options.retry_failed)


def run_batch(inputs: Iterable[str], db_path: str, model_pass: ModelPass | None = None,
              options: BatchOptions | None = None, progress: Progress | None = None
              ) -> RunSummary:
    """Run every document of ``inputs`` into the store at ``db_path``; the run's summary."""
    options = options or BatchOptions()
    inputs = list(inputs)
    paths = [p for p in expand(inputs) if not _same_file(p, options.jsonl)]
    _check_writable(options.jsonl)  # fail now, not after a night of work
    with Store(db_path) as store:
        config = run_config(model_pass)
        recorded = {k: v for k, v in asdict(options).items() if k != "recorded"}
        run_id = store.start_run(config, {"inputs": inputs, **recorded, **options.recorded})
        harvested, pages = _harvested_pages(store, config.sha, options) \
            if options.harvested else (0, iter(()))
        summary = RunSummary(run_id=run_id, total=count(paths) + harvested,
                             harvested=options.harvested, limit=options.limit,
                             backend=config.backend, model=config.model)
        runner = Runner(store, config, model_pass, options, summary, progress)
        runner.run(chain(iter_items(paths, options.max_bytes), pages))
        if options.jsonl is not None:
            with Path(options.jsonl).open("w", encoding="utf-8") as out:
                for record in store.records(run_id, runner.writer.skipped_ids):
                    out.write(record + "\n")
    return summary


def _same_file(path: str, other: str | None) -> bool:
    """Whether ``path`` is ``other`` (the export file, which must not be read as input)."""
    return other is not None and os.path.abspath(path) == os.path.abspath(other)


def _check_writable(path: str | None) -> None:
    try:
        if path is not None:
            Path(path).open("a", encoding="utf-8").close()
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None


class Writer(threading.Thread):
    """Owns its own store connection; commits each finished document in one transaction."""

    def __init__(self, db_path: str, run_id: int, config: RunConfig, summary: RunSummary,
                 progress: Progress | None):
        super().__init__(name="extractor-writer", daemon=True)
        self.db_path, self.run_id, self.config_sha = db_path, run_id, config.sha
        self.summary, self.progress = summary, progress
        self.queue: queue.Queue[ResultRow | int | None] = queue.Queue(WRITE_QUEUE_SIZE)
        self.skipped_ids: list[int] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        store = None
        try:
            store = Store(self.db_path)
        except BaseException as exc:  # noqa: BLE001 - reported by the reader thread
            self.error = exc
        while (message := self.queue.get()) is not None:
            if store is not None and self.error is None:  # else drain: no producer may block
                self._handle(store, message)
        if store is not None:
            store.close()

    def _handle(self, store: Store, message: ResultRow | int) -> None:
        try:
            if isinstance(message, ResultRow):
                store.write(self.run_id, self.config_sha, message)
                self.summary.add(message)
            else:
                self.summary.skipped += 1
                if message > 0:
                    self.skipped_ids.append(message)
            if self.progress is not None:
                self.progress.update(self.summary)
        except BaseException as exc:  # noqa: BLE001 - reported by the reader thread
            self.error = exc

    def close(self) -> None:
        self.queue.put(None)
        self.join()


@dataclass
class Prepared:
    """A document after its deterministic pass, waiting for the model pass."""

    item: Item
    record: Decision
    ctx: Context
    seconds: float
    kinds: tuple[str, ...] = ()   # the questions its model pass will ask, in order


def grouped(window: list[Prepared]) -> list[Prepared]:
    """The window in the order its model passes run: by the kinds of question they ask (a
    stable sort: input order within a kind)."""
    return sorted(window, key=lambda prep: prep.kinds)


class Runner:
    """One run: reads items, skips what is done, dispatches the rest, finishes the run row."""

    def __init__(self, store: Store, config: RunConfig, model_pass: ModelPass | None,
                 options: BatchOptions, summary: RunSummary, progress: Progress | None):
        self.store, self.config, self.model_pass = store, config, model_pass
        self.options, self.summary, self.progress = options, summary, progress
        self.writer = Writer(store.path, summary.run_id, config, summary, progress)
        self.slots = threading.Semaphore(PREFETCH_PER_WORKER * options.concurrency)
        self.dispatched = 0
        self.window: list[Prepared] = []  # prepared, not yet submitted (grouped())

    def run(self, items: Iterable[Item]) -> None:
        if self.progress is not None:
            self.progress.start(self.summary)
        self.writer.start()
        status = "interrupted"
        try:
            with ThreadPoolExecutor(self.options.concurrency, "extractor-model") as pool:
                self._feed(items, pool)
            status = "done"
        finally:
            self._end(status)

    def _feed(self, items: Iterable[Item], pool: ThreadPoolExecutor) -> None:
        try:
            for item in items:
                if self.writer.error is not None or self._limit_reached():
                    break
                if self._wanted(item):
                    self.dispatched += 1
                    self._dispatch(item, pool)
            self._submit(pool)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise

    def _end(self, status: str) -> None:
        self.writer.close()
        summary = self.summary
        summary.seconds = time.perf_counter() - summary.started
        summary.status = "failed" if self.writer.error is not None else status
        watch = getattr(self.model_pass, "watch", None)  # an LLMPass's; test doubles have none
        if watch is not None:
            summary.server_restarts, summary.breaker_opened = watch.restarts, \
                watch.breaker.opened
            summary.model_stopped, summary.rules_only = watch.given_up, watch.rules_only
        self.store.finish_run(summary.run_id, summary.status, summary.totals())
        if self.progress is not None:
            self.progress.stop(summary)
        if self.writer.error is not None:
            raise StoreError(f"{self.store.path}: cannot record results ({self.writer.error})")

    def _limit_reached(self) -> bool:
        return self.options.limit is not None and self.dispatched >= self.options.limit

    def _wanted(self, item: Item) -> bool:
        """Whether to run ``item``; a skipped one is counted (with its stored result)."""
        if not self.options.resume and not self.options.retry_failed:
            return True
        found = self.store.lookup(item.key, item.sha256, self.config.sha)
        if found is None and not self.options.retry_failed:
            return True
        if found is not None and self.options.retry_failed and found[1] == "failed":
            return True
        self.summary.skipped_failed += found is not None and found[1] == "failed"
        self.writer.queue.put(found[0] if found else 0)
        return False

    def _dispatch(self, item: Item, pool: ThreadPoolExecutor) -> None:
        if item.doc is None:
            self.writer.queue.put(failed_row(item, str(item.error)))
            return
        started = time.perf_counter()
        try:
            record, ctx = deterministic_pass(item.doc)
            kinds = () if self.model_pass is None else \
                question_kinds(record, ctx, self.model_pass)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
            self.writer.queue.put(failed_row(item, reason(exc)))
            return
        if self.model_pass is None:
            self.writer.queue.put(finished_row(item, record, started))
            return
        self.window.append(Prepared(item, record, ctx, time.perf_counter() - started, kinds))
        if len(self.window) >= GROUP_WINDOW:
            self._submit(pool)

    def _submit(self, pool: ThreadPoolExecutor) -> None:
        """Hand the window's documents to the model workers, grouped by question kind."""
        for prepared in grouped(self.window):
            self.slots.acquire()
            pool.submit(self._model_row, prepared).add_done_callback(self._model_done)
        self.window.clear()

    def _model_row(self, prep: Prepared) -> ResultRow:
        assert self.model_pass is not None and prep.item.doc is not None
        started = time.perf_counter() - prep.seconds
        facts = prep.record.model_copy(deep=True)
        try:
            record = model_stage(prep.record, prep.ctx, self.model_pass)
        except Exception as exc:  # noqa: BLE001 - recorded as failed with its reason
            stamp_backend(facts, self.model_pass)
            return finished_row(prep.item, facts, started, failure=exc)
        return finished_row(prep.item, record, started)

    def _model_done(self, future: Future[ResultRow]) -> None:
        try:
            if not future.cancelled():
                self.writer.queue.put(future.result())
        finally:
            self.slots.release()
