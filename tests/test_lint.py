"""`ruff check` passes on the whole project, with the rule set pyproject.toml chooses (and says
why); run by the test command, so a lint finding fails `./dev test` like any other test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_check_passes():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert "No module named ruff" not in done.stderr, "ruff is in the test extra: pip install " \
        "-e '.[test]'"
    assert done.returncode == 0, done.stdout + done.stderr
