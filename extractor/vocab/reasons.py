"""Reasons for not investigating (DOMAIN.md §4): every code defined once, with what each stage
needs of it (the fields: ``reason_code``). The discretionary tests are in
``reasons_discretion``, the routes elsewhere and the legal bars in ``reasons_jurisdiction``;
``REASONS`` keeps the order in which the model is offered them."""

from __future__ import annotations

from extractor.vocab.reason_code import DISCRETION, ReasonCode
from extractor.vocab.reasons_discretion import DISCRETIONARY
from extractor.vocab.reasons_jurisdiction import JURISDICTIONAL

REASONS: tuple[ReasonCode, ...] = DISCRETIONARY + JURISDICTIONAL

__all__ = ["DISCRETION", "REASONS", "ReasonCode"]
