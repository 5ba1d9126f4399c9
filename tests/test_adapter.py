"""The committed LoRA adapters (extractor/adapters/, the default, and any under train/adapter/):
valid GGUF LoRAs for the packaged Gemma 3 270M, small; which adapter the embedded server loads
(``EXTRACTOR_LORA_PATH``); and (``live``) the bare model still extracts seed 000 end to end (the
default, with the adapter, is tests/test_live.py). The header is read here with a small GGUF
reader (no ``gguf`` package at run time)."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from extractor.cli import app
from extractor.errors import ConfigError
from extractor.model.local_server import PACKAGED_ADAPTER, lora_path, served_alias, server_command
from extractor.model.policy import calibrate_hint
from extractor.models import Decision
from extractor.settings import Settings

ADAPTERS = [PACKAGED_ADAPTER, *sorted((ROOT / "train" / "adapter").glob("*.gguf"))]
SEED_000 = ROOT / "examples" / "seed_000_kensington.txt"
MAX_BYTES = 16 * 2**20
# GGUF value types: fixed-size scalars (struct format), 8 = string, 9 = array.
SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q",
           12: "d"}


def _read(fh: BinaryIO, fmt: str) -> Any:
    size = struct.calcsize("<" + fmt)
    return struct.unpack("<" + fmt, fh.read(size))[0]


def _string(fh: BinaryIO) -> str:
    return fh.read(_read(fh, "Q")).decode("utf-8")


def _value(fh: BinaryIO, kind: int) -> Any:
    if kind in SCALARS:
        return _read(fh, SCALARS[kind])
    if kind == 8:
        return _string(fh)
    if kind == 9:
        item, count = _read(fh, "I"), _read(fh, "Q")
        return [_value(fh, item) for _ in range(count)]
    raise ValueError(f"unknown GGUF value type {kind}")


def read_gguf(path: Path) -> tuple[dict[str, Any], list[str]]:
    """(metadata, tensor names) of a GGUF file (format version 2 or 3)."""
    with path.open("rb") as fh:
        assert fh.read(4) == b"GGUF", f"{path} is not a GGUF file"
        assert _read(fh, "I") in (2, 3)
        n_tensors, n_kv = _read(fh, "Q"), _read(fh, "Q")
        meta = {}
        for _ in range(n_kv):
            key = _string(fh)
            meta[key] = _value(fh, _read(fh, "I"))
        names = []
        for _ in range(n_tensors):
            names.append(_string(fh))
            dims = _read(fh, "I")
            fh.read(8 * dims + 4 + 8)  # shape, type, offset
        return meta, names


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda p: p.name)
def test_committed_adapter_is_a_small_gguf_lora_for_gemma3(adapter: Path):
    meta, names = read_gguf(adapter)
    assert meta["general.type"] == "adapter" and meta["adapter.type"] == "lora"
    assert meta["general.architecture"] == "gemma3"
    assert adapter.stat().st_size < MAX_BYTES
    assert names and all(n.endswith((".lora_a", ".lora_b")) for n in names)
    assert {n.split(".")[2] for n in names} <= {"attn_q", "attn_k", "attn_v", "attn_output"}


def test_lora_path_goes_to_the_server_only_when_given(tmp_path):
    gguf = tmp_path / "model.gguf"
    assert "--lora_path" not in server_command(gguf, "m", 1, Settings())
    cmd = server_command(gguf, "m", 1, Settings(), "/a/b.gguf")
    assert cmd[cmd.index("--lora_path") + 1] == "/a/b.gguf"


@pytest.mark.parametrize(("env", "model_path", "expected"), [
    (None, None, "packaged"),            # the packaged model gets the project's adapter
    (None, "/m/other.gguf", None),       # another GGUF runs bare: the adapter fits only Gemma
    ("none", None, None),                # asked for the bare model
    ("OFF", None, None),
    ("given", None, "given"),            # a named adapter, whatever the model
    ("given", "/m/other.gguf", "given"),
])
def test_which_adapter_the_server_loads(monkeypatch, tmp_path, env, model_path, expected):
    given = tmp_path / "mine.gguf"
    given.write_bytes(b"GGUF")
    if env is None:
        monkeypatch.delenv("EXTRACTOR_LORA_PATH", raising=False)
    else:
        monkeypatch.setenv("EXTRACTOR_LORA_PATH", str(given) if env == "given" else env)
    want = {"packaged": str(PACKAGED_ADAPTER), "given": str(given), None: None}[expected]
    assert lora_path(model_path) == want


def test_a_missing_adapter_is_a_one_line_config_error(monkeypatch, tmp_path):
    monkeypatch.setenv("EXTRACTOR_LORA_PATH", str(tmp_path / "missing.gguf"))
    with pytest.raises(ConfigError, match="not found.*'none'"):
        lora_path()


def test_records_name_the_adapter_in_the_model_they_came_from():
    assert served_alias("gemma-3-270m-q4_k_m", str(PACKAGED_ADAPTER)) == \
        "gemma-3-270m-q4_k_m+extractor-lora"
    assert served_alias("gemma-3-270m-q4_k_m", None) == "gemma-3-270m-q4_k_m"


@pytest.mark.live
@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                    reason="needs the local extra")
def test_the_embedded_server_without_the_adapter_still_extracts_seed_000():
    """The default run (with the adapter) is tests/test_live.py; this is the bare model."""
    env = {"EXTRACTOR_LORA_PATH": "none", "EXTRACTOR_MODEL_SCOPE": "all"}
    result = CliRunner().invoke(app, ["extract", "--backend", "local", str(SEED_000)], env=env)
    # The shipped trust policy fits the packaged model with its adapter: the bare model has
    # none, runs `rules` and says so once.
    assert result.exit_code in (0, 3), result.stderr
    assert result.stderr.splitlines() == [calibrate_hint("local", "gemma-3-270m-q4_k_m")]
    [record] = [Decision.model_validate_json(line) for line in result.stdout.splitlines()]
    assert record.meta.backend == "local" and record.meta.model == "gemma-3-270m-q4_k_m"
    assert record.meta.attempts >= 2 and record.meta.usage.completion_tokens > 0
    assert record.investigated is False and record.reasons
