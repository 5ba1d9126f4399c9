"""Benchmark of the deterministic pass (load + clean + segment + facts + rules) on one core.

Loads every dev decision once (the file read is not what is measured), then runs
``pipeline.run_one`` with no model pass (clean, segment, facts, rules) over all of them,
several times, and prints decisions/second per repeat. A second line per repeat includes
loading from disk as well. Target (issue 2): at least 200 decisions/second.

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
TARGET = 200.0


def load_all(paths: list[Path]) -> list:
    return [doc for path in paths for doc in load_path(str(path))]


def one_repeat(paths: list[Path], docs: list) -> tuple[float, float]:
    """(decisions/second without loading, with loading) for one pass over the corpus."""
    started = time.perf_counter()
    for doc in docs:
        run_one(doc)
    rate = len(docs) / (time.perf_counter() - started)
    started = time.perf_counter()
    for doc in load_all(paths):
        run_one(doc)
    return rate, len(docs) / (time.perf_counter() - started)


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
    rates = []
    for i in range(1, args.repeats + 1):
        rate, with_load = one_repeat(paths, docs)
        rates.append(rate)
        print(f"repeat {i}: {rate:8.1f} decisions/second (clean+segment+facts+rules), "
              f"{with_load:8.1f} with loading, {len(docs)} decisions")
    median = statistics.median(rates)
    verdict = "ok" if median >= TARGET else "BELOW TARGET"
    print(f"median {median:.1f} decisions/second (target {TARGET:.0f}): {verdict}")
    return 0 if median >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
