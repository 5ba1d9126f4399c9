"""Demo: ``extractor harvest`` against the tests' loopback copy of the site when it serves its
search form without results (the *shell*, DOMAIN.md §2.1) to a client without a session.

Two scenes, each a fresh store in a temporary folder, printed as a transcript:

1. ``until-primed``: the search listing serves the shell unless the request carries the
   session cookie ``/decisions`` sets (a session lasts 6 listing pages). Night 1, then an edited
   decision and a new one, then night 2; then what the store holds.
2. ``always``: the search listing and the Archive both serve the shell whatever the client
   does. One night: its one line, its exit code, then what the store holds.

The harvests are real ``extractor harvest`` processes (this checkout's code); the site is
``tests/harvestsite.py`` in this process. Rate 20 requests/second so the demo takes seconds.

Usage (from the repository root):
    python scripts/harvest_shell_demo.py                 # both scenes
    python scripts/harvest_shell_demo.py --scene always
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from harvestsite import ARCHIVE_PATH, SEARCH_PATH, HarvestSite, make_decisions  # noqa: E402 (the tests folder is put on the path first)

SINCE, UNTIL = date(2025, 1, 1), date(2025, 4, 30)
DAYS = [SINCE + timedelta(days=4 * i + 5) for i in range(28)]
ENV = {"EXTRACTOR_HARVEST_RATE": "20", "EXTRACTOR_HARVEST_WINDOW_DAYS": "14",
       "EXTRACTOR_CONTACT": "data-team@example.org", "PYTHONPATH": str(ROOT)}
STORE_QUERIES = [
    "SELECT id, status, since, until, error FROM harvest_nights",
    "SELECT COUNT(*) AS rows, COUNT(DISTINCT url) AS urls, MAX(version) FROM harvest_pages",
    "SELECT version, COUNT(*) FROM harvest_pages GROUP BY version",
    "SELECT state, COUNT(*) FROM harvest_urls GROUP BY state",
    "SELECT COUNT(*) FROM harvest_urls WHERE card IS NOT NULL",
    "SELECT card FROM harvest_urls ORDER BY first_seen, url LIMIT 1",
    "SELECT COUNT(*) FROM harvest_listings",
]


def harvest(db: Path, site: HarvestSite, *args: str) -> int:
    """Run one night as a process; print it as typed and answered."""
    shown = ["extractor", "harvest", "--db", db.name, *args, "--site", site.url]
    print("$ " + " ".join(shown))
    done = subprocess.run([sys.executable, "-m", "extractor", *shown[1:3], str(db), *shown[4:]],
                          env={**os.environ, **ENV}, capture_output=True, text=True,
                          check=False, cwd=db.parent)
    for text in (done.stderr, done.stdout):
        if text:
            print(text, end="" if text.endswith("\n") else "\n")
    print(f"(exit {done.returncode})")
    return done.returncode


def site_saw(site: HarvestSite) -> None:
    """The landing and listing requests in order (shells marked), and the decision pages."""
    listings = []
    for r in site.requests:
        if r.path in ("/decisions", SEARCH_PATH, ARCHIVE_PATH):
            shell = "   <- the shell (form only)" if r.behaviour == "shell" else ""
            listings.append(r.path + ("?" + r.query if r.query else "") + shell)
    pages = site.paths()
    print(f"# the site saw {len(site.requests)} requests: robots.txt, then")
    for line in listings:
        print(f"#   {line}")
    named = ": " + ", ".join(p.rsplit("/", 1)[1] for p in pages) if 0 < len(pages) <= 4 else ""
    print(f"#   and {len(pages)} decision pages ({len(set(pages))} distinct){named}")


def probe(site: HarvestSite) -> None:
    """What a client without the session gets (what the harvester got before issue 25)."""
    url = f"{site.url}{SEARCH_PATH}?fd=2025-1-1&td=2025-1-14&page=1"
    with urllib.request.urlopen(url) as answer:
        page = answer.read().decode()
    shown = "the search form" if "<form" in page else "no form"
    shown += ", a count" if "Your search has" in page else ", no count"
    shown += ", cards" if "/decisions/" in page else ", no cards"
    site.requests.clear()
    print(f"# a client without the session: GET {url} -> HTTP {answer.status}, {shown}")


def show_store(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        for sql in STORE_QUERIES:
            print(f'$ sqlite3 {db.name} "{sql}"')
            for row in conn.execute(sql):
                print("|".join("" if v is None else str(v) for v in row))


def until_primed(folder: Path) -> None:
    db = folder / "runs.sqlite"
    decisions = make_decisions(DAYS)
    with HarvestSite(decisions, needs_session=True, session_pages=6) as site:
        print(f"# {len(decisions)} decisions dated {DAYS[0]} to {DAYS[-1]}; the search listing "
              "serves its form only without a live session (6 listing pages each)")
        probe(site)
        harvest(db, site, "--since", SINCE.isoformat(), "--until", UNTIL.isoformat())
        site_saw(site)
        edited = site.decisions[7]
        edited.summary = edited.summary.replace("mishandled", "delayed")
        site.decisions += make_decisions([date(2025, 4, 27)], first=len(decisions))
        site.requests.clear()
        print(f"\n# on the site: {edited.ref} edited, {site.decisions[-1].ref} published")
        harvest(db, site, "--since", SINCE.isoformat(), "--until", UNTIL.isoformat())
        site_saw(site)
    print()
    show_store(db)


def always(folder: Path) -> None:
    db = folder / "runs.sqlite"
    with HarvestSite(make_decisions(DAYS), shell_always=(SEARCH_PATH, ARCHIVE_PATH)) as site:
        print("# the search listing and the Archive serve their form only, whatever the client")
        probe(site)
        harvest(db, site, "--since", SINCE.isoformat(), "--until", UNTIL.isoformat())
        site_saw(site)
    print()
    show_store(db)


SCENES = {"until-primed": until_primed, "always": always}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scene", choices=[*SCENES, "both"], default="both")
    scene = parser.parse_args().scene
    for name, run in SCENES.items():
        if scene in (name, "both"):
            print(f"===== shell {name} =====")
            with tempfile.TemporaryDirectory() as tmp:
                run(Path(tmp))
            print()


if __name__ == "__main__":
    main()
