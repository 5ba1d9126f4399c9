"""The website's layout: the two listings of decisions by date, their cards, and date windows.

A listing page (the search, ``/Decisions/SearchResults?fd=…&td=…&page=N``, or the Archive,
``/Decisions/Archive?t=both&fd=…&td=…&dc=c+nu+u+&sortOrder=descending&page=N``) opens with a
count ("Your search has N results", "Archive has N results") and shows one card per decision:
the body and reference, linked to the decision page
(``/decisions/<category>/<subcategory>/<YY-NNN-NNN>``), a line ``Statement <Decision>
<Sub-category> <DD-Mon-YYYY>`` and the summary. Dates in the query are written as the site
writes them, unpadded (``td=2026-4-28``). Decision links are found by their path anywhere in
the page (any attribute of any element), not by the shape of a link.

A page without the count is not "no decisions" (DOMAIN.md §2.1): with the search form and no
cards it is a *shell* (what the site serves a client without a session), without either an
empty page, and with cards but no count a changed layout. ``verdict`` tells them apart.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode

from extractor.facts.patterns import (
    LISTING_LINE_REGEX,
    normalise_ref,
    parse_date,
    parse_decision_url,
)
from extractor.read.load import HTML_BLOCK_TAG_REGEX, HTML_SPACE_REGEX

# The decisions landing page: it sets the session cookie the search listing needs.
LANDING_PATH = "/decisions"
# A decision page path: /decisions/<category-slug>/<subcategory-slug>/<YY-NNN-NNN[suffix]>
# (a trailing letter marks a second statement on one case, e.g. 17-002-402b).
DECISION_PATH_REGEX = re.compile(
    r"^/decisions/(?P<top>[a-z0-9-]+)/(?P<sub>[a-z0-9-]+)/(?P<ref>\d{2}-\d{3}-\d{3}[a-z]?)/?$",
    re.IGNORECASE)
# The same path anywhere in an attribute value (href, data-href, onclick="location='…'"),
# with the scheme and host when the page writes them: the whole match is the link.
DECISION_LINK_REGEX = re.compile(
    r"(?:https?://[^/\s'\"]+)?/decisions/[a-z0-9-]+/[a-z0-9-]+/\d{2}-\d{3}-\d{3}[a-z]?/?"
    r"(?=[?#'\"\s)&]|$)", re.IGNORECASE)
# A card's title: "<Body> (<YY SSS SSS>)" on a line of its own.
CARD_TITLE_REGEX = re.compile(
    r"^(?P<body>.*?\S)\s*\((?P<ref>\d{2}[ -]?\d{3}[ -]?\d{3}[a-z]?)\)$")
# A card's summary line, with its label: "Summary: Mr B complained ...".
CARD_SUMMARY_REGEX = re.compile(r"^Summary:\s*", re.IGNORECASE)
# More results than this in one window and the window is halved (stays far from any ceiling
# a site puts on how deep its pagination goes; a week holds about 150 decisions).
WINDOW_CEILING = 300


@dataclass(frozen=True)
class Source:
    """One of the site's listings by date: its path, its query and how it counts."""

    name: str
    path: str
    query: str                  # with {fd}, {td} (unpadded dates) and {page}
    count_regex: re.Pattern[str]

    def url(self, base: str, window: Window, page: int) -> str:
        query = self.query.format(fd=unpadded(window.fd), td=unpadded(window.td), page=page)
        return urljoin(base + "/", self.path.lstrip("/")) + "?" + query


SEARCH = Source(
    "search", "/Decisions/SearchResults", "fd={fd}&td={td}&page={page}",
    # "Your search has 1,234 results" (or "1 result").
    re.compile(r"Your\s+search\s+has\s+(?P<count>\d[\d,]*)\s+results?\b", re.IGNORECASE))
ARCHIVE = Source(
    # t=both (statements and reports), every decision code (dc: closed after initial
    # enquiries, not upheld, upheld; "+" encoded), newest first; no category (c=): all of them.
    "Archive", "/Decisions/Archive",
    "t=both&fd={fd}&td={td}&dc=c%2Bnu%2Bu%2B&sortOrder=descending&page={page}",
    # "Archive has 12 results".
    re.compile(r"Archive\s+has\s+(?P<count>\d[\d,]*)\s+results?\b", re.IGNORECASE))
SOURCES = (SEARCH, ARCHIVE)  # in the order a night tries them


def source_of(url: str) -> Source:
    """The listing a (checkpointed) listing URL belongs to."""
    path = urlsplit(url).path.lower()
    return next((s for s in SOURCES if s.path.lower() == path), SEARCH)


def unpadded(day: date) -> str:
    """A date as the site writes it in its queries: ``2026-4-28``."""
    return f"{day.year}-{day.month}-{day.day}"


@dataclass(frozen=True)
class Card:
    """The header facts a listing card shows (any may be missing when the card changes)."""

    body: str | None = None
    reference: str | None = None     # "24 021 016"
    decision: str | None = None      # as printed: Upheld | Not upheld | Closed after ...
    sub_category: str | None = None
    date: str | None = None          # ISO
    summary: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Entry:
    """One card of a listing: the decision page it links to, a hash of the card's text (a
    changed card tells a stored page to be fetched again) and the card's header facts."""

    url: str
    card_sha256: str
    card: Card | None = None


@dataclass(frozen=True)
class Listing:
    count: int | None
    entries: list[Entry]
    form: bool = False          # the page shows a search form

    @property
    def verdict(self) -> str:
        """``results`` (a count, and cards when it is not 0), ``shell`` (the search form, no
        count, no cards), ``empty`` (no count, no cards, no form), ``no_count`` (cards without
        the count) or ``no_cards`` (a count without cards): the last two, a changed layout."""
        if self.count is not None:
            return "results" if self.entries or self.count == 0 else "no_cards"
        if self.entries:
            return "no_count"
        return "shell" if self.form else "empty"


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


def parse_listing(html: str, page_url: str, source: Source = SEARCH) -> Listing:
    """The count (None when the page shows none), the decision cards in page order, and
    whether the page shows a form."""
    tree = HTMLParser(html)
    root = tree.body or tree.root
    text = root.text(separator=" ") if root is not None else ""
    found = source.count_regex.search(text)
    count = int(found.group("count").replace(",", "")) if found else None
    entries: dict[str, Entry] = {}
    for node, url in _decision_links(tree.root, page_url) if tree.root is not None else []:
        if url not in entries:
            card = _card(node, source)
            entries[url] = Entry(url, _sha(card.text(separator=" ", strip=True)),
                                 card_facts(card.html or "", url))
    return Listing(count, list(entries.values()), tree.css_first("form") is not None)


def is_decision_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(DECISION_PATH_REGEX.match(parts.path))


def card_facts(card_html: str, url: str) -> Card:
    """Body, reference, decision, sub-category, date and summary of one card's HTML (the
    reference from the link when the title does not show it)."""
    lines = _lines(card_html)
    title = next((m for line in lines if (m := CARD_TITLE_REGEX.match(line))), None)
    meta = LISTING_LINE_REGEX.search("\n".join(lines))
    return Card(title["body"] if title else None,
                normalise_ref(title["ref"]) if title else parse_decision_url(url).reference,
                meta["decision"] if meta else None, meta["sub"] if meta else None,
                parse_date(meta["date"]) if meta else None, _summary(lines, title, meta))


def _lines(card_html: str) -> list[str]:
    """The card's text, one block element per line (nothing dropped: a card is small)."""
    html = HTML_BLOCK_TAG_REGEX.sub(r"\n\1\n", HTML_SPACE_REGEX.sub(" ", card_html))
    root = HTMLParser(html).body
    text = root.text(separator="", strip=False) if root is not None else ""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _summary(lines: list[str], title: re.Match[str] | None, meta: re.Match[str] | None
             ) -> str | None:
    """The line labelled "Summary:", else the lines after the decision line (not the title)."""
    labelled = [CARD_SUMMARY_REGEX.sub("", line) for line in lines
                if CARD_SUMMARY_REGEX.match(line)]
    start = "\n".join(lines)[:meta.end()].count("\n") + 1 if meta else 0
    rest = [line for line in lines[start:] if not (title and line == title.string)]
    return " ".join(labelled or rest).strip() or None


def _decision_links(root: LexborNode, page_url: str) -> list[tuple[LexborNode, str]]:
    """Each element with a decision link in an attribute, with the link, in page order."""
    found = []
    for node in root.traverse():
        for value in (node.attributes or {}).values():
            for m in DECISION_LINK_REGEX.finditer(value or ""):
                url = urljoin(page_url, m.group(0))
                if is_decision_url(url):
                    found.append((node, url))
    return found


def _card(node: LexborNode, source: Source) -> LexborNode:
    """The largest element around ``node`` that links to one decision only (nor holds the
    count: with one result, the card must not grow into the whole page)."""
    while (parent := node.parent) is not None and len(_linked(parent)) == 1 \
            and not source.count_regex.search(parent.text(separator=" ")):
        node = parent
    return node


def _linked(node: LexborNode) -> set[str]:
    """The decision paths linked from ``node`` and everything in it."""
    paths: set[str] = set()
    for inner in node.traverse():
        for value in (inner.attributes or {}).values():
            paths.update(urlsplit(m.group(0)).path.rstrip("/").lower()
                         for m in DECISION_LINK_REGEX.finditer(value or ""))
    return paths


def _sha(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()
