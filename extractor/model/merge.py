"""Merge the model's answers into the deterministic record, as far as the trust policy says
(``policy.py``: per field ``rules``, ``grounded`` or ``model``). In mode ``rules`` (every field
of a backend without a policy) the rules always win:

- A field the facts settled keeps the facts' value; a model answer that differs becomes a
  ``model_disagrees`` issue (the model never overrides a rule).
- Where the facts abstain (``None``, or a code missing from a list) the model may fill in, but
  only with evidence: the sentence it names (by number: ``item.quote`` is the project's own copy
  of it, so always in the source) must itself support the code (the vocabulary's ``support``
  cues, looser than the facts' phrase rules but specific to each code). An answer without such
  support is dropped with a ``model_unsupported`` info issue.
  The model may add reason codes and remedy kinds to those the rules found, never remove one;
  a reason the model reads from the very sentence a rule read as another code is a
  disagreement, not an addition.
- Payments: the model may give the status or purpose of an amount the facts found; it never adds
  an amount.
- Mode ``grounded``: an answer naming an offered sentence is taken where the rules left a gap
  or a list code out, with no support-cue gate; the rules' values stay.
- Mode ``model``: the answer wins; a rule value it drops or changes is a ``model_overrides``
  warning naming it. A question that failed leaves the rules' values.
- A question whose retries ran out leaves its fields to the facts and adds an
  ``extraction_failed`` error issue: the record is still written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from extractor.facts.extract import Context
from extractor.facts.remedies import (
    NOT_GIVEN_REGEX,
    STATUS_CUE_REGEX,
    SUPPORT_NEGATION_WINDOW,
)
from extractor.model.answers import citation_conflict, squash
from extractor.model.policy import RULES, Policy
from extractor.models import Decision, Issue, Payment, Reason, Span
from extractor.rules.policy import (
    DISAGREES_RULE,
    FAILED_RULE,
    OVERRIDES_RULE,
    UNGROUNDED_RULE,
    UNSUPPORTED_RULE,
)
from extractor.vocab import REASON, REMEDY, route_of
from extractor.vocab.phrases import cue
from extractor.vocab.referrals import REFERRALS

# What a model's sentence must say for its investigated / fault found answer to be taken.
STATUS_SUPPORT: dict[tuple[str, str], re.Pattern[str]] = {
    ("investigated", "no"): cue(r"\b(?:will|did|do|shall|can|could|decided) ?not "
                                r"(?:\w+ )?investigat|\bwon'?t investigat|\bcannot investigat"),
    ("investigated", "yes"): cue(r"\b(?:I|we) (?:have )?(?:investigated|found|uphold|upheld)"
                                 r"|\b(?:my|our) investigation\b|\bfound (?:no )?fault"),
    ("fault_found", "yes"): cue(r"\b(?:was|were|found|find|there is|there was|amounts? to) "
                                r"(?:\w+ ){0,2}fault\b"),
    ("fault_found", "no"): cue(r"\b(?:no|not|without) (?:\w+ ){0,2}fault\b|\bnot at fault"),
}


@dataclass(frozen=True)
class Failure:
    """A question whose answer never validated (or whose server call failed)."""

    question: str
    fields: tuple[str, ...]
    message: str
    attempts: int = 0


@dataclass
class Merger:
    """Merges the answers of one document into a copy of its facts."""

    facts: Decision
    ctx: Context
    policy: Policy = RULES

    def mode(self, name: str) -> str:
        return self.policy.mode(name)

    def __post_init__(self) -> None:
        self.record = self.facts.model_copy(deep=True)

    def span_of(self, sentence: str) -> Span | None:
        return self.ctx.source_span(sentence)

    def note(self, rule: str, severity: str, fields: str, message: str,
             span: Span | None = None) -> None:
        self.record.issues.append(Issue(rule=rule, severity=severity,  # type: ignore[arg-type]
                                        field=fields, message=message, span=span))


def merge(facts: Decision, ctx: Context, answers: dict[str, Any],
          failures: list[Failure], policy: Policy = RULES) -> Decision:
    """The record: the facts, with the answers the policy takes, and issues for the rest."""
    m = Merger(facts, ctx, policy)
    if "status" in answers:
        merge_status(m, answers["status"])
    if "reasons" in answers:
        merge_reasons(m, answers["reasons"].items)
    if "referrals" in answers:
        merge_referrals(m, answers["referrals"].items)
    if "remedies" in answers:
        merge_remedies(m, answers["remedies"].items)
    if "payments" in answers:
        merge_payments(m, answers["payments"].items)
    for f in failures:
        m.note(FAILED_RULE, "error", ",".join(f.fields),
               squash(f"model answer for {f.question} failed after {f.attempts} attempt(s): "
                      f"{f.message}; these fields keep the rules' values"))
    return m.record


def merge_status(m: Merger, answer: Any) -> None:
    for name in ("investigated", "fault_found"):
        value = getattr(answer, name, "unclear")
        if value == "unclear":
            continue
        said, settled = value == "yes", getattr(m.facts, name)
        span = m.span_of(answer.quote)
        mode = m.mode(name)
        if mode == "model" and span is not None and settled is not None and settled != said:
            setattr(m.record, name, said)
            m.record.spans[name] = span
            m.note(OVERRIDES_RULE, "warning", name, f"model says {name}={value}, the rules "
                   f"said {'yes' if settled else 'no'}; the model's answer is kept (trust "
                   "policy)", span)
        elif settled is not None:
            if settled != said:
                m.note(DISAGREES_RULE, "warning", name, f"model says {name}={value}, the rules "
                       f"say {'yes' if settled else 'no'}; the rules' value is kept", span)
        elif span is not None and (mode != "rules" or
                                   STATUS_SUPPORT[(name, value)].search(answer.quote)):
            setattr(m.record, name, said)
            m.record.spans[name] = span
        else:
            m.note(UNSUPPORTED_RULE, "info", name, f"model says {name}={value}, but its "
                   "sentence does not say so; left unknown", span)
    if m.record.investigated is False and m.facts.fault_found is None:
        m.record.fault_found = None  # no finding without an investigation
        m.record.spans.pop("fault_found", None)


def merge_reasons(m: Merger, items: list[Any]) -> None:
    if m.record.investigated and m.record.outcome != "closed_after_initial_enquiries":
        return
    mode = m.mode("reasons")
    if mode == "model":
        _trust_list(m, "reasons", items, "code", [r.code for r in m.facts.reasons],
                    lambda kept: _reasons_from(m, kept))
        return
    for item in items:
        span = m.span_of(item.quote)
        if item.code in {r.code for r in m.facts.reasons}:
            continue
        if mode == "grounded":
            if span is not None:
                _add_reason(m, item.code, span)
            continue
        ruled = (span and m.facts.rule_reason_at(span.start, span.end)) \
            or _rule_reason_in_group(m.facts, item.code)
        if ruled is not None:
            m.note(DISAGREES_RULE, "warning", "reasons", f"model gives reason {item.code} "
                   f"where the rules read {ruled}; the rules' is kept", span)
            continue
        if span is None or not supports_reason(item.code, item.quote):
            m.note(UNSUPPORTED_RULE, "info", "reasons", f"model reason {item.code} is not "
                   "supported by its sentence; dropped", span)
        else:
            _add_reason(m, item.code, span)


def _add_reason(m: Merger, code: str, span: Span) -> None:
    if code not in {r.code for r in m.record.reasons}:
        m.record.reasons.append(Reason(code=code, evidence=span.text, start=span.start,
                                       end=span.end, origin="model"))


def _reasons_from(m: Merger, kept: list[tuple[str, Span]]) -> None:
    """The record's reasons are the model's (a rule's reason it also gives keeps its evidence)."""
    ruled = {r.code: r for r in m.facts.reasons}
    m.record.reasons = [ruled[code] if code in ruled else
                        Reason(code=code, evidence=span.text, start=span.start, end=span.end,
                               origin="model") for code, span in kept]
    cited = {c.canonical for c in m.facts.citations}
    for code, span in kept:
        problem = citation_conflict(code, cited) if cited and code not in ruled else None
        if problem:
            m.note(UNGROUNDED_RULE, "warning", "reasons", f"model {problem}; kept under the "
                   "trust policy: check it", span)


def _trust_list(m: Merger, field: str, items: list[Any], attr: str, ruled: list[str],
                apply: Any) -> None:
    """Mode ``model`` for a list field: the model's grounded codes replace the rules' list;
    each rule code it leaves out is a ``model_overrides`` warning."""
    kept: list[tuple[str, Span]] = []
    for item in items:
        code, span = getattr(item, attr), m.span_of(item.quote)
        if span is None:
            m.note(UNSUPPORTED_RULE, "info", field, f"model {field} value {code} names a "
                   "sentence not found in the source; dropped")
        elif code not in {c for c, _s in kept}:
            kept.append((code, span))
    apply(kept)
    given = {c for c, _s in kept}
    for code in ruled:
        if code not in given:
            m.note(OVERRIDES_RULE, "warning", field, f"the rules found {field} {code}; the "
                   "model does not give it and its answer is kept (trust policy)")


def _rule_reason_in_group(facts: Decision, code: str) -> str | None:
    """A rule-found code that reads the same aspect as ``code`` (its route in the vocabulary)."""
    route = route_of(code)
    return next((r.code for r in facts.reasons if r.code in route), None)


def supports_reason(code: str, sentence: str) -> bool:
    """The sentence says, in some words, what the code means (the vocabulary's support cue)."""
    entry = REASON.get(code)
    if entry is None or entry.support is None or not entry.support.search(sentence):
        return False
    return not (entry.support_unless and entry.support_unless.search(sentence))


def merge_remedies(m: Merger, items: list[Any]) -> None:
    _merge_codes(m, "remedy_kinds", items, "kind", supports_remedy, "remedy")


def merge_referrals(m: Merger, items: list[Any]) -> None:
    """The bodies the complainant is pointed to (asked only in modes grounded and model)."""
    _merge_codes(m, "referred_to", items, "code", supports_referral, "referral")


def _merge_codes(m: Merger, name: str, items: list[Any], attr: str,
                 supports: Callable[[str, str], bool], what: str) -> None:
    """A list field's answers by the policy's mode: ``model`` replaces the rules' codes;
    otherwise a code the rules lack is added when its sentence is found (and, in ``rules``,
    supports it), else dropped with an info issue."""
    mode, found = m.mode(name), getattr(m.facts, name)
    if mode == "model":
        def apply(kept: list[tuple[str, Span]]) -> None:
            setattr(m.record, name, [code for code, _span in kept])
        _trust_list(m, name, items, attr, list(found), apply)
        return
    for item in items:
        code, span = getattr(item, attr), m.span_of(item.quote)
        if code in found:
            continue
        if span is None or (mode == "rules" and not supports(code, item.quote)):
            m.note(UNSUPPORTED_RULE, "info", name, f"model {what} {code} is not supported by "
                   "its sentence; dropped", span)
        elif code not in getattr(m.record, name):
            getattr(m.record, name).append(code)


def supports_referral(code: str, sentence: str) -> bool:
    """The sentence matches one of the referral's phrase rules."""
    entry = next((r for r in REFERRALS if r.code == code), None)
    return entry is not None and any(
        p.pattern.search(sentence) and not (p.unless and p.unless.search(sentence))
        for p in entry.phrases)


def supports_remedy(kind: str, sentence: str) -> bool:
    """The sentence names the remedy as agreed, offered, done or recommended (a status cue),
    and not as something that was not done."""
    entry = REMEDY.get(kind)
    cue, unless = (entry.support, entry.support_unless) if entry else (None, None)
    found = cue.search(sentence) if cue else None
    if found is None or not STATUS_CUE_REGEX.search(sentence):
        return False
    if unless is not None and unless.search(sentence):
        return False
    window = sentence[max(0, found.start() - SUPPORT_NEGATION_WINDOW):found.start()]
    return not NOT_GIVEN_REGEX.search(window)


def merge_payments(m: Merger, items: list[Any]) -> None:
    for item in items:
        payment = next((p for p in m.record.payments if p.amount_gbp is not None
                        and abs(p.amount_gbp - item.amount_gbp) < 0.005), None)
        if payment is None:
            m.note(UNSUPPORTED_RULE, "info", "payments", f"model payment £{item.amount_gbp:g} "
                   "is not one the rules found as a remedy; the model never adds amounts")
            continue
        _payment_status(m, payment, item.status)
        _payment_purpose(m, payment, item.purpose.strip())


def _payment_purpose(m: Merger, payment: Payment, purpose: str) -> None:
    mode = m.mode("payment_purpose")
    if not purpose or (payment.purpose is not None and mode != "model"):
        return
    if mode != "rules" or _words_in(purpose, payment.evidence or ""):
        payment.purpose = purpose
        payment.origin = "model"


def _payment_status(m: Merger, payment: Payment, status: str) -> None:
    mode = m.mode("payment_status")
    if mode == "model" and payment.status != status:
        if payment.status is not None:
            m.note(OVERRIDES_RULE, "warning", "payments", f"model says £{payment.amount_gbp:g} "
                   f"is {status}, the rules said {payment.status}; the model's answer is kept "
                   "(trust policy)")
        payment.status = status  # type: ignore[assignment]
        payment.origin = "model"
        return
    if payment.status is not None:
        if payment.status != status:
            m.note(DISAGREES_RULE, "warning", "payments", f"model says £{payment.amount_gbp:g} "
                   f"is {status}, the rules say {payment.status}; the rules' value is kept")
        return
    cues = {c.lastgroup for c in STATUS_CUE_REGEX.finditer(payment.evidence or "")}
    if mode == "grounded" or status in cues:
        payment.status = status  # type: ignore[assignment]
        payment.origin = "model"


def _words_in(phrase: str, sentence: str) -> bool:
    words = re.findall(r"[a-z]{3,}", phrase.lower())
    return bool(words) and all(w in squash(sentence).lower() for w in words)
