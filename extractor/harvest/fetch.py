"""A polite HTTP fetcher for one website (the harvester's only way out to the network).

One request at a time, spaced by a pacer (the configured rate, or the site's robots.txt
Crawl-delay when longer); one HTTP session per night that keeps the site's cookies; the Accept
and Accept-Language headers a browser sends for pages, with an honest User-Agent that names the
tool and the contact (nothing else about the client is disguised); a deadline per request;
retries with doubling backoff on 429, 5xx, timeouts and dropped connections, honouring
Retry-After up to a ceiling. Only URLs on the configured site are requested: a link or a
redirect elsewhere is refused (``Refused``) before any byte goes out, and so is a path
robots.txt disallows. A body over the size limit is refused as soon as its announced length or
its bytes pass the limit, never read whole.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx2 as httpx

from extractor.errors import ExtractorError
from extractor.settings import DEFAULT_MAX_BYTES, Settings
from extractor.store.store import now

PRODUCT = "extractor"           # the User-Agent product token robots.txt rules are matched on
VERSION = "0.1.0"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
CHUNK_BYTES = 65_536
# What a browser asks for when it opens a page (sites serve some pages only to such requests).
PAGE_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-GB,en;q=0.9",
}


class SiteUnusable(ExtractorError):
    """The site cannot be harvested tonight: blocked, robots.txt, unreachable (exit 1)."""


class Refused(Exception):
    """A URL deliberately not fetched (or not read): another host, robots.txt, too large."""

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind


class FetchFailed(Exception):
    """A request that still failed after its retries (or was told to wait too long)."""


@dataclass(frozen=True)
class Politeness:
    """How the site is treated; from ``Settings`` (environment) or given by tests."""

    rate: float = 1.0
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 2.0
    max_wait: float = 300.0
    max_bytes: int = DEFAULT_MAX_BYTES
    contact: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Politeness:
        return cls(settings.harvest_rate, settings.harvest_timeout, settings.harvest_retries,
                   settings.harvest_backoff, settings.harvest_max_wait, settings.max_bytes,
                   settings.contact)

    @property
    def user_agent(self) -> str:
        contact = self.contact or "no contact set (EXTRACTOR_CONTACT)"
        return f"{PRODUCT}/{VERSION} (LGSCO decision harvester, polite; contact: {contact})"


@dataclass(frozen=True)
class Page:
    """One answer, read whole (within the size limit)."""

    url: str
    status: int
    body: bytes
    fetched: str
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None
    retry_after: str | None = None


class Site:
    """The one origin (scheme, host, port) the harvester may talk to."""

    def __init__(self, base: str):
        parts = urlsplit(base.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ExtractorError(f"{base}: the site must be an http(s) URL")
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.origin = _origin(self.base)

    def owns(self, url: str) -> bool:
        return _origin(url) == self.origin

    def url(self, path: str) -> str:
        return urljoin(self.base + "/", path)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port or default
    except ValueError:
        port = -1
    return parts.scheme, (parts.hostname or "").lower(), port


@dataclass
class Pacer:
    """At most one request start per ``interval`` seconds; keeps the start times."""

    interval: float
    sleep: Callable[[float], None] = time.sleep
    starts: list[float] = field(default_factory=list)

    def wait(self) -> None:
        if self.starts:
            left = self.starts[-1] + self.interval - time.monotonic()
            if left > 0:
                self.sleep(left)
        self.starts.append(time.monotonic())

    @property
    def requests(self) -> int:
        return len(self.starts)

    def rate(self) -> float:
        """Requests per second over the run (start of first to start of last)."""
        span = self.starts[-1] - self.starts[0] if len(self.starts) > 1 else 0.0
        return (len(self.starts) - 1) / span if span > 0 else 0.0


class Fetcher:
    """``get(url)`` politely; ``load_robots()`` first. One instance (one session, its cookies
    kept) per harvest."""

    def __init__(self, site: Site, polite: Politeness, client: httpx.Client | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.site, self.polite, self.sleep = site, polite, sleep
        self.pacer = Pacer(1.0 / polite.rate if polite.rate > 0 else 0.0, sleep)
        self.client = client or httpx.Client(
            headers={"User-Agent": polite.user_agent, **PAGE_HEADERS}, follow_redirects=False,
            timeout=httpx.Timeout(polite.timeout))
        self.robots: RobotFileParser | None = None

    def close(self) -> None:
        self.client.close()

    def new_session(self) -> None:
        """Forget the site's cookies: the next request starts a new session."""
        self.client.cookies.clear()

    def load_robots(self) -> None:
        """Read the site's robots.txt (4xx: no rules; 401/403: nothing allowed; else unusable)."""
        url = self.site.url("/robots.txt")
        try:
            page = self._follow(url, {})
        except (FetchFailed, Refused) as exc:
            raise SiteUnusable(f"{url}: cannot read robots.txt ({exc}); not harvesting") from None
        if page.status in (401, 403):  # as RFC 9309 says: a robots.txt we may not read
            rules = ["User-agent: *", "Disallow: /"]
        elif 400 <= page.status < 500:  # none published: no rules
            rules = []
        elif page.status == 200:
            rules = page.body.decode("utf-8", "replace").splitlines()
        else:
            raise SiteUnusable(f"{url}: robots.txt answered HTTP {page.status}; not harvesting")
        robots = RobotFileParser(url)
        robots.parse(rules)
        delay = robots.crawl_delay(PRODUCT)
        self.pacer.interval = max(self.pacer.interval, float(delay or 0))
        self.robots = robots

    def allowed(self, url: str) -> bool:
        return self.robots is None or self.robots.can_fetch(PRODUCT, url)

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Page:
        """The page at ``url`` (conditional when validators are given); redirects on the site
        are followed. Raises ``Refused`` or ``FetchFailed``."""
        self._check(url, "link")
        headers = {"If-None-Match": etag} if etag else {}
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._follow(url, headers)

    def _check(self, url: str, what: str) -> None:
        if not self.site.owns(url):
            raise Refused("offsite", f"{what} to another host: {url}")
        if not self.allowed(url):
            raise Refused("robots", f"robots.txt disallows {url}")

    def _follow(self, url: str, headers: dict[str, str]) -> Page:
        for _ in range(MAX_REDIRECTS + 1):
            page = self._with_retries(url, headers)
            if page.status not in REDIRECT_STATUSES or not page.location:
                return page
            url = urljoin(url, page.location)
            self._check(url, "redirect")
        raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")

    def _with_retries(self, url: str, headers: dict[str, str]) -> Page:
        tries = 0
        while True:
            try:
                page = self._once(url, headers)
            except httpx.TransportError as exc:  # timeouts, refused and dropped connections
                tries = self._back_off(tries, None, _describe(exc))
                continue
            if page.status not in RETRY_STATUSES:
                return page
            tries = self._back_off(tries, page.retry_after, f"HTTP {page.status}")

    def _back_off(self, tries: int, retry_after: str | None, reason: str) -> int:
        """Sleep before the next try (Retry-After, else doubling backoff); the new count."""
        if tries >= self.polite.retries:
            raise FetchFailed(f"{reason} ({tries + 1} {'try' if tries == 0 else 'tries'})")
        asked = retry_seconds(retry_after)
        wait = asked if asked is not None else self.polite.backoff * 2 ** tries
        if wait > self.polite.max_wait:
            raise FetchFailed(f"{reason}, asked to wait {wait:.0f}s (over the "
                              f"{self.polite.max_wait:.0f}s limit)")
        self.sleep(wait)
        return tries + 1

    def _once(self, url: str, headers: dict[str, str]) -> Page:
        self.pacer.wait()
        deadline = time.monotonic() + self.polite.timeout
        with self.client.stream("GET", url, headers=headers) as resp:
            announced = resp.headers.get("content-length", "")
            if announced.isdigit() and int(announced) > self.polite.max_bytes:
                raise Refused("too_large", f"{url}: {int(announced):,} bytes announced, over "
                              f"the limit of {self.polite.max_bytes:,}")
            body = b"".join(self._chunks(resp, url, deadline))
            get = resp.headers.get
            return Page(url, resp.status_code, body, now(), get("etag"), get("last-modified"),
                        get("location"), get("retry-after"))

    def _chunks(self, resp: httpx.Response, url: str, deadline: float) -> Iterator[bytes]:
        read = 0
        for chunk in resp.iter_bytes(CHUNK_BYTES):
            read += len(chunk)
            if read > self.polite.max_bytes:
                raise Refused("too_large", f"{url}: over the limit of "
                              f"{self.polite.max_bytes:,} bytes; stopped reading")
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout(f"no whole answer within {self.polite.timeout:g}s")
            yield chunk


def retry_seconds(retry_after: str | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date (None when absent or unreadable)."""
    if not retry_after:
        return None
    value = retry_after.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _describe(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return f"connection failed ({type(exc).__name__}: {exc})" if str(exc) else \
        f"connection failed ({type(exc).__name__})"
