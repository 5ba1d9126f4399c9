"""The model alone: its codes on the offered sentences, before the merge, against the hand labels.

Each decision gets every question that applies to it, each asked with that question's own fields
cleared from the facts (so the prompt does not tell the model what the rules found, as in
training), through the embedded llama.cpp server started exactly as the ``local`` backend starts
it, bare or with an adapter. Nothing is merged: per semantic field the model's values are
compared with the labels (``../shared/corpus/*-gold.jsonl``):

- reasons (decisions labelled not investigated), remedy_kinds: codes per decision, micro
  precision / recall; payment_status: (amount, status) pairs; investigated, fault_found:
  precision = right / answered yes-no, recall = right / labelled.
- For reasons and remedy kinds, the model's codes the rules did not find are split by the
  merge's support cue (``merge.supports_reason`` / ``supports_remedy``): ``new+cue`` the merge
  takes, ``new-cue`` it drops. Their precision is the measurement behind any loosening.

Usage (repository root; the project venv has llama-cpp-python; train/MODEL_CARD.md has the
figures; a saved run is resumed):
    EXTRACTOR_MAX_ATTEMPTS=1 .venv/bin/python bench/bench_model_alone.py --adapter none \
        --files bench/dev-subset-6.txt --json out/alone-bare.json
        # --adapter F.gguf for another adapter; default: the packaged one
    .venv/bin/python bench/bench_model_alone.py --from-json out/alone-bare.json   # re-score
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from extractor.model import local_server  # noqa: E402
from extractor.model import merge as M  # noqa: E402
from extractor.model import prompt as P  # noqa: E402
from extractor.pipeline import deterministic_pass  # noqa: E402
from extractor.read.load import Document  # noqa: E402
from extractor.settings import Settings  # noqa: E402

FIELDS = ("reasons", "remedy_kinds", "payment_status", "investigated", "fault_found")


def questions_alone(facts: Any, ctx: Any) -> list[Any]:
    """Every question that applies, each with its own fields cleared (scope ``gaps``)."""
    def doc(**cleared: Any) -> Any:
        return P.Doc(facts.model_copy(deep=True, update=cleared), ctx)
    open_pay = [p.model_copy(update={"status": None, "purpose": None}) for p in facts.payments]
    planned = (P.reasons_question(doc(reasons=[])), P.remedies_question(doc(remedy_kinds=[])),
               P.payments_question(doc(payments=open_pay)),
               P.status_question(doc(investigated=None, fault_found=None)))
    return [q for q in planned if q is not None]


def quote(item: Any) -> str:
    """The sentence an answer item names: ``item.quote`` (the offered sentence its number
    points at), or the sentence it copied (the format before issue 11 item 1)."""
    return str(getattr(item, "quote", None) or item.sentence)


def answer_rows(q: Any, answer: Any) -> list[dict[str, Any]]:
    """The model's values of one answer, as plain rows (kept in the JSON for re-scoring)."""
    if q.name == "status":
        sentence = quote(answer)
        return [{"field": f, "value": getattr(answer, f), "sentence": sentence}
                for f in ("investigated", "fault_found") if hasattr(answer, f)]
    if q.name == "payments":
        return [{"field": "payment_status", "value": [i.amount_gbp, i.status]}
                for i in answer.items]
    field, key = ("reasons", "code") if q.name == "reasons" else ("remedy_kinds", "kind")
    return [{"field": field, "value": getattr(i, key), "sentence": quote(i)}
            for i in answer.items]


def ask_doc(model_pass: Any, gold: dict[str, Any], docs: Path) -> dict[str, Any]:
    rec = json.loads((docs / gold["file"]).read_text(encoding="utf-8"))
    doc = Document(rec["text"], gold["file"], rec.get("url"))
    facts, ctx = deterministic_pass(doc)
    questions = questions_alone(facts, ctx)
    started = time.perf_counter()
    asked = model_pass.ask_all(facts, doc, questions)
    rows = [r for q in questions if q.name in asked.answers
            for r in answer_rows(q, asked.answers[q.name])]
    return {"file": gold["file"], "rows": rows, "asked": [q.name for q in questions],
            "failed": [f"{f.question}: {f.message}" for f in asked.failures],
            "tokens": asked.meter.total, "seconds": round(time.perf_counter() - started, 1),
            "rule_reasons": [r.code for r in facts.reasons],
            "rule_remedies": list(facts.remedy_kinds)}


def ask_all(model_pass: Any, alias: str, gold: list[dict[str, Any]], docs: Path,
            save: Path | None) -> dict[str, Any]:
    """Ask every decision; the answers so far are saved after each one (runs are long) and a
    run that finds them saved goes on from there."""
    result: dict[str, Any] = {"model": alias, "seconds": 0.0, "docs": []}
    if save and save.is_file():  # resume: keep the decisions already asked
        result = json.loads(save.read_text(encoding="utf-8"))
    done = {d["file"] for d in result["docs"]}
    started = time.perf_counter() - result["seconds"]
    for i, g in enumerate(gold, 1):
        if g["file"] in done:
            continue
        result["docs"].append(ask_doc(model_pass, g, docs))
        result["seconds"] = round(time.perf_counter() - started, 1)
        print(f"{i}/{len(gold)} {g['file']} {result['seconds']} s", file=sys.stderr, flush=True)
        if save:
            save.parent.mkdir(parents=True, exist_ok=True)
            save.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def run(adapter: str | None, gold: list[dict[str, Any]], docs: Path, save: Path | None = None
        ) -> dict[str, Any]:
    """Start the embedded server (bare or with ``adapter``), ask every decision, stop."""
    from extractor.model.llm import LLMPass, choose_mode
    settings = Settings.from_env()
    with local_server.local_server(settings, adapter=adapter) as server:
        model_pass = LLMPass.connect("local", server.base_url, "none", server.model, settings,
                                     choose_mode("tools"))
        return ask_all(model_pass, server.model, gold, docs, save)


def _pr(right: int, given: int, wanted: int) -> str:
    p = f"{right / given:.2f}" if given else "  - "
    r = f"{right / wanted:.2f}" if wanted else "  - "
    return f"P {p} R {r} ({right}/{given}/{wanted})"


def gold_values(g: dict[str, Any], field: str) -> set[Any] | None:
    """The labelled values of one field (None: not scored on this decision)."""
    if field == "reasons":
        return set(g.get("reasons") or []) if g.get("investigated") is False else None
    if field == "remedy_kinds":
        return set(g.get("remedy_kinds") or [])
    if field == "payment_status":
        return {(float(p["amount_gbp"]), p["status"]) for p in g.get("payments") or []}
    value = g.get(field)
    return None if value is None else {"yes" if value else "no"}


def model_values(doc: dict[str, Any], field: str) -> set[Any]:
    vals = {tuple(r["value"]) if isinstance(r["value"], list) else r["value"]
            for r in doc["rows"] if r["field"] == field}
    if field == "payment_status":
        vals = {(float(a), s) for a, s in vals}
    return vals - {"unclear"}


def supported(field: str, row: dict[str, Any]) -> bool:
    if field == "reasons":
        return M.supports_reason(row["value"], row["sentence"])
    if field == "remedy_kinds":
        return M.supports_remedy(row["value"], row["sentence"])
    return bool(M.STATUS_SUPPORT[(field, row["value"])].search(row["sentence"]))


def split_new(doc: dict[str, Any], field: str, want: set[Any], tally: Counter[str]) -> None:
    """Tally the model's values the rules did not find, by whether the support cue takes them."""
    rules = set(doc["rule_reasons"] if field == "reasons" else doc["rule_remedies"])
    seen: set[Any] = set()
    for row in doc["rows"]:
        if row["field"] != field or row["value"] in rules | seen:
            continue
        seen.add(row["value"])
        part = "new+cue" if supported(field, row) else "new-cue"
        tally[part] += 1
        tally[part + " right"] += row["value"] in want


def score(result: dict[str, Any], gold: list[dict[str, Any]]) -> dict[str, Any]:
    by_file = {g["file"]: g for g in gold}
    out: dict[str, Any] = {}
    for field in FIELDS:
        t: Counter[str] = Counter()
        for doc in result["docs"]:
            want = gold_values(by_file[doc["file"]], field)
            if want is None:
                continue
            have = model_values(doc, field)
            t.update(right=len(have & want), given=len(have), wanted=len(want))
            if field in ("reasons", "remedy_kinds"):
                split_new(doc, field, want, t)
        out[field] = dict(t)
    return out


def print_report(name: str, result: dict[str, Any], scores: dict[str, Any]) -> None:
    docs = result["docs"]
    asked = Counter(q for d in docs for q in d["asked"])
    failed = sum(len(d["failed"]) for d in docs)
    tokens = sum(d.get("tokens", 0) for d in docs)
    seconds = sum(d.get("seconds", 0) for d in docs) or result["seconds"]
    n = max(len(docs), 1)
    print(f"== {name} ({result['model']}): {len(docs)} decisions, questions {dict(asked)}, "
          f"failed {failed}; {seconds / n:.1f} s and {tokens / n:.0f} tokens per decision")
    for field, t in scores.items():
        line = f"{field:15} {_pr(t.get('right', 0), t.get('given', 0), t.get('wanted', 0))}"
        for part in ("new+cue", "new-cue"):
            if t.get(part):
                line += f"; {part} {t[part + ' right']}/{t[part]} right"
        print(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--adapter", default=str(local_server.PACKAGED_ADAPTER),
                    help="adapter GGUF, or none for the bare model")
    ap.add_argument("--gold", type=Path, default=SHARED / "corpus" / "dev-gold.jsonl")
    ap.add_argument("--docs", type=Path, default=SHARED / "corpus" / "dev")
    ap.add_argument("--files", type=Path, help="only the decisions named in this file")
    ap.add_argument("--limit", type=int, default=None, help="only the first N decisions")
    ap.add_argument("--json", type=Path, help="write the answers here (for --from-json)")
    ap.add_argument("--from-json", type=Path, help="re-score answers saved by --json")
    args = ap.parse_args()
    gold = [json.loads(line) for line in args.gold.open(encoding="utf-8") if line.strip()]
    if args.files:
        lines = args.files.read_text(encoding="utf-8").splitlines()
        keep = {ln.split("#", 1)[0].strip() for ln in lines} - {""}
        gold = [g for g in gold if g["file"] in keep]
    gold = gold[:args.limit] if args.limit else gold
    if args.from_json:
        result = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        adapter = None if args.adapter.lower() in local_server.NO_ADAPTER else args.adapter
        result = run(adapter, gold, args.docs, args.json)
    wanted = {g["file"] for g in gold}  # a saved run may hold more decisions than asked for
    result["docs"] = [d for d in result["docs"] if d["file"] in wanted]
    name = args.from_json.stem if args.from_json else args.adapter
    print_report(name, result, score(result, gold))


if __name__ == "__main__":
    main()
