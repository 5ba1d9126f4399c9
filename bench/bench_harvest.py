"""Benchmark of ``extractor harvest``'s politeness: requests per second stay under the rate.

Serves the tests' copy of the website (tests/harvestsite.py) on loopback with N decisions,
harvests it into a fresh store at each configured rate, and prints what the *server* saw:
requests, the mean rate (requests - 1 over the span from first to last arrival), the fastest
run of 10 consecutive requests (9 gaps over their span, in requests per second) and the
shortest gap between two arrivals, against the configured rate and its interval. The pacer
spaces request *starts* by the interval; what the server sees jitters by a few milliseconds
either way. ``--faults`` adds a 429 (Retry-After: 1), two 500s and a dropped connection, to
show retries are paced too.

Usage (from the repository root):
    python bench/bench_harvest.py                        # rates 1, 5 and 20 per second
    python bench/bench_harvest.py --rates 2 --pages 40 --faults
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from harvestsite import HarvestSite, make_decisions

from extractor.harvest.fetch import Politeness
from extractor.harvest.run import HarvestOptions, harvest

SINCE = date(2025, 1, 1)
RUN = 10  # consecutive requests in the "fastest" figure


def measure(rate: float, pages: int, faults: bool) -> dict[str, float]:
    days = [SINCE + timedelta(days=i % 60) for i in range(pages)]
    with HarvestSite(make_decisions(days)) as site, tempfile.TemporaryDirectory() as tmp:
        if faults:
            paths = [d.path for d in site.decisions[:3]]
            site.faults = {paths[0]: ["429"], paths[1]: ["500", "500"], paths[2]: ["drop"]}
        options = HarvestOptions(site=site.url, since=SINCE, until=SINCE + timedelta(days=59))
        polite = Politeness(rate=rate, timeout=5, retries=3, backoff=0.1, contact="bench")
        summary = harvest(str(Path(tmp) / "runs.sqlite"), options, polite)
        arrivals = [r.at for r in site.requests]
    gaps = [b - a for a, b in pairwise(arrivals)]
    runs = [arrivals[i + RUN - 1] - arrivals[i] for i in range(len(arrivals) - RUN + 1)]
    fastest = (RUN - 1) / min(runs) if runs else 0.0
    span = arrivals[-1] - arrivals[0]
    return {"rate": rate, "requests": len(arrivals), "stored": summary.new,
            "mean": (len(arrivals) - 1) / span if span else 0.0, "fastest": fastest,
            "min_gap": min(gaps) if gaps else 0.0, "pacer": summary.rate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rates", default="1,5,20", help="requests/second to configure")
    parser.add_argument("--pages", type=int, default=30, help="decision pages on the site")
    parser.add_argument("--faults", action="store_true", help="add a 429, 500s and a drop")
    args = parser.parse_args()
    print(f"{args.pages} decision pages over 60 days (9 listing windows of 7 days)"
          f"{', with faults' if args.faults else ''}")
    print(f"{'rate/s':>6} {'requests':>8} {'stored':>6} {'mean/s':>8} {'fastest 10/s':>12} "
          f"{'min gap s':>9} {'interval s':>10} {'pacer/s':>8}")
    for rate in (float(r) for r in args.rates.split(",")):
        m = measure(rate, args.pages, args.faults)
        print(f"{rate:>6g} {m['requests']:>8.0f} {m['stored']:>6.0f} {m['mean']:>8.3f} "
              f"{m['fastest']:>12.3f} {m['min_gap']:>9.3f} {1 / rate:>10.3f} {m['pacer']:>8.3f}")


if __name__ == "__main__":
    main()
