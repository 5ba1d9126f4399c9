"""Nightly acquisition: decision pages from the Ombudsman's website into the run store.

A *night* covers decision dates ``since``..``until``: it reads robots.txt, walks the search
listing window by window (oldest first, each followed through its pages, halved when it holds
too many results), fetches every listed decision page it does not have (and a stored one whose
listing card changed, conditionally), then whatever earlier nights still owe (failed or never
fetched). Listing pages and decision pages are committed one by one with the state of their
URLs, so a night killed at any moment is resumed by the next run and fetches nothing twice.

Without ``since`` a night continues from the last complete night (re-listing
``overlap_days`` before its end, as decisions are published some days after their date).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

from extractor.errors import ConfigError
from extractor.harvest.fetch import Fetcher, Politeness, Site
from extractor.harvest.harvest_store import HarvestLog
from extractor.harvest.night import (
    HarvestOptions,
    HarvestProgress,
    HarvestSummary,
    LimitReached,
    Night,
    TooManyFailures,
)
from extractor.store.store import Store

__all__ = ["HarvestOptions", "HarvestProgress", "HarvestSummary", "LimitReached",
           "TooManyFailures", "harvest", "open_night"]


def harvest(db_path: str, options: HarvestOptions, polite: Politeness,
            progress: HarvestProgress | None = None, today: date | None = None
            ) -> HarvestSummary:
    """Run (or resume) one night into the store at ``db_path``; its summary. Raises
    ``SiteUnusable`` / ``TooManyFailures`` (after recording the night) when it cannot go on."""
    fetcher = Fetcher(Site(options.site), polite)
    try:
        with Store(db_path) as store:
            log = HarvestLog(store)
            summary = open_night(log, options, polite, today or date.today())
            Night(log, fetcher, options, summary, progress).run()
            return summary
    finally:
        fetcher.close()


def open_night(log: HarvestLog, options: HarvestOptions, polite: Politeness,
               today: date) -> HarvestSummary:
    """Resume the night the last run left unfinished, or start the one asked for."""
    old = log.resumable(options.site)
    if old is not None and options.since in (None, old.since) and options.until in (None,
                                                                                    old.until):
        log.reopen_night(old.id)
        return HarvestSummary(old.id, old.since, old.until, resumed=True)
    until = options.until or today
    since = options.since or _continue_from(log, options, until)
    if since > until:
        raise ConfigError(f"--since {since} is after --until {until}")
    recorded = {**asdict(options), "since": since, "until": until, "rate": polite.rate,
                "contact": polite.contact}
    return HarvestSummary(log.start_night(options.site, since, until, recorded), since, until)


def _continue_from(log: HarvestLog, options: HarvestOptions, until: date) -> date:
    last = log.last_complete_until(options.site)
    if last is None:
        raise ConfigError(f"no complete harvest of {options.site} in {log.store.path} yet: "
                          "give --since YYYY-MM-DD")
    return min(last - timedelta(days=options.overlap_days), until)
