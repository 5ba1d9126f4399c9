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

    python -m train.real show FILE...     # the sentences to label, with offsets (reading aid)
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.facts.patterns import iter_sentences
from extractor.pipeline import deterministic_pass
from extractor.read.load import Document

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
LABELS = ROOT / "train" / "labels" / "train-sentences.jsonl"
HELDOUT = ROOT / "train" / "labels" / "heldout.txt"
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
    _facts, cleaned, seg = deterministic_pass(doc)
    out = []
    for part in PARTS:
        for start, end in seg.ranges(part):
            for s, e in iter_sentences(cleaned.text, start, end):
                src = cleaned.to_source(s, e)
                out.append((part, src[0], src[1], cleaned.text[s:e]))
    return sorted(set(out), key=lambda row: row[1])


def show(file: str) -> None:
    doc = load_doc(file)
    facts, _c, _s = deterministic_pass(doc)
    print(f"## {file} rules: reasons {[r.code for r in facts.reasons]} remedies "
          f"{facts.remedy_kinds} inv {facts.investigated} fault {facts.fault_found}")
    for part, start, end, sentence in part_sentences(doc):
        print(f"{start}:{end} [{part[:4]}] {sentence}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=("show",))
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    for file in args.files:
        show(file)


if __name__ == "__main__":
    main()
