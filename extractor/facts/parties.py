"""Who the decision is about: the bodies complained about and the complainant (DOMAIN.md §6).

Pure functions over the cleaned text; each finding is ``(value, start, end)`` in that text and
the facts stage maps it back to the loaded text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractor.facts import patterns as p

Found = tuple[str, int, int]
Ranges = list[tuple[int, int]]

# --- bodies --------------------------------------------------------------------------------

# A line that is only an organisation's name ("West Sussex County Council") ...
ORG_LINE_REGEX = re.compile(
    r"^(?P<org>(?:The )?[A-Z][\w&'.,-]*(?: (?:[A-Z][\w&'.,-]*|of|and|upon|on|the|in|for|&"
    r"|\([A-Z][\w ]*\)))*)$")
# ... which names an organisation kind.
ORG_KEYWORD_REGEX = re.compile(
    r"\b(?:Council|Borough|County|City|District|Authority|Limited|Ltd|LLP|plc|NHS|Trust|ICB"
    r"|CCG|Care|Homes?|Services|Transport for London|Academy|School|Partnership|Agency)\b")
# An organisation named in running text: capitalised words ending in an organisation noun
# ("North East Lincolnshire Council", "Humber and North Yorkshire ICB", "OM Care Ltd").
ORG_NAME_REGEX = re.compile(
    r"(?<![\w'])(?P<org>[A-Z][\w&'-]*(?: (?:[A-Z][\w&'-]*|of|and|upon|on|the|&))*?"
    r" (?:Council|ICB|CCG|Trust|Limited|Ltd|LLP|plc))\b")
# What every ORG_NAME_REGEX match holds (a sentence without any is not scanned).
ORG_NAME_NOUNS = (" Council", " ICB", " CCG", " Trust", " Limited", " Ltd", " LLP", " plc")
# Words that make a name generic ("the County Council", "the NHS Trust") when alone.
GENERIC_ORG_WORDS = frozenset({"The", "County", "City", "Borough", "District", "Parish", "Town",
                               "Metropolitan", "Council", "NHS", "Foundation", "Trust", "Care",
                               "Limited", "Ltd", "ICB", "CCG", "Local", "Unitary", "Combined",
                               "Authority", "Councils", "Home", "Provider", "Both", "Each"})
# Site furniture lines that are not the body complained about.
NOT_ORG_LINE_REGEX = re.compile(r"^(?:LGO|Source|View|Full decision|Local Government "
                                r"(?:and|&) Social Care Ombudsman)\b")
# "Lyndhurst Park Care Home (the Home)", "North Somerset Council (the Council)": a named
# organisation given its generic label (DOMAIN §6).
ORG_DEFINITION_REGEX = re.compile(
    r"(?P<org>[A-Z][\w&'-]*(?: (?:[A-Z][\w&'-]*|of|and|upon|on|the|in|for|&"
    r"|\([A-Z][\w ]*\)))*) \((?:the )?[\"']?(?P<label>Council|Care Provider|Provider|Home|Care Home"
    r"|Trust|Authority|ICB|CCG|Company|Agency|Landlord)[\"']?\)")
# A Summary sentence about fault or the complaint (where other bodies complained about appear).
FAULT_OR_COMPLAINT_REGEX = re.compile(r"\b(?:fault|faults|complain\w*|failed|failings?)\b")
# Generic labels by organisation kind: a second body is added only for a kind not yet listed.
PROVIDER_LABELS = frozenset({"Care Provider", "Provider", "Home", "Care Home", "Agency",
                             "Company"})
NHS_LABELS = frozenset({"Trust", "ICB", "CCG"})


def find_bodies(text: str, title_org: Found | None, preamble: tuple[int, int],
                summary_sentences: Ranges, definition_sentences: Ranges) -> list[Found]:
    """The organisations complained about: the title's (else the mirrors' name line), those
    the Summary names with fault, and a named body of another kind given a generic label in
    a sentence about the complaint ("complains about ... Oak Care Home (the Home)")."""
    found: list[Found] = [title_org] if title_org else _org_line(text, *preamble)
    _add_named_in_summary(text, summary_sentences, found)
    kinds = {_org_kind(name) for name, _s, _e in found}
    for start, end in definition_sentences:
        if text.find(" (", start, end) == -1 \
                or not FAULT_OR_COMPLAINT_REGEX.search(text, start, end):
            continue  # a definition is bracketed: "Oak Care Home (the Home)"
        for m in ORG_DEFINITION_REGEX.finditer(text, start, end):
            kind = _label_kind(m["label"])
            if kind not in kinds and not _listed(m["org"], found):
                kinds.add(kind)
                found.append((m["org"], *m.span("org")))
    return found


def _listed(name: str, found: list[Found]) -> bool:
    return name.lower() in (n.lower() for n, _s, _e in found)


def _add_named_in_summary(text: str, sentences: Ranges, found: list[Found]) -> None:
    """Joint investigations: "We also found fault that X Council and Y ICB took too long"."""
    for start, end in sentences:
        if not any(text.find(noun, start, end) != -1 for noun in ORG_NAME_NOUNS) \
                or not FAULT_OR_COMPLAINT_REGEX.search(text, start, end):
            continue
        for m in ORG_NAME_REGEX.finditer(text, start, end):
            name = m["org"]
            if name.split()[0] not in GENERIC_ORG_WORDS and not _listed(name, found):
                found.append((name, *m.span("org")))


def _org_line(text: str, start: int, end: int) -> list[Found]:
    """Header-less mirror pages print the body's name on a line of its own before the body."""
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        line = text[pos:stop]
        if (ORG_LINE_REGEX.match(line) and ORG_KEYWORD_REGEX.search(line)
                and not NOT_ORG_LINE_REGEX.match(line)):
            return [(line, pos, stop)]
        pos = stop + 1
    return []


def _label_kind(label: str) -> str:
    return "provider" if label in PROVIDER_LABELS else "nhs" if label in NHS_LABELS else "council"


def _org_kind(name: str) -> str:
    words = set(name.replace(",", " ").split())
    if words & {"NHS", "Trust", "ICB", "CCG"}:
        return "nhs"
    if words & {"Council", "Borough", "Authority", "London"}:
        return "council"
    return "provider"


# --- complainant ---------------------------------------------------------------------------

# Strongest evidence first: an introduction formula, then the subject of "complains", then any
# pseudonym. ``zones``: the complaint section(s), the Summary, the rest of the body.
# Each with a string every match of it holds: a range without it is not searched.
INTRO_REGEXES = ((p.PSEUDONYM_INTRO_REGEX, "complainant"),
                 (p.PSEUDONYM_APPOSITION_REGEX, "complainant"))


def find_complainant(text: str, zones: list[Ranges]) -> Found | None:
    for regex, needle in INTRO_REGEXES:
        for ranges in zones:
            m = _search(text, regex, ranges, needle)
            if m is not None:
                return _found(m, "name")
    for ranges in zones:
        subject = _subject(text, ranges, zones[1])
        if subject is not None:
            return subject
    for ranges in zones:
        for start, end in ranges:
            m = _first_pseudonym(text, start, end)
            if m is not None:
                return _found(m, 0)
    return None


def _subject(text: str, ranges: Ranges, summary: Ranges) -> Found | None:
    """Who "complains" here. When a representative complains on behalf of someone whom the
    Summary itself names as complaining, that person is the complainant."""
    m = _search(text, p.COMPLAINING_SUBJECT_REGEX, ranges, "complain")
    if m is None:
        return None
    behalf = _search(text, p.ON_BEHALF_REGEX, ranges, "on behalf of")
    said = _search(text, p.COMPLAINING_SUBJECT_REGEX, summary, "complain")
    if behalf and said and _found(said, _group(said))[0] == _found(behalf, "name")[0]:
        return _found(behalf, "name")
    return _found(m, _group(m))


def _group(m: re.Match[str]) -> str:
    return "name" if m["name"] else "owner"


def _found(m: re.Match[str], group: str | int) -> Found:
    return p.normalise_pseudonym(m[group]), *m.span(group)


def _search(text: str, regex: re.Pattern[str], ranges: Iterable[tuple[int, int]],
            needle: str) -> re.Match[str] | None:
    """The first match in the ranges, in order (``needle``: a string every match holds; a
    range without it is not searched)."""
    for start, end in ranges:
        if text.find(needle, start, end) == -1:
            continue
        m = regex.search(text, start, end)
        if m is not None:
            return m
    return None


def _first_pseudonym(text: str, start: int, end: int) -> re.Match[str] | None:
    single = p.PSEUDONYM_REGEX.search(text, start, end)
    joint = p.JOINT_PSEUDONYM_REGEX.search(text, start, end)
    if joint and (single is None or joint.start() <= single.start()):
        return joint
    return single
