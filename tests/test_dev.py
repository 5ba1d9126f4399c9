"""The ``dev`` script: set-up steps keep their output in a log, shown only when they fail.

Runs a copy of ``dev`` in a scratch project whose venv, browser installer and pytest are
stand-ins, so no package is installed and no test suite runs."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

# What apt and dpkg print while installing chromium, and the line its launcher writes.
APT_NOISE = "".join(f"Selecting previously unselected package lib{n}.\\n"
                    f"Unpacking lib{n} (1.{n}-1) ...\\n" for n in range(60))
LAUNCHER_LINE = "[0101/000000.000:ERROR:bus.cc(407)] Failed to connect to the bus"


def fake_project(tmp_path: Path, installer_exit: int) -> Path:
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "dev", project / "dev")
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    venv = project / ".venv" / "bin"
    venv.mkdir(parents=True)
    stamp = hashlib.sha256((project / "pyproject.toml").read_bytes()).hexdigest()[:16]
    (project / ".venv" / f".installed-{stamp}").touch()  # set-up already done
    scripts = {
        venv / "python": "exit 0",
        venv / "pytest": 'echo "pytest $*: 3 passed"',
        project / "scripts" / "install_browser.sh":
            f"printf '{APT_NOISE}'\necho '{LAUNCHER_LINE}' >&2\nexit {installer_exit}",
    }
    for path, body in scripts.items():
        path.write_text(f"#!/usr/bin/env bash\n{body}\n")
        path.chmod(0o755)
    return project


def dev_test(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(project / "dev"), "test"], capture_output=True, text=True,
                          timeout=60, cwd=project)


@pytest.mark.skipif(shutil.which("bash") is None, reason="dev is a bash script")
def test_dev_test_keeps_the_browser_install_quiet_and_logged(tmp_path):
    project = fake_project(tmp_path, installer_exit=0)
    run = dev_test(project)
    assert run.returncode == 0, run.stderr
    assert "Selecting previously" not in run.stdout + run.stderr
    assert LAUNCHER_LINE not in run.stdout + run.stderr
    assert run.stdout.splitlines() == [  # the two pytest runs, nothing else on stdout
        'pytest -q --block-network -m not live: 3 passed',
        "pytest -q -m live -p no:randomly tests: 3 passed"]
    assert len(run.stderr.splitlines()) == 2  # "browser ... ready (log: ...)", the live test
    log = (project / ".venv" / "browser.log").read_text()
    assert APT_NOISE.replace("\\n", "\n") in log and LAUNCHER_LINE in log


@pytest.mark.skipif(shutil.which("bash") is None, reason="dev is a bash script")
def test_a_failing_browser_install_shows_its_log_and_stops(tmp_path):
    project = fake_project(tmp_path, installer_exit=100)
    run = dev_test(project)
    assert run.returncode == 1 and run.stdout == ""  # no test ran
    lines = run.stderr.splitlines()
    assert lines[-2] == LAUNCHER_LINE and len(lines) == 31  # the log's last 30 lines
    assert lines[-1] == ("dev: installing the browser for the review-page test failed "
                         "(full log: .venv/browser.log)")
