"""``extractor harvest`` against a small copy of the website on loopback (tests/harvestsite.py):
two nights, every fault the harvester must survive or refuse, and ``batch --harvested``."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import httpx2 as httpx
import pytest
from harvestsite import (
    ARCHIVE_PATH,
    HUGE_BYTES,
    SEARCH_PATH,
    SESSION_COOKIE,
    Decision,
    HarvestSite,
    make_decisions,
)
from typer.testing import CliRunner

import extractor.harvest.night as night_module
from extractor.cli import app
from extractor.errors import ConfigError
from extractor.harvest.fetch import Politeness, Site, SiteUnusable, retry_seconds
from extractor.harvest.listing import (
    ARCHIVE,
    SEARCH,
    Card,
    Window,
    card_facts,
    is_decision_url,
    parse_listing,
    unpadded,
    windows,
)
from extractor.harvest.run import HarvestOptions, HarvestSummary, harvest
from extractor.pipeline import run_one
from extractor.read.load import load_path
from extractor.runs.report import format_harvest

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])

SINCE, UNTIL = date(2025, 1, 1), date(2025, 4, 30)
JANUARY = [date(2025, 1, 6 + i // 2) for i in range(12)]     # 12: a window of two pages
FEBRUARY = [date(2025, 2, 3 + 2 * i) for i in range(11)]
APRIL = [date(2025, 4, 10 + 2 * i) for i in range(9)]        # and March: no decisions
DECISIONS = len(JANUARY) + len(FEBRUARY) + len(APRIL)
LISTING_PAGES = 10    # 9 windows of 14 days, January's on two pages
LANDING = 1           # /decisions, opened before the first listing page of a run
FAST = Politeness(rate=200.0, timeout=0.4, retries=2, backoff=0.02, max_wait=3.0,
                  max_bytes=500_000, contact="harvest-tests@example.org")
FAST_ENV = {"EXTRACTOR_HARVEST_RATE": "200", "EXTRACTOR_HARVEST_TIMEOUT": "0.4",
            "EXTRACTOR_HARVEST_RETRIES": "2", "EXTRACTOR_HARVEST_BACKOFF": "0.02",
            "EXTRACTOR_HARVEST_WINDOW_DAYS": "14", "EXTRACTOR_CONTACT": "harvest-tests@example.org"}


def new_site(**kw: object) -> HarvestSite:
    return HarvestSite(make_decisions(JANUARY + FEBRUARY + APRIL), **kw)  # type: ignore[arg-type]


def night(db: Path, site: HarvestSite, polite: Politeness = FAST, today: date | None = None,
          **options: object) -> HarvestSummary:
    dates = {"since": SINCE, "until": UNTIL} if "since" not in options else {}
    opts = HarvestOptions(site=site.url, window_days=14, **{**dates, **options})  # type: ignore
    return harvest(str(db), opts, polite, today=today)


def stored(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute("SELECT url, version FROM harvest_pages ORDER BY id"))


def url_state(db: Path, url: str) -> tuple[str, int | None, str | None]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT state, status, detail FROM harvest_urls WHERE url = ?",
                            (url,)).fetchone()


def invoke(*args: str, **env: str) -> object:
    return CliRunner().invoke(app, list(args), env={**FAST_ENV, **env})


# -- the website's layout, and the fetcher's rules (tables) ------------------------------------

COUNTS = [  # (listing, page body, count)
    (SEARCH, "<p>Your search has 23 results</p>", 23),
    (SEARCH, "<p>Your search has 1 result</p>", 1),                  # singular
    (SEARCH, "<p>Your search has 1,234 results</p>", 1234),          # thousands separator
    (SEARCH, "<p>Your   search has\n 0 results</p>", 0),             # a month with no decisions
    (SEARCH, "<p>Your search has <b>7</b> results</p>", 7),         # the number in bold
    (SEARCH, "<p>Archive has 12 results</p>", None),                 # the other listing's
    (SEARCH, "<p></p>", None),                                       # an empty page
    (ARCHIVE, "<p>Archive has 12 results</p>", 12),
    (ARCHIVE, "<p>Archive has 1 result</p>", 1),
    (ARCHIVE, "<p>Your search has 23 results</p>", None),
]


@pytest.mark.parametrize(("source", "body", "count"), COUNTS,
                         ids=[f"{s.name}-{c}" for s, _, c in COUNTS])
def test_listing_count(source, body, count):
    page = f"<html><body>{body}</body></html>"
    assert parse_listing(page, "https://x.test/", source).count == count


CARD = ('<li><a href="/decisions/housing/homelessness/24-021-016">Eastvale Borough Council '
        "(24 021 016)</a><p>Statement Upheld Homelessness 03-Mar-2025</p></li>")
FORM = '<form action="/Decisions/SearchResults"><input name="fd"></form>'
VERDICTS = [  # (page body, verdict)
    (f"{FORM}<p>Your search has 1 result</p><ul>{CARD}</ul>", "results"),
    (f"{FORM}<p>Your search has 0 results</p>", "results"),          # no decisions: fine
    (f"<h1>Search decisions</h1>{FORM}", "shell"),                   # the form only
    ("<p>Sorry, this page is being updated</p>", "empty"),           # no form, no count
    (f"{FORM}<p>We found 1 result</p><ul>{CARD}</ul>", "no_count"),  # count reworded
    (f"{FORM}<p>Your search has 3 results</p><p>Eastvale</p>", "no_cards"),  # cards changed
]


@pytest.mark.parametrize(("body", "verdict"), VERDICTS, ids=[v for _, v in VERDICTS])
def test_listing_verdict(body, verdict):
    assert parse_listing(f"<html><body>{body}</body></html>", "https://x.test/").verdict == verdict


EASTVALE = Card("Eastvale Borough Council", "24 021 016", "Upheld", "Homelessness", "2025-03-03",
                "Mr B complained about the Council's delay.")
CARDS = [  # (card markup, its facts): the same card written as different pages write it
    (('<li><h3><a href="{u}">Eastvale Borough Council (24 021 016)</a></h3><p>Statement Upheld '
      "Homelessness 03-Mar-2025</p><p>Summary: Mr B complained about the Council's delay.</p>"
      "</li>"), EASTVALE),
    (('<div data-href="https://x.test{u}"><h2><span>Eastvale Borough Council</span> <span>'
      "(24 021 016)</span></h2><div><span>Statement</span> <span>Upheld</span> <span>"
      "Homelessness</span> <time>03-Mar-2025</time></div><div>Mr B complained about the "
      "Council's delay.</div></div>"), EASTVALE),                        # no link element
    (('<tr onclick="location.href=\'{u}\'"><td>Eastvale Borough Council (24-021-016)</td><td>'
      "Statement Upheld Homelessness 3-Mar-2025</td><td>Summary: Mr B complained about the "
      "Council's delay.</td></tr>"), EASTVALE),                         # a table row
    (('<li><a href="{u}">Read this decision</a><p>Report Not upheld Homelessness 03-Mar-2025'
      "</p></li>"), Card(None, "24 021 016", "Not upheld", "Homelessness", "2025-03-03", None)),
]


@pytest.mark.parametrize(("markup", "card"), CARDS, ids=["site", "data-href", "row", "bare"])
def test_cards_are_found_by_their_path_and_read(markup, card):
    path = "/decisions/housing/homelessness/24-021-016"
    body = markup.format(u=path)
    body = f"<table>{body}</table>" if body.startswith("<tr") else body
    listing = parse_listing(f"<html><body><p>Your search has 1 result</p>{body}"
                            "<footer>Updated today</footer></body></html>", "https://x.test/s")
    assert [(e.url, e.card) for e in listing.entries] == [("https://x.test" + path, card)]
    assert card_facts("<p>nothing here</p>", "https://x.test" + path) == Card(
        reference="24 021 016", summary="nothing here")


QUERY_DATES = [(date(2026, 4, 28), "2026-4-28"), (date(2026, 12, 1), "2026-12-1"),
               (date(2025, 1, 6), "2025-1-6"), (date(2025, 10, 10), "2025-10-10")]


@pytest.mark.parametrize(("day", "written"), QUERY_DATES, ids=[w for _, w in QUERY_DATES])
def test_query_dates_are_unpadded(day, written):
    assert unpadded(day) == written


def test_listing_urls_as_the_site_writes_them():
    window = Window(date(2026, 4, 1), date(2026, 4, 28))
    assert SEARCH.url("https://x.test", window, 2) == (
        "https://x.test/Decisions/SearchResults?fd=2026-4-1&td=2026-4-28&page=2")
    assert ARCHIVE.url("https://x.test", window, 1) == (
        "https://x.test/Decisions/Archive?t=both&fd=2026-4-1&td=2026-4-28&dc=c%2Bnu%2Bu%2B"
        "&sortOrder=descending&page=1")


DECISION_URLS = [
    ("https://x.test/decisions/housing/homelessness/24-021-016", True),
    ("https://x.test/decisions/health/other/17-002-402b", True),    # second statement
    ("https://x.test/Decisions/housing/homelessness/24-021-016/", True),
    ("https://x.test/decisions/housing/homelessness", False),       # a category listing
    ("https://x.test/decisions/housing/homelessness/24-21-016", False),
    ("mailto:someone@x.test", False),
]


@pytest.mark.parametrize(("url", "expected"), DECISION_URLS, ids=[u for u, _ in DECISION_URLS])
def test_decision_url(url, expected):
    assert is_decision_url(url) is expected


def test_listing_cards_are_hashed_one_by_one():
    card = ('<li><a href="/decisions/housing/homelessness/24-021-01{n}">Council ({n})</a>'
            "<p>Statement Upheld Homelessness 0{n}-Mar-2025</p></li>")
    page = f"<p>Your search has 2 results</p><ul>{card.format(n=1)}{card.format(n=2)}</ul>"
    edited = page.replace("Upheld Homelessness 02", "Not upheld Homelessness 02")
    before, after = (parse_listing(p, "https://x.test/SearchResults").entries
                     for p in (page, edited))
    assert [e.url for e in before] == [f"https://x.test/decisions/housing/homelessness/"
                                       f"24-021-01{n}" for n in (1, 2)]
    assert before[0] == after[0] and before[1].card_sha256 != after[1].card_sha256
    alone = parse_listing(f"<p>Your search has 1 result</p><ul>{card.format(n=1)}</ul>"
                          "<footer>Updated today</footer>", "https://x.test/").entries
    assert alone == before[:1]  # a card is the card, whatever else the page shows


WINDOWS = [  # (since, until, days, expected windows)
    ("2025-01-01", "2025-01-14", 7, ["2025-01-01..2025-01-07", "2025-01-08..2025-01-14"]),
    ("2025-01-01", "2025-01-10", 7, ["2025-01-01..2025-01-07", "2025-01-08..2025-01-10"]),
    ("2025-01-05", "2025-01-05", 7, ["2025-01-05..2025-01-05"]),     # one day
    ("2025-01-05", "2025-01-04", 7, []),                             # nothing to do
]


@pytest.mark.parametrize(("since", "until", "days", "expected"), WINDOWS)
def test_windows(since, until, days, expected):
    got = windows(date.fromisoformat(since), date.fromisoformat(until), days)
    assert [str(w) for w in got] == expected
    assert all(sum(h.days for h in w.halves()) == w.days for w in got if w.days > 1)


RETRY_AFTER = [("2", 2.0), (" 10 ", 10.0), (None, None), ("soon", None),
               ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)]                  # a date in the past


@pytest.mark.parametrize(("header", "seconds"), RETRY_AFTER)
def test_retry_after(header, seconds):
    assert retry_seconds(header) == seconds


SITE_URLS = [
    ("https://www.lgo.org.uk/decisions/a/b/24-001-001", True),
    ("https://WWW.LGO.ORG.UK:443/Decisions/SearchResults", True),   # same origin, spelt out
    ("http://www.lgo.org.uk/decisions/a/b/24-001-001", False),      # another scheme
    ("https://lgo.org.uk/decisions/a/b/24-001-001", False),         # another host
    ("https://www.lgo.org.uk.evil.test/decisions/", False),
    ("https://www.lgo.org.uk:8443/decisions/", False),              # another port
]


@pytest.mark.parametrize(("url", "owned"), SITE_URLS, ids=[u for u, _ in SITE_URLS])
def test_only_the_site_is_owned(url, owned):
    assert Site("https://www.lgo.org.uk/").owns(url) is owned


# -- two nights ------------------------------------------------------------------------------


def test_first_night_stores_every_page_once(tmp_path):
    with new_site() as site:
        summary = night(tmp_path / "runs.sqlite", site)
    assert (summary.status, summary.exit_code, summary.windows) == ("done", 0, 9)
    assert (summary.listed, summary.new, summary.failed) == (DECISIONS, DECISIONS, 0)
    pages = stored(tmp_path / "runs.sqlite")
    assert sorted(url for url, _ in pages) == sorted(site.url + d.path for d in site.decisions)
    assert {version for _, version in pages} == {1}
    assert set(Counter(site.paths()).values()) == {1}           # no page requested twice
    assert site.requests[0].path == "/robots.txt"
    assert len(site.paths("/Decisions/SearchResults")) == LISTING_PAGES
    assert "harvest-tests@example.org" in site.requests[0].headers["user-agent"]
    with sqlite3.connect(tmp_path / "runs.sqlite") as conn:
        empty = conn.execute("SELECT COUNT(*) FROM harvest_windows WHERE results = 0 AND "
                             "status = 'done'").fetchone()[0]
    assert empty == 4  # 15-28 January, and the three windows over March


def test_second_night_fetches_only_new_and_changed_pages(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site() as site:
        night(db, site)
        edited, recarded = site.decisions[3], site.decisions[5]
        site.decisions += make_decisions([date(2025, 3, 14), date(2025, 4, 11),
                                          date(2025, 4, 29)], first=DECISIONS)
        edited.summary = edited.summary.replace("mishandled", "delayed")   # page and card
        recarded.card_note = "This statement was re-published."            # card only
        site.requests.clear()
        summary = night(db, site)
    fresh = {site.url + d.path for d in site.decisions[DECISIONS:]}
    assert sorted(site.paths()) == sorted([d.path for d in site.decisions[DECISIONS:]]
                                          + [edited.path, recarded.path])
    assert (summary.new, summary.changed, summary.unchanged) == (3, 1, 1)
    assert any(r.headers.get("if-none-match") for r in site.requests if r.path == recarded.path)
    versions = Counter(url for url, _ in stored(db))
    assert versions[site.url + edited.path] == 2 and len(versions) == DECISIONS + 3
    assert fresh <= set(versions)
    with sqlite3.connect(db) as conn:
        old, new = (bytes(b) for (b,) in conn.execute(
            "SELECT body FROM harvest_pages WHERE url = ? ORDER BY version",
            (site.url + edited.path,)))
    assert b"mishandled" in old and b"delayed" in new


def test_recheck_revalidates_pages_whose_card_did_not_change(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site() as site:
        night(db, site)
        deep = site.decisions[3]
        deep.summary += " The Council has since apologised."  # past what the card shows
        quiet = night(db, site)
        site.requests.clear()
        loud = night(db, site, recheck=True)
    assert (quiet.changed, quiet.unchanged, quiet.requests) == (0, 0, 1 + LANDING + LISTING_PAGES)
    assert (loud.changed, loud.unchanged) == (1, DECISIONS - 1)
    assert all(r.headers.get("if-none-match") for r in site.requests if r.path != deep.path
               and r.path.startswith("/decisions/"))  # the rest answered 304, without a body
    assert Counter(url for url, _ in stored(db))[site.url + deep.path] == 2


def test_a_night_without_since_continues_from_the_last_complete_night(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site() as site:
        with pytest.raises(ConfigError, match="give --since"):
            harvest(str(db), HarvestOptions(site=site.url), FAST, today=UNTIL)
        night(db, site)
        site.decisions += make_decisions([date(2025, 5, 6)], first=DECISIONS)
        site.requests.clear()
        summary = harvest(str(db), HarvestOptions(site=site.url, window_days=14,
                                                  overlap_days=10), FAST, today=date(2025, 5, 9))
    assert (summary.since, summary.until) == (date(2025, 4, 20), date(2025, 5, 9))
    assert site.requests[2].query.startswith("fd=2025-4-20&td=2025-5-3")
    assert (summary.new, summary.listed) == (1, 5)  # Apr 20..28 re-listed, not re-fetched


# -- faults a night survives -----------------------------------------------------------------


def one_fault(db: Path, index: int, behaviour: str, **site: object
              ) -> tuple[HarvestSite, str, HarvestSummary]:
    """A night in which decision ``index`` answers ``behaviour`` once: the site, that
    decision's path and the night's summary."""
    with new_site(**site) as served:
        path = served.decisions[index].path
        served.faults[path] = [behaviour]
        return served, path, night(db, served)


def arrivals(site: HarvestSite, path: str) -> list[float]:
    return [r.at for r in site.requests if r.path == path]


def test_429_waits_for_retry_after(tmp_path):
    site, path, summary = one_fault(tmp_path / "runs.sqlite", 0, "429", retry_after="1")
    first, second = arrivals(site, path)
    assert second - first >= 0.99
    assert (summary.new, summary.failed, summary.exit_code) == (DECISIONS, 0, 0)


def test_429_asking_too_long_a_wait_fails_the_page(tmp_path):
    db = tmp_path / "runs.sqlite"
    site, path, summary = one_fault(db, 0, "429", retry_after="600")
    assert site.paths().count(path) == 1
    assert (summary.failed, summary.exit_code) == (1, 3)
    assert "asked to wait 600s" in url_state(db, site.url + path)[2]


def test_500s_are_retried_with_backoff_then_recorded_as_failed(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site() as site:
        flaky, broken = site.decisions[1].path, site.decisions[2].path
        site.faults = {flaky: ["500", "500"], broken: ["500"] * 3}
        summary = night(db, site)
        times = arrivals(site, flaky)
        assert site.paths().count(broken) == 3  # a first try and two retries
        assert (summary.new, summary.failed, summary.status, summary.exit_code) == (
            DECISIONS - 1, 1, "done", 3)
        assert url_state(db, site.url + broken) == ("failed", None,
                                                     f"{site.url + broken}: HTTP 500 (3 tries)")
        again = night(db, site)  # the next night owes it a fetch
    assert times[1] - times[0] >= 0.02 and times[2] - times[1] >= 0.04  # doubling backoff
    assert (again.new, again.failed) == (1, 0)
    assert url_state(db, site.url + broken)[0] == "stored"


def test_hanging_response_times_out_and_is_retried(tmp_path):
    site, path, summary = one_fault(tmp_path / "runs.sqlite", 4, "hang", hang_seconds=1.0)
    first, second = arrivals(site, path)
    assert 0.4 <= second - first < 1.0  # gave up after the timeout, did not wait the hang out
    assert (summary.new, summary.failed) == (DECISIONS, 0)


def test_dropped_connection_is_retried(tmp_path):
    site, path, summary = one_fault(tmp_path / "runs.sqlite", 6, "drop")
    assert len(arrivals(site, path)) == 2
    assert (summary.new, summary.failed) == (DECISIONS, 0)


def test_404_is_recorded_not_stored(tmp_path):
    db = tmp_path / "runs.sqlite"
    site, path, summary = one_fault(db, 7, "404")
    assert (summary.not_found, summary.new, summary.exit_code) == (1, DECISIONS - 1, 0)
    assert url_state(db, site.url + path)[:2] == ("not_found", 404)
    assert site.url + path not in {url for url, _ in stored(db)}


def test_page_without_article_is_a_failure_not_a_stored_page(tmp_path):
    db = tmp_path / "runs.sqlite"
    site, path, summary = one_fault(db, 8, "no_article")
    assert (summary.failed, summary.exit_code) == (1, 3)
    assert site.url + path not in {url for url, _ in stored(db)}
    assert 'no <article id="article">' in url_state(db, site.url + path)[2]


# -- what a night refuses --------------------------------------------------------------------


def test_listing_without_count_exits_1_with_one_line(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site() as site:
        site.faults["/Decisions/SearchResults"] = ["no_count"]
        result = invoke("harvest", "--db", str(db), "--since", "2025-01-01", "--until",
                        "2025-04-30", "--site", site.url)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "no result count" in result.stderr and result.stdout == ""
    assert site.paths() == [] and stored(db) == []
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM harvest_nights").fetchall() == [("blocked",)]


def test_robots_disallowed_pages_are_never_requested(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site(robots="User-agent: *\nDisallow: /decisions/planning/\n") as site:
        summary = night(db, site)
    planning = [d for d in site.decisions if d.top == "Planning"]
    assert planning and not any("/planning/" in p for p in site.paths())
    assert (summary.skipped, summary.new) == (len(planning), DECISIONS - len(planning))
    assert url_state(db, site.url + planning[0].path)[0] == "skipped"
    assert "robots.txt disallows" in url_state(db, site.url + planning[0].path)[2]


def test_robots_disallowing_the_listing_exits_1(tmp_path):
    with new_site(robots="User-agent: extractor\nDisallow: /Decisions/\n") as site:
        result = invoke("harvest", "--db", str(tmp_path / "runs.sqlite"), "--since",
                        "2025-01-01", "--site", site.url)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "robots.txt disallows" in result.stderr
    assert [r.path for r in site.requests] == ["/robots.txt"]  # not even the landing page


def test_offsite_link_and_redirect_are_recorded_never_followed(tmp_path):
    db = tmp_path / "runs.sqlite"
    offsite = "/decisions/housing/homelessness/24-999-001"
    with HarvestSite([]) as elsewhere:
        host = elsewhere.url.replace("127.0.0.1", "localhost")
        with new_site(elsewhere=host, offsite_cards=[(JANUARY[0], offsite)]) as site:
            moved = site.decisions[9].path
            site.faults[moved] = ["redirect_offsite"]
            summary = night(db, site)
    assert elsewhere.requests == []
    assert (summary.skipped, summary.new, summary.exit_code) == (2, DECISIONS - 1, 0)
    link = url_state(db, host + offsite)
    assert link[0] == "skipped" and "link to another host" in link[2]
    redirect = url_state(db, site.url + moved)
    assert redirect[0] == "skipped" and "redirect to another host" in redirect[2]


def test_a_listing_that_links_only_elsewhere_exits_1(tmp_path):
    """A wrong --site (say http:// for an https:// site) must not pass as 'all skipped'."""
    offsite = [(JANUARY[0], "/decisions/housing/homelessness/24-999-001")]
    with HarvestSite([], elsewhere="http://localhost:9", offsite_cards=offsite) as site:
        result = invoke("harvest", "--db", str(tmp_path / "runs.sqlite"), "--since",
                        "2025-01-01", "--until", "2025-01-14", "--site", site.url)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "links only to other hosts" in result.stderr


def test_oversized_page_is_refused_without_reading_it_whole(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site() as site:
        announced, streamed = site.decisions[10].path, site.decisions[11].path
        site.faults = {announced: ["huge_announced"], streamed: ["huge"]}
        summary = night(db, site, replace(FAST, max_bytes=200_000))
    assert (summary.failed, summary.new, summary.exit_code) == (2, DECISIONS - 2, 3)
    assert "bytes announced, over the limit" in url_state(db, site.url + announced)[2]
    assert "stopped reading" in url_state(db, site.url + streamed)[2]
    assert site.paths().count(streamed) == 1  # refused, not retried
    assert site.sent_bytes[streamed] < HUGE_BYTES / 2


def test_too_many_failures_mark_the_night_failed(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site() as site:
        for d in site.decisions[:5]:
            site.faults[d.path] = ["500"]
        result = invoke("harvest", "--db", str(db), "--since", "2025-01-01", "--until",
                        "2025-04-30", "--site", site.url, EXTRACTOR_HARVEST_RETRIES="0",
                        EXTRACTOR_HARVEST_MAX_FAILURES="3")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "error: 3 failures tonight" in result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM harvest_nights").fetchall() == [("failed",)]


def test_site_unreachable_exits_1(tmp_path):
    with new_site() as site:
        url = site.url
    result = invoke("harvest", "--db", str(tmp_path / "runs.sqlite"), "--since", "2025-01-01",
                    "--site", url, EXTRACTOR_HARVEST_RETRIES="0")
    assert result.exit_code == 1 and "cannot read robots.txt" in result.stderr


# -- limits, windows, resuming ---------------------------------------------------------------


def test_limit_stops_the_night_and_the_next_run_resumes_it(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site() as site:
        first = night(db, site, limit=5)
        second = night(db, site)
    assert (first.status, first.new, first.exit_code) == ("limited", 5, 0)
    assert (second.status, second.resumed, second.night_id) == ("done", True, first.night_id)
    assert second.new == DECISIONS - 5
    assert set(Counter(site.paths()).values()) == {1}
    assert len(site.paths("/Decisions/SearchResults")) == LISTING_PAGES  # checkpoints kept


def test_busy_window_is_halved(tmp_path, monkeypatch):
    monkeypatch.setattr(night_module, "WINDOW_CEILING", 8)
    db = tmp_path / "runs.sqlite"
    with new_site() as site:
        summary = night(db, site)
    assert summary.new == DECISIONS
    with sqlite3.connect(db) as conn:
        split = conn.execute("SELECT fd, td, results FROM harvest_windows WHERE status = "
                             "'split'").fetchall()
    assert split == [("2025-01-01", "2025-01-14", None)]
    queries = [r.query for r in site.requests if r.path == "/Decisions/SearchResults"]
    assert "fd=2025-1-1&td=2025-1-7&page=1" in queries  # the halves
    assert "fd=2025-1-8&td=2025-1-14&page=1" in queries


# -- what batch makes of the store -----------------------------------------------------------


def test_batch_harvested_extracts_exactly_the_new_pages(tmp_path):
    db = tmp_path / "runs.sqlite"
    batch = ("batch", "--db", str(db), "--harvested", "--backend", "none")
    with new_site() as site:
        night(db, site)
        first = invoke(*batch)
        site.decisions += make_decisions([date(2025, 4, 15), date(2025, 4, 16)],
                                         first=DECISIONS)
        site.decisions[0].summary += " The Council has since apologised."
        site.decisions[0].card_note = "Updated."
        night(db, site)
        second = invoke(*batch)
        third = invoke(*batch)
    assert first.exit_code == 0, first.stderr
    assert f"{DECISIONS} documents processed, 0 already done" in first.stdout
    assert "3 documents processed, 0 already done" in second.stdout  # 2 new, 1 changed
    assert "nothing to do: every harvested page has a result" in third.stdout
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT d.url, json_extract(r.record, '$.reference') FROM results "
                            "r JOIN documents d ON d.id = r.document_id").fetchall()
    assert len(rows) == DECISIONS + 3
    refs = {site.url + d.path: d.spaced_ref for d in site.decisions}
    assert all(refs[url] == ref for url, ref in rows)


def test_stored_page_reads_like_a_saved_page(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site() as site:
        night(db, site)
    with sqlite3.connect(db) as conn:
        url, body, text_sha = conn.execute("SELECT url, body, text_sha256 FROM harvest_pages "
                                           "ORDER BY id LIMIT 1").fetchone()
    saved = tmp_path / "page.html"
    saved.write_bytes(body)
    (doc,) = load_path(str(saved))
    record = run_one(doc, None)
    decision = next(d for d in site.decisions if site.url + d.path == url)
    assert doc.sha256 == text_sha and "cookies" not in doc.text  # the article only
    assert (record.reference, record.bodies, record.decision_date) == (
        decision.spaced_ref, [decision.body], decision.day.isoformat())
    assert record.category is not None and record.category.top == decision.top


def test_store_survives_a_blocked_night(tmp_path):
    """A blocked night is not 'complete': the next one without --since must not skip it."""
    db = tmp_path / "runs.sqlite"
    with new_site() as site:
        night(db, site, until=date(2025, 1, 31))
        site.faults["/Decisions/SearchResults"] = ["no_count"]
        with pytest.raises(SiteUnusable):
            harvest(str(db), HarvestOptions(site=site.url, window_days=14, overlap_days=0),
                    FAST, today=UNTIL)
        summary = harvest(str(db), HarvestOptions(site=site.url, window_days=14,
                                                  overlap_days=0), FAST, today=UNTIL)
    assert summary.since == date(2025, 1, 31) and summary.new == DECISIONS - len(JANUARY)



# -- how the site treats a script: sessions, the shell, other markup, unpadded dates ---------


def listing_requests(site: HarvestSite) -> list[str]:
    """The paths of the landing page and listing pages, in order."""
    return [r.path for r in site.requests if r.path in ("/decisions", SEARCH_PATH, ARCHIVE_PATH)]


def card_of(db: Path, url: str) -> dict[str, str] | None:
    with sqlite3.connect(db) as conn:
        (card,) = conn.execute("SELECT card FROM harvest_urls WHERE url = ?", (url,)).fetchone()
    return json.loads(card) if card else None


def facts(d: Decision) -> dict[str, str]:
    return {"body": d.body, "reference": d.spaced_ref, "decision": d.outcome,
            "sub_category": d.sub, "date": d.day.isoformat(), "summary": d.summary[:120].strip()}


def test_the_site_serves_the_shell_to_a_client_without_its_session():
    """The loopback site does what the tests below rely on: no session, no results."""
    with new_site(needs_session=True) as site:
        query = "?fd=2025-1-1&td=2025-1-14&page=1"
        bare = httpx.get(site.url + SEARCH_PATH + query).text
        with httpx.Client() as browser:
            browser.get(site.url + "/decisions")
            primed = browser.get(site.url + SEARCH_PATH + query).text
    assert "<form" in bare and "Your search has" not in bare and "/decisions/" not in bare
    assert "Your search has 12 results" in primed


def test_shell_until_primed_two_nights_store_every_decision_once(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site(needs_session=True) as site:
        first = night(db, site)
        edited = site.decisions[3]
        edited.summary = edited.summary.replace("mishandled", "delayed")
        site.decisions += make_decisions([date(2025, 4, 11)], first=DECISIONS)
        site.requests.clear()
        second = night(db, site)
        requests = list(site.requests)
    assert (first.status, first.new, first.exit_code) == ("done", DECISIONS, 0)
    assert (second.new, second.changed, second.unchanged, second.exit_code) == (1, 1, 0, 0)
    assert sorted(r.path for r in requests if r.path.startswith("/decisions/")) == sorted(
        [edited.path, site.decisions[-1].path])
    assert [r.path for r in requests[:3]] == ["/robots.txt", "/decisions", SEARCH_PATH]
    landing = requests[1]  # it set the cookie that every listing request sends back
    assert all(SESSION_COOKIE in r.headers.get("cookie", "") for r in requests
               if r.path == SEARCH_PATH) and "cookie" not in landing.headers
    for r in requests:  # a browser's Accept headers; the User-Agent names the contact
        assert r.headers["accept"].startswith("text/html") and "en-GB" in r.headers[
            "accept-language"] and "harvest-tests@example.org" in r.headers["user-agent"]
    versions = Counter(url for url, _ in stored(db))
    assert len(versions) == DECISIONS + 1 and versions[site.url + edited.path] == 2
    assert set(versions.values()) == {1, 2} and sum(versions.values()) == DECISIONS + 2


def test_an_expired_session_is_opened_again_and_the_page_retried(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site(needs_session=True, session_pages=4) as site:
        summary = night(db, site)
    assert (summary.status, summary.new, summary.listing_pages) == ("done", DECISIONS,
                                                                   LISTING_PAGES)
    order = listing_requests(site)
    assert order[:6] == ["/decisions"] + [SEARCH_PATH] * 4 + [SEARCH_PATH]  # 5th: the shell
    assert order[6:8] == ["/decisions", SEARCH_PATH]                          # and again
    assert order.count("/decisions") == 3 and ARCHIVE_PATH not in order
    assert set(Counter(site.paths()).values()) == {1}


def test_search_shell_always_lists_from_the_archive(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site(shell_always=(SEARCH_PATH,)) as site:
        summary = night(db, site)
    assert (summary.status, summary.new, summary.exit_code) == ("done", DECISIONS, 0)
    order = listing_requests(site)
    assert order[:5] == ["/decisions", SEARCH_PATH, "/decisions", SEARCH_PATH, ARCHIVE_PATH]
    assert order.count(SEARCH_PATH) == 2  # once the Archive answered, the night stays on it
    assert len(order) == 4 + 9  # 9 windows, each on one Archive page (twenty cards a page)
    with sqlite3.connect(db) as conn:
        urls = [u for (u,) in conn.execute("SELECT url FROM harvest_listings")]
    assert len(urls) == 9 and all(ARCHIVE_PATH in u for u in urls)
    assert summary.listing == "Archive"
    assert "then from the Archive listing: the search served its form" in format_harvest(summary)


def test_a_shell_on_a_second_page_lists_the_whole_window_from_the_archive(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site() as site:
        site.faults[SEARCH_PATH] = ["ok", "shell", "shell"]  # January's page 2, twice
        summary = night(db, site)
    assert (summary.status, summary.new, summary.listed) == ("done", DECISIONS, DECISIONS)
    assert listing_requests(site)[:6] == ["/decisions", SEARCH_PATH, SEARCH_PATH, "/decisions",
                                          SEARCH_PATH, ARCHIVE_PATH]
    assert summary.listing_pages == 1 + 9  # the search's page 1, then each window's Archive
    with sqlite3.connect(db) as conn:
        january = conn.execute("SELECT l.page, l.url FROM harvest_listings l JOIN "
                               "harvest_windows w ON w.id = l.window_id WHERE w.fd = "
                               "'2025-01-01'").fetchall()
    assert [(page, ARCHIVE_PATH in url) for page, url in january] == [(1, True)]
    assert set(Counter(site.paths()).values()) == {1}


def test_shell_always_blocks_the_night_with_one_line(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site(shell_always=(SEARCH_PATH, ARCHIVE_PATH)) as site:
        result = invoke("harvest", "--db", str(db), "--since", "2025-01-01", "--until",
                        "2025-04-30", "--site", site.url)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    line = result.stderr
    assert "the site served its search form without results" in line
    assert "a new session from /decisions (opened)" in line
    assert "the Archive listing for 2025-01-01..2025-01-14" in line
    assert listing_requests(site) == ["/decisions", SEARCH_PATH, "/decisions", SEARCH_PATH,
                                      ARCHIVE_PATH]
    assert stored(db) == [] and site.paths() == []
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status, error FROM harvest_nights").fetchall() == [
            ("blocked", line.removeprefix("error: ").strip())]
        assert conn.execute("SELECT COUNT(*) FROM harvest_urls").fetchone() == (0,)


def test_cards_in_other_markup_are_harvested_with_their_facts(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site(markup="other") as site:
        summary = night(db, site)
    assert (summary.new, summary.listed, summary.exit_code) == (DECISIONS, DECISIONS, 0)
    for d in site.decisions:
        assert card_of(db, site.url + d.path) == facts(d)


def test_unpadded_dates_are_what_the_site_reads(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site(unpadded_only=True) as site:
        summary = night(db, site)
    assert (summary.new, summary.listed) == (DECISIONS, DECISIONS)
    queries = [r.query for r in site.requests if r.path == SEARCH_PATH]
    assert len(queries) == LISTING_PAGES and queries[0] == "fd=2025-1-1&td=2025-1-14&page=1"


def test_a_page_that_fails_to_download_keeps_its_card(tmp_path):
    db = tmp_path / "runs.sqlite"
    with new_site() as site:
        broken = site.decisions[5]
        site.faults[broken.path] = ["500"] * 3
        summary = night(db, site)
    assert (summary.failed, summary.new) == (1, DECISIONS - 1)
    assert url_state(db, site.url + broken.path)[0] == "failed"
    assert site.url + broken.path not in {url for url, _ in stored(db)}
    assert card_of(db, site.url + broken.path) == facts(broken)
