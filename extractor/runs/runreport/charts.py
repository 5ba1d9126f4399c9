"""Figures drawn as inline SVG with matplotlib (its SVG backend; no pyplot, no display).

Text stays text (``svg.fonttype: none``), every bar carries its numbers as a hover ``<title>``
and at its end, and each chart's ids are prefixed with its key so that several SVGs can live in
one page without their clip paths colliding.
"""

from __future__ import annotations

import io
import re
from html import escape

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure as Canvas
from matplotlib.ticker import MaxNLocator, PercentFormatter, StrMethodFormatter

from extractor.runs.runreport.figures import Figure, Panel

WIDTH_IN = 7.0
ROW_IN = 0.26          # height of one bar row
PANEL_IN = 0.75        # title, axis and legend of one panel
LABEL_CHARS = 38       # longer row labels are cut (the full text is in the tooltip and table)
# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#999999")
STYLE = {"svg.fonttype": "none", "font.family": "sans-serif", "font.size": 9,
         "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 9,
         "axes.titlelocation": "left", "axes.axisbelow": True}
# An SVG id attribute, and a reference to one (url(#id) or xlink:href="#id").
ID_REGEX = re.compile(r'\bid="([^"]+)"')
REF_REGEX = re.compile(r'(url\(#|href="#)([^")]+)')
PROLOGUE_REGEX = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)  # XML declaration and doctype
TIP_GROUP_REGEX = re.compile(r'<g id="(tip\d+)">')


def render(figure: Figure) -> str:
    """The figure as an ``<svg>`` element, ready to inline in HTML."""
    tips: list[str] = []
    with matplotlib.rc_context({**STYLE, "svg.hashsalt": figure.key}):
        rows = [max(len(p.rows), 1) for p in figure.panels]
        canvas = Canvas(figsize=(WIDTH_IN, sum(r * ROW_IN + PANEL_IN for r in rows)),
                        layout="constrained")
        axes = canvas.subplots(len(rows), 1, squeeze=False, height_ratios=[
            r * ROW_IN + PANEL_IN for r in rows])[:, 0]
        for ax, panel in zip(axes, figure.panels, strict=True):
            draw_panel(ax, panel, tips)
        out = io.StringIO()
        canvas.savefig(out, format="svg", metadata={"Date": None})
    return finish_svg(out.getvalue(), figure.key, tips)


def draw_panel(ax: Axes, panel: Panel, tips: list[str]) -> None:
    ax.set_title(panel.title)
    if not panel.rows:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "none in this run", ha="center", va="center", color="#666",
                transform=ax.transAxes)
        return
    ys = list(range(len(panel.rows)))
    lefts = [0.0] * len(ys)
    for n, (name, values) in enumerate(panel.series.items()):
        bars = ax.barh(ys, values, left=lefts, color=PALETTE[n % len(PALETTE)], label=name,
                       height=0.7)
        for bar, row, value in zip(bars, panel.rows, values, strict=True):
            bar.set_gid(f"tip{len(tips)}")
            tips.append(f"{row}: {_shown(value, panel)}" + (
                f" {name}" if len(panel.series) > 1 else ""))
        lefts = [a + b for a, b in zip(lefts, values, strict=True)]
    ax.bar_label(bars, labels=panel.labels, padding=3, fontsize=8)
    _axes(ax, panel, max(lefts, default=0.0))


def _axes(ax: Axes, panel: Panel, longest: float) -> None:
    ax.set_yticks(range(len(panel.rows)), [_cut(r) for r in panel.rows])
    ax.invert_yaxis()  # first row on top
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.tick_params(axis="y", length=0)
    if panel.percent:
        ax.set_xlim(0, 1.25)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    else:
        ax.set_xlim(0, (longest or 1) * 1.22)
        whole = all(float(v).is_integer() for vs in panel.series.values() for v in vs)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=whole))
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}" if whole else "{x:,.3g}"))
    if len(panel.series) > 1:  # beside the bars, never over them
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


def _shown(value: float, panel: Panel) -> str:
    if panel.percent:
        return f"{value:.0%}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.3f}"


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"


def finish_svg(svg: str, key: str, tips: list[str]) -> str:
    """Drop the XML prologue, add the hover titles, make every id unique to this chart."""
    svg = PROLOGUE_REGEX.sub("", svg, count=1)
    svg = TIP_GROUP_REGEX.sub(lambda m: f'{m[0]}<title>{escape(tips[int(m[1][3:])])}</title>',
                              svg)
    svg = ID_REGEX.sub(lambda m: f'id="{key}-{m[1]}"', svg)
    svg = REF_REGEX.sub(lambda m: f"{m[1]}{key}-{m[2]}", svg)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(key)} chart" '
                       f'class="chart" ', 1)
