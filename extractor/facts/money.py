"""Sums of money in a decision: "£" figures, the upper figure of a range, amounts in words."""

from __future__ import annotations

import re
from collections.abc import Iterator

# "£1,050", "£1050", "£250.50", "£ 300": pounds with optional thousands commas and pence.
MONEY_REGEX = re.compile(
    r"£\s?(?P<pounds>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<pence>\d{2}))?(?![\d,]\d)")


def parse_amount(m: re.Match[str]) -> float:
    pounds = float(m["pounds"].replace(",", ""))
    return pounds + (int(m["pence"]) / 100 if m["pence"] else 0.0)


# A range's upper figure without its own "£": "£200-300", "£200 to 300" (not "£200 to 3
# months": a unit after it is no money).
RANGE_END_REGEX = re.compile(
    r"\s?(?:-|–|to|and)\s?(?P<pounds>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<pence>\d{2}))?\b"
    r"(?!\s*(?:%|per ?cent|months?|weeks?|days?|years?|hours?|people|times)\b)")
# An amount in words: "five hundred pounds", "two hundred and fifty pounds".
UNIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
              "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
              "seventeen", "eighteen", "nineteen")
TEN_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
NUMBER_WORDS: dict[str, int] = {**{w: i for i, w in enumerate(UNIT_WORDS)},
                                **{w: 10 * i for i, w in enumerate(TEN_WORDS, start=2)}}
WORD_MONEY_REGEX = re.compile(
    rf"\b(?P<words>(?:(?:a|{'|'.join(NUMBER_WORDS)}|hundred|thousand)(?:[\s-]+|\s+and\s+))+)"
    r"pounds\b", re.IGNORECASE)


def words_to_number(words: str) -> float | None:
    """"two hundred and fifty" -> 250; None when the words are no number."""
    total, current = 0, 0
    for word in re.findall(r"[a-z]+", words.lower()):
        if word in NUMBER_WORDS:
            current += NUMBER_WORDS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total, current = total + max(current, 1) * 1000, 0
        elif word == "a":
            current = max(current, 1)
        elif word != "and":
            return None
    value = total + current
    return float(value) if value else None


def find_amounts(text: str, start: int = 0, end: int | None = None
                 ) -> Iterator[tuple[float, int, int]]:
    """(amount, start, end) of each sum of money in ``text[start:end]``, in text order: "£"
    figures, the upper figure of a range ("£200-300"), amounts in words."""
    end = len(text) if end is None else end
    found = []
    for m in MONEY_REGEX.finditer(text, start, end):
        amount = parse_amount(m)
        found.append((amount, m.start(), m.end()))
        upper = RANGE_END_REGEX.match(text, m.end(), end)
        if upper and parse_amount(upper) > amount:
            found.append((parse_amount(upper), upper.start("pounds"), upper.end()))
    for m in WORD_MONEY_REGEX.finditer(text, start, end):
        amount = words_to_number(m["words"])
        if amount:
            found.append((amount, m.start(), m.end()))
    yield from sorted(found, key=lambda f: f[1])
