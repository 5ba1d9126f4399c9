"""scripts/nightly, the cron recipe, run as written against the loopback copy of the site:
on a fresh folder it creates what it writes into, harvests from NIGHTLY_FIRST_SINCE, extracts
with the backend it names, and a second night continues where the first ended."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from harvestsite import HarvestSite, make_decisions

ROOT = Path(__file__).resolve().parents[1]
NIGHTLY = ROOT / "scripts" / "nightly"
FAST = {"EXTRACTOR_HARVEST_RATE": "200", "EXTRACTOR_HARVEST_TIMEOUT": "2",
        "EXTRACTOR_HARVEST_BACKOFF": "0.02", "EXTRACTOR_CONTACT": "nightly-tests@example.org"}


def nightly(home: Path, site: HarvestSite, **env: str) -> subprocess.CompletedProcess[str]:
    """One night in ``home`` with the rules alone (the embedded model is the live tests')."""
    environ = {**os.environ, **FAST, "NIGHTLY_HOME": str(home), "NIGHTLY_BACKEND": "none",
               "EXTRACTOR": f"{sys.executable} -m extractor", "EXTRACTOR_SITE": site.url,
               "PYTHONPATH": str(ROOT), **env}
    environ.pop("EXTRACTOR_DB", None)
    return subprocess.run([str(NIGHTLY)], env=environ, capture_output=True, text=True,
                          timeout=120, check=False)


def exported(home: Path) -> list[list[str]]:
    """The references of each night's JSON Lines file, oldest first."""
    return [sorted(json.loads(line)["reference"] for line in path.read_text().splitlines())
            for path in sorted((home / "out").glob("*.jsonl"))]


def test_two_nights_from_a_fresh_folder(tmp_path):
    today = date.today()
    first = make_decisions([today - timedelta(days=d) for d in (20, 12, 5)])
    home = tmp_path / "fresh"  # does not exist yet: the script makes it and its folders
    with HarvestSite(list(first)) as site:
        one = nightly(home, site, NIGHTLY_FIRST_SINCE=str(today - timedelta(days=25)))
        site.decisions += make_decisions([today - timedelta(days=1)], first=len(first))
        two = nightly(home, site)
    logs = home / "logs"
    assert (one.returncode, two.returncode) == (0, 0), (logs / "harvest.log").read_text()
    assert exported(home) == [sorted(d.spaced_ref for d in first),
                              [site.decisions[-1].spaced_ref]]
    log = (logs / "nightly.log").read_text().splitlines()
    assert len(log) == 2 and all(line.endswith("harvest exit 0, batch (none) exit 0")
                                 for line in log)
    assert "night 2 done" in (logs / "harvest.log").read_text()
    assert "backend" not in one.stderr + two.stderr  # everything goes to the logs


def test_harvest_help_names_the_step_that_follows():
    from typer.testing import CliRunner

    from extractor.cli import app
    shown = CliRunner().invoke(app, ["harvest", "--help"]).stdout
    assert "extractor batch --db DB --harvested" in " ".join(shown.split())
