"""Benchmark of the data-out side: batch throughput with the tidy tables, the run report and
the export, on the dev corpus and on N composed decisions (default 10,000).

The N decisions are composed by ``train.compose`` from the unseen phrase bank (the project's
own generator: varied bodies, categories, outcomes, reasons and payments; never committed),
written as one JSONL file of records with distinct ids. Each step runs the real command in a
subprocess and prints its wall time, CPU time (the machine is shared: CPU seconds show what
load did to the wall clock) and what it wrote.

Usage (from the repository root):
    .venv/bin/python bench/bench_report.py [--n 10000] [--dev ../shared/corpus/dev]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from extractor.models import Decision  # noqa: E402 (after the path insert above)
from train import phrases_unseen  # noqa: E402 (the project's composer, train/: not a dependency)
from train.compose import compose  # noqa: E402

DEV = ROOT.parent / "shared" / "corpus" / "dev"
RATE_REGEX = re.compile(r"(?P<rate>[\d.]+) decisions/second")


def compose_corpus(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"composed-{i:06d}", "text": compose(
                rng, phrases_unseen).text}, ensure_ascii=False) + "\n")


def run(args: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process, its stderr + stdout) of one command."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "extractor", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    output = proc.stdout.read() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        raise SystemExit(f"extractor {' '.join(args)} failed:\n{output}")
    return wall, usage.ru_utime + usage.ru_stime, output


def bench(label: str, inputs: str, folder: Path) -> None:
    db, html = folder / f"{label}.sqlite", folder / f"{label}-report.html"
    wall, cpu, out = run(["batch", inputs, "--db", str(db), "--backend", "none"])
    match = RATE_REGEX.search(out)
    print(f"{label:9} batch   wall {wall:6.1f}s  cpu {cpu:6.1f}s  "
          f"rate {float(match['rate']) if match else float('nan'):6.1f} decisions/s (tool)")
    wall, cpu, _ = run(["runs", "report", "1", "--db", str(db), "--html", str(html)])
    print(f"{label:9} report  wall {wall:6.1f}s  cpu {cpu:6.1f}s  "
          f"size {html.stat().st_size / 1024:7.1f} KiB  ({html})")
    for fmt in ("csv", "parquet"):
        out_dir = folder / f"{label}-{fmt}"
        wall, cpu, said = run(["export", "--db", str(db), "--out", str(out_dir), "--format",
                               fmt])
        size = sum(p.stat().st_size for p in out_dir.iterdir())
        print(f"{label:9} export  wall {wall:6.1f}s  cpu {cpu:6.1f}s  {fmt:7} "
              f"{size / 1024:7.1f} KiB  {said.strip()}")


def write_cost(corpus: Path, n: int = 3000, rounds: int = 3) -> None:
    """CPU microseconds per ``Store.write`` with and without the tidy tables (in this process,
    alternating, so that load on a shared machine hits both alike)."""
    from extractor.runs.batch import BatchOptions, run_batch
    from extractor.store import tidy
    from extractor.store.store import ResultRow, RunConfig, Store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "source.sqlite"
        run_batch([str(corpus)], str(db), options=BatchOptions(limit=n))
        with Store(str(db)) as source:
            records = [r for (r,) in source.conn.execute(
                "SELECT record FROM results WHERE record IS NOT NULL LIMIT ?", (n,))]
        refresh, costs = tidy.refresh, {"with tidy tables": [], "without": []}
        for r in range(rounds):
            for label, values in costs.items():
                tidy.refresh = refresh if label != "without" else (lambda *_: None)
                values.append(_time_writes(Path(tmp) / f"{r}-{len(label)}.sqlite",
                                                 records, ResultRow, RunConfig, Store))
        tidy.refresh = refresh
    for label, values in costs.items():
        print(f"store write {label:16} {min(values):6.0f} µs CPU per document (best of "
              f"{rounds} x {len(records)})")


def _time_writes(db: Path, records: list[str], row: type, config: type, store: type) -> float:
    cfg = config("none", None, None, "1.0")
    with store(str(db)) as target:
        run_id = target.start_run(cfg, {})
        rows = [row(doc_key=f"id:{i}", sha256=str(i), source="bench", status="ok", record=rec,
                    decision=Decision.model_validate_json(rec))  # as the batch hands them over
                for i, rec in enumerate(records)]
        started = time.process_time()
        for item in rows:
            target.write(run_id, cfg.sha, item)
        return (time.process_time() - started) / len(rows) * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=2031)
    ap.add_argument("--dev", type=Path, default=DEV)
    ap.add_argument("--keep", type=Path, help="write here instead of a temporary folder")
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if args.dev.is_dir():
            bench("dev", str(args.dev), folder)
        corpus = folder / f"composed-{args.n}.jsonl"
        started = time.perf_counter()
        compose_corpus(corpus, args.n, args.seed)
        print(f"composed {args.n} decisions in {time.perf_counter() - started:.1f}s")
        bench(f"n={args.n}", str(corpus), folder)
        write_cost(corpus)


if __name__ == "__main__":
    main()
