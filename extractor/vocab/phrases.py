"""Building blocks of the vocabulary's phrase patterns (reasons, referrals, remedies).

Pieces shared by several codes live here once: bounded word gaps, the words naming an appeal
route (tribunal / court / minister) and the modal frames of an appeal that is open to the
person versus one already made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FLAGS = re.IGNORECASE
W = r"(?:[\w'’(),-]+ )"  # one word and its space, for bounded gaps like {0,3}
WN = r"(?:(?!not |never |no )[\w'’(),-]+ )"  # a word that is not a negation

# Appeal routes: the route a sentence names decides tribunal / court / minister.
TRIBUNAL_WORDS = r"tribunal|appeal panel|independent panel|adjudicator"
COURT_WORDS = (r"courts?|magistrates|judicial review|legal action|legal proceedings"
               r"|Court of Protection|insurers?|insurance claim")
MINISTER_WORDS = r"Secretary of State|Planning Inspector(?:ate)?|government minister|Minister"
# "can appeal", "could have appealed", "had the right to appeal", "a right of appeal",
# "reasonable for him to have appealed", "reasonable ... to make an appeal".
APPEAL_AVAILABLE = (
    rf"\b(?:can|could|may|might|able to|(?:has|had|have) (?:a |the )?right (?:of|to)"
    rf"|right of|reasonable {W}{{0,8}}to(?: have)?|(?:should|ought to) have|expect {W}{{0,3}}to"
    rf"(?: have)?) {WN}{{0,3}}(?:an? )?(?:appeal(?:ed)?|make an appeal|use (?:the|this|that|its|"
    rf"his|her|their) {W}{{0,2}}appeal)\b")
APPEAL_USED = (
    r"\b(?:has|have|had) (?:already )?(?:appealed|lodged an appeal|made an appeal)"
    r"|\bappeal (?:is|was) (?:pending|ongoing|outstanding|being considered)"
    r"|\bwaiting for (?:a |the )?(?:\w+ )?(?:hearing|appeal)")
ANY_ROUTE = rf"{TRIBUNAL_WORDS}|{COURT_WORDS}|{MINISTER_WORDS}"


def any_of(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of the alternatives."""
    return re.compile("|".join(f"(?:{a})" for a in alternatives), FLAGS)


def cue(pattern: str) -> re.Pattern[str]:
    """A case-insensitive support cue (what a model's sentence must say for a code)."""
    return re.compile(pattern, FLAGS)


@dataclass(frozen=True)
class Phrase:
    """A phrase rule of a code: a sentence matching ``pattern`` and not ``unless`` states it."""

    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None
