"""Speed of the embedded model under two llama.cpp builds (portable against native, say).

Each ``--python`` is an interpreter whose environment has llama-cpp-python (built one way) and
this checkout's dependencies; the checkout's code is put first on its path. For each, the same
decisions go through ``extractor extract --backend local`` in one process (one server start),
``--rounds`` times, alternating the builds so a busy machine hurts both alike. Prints, per
build: its recorded compile flags, seconds per decision (the records' ``meta.seconds``, server
start excluded; median and mean) and tokens per decision.

Usage (from the repository root):
    .venv/bin/python bench/bench_build.py --python .venv/bin/python /tmp/native/bin/python \
        --docs ../shared/corpus/dev --limit 20
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FLAGS_OF = ("import sys; sys.path.insert(0, {root!r}); from extractor.model import llama_build; "
            "p = llama_build.ggml_config(); f = llama_build.build_flags(p.read_text()); "
            "print(' '.join(f'{{k}}={{f[k]}}' for k in ('GGML_NATIVE', 'GGML_AVX512', "
            "'GGML_AMX_INT8') if k in f))")


def flags(python: str) -> str:
    return subprocess.run([python, "-c", FLAGS_OF.format(root=str(ROOT))], capture_output=True,
                          text=True, check=True).stdout.strip()


def run(python: str, docs: list[Path]) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EXTRACTOR_BACKEND": "local"}
    done = subprocess.run([python, "-m", "extractor", "extract", *map(str, docs)],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode not in (0, 3):
        raise SystemExit(f"{python}: exit {done.returncode}: {done.stderr.strip()[-500:]}")
    metas = [json.loads(line)["meta"] for line in done.stdout.splitlines()
             if line.startswith("{")]
    if len(metas) != len(docs):
        raise SystemExit(f"{python}: {len(metas)} records for {len(docs)} decisions")
    return metas


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--python", nargs="+", required=True, help="interpreters, one per build")
    ap.add_argument("--docs", default=str(SHARED / "corpus" / "dev"))
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    docs = sorted(Path(args.docs).glob("*.json"))[: args.limit]
    metas: dict[str, list[dict]] = {p: [] for p in args.python}
    for _ in range(args.rounds):
        for python in args.python:
            metas[python] += run(python, docs)
    print(f"{len(docs)} decisions x {args.rounds} rounds, {os.cpu_count()} cores")
    print(f"{'build':<40} {'s/decision (median, mean)':>26} {'tokens/decision':>16}")
    for python, found in metas.items():
        seconds = [m["seconds"] for m in found]
        tokens = [sum((m.get("usage") or {}).values()) for m in found]
        print(f"{flags(python):<40} {statistics.median(seconds):>12.2f} "
              f"{statistics.mean(seconds):>12.2f} {statistics.mean(tokens):>16.1f}")
        print(f"  ({python})")


if __name__ == "__main__":
    sys.exit(main())
