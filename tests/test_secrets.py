"""The API key never leaves the environment: not into cassettes, the SQLite store, stdout,
stderr (with the openai client's debug log on), exported records or issue messages, even when
a server echoes it back; cassettes keep no authorization, cookie or organisation headers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from faultserver import RESPONSE_HEADERS, FaultServer
from harness import DECISION

from extractor.model.replay import SECRET_HEADERS

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
KEY = "sk-extractor-canary-5e1f0c9a7b3d42e8a6"
CORE = KEY[-24:]  # also catches a partly masked key ("sk-...canary-5e1f...")
ORG, PROJECT = "org-extractor-canary-77d1", "proj_extractor_canary_91c4"
# Anything shaped like a real credential that a recording could have picked up.
CREDENTIAL_REGEX = re.compile(
    r"\bsk-[A-Za-z0-9_-]{16,}|\bBearer\s+(?!<redacted>)\S+|\borg-[A-Za-z0-9]{16,}")
SERVER_SECRETS = [v.split(";")[0].split("=")[-1] for v in RESPONSE_HEADERS.values()
                  if "canary" in v]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENAI_API_KEY": KEY, "OPENAI_ORG_ID": ORG,
           "OPENAI_PROJECT_ID": PROJECT, "OPENAI_LOG": "debug", "EXTRACTOR_MODEL_SCOPE": "all",
           "EXTRACTOR_MAX_RETRIES": "1", "EXTRACTOR_TIMEOUT": "2"}
    env.pop("EXTRACTOR_RAISE_ERRORS", None)
    return subprocess.run([sys.executable, "-m", "extractor", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=60)


@pytest.fixture(scope="module")
def secret_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One ``extract --cassette --record`` and one ``batch --db --jsonl`` with a distinctive
    key, against a server that echoes the key back once in each."""
    work = tmp_path_factory.mktemp("secrets")
    docs = work / "in"
    docs.mkdir()
    for i, phrase in enumerate(("unit alpha", "unit beta", "unit gamma")):
        text = DECISION.read_text(encoding="utf-8").replace("neighbouring workshop", phrase)
        (docs / f"d{i}.txt").write_text(text, encoding="utf-8")
    markers = {"unit alpha": ["401", "ok"], "unit beta": ["500"]}
    with FaultServer(script=["401"], markers=markers) as srv:
        base = ["--backend", "openai", "--base-url", srv.url, "--model", "m"]
        extract = run("extract", *base, "--cassette", str(work / "hard.yaml"), "--record",
                      str(DECISION), cwd=work)
        batch = run("batch", *base, "--db", str(work / "runs.sqlite"), "--jsonl",
                    str(work / "out.jsonl"), str(docs), cwd=work)
        sent = [r.headers.get("authorization", "") for r in srv.requests]
    return {"work": work, "runs": [extract, batch], "sent": sent}


def test_the_server_was_sent_the_key_and_echoed_it(secret_run):
    assert secret_run["sent"] and all(KEY in s for s in secret_run["sent"])
    assert [r.returncode for r in secret_run["runs"]] == [3, 3]  # some questions failed


def test_the_key_is_in_no_output_stream_or_log(secret_run):
    for done in secret_run["runs"]:
        assert CORE not in done.stdout
        assert CORE not in done.stderr
    assert "DEBUG" in secret_run["runs"][0].stderr  # the client's debug log was on


def test_the_key_is_in_no_file_a_run_leaves(secret_run):
    files = [p for p in secret_run["work"].rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"hard.yaml", "runs.sqlite", "out.jsonl"} <= names
    leaked = [p.name for p in files if CORE.encode() in p.read_bytes()]
    assert leaked == []


def test_the_recorded_cassette_is_scrubbed(secret_run):
    cassette = secret_run["work"] / "hard.yaml"
    assert_scrubbed(cassette)
    text = cassette.read_text(encoding="utf-8")
    assert ORG not in text and PROJECT not in text
    assert not any(secret in text for secret in SERVER_SECRETS)


def test_every_committed_cassette_is_scrubbed():
    for cassette in sorted(CASSETTES.rglob("*.yaml")):
        assert_scrubbed(cassette)


def assert_scrubbed(cassette: Path) -> None:
    text = cassette.read_text(encoding="utf-8")
    found = CREDENTIAL_REGEX.findall(text)
    assert not found, f"{cassette.name}: {found[:3]}"
    data = yaml.safe_load(text) or {}
    for n, item in enumerate(data.get("interactions") or []):
        for side in ("request", "response"):
            headers = {h.lower() for h in (item.get(side, {}).get("headers") or {})}
            kept = headers & {*SECRET_HEADERS, "set-cookie", "openai-organization"}
            assert not kept, f"{cassette.name} interaction {n} {side} keeps {sorted(kept)}"
        uri = item.get("request", {}).get("uri", "")
        assert not re.match(r"^\w+://[^/]*@", uri), f"{cassette.name}: credentials in {uri}"
