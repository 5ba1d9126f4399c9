"""Greedy decoding under a grammar, checked lazily: the same tokens, a fraction of the work.

llama-cpp-python (0.3.x) puts the grammar sampler first in its chain, so every generated token
runs the grammar over the whole vocabulary (262,144 tokens for Gemma 3) before the greedy pick:
measured on the embedded model, about 55 ms of grammar per token against 21 ms for the model
itself. llama.cpp's own sampler (``common/sampling.cpp``) does it the other way round: pick
first, then ask the grammar about that one token, and run the grammar over the whole vocabulary
only when it refuses.

For greedy decoding (temperature 0, no logits processors) the two give the same token: when
the grammar allows the model's top token, that token is also the top among the allowed ones;
when it refuses, the whole vocabulary is filtered and the top allowed token is taken, exactly
as before (ties go to the lowest token id in both). The repetition penalties come first, as in
llama-cpp-python's chain, computed as llama.cpp computes them (``Penalties``): the server's
default ``repeat_penalty`` is 1.1, over the tokens generated so far. Every other kind of
sampling (re-asks sample at a temperature) keeps llama-cpp-python's own chain.

``install()`` patches ``llama_cpp.Llama._init_sampler`` in the server process
(``serve.py``); it returns False, and changes nothing, on a llama-cpp-python whose internals
differ from the ones this was written against.
"""

from __future__ import annotations

import ctypes
from collections import Counter, deque
from typing import Any

import numpy as np

# The penalties llama-cpp-python's chain applies before the grammar (its defaults).
PENALTIES = {"repeat_penalty": 1.0, "frequency_penalty": 0.0, "presence_penalty": 0.0}
# The C functions and types the sampler uses (checked by install()).
NEEDED = ("llama_sampler_init_grammar", "llama_sampler_apply", "llama_sampler_accept",
          "llama_sampler_free", "llama_get_logits_ith", "llama_token_data",
          "llama_token_data_array")


class Penalties:
    """llama.cpp's repetition penalties (``llama_sampler_penalties``) over the last ``last_n``
    tokens of this completion, in float32 as there: a token seen has its logit multiplied by
    ``repeat`` when it is at most 0, else divided by it, then less ``count * freq`` and
    ``present``."""

    def __init__(self, last_n: int, repeat: float, freq: float, present: float):
        self.last_n = last_n
        self.repeat, self.freq, self.present = (np.float32(v) for v in (repeat, freq, present))
        self.active = last_n > 0 and (repeat != 1.0 or freq != 0.0 or present != 0.0)
        self.history: deque[int] = deque()
        self.counts: Counter[int] = Counter()

    def apply(self, logits: np.ndarray) -> np.ndarray:
        """The penalised logits (a copy when any token is penalised)."""
        if not self.active or not self.counts:
            return logits
        out = logits.copy()
        for token, count in self.counts.items():
            logit = out[token]
            logit = logit * self.repeat if logit <= 0 else logit / self.repeat
            out[token] = logit - (np.float32(count) * self.freq + np.float32(1) * self.present)
        return out

    def accept(self, token: int) -> None:
        if not self.active:
            return
        if len(self.history) >= self.last_n:
            old = self.history.popleft()
            self.counts[old] -= 1
            if not self.counts[old]:
                del self.counts[old]
        self.history.append(token)
        self.counts[token] += 1


class LazyGrammarSampler:
    """Greedy pick, then the grammar asked about that token only; the whole vocabulary is
    filtered only when the grammar refuses it. Duck-types ``_internals.LlamaSampler.sample``."""

    def __init__(self, lib: Any, model: Any, grammar: Any, n_vocab: int,
                 penalties: Penalties | None = None):
        self.lib, self.n_vocab = lib, n_vocab
        self.penalties = penalties or Penalties(0, 1.0, 0.0, 0.0)
        self.grammar = lib.llama_sampler_init_grammar(
            model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8"))
        if not self.grammar:
            raise ValueError("llama.cpp could not parse the grammar")
        self.one = (lib.llama_token_data * 1)()
        self.full = (lib.llama_token_data * n_vocab)()
        self.full_view = np.ctypeslib.as_array(self.full)  # columns: id, logit, p
        self.full_view["id"] = np.arange(n_vocab, dtype=np.int32)
        self.refused = 0  # tokens the grammar refused (the whole vocabulary was filtered)
        self.picked = 0

    def sample(self, ctx: Any, idx: int = -1) -> int:
        logits = self.penalties.apply(np.ctypeslib.as_array(
            self.lib.llama_get_logits_ith(ctx.ctx, idx), shape=(self.n_vocab,)))
        token = int(np.argmax(logits))
        if not self.allows(token, float(logits[token])):
            token = self.best_allowed(logits)
        self.lib.llama_sampler_accept(self.grammar, token)
        self.penalties.accept(token)
        self.picked += 1
        return token

    def allows(self, token: int, logit: float) -> bool:
        self.one[0].id, self.one[0].logit, self.one[0].p = token, logit, 0.0
        self.apply(self.one, 1)
        return bool(np.isfinite(self.one[0].logit))

    def best_allowed(self, logits: np.ndarray) -> int:
        self.refused += 1
        self.full_view["id"] = np.arange(self.n_vocab, dtype=np.int32)
        self.full_view["logit"] = logits
        self.apply(self.full, self.n_vocab)
        return int(self.full_view["id"][int(np.argmax(self.full_view["logit"]))])

    def apply(self, data: ctypes.Array[Any], size: int) -> None:
        array = self.lib.llama_token_data_array(
            data=ctypes.cast(data, ctypes.POINTER(self.lib.llama_token_data)),
            size=size, selected=-1, sorted=False)
        self.lib.llama_sampler_apply(self.grammar, ctypes.byref(array))

    def close(self) -> None:
        if self.grammar:
            self.lib.llama_sampler_free(self.grammar)
            self.grammar = None

    def __del__(self) -> None:
        self.close()


def plain_greedy(temp: float, logits_processor: Any, options: dict[str, Any]) -> bool:
    """Whether llama-cpp-python's chain would be penalties + grammar + greedy."""
    return temp == 0.0 and logits_processor is None and options.get("mirostat_mode", 0) == 0


def penalties_of(options: dict[str, Any], last_n: int) -> Penalties:
    """The penalties llama-cpp-python's chain would apply, from its sampling options."""
    repeat, freq, present = (float(options.get(name, value)) for name, value in
                             PENALTIES.items())
    return Penalties(last_n, repeat, freq, present)


def install() -> bool:
    """Use the lazy grammar check for greedy, grammar-constrained requests in this process."""
    try:
        import llama_cpp
        from llama_cpp import llama as llama_module
    except ImportError:
        return False
    if not all(hasattr(llama_cpp, name) for name in NEEDED) or \
            not hasattr(llama_module.Llama, "_init_sampler"):
        return False
    original = llama_module.Llama._init_sampler
    if getattr(original, "lazy_grammar", False):
        return True

    def _init_sampler(self: Any, *args: Any, grammar: Any = None, temp: float = 0.80,
                      logits_processor: Any = None, **options: Any) -> Any:
        if grammar is not None and not args and plain_greedy(temp, logits_processor, options):
            return LazyGrammarSampler(llama_cpp, self._model, grammar, self._n_vocab,
                                      penalties_of(options, self.last_n_tokens_size))
        return original(self, *args, grammar=grammar, temp=temp,
                        logits_processor=logits_processor, **options)

    _init_sampler.lazy_grammar = True  # type: ignore[attr-defined]
    llama_module.Llama._init_sampler = _init_sampler
    return True
