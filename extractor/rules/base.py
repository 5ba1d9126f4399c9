"""What every rule shares: the context it reads and loose access to the record.

Records may be ``Decision`` models, plain dicts read from a file, or models built without
validation: every accessor tolerates missing attributes and wrong types, so no rule raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from extractor.facts.grounding import Grounder
from extractor.models import Issue, Span
from extractor.rules.policy import SEVERITY

# Display reference "25 005 395", optional letter suffix for joint cases ("17 002 402b").
# (ASCII: "\d" would also take other scripts' digits, which int() then reads.)
REFERENCE_REGEX = re.compile(
    r"^(?P<yy>\d{2}) (?P<s1>\d{3}) (?P<s2>\d{3})(?P<suffix>[a-z])?$", re.ASCII)
ISO_DATE_REGEX = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
NOT_INVESTIGATED = "closed_after_initial_enquiries"


@dataclass
class Context:
    """What every rule sees: the record, the loaded source text (or None) and today."""

    decision: Any
    source: str | None
    today: date
    grounder: Grounder | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.source is not None:
            self.grounder = Grounder(self.source)


Rule = Callable[[Context], list[Issue]]


# Whether a type is a Mapping, decided once per type: the rules read a record's fields some
# eighty times a decision, and an ``isinstance`` check against the ABC costs a Python call each.
_IS_MAPPING: dict[type, bool] = {}


def get(obj: Any, name: str) -> Any:
    """``obj.name`` or ``obj[name]``; None when absent."""
    kind = type(obj)
    mapping = _IS_MAPPING.get(kind)
    if mapping is None:
        mapping = _IS_MAPPING[kind] = isinstance(obj, Mapping)
    return obj.get(name) if mapping else getattr(obj, name, None)


def items(obj: Any, name: str) -> list[Any]:
    """A list attribute, or [] when absent or not a list."""
    value = get(obj, name)
    return list(value) if isinstance(value, (list, tuple)) else []


def text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def show(value: Any) -> str:
    """A short repr for messages (garbage values can be huge)."""
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def issue(rule: str, field_name: str | None, message: str, span: Span | None = None) -> Issue:
    return Issue(rule=rule, severity=SEVERITY[rule], field=field_name, message=message, span=span)


def record_span(ctx: Context, key: str) -> Span | None:
    """The record's own evidence span for ``key``, when it is a well-formed one."""
    spans = get(ctx.decision, "spans")
    span = spans.get(key) if isinstance(spans, Mapping) else None
    quoted, start, end = (get(span, k) for k in ("text", "start", "end"))
    if isinstance(quoted, str) and all(type(v) is int for v in (start, end)):
        return Span(text=quoted, start=start, end=end)
    return None


def parse_iso(value: Any) -> date | None:
    """The date of an ISO "YYYY-MM-DD" string; None for anything else or an unreal date."""
    if not isinstance(value, str) or not ISO_DATE_REGEX.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def reference_parts(ctx: Context) -> re.Match[str] | None:
    ref = text(get(ctx.decision, "reference"))
    return REFERENCE_REGEX.match(ref) if ref else None


def url_path(ctx: Context) -> str | None:
    """``meta.url`` without query, fragment or trailing slash."""
    url = text(get(get(ctx.decision, "meta"), "url"))
    return url.split("?", 1)[0].split("#", 1)[0].rstrip("/") if url else None


def reason_codes(ctx: Context) -> list[Any]:
    return [get(r, "code") for r in items(ctx.decision, "reasons")]
