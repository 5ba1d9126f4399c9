"""The run report page: one self-contained HTML file (inline CSS and SVG, no script, no
network) with a chart and its numbers side by side for each figure."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any

from extractor.runs.runreport.charts import render
from extractor.runs.runreport.figures import Cell, Figure

RUN_FIELDS = ("status", "started", "finished", "backend", "model", "prompt_sha",
              "schema_version")

CSS = """
body{margin:0 auto;max-width:84rem;padding:0 1.2rem 3rem;font:14px/1.45 system-ui,sans-serif;
color:#222}
header{border-bottom:1px solid #ccc;padding:.8rem 0}h1{font-size:1.4rem;margin:.2rem 0}
dl{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.2rem 1rem;
margin:.6rem 0}dt{font-size:.75rem;color:#666}dd{margin:0;overflow-wrap:anywhere}
nav a{margin-right:.8rem}p.lead{margin:.4rem 0}
section{border-bottom:1px solid #eee;padding:1rem 0}h2{font-size:1.1rem;margin:0 0 .2rem}
p.note{color:#555;margin:0 0 .6rem}
.pair{display:grid;grid-template-columns:minmax(0,3fr) minmax(16rem,2fr);gap:1.5rem;
align-items:start}@media (max-width:900px){.pair{grid-template-columns:1fr}}
figure{margin:0}svg.chart{width:100%;height:auto}
.numbers{max-height:36rem;overflow:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e3e3e3;padding:.2rem .4rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}thead th{position:sticky;top:0;
background:#fff}
"""


def render_page(run: dict[str, Any], decisions: int, figures: list[Figure]) -> str:
    """The whole page for ``run`` (a ``Store.run`` dict) and its figures."""
    title = f"extractor run {run['id']} report"
    body = "\n".join([_header(run, decisions, figures, title),
                      *(_section(f) for f in figures)])
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head>\n"
            f"<body>\n{body}\n</body></html>\n")


def _header(run: dict[str, Any], decisions: int, figures: list[Figure], title: str) -> str:
    counts = run["counts"]
    facts = "".join(f"<div><dt>{escape(name)}</dt><dd>{escape(str(run.get(name) or '–'))}</dd>"
                    f"</div>" for name in RUN_FIELDS)
    written = sum(counts.values())
    lead = (f"{written:,} results written: {counts['ok']:,} ok, {counts['issues']:,} with "
            f"issues, {counts['failed']:,} failed. The charts of what was decided count the "
            f"{decisions:,} decisions of this run in the tidy tables; issues and model usage "
            f"count every result, failed ones included.")
    links = "".join(f'<a href="#{f.key}">{escape(f.title)}</a>' for f in figures)
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    return (f"<header><h1>{escape(title)}</h1><p class=\"lead\">{escape(lead)}</p>"
            f"<dl>{facts}<div><dt>report written</dt><dd>{generated}</dd></div></dl>"
            f"<nav>{links}</nav></header>")


def _section(figure: Figure) -> str:
    return (f'<section id="{figure.key}" data-chart="{figure.key}">'
            f"<h2>{escape(figure.title)}</h2><p class=\"note\">{escape(figure.note)}</p>"
            f'<div class="pair"><figure>{render(figure)}</figure>'
            f'<div class="numbers">{_table(figure)}</div></div></section>')


def _table(figure: Figure) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in figure.headers)
    rows = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in figure.table)
    if not figure.table:
        rows = f'<tr><td colspan="{len(figure.headers)}">none in this run</td></tr>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _cell(value: Cell) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="n">{value:,}</td>'
    return f"<td>{escape(str(value))}</td>"
