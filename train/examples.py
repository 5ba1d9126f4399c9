"""Training examples: the exact prompt the model pass sends, and the answer it should give.

For each composed decision the project's own pipeline computes the facts
(``pipeline.deterministic_pass``); each question is planned by ``extractor.model.prompt`` on a
copy of the facts with that question's fields cleared (``scope="gaps"`` asks only where the rules
abstain, so that is what the model sees at run time). The answer is the tool call's JSON
(``answers.py`` models, keys in schema order: sentences by their number in the list offered),
built from the composed labels.

The text trained on is what llama-cpp-python's server feeds the model for the ``gemma`` chat
format (``llama_chat_format.format_gemma``, tokenized with ``add_bos`` and ``special``):
``<bos><start_of_turn>user\\n{content}<end_of_turn>\\n<start_of_turn>model\\n`` followed by the
answer and ``<end_of_turn>`` (the server's stop string). Loss is taken on the answer only.

    python -m train.examples --n 400 --seed 7 --out train/data/train.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from extractor.facts.extract import Context
from extractor.model.answers import squash
from extractor.model.prompt import (
    Doc,
    Question,
    payments_question,
    reasons_question,
    remedies_question,
    status_question,
)
from extractor.models import Decision
from extractor.pipeline import deterministic_pass
from extractor.read.load import Document
from train.compose import Composed, compose

EMPTY_SHARE = 0.1  # of codes-scope list questions with nothing left to find that stay examples
USER, MODEL, END = "<start_of_turn>user\n", "<start_of_turn>model\n", "<end_of_turn>"


def chat_prompt(messages: list[dict[str, str]]) -> str:
    """The gemma chat format's prompt (without the BOS token the tokenizer adds)."""
    turns = "".join(USER + m["content"] + END + "\n" for m in messages if m["role"] == "user")
    return turns + MODEL


def find(sentences: tuple[str, ...], label: str) -> str | None:
    """The offered sentence that is (or holds, or is held by) a labelled sentence."""
    want = squash(label)
    for s in sentences:
        have = squash(s)
        if have == want or want in have or (len(have) > 30 and have in want):
            return s
    return None


def gapped(facts: Decision, **cleared: Any) -> Decision:
    return facts.model_copy(deep=True, update=cleared)


def pairs_of(c: Composed, source: str, rng: random.Random, codes_share: float = 0.0
             ) -> list[tuple[Question, dict[str, Any]]]:
    """(question as the model pass asks it, the answer it should get) for one decision."""
    doc = Document(text=c.text, source=source)
    facts, ctx = deterministic_pass(doc)
    out = []
    for build in (_reasons, _remedies, _payments, _status):
        pair = build(c, facts, ctx, rng, codes_share)
        if pair is not None:
            pair[0].response_model.model_validate(pair[1], context=pair[0].context)
            out.append(pair)
    return out


def examples_of(c: Composed, source: str, rng: random.Random, codes_share: float = 0.0
                ) -> list[dict[str, Any]]:
    return [{"question": q.name, "source": source, "prompt": chat_prompt(q.messages),
             "answer": json.dumps(answer, ensure_ascii=False) + END}
            for q, answer in pairs_of(c, source, rng, codes_share)]


def _reasons(c: Composed, facts: Decision, ctx: Context, rng: random.Random,
             share: float = 0.0) -> tuple[Question, dict[str, Any]] | None:
    if c.outcome != "closed_after_initial_enquiries":
        return None
    for doc in _asked(facts, ctx, rng, share, reasons=[]):
        q = reasons_question(doc)
        if q is None:
            continue
        items = _items(q.sentences, c.reasons, "code")
        offered = set(q.response_model.model_json_schema()["$defs"]["Reason"]["properties"]
                      ["code"]["enum"])
        answer = [i for i in items if i["code"] in offered][:2]
        if answer or doc.scope == "gaps" or rng.random() < EMPTY_SHARE:
            return q, {"items": answer}
    return None


def _remedies(c: Composed, facts: Decision, ctx: Context, rng: random.Random,
              share: float = 0.0) -> tuple[Question, dict[str, Any]] | None:
    for doc in _asked(facts, ctx, rng, share, remedy_kinds=[]):
        q = remedies_question(doc)
        if q is None:
            continue
        answer = _items(q.sentences, c.remedies, "kind")[:3]
        if answer or doc.scope == "gaps" or rng.random() < EMPTY_SHARE:
            return q, {"items": answer}
    return None


def _asked(facts: Decision, ctx: Context, rng: random.Random, share: float,
           **cleared: Any) -> list[Doc]:
    """How a list question is asked, in order of preference: for a ``share`` of the decisions
    where the rules found some codes, in scope ``codes`` (the real facts; the reasons question
    then leaves out the rules' own sentences), else (or when that question has nothing left to
    find, but for ``EMPTY_SHARE`` of them: run 3 learned to abstain from 32% empty answers) in
    scope ``gaps`` with the facts cleared. ``share`` 0 (run 2) always
    asks in scope ``gaps``."""
    field = next(iter(cleared))
    gaps = Doc(gapped(facts, **cleared), ctx)
    if share and getattr(facts, field) and rng.random() < share:
        return [Doc(facts, ctx, scope="codes"), gaps]
    return [gaps]


def _payments(c: Composed, facts: Decision, ctx: Context, rng: random.Random,
              share: float = 0.0) -> tuple[Question, dict[str, Any]] | None:
    if not facts.payments:
        return None
    open_facts = gapped(facts, payments=[p.model_copy(update={"status": None, "purpose": None})
                                         for p in facts.payments])
    q = payments_question(Doc(open_facts, ctx))
    if q is None:
        return None
    items = []
    for sentence, amount, status, purpose in c.payments:
        offered = find(q.sentences, sentence)
        if offered is not None:
            items.append({"amount_gbp": amount, "status": status, "purpose": purpose})
    return q, {"items": items[:3]}


def _status(c: Composed, facts: Decision, ctx: Context, rng: random.Random,
            share: float = 0.0) -> tuple[Question, dict[str, Any]] | None:
    ask = rng.choice((("investigated",), ("fault_found",), ("investigated", "fault_found")))
    if c.outcome == "closed_after_initial_enquiries":
        ask = ("investigated",)
    q = status_question(Doc(gapped(facts, **{name: None for name in ask}), ctx))
    sentence = find(q.sentences, c.status_sentence) if q is not None else None
    if q is None or sentence is None:
        return None
    values = {"investigated": c.investigated, "fault_found": c.fault_found}
    asked = [f for f in q.response_model.model_fields if f != "sentence"]
    answer: dict[str, Any] = {"sentence": q.sentences.index(sentence) + 1}
    answer.update({f: "unclear" if values[f] is None else "yes" if values[f] else "no"
                   for f in asked})
    return q, answer


def _items(sentences: tuple[str, ...], labels: list[tuple[str, str]], key: str
           ) -> list[dict[str, Any]]:
    """Labelled sentences that were offered (by number), in the order offered."""
    found = {}
    for label, value in labels:
        offered = find(sentences, label)
        if offered is not None and offered not in found:
            found[offered] = value
    return [{"sentence": n, key: found[s]} for n, s in enumerate(sentences, 1) if s in found]


def generate(n: int, seed: int, codes_share: float = 0.0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for i in range(n):
        out += examples_of(compose(rng), f"gen/{seed}_{i:04d}.txt", rng, codes_share)
    return out


def capped(rows: list[dict[str, Any]], caps: str) -> list[dict[str, Any]]:
    """The first examples of each question, ``caps`` like ``reasons=24,status=8`` (a question
    not named is not capped)."""
    limit = {q: int(n) for q, _, n in (c.partition("=") for c in caps.split(",") if c)}
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        seen[row["question"]] = seen.get(row["question"], 0) + 1
        if seen[row["question"]] <= limit.get(row["question"], len(rows)):
            out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="decisions to compose")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cap", default="", help="per question, e.g. reasons=24,status=8")
    ap.add_argument("--codes-share", type=float, default=0.0,
                    help="share of list questions asked in scope codes (run 2: 0; run 4: 0.5)")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    rows = capped(generate(args.n, args.seed, args.codes_share), args.cap)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["question"]] = counts.get(row["question"], 0) + 1
    print(f"{len(rows)} examples from {args.n} decisions: {counts}")


if __name__ == "__main__":
    main()
