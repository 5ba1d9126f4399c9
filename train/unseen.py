"""An unseen test corpus: composed decisions in wordings nothing was built on, with gold labels.

Decisions are composed from ``train.phrases_unseen`` (a phrase bank never used for training,
and written after the rules) with a seed that is not a training seed, and written in the dev
corpus's layout: ``docs/<file>.json`` with ``url`` and ``text``, and ``gold.jsonl`` with the
fields of ``../shared/corpus/LABELS.md`` that hold by construction. ``bench/bench_adapter.py
--gold DIR/gold.jsonl --docs DIR/docs`` then scores ``none``, ``local`` and ``local`` + adapter
side by side, exactly as on the dev corpus.

    python -m train.unseen --n 80 --seed 2027 --out train/.work/unseen

Labelled: ref, bodies, category, outcome (header or wording), decision_date, complainant,
investigated, fault_found, reasons, payments, remedy_kinds. Not labelled (scored as if empty,
so ignore them in the table): referred_to, citations, other_acts.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from train import phrases_unseen
from train.compose import Composed, compose

LABELLED = ["reference", "category_top", "category_sub", "outcome_header", "outcome_wording",
            "decision_date", "complainant", "investigated", "fault_found", "bodies", "reasons",
            "payment_amounts", "remedy_kinds"]


def slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def gold_of(c: Composed, file: str, top: str | None, sub: str | None) -> dict[str, Any]:
    """The LABELS.md row of a composed decision (labels by construction)."""
    page = c.page
    full = page["style"] == "full"
    return {
        "file": file, "ref": page["reference"], "ref_in_text": page["style"] != "mirror",
        "bodies": [page["body"]] if "body" in page else [],
        "category_top": top if full else None, "category_sub": sub if full else None,
        "outcome": c.outcome, "outcome_source": "header" if full else "wording",
        "decision_date": page["date"] if full else None,
        "complainant": page["complainant"], "investigated": c.investigated,
        "fault_found": c.fault_found,
        "reasons": sorted({code for _, code in c.reasons}),
        "payments": [{"amount_gbp": a, "status": s, "purpose": p} for _, a, s, p in c.payments],
        "remedy_kinds": sorted({kind for _, kind in c.remedies}),
        "complete": True, "notes": "composed by train.unseen",
    }


def category_of(text: str) -> tuple[str | None, str | None]:
    for line in text.splitlines():
        if line.startswith("Category : "):
            top, _, sub = line.removeprefix("Category : ").partition(" > ")
            return top, sub
    return None, None


def write_corpus(n: int, seed: int, out: Path) -> int:
    rng = random.Random(seed)
    docs = out / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n):
        c = compose(rng, phrases_unseen)
        top, sub = category_of(c.text)
        ref = str(c.page["reference"]).replace(" ", "-")
        path = f"{slug(top or 'other')}/{slug(sub or 'other')}/{ref}"
        url = f"https://www.lgo.org.uk/decisions/{path}"
        file = f"{ref}__unseen_{i:04d}.json"
        (docs / file).write_text(json.dumps({"url": url, "text": c.text}, ensure_ascii=False),
                                 encoding="utf-8")
        rows.append(gold_of(c, file, top, sub))
    with (out / "gold.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=80, help="decisions to compose")
    ap.add_argument("--seed", type=int, default=2027, help="not a training seed")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    print(f"{write_corpus(args.n, args.seed, args.out)} decisions in {args.out}")


if __name__ == "__main__":
    main()
