"""Benchmark of the LoRA adapter: ``none`` vs ``local`` (base model) vs ``local`` + adapter.

Each model column runs the embedded llama.cpp server exactly as the ``local`` backend starts it
(``local_server.server_command``), bare for the ``local`` column and with ``--lora_path`` for
the adapter column (default: the packaged adapter), and points
``extractor extract --backend openai --base-url`` at it, so the two model columns differ only
in the adapter. Scores every ``score.py`` field side by side over the dev corpus (measuring
only), with seconds and tokens per decision and what the model did (``bench_model.py``'s table).

Usage (repository root; needs the ``local`` extra in .venv):
    .venv/bin/python bench/bench_adapter.py        # the packaged adapter (or --adapter F.gguf)
    .venv/bin/python bench/bench_adapter.py --limit 30 --asked-only   # CPU-friendly subset:
        # the first 30 dev decisions the model pass would ask about (EXTRACTOR_MODEL_SCOPE)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.model import local_server  # noqa: E402
from extractor.model.prompt import plan_questions  # noqa: E402
from extractor.pipeline import deterministic_pass  # noqa: E402
from extractor.read.load import Document  # noqa: E402
from extractor.settings import Settings  # noqa: E402


def _bench_model() -> Any:
    spec = importlib.util.spec_from_file_location("bench_model", ROOT / "bench" / "bench_model.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BM = _bench_model()


def asked(gold: list[dict[str, Any]], docs: str) -> list[dict[str, Any]]:
    """The gold rows of decisions the model pass would ask at least one question about (in
    the scope ``EXTRACTOR_MODEL_SCOPE`` sets, as the extract runs will)."""
    out = []
    for g in gold:
        rec = json.loads((Path(docs) / g["file"]).read_text(encoding="utf-8"))
        facts, ctx = deterministic_pass(Document(rec["text"], g["file"], rec.get("url")))
        if plan_questions(facts, ctx, Settings.from_env().model_scope):
            out.append(g)
    return out


def run_with_server(scorer: Any, extractor: str, gold: list[dict[str, Any]], docs: str,
                    lora: str | None) -> dict[str, Any]:
    """Start the embedded server (with the adapter when given), extract, score, stop."""
    with local_server.local_server(Settings.from_env(), adapter=lora) as server:
        backend = f"openai --base-url {server.base_url} --model {server.model}"
        return BM.run_backend(scorer, extractor, backend, gold, docs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--adapter", default=str(local_server.PACKAGED_ADAPTER))
    ap.add_argument("--gold", default=str(BM.SHARED / "corpus" / "dev-gold.jsonl"))
    ap.add_argument("--docs", default=str(BM.SHARED / "corpus" / "dev"))
    ap.add_argument("--scorer", default=str(BM.SHARED / "tools" / "score.py"))
    ap.add_argument("--extractor", default=str(Path(sys.executable).parent / "extractor"))
    ap.add_argument("--limit", type=int, default=None, help="only the first N decisions")
    ap.add_argument("--asked-only", action="store_true",
                    help="only decisions the model pass asks about (before --limit)")
    ap.add_argument("--columns", default="none,local,adapter",
                    help="which of none, local (base model), adapter to run")
    ap.add_argument("--json", help="also write the reports here")
    args = ap.parse_args()
    scorer = BM.load_scorer(Path(args.scorer))
    gold = [json.loads(line) for line in open(args.gold, encoding="utf-8") if line.strip()]
    gold = asked(gold, args.docs) if args.asked_only else gold
    gold = gold[:args.limit] if args.limit else gold
    runs = {"none": lambda: BM.run_backend(scorer, args.extractor, "none", gold, args.docs),
            "local": lambda: run_with_server(scorer, args.extractor, gold, args.docs, None),
            "adapter": lambda: run_with_server(scorer, args.extractor, gold, args.docs,
                                               args.adapter)}
    reports = {name: runs[name]() for name in args.columns.split(",")}
    BM.print_table(reports)
    if args.json:
        Path(args.json).write_text(json.dumps(reports, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
