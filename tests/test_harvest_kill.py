"""A real ``extractor harvest`` process killed mid-night (SIGKILL, then SIGINT) and run again:
every page ends up stored exactly once, and nothing already stored is fetched again."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from harvestsite import HarvestSite, make_decisions
from killing import WAIT_SECONDS, count_rows, interrupt_after

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])

PAGES = 90             # at 60 requests a second a night lasts about two seconds
ENV = {"EXTRACTOR_HARVEST_RATE": "60", "EXTRACTOR_HARVEST_WINDOW_DAYS": "7",
       "EXTRACTOR_CONTACT": "harvest-tests@example.org"}


def start(site: HarvestSite, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "extractor", "harvest", "--db", str(db),
                             "--since", "2025-01-01", "--until", "2025-03-31", "--site",
                             site.url], env={**os.environ, **ENV},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def stored(db: Path) -> int:
    return count_rows(db, "harvest_pages")


def test_killed_harvests_resume_to_exactly_one_stored_page_each(tmp_path):
    days = [date(2025, 1, 2) + timedelta(days=i % 88) for i in range(PAGES)]
    db = tmp_path / "runs.sqlite"
    with HarvestSite(make_decisions(days), needs_session=True) as site:  # each run opens one
        first = interrupt_after(start(site, db), db, "harvest_pages", 10, signal.SIGKILL)
        second = start(site, db)
        interrupt_after(second, db, "harvest_pages", first + 20, signal.SIGINT)
        assert second.returncode == 130
        assert stored(db) < PAGES, "the nights were too fast to be interrupted; raise PAGES"
        final = subprocess.run([sys.executable, "-m", "extractor", "harvest", "--db", str(db),
                                "--since", "2025-01-01", "--until", "2025-03-31", "--site",
                                site.url], check=False, env={**os.environ, **ENV},
                               capture_output=True,
                               text=True, timeout=WAIT_SECONDS)
    assert final.returncode == 0, final.stderr
    assert "resumed" in final.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT url), MAX(version) FROM "
                            "harvest_pages").fetchone() == (PAGES, PAGES, 1)
        nights = conn.execute("SELECT id, status FROM harvest_nights").fetchall()
    assert nights == [(1, "done")]  # one night, resumed twice
    # A page or listing page is requested again only if a kill caught it in flight (answered
    # but not yet committed): at most one of each per interruption. (robots.txt and the
    # landing page that opens the session are read once by every run.)
    again = [path for path, n in Counter(r.path + r.query for r in site.requests).items()
             if n > 1 and path not in ("/robots.txt", "/decisions")]
    assert len(again) <= 2, again
