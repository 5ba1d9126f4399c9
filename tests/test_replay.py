"""Cassettes: every cassette under cassettes/ replays offline into a valid record; the vcrpy
settings in ``replay.py`` scrub, canonicalise and match on the body; record then replay works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CASSETTES, ROOT
from faultserver import FaultServer
from typer.testing import CliRunner

from extractor.cli import app
from extractor.model import replay
from extractor.model.answers import squash
from extractor.model.merge import supports_reason
from extractor.model.prompt import prompt_sha
from extractor.models import Decision

CASSETTE_FILES = sorted(CASSETTES.rglob("*.yaml"))
SEED_000 = ROOT / "examples" / "seed_000_kensington.txt"
SEED_001 = ROOT / "examples" / "seed_001_kingston.txt"
CODES = CASSETTES / "codes" / "closed_two_reasons.yaml"
RERECORD = "re-record with scripts/record_cassettes.sh"


def extract(*args: str, env: dict[str, str] | None = None) -> tuple[int, list[Decision], str]:
    result = CliRunner().invoke(app, ["extract", *args], env=env)
    records = [Decision.model_validate_json(line) for line in result.stdout.splitlines()
               if line.startswith("{")]
    return result.exit_code, records, result.stderr


def replay_args(path: Path) -> tuple[list[str], dict[str, str], list[str]]:
    """The CLI arguments, environment and inputs a cassette was recorded with."""
    meta = replay.read_metadata(path)
    inputs = [str(ROOT / p) if not Path(p).is_absolute() else p for p in meta["inputs"]]
    args = ["--backend", meta["backend"], "--cassette", str(path)]
    for key in ("model", "mode", "model_path"):
        if key in meta:
            args += [f"--{key.replace('_', '-')}", meta[key]]
    return args + inputs, dict(meta.get("env", {})), inputs


def test_there_are_cassettes_of_the_embedded_model():
    assert len(CASSETTE_FILES) >= 4, "cassettes/ is empty: " + RERECORD


@pytest.mark.block_network
@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: str(p.relative_to(CASSETTES)))
def test_every_cassette_replays_offline_into_a_valid_record(path):
    meta = replay.read_metadata(path)
    assert meta.get("inputs"), f"{path.name} has no metadata of its inputs: {RERECORD}"
    assert meta.get("prompt_sha") == prompt_sha(), f"prompts/ changed since recording: {RERECORD}"
    args, env, inputs = replay_args(path)
    code, records, stderr = extract(*args, env=env)
    assert code == 0, stderr  # 1 would mean a request missing from the cassette
    assert len(records) == len(inputs)
    assert all(r.meta.prompt_sha == prompt_sha() and r.meta.backend == meta["backend"]
               for r in records)
    # every recorded answer was asked for, and counted
    assert sum(r.meta.attempts for r in records) == len(replay.read_interactions(path))
    assert all(r.meta.usage.prompt_tokens > 0 for r in records if r.meta.attempts)


@pytest.mark.block_network
def test_in_scope_codes_the_recorded_model_only_adds_to_the_rules_reasons():
    """Recorded from the embedded model (with the project's adapter) in scope ``codes``: the
    rules found one reason; the model was offered only the other sentences, and whatever it
    added is a model-origin reason quoting the source and supported by its sentence."""
    args, env, [source] = replay_args(CODES)
    _, [rules_only], _ = extract("--backend", "none", source)
    code, [record], stderr = extract(*args, env=env)
    assert code == 0, stderr
    ruled = [(r.code, r.evidence) for r in rules_only.reasons]
    assert ruled and [(r.code, r.evidence) for r in record.reasons][:len(ruled)] == ruled
    text = Path(source).read_text(encoding="utf-8")
    for added in record.reasons[len(ruled):]:
        assert added.origin == "model" and text[added.start:added.end] == added.evidence
        assert supports_reason(added.code, added.evidence)
    [asked] = [i for i in replay.read_interactions(CODES)
               if i["request"]["json"]["tool_choice"]["function"]["name"] == "Reasons"]
    prompt = asked["request"]["json"]["messages"][-1]["content"]
    assert all(squash(e.replace("’", "'")) not in prompt for _, e in ruled)


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: str(p.relative_to(CASSETTES)))
def test_cassettes_keep_no_secret_or_volatile_header(path):
    text = path.read_text(encoding="utf-8").lower()
    assert "authorization" not in text and "test-key" not in text and "sk-" not in text
    for item in replay.read_interactions(path):
        for side in ("request", "response"):
            assert set(item[side].get("headers", {})) <= {"content-type"}, side
        assert item["request"]["uri"].startswith(replay.LOCAL_SERVER_URL)


@pytest.mark.block_network
def test_a_request_not_in_the_cassette_fails_loudly():
    """Another document against a seed's cassette: a body mismatch, never a stale answer."""
    cassette = CASSETTES / "seeds" / "seed_000_all.yaml"
    _args, env, _inputs = replay_args(cassette)
    code, records, stderr = extract("--backend", "local", "--cassette", str(cassette),
                                    str(SEED_001), env=env)
    assert code == 1 and records == []
    assert "no recorded answer" in stderr and "--record" in stderr


@pytest.mark.block_network
@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: str(p.relative_to(CASSETTES)))
def test_a_cassette_replays_with_one_command_and_no_settings(path):
    """``extract INPUT --cassette C``, nothing else: the cassette's recorded settings, backend
    and model are used (the test environment's OPENAI_API_KEY would pick openai otherwise)."""
    meta = replay.read_metadata(path)
    _args, _env, inputs = replay_args(path)
    code, records, stderr = extract("--cassette", str(path), *inputs)
    assert code == 0, stderr
    assert [r.meta.backend for r in records] == [meta["backend"]] * len(inputs)
    assert sum(r.meta.attempts for r in records) == len(replay.read_interactions(path))


@pytest.mark.block_network
def test_a_replay_miss_names_what_differs_from_the_recording():
    cassette = CASSETTES / "seeds" / "seed_000_all.yaml"
    code, records, stderr = extract("--cassette", str(cassette), "--model", "other-model",
                                    str(SEED_001))
    assert code == 1 and records == []
    assert stderr.count("\n") == 1 and "no recorded answer" in stderr
    assert "--model gemma-3-270m-q4_k_m+extractor-lora (this run: other-model)" in stderr
    assert "the inputs examples/seed_000_kensington.txt" in stderr


def test_a_missing_cassette_is_a_one_line_error():
    code, _records, stderr = extract("--backend", "local", "--cassette", "nope/none.yaml",
                                     str(SEED_000))
    assert code == 1 and stderr.strip() == "error: cassette nope/none.yaml not found " \
                                           "(add --record to create it)"


@pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])
def test_record_then_replay_gives_the_same_record_without_the_server(tmp_path):
    cassette = tmp_path / "hard_case.yaml"
    env = {"EXTRACTOR_MODEL_SCOPE": "all"}
    with FaultServer() as srv:
        code, recorded, stderr = extract("--backend", "openai", "--base-url", srv.url,
                                         "--model", "m", "--cassette", str(cassette),
                                         "--record", str(SEED_001), env=env)
        asked = len(srv.completions("*"))
    assert code == 0, stderr
    assert asked >= 1 and len(replay.read_interactions(cassette)) == asked
    meta = replay.read_metadata(cassette)
    assert meta["inputs"] == [str(SEED_001)] and meta["env"]["EXTRACTOR_MODEL_SCOPE"] == "all"
    # the server is gone; a different port is fine (loopback is recorded canonically)
    code, replayed, stderr = extract("--backend", "openai", "--base-url",
                                     "http://127.0.0.1:9/v1", "--model", "m", "--cassette",
                                     str(cassette), str(SEED_001), env=env)
    assert code == 0, stderr
    strip = {"meta": {"seconds"}}
    assert [r.model_dump(exclude=strip) for r in replayed] == \
        [r.model_dump(exclude=strip) for r in recorded]


def test_the_serializer_stores_json_bodies_parsed_and_restores_them():
    body = {"messages": [{"role": "user", "content": "line one\nline two"}], "model": "m"}
    data = {"version": 1, "interactions": [{
        "request": {"method": "POST", "uri": "u", "body": json.dumps(body),
                    "headers": {"content-type": ["application/json"]}},
        "response": {"status": {"code": 200, "message": "OK"}, "headers": {},
                     "body": {"string": json.dumps({"ok": True})}}}]}
    text = replay.ReadableSerializer.serialize(json.loads(json.dumps(data)))
    assert "line one\n" in text and '"ok"' not in text  # a block scalar; parsed JSON
    back = replay.ReadableSerializer.deserialize(text)["interactions"][0]
    assert json.loads(back["request"]["body"]) == body
    assert json.loads(back["response"]["body"]["string"]) == {"ok": True}


@pytest.mark.parametrize(("uri", "expected"), [
    ("http://127.0.0.1:51234/v1/chat/completions", replay.LOCAL_SERVER_URL + "/chat/completions"),
    ("http://localhost:8080/v1/models", replay.LOCAL_SERVER_URL + "/models"),
    ("https://api.openai.com/v1/chat/completions", "https://api.openai.com/v1/chat/completions"),
])
def test_loopback_servers_are_recorded_under_one_address(uri, expected):
    class Request:
        headers = {"Authorization": "Bearer x", "Content-Type": "application/json",
                   "X-Stainless-Retry-Count": "0"}
        body = b"{}"

    request = Request()
    request.uri = uri  # type: ignore[attr-defined]
    scrubbed = replay.scrub_request(request)
    assert scrubbed.uri == expected and list(scrubbed.headers) == ["Content-Type"]
