"""Stage 4 (facts): whole decisions in every page format, and every span checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.models import Decision
from extractor.pipeline import deterministic_pass
from extractor.read.load import Document, load_path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures"
MIRROR_URL = ("https://www.accountabilityindex.uk/sources/lgo/decisions/"
              "lgo-24-011-302-eastvale-borough-council/")
HEADERLESS_URL = ("https://www.lgo.org.uk/decisions/adult-care-services/"
                  "assessment-and-care-plan/23-014-772")
STACKED_URL = "https://www.lgo.org.uk/decisions/adult-care-services/direct-payments/24-013-579"
# The header with every label and value on its own line (a harvester's text; DOMAIN §2.1).
STACKED = {
    "reference": "24 013 579",                  # the title's "(24 013 579)" on its own line
    "bodies": ["Westbury City Council"],
    "category": ("Adult care services", "Direct payments"),
    "outcome": "upheld",
    "decision_date": "2025-03-05",
    "complainant": "Mr Y",
    "investigated": True,
    "fault_found": True,
    "summary": "Mr Y complained the Council reduced his direct payments without reassessing his "
               "needs. We found fault because the Council did not reassess Mr Y before it cut his "
               "payments. The Council has agreed to apologise, reassess Mr Y's needs and pay him "
               "£250 for his distress.",
    "payments": [(250.0, "agreed")],
    "remedy_kinds": {"apology", "payment", "reassessment_or_review"},
}


def extract(path: Path, url: str | None = None) -> tuple[Decision, Document]:
    doc = load_path(str(path))[0]
    doc.url = url
    return deterministic_pass(doc)[0], doc


def assert_grounded(rec: Decision, doc: Document) -> None:
    """Every span, citation and quoted evidence string is exactly the loaded text there."""
    for name, span in rec.spans.items():
        assert doc.text[span.start:span.end] == span.text, name
    for c in rec.citations:
        assert doc.text[c.start:c.end] == c.text, c.canonical
    for item in [*rec.reasons, *rec.payments]:
        assert item.evidence and doc.text[item.start:item.end] == item.evidence
    if rec.summary:
        assert rec.summary in doc.text


def codes(items) -> list[str]:
    return [i.code for i in items]


# Expected records: field -> value (lists compared as sets where order is not the point).
CASES = {
    "seed_000": (EXAMPLES / "seed_000_kensington.txt", None, {
        "reference": "25 005 395",
        "bodies": ["Royal Borough of Kensington & Chelsea"],
        "category": ("Children's care services", "Child protection"),
        "outcome": "closed_after_initial_enquiries",
        "decision_date": "2025-10-06",
        "complainant": "Mr X",
        "investigated": False,
        "fault_found": None,
        "citations": ["LGA1974 s24A(6)", "LGA1974 s34B"],
        "referred_to": {"information_commissioner"},
        "reasons": {"no_evidence_of_fault", "other_body_better_placed"},
        "payments": [],
        "other_acts": [],
    }),
    "seed_001": (EXAMPLES / "seed_001_kingston.txt", None, {
        "reference": "25 019 316",
        "bodies": ["Royal Borough of Kingston upon Thames"],
        "outcome": "closed_after_initial_enquiries",
        "decision_date": "2026-05-06",
        "complainant": "Miss X",
        "investigated": False,
        "citations": ["LGA1974 s24A(6)", "LGA1974 s34B", "LGA1974 s26(6)(c)"],
        "referred_to": {"information_commissioner"},
        "payments": [(1050.0, "offered_by_body")],
    }),
    "headerless": (FIXTURES / "facts_headerless.txt", HEADERLESS_URL, {
        "reference": "23 014 772",
        "bodies": ["Northshire County Council"],
        "category": ("Adult care services", "Assessment and care plan"),    # from the URL
        "outcome": "upheld",                                                # from the wording
        "decision_date": None,
        "complainant": "Mrs X",
        "investigated": True,
        "fault_found": True,
        "citations": ["LGA1974 s26(1)", "LGA1974 s26A(1)", "LGA1974 s30(1B)", "LGA1974 s34H(i)"],
        "reasons": set(),
        "referred_to": set(),
        "payments": [(250.0, "agreed")],              # not the £1,200 Mrs X claims
        "remedy_kinds": {"apology", "payment", "service_improvement"},
        "other_acts": ["Care Act 2014"],
    }),
    "mirror": (FIXTURES / "facts_mirror.txt", MIRROR_URL, {
        "reference": "24 011 302",                                          # only in the URL
        "bodies": [],
        "category": None,
        "outcome": "closed_after_initial_enquiries",
        "complainant": "Mr X",
        "investigated": False,
        "fault_found": None,
        "citations": ["LGA1974 s24A(6)", "LGA1974 s26(6)(a)"],
        "reasons": {"tribunal_appeal_available"},
        "referred_to": {"tribunal"},
        "payments": [],
        "other_acts": ["Local Government Finance Act 1992"],
    }),
    "upheld_agreed": (FIXTURES / "facts_upheld_agreed.txt", None, {
        "reference": "24 006 518",
        "category": ("Children's care services", "Disabled children"),
        "outcome": "upheld",
        "decision_date": "2025-04-17",
        "complainant": "Miss X",
        "investigated": True,
        "fault_found": True,
        "citations": ["LGA1974 s26(1)", "LGA1974 s26A(1)"],
        "referred_to": set(),                          # Ofsted is only told, not a referral
        "payments": [(1050.0, "agreed"), (250.5, "agreed"), (320.0, "agreed"),
                     (150.0, "offered_by_body")],      # never the £5,000 Miss X wants
        "remedy_kinds": {"apology", "payment", "refund_or_waiver", "reassessment_or_review",
                         "service_improvement"},
    }),
    "older_template": (FIXTURES / "facts_older_template.txt", None, {
        "reference": "15 009 114",
        "category": ("Housing", "Allocations"),
        "outcome": "upheld",
        "decision_date": "2016-03-03",
        "complainant": "Mrs B",
        "investigated": True,
        "fault_found": True,
        "citations": ["LGA1974 s26(1)"],
        "payments": [(300.0, "recommended")],
        "remedy_kinds": {"apology", "payment", "reassessment_or_review"},
        "other_acts": ["Housing Act 1996"],
    }),
    "stacked": (FIXTURES / "facts_stacked.txt", None, STACKED),
    "stacked_with_url": (FIXTURES / "facts_stacked.txt", STACKED_URL, STACKED),
    # an older formal-report summary, stacked: "Summary" then "The complaint", "Finding",
    # "Recommendations", "Ombudsman satisfied with council's response: <date>"
    "stacked_report": (FIXTURES / "facts_stacked_report.txt", None, {
        "reference": "16 004 321",
        "category": ("Education", "Special educational needs"),
        "outcome": "upheld",
        "decision_date": "2018-01-12",                # not the compliance date
        "complainant": "Ms D",
        "investigated": True,
        "fault_found": True,
        "summary": None,                              # "Summary" heads the whole page here
        "payments": [(500.0, "recommended"), (1200.0, "recommended")],
        "remedy_kinds": {"apology", "payment", "service_improvement"},
    }),
    # an HTML page whose header labels and values are separate blocks
    "stacked_blocks_html": (FIXTURES / "facts_stacked_blocks.html", None, {
        "reference": "23 018 204",
        "bodies": ["Eastmoor Borough Council"],
        "category": ("Housing", "Homelessness"),
        "outcome": "closed_after_initial_enquiries",
        "decision_date": "2024-11-21",
        "complainant": "Ms K",
        "investigated": False,
        "reasons": {"court_remedy_available"},
        "referred_to": {"courts"},
        "citations": ["LGA1974 s26(6)(c)"],
    }),
    "dashed": (FIXTURES / "facts_dashed.txt", None, {
        "reference": "22 007 418",
        "bodies": ["Borough Council of Kingsmere"],
        "category": ("Environment and regulation", "Noise"),
        "outcome": "closed_after_initial_enquiries",
        "decision_date": "2022-09-14",
        "complainant": "Ms X",
        "investigated": False,
        "citations": ["LGA1974 s26B", "LGA1974 s34D", "LGA1974 s24A(6)", "LGA1974 s34B",
                      "LGA1974 s26(6)(c)"],
        "reasons": {"late_complaint", "no_evidence_of_fault"},   # not the court boilerplate
        "referred_to": set(),
        "remedy_kinds": set(),
        "other_acts": ["Environmental Protection Act 1990"],
    }),
}


def view(rec: Decision, name: str):
    """The record field in the form the expectations use."""
    if name == "category":
        return (rec.category.top, rec.category.sub) if rec.category else None
    if name == "citations":
        return [c.canonical for c in rec.citations]
    if name == "reasons":
        return set(codes(rec.reasons))
    if name in ("referred_to", "remedy_kinds"):
        return set(getattr(rec, name))
    if name == "payments":
        return [(pay.amount_gbp, pay.status) for pay in rec.payments]
    return getattr(rec, name)


@pytest.mark.parametrize("case", CASES)
def test_fields(case):
    path, url, expected = CASES[case]
    rec, _doc = extract(path, url)
    assert {name: view(rec, name) for name in expected} == expected


@pytest.mark.parametrize("case", CASES)
def test_every_span_is_in_the_loaded_text(case):
    path, url, _expected = CASES[case]
    rec, doc = extract(path, url)
    assert_grounded(rec, doc)
    assert {"reference", "outcome", "complainant"} & set(rec.spans)


def test_scalar_fields_read_from_the_text_carry_a_span():
    rec, _doc = extract(EXAMPLES / "seed_000_kensington.txt")
    for name in ("reference", "bodies", "category", "outcome", "decision_date", "complainant",
                 "summary", "investigated"):
        assert name in rec.spans, name
    assert rec.spans["decision_date"].text == "06 Oct 2025"
    assert rec.spans["reference"].text == "25 005 395"


def test_seed_001_cookie_banner_leaves_no_trace():
    rec, _doc = extract(EXAMPLES / "seed_001_kingston.txt")
    dumped = rec.model_dump_json().lower()
    for word in ("cookie", "google", "privacy", "analytics"):
        assert word not in dumped


def test_payment_evidence_and_purpose():
    rec, _doc = extract(EXAMPLES / "seed_001_kingston.txt")
    [pay] = rec.payments
    assert pay.evidence.startswith("It offered Miss X £1050")
    assert pay.purpose == "distress caused"


def test_reason_evidence_is_never_the_role_and_powers_boilerplate():
    rec, doc = extract(FIXTURES / "facts_dashed.txt")
    boilerplate = doc.text.index("The Ombudsman’s role and powers")
    end = doc.text.index("How I considered")
    assert all(not boilerplate <= r.start < end for r in rec.reasons)


def test_url_reference_has_no_span_and_text_reference_wins():
    rec, _doc = extract(FIXTURES / "facts_mirror.txt", MIRROR_URL)
    assert rec.reference == "24 011 302" and "reference" not in rec.spans
    rec, _doc = extract(FIXTURES / "facts_headerless.txt",
                        "https://www.lgo.org.uk/decisions/housing/other/99-999-999")
    assert rec.reference == "23 014 772"


@pytest.mark.parametrize("text, expected", [
    # header-less: the body named on a line of its own (mirror metadata), date from "Decided"
    ("Source · LGO (Local Government & Social Care Ombudsman)\n\nEastvale Borough Council\n\n"
     "LGO (Local Government & Social Care Ombudsman) Other Reference 24-011-302 Sector "
     "Benefits And Tax Category Council Tax Decided 29 July 2024\n\nView Eastvale Borough "
     "Council scorecard\n\nThe Ombudsman's final decision\n\nSummary: We will not investigate "
     "Mr X's complaint.\n",
     {"reference": "24 011 302", "bodies": ["Eastvale Borough Council"],
      "category": ("Benefits and tax", "Council tax"), "decision_date": "2024-07-29",
      "outcome": "closed_after_initial_enquiries"}),
    # listing-line capture
    ("Statement Not upheld School transport 13-Feb-2024\nThe Ombudsman's final decision\n"
     "Summary: Mrs X complained about school transport. We did not find fault.\n",
     {"outcome": "not_upheld", "decision_date": "2024-02-13", "fault_found": False}),
    # discontinued investigation: closed, but investigated
    ("Summary: I have discontinued my investigation because Ms X has started court action "
     "about the matter.\n",
     {"outcome": "closed_after_initial_enquiries", "investigated": True, "fault_found": None}),
    # header says Upheld, wording says not investigated (early remedy)
    ("Decision : Upheld\nThe Ombudsman's final decision:\nSummary: We will not investigate "
     "Mr X's complaint because the Council has already agreed to apologise.\n",
     {"outcome": "upheld", "investigated": False, "fault_found": None}),
    # "Summary:" on a line of its own (a rendered page copied block by block)
    ("Eastvale Borough Council (24 011 302)\nThe Ombudsman's final decision:\nSummary:\n"
     "We will not investigate Mr X's complaint.\nThe complaint\nMr X complains.\n",
     {"outcome": "closed_after_initial_enquiries", "summary": "We will not investigate Mr X's "
      "complaint.", "complainant": "Mr X"}),
    # a hedge before "find fault" is not a finding of fault
    ("Summary: We will not investigate this complaint because we are unlikely to find fault.\n",
     {"outcome": "closed_after_initial_enquiries", "investigated": False}),
])
def test_small_texts(text, expected):
    rec = deterministic_pass(Document(text=text, source="t.txt"))[0]
    got = {name: view(rec, name) for name in expected}
    assert got == expected


def test_needle_fast_path_changes_no_result(monkeypatch):
    """The per-code needles only skip work: records are identical without them."""
    from extractor.facts import reasons, remedy_kinds
    cases = [(path, url) for path, url, _expected in CASES.values()]
    fast = [extract(path, url)[0].model_dump() for path, url in cases]
    monkeypatch.setattr(reasons, "FAST_PATH", False)
    monkeypatch.setattr(remedy_kinds, "KIND_NEEDLES",
                        {k: () for k in remedy_kinds.KIND_NEEDLES})
    assert [extract(path, url)[0].model_dump() for path, url in cases] == fast


# --- phrase tables, one sentence at a time --------------------------------------------------

def _sentences(text: str) -> list[tuple[int, int]]:
    from extractor.facts.patterns import iter_sentences
    return list(iter_sentences(text))


@pytest.mark.parametrize("text, cited, expected", [
    ("This is because there is not enough evidence of fault to justify an investigation.", [],
     {"no_evidence_of_fault"}),
    ("This is because it is unlikely we would find fault by the Council.", [],
     {"no_evidence_of_fault"}),
    ("This is because any injustice is not significant enough to justify our involvement.", [],
     {"injustice_not_significant"}),
    ("The fault has not caused Mrs X an injustice.", [], {"no_injustice_from_fault"}),
    ("We could not add to the Council's own investigation.", [],
     {"cannot_add_to_previous_investigation"}),
    ("Further investigation would not lead to a different outcome.", [],
     {"no_different_outcome"}),
    ("We cannot achieve the outcome Mr X wants.", [], {"cannot_achieve_outcome_sought"}),
    ("We are unlikely to achieve more than the Council has already offered.", [],
     {"satisfied_with_remedy"}),
    ("There is no worthwhile outcome our investigation could achieve.", [],
     {"no_worthwhile_outcome"}),
    ("The Information Commissioner's Office is better placed to consider it.", [],
     {"other_body_better_placed"}),
    ("It was reasonable to expect Miss X to use her right to request a review of the decision.",
     [], {"use_review_or_appeal_first"}),
    ("It is not a good use of public resources to look at complaint handling alone.", [],
     {"complaint_handling_only"}),
    ("Mr X can appeal to the Valuation Tribunal.", [], {"tribunal_appeal_available"}),
    ("Mrs X had the right to appeal to the traffic penalty tribunal.", [],
     {"tribunal_appeal_available"}),
    ("It is reasonable for him to have appealed against the notice.",
     ["LGA1974 s26(6)(a)"], {"tribunal_appeal_available"}),       # route from the citation
    ("Ms X has appealed to the SEND Tribunal.", [], {"tribunal_appeal_used"}),
    ("Mr X can appeal to the Planning Inspectorate.", [], {"minister_appeal_available"}),
    ("It would be reasonable for Mr X to take the matter to court.", [],
     {"court_remedy_available"}),
    ("It is reasonable for him to make a claim against the Council's insurers.", [],
     {"court_remedy_available"}),
    ("Ms X has started court action about the matter.", [], {"court_remedy_used"}),
    ("We cannot investigate the social worker's court report.", [],
     {"court_proceedings_matter"}),
    ("The complaint is late and there is no good reason to accept it now.", [],
     {"late_complaint"}),
    ("Mrs X complained to us more than 12 months after she knew of the matter.", [],
     {"late_complaint"}),
    ("Her late mother's care was not at issue.", [], set()),       # "late" = deceased
    ("The complaint is premature.", [], {"premature"}),
    ("The matter affects all or most of the people in the Council's area.", [],
     {"affects_all_or_most"}),
    ("We cannot investigate complaints from a town council.", [], {"public_body_complainant"}),
    ("We cannot investigate the actions of an academy.", [], {"body_out_of_jurisdiction"}),
    ("We cannot investigate what happens in schools.", [], {"school_internal_matter"}),
    ("It concerns the Council acting as a social landlord.", [], {"social_housing_landlord"}),
    ("This is a personnel matter.", [], {"personnel_matter"}),
    ("The tribunal is the appropriate body to consider appeals.", [], set()),
    ("Mr X disagrees with the Council's decision.", [], set()),
    ("Mr X could not appeal to the tribunal because he was in hospital.", [], set()),
    ("Mr X has already taken the matter to court.", [], {"court_remedy_used"}),
    ("The Council took reasonable steps to investigate the noise.", [], set()),
    ("The Council has already taken suitable action.", [], {"satisfied_with_remedy"}),
    ("Mr X says there is not enough evidence of fault by his neighbour.", [], set()),
])
def test_reason_phrases(text, cited, expected):
    from extractor.facts.reasons import find_reasons
    assert {h.code for h in find_reasons(text, _sentences(text), cited)} == expected


@pytest.mark.parametrize("text, expected", [
    ("The Council agreed to pay Mr X £300 for his distress.", [(300.0, "agreed", "distress")]),
    ("The Council should pay Mrs B £150 to acknowledge her time and trouble.",
     [(150.0, "recommended", "time and trouble")]),
    ("We recommended the Council pay Ms X £1,000.", [(1000.0, "recommended", None)]),
    ("It offered Miss X £1050 for the distress caused.",
     [(1050.0, "offered_by_body", "distress caused")]),
    ("The Council has already refunded £75.50 to Mr X.", [(75.5, "offered_by_body", None)]),
    ("The Council will waive £6,179 of the fees.", [(6179.0, "agreed", None)]),
    ("The Council agreed to our recommendations. This included a £500 payment to Mr X for "
     "distress.", [(500.0, "agreed", "distress")]),                 # cue from the sentence before
    ("Mr X wants the Council to pay him £5,000.", []),
    ("The Council asked Ms X to repay a housing benefit overpayment of £650.", []),
    ("Mr X says the Council should pay him £2,000.", []),
    ("We do not consider the Council should not pay £200.", []),
    ("Her savings fell below the threshold of £23,250.", []),
])
def test_payment_phrases(text, expected):
    from extractor.facts.remedies import find_payments
    hits = find_payments(text, [(_sentences(text), False)])
    assert [(h.amount, h.status, h.purpose) for h in hits] == expected


@pytest.mark.parametrize("text, expected", [
    ("The Council has agreed to apologise to Mr X.", {"apology"}),
    ("The Council will make a symbolic payment.", {"payment"}),
    ("It will remind staff of the timescales and review its procedures.",
     {"service_improvement"}),
    ("The Council agreed to reassess Mrs Y's needs.", {"reassessment_or_review"}),
    ("The Council agreed to offer Mrs X a carer's assessment.", {"reassessment_or_review"}),
    ("The Council will refund the overcharged fees.", {"refund_or_waiver"}),
    ("Mr X wants the Council to apologise.", set()),                 # a wish, not a remedy
    ("The Council did not offer him an appeal right.", set()),       # a failure, not a remedy
])
def test_remedy_kind_phrases(text, expected):
    from extractor.facts.remedy_kinds import find_remedy_kinds
    found = find_remedy_kinds(text, [(_sentences(text), False)], expected=True)
    assert {k for k, _s, _e in found} == expected


@pytest.mark.parametrize("summary, expected", [
    ("We will not investigate Mr X's complaint.", "closed_after_initial_enquiries"),
    ("The Ombudsman should not investigate this complaint.", "closed_after_initial_enquiries"),
    ("We have ended our investigation because Mr X has gone to court.",
     "closed_after_initial_enquiries"),
    ("We found fault causing injustice.", "upheld"),
    ("The Council was at fault.", "upheld"),
    ("We have not found the Council at fault for this. We have found the Council at fault for "
     "the delay.", "upheld"),
    ("The Council was not at fault.", "not_upheld"),
    ("We did not find fault with the Council.", "not_upheld"),
    ("We find no fault with the Care Provider's decision making.", "not_upheld"),
    ("I have completed my investigation and uphold Mrs B's complaint.", "upheld"),
    ("The decision to amend the scheme without changing the order amounts to fault.", "upheld"),
    ("The Ombudsman upholds Miss X's complaint about noise.", "upheld"),
    ("The Ombudsman does not find the Council at fault.", "not_upheld"),
    ("We have found delay at two stages of the process.", "upheld"),
    ("I found the Care Provider failed to record injuries.", "upheld"),
    ("The Council failed to keep Mr X informed. There was no fault in its advice.", "upheld"),
    ("We will not investigate. The Council failed to reply on time but has apologised.",
     "closed_after_initial_enquiries"),
    ("We are unlikely to find fault.", None),
    ("Mr X complained about his bins.", None),
])
def test_outcome_wording(summary, expected):
    from extractor.facts.outcome import outcome_from, read_wording
    judged = outcome_from(read_wording(summary, _sentences(summary)))
    assert (judged[0] if judged else None) == expected


@pytest.mark.parametrize("summary, complaint, expected", [
    ("Mr X complained about his mother's care.",
     "Mr X complains on behalf of his mother, Mrs Y.", "Mr X"),
    ("Mrs Y complained about her care.",
     "'Mr B' complains on behalf of 'Mrs Y'.", "Mrs Y"),
    ("We will not investigate this complaint.",
     "The complainant, whom I shall call Ms T, complains about noise.", "Ms T"),
    ("We will not investigate Mr and Mrs X's complaint.",
     "Mr X complains for himself and Mrs X about a report.", "Mr X"),
    ("We found fault.", "Dr X and Dr Y complain the Council has not granted a discount.",
     "Dr X and Dr Y"),
])
def test_complainant(summary, complaint, expected):
    text = f"Summary: {summary}\nThe complaint\n{complaint}\n"
    rec = deterministic_pass(Document(text=text, source="t.txt"))[0]
    assert rec.complainant == expected
