"""Stage 3, segment: header lines and the standard sections of a cleaned decision.

Works line by line on the cleaned text (one paragraph per line). Handles full lgo.org.uk pages
(title, Category / Decision / Decision date header), the same header with every label and value
on its own line (text taken one line per page element, as a public harvester stores decisions
and as an HTML page gives when labels and values are separate blocks), captures without the
header block, mirror pages that start at "The Ombudsman's final decision", older templates
("Recommended action", "Decision", "Conclusion") and older formal-report summaries ("Summary",
"The complaint", "Finding", "Recommendations", "Ombudsman satisfied with council's response:
<date>").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Title line: "<Organisation> (<YY SSS SSS[x]>)".
TITLE_REGEX = re.compile(r"^(?P<org>\S.{1,200}?) \((?P<ref>\d{2} ?\d{3} ?\d{3}[a-z]?)\)\s*$")
# The title's reference on a line of its own, under the organisation's line.
TITLE_REF_ALONE_REGEX = re.compile(r"^\((?P<ref>\d{2} ?\d{3} ?\d{3}[a-z]?)\)\s*$")
# An organisation's line above it: a name, not a sentence or a label.
ORG_LINE_REGEX = re.compile(r"^[^.:]{3,200}$")
# Header lines: "Label : value" (the site puts a space each side of the colon; copies may not).
HEADER_LINE_REGEX = re.compile(
    r"^(?P<label>Category|Decision date|Date of decision|Decision|Decided)"
    r"\s*:\s*(?P<value>.+?)\s*$",
    re.IGNORECASE)
# A header label alone on its line, its value on the next line(s) ("Category :" / "Housing" /
# ">" / "Allocations"; "Decision :" / "Upheld"; "Decision date :" / "05 Mar 2025").
HEADER_LABEL_ALONE_REGEX = re.compile(
    r"^(?P<label>Category|Decision date|Date of decision|Decision)\s*:\s*$", re.IGNORECASE)
# What the line after a lone label must look like to be its value (else "Decision:" is the
# closing section's heading): a decision value; a short line with a digit (a date, real or
# not: the rules judge it); a name, not a sentence.
STACKED_VALUE_REGEXES: dict[str, re.Pattern[str]] = {
    "decision": re.compile(r"^(?:Upheld|Not upheld|Closed after initial enquiries)\b",
                           re.IGNORECASE),
    "decision_date": re.compile(r"^(?=[^\n]*\d)[^\n]{1,40}$"),
    "category": re.compile(r"^[^.\n]{1,120}$"),
}
# The category's ">" between top and sub-category, alone or ending / starting a line.
CATEGORY_JOIN_REGEX = re.compile(r"^>|>\s*$")
SUMMARY_REGEX = re.compile(r"^Summary\s*:\s*(?P<value>.*)$", re.IGNORECASE)
# "Summary" with no colon, its text on the next line (stacked layout; older reports, where the
# next line is the heading "The complaint" and there is no summary text).
SUMMARY_ALONE_REGEX = re.compile(r"^Summary\s*$", re.IGNORECASE)

# Section headings, canonical name -> whole-line pattern (optional trailing colon).
SECTION_HEADINGS: dict[str, str] = {
    "final_decision_heading": r"The Ombudsman'?s (?:final|draft) decision",
    "complaint": r"The complaint|Complaint|The complaints?",
    "what_investigated": r"What I (?:have|have not|have and have not|did not) investigated?"
                         r"|What I have investigated and why|Scope of (?:the )?investigation",
    "role_and_powers": r"The Ombudsman'?s role(?: and powers)?|Legal and administrative background"
                       r"|Our role and powers|The Ombudsmen'?s role and powers",
    "how_considered": r"How I considered this (?:complaint|matter)|How I considered this"
                      r"|Investigation|How I investigated",
    "assessment": r"My assessment|Assessment",
    "what_found": r"What I found|Findings?|My findings",
    "agreed_action": r"Agreed actions?|Recommended actions?|Recommendations?|Action|Actions"
                     r"|Recommended and agreed action|Agreed and recommended action"
                     r"|(?:Agreed |Recommended )?[Rr]emed(?:y|ies)|Putting things right"
                     r"|What (?:the \w+ )?(?:has|have) agreed to do"
                     r"|Action (?:the \w+ )?(?:has|have) agreed to take",
    "final_decision": r"Final decision|Decision|Conclusions?|My decision",
    "not_investigated_parts": r"Parts of the complaint (?:that )?I did not investigate"
                              r"|Parts of the complaint I have not investigated",
    "signoff": r"(?:Investigator|Assistant Ombudsman|Deputy Ombudsman|Ombudsman)'?s decision on "
               r"behalf of the Ombudsman|Investigator'?s final decision on behalf of the Ombudsman",
    # older formal reports end "Ombudsman satisfied with council's response: <date>"
    "compliance": r"Ombudsman satisfied with (?:the )?[\w ]{1,40}?(?:'s|s')? response"
                  r"(?:\s*:\s*[^\n]{1,40}?)?",
}
# Every heading in one pattern, a named alternative each, tried in the order above: the first
# whose whole line matches names the line, as one pattern per heading tried in turn would
# (one match call a line instead of twelve).
SECTION_REGEX = re.compile("|".join(rf"(?P<{name}>^(?:{pattern})\s*:?\s*$)"
                                    for name, pattern in SECTION_HEADINGS.items()),
                           re.IGNORECASE)
# The mirror sites print a metadata run: "Reference 24-005-669 Sector ... Decided 29 July 2024".
MIRROR_REFERENCE_REGEX = re.compile(r"\bReference\s+(?P<ref>\d{2}-\d{3}-\d{3}[a-z]?)\b")
# Other renders put the date in one metadata line after the reference and the category path,
# fields split by middle dots (DOMAIN §2.1): "24-019-174 · Planning › Enforcement · Decision
# date: 3 June 2025 · View <body> scorecard". The reference, when the line starts with one.
META_DATE_LINE_REGEX = re.compile(
    r"^(?:(?P<ref>\d{2}-\d{3}-\d{3}[a-z]?)\b)?[^\n]{0,160}?(?:^|[·•|]\s*|\s)"
    r"(?:Decision date|Date of decision|Decided)\s*:?\s*(?P<value>\d[^·•|\n]{0,38}?)\s*"
    r"(?:[·•|][^\n]*)?$", re.IGNORECASE)
# inquirytracker.uk's first line carries the decision value: "LGO (Local Government & Social
# Care Ombudsman) Not Upheld" ("Other" there says nothing).
SOURCE_DECISION_LINE_REGEX = re.compile(
    r"^LGO \(Local Government (?:&|and) Social Care Ombudsman\)\s+(?P<value>Upheld|Not upheld"
    r"|Closed after initial enquiries)\s*$", re.IGNORECASE)


@dataclass
class Field:
    """A header value with its position in the cleaned text."""

    value: str
    start: int
    end: int


@dataclass
class Section:
    name: str
    heading_start: int
    start: int  # first character after the heading line
    end: int


@dataclass
class Segmented:
    text: str
    header: dict[str, Field] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    def ranges(self, *names: str, name_order: bool = False) -> list[tuple[int, int]]:
        """(start, end) of the summary (when named; always first) and of the named sections,
        in document order, or with ``name_order`` grouped in the order of ``names``."""
        out = []
        if "summary" in names and "summary" in self.header:
            f = self.header["summary"]
            out.append((f.start, f.end))
        chosen = [s for s in self.sections if s.name in names]
        if name_order:
            chosen.sort(key=lambda s: names.index(s.name))
        return out + [(s.start, s.end) for s in chosen]

    def body_start(self) -> int:
        """Where the decision proper starts (after the header lines)."""
        s = self.section("final_decision_heading") or (self.sections[0] if self.sections else None)
        return s.heading_start if s else 0


def iter_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of ``text``."""
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def segment(text: str) -> Segmented:
    seg = Segmented(text)
    lines = iter_lines(text)
    body_started, i = False, 0
    while i < len(lines):
        start, end = lines[i]
        line = text[start:end]
        taken = 0 if body_started else _header_lines(seg, lines, i)
        i += max(taken, 1)
        if taken:
            continue
        name = _heading_name(line, body_started)
        if name is None:
            _summary_line(seg, line, start, end)
            continue
        if name == "final_decision" and not body_started:
            continue  # "Decision" before the body is not the closing section
        body_started = True
        _close_last(seg, start)
        seg.sections.append(Section(name, start, min(end + 1, len(text)), len(text)))
    _close_last(seg, len(text))
    return seg


def _summary_line(seg: Segmented, line: str, start: int, end: int) -> None:
    """A "Summary: ..." line, a lone "Summary:" / "Summary" label, or the line after one."""
    summary = SUMMARY_REGEX.match(line)
    alone = SUMMARY_ALONE_REGEX.match(line) and all(
        s.name == "final_decision_heading" for s in seg.sections)
    if (summary or alone) and "summary" not in seg.header:
        vs = start + summary.start("value") if summary else end
        seg.header["summary"] = Field(line[vs - start:], vs, end)
    elif _summary_label_alone(seg, start):
        seg.header["summary"] = Field(line, start, end)


def _summary_label_alone(seg: Segmented, line_start: int) -> bool:
    """True when the line before ``line_start`` was a bare "Summary:" label (a rendered page
    copied with the label in its own block)."""
    f = seg.header.get("summary")
    return f is not None and not f.value.strip() and f.end + 1 == line_start


def _heading_name(line: str, body_started: bool) -> str | None:
    if len(line) > 120:
        return None
    m = SECTION_REGEX.match(line)
    return m.lastgroup if m else None


def _header_lines(seg: Segmented, lines: list[tuple[int, int]], i: int) -> int:
    """How many lines from ``lines[i]`` are a header field (0: none); records the field."""
    start, end = lines[i]
    line = seg.text[start:end]
    if "title" not in seg.header and not seg.sections and _title(seg, lines, i):
        return 1
    m = HEADER_LINE_REGEX.match(line)
    if m:
        key = _header_key(m.group("label"))
        if key not in seg.header:
            seg.header[key] = Field(m.group("value"), start + m.start("value"),
                                    start + m.end("value"))
        return 1
    m = HEADER_LABEL_ALONE_REGEX.match(line)
    taken = _stacked_value(seg, lines, i + 1, _header_key(m.group("label"))) if m else 0
    if taken:
        return 1 + taken
    m = MIRROR_REFERENCE_REGEX.search(line)
    if m and "mirror_ref" not in seg.header:
        seg.header["mirror_ref"] = Field(m.group("ref"), start + m.start("ref"),
                                         start + m.end("ref"))
    m = SOURCE_DECISION_LINE_REGEX.match(line)
    if m and "decision" not in seg.header:
        seg.header["decision"] = Field(m.group("value"), start + m.start("value"),
                                       start + m.end("value"))
        return 1
    return _meta_date_line(seg, line, start)


def _meta_date_line(seg: Segmented, line: str, start: int) -> int:
    """A metadata line holding the decision date (and maybe the reference): 1, else 0."""
    lowered = line.lower()
    m = META_DATE_LINE_REGEX.match(line) if any(
        label in lowered for label in ("decision date", "date of decision", "decided")) else None
    if not m or "decision_date" in seg.header:
        return 0
    seg.header["decision_date"] = Field(m.group("value"), start + m.start("value"),
                                        start + m.end("value"))
    if m.group("ref") and "mirror_ref" not in seg.header:
        seg.header["mirror_ref"] = Field(m.group("ref"), start + m.start("ref"),
                                         start + m.end("ref"))
    return 1


def _title(seg: Segmented, lines: list[tuple[int, int]], i: int) -> bool:
    """A title line "<Org> (<ref>)", or a "(<ref>)" line under the organisation's line."""
    start, end = lines[i]
    line = seg.text[start:end]
    m = TITLE_REGEX.match(line)
    if m:
        seg.header["title"] = Field(line, start, end)
        org = (m.group("org"), start + m.start("org"), start + m.end("org"))
    else:
        m = TITLE_REF_ALONE_REGEX.match(line)
        prev = seg.text[lines[i - 1][0]:lines[i - 1][1]] if i > 0 else ""
        if not m or not ORG_LINE_REGEX.match(prev):
            return False
        seg.header["title"] = Field(seg.text[lines[i - 1][0]:end], lines[i - 1][0], end)
        org = (prev, lines[i - 1][0], lines[i - 1][1])
    seg.header["org"] = Field(*org)
    seg.header["ref"] = Field(m.group("ref"), start + m.start("ref"), start + m.end("ref"))
    return True


def _stacked_value(seg: Segmented, lines: list[tuple[int, int]], i: int, key: str) -> int:
    """The value under a lone header label: how many lines it takes (0: not a value).
    A category runs on over a ">" line (or a line ending or starting with ">")."""
    if i >= len(lines) or not STACKED_VALUE_REGEXES[key].match(_line(seg, lines, i)):
        return 0
    last = i
    while key == "category" and last + 1 < len(lines) and (
            CATEGORY_JOIN_REGEX.search(_line(seg, lines, last))
            or CATEGORY_JOIN_REGEX.match(_line(seg, lines, last + 1))):
        last += 1
    if key not in seg.header:
        start, end = lines[i][0], lines[last][1]
        seg.header[key] = Field(seg.text[start:end], start, end)
    return last - i + 1


def _line(seg: Segmented, lines: list[tuple[int, int]], i: int) -> str:
    return seg.text[lines[i][0]:lines[i][1]]


def _header_key(label: str) -> str:
    label = label.lower()
    if label in ("decision date", "date of decision", "decided"):
        return "decision_date"
    return "category" if label == "category" else "decision"


def _close_last(seg: Segmented, pos: int) -> None:
    if seg.sections:
        last = seg.sections[-1]
        last.end = max(last.start, pos - 1 if pos > 0 and seg.text[pos - 1:pos] == "\n" else pos)
