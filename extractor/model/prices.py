"""What a model's tokens cost: a small dated price table of named hosted models.

Prices are US dollars per million tokens (input, output) as the providers list them on
``PRICES_DATED``; they change, so the date is kept with every figure computed from them. A local
model (the embedded server, ``--backend none``) costs 0; a model not in the table has no cost
(``None``), rather than a guess. A model name matches its entry or a dated snapshot of it
(``gpt-4o-mini-2024-07-18`` is ``gpt-4o-mini``).
"""

from __future__ import annotations

from dataclasses import dataclass

PRICES_DATED = "2025-06-01"


@dataclass(frozen=True)
class Price:
    input_per_m: float   # USD per million prompt tokens
    output_per_m: float  # USD per million completion tokens


PRICES: dict[str, Price] = {  # OpenAI's list prices on PRICES_DATED
    "gpt-4o-mini": Price(0.15, 0.60),
    "gpt-4o": Price(2.50, 10.00),
    "gpt-4.1-nano": Price(0.10, 0.40),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1": Price(2.00, 8.00),
    "o4-mini": Price(1.10, 4.40),
}
FREE_BACKENDS = ("none", "local")


def price_of(model: str | None) -> Price | None:
    """The entry for ``model`` (longest name first, so gpt-4o-mini is not gpt-4o)."""
    if not model:
        return None
    for name in sorted(PRICES, key=len, reverse=True):
        if model == name or model.startswith(name + "-"):
            return PRICES[name]
    return None


def cost_usd(backend: str, model: str | None, prompt_tokens: int, completion_tokens: int
             ) -> float | None:
    """Dollars for these tokens: 0 for a local backend, None for a model the table lacks."""
    if backend in FREE_BACKENDS:
        return 0.0
    price = price_of(model)
    if price is None:
        return None
    return round((prompt_tokens * price.input_per_m + completion_tokens * price.output_per_m)
                 / 1_000_000, 8)
