"""Rules on LGA 1974 citations: canonical form, provisions that exist, and agreement with the
reasons they ground (DOMAIN §3, §4)."""

from __future__ import annotations

from typing import Any

from extractor.facts.provisions import is_seen, parse_canonical, provision_problem, ungrounded
from extractor.models import Issue
from extractor.rules.base import Context, get, issue, items, reason_codes, show, text


def _citation_issue(canonical: Any, field_name: str) -> Issue | None:
    p = parse_canonical(canonical) if isinstance(canonical, str) else None
    if p is None:
        return issue("citation_format", field_name,
                     f"{show(canonical)} is not a canonical LGA1974 citation")
    problem = provision_problem(p)
    if problem:
        return issue("citation_unknown_provision", field_name, f"{canonical}: {problem}")
    if not is_seen(p):
        return issue("citation_unseen_subsection", field_name,
                     f"{canonical}: a subsection not seen cited in decisions")
    return None


def rule_citations(ctx: Context) -> list[Issue]:
    found = (_citation_issue(get(c, "canonical"), f"citations[{i}].canonical")
             for i, c in enumerate(items(ctx.decision, "citations")))
    return [i for i in found if i is not None]


def rule_reason_citations(ctx: Context) -> list[Issue]:
    """When the record has citations, each reason's grounding provision should be among them
    (a more or less specific form counts: s26(6) grounds tribunal_appeal_available)."""
    cited = [c for c in (text(get(c, "canonical")) for c in items(ctx.decision, "citations"))
             if c and parse_canonical(c)]
    issues = []
    for i, code in enumerate(reason_codes(ctx)) if cited else ():
        names = ungrounded(code, cited) if isinstance(code, str) else None
        if names:
            issues.append(issue("reason_citation_disagreement", f"reasons[{i}].code",
                                f"{code} rests on {' or '.join(names)}, which is not cited"))
    return issues
