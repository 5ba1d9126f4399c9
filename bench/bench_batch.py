"""Benchmark of ``extractor batch``: throughput, peak memory, and tool overhead over the model.

1. ``--backend none`` over N decisions (default 10,000): the dev corpus repeated with distinct
   ids, written to a temporary folder (never committed). Runs the real command in a subprocess;
   prints decisions/second, peak RSS (``wait4`` rusage of that process) and the number of
   results in the store. A run over N/10 first shows whether memory stays flat.
2. ``--model N``: the embedded llama.cpp server at concurrency 1, 2 and 4 over N dev decisions.
   The tool talks to the server through a recording loopback proxy; the same request bodies are
   then sent straight to the server, one after another, and the tool's overhead is
   ``(batch seconds - direct seconds) / direct seconds`` at concurrency 1 (also shown against
   the server time the proxy measured during the run, which is immune to load drift). When the
   project's model pass cannot be opened, a probe pass (one plain completion per document)
   measures the batch machinery alone, and says so. Skipped when llama-cpp-python is missing.

Usage (from the repository root):
    /work/devvenv/bin/python bench/bench_batch.py                  # part 1
    .venv/bin/python bench/bench_batch.py --docs 0 --model 8       # part 2 only
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from extractor.errors import ConfigError, ExtractorError
from extractor.model.backends import BackendOptions, open_model_pass
from extractor.model.llm import Asked, ModelPass
from extractor.model.local_server import local_server
from extractor.models import Decision
from extractor.read.load import Document
from extractor.runs.batch import BatchOptions, RunSummary, run_batch
from extractor.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpus" / "dev"
RATE_REGEX = re.compile(r"(?P<rate>[\d.]+) decisions/second")


def write_corpus(folder: Path, n: int, dev: Path) -> Path:
    """``n`` records cycling through the dev corpus, each with a distinct id."""
    sources = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(dev.glob("*.json"))]
    path = folder / f"corpus-{n}.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            record = sources[i % len(sources)]
            fh.write(json.dumps({**record, "id": f"bench-{i:06d}"}) + "\n")
    return path


def run_measured(args: list[str], log: Path) -> tuple[float, float, int]:
    """Run a command; (wall seconds, peak RSS in MB of that process, exit code)."""
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, proc.returncode


def results_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM results").fetchone()[0])


def bench_none(folder: Path, n: int, dev: Path) -> None:
    """A run over n/10 then n decisions (flat memory?), then the n again (all resumed)."""
    for size, label in ((max(n // 10, 1), "fresh"), (n, "fresh"), (n, "resume")):
        corpus, db, log = write_corpus(folder, size, dev), folder / f"none-{size}.sqlite", \
            folder / f"none-{size}-{label}.log"
        seconds, rss, code = run_measured([sys.executable, "-m", "extractor", "batch",
                                           str(corpus), "--db", str(db), "--backend", "none"],
                                          log)
        match = RATE_REGEX.search(log.read_text())
        rate = float(match["rate"]) if match else float("nan")
        print(f"none  {label:6} docs={size:>6}  exit={code}  wall={seconds:6.1f}s  "
              f"rate={rate:7.1f} decisions/s (tool)  {size / seconds:7.1f} docs/s (wall, "
              f"with startup)  peak_rss={rss:6.1f} MB  results={results_in(db)}")


class Recorder(ThreadingHTTPServer):
    """A loopback proxy to the model server that logs each request body and its upstream time."""

    def __init__(self, upstream: str):
        super().__init__(("127.0.0.1", 0), ProxyHandler)
        self.upstream = upstream.rstrip("/")
        self.log: list[tuple[str, bytes, float]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class ProxyHandler(BaseHTTPRequestHandler):
    server: Recorder

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._forward(None)

    def do_POST(self) -> None:  # noqa: N802
        self._forward(self.rfile.read(int(self.headers.get("content-length", 0))))

    def _forward(self, body: bytes | None) -> None:
        path = self.path.removeprefix("/v1")
        started = time.perf_counter()
        code, payload = send(self.server.upstream + path, body)
        if body is not None:
            with self.server.lock:
                self.server.log.append((path, body, time.perf_counter() - started))
        try:
            self.send_response(code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (its timeout); it will retry

    def log_message(self, *args: object) -> None:
        pass


def send(url: str, body: bytes | None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers={
        "content-type": "application/json", "authorization": "Bearer bench"})
    try:
        with urllib.request.urlopen(request, timeout=600) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class ProbePass:
    """Stands in for the model pass while ``llm.py`` cannot be opened: one plain completion per
    document (no schema, no re-asks), so the batch machinery's own overhead is still measured."""

    name, prompt_sha = "probe", "probe-1"

    def __init__(self, base_url: str, model: str):
        self.base_url, self.model = base_url, model

    settings = Settings()

    def ask_all(self, facts: Decision, doc: Document, questions: list[object]) -> Asked:
        body = json.dumps({"model": self.model, "temperature": 0, "max_tokens": 48,
                           "messages": [{"role": "user", "content": "Summarise in one "
                                         f"sentence:\n{doc.text[:1500]}"}]}).encode()
        code, payload = send(self.base_url + "/chat/completions", body)
        if code != 200:
            raise ExtractorError(f"model server answered HTTP {code}")
        usage = json.loads(payload).get("usage") or {}
        asked = Asked()
        asked.meter.attempts = 1
        asked.meter.prompt_tokens = usage.get("prompt_tokens", 0)
        asked.meter.completion_tokens = usage.get("completion_tokens", 0)
        return asked


@contextmanager
def model_pass(url: str, model: str, mode: str) -> Iterator[ModelPass]:
    """The project's model pass for an OpenAI-compatible URL, else the probe (said so)."""
    with ExitStack() as stack:
        try:
            chosen: ModelPass = stack.enter_context(open_model_pass(
                BackendOptions("openai", model, url, mode), Settings.from_env()))
        except ConfigError as exc:
            print(f"model pass not available ({exc}): measuring the batch machinery with a "
                  "probe pass (one plain completion per document)")
            chosen = ProbePass(url, model)
        yield chosen


def warm_up(url: str, model: str) -> None:
    """One small request first, so the first measured one does not pay for loading the model."""
    send(url + "/chat/completions", json.dumps({
        "model": model, "max_tokens": 8, "messages": [{"role": "user", "content": "Hello"}]
    }).encode())


def bench_model(folder: Path, n: int, dev: Path, mode: str, levels: list[int]) -> None:
    os.environ.setdefault("OPENAI_API_KEY", "sk-bench-loopback")  # the local server ignores it
    corpus = write_corpus(folder, n, dev)
    try:
        with local_server(Settings.from_env()) as server:
            proxy = Recorder(server.base_url)
            threading.Thread(target=proxy.serve_forever, daemon=True).start()
            warm_up(server.base_url, server.model)
            with model_pass(proxy.url, server.model, mode) as mp:
                for concurrency in levels:
                    proxy.log.clear()
                    started = time.perf_counter()
                    summary = run_batch([str(corpus)], str(folder / f"m{concurrency}.sqlite"),
                                        mp, BatchOptions(concurrency=concurrency))
                    wall = time.perf_counter() - started
                    report_model(concurrency, n, wall, summary, proxy)
                    if concurrency == 1:
                        report_overhead(wall, proxy, server.base_url, server.model)
            proxy.shutdown()
    except ConfigError as exc:
        print(f"model part skipped: {exc}")


def report_model(concurrency: int, n: int, wall: float, summary: RunSummary,
                 proxy: Recorder) -> None:
    upstream_seconds = sum(seconds for _, _, seconds in proxy.log)
    print(f"local concurrency={concurrency}  docs={n}  requests={len(proxy.log)}  "
          f"wall={wall:6.1f}s  {n / wall:5.2f} decisions/s  failed={summary.failed}  "
          f"tokens={summary.prompt_tokens}+{summary.completion_tokens}  "
          f"server time={upstream_seconds:6.1f}s")


def report_overhead(wall: float, proxy: Recorder, upstream: str, model: str) -> None:
    """Tool time over model time: against the same requests sent straight to the server, and
    against the server time measured during the run."""
    bodies = list(proxy.log)
    served = sum(seconds for _, _, seconds in bodies)
    if not bodies:
        print("local direct: the run sent no model requests")
        return
    warm_up(upstream, model)  # a different prompt first: no reuse of the last cached prefix
    direct = replay(upstream, bodies)
    print(f"local direct: the same {len(bodies)} requests sent straight to the server took "
          f"{direct:6.1f}s -> tool overhead {(wall - direct) / direct:+.1%} of model time; "
          f"against the server time during the run: {(wall - served) / served:+.1%}")


def replay(upstream: str, bodies: list[tuple[str, bytes, float]]) -> float:
    """Seconds to send the logged requests straight to the server, one after another."""
    started = time.perf_counter()
    for path, body, _ in bodies:
        send(upstream + path, body)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000, help="decisions for --backend none "
                        "(0 skips this part)")
    parser.add_argument("--model", type=int, default=0, metavar="N",
                        help="also bench the embedded server over N decisions")
    parser.add_argument("--mode", default="tools", help="instructor mode for the local server")
    parser.add_argument("--levels", default="1,2,4", help="concurrency levels for --model")
    parser.add_argument("--dev", type=Path, default=DEV, help="the dev corpus folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        if args.docs:
            bench_none(Path(tmp), args.docs, args.dev)
        if args.model:
            levels = [int(level) for level in args.levels.split(",")]
            bench_model(Path(tmp), args.model, args.dev, args.mode, levels)


if __name__ == "__main__":
    main()
