"""A small copy of the Ombudsman's website, served on loopback, that misbehaves on demand.

It serves ``/robots.txt``, the decisions landing page ``/decisions`` (which sets a session
cookie), the search listing ``/Decisions/SearchResults?fd=&td=&page=`` ("Your search has N
results", ten cards a page, newest first), the Archive listing ``/Decisions/Archive?t=both&fd=
&td=&dc=&sortOrder=descending&page=`` ("Archive has N results", twenty cards a page) and
decision pages ``/decisions/<category>/<subcategory>/<YY-NNN-NNN>`` whose ``<article
id="article">`` holds the title, the header lines and the text, inside the site's menus and
footer. Every page is written here, in the house style; decisions are made by
``make_decisions``. Dates in listing queries are read in either form (``2025-1-6``,
``2025-01-06``); with ``unpadded_only`` a zero-padded date is not understood and the listing
shows 0 results.

How the listings treat a client: with ``needs_session`` the search listing answers a request
without a live session cookie with its *shell* (the search form, no count, no cards), and a
session serves ``session_pages`` listing pages before it expires; ``shell_always`` holds the
listing paths that answer the shell whatever the client does. ``markup="other"`` writes the
cards in other markup: no ``<a>``, the link (absolute) in a ``data-href`` attribute of each
card, the title, decision line and summary in other elements, the summary without its label.

Faults (``site.faults[path] = [behaviour, ...]``, consumed one per request to that path, then
normal answers; the path of a listing is ``/Decisions/SearchResults``): ``429`` (with
``Retry-After``), ``500``, ``hang`` (no answer for ``hang_seconds``), ``drop`` (the connection
closed without an answer), ``404``, ``no_article`` (a 200 page without the article),
``no_count`` (a listing page without its count: an empty page), ``shell`` (a listing
page with the search form only), ``redirect_offsite`` (302 to
``elsewhere``), ``huge`` (a body over any limit, streamed without Content-Length) and
``huge_announced`` (a Content-Length over any limit). ``offsite_cards`` adds listing cards
that link to ``elsewhere``. Every request is logged in ``site.requests``.
"""

from __future__ import annotations

import hashlib
import html
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from urllib.parse import parse_qs, urlsplit

PAGE_SIZE = 10
ARCHIVE_PAGE_SIZE = 20
SEARCH_PATH, ARCHIVE_PATH = "/Decisions/SearchResults", "/Decisions/Archive"
SESSION_COOKIE = "ASP.NET_SessionId"
HUGE_BYTES = 40_000_000
CATEGORIES = [("Adult care services", "Charging"), ("Housing", "Homelessness"),
              ("Planning", "Planning applications"), ("Education", "School transport"),
              ("Benefits and tax", "Council tax"), ("Transport and highways",
                                                   "Parking and other penalties")]
BODIES = ["Northshire County Council", "Eastvale Borough Council", "City of Westmoor Council",
          "Southdown District Council", "Riverside Metropolitan Borough Council"]
OUTCOMES = ["Upheld", "Not upheld", "Closed after initial enquiries"]
PEOPLE = "BCDFGHJKLMNPRSTW"


def slug(name: str) -> str:
    return name.lower().replace(" ", "-").replace("'", "-")


@dataclass
class Decision:
    ref: str                  # 25-001-234
    day: date
    body: str
    top: str
    sub: str
    outcome: str
    summary: str
    card_note: str = ""       # shown on the listing card only

    @property
    def path(self) -> str:
        return f"/decisions/{slug(self.top)}/{slug(self.sub)}/{self.ref}"

    @property
    def spaced_ref(self) -> str:
        return self.ref.replace("-", " ")


def make_decisions(days: list[date], first: int = 0) -> list[Decision]:
    """One decision per entry of ``days``, distinct by number."""
    found = []
    for i, day in enumerate(days, start=first):
        top, sub = CATEGORIES[i % len(CATEGORIES)]
        person = PEOPLE[i % len(PEOPLE)]
        outcome = OUTCOMES[i % len(OUTCOMES)]
        summary = (f"Mr {person} complained the Council mishandled matter number {i} about "
                   f"{sub.lower()}. " + SUMMARY_ENDINGS[outcome])
        # received in the business year (from April) before the decision's
        year = ((day.year if day.month >= 4 else day.year - 1) - 1) % 100
        serial = f"{1000 + 97 * i:06d}"
        found.append(Decision(f"{year:02d}-{serial[:3]}-{serial[3:]}", day,
                              BODIES[i % len(BODIES)], top, sub, outcome, summary))
    return found


SUMMARY_ENDINGS = {
    "Upheld": "We found fault causing injustice. The Council agreed to apologise.",
    "Not upheld": "We found no fault in how the Council reached its decision.",
    "Closed after initial enquiries": "We will not investigate this complaint. This is "
                                      "because there is not enough evidence of fault.",
}


def decision_page(d: Decision, with_article: bool = True) -> str:
    """The decision page: the site's chrome around ``<article id="article">``."""
    article = (
        f'<article id="article" class="decision">\n<h1>{html.escape(d.body)} ({d.spaced_ref})'
        f'</h1>\n<div class="decision-details">\n'
        f'<p><span class="label">Category</span> : {html.escape(d.top)} &gt; '
        f'{html.escape(d.sub)}</p>\n'
        f'<p><span class="label">Decision</span> : {d.outcome}</p>\n'
        f'<p><span class="label">Decision date</span> : {d.day:%d %b %Y}</p>\n</div>\n'
        "<h2>The Ombudsman's final decision:</h2>\n"
        f"<p>Summary: {html.escape(d.summary)}</p>\n<h2>The complaint</h2>\n<ol>"
        f"<li>Mr {d.summary.split()[1]} complained about the Council's handling of his case."
        "</li></ol>\n<h2>Final decision</h2>\n<p>I have completed my investigation.</p>\n"
        "</article>")
    content = article if with_article else (
        '<div class="notice"><h1>Sorry, this page is being updated</h1>'
        "<p>Please try again later.</p></div>")
    return chrome(f"{d.body} ({d.spaced_ref})", content)


def chrome(title: str, content: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)} - Local Government and Social Care Ombudsman</title>"
        "<style>.x{}</style></head>\n<body>\n<div class=\"cookie-banner\">We use cookies "
        "to make this site work. <button>Accept</button></div>\n<header class=\"site\"><nav>"
        "<a href=\"/\">Home</a> <a href=\"/Decisions\">Decisions</a></nav></header>\n"
        f"<main>\n{content}\n</main>\n<footer><p>Back to top</p><p>Print this page</p>"
        "</footer>\n</body></html>\n")


def listing_page(found: list[Decision], total: int, page: int, extra: str = "",
                 archive: bool = False, markup: str = "site", base: str = "") -> str:
    """A page of the search (or Archive) listing: the form, the count and the cards."""
    cards = "\n".join((other_card(d, base) if markup == "other" else site_card(d))
                       for d in found)
    size = ARCHIVE_PAGE_SIZE if archive else PAGE_SIZE
    more = f'<a href="?page={page + 1}">Next</a>' if page * size < total else ""
    counted = (f"Archive has {total} results" if archive else
               f"Your search has <strong>{total}</strong> results" if markup == "other" else
               f"Your search has {total} results")
    return chrome("Search results", (
        f'{SEARCH_FORM}\n<p class="results-count">{counted}</p>\n'
        f'<ul class="search-results">\n{cards}\n{extra}</ul>\n'
        f'<nav class="pagination">{more}</nav>'))


SEARCH_FORM = ('<form class="search" action="/Decisions/SearchResults"><label>From <input '
               'name="fd"></label> <label>To <input name="td"></label> <input name="q"> '
               "<button>Search</button></form>")


def site_card(d: Decision) -> str:
    return (f'<li class="search-result"><h3><a href="{d.path}">{html.escape(d.body)} '
            f"({d.spaced_ref})</a></h3><p class=\"meta\">Statement {d.outcome} "
            f"{html.escape(d.sub)} {d.day:%d-%b-%Y}</p><p class=\"summary\">Summary: "
            f"{html.escape(d.summary[:120])}</p><p>{html.escape(d.card_note)}</p></li>")


def other_card(d: Decision, base: str) -> str:
    """The same card in other markup: no link element, the link in a data attribute."""
    return (f'<div class="result-card" data-href="{base}{d.path}" role="link" tabindex="0">'
            f'<h2 class="result-card__title"><span class="org">{html.escape(d.body)}</span> '
            f'<span class="ref">({d.spaced_ref})</span></h2><div class="result-card__meta">'
            f"<span>Statement</span> <span>{d.outcome}</span> <span>{html.escape(d.sub)}</span> "
            f'<time>{d.day:%d-%b-%Y}</time></div><div class="result-card__text">'
            f"{html.escape(d.summary[:120])} {html.escape(d.card_note)}</div></div>")


def shell_page() -> str:
    """What the search listing serves a client it does not treat as a browser: the form only."""
    return chrome("Search results", f"<h1>Search decisions</h1>\n{SEARCH_FORM}")


def landing_page() -> str:
    return chrome("Decisions", "<h1>Decisions</h1><p>Search our decisions by date, council or "
                  f'category.</p>\n{SEARCH_FORM}\n<p><a href="{ARCHIVE_PATH}">Archive</a></p>')


def query_date(value: str, unpadded_only: bool) -> date | None:
    """A listing query's date, ``2025-1-6`` or ``2025-01-06`` (None: not understood)."""
    parts = value.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    if unpadded_only and any(p.startswith("0") for p in parts[1:]):
        return None
    return date(*(int(p) for p in parts))


@dataclass
class Logged:
    path: str
    query: str
    headers: dict[str, str]
    behaviour: str
    at: float


@dataclass
class HarvestSite:
    decisions: list[Decision]
    robots: str = "User-agent: *\nAllow: /\n"
    faults: dict[str, list[str]] = field(default_factory=dict)
    offsite_cards: list[tuple[date, str]] = field(default_factory=list)  # (day, path)
    elsewhere: str = "http://localhost:9"
    hang_seconds: float = 2.0
    retry_after: str = "1"
    etags: bool = True
    needs_session: bool = False
    session_pages: int = 1_000_000
    shell_always: tuple[str, ...] = ()
    markup: str = "site"
    unpadded_only: bool = False
    requests: list[Logged] = field(default_factory=list)
    sent_bytes: dict[str, int] = field(default_factory=dict)
    sessions: dict[str, int] = field(default_factory=dict)   # token: listing pages left

    def __enter__(self) -> HarvestSite:
        self.lock, self.tokens = threading.Lock(), count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self, prefix: str = "/decisions/") -> list[str]:
        return [r.path for r in self.requests if r.path.startswith(prefix)]

    def behaviour(self, path: str) -> str:
        with self.lock:
            queue = self.faults.get(path)
            return queue.pop(0) if queue else "ok"

    def open_session(self) -> str:
        with self.lock:
            token = f"s{next(self.tokens):04d}"
            self.sessions[token] = self.session_pages
            return token

    def serves_shell(self, path: str, token: str | None) -> bool:
        """Whether a listing request gets the shell (a live session's page is counted)."""
        if path in self.shell_always:
            return True
        if not self.needs_session or path != SEARCH_PATH:
            return False
        with self.lock:
            left = self.sessions.get(token or "", 0)
            if left > 0:
                self.sessions[token or ""] = left - 1
            return left <= 0

    def listed(self, fd: date, td: date) -> list[Decision]:
        found = [d for d in self.decisions if fd <= d.day <= td]
        return sorted(found, key=lambda d: (d.day, d.ref), reverse=True)


def _handler(site: HarvestSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()  # headers and body go in two writes: no Nagle wait between them
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # the http.server API names it
            parts = urlsplit(self.path)
            behaviour = site.behaviour(parts.path)
            self.logged = Logged(parts.path, parts.query, {
                k.lower(): v for k, v in self.headers.items()}, behaviour, time.monotonic())
            site.requests.append(self.logged)
            if behaviour == "ok":
                self._route(parts.path, parse_qs(parts.query))
            else:
                self._fault(behaviour, parts.path)

        def _route(self, path: str, query: dict[str, list[str]]) -> None:
            if path == "/robots.txt":
                self._send(200, site.robots, "text/plain")
            elif path.lower() == "/decisions":
                self._send(200, landing_page(), headers={
                    "Set-Cookie": f"{SESSION_COOKIE}={site.open_session()}; Path=/; HttpOnly"})
            elif path in (SEARCH_PATH, ARCHIVE_PATH):
                self._listing(path, query)
            elif (found := [d for d in site.decisions if d.path == path]):
                self._decision(found[0])
            else:
                self._send(404, chrome("Not found", "<h1>Page not found</h1>"))

        def _listing(self, path: str, query: dict[str, list[str]]) -> None:
            cookie = SimpleCookie(self.headers.get("Cookie", ""))
            token = cookie[SESSION_COOKIE].value if SESSION_COOKIE in cookie else None
            if site.serves_shell(path, token):
                self.logged.behaviour = "shell"  # not a fault: how this site treats the client
                self._send(200, shell_page())
                return
            fd, td = (query_date(query.get(k, [""])[0], site.unpadded_only) for k in ("fd", "td"))
            page, archive = int(query.get("page", ["1"])[0]), path == ARCHIVE_PATH
            found = site.listed(fd, td) if fd and td else []
            extra = "".join(
                f'<li class="search-result"><h3><a href="{site.elsewhere}{path}">Elsewhere '
                f"Council</a></h3></li>" for day, path in site.offsite_cards
                if fd and td and fd <= day <= td)
            size = ARCHIVE_PAGE_SIZE if archive else PAGE_SIZE
            self._send(200, listing_page(found[(page - 1) * size:page * size], len(found), page,
                                         extra if page == 1 else "", archive, site.markup,
                                         site.url))

        def _decision(self, d: Decision) -> None:
            body = decision_page(d)
            etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'
            if site.etags and self.headers.get("If-None-Match") == etag:
                self._send(304, "", headers={"ETag": etag})
            else:
                self._send(200, body, headers={"ETag": etag} if site.etags else {})

        def _fault(self, behaviour: str, path: str) -> None:
            if behaviour == "429":
                self._send(429, "Too many requests", headers={"Retry-After": site.retry_after})
            elif behaviour in ("500", "404"):
                self._send(int(behaviour), chrome("Error", f"<h1>Error {behaviour}</h1>"))
            elif behaviour == "hang":
                time.sleep(site.hang_seconds)
                self.close_connection = True
            elif behaviour == "drop":
                self.close_connection = True
            elif behaviour == "no_article":
                d = next(d for d in site.decisions if d.path == path)
                self._send(200, decision_page(d, with_article=False))
            elif behaviour == "no_count":
                self._send(200, chrome("Decisions", "<p></p>"))
            elif behaviour == "shell":
                self._send(200, shell_page())
            elif behaviour == "redirect_offsite":
                self._send(302, "", headers={"Location": site.elsewhere + path})
            else:
                self._huge(path, announced=behaviour == "huge_announced")

        def _huge(self, path: str, announced: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if announced:
                self.send_header("Content-Length", str(HUGE_BYTES))
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            chunk, sent = b"<p>" + b"x" * 65_530 + b"</p>", 0
            try:
                while sent < HUGE_BYTES:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except OSError:
                pass
            site.sent_bytes[path] = sent

        def _send(self, status: int, text: str, content_type: str = "text/html",
                  headers: dict[str, str] | None = None) -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
