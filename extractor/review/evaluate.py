"""Score records against hand labels, field by field (``extractor eval``).

Gold labels are JSON Lines in the format of ``corpus/dev-gold.jsonl`` (see ``LABELS.md``).
The field views, the normalisation and the matching by ``meta.source`` file stem are those of
the shared scorer ``tools/score.py``, so the figures agree with it: scalar fields are scored as
accuracy where a label exists; list fields as micro precision / recall / F1 over all documents
(reasons only where the decision was not investigated; bodies only where the text names them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table

from extractor.errors import InputError
from extractor.model.backends import BackendOptions, open_model_pass
from extractor.models import Decision
from extractor.pipeline import run_many
from extractor.read.load import DEFAULT_MAX_BYTES, jsonl_lines
from extractor.settings import Settings

SCALAR_FIELDS = ("reference", "category_top", "category_sub", "outcome_header", "outcome_wording",
                 "decision_date", "complainant", "investigated", "fault_found")
SET_FIELDS = ("bodies", "reasons", "referred_to", "payment_amounts", "remedy_kinds", "citations",
              "other_acts")
# A case reference in any spacing ("25 005 395", "25-005-395", "25005395"), optional letter.
REF_REGEX = re.compile(r"(\d{2})\D?(\d{3})\D?(\d{3})([a-z]?)")
# The labels write the "(i)" of LGA 1974 s34H(i) as a roman numeral; records write "(1)".
ROMAN_ONE_CITE_REGEX = re.compile(r"s34H\(i\)$")
LEADING_THE_REGEX = re.compile(r"^the ")
WHITESPACE_REGEX = re.compile(r"\s+")
NO_REFERRAL = "none"  # a label value meaning "pointed to no one"; never scored

View = dict[str, Any]


def norm_text(value: object) -> str | None:
    """Lower case, straight apostrophes, single spaces, no leading "the"."""
    if value is None:
        return None
    text = str(value).replace("\u2019", "'").replace("\u00a0", " ")
    return LEADING_THE_REGEX.sub("", WHITESPACE_REGEX.sub(" ", text).strip().lower())


def norm_ref(value: object) -> str | None:
    if not value:
        return None
    m = REF_REGEX.search(str(value))
    return f"{m[1]} {m[2]} {m[3]}{m[4]}" if m else str(value)


def norm_cite(value: object) -> str:
    text = WHITESPACE_REGEX.sub(" ", str(value)).strip()
    return text.replace("(i)", "(1)") if ROMAN_ONE_CITE_REGEX.search(text) else text


def _texts(values: Iterable[object] | None) -> set[str | None]:
    return {norm_text(v) for v in values or []}


def gold_view(gold: dict[str, Any]) -> View:
    """What a label says, per scored field; ``None`` where the field is not scored."""
    header = gold.get("outcome_source") == "header"
    outcome = gold.get("outcome") if gold.get("outcome") != "unclear" else None
    return {
        "reference": norm_ref(gold.get("ref")),
        "category_top": norm_text(gold.get("category_top")),
        "category_sub": norm_text(gold.get("category_sub")),
        "outcome_header": outcome if header else None,
        "outcome_wording": None if header else outcome,
        "decision_date": gold.get("decision_date"),
        "complainant": norm_text(gold.get("complainant")),
        "investigated": gold.get("investigated"),
        "fault_found": gold.get("fault_found"),
        "bodies": _texts(gold["bodies"]) if gold.get("bodies") else None,
        "reasons": set(gold.get("reasons") or []) if gold.get("investigated") is False else None,
        "referred_to": set(gold.get("referred_to") or []) - {NO_REFERRAL},
        "payment_amounts": {float(p["amount_gbp"]) for p in gold.get("payments") or []
                            if p.get("amount_gbp") is not None},
        "remedy_kinds": set(gold.get("remedy_kinds") or []),
        "citations": {norm_cite(c) for c in gold.get("citations") or []},
        "other_acts": _texts(gold.get("other_acts")),
    }


def record_view(record: Decision) -> View:
    """What a record says, in the same shape as ``gold_view``."""
    cat = record.category
    return {
        "reference": norm_ref(record.reference),
        "category_top": norm_text(cat.top if cat else None),
        "category_sub": norm_text(cat.sub if cat else None),
        "outcome_header": record.outcome,
        "outcome_wording": record.outcome,
        "decision_date": record.decision_date,
        "complainant": norm_text(record.complainant),
        "investigated": record.investigated,
        "fault_found": record.fault_found,
        "bodies": _texts(record.bodies),
        "reasons": {r.code for r in record.reasons},
        "referred_to": set(record.referred_to) - {NO_REFERRAL},
        "payment_amounts": {float(p.amount_gbp) for p in record.payments
                            if p.amount_gbp is not None},
        "remedy_kinds": set(record.remedy_kinds),
        "citations": {norm_cite(c.canonical) for c in record.citations},
        "other_acts": _texts(record.other_acts),
    }


EMPTY_VIEW: View = {**{f: None for f in SCALAR_FIELDS}, **{f: set() for f in SET_FIELDS}}


@dataclass
class FieldScore:
    """Counts for one field: scalars use ``correct``/``scored``; lists ``tp``/``fp``/``fn``."""

    name: str
    is_set: bool
    correct: int = 0
    scored: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: Any, pred: Any) -> None:
        if gold is None:
            return
        if self.is_set:
            self.tp += len(gold & pred)
            self.fp += len(pred - gold)
            self.fn += len(gold - pred)
        else:
            self.scored += 1
            self.correct += int(pred == gold)

    def as_dict(self) -> dict[str, Any]:
        if not self.is_set:
            acc = round(self.correct / self.scored, 4) if self.scored else None
            return {"accuracy": acc, "n": self.scored, "correct": self.correct}
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
                "n": self.tp + self.fn, "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Report:
    documents: int
    missing_results: int
    fields: list[FieldScore] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"documents": self.documents, "missing_results": self.missing_results,
                "fields": {f.name: f.as_dict() for f in self.fields}}


def load_gold(paths: Sequence[str]) -> list[dict[str, Any]]:
    """Every label of every gold JSON Lines file; each needs a ``file`` name."""
    labels = []
    for path in paths:
        p = Path(path)
        if not p.is_file():
            raise InputError(f"{path}: no such file")
        for lineno, line in jsonl_lines(p.read_text(encoding="utf-8")):
            try:
                label = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
            if not isinstance(label, dict) or not isinstance(label.get("file"), str):
                raise InputError(f"{path}:{lineno}: a gold label needs a \"file\" name")
            labels.append(label)
    if not labels:
        raise InputError(f"{', '.join(paths)}: no gold labels")
    return labels


def match(gold: Sequence[dict[str, Any]], records: Sequence[Decision]) -> list[Decision | None]:
    """The record for each label, by the file stem of ``meta.source`` (the last one wins);
    when no record names a source and the counts agree, by position."""
    by_stem = {Path(r.meta.source).stem: r for r in records if r.meta.source}
    if not by_stem and len(records) == len(gold):
        return list(records)
    return [by_stem.get(Path(g["file"]).stem) for g in gold]


def score(gold: Sequence[dict[str, Any]], records: Sequence[Decision]) -> Report:
    report = Report(documents=len(gold), missing_results=0,
                    fields=[FieldScore(f, False) for f in SCALAR_FIELDS]
                    + [FieldScore(f, True) for f in SET_FIELDS])
    for label, record in zip(gold, match(gold, records), strict=True):
        report.missing_results += record is None
        gv, pv = gold_view(label), EMPTY_VIEW if record is None else record_view(record)
        for fs in report.fields:
            fs.add(gv[fs.name], pv[fs.name])
    return report


def extract_all(paths: Sequence[str], options: BackendOptions, settings: Settings,
                max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[Decision], list[InputError]]:
    """Run the pipeline over every input; unreadable inputs are returned, not raised."""
    records: list[Decision] = []
    failures: list[InputError] = []
    with open_model_pass(options, settings) as model_pass:
        for item, record in run_many(paths, model_pass, max_bytes):
            if record is not None:
                records.append(record)
            elif item.error is not None:
                failures.append(item.error)
    return records, failures


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def report_table(report: Report, seconds: float | None = None) -> Table:
    """The report as a rich table: accuracy for scalar fields, P / R / F1 for list fields."""
    caption = f"{report.documents} documents, {report.missing_results} without a result"
    table = Table(title="extractor eval", caption=caption + (f", {seconds:.1f}s" if seconds
                                                             is not None else ""))
    for name in ("field", "n", "accuracy", "precision", "recall", "F1"):
        table.add_column(name, justify="left" if name == "field" else "right")
    for fs in report.fields:
        d = fs.as_dict()
        table.add_row(fs.name, str(d["n"]), _cell(d.get("accuracy")), _cell(d.get("precision")),
                      _cell(d.get("recall")), _cell(d.get("f1")))
    return table
