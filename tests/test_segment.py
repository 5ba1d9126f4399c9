"""Stage 3 (segment): header fields and sections for every page format."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.read.clean import clean_text
from extractor.read.segment import segment

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

FULL_PAGE = """Wyvern District Council (23 004 567)
Category : Planning > Enforcement
Decision : Not upheld
Decision date : 14 Feb 2024
The Ombudsman's final decision:
Summary: Mrs B complained about enforcement. We found no fault.
The complaint
Mrs B says the Council failed to act.
The Ombudsman's role and powers
We investigate complaints about 'fault'.
What I found
The Council visited the site twice.
Decision
I have completed my investigation.
Investigator's decision on behalf of the Ombudsman"""

MIRROR = """The Ombudsman's final decision
Summary: We will not investigate this complaint about a parking fine.
The complaint
Mr X complains about a penalty charge notice.
The Ombudsman's role and powers
The law says we cannot normally investigate a complaint when someone can appeal to a tribunal.
How I considered this complaint
I considered the Ombudsman's Assessment Code.
My assessment
Mr X could have appealed to the tribunal.
Final decision
We will not investigate Mr X's complaint.
Investigator's decision on behalf of the Ombudsman"""

OLDER = """Eastshire County Council (15 012 345)
Category : Adult care services > Charging
Decision : Upheld
Decision date : 03 Mar 2016
The Ombudsman's final decision:
Summary: The Council delayed a financial assessment.
The complaint
1. The complainant, whom I shall call Mr C, complains about charges.
What I have investigated
2. I have investigated the delay.
Legal and administrative background
3. The Care Act 2014 says councils must assess.
How I considered this complaint
4. I read the papers.
What I found
5. The Council took eight months.
Recommended action
6. The Council should apologise and pay Mr C £300.
Decision
7. I have completed my investigation.
Investigator's decision on behalf of the Ombudsman"""

# The header with every label and value on its own line (DOMAIN §2.1), the title's reference
# under the organisation, "Summary" with no colon.
STACKED = """Hillcrest District Council
(23 006 812)
Category :
Planning
>
Enforcement
Decision :
Not upheld
Decision date :
09 Oct 2023
Summary
Mrs P complained the Council did not act on a breach of planning control. We found no fault.
The complaint
Mrs P says the Council ignored her reports.
What I found
The Council visited the site and decided action was not expedient.
Decision
I have completed my investigation.
Investigator's decision on behalf of the Ombudsman"""

# An older formal-report summary in the same layout.
STACKED_REPORT = """Lowmoor Borough Council (15 003 921)
Category :
Housing > Allocations
Decision :
Upheld
Decision date :
08 Dec 2015
Summary
The complaint
Mr F complained the Council lost his housing application.
Finding
Fault found causing injustice and recommendations made.
Recommendations
The Council should apologise to Mr F and backdate his application.
Ombudsman satisfied with council's response: 2 February 2016"""

CASES = [
    # (id, text, header keys expected, section names in order)
    ("stacked", STACKED, {"title", "org", "ref", "category", "decision", "decision_date",
                          "summary"},
     ["complaint", "what_found", "final_decision", "signoff"]),
    ("stacked-report", STACKED_REPORT, {"title", "org", "ref", "category", "decision",
                                        "decision_date", "summary"},
     ["complaint", "what_found", "agreed_action", "compliance"]),
    ("full", FULL_PAGE, {"title", "org", "ref", "category", "decision", "decision_date", "summary"},
     ["final_decision_heading", "complaint", "role_and_powers", "what_found", "final_decision",
      "signoff"]),
    ("mirror", MIRROR, {"summary"},
     ["final_decision_heading", "complaint", "role_and_powers", "how_considered", "assessment",
      "final_decision", "signoff"]),
    ("older", OLDER, {"title", "org", "ref", "category", "decision", "decision_date", "summary"},
     ["final_decision_heading", "complaint", "what_investigated", "role_and_powers",
      "how_considered", "what_found", "agreed_action", "final_decision", "signoff"]),
]


@pytest.mark.parametrize("case,text,keys,sections", CASES, ids=[c[0] for c in CASES])
def test_formats(case, text, keys, sections):
    seg = segment(clean_text(text).text)
    assert set(seg.header) == keys
    assert [s.name for s in seg.sections] == sections


def test_header_values_and_offsets():
    text = clean_text(FULL_PAGE).text
    seg = segment(text)
    expected = {"org": "Wyvern District Council", "ref": "23 004 567",
                "category": "Planning > Enforcement", "decision": "Not upheld",
                "decision_date": "14 Feb 2024"}
    for key, value in expected.items():
        f = seg.header[key]
        assert f.value == value
        assert text[f.start:f.end] == value


STACKED_VALUES = [
    # (id, text, {header key: value as written, spanning its lines})
    ("stacked", STACKED, {"org": "Hillcrest District Council", "ref": "23 006 812",
                          "category": "Planning\n>\nEnforcement", "decision": "Not upheld",
                          "decision_date": "09 Oct 2023",
                          "summary": "Mrs P complained the Council did not act on a breach of "
                                     "planning control. We found no fault."}),
    ("report", STACKED_REPORT, {"category": "Housing > Allocations", "decision": "Upheld",
                                "decision_date": "08 Dec 2015", "summary": ""}),
    ("category-sub-after-separator", "Category :\nHousing >\nAllocations\nDecision :\nUpheld",
     {"category": "Housing >\nAllocations", "decision": "Upheld"}),
    ("an-unreal-date-is-still-the-value", "Decision date :\n31 Feb 2025\nSummary: x",
     {"decision_date": "31 Feb 2025", "summary": "x"}),
    ("decision-label-over-a-paragraph-is-a-heading",
     "The Ombudsman's final decision\nDecision:\nI have completed my investigation.",
     {}),
]


@pytest.mark.parametrize("case,text,values", STACKED_VALUES, ids=[c[0] for c in STACKED_VALUES])
def test_stacked_header_values_and_offsets(case, text, values):
    seg = segment(clean_text(text).text)
    assert {k: f.value for k, f in seg.header.items() if k in values} == values
    for key in values:
        f = seg.header[key]
        assert seg.text[f.start:f.end] == f.value


def test_header_decision_line_is_not_the_final_decision_section():
    seg = segment(clean_text(FULL_PAGE).text)
    final = seg.section("final_decision")
    assert final is not None
    assert seg.text[final.start:final.end] == "I have completed my investigation."


def test_ranges_select_the_named_sections_in_document_order():
    seg = segment(clean_text(MIRROR).text)
    assert [seg.text[a:b] for a, b in seg.ranges("final_decision", "assessment")] == [
        "Mr X could have appealed to the tribunal.", "We will not investigate Mr X's complaint."]


def test_seeds_have_every_standard_section():
    for name in ("seed_000_kensington.txt", "seed_001_kingston.txt"):
        seg = segment(clean_text((EXAMPLES / name).read_text(encoding="utf-8")).text)
        names = [s.name for s in seg.sections]
        assert names == ["final_decision_heading", "complaint", "role_and_powers",
                         "how_considered", "assessment", "final_decision", "signoff"], name


def test_text_without_headings_has_no_sections():
    seg = segment("A shopping list\neggs\nmilk")
    assert seg.sections == [] and seg.header == {}


# Other renders' metadata line (DOMAIN §2.1): the decision date after the reference and the
# category path; (text, decision date value, reference value). Invented bodies and dates.
META_LINES = [
    ("LGO (Local Government & Social Care Ombudsman) Not Upheld\nEastvale Borough Council\n"
     "24-019-174 · Planning › Enforcement · Decision date: 3 June 2025 · View Eastvale "
     "Borough Council scorecard\nFull Decision\nThe Ombudsman's final decision\nSummary: We "
     "will not investigate.\n", "3 June 2025", "24-019-174"),
    ("Westshire County Council\n23-004-512 | Housing > Allocations | Decision date: 14 March "
     "2024\nThe Ombudsman's final decision\nSummary: We found fault.\n", "14 March 2024",
     "23-004-512"),
    ("Westshire County Council\nHousing › Allocations · Decision date: 2 May 2024\nThe "
     "Ombudsman's final decision\n", "2 May 2024", None),           # no reference on the line
    ("The Ombudsman's final decision\nSummary: We found fault.\nWhat I found\nThe letter "
     "gave a decision date: 4 May 2023 · and nothing else.\n", None, None),   # in the body
    ("Westshire County Council\n23-004-512 · Housing › Allocations · Decision date: pending\n"
     "The Ombudsman's final decision\n", None, None),                # no date
]


@pytest.mark.parametrize(("text", "date", "ref"), META_LINES)
def test_metadata_line_decision_date(text, date, ref):
    seg = segment(clean_text(text).text)
    got = seg.header.get("decision_date")
    assert (got.value if got else None) == date
    assert (seg.header["mirror_ref"].value if "mirror_ref" in seg.header else None) == ref
    if got:
        assert seg.text[got.start:got.end] == date


@pytest.mark.parametrize(("first_line", "value"), [
    ("LGO (Local Government & Social Care Ombudsman) Not Upheld", "Not Upheld"),
    ("LGO (Local Government & Social Care Ombudsman) Upheld", "Upheld"),
    ("LGO (Local Government & Social Care Ombudsman) Other", None),     # says nothing
])
def test_source_line_decision_value(first_line, value):
    seg = segment(clean_text(first_line + "\nEastvale Borough Council\nThe Ombudsman's final "
                             "decision\nSummary: We found fault.\n").text)
    got = seg.header.get("decision")
    assert (got.value if got else None) == value


@pytest.mark.parametrize("heading", ["Agreed action", "Remedy", "Recommended remedies",
                                     "Putting things right", "What the Council has agreed to do",
                                     "Action the Council has agreed to take"])
def test_agreed_action_headings(heading):
    seg = segment(clean_text(f"The Ombudsman's final decision\nSummary: We found fault.\n"
                             f"{heading}\nThe Council will apologise to Mrs X.\n").text)
    assert [s.name for s in seg.sections] == ["final_decision_heading", "agreed_action"]
