"""merge.py: the rules always win; the model fills gaps (an unknown value, a code missing from
a list) only with evidence that supports it."""

from __future__ import annotations

import pytest

from extractor.facts.extract import Context
from extractor.model import answers
from extractor.model.merge import (
    DISAGREES_RULE,
    FAILED_RULE,
    UNSUPPORTED_RULE,
    Failure,
    merge,
    supports_reason,
    supports_remedy,
)
from extractor.models import Decision, Payment, Reason
from extractor.read.clean import clean_text
from extractor.read.load import Document
from extractor.read.segment import segment

# Written for these tests (house style, atypical wording, curly apostrophes as pages have them).
SOURCE = (
    "Summary: We will not investigate Mr B\u2019s complaint about his parking permit. The "
    "matters he raises can be appealed to the traffic tribunal.\n"
    "My assessment\n"
    "The Council has agreed to apologise to Mr B and will pay him £150 for his time and "
    "trouble.\n"
    "The Council did not apologise when he first complained.\n"
    "We found fault by the Council in how it handled the renewal.\n"
    "Final decision\n"
    "We will not investigate this complaint.\n")
TRIBUNAL = "The matters he raises can be appealed to the traffic tribunal."
AGREED = ("The Council has agreed to apologise to Mr B and will pay him £150 for his time and "
          "trouble.")
NOT_DONE = "The Council did not apologise when he first complained."
FAULT = "We found fault by the Council in how it handled the renewal."
NOT_INVESTIGATED = "We will not investigate this complaint."
SENTENCES = (TRIBUNAL, AGREED, NOT_DONE, FAULT, NOT_INVESTIGATED)
DOC = Document(text=SOURCE, source="merge-test.txt")
CLEANED = clean_text(SOURCE)
CTX = Context(DOC, CLEANED, segment(CLEANED.text))


def number(sentence: str) -> int:
    """The model answers with the number of a listed sentence."""
    return SENTENCES.index(sentence) + 1


def reasons(*items: tuple[str, str]) -> object:
    model = answers.reasons_model(SENTENCES, ("tribunal_appeal_available", "late_complaint",
                                              "no_evidence_of_fault",
                                              "use_review_or_appeal_first"))
    return model.model_validate({"items": [{"sentence": number(s), "code": c} for s, c in items]})


def remedies(*items: tuple[str, str]) -> object:
    model = answers.remedies_model(SENTENCES, ("apology", "payment", "service_improvement"))
    return model.model_validate({"items": [{"sentence": number(s), "kind": k} for s, k in items]})


def status(sentence: str, **values: str) -> object:
    return answers.status_model(SENTENCES, tuple(values)).model_validate(
        {"sentence": number(sentence), **values})


def payments(*items: tuple[float, str, str]) -> object:
    return answers.payments_model().model_validate(
        {"items": [{"amount_gbp": a, "status": s, "purpose": p} for a, s, p in items]})


def facts(**fields: object) -> Decision:
    base: dict[str, object] = {"outcome": "closed_after_initial_enquiries",
                               "investigated": False}
    return Decision.model_validate({**base, **fields})


def run(record: Decision, **answered: object) -> Decision:
    return merge(record, CTX, dict(answered), [])


def rules_of(record: Decision) -> list[str]:
    return [i.rule for i in record.issues]


def test_a_supported_reason_fills_the_gap_with_a_grounded_quote():
    out = run(facts(), reasons=reasons((TRIBUNAL, "tribunal_appeal_available")))
    [reason] = out.reasons
    assert (reason.code, reason.origin) == ("tribunal_appeal_available", "model")
    assert SOURCE[reason.start:reason.end] == reason.evidence == TRIBUNAL
    assert out.issues == []


def test_an_unsupported_reason_is_dropped_with_an_info_issue():
    out = run(facts(), reasons=reasons((TRIBUNAL, "late_complaint")))
    assert out.reasons == []
    assert [(i.rule, i.severity) for i in out.issues] == [(UNSUPPORTED_RULE, "info")]


def rule_reason(code: str, sentence: str) -> Reason:
    start = SOURCE.index(sentence)
    return Reason(code=code, evidence=sentence, start=start, end=start + len(sentence))


@pytest.mark.parametrize(("sentence", "code", "expected", "issues"), [
    # another sentence, supported: the model adds a code the rules missed
    (TRIBUNAL, "tribunal_appeal_available", ["no_evidence_of_fault", "tribunal_appeal_available"],
     []),
    # the rules read this very sentence as another code: a disagreement, the rules' code stays
    (NOT_INVESTIGATED, "late_complaint", ["no_evidence_of_fault"], [DISAGREES_RULE]),
    # the rules' own code again: nothing to add, nothing to say
    (NOT_INVESTIGATED, "no_evidence_of_fault", ["no_evidence_of_fault"], []),
    # another sentence that does not say what the model claims: dropped
    (TRIBUNAL, "late_complaint", ["no_evidence_of_fault"], [UNSUPPORTED_RULE]),
])
def test_the_model_adds_reasons_to_the_rules_but_never_removes_or_rereads_one(
        sentence, code, expected, issues):
    settled = rule_reason("no_evidence_of_fault", NOT_INVESTIGATED)
    out = run(facts(reasons=[settled]), reasons=reasons((sentence, code)))
    assert [r.code for r in out.reasons] == expected
    assert [r.origin for r in out.reasons][1:] == ["model"] * (len(expected) - 1)
    assert rules_of(out) == issues


@pytest.mark.parametrize(("ruled", "code", "added"), [
    ("tribunal_appeal_available", "use_review_or_appeal_first", False),  # same route, re-read
    ("court_remedy_available", "tribunal_appeal_available", True),       # another aspect
])
def test_the_model_adds_no_code_of_a_group_the_rules_already_read(ruled, code, added):
    settled = rule_reason(ruled, NOT_INVESTIGATED)
    record = run(facts(reasons=[settled]), reasons=reasons((TRIBUNAL, code)))
    assert (code in [r.code for r in record.reasons]) is added
    assert rules_of(record) == ([] if added else [DISAGREES_RULE])


def test_no_reasons_are_taken_for_an_investigated_decision():
    out = run(facts(outcome="upheld", investigated=True),
              reasons=reasons((TRIBUNAL, "tribunal_appeal_available")))
    assert out.reasons == [] and out.issues == []


def test_repeated_items_are_dropped_by_the_answer_model():
    answer = reasons((TRIBUNAL, "tribunal_appeal_available"),
                     (TRIBUNAL, "tribunal_appeal_available"))
    assert len(answer.items) == 1


@pytest.mark.parametrize(("kind", "sentence", "accepted"), [
    ("apology", AGREED, True),            # agreed to apologise
    ("payment", AGREED, True),            # will pay £150
    ("apology", NOT_DONE, False),         # "did not apologise": negated, and no status cue
    ("service_improvement", AGREED, False),  # nothing about procedures or training
    ("apology", FAULT, False),            # no remedy in the sentence at all
])
def test_remedy_support(kind, sentence, accepted):
    assert supports_remedy(kind, sentence) is accepted
    out = run(facts(outcome="upheld", investigated=True), remedies=remedies((sentence, kind)))
    assert (kind in out.remedy_kinds) is accepted
    assert rules_of(out) == ([] if accepted else [UNSUPPORTED_RULE])


@pytest.mark.parametrize(("kind", "sentence", "supported"), [
    # reviewing a procedure improves the service; it does not re-decide the person's case
    ("reassessment_or_review", "The Council will review its procedure for home visits.", False),
    ("service_improvement", "The Council will review its procedure for home visits.", True),
    ("reassessment_or_review", "The Council has agreed to review Mr B's care plan.", True),
    ("reassessment_or_review", "The Council will carry out a fresh review of his needs.", True),
    # "review" as a noun in a payment's purpose is no reassessment
    ("reassessment_or_review", "The Council will pay Mr B £200 for the delay in the plan "
                               "review.", False),
    # a refund or credit of an amount is not a payment remedy; an offer of money is
    ("payment", "The Council will refund the £80 fee to Mr B.", False),
    ("refund_or_waiver", "The Council will refund the £80 fee to Mr B.", True),
    ("payment", "The Council will apply a credit of £40 to his account.", False),
    ("payment", "The Council had already offered Mr B £100 for his trouble.", True),
    ("payment", "The Council should pay Mr B £250.", True),
    # following a procedure is not changing it
    ("service_improvement", "The Council will open a new case and follow its procedure.", False),
    ("service_improvement", "The Council will remind staff to record visits.", True),
    # meeting costs is paying them; costs only mentioned are no remedy
    ("payment", "The Council has agreed to meet part of Mr B's legal costs.", True),
    ("payment", "The Council will contribute towards his removal expenses.", True),
    ("payment", "Mr B said the costs were too high.", False),
])
def test_remedy_support_table(kind, sentence, supported):
    assert supports_remedy(kind, sentence) is supported


@pytest.mark.parametrize(("sentence", "kind", "expected", "issues"), [
    (AGREED, "apology", ["payment", "apology"], []),           # added beside the rules' kind
    (AGREED, "payment", ["payment"], []),                      # the rules' kind again
    (NOT_DONE, "apology", ["payment"], [UNSUPPORTED_RULE]),    # "did not apologise"
])
def test_the_model_adds_remedy_kinds_to_the_rules_but_never_removes_one(
        sentence, kind, expected, issues):
    out = run(facts(outcome="upheld", investigated=True, remedy_kinds=["payment"]),
              remedies=remedies((sentence, kind)))
    assert out.remedy_kinds == expected and rules_of(out) == issues


@pytest.mark.parametrize(("settled", "sentence", "values", "expected", "issues"), [
    # investigated unknown: a "will not investigate" sentence settles it; no finding follows
    ({"investigated": None, "outcome": None}, NOT_INVESTIGATED, {"investigated": "no"},
     (False, None), []),
    # the sentence does not say what the model claims
    ({"investigated": None, "outcome": None}, NOT_INVESTIGATED, {"investigated": "yes"},
     (None, None), [UNSUPPORTED_RULE]),
    # the rules settled it: a different answer is a warning, the rules' value stays
    ({"investigated": False}, FAULT, {"investigated": "yes"}, (False, None), [DISAGREES_RULE]),
    # fault found, supported by its sentence
    ({"outcome": "upheld", "investigated": True}, FAULT, {"fault_found": "yes"}, (True, True),
     []),
    # "unclear" leaves the field alone
    ({"investigated": None, "outcome": None}, FAULT, {"investigated": "unclear"},
     (None, None), []),
])
def test_status(settled, sentence, values, expected, issues):
    out = run(facts(**settled), status=status(sentence, **values))
    assert (out.investigated, out.fault_found) == expected
    assert rules_of(out) == issues


def test_payments_fill_status_and_purpose_but_never_add_an_amount():
    paid = Payment(amount_gbp=150, status="agreed", purpose=None, evidence=AGREED)
    out = run(facts(outcome="upheld", investigated=True, payments=[paid]),
              payments=payments((150, "agreed", "time and trouble"), (99, "agreed", "distress")))
    assert [(p.amount_gbp, p.status, p.purpose) for p in out.payments] == [
        (150, "agreed", "time and trouble")]
    assert rules_of(out) == [UNSUPPORTED_RULE]


@pytest.mark.parametrize(("model_status", "purpose", "expected", "issues"), [
    ("recommended", "distress", ("agreed", None), [DISAGREES_RULE]),  # the rules' status wins
    ("agreed", "a holiday abroad", ("agreed", None), []),  # purpose words not in the sentence
])
def test_payment_answers_that_do_not_fit_are_not_taken(model_status, purpose, expected, issues):
    paid = Payment(amount_gbp=150, status="agreed", evidence=AGREED)
    out = run(facts(payments=[paid]), payments=payments((150, model_status, purpose)))
    assert (out.payments[0].status, out.payments[0].purpose) == expected
    assert rules_of(out) == issues


def test_a_failed_question_is_one_error_issue_and_the_facts_stay():
    record = facts(reasons=[])
    out = merge(record, CTX, {}, [Failure("reasons", ("reasons",),
                                                   "3 validation error(s)\nfirst at x", 3)])
    [issue] = out.issues
    assert (issue.rule, issue.severity, issue.field) == (FAILED_RULE, "error", "reasons")
    assert "\n" not in issue.message and "after 3 attempt(s)" in issue.message
    assert out.model_dump(exclude={"issues"}) == record.model_dump(exclude={"issues"})


@pytest.mark.parametrize(("code", "sentence", "supported"), [
    ("no_injustice_from_fault", "Any fault has not caused Mr B an injustice.", True),
    ("no_injustice_from_fault", "There is no sign of significant injustice to Mr B.", False),
    ("no_evidence_of_fault", "There is not enough evidence of fault by the Council.", True),
    ("no_evidence_of_fault", "We will not investigate Mr B's complaint about his permit.", False),
    ("tribunal_appeal_available", TRIBUNAL, True),
    ("other", TRIBUNAL, False),   # "other" can never be checked, so it is never taken
    ("no_injustice_from_fault", "It did not cause Mr B an injustice that needs a remedy.", True),
    ("no_injustice_from_fault", "This remedies the injustice caused to Mr B.", False),
    ("no_injustice_from_fault", "We could not say the delay affected the outcome.", True),
    ("no_injustice_from_fault", "The error did not affect the outcome of his application.",
     True),
    ("no_injustice_from_fault", "The fault would not have affected the Council's decision.",
     True),
    # the body's own review or appeal ...
    ("use_review_or_appeal_first", "Mr B should ask the Council to review its decision first.",
     True),
    # ... not a tribunal's, Parliament's statutory route, or the Ombudsman's own role
    ("use_review_or_appeal_first", "Mr B can appeal to the Valuation Tribunal.", False),
    ("use_review_or_appeal_first", "Parliament has provided an appeal process for parking "
                                   "tickets.", False),
    ("use_review_or_appeal_first", "We are not an appeal body.", False),
    ("use_review_or_appeal_first", "Mr B complains about an unsuccessful appeal.", False),
    # having appealed, not being expected to have appealed
    ("tribunal_appeal_used", "Mr B has already appealed to the tribunal.", True),
    ("tribunal_appeal_used", "It was reasonable to expect Mr B to have appealed.", False),
    # what happens inside a school, not any sentence with "school" in it
    ("school_internal_matter", "The law stops us investigating what happens in schools.", True),
    ("school_internal_matter", "Mr B wants a place at a different school.", False),
    # the Ombudsman setting complaint handling aside, not the complaint's history
    ("complaint_handling_only", "We will not look at how the Council handled his complaint "
                                "on its own.", True),
    ("complaint_handling_only", "He escalated his complaint through the complaints "
                                "procedure.", False),
    ("premature", "Mr B has not yet completed the Council's complaints procedure.", True),
    ("premature", "He escalated his complaint through the complaints procedure.", False),
])
def test_reason_support(code, sentence, supported):
    assert supports_reason(code, sentence) is supported
