"""A model server that accepts the connection and never answers, with the DEFAULT settings:
how long ``extract`` takes on one decision, and ``batch`` on N, and whether every document was
recorded. (tests/test_watch.py checks the same with scaled-down settings.)

Usage (from the repository root; mostly waiting, little CPU):
    .venv/bin/python bench/bench_hung_server.py            # one decision, then a batch of 100
    .venv/bin/python bench/bench_hung_server.py --n 20
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from faultserver import FaultServer  # noqa: E402 (the tests' fault server)
from harness import DECISION, make_corpus  # noqa: E402

# Only what points the command at the server; every other setting keeps its default.
ENV = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
ENV.update(OPENAI_API_KEY="bench-key", EXTRACTOR_MODEL_SCOPE="all")


def timed(args: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "extractor", *args], capture_output=True,
                          text=True, env=ENV, check=False)
    return time.perf_counter() - started, done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100, help="decisions in the batch")
    args = ap.parse_args()
    with FaultServer(default="hang", hang_seconds=3600) as srv, \
            tempfile.TemporaryDirectory() as tmp:
        backend = ["--backend", "openai", "--base-url", srv.url, "--model", "m"]
        seconds, done = timed(["extract", *backend, str(DECISION)])
        print(f"extract, 1 decision: {seconds:.1f} s, exit {done.returncode}, "
              f"{done.stdout.count('extraction_failed')} questions failed, "
              f"{len(srv.completions('*'))} requests")
        make_corpus(Path(tmp) / "in", args.n)
        db = Path(tmp) / "runs.sqlite"
        before = len(srv.completions("*"))
        seconds, done = timed(["batch", *backend, "--db", str(db), str(Path(tmp) / "in")])
        with sqlite3.connect(db) as conn:
            counts = dict(conn.execute("SELECT status, count(*) FROM results GROUP BY status"))
        print(f"batch, {args.n} decisions: {seconds:.1f} s, exit {done.returncode}, results "
              f"{counts}, {len(srv.completions('*')) - before} requests")
        print(done.stdout.strip())


if __name__ == "__main__":
    main()
