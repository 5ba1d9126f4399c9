"""One night of the harvester (see ``harvest.py``): its options, its summary, and the walk.

The walk reads robots.txt, opens the decisions landing page before the first listing page (the
site sets its session cookie there), lists each date window page by page (from its checkpoints
when the night is resumed), fetches every page the window owes, then whatever earlier nights
still owe. A listing that serves its search form without results (a *shell*, see
``listing.py``) is asked again in a new session, then the window is listed from the Archive;
only then is the night blocked. A site that blocks the client (``SiteUnusable``) or too many
failures (``TooManyFailures``) end the night at once; ``--limit`` ends it to be resumed
(``limited``).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Protocol

from extractor.errors import ExtractorError, InputError
from extractor.harvest.fetch import Fetcher, FetchFailed, Page, Refused, SiteUnusable
from extractor.harvest.harvest_store import HarvestLog, Owed
from extractor.harvest.listing import (
    LANDING_PATH,
    SEARCH,
    SOURCES,
    WINDOW_CEILING,
    Entry,
    Listing,
    Source,
    Window,
    parse_listing,
    source_of,
    windows,
)
from extractor.read.load import decode_bytes, has_decision_article, load_bytes
from extractor.settings import Settings

GONE = (404, 410)


class TooManyFailures(ExtractorError):
    """The night reached its bound of failed pages: the site cannot be used tonight."""


class LimitReached(Exception):
    """``--limit`` decision pages were fetched: the night stops, to be resumed."""


class ShellServed(Exception):
    """A listing page with the search form and neither a count nor cards."""

    def __init__(self, url: str):
        super().__init__(f"{url}: the search form without results")
        self.url = url


@dataclass(frozen=True)
class HarvestOptions:
    site: str = Settings.site
    since: date | None = None
    until: date | None = None
    limit: int | None = None
    recheck: bool = False       # revalidate stored pages the windows list (conditional GETs)
    window_days: int = Settings.harvest_window_days
    overlap_days: int = Settings.harvest_overlap_days
    max_failures: int = Settings.harvest_max_failures

    @classmethod
    def from_settings(cls, settings: Settings, since: date | None = None,
                      until: date | None = None, limit: int | None = None,
                      recheck: bool = False) -> HarvestOptions:
        return cls(settings.site.rstrip("/"), since, until, limit, recheck,
                   settings.harvest_window_days, settings.harvest_overlap_days,
                   settings.harvest_max_failures)


@dataclass
class HarvestSummary:
    """What a night did (this run of it)."""

    night_id: int = 0
    since: date | None = None
    until: date | None = None
    resumed: bool = False
    status: str = "running"
    error: str | None = None
    windows: int = 0
    listing_pages: int = 0
    listing: str = SEARCH.name  # the listing the night ended on (the Archive after shells)
    listed: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    not_found: int = 0
    skipped: int = 0
    failed: int = 0
    failed_windows: int = 0
    requests: int = 0
    rate: float = 0.0
    started: float = field(default_factory=time.perf_counter)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """1 blocked or failed night; 3 some pages or windows failed; else 0."""
        if self.status in ("blocked", "failed"):
            return 1
        return 3 if self.failed or self.failed_windows else 0

    def totals(self) -> dict[str, Any]:
        skip = {"night_id", "since", "until", "status", "error", "started"}
        return {k: v for k, v in asdict(self).items() if k not in skip}


class HarvestProgress(Protocol):
    def start(self, summary: HarvestSummary) -> None: ...
    def window(self, summary: HarvestSummary, window: Window) -> None: ...
    def page(self, summary: HarvestSummary) -> None: ...
    def stop(self, summary: HarvestSummary) -> None: ...


class Night:
    """One run of a night: robots, windows, owed URLs; records how it ended."""

    def __init__(self, log: HarvestLog, fetcher: Fetcher, options: HarvestOptions,
                 summary: HarvestSummary, progress: HarvestProgress | None):
        self.log, self.fetcher, self.options = log, fetcher, options
        self.summary, self.progress = summary, progress
        self.fetches = 0
        self.source = SEARCH            # the listing tonight's windows are read from
        self.session: str | None = None  # how the session was opened (None: not yet)

    def run(self) -> None:
        if self.progress is not None:
            self.progress.start(self.summary)
        status, error = "interrupted", None
        try:
            self._walk()
            status = "incomplete" if self.summary.failed_windows else "done"
        except LimitReached:
            status = "limited"
        except SiteUnusable as exc:
            status, error = "blocked", str(exc)
            raise
        except TooManyFailures as exc:
            status, error = "failed", str(exc)
            raise
        finally:
            self._end(status, error)

    def _walk(self) -> None:
        self.fetcher.load_robots()
        assert self.summary.since is not None and self.summary.until is not None
        for window in windows(self.summary.since, self.summary.until, self.options.window_days):
            self._window(window)
        self._fetch_all(self.log.owed(self.summary.night_id))

    def _end(self, status: str, error: str | None) -> None:
        summary = self.summary
        summary.status, summary.error = status, error
        summary.seconds = round(time.perf_counter() - summary.started, 3)
        self._tick()
        self.log.finish_night(summary.night_id, status, summary.totals(), error)
        if self.progress is not None:
            self.progress.stop(summary)

    # -- listing windows ----------------------------------------------------------------------

    def _window(self, window: Window) -> None:
        window_id, status = self.log.window(self.summary.night_id, window)
        if status in ("open", "failed"):
            status = self._walk_window(window_id, window)
        if status == "split":  # too many results for one window: its halves instead
            for half in window.halves():
                self._window(half)

    def _walk_window(self, window_id: int, window: Window) -> str:
        """List the window and fetch what it owes; its new status."""
        try:
            entries = self._listed(window_id, window)
        except FetchFailed as exc:
            self._window_failed(window_id, window, str(exc))
            return "failed"
        status = "split" if entries is None else "done"
        if entries is not None:
            self._fetch_all(self.log.owed(self.summary.night_id, [e.url for e in entries],
                                          self.options.recheck))
            self._count_window(window, len(entries))
        self.log.set_window(window_id, status)
        return status

    def _listed(self, window_id: int, window: Window) -> list[Entry] | None:
        """The window's cards (see ``_entries``). After a shell: once more in a new session,
        then from the other listing; when that fails too, the night is blocked."""
        try:
            return self._entries(window_id, window, self._source(window_id))
        except ShellServed:
            first = self.session
        self.session = self._open_session()
        try:
            return self._entries(window_id, window, self._source(window_id))
        except ShellServed as shell:
            again = (f"a new session from {LANDING_PATH} ({self.session}) and the "
                     f"{self.source.name} listing again")
            tried = [f"the session from {LANDING_PATH} ({first})", again]
            return self._other_listing(window_id, window, shell, tried)

    def _other_listing(self, window_id: int, window: Window, shell: ShellServed,
                       tried: list[str]) -> list[Entry] | None:
        """The window from the listings not tried yet; the night blocked if none answers."""
        for source in (s for s in SOURCES if s != self.source):
            self.log.drop_listings(window_id)  # its pages are not the other listing's
            try:
                entries = self._entries(window_id, window, source)
            except (ShellServed, SiteUnusable, FetchFailed) as exc:
                answer = "its search form without results too" if isinstance(
                    exc, ShellServed) else str(exc)
                tried.append(f"the {source.name} listing for {window} ({answer})")
                continue
            self.source, self.summary.listing = source, source.name
            return entries
        raise SiteUnusable(f"{shell.url}: the site served its search form without results (no "
                           f"count, no cards); tried {'; '.join(tried)}; stopped")

    def _source(self, window_id: int) -> Source:
        """The listing a window is read from: the one its checkpoints came from, if any."""
        saved = self.log.listing_url(window_id, 1)
        return source_of(saved) if saved else self.source

    def _entries(self, window_id: int, window: Window, source: Source) -> list[Entry] | None:
        """Every card of the window, page after page (None: too many, split the window)."""
        first = self._listing(window_id, window, 1, source)
        assert first.count is not None
        if first.count > WINDOW_CEILING and window.days > 1:
            return None
        self.log.set_window(window_id, "open", first.count)
        entries, seen, page = list(first.entries), {e.url for e in first.entries}, 1
        while len(entries) < first.count:
            page += 1
            fresh = [e for e in self._listing(window_id, window, page, source).entries
                     if e.url not in seen]
            if not fresh:
                raise FetchFailed(f"listing {window} ended on page {page} after "
                                  f"{len(entries)} of {first.count} results")
            entries += fresh
            seen.update(e.url for e in fresh)
        return entries

    def _listing(self, window_id: int, window: Window, page: int, source: Source) -> Listing:
        """A listing page: from its checkpoint, else fetched, checked and checkpointed."""
        if (saved := self.log.listing(window_id, page)) is not None:
            return saved
        url = source.url(self.fetcher.site.base, window, page)
        listing = parse_listing(self._listing_page(url), url, source)
        self._check(listing, url)
        self.log.save_listing(window_id, page, url, listing)
        self.summary.listing_pages += 1
        return listing

    def _check(self, listing: Listing, url: str) -> None:
        """Raise unless ``listing`` is a listing of results (or of none) on this site."""
        verdict = listing.verdict
        if verdict == "shell":
            raise ShellServed(url)
        if verdict == "empty":
            raise SiteUnusable(f"{url}: the listing shows no result count (an empty or blocking "
                               "page, not 'no decisions'); stopped")
        if verdict == "no_count":
            raise SiteUnusable(f"{url}: the listing links to {len(listing.entries)} decision "
                               "pages but shows no result count (has the layout changed?); "
                               "stopped")
        if verdict == "no_cards":
            raise SiteUnusable(f"{url}: the listing counts {listing.count} results but links "
                               "to no decision page (has the layout changed?); stopped")
        if listing.entries and not any(self.fetcher.site.owns(e.url) for e in listing.entries):
            raise SiteUnusable(f"{url}: the listing links only to other hosts (is --site "
                               f"{self.fetcher.site.base} the address the site uses?); stopped")

    def _open_session(self) -> str:
        """Open the decisions landing page in a new session (the site sets its session cookie
        there): "opened", or why not (for the line of a night the listing still refuses)."""
        self.fetcher.new_session()
        try:
            page = self.fetcher.get(self.fetcher.site.url(LANDING_PATH))
        except (Refused, FetchFailed) as exc:
            return f"not opened: {exc}"
        return "opened" if page.status == 200 else f"not opened: HTTP {page.status}"

    def _listing_page(self, url: str) -> str:
        if self.session is None and self.fetcher.allowed(url):  # this run's first listing page
            self.session = self._open_session()
        try:
            fetched = self.fetcher.get(url)
        except Refused as exc:
            if exc.kind == "too_large":
                raise FetchFailed(str(exc)) from None
            raise SiteUnusable(f"{exc}: cannot read the listing; stopped") from None
        if fetched.status in (401, 403):
            raise SiteUnusable(f"{url}: HTTP {fetched.status}: the site refuses this client; "
                               "stopped")
        if fetched.status != 200:
            raise FetchFailed(f"{url}: HTTP {fetched.status}")
        return fetched.body.decode("utf-8", "replace")

    def _window_failed(self, window_id: int, window: Window, reason: str) -> None:
        self.log.set_window(window_id, "failed")
        self.summary.failed_windows += 1
        self._count_window(window, 0)
        self._failure(reason)

    def _count_window(self, window: Window, listed: int) -> None:
        self.summary.windows += 1
        self.summary.listed += listed
        self._tick()
        if self.progress is not None:
            self.progress.window(self.summary, window)

    def _tick(self) -> None:
        self.summary.requests = self.fetcher.pacer.requests
        self.summary.rate = round(self.fetcher.pacer.rate(), 3)

    # -- decision pages -----------------------------------------------------------------------

    def _fetch_all(self, owed: list[Owed]) -> None:
        for item in owed:
            if self.options.limit is not None and self.fetches >= self.options.limit:
                raise LimitReached
            self.fetches += 1
            self._fetch(item)
            self._tick()
            if self.progress is not None:
                self.progress.page(self.summary)

    def _fetch(self, item: Owed) -> None:
        night, url = self.summary.night_id, item.url
        try:
            page = self.fetcher.get(url, item.etag, item.last_modified)
        except Refused as exc:
            if exc.kind == "too_large":
                self._page_failed(url, None, str(exc))
                return
            self.log.record_state(url, night, "skipped", None, str(exc))
            self.summary.skipped += 1
            return
        except FetchFailed as exc:
            self._page_failed(url, None, f"{url}: {exc}")
            return
        if page.status == 200:
            self._store(url, page)
        elif page.status == 304:
            self.log.record_state(url, night, "stored", 304, None)
            self.summary.unchanged += 1
        elif page.status in GONE:
            self.log.record_state(url, night, "not_found", page.status, None)
            self.summary.not_found += 1
        else:
            self._page_failed(url, page.status, f"{url}: HTTP {page.status}")

    def _store(self, url: str, page: Page) -> None:
        try:
            html, _ = decode_bytes(page.body, url)
            if not has_decision_article(html):
                raise InputError(f"{url}: no <article id=\"article\"> (not a decision page)")
            (doc,) = load_bytes(page.body, url, "html")
        except InputError as exc:
            self._page_failed(url, page.status, str(exc))
            return
        assert not isinstance(doc, InputError)
        outcome = self.log.record_page(url, self.summary.night_id, page, doc.sha256)
        setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)

    def _page_failed(self, url: str, status: int | None, reason: str) -> None:
        self.log.record_state(url, self.summary.night_id, "failed", status, reason)
        self.summary.failed += 1
        self._failure(reason)

    def _failure(self, reason: str) -> None:
        failures = self.summary.failed + self.summary.failed_windows
        if failures >= self.options.max_failures:
            raise TooManyFailures(f"{failures} failures tonight (the limit is "
                                  f"{self.options.max_failures}; last: {reason}); night "
                                  f"{self.summary.night_id} marked failed")
