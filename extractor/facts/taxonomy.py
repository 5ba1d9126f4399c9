"""The LGSCO decision-page category taxonomy (DOMAIN.md §2.2) and its URL slugs.

Used by ``facts`` (URL slugs back to names) and ``rules`` (category checks). The LGA 1974
provision table is in ``provisions``. Pure data plus small helpers; no model-side imports.
"""

from __future__ import annotations

import re

# --- Categories (DOMAIN §2.2) -------------------------------------------------------------

# Top-level name -> sub-categories seen on decision pages (DOMAIN §2.2: the table and the
# "more sub-categories seen" list). No sample holds them all: an unknown one is an info note.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "Adult care services": (
        "Assessment and care plan", "Charging", "Direct payments", "Disabled facilities grants",
        "Domiciliary care", "Residential care", "Safeguarding", "Transport", "Other",
        "Transition from childrens services"),  # sic: the site prints no apostrophe
    "Benefits and tax": (
        "Council tax", "Council tax support", "Housing benefit and council tax benefit",
        "COVID-19", "Other"),
    "Children's care services": (
        "Child protection", "Disabled children", "Fostering", "Looked after children", "Other",
        "Friends and family carers"),
    "Education": (
        "Alternative provision", "Other", "School transport", "Special educational needs",
        "School admissions"),
    "Environment and regulation": (
        "Antisocial behaviour", "Health and safety", "Licensing", "Noise",
        "Refuse and recycling", "Other", "COVID-19", "Cemeteries and crematoria", "Pollution",
        "Trees", "Drainage"),
    "Health": ("Assessment and funding", "Other"),
    "Housing": (
        "Allocations", "Homelessness", "Managing council tenancies", "Other", "Private housing"),
    "Other Categories": (
        "Commercial and contracts", "Councillor conduct and standards", "Leisure and culture",
        "Other"),
    "Planning": ("Building control", "Enforcement", "Planning applications", "Other"),
    "Transport and highways": (
        "Highway repair and maintenance", "Parking and other penalties", "Traffic management",
        "Other", "Rights of way"),
}
# Probably exist but not seen in the sample DOMAIN.md was built from: candidates, not rules.
CANDIDATE_SUBS: dict[str, tuple[str, ...]] = {
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

