"""Record and replay model HTTP with vcrpy: the ONE place the cassette settings live.

Used by the tests (``tests/conftest.py`` returns ``vcr_config()`` to pytest-recording) and by
the CLI (``extractor extract FILE --cassette F.yaml [--record]``, via ``use_cassette``).

- Requests match on method, URI and **body**, so an edited prompt fails loudly instead of
  replaying a stale answer.
- Loopback servers (the embedded llama.cpp server picks a free port each run) are recorded
  under one canonical address, ``LOCAL_SERVER_URL``, so a replay needs no server at all.
- Secrets and volatile headers never reach the file: requests and responses keep only the
  headers in ``KEEP_HEADERS``; compressed bodies are decoded; JSON bodies are stored parsed,
  so a cassette reads as the exchange it is.
- A cassette's ``metadata`` names the inputs and options it was recorded with, so the test
  suite (and ``scripts/record_cassettes.sh``) can replay or re-record every cassette.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import vcr
import yaml
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.serializers import yamlserializer

from extractor.errors import ConfigError
from extractor.settings import redact

SERIALIZER = "readable-yaml"
MATCH_ON = ("method", "uri", "body")
# Never written, whatever else changes: credentials and session state.
SECRET_HEADERS = ("authorization", "cookie", "set-cookie", "openai-organization",
                  "openai-project", "api-key", "x-api-key")
# All other headers are volatile (dates, request ids, SDK versions, timings): keep only these.
KEEP_HEADERS = frozenset({"content-type"})
# Loopback servers are recorded under this address; the local backend replays against it.
LOCAL_SERVER_URL = "http://local-model.invalid/v1"
LOOPBACK_URI_REGEX = re.compile(
    r"^https?://(?:127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0)(?::\d+)?(?:/v1)?(?=/)")
METADATA_KEY = "extractor"


class _Dumper(yamlserializer._CassetteDumper):
    """Multi-line strings (prompts) as YAML block scalars, so diffs stay readable."""


def _represent_str(dumper: yaml.Dumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


class ReadableSerializer:
    """vcrpy's safe YAML, with JSON bodies stored as parsed data (``json:``)."""

    @staticmethod
    def serialize(cassette_dict: dict[str, Any]) -> str:
        for item in cassette_dict.get("interactions", []):
            _parse_body(item["request"], "body")
            _parse_body(item["response"].get("body") or {}, "string")
        return yaml.dump(cassette_dict, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                         width=100)

    @staticmethod
    def deserialize(cassette_string: str) -> dict[str, Any]:
        data = yamlserializer.deserialize(cassette_string)
        for item in data.get("interactions", []):
            _dump_body(item["request"], "body")
            _dump_body(item["response"].get("body") or {}, "string")
        return data


def _parse_body(holder: dict[str, Any], key: str) -> None:
    raw = holder.get(key)
    if not isinstance(raw, (str, bytes)) or not raw:
        return
    try:
        holder["json"] = json.loads(raw)
    except ValueError:
        return
    del holder[key]


def _dump_body(holder: dict[str, Any], key: str) -> None:
    if "json" in holder:
        holder[key] = json.dumps(holder.pop("json"), ensure_ascii=False)


def scrub_request(request: Any) -> Any:
    request.uri = LOOPBACK_URI_REGEX.sub(LOCAL_SERVER_URL, request.uri)
    for name in list(request.headers):
        if name.lower() not in KEEP_HEADERS:
            del request.headers[name]
    if isinstance(request.body, (str, bytes)):
        request.body = redact(request.body)
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    response["headers"] = {k: v for k, v in response.get("headers", {}).items()
                           if k.lower() in KEEP_HEADERS}
    body = response.get("body") or {}
    if isinstance(body.get("string"), (str, bytes)):  # a server may echo the key in an error
        body["string"] = redact(body["string"])
    return response


def vcr_config(record_mode: str | None = "none") -> dict[str, Any]:
    """Keyword arguments for ``vcr.VCR`` / pytest-recording's ``vcr_config`` fixture
    (``record_mode=None`` leaves the mode to ``pytest --record-mode``)."""
    config = {
        "serializer": SERIALIZER,
        "match_on": MATCH_ON,
        "filter_headers": SECRET_HEADERS,
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
        "decode_compressed_response": True,
    }
    if record_mode is not None:
        config["record_mode"] = record_mode
    return config


def register(recorder: vcr.VCR) -> vcr.VCR:
    """Teach a VCR instance our serializer (pytest-recording calls this via conftest)."""
    recorder.register_serializer(SERIALIZER, ReadableSerializer())
    return recorder


def make_vcr(record: bool = False) -> vcr.VCR:
    # "all" re-records every request and drops the ones not made again: a clean re-record.
    mode = "all" if record else "none"
    return register(vcr.VCR(**vcr_config(mode), drop_unused_requests=record))


@contextmanager
def use_cassette(path: str, record: bool = False,
                 metadata: dict[str, Any] | None = None) -> Iterator[Any]:
    """Record to (``record=True``) or replay from the cassette at ``path``."""
    if not record and not Path(path).is_file():
        raise ConfigError(f"cassette {path} not found (add --record to create it)")
    if record:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    with make_vcr(record).use_cassette(path) as cassette:
        if record and metadata is not None:
            stored = cassette.get_metadata(METADATA_KEY, dict(metadata))
            if stored != metadata:  # re-recording with other inputs or options
                stored.clear()
                stored.update(metadata)
                cassette.dirty = True
        yield cassette


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The inputs and options a cassette was recorded with ({} if it has none)."""
    data = ReadableSerializer.deserialize(Path(path).read_text(encoding="utf-8"))
    return dict((data.get("metadata") or {}).get(METADATA_KEY) or {})


def recorded_model(path: str | Path) -> str | None:
    """The model name the cassette's first request asked for (None without requests)."""
    for item in read_interactions(path):
        body = item["request"].get("json") or {}
        if isinstance(body, dict) and isinstance(body.get("model"), str):
            return str(body["model"])
    return None


def read_interactions(path: str | Path) -> list[dict[str, Any]]:
    """The recorded request/response pairs, bodies as parsed JSON (for tests and review)."""
    text = Path(path).read_text(encoding="utf-8")
    return list(yamlserializer.deserialize(text).get("interactions", []))


def is_replay_miss(exc: BaseException) -> bool:
    """True when ``exc`` (or its cause chain) is vcrpy refusing an unrecorded request."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, CannotOverwriteExistingCassetteException):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
