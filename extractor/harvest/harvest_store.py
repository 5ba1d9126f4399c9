"""The harvester's side of the run store (tables of migrations ``m006_harvest`` and
``m008_harvest_cards``).

Every write that a killed harvest must not half-do is one transaction: a listing page with the
URLs it lists (the checkpoint), and a fetched page with its URL's new state. So a rerun knows
exactly which listing pages and decision pages it already has.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from extractor.errors import ExtractorError, InputError
from extractor.harvest.fetch import Page
from extractor.harvest.listing import Entry, Listing, Window
from extractor.read.inputs import Item, failed, ok
from extractor.read.load import load_bytes
from extractor.store.store import Store, _alive, now

RESUMABLE = ("interrupted", "limited")  # and "running" when its process is gone
TO_FETCH = ("pending", "stale", "failed")
MAX_URL_ATTEMPTS = 5  # nights a failing URL is tried before it waits for its card to change


class HarvestBusy(ExtractorError):
    """Another harvest process is writing this store."""


@dataclass(frozen=True)
class NightRow:
    id: int
    since: date
    until: date
    status: str


@dataclass(frozen=True)
class Owed:
    """A URL to fetch, with the validators of its latest stored version (if any)."""

    url: str
    state: str
    etag: str | None = None
    last_modified: str | None = None


class HarvestLog:
    def __init__(self, store: Store):
        self.store, self.conn = store, store.conn

    # -- nights -------------------------------------------------------------------------------

    def resumable(self, site: str) -> NightRow | None:
        """The latest night of ``site`` if it stopped before its end (else None)."""
        row = self.conn.execute(
            "SELECT id, since, until, status, pid, host FROM harvest_nights WHERE site = ? "
            "ORDER BY id DESC LIMIT 1", (site,)).fetchone()
        if row is None:
            return None
        night = NightRow(row[0], date.fromisoformat(row[1]), date.fromisoformat(row[2]), row[3])
        if night.status == "running":
            if _alive(row[4], row[5]):
                raise HarvestBusy(f"{self.store.path}: harvest night {night.id} is still "
                                  f"running (pid {row[4]}); not starting another")
            return night
        return night if night.status in RESUMABLE else None

    def last_complete_until(self, site: str) -> date | None:
        row = self.conn.execute("SELECT MAX(until) FROM harvest_nights WHERE site = ? AND "
                                "status = 'done'", (site,)).fetchone()
        return date.fromisoformat(row[0]) if row[0] else None

    def start_night(self, site: str, since: date, until: date, options: dict[str, Any]) -> int:
        cur = self.conn.execute(
            "INSERT INTO harvest_nights (site, since, until, started, status, options, pid, "
            "host) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)",
            (site, since.isoformat(), until.isoformat(), now(), json.dumps(options, default=str),
             os.getpid(), socket.gethostname()))
        return int(cur.lastrowid or 0)

    def reopen_night(self, night_id: int) -> None:
        self.conn.execute("UPDATE harvest_nights SET status = 'running', finished = NULL, "
                          "pid = ?, host = ? WHERE id = ?",
                          (os.getpid(), socket.gethostname(), night_id))

    def finish_night(self, night_id: int, status: str, totals: dict[str, Any],
                     error: str | None) -> None:
        self.conn.execute("UPDATE harvest_nights SET finished = ?, status = ?, totals = ?, "
                          "error = ? WHERE id = ?",
                          (now(), status, json.dumps(totals), error, night_id))

    # -- windows and listing pages (the checkpoints) -------------------------------------------

    def window(self, night_id: int, window: Window) -> tuple[int, str]:
        """The row of ``window`` in this night (created open): its id and status."""
        key = (night_id, window.fd.isoformat(), window.td.isoformat())
        self.conn.execute("INSERT OR IGNORE INTO harvest_windows (night_id, fd, td, status) "
                          "VALUES (?, ?, ?, 'open')", key)
        row = self.conn.execute("SELECT id, status FROM harvest_windows WHERE night_id = ? AND "
                                "fd = ? AND td = ?", key).fetchone()
        return int(row[0]), str(row[1])

    def set_window(self, window_id: int, status: str, results: int | None = None) -> None:
        self.conn.execute("UPDATE harvest_windows SET status = ?, results = COALESCE(?, "
                          "results), finished = ? WHERE id = ?",
                          (status, results, now(), window_id))

    def listing(self, window_id: int, page: int) -> Listing | None:
        row = self.conn.execute("SELECT count, entries FROM harvest_listings WHERE window_id = ? "
                                "AND page = ?", (window_id, page)).fetchone()
        if row is None:
            return None
        return Listing(row[0], [Entry(url, card) for url, card in json.loads(row[1])])

    def listing_url(self, window_id: int, page: int) -> str | None:
        """The URL a checkpointed listing page was read from (None: not checkpointed)."""
        row = self.conn.execute("SELECT url FROM harvest_listings WHERE window_id = ? AND "
                                "page = ?", (window_id, page)).fetchone()
        return str(row[0]) if row else None

    def save_listing(self, window_id: int, page: int, url: str, listing: Listing) -> None:
        """The listing page and every URL on it (with its card's facts), in one transaction."""
        entries = [[e.url, e.card_sha256] for e in listing.entries]
        with self.store.transaction() as conn:
            conn.execute("INSERT INTO harvest_listings (window_id, page, url, count, entries, "
                         "fetched) VALUES (?, ?, ?, ?, ?, ?)",
                         (window_id, page, url, listing.count, json.dumps(entries), now()))
            conn.executemany(LISTED_SQL, [(e.url, e.card_sha256, _card_json(e), now(), now())
                                          for e in listing.entries])

    def drop_listings(self, window_id: int) -> None:
        """Forget a window's checkpointed pages (it is about to be listed from another
        listing, whose pages are not these); the URLs they listed stay."""
        self.conn.execute("DELETE FROM harvest_listings WHERE window_id = ?", (window_id,))

    # -- decision URLs and pages --------------------------------------------------------------

    def owed(self, night_id: int, urls: list[str] | None = None, recheck: bool = False
             ) -> list[Owed]:
        """The URLs (of ``urls``, else all) still to fetch and not yet tried tonight; with
        ``recheck`` also the stored (and gone) ones among ``urls``."""
        where = "u.url IN (SELECT value FROM json_each(?))" if urls is not None else "1 = ?"
        rows = self.conn.execute(
            f"{OWED_SQL} AND {where} ORDER BY u.first_seen, u.url",
            (int(recheck and urls is not None), MAX_URL_ATTEMPTS, night_id,
             json.dumps(urls) if urls is not None else 1))
        found = {row[0]: Owed(*row) for row in rows}
        order = urls if urls is not None else list(found)
        return [found[url] for url in order if url in found]

    def record_page(self, url: str, night_id: int, page: Page, text_sha256: str) -> str:
        """Store a fetched page unless its text equals the latest version's: 'new', 'changed'
        or 'unchanged'. One transaction with the URL's new state."""
        with self.store.transaction() as conn:
            latest = conn.execute("SELECT version, text_sha256 FROM harvest_pages WHERE url = ? "
                                  "ORDER BY version DESC LIMIT 1", (url,)).fetchone()
            outcome = "new" if latest is None else "unchanged" \
                if latest[1] == text_sha256 else "changed"
            if outcome != "unchanged":
                self._insert_page(url, (latest[0] if latest else 0) + 1, night_id, page,
                                  text_sha256)
            self._set_state(url, night_id, "stored", page.status, None)
        return outcome

    def record_state(self, url: str, night_id: int, state: str, status: int | None,
                     detail: str | None) -> None:
        """A URL not stored tonight: unchanged (``stored``), ``not_found``, ``skipped`` or
        ``failed`` (one more attempt counted)."""
        self._set_state(url, night_id, state, status, detail)

    def _insert_page(self, url: str, version: int, night_id: int, page: Page,
                     text_sha256: str) -> None:
        self.conn.execute(
            "INSERT INTO harvest_pages (url, version, night_id, status, fetched, etag, "
            "last_modified, sha256, text_sha256, bytes, body) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (url, version, night_id, page.status, page.fetched, page.etag, page.last_modified,
             hashlib.sha256(page.body).hexdigest(), text_sha256, len(page.body), page.body))

    def _set_state(self, url: str, night_id: int, state: str, status: int | None,
                   detail: str | None) -> None:
        self.conn.execute(
            "INSERT INTO harvest_urls (url, state, first_seen, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (url) DO NOTHING", (url, state, now(), now()))
        self.conn.execute(
            "UPDATE harvest_urls SET state = ?, status = ?, detail = ?, tried_night = ?, "
            "card_sha256 = listed_card, updated = ?, "
            "attempts = CASE WHEN ? = 'failed' THEN attempts + 1 ELSE 0 END WHERE url = ?",
            (state, status, detail, night_id, now(), state, url))

    # -- for batch --harvested ----------------------------------------------------------------

    def unextracted(self, config_sha: str, retry_failed: bool = False) -> list[int]:
        """Ids of the latest stored version of every page with no result for ``config_sha``
        (with ``retry_failed``: or only a failed one)."""
        return [row[0] for row in self.conn.execute(UNEXTRACTED_SQL,
                                                    (config_sha, int(retry_failed)))]

    def page(self, page_id: int) -> tuple[str, bytes]:
        url, body = self.conn.execute("SELECT url, body FROM harvest_pages WHERE id = ?",
                                      (page_id,)).fetchone()
        return str(url), bytes(body)


def harvested_items(store: Store, config_sha: str, retry_failed: bool = False
                    ) -> tuple[int, Iterator[Item]]:
    """How many stored pages have no result for ``config_sha``, and those pages as batch
    items (each read from the store only when the batch reaches it), keyed by URL."""
    log = HarvestLog(store)
    ids = log.unextracted(config_sha, retry_failed)
    return len(ids), (page_item(*log.page(page_id)) for page_id in ids)


def page_item(url: str, body: bytes) -> Item:
    """A stored page as the loader reads a saved decision page."""
    try:
        (doc,) = load_bytes(body, url, "html")
    except InputError as exc:
        return failed(url, exc, url)
    assert not isinstance(doc, InputError)
    doc.url = url
    return ok(doc, url)


def _card_json(entry: Entry) -> str | None:
    """The card's header facts as JSON (None when the card showed none of them)."""
    facts = entry.card.as_dict() if entry.card is not None else {}
    return json.dumps(facts) if any(v is not None for v in facts.values()) else None


# A URL seen on a listing: new ones are pending; a fetched one whose card changed is stale.
# The card's facts are the latest card's (kept when a card shows none).
LISTED_SQL = """
    INSERT INTO harvest_urls (url, state, listed_card, card, first_seen, updated)
    VALUES (?, 'pending', ?, ?, ?, ?)
    ON CONFLICT (url) DO UPDATE SET listed_card = excluded.listed_card,
        card = COALESCE(excluded.card, harvest_urls.card),
        updated = excluded.updated,
        state = CASE WHEN harvest_urls.state IN ('stored', 'not_found', 'skipped', 'failed')
                      AND harvest_urls.card_sha256 IS NOT excluded.listed_card
                     THEN 'stale' ELSE harvest_urls.state END,
        attempts = CASE WHEN harvest_urls.card_sha256 IS NOT excluded.listed_card
                        THEN 0 ELSE harvest_urls.attempts END"""

# URLs owed a fetch, with their latest version's validators (for a conditional request).
OWED_SQL = f"""
    SELECT u.url, u.state, p.etag, p.last_modified FROM harvest_urls u
    LEFT JOIN harvest_pages p ON p.url = u.url
        AND p.version = (SELECT MAX(version) FROM harvest_pages q WHERE q.url = u.url)
    WHERE (u.state IN {TO_FETCH} OR (? AND u.state IN ('stored', 'not_found')))
        AND u.attempts < ?
        AND (u.tried_night IS NULL OR u.tried_night != ?)"""

# The latest version of each stored page that has no (usable) result for a configuration.
UNEXTRACTED_SQL = """
    SELECT p.id FROM harvest_pages p
    WHERE p.version = (SELECT MAX(version) FROM harvest_pages q WHERE q.url = p.url)
      AND NOT EXISTS (
        SELECT 1 FROM documents d JOIN results r ON r.document_id = d.id
        WHERE d.doc_key = 'url:' || p.url AND d.sha256 = p.text_sha256 AND r.config_sha = ?
          AND (? = 0 OR r.status != 'failed'))
    ORDER BY p.id"""
