"""Stage 7, check: deterministic rules that return issues as data and never raise.

Each rule is a small function ``(ctx) -> list[Issue]`` in the ``RULES`` table, grouped by what
it checks: ``header`` (reference, date, category, outcome), ``citations``, ``source``
(grounding, not_a_decision) and ``consistency``. Rule ids and default severities are one
policy dict (``policy.SEVERITY``), tunable per call. Rules read the record loosely, so a record
read from a file, or built without validation, can hold anything without a rule raising; a
rule that fails all the same becomes a ``rule_internal_error`` issue, never an exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from extractor.models import Issue
from extractor.rules import citations, consistency, header, source
from extractor.rules.base import Context, Rule, issue
from extractor.rules.policy import (
    REF_BEFORE_BUSINESS_YEAR_SEVERITY,
    RULE_NAMES,
    SEVERITY,
    SEVERITY_LEVELS,
    policy,
)

__all__ = ["RULES", "RULE_NAMES", "SEVERITY", "SEVERITY_LEVELS",
           "REF_BEFORE_BUSINESS_YEAR_SEVERITY", "check_decision"]

RULES: dict[str, Rule] = {
    "reference": header.rule_reference,
    "reference_url": header.rule_reference_url,
    "reference_vs_date": header.rule_reference_vs_date,
    "decision_date": header.rule_decision_date,
    "decision_date_header": header.rule_decision_date_header,
    "category": header.rule_category,
    "category_url": header.rule_category_url,
    "outcome": header.rule_outcome,
    "citations": citations.rule_citations,
    "reason_citations": citations.rule_reason_citations,
    "grounding": source.rule_grounding,
    "not_a_decision": source.rule_not_a_decision,
    "reference_missing": source.rule_reference_missing,
    "several_decisions": source.rule_several_decisions,
    "closed_consistency": consistency.rule_closed_consistency,
    "not_upheld_remedy": consistency.rule_not_upheld_remedy,
    "upheld_without_fault": consistency.rule_upheld_without_fault,
    "upheld_not_investigated": consistency.rule_upheld_not_investigated,
    "reasons": consistency.rule_reasons,
    "vocabularies": consistency.rule_vocabularies,
    "payment_amounts": consistency.rule_payment_amounts,
}

DEFAULT_LEVELS = policy(None)  # every rule at its default severity (read, never changed)


def _run(ctx: Context) -> list[Issue]:
    found: list[Issue] = []
    for name, rule in RULES.items():
        try:
            found.extend(rule(ctx))
        except Exception as exc:  # noqa: BLE001 - a rule bug must not lose the record
            found.append(issue("rule_internal_error", None,
                               f"rule {name} failed: {type(exc).__name__}: {exc}"))
    return found


def check_decision(decision: Any, source_text: str | None, *, today: date | None = None,
                   severity: Mapping[str, str] | None = None) -> list[Issue]:
    """Every rule finding for ``decision`` read from ``source_text`` (the loaded text;
    ``None`` when it is not at hand, which skips the rules that read it). ``today`` fixes the
    clock for the date rules; ``severity`` overrides the default of any rule id ("off" drops
    it). ``decision`` is a ``Decision`` or a dict of the same shape."""
    levels = DEFAULT_LEVELS if severity is None else policy(severity)
    ctx = Context(decision, source_text if isinstance(source_text, str) else None,
                  today or date.today())
    return [i if levels[i.rule] == i.severity else i.model_copy(update={"severity":
                                                                         levels[i.rule]})
            for i in _run(ctx) if levels[i.rule] != "off"]
