"""Real decisions as training data: sentence labels by file and character offsets.

``train/labels/train-sentences.jsonl`` says, for decisions of ``../shared/corpus/train``, which
sentence states which reason code, remedy kind, payment status, or whether the Ombudsman
investigated / found fault. Each line: ``{"file", "start", "end", "field", "value"}`` with
``start``/``end`` offsets into the page record's ``text`` (the loaded text, before cleaning);
``field`` is ``reasons``, ``remedy_kinds``, ``payments`` (value ``[amount, status, purpose]``)
or ``status`` (value ``{"investigated": "yes"|"no", "fault_found": ...}``). The corpus text is
never copied into the project: it is read from ``../shared/corpus/train`` when examples are
built. Labels were written by reading every sentence of the parts the model pass offers
(Summary, assessment, final decision, agreed action, what I found): a sentence of those parts
with no label states none of these things (that is what an empty answer is learned from).
``train/labels/heldout.txt`` names the decisions kept out of training (measured with
``score.py`` instead).

Examples (``python -m train.real examples --out F``) are built when training runs, in the exact
request format of the model pass (``train.examples.chat_prompt``; sentences by number): each
labelled decision not held out gives its reasons / remedies question as asked with that field
cleared (scope ``gaps``, all offered sentences) and, where the rules found some codes, as asked
in scope ``codes`` (the real facts; often nothing left to add: real text teaches abstaining),
its payments question (statuses cleared) and its status question (both fields cleared; values
from ``train-gold.jsonl``). The answer lists the offered sentences that carry a label.

    python -m train.real show FILE...     # the sentences to label, with offsets (reading aid)
    python -m train.real examples --out train/.work/real.jsonl
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from extractor.facts.extract import Context
from extractor.facts.patterns import iter_sentences
from extractor.model.prompt import (
    Doc,
    Question,
    payments_question,
    reasons_question,
    remedies_question,
    status_question,
)
from extractor.pipeline import deterministic_pass
from extractor.read.load import Document
from train.examples import END, capped, chat_prompt

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
LABELS = ROOT / "train" / "labels" / "train-sentences.jsonl"
HELDOUT = ROOT / "train" / "labels" / "heldout.txt"
GOLD = CORPUS / "train-gold.jsonl"
MAX_ITEMS = {"reasons": 2, "remedies": 3, "payments": 3}
PARTS = ("summary", "agreed_action", "final_decision", "assessment", "what_found")


@dataclass(frozen=True)
class Label:
    file: str
    start: int
    end: int
    field: str
    value: Any


def load_labels(path: Path = LABELS) -> list[Label]:
    rows = (json.loads(line) for line in path.open(encoding="utf-8") if line.strip())
    return [Label(r["file"], r["start"], r["end"], r["field"], r["value"]) for r in rows]


def heldout(path: Path = HELDOUT) -> set[str]:
    """Decisions of the train corpus kept out of training (one file name a line, # comments)."""
    lines = (ln.split("#", 1)[0].strip() for ln in path.read_text(encoding="utf-8").splitlines())
    return {ln for ln in lines if ln}


def load_doc(file: str, corpus: Path = CORPUS / "train") -> Document:
    rec = json.loads((corpus / file).read_text(encoding="utf-8"))
    return Document(rec["text"], file, rec.get("url"))


def part_sentences(doc: Document) -> list[tuple[str, int, int, str]]:
    """(part, source start, source end, cleaned sentence) of every sentence the model pass may
    offer, in document order."""
    _facts, ctx = deterministic_pass(doc)
    cleaned, seg = ctx.cleaned, ctx.seg
    out = []
    for part in PARTS:
        for start, end in seg.ranges(part):
            for s, e in iter_sentences(cleaned.text, start, end):
                src = cleaned.to_source(s, e)
                out.append((part, src[0], src[1], cleaned.text[s:e]))
    return sorted(set(out), key=lambda row: row[1])


@dataclass(frozen=True)
class Labelled:
    """One decision, its pipeline view and its labels."""

    doc: Document
    facts: Any
    ctx: Context
    labels: list[Label]
    gold: dict[str, Any]

    def ask(self, scope: str = "gaps", **cleared: Any) -> Doc:
        facts = self.facts.model_copy(deep=True, update=cleared) if cleared else self.facts
        return Doc(facts, self.ctx, scope=scope)

    def values_in(self, sentence: str, field: str) -> list[Any]:
        """The labelled values of ``field`` whose sentence is (mostly) this offered sentence."""
        found = self.ctx.cleaned.find_source(sentence)
        if found is None:
            return []
        s, e = found
        return [lab.value for lab in self.labels if lab.field == field
                and min(e, lab.end) - max(s, lab.start) >= (lab.end - lab.start) / 2]


def listed(q: Question, case: Labelled, field: str, key: str) -> dict[str, Any]:
    """``{"items": [...]}``: each offered sentence's labelled values, by sentence number."""
    allowed = _enum_of(q, key)
    items = [{"sentence": n, key: v} for n, s in enumerate(q.sentences, 1)
             for v in case.values_in(s, field) if allowed is None or v in allowed]
    return {"items": items[:MAX_ITEMS[q.name]]}


def _enum_of(q: Question, key: str) -> set[str] | None:
    """The codes this question's schema allows (the facts' citations may rule some out)."""
    item = get_args(q.response_model.model_fields["items"].annotation)[0]
    return set(get_args(item.model_fields[key].annotation)) or None


def list_pairs(case: Labelled) -> list[tuple[Question, dict[str, Any]]]:
    """Reasons and remedies questions, scope gaps and (where the rules found codes) codes."""
    out = []
    for build, field, key in ((reasons_question, "reasons", "code"),
                              (remedies_question, "remedy_kinds", "kind")):
        docs = [case.ask(**{field: []})]
        if getattr(case.facts, field):
            docs.append(case.ask("codes"))
        for doc in docs:
            q = build(doc)
            if q is not None:
                out.append((q, listed(q, case, field, key)))
    return out


def payment_pair(case: Labelled) -> tuple[Question, dict[str, Any]] | None:
    open_ = [p.model_copy(update={"status": None, "purpose": None}) for p in case.facts.payments]
    q = payments_question(case.ask(payments=open_)) if open_ else None
    if q is None:
        return None
    amounts = {p.amount_gbp for p in case.facts.payments}
    items = [{"amount_gbp": v[0], "status": v[1], "purpose": v[2]} for s in q.sentences
             for v in case.values_in(s, "payments") if v[0] in amounts]
    return q, {"items": items[:MAX_ITEMS["payments"]]}


def status_pair(case: Labelled) -> tuple[Question, dict[str, Any]] | None:
    q = status_question(case.ask(investigated=None, fault_found=None))
    if q is None:
        return None
    number = next((n for n, s in enumerate(q.sentences, 1) if case.values_in(s, "status")), 0)
    if not number:
        return None
    answer: dict[str, Any] = {"sentence": number}
    for name in q.response_model.model_fields:
        if name != "sentence":
            value = case.gold.get(name)
            answer[name] = "unclear" if value is None else "yes" if value else "no"
    return q, answer


def pairs_of(case: Labelled) -> list[tuple[Question, dict[str, Any]]]:
    pairs = list_pairs(case) + [p for p in (payment_pair(case), status_pair(case)) if p]
    for q, answer in pairs:
        q.response_model.model_validate(answer, context=q.context)
    return pairs


def cases(labels: list[Label], skip: set[str]) -> list[Labelled]:
    gold = {g["file"]: g for g in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines())}
    out = []
    for file in sorted({lab.file for lab in labels} - skip):
        doc = load_doc(file)
        facts, ctx = deterministic_pass(doc)
        out.append(Labelled(doc, facts, ctx,
                            [lab for lab in labels if lab.file == file], gold[file]))
    return out


def examples(labels: list[Label], skip: set[str]) -> list[dict[str, Any]]:
    """Training rows (``train.examples`` format) of every labelled decision not in ``skip``."""
    return [{"question": q.name, "source": f"train/{case.doc.source}",
             "prompt": chat_prompt(q.messages),
             "answer": json.dumps(answer, ensure_ascii=False) + END}
            for case in cases(labels, skip) for q, answer in pairs_of(case)]


def show(file: str) -> None:
    doc = load_doc(file)
    facts, _ctx = deterministic_pass(doc)
    print(f"## {file} rules: reasons {[r.code for r in facts.reasons]} remedies "
          f"{facts.remedy_kinds} inv {facts.investigated} fault {facts.fault_found}")
    for part, start, end, sentence in part_sentences(doc):
        print(f"{start}:{end} [{part[:4]}] {sentence}")


def empty(row: dict[str, Any]) -> bool:
    """Whether a list question's answer names no sentence."""
    return '"items": []' in row["answer"]


def thinned(rows: list[dict[str, Any]], empty_share: float) -> list[dict[str, Any]]:
    """Keep about ``empty_share`` of the empty list answers (every k-th, in order): too many
    empty answers teach the model to abstain (MODEL_CARD.md, runs 3 and 6)."""
    keep_every = round(1 / empty_share) if empty_share > 0 else 0
    out, empties = [], 0
    for row in rows:
        if empty(row):
            empties += 1
            if not keep_every or (empties - 1) % keep_every:
                continue
        out.append(row)
    return out


def write_examples(out: Path, caps: str = "", empty_share: float = 1.0, repeat: int = 1
                   ) -> None:
    rows = capped(examples(load_labels(), heldout()), caps)
    rows = thinned(rows, empty_share) * repeat
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    counts: dict[str, int] = {}
    for row in rows:
        name = row["question"] + (" (empty)" if empty(row) else "")
        counts[name] = counts.get(name, 0) + 1
    print(f"{len(rows)} examples from real decisions: {counts}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=("show", "examples"))
    ap.add_argument("files", nargs="*", help="show: the corpus files to show")
    ap.add_argument("--out", type=Path, help="examples: where to write them (not committed)")
    ap.add_argument("--cap", default="", help="examples: per question, e.g. status=20")
    ap.add_argument("--empty-share", type=float, default=1.0,
                    help="examples: share of empty list answers kept (run 7: 0.34)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="examples: times each example is written (run 7: 3)")
    args = ap.parse_args()
    if args.command == "examples":
        write_examples(args.out or ROOT / "train" / ".work" / "real.jsonl", args.cap,
                       args.empty_share, args.repeat)
    for file in args.files:
        show(file)


if __name__ == "__main__":
    main()
