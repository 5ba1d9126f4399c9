"""Start-up: the model client libraries and the harvest's HTTP client load only when a model
backend or a harvest is used, so `extractor --help` and `extract --backend none` stay quick
(bench/bench_speed.py times them; this checks what gets imported, in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "facts_upheld_agreed.txt"
# Loaded only by a model backend (openai, instructor, tenacity, vcr, yaml via replay) or a
# harvest (aiohttp, httpx2).
HEAVY = ("openai", "instructor", "tenacity", "vcr", "httpx", "httpx2", "aiohttp", "llama_cpp")

# Run in a fresh interpreter; print which of the named modules ended up in sys.modules.
PROBE = """
import json, sys
{setup}
print(json.dumps(sorted(set(sys.modules) & set({heavy!r}))))
"""
RUN_CLI = """
from extractor.cli import app
try:
    app({argv!r})
except SystemExit:
    pass
"""


def loaded_after(setup: str, modules: tuple[str, ...] = HEAVY) -> list[str]:
    code = PROBE.format(setup=setup, heavy=modules)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("what", "setup"), [
    ("import extractor.cli", "import extractor.cli"),
    ("extractor --help", RUN_CLI.format(argv=["--help"])),
    ("extract --backend none", RUN_CLI.format(argv=["extract", "--backend", "none",
                                                    str(FIXTURE)])),
    ("batch --help", RUN_CLI.format(argv=["batch", "--help"])),
])
def test_no_model_or_harvest_client_without_a_model(what, setup):
    assert loaded_after(setup) == [], f"{what} imported model or harvest client libraries"


def test_the_probe_sees_a_model_import():
    """The check above would pass vacuously if the probe could not see imports."""
    assert {"openai", "instructor"} <= set(loaded_after("import extractor.model.llm"))


# What each quick command leaves unloaded beyond the model clients: `--help` needs typer and
# the names its options show, not the models (pydantic), the pipeline, the store or rich;
# `extract --backend none` needs the pipeline, not the model stage's modules, the store,
# the review page or rich (no progress without a model).
HELP_LAZY = ("pydantic", "rich", "rich.console", "sqlite3", "extractor.models",
             "extractor.pipeline", "extractor.store.store", "extractor.review.evaluate",
             "extractor.runs.batch", "extractor.runs.runreport", "selectolax")
EXTRACT_LAZY = ("rich", "rich.console", "rich.progress", "sqlite3", "matplotlib",
                "extractor.store.store", "extractor.review.page", "extractor.runs.batch",
                "extractor.runs.runreport", "extractor.model.merge", "extractor.model.prompt")


@pytest.mark.parametrize(("what", "setup", "lazy"), [
    ("extractor --help", RUN_CLI.format(argv=["--help"]), HELP_LAZY),
    ("extract --backend none", RUN_CLI.format(argv=["extract", "--backend", "none",
                                                    str(FIXTURE)]), EXTRACT_LAZY),
])
def test_quick_commands_leave_the_rest_unloaded(what, setup, lazy):
    assert loaded_after(setup, lazy) == [], f"{what} imported modules it does not use"


def test_the_probe_sees_a_library_import():
    """The check above would pass vacuously if the probe missed submodules."""
    assert loaded_after("import extractor.runs.batch", EXTRACT_LAZY) == [
        "extractor.runs.batch", "extractor.store.store", "sqlite3"]
