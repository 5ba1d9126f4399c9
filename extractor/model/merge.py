"""Merge the model's answers into the deterministic record: the rules always win.

- A field the facts settled keeps the facts' value; a model answer that differs becomes a
  ``model_disagrees`` issue (the model never overrides a rule).
- Where the facts abstain (``None``, or a code missing from a list) the model may fill in, but
  only with evidence: its quoted sentence must be in the source and must itself support the
  code (``*_SUPPORT`` cues below, looser than the facts' phrase rules but specific to each
  code). An answer without such support is dropped with a ``model_unsupported`` info issue.
  The model may add reason codes and remedy kinds to those the rules found, never remove one;
  a reason the model reads from the very sentence a rule read as another code is a
  disagreement, not an addition.
- Payments: the model may give the status or purpose of an amount the facts found; it never adds
  an amount.
- A question whose retries ran out leaves its fields to the facts and adds an
  ``extraction_failed`` error issue: the record is still written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extractor.facts.remedies import NOT_GIVEN_REGEX, STATUS_CUE_REGEX
from extractor.model.answers import squash
from extractor.models import Decision, Issue, Payment, Reason, Span
from extractor.read.clean import Cleaned
from extractor.read.load import Document

FAILED_RULE = "extraction_failed"
UNSUPPORTED_RULE = "model_unsupported"
DISAGREES_RULE = "model_disagrees"
_I = re.IGNORECASE


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _I)


# A reason code is supported when its quoted sentence says, in some words, what the code means.
REASON_SUPPORT: dict[str, re.Pattern[str]] = {
    "no_evidence_of_fault": _rx(r"\b(?:evidence|sign|suggestion|indication)s? of (?:\w+ ){0,2}"
                                r"fault|\b(?:find|found|finding) (?:any |no )?fault|\bno fault"),
    "no_injustice_from_fault": _rx(r"\b(?:not|no|any) (?:\w+ ){0,4}(?:caus|le[ad]|result)\w* "
                                   r"(?:\w+ ){0,3}injustice|\binjustice (?:\w+ ){0,3}caused"),
    "injustice_not_significant": _rx(r"\bsignificant|\bserious enough|\btoo small"),
    "cannot_add_to_previous_investigation": _rx(r"\badd (?:\w+ ){0,3}to\b"),
    "no_different_outcome": _rx(r"\bdifferent (?:outcome|result|decision)"),
    "cannot_achieve_outcome_sought": _rx(r"\b(?:cannot|can ?not|could not|unable to) "
                                         r"(?:\w+ ){0,3}(?:achieve|provide|give|get|order)"),
    "no_worthwhile_outcome": _rx(r"\bworthwhile\b"),
    "other_body_better_placed": _rx(r"\b(?:better|best|more appropriately) (?:placed|suited)"
                                    r"|\bappropriate (?:body|organisation)"),
    "use_review_or_appeal_first": _rx(r"\breview\b|\bappeal\b"),
    # the Ombudsman declining the complaint handling, not a story of the complaint's progress
    "complaint_handling_only": _rx(r"\bcomplaints? handling|\b(?:how|way) (?:\w+ ){0,3}"
                                   r"(?:handled|dealt with|responded to) (?:\w+ ){0,3}complaint"
                                   r"|\bcomplaints? (?:process|procedure) (?:on its own|alone"
                                   r"|either)"),
    "satisfied_with_remedy": _rx(r"\b(?:already|offered|remed\w+|apologi\w+|put (?:it|things)"
                                 r" right|more than)\b"),
    "tribunal_appeal_available": _rx(r"\btribunal|\bappeal panel"),
    "tribunal_appeal_used": _rx(r"\b(?:has|have|had) (?:already )?appealed"),
    "minister_appeal_available": _rx(r"\bSecretary of State|\bPlanning Inspector|\bminister"),
    "court_remedy_available": _rx(r"\bcourts?\b|\blegal action|\bjudicial review"),
    "court_remedy_used": _rx(r"\b(?:has|have|had) (?:already )?(?:\w+ )?(?:court|legal) "
                             r"(?:action|proceedings)|\b(?:has|have|had) gone to court"),
    "court_proceedings_matter": _rx(r"\bcourt (?:proceedings|reports?|hearing)|\bin court\b"),
    "late_complaint": _rx(r"\blate\b|\b(?:12|twelve) months"),
    "premature": _rx(r"\bpremature|\bchance to (?:respond|reply|investigate)"
                     r"|\b(?:not|yet to|before) (?:\w+ ){0,4}(?:complet|finish|exhaust|us)\w* "
                     r"(?:[\w'’]+ ){0,3}complaints? (?:procedure|process)"),
    "affects_all_or_most": _rx(r"\ball or most\b"),
    "public_body_complainant": _rx(r"\bpublic bod(?:y|ies)|\b(?:town|parish) council"),
    "body_out_of_jurisdiction": _rx(r"\bjurisdiction|\bacadem(?:y|ies)\b"),
    "personnel_matter": _rx(r"\bpersonnel|\bemployment"),
    "school_internal_matter": _rx(r"\b(?:in|inside|within|internal to) (?:a |the )?schools?\b"
                                  r"|\bschools?'?s? (?:own )?internal"),
    "social_housing_landlord": _rx(r"\blandlord|\bHousing Ombudsman"),
    "commercial_matter": _rx(r"\bcommercial|\bcontract"),
    "crime_police_matter": _rx(r"\bpolice|\bcrim(?:e|inal)"),
}
# A remedy kind is supported when its quoted sentence names that remedy (as something done to
# or for the person, not a word that merely occurs: "the EHC plan review" is no reassessment).
REMEDY_SUPPORT: dict[str, re.Pattern[str]] = {
    "apology": _rx(r"\bapolog"),
    # the paying itself; an amount alone may be a refund, a credit or the sum in dispute
    "payment": _rx(r"\b(?:pay|pays|paid|paying|payments?)\b|\bcompensat"
                   r"|\b(?:financial|symbolic) (?:remedy|award)"
                   r"|\b(?:offer|award|giv|gave)\w* (?:\w+ ){0,3}£\s?\d"),
    # a change for the future: staff reminded or trained, or a procedure changed or reviewed
    "service_improvement": _rx(r"\b(?:remind\w*|training|train|lessons|improve\w*)\b"
                               r"|\b(?:review|chang|updat|amend|revis|rewrit)\w* (?:\w+ ){0,3}"
                               r"(?:procedures?|polic(?:y|ies)|practices?|guidance|processes)\b"),
    # a fresh look at the person's own case: reviewing as a verb, or a new assessment/decision
    "reassessment_or_review": _rx(r"\bre-?assess\w*|\breconsider\w*"
                                  r"|\b(?:to|will|should|would|must|and) (?:\w+ ){0,2}review\b"
                                  r"|\ba (?:fresh |new |further )?review of\b"
                                  r"|\b(?:fresh|new) (?:assessment|decision|hearing|appeal)"),
    "refund_or_waiver": _rx(r"\brefund\w*|\breimburs\w*|\bwaiv\w*|\bwr[io]t\w* off|\bcredit"),
}
# ... unless the sentence says something narrower (reviewing a procedure improves a service,
# it does not re-decide the person's case).
REMEDY_UNLESS: dict[str, re.Pattern[str]] = {
    "reassessment_or_review": _rx(r"\breview\w* (?:\w+ ){0,2}(?:procedures?|polic(?:y|ies)"
                                  r"|practices?|guidance|processes|how)\b"),
}
# ... unless the sentence says something narrower (a small injustice is not "no injustice").
REASON_UNLESS: dict[str, re.Pattern[str]] = {
    "no_injustice_from_fault": _rx(r"\bsignificant|\bremed(?:ies|ied)\b"),
    # the body's own review or appeal: not a tribunal's, a court's or Parliament's statutory
    # one, not "we are not an appeal body", not an appeal the person already lost
    "use_review_or_appeal_first": _rx(r"\btribunal|\bcourt|\badjudicator|\bInspector"
                                      r"|\bSecretary of State|\bParliament|\bstatutory"
                                      r"|\bappeal body|\bnot (?:\w+ ){0,2}(?:an|another) "
                                      r"(?:\w+ )?(?:level of )?appeal\b|\bunsuccessful\b"),
    "tribunal_appeal_used": _rx(r"\b(?:expect\w*|reasonabl\w*|could|should) (?:\w+ ){0,4}"
                                r"(?:have )?appealed"),
    "no_evidence_of_fault": _rx(r"\bfound fault\b|\bfault (?:by|in) \w+ (?:caused|led)"),
}
STATUS_SUPPORT: dict[tuple[str, str], re.Pattern[str]] = {
    ("investigated", "no"): _rx(r"\b(?:will|did|do|shall|can|could|decided) ?not "
                                r"(?:\w+ )?investigat|\bwon'?t investigat|\bcannot investigat"),
    ("investigated", "yes"): _rx(r"\b(?:I|we) (?:have )?(?:investigated|found|uphold|upheld)"
                                 r"|\b(?:my|our) investigation\b|\bfound (?:no )?fault"),
    ("fault_found", "yes"): _rx(r"\b(?:was|were|found|find|there is|there was|amounts? to) "
                                r"(?:\w+ ){0,2}fault\b"),
    ("fault_found", "no"): _rx(r"\b(?:no|not|without) (?:\w+ ){0,2}fault\b|\bnot at fault"),
}
# Codes that read the same aspect of a decision (the route the person should take instead): when
# the rules found one, the model may not add another of its group.
REASON_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"tribunal_appeal_available", "tribunal_appeal_used", "minister_appeal_available",
               "use_review_or_appeal_first"}),
    frozenset({"court_remedy_available", "court_remedy_used", "court_proceedings_matter"}),
    frozenset({"no_injustice_from_fault", "injustice_not_significant"}),
)
NEGATION_WINDOW = 40  # characters before a remedy cue where "not" / "failed to" cancels it


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
    doc: Document
    cleaned: Cleaned

    def __post_init__(self) -> None:
        self.record = self.facts.model_copy(deep=True)

    def span_of(self, sentence: str) -> Span | None:
        """The source span of a sentence of the cleaned text (None when not found)."""
        start = self.cleaned.text.find(sentence)
        if start < 0:
            return None
        s, e = self.cleaned.to_source(start, start + len(sentence))
        return Span(text=self.doc.text[s:e], start=s, end=e)

    def note(self, rule: str, severity: str, fields: str, message: str,
             span: Span | None = None) -> None:
        self.record.issues.append(Issue(rule=rule, severity=severity,  # type: ignore[arg-type]
                                        field=fields, message=message, span=span))


def merge(facts: Decision, doc: Document, cleaned: Cleaned, answers: dict[str, Any],
          failures: list[Failure]) -> Decision:
    """The record: the facts, gaps filled by supported answers, and issues for the rest."""
    m = Merger(facts, doc, cleaned)
    if "status" in answers:
        merge_status(m, answers["status"])
    if "reasons" in answers:
        merge_reasons(m, answers["reasons"].items)
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
        span = m.span_of(answer.sentence)
        if settled is not None:
            if settled != said:
                m.note(DISAGREES_RULE, "warning", name, f"model says {name}={value}, the rules "
                       f"say {'yes' if settled else 'no'}; the rules' value is kept", span)
        elif span is not None and STATUS_SUPPORT[(name, value)].search(answer.sentence):
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
    for item in items:
        span = m.span_of(item.sentence)
        if item.code in {r.code for r in m.facts.reasons}:
            continue
        ruled = rule_reason_at(m.facts, span) or _rule_reason_in_group(m.facts, item.code)
        if ruled is not None:
            m.note(DISAGREES_RULE, "warning", "reasons", f"model gives reason {item.code} "
                   f"where the rules read {ruled}; the rules' is kept", span)
            continue
        if span is None or not supports_reason(item.code, item.sentence):
            m.note(UNSUPPORTED_RULE, "info", "reasons", f"model reason {item.code} is not "
                   "supported by its sentence; dropped", span)
        elif item.code not in {r.code for r in m.record.reasons}:
            m.record.reasons.append(Reason(code=item.code, evidence=span.text, start=span.start,
                                           end=span.end, origin="model"))


def rule_reason_at(facts: Decision, span: Span | None) -> str | None:
    """The code of a rule-found reason whose evidence overlaps ``span`` (source offsets)."""
    if span is None:
        return None
    return next((r.code for r in facts.reasons if r.start is not None and r.end is not None
                 and r.start < span.end and span.start < r.end), None)


def _rule_reason_in_group(facts: Decision, code: str) -> str | None:
    """A rule-found code that reads the same aspect as ``code`` (``REASON_GROUPS``)."""
    group = next((g for g in REASON_GROUPS if code in g), frozenset())
    return next((r.code for r in facts.reasons if r.code in group), None)


def supports_reason(code: str, sentence: str) -> bool:
    cue, unless = REASON_SUPPORT.get(code), REASON_UNLESS.get(code)
    return bool(cue and cue.search(sentence) and not (unless and unless.search(sentence)))


def merge_remedies(m: Merger, items: list[Any]) -> None:
    for item in items:
        span = m.span_of(item.sentence)
        if item.kind in m.facts.remedy_kinds:
            continue
        if span is None or not supports_remedy(item.kind, item.sentence):
            m.note(UNSUPPORTED_RULE, "info", "remedy_kinds", f"model remedy {item.kind} is not "
                   "supported by its sentence; dropped", span)
        elif item.kind not in m.record.remedy_kinds:
            m.record.remedy_kinds.append(item.kind)


def supports_remedy(kind: str, sentence: str) -> bool:
    """The sentence names the remedy as agreed, offered, done or recommended (a status cue),
    and not as something that was not done."""
    cue, unless = REMEDY_SUPPORT.get(kind), REMEDY_UNLESS.get(kind)
    found = cue.search(sentence) if cue else None
    if found is None or not STATUS_CUE_REGEX.search(sentence):
        return False
    if unless is not None and unless.search(sentence):
        return False
    window = sentence[max(0, found.start() - NEGATION_WINDOW):found.start()]
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
        if payment.purpose is None and _words_in(item.purpose, payment.evidence or ""):
            payment.purpose = item.purpose.strip()
            payment.origin = "model"


def _payment_status(m: Merger, payment: Payment, status: str) -> None:
    if payment.status is not None:
        if payment.status != status:
            m.note(DISAGREES_RULE, "warning", "payments", f"model says £{payment.amount_gbp:g} "
                   f"is {status}, the rules say {payment.status}; the rules' value is kept")
        return
    cues = {c.lastgroup for c in STATUS_CUE_REGEX.finditer(payment.evidence or "")}
    if status in cues:
        payment.status = status  # type: ignore[assignment]
        payment.origin = "model"


def _words_in(phrase: str, sentence: str) -> bool:
    words = re.findall(r"[a-z]{3,}", phrase.lower())
    return bool(words) and all(w in squash(sentence).lower() for w in words)
