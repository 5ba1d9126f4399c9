"""The review page: one self-contained, offline HTML file for one or more records.

Each record shows its source text with every evidence span highlighted (citations, reasons,
payments, the ``spans`` of scalar fields and the spans of issues), the record as a table whose
rows link to their spans, the rule issues beside the fields they concern, and the run metadata.
No network, no external assets: CSS and JS are inline and every text is HTML-escaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

from extractor.errors import InputError
from extractor.models import Category, Citation, Decision, Payment, Reason
from extractor.review.records import source_text

FIELD_ROWS = tuple(n for n in Decision.model_fields if n not in ("spans", "issues", "meta"))
META_ROWS = ("backend", "model", "prompt_sha", "schema_version", "attempts", "usage", "seconds",
             "source", "source_sha256", "url", "id")
# The record field an issue or span key names: "reasons[2].evidence" -> "reasons".
FIELD_BASE_REGEX = re.compile(r"[A-Za-z_]+")
OTHER_ROW = "other spans"  # the row for spans whose key names no record field


@dataclass(frozen=True)
class Evidence:
    """A quote a field rests on; ``sid`` and ``at`` are set once it is placed in the source."""

    field: str
    label: str
    quote: str | None
    start: int | None
    end: int | None
    kind: str = "ev"  # "ev" for evidence, "issue" for the span of a rule issue
    issue: int | None = None  # with kind "issue": the index of the issue in record.issues
    sid: str | None = None
    at: tuple[int, int] | None = None
    exact: bool = True


def field_base(name: str | None) -> str | None:
    """The table row a field path belongs to ("category_top" -> "category"); None if none."""
    m = FIELD_BASE_REGEX.match(name or "")
    if not m:
        return None
    return m[0] if m[0] in FIELD_ROWS else next(
        (row for row in FIELD_ROWS if m[0].startswith(row + "_")), None)


def _item_label(item: Reason | Payment | Citation) -> str:
    if isinstance(item, Reason):
        return item.code + (" (model)" if item.origin == "model" else "")
    if isinstance(item, Payment):
        amount = "£?" if item.amount_gbp is None else f"£{item.amount_gbp:,.2f}"
        amount = amount.removesuffix(".00")
        return " ".join(x for x in (amount, item.status, item.purpose and f"({item.purpose})") if x)
    return item.canonical


def collect_evidence(record: Decision) -> list[Evidence]:
    """Every quote of the record, in field order, then the spans of its issues."""
    evs = [Evidence(field_base(k) or OTHER_ROW, k, s.text, s.start, s.end)
           for k, s in record.spans.items()]
    for name in ("reasons", "payments"):
        evs += [Evidence(name, _item_label(it), it.evidence, it.start, it.end)
                for it in getattr(record, name) if it.evidence]
    evs += [Evidence("citations", c.canonical, c.text, c.start, c.end) for c in record.citations]
    evs += [Evidence(field_base(i.field) or "", i.rule, i.span.text, i.span.start, i.span.end,
                     kind="issue", issue=k) for k, i in enumerate(record.issues) if i.span]
    return evs


def place(source: str | None, ev: Evidence) -> tuple[tuple[int, int] | None, bool]:
    """Where ``ev`` sits in ``source``: its offsets when they select the quote, else the first
    occurrence of the quote (``exact`` False), else nowhere."""
    if source is None:
        return None, True
    start, end = ev.start, ev.end
    if start is not None and end is not None and 0 <= start < end <= len(source) \
            and (ev.quote is None or source[start:end] == ev.quote):
        return (start, end), True
    found = source.find(ev.quote) if ev.quote else -1
    return ((found, found + len(ev.quote or "")), False) if found >= 0 else (None, True)


def placed_evidence(record: Decision, source: str | None, prefix: str) -> list[Evidence]:
    out = []
    for n, ev in enumerate(collect_evidence(record)):
        at, exact = place(source, ev)
        out.append(replace(ev, sid=f"{prefix}-s{n}" if at else None, at=at, exact=exact))
    return out


def _open_tag(ev: Evidence, first: bool) -> str:
    title = f"{ev.field}: {ev.label}" if ev.field != ev.label else ev.label
    ident = f' id="{ev.sid}"' if first else ""
    return (f'<mark{ident} class="{ev.kind}" data-span="{ev.sid}" data-field="{escape(ev.field)}"'
            f' title="{escape(title)}">')


def highlight(source: str, evs: Sequence[Evidence]) -> str:
    """``source`` escaped, each placed evidence wrapped in <mark>; overlapping spans that do
    not nest are split into fragments sharing ``data-span`` (the first carries the id)."""
    placed = sorted(((e.at[0], -e.at[1], e) for e in evs if e.at), key=lambda t: t[:2])
    bounds = sorted({0, len(source)} | {p for s, neg_end, _ in placed for p in (s, -neg_end)})
    stack: list[tuple[int, Evidence]] = []  # (end, evidence), outermost first
    out: list[str] = []
    for i, pos in enumerate(bounds):
        depth = next((k for k, (end, _) in enumerate(stack) if end == pos), len(stack))
        reopen = [(end, e) for end, e in stack[depth:] if end != pos]
        out.append("</mark>" * (len(stack) - depth))
        del stack[depth:]
        for end, e in reopen:
            out.append(_open_tag(e, first=False))
            stack.append((end, e))
        for _, neg_end, e in (t for t in placed if t[0] == pos):  # longest first: outermost
            out.append(_open_tag(e, first=True))
            stack.append((-neg_end, e))
        if i + 1 < len(bounds):
            out.append(escape(source[pos:bounds[i + 1]]))
    return "".join(out)


def _value_html(value: object) -> str:
    if value is None or value == []:
        return '<span class="null">null</span>' if value is None else '<span class="null">[]</span>'
    if isinstance(value, bool):
        return f'<span class="bool">{str(value).lower()}</span>'
    if isinstance(value, list):
        return "<ul>" + "".join(f"<li>{_value_html(v)}</li>" for v in value) + "</ul>"
    if isinstance(value, (Reason, Payment, Citation)):
        return escape(_item_label(value))
    if isinstance(value, Category):
        return escape(" > ".join(str(x) for x in (value.top, value.sub) if x) or "-")
    return escape(str(value))


def _evidence_html(ev: Evidence, has_source: bool) -> str:
    quote = f'<q title="{escape(ev.quote)}">{escape(ev.quote)}</q>' if ev.quote else ""
    if ev.at is None:
        note = " <em>not found in the source</em>" if has_source else ""
        return f'<li class="unplaced">{escape(ev.label)}: {quote}{note}</li>'
    note = "" if ev.exact else ' <em>(offsets did not select the quote; found by search)</em>'
    return (f'<li><a class="ev" href="#{ev.sid}" data-span="{ev.sid}">{escape(ev.label)}</a> '
            f'{quote}{note}</li>')


def _issue_html(record: Decision, k: int, evs: Sequence[Evidence]) -> str:
    issue = record.issues[k]
    link = next((f' <a class="ev" href="#{e.sid}" data-span="{e.sid}">span</a>' for e in evs
                 if e.issue == k and e.sid), "")
    where = f" [{escape(issue.field)}]" if issue.field else ""
    return (f'<li class="sev-{issue.severity}"><b>{issue.severity}</b> {escape(issue.rule)}'
            f"{where}: "
            f'{escape(issue.message)}{link}</li>')


def _field_row(record: Decision, name: str, evs: Sequence[Evidence], prefix: str,
               has_source: bool) -> str:
    mine = [e for e in evs if e.field == name and e.kind == "ev"]
    issues = [k for k, i in enumerate(record.issues) if field_base(i.field) == name]
    spans = " ".join(e.sid for e in mine if e.sid)
    cls = "field" + (" has-issue" if issues else "") + (" has-span" if spans else "")
    ev_cell = _list_html(_evidence_html(e, has_source) for e in mine)
    issue_cell = _list_html(_issue_html(record, k, evs) for k in issues)
    value = _value_html(getattr(record, name, None))
    return (f'<tr id="{prefix}-f-{name.replace(" ", "-")}" class="{cls}" data-field="{name}" '
            f'data-spans="{spans}"><th>{name}</th><td>{value}</td><td>{ev_cell}</td>'
            f"<td>{issue_cell}</td></tr>")


def _list_html(items: Iterable[str]) -> str:
    joined = "".join(items)
    return f"<ul>{joined}</ul>" if joined else ""


def _meta_html(record: Decision) -> str:
    rows = "".join(f"<tr><th>{k}</th><td>{_value_html(getattr(record.meta, k))}</td></tr>"
                   for k in META_ROWS)
    return f'<table class="meta">{rows}</table>'


def _source_html(record: Decision, source: str | None, evs: Sequence[Evidence]) -> str:
    if source is None:
        return (f'<p class="note">Source text not available: {escape(record.meta.source or "?")}'
                " is missing or has changed since extraction (its sha256 differs from "
                f"{escape(record.meta.source_sha256[:16] or '?')}…).</p>")
    return f'<pre class="source">{highlight(source, evs)}</pre>'


def _title(record: Decision, n: int) -> str:
    return record.reference or (Path(record.meta.source).name if record.meta.source else f"#{n}")


def _steps_html(n: int, total: int) -> str:
    """Previous / next links between records (plain anchors: they work without JS too)."""
    prev = f'<a href="#r{n - 1}">← previous</a>' if n > 0 else ""
    nxt = f'<a href="#r{n + 1}">next →</a>' if n + 1 < total else ""
    return f'<p class="steps">{prev} {n + 1} of {total} {nxt}</p>' if total > 1 else ""


def record_html(record: Decision, source: str | None, n: int, total: int = 1) -> str:
    prefix = f"r{n}"
    evs = placed_evidence(record, source, prefix)
    names = FIELD_ROWS + ((OTHER_ROW,) if any(e.field == OTHER_ROW for e in evs) else ())
    rows = "".join(_field_row(record, name, evs, prefix, source is not None) for name in names)
    loose = _list_html(_issue_html(record, k, evs) for k, i in enumerate(record.issues)
                       if field_base(i.field) is None)
    loose_html = f"<h3>Record issues</h3>{loose}" if loose else ""
    raw = escape(json.dumps(record.model_dump(mode="json"), indent=1, ensure_ascii=False))
    return (f'<section class="record" id="{prefix}"><div class="left">'
            f"{_steps_html(n, total)}<h2>{escape(_title(record, n))}</h2>"
            f"<p class=src>{escape(record.meta.source)}</p>"
            f"{loose_html}<table class=fields><colgroup><col class=name><col class=value><col>"
            f"<col class=issues></colgroup><thead><tr><th>field</th><th>value</th>"
            f"<th>evidence</th><th>issues</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<h3>Run</h3>{_meta_html(record)}<details><summary>record JSON</summary>"
            f"<pre>{raw}</pre></details></div>"
            f'<div class="right">{_source_html(record, source, evs)}</div></section>')


def _nav_html(records: Sequence[Decision]) -> str:
    items = []
    for n, rec in enumerate(records):
        errors = sum(i.severity == "error" for i in rec.issues)
        badge = f' <span class="badge">{errors} error{"s" * (errors != 1)}</span>' if errors else ""
        items.append(f'<li><a href="#r{n}" data-record="r{n}">{escape(_title(rec, n))}</a>'
                     f"{badge}</li>")
    return f'<nav><h1>{len(records)} records</h1><ol>{"".join(items)}</ol></nav>'


def render_html(records: Sequence[Decision], texts: Sequence[str | None] | None = None) -> str:
    """The review page. ``texts[i]`` is record i's loaded source text; when absent it is
    re-loaded from ``meta.source`` if that file still has the recorded sha256."""
    sources = list(texts) if texts is not None else [source_text(r) for r in records]
    body = "".join(record_html(r, s, n, len(records))
                   for n, (r, s) in enumerate(zip(records, sources, strict=True)))
    nav = _nav_html(records) if len(records) > 1 else ""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>extractor review'
            f"</title><style>{CSS}</style></head><body class=\"{'multi' if nav else 'single'}\">"
            f"{nav}<main>{body}</main><script>{JS}</script></body></html>")


def write_review(path: str | Path, records: Sequence[Decision],
                 texts: Sequence[str | None] | None = None) -> str:
    """Write the page; what was written, for the user ("review.html: 3 records, 41 kB")."""
    page = render_html(records, texts).encode("utf-8")
    try:
        Path(path).write_bytes(page)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    return f"{path}: {len(records)} record{'s' if len(records) != 1 else ''}, " \
           f"{_size(len(page))} (one page, each record's source text included)"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(1, round(n / 1e3))} kB"


CSS = """
body{margin:0;font:14px/1.4 system-ui,sans-serif;color:#222;display:flex}
nav{width:15rem;flex:none;height:100vh;overflow:auto;background:#f3f3f6;border-right:1px solid #ccc}
nav h1{font-size:1rem;margin:.6rem}nav ol{padding-left:2rem}nav a.current{font-weight:bold}
main{flex:1;min-width:0}.record{display:flex;gap:1rem;padding:0 .8rem}
.left{flex:1 1 55%;min-width:0;height:100vh;overflow:auto}
.right{flex:1 1 45%;min-width:0;height:100vh;overflow:auto}
.source{white-space:pre-wrap;font:13px/1.5 ui-monospace,monospace;background:#fafafa;padding:.6rem}
mark{background:transparent;color:inherit}mark.ev{background:rgba(255,225,0,.35)}
mark.issue{text-decoration:underline wavy #d33}
mark.active{background:rgba(255,140,0,.55);outline:2px solid #e07000}
table{border-collapse:collapse;width:100%;table-layout:fixed}th,td{border:1px solid #ddd;
padding:.25rem .4rem;vertical-align:top;text-align:left;overflow-wrap:anywhere}
.fields col.name{width:8.5rem}.fields col.value{width:24%}.fields col.issues{width:22%}
q{display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
.meta th{width:8.5rem}
.fields tbody th{font-family:ui-monospace,monospace}
tr.has-span{cursor:pointer}tr.has-span:hover,tr.active{background:#eef4ff}
tr.has-issue th{color:#b00}ul{margin:0;padding-left:1.1rem}.null{color:#999}
.sev-error{color:#b00}.sev-warning{color:#a60}.sev-info{color:#555}.unplaced{color:#a60}
.badge{background:#b00;color:#fff;border-radius:.6rem;padding:0 .4rem;font-size:.8em}
.note{background:#fff0e0;padding:.6rem}.src{color:#666;font-size:.9em;word-break:break-all}
body.multi .record{display:none}body.multi .record.shown{display:flex}
"""

JS = """
(function(){
function show(rec){var secs=document.querySelectorAll('.record');if(!secs.length)return;
 var el=document.getElementById(rec)||secs[0];
 secs.forEach(function(s){s.classList.toggle('shown',s===el);});
 document.querySelectorAll('nav a').forEach(function(a){
  a.classList.toggle('current',a.dataset.record===el.id);});}
function select(ids,row){
 document.querySelectorAll('.active').forEach(function(e){e.classList.remove('active');});
 if(row)row.classList.add('active');
 ids.forEach(function(id){document.querySelectorAll('[data-span="'+id+'"]').forEach(
  function(e){if(e.tagName==='MARK')e.classList.add('active');});});
 var first=document.getElementById(ids[0]);if(!first)return;
 show(ids[0].split('-')[0]);first.scrollIntoView({block:'center'});
 history.replaceState(null,'','#'+ids[0]);}
document.addEventListener('click',function(ev){
 var a=ev.target.closest('a.ev'),row=ev.target.closest('tr.field');
 var ids=a?[a.dataset.span]:row?row.dataset.spans.split(' ').filter(Boolean):[];
 if(ids.length){ev.preventDefault();select(ids,row);}});
function route(){var h=location.hash.slice(1);show(h.split('-')[0]);
 if(h.indexOf('-s')>0)select([h],null);}
window.addEventListener('hashchange',route);route();
})();
"""
