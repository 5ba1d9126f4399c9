"""Stage 7, check: deterministic rules that return issues as data and never raise."""

from __future__ import annotations

from extractor.models import Decision, Issue


RULE_NAMES: frozenset[str] = frozenset()


def check_decision(decision: Decision, source_text: str | None) -> list[Issue]:
    """Every rule finding for ``decision`` read from ``source_text`` (the loaded text;
    ``None`` when it is not at hand, which skips the grounding rules)."""
    return []
