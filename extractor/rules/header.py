"""Rules on the header fields: reference, decision date, category and outcome (DOMAIN §1-2)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from extractor.facts.patterns import SLUG_REF_REGEX, find_date
from extractor.facts.taxonomy import ANNUAL_REPORT_GROUPINGS, CATEGORIES, known_subs, slugify
from extractor.models import OUTCOMES, Issue, Span
from extractor.read.clean import first_at_line_start, line_start_patterns
from extractor.rules.base import (
    Context,
    get,
    issue,
    parse_iso,
    record_span,
    reference_parts,
    show,
    url_path,
)

# lgo.org.uk decision path: /decisions/<top-slug>/<sub-slug>/<ref-slug>
URL_CATEGORY_REGEX = re.compile(
    r"/decisions/(?P<top>[\w-]+)/(?P<sub>[\w-]+)/\d{2}-\d{3}-\d{3}[a-z]?$",
    re.IGNORECASE | re.ASCII)

# A "Decision date :" header in the loaded text (value on the same line or, stacked, the next)
# whose value holds a digit: a date is meant, real or not.
# (Matched at the start of a line: read.clean.line_start_patterns.)
DATE_HEADER_PATTERNS = line_start_patterns(
    r"[ \t\u00a0]*(?:Decision date|Date of decision)[ \t\u00a0]*:[ \t\u00a0]*"
    r"(?:\r?\n[ \t\u00a0]*)?(?P<value>[^\n]*?\d[^\n]*?)[ \t\u00a0\r]*$",
    re.IGNORECASE | re.MULTILINE)

FIRST_PREFIX = 13                 # statements published for complaints from 1 Apr 2013
MAX_SERIAL = 35_000               # highest seen 25 293; annual intake ~20-25k
MAX_LAG_YEARS = 2                 # observed decision year - prefix year: 0, 1 or 2
SCHEME_START = date(2013, 4, 1)   # no published decision can precede this


def rule_reference(ctx: Context) -> list[Issue]:
    ref = get(ctx.decision, "reference")
    if ref is None:
        return []
    m = reference_parts(ctx)
    if m is None:
        return [issue("reference_format", "reference",
                      f"reference {show(ref)} is not in the form 'YY SSS SSS[x]'")]
    issues, yy, serial = [], int(m["yy"]), int(m["s1"] + m["s2"])
    if not FIRST_PREFIX <= yy <= ctx.today.year % 100:
        issues.append(issue("reference_prefix_range", "reference",
                            f"prefix {m['yy']} is outside {FIRST_PREFIX}.."
                            f"{ctx.today.year % 100:02d}", record_span(ctx, "reference")))
    if not 1 <= serial <= MAX_SERIAL:
        issues.append(issue("reference_serial_range", "reference",
                            f"serial {serial} is outside 1..{MAX_SERIAL}"))
    return issues


def rule_reference_url(ctx: Context) -> list[Issue]:
    m, url = reference_parts(ctx), url_path(ctx)
    # the decision slug of the URL's last segment: ".../22-018-059a", "lgo-24-005-669-dudley-..."
    slug = SLUG_REF_REGEX.search(url.rsplit("/", 1)[-1]) if url else None
    if m is None or slug is None or slug[0] == m[0].replace(" ", "-"):
        return []
    return [issue("reference_url_mismatch", "reference",
                  f"reference {m[0]!r} but the URL names case {slug[0]!r}")]


def rule_reference_vs_date(ctx: Context) -> list[Issue]:
    """DOMAIN §1.2-1.4: the prefix is the business year (from 1 April) of registration.
    One finding at most: before the business year (which covers a negative lag), else an
    unusual lag (3+ years, or 0 with an April decision)."""
    m, when = reference_parts(ctx), parse_iso(get(ctx.decision, "decision_date"))
    if m is None or when is None:
        return []
    year = 2000 + int(m["yy"])
    lag = when.year - year
    if when < date(year, 4, 1):
        return [issue("reference_date_before_business_year", "decision_date",
                      f"decided {when} (lag {lag}), before business year {m['yy']} began "
                      f"on {year}-04-01")]
    if lag > MAX_LAG_YEARS or (lag == 0 and when.month <= 4):
        return [issue("reference_date_lag", "decision_date",
                      f"decided {when}: lag {lag} after prefix {m['yy']} is unusual "
                      f"(seen: 0 from May on, 1, 2)")]
    return []


def rule_decision_date(ctx: Context) -> list[Issue]:
    raw = get(ctx.decision, "decision_date")
    if raw is None:
        return []
    when, span = parse_iso(raw), record_span(ctx, "decision_date")
    if when is None:
        return [issue("decision_date_invalid", "decision_date",
                      f"{show(raw)} is not a real calendar date in ISO form YYYY-MM-DD", span)]
    if when > ctx.today:
        return [issue("decision_date_future", "decision_date",
                      f"{when} is after today ({ctx.today})", span)]
    if when < SCHEME_START:
        return [issue("decision_date_too_early", "decision_date",
                      f"{when} is before the published scheme starts ({SCHEME_START})", span)]
    return []


def rule_decision_date_header(ctx: Context) -> list[Issue]:
    """A "Decision date :" header whose value is not a real date ("31 Feb 2025"): the date is
    there but unreadable, so the record's date is null for a reason worth an error."""
    m = first_at_line_start(DATE_HEADER_PATTERNS, ctx.source) if ctx.source else None
    if m is None or find_date(m["value"]) is not None:
        return []
    return [issue("decision_date_invalid", "decision_date",
                  f"the decision date header reads {m['value']!r}, which is not a real date",
                  Span(text=m["value"], start=m.start("value"), end=m.end("value")))]


def _name(value: Any) -> Any:
    return value.replace("\u2019", "'") if isinstance(value, str) else value


def rule_category(ctx: Context) -> list[Issue]:
    cat = get(ctx.decision, "category")
    top, sub = _name(get(cat, "top")), _name(get(cat, "sub"))
    if top is None and sub is None:
        return []
    if top in ANNUAL_REPORT_GROUPINGS:
        return [issue("category_top_annual_report_grouping", "category.top",
                      f"{top!r} is an annual-report grouping, not a decision category")]
    if not isinstance(top, str) or top not in CATEGORIES:
        return [issue("category_top_unknown", "category.top",
                      f"{show(top)} is not one of the {len(CATEGORIES)} top-level categories")]
    if sub is not None and sub not in known_subs(top):
        return [issue("category_sub_unknown", "category.sub",
                      f"{show(sub)} is not a sub-category seen under {top!r} (the list "
                      "is not complete: check the spelling)")]
    return []


def rule_category_url(ctx: Context) -> list[Issue]:
    url = url_path(ctx)
    m = URL_CATEGORY_REGEX.search(url) if url else None
    cat = get(ctx.decision, "category")
    issues = []
    for part in ("top", "sub") if m else ():
        name = _name(get(cat, part))
        if isinstance(name, str) and slugify(name) != m[part].lower():
            issues.append(issue("category_url_mismatch", f"category.{part}",
                                f"{name!r} does not match the URL segment {m[part]!r}"))
    return issues


def rule_outcome(ctx: Context) -> list[Issue]:
    outcome = get(ctx.decision, "outcome")
    if outcome is None or outcome in OUTCOMES:
        return []
    return [issue("outcome_invalid", "outcome",
                  f"{show(outcome)} is not one of {', '.join(OUTCOMES)}")]
