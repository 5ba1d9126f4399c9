"""The rules stage: a table of records that fire each rule and records that do not, a table of
garbage records no rule may raise on, the severity policy, and the seeds end to end."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pytest
from factories import (
    LISTING,
    SOURCE,
    TODAY,
    citation,
    decision_data,
    make_decision,
    make_raw_decision,
    seed_text,
    span,
)
from pydantic import ValidationError

from extractor.facts.grounding import Grounder, locate, normalise
from extractor.facts.provisions import parse_canonical
from extractor.models import Decision
from extractor.rules import (
    REF_BEFORE_BUSINESS_YEAR_SEVERITY,
    RULE_NAMES,
    RULES,
    SEVERITY,
    SEVERITY_LEVELS,
    check_decision,
)

DEFAULT = object()  # a row's source text: the factory's SOURCE unless it says otherwise
LGO = "https://www.lgo.org.uk/decisions/"
MIRROR = "https://www.accountabilityindex.uk/sources/lgo/decisions/"
CLOSED = {"outcome": "closed_after_initial_enquiries", "investigated": False,
          "fault_found": None, "payments": [], "remedy_kinds": []}


def build(overrides: dict[str, Any], raw: bool) -> Decision:
    """The factory record with ``overrides``; rows the model would reject (or coerce, with
    ``raw``) are built unvalidated, as a record read loosely from a file can hold them."""
    try:
        return make_raw_decision(**overrides) if raw else make_decision(**overrides)
    except ValidationError:
        return make_raw_decision(**overrides)


def case(id: str, rule: str, fires: bool, source: Any = DEFAULT, raw: bool = False,
         **overrides: Any) -> Any:
    return pytest.param(overrides, source, raw, rule, fires, id=f"{rule}:{id}")


def reasons(*codes: str) -> list[dict[str, Any]]:
    return [{"code": c} for c in codes]


CASES = [
    # reference
    case("hyphenated", "reference_format", True, reference="24-012-345"),
    case("unspaced", "reference_format", True, reference="24012345"),
    case("trailing-space-letter", "reference_format", True, reference="24 012 345 b"),
    case("fullwidth-digits", "reference_format", True, reference="２４ ０１２ ３４５"),
    case("not-a-string", "reference_format", True, reference=24012345),
    case("letter-suffix-ok", "reference_format", False, reference="24 012 345b"),
    case("none-ok", "reference_format", False, reference=None),
    case("prefix-12", "reference_prefix_range", True, reference="12 012 345"),
    case("prefix-next-year", "reference_prefix_range", True, reference="26 000 001"),
    case("prefix-13-ok", "reference_prefix_range", False, reference="13 000 001"),
    case("serial-zero", "reference_serial_range", True, reference="24 000 000"),
    case("serial-40000", "reference_serial_range", True, reference="24 040 000"),
    case("serial-34999-ok", "reference_serial_range", False, reference="24 034 999"),
    case("lgo-slug-other-case", "reference_url_mismatch", True, meta__url=LGO + "h/o/24-012-346"),
    case("lgo-slug-lost-suffix", "reference_url_mismatch", True, reference="24 012 345a"),
    case("mirror-slug-other-case", "reference_url_mismatch", True,
         meta__url=MIRROR + "lgo-24-012-999-anytown-borough-council/"),
    case("mirror-slug-same", "reference_url_mismatch", False,
         meta__url=MIRROR + "lgo-24-012-345-anytown-borough-council/"),
    case("lgo-slug-query", "reference_url_mismatch", False,
         meta__url=LGO + "housing/homelessness/24-012-345?print=1"),
    case("url-without-slug", "reference_url_mismatch", False, meta__url="https://example.org/x"),
    # reference vs decision date (prefix 24: business year from 2024-04-01)
    case("march-before-year", "reference_date_before_business_year", True,
         decision_date="2024-03-31"),
    case("negative-lag", "reference_date_before_business_year", True,
         reference="25 000 100", decision_date="2024-12-01"),
    case("first-april-ok", "reference_date_before_business_year", False,
         decision_date="2024-04-01"),
    case("lag0-april", "reference_date_lag", True, decision_date="2024-04-15"),
    case("lag3", "reference_date_lag", True, reference="21 012 345", decision_date="2024-06-01"),
    case("lag0-may-ok", "reference_date_lag", False, decision_date="2024-05-20"),
    case("lag2-ok", "reference_date_lag", False, reference="22 012 345",
         decision_date="2024-06-01"),
    case("march-is-not-lag", "reference_date_lag", False, decision_date="2024-03-31"),
    # decision date
    case("feb-31", "decision_date_invalid", True, decision_date="2025-02-31"),
    case("display-form", "decision_date_invalid", True, decision_date="14 Mar 2025"),
    case("unpadded", "decision_date_invalid", True, decision_date="2025-3-14"),
    case("compact", "decision_date_invalid", True, decision_date="20250314"),
    case("int", "decision_date_invalid", True, decision_date=20250314),
    case("empty", "decision_date_invalid", True, decision_date=""),
    case("leap-day-ok", "decision_date_invalid", False, decision_date="2024-02-29"),
    case("header-31-feb", "decision_date_invalid", True, decision_date=None,
         source=SOURCE.replace("14 Mar 2025", "31 Feb 2025")),
    case("stacked-header-31-feb", "decision_date_invalid", True, decision_date=None,
         source="Anytown Borough Council (24 012 345)\nDecision date :\n31 Feb 2025\n"),
    case("stacked-header-real-ok", "decision_date_invalid", False, decision_date=None,
         source="Anytown Borough Council (24 012 345)\nDecision date :\n28 Feb 2025\n"),
    case("header-without-a-date-ok", "decision_date_invalid", False, decision_date=None,
         source="Decision date :\nSummary\nWe will not investigate."),
    case("capitals-header-31-feb", "decision_date_invalid", True, decision_date=None,
         source="Anytown Borough Council (24 012 345)\n  DECISION DATE: 31 Feb 2025\n"),
    case("date-of-decision-31-feb", "decision_date_invalid", True, decision_date=None,
         source="Summary: we updated the records.\nDate of decision : 31 Feb 2025\n"),
    case("date-in-a-sentence-ok", "decision_date_invalid", False, decision_date=None,
         source="The decision date : 31 Feb 2025 was wrong.\nNo date here."),
    case("tomorrow", "decision_date_future", True, decision_date="2025-12-02"),
    case("today-ok", "decision_date_future", False, decision_date="2025-12-01"),
    case("before-scheme", "decision_date_too_early", True, decision_date="2013-03-31"),
    case("scheme-start-ok", "decision_date_too_early", False, decision_date="2013-04-01"),
    # category
    case("unknown-top", "category_top_unknown", True, category__top="Housing services"),
    case("sub-without-top", "category_top_unknown", True, category__top=None),
    case("curly-apostrophe-ok", "category_top_unknown", False,
         category={"top": "Children\u2019s care services", "sub": "Child protection"}),
    case("highways-and-transport", "category_top_annual_report_grouping", True,
         category={"top": "Highways and transport", "sub": None}),
    case("transport-and-highways-ok", "category_top_annual_report_grouping", False,
         category={"top": "Transport and highways", "sub": "Traffic management"}),
    case("sub-of-another-top", "category_sub_unknown", True,
         category__sub="Parking and other penalties"),
    case("other-under-any-top", "category_sub_unknown", False,
         category={"top": "Adult care services", "sub": "Other"}),
    case("candidate-sub-ok", "category_sub_unknown", False,
         category={"top": "Children's care services", "sub": "Adoption"}),
    # sub-categories seen on real pages since the first sample (DOMAIN §2.2)
    *[case(f"seen-{top}>{sub}-ok", "category_sub_unknown", False,
           category={"top": top, "sub": sub})
      for top, sub in (("Adult care services", "Other"),
                       ("Adult care services", "Transition from childrens services"),
                       ("Children's care services", "Friends and family carers"),
                       ("Education", "School admissions"),
                       ("Environment and regulation", "COVID-19"),
                       ("Environment and regulation", "Cemeteries and crematoria"),
                       ("Environment and regulation", "Pollution"),
                       ("Environment and regulation", "Trees"),
                       ("Environment and regulation", "Drainage"),
                       ("Transport and highways", "Other"),
                       ("Transport and highways", "Rights of way"))],
    case("url-top", "category_url_mismatch", True,
         meta__url=LGO + "planning/homelessness/24-012-345"),
    case("url-sub", "category_url_mismatch", True,
         meta__url=LGO + "housing/allocations/24-012-345"),
    case("url-apostrophe-slug-ok", "category_url_mismatch", False,
         category={"top": "Children's care services", "sub": "Child protection"},
         meta__url=LGO + "children-s-care-services/child-protection/24-012-345/"),
    case("mirror-url-ignored", "category_url_mismatch", False,
         meta__url=MIRROR + "lgo-24-012-345-anytown/"),
    # outcome
    case("unknown-value", "outcome_invalid", True, outcome="maybe"),
    case("display-form", "outcome_invalid", True, outcome="Upheld"),
    case("unhashable", "outcome_invalid", True, outcome=["upheld"]),
    case("none-ok", "outcome_invalid", False, outcome=None),
    # citations
    *[case(f"{c!r}", "citation_format", True,
           citations=[{**citation("x", "26(1)"), "canonical": c}])
      for c in ("s24A(6)", "LGA 1974 s24A(6)", "LGA1974 section 24A(6)", "LGA1974 s34 B",
                "LGA1974:s24A(6)", 42, None)],
    case("house-style-34B-ok", "citation_format", False,
         citations=[citation("LGA1974 s34B", "34H(i)")]),
    *[case(c, "citation_unknown_provision", True, citations=[citation(c, "26(1)")])
      for c in ("LGA1974 s99", "LGA1974 s22", "LGA1974 s34U", "LGA1974 s26(0)",
                "LGA1974 s26(16)", "LGA1974 s26(6)(3)", "LGA1974 s24A(a)", "LGA1974 Sch5 para9",
                "LGA1974 Sch5A para5")],
    *[case(c, "citation_unknown_provision", False, citations=[citation(c, "26(1)")])
      for c in ("LGA1974 Sch5 para5(2)", "LGA1974 Sch5 para5(b)", "LGA1974 Sch5 para5A",
                "LGA1974 s34H(i)", "LGA1974 s26(6)(c)", "LGA1974 s26D", "LGA1974 s34T")],
    case("s26(2)", "citation_unseen_subsection", True,
         citations=[citation("LGA1974 s26(2)", "26(1)")]),
    case("s26(7)-ok", "citation_unseen_subsection", False,
         citations=[citation("LGA1974 s26(7)", "26(1)")]),
    case("off-by-one", "citation_offsets", True,
         citations=[{**citation("LGA1974 s26(1)", "26(1)"), "start": span("26(1)")["start"] + 1}]),
    case("negative-start", "citation_offsets", True,
         citations=[{**citation("LGA1974 s26(1)", "26(1)"), "start": -3}]),
    case("exact-ok", "citation_offsets", False, citations=[citation("LGA1974 s26(1)", "26(1)")]),
    # grounding
    case("invented-summary", "ungrounded_text", True, summary="We found no fault."),
    case("invented-reason-evidence", "ungrounded_text", True,
         reasons=[{"code": "no_evidence_of_fault", "evidence": "no evidence of fault"}]),
    case("invented-payment-evidence", "ungrounded_text", True,
         payments=[{"amount_gbp": 300, "status": "agreed", "evidence": "pay her £3000"}]),
    case("span-text-not-in-source", "ungrounded_text", True,
         spans={"complainant": {"text": "Mr Q", "start": 0, "end": 4}}),
    case("citation-text-not-in-source", "ungrounded_text", True,
         citations=[{"canonical": "LGA1974 s26B", "text": "section 26B", "start": 0, "end": 11}]),
    case("straight-quotes-nbsp-ok", "ungrounded_text", False,
         summary="The Ombudsman's role and powers",
         reasons=[{"code": "other", "evidence": "pay her £300 for the distress caused"}]),
    case("line-break-as-space-ok", "ungrounded_text", False,
         summary="as amended) What I found"),
    case("no-source-skips", "ungrounded_text", False, source=None, summary="We found no fault."),
    case("payment-offsets-shifted", "span_mismatch", True,
         payments=[{"amount_gbp": 300, "status": "agreed", "evidence": "pay her £300",
                    "start": 0, "end": 12}]),
    case("span-offsets-past-end", "span_mismatch", True,
         spans={"reference": {"text": "24 012 345", "start": 10**6, "end": 10**6 + 10}}),
    case("only-start-given", "span_mismatch", True,
         reasons=[{"code": "other", "evidence": "was fault", "start": 3}]),
    case("span-exact-ok", "span_mismatch", False, spans={"decision_date": span("14 Mar 2025")}),
    # consistency
    case("closed-investigated", "closed_but_investigated", True,
         **{**CLOSED, "investigated": True}),
    case("closed-not-investigated-ok", "closed_but_investigated", False, **CLOSED),
    case("closed-fault-false", "closed_with_fault_finding", True,
         **{**CLOSED, "fault_found": False}),
    case("closed-fault-none-ok", "closed_with_fault_finding", False, **CLOSED),
    case("agreed-payment", "not_upheld_with_remedy", True, outcome="not_upheld",
         fault_found=False, remedy_kinds=[]),
    case("apology", "not_upheld_with_remedy", True, outcome="not_upheld", payments=[],
         remedy_kinds=["apology"]),
    case("body-offer-ok", "not_upheld_with_remedy", False, outcome="not_upheld", remedy_kinds=[],
         payments__0={"amount_gbp": 300, "status": "offered_by_body"}),
    case("upheld-will-not-investigate", "upheld_not_investigated", True, investigated=False,
         fault_found=None, payments=[], remedy_kinds=[]),
    case("upheld-early-remedy-ok", "upheld_not_investigated", False, investigated=False,
         fault_found=None, payments=[], remedy_kinds=["apology"]),
    case("upheld-satisfied-reason-ok", "upheld_not_investigated", False, investigated=False,
         fault_found=None, payments=[], remedy_kinds=[],
         reasons=[{"code": "satisfied_with_remedy"}]),
    case("upheld-investigated-ok", "upheld_not_investigated", False, payments=[],
         remedy_kinds=[]),
    case("upheld-no-fault", "upheld_without_fault", True, fault_found=False),
    case("upheld-fault-unknown-ok", "upheld_without_fault", False, fault_found=None),
    case("closed-no-reason", "reasons_missing", True, **CLOSED),
    case("not-investigated-no-reason", "reasons_missing", True, investigated=False, outcome=None),
    case("closed-with-reason-ok", "reasons_missing", False,
         **{**CLOSED, "reasons": reasons("no_evidence_of_fault")}),
    case("investigated-no-reason-ok", "reasons_missing", False),
    case("bar-only", "no_discretion_reason_investigated", True,
         reasons=reasons("tribunal_appeal_used")),
    case("bar-and-discretion-ok", "no_discretion_reason_investigated", False,
         reasons=reasons("tribunal_appeal_used", "no_evidence_of_fault")),
    case("bar-not-investigated-ok", "no_discretion_reason_investigated", False,
         **{**CLOSED, "reasons": reasons("court_remedy_used")}),
    case("premature-only", "unpublished_reason_only", True,
         **{**CLOSED, "reasons": reasons("premature")}),
    case("premature-and-late-ok", "unpublished_reason_only", False,
         **{**CLOSED, "reasons": reasons("premature", "late_complaint")}),
    case("tribunal-without-26(6)(a)", "reason_citation_disagreement", True,
         **{**CLOSED, "reasons": reasons("tribunal_appeal_available")}),
    case("tribunal-with-26(6)-ok", "reason_citation_disagreement", False,
         **{**CLOSED, "reasons": reasons("tribunal_appeal_available"),
            "citations": [citation("LGA1974 s26(6)", "26(1)")]}),
    case("remedy-with-34H(i)-ok", "reason_citation_disagreement", False,
         **{**CLOSED, "reasons": reasons("satisfied_with_remedy")}),
    case("no-citations-ok", "reason_citation_disagreement", False,
         **{**CLOSED, "reasons": reasons("late_complaint"), "citations": []}),
    case("made-up-code", "reason_code_unknown", True,
         **{**CLOSED, "reasons": reasons("made_up")}),
    case("known-code-ok", "reason_code_unknown", False,
         **{**CLOSED, "reasons": reasons("other_body_better_placed")}),
    case("made-up-body", "referred_to_unknown", True, referred_to=["ombudsman_of_mars"]),
    case("ico-ok", "referred_to_unknown", False, referred_to=["information_commissioner"]),
    case("hug", "remedy_kind_unknown", True, remedy_kinds=["hug"]),
    case("reassessment-ok", "remedy_kind_unknown", False, remedy_kinds=["reassessment_or_review"]),
    case("paid", "payment_status_invalid", True, payments__0={"amount_gbp": 5, "status": "paid"}),
    case("status-none-ok", "payment_status_invalid", False, payments__0={"amount_gbp": 5}),
    *[case(f"{amount!r}-{purpose}", "payment_amount_implausible", True, raw=True,
           payments__0={"amount_gbp": amount, "status": "agreed", "purpose": purpose})
      for amount, purpose in ((0.5, "distress"), (-300, None), (60_000, "distress"),
                              (2_000_000, "refund of care fees"), ("300", None),
                              (math.nan, None), (math.inf, None), (True, None))],
    *[case(f"{amount!r}-{purpose}", "payment_amount_implausible", False,
           payments__0={"amount_gbp": amount, "status": "agreed", "purpose": purpose})
      for amount, purpose in ((1, "time and trouble"), (6650, "missed provision"),
                              (60_000, "refund of care fees"), (None, None))],
]
NOT_DECISION = {key: None for key in ("reference", "category", "outcome", "decision_date")}
CASES += [
    case("shopping-list", "not_a_decision", True, source="Eggs, milk, bread.\nCall the plumber.",
         **NOT_DECISION, citations=[], spans={}, summary=None, payments=[]),
    case("lgsco-wording-ok", "not_a_decision", False, source="The Ombudsman's final decision:",
         **NOT_DECISION, citations=[], spans={}, summary=None, payments=[]),
    case("the-word-decision-alone", "not_a_decision", True,
         source="hello world, not a decision", **NOT_DECISION, citations=[], spans={},
         summary=None, payments=[]),
    case("decision-header-label-ok", "not_a_decision", False,
         source="Some Council\nDecision :\nUpheld", **NOT_DECISION, citations=[], spans={},
         summary=None, payments=[]),
    case("no-source-ok", "not_a_decision", False, source=None, **NOT_DECISION, citations=[]),
    case("dump-without-reference", "reference_missing", True, source="The Ombudsman's final "
         "decision:", reference=None, spans={}),
    case("no-source", "reference_missing", True, source=None, reference=None, spans={}),
    case("reference-ok", "reference_missing", False),
    case("not-a-decision-says-it-ok", "reference_missing", False, source="Eggs, milk, bread.",
         **NOT_DECISION, citations=[], spans={}, summary=None, payments=[]),
    case("no-reference-no-body", "bodies_missing", True, reference=None, bodies=[], spans={}),
    case("no-reference-but-a-body-ok", "bodies_missing", False, reference=None, spans={}),
    case("a-reference-no-body-ok", "bodies_missing", False, bodies=[], spans={}),
    case("search-results", "several_decisions", True, source=LISTING),
    case("cards-without-titles", "several_decisions", True,
         source="\n".join(ln for ln in LISTING.splitlines() if not ln.endswith(")"))),
    case("titles-without-cards", "several_decisions", True,
         source="\n".join(ln for ln in LISTING.splitlines() if "Statement" not in ln)),
    case("one-decision-ok", "several_decisions", False),
    case("one-card-ok", "several_decisions", False, source="\n".join(LISTING.splitlines()[:4])),
    case("has-reference-ok", "not_a_decision", False, source="Eggs, milk.",
         **{**NOT_DECISION, "reference": "24 012 345"}, citations=[]),
]


def rules_fired(overrides: dict[str, Any], source: Any, raw: bool = False) -> set[str]:
    issues = check_decision(build(overrides, raw), SOURCE if source is DEFAULT else source,
                            today=TODAY)
    assert not [i for i in issues if i.rule == "rule_internal_error"], issues
    return {i.rule for i in issues}


@pytest.mark.parametrize(("overrides", "source", "raw", "rule", "fires"), CASES)
def test_rule_table(overrides, source, raw, rule, fires):
    assert (rule in rules_fired(overrides, source, raw)) is fires


def test_every_rule_has_a_row_that_fires_and_one_that_does_not():
    rows = {p.values[3:] for p in CASES}
    untested = {r for r in RULE_NAMES - {"rule_internal_error"}
                if not {(r, True), (r, False)} <= rows}
    assert not untested


def test_the_factory_record_is_clean_as_model_dict_and_unvalidated():
    for record in (make_decision(), decision_data(), make_raw_decision()):
        assert check_decision(record, SOURCE, today=TODAY) == []


def test_issues_carry_the_record_span_of_their_field():
    [issue] = check_decision(make_decision(decision_date="2025-02-31",
                                           spans={"decision_date": span("14 Mar 2025")}),
                             SOURCE, today=TODAY)
    assert issue.field == "decision_date" and issue.span.text == "14 Mar 2025"


def test_an_unknown_sub_category_is_an_info_note_not_a_warning():
    """No list of the site's sub-categories is complete (DOMAIN §2.2): a note, not a finding."""
    record = make_decision(category__sub="Street lighting", meta__url=None)
    [issue] = check_decision(record, SOURCE, today=TODAY)
    assert issue.rule == "category_sub_unknown" and issue.severity == "info"
    assert "'Street lighting'" in issue.message


def test_before_business_year_reports_once():
    rules = rules_fired({"decision_date": "2024-01-10"}, DEFAULT)
    assert "reference_date_before_business_year" in rules and "reference_date_lag" not in rules


# --- never raises -----------------------------------------------------------------------

GARBAGE = [
    pytest.param(Decision.model_construct(**{k: None for k in Decision.model_fields}),
                 id="every-field-none"),
    pytest.param(None, id="none"), pytest.param(42, id="int"), pytest.param("text", id="str"),
    pytest.param({}, id="empty-dict"), pytest.param([1, 2], id="list"),
    pytest.param(decision_data(reasons=[None, 5, "x", {"code": ["a"], "evidence": 7,
                                                       "start": -5, "end": 10**9}]),
                 id="reasons-junk"),
    pytest.param(decision_data(citations=[{"canonical": None, "text": None, "start": "a"},
                                          {"canonical": "LGA1974 s24A(6)", "text": "x",
                                           "start": -1, "end": -3}, "LGA1974 s26B", None]),
                 id="citations-junk"),
    pytest.param(decision_data(spans={"reference": "oops", 5: None, "x": {
        "text": "Council", "start": 10**12, "end": 10**12 + 7}, "y": {"text": "", "start": 2,
                                                                     "end": 1}}),
                 id="spans-junk"),
    pytest.param(decision_data(payments=[{"amount_gbp": math.inf}, {"amount_gbp": "lots",
                                                                    "status": ["agreed"]},
                                         {"amount_gbp": True, "purpose": 5}, None, 3]),
                 id="payments-junk"),
    pytest.param(decision_data(category="Housing"), id="category-str"),
    pytest.param(decision_data(category={"top": ["x"], "sub": {}}), id="category-unhashable"),
    pytest.param(decision_data(outcome={"a": 1}, investigated="yes", fault_found=[]),
                 id="flags-junk"),
    pytest.param(decision_data(decision_date=date(2025, 3, 14)), id="date-object"),
    pytest.param(decision_data(decision_date="9999-99-99", reference="99 999 999z"),
                 id="date-and-ref-extreme"),
    pytest.param(decision_data(meta={"url": 5}), id="url-int"),
    pytest.param(decision_data(meta="x"), id="meta-str"),
    pytest.param(decision_data(meta__url=LGO + "a/b/24-012-345", category=None), id="url-no-cat"),
    pytest.param(decision_data(referred_to="information_commissioner", remedy_kinds=None,
                               reasons={"code": "x"}), id="lists-not-lists"),
    pytest.param(decision_data(summary=b"bytes", reference=b"24 012 345"), id="bytes"),
]
SOURCES = [SOURCE, None, "", "\x00" * 10, "x" * 100_000, b"bytes", 5]


def _source_id(source: Any) -> str:
    return f"src-{type(source).__name__}-{len(source) if hasattr(source, '__len__') else source}"


@pytest.mark.parametrize("record", GARBAGE)
@pytest.mark.parametrize("source", SOURCES, ids=_source_id)
def test_never_raises_and_no_rule_crashes(record, source):
    issues = check_decision(record, source, today=TODAY)
    assert all(i.rule in RULE_NAMES for i in issues)
    assert not [i for i in issues if i.rule == "rule_internal_error"], issues


def test_a_crashing_rule_becomes_an_issue(monkeypatch):
    def broken(ctx):
        raise KeyError("boom")
    monkeypatch.setitem(RULES, "broken", broken)
    [issue] = check_decision(make_decision(), SOURCE, today=TODAY)
    assert issue.rule == "rule_internal_error" and "broken" in issue.message


# --- severity policy ----------------------------------------------------------------------

def test_policy_values_and_names():
    assert set(SEVERITY.values()) <= set(SEVERITY_LEVELS) - {"off"}
    assert SEVERITY["reference_date_before_business_year"] == REF_BEFORE_BUSINESS_YEAR_SEVERITY
    assert RULE_NAMES == set(SEVERITY)
    assert "extraction_failed" not in RULE_NAMES and "not_a_decision" in RULE_NAMES


@pytest.mark.parametrize(("level", "expected"), [("error", ["error"]), ("info", ["info"]),
                                                 ("off", [])])
def test_policy_override(level, expected):
    record = make_decision(category__sub="Noise", meta__url=None)
    issues = check_decision(record, SOURCE, today=TODAY,
                            severity={"category_sub_unknown": level})
    assert [i.severity for i in issues] == expected


@pytest.mark.parametrize("bad", [{"no_such_rule": "error"}, {"category_sub_unknown": "fatal"}])
def test_bad_policy_override_is_a_caller_error(bad):
    with pytest.raises(ValueError, match="bad severity overrides"):
        check_decision(make_decision(), SOURCE, severity=bad)


def test_today_defaults_to_the_real_clock():
    future = (date.today() + timedelta(days=400)).isoformat()
    assert "decision_date_future" in {i.rule for i in check_decision(
        make_decision(decision_date=future), SOURCE)}


# --- provisions and grounding helpers ------------------------------------------------------

@pytest.mark.parametrize(("canonical", "parsed"), [
    ("LGA1974 s24A(6)", ("24A", ("6",), None, None)),
    ("LGA1974 s26(6)(c)", ("26", ("6", "c"), None, None)),
    ("LGA1974 s34B", ("34B", (), None, None)),
    ("LGA1974 s34H(i)", ("34H", ("1",), None, None)),   # house style (i) means (1)
    ("LGA1974 s30(1B)", ("30", ("1B",), None, None)),
    ("LGA1974 Sch5 para1", (None, (), "5", "1")),
    ("LGA1974 Sch5A para3", (None, (), "5A", "3")),
    ("LGA1974 Sch5 para5(2)", (None, ("2",), "5", "5")),
    ("LGA1974 sch5 para1", None), ("LGA1974 s24A(6) ", None), ("", None),
])
def test_parse_canonical(canonical, parsed):
    p = parse_canonical(canonical)
    assert (p and (p.section, p.subs, p.schedule, p.para)) == parsed


@pytest.mark.parametrize(("wide", "narrow", "covers"), [
    ("LGA1974 s26(6)", "LGA1974 s26(6)(a)", True), ("LGA1974 s34B", "LGA1974 s34B(8)", True),
    ("LGA1974 s26", "LGA1974 s26A(1)", False), ("LGA1974 s26(6)(a)", "LGA1974 s26(6)(b)", False),
    ("LGA1974 Sch5 para5", "LGA1974 Sch5 para5(2)", True),
    ("LGA1974 Sch5 para5", "LGA1974 Sch5A para5", False),
])
def test_provision_covers(wide, narrow, covers):
    a, b = parse_canonical(wide), parse_canonical(narrow)
    assert a.covers(b) is covers and b.covers(a) is covers


@pytest.mark.parametrize(("source", "quote", "where"), [
    ("the Council\u2019s  decision", "Council's decision", (4, 23)),
    ("a \u201cquote\u201d here", '"quote"', (2, 9)),
    ("pay\u00a0£300", "pay £300", (0, 8)),
    ("line one\n\nline two", "one line two", (5, 18)),
    ("nothing", "missing", None), ("x", "", None), ("x", "  ", None),
])
def test_locate(source, quote, where):
    assert locate(source, quote) == where
    if quote.strip():
        assert Grounder(source).occurs(quote) is (where is not None)


def test_normalise():
    assert normalise(" a\u00a0\u2018b\u2019 \u2013 c\n\n") == "a 'b' - c"


# --- the seeds end to end -------------------------------------------------------------------

def seed_000_record(text: str) -> dict[str, Any]:
    summary = text.split("Summary: ", 1)[1].split("\n", 1)[0]
    return {
        "reference": "25 005 395", "decision_date": "2025-10-06",
        "category": {"top": "Children's care services", "sub": "Child protection"},
        "outcome": "closed_after_initial_enquiries", "investigated": False, "complainant": "Mr X",
        "reasons": [
            {"code": "no_evidence_of_fault", **_evidence("there is insufficient evidence of fault",
                                                         text)},
            {"code": "other_body_better_placed", "evidence": "the ICO is better suited"}],
        "referred_to": ["information_commissioner"],
        "citations": [citation("LGA1974 s24A(6)", "section 24A(6)", text),
                      citation("LGA1974 s34B", "section 34(B)", text)],
        "summary": summary,
        "spans": {"reference": span("25 005 395", text),
                  "decision_date": span("06 Oct 2025", text)},
        "meta": {"url": LGO + "children-s-care-services/child-protection/25-005-395"},
    }


def _evidence(quote: str, text: str) -> dict[str, Any]:
    found = span(quote, text)
    return {"evidence": quote, "start": found["start"], "end": found["end"]}


def seed_001_record(text: str) -> dict[str, Any]:
    return {
        "reference": "25 019 316", "decision_date": "2026-05-06",
        "category": {"top": "Children's care services", "sub": "Child protection"},
        "outcome": "closed_after_initial_enquiries", "investigated": False, "complainant": "Miss X",
        "reasons": [{"code": "satisfied_with_remedy", "evidence": "we are unlikely to achieve "
                     "more than the Council has already offered"}],
        "payments": [{"amount_gbp": 1050, "status": "offered_by_body", "purpose": "distress",
                      **_evidence("It offered Miss X £1050 for the distress caused", text)}],
        "referred_to": ["information_commissioner"],
        "citations": [citation("LGA1974 s24A(6)", "section 24A(6)", text),
                      citation("LGA1974 s34B", "section 34(B)", text),
                      citation("LGA1974 s26(6)(c)", "section 26(6)(c)", text)],
        "summary": "We will not investigate Miss X's complaint about children services' actions",
    }


SEED_TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(("n", "make"), [(0, seed_000_record), (1, seed_001_record)])
def test_seed_records_are_clean(n, make):
    text = seed_text(n)
    assert check_decision(Decision.model_validate(make(text)), text, today=SEED_TODAY) == []


@pytest.mark.parametrize(("field", "value", "rule"), [
    ("summary", "We will investigate Mr X's complaint.", "ungrounded_text"),
    ("citations", [{"canonical": "LGA1974 s24A(6)", "text": "section 24A(6)", "start": 0,
                    "end": 14}], "citation_offsets"),
    ("reference", "25 005 396", "reference_url_mismatch"),
    ("decision_date", "2025-03-06", "reference_date_before_business_year"),
])
def test_seed_000_with_a_wrong_field(field, value, rule):
    text = seed_text(0)
    record = {**seed_000_record(text), field: value}
    assert rule in {i.rule for i in check_decision(record, text, today=SEED_TODAY)}


def test_seed_001_before_its_decision_date_is_future():
    text = seed_text(1)
    issues = check_decision(seed_001_record(text), text, today=date(2026, 5, 5))
    assert [i.rule for i in issues] == ["decision_date_future"]
