"""Building blocks of the vocabulary's phrase patterns (reasons, referrals, remedies).

Pieces shared by several codes live here once: bounded word gaps, the words naming an appeal
route (tribunal / court / minister) and the modal frames of an appeal that is open to the
person versus one already made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

FLAGS = re.IGNORECASE
W = r"(?:[\w'’(),-]+ )"  # one word and its space, for bounded gaps like {0,3}
WN = r"(?:(?!not |never |no )[\w'’(),-]+ )"  # a word that is not a negation

# Appeal routes: the route a sentence names decides tribunal / court / minister.
TRIBUNAL_WORDS = (r"tribunals?|appeal panel|adjudicators?"
                  r"|Social Entitlement Chamber|Property Chamber|First-tier"
                  r"|\bTPT\b|\bSENDIST\b|\bFTT\b|\bVTE\b")
COURT_WORDS = (r"courts?|magistrates|judicial review|legal (?:action|proceedings|remed(?:y|ies)"
               r"|route|claim)|Court of Protection|insurers?|insurance claim"
               r"|(?:civil|small|negligence|damages|personal injury) claims?"
               r"|claims? (?:for|of) (?:damages|negligence|compensation)")
MINISTER_WORDS = r"Secretary of State|Planning Inspector(?:ate)?|government minister|Minister"
# The titles a pseudonym takes ("Mr X", "Mx B"): the one spelling every pattern uses.
TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)"
# The person whose route it is (a pseudonym, a pronoun, "the complainant").
PERSON = (rf"(?:{TITLE} [A-Z]\b|\b(?:he|she|they)\b"
          r"|\bthe (?:complainant|applicant|claimant|landowner|tenant|parent)s?\b)")
# Modality of a route that is open to the person: "can", "could (reasonably) have", "had the
# right to", "a right of", "it is reasonable (to expect him) to (have)", "it was open to her to".
OPEN_MODAL = (
    rf"\b(?:can|could|may|might|able to|entitled to|free to|(?:should|ought to)(?: have)?"
    rf"|(?:has|had|have|with|there is|there was) (?:a |the )?(?:right|option|opportunity)"
    rf" (?:of|to)|rights? of|open to {W}{{0,3}}to|reasonable {W}{{0,8}}to(?: have)?"
    rf"|expect {W}{{0,3}}to(?: have)?|(?:would|will) (?:need|have) to)")
# Verbs of taking a route: "take the matter to court", "ask the tribunal", "use the remedies
# available at court", "a claim which can be pursued in the courts".
ROUTE_VERBS = (r"appeal(?:ed|ing)?|take|taken|taking|go|gone|going|apply|applied|applying|ask"
               r"|asked|make|making|bring|brought|bringing|seek|seeking|pursue|pursued|pursuing"
               r"|start|starting|use|used|using|issue|lodge|raise|resolve|settle|challenge"
               r"|claim|refer|referred|put")
# "can appeal", "could have appealed", "had the right to appeal", "a right of appeal",
# "reasonable for him to have appealed", "reasonable ... to make an appeal", "appeal rights".
APPEAL_AVAILABLE = (
    rf"(?:{OPEN_MODAL}) {WN}{{0,3}}(?:an? )?(?:appeal(?:ed)?|(?:make|put in|lodge|submit|bring)"
    rf" {W}{{0,2}}appeal|use (?:the|this|that|its|his|her|their) {W}{{0,2}}appeal"
    rf"|challenge)\b|\bappeal rights?\b"
    rf"|\b(?:did|has|have|had) not (?:yet )?(?:appealed|appeal|use[d]? (?:the|this|that|his|her"
    rf"|their) {W}{{0,2}}appeal)\b")
# An appeal already made: "has appealed" (not "could have" / "to have" appealed), "Mr X
# appealed", "her appeal was dismissed", "waiting for a hearing".
APPEAL_USED = (
    r"\b(?=ha[dsv])(?<!could )(?<!would )(?<!should )(?<!might )(?<!must )(?<!may )(?<!to )"
    r"(?<!reasonably )(?:has|have|had) (?:already |now |since |also |then )?(?:appealed"
    r"|lodged an appeal|made an appeal|submitted an appeal|applied to)"
    rf"|{PERSON} (?:already |then |later |subsequently |also |successfully |unsuccessfully )?"
    r"(?:appealed|lodged an appeal|made an appeal|submitted an appeal)"
    r"|\b(?:his|her|their|the) appeal (?:\w+ ){0,4}(?:is|was|has been|had been) (?:pending"
    r"|ongoing|outstanding|being considered|heard|dismissed|refused|rejected|unsuccessful"
    r"|successful|allowed|upheld|decided|listed)"
    r"|\bappeal (?:is|was) (?:pending|ongoing|outstanding|being considered)"
    r"|\bwaiting for (?:a |the )?(?:\w+ )?(?:hearing|appeal)"
    r"|\b(?:lost|won|withdrew) (?:his|her|their|the) appeal")
ANY_ROUTE = rf"{TRIBUNAL_WORDS}|{COURT_WORDS}|{MINISTER_WORDS}"
# A route named as the place to decide it: "(the tribunal) is independent and in the best
# position to decide", "(the courts) are the proper place to resolve".
BEST_PLACE = (r"(?:is|are|would be|will be) (?:[\w,]+ ){0,3}?(?:in the best position|(?:best"
              r"|better) placed|the (?:proper|right|correct|best) (?:place|forum|route|way))\b")


class LazyPattern:
    """A regular expression compiled when first used: the vocabulary's phrase rules are many
    and large, and a run reads only those whose needles its decisions hold (an ``extract`` of
    one decision compiles a few, not all, at start-up). Once compiled, its methods are the
    compiled pattern's own (no extra call per search)."""

    METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "split")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def compiled(self) -> re.Pattern[str]:
        regex = re.compile(self.pattern, self.flags)
        for name in self.METHODS:
            setattr(self, name, getattr(regex, name))  # shadows the first-use method below
        return regex


def _on_first_use(name: str) -> Any:
    def method(self: LazyPattern, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.compiled(), name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in LazyPattern.METHODS:
    setattr(LazyPattern, _name, _on_first_use(_name))


def any_of(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of the alternatives (compiled when first
    used)."""
    return cast(re.Pattern[str], LazyPattern("|".join(f"(?:{a})" for a in alternatives), FLAGS))


def phrase(pattern: str) -> re.Pattern[str]:
    """A case-insensitive phrase rule (compiled when first used)."""
    return cast(re.Pattern[str], LazyPattern(pattern, FLAGS))


def cue(pattern: str) -> re.Pattern[str]:
    """A case-insensitive support cue (what a model's sentence must say for a code; compiled
    when first used)."""
    return cast(re.Pattern[str], LazyPattern(pattern, FLAGS))


@dataclass(frozen=True)
class Phrase:
    """A phrase rule of a code: a sentence matching ``pattern`` and not ``unless`` states it."""

    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None
    # the phrase names the person's wish itself ("Mr X wants ..., which we cannot achieve"),
    # so a sentence that starts with the wish may still state it
    in_wish: bool = False
    # the phrase's own fast-path strings (one is in any match), else its code's
    needles: tuple[str, ...] = ()
