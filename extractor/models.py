"""The output record: the contract other tools read (see ARCHITECTURE.md).

Field names here are fixed; extra fields (``spans``) are additions. The JSON Schema in
``schemas/decision.schema.json`` is generated from ``Decision`` (``extractor schema``).
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

Outcome = Literal["upheld", "not_upheld", "closed_after_initial_enquiries"]
Severity = Literal["error", "warning", "info"]
PaymentStatus = Literal["agreed", "offered_by_body", "recommended"]
Origin = Literal["rule", "model"]

# The same values as tuples, for the rules and the data dictionary (the controlled
# vocabularies of codes are defined once, in ``extractor.vocab``).
OUTCOMES: tuple[str, ...] = get_args(Outcome)
PAYMENT_STATUSES: tuple[str, ...] = get_args(PaymentStatus)
SEVERITIES: tuple[str, ...] = get_args(Severity)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    """Where a value was read: ``text == source[start:end]`` of the loaded input text."""

    text: str
    start: int
    end: int


class Category(_Model):
    top: str | None = None
    sub: str | None = None


class Reason(_Model):
    code: str
    evidence: str | None = None
    start: int | None = None
    end: int | None = None
    origin: Origin = "rule"


class Payment(_Model):
    amount_gbp: float | None = None
    status: PaymentStatus | None = None
    purpose: str | None = None
    evidence: str | None = None
    start: int | None = None
    end: int | None = None
    origin: Origin = "rule"


class Citation(_Model):
    canonical: str
    text: str
    start: int
    end: int


class Issue(_Model):
    rule: str
    severity: Severity
    field: str | None = None
    message: str
    span: Span | None = None


class Usage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Meta(_Model):
    backend: str = "none"
    model: str | None = None
    prompt_sha: str | None = None
    schema_version: str = SCHEMA_VERSION
    questions: int = Field(default=0, description="Questions put to the model (each answer "
                           "and re-ask is one of the attempts)")
    attempts: int = 0
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0
    policy: str | None = Field(default=None, description="Hash of the trust policy the merge "
                               "used (extractor/model/policy.py); None without a model")
    cost_usd: float | None = Field(default=None, description="Tokens x the dated price table "
                                   "(extractor/model/prices.py); 0 for a local model, None "
                                   "for a model the table lacks")
    source_sha256: str = ""
    source: str = ""
    url: str | None = None
    id: str | None = None


class Decision(_Model):
    """One extracted decision statement. Unknown is ``None`` or ``[]``, never a guess."""

    reference: str | None = None
    bodies: list[str] = Field(default_factory=list)
    category: Category | None = None
    outcome: Outcome | None = None
    decision_date: str | None = Field(default=None, description="ISO date YYYY-MM-DD")
    complainant: str | None = None
    investigated: bool | None = None
    fault_found: bool | None = None
    reasons: list[Reason] = Field(default_factory=list)
    referred_to: list[str] = Field(default_factory=list)
    payments: list[Payment] = Field(default_factory=list)
    remedy_kinds: list[str] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    other_acts: list[str] = Field(default_factory=list)
    summary: str | None = None
    spans: dict[str, Span] = Field(
        default_factory=dict,
        description="Evidence span of each deterministic scalar field, keyed by field name",
    )
    issues: list[Issue] = Field(default_factory=list)
    meta: Meta = Field(default_factory=Meta)

    @property
    def has_errors(self) -> bool:
        return any(i.severity == "error" for i in self.issues)

    def rule_reason_at(self, start: int, end: int) -> str | None:
        """The code of a rule-found reason whose evidence overlaps ``start:end`` (source
        offsets), or None."""
        return next((r.code for r in self.reasons if r.origin == "rule" and r.start is not None
                     and r.end is not None and r.start < end and start < r.end), None)
