"""Stage 2, clean: named cleaning steps that keep an offset map back to the loaded text.

``clean_text(raw)`` runs ``DEFAULT_STEPS`` in order; ``clean_text(raw, ["nbsp", "quotes"])`` runs
a chosen list (an unknown step name raises ``ValueError`` listing the valid ones). Every step
only deletes characters or replaces them, so each character of the cleaned text knows the
position of the loaded-text character it came from: ``Cleaned.to_source(start, end)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

# Characters replaced one for one (the offset map is unchanged by these).
SPACE_CHARS = "\u00a0\u2007\u2009\u200a\u202f\u3000\t\x0b\x0c"
QUOTE_TABLE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                             "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"'})
NBSP_TABLE = str.maketrans({c: " " for c in SPACE_CHARS} | {"\r": "\n"})
# Zero-width characters and soft hyphens carry no text.
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
INVISIBLE_REGEX = re.compile(f"[{INVISIBLE_CHARS}]")

# A cookie / privacy banner starts with one of these lines ...
BANNER_START_REGEX = re.compile(
    r"^[ ]*(?:Review your privacy settings|Privacy settings|We use cookies\b.*"
    r"|Cookies on (?:this|our) (?:site|website).*|This (?:site|website) uses cookies.*"
    r"|(?:Required|Necessary|Analytical|Manage) cookies|Accept (?:all )?cookies)[ ]*$",
    re.IGNORECASE | re.MULTILINE)
# Every start line holds "cookie" or "privacy": a text whose lower-case form holds neither
# "cook" nor "vacy" has no banner (letters with no other case-insensitive match than their
# capitals, but "k" and the Kelvin sign, which lower-cases to "k").
BANNER_NEEDLES = ("cook", "vacy")
# ... and runs on while its lines talk about cookies, privacy or analytics (or are blank).
BANNER_LINE_REGEX = re.compile(
    r"^[ ]*(?:$|.*\b(?:cookies?|privacy|analytics)\b.*|We recommend you set these.*"
    r"|(?:Accept|Reject|Save|Allow)(?: all)?(?: cookies| settings)?|On|Off)[ ]*$",
    re.IGNORECASE)

# The two patterns below match at the start of a line: see ``line_start_patterns``.

# Page furniture: whole lines that are navigation or print artefacts, never content (the line
# break after one goes with it).
FURNITURE_LINE_REGEX = (
    r"[ ]*(?:Back to top|Print this page|Print|LGO logogram|LGO logo|Skip to (?:main )?content"
    r"|Share this page|Share|Menu|Close|Download|Download (?:this )?decision"
    r"|Was this page useful\??|Yes|No)[ ]*(?=\n|\Z)")

# List numbering at the start of a line: "  1. ", "12) ", "- ", "• ", "– ", "(a) ", "a) ".
LIST_MARKER_REGEX = (
    r"[ ]*(?:\d{1,3}[.)]|\([a-z]{1,3}\)|[a-z]\)"
    r"|[-\u2022\u2013\u2014*\u00b7\u25aa\u25e6\u2023\u2043])"
    r"[ ]+(?=\S)")

# The whitespace step in one pass: each run of two or more spaces and line breaks (a single
# space or line break needs no change, so it costs no Python work).
WHITESPACE_RUN_REGEX = re.compile(r"[ \n][ \n]+")
# A run with a space holds two spaces or a space beside a line break: a text holding none of
# these has runs of line breaks only, found by LINE_BREAK_RUN_REGEX, which the regex engine
# skips to at C speed (WHITESPACE_RUN_REGEX stops at every space between two words).
SPACE_IN_RUN_STRINGS = ("  ", " \n", "\n ")
LINE_BREAK_RUN_REGEX = re.compile(r"\n\n+")


@dataclass
class Cleaned:
    """Cleaned text plus ``offsets[i]`` = index in the loaded text of cleaned char ``i``."""

    text: str
    offsets: list[int]

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a cleaned-text span to the loaded-text span that covers the same characters."""
        if end <= start:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def find_source(self, passage: str) -> tuple[int, int] | None:
        """The loaded-text span of the first occurrence of a cleaned-text passage (None when
        the passage is not in the cleaned text)."""
        start = self.text.find(passage)
        return None if start < 0 else self.to_source(start, start + len(passage))


# A cleaning step: (text, offset map) -> (cleaned text, its offset map). A step may change the
# map it is given (``clean_text`` gives the first step a map of its own): removing a few
# stretches in place moves the rest of the list at C speed, where a copy takes a reference to
# every int.
Step = Callable[[str, list[int]], tuple[str, list[int]]]


Edit = Callable[[re.Match[str]], tuple[str, list[int]]]
# (start, end, replacement, the offsets of the replacement's characters) of one change.
Change = tuple[int, int, str, list[int]]


def replace_spans(text: str, offsets: list[int], changes: Iterable[Change]
                  ) -> tuple[str, list[int]]:
    """Each change's span (in order, not overlapping) replaced; the characters between
    changes keep their offsets (``offsets`` is changed in place)."""
    changes = list(changes)  # each replacement's offsets read before the map changes
    if not changes:
        return text, offsets
    parts: list[str] = []
    pos = 0
    for s, e, replacement, _kept in changes:
        parts += (text[pos:s], replacement)
        pos = e
    parts.append(text[pos:])
    for s, e, _replacement, kept in reversed(changes):
        offsets[s:e] = kept
    return "".join(parts), offsets


def rewrite(pattern: re.Pattern[str], edit: Edit, text: str, offsets: list[int]
            ) -> tuple[str, list[int]]:
    """Each match of ``pattern`` replaced by ``edit(match)``: (its replacement, the offsets of
    the replacement's characters); the characters between matches keep theirs (``offsets``
    is changed in place)."""
    return replace_spans(text, offsets, ((*m.span(), *edit(m)) for m in pattern.finditer(text)))


LinePatterns = tuple[re.Pattern[str], re.Pattern[str]]


def line_start_patterns(source: str, flags: int = 0) -> LinePatterns:
    """A pattern to be matched at the start of each line, compiled twice: for the text's first
    line, and after a line break ("\\n" first). The regex engine skips to each line break at C
    speed; a "^" of ``re.MULTILINE`` would be tried at every position of the text."""
    return re.compile(source, flags), re.compile(rf"\n(?:{source})", flags)


def first_at_line_start(patterns: LinePatterns, text: str) -> re.Match[str] | None:
    """The first match at the start of a line (as ``search`` of ``^(?:source)`` with
    ``re.MULTILINE``; a match after a line break holds it, its groups do not)."""
    first, rest = patterns
    return first.match(text) or rest.search(text)


def line_start_spans(patterns: LinePatterns, text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each match at the start of a line, in order (as ``finditer`` of
    ``^(?:source)`` with ``re.MULTILINE``, for a source that never matches a line break)."""
    first, rest = patterns
    m = first.match(text)
    if m is not None:
        yield m.span()
    for m in rest.finditer(text):
        yield m.start() + 1, m.end()


def _delete_at_line_starts(source: str, with_break: bool = False) -> Step:
    """Delete each match at the start of a line (``with_break``: and the line break after)."""
    patterns = line_start_patterns(source)

    def step(text: str, offsets: list[int]) -> tuple[str, list[int]]:
        spans = line_start_spans(patterns, text)
        return replace_spans(text, offsets, (
            (s, e + 1 if with_break and text[e:e + 1] == "\n" else e, "", []) for s, e in spans))

    return step


def substitute(pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str],
               text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """``pattern.sub`` that keeps the offset map: kept characters keep their offsets,
    a same-length replacement maps one for one, any other maps to the match start
    (``offsets`` is changed in place)."""

    def edit(m: re.Match[str]) -> tuple[str, list[int]]:
        s, e = m.span()
        r = repl(m) if callable(repl) else repl
        return r, (offsets[s:e] if len(r) == e - s else [offsets[s]] * len(r))

    return rewrite(pattern, edit, text, offsets)


def _translate(table: dict[int, str]) -> Step:
    """Replace characters one for one: ``str.replace`` per character the text holds (a C-level
    scan each; ``str.translate`` walks every character of a non-ASCII text through the table,
    and a regex with a callback pays a Python call per replaced character)."""
    pairs = tuple((chr(key), value) for key, value in table.items())

    def step(text: str, offsets: list[int]) -> tuple[str, list[int]]:
        for old, new in pairs:
            if old in text:
                text = text.replace(old, new)
        return text, offsets

    return step


def _delete(pattern: re.Pattern[str]) -> Step:
    return lambda text, offsets: substitute(pattern, "", text, offsets)


def _delete_chars(pattern: re.Pattern[str], chars: str) -> Step:
    """Delete the matches of ``pattern``, a class of ``chars`` (a text holding none of them,
    told by a C-level look-up per character, is not scanned: a class is tried at every
    position)."""
    delete = _delete(pattern)
    return lambda text, offsets: delete(text, offsets) if any(c in text for c in chars) \
        else (text, offsets)


def _cookie_banner(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """Drop each cookie banner: its first line and every following banner-like line."""
    lowered = text.lower()
    if not any(needle in lowered for needle in BANNER_NEEDLES):
        return text, offsets
    for _ in range(5):  # a page rarely has more than one banner
        m = BANNER_START_REGEX.search(text)
        if m is None:
            break
        end = m.end()
        while end < len(text):
            nl = text.find("\n", end + 1)
            stop = len(text) if nl == -1 else nl
            if not BANNER_LINE_REGEX.match(text[end + 1:stop]):
                break
            end = stop
        start = m.start()
        text = text[:start] + text[end:]
        del offsets[start:end]
    return text, offsets


def _whitespace(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """Spaces collapsed, lines trimmed, blank lines and the text's edges dropped: a run with a
    line break is one "\n" (with the first break's offset), a run of spaces inside a line is
    one " " (the first space's), spaces at the text's start or end go. Kept characters keep
    their offsets."""
    if text[:1] == " " and text[1:2] not in (" ", "\n"):  # longer runs: below
        text = text[1:]
        del offsets[0]
    if text[-1:] == " " and text[-2:-1] not in (" ", "\n"):
        text = text[:-1]
        del offsets[-2]  # the last offset is the text's end
    size = len(text)

    def one(m: re.Match[str]) -> tuple[str, list[int]]:
        s, e = m.span()
        brk = text.find("\n", s, e)
        if brk != -1:
            return "\n", [offsets[brk]]
        return (" ", [offsets[s]]) if s and e < size else ("", [])

    runs = WHITESPACE_RUN_REGEX if any(s in text for s in SPACE_IN_RUN_STRINGS) \
        else LINE_BREAK_RUN_REGEX
    text, offsets = rewrite(runs, one, text, offsets)
    trail = len(text.rstrip("\n"))
    lead = min(len(text) - len(text.lstrip("\n")), trail)  # line breaks only: all go
    del offsets[trail + 1:]  # the offset after the last character stays: the text's end
    del offsets[:lead]
    return text[lead:trail], offsets


CLEANERS: dict[str, Step] = {
    "nbsp": _translate(NBSP_TABLE),
    "invisible": _delete_chars(INVISIBLE_REGEX, INVISIBLE_CHARS),
    "quotes": _translate(QUOTE_TABLE),
    "cookie_banner": _cookie_banner,
    "furniture": _delete_at_line_starts(FURNITURE_LINE_REGEX, with_break=True),
    "list_numbering": _delete_at_line_starts(LIST_MARKER_REGEX),
    "whitespace": _whitespace,
}
DEFAULT_STEPS: tuple[str, ...] = ("nbsp", "invisible", "quotes", "cookie_banner", "furniture",
                                  "list_numbering", "whitespace")


# 0, 1, 2, ...: a new offset map is a slice of it (a slice copies references to the same int
# objects; ``list(range(n))`` makes n new ones, a sixth of the cleaning). Replaced, never
# changed in place, when a longer text comes, so concurrent readers always slice a whole one.
_IDENTITY: list[int] = []


def _identity(size: int) -> list[int]:
    """``list(range(size))``."""
    global _IDENTITY
    if len(_IDENTITY) < size:
        _IDENTITY = list(range(max(size, 2 * len(_IDENTITY))))
    return _IDENTITY[:size]


def clean_text(raw: str, steps: tuple[str, ...] | list[str] = DEFAULT_STEPS) -> Cleaned:
    """Run the named steps in order; raise ``ValueError`` for an unknown step name."""
    unknown = [s for s in steps if s not in CLEANERS]
    if unknown:
        raise ValueError(f"unknown cleaning step {unknown[0]!r}; valid steps: "
                         + ", ".join(CLEANERS))
    text, offsets = raw, _identity(len(raw) + 1)
    for name in steps:
        text, offsets = CLEANERS[name](text, offsets)
    return Cleaned(text, offsets)
