"""bench/stand_in_model.py answers the project's own questions from labels it has never seen
(written here, in the corpus format), through the real model pass over loopback HTTP."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from extractor.model.backends import BackendOptions, open_model_pass
from extractor.model.policy import Policy
from extractor.pipeline import run_one
from extractor.read.load import Document
from extractor.settings import Settings

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])
ROOT = Path(__file__).resolve().parents[1]

# Written for this test, in the house style; labels that are in no corpus.
TEXT = ("Summary: We will not investigate Mr D\u2019s complaint about the Council\u2019s "
        "decision on his blue badge. He can ask the Council to review its decision, and he "
        "can complain to the Information Commissioner about how it used his data.\n"
        "Final decision\n"
        "We will not investigate Mr D\u2019s complaint because he should first ask the Council "
        "to review its decision, and the Information Commissioner is better placed to "
        "consider his data concerns.\n")
LABELS = {"file": "blue-badge.json", "investigated": False, "fault_found": None,
          "outcome": "closed_after_initial_enquiries", "outcome_source": "wording",
          "reasons": ["use_review_or_appeal_first", "other_body_better_placed"],
          "referred_to": ["information_commissioner"], "remedy_kinds": [], "payments": []}


def load_stand_in() -> ModuleType:
    spec = importlib.util.spec_from_file_location("stand_in_model",
                                                  ROOT / "bench" / "stand_in_model.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def stand_in(tmp_path: Path) -> Iterator[object]:
    """Starts the stand-in on a free port for labels given by the test: yields a function
    (wrong, miss) -> base URL."""
    module = load_stand_in()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / LABELS["file"]).write_text(json.dumps({"text": TEXT}), "utf-8")
    (tmp_path / "gold.jsonl").write_text(json.dumps(LABELS) + "\n", "utf-8")
    labels = module.Labels.load([str(tmp_path / "gold.jsonl")], [str(tmp_path / "docs")])
    servers = []

    def start(wrong: float = 0.0, miss: float = 0.0) -> str:
        handler = module.make_handler(module.Answerer(labels, wrong, miss, seed=1))
        server = module.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/v1"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def extract(base_url: str, mode: str = "model") -> dict[str, object]:
    options = BackendOptions("openai", "stand-in", base_url, policy=Policy.uniform(mode))
    with open_model_pass(options, Settings.from_env()) as model_pass:
        record = run_one(Document(text=TEXT, source="blue-badge.json"), model_pass)
    return record.model_dump()


def test_a_perfect_stand_in_gives_the_labels_each_on_a_sentence_of_the_decision(stand_in):
    record = extract(stand_in())
    assert sorted(r["code"] for r in record["reasons"]) == sorted(LABELS["reasons"])
    assert record["referred_to"] == ["information_commissioner"]
    for reason in record["reasons"]:
        assert TEXT[reason["start"]:reason["end"]] == reason["evidence"]
    assert record["meta"]["usage"]["prompt_tokens"] > 0


def test_wrong_gives_other_codes_and_miss_leaves_them_out(stand_in):
    wrong = extract(stand_in(wrong=1.0))
    assert not {r["code"] for r in wrong["reasons"]} & set(LABELS["reasons"])
    missed = extract(stand_in(miss=1.0))
    assert missed["reasons"] == [] and missed["referred_to"] == []
