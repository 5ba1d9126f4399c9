"""The trust policy (model/policy.py), its modes in the merge, the rule calibration chooses by
(review/calibrate.py) and the price table (model/prices.py)."""

from __future__ import annotations

import json

import pytest

from extractor.errors import ConfigError
from extractor.facts.extract import Context
from extractor.model import answers
from extractor.model.merge import merge
from extractor.model.policy import FIELDS, RULES, Policy, load_policy, resolve_policy
from extractor.model.prices import cost_usd
from extractor.models import Decision, Reason
from extractor.read.clean import clean_text
from extractor.read.load import Document
from extractor.read.segment import segment
from extractor.review.calibrate import Counts, choose, field_values
from extractor.rules.policy import OVERRIDES_RULE, UNSUPPORTED_RULE

# Written for these tests, in the house style.
SOURCE = ("Summary: We will not investigate Ms C\u2019s complaint about her council tax bill. "
          "She can appeal to the valuation tribunal about the banding.\n"
          "My assessment\n"
          "There is not enough evidence of fault in how the Council billed her.\n"
          "She may also complain to the Information Commissioner about her records.\n"
          "The Council has agreed to review her account and refund the overpayment.\n"
          "Final decision\n"
          "We will not investigate this complaint.\n")
TRIBUNAL = "She can appeal to the valuation tribunal about the banding."
NO_FAULT = "There is not enough evidence of fault in how the Council billed her."
ICO = "She may also complain to the Information Commissioner about her records."
REFUND = "The Council has agreed to review her account and refund the overpayment."
SENTENCES = (TRIBUNAL, NO_FAULT, ICO, REFUND)
DOC = Document(text=SOURCE, source="trust-test.txt")
CLEANED = clean_text(SOURCE)
CTX = Context(DOC, CLEANED, segment(CLEANED.text))
CODES = ("tribunal_appeal_available", "no_evidence_of_fault", "late_complaint")


def n(sentence: str) -> int:
    return SENTENCES.index(sentence) + 1


def reasons(*items: tuple[str, str]) -> object:
    return answers.reasons_model(SENTENCES, CODES, 4).model_validate(
        {"items": [{"sentence": n(s), "code": c} for s, c in items]})


def referrals(*items: tuple[str, str]) -> object:
    return answers.referrals_model(SENTENCES, ("information_commissioner", "tribunal",
                                               "police"), 3).model_validate(
        {"items": [{"sentence": n(s), "code": c} for s, c in items]})


def remedies(*items: tuple[str, str]) -> object:
    return answers.remedies_model(SENTENCES, ("refund_or_waiver", "apology",
                                              "reassessment_or_review"), 6).model_validate(
        {"items": [{"sentence": n(s), "kind": k} for s, k in items]})


def rule_reason(code: str, sentence: str) -> Reason:
    start = SOURCE.index(sentence)
    return Reason(code=code, evidence=sentence, start=start, end=start + len(sentence))


def facts(**fields: object) -> Decision:
    return Decision.model_validate({"outcome": "closed_after_initial_enquiries",
                                    "investigated": False, **fields})


def run(record: Decision, mode: str, **answered: object) -> Decision:
    return merge(record, CTX, dict(answered), [], Policy.uniform(mode))


# --- reasons: the rules read no_evidence_of_fault; the model says tribunal + late -----------

@pytest.mark.parametrize(("mode", "expected", "issues"), [
    # rules: tribunal passes its support cue; late_complaint on the refund sentence does not
    ("rules", ["no_evidence_of_fault", "tribunal_appeal_available"], [UNSUPPORTED_RULE]),
    # grounded: both are grounded in an offered sentence; no word-list gate; the rule's stays
    ("grounded", ["no_evidence_of_fault", "tribunal_appeal_available", "late_complaint"], []),
    # model: the model's list wins; the rule's code it left out is a warning
    ("model", ["tribunal_appeal_available", "late_complaint"], [OVERRIDES_RULE]),
])
def test_reasons_follow_the_mode(mode, expected, issues):
    record = facts(reasons=[rule_reason("no_evidence_of_fault", NO_FAULT)])
    out = run(record, mode, reasons=reasons((TRIBUNAL, "tribunal_appeal_available"),
                                            (REFUND, "late_complaint")))
    assert [r.code for r in out.reasons] == expected
    assert [i.rule for i in out.issues] == issues
    for r in out.reasons:
        assert SOURCE[r.start:r.end] == r.evidence


def test_a_trusted_answer_that_keeps_the_rule_code_keeps_its_rule_evidence():
    record = facts(reasons=[rule_reason("no_evidence_of_fault", NO_FAULT)])
    out = run(record, "model", reasons=reasons((NO_FAULT, "no_evidence_of_fault")))
    assert [(r.code, r.origin) for r in out.reasons] == [("no_evidence_of_fault", "rule")]
    assert out.issues == []


@pytest.mark.parametrize(("mode", "ruled", "said", "expected"), [
    ("rules", [], [(ICO, "information_commissioner")], ["information_commissioner"]),
    ("rules", [], [(REFUND, "police")], []),              # no referral phrase: dropped
    ("grounded", [], [(REFUND, "police")], ["police"]),   # grounded: taken
    ("grounded", ["tribunal"], [(ICO, "information_commissioner")],
     ["tribunal", "information_commissioner"]),
    ("model", ["tribunal"], [(ICO, "information_commissioner")], ["information_commissioner"]),
    ("model", ["tribunal"], [], []),                       # the model says none: none
])
def test_referrals_follow_the_mode(mode, ruled, said, expected):
    out = run(facts(referred_to=ruled), mode, referrals=referrals(*said))
    assert out.referred_to == expected


@pytest.mark.parametrize(("mode", "ruled", "said", "expected"), [
    ("rules", [], [(REFUND, "refund_or_waiver")], ["refund_or_waiver"]),
    ("rules", [], [(ICO, "apology")], []),
    ("grounded", [], [(ICO, "apology")], ["apology"]),
    ("model", ["apology"], [(REFUND, "refund_or_waiver"), (REFUND, "reassessment_or_review")],
     ["refund_or_waiver", "reassessment_or_review"]),
])
def test_remedy_kinds_follow_the_mode(mode, ruled, said, expected):
    out = run(facts(remedy_kinds=ruled), mode, remedies=remedies(*said))
    assert out.remedy_kinds == expected


@pytest.mark.parametrize(("mode", "ruled", "said", "expected", "issues"), [
    ("rules", False, "yes", False, ["model_disagrees"]),
    ("model", False, "yes", True, [OVERRIDES_RULE]),
    ("rules", None, "yes", None, [UNSUPPORTED_RULE]),   # its sentence says nothing of it
    ("grounded", None, "yes", True, []),
])
def test_investigated_follows_the_mode(mode, ruled, said, expected, issues):
    status = answers.status_model(SENTENCES, ("investigated",)).model_validate(
        {"sentence": n(REFUND), "investigated": said})
    out = run(facts(investigated=ruled, outcome=None), mode, status=status)
    assert out.investigated is expected
    assert [i.rule for i in out.issues] == issues


def test_a_trusted_reason_the_citations_do_not_ground_is_kept_with_a_warning():
    record = facts(citations=[{"canonical": "LGA1974 s26(6)(a)", "text": "section 26(6)(a)",
                               "start": 0, "end": 1}])
    out = run(record, "model", reasons=reasons((REFUND, "late_complaint")))
    assert [r.code for r in out.reasons] == ["late_complaint"]
    assert [i.rule for i in out.issues] == ["model_reason_uncited"]


# --- policy files ----------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "error"), [
    ('{"modes": {"reasons": "model"}}', None),
    ('{"modes": {"reasons": "trusted"}}', "mode 'trusted'"),
    ('{"modes": {"summary": "model"}}', "unknown field 'summary'"),
    ('{"figures": {}}', "no \"modes\""),
    ("not json", "is not JSON"),
])
def test_a_policy_file_loads_or_says_what_is_wrong(tmp_path, content, error):
    path = tmp_path / "policy.json"
    path.write_text(content, encoding="utf-8")
    if error is None:
        assert load_policy(path).mode("reasons") == "model"
        assert load_policy(path).mode("referred_to") == "rules"
    else:
        with pytest.raises(ConfigError, match=error):
            load_policy(path)


def test_the_policy_hash_names_the_modes_only():
    a = Policy({"reasons": "model"}, source="a.json")
    assert a.sha == Policy({"reasons": "model", "fault_found": "rules"}, source="b.json").sha
    assert a.sha != RULES.sha != Policy.uniform("grounded").sha


def test_a_backend_without_a_policy_runs_rules_and_says_how_to_calibrate(tmp_path):
    said: list[str] = []
    assert resolve_policy(None, "openai", "gpt-4o-mini", False, said.append) is RULES
    [line] = said
    assert "extractor calibrate --backend openai --model gpt-4o-mini" in line
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"modes": {f: "grounded" for f in FIELDS}}), encoding="utf-8")
    said.clear()
    assert resolve_policy(str(path), "openai", None, False, said.append).mode("reasons") == \
        "grounded"
    assert said == []


# --- calibration -------------------------------------------------------------------------------

def figures(p: float, r: float, n: int = 20) -> dict[str, float | int]:
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": round(f1, 4), "n": n}


@pytest.mark.parametrize(("rules", "grounded", "model", "alone", "chosen"), [
    # as precise, more recall: the model's answer wins
    (figures(0.95, 0.80), figures(0.95, 0.85), figures(0.97, 0.95), figures(0.97, 0.90),
     "model"),
    # a tie goes to the model on enough labels ...
    (figures(1.0, 1.0), figures(1.0, 1.0), figures(1.0, 1.0), figures(1.0, 1.0), "model"),
    # ... but not on too few
    (figures(1.0, 1.0, 5), figures(1.0, 1.0, 5), figures(1.0, 1.0, 5), figures(1.0, 1.0, 5),
     "rules"),
    # the model merge looks fine only because the validators refused its mistakes
    (figures(1.0, 1.0), figures(1.0, 1.0), figures(1.0, 1.0), figures(0.80, 0.6), "rules"),
    # ... even slightly (the embedded model's fault_found on dev: 0.95 alone)
    (figures(1.0, 1.0), figures(1.0, 1.0), figures(1.0, 1.0), figures(0.95, 0.95), "rules"),
    # less precise alone, but its additions raise F1 without losing precision: grounded
    (figures(0.95, 0.80), figures(0.95, 0.90), figures(0.80, 0.95), figures(0.8, 0.9),
     "grounded"),
    # its additions cost precision: rules
    (figures(0.95, 0.80), figures(0.85, 0.95), figures(0.75, 0.9), figures(0.75, 0.9), "rules"),
])
def test_calibration_chooses_by_the_stated_rule(rules, grounded, model, alone, chosen):
    assert choose({"rules": rules, "grounded": grounded, "model": model,
                   "model_alone": alone}) == chosen


def test_counts_score_like_the_scorer():
    c = Counts()
    c.add({"a", "b"}, {"a", "c"})
    c.add(set(), set())
    assert c.figures() == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 1, "fp": 1,
                           "fn": 1, "n": 2}
    assert Counts().figures()["precision"] == 1.0


def test_field_values_scores_reasons_only_where_not_investigated():
    record = {"reasons": [{"code": "late_complaint"}], "investigated": True}
    assert field_values(record, {"investigated": True, "reasons": []})["reasons"] is None
    assert field_values(record, {"investigated": False, "reasons": ["late_complaint"]}
                        )["reasons"] == ({"late_complaint"}, {"late_complaint"})


# --- prices ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("backend", "model", "tokens", "expected"), [
    ("local", "gemma", (1000, 100), 0.0),
    ("none", None, (0, 0), 0.0),
    ("openai", "gpt-4o-mini", (1_000_000, 1_000_000), 0.75),
    ("openai", "gpt-4o-mini-2024-07-18", (1_000_000, 0), 0.15),   # a snapshot, not gpt-4o
    ("openai", "gpt-4o", (1_000_000, 0), 2.5),
    ("openai", "my-own-model", (1000, 100), None),               # not in the table: no guess
])
def test_cost_is_tokens_times_the_dated_price(backend, model, tokens, expected):
    assert cost_usd(backend, model, *tokens) == expected
