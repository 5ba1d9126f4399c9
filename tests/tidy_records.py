"""Generated records for the tidy-table, export and report tests: a hypothesis strategy over
every field of ``Decision``, and the store rows that hold them."""

from __future__ import annotations

from hypothesis import strategies as st

from extractor.facts.taxonomy import CATEGORIES
from extractor.models import (
    OUTCOMES,
    Category,
    Citation,
    Decision,
    Issue,
    Meta,
    Payment,
    Reason,
    Span,
    Usage,
)
from extractor.rules.policy import SEVERITY
from extractor.store.store import ResultRow, RunConfig, Store
from extractor.vocab import REASON_CODES, REFERRED_TO_CODES, REMEDY_KINDS

# Text without NUL (CSV cannot carry it) and without lone surrogates (not UTF-8).
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=40)
OPT_TEXT = st.none() | TEXT
OFFSET = st.none() | st.integers(0, 2**40)
PURPOSES = st.none() | st.sampled_from(["distress", "time and trouble", "missed education",
                                        "a refund of fees", "injustice", ""]) | TEXT
AMOUNTS = st.none() | st.floats(0, 1e7, allow_nan=False) | st.integers(0, 10**6).map(float)
DATES = st.none() | st.dates().map(lambda d: d.isoformat()) | TEXT


def short_lists(items: st.SearchStrategy, size: int = 4) -> st.SearchStrategy:
    return st.lists(items, max_size=size)


reasons = st.builds(Reason, code=st.sampled_from(REASON_CODES), evidence=OPT_TEXT, start=OFFSET,
                    end=OFFSET, origin=st.sampled_from(["rule", "model"]))
payments = st.builds(Payment, amount_gbp=AMOUNTS, status=st.none() | st.sampled_from(
    ["agreed", "offered_by_body", "recommended"]), purpose=PURPOSES, evidence=OPT_TEXT,
    start=OFFSET, end=OFFSET, origin=st.sampled_from(["rule", "model"]))
citations = st.builds(Citation, canonical=TEXT, text=TEXT, start=st.integers(0, 10**6),
                      end=st.integers(0, 10**6))
spans = st.none() | st.builds(Span, text=TEXT, start=st.integers(0, 10**6),
                              end=st.integers(0, 10**6))
issues = st.builds(Issue, rule=st.sampled_from(sorted(SEVERITY)), severity=st.sampled_from(
    ["error", "warning", "info"]), field=OPT_TEXT, message=TEXT, span=spans)
categories = st.none() | st.builds(Category, top=st.none() | st.sampled_from(list(CATEGORIES)),
                                   sub=OPT_TEXT)
metas = st.builds(Meta, backend=st.sampled_from(["none", "local", "openai"]), model=OPT_TEXT,
                  prompt_sha=OPT_TEXT, questions=st.integers(0, 5), attempts=st.integers(0, 9),
                  usage=st.builds(Usage, prompt_tokens=st.integers(0, 10**6),
                                  completion_tokens=st.integers(0, 10**6)),
                  seconds=st.floats(0, 1e4, allow_nan=False), source=TEXT, url=OPT_TEXT,
                  id=OPT_TEXT)

decisions = st.builds(
    Decision, reference=OPT_TEXT, bodies=short_lists(TEXT), category=categories,
    outcome=st.none() | st.sampled_from(OUTCOMES), decision_date=DATES, complainant=OPT_TEXT,
    investigated=st.none() | st.booleans(), fault_found=st.none() | st.booleans(),
    reasons=short_lists(reasons), referred_to=short_lists(st.sampled_from(REFERRED_TO_CODES)),
    payments=short_lists(payments), remedy_kinds=short_lists(st.sampled_from(REMEDY_KINDS)),
    citations=short_lists(citations), other_acts=short_lists(TEXT), summary=OPT_TEXT,
    issues=short_lists(issues), meta=metas)


def result_row(record: Decision | None, key: str = "id:1", sha: str = "s1",
               status: str = "ok") -> ResultRow:
    """The row the batch writes for ``record`` (``None``: an unreadable input)."""
    issues = [(i.rule, i.severity, i.field, i.message, i.span.start if i.span else None,
               i.span.end if i.span else None) for i in record.issues] if record else []
    meta = record.meta if record else None
    return ResultRow(doc_key=key, sha256=sha, source=f"{key}.json", status=status,
                     attempts=meta.attempts if meta else 0,
                     prompt_tokens=meta.usage.prompt_tokens if meta else 0,
                     completion_tokens=meta.usage.completion_tokens if meta else 0,
                     seconds=meta.seconds if meta else 0.0,
                     record=record.model_dump_json() if record else None, issues=issues,
                     decision=record)


def sample(n: int, body: str, outcome: str | None, **fields: object) -> Decision:
    """A hand-made record for the report tests (reference ``24 000 00n``)."""
    meta = fields.pop("meta", {})
    return Decision.model_validate({"reference": f"24 000 {n:03d}", "bodies": [body],
                                    "outcome": outcome, "meta": meta, **fields})


def pay(amount: float | None, purpose: str | None, origin: str = "rule") -> dict[str, object]:
    return {"amount_gbp": amount, "status": "agreed", "purpose": purpose, "origin": origin}


def issue(rule: str, severity: str) -> dict[str, str]:
    return {"rule": rule, "severity": severity, "message": rule}


HOUSING = {"top": "Housing", "sub": "Homelessness"}
EDUCATION = {"top": "Education", "sub": "School transport"}
ASKED = {"questions": 2, "attempts": 2, "usage": {"prompt_tokens": 500,
                                                  "completion_tokens": 40}, "seconds": 2.0}
REASKED = {**ASKED, "attempts": 3, "seconds": 4.0}

# Ten decisions: Anytown has 2 upheld, 1 not upheld, 1 closed; Bluetown 1 upheld, 1 closed.
SAMPLE = [
    sample(1, "Anytown Council", "upheld", category=HOUSING, investigated=True,
           fault_found=True, payments=[pay(300, "distress"), pay(50, None)],
           remedy_kinds=["apology", "payment"], meta=ASKED),
    sample(2, "Anytown Council", "upheld", category=HOUSING, investigated=True,
           payments=[pay(1200, "missed education", origin="model")], remedy_kinds=["payment"],
           meta=REASKED),
    sample(3, "Anytown Council", "not_upheld", category=EDUCATION, investigated=True,
           issues=[issue("not_upheld_with_remedy", "warning")]),
    sample(4, "Anytown Council", "closed_after_initial_enquiries", category=EDUCATION,
           investigated=False, reasons=[{"code": "late_complaint"}],
           referred_to=["tribunal"]),
    sample(5, "Bluetown Council", "upheld", category=HOUSING, investigated=True,
           payments=[pay(5000, "time and trouble")], remedy_kinds=["apology"]),
    sample(6, "Bluetown Council", "closed_after_initial_enquiries", investigated=False,
           reasons=[{"code": "late_complaint"}, {"code": "no_evidence_of_fault",
                                                 "origin": "model"}], meta=ASKED,
           issues=[issue("model_unsupported", "info")]),
    sample(7, "Cloud County Council", "closed_after_initial_enquiries", category=EDUCATION,
           investigated=False, referred_to=["tribunal", "courts"],
           issues=[issue("reasons_missing", "warning")]),
    sample(8, "Dale District Council", None, issues=[issue("outcome_invalid", "error")]),
    sample(9, "Eden Borough Council", "not_upheld", category=HOUSING, investigated=True),
    sample(10, "Fell Town Council", "closed_after_initial_enquiries", category=HOUSING,
           investigated=False, reasons=[{"code": "premature"}]),
]


def write_sample(store: Store, records: list[Decision] | None = None) -> int:
    """A run holding ``records`` (default ``SAMPLE``), one failed model pass and one
    unreadable input; the run id."""
    run = store.start_run(RunConfig("local", "m", "p", "1.0"), {"inputs": ["sample"]})
    config = RunConfig("local", "m", "p", "1.0").sha
    for n, record in enumerate(SAMPLE if records is None else records):
        status = "issues" if any(i.severity != "info" for i in record.issues) else "ok"
        store.write(run, config, result_row(record, f"id:{n}", status=status))
    broken = sample(99, "Gale Council", "upheld", meta={**ASKED, "attempts": 6},
                    issues=[issue("extraction_failed", "error")])
    store.write(run, config, result_row(broken, "id:failed", status="failed"))
    store.write(run, config, result_row(None, "id:unreadable", status="failed"))
    return run
