"""Shared fixtures: a fake OpenAI key for every test, and the cassette settings of
``extractor/model/replay.py`` for pytest-recording (cassettes live in the top-level
``cassettes/``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.model import replay

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"


@pytest.fixture(autouse=True)
def _fake_openai_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test ever uses a real key (re-recording sets its own in the environment)."""
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")


@pytest.fixture(autouse=True)
def _server_logs_in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
                        ) -> None:
    """The embedded server's logs of a test go to a scratch folder, not the user's cache."""
    monkeypatch.setenv("EXTRACTOR_SERVER_LOG_DIR", str(tmp_path_factory.getbasetemp() /
                                                       "server-logs"))


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, object]:
    return replay.vcr_config(record_mode=None)  # the mode comes from pytest --record-mode


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


def pytest_recording_configure(config: pytest.Config, vcr: object) -> None:
    """pytest-recording hook: teach its VCR the readable cassette serializer."""
    replay.register(vcr)  # type: ignore[arg-type]
