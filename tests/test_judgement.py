"""The deterministic judgement read by meaning (issue 12): appeal routes by modality, the
wording of reasons, remedies under a remedy frame, fault from wording, money in words and
ranges. Every sentence is written for these tables (house style, invented people)."""

from __future__ import annotations

import pytest

from extractor.facts import outcome
from extractor.facts.money import find_amounts, words_to_number
from extractor.facts.outcome import outcome_from, read_wording
from extractor.facts.patterns import iter_sentences
from extractor.facts.reasons import find_reasons, find_referrals
from extractor.facts.remedies import find_payments
from extractor.facts.remedy_kinds import find_remedy_kinds
from extractor.pipeline import deterministic_pass
from extractor.read.load import Document
from extractor.vocab import REASONS, REFERRALS, REMEDIES


def _sentences(text: str) -> list[tuple[int, int]]:
    return list(iter_sentences(text))


def reasons_and_referrals(text: str) -> tuple[set[str], set[str]]:
    hits = find_reasons(text, _sentences(text), ())
    return {h.code for h in hits}, {h.code for h in find_referrals(text, _sentences(text), hits)}


# --- appeal routes: open to the person (available) or already taken (used) ----------------
# (sentence, reasons, referred_to): a route open to the person points there; one already
# used does not, and a route it would be unreasonable to use is no reason at all.
ROUTES = [
    ("Mrs B could have appealed to the Valuation Tribunal.",
     {"tribunal_appeal_available"}, {"tribunal"}),
    ("It is reasonable to expect Mr C to have appealed to the tribunal.",
     {"tribunal_appeal_available"}, {"tribunal"}),
    ("Mr C could reasonably have appealed to the TPT.",                 # abbreviation
     {"tribunal_appeal_available"}, {"tribunal"}),
    ("She should have appealed to the parking adjudicator.",
     {"tribunal_appeal_available"}, {"tribunal"}),
    ("He did not appeal to the tribunal.", {"tribunal_appeal_available"}, {"tribunal"}),
    ("It is open to Mrs B to appeal to the Valuation Tribunal if she disagrees.",
     {"tribunal_appeal_available"}, {"tribunal"}),
    ("If Ms D disagrees, she can appeal to the Social Entitlement Chamber.",
     {"tribunal_appeal_available"}, {"tribunal"}),
    ("Ms D could have asked the tribunal to consider her case.",
     {"tribunal_appeal_available"}, {"tribunal"}),
    ("The First-tier Tribunal, to which Mr E can still appeal, decides such matters.",
     {"tribunal_appeal_available"}, {"tribunal"}),               # route named before the verb
    ("Ms D has appealed to the tribunal and is waiting for a hearing.",
     {"tribunal_appeal_used"}, set()),
    ("Her appeal to the First-tier Tribunal was dismissed.", {"tribunal_appeal_used"}, set()),
    ("Mr H has already lodged an appeal with the Traffic Penalty Tribunal.",
     {"tribunal_appeal_used"}, set()),
    ("The tribunal dismissed Mrs J's appeal in May.", {"tribunal_appeal_used"}, set()),
    ("Mr F appealed to the magistrates' court.", {"court_remedy_used"}, set()),
    ("The complainant took the Council to the county court last year.",
     {"court_remedy_used"}, set()),
    ("It would be reasonable to expect her to go to court.",
     {"court_remedy_available"}, {"courts"}),
    ("It is reasonable to expect Mr G to use the remedies open to him in the county court.",
     {"court_remedy_available"}, {"courts"}),
    ("Mr J's claim for damages could be pursued through the small claims court.",
     {"court_remedy_available"}, {"courts"}),
    ("Only a court can decide who owns the strip of land.",
     {"court_remedy_available"}, {"courts"}),
    ("A court would need to decide whether the contract was breached.",
     {"court_remedy_available"}, {"courts"}),
    ("Who is liable for the damage is a matter for the courts.",
     {"court_remedy_available"}, {"courts"}),
    ("We do not consider it would be reasonable to expect Mrs Y to go to court.", set(), set()),
    ("It would be unreasonable to expect Mr Z to take the Council to court.", set(), set()),
    ("The Council can take enforcement action through the courts.", set(), set()),  # its route
    ("This is a matter for the Planning Inspector, to whom Mr S can appeal.",
     {"minister_appeal_available"}, {"planning_inspectorate"}),
    ("Mr X could not appeal to the tribunal because he was in hospital.", set(), set()),
    ("Mr X says the Council should have told him he could appeal to the tribunal.",
     set(), set()),                                              # the complainant's claim
    ("A complainant who is unhappy can ask for a stage three review by an independent panel.",
     set(), set()),                          # the children's procedure: no tribunal
]


@pytest.mark.parametrize(("sentence", "reasons", "referred"), ROUTES)
def test_routes_by_modality_and_referrals_agree(sentence, reasons, referred):
    assert reasons_and_referrals(sentence) == (reasons, referred)


# --- the wording of the other reasons -------------------------------------------------------
WORDING = [
    ("I have seen no evidence the Council acted with fault.", {"no_evidence_of_fault"}),
    ("There is nothing to suggest the Council was at fault.", {"no_evidence_of_fault"}),
    ("There is no sign the Council did anything wrong.", {"no_evidence_of_fault"}),
    ("We would not find the Council at fault.", {"no_evidence_of_fault"}),
    ("We are not persuaded there is any fault in how it decided.", {"no_evidence_of_fault"}),
    ("It made a decision it was entitled to make, so we could not criticise it.",
     {"no_evidence_of_fault"}),
    ("There is not enough evidence of fault by the Council causing Mr K injustice.",
     {"no_evidence_of_fault"}),              # fault causing injustice: still no fault
    ("There is no evidence the fault caused Mrs L an injustice.",
     {"no_injustice_from_fault"}),           # the fault's effect, not the fault
    ("The delay did not cause Ms M an injustice.", {"no_injustice_from_fault"}),
    ("There is insufficient personal injustice to warrant an investigation.",
     {"injustice_not_significant"}),         # too little injustice, not none
    ("The impact on Mr N of the missed collections is not significant enough.",
     {"injustice_not_significant"}),
    ("Any injustice to Mr L is not serious enough to justify our involvement.",
     {"injustice_not_significant"}),
    ("The Council's offer of £200 is a proportionate remedy for the distress.",
     {"satisfied_with_remedy"}),
    ("The Council has since apologised and cancelled the charge.", {"satisfied_with_remedy"}),
    ("The Council has since put things right.", {"satisfied_with_remedy"}),
    ("The Council needs the chance to put things right before we can consider it.",
     {"premature"}),                         # a chance to put right is not a remedy given
    ("Mr Q should first complain to the Council.", {"premature"}),
    ("Ms X first complained to the Council in 2019.", set()),   # narrative, not a reason
    ("It is unlikely we would reach a different view.", {"no_different_outcome"}),
    ("It is unlikely the outcome would have been different.", {"no_different_outcome"}),
    ("We cannot order the Council to dismiss the officer.",
     {"cannot_achieve_outcome_sought"}),
    ("An investigation would serve no useful purpose.", {"no_worthwhile_outcome"}),
    ("Mrs V could complain to the Information Commissioner about the data breach.",
     {"other_body_better_placed"}),
    ("This is a data protection matter best dealt with by the Information Commissioner.",
     {"other_body_better_placed"}),
    ("Her concern is better considered and decided by the ICO.", {"other_body_better_placed"}),
    ("The dispute is best decided by the court.", set()),   # a court is a route, not a body
    ("We will not look at how the Council handled Mr W's complaint on its own.",
     {"complaint_handling_only"}),
    ("It is reasonable for Mr P to make formal representations to the Council.",
     {"use_review_or_appeal_first"}),
    ("Mr R complained to us more than a year after the Council's decision.",
     {"late_complaint"}),
    ("The complaint concerns reports the Council wrote for the family court.",
     {"court_proceedings_matter"}),
    ("The Council considered the matter properly, so there is no fault.",
     {"no_evidence_of_fault"}),
    ("The matter has not had a significant impact on Mr X.", {"injustice_not_significant"}),
    ("The level of injustice does not warrant an investigation.",
     {"injustice_not_significant"}),
]


@pytest.mark.parametrize(("sentence", "expected"), WORDING)
def test_reason_wording(sentence, expected):
    assert reasons_and_referrals(sentence)[0] == expected


# --- reasons by meaning (issue 24), each with near misses -----------------------------------
# (text, reasons, referred_to)
MEANINGS = [
    # the body has put it right, or offered enough
    ("The Council has since withdrawn the penalty charge notice.",
     {"satisfied_with_remedy"}, set()),
    ("After Mr B complained, the Council cancelled the invoice and refunded his fee.",
     {"satisfied_with_remedy"}, set()),
    ("The Council accepted it had made an error and apologised to Mrs C.",
     {"satisfied_with_remedy"}, set()),
    ("The Council has offered to reassess Ms D's needs.", {"satisfied_with_remedy"}, set()),
    ("A payment of £100 is enough to acknowledge the frustration Mr E experienced.",
     {"satisfied_with_remedy"}, set()),
    ("We could not achieve anything more for Miss F by investigating.",
     {"satisfied_with_remedy"}, set()),
    ("The Council has not withdrawn the notice.", set(), set()),
    ("The Council refused to cancel the penalty.", set(), set()),
    ("Mr G wants the Council to cancel the charge and refund his fee.", set(), set()),
    ("The Council withdrew its offer of a flat in May.", set(), set()),      # not a remedy
    ("In its reply the Council apologised for the confusion.", set(), set()),   # its reply
    ("An investigation would serve no purpose and would achieve nothing.",
     {"no_worthwhile_outcome"}, set()),
    # the fault changed nothing, versus an injustice too small
    ("Even if the officer erred, we could not say it affected the outcome.",
     {"no_injustice_from_fault"}, set()),
    ("The mistake made no difference to the decision on Mrs H's application.",
     {"no_injustice_from_fault"}, set()),
    ("Mr J has not lost out because of the delay.", {"no_injustice_from_fault"}, set()),
    ("Investigating further would not change the outcome for Ms K.",
     {"no_different_outcome"}, set()),                    # what we would change: not injustice
    ("The delay caused Mr L only minor inconvenience.", {"injustice_not_significant"}, set()),
    ("Any impact on Mrs M from the missed visit is slight.",
     {"injustice_not_significant"}, set()),
    ("Any fault did not cause Mr N significant injustice.",
     {"injustice_not_significant"}, set()),
    ("The Council did not sufficiently explain its decision to Ms O.", set(), set()),
    ("There is not enough evidence of fault causing significant injustice.",
     {"no_evidence_of_fault"}, set()),                    # the doubt is about the fault
    ("We are unlikely to find fault by the care provider that caused Mrs A significant "
     "injustice.", {"no_evidence_of_fault"}, set()),
    ("There is no sign the Council was at fault or that its letter caused Ms O a significant "
     "injustice.", {"no_evidence_of_fault", "injustice_not_significant"}, set()),   # two doubts
    ("The delay did not cause Mr P an injustice. Any distress was not significant.",
     {"no_injustice_from_fault"}, set()),                 # one injustice reason: the first
    # the body did it right: no sign of fault
    ("The Council made a decision it was entitled to make.", {"no_evidence_of_fault"}, set()),
    ("There is no basis for us to question how the Council banded Ms B.",
     {"no_evidence_of_fault"}, set()),
    ("The officer acted in line with the guidance.", set(), set()),   # reading, not a reason
    ("Mr C says the Council made a decision it was not entitled to make.", set(), set()),
    ("Investigating would not change anything for Mrs D.", {"no_different_outcome"}, set()),
    # what the person wants is not ours to give
    ("Mrs Q wants the officer disciplined, which is not something we can do.",
     {"cannot_achieve_outcome_sought"}, set()),
    ("We cannot overturn the Council's refusal of Mr R's application.",
     {"cannot_achieve_outcome_sought"}, set()),
    ("The outcome Ms S seeks is not one we could achieve.",
     {"cannot_achieve_outcome_sought"}, set()),
    ("We cannot tell the Council to give Mr T a larger home.",
     {"cannot_achieve_outcome_sought"}, set()),
    ("Mrs U wants the Council to apologise.", set(), set()),     # a wish alone
    ("The Council cannot make a decision until it has the form.", set(), set()),
    # complaint handling as the reason, not as the subject of the complaint
    ("We will not investigate the Council's complaint handling on its own.",
     {"complaint_handling_only"}, set()),
    ("We will not investigate this complaint about how the Council dealt with Mr V's "
     "complaint because any injustice is not significant.",
     {"injustice_not_significant"}, set()),
    # a court or tribunal as the place to decide: the reason points there
    ("The courts are the proper place to decide who owns the wall.",
     {"court_remedy_available"}, {"courts"}),
    ("Mr W has the option of taking legal action against the contractor.",
     {"court_remedy_available"}, {"courts"}),
    ("Mrs Y should make a claim against the Council's insurers.",
     {"court_remedy_available"}, {"courts"}),
    ("The Tribunal is independent and in the best position to decide whether the charge "
     "was due.", {"tribunal_appeal_available"}, {"tribunal"}),
    ("Mr Z appealed to the tribunal, which is the right place to decide it.",
     {"tribunal_appeal_used"}, set()),                    # a route already taken
    ("The court is the proper place for Mrs A's concerns and her claim is now before it.",
     set(), set()),                                       # already before the court
    ("The Council started court action to recover the arrears.", set(), set()),
    ("There is a legal remedy for the damage to Mr B's wall in the county court.",
     {"court_remedy_available"}, {"courts"}),             # a remedy that exists there
]


@pytest.mark.parametrize(("text", "reasons", "referred"), MEANINGS)
def test_reasons_by_meaning(text, reasons, referred):
    assert reasons_and_referrals(text) == (reasons, referred)


def test_every_phrase_match_holds_a_needle():
    """The fast path skips a sentence without any needle of a code: every match of a code's
    phrases over the tables must contain one."""
    sentences = [row[0] for row in ROUTES + WORDING + MEANINGS + KINDS]
    for entry in [*REASONS, *REFERRALS]:
        for phrase in entry.phrases:
            for s in sentences:
                for m in phrase.pattern.finditer(s):
                    needles = phrase.needles or entry.needles
                    assert any(n in m.group().lower() for n in needles), (entry.code, s)
    for kind in REMEDIES:
        rules = ([(kind.pattern, kind.needles)] if kind.pattern else []) + [
            (ph.pattern, ph.needles) for ph in kind.more]
        for s in sentences:
            for pattern, needles in rules:
                for m in pattern.finditer(s):
                    assert any(n in m.group().lower() for n in needles), (kind.kind, s)


# --- remedy kinds under a remedy frame ------------------------------------------------------
# (text, fault found?, kinds)
KINDS = [
    ("The Council has agreed to apologise to Mrs B and pay her £300 for her distress.", True,
     {"apology", "payment"}),
    ("We recommend the Council provides an apology, makes a payment, reviews its decision and "
     "acts to prevent recurrence.", True,
     {"apology", "payment", "reassessment_or_review", "service_improvement"}),
    ("The Trust agreed to review its discharge procedures and share the learning with staff.",
     True, {"service_improvement"}),
    ("To put things right, the Council will re-consider Miss J's application.", True,
     {"reassessment_or_review"}),
    ("The Council has agreed to consider Mr S's complaint at stage two of the procedure.",
     True, {"reassessment_or_review"}),
    ("An apology and a payment of £150 are recommended.", True, {"apology", "payment"}),
    ("Staff training is recommended.", True, {"service_improvement"}),   # passive frame after
    ("The Council will ensure officers are aware of the guidance.", True,
     {"service_improvement"}),
    ("The Council agreed to our recommendations. This included an apology and a £250 payment.",
     True, {"apology", "payment"}),                       # the sentence before frames it
    ("The Council has agreed to:\nwrite to Mrs C to apologise;\nremind its staff of the "
     "deadline.", True, {"apology", "service_improvement"}),   # items after a lead-in
    ("Mr E wants the Council to apologise and pay him compensation.", True, set()),   # a wish
    ("The Council did not apologise to Mr F.", True, set()),
    ("The Council failed to review Mrs G's care plan for two years.", True, set()),
    ("The Council should have reassessed Mr H's needs in 2022.", True, set()),   # not done
    ("We do not decide whether the Council should provide transport for Miss K.", True,
     set()),                                                # a question, not an action
    ("Mr D paid the penalty charge of £70 and wants a refund.", True, set()),
    ("The Council has agreed to remedy the injustice caused.", True, set()),   # no kind named
    ("The Council agreed to arrange a meeting with Mr K to discuss his son's transport.", True,
     {"other"}),
    ("It has agreed to apologise and explain what it has done since.", True,
     {"apology", "other"}),
    ("The Council should provide us with evidence it has done this.", True, set()),
    ("We recommend the Council remind staff of the need to consider and record each request.",
     True, {"service_improvement"}),         # "record" shares the "to" of "consider"
    ("The Council has since reassessed Ms C's needs and increased her budget.", True,
     {"reassessment_or_review"}),
    ("The Council has reassessed Ms C's housing benefit and found an overpayment.", False,
     set()),        # no fault found: the reassessment is what was complained about
    ("The Council has since apologised to Mrs A and offered her £100.", False,
     {"apology", "payment"}),                # a remedy the body gave before we looked at it
    ("The Council credited £60 to Mr B's council tax account.", False, {"refund_or_waiver"}),
    ("A credit was paid into Mr B's account in 2021.", False, set()),    # narrative
    ("The Council agreed to find Mrs T suitable accommodation.", False, set()),   # no fault
]


# Remedy kinds by what the remedy does (issue 24), and what the body had already done.
KINDS += [
    ("The Council had already apologised to Mr B. We recommend it pays him £200 for his "
     "distress.", True, {"payment"}),                       # the earlier apology is context
    ("The Council had already apologised to Mrs C, which is a suitable remedy.", True,
     {"apology"}),                                          # accepted as the remedy
    ("The Council had already refunded the fee. It has agreed to review its charging "
     "procedure.", True, {"service_improvement"}),
    ("The Council apologised to Mr D in its final reply.", True, {"apology"}),  # no other
    ("The Council will share this decision with its housing officers.", True,
     {"service_improvement"}),
    ("The Council has agreed to consider what steps it can take to stop this happening "
     "again.", True, {"service_improvement"}),
    ("It will arrange refresher training for its planning team.", True,
     {"service_improvement"}),
    ("The Council should carry out an audit of similar cases.", True, {"service_improvement"}),
    ("Mr E shared the letter with his neighbours.", True, set()),
    ("The Council did not arrange training for its staff.", True, set()),
    ("We recommend a payment to Mrs G for the avoidable distress.", True, {"payment"}),
    ("The Council agreed to meet the cost of the replacement boiler.", True, {"payment"}),
    ("Mrs H wants the Council to meet her legal costs.", True, set()),
    ("The Council will respond to Mr J's appeal within four weeks.", True,
     {"reassessment_or_review"}),
    ("The Council should carry out a carer's assessment for Mrs K.", True,
     {"reassessment_or_review"}),
    ("The Council agreed to look again at Ms L's application.", True,
     {"reassessment_or_review"}),
    ("The Council agreed to remind staff to complete assessments on time.", True,
     {"service_improvement"}),                              # the reminder's content
    ("The rules say how councils must go about calculating benefit.", True, set()),
    ("The Council will write to Mr M to say sorry.", True, {"apology"}),
    ("The Council will confirm in writing the date of the works.", True, {"other"}),
    ("The Council will confirm to us that it has done this.", True, set()),   # compliance
    ("The Council has since arranged a meeting with Mr O and his son.", True, {"other"}),
    ("The Council has already arranged a meeting with Mr O. It will apologise to him.", True,
     {"apology"}),                                          # before: context beside a remedy
    ("The Council will now consider a payment for the care Ms N missed.", True,
     {"reassessment_or_review"}),                           # a new decision, no payment yet
]


@pytest.mark.parametrize(("text", "fault", "expected"), KINDS)
def test_remedy_kinds_under_a_frame(text, fault, expected):
    found = find_remedy_kinds(text, [(_sentences(text), False)], expected=fault)
    assert {k for k, _s, _e in found} == expected


def test_what_the_body_did_is_the_remedy_where_the_decision_rests_on_it():
    text = ("The Council offered Miss B £300 and reviewed its procedure. We do recommend "
            "symbolic payments in some cases.")
    kinds = [k for k, _s, _e in find_remedy_kinds(text, [(_sentences(text), False)])]
    assert kinds == ["payment"]                   # the earlier review is context here
    kinds = [k for k, _s, _e in find_remedy_kinds(text, [(_sentences(text), False)],
                                                  accepted=True)]
    assert kinds == ["payment", "service_improvement"]   # satisfied with what it did


def test_an_agreed_action_list_is_framed_by_its_section():
    text = "Apologise to Mr X in writing.\nReview how it records home visits."
    found = find_remedy_kinds(text, [(_sentences(text), True)], expected=True)
    assert {k for k, _s, _e in found} == {"apology", "service_improvement"}
    assert find_remedy_kinds(text, [(_sentences(text), False)], expected=True) == []


# --- fault and outcome from wording (pages without a header) --------------------------------
FAULT_WORDING = [
    ("The Council's failures in communication with Mrs X are fault.", "upheld"),
    ("There was a service failure in the provision of aftercare.", "upheld"),
    ("These faults have caused Mr Y distress.", "upheld"),
    ("This caused Mr Y avoidable distress and uncertainty.", "upheld"),
    ("There was some fault in the way the Council wrote to Ms Z.", "upheld"),
    ("Mrs X complains the Council was at fault.", None),           # the complaint, no finding
    ("The Council accepts it delayed and has agreed to apologise.", "upheld"),
    ("There was delay by the Council in deciding the application.", "upheld"),
    ("We found the Council acted properly and did not uphold the complaint.", "not_upheld"),
    ("The Council did nothing wrong when it refused the grant.", "not_upheld"),
    ("The Council says it did nothing wrong.", None),                  # a party's claim
    ("We have stopped our investigation because Mr B has gone to court.",
     "closed_after_initial_enquiries"),
    ("We will not investigate because any fault has not caused injustice.",
     "closed_after_initial_enquiries"),
    # no finding in words, but a remedy given: upheld (issue 24)
    ("Mr C complained about the care his mother received. The Care Provider has agreed to "
     "apologise and pay Mr C £300.", "upheld"),
    ("We recommended the Council reconsider Mrs D's application.", "upheld"),
    ("The Council has agreed to take action to remedy the injustice to Ms E.", "upheld"),
    ("The Council has not agreed to pay Mr F anything.", None),          # refused
    ("Mr G wants the Council to apologise and pay him.", None),          # a wish
    ("We will not investigate because the Council has agreed to review its decision.",
     "closed_after_initial_enquiries"),                     # an early remedy, no investigation
    ("We did not find fault, although the Council agreed to pay Mrs H's costs as a gesture.",
     "not_upheld"),
]


@pytest.mark.parametrize(("summary", "expected"), FAULT_WORDING)
def test_fault_found_from_wording(summary, expected):
    judged = outcome_from(read_wording(summary, _sentences(summary)))
    assert (judged[0] if judged else None) == expected


def test_every_wording_match_holds_a_needle():
    patterns = {"discontinued": outcome.DISCONTINUED_REGEX,
                "not_investigating": outcome.NOT_INVESTIGATING_REGEX,
                "fault": outcome.FAULT_FOUND_REGEX, "no_fault": outcome.NO_FAULT_REGEX,
                "failing": outcome.FAILING_STATED_REGEX, "remedy": outcome.REMEDY_GIVEN_REGEX}
    assert set(patterns) == set(outcome.NEEDLES)
    for signal, pattern in patterns.items():
        for summary, _expected in FAULT_WORDING:
            for m in pattern.finditer(summary):
                assert any(n in m.group().lower() for n in outcome.NEEDLES[signal]), summary


# --- money in words and ranges --------------------------------------------------------------
MONEY = [
    ("five hundred pounds", [500.0]),
    ("two hundred and fifty pounds", [250.0]),
    ("one thousand five hundred pounds", [1500.0]),
    ("a hundred pounds", [100.0]),
    ("between £200 and £300", [200.0, 300.0]),
    ("£200-300 for distress", [200.0, 300.0]),        # the upper figure has no "£"
    ("£200 to 3 months", [200.0]),                    # a unit: no money
    ("£300 to 200 people", [300.0]),
    ("a pound of apples", []),
]


@pytest.mark.parametrize(("text", "expected"), MONEY)
def test_amounts_in_words_and_ranges(text, expected):
    assert [a for a, _s, _e in find_amounts(text)] == expected


@pytest.mark.parametrize(("words", "expected"), [
    ("twenty five", 25.0), ("three thousand", 3000.0), ("ninety-nine", 99.0),
    ("many", None), ("zero", None)])
def test_words_to_number(words, expected):
    assert words_to_number(words) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The Council agreed to pay Mrs X five hundred pounds for her distress.",
     [(500.0, "agreed")]),
    ("We recommended a payment of £100-150 to Mr Y.",
     [(100.0, "recommended"), (150.0, "recommended")]),
    ("It also credited £20 to his account for the inconvenience.",     # the body's past act
     [(20.0, "offered_by_body")]),
])
def test_payments_in_words_and_ranges(text, expected):
    hits = find_payments(text, [(_sentences(text), False)])
    assert [(h.amount, h.status) for h in hits] == expected


# --- whole small decisions ------------------------------------------------------------------

def record(text: str):
    return deterministic_pass(Document(text=text, source="t.txt"))[0]


def test_investigated_decision_points_to_a_court_for_a_part_it_left():
    rec = record(
        "Decision : Upheld\nThe Ombudsman's final decision:\nSummary: We found fault by the "
        "Council, which has agreed to pay Ms D £150.\nWhat I have investigated\nI have not "
        "investigated the damage to Ms D's health: it is a claim of negligence which can be "
        "pursued in the courts.\n")
    assert (rec.investigated, rec.reasons, rec.referred_to) == (True, [], ["courts"])


def test_older_summary_page_without_sections_is_read_whole():
    rec = record(
        "Eastvale Borough Council (17 004 321)\nDecision : Upheld\nMrs B complains the Council "
        "paid her the wrong allowance.\nTo remedy the injustice, the Council has agreed to:\n"
        "apologise to Mrs B;\npay her £200 for her time and trouble;\nrecalculate the "
        "allowance she is owed.\n")
    assert set(rec.remedy_kinds) == {"apology", "payment", "reassessment_or_review"}
    assert [(p.amount_gbp, p.status) for p in rec.payments] == [(200.0, "agreed")]


def test_an_action_list_line_without_a_kind_is_other():
    text = "The Council has agreed to:\napologise to Mrs D;\nprovide her with a copy of the plan."
    found = find_remedy_kinds(text, [(_sentences(text), False)], expected=True)
    assert {k for k, _s, _e in found} == {"apology", "other"}
    listed = "Provide Mrs D with a copy of the plan."
    found = find_remedy_kinds(listed, [(_sentences(listed), True)], expected=True)
    assert {k for k, _s, _e in found} == {"other"}


def test_a_lead_in_cue_holds_for_its_items():
    """"has agreed to:" governs the list; an item's aside ("organisations should apologise")
    does not turn the next item into a recommendation."""
    text = ("Within one month, the Council has agreed to:\napologise to Mrs P. Our guidance "
            "says how organisations should apologise;\npay Mrs P £500 for her distress.")
    hits = find_payments(text, [(_sentences(text), True)])
    assert [(h.amount, h.status) for h in hits] == [(500.0, "agreed")]


@pytest.mark.parametrize(("text", "expected"), [
    ("The Ombudsman's final decision\nSummary: Mrs B complained about how the Council handled "
     "her son's school transport. The Council has agreed to apologise and pay Mrs B £200 for "
     "her time and trouble.\nThe complaint\nMrs B complains about the transport.\n",
     ("upheld", True, True)),
    ("The Ombudsman's final decision\nSummary: Mr C complained about his care charges. We "
     "recommended the Council reconsider the charges and remind its staff of the guidance.\n",
     ("upheld", True, True)),
    ("The Ombudsman's final decision\nSummary: Mr D complained about his care charges. Mr D "
     "wants the Council to apologise.\n", (None, None, None)),      # a wish: nothing known
])
def test_a_page_without_a_header_upheld_from_its_remedy(text, expected):
    rec = record(text)
    assert (rec.outcome, rec.investigated, rec.fault_found) == expected
