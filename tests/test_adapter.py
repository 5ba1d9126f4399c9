"""The committed LoRA adapter (train/adapter/*.gguf): a valid GGUF LoRA for the packaged Gemma 3
270M, small; and (``live``) the embedded server loads it (``EXTRACTOR_LORA_PATH``) and
extracts seed 000 end to end. The header is read here with a small GGUF reader (no ``gguf``
package at run time)."""

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
from extractor.local_server import lora_path, server_command
from extractor.models import Decision
from extractor.settings import Settings

ADAPTERS = sorted((ROOT / "train" / "adapter").glob("*.gguf"))
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


@pytest.mark.skipif(not ADAPTERS, reason="no adapter committed under train/adapter/")
@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda p: p.name)
def test_committed_adapter_is_a_small_gguf_lora_for_gemma3(adapter: Path):
    meta, names = read_gguf(adapter)
    assert meta["general.type"] == "adapter" and meta["adapter.type"] == "lora"
    assert meta["general.architecture"] == "gemma3"
    assert adapter.stat().st_size < MAX_BYTES
    assert names and all(n.endswith((".lora_a", ".lora_b")) for n in names)
    assert {n.split(".")[2] for n in names} <= {"attn_q", "attn_k", "attn_v", "attn_output"}


def test_lora_path_goes_to_the_server_only_when_set(monkeypatch, tmp_path):
    gguf = tmp_path / "model.gguf"
    monkeypatch.delenv("EXTRACTOR_LORA_PATH", raising=False)
    assert "--lora_path" not in server_command(gguf, "m", 1, Settings())
    adapter = tmp_path / "a.gguf"
    adapter.write_bytes(b"GGUF")
    monkeypatch.setenv("EXTRACTOR_LORA_PATH", str(adapter))
    cmd = server_command(gguf, "m", 1, Settings())
    assert cmd[cmd.index("--lora_path") + 1] == str(adapter)
    monkeypatch.setenv("EXTRACTOR_LORA_PATH", str(tmp_path / "missing.gguf"))
    with pytest.raises(ConfigError, match="not found"):
        lora_path()


@pytest.mark.live
@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None or not ADAPTERS,
                    reason="needs the local extra and a committed adapter")
def test_the_embedded_server_with_the_adapter_extracts_seed_000():
    env = {"EXTRACTOR_LORA_PATH": str(ADAPTERS[0]), "EXTRACTOR_MODEL_SCOPE": "all"}
    result = CliRunner().invoke(app, ["extract", "--backend", "local", str(SEED_000)], env=env)
    assert result.exit_code in (0, 3) and result.stderr == "", result.stderr
    [record] = [Decision.model_validate_json(line) for line in result.stdout.splitlines()]
    assert record.meta.backend == "local" and record.meta.attempts >= 2
    assert record.meta.usage.completion_tokens > 0
    assert record.investigated is False and record.reasons
