"""Regenerate the embedded model's trust policy (extractor/model/policies/local.json):
``extractor calibrate --backend local`` on the decisions of bench/dev-subset.txt (a third of
../shared/corpus/dev), their labels taken from dev-gold.jsonl. ``./dev calibrate-local``."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpus" / "dev"
GOLD = DEV.parent / "dev-gold.jsonl"
SUBSET = ROOT / "bench" / "dev-subset.txt"
POLICY = ROOT / "extractor" / "model" / "policies" / "local.json"


def main() -> int:
    names = [ln.strip() for ln in SUBSET.read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    wanted = set(names)
    with tempfile.TemporaryDirectory() as tmp:
        docs, gold = Path(tmp) / "docs", Path(tmp) / "gold.jsonl"
        docs.mkdir()
        for name in names:
            (docs / name).symlink_to(DEV / name)
        labels = [ln for ln in GOLD.read_text().splitlines()
                  if ln.strip() and json.loads(ln)["file"] in wanted]
        gold.write_text("\n".join(labels) + "\n")
        return subprocess.call([sys.executable, "-m", "extractor", "calibrate", "--backend",
                                "local", "--gold", str(gold), "--docs", str(docs),
                                "--out", str(POLICY), *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
