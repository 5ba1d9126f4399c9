"""Before / after, side by side in one run on one machine: the deterministic pass and start-up.

Unpacks ``--base REV`` (default ``main``) with ``git archive`` into a temporary folder, then
measures that tree and this working tree alternately (base, new, base, new, ...) so both see
the same load from the neighbours:

1. The deterministic pass (clean, segment, facts, rules: ``pipeline.run_one`` without a model)
   over every decision of the ``--docs`` folders, loaded once; after one unmeasured pass (the
   patterns that compile when first used are a per-process cost, not throughput),
   ``--repeats`` passes per round, in a fresh process per tree and round. Prints
   decisions/second (wall clock and CPU time of that process, medians of the passes) and
   checks that both trees produce the same records (``meta.seconds`` aside), naming the
   documents that differ. Also decisions/second from
   each decision's best time over all passes of all rounds: on a machine shared with other
   work, a pass's rate swings with the neighbours' bursts (the same tree ran at 370 and
   780/s minutes apart on 2 shared cores); a decision's best time is the one no neighbour
   disturbed, so their sum compares the two trees' own work.
2. Start-up: wall-clock seconds of ``python -m extractor --help`` and of ``python -m extractor
   extract --backend none`` on one decision, ``--startup-runs`` times each per tree. Bytecode
   is cached (a private ``PYTHONPYCACHEPREFIX`` per tree, one unmeasured warm-up run), as for
   an installed tool; medians and minimums are printed.

Usage (from the repository root):
    /work/main/.venv/bin/python bench/bench_speed.py --base main
    /work/main/.venv/bin/python bench/bench_speed.py --base HEAD~3 --rounds 5 --repeats 3
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_DOCS = [CORPUS / "dev", CORPUS / "train", CORPUS / "seeds"]
SUFFIXES = (".json", ".txt", ".html")

# Run in a fresh interpreter with one tree first on sys.path: argv = tree, repeats, files...
# Prints one JSON line: rates (wall clock, CPU time) per repeat and one digest per record.
PASS_PROBE = """
import hashlib, json, sys, time
sys.path.insert(0, sys.argv[1])
from extractor.pipeline import run_one
from extractor.read.load import load_path
docs = [d for p in sys.argv[3:] for d in load_path(p)]
for doc in docs:
    run_one(doc)  # warm-up: every pattern compiled (many compile when first used), caches
rates, cpu_rates, best = [], [], [float("inf")] * len(docs)
for _ in range(int(sys.argv[2])):
    wall, cpu = time.perf_counter(), time.process_time()
    records = []
    for i, doc in enumerate(docs):
        started = time.perf_counter()
        records.append(run_one(doc))
        best[i] = min(best[i], time.perf_counter() - started)
    rates.append(len(docs) / (time.perf_counter() - wall))
    cpu_rates.append(len(docs) / (time.process_time() - cpu))
digests = []
for doc, rec in zip(docs, records):
    data = rec.model_dump(mode="json")
    data["meta"].pop("seconds", None)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    digests.append([doc.source, hashlib.sha256(text.encode()).hexdigest()])
print(json.dumps({"rates": rates, "cpu_rates": cpu_rates, "best": best, "digests": digests}))
"""


def unpack(rev: str, into: Path) -> Path:
    """The tree of ``rev`` (the committed files only) in ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def corpus_files(folders: list[Path]) -> list[str]:
    return [str(p) for folder in folders for p in sorted(folder.iterdir())
            if p.suffix in SUFFIXES]


def environment(tree: Path, cache: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONPYCACHEPREFIX=str(cache))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_pass(tree: Path, env: dict[str, str], repeats: int, files: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-c", PASS_PROBE, str(tree), str(repeats), *files],
                          capture_output=True, text=True, env=env, cwd=tree, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the deterministic pass failed in {tree}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def time_command(args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds: user + system) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "extractor", *args], env=env, cwd=cwd,
                   capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def differing(base: list[list[str]], new: list[list[str]]) -> list[str]:
    if len(base) != len(new):
        return [f"{len(base)} records before, {len(new)} after"]
    return [b[0] for b, n in zip(base, new, strict=True) if b[1] != n[1]]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="main", help="The revision to compare with.")
    ap.add_argument("--docs", type=Path, nargs="+", default=DEFAULT_DOCS)
    ap.add_argument("--rounds", type=int, default=3, help="Alternating rounds per tree.")
    ap.add_argument("--repeats", type=int, default=3, help="Passes over the corpus per round.")
    ap.add_argument("--startup-runs", type=int, default=7)
    args = ap.parse_args()
    files = corpus_files(args.docs)
    one = next(f for f in files if f.endswith(".json"))
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as tmp:
        trees = {"base": unpack(args.base, Path(tmp) / "base"), "new": ROOT}
        envs = {name: environment(tree, Path(tmp) / f"pycache-{name}")
                for name, tree in trees.items()}
        rates: dict[str, list[float]] = {name: [] for name in trees}
        cpu: dict[str, list[float]] = {name: [] for name in trees}
        best: dict[str, list[float]] = {}
        digests: dict[str, list[list[str]]] = {}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                got = run_pass(tree, envs[name], args.repeats, files)
                rates[name] += got["rates"]
                cpu[name] += got["cpu_rates"]
                best[name] = [min(pair) for pair in zip(best.get(name, got["best"]),
                                                        got["best"], strict=True)]
                digests[name] = got["digests"]
        commands = {"--help": ["--help"], "extract 1 file": ["extract", "--backend", "none",
                                                              str(Path(one).resolve())]}
        seconds: dict[tuple[str, str], list[tuple[float, float]]] = {
            (name, c): [] for name in trees for c in commands}
        for name, tree in trees.items():  # warm-up: write the bytecode cache
            time_command(["--help"], envs[name], tree)
        for _ in range(args.startup_runs):
            for c, cmd in commands.items():
                for name, tree in trees.items():
                    seconds[name, c].append(time_command(cmd, envs[name], tree))
    print(f"{len(files)} decisions from {', '.join(str(d) for d in args.docs)}; "
          f"base {args.base} vs this tree, alternating, {os.cpu_count()} CPUs")
    print(f"{'':32}{'base':>12}{'new':>12}{'new/base':>10}")
    show = {"decisions/s (wall)": rates, "decisions/s (CPU)": cpu}
    for label, values in show.items():
        b, n = statistics.median(values["base"]), statistics.median(values["new"])
        print(f"{label:32}{b:12.1f}{n:12.1f}{n / b:10.2f}x")
    b, n = (len(best[name]) / sum(best[name]) for name in ("base", "new"))
    print(f"{'decisions/s (per-decision best)':32}{b:12.1f}{n:12.1f}{n / b:10.2f}x")
    for c in commands:
        for i, kind in enumerate(("wall", "CPU")):
            b = [s[i] for s in seconds["base", c]]
            n = [s[i] for s in seconds["new", c]]
            for how, f in (("median", statistics.median), ("min", min)):
                label = f"{c} s ({kind}, {how})"
                print(f"{label:32}{f(b):12.3f}{f(n):12.3f}{f(n) / f(b):10.2f}x")
    diff = differing(digests["base"], digests["new"])
    print(f"records identical: {len(files) - len(diff)} of {len(digests['new'])}" +
          ("" if not diff else "; differ: " + ", ".join(Path(d).name for d in diff[:20])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
