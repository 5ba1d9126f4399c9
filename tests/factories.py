"""Factories for rule tests: a decision statement written for the project, and records of it.

``make_decision(**overrides)`` is a valid, clean ``Decision`` of ``SOURCE`` (no rule fires on it
with ``TODAY``): every quoted string and span is found in ``SOURCE`` by ``str.find``. Overrides
replace top-level fields; ``a__b=value`` replaces a nested one (``meta__url=...``,
``category__sub=...``, ``payments__0=...``). ``make_raw_decision`` skips validation, for records
holding garbage the model would reject (as a record read loosely from a file can).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

from extractor.models import Decision

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TODAY = date(2025, 12, 1)   # the clock the rule tests run on

# An upheld homelessness decision in the house style (curly quotes and a non-breaking space
# included on purpose, as copied pages have them). Written for the tests, not copied.
SOURCE = """\
Anytown Borough Council (24 012 345)
Category : Housing > Homelessness
Decision : Upheld
Decision date : 14 Mar 2025
The Ombudsman\u2019s final decision:
Summary: Mrs X complained the Council delayed her homelessness review. We found fault \
which caused Mrs X distress. The Council has agreed to apologise and pay Mrs X £300.
The complaint
  1. Mrs X complains the Council took eight months to complete the review of its \
homelessness decision.
The Ombudsman\u2019s role and powers
  2. We investigate complaints about \u2018maladministration\u2019 and \u2018service \
failure\u2019. (Local Government Act 1974, sections 26(1) and 26A(1), as amended)
  3. When we are satisfied with the action an organisation has taken or agreed to take, \
we complete our investigation and issue a decision statement. (Local Government Act 1974, \
section 30(1B) and 34H(i), as amended)
What I found
  4. The law says the review should be completed within eight weeks. The Council\u2019s \
delay was fault.
Agreed action
  5. Within one month the Council will apologise to Mrs X and pay her £300 for the \
distress\u00a0caused by the delay.
  6. Within three months the Council will remind officers of the time limit for reviews.
Final decision
  7. I have completed my investigation. There was fault by the Council which caused \
injustice.
Investigator\u2019s decision on behalf of the Ombudsman
"""


# A search-results page: a count, then one card per decision (DOMAIN §2.1). Written for the tests.
LISTING = """Your search has 3 results
Westbury City Council (24 013 579)
Statement Upheld Direct payments 05-Mar-2025
Mr Y complained the Council cut his direct payments without reassessing him. We found fault.
Northshire County Council (24 015 002)
Statement Closed after initial enquiries School transport 11-Mar-2025
We will not investigate Mrs Z's complaint about school transport for her son.
Lowmoor Borough Council (24 016 330)
Statement Not upheld Homelessness 14 Mar 2025
Ms Q complained about the Council's homelessness decision. We did not find fault.
"""


def span(quote: str, source: str = SOURCE, nth: int = 0) -> dict[str, Any]:
    """``{"text", "start", "end"}`` of the ``nth`` occurrence of ``quote`` in ``source``."""
    start = -1
    for _ in range(nth + 1):
        start = source.find(quote, start + 1)
        assert start >= 0, f"{quote!r} is not in the source"
    return {"text": quote, "start": start, "end": start + len(quote)}


def citation(canonical: str, quote: str, source: str = SOURCE, nth: int = 0) -> dict[str, Any]:
    return {"canonical": canonical, **span(quote, source, nth)}


def _base() -> dict[str, Any]:
    summary = SOURCE.split("Summary: ", 1)[1].split("\n", 1)[0]
    pay = span("pay her £300 for the distress\u00a0caused")
    return {
        "reference": "24 012 345",
        "bodies": ["Anytown Borough Council"],
        "category": {"top": "Housing", "sub": "Homelessness"},
        "outcome": "upheld",
        "decision_date": "2025-03-14",
        "complainant": "Mrs X",
        "investigated": True,
        "fault_found": True,
        "reasons": [],
        "referred_to": [],
        "payments": [{"amount_gbp": 300, "status": "agreed", "purpose": "distress",
                      "evidence": pay["text"], "start": pay["start"], "end": pay["end"]}],
        "remedy_kinds": ["apology", "payment", "service_improvement"],
        "citations": [citation("LGA1974 s26(1)", "26(1)"), citation("LGA1974 s26A(1)", "26A(1)"),
                      citation("LGA1974 s30(1B)", "30(1B)"),
                      citation("LGA1974 s34H(i)", "34H(i)")],
        "other_acts": [],
        "summary": summary,
        "spans": {"reference": span("24 012 345"), "decision_date": span("14 Mar 2025"),
                  "complainant": span("Mrs X")},
        "meta": {"source": "factory", "url":
                 "https://www.lgo.org.uk/decisions/housing/homelessness/24-012-345"},
    }


def decision_data(**overrides: Any) -> dict[str, Any]:
    """The factory record as plain data, with ``overrides`` applied (``a__b`` is nested)."""
    data = copy.deepcopy(_base())
    for key, value in overrides.items():
        *path, last = [int(p) if p.isdigit() else p for p in key.split("__")]
        target = data
        for part in path:
            target = target[part] if isinstance(target, list) else target.setdefault(part, {})
        target[last] = value
    return data


def make_decision(**overrides: Any) -> Decision:
    return Decision.model_validate(decision_data(**overrides))


def make_raw_decision(**overrides: Any) -> Decision:
    """Like ``make_decision`` but unvalidated: fields hold whatever was given."""
    return Decision.model_construct(**decision_data(**overrides))


def seed_text(n: int) -> str:
    """The raw text of seed ``n`` (0 or 1), as the loader reads it."""
    name = ["seed_000_kensington.txt", "seed_001_kingston.txt"][n]
    return (EXAMPLES / name).read_text(encoding="utf-8")
