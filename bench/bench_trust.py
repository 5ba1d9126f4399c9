"""What the trust policy does, per backend: calibrate on one labelled half, score on the other.

For each backend (``perfect`` and ``noisy``: the stand-in for a strong model,
``bench/stand_in_model.py``, started here on loopback, ``noisy`` with ``--wrong 0.3 --miss
0.2``; ``local``: the embedded model), calibrate on train and score dev with that policy, then
calibrate on dev and score train; ``none`` is scored on both. Prints every list field's
precision and F1 and every scalar's accuracy side by side, and flags a field more than 0.01
below ``none``'s (``BELOW``). Policies, calibration tables and scores go to ``--out``.

Usage (from the repository root):
    .venv/bin/python bench/bench_trust.py                          # none, perfect, noisy
    .venv/bin/python bench/bench_trust.py --backends none local    # the embedded model (slow)
"""

from __future__ import annotations

import argparse
import json
import shlex
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench_model import load_scorer

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SPLITS = (("train", "dev"), ("dev", "train"))  # (calibrated on, scored on)
STAND_INS = {"perfect": [], "noisy": ["--wrong", "0.3", "--miss", "0.2"]}
TOLERANCE = 0.01


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_stand_in(stack: ExitStack, extra: list[str]) -> str:
    port = free_port()
    gold = [str(CORPUS / f"{s}-gold.jsonl") for s in ("train", "dev")]
    docs = [str(CORPUS / s) for s in ("train", "dev")]
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "stand_in_model.py"),
                             "--gold", *gold, "--docs", *docs, "--port", str(port), *extra],
                            stderr=subprocess.DEVNULL)
    stack.callback(proc.terminate)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return f"http://127.0.0.1:{port}/v1"


def backend_args(name: str, urls: dict[str, str]) -> list[str]:
    if name in urls:
        return ["--backend", "openai", "--base-url", urls[name], "--model", "stand-in"]
    return ["--backend", name]


def cell(field: dict[str, Any]) -> str:
    if "accuracy" in field:
        return "-" if field["accuracy"] is None else f"{field['accuracy']:.3f}"
    return f"{field['precision']:.3f}/{field['f1']:.3f}"


def below(field: dict[str, Any], base: dict[str, Any]) -> bool:
    keys = ("accuracy",) if "accuracy" in field else ("precision", "f1")
    return any(field[k] is not None and base[k] is not None and field[k] < base[k] - TOLERANCE
               for k in keys)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backends", nargs="+", default=["none", "perfect", "noisy"])
    ap.add_argument("--extractor", default=f"{sys.executable} -m extractor")
    ap.add_argument("--out", default=str(ROOT / "bench" / "figures" / "trust"))
    ap.add_argument("--seed", default="0", help="the stand-ins' --seed")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    scorer = load_scorer(CORPUS.parent / "tools" / "score.py")
    extractor = shlex.split(args.extractor)
    with ExitStack() as stack:
        urls = {n: start_stand_in(stack, [*STAND_INS[n], "--seed", args.seed])
                for n in args.backends if n in STAND_INS}
        for calibrated_on, scored_on in SPLITS:
            gold = [json.loads(line) for line in
                    (CORPUS / f"{scored_on}-gold.jsonl").read_text("utf-8").splitlines() if line]
            reports: dict[str, Any] = {}
            for name in args.backends:
                command = [*extractor, "extract", *backend_args(name, urls)]
                if name != "none":
                    policy = out / f"{name}-on-{calibrated_on}.policy.json"
                    table = subprocess.run(
                        [*extractor, "calibrate", *backend_args(name, urls), "--gold",
                         str(CORPUS / f"{calibrated_on}-gold.jsonl"), "--docs",
                         str(CORPUS / calibrated_on), "--out", str(policy)],
                        capture_output=True, text=True, check=True).stdout
                    (out / f"{name}-on-{calibrated_on}.table.txt").write_text(table, "utf-8")
                    command += ["--policy", str(policy)]
                results, _secs = scorer.run_extractor(shlex.join(command), gold,
                                                      str(CORPUS / scored_on))
                reports[name] = scorer.score(gold, results)
            (out / f"scores-{scored_on}.json").write_text(json.dumps(reports, indent=1), "utf-8")
            print(f"== scored on {scored_on}, policies calibrated on {calibrated_on} "
                  f"(P/F1, accuracy)")
            print(f"{'field':18}" + "".join(f"{n:>14}" for n in reports))
            base = reports.get("none")
            for field in next(iter(reports.values()))["fields"]:
                row = [reports[n]["fields"][field] for n in reports]
                flags = [n for n in reports if base and below(reports[n]["fields"][field],
                                                              base["fields"][field])]
                print(f"{field:18}" + "".join(f"{cell(f):>14}" for f in row)
                      + (f"  BELOW none: {', '.join(flags)}" if flags else ""))


if __name__ == "__main__":
    main()
