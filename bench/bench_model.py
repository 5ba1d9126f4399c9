"""Benchmark of the model pass: ``none`` against ``local`` (or any backend) on the dev corpus.

Runs ``extractor extract`` once per backend over the labelled dev decisions (through the shared
scorer, ``../shared/tools/score.py``) and prints the score of every field side by side, with
seconds per decision, tokens per decision and what the model did (questions asked, answers
taken, answers refused, questions failed). A field where the model backend scores below
``none`` is marked ``WORSE``: the merge must never let that happen.

Usage (from the repository root; the local backend needs the ``local`` extra):
    .venv/bin/python bench/bench_model.py                      # none vs local, all 108
    .venv/bin/python bench/bench_model.py --limit 20           # the first 20 (CPU-friendly)
    .venv/bin/python bench/bench_model.py --scope all          # ask everything: how often the
                                                               # model agrees with the rules
    .venv/bin/python bench/bench_model.py --backends none openai --json out.json
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shlex
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
MODEL_RULES = ("model_disagrees", "model_unsupported", "extraction_failed")
LIST_FIELDS = ("reasons", "remedy_kinds", "referred_to")  # where the model may add a value


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_backend(scorer: ModuleType, extractor: str, backend: str, gold: list[dict[str, Any]],
                docs: str) -> dict[str, Any]:
    results, seconds = scorer.run_extractor(f"{shlex.quote(extractor)} extract --backend "
                                            f"{backend}", gold, docs)
    report = scorer.score(gold, results)
    report.update(seconds=seconds, activity=activity(results),
                  values={g["file"]: list_values(r) for g, r in
                          zip(gold, scorer.match(gold, results), strict=True)})
    return report


def list_values(record: dict[str, Any] | None) -> dict[str, list[str]]:
    """The codes of each list field of one record (empty when the record is missing)."""
    record = record or {}
    return {"reasons": sorted({r["code"] for r in record.get("reasons") or []}),
            "remedy_kinds": sorted(set(record.get("remedy_kinds") or [])),
            "referred_to": sorted(set(record.get("referred_to") or []))}


def changes(base: dict[str, Any], other: dict[str, Any], gold: list[dict[str, Any]]
            ) -> dict[str, dict[str, list[str]]]:
    """Per field, the values ``other`` added to or removed from ``base``, each marked right or
    wrong against the hand labels: what a model backend changed, and whether it should have."""
    out: dict[str, dict[str, list[str]]] = {}
    for field in LIST_FIELDS:
        rows = out.setdefault(field, {"added right": [], "added wrong": [],
                                      "removed right": [], "removed wrong": []})
        for g in gold:
            want = set(g.get(field) or [])
            mine = set(base["values"][g["file"]][field])
            theirs = set(other["values"][g["file"]][field])
            for code in sorted(theirs - mine):
                rows["added right" if code in want else "added wrong"].append(f"{code} {g['file']}")
            for code in sorted(mine - theirs):
                rows["removed wrong" if code in want else "removed right"].append(
                    f"{code} {g['file']}")
    return out


def print_changes(reports: dict[str, dict[str, Any]], gold: list[dict[str, Any]]) -> None:
    names = list(reports)
    for name in names[1:]:
        print(f"\n{name} against {names[0]}, list fields (against the hand labels):")
        for field, rows in changes(reports[names[0]], reports[name], gold).items():
            print(f"  {field:13} " + ", ".join(f"{k} {len(v)}" for k, v in rows.items()))
            for kind, values in rows.items():
                for value in values:
                    print(f"    {kind}: {value}")


def activity(records: list[dict[str, Any]]) -> dict[str, Any]:
    """What the model pass did over these records."""
    meta = [r.get("meta") or {} for r in records]
    usage = [m.get("usage") or {} for m in meta]
    issues = Counter(i["rule"] for r in records for i in r.get("issues", [])
                     if i["rule"] in MODEL_RULES)
    taken = sum(1 for r in records for x in r.get("reasons", []) + r.get("payments", [])
                if x.get("origin") == "model")
    return {"decisions": len(records),
            "asked": sum(1 for m in meta if m.get("attempts")),
            "attempts": sum(m.get("attempts", 0) for m in meta),
            "tokens": sum(u.get("prompt_tokens", 0) + u.get("completion_tokens", 0)
                          for u in usage),
            "model_values": taken, **{rule: issues[rule] for rule in MODEL_RULES}}


def score_of(field: dict[str, Any]) -> float | None:
    return field.get("accuracy", field.get("f1"))


def print_table(reports: dict[str, dict[str, Any]]) -> None:
    names = list(reports)
    base = names[0]
    print(f"{'field':18} " + " ".join(f"{n:>8}" for n in names) + f" {'n':>5}")
    for field, value in reports[base]["fields"].items():
        scores = [score_of(reports[n]["fields"][field]) for n in names]
        cells = " ".join(f"{'-' if s is None else f'{s:.3f}':>8}" for s in scores)
        worse = any(s is not None and scores[0] is not None and s < scores[0] - 1e-9
                    for s in scores[1:])
        print(f"{field:18} {cells} {value['n']:>5}" + ("  WORSE" if worse else ""))
    print()
    for name in names:
        a, secs = reports[name]["activity"], reports[name]["seconds"]
        n = max(a["decisions"], 1)
        per_asked = f"; {secs / a['asked']:.1f} s per decision asked" if a["asked"] else ""
        print(f"{name:8} {secs:7.1f} s, {secs / n:.3f} s/decision{per_asked}; "
              f"{a['tokens'] / n:.0f} tokens/decision ({a['tokens']} in all); asked "
              f"{a['asked']}/{a['decisions']} decisions, {a['attempts']} answers; model values "
              f"taken {a['model_values']}, disagreements {a['model_disagrees']}, refused "
              f"{a['model_unsupported']}, questions failed {a['extraction_failed']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backends", nargs="+", default=["none", "local"])
    ap.add_argument("--gold", default=str(SHARED / "corpus" / "dev-gold.jsonl"))
    ap.add_argument("--docs", default=str(SHARED / "corpus" / "dev"))
    ap.add_argument("--scorer", default=str(SHARED / "tools" / "score.py"))
    ap.add_argument("--extractor", default=str(Path(sys.executable).parent / "extractor"))
    ap.add_argument("--limit", type=int, default=None, help="only the first N decisions")
    ap.add_argument("--scope", choices=("gaps", "all"), default=None,
                    help="EXTRACTOR_MODEL_SCOPE for the model backends")
    ap.add_argument("--json", help="also write the reports here")
    args = ap.parse_args()
    if args.scope:
        os.environ["EXTRACTOR_MODEL_SCOPE"] = args.scope
    scorer = load_scorer(Path(args.scorer))
    gold = [json.loads(line) for line in open(args.gold, encoding="utf-8") if line.strip()]
    gold = gold[:args.limit] if args.limit else gold
    reports = {b: run_backend(scorer, args.extractor, b, gold, args.docs) for b in args.backends}
    print_table(reports)
    print_changes(reports, gold)
    if args.json:
        Path(args.json).write_text(json.dumps(reports, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
