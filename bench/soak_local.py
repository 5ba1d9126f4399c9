"""Soak of the embedded model on real text: ``extract --backend local`` over every decision of
the dev, train and seed corpora in ONE process (one server for the whole command, as a user
would run it), then what happened: server crashes and restarts, questions that failed, seconds
and tokens per decision.

Usage (from the repository root; needs the ``local`` extra):
    .venv/bin/python bench/soak_local.py                         # dev + train + seeds (~185)
    .venv/bin/python bench/soak_local.py --limit 20              # the first 20 of each folder
    .venv/bin/python bench/soak_local.py --out soak.jsonl        # keep the records (score.py
                                                                 # --results reads them)
The extractor runs as ``python -m extractor`` with this interpreter and environment, so
``PYTHONPATH=/other/checkout`` measures another version of the code (before / after).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FOLDERS = ("dev", "train", "seeds")
FAILED = "extraction_failed"
# The words watch.py puts in a failed question's issue when the embedded server died or hung.
SERVER_DOWN_REGEX = re.compile(r"embedded model server (?:was killed|exited|stopped answering)")
RESTART_REGEX = re.compile(r"restarted it \(restart (\d+)")
# A question that failed because no server answered (before issue 11: every later question).
TRANSPORT_REGEX = re.compile(r"APIConnectionError|APITimeoutError|Connection error|timed out")


def inputs(folders: list[Path], limit: int | None) -> list[Path]:
    files = []
    for folder in folders:
        found = sorted(p for p in folder.iterdir() if p.suffix in (".json", ".txt", ".html"))
        files += found[:limit] if limit else found
    return files


def run(files: list[Path], out: Path, cwd: Path) -> tuple[int, float, str]:
    """One ``extract --backend local`` over every file: (exit code, seconds, stderr). It runs
    in ``cwd``, an empty folder: ``python -m`` puts the working folder first on the path, which
    would hide the checkout ``PYTHONPATH`` names."""
    cmd = [sys.executable, "-m", "extractor", "extract", "--backend", "local", "--out",
           str(out), *map(str, files)]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy(),
                          cwd=cwd, check=False)
    return done.returncode, time.perf_counter() - started, done.stderr


def summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    failed = [i["message"] for r in records for i in r.get("issues", []) if i["rule"] == FAILED]
    meta = [r.get("meta") or {} for r in records]
    tokens = [(m.get("usage") or {}).get("prompt_tokens", 0)
              + (m.get("usage") or {}).get("completion_tokens", 0) for m in meta]
    restarts = [int(m.group(1)) for msg in failed for m in RESTART_REGEX.finditer(msg)]
    n = max(len(records), 1)
    return {"decisions": len(records),
            "asked": sum(1 for m in meta if m.get("attempts")),
            "answers": sum(m.get("attempts", 0) for m in meta),
            "server_crashes": sum(bool(SERVER_DOWN_REGEX.search(m)) for m in failed),
            "restarts": max(restarts, default=0),
            "extraction_failed": len(failed),
            "records_with_extraction_failed": sum(
                any(i["rule"] == FAILED for i in r.get("issues", [])) for r in records),
            "transport_failures": sum(bool(TRANSPORT_REGEX.search(m)) for m in failed),
            "seconds_per_decision": sum(m.get("seconds", 0.0) for m in meta) / n,
            "tokens_per_decision": sum(tokens) / n,
            "failure_kinds": Counter(_kind(m) for m in failed).most_common(6)}


def _kind(message: str) -> str:
    """A failure message without its numbers and quotes (for counting kinds)."""
    return re.sub(r"\d+|'[^']*'|\"[^\"]*\"", "#", message.split(": ", 1)[-1])[:90]


def by_folder(records: list[dict[str, Any]], folders: list[Path]) -> dict[str, dict[str, Any]]:
    out = {}
    for folder in folders:
        mine = [r for r in records if Path((r.get("meta") or {}).get("source", "")).parent
                == folder]
        out[folder.name] = summary(mine)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folders", nargs="+", type=Path, default=[CORPUS / f for f in FOLDERS])
    ap.add_argument("--limit", type=int, default=None, help="the first N files of each folder")
    ap.add_argument("--out", type=Path, help="keep the records here (JSON Lines)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    folders = [f.resolve() for f in args.folders]
    files = inputs(folders, args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out.resolve() if args.out else Path(tmp) / "records.jsonl"
        code, seconds, stderr = run(files, out, Path(tmp))
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()
                   if line.strip()]
    figures = {"files": len(files), "exit_code": code, "wall_seconds": round(seconds, 1),
               "wall_seconds_per_decision": round(seconds / max(len(files), 1), 2),
               "stderr_lines": stderr.splitlines()[-5:], "all": summary(records),
               "by_folder": by_folder(records, folders)}
    print(json.dumps(figures, indent=1, default=str))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
