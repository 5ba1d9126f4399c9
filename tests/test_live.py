"""Live: the real embedded server (llama-cpp-python + the packaged Gemma 3 270M) extracts seed
000 end to end, started and stopped by the command. Keeps the cassettes honest.

Run with ``pytest -m live`` (``./dev test`` does, after installing the ``local`` extra); skipped
when llama_cpp is not installed. Takes a minute or two on two idle CPU cores, about five
minutes when other work shares them."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from extractor.cli import app
from extractor.model import local_server
from extractor.model.local_server import PACKAGED_MODEL_ALIAS, lora_path, served_alias
from extractor.models import Decision

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                       reason="needs the local extra: pip install -e '.[local]'"),
]
SEED_000 = ROOT / "examples" / "seed_000_kensington.txt"
MODEL_FIELDS = {"investigated", "fault_found", "reasons", "remedy_kinds", "payments", "issues",
                "spans", "meta"}


def extract(*args: str, **env: str) -> tuple[int, list[Decision], str]:
    result = CliRunner().invoke(app, ["extract", *args, str(SEED_000)], env=env)
    return result.exit_code, [Decision.model_validate_json(line)
                              for line in result.stdout.splitlines()], result.stderr


def server_children() -> list[int]:
    """Child processes of this test process that run the embedded server."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and local_server.SERVER_MODULE.encode() in cmdline:
            found.append(int(stat.parent.name))
    return found


def test_the_embedded_model_extracts_seed_000_end_to_end():
    code, [rules_only], _ = extract("--backend", "none")
    code, [record], stderr = extract("--backend", "local", EXTRACTOR_MODEL_SCOPE="all")
    assert code in (0, 3) and stderr == "", stderr
    assert record.meta.backend == "local"
    assert record.meta.model == served_alias(PACKAGED_MODEL_ALIAS, lora_path())
    assert record.meta.attempts >= 2  # reasons and status were asked
    assert record.meta.usage.prompt_tokens > 0 and record.meta.usage.completion_tokens > 0
    # the model never overrides a rule
    assert record.model_dump(exclude=MODEL_FIELDS) == rules_only.model_dump(exclude=MODEL_FIELDS)
    # the model may add a reason, with its own evidence, but never drops or changes a rule's
    ruled = [r.code for r in rules_only.reasons]
    assert [r.code for r in record.reasons][:len(ruled)] == ruled
    assert all(r.origin == "model" and r.evidence in SEED_000.read_text(encoding="utf-8")
               for r in record.reasons[len(ruled):])
    assert (record.reference, record.outcome, record.complainant) == (
        "25 005 395", "closed_after_initial_enquiries", "Mr X")
    assert server_children() == []  # started and stopped by the command
