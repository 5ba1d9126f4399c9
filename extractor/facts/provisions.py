"""The Local Government Act 1974 provisions LGSCO decisions cite, and the reasons they ground.

Data from DOMAIN.md §3.1-3.2 (sections of Part III and Part 3A, Schedule 5 and 5A paragraphs)
and §4 (reason codes and their grounding provisions). ``parse_canonical`` reads the canonical
citation form of the output record ("LGA1974 s24A(6)", "LGA1974 Sch5 para1"). Pure data plus
small helpers; no model-side imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from extractor.vocab import REASON_GROUNDS

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
    )$""", re.VERBOSE | re.ASCII)
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


# Distinct citations parsed and kept (the rules parse each record's citations, and each
# reason's grounds, again per decision; a bound, since records read from files hold anything).
PARSED_CITATIONS_KEPT = 1024


@lru_cache(maxsize=PARSED_CITATIONS_KEPT)
def parse_canonical(canonical: str) -> Provision | None:
    """The provision named by a canonical citation, or None when the form is wrong (the
    provision is frozen: one parse per citation is shared)."""
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


FIRST_SUBSECTION_REGEX = re.compile(r"(\d{1,2})[A-Z]?", re.ASCII)   # (6), (1B)


def provision_problem(p: Provision) -> str | None:
    """Why a parsed provision cannot exist in the LGA 1974 (None when it can)."""
    if p.schedule is not None:
        if p.para not in SCHEDULE_PARAGRAPHS.get(p.schedule, ()):
            return f"Schedule {p.schedule} has no paragraph {p.para}"
        return None
    if p.section not in LGA1974_SECTIONS:
        return f"section {p.section} is not in Part III or Part 3A"
    first = FIRST_SUBSECTION_REGEX.fullmatch(p.subs[0]) if p.subs else None
    if p.subs and (first is None or not 1 <= int(first[1]) <= MAX_SUBSECTION):
        return f"section {p.section} has no subsection ({p.subs[0]})"
    if any(s[0].isdigit() for s in p.subs[1:]):
        return f"nested subsections of s{p.section} are paragraphs (a), (b), ..."
    return None


def is_seen(p: Provision) -> bool:
    """Whether the provision's first subsection is one seen cited (True when not tabled)."""
    seen = LGA1974_SEEN_SUBSECTIONS.get(p.section or "")
    return not (seen and p.subs and p.subs[0] not in seen)


# --- Reasons and the provisions that ground them (DOMAIN §4; the grounds are vocabulary) ----

def ungrounded(code: str, cited: Iterable[str]) -> tuple[str, ...] | None:
    """The provisions that would ground ``code`` when none of them is among the ``cited``
    canonical citations (a more or less specific form counts: s26(6) grounds
    tribunal_appeal_available); None when the code has no grounds or one is cited."""
    grounds = REASON_GROUNDS.get(code, ())
    have = [p for p in (parse_canonical(c) for c in cited) if p is not None]
    for ground in grounds:
        want = parse_canonical(f"LGA1974 {ground}")
        if want is not None and any(want.covers(p) for p in have):
            return None
    return grounds or None
