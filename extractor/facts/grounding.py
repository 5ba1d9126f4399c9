"""Grounding: does a quoted string occur in the source text, and where?

Quotes are compared after a light normalisation (curly quotes, dashes, non-breaking and other
spaces, runs of whitespace), so a quote taken from the cleaned text still matches the loaded
text. Used by the rules (``ungrounded_text``, ``span_mismatch``) and open to the model pass's
validators. No model-side imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One-for-one replacements: curly quotes to straight ones, dash variants to "-", odd spaces to " ".
NORMALISE_TABLE = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
     "\u201c": '"', "\u201d": '"', "\u201e": '"',
     "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
     "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u3000": " "})
WHITESPACE_RUN_REGEX = re.compile(r"\s+")
# In ``locate``: what each normalised character may have been in the source.
SOURCE_CHAR_CLASSES = {
    "'": "['\u2018\u2019\u201a\u201b\u2032]", '"': '["\u201c\u201d\u201e]',
    "-": "[-\u2010\u2011\u2012\u2013\u2014\u2212]", " ": r"\s+",
}


def normalise(text: str) -> str:
    """``text`` with quotes, dashes and whitespace made uniform (for comparison only)."""
    return WHITESPACE_RUN_REGEX.sub(" ", text.translate(NORMALISE_TABLE)).strip()


def locate(source: str, quote: str) -> tuple[int, int] | None:
    """Offsets of the first occurrence of ``quote`` in ``source``, exact or up to
    normalisation; None when it does not occur."""
    exact = source.find(quote) if quote else -1
    if exact >= 0:
        return exact, exact + len(quote)
    wanted = normalise(quote)
    if not wanted:
        return None
    pattern = "".join(SOURCE_CHAR_CLASSES.get(c) or re.escape(c) for c in wanted)
    m = re.search(pattern, source)
    return (m.start(), m.end()) if m else None


@dataclass(frozen=True)
class Problem:
    """Why a quote is not grounded: ``missing`` (nowhere in the source) or bad offsets."""

    missing: bool
    message: str


def _offsets_ok(source: str, start: object, end: object) -> bool:
    return (type(start) is int and type(end) is int  # bools are not offsets
            and 0 <= start <= end <= len(source))


def _clip(text: str) -> str:
    return repr(text if len(text) <= 50 else text[:47] + "...")


class Grounder:
    """Checks quotes against one source text (its normalised form is computed once)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._normalised: str | None = None

    def occurs(self, quote: str) -> bool:
        if quote in self.source:
            return True
        if self._normalised is None:
            self._normalised = normalise(self.source)
        return normalise(quote) in self._normalised

    def check(self, quote: object, start: object = None, end: object = None) -> Problem | None:
        """None when ``quote`` occurs in the source and, if offsets are given, they select it."""
        if not isinstance(quote, str):
            return Problem(True, f"{quote!r:.50} is not a string")
        if start is None and end is None:
            return None if self.occurs(quote) else Problem(True, f"{_clip(quote)} is not in "
                                                                 "the source")
        if _offsets_ok(self.source, start, end) and (
                self.source[start:end] == quote  # type: ignore[index]
                or normalise(self.source[start:end]) == normalise(quote)):  # type: ignore[index]
            return None
        where = locate(self.source, quote)
        if where is None:
            return Problem(True, f"{_clip(quote)} is not in the source")
        return Problem(False, f"offsets [{start!r:.12}:{end!r:.12}] do not select "
                              f"{_clip(quote)}, which is at [{where[0]}:{where[1]}]")
