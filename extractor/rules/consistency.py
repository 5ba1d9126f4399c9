"""Rules on how the fields fit together, and on the controlled vocabularies (DOMAIN §2.3-§5)."""

from __future__ import annotations

import math
import re
from typing import Any

from extractor.models import PAYMENT_STATUSES, Issue
from extractor.rules.base import (
    NOT_INVESTIGATED,
    Context,
    get,
    issue,
    items,
    reason_codes,
    record_span,
    show,
    text,
)
from extractor.vocab import (
    NO_DISCRETION_CODES,
    REASON_CODES,
    REFERRED_TO_CODES,
    REMEDY_KINDS,
    UNPUBLISHED_CODES,
)

# Purposes of symbolic payments (distress and the like), as opposed to refunds of real loss.
SYMBOLIC_PURPOSE_REGEX = re.compile(
    r"distress|symbolic|time and trouble|uncertainty|frustration|upset|anxiety|inconvenience",
    re.IGNORECASE)
MIN_PAYMENT_GBP = 1
MAX_SYMBOLIC_PAYMENT_GBP = 50_000   # DOMAIN §5.1: flag only the implausible, not a band
MAX_PAYMENT_GBP = 1_000_000


def rule_closed_consistency(ctx: Context) -> list[Issue]:
    d = ctx.decision
    if get(d, "outcome") != NOT_INVESTIGATED:
        return []
    issues = []
    if get(d, "investigated") is True:
        issues.append(issue("closed_but_investigated", "investigated",
                            "closed after initial enquiries, yet marked investigated"))
    if get(d, "fault_found") is not None:
        issues.append(issue("closed_with_fault_finding", "fault_found",
                            "closed after initial enquiries, yet a fault finding is set"))
    return issues


def rule_not_upheld_remedy(ctx: Context) -> list[Issue]:
    d = ctx.decision
    if get(d, "outcome") != "not_upheld":
        return []
    paid = any(get(p, "status") in ("agreed", "recommended") for p in items(d, "payments"))
    apology = "apology" in items(d, "remedy_kinds")
    what = [w for w, on in (("a payment", paid), ("an apology", apology)) if on]
    if not what:
        return []
    return [issue("not_upheld_with_remedy", "outcome",
                  f"not upheld, yet {' and '.join(what)} agreed")]


def rule_upheld_without_fault(ctx: Context) -> list[Issue]:
    d = ctx.decision
    if get(d, "outcome") == "upheld" and get(d, "fault_found") is False:
        return [issue("upheld_without_fault", "fault_found", "upheld, yet fault_found is false")]
    return []


def rule_upheld_not_investigated(ctx: Context) -> list[Issue]:
    """Upheld, yet the wording says "We will not investigate": right only for an early remedy
    at assessment (DOMAIN §2.3), so a warning when no remedy or remedy reason is recorded."""
    d = ctx.decision
    if get(d, "outcome") != "upheld" or get(d, "investigated") is not False:
        return []
    if items(d, "payments") or items(d, "remedy_kinds") or \
            "satisfied_with_remedy" in reason_codes(ctx):
        return []
    return [issue("upheld_not_investigated", "investigated",
                  "upheld, yet not investigated and no remedy agreed (an Upheld at assessment "
                  "comes with an early remedy)", record_span(ctx, "investigated"))]


def rule_reasons(ctx: Context) -> list[Issue]:
    """DOMAIN §4: a decision not to investigate gives at least one reason; legal bars (no
    discretion) should not be the only reasons of an investigated case; normally unpublished
    closures are unusual as the only reason."""
    d, codes = ctx.decision, reason_codes(ctx)
    investigated = get(d, "investigated")
    if not codes and (investigated is False or get(d, "outcome") == NOT_INVESTIGATED):
        return [issue("reasons_missing", "reasons", "not investigated, but no reason given")]
    named = [c for c in codes if isinstance(c, str)]  # garbage codes are vocabulary issues
    if named and investigated is True and all(c in NO_DISCRETION_CODES for c in named):
        return [issue("no_discretion_reason_investigated", "reasons",
                      f"investigated, yet the only reasons are legal bars: {show(codes)}")]
    if len(named) == 1 and len(codes) == 1 and codes[0] in UNPUBLISHED_CODES:
        return [issue("unpublished_reason_only", "reasons",
                      f"{codes[0]} is normally an unpublished closure")]
    return []


def _outside(values: list[Any], allowed: tuple[str, ...], rule: str, where: str) -> list[Issue]:
    return [issue(rule, where.format(i), f"{show(v)} is not in the vocabulary")
            for i, v in enumerate(values) if v not in allowed]


def rule_vocabularies(ctx: Context) -> list[Issue]:
    d = ctx.decision
    statuses = [get(p, "status") for p in items(d, "payments")]
    return (_outside(reason_codes(ctx), REASON_CODES, "reason_code_unknown", "reasons[{}].code")
            + _outside(items(d, "referred_to"), REFERRED_TO_CODES, "referred_to_unknown",
                       "referred_to[{}]")
            + _outside(items(d, "remedy_kinds"), REMEDY_KINDS, "remedy_kind_unknown",
                       "remedy_kinds[{}]")
            + [issue("payment_status_invalid", f"payments[{i}].status",
                     f"{show(s)} is not one of {', '.join(PAYMENT_STATUSES)}")
               for i, s in enumerate(statuses) if s is not None and s not in PAYMENT_STATUSES])


def _amount_problem(amount: Any, purpose: Any) -> str | None:
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        return f"amount {show(amount)} is not a number"
    if not math.isfinite(amount) or not MIN_PAYMENT_GBP <= amount <= MAX_PAYMENT_GBP:
        return f"£{amount} is not a plausible payment"
    if amount > MAX_SYMBOLIC_PAYMENT_GBP and SYMBOLIC_PURPOSE_REGEX.search(text(purpose) or ""):
        return f"£{amount} is implausible for a symbolic payment ({purpose})"
    return None


def rule_payment_amounts(ctx: Context) -> list[Issue]:
    issues = []
    for i, p in enumerate(items(ctx.decision, "payments")):
        amount = get(p, "amount_gbp")
        problem = None if amount is None else _amount_problem(amount, get(p, "purpose"))
        if problem:
            issues.append(issue("payment_amount_implausible", f"payments[{i}].amount_gbp",
                                problem))
    return issues
