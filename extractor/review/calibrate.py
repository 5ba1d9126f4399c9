"""Measure a backend's trust policy on labelled decisions (``extractor calibrate``).

Every labelled decision is run once through the rules and once through the backend, asked every
question the ``model`` mode asks (each field, whatever the rules found, with the larger sentence
budget). The same answers are then merged three ways, ``rules``, ``grounded`` and ``model``
(``merge.py``), and every field of each is scored against the labels, with the rules alone
(``none``) and the model's answers alone beside them. The ``rules`` and ``grounded`` figures
are what those merges make of these answers (a run in those modes offers the model fewer
sentences in some questions).

The mode of each field is chosen by ``choose`` (the rule the README states):
- ``model`` when at least ``MIN_LABELLED`` values are labelled and the ``model`` merge's
  precision and F1 are both at least the ``rules`` merge's (a tie goes to the model: on enough
  labels it lost nothing against rules written from labelled decisions, and it is not bound
  to their phrase lists on new ones), and the model's answers alone, counting the answers the
  validators refused to the end as wrong, are at least as precise as the ``rules`` merge
  (``ALONE_SLACK`` = 0) (a model whose mistakes only the validators caught here is not trusted where
  they cannot check);
- else ``grounded`` when the ``grounded`` merge's precision is not below the ``rules`` merge's
  and its F1 is higher by at least ``GROUNDED_MARGIN``;
- else ``rules``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from extractor.errors import ConfigError
from extractor.model.backends import BackendOptions, open_model_pass
from extractor.model.merge import merge
from extractor.model.policy import FIELDS, MODES, Policy
from extractor.model.prices import PRICES_DATED, cost_usd
from extractor.model.prompt import plan_questions
from extractor.models import Decision
from extractor.pipeline import deterministic_pass
from extractor.read.inputs import iter_items
from extractor.settings import Settings

# ALONE_SLACK 0: the embedded model's fault_found answers alone were 0.95 precise on 21 labelled
# dev values where the rules merge was 1.00 (the header outcome refused its slips); with 0.05 of
# slack it was trusted, and no header catches those slips on a page that prints none.
MIN_LABELLED, GROUNDED_MARGIN, ALONE_SLACK = 10, 0.01, 0.0
COLUMNS = ("none", "model_alone", *MODES)  # the rules alone, the answers alone, each merge
RULE_TEXT = (f"model: >= {MIN_LABELLED} labelled values, the model merge's precision and "
             f"F1 both >= the rules merge's, and the model's answers alone (answers the "
             f"validators refused counted wrong) at least as precise as the rules merge; "
             f"else grounded: "
             f"the grounded merge's precision >= the rules merge's and its F1 >= the rules "
             f"merge's + {GROUNDED_MARGIN}; else rules")
PROBE = Policy.uniform("model")
WORD_REGEX = re.compile(r"[a-z]{4,}")


@dataclass
class Counts:
    """tp / fp / fn of one field in one column (scalars: right / wrong answers / unanswered)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[Any], labelled: set[Any]) -> None:
        self.tp += len(predicted & labelled)
        self.fp += len(predicted - labelled)
        self.fn += len(labelled - predicted)

    def figures(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "n": self.tp + self.fn}


def field_values(record: Decision | dict[str, Any], gold: dict[str, Any]
                 ) -> dict[str, tuple[set[Any], set[Any]] | None]:
    """(predicted, labelled) per policy field, as sets; None where the label does not score
    (reasons only where not investigated, outcome_wording only where no header printed it).
    Scalars are scored as sets of one value, so a wrong answer is a false positive and a
    missing one a false negative."""
    r = record.model_dump() if isinstance(record, Decision) else record
    pays = {round(float(p["amount_gbp"]), 2): p for p in r.get("payments") or []
            if p.get("amount_gbp") is not None}
    gold_pays = [p for p in gold.get("payments") or [] if p.get("amount_gbp") is not None]

    def scalar(pred: Any, label: Any) -> tuple[set[Any], set[Any]] | None:
        return None if label is None else ({pred} - {None}, {label})

    out: dict[str, tuple[set[Any], set[Any]] | None] = {
        "reasons": ({x["code"] for x in r.get("reasons") or []}, set(gold.get("reasons") or []))
        if gold.get("investigated") is False else None,
        "referred_to": (set(r.get("referred_to") or []) - {"none"},
                        set(gold.get("referred_to") or []) - {"none"}),
        "remedy_kinds": (set(r.get("remedy_kinds") or []), set(gold.get("remedy_kinds") or [])),
        "investigated": scalar(r.get("investigated"), gold.get("investigated")),
        "fault_found": scalar(r.get("fault_found"), gold.get("fault_found")),
        "outcome_wording": scalar(r.get("outcome"), gold.get("outcome"))
        if gold.get("outcome_source") != "header" and gold.get("outcome") != "unclear" else None,
    }
    status: tuple[set[Any], set[Any]] = (set(), set())
    purpose: tuple[set[Any], set[Any]] = (set(), set())
    for g in gold_pays:
        amount = round(float(g["amount_gbp"]), 2)
        mine = pays.get(amount) or {}
        if g.get("status"):
            status[1].add((amount, g["status"]))
            if mine.get("status"):
                status[0].add((amount, mine["status"]))
        if g.get("purpose"):
            purpose[1].add((amount, True))
            if mine.get("purpose"):
                shared = set(WORD_REGEX.findall(mine["purpose"].lower())) & \
                    set(WORD_REGEX.findall(g["purpose"].lower()))
                purpose[0].add((amount, bool(shared)))
    out["payment_status"], out["payment_purpose"] = status, purpose
    return out


REJECTED = "rejected by validation"  # an answer the validators refused: counted wrong


def answers_alone(facts: Decision, answers: dict[str, Any], failed: tuple[str, ...] = ()
                  ) -> dict[str, Any]:
    """A record holding only what the model answered (the rules' values left out); a field of
    a question whose answers the validators refused to the end holds a value that is wrong."""
    r: dict[str, Any] = {"reasons": [], "referred_to": [], "remedy_kinds": [],
                         "payments": [], "outcome": None}
    if "reasons" in answers:
        r["reasons"] = [{"code": i.code} for i in answers["reasons"].items]
    if "referrals" in answers:
        r["referred_to"] = [i.code for i in answers["referrals"].items]
    if "remedies" in answers:
        r["remedy_kinds"] = [i.kind for i in answers["remedies"].items]
    if "payments" in answers:
        r["payments"] = [{"amount_gbp": i.amount_gbp, "status": i.status, "purpose": i.purpose}
                         for i in answers["payments"].items]
    status = answers.get("status")
    for name in ("investigated", "fault_found"):
        value = getattr(status, name, "unclear")
        r[name] = None if value == "unclear" else value == "yes"
    for name in failed:
        if name == "reasons":
            r[name] = [{"code": REJECTED}]
        elif name in ("referred_to", "remedy_kinds", "investigated", "fault_found"):
            r[name] = [REJECTED] if name in ("referred_to", "remedy_kinds") else REJECTED
    return r


def choose(table: dict[str, dict[str, float | int]]) -> str:
    """The mode of one field from its figures (the rule in the module doc)."""
    rules, grounded, model = table["rules"], table["grounded"], table["model"]
    alone = table["model_alone"]
    if (model["n"] >= MIN_LABELLED and model["precision"] >= rules["precision"]
            and model["f1"] >= rules["f1"]
            and alone["precision"] >= rules["precision"] - ALONE_SLACK):
        return "model"
    if grounded["precision"] >= rules["precision"] and \
            grounded["f1"] >= rules["f1"] + GROUNDED_MARGIN:
        return "grounded"
    return "rules"


def load_labels(paths: Iterable[str]) -> list[dict[str, Any]]:
    labels = []
    for path in paths:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ConfigError(f"cannot read labels {path}: {exc.strerror or exc}") from None
        labels += [json.loads(line) for line in lines if line.strip()]
    return labels


def calibrate(model_pass: Any, gold_paths: list[str], docs: str,
              progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """The calibration of ``model_pass`` on the labelled decisions: figures and modes."""
    labels = load_labels(gold_paths)
    files = [str(Path(docs) / g["file"]) for g in labels]
    missing = [f for f in files if not Path(f).is_file()]
    if missing:
        raise ConfigError(f"{len(missing)} labelled file(s) not in {docs}, e.g. {missing[0]}")
    counts = {f: {c: Counts() for c in COLUMNS} for f in FIELDS}
    usage = [0, 0]
    settings = model_pass.settings
    for g, item in zip(labels, iter_items(files), strict=True):
        if item.doc is None:
            raise ConfigError(f"{item.source}: {item.error}")
        facts, ctx = deterministic_pass(item.doc)
        questions = plan_questions(facts, ctx, settings.model_scope, settings.max_tokens, PROBE)
        asked = model_pass.ask_all(facts, item.doc, questions)
        usage[0] += asked.meter.prompt_tokens
        usage[1] += asked.meter.completion_tokens
        columns: dict[str, Any] = {"none": facts,
                                   "model_alone": answers_alone(facts, asked.answers, tuple(
                                       f for x in asked.failures for f in x.fields))}
        for mode in MODES:
            columns[mode] = merge(facts, ctx, asked.answers, asked.failures,
                                  Policy.uniform(mode))
        for column, record in columns.items():
            for name, pair in field_values(record, g).items():
                if pair is not None:
                    counts[name][column].add(*pair)
        if progress is not None:
            progress(g["file"])
    table = {f: {c: counts[f][c].figures() for c in COLUMNS} for f in FIELDS}
    modes = {f: choose(table[f]) if f != "outcome_wording" else "rules" for f in FIELDS}
    return {"modes": modes, "rule": RULE_TEXT, "backend": model_pass.name,
            "model": model_pass.model, "prompt_sha": model_pass.prompt_sha,
            "calibrated_on": {"gold": gold_paths, "docs": docs, "decisions": len(labels)},
            "date": dt.date.today().isoformat(),
            "tokens": {"prompt": usage[0], "completion": usage[1]},
            "cost_usd": cost_usd(model_pass.name, model_pass.model, *usage),
            "prices_dated": PRICES_DATED, "table": table}


def table_text(result: dict[str, Any]) -> str:
    """The calibration as a plain table: P / R / F1 per field and column, and the mode."""
    head = f"{'field':16} " + " ".join(f"{c:>16}" for c in COLUMNS) + f" {'n':>4}  mode"
    lines = [head, " " * 17 + " ".join(f"{'P / R / F1':>16}" for _ in COLUMNS)]
    for name, row in result["table"].items():
        cells = " ".join(f"{r['precision']:.2f}/{r['recall']:.2f}/{r['f1']:.2f}".rjust(16)
                         for r in row.values())
        lines.append(f"{name:16} {cells} {row['none']['n']:>4}  {result['modes'][name]}")
    lines.append(f"rule: {result['rule']}")
    return "\n".join(lines)


def calibrate_to_file(options: BackendOptions, settings: Settings, gold: list[str], docs: str,
                      out: Path, say: Callable[[str], None]) -> str:
    """``extractor calibrate``: measure the backend of ``options``, write the policy to
    ``out``; the table to print. ``say`` gets a progress line every 10 decisions."""
    done: list[str] = []

    def progress(name: str) -> None:
        done.append(name)
        if len(done) % 10 == 0:
            say(f"calibrate: {len(done)} decisions done")

    with open_model_pass(replace(options, policy=PROBE), settings) as model_pass:
        if model_pass is None:
            raise ConfigError("calibrate needs a model backend (--backend local or openai)")
        result = calibrate(model_pass, gold, docs, progress)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return f"{table_text(result)}\npolicy {Policy(result['modes']).sha} written to {out}"
