"""Held-out check: ask a running server the model pass's questions about composed decisions
the adapter never saw (another seed) and compare its answers with the labels.

The questions go through the project's own client (``llm.LLMPass.ask``: instructor, TOOLS mode,
validation and re-ask), as in a real run. Per question: exact answers (the whole JSON equal)
and item precision / recall over (sentence, code) pairs, or field accuracy for status.

    python -m train.heldout --base-url http://127.0.0.1:8011/v1 --model gemma-3-270m-q4_k_m \\
        --n 40 --seed 99
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from typing import Any

from extractor.model.llm import LLMPass, choose_mode
from extractor.settings import Settings
from train.compose import compose
from train.examples import pairs_of


def items_of(answer: dict[str, Any]) -> set[str]:
    """Comparable units of an answer: list items, or the status fields."""
    if "items" in answer:
        return {json.dumps(i, sort_keys=True) for i in answer["items"]}
    return {f"{k}={v}" for k, v in answer.items() if k != "sentence"}


def evaluate(model_pass: LLMPass, n: int, seed: int) -> dict[str, dict[str, float]]:
    rng = random.Random(seed)
    tally: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for i in range(n):
        for q, gold in pairs_of(compose(rng), f"heldout/{seed}_{i:04d}.txt", rng):
            t = tally[q.name]
            started = time.perf_counter()
            try:
                got = model_pass.ask(q).model_dump(mode="json")
            except Exception as exc:  # noqa: BLE001 (a failed question counts as wrong)
                got, t["failed"] = {}, t["failed"] + 1
                print(f"{q.name}: {type(exc).__name__}", flush=True)
            t["seconds"] += time.perf_counter() - started
            want, have = items_of(gold), items_of(got)
            t["asked"] += 1
            t["exact"] += want == have
            t["gold_items"] += len(want)
            t["model_items"] += len(have)
            t["right_items"] += len(want & have)
    return {name: dict(t) for name, t in tally.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--model", default="gemma-3-270m-q4_k_m")
    ap.add_argument("--n", type=int, default=40, help="decisions to compose")
    ap.add_argument("--seed", type=int, default=99, help="not a training seed")
    args = ap.parse_args()
    settings = Settings.from_env()
    model_pass = LLMPass.connect("local", args.base_url, "local", args.model, settings,
                                 choose_mode("tools"))
    report = evaluate(model_pass, args.n, args.seed)
    for name, t in sorted(report.items()):
        p = t["right_items"] / t["model_items"] if t["model_items"] else 0.0
        r = t["right_items"] / t["gold_items"] if t["gold_items"] else 0.0
        print(f"{name:9} asked {t['asked']:3.0f} exact {t['exact'] / t['asked']:.2f} "
              f"item P {p:.2f} R {r:.2f} failed {t.get('failed', 0):.0f} "
              f"{t['seconds'] / t['asked']:.1f} s/question")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
