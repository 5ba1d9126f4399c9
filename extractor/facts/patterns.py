"""Named regular expressions and small parsers for the facts stage (no model code).

Case references (DOMAIN.md §1), dates (§2), money, pseudonyms (§6), other Acts (§3.4), decision
URLs and sentences. Every pattern is a commented module constant, compiled once. Parsers return
plain values (or ``None``); positions are in whatever text the caller passes.
"""

from __future__ import annotations

import datetime as _dt
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

# Money lives in ``money``; re-exported for the stages that read it from here.
from extractor.facts.money import MONEY_REGEX, find_amounts, parse_amount  # noqa: F401
from extractor.vocab.phrases import TITLE

# --- Case references (DOMAIN §1.1, §1.4) ----------------------------------------------------

# Display form "22 001 239" with an optional letter suffix ("17 002 402b"); not part of a
# longer number, and the suffix is a lone lower-case letter.
DISPLAY_REF_REGEX = re.compile(
    r"(?<![\w/-])(?P<yy>\d{2}) (?P<s1>\d{3}) (?P<s2>\d{3})(?P<suffix>[a-z])?(?![\w-])")
# URL slug form "22-001-239" (lgo.org.uk path) and the mirrors' "lgo-24-005-669-<body>".
# Not inside a longer number, but after a word and a hyphen ("lgo-24-...") it still counts.
SLUG_REF_REGEX = re.compile(
    r"(?<!\d)(?<!\d-)(?P<yy>\d{2})-(?P<s1>\d{3})-(?P<s2>\d{3})(?P<suffix>[a-z])?(?![\da-z])",
    re.ASCII)
# Unspaced "25008223": only meaningful after a "ref"/"reference" label, so the label is required.
COMPACT_REF_REGEX = re.compile(
    r"\b(?:ref(?:erence)?\.?(?:\s+(?:no\.?|number))?\s*:?\s*)"
    r"(?P<yy>\d{2})(?P<s1>\d{3})(?P<s2>\d{3})(?P<suffix>[a-z])?\b", re.IGNORECASE)
# Legacy reports "96/A/1637" (three regional Ombudsmen A, B, C): recognised only to be refused.
LEGACY_REF_REGEX = re.compile(r"^\d{2}/[ABC]/\d{3,5}$")
# Any separator form, for normalising a value already known to be a reference.
ANY_REF_REGEX = re.compile(
    r"^\s*(?P<yy>\d{2})[ -]?(?P<s1>\d{3})[ -]?(?P<s2>\d{3})(?P<suffix>[a-z])?\s*$")

# A decision URL: /decisions/<top-slug>/<sub-slug>/<ref-slug> on lgo.org.uk ...
DECISION_URL_REGEX = re.compile(
    r"/decisions/(?P<top>[a-z0-9-]+)/(?P<sub>[a-z0-9-]+)/(?P<ref>\d{2}-\d{3}-\d{3}[a-z]?)"
    r"(?=[/?#&]|$)", re.IGNORECASE)
# ... or a mirror slug ".../lgo-24-005-669-dudley-metropolitan-borough-council/".
MIRROR_URL_REGEX = re.compile(
    r"/lgo-(?P<ref>\d{2}-\d{3}-\d{3}[a-z]?)(?=-|/|$)(?:-(?P<body>[a-z0-9-]+))?", re.IGNORECASE)


def normalise_ref(value: str) -> str | None:
    """``"22-001-239"``, ``"22001239"``, ``"22 001 239"`` -> ``"22 001 239"``; legacy -> None."""
    if LEGACY_REF_REGEX.match(value.strip()):
        return None
    m = ANY_REF_REGEX.match(value)
    return format_ref(m) if m else None


def format_ref(m: re.Match[str]) -> str:
    return f"{m['yy']} {m['s1']} {m['s2']}{m['suffix'] or ''}"


def decode_url(url: str) -> str:
    """Undo (possibly repeated) percent-encoding, as in e-mail redirect links."""
    for _ in range(3):
        decoded = unquote(url)
        if decoded == url:
            break
        url = decoded
    return url


@dataclass(frozen=True)
class UrlFacts:
    reference: str | None = None
    top_slug: str | None = None
    sub_slug: str | None = None


def parse_decision_url(url: str | None) -> UrlFacts:
    """Reference and category slugs of a decision URL (any host; encoded links decoded)."""
    if not url:
        return UrlFacts()
    url = decode_url(url)
    m = DECISION_URL_REGEX.search(url)
    if m:
        return UrlFacts(normalise_ref(m["ref"]), m["top"].lower(), m["sub"].lower())
    m = MIRROR_URL_REGEX.search(url)
    if m:
        return UrlFacts(normalise_ref(m["ref"]))
    return UrlFacts()


# --- Header-less pages (DOMAIN §2.1 "Mirrors") ----------------------------------------------

# The mirrors' metadata run: "... Reference 24-005-669 Sector Benefits And Tax Category Council
# Tax Decided 29 July 2024" (title-cased labels; any part may be missing).
MIRROR_META_REGEX = re.compile(
    r"\bReference (?P<ref>\d{2}-\d{3}-\d{3}[a-z]?)\b"
    r"(?: Sector (?P<top>[A-Z][A-Za-z' ]*?))?(?: Category (?P<sub>[A-Z][A-Za-z' -]*?))?"
    r"(?= Decided\b|\s*$)")
# "Decided 29 July 2024", "Decided: 29 July 2024".
DECIDED_REGEX = re.compile(r"\bDecided:? (?=\d)")
# A listing card's line (category listings, search and archive results): "Statement Closed
# after initial enquiries School transport 13-Feb-2024" (copies may space the date).
LISTING_LINE = (
    r"[ \t]*(?:Statement|Report) (?P<decision>Upheld|Not upheld|Closed after initial enquiries) "
    r"(?P<sub>.+) (?P<date>\d{1,2}[- ][A-Z][a-z]{2,8}[- ]\d{4})[ \t\r]*$")
LISTING_LINE_REGEX = re.compile("^" + LISTING_LINE, re.MULTILINE)


# --- Dates (DOMAIN §2.1: "05 Mar 2021"; listings "13-Feb-2024"; mirrors "29 July 2024") -------

MONTHS: dict[str, int] = {
    name: i for i, names in enumerate((
        ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
        ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
        ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1)
    for name in names}
MONTH_REGEX = (r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?"
               r"|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
# "06 Oct 2025", "6 October 2025", "6th October, 2025", "06-Oct-2025".
DAY_MONTH_YEAR_REGEX = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?[ -]" + MONTH_REGEX + r"(?:,? |-)(?P<y>\d{4})\b",
    re.IGNORECASE)
# "October 6, 2025" / "Oct 6 2025".
MONTH_DAY_YEAR_REGEX = re.compile(
    r"\b" + MONTH_REGEX + r" (?P<d>\d{1,2})(?:st|nd|rd|th)?,? (?P<y>\d{4})\b", re.IGNORECASE)
# ISO "2025-10-06".
ISO_DATE_REGEX = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
# UK numeric "06/10/2025" or "06.10.2025" (day first).
NUMERIC_DATE_REGEX = re.compile(r"\b(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>\d{4})\b")
DATE_REGEXES = (DAY_MONTH_YEAR_REGEX, MONTH_DAY_YEAR_REGEX, ISO_DATE_REGEX, NUMERIC_DATE_REGEX)


def _date_from(m: re.Match[str]) -> str | None:
    groups = m.groupdict()
    month = MONTHS.get(groups["mon"].lower().rstrip(".")) if groups.get("mon") else int(groups["m"])
    try:
        return _dt.date(int(m["y"]), month or 0, int(m["d"])).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> tuple[str, int, int] | None:
    """The first real calendar date in ``text`` in any supported style: (ISO, start, end)."""
    best: tuple[str, int, int] | None = None
    for regex in DATE_REGEXES:
        for m in regex.finditer(text):
            iso = _date_from(m)
            if iso and (best is None or m.start() < best[1]):
                best = (iso, m.start(), m.end())
                break
    return best


def parse_date(text: str) -> str | None:
    """ISO form of the first date in ``text`` (None when there is no valid one)."""
    found = find_date(text)
    return found[0] if found else None


# --- Pseudonyms (DOMAIN §6) ----------------------------------------------------------------

TITLE_REGEX_PART = TITLE  # the vocabulary's one spelling of the titles
# "Mr X", "Mrs B": a title and one capital letter that is a word of its own.
PSEUDONYM_REGEX = re.compile(rf"\b{TITLE_REGEX_PART}\.? [A-Z](?![\w])")
# Joint complainants: "Mr and Mrs X", "Mr X and Mrs X", "Dr X and Dr Y".
JOINT_PSEUDONYM_REGEX = re.compile(
    rf"\b(?:{TITLE_REGEX_PART} and {TITLE_REGEX_PART} [A-Z]"
    rf"|{TITLE_REGEX_PART} [A-Z] and {TITLE_REGEX_PART} [A-Z])(?![\w])")
# A pseudonym or a joint pair, as one group.
NAME_PART = (rf"(?:{TITLE_REGEX_PART} and {TITLE_REGEX_PART} [A-Z]"
             rf"|{TITLE_REGEX_PART}\.? [A-Z](?: and {TITLE_REGEX_PART}\.? [A-Z])?)(?![\w])")
# Introduction formulas for the complainant: "The complainant, whom I shall call Mr X",
# "The complainant (who I refer to here as Mrs X)", "I have called the complainant 'Ms B'".
PSEUDONYM_INTRO_REGEX = re.compile(
    r"(?:[Tt]he complainants?,? [(]?(?:whom|who) (?:I|we) (?:shall |will |have )?(?:call(?:ed)?"
    r"|refer(?:red)? to(?: here)? as) |I (?:have |shall |will )?call(?:ed)? the complainants? "
    r"|I (?:will |shall )?refer to the complainants? as )"
    rf"['\"‘“]?(?P<name>{NAME_PART}|[A-Z](?![\w]))")
# "The complainant, Mrs C, says", "The complainant (Mr X)".
PSEUDONYM_APPOSITION_REGEX = re.compile(
    rf"[Tt]he complainants?,? [(‘'\"“]?(?P<name>{NAME_PART})")
# "'Mr B' complains on behalf of 'Miss C'": the person represented is the complainant.
ON_BEHALF_REGEX = re.compile(
    rf"['‘]?{NAME_PART}['’]? complain(?:s|ed) on behalf of (?:(?:his|her|their) [a-z]+,? )?"
    rf"['‘]?(?P<name>{NAME_PART})")
# "Mr X complains", "Mr and Mrs X complained", "Dr X and Dr Y complain": the complaining subject.
COMPLAINING_SUBJECT_REGEX = re.compile(
    rf"(?P<name>{NAME_PART})['’]?(?: also| has| have| had| first)? complain(?:s|ed)?\b"
    rf"|(?P<owner>{NAME_PART})['’]s? complaints?\b")


def normalise_pseudonym(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace(".", "")).strip()


# --- Other Acts (DOMAIN §3.4) --------------------------------------------------------------

# "Care Act 2014", "Wildlife & Countryside Act 1981", "Children and Families Act 2014",
# "Housing Act 1996"; capitalised words (with "and", "&", "of", "for", "etc.", a bracketed
# word; a comma only in a list such as "Anti-social Behaviour, Crime and Policing Act 2014")
# ending in "Act" and an optional year. A leading "The" is not part of the name.
ACT_NAME_REGEX = re.compile(
    r"(?<![\w])(?P<name>(?:[A-Z][A-Za-z'-]*|\([A-Z][A-Za-z ]*\))"
    r"(?:,? [A-Z][A-Za-z'-]*| (?:and|&|of|for|the|to|in|on|etc\.?|\([A-Z][A-Za-z ]*\)))*? Act)"
    r"(?:,? (?P<year>1[89]\d\d|20\d\d))?(?![\w])")
# Words that cannot start an Act name (sentence furniture picked up by the capital letter).
ACT_STOPWORDS = frozenset({"The", "This", "That", "An", "A", "Under", "In", "Of", "And", "Its",
                           "Their", "Our", "Parliament"})
# The Act this project cites separately (citations field).
LGA_NAME_REGEX = re.compile(r"^Local Government Act$")


def find_other_acts(text: str) -> Iterator[tuple[str, int, int]]:
    """("Name Year" or "Name" when no year is written, start, end) of every Act but the LGA 1974."""
    for m in (m for start, end in lines_holding(text, " Act")  # a name is in one line
              for m in ACT_NAME_REGEX.finditer(text, start, end)):
        head, comma, tail = m["name"].rpartition(", ")
        words = (m["name"] if comma and " and " in tail else tail).split(" ")
        while words and (words[0] in ACT_STOPWORDS or not words[0][:1].isupper()):
            words.pop(0)
        if len(words) < 2:
            continue  # "the Act"
        name = " ".join(words)
        if LGA_NAME_REGEX.match(name) and m["year"] in (None, "1974"):
            continue
        start = m.start("name") + len(m["name"]) - len(name)
        yield (f"{name} {m['year']}" if m["year"] else name), start, m.end()


def lines_holding(text: str, needle: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of ``text`` holding ``needle``, in order, each once (end: its
    line break or the text's end). A pattern whose matches lie inside one line and contain
    ``needle`` finds the same matches in these lines as in the whole text, for less work."""
    at = text.find(needle)
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at + len(needle))
        if end == -1:
            yield start, len(text)
            return
        yield start, end
        at = text.find(needle, end)


# --- Sentences -----------------------------------------------------------------------------

# A sentence ends at ". " / "? " / "! " (not after a title such as "Mr.") or at a line end;
# paragraphs are one per line after cleaning. Statements have no real initials, so "Mr X." ends
# a sentence.
SENTENCE_END_REGEX = re.compile(r"[.?!](?<!\bMr[.?!])(?<!\bMrs[.?!])(?<!\bMs[.?!])"
                                r"(?<!\bDr[.?!])(?=\s|$)|\n")


def iter_sentences(text: str, start: int = 0, end: int | None = None
                   ) -> Iterator[tuple[int, int]]:
    """(start, end) of each non-blank sentence of ``text[start:end]`` (end excludes the stop)."""
    end = len(text) if end is None else end
    pos = start
    for m in SENTENCE_END_REGEX.finditer(text, start, end):
        stop = m.end() if m.group() != "\n" else m.start()
        yield from _trimmed(text, pos, stop)
        pos = m.end()
    yield from _trimmed(text, pos, end)


class TextView:
    """One document's cleaned text as every field family reads it: lower-cased once, and a
    sentence index per list of sentences built once (the reasons and the referrals of the same
    sentences share one, with the sentences each needle was found in)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lowered = lowered_text(text)
        self._indexes: dict[tuple[tuple[int, int], ...], SentenceIndex] = {}

    def index(self, sentences: list[tuple[int, int]]) -> SentenceIndex:
        key = tuple(sentences)
        if key not in self._indexes:
            self._indexes[key] = SentenceIndex(sentences, self.text, self)
        return self._indexes[key]


# Characters that a case-insensitive pattern takes for an ASCII letter although their lower
# case is another character ("ı" matches "i", "ſ" matches "s"): folded in the lowered text.
FOLDED_CHARS = {"\u0131": "i", "\u017f": "s"}


def lowered_text(text: str) -> str:
    """``text`` as a case-insensitive pattern compares it, one character for one, so positions
    in it are positions in ``text``: lower-cased ("İ", whose lower case is two characters,
    becomes its first, "i"), and "ı" / "ſ" folded to "i" / "s"."""
    lowered = text.lower()
    if len(lowered) == len(text) and not any(c in lowered for c in FOLDED_CHARS):
        return lowered
    return "".join(FOLDED_CHARS.get(c.lower()[0], c.lower()[0]) for c in text)


def lowered_pattern(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The case-sensitive twin of a case-insensitive pattern, for the lowered text
    (``TextView.lowered``): its letters lower-cased, compiled without ``re.IGNORECASE``. It
    finds the matches the pattern finds in the text, at the same positions, about twice as
    fast (a case-insensitive literal is compared through a case mapping, character by
    character). None for a case-sensitive pattern, or one with a case-sensitive part.
    Compiled once per pattern."""
    found = _LOWERED_PATTERNS.get(id(pattern))
    if found is None:
        twin = None
        if pattern.flags & re.IGNORECASE and "(?-" not in pattern.pattern:  # no (?-i:...)
            twin = re.compile(lower_pattern_source(pattern.pattern),
                              pattern.flags & ~re.IGNORECASE)
        found = _LOWERED_PATTERNS[id(pattern)] = (pattern, twin)
    return found[1]


def twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The lowered twin of a pattern known to be case-insensitive (ValueError otherwise)."""
    found = lowered_pattern(pattern)
    if found is None:
        raise ValueError(f"{pattern.pattern[:40]!r} is not case-insensitive: it has no twin")
    return found


# id(pattern) -> (the pattern, kept alive so that its id stays its own; its twin or None).
# By id: a compiled pattern's hash reads all of its code, a long phrase rule's thousands.
_LOWERED_PATTERNS: dict[int, tuple[re.Pattern[str], re.Pattern[str] | None]] = {}
# In a pattern's source: an escape ("\\b", "\\W", "\\N{...}"), a group name ("(?P<name>",
# "(?P=name)") or inline flags ("(?x)"), kept as written; anything else is lower-cased.
KEPT_SOURCE_REGEX = re.compile(
    r"\\N\{[^}]*\}|\\.|\(\?P[<=][^>)]*[>)]|\(\?[a-zA-Z-]+[:)]", re.DOTALL)


def lower_pattern_source(source: str) -> str:
    """A pattern's source with every literal letter (character classes included: "[A-Z]"
    becomes "[a-z]") lower-cased as ``lowered_text`` lowers the text; escapes, group names and
    flags stay as written."""
    parts, pos = [], 0
    for m in KEPT_SOURCE_REGEX.finditer(source):
        parts += [lowered_text(source[pos:m.start()]), m.group()]
        pos = m.end()
    parts.append(lowered_text(source[pos:]))
    return "".join(parts)


# Blocks of sentences at most this many characters apart are scanned for a needle as one
# stretch (a heading between two sections), further apart separately (a section between).
NEEDLE_SCAN_GAP = 80
# Between two stretches in ``SentenceIndex.scanned``: a character no needle holds (one that
# did would at worst be looked for in the stretches for nothing).
STRETCH_SEPARATOR = "\x00"


class SentenceIndex:
    """Runs a pattern once over each block of consecutive sentences (fast: one C-level scan
    instead of one call per sentence) and tells which sentence each match lies in."""

    def __init__(self, sentences: list[tuple[int, int]], text: str,
                 view: TextView | None = None) -> None:
        self.sentences = sentences
        self.starts = [s for s, _e in sentences]
        self.blocks: list[tuple[int, int]] = []
        block_of: list[int] = []  # sentence -> its block
        for start, end in sentences:
            if self.blocks and start - self.blocks[-1][1] <= 2:
                self.blocks[-1] = (self.blocks[-1][0], end)
            else:
                self.blocks.append((start, end))
            block_of.append(len(self.blocks) - 1)
        self.block_ends = [self.blocks[b][1] for b in block_of]  # sentence -> its block's end
        # Where the needles are looked for: the blocks, those a short gap apart (a heading)
        # as one stretch; a needle is found with one scan per stretch, not one per block.
        self.stretches: list[tuple[int, int]] = []
        for start, end in self.blocks:
            if self.stretches and start - self.stretches[-1][1] <= NEEDLE_SCAN_GAP:
                self.stretches[-1] = (self.stretches[-1][0], end)
            else:
                self.stretches.append((start, end))
        self.text = text
        self.view = view if view is not None else TextView(text)
        # The stretches' lowered text in one string (STRETCH_SEPARATOR between two): a needle
        # not in it is in no sentence, told by one C-level look-up instead of one per stretch.
        self.scanned = STRETCH_SEPARATOR.join(self.view.lowered[first:last]
                                              for first, last in self.stretches)
        self._held: dict[tuple[str, ...], list[int]] = {}

    def matches(self, pattern: re.Pattern[str], needles: tuple[str, ...] = ()
                ) -> Iterator[tuple[re.Match[str], tuple[int, int]]]:
        """Each match that lies inside one sentence, with that sentence, in text order.
        ``needles``: lower-case strings one of which any match must contain; the pattern runs
        only on the sentences holding one (without needles, on every block). A
        case-insensitive pattern runs as its twin on the lowered text (``lowered_pattern``):
        its matches have the same positions, but their strings are lower-cased."""
        held = self.holding(needles) if needles else None
        if held == [] or not self.sentences:
            return  # no sentence to read: the twin need not even be compiled
        text = self.text
        twin = lowered_pattern(pattern)
        if twin is not None:
            pattern, text = twin, self.view.lowered
        if held is not None:
            for i in held:
                start, end = self.sentences[i]
                for m in pattern.finditer(text, start, end):
                    yield m, self.sentences[i]
            return
        for block_start, block_end in self.blocks:
            for m in pattern.finditer(text, block_start, block_end):
                i = bisect_right(self.starts, m.start()) - 1
                if i >= 0 and m.end() <= self.sentences[i][1]:
                    yield m, self.sentences[i]

    def holding(self, needles: tuple[str, ...]) -> list[int]:
        """Indexes of the sentences that contain one of the needles, in order (computed once
        per needles). An occurrence counts for the sentence it starts in when it lies inside
        that sentence's block; each needle is looked for once per stretch of nearby blocks,
        and a sentence found is not scanned on. Most needles are in none of the stretches:
        one look-up in their joined text (``scanned``) tells so."""
        held = self._held.get(needles)
        if held is None:
            found = self._find_holding(needles)
            held = self._held[needles] = sorted(found) if found else []
        return held

    def _find_holding(self, needles: tuple[str, ...]) -> set[int]:
        found: set[int] = set()
        if not self.sentences:
            return found
        lowered, starts, sentences = self.view.lowered, self.starts, self.sentences
        block_ends, scanned = self.block_ends, self.scanned
        for needle in needles:
            if needle not in scanned:
                continue
            for first, last in self.stretches:
                at = lowered.find(needle, first, last)
                while at != -1:
                    i = bisect_right(starts, at) - 1
                    if at + len(needle) <= block_ends[i]:
                        found.add(i)
                        at = lowered.find(needle, max(sentences[i][1], at + 1), last)
                    else:  # between two blocks, or across a block's end
                        at = lowered.find(needle, at + 1, last)
        return found


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end
