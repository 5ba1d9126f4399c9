"""Citations of the Local Government Act 1974 in canonical form (DOMAIN.md §3.3).

Every mention of the Act is a hook. The provisions are read from the list that follows it
("(Local Government Act 1974, sections 26(1) and 26A(1), as amended)") or, when nothing follows,
from the list that leads up to it ("(section 26A or 34C, Local Government Act 1974)",
"section 26(6)(c) of the Local Government Act 1974"). House variants are normalised:
"34(B)" -> s34B, "34(B)6" -> s34B(6), "24A(1)(A)" -> s24A(1)(a), "34 H(3 and 4)" -> s34H(3) and
s34H(4), "Schedule 5/5A, paragraph 1/3" -> Sch5 para1 and Sch5A para3, "paragraph 5A schedule 5"
-> Sch5 para5A, "Schedule 5.5" -> Sch5 para5. "34H(i)" keeps its "(i)" as the labels do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# A mention of the Act: with its year, or without any year ("Local Government Act, section
# 26D"); "Local Government Act 2000" is another Act. (Every match starts with a capital "L",
# so the scan jumps from one to the next; the word boundary before "LGA" is written as a
# look-behind after it, which keeps that so.)
LGA_REGEX = re.compile(
    r"Local Government Act(?:,? 1974\b|(?![ ,]*\d{4}))|LGA(?<!\wLGA) ?1974\b")

# One section with its subsections: "section 24A(6)", "sections 26(1)", "s26(1)", "34 B",
# "34(B)" and "34(B)6" (house style for 34B / 34B(6)), "24A (6)", "34 H(3 and 4)", "24A(1)(A)".
# An unclosed last bracket is accepted only at the very end of the text (cut-off excerpts).
SECTION_ITEM_REGEX = re.compile(r"""
    (?:(?P<kw>[Ss]ections?|[Ss]s?\.?)\s?)?
    (?P<num>\d{1,2})
    (?: \s?(?P<let>[A-Z]{1,2})(?![a-z])              # 24A, 34 B, 34 H
      | \((?P<plet>[A-Z])\)(?P<tail>\d{1,2})? )?     # 34(B), 34(B)6
    (?P<subs>(?:\s?\((?:\d{1,2}[A-Z]?|[a-zA-Z]{1,4}|\d{1,2}\s(?:and|&)\s\d{1,2})(?:\)|\Z))*)
    (?!\w)""", re.VERBOSE)
# A schedule paragraph: "Schedule 5/5A, paragraph 1/3", "Schedule 5, paragraph 5(b)",
# "Schedule 5.5", "Schedule 5A.4", and paragraph-first "paragraph 5A schedule 5".
SCHEDULE_ITEM_REGEX = re.compile(r"""
    (?: (?i:sched(?:ule)?\.?)\s?(?P<sch>5A?)(?:\s?/\s?(?P<sch2>5A?))?
        (?:\.(?P<dot>\d{1,2}[A-Z]?))?
        (?:\s?,?\s?(?i:para(?:graph)?s?\.?)\s?(?P<para>\d{1,2}[A-Z]?)(?P<psub>\([a-z0-9]{1,3}\))?
           (?:\s?/\s?(?P<para2>\d{1,2}[A-Z]?))?)?
      | (?i:para(?:graph)?s?\.?)\s?(?P<bpara>\d{1,2}[A-Z]?)(?P<bpsub>\([a-z0-9]{1,3}\))?
        \s?,?\s?(?:of\s)?(?:the\s)?(?i:sched(?:ule)?\.?)\s?(?P<bsch>5A?) )
    (?!\w)""", re.VERBOSE)
# Between items: commas, "and", "or", "/", "&", "as amended" (bracketed or not).
SEPARATOR_REGEX = re.compile(
    r"(?:\s*(?:,|/|&|\band\b|\bor\b|\(as amended\)|\bas amended\b)\s*)+", re.IGNORECASE)
# Between the Act's name and a following list: ", ", " (as amended), ", ", as amended, ".
LEAD_GLUE_REGEX = re.compile(r"[ ]?,?[ ]?(?:\(?as amended\)?[ ]?,?[ ]?)?", re.IGNORECASE)
# Between a leading list and the Act's name: ", " or "of the" / "under the".
BACK_GLUE_REGEX = re.compile(r"\s*(?:,|\b(?:of|under|in)\b(?: the)?)?\s*(?:the\s*)?")
# Where a leading list may start.
ITEM_START_REGEX = re.compile(
    r"\b(?:[Ss]ections?\s?\d|[Ss]s?\.?\s?\d|(?i:sched(?:ule)?\.?\s?5|para(?:graph)?s?\.?\s?\d))")
LOOKBACK_CHARS = 160
# A provision cited without the Act's name ("Invalid: Consent - section 26A(1)(b)",
# "s26B discretion exercised") counts only for section numbers with a letter that only the
# LGA 1974 Part III / 3A has (23A, 24A, 26A-26D, 31A, 31B, 34A-34T) ...
# (The word boundary before the "s" is a look-behind after it: a pattern that starts with a
# character set is scanned for that set in C, one that starts with "\b" tried at every position.)
BARE_ITEM_REGEX = re.compile(
    r"[Ss](?<!\w[Ss])(?:ections?|\.?)\s?(?:23A|24A|26[A-D]|31[AB]|34[A-T])(?![A-Za-z])")
# ... and not when another Act's name follows ("section 26A of the Children Act 1989").
OTHER_ACT_FOLLOWS_REGEX = re.compile(
    r"\s*,?\s*(?:of|under|in)?\s*(?:the\s)?(?:[A-Z][\w&'-]*\s(?:and\s|&\s|of\s)?){1,6}Act\b")
SUBS_REGEX = re.compile(r"\(([^()]*)\)?")
SUB_PAIR_REGEX = re.compile(r"^(\d{1,2})\s(?:and|&)\s(\d{1,2})$")


@dataclass(frozen=True)
class Found:
    """One canonical citation read from ``text[start:end]`` of the scanned text."""

    canonical: str
    start: int
    end: int


def find_citations(text: str) -> list[Found]:
    """Every LGA 1974 citation in ``text``, de-duplicated by canonical form, in text order."""
    seen: set[str] = set()
    found: list[Found] = []
    for m in LGA_REGEX.finditer(text):
        items = _scan_forward(text, m.end()) or _scan_backward(text, m.start())
        _add_new(found, seen, items)
    covered = [(f.start, f.end) for f in found]
    for m in BARE_ITEM_REGEX.finditer(text):
        if any(s <= m.start() < e for s, e in covered):
            continue
        items, last_end = _scan_list(text, m.start(), require_keyword=True)
        if not OTHER_ACT_FOLLOWS_REGEX.match(text, last_end):
            _add_new(found, seen, items)
    return sorted(found, key=lambda f: f.start)


def _add_new(found: list[Found], seen: set[str], items: list[Found]) -> None:
    for f in items:
        if f.canonical not in seen:
            seen.add(f.canonical)
            found.append(f)


def _scan_forward(text: str, pos: int) -> list[Found]:
    pos = LEAD_GLUE_REGEX.match(text, pos).end()
    return _scan_list(text, pos, require_keyword=True)[0]


def _scan_backward(text: str, act_start: int) -> list[Found]:
    for m in ITEM_START_REGEX.finditer(text, max(0, act_start - LOOKBACK_CHARS), act_start):
        items, last_end = _scan_list(text, m.start(), require_keyword=True)
        if items and BACK_GLUE_REGEX.fullmatch(text, last_end, act_start):
            return items
    return []


def _scan_list(text: str, pos: int, require_keyword: bool) -> tuple[list[Found], int]:
    """Items from ``pos`` joined by separators; also the end of the last item."""
    items: list[Found] = []
    last_end = pos
    while True:
        parsed = _match_item(text, pos, require_keyword and not items)
        if parsed is None:
            return items, last_end
        items.extend(parsed[0])
        last_end = pos = parsed[1]
        sep = SEPARATOR_REGEX.match(text, pos)
        if sep is None:
            return items, last_end
        pos = sep.end()


def _match_item(text: str, pos: int, require_keyword: bool) -> tuple[list[Found], int] | None:
    m = SCHEDULE_ITEM_REGEX.match(text, pos)
    if m:
        return [Found(c, m.start(), m.end()) for c in _schedule_canonicals(m)], m.end()
    m = SECTION_ITEM_REGEX.match(text, pos)
    if m is None or (require_keyword and not m["kw"]):
        return None
    end = m.end()
    while end > m.start() and text[end - 1].isspace():
        end -= 1
    if not text[end:].strip() and not (m["let"] or m["plet"] or m["subs"]):
        return None  # a bare number cut off by the end of an excerpt ("... and 3")
    return [Found(c, m.start(), end) for c in _section_canonicals(m)], end


def _section_canonicals(m: re.Match[str]) -> Iterator[str]:
    section = m["num"] + (m["let"] or m["plet"] or "")
    subs = [m["tail"]] if m["tail"] else []
    subs += [s.strip() for s in SUBS_REGEX.findall(m["subs"] or "")]
    expanded: list[list[str]] = [[]]
    for sub in subs:
        pair = SUB_PAIR_REGEX.match(sub)
        options = list(pair.groups()) if pair else [_normal_sub(sub)]
        expanded = [prefix + [o] for prefix in expanded for o in options]
    for sub_list in expanded:
        yield "LGA1974 s" + section + "".join(f"({s})" for s in sub_list)


def _normal_sub(sub: str) -> str:
    """Lower-case a lone paragraph letter ("(A)" -> "(a)"); keep "1B", "i", digits as written."""
    return sub.lower() if len(sub) == 1 and sub.isalpha() else sub


def _schedule_canonicals(m: re.Match[str]) -> Iterator[str]:
    if m["bsch"]:
        yield f"LGA1974 Sch{m['bsch']} para{m['bpara']}{m['bpsub'] or ''}"
        return
    para = m["para"] or m["dot"]
    pairs = [(m["sch"], para)]
    if m["sch2"]:
        pairs.append((m["sch2"], m["para2"] or para))
    for sch, p in pairs:
        sub = (m["psub"] or "") if p == para else ""
        yield f"LGA1974 Sch{sch}" + (f" para{p}{sub}" if p else "")
