"""The domain vocabulary, defined once: reason codes, remedy kinds and referral codes, each with
what every stage needs of it (description for the prompts, phrase rules for the facts, support
cues for the merge, grounding provisions for the rules). Pure data; every stage reads it, it
reads nothing of theirs.

``prompts/reason_codes.txt`` and ``prompts/remedy_kinds.txt`` are rendered from it
(``python -m extractor.vocab`` rewrites them; a test fails when they are stale).
"""

from __future__ import annotations

from extractor.vocab.reasons import DISCRETION, REASONS, ReasonCode
from extractor.vocab.referrals import REFERRALS, Referral
from extractor.vocab.remedies import REMEDIES, RemedyKind

REASON: dict[str, ReasonCode] = {r.code: r for r in REASONS}
REMEDY: dict[str, RemedyKind] = {r.kind: r for r in REMEDIES}
REFERRAL: dict[str, Referral] = {r.code: r for r in REFERRALS}

REASON_CODES: tuple[str, ...] = tuple(REASON)
REMEDY_KINDS: tuple[str, ...] = tuple(REMEDY)
REFERRED_TO_CODES: tuple[str, ...] = tuple(REFERRAL)

REASON_GROUNDS: dict[str, tuple[str, ...]] = {r.code: r.grounds for r in REASONS if r.grounds}
# Legal bars: no discretion, so they should not be the reasons of an investigated case.
NO_DISCRETION_CODES: frozenset[str] = frozenset(r.code for r in REASONS if r.legal_bar)
# Closures that are normally not published: unusual as the only reason on a published page.
UNPUBLISHED_CODES: frozenset[str] = frozenset(r.code for r in REASONS if r.unpublished)
# Reason code -> the body it points the person to.
REFERRAL_FROM_REASON: dict[str, str] = {
    reason: r.code for r in REFERRALS for reason in r.from_reasons}

# The rendered prompt files: name -> (code, description) lines.
PROMPT_FILES: dict[str, tuple[tuple[str, str], ...]] = {
    "reason_codes.txt": tuple((r.code, r.description) for r in REASONS if r.description),
    "remedy_kinds.txt": tuple((r.kind, r.description) for r in REMEDIES),
}


def render_prompt_file(name: str) -> str:
    """The text of a vocabulary prompt file: ``code: description`` lines."""
    return "".join(f"{code}: {text}\n" for code, text in PROMPT_FILES[name])


def route_of(code: str) -> frozenset[str]:
    """The reason codes that read the same aspect of a decision as ``code`` (itself included;
    empty when it has no route)."""
    route = REASON[code].route if code in REASON else None
    return frozenset(r.code for r in REASONS if route and r.route == route)


__all__ = ["DISCRETION", "NO_DISCRETION_CODES", "PROMPT_FILES", "REASON", "REASONS",
           "REASON_CODES", "REASON_GROUNDS", "REFERRAL", "REFERRALS", "REFERRAL_FROM_REASON",
           "REFERRED_TO_CODES", "REMEDIES", "REMEDY", "REMEDY_KINDS", "UNPUBLISHED_CODES",
           "ReasonCode", "Referral", "RemedyKind", "render_prompt_file", "route_of"]
