"""What the run did, over every result it wrote (failed ones included): rule issues and the
model's usage."""

from __future__ import annotations

import statistics
from collections import defaultdict

from extractor.model.prices import PRICES_DATED
from extractor.rules.policy import UNSUPPORTED_RULE
from extractor.runs.runreport.figures import SEVERITIES, Figure, Numbers, Panel

USAGE_SQL = """
    SELECT r.status, r.attempts,
           COALESCE(d.questions, json_extract(r.record, '$.meta.questions'), 0),
           r.prompt_tokens, r.completion_tokens, r.seconds,
           EXISTS (SELECT 1 FROM reasons x WHERE x.result_id = r.id AND x.origin = 'model')
           OR EXISTS (SELECT 1 FROM payments x WHERE x.result_id = r.id AND x.origin = 'model'),
           EXISTS (SELECT 1 FROM issues i WHERE i.result_id = r.id AND i.rule = :refused)
    FROM results r LEFT JOIN decisions d ON d.result_id = r.id WHERE r.run_id = :run"""


def issues(n: Numbers) -> Figure:
    found = n.rows("SELECT i.rule, i.severity, COUNT(*) FROM issues i JOIN results r "
                   "ON r.id = i.result_id WHERE r.run_id = :run GROUP BY 1, 2")
    documents = dict(n.rows("SELECT i.rule, COUNT(DISTINCT i.result_id) FROM issues i JOIN "
                            "results r ON r.id = i.result_id WHERE r.run_id = :run GROUP BY 1"))
    grid: dict[str, dict[str, int]] = defaultdict(dict)
    for rule, severity, count in found:
        grid[rule][severity] = count
    rules = sorted(grid, key=lambda r: (-sum(grid[r].values()), r))
    levels = [s for s in SEVERITIES if any(s in grid[r] for r in rules)]
    panel = Panel("issues", rules, {s: [grid[r].get(s, 0) for r in rules] for s in levels},
                  [f"{sum(grid[r].values()):,}" for r in rules])
    table = [[r, *(grid[r].get(s, 0) for s in levels), documents[r]] for r in rules]
    return Figure("issues", "Issues by rule and severity", "Rule issues on every result the "
                  "run wrote, failed ones included.", [panel], ["rule", *levels, "documents"],
                  table)


def model_usage(n: Numbers) -> Figure:
    found = n.rows(USAGE_SQL, refused=UNSUPPORTED_RULE)
    asked = [f for f in found if f[1] > 0]
    counts = {"results": len(found), "asked": len(asked),
              "answered": sum(1 for f in asked if f[0] != "failed"),
              "re-asked": sum(1 for f in asked if 0 < f[2] < f[1]),
              "failed": sum(1 for f in found if f[0] == "failed"),
              "model value kept": sum(1 for f in found if f[6]),
              "model value refused": sum(1 for f in found if f[7])}
    tokens = {"prompt": sum(f[3] for f in found), "completion": sum(f[4] for f in found)}
    seconds = _seconds([float(f[5]) for f in found])
    panels = [_panel("documents", counts, "{:,}"), _panel("tokens", tokens, "{:,}"),
              _panel("seconds per document", seconds, "{:.3f} s")]
    table = [[k, v] for k, v in counts.items()]
    table += [["questions asked", sum(f[2] for f in found)],
              ["answers received (re-asks included)", sum(f[1] for f in found)],
              *([f"{k} tokens", v] for k, v in tokens.items()),
              ["seconds in all", round(sum(f[5] for f in found), 3)],
              [f"cost in USD (prices of {PRICES_DATED})", _cost(n)],
              *([f"seconds per document, {k}", round(v, 4)] for k, v in seconds.items())]
    return Figure("model", "Model usage", "Asked: the model got a question; answered: every "
                  "question got a valid answer; re-asked: an answer was rejected and asked "
                  "again; kept / refused: a model reason or payment entered the record / was "
                  "refused by the grounding checks.", panels, ["measure", "value"], table)


def _seconds(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    p95 = statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]
    return {"mean": statistics.fmean(values), "median": statistics.median(values),
            "95th percentile": p95, "slowest": max(values)}


def _panel(title: str, values: dict[str, float], fmt: str) -> Panel:
    return Panel(title, list(values), {title: list(values.values())},
                 [fmt.format(v) for v in values.values()])


def _cost(n: Numbers) -> str:
    """The run's cost from each record's ``meta.cost_usd`` (``not priced`` when none has one)."""
    (total, priced), = n.rows("SELECT SUM(json_extract(record, '$.meta.cost_usd')), "
                              "COUNT(json_extract(record, '$.meta.cost_usd')) FROM results "
                              "WHERE run_id = :run")
    return f"{total:.4f}" if priced else "not priced"
