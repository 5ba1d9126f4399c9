"""Stage 2, clean: named cleaning steps that keep an offset map back to the loaded text.

``clean_text(raw)`` runs ``DEFAULT_STEPS`` in order; ``clean_text(raw, ["nbsp", "quotes"])`` runs
a chosen list (an unknown step name raises ``ValueError`` listing the valid ones). Every step
only deletes characters or replaces them, so each character of the cleaned text knows the
position of the loaded-text character it came from: ``Cleaned.to_source(start, end)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Characters replaced one for one (the offset map is unchanged by these).
SPACE_CHARS = "\u00a0\u2007\u2009\u200a\u202f\u3000\t\x0b\x0c"
QUOTE_TABLE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                             "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"'})
NBSP_TABLE = str.maketrans({c: " " for c in SPACE_CHARS} | {"\r": "\n"})
# Zero-width characters and soft hyphens carry no text.
INVISIBLE_REGEX = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

# A cookie / privacy banner starts with one of these lines ...
BANNER_START_REGEX = re.compile(
    r"^[ ]*(?:Review your privacy settings|Privacy settings|We use cookies\b.*"
    r"|Cookies on (?:this|our) (?:site|website).*|This (?:site|website) uses cookies.*"
    r"|(?:Required|Necessary|Analytical|Manage) cookies|Accept (?:all )?cookies)[ ]*$",
    re.IGNORECASE | re.MULTILINE)
# ... and runs on while its lines talk about cookies, privacy or analytics (or are blank).
BANNER_LINE_REGEX = re.compile(
    r"^[ ]*(?:$|.*\b(?:cookies?|privacy|analytics)\b.*|We recommend you set these.*"
    r"|(?:Accept|Reject|Save|Allow)(?: all)?(?: cookies| settings)?|On|Off)[ ]*$",
    re.IGNORECASE)

# Page furniture: whole lines that are navigation or print artefacts, never content.
FURNITURE_LINE_REGEX = re.compile(
    r"^[ ]*(?:Back to top|Print this page|Print|LGO logogram|LGO logo|Skip to (?:main )?content"
    r"|Share this page|Share|Menu|Close|Download|Download (?:this )?decision"
    r"|Was this page useful\??|Yes|No)[ ]*(?:\n|$)",
    re.MULTILINE)

# List numbering at the start of a line: "  1. ", "12) ", "- ", "• ", "– ", "(a) ", "a) ".
LIST_MARKER_REGEX = re.compile(
    r"^[ ]*(?:\d{1,3}[.)]|\([a-z]{1,3}\)|[a-z]\)"
    r"|[-\u2022\u2013\u2014*\u00b7\u25aa\u25e6\u2023\u2043])"
    r"[ ]+(?=\S)",
    re.MULTILINE)

SPACE_RUN_REGEX = re.compile(r"[ ]{2,}")
LINE_EDGE_SPACE_REGEX = re.compile(r"^[ ]+|[ ]+$", re.MULTILINE)
BLANK_LINES_REGEX = re.compile(r"\n{2,}")


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


Step = Callable[[str, list[int]], tuple[str, list[int]]]


def substitute(pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str],
               text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """``pattern.sub`` that keeps the offset map: kept characters keep their offsets,
    a same-length replacement maps one for one, any other maps to the match start."""
    parts: list[str] = []
    new: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        s, e = m.span()
        parts.append(text[pos:s])
        new.extend(offsets[pos:s])
        r = repl(m) if callable(repl) else repl
        parts.append(r)
        new.extend(offsets[s:e] if len(r) == e - s else [offsets[s]] * len(r))
        pos = e
    if not parts:
        return text, offsets
    parts.append(text[pos:])
    new.extend(offsets[pos:])
    return "".join(parts), new


def _translate(table: dict[int, str]) -> Step:
    """Replace characters one for one (a regex over the table's keys: ``str.translate`` walks
    every character of a non-ASCII text through the table, many times slower)."""
    chars = re.compile("[" + re.escape("".join(map(chr, table))) + "]")
    return lambda text, offsets: (chars.sub(lambda m: table[ord(m.group())], text), offsets)


def _delete(pattern: re.Pattern[str]) -> Step:
    return lambda text, offsets: substitute(pattern, "", text, offsets)


def _cookie_banner(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """Drop each cookie banner: its first line and every following banner-like line."""
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
        text, offsets = text[:start] + text[end:], offsets[:start] + offsets[end:]
    return text, offsets


def _whitespace(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    text, offsets = substitute(SPACE_RUN_REGEX, " ", text, offsets)
    text, offsets = substitute(LINE_EDGE_SPACE_REGEX, "", text, offsets)
    text, offsets = substitute(BLANK_LINES_REGEX, "\n", text, offsets)
    lead = len(text) - len(text.lstrip("\n"))
    trail = len(text.rstrip("\n"))
    return text[lead:trail], offsets[lead:trail] + [offsets[trail]]


CLEANERS: dict[str, Step] = {
    "nbsp": _translate(NBSP_TABLE),
    "invisible": _delete(INVISIBLE_REGEX),
    "quotes": _translate(QUOTE_TABLE),
    "cookie_banner": _cookie_banner,
    "furniture": _delete(FURNITURE_LINE_REGEX),
    "list_numbering": _delete(LIST_MARKER_REGEX),
    "whitespace": _whitespace,
}
DEFAULT_STEPS: tuple[str, ...] = ("nbsp", "invisible", "quotes", "cookie_banner", "furniture",
                                  "list_numbering", "whitespace")


def clean_text(raw: str, steps: tuple[str, ...] | list[str] = DEFAULT_STEPS) -> Cleaned:
    """Run the named steps in order; raise ``ValueError`` for an unknown step name."""
    unknown = [s for s in steps if s not in CLEANERS]
    if unknown:
        raise ValueError(f"unknown cleaning step {unknown[0]!r}; valid steps: "
                         + ", ".join(CLEANERS))
    text, offsets = raw, list(range(len(raw) + 1))
    for name in steps:
        text, offsets = CLEANERS[name](text, offsets)
    return Cleaned(text, offsets)
