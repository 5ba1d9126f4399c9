"""The lazy grammar check (``extractor/model/lazy_grammar.py``): which requests it takes, its
repetition penalties against llama.cpp's rule, and (``live``: the packaged model, in this
process) that it picks exactly the tokens llama-cpp-python's own grammar-first chain picks,
with the server's default repeat penalty, for the answer schemas the model is asked."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from extractor.model import answers, lazy_grammar

HAS_LLAMA = importlib.util.find_spec("llama_cpp") is not None
SENTENCES = ("The Council has agreed to apologise to Mrs B and pay her £150 for her distress.",
             "We will not investigate because Mr C can appeal to the tribunal.",
             "The Council delayed the review by four months, which was fault.")


@pytest.mark.parametrize(("temp", "processors", "options", "plain"), [
    (0.0, None, {}, True),
    (0.0, None, {"repeat_penalty": 1.1}, True),           # the server's default: penalised
    (0.0, None, {"top_k": 40, "top_p": 0.95}, True),      # ignored by greedy
    (0.0, None, {"presence_penalty": 0.5, "frequency_penalty": 0.2}, True),
    (0.7, None, {}, False),                               # a re-ask samples
    (0.0, [lambda ids, logits: logits], {}, False),       # a logits processor sees every token
    (0.0, None, {"mirostat_mode": 2}, False),
])
def test_only_greedy_sampling_is_taken(temp: float, processors: Any,
                                       options: dict[str, float], plain: bool) -> None:
    assert lazy_grammar.plain_greedy(temp, processors, options) is plain


# (penalties, tokens accepted, logits of tokens 0-3, expected logits): llama.cpp's rule, float32
PENALTY_CASES = [
    ((64, 1.1, 0.0, 0.0), [], [1.0, -1.0, 2.0, 0.0], [1.0, -1.0, 2.0, 0.0]),
    ((64, 1.1, 0.0, 0.0), [0, 1, 1], [1.1, -1.0, 2.0, 0.0],
     [np.float32(1.1) / np.float32(1.1), np.float32(-1.0) * np.float32(1.1), 2.0, 0.0]),
    ((64, 1.0, 0.5, 0.25), [2, 2, 3], [1.0, 1.0, 2.0, 0.0], [1.0, 1.0, 0.75, -0.75]),
    ((2, 1.1, 0.0, 0.0), [0, 1, 2], [1.0, 1.0, 1.0, 1.0],      # only the last 2 count
     [1.0, np.float32(1.0) / np.float32(1.1), np.float32(1.0) / np.float32(1.1), 1.0]),
    ((0, 1.1, 0.0, 0.0), [0, 1], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]),  # last_n 0: off
    ((64, 1.0, 0.0, 0.0), [0, 1], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]),  # neutral
]


@pytest.mark.parametrize(("penalties", "accepted", "logits", "expected"), PENALTY_CASES)
def test_penalties_follow_llama_cpp(penalties: tuple[int, float, float, float],
                                    accepted: list[int], logits: list[float],
                                    expected: list[float]) -> None:
    rule = lazy_grammar.Penalties(*penalties)
    for token in accepted:
        rule.accept(token)
    given = np.array(logits, dtype=np.float32)
    out = rule.apply(given)
    assert out.dtype == np.float32 and out.tolist() == np.array(expected, np.float32).tolist()
    assert given.tolist() == np.array(logits, np.float32).tolist()  # the model's own untouched


def test_install_without_llama_cpp_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins
    real_import = builtins.__import__

    def no_llama(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("llama_cpp"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_llama)
    assert lazy_grammar.install() is False


def _schemas() -> list[dict[str, Any]]:
    """The answer schemas the model is asked with (answers.py), over SENTENCES."""
    reasons = ("no_worthwhile_outcome", "tribunal_appeal_available", "other")
    models = [answers.reasons_model(SENTENCES, reasons, 2),
              answers.remedies_model(SENTENCES, ("apology", "payment", "other"), 3),
              answers.status_model(SENTENCES, ("investigated", "fault_found"))]
    return [m.model_json_schema() for m in models]


@pytest.mark.live
@pytest.mark.skipif(not HAS_LLAMA, reason="needs llama-cpp-python (the local extra)")
def test_lazy_check_picks_the_same_tokens_as_the_grammar_first_chain() -> None:
    from llama_cpp import Llama, LlamaGrammar
    from llama_cpp import llama as llama_module

    from extractor.model.local_server import PACKAGED_ADAPTER, packaged_gguf

    llm = Llama(str(packaged_gguf()), lora_path=str(PACKAGED_ADAPTER), n_ctx=1024,
                n_threads=2, verbose=False)
    original = llama_module.Llama._init_sampler
    lines = "\n".join(f"{n}. {s}" for n, s in enumerate(SENTENCES, 1))
    prompt = ("<start_of_turn>user\nAnswer in JSON about these sentences of an Ombudsman "
              f"decision.\n{lines}<end_of_turn>\n<start_of_turn>model\n")
    try:
        for schema in _schemas():
            texts, samplers = [], []
            for lazy in (False, True):
                llama_module.Llama._init_sampler = original
                if lazy:
                    assert lazy_grammar.install()
                grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
                llm.reset()
                out = llm.create_completion(prompt, max_tokens=60, temperature=0.0,
                                            repeat_penalty=1.1, grammar=grammar)
                texts.append(out["choices"][0]["text"])
                samplers.append(llm._sampler)
            assert texts[0] == texts[1]
            json.loads(texts[1])  # a complete answer, as the grammar demands
            assert isinstance(samplers[1], lazy_grammar.LazyGrammarSampler)
            assert samplers[1].picked > samplers[1].refused
    finally:
        llama_module.Llama._init_sampler = original


def test_the_server_entry_point_is_the_module_local_server_runs() -> None:
    from extractor.model import local_server

    module = local_server.SERVER_MODULE.replace(".", "/") + ".py"
    assert (Path(__file__).resolve().parents[1] / module).is_file()
