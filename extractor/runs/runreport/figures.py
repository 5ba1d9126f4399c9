"""The numbers of a run report, read from the tidy tables: one ``Figure`` per chart.

Charts about what was decided count the decisions the run wrote (``decisions.run_id``); the
issue and model-usage charts count every result the run wrote, failed ones included.
"""

from __future__ import annotations

import sqlite3
import statistics
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from extractor.models import OUTCOMES
from extractor.store.tidy import PURPOSE_KIND_NAMES

UNKNOWN = "(not found)"
SEVERITIES = ("error", "warning", "info")
# Payment size bands: lower edges in pounds, and their labels (the last is open-ended).
BAND_EDGES = (100, 250, 500, 1000, 2500, 5000)
BAND_NAMES = ("under £100", "£100–249", "£250–499", "£500–999", "£1,000–2,499", "£2,500–4,999",
              "£5,000 and over")
NO_AMOUNT = "amount not found"

Cell = str | int | float


@dataclass
class Panel:
    """Horizontal bars: one bar per row, stacked by series; ``labels`` go at the bar ends."""

    title: str
    rows: list[str]
    series: dict[str, list[float]]
    labels: list[str]
    percent: bool = False


@dataclass
class Figure:
    key: str
    title: str
    note: str
    panels: list[Panel]
    headers: list[str]
    table: list[list[Cell]] = field(default_factory=list)


class Numbers:
    """The queries of one run's report."""

    def __init__(self, conn: sqlite3.Connection, run_id: int, top: int = 15):
        self.conn, self.run, self.top = conn, run_id, top

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, {"run": self.run, "top": self.top, **params}).fetchall()

    def counted(self, table: str, column: str) -> list[tuple[Any, ...]]:
        """(value, decisions with it, of which from the model) for a child table."""
        origin = "COUNT(DISTINCT CASE WHEN t.origin = 'model' THEN t.result_id END)" \
            if table == "reasons" else "0"
        return self.rows(f"SELECT t.{column}, COUNT(DISTINCT t.result_id), {origin} "
                         f"FROM {table} t JOIN decisions d "
                         f"ON d.result_id = t.result_id WHERE d.run_id = :run "
                         f"GROUP BY t.{column} ORDER BY 2 DESC, 1")

    def decisions(self) -> int:
        return self.rows("SELECT COUNT(*) FROM decisions WHERE run_id = :run")[0][0]


def outcomes_by_category(n: Numbers) -> Figure:
    found = n.rows("SELECT COALESCE(category_top, :u), COALESCE(outcome, :u), COUNT(*) "
                   "FROM decisions WHERE run_id = :run GROUP BY 1, 2", u=UNKNOWN)
    grid: dict[str, dict[str, int]] = defaultdict(dict)
    for category, outcome, count in found:
        grid[category][outcome] = count
    cats = sorted(grid, key=lambda c: (-sum(grid[c].values()), c))
    outcomes = [o for o in (*OUTCOMES, UNKNOWN) if any(o in grid[c] for c in cats)]
    names = [o.replace("_", " ") for o in outcomes]
    totals = [sum(grid[c].values()) for c in cats]
    panel = Panel("decisions", cats, {name: [grid[c].get(o, 0) for c in cats]
                                      for o, name in zip(outcomes, names, strict=True)},
                  [f"{t:,}" for t in totals])
    table = [[c, *(grid[c].get(o, 0) for o in outcomes), t] for c, t in zip(cats, totals,
                                                                            strict=True)]
    return Figure("outcomes", "Outcomes by category", "Decisions of the run by top-level "
                  "category, split by outcome.", [panel], ["category", *names, "total"], table)


def upheld_by_body(n: Numbers) -> Figure:
    found = n.rows("SELECT b.body, COUNT(DISTINCT d.result_id), SUM(d.outcome = 'upheld'), "
                   "SUM(d.outcome IN ('upheld', 'not_upheld')) FROM bodies b JOIN decisions d "
                   "ON d.result_id = b.result_id WHERE d.run_id = :run GROUP BY b.body "
                   "ORDER BY 2 DESC, 1 LIMIT :top")
    rates = [up / decided if decided else 0.0 for _, _, up, decided in found]
    labels = [f"{r:.0%} of {decided}" if decided else "none upheld or not upheld"
              for r, (_, _, _, decided) in zip(rates, found, strict=True)]
    panel = Panel("upheld rate", [b for b, *_ in found], {"upheld rate": rates}, labels,
                  percent=True)
    table = [[b, total, decided, up, f"{r:.0%}" if decided else "–"]
             for (b, total, up, decided), r in zip(found, rates, strict=True)]
    return Figure("bodies", f"Upheld rate by body (top {n.top})", "Bodies with the most "
                  "decisions in the run; the rate is upheld / (upheld + not upheld).", [panel],
                  ["body", "decisions", "upheld or not upheld", "upheld", "upheld rate"], table)


def band(amount: float | None) -> str:
    return NO_AMOUNT if amount is None else BAND_NAMES[bisect_right(BAND_EDGES, amount)]


def payments(n: Numbers) -> Figure:
    found = n.rows("SELECT p.purpose_kind, p.amount_gbp FROM payments p JOIN decisions d "
                   "ON d.result_id = p.result_id WHERE d.run_id = :run")
    kinds = [k for k in PURPOSE_KIND_NAMES if any(k == f[0] for f in found)]
    bands = [b for b in (*BAND_NAMES, NO_AMOUNT) if any(band(a) == b for _, a in found)]
    by_size = {k: [sum(1 for kk, a in found if kk == k and band(a) == b) for b in bands]
               for k in kinds}
    amounts = {k: [a for kk, a in found if kk == k and a is not None] for k in kinds}
    pounds = [sum(amounts[k]) for k in kinds]
    size = Panel("payments by size", bands, by_size,
                 [f"{sum(col):,}" for col in zip(*by_size.values(), strict=True)])
    money = Panel("£ by purpose", kinds, {"£": pounds}, [f"£{p:,.0f}" for p in pounds])
    table = [[k, sum(1 for kk, _ in found if kk == k), f"£{sum(amounts[k]):,.0f}",
              _money(statistics.median(amounts[k])) if amounts[k] else "–",
              _money(max(amounts[k])) if amounts[k] else "–"] for k in kinds]
    return Figure("payments", "Payments by purpose and size", "Payments agreed, offered or "
                  "recommended; purpose grouped by its wording (payments.purpose_kind).",
                  [size, money], ["purpose", "payments", "total", "median", "largest"], table)


def _money(amount: float) -> str:
    return f"£{amount:,.0f}"


def counted_figure(n: Numbers, key: str, table: str, column: str, title: str, note: str
                   ) -> Figure:
    found = n.counted(table, column)
    rows = [str(v) for v, *_ in found]
    if table == "reasons":
        series = {"rule": [c - m for _, c, m in found], "model": [m for *_, m in found]}
    else:
        series = {"decisions": [c for _, c, _ in found]}
    panel = Panel("decisions", rows, series, [f"{c:,}" for _, c, _ in found])
    headers = [column, "decisions"] + (["of which from the model"] if table == "reasons" else [])
    cells = [[v, c, m] if table == "reasons" else [v, c] for v, c, m in found]
    return Figure(key, title, note, [panel], headers, cells)


def reasons(n: Numbers) -> Figure:
    left = n.rows("SELECT COUNT(*), SUM(NOT EXISTS (SELECT 1 FROM reasons r WHERE r.result_id "
                  "= d.result_id)) FROM decisions d WHERE d.run_id = :run AND "
                  "d.investigated = 0")[0]
    note = (f"Decisions giving each reason (a decision may give several). {left[0]} decisions "
            f"were not investigated, {left[1] or 0} of them with no reason found.")
    return counted_figure(n, "reasons", "reasons", "code", "Reasons for not investigating", note)


def remedy_kinds(n: Numbers) -> Figure:
    return counted_figure(n, "remedies", "remedy_kinds", "kind", "Remedy kinds",
                          "Decisions with each kind of remedy agreed or recommended.")


def referrals(n: Numbers) -> Figure:
    return counted_figure(n, "referrals", "referred_to", "code", "Referrals",
                          "Decisions pointing the complainant to another body.")
