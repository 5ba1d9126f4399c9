"""Stage 3, segment: header lines and the standard sections of a cleaned decision.

Works line by line on the cleaned text (one paragraph per line). Handles full lgo.org.uk pages
(title, Category / Decision / Decision date header), captures without the header block, mirror
pages that start at "The Ombudsman's final decision", and older templates ("Recommended
action", "Decision", "Conclusion").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Title line: "<Organisation> (<YY SSS SSS[x]>)".
TITLE_REGEX = re.compile(r"^(?P<org>\S.{1,200}?) \((?P<ref>\d{2} ?\d{3} ?\d{3}[a-z]?)\)\s*$")
# Header lines: "Label : value" (the site puts a space each side of the colon; copies may not).
HEADER_LINE_REGEX = re.compile(
    r"^(?P<label>Category|Decision date|Date of decision|Decision|Decided)\s*:\s*(?P<value>.+?)\s*$",
    re.IGNORECASE)
SUMMARY_REGEX = re.compile(r"^Summary\s*:\s*(?P<value>.*)$", re.IGNORECASE)

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
    "what_found": r"What I found|Findings|My findings",
    "agreed_action": r"Agreed actions?|Recommended actions?|Recommendations?|Action|Actions"
                     r"|Recommended and agreed action|Agreed and recommended action",
    "final_decision": r"Final decision|Decision|Conclusions?|My decision",
    "not_investigated_parts": r"Parts of the complaint (?:that )?I did not investigate"
                              r"|Parts of the complaint I have not investigated",
    "signoff": r"(?:Investigator|Assistant Ombudsman|Deputy Ombudsman|Ombudsman)'?s decision on "
               r"behalf of the Ombudsman|Investigator'?s final decision on behalf of the Ombudsman",
}
SECTION_REGEXES: dict[str, re.Pattern[str]] = {
    name: re.compile(rf"^(?:{pattern})\s*:?\s*$", re.IGNORECASE)
    for name, pattern in SECTION_HEADINGS.items()
}
# The mirror sites print a metadata run: "Reference 24-005-669 Sector ... Decided 29 July 2024".
MIRROR_REFERENCE_REGEX = re.compile(r"\bReference\s+(?P<ref>\d{2}-\d{3}-\d{3}[a-z]?)\b")


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

    def section_text(self, *names: str) -> str:
        """Joined text of the named sections (in document order), '' when absent."""
        return "\n".join(self.text[s.start:s.end] for s in self.sections if s.name in names)

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
    body_started = False
    for start, end in lines:
        line = text[start:end]
        if not body_started and _header_line(seg, line, start):
            continue
        name = _heading_name(line, body_started)
        if name is None:
            summary = SUMMARY_REGEX.match(line)
            if summary and "summary" not in seg.header:
                vs = start + summary.start("value")
                seg.header["summary"] = Field(summary.group("value"), vs, end)
            elif _summary_label_alone(seg, start):
                seg.header["summary"] = Field(line, start, end)  # "Summary:" on its own line
            continue
        if name == "final_decision" and not body_started:
            continue  # "Decision" before the body is not the closing section
        body_started = True
        _close_last(seg, start)
        seg.sections.append(Section(name, start, min(end + 1, len(text)), len(text)))
    _close_last(seg, len(text))
    return seg


def _summary_label_alone(seg: Segmented, line_start: int) -> bool:
    """True when the line before ``line_start`` was a bare "Summary:" label (a rendered page
    copied with the label in its own block)."""
    f = seg.header.get("summary")
    return f is not None and not f.value.strip() and f.end + 1 == line_start


def _heading_name(line: str, body_started: bool) -> str | None:
    if len(line) > 120:
        return None
    for name, regex in SECTION_REGEXES.items():
        if regex.match(line):
            return name
    return None


def _header_line(seg: Segmented, line: str, start: int) -> bool:
    m = TITLE_REGEX.match(line)
    if m and "title" not in seg.header and not seg.sections:
        seg.header["title"] = Field(line, start, start + len(line))
        seg.header["org"] = Field(m.group("org"), start + m.start("org"), start + m.end("org"))
        seg.header["ref"] = Field(m.group("ref"), start + m.start("ref"), start + m.end("ref"))
        return True
    m = HEADER_LINE_REGEX.match(line)
    if m:
        key = _header_key(m.group("label"))
        if key not in seg.header:
            seg.header[key] = Field(m.group("value"), start + m.start("value"),
                                    start + m.end("value"))
        return True
    m = MIRROR_REFERENCE_REGEX.search(line)
    if m and "mirror_ref" not in seg.header:
        seg.header["mirror_ref"] = Field(m.group("ref"), start + m.start("ref"),
                                         start + m.end("ref"))
    return False


def _header_key(label: str) -> str:
    label = label.lower()
    if label in ("decision date", "date of decision", "decided"):
        return "decision_date"
    return "category" if label == "category" else "decision"


def _close_last(seg: Segmented, pos: int) -> None:
    if seg.sections:
        last = seg.sections[-1]
        last.end = max(last.start, pos - 1 if pos > 0 and seg.text[pos - 1:pos] == "\n" else pos)
