"""Score one part of the labelled corpus with ../shared/tools/score.py: P / R / F1 per field.

The parts: ``holdout`` (the third of train listed in train/holdout-24.txt, set aside unread for
issue 24's overfitting check), ``rest`` (the other two thirds of train), ``train`` (all of it) and
``dev``. The part's gold lines go to a temporary file; score.py runs the extractor once on them.

Usage (from the repository root):
    PYTHONPATH=$PWD python bench/score_split.py --split holdout [--backend none] [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SCORE = ROOT.parent / "shared" / "tools" / "score.py"
HOLDOUT = ROOT / "train" / "holdout-24.txt"
SPLITS = ("holdout", "rest", "train", "dev")


def held_out() -> set[str]:
    lines = HOLDOUT.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def gold_lines(split: str) -> tuple[list[str], Path]:
    """The gold lines of one part, and the folder holding its records."""
    name = "dev" if split == "dev" else "train"
    gold = (CORPUS / f"{name}-gold.jsonl").read_text(encoding="utf-8")
    lines = [line for line in gold.splitlines() if line.strip()]
    if split in ("holdout", "rest"):
        keep = held_out()
        lines = [line for line in lines
                 if (json.loads(line)["file"] in keep) == (split == "holdout")]
    return lines, CORPUS / name


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=SPLITS, required=True)
    ap.add_argument("--backend", default="none")
    ap.add_argument("--json", action="store_true", help="print score.py's JSON report")
    args = ap.parse_args()
    lines, docs = gold_lines(args.split)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as gold:
        gold.write("\n".join(lines) + "\n")
    run = f"{sys.executable} -m extractor extract --backend {args.backend}"
    proc = subprocess.run([sys.executable, str(SCORE), "--gold", gold.name, "--docs", str(docs),
                           "--run", run, "--json"], capture_output=True, text=True)
    Path(gold.name).unlink()
    if proc.returncode:
        sys.stderr.write(proc.stderr[-3000:])
        return proc.returncode
    report = json.loads(proc.stdout)
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"{args.split}: {report['documents']} documents, backend {args.backend}")
    for field, v in report["fields"].items():
        if "accuracy" in v:
            acc = "-" if v["accuracy"] is None else f"{v['accuracy']:.3f}"
            print(f"  {field:16} acc {acc:>5}  n {v['n']}")
        else:
            print(f"  {field:16} F1 {v['f1']:.3f}  P {v['precision']:.3f}  R {v['recall']:.3f}"
                  f"  n {v['n']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
