"""Before / after, side by side in one run: the model pass of ``--backend local``.

Unpacks ``--base REV`` and ``--new REV`` (default HEAD) with ``git archive`` (as
``bench_speed.py`` does) and runs ``extractor extract --backend local`` from both trees over the
same decisions, in chunks, alternating which tree goes first, so both see the same load from the
neighbours. Each run starts its own embedded server (the start is not counted: a decision's
seconds are its record's ``meta.seconds``). Prints, per tree:

- seconds per decision: the run's wall clock (without the server's start) over its decisions,
  and the mean and median of ``meta.seconds`` (the first decision of each run pays the
  server's first long prompt and is counted like the others; under ``batch --concurrency 2``
  a decision's seconds include its wait for the one server);
- tokens per decision from the records (``meta.usage``: prompt + completion) and the prompt
  tokens the server really evaluated (its log's "remaining N prompt tokens to eval", after the
  prefix it reused from the previous request), questions per decision;
- the score of every field against the hand labels of the gold files given (``--gold``),
  marking a field where this tree is below the base ``WORSE``;
- how many records differ in a scored field.

Usage (from the repository root; about 2 x 10 minutes for dev + train + seeds on 2 cores):
    .venv/bin/python bench/bench_model_speed.py --base main
    .venv/bin/python bench/bench_model_speed.py --base HEAD~2 --limit 30 --chunk 10
    # one tree against itself: batch --concurrency 1 against 2, 2 threads against 1
    .venv/bin/python bench/bench_model_speed.py --base HEAD --via batch --new-concurrency 2
    .venv/bin/python bench/bench_model_speed.py --base HEAD --new-env EXTRACTOR_LOCAL_THREADS=1
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_model import load_scorer
from bench_speed import ROOT, corpus_files, unpack

CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_DOCS = [CORPUS / "dev", CORPUS / "train", CORPUS / "seeds"]
DEFAULT_GOLD = [CORPUS / "dev-gold.jsonl", CORPUS / "train-gold.jsonl"]
SCORER = ROOT.parent / "shared" / "tools" / "score.py"
# llama-cpp-python's log line for a prompt that shares its start with the previous one.
PREFIX_HIT = re.compile(r"Llama\.generate: (\d+) prefix-match hit, remaining (\d+) prompt tokens")
PROMPT_TOKENS = re.compile(r"prompt eval time = .*?/\s*(\d+) tokens")


def run_chunk(tree: Path, files: list[str], logs: Path, via: str = "extract",
              concurrency: int = 1, extra_env: dict[str, str] | None = None
              ) -> tuple[list[dict[str, Any]], str, float]:
    """Records of one ``extract`` (or ``batch``) run with ``--backend local`` over ``files``
    from ``tree``, the server's log, and the run's seconds without the server's start (batch:
    the run row's; extract: the sum of the records', it runs one at a time)."""
    logs.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(tree), "EXTRACTOR_SERVER_LOG_DIR": str(logs),
           **(extra_env or {})}
    out = logs / "records.jsonl"
    command = ["extract"] if via == "extract" else [
        "batch", "--db", str(logs / "run.sqlite"), "--jsonl", str(out),
        "--concurrency", str(concurrency)]
    proc = subprocess.run([sys.executable, "-m", "extractor.cli", *command, "--backend",
                           "local", *files], capture_output=True, text=True, env=env,
                          cwd=tree, check=False)
    if proc.returncode not in (0, 3):
        raise SystemExit(f"{tree}: {via} exited {proc.returncode}: {proc.stderr[-2000:]}")
    lines = proc.stdout if via == "extract" else out.read_text(encoding="utf-8")
    records = [json.loads(line) for line in lines.splitlines() if line.startswith("{")]
    log = "\n".join(p.read_text(errors="replace") for p in sorted(logs.glob("*.log")))
    if via == "extract":
        return records, log, sum(r["meta"]["seconds"] for r in records)
    with sqlite3.connect(logs / "run.sqlite") as db:
        (totals,), = db.execute("SELECT totals FROM runs").fetchall()
    return records, log, float(json.loads(totals)["seconds"])


def evaluated_tokens(log: str) -> int:
    """Prompt tokens the server evaluated (after reused prefixes), self-test excluded."""
    hits = [int(m.group(2)) for m in PREFIX_HIT.finditer(log)]
    return sum(hits)


def summary(records: list[dict[str, Any]], evaluated: int, run_seconds: float
            ) -> dict[str, float]:
    seconds = [r["meta"]["seconds"] for r in records]
    usage = [r["meta"].get("usage") or {} for r in records]
    n = len(records)
    return {"decisions": n,
            "run s/decision (wall)": run_seconds / n,
            "s/decision (mean)": statistics.mean(seconds),
            "s/decision (median)": statistics.median(seconds),
            "tokens/decision": sum(u.get("prompt_tokens", 0) + u.get("completion_tokens", 0)
                                   for u in usage) / n,
            "prompt tokens/decision": sum(u.get("prompt_tokens", 0) for u in usage) / n,
            "evaluated prompt tokens/decision": evaluated / n,
            "completion tokens/decision": sum(u.get("completion_tokens", 0) for u in usage) / n,
            "questions/decision": sum(r["meta"].get("questions", 0) for r in records) / n}


def field_scores(report: dict[str, Any]) -> dict[str, float]:
    out = {}
    for name, value in report["fields"].items():
        score = value.get("f1", value.get("accuracy"))
        if score is not None:
            out[name] = score
    return out


def print_scores(scorer: Any, gold_files: list[Path], results: dict[str, list[dict[str, Any]]]
                 ) -> None:
    for gold_file in gold_files:
        ran = {Path(r["meta"]["source"]).stem for r in results["new"]}
        gold = [g for line in gold_file.read_text().splitlines() if line.strip()
                for g in [json.loads(line)] if Path(g["file"]).stem in ran]
        if not gold:
            continue
        names = {Path(g["file"]).stem for g in gold}
        scored = {}
        for tree, records in results.items():
            mine = [r for r in records if Path(r["meta"]["source"]).stem in names]
            scored[tree] = field_scores(scorer.score(gold, mine))
        print(f"\n{gold_file.name} ({len(gold)} decisions)")
        print(f"{'field':24}{'base':>8}{'new':>8}")
        for name in scored["base"]:
            base, new = scored["base"][name], scored["new"][name]
            mark = "  WORSE" if new < base else ("  better" if new > base else "")
            print(f"{name:24}{base:8.3f}{new:8.3f}{mark}")


def judged(record: dict[str, Any]) -> str:
    keep = ("outcome", "investigated", "fault_found", "reasons", "referred_to", "remedy_kinds",
            "payments")
    return json.dumps({k: record.get(k) for k in keep}, sort_keys=True, default=str)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="main", help="git revision to compare with (default main)")
    ap.add_argument("--new", default="HEAD", help="git revision measured against it (default "
                    "HEAD: committed files, so edits during the run do not leak in)")
    ap.add_argument("--docs", nargs="+", type=Path, default=DEFAULT_DOCS)
    ap.add_argument("--gold", nargs="*", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--chunk", type=int, default=24, help="decisions per extract run")
    ap.add_argument("--limit", type=int, default=None, help="only the first N decisions")
    ap.add_argument("--via", choices=("extract", "batch"), default="extract",
                    help="the command each run is (batch: grouped model passes, a store)")
    ap.add_argument("--concurrency", type=int, default=1, help="batch --concurrency")
    ap.add_argument("--new-concurrency", type=int, default=None,
                    help="batch --concurrency of the new tree's runs (default: --concurrency)")
    ap.add_argument("--new-env", nargs="*", default=[], metavar="NAME=VALUE",
                    help="settings for the new tree's runs only (e.g. EXTRACTOR_LOCAL_THREADS=1)")
    args = ap.parse_args()
    new_env = dict(item.split("=", 1) for item in args.new_env)
    concurrency = {"base": args.concurrency, "new": args.new_concurrency or args.concurrency}
    files = corpus_files(args.docs)[:args.limit]
    scorer = load_scorer(SCORER)
    with tempfile.TemporaryDirectory(prefix="bench-model-speed-") as tmp:
        trees = {"base": unpack(args.base, Path(tmp) / "base"),
                 "new": unpack(args.new, Path(tmp) / "new")}
        results: dict[str, list[dict[str, Any]]] = {"base": [], "new": []}
        evaluated = {"base": 0, "new": 0}
        run_seconds = {"base": 0.0, "new": 0.0}
        chunks = [files[i:i + args.chunk] for i in range(0, len(files), args.chunk)]
        for n, chunk in enumerate(chunks):
            order = ("base", "new") if n % 2 == 0 else ("new", "base")
            for tree in order:
                records, log, seconds = run_chunk(trees[tree], chunk,
                                                  Path(tmp) / f"logs-{tree}-{n}", args.via,
                                                  concurrency[tree],
                                                  new_env if tree == "new" else None)
                run_seconds[tree] += seconds
                results[tree] += records
                evaluated[tree] += evaluated_tokens(log)
            print(f"chunk {n + 1}/{len(chunks)} done", file=sys.stderr, flush=True)
        print(f"{len(files)} decisions from {', '.join(str(d) for d in args.docs)}; base "
              f"{args.base} vs {args.new} {' '.join(args.new_env)}, {args.via} (concurrency "
              f"{concurrency['base']} vs {concurrency['new']}) in "
              f"chunks of {args.chunk}, alternating, "
              f"{os.cpu_count()} CPUs")
        sums = {tree: summary(results[tree], evaluated[tree], run_seconds[tree])
                for tree in results}
        print(f"{'':36}{'base':>10}{'new':>10}{'new/base':>10}")
        for key in sums["base"]:
            base, new = sums["base"][key], sums["new"][key]
            ratio = f"{new / base:9.2f}x" if base else ""
            print(f"{key:36}{base:10.2f}{new:10.2f}{ratio}")
        by_source = {tree: {Path(r["meta"]["source"]).name: judged(r) for r in results[tree]}
                     for tree in results}
        differ = sorted(k for k in by_source["base"] if by_source["new"].get(k) !=
                        by_source["base"][k])
        print(f"records differing in a judged field: {len(differ)} of {len(files)}"
              + (f" ({', '.join(differ[:10])})" if differ else ""))
        print_scores(scorer, args.gold, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
