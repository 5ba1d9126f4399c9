"""The website's layout: the search listing of decisions by date, and its date windows.

A listing page (``/Decisions/SearchResults?fd=…&td=…&page=N``) says "Your search has N
results" and shows one card per decision, whose link leads to the decision page
(``/decisions/<category>/<subcategory>/<YY-NNN-NNN>``). A page without the count is not a
listing (the site sometimes answers a non-browser client with an empty page): the caller must
fail loudly rather than read it as "no decisions".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode

LISTING_PATH = "/Decisions/SearchResults"
# The listing's count: "Your search has 1,234 results" (or "1 result").
RESULT_COUNT_REGEX = re.compile(r"Your\s+search\s+has\s+(?P<count>\d[\d,]*)\s+results?\b",
                                re.IGNORECASE)
# A decision page path: /decisions/<category-slug>/<subcategory-slug>/<YY-NNN-NNN[suffix]>
# (a trailing letter marks a second statement on one case, e.g. 17-002-402b).
DECISION_PATH_REGEX = re.compile(
    r"^/decisions/(?P<top>[a-z0-9-]+)/(?P<sub>[a-z0-9-]+)/(?P<ref>\d{2}-\d{3}-\d{3}[a-z]?)/?$",
    re.IGNORECASE)
# More results than this in one window and the window is halved (stays far from any ceiling
# a site puts on how deep its pagination goes; a week holds about 150 decisions).
WINDOW_CEILING = 300


@dataclass(frozen=True)
class Entry:
    """One card of a listing: the decision page it links to and a hash of the card's text
    (a changed card tells a stored page to be fetched again)."""

    url: str
    card_sha256: str


@dataclass(frozen=True)
class Listing:
    count: int | None
    entries: list[Entry]


@dataclass(frozen=True)
class Window:
    """Decisions dated from ``fd`` to ``td``, both included."""

    fd: date
    td: date

    @property
    def days(self) -> int:
        return (self.td - self.fd).days + 1

    def halves(self) -> tuple[Window, Window]:
        middle = self.fd + timedelta(days=self.days // 2 - 1)
        return Window(self.fd, middle), Window(middle + timedelta(days=1), self.td)

    def __str__(self) -> str:
        return f"{self.fd.isoformat()}..{self.td.isoformat()}"


def windows(since: date, until: date, days: int) -> list[Window]:
    """``since``..``until`` cut into windows of ``days`` days, oldest first."""
    found, start = [], since
    while start <= until:
        end = min(start + timedelta(days=max(days, 1) - 1), until)
        found.append(Window(start, end))
        start = end + timedelta(days=1)
    return found


def listing_url(base: str, window: Window, page: int) -> str:
    query = urlencode({"fd": window.fd.isoformat(), "td": window.td.isoformat(), "page": page})
    return urljoin(base + "/", LISTING_PATH.lstrip("/")) + "?" + query


def parse_listing(html: str, page_url: str) -> Listing:
    """The count (None when the page shows none) and the decision cards, in page order."""
    tree = HTMLParser(html)
    root = tree.body or tree.root
    text = root.text(separator=" ") if root is not None else ""
    found = RESULT_COUNT_REGEX.search(text)
    count = int(found.group("count").replace(",", "")) if found else None
    entries: dict[str, Entry] = {}
    for link in tree.css("a[href]"):
        url = urljoin(page_url, (link.attributes.get("href") or "").strip())
        if is_decision_url(url) and url not in entries:
            entries[url] = Entry(url, _sha(_card(link)))
    return Listing(count, list(entries.values()))


def is_decision_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(DECISION_PATH_REGEX.match(parts.path))


def _card(link: LexborNode) -> str:
    """The text of the largest element around ``link`` that holds no other decision link
    (nor the count: with one result, the card must not grow into the whole page)."""
    node = link
    while (parent := node.parent) is not None and _decision_links(parent) == 1 \
            and not RESULT_COUNT_REGEX.search(parent.text(separator=" ")):
        node = parent
    return node.text(separator=" ", strip=True)


def _decision_links(node: LexborNode) -> int:
    hrefs = {(a.attributes.get("href") or "").strip() for a in node.css("a[href]")}
    return sum(1 for href in hrefs if DECISION_PATH_REGEX.match(urlsplit(href).path))


def _sha(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()
