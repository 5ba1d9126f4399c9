"""Shared reference tables: the LGSCO category taxonomy and the LGA 1974 provisions.

Data from DOMAIN.md §2.2 (categories), §3.1-3.2 (provisions) and §4 (reason codes and the
provisions that ground them). Used by ``facts`` (URL slugs back to names, canonical citations)
and ``rules`` (checks). Pure data plus a few small helpers; no model-side imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- Categories (DOMAIN §2.2) -------------------------------------------------------------

# Top-level name -> sub-categories seen on decision pages.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "Adult care services": (
        "Assessment and care plan", "Charging", "Direct payments", "Disabled facilities grants",
        "Domiciliary care", "Residential care", "Safeguarding", "Transport"),
    "Benefits and tax": (
        "Council tax", "Council tax support", "Housing benefit and council tax benefit",
        "COVID-19", "Other"),
    "Children's care services": (
        "Child protection", "Disabled children", "Fostering", "Looked after children", "Other"),
    "Education": (
        "Alternative provision", "Other", "School transport", "Special educational needs"),
    "Environment and regulation": (
        "Antisocial behaviour", "Health and safety", "Licensing", "Noise",
        "Refuse and recycling", "Other"),
    "Health": ("Assessment and funding", "Other"),
    "Housing": (
        "Allocations", "Homelessness", "Managing council tenancies", "Other", "Private housing"),
    "Other Categories": (
        "Commercial and contracts", "Councillor conduct and standards", "Leisure and culture",
        "Other"),
    "Planning": ("Building control", "Enforcement", "Planning applications", "Other"),
    "Transport and highways": (
        "Highway repair and maintenance", "Parking and other penalties", "Traffic management"),
}
# Probably exist but not seen in the sample DOMAIN.md was built from: candidates, not rules.
CANDIDATE_SUBS: dict[str, tuple[str, ...]] = {
    "Education": ("School admissions",),
    "Children's care services": ("Adoption", "Special guardianship"),
    "Benefits and tax": ("Business rates",),
    "Transport and highways": ("Public transport",),
}
# Most tops have an "Other" bucket; accept it under every top.
GENERIC_SUBS: tuple[str, ...] = ("Other",)
# Groupings of the annual reports: never a page category (a record using one is flagged).
ANNUAL_REPORT_GROUPINGS: tuple[str, ...] = (
    "Highways and transport", "Corporate and other services", "Planning and development",
    "Education and children's services",
    "Environmental services, public protection & regulation",
)

# Slug rule: lower-case; spaces and apostrophes (straight or curly) become "-".
SLUG_SEPARATOR_REGEX = re.compile(r"[\s'\u2019]+")


def slugify(name: str) -> str:
    """The URL path segment of a category name: "Children's care services" ->
    "children-s-care-services"."""
    return SLUG_SEPARATOR_REGEX.sub("-", name.strip().lower())


def known_subs(top: str) -> tuple[str, ...]:
    """Every sub-category accepted under ``top`` (seen, candidate or generic)."""
    return CATEGORIES.get(top, ()) + CANDIDATE_SUBS.get(top, ()) + GENERIC_SUBS


TOP_BY_SLUG: dict[str, str] = {slugify(top): top for top in CATEGORIES}


def sub_for_slug(top: str, slug: str) -> str | None:
    """The known sub-category of ``top`` whose slug is ``slug`` (None when unknown)."""
    return next((sub for sub in known_subs(top) if slugify(sub) == slug), None)


# --- Local Government Act 1974 provisions (DOMAIN §3.1, §3.2) -------------------------------

# Sections of Part III (23-34) and Part 3A (34A-34T) that exist.
LGA1974_SECTIONS: frozenset[str] = frozenset(
    ["23", "23A", "24", "24A", "25", "26", "26A", "26B", "26C", "26D", "27", "28", "29", "30",
     "31", "31A", "31B", "32", "33", "34"]
    + [f"34{letter}" for letter in "ABCDEFGHIJKLMNOPQRST"])
# Subsections seen cited (first level); others of an existing section are unusual, not wrong.
LGA1974_SEEN_SUBSECTIONS: dict[str, frozenset[str]] = {
    section: frozenset(subs.split()) for section, subs in {
        "24A": "1 6 7", "25": "7", "26": "1 5 6 7", "26A": "1 2", "27": "1", "30": "1 1B 1C",
        "31": "2", "31B": "1", "32": "2", "34": "1 3", "34B": "1 6 8", "34H": "1 3 4",
        "34J": "1", "34S": "5",
    }.items()}
# Highest subsection number any of these sections has (a larger one cannot exist).
MAX_SUBSECTION = 15
# Paragraphs of Schedule 5 (matters not subject to investigation) and Schedule 5A (Part 3A).
SCHEDULE_PARAGRAPHS: dict[str, frozenset[str]] = {
    "5": frozenset(["1", "2", "3", "4", "5", "5A", "5B"]),
    "5A": frozenset(["1", "2", "3", "4"]),
}

# Canonical citation: "LGA1974 s24A(6)", "LGA1974 s26(6)(c)", "LGA1974 s34B",
# "LGA1974 s34H(i)" (house style kept), "LGA1974 Sch5 para1", "LGA1974 Sch5 para5(2)".
CANONICAL_CITATION_REGEX = re.compile(
    r"""^LGA1974[ ](?:
        s(?P<section>\d{2}[A-Z]{0,2})               # section number with its letters: 24A, 34H
        (?P<subs>(?:\((?:\d{1,2}[A-Z]?|[a-z]|[ivx]{1,4})\))*)   # (6) (1B) (c) (i) ...
      | Sch(?P<schedule>5A?)[ ]para(?P<para>\d[A-Z]?)   # Sch5 para5A
        (?P<subpara>\((?:\d{1,2}|[a-z])\))?            # para5(2), house style para5(b)
    )$""", re.VERBOSE)
SUBSECTION_TOKEN_REGEX = re.compile(r"\(([^()]+)\)")
ROMAN_ONE = "i"  # house style: "34H(i)" means 34H(1)


@dataclass(frozen=True)
class Provision:
    """A parsed canonical citation: ``section`` + ``subs`` or ``schedule`` + ``para``."""

    section: str | None = None
    subs: tuple[str, ...] = ()
    schedule: str | None = None
    para: str | None = None

    def covers(self, other: Provision) -> bool:
        """Same provision, one more specific than the other (s26(6) and s26(6)(a))."""
        if (self.section, self.schedule, self.para) != (other.section, other.schedule,
                                                        other.para):
            return False
        n = min(len(self.subs), len(other.subs))
        return self.subs[:n] == other.subs[:n]


def parse_canonical(canonical: str) -> Provision | None:
    """The provision named by a canonical citation, or None when the form is wrong."""
    m = CANONICAL_CITATION_REGEX.match(canonical)
    if m is None:
        return None
    if m["schedule"]:
        subs = (m["subpara"].strip("()"),) if m["subpara"] else ()
        return Provision(schedule=m["schedule"], para=m["para"], subs=subs)
    subs = tuple(SUBSECTION_TOKEN_REGEX.findall(m["subs"]))
    if subs and subs[0] == ROMAN_ONE:
        subs = ("1",) + subs[1:]
    return Provision(section=m["section"], subs=subs)


# --- Reason codes (DOMAIN §4) ---------------------------------------------------------------

_DISCRETION = ("s24A(6)", "s34B(8)")
# Code -> provisions that ground it (any one cited is enough). Codes absent here have none.
REASON_GROUNDS: dict[str, tuple[str, ...]] = {
    **{code: _DISCRETION for code in (
        "no_evidence_of_fault", "no_injustice_from_fault", "injustice_not_significant",
        "cannot_add_to_previous_investigation", "no_different_outcome",
        "cannot_achieve_outcome_sought", "no_worthwhile_outcome", "other_body_better_placed",
        "use_review_or_appeal_first", "complaint_handling_only")},
    "satisfied_with_remedy": ("s24A(7)", "s30(1B)", "s34H(1)"),
    "tribunal_appeal_available": ("s26(6)(a)",),
    "tribunal_appeal_used": ("s26(6)(a)",),
    "minister_appeal_available": ("s26(6)(b)",),
    "court_remedy_available": ("s26(6)(c)",),
    "court_remedy_used": ("s26(6)(c)",),
    "court_proceedings_matter": ("Sch5 para1", "Sch5A para3"),
    "late_complaint": ("s26B", "s34D"),
    "premature": ("s26(5)", "s34B(6)"),
    "affects_all_or_most": ("s26(7)",),
    "public_body_complainant": ("s27(1)(a)",),
    "no_consent_or_unsuitable_rep": ("s26A(1)(b)", "s26A(2)", "s34C"),
    "body_out_of_jurisdiction": ("s25", "s34(1)", "s34A"),
    "personnel_matter": ("Sch5 para4", "Sch5A para4"),
    "school_internal_matter": ("Sch5 para5",),
    "social_housing_landlord": ("Sch5 para5A", "Sch5 para5B"),
    "commercial_matter": ("Sch5 para3",),
    "crime_police_matter": ("Sch5 para2",),
}
# Legal bars: no discretion, so they should not be the reasons of an investigated case.
NO_DISCRETION_CODES: frozenset[str] = frozenset({
    "tribunal_appeal_used", "court_remedy_used", "court_proceedings_matter",
    "affects_all_or_most", "public_body_complainant", "school_internal_matter",
    "social_housing_landlord", "body_out_of_jurisdiction", "personnel_matter"})
# Closures that are normally not published: unusual as the only reason on a published page.
UNPUBLISHED_CODES: frozenset[str] = frozenset({
    "premature", "personnel_matter", "no_consent_or_unsuitable_rep", "previously_decided",
    "insufficient_information"})
