"""Model-server faults, with a real server on loopback (``faultserver.py``) and the real
``openai`` backend: bounded retries with backoff, one clear issue per failed question, the
record still written with its deterministic fields, and in a batch every other document done.

The knobs keep the suite fast: one transport retry, a client timeout well under the hang, a
short ``Retry-After``, and ``EXTRACTOR_MODEL_SCOPE=all`` so every document asks the model (the
rules settle these decisions on their own, and ``gaps`` would send nothing). Each batch test
aims one fault at one document through a phrase only that document's prompts contain.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from faultserver import MALFORMED, OBEY, TRANSIENT, FaultServer
from harness import (
    DECISION,
    FIXTURES,
    Run,
    cli,
    facts_of,
    issue_rules,
    latest,
    make_corpus,
    quoted_strings,
    reference,
    stored,
    unit,
)

from extractor.facts.grounding import Grounder
from extractor.model.policy import calibrate_hint

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])

RETRIES, ATTEMPTS, TIMEOUT, HANG, RETRY_AFTER = 1, 3, 1.0, 4.0, 0.3
# The circuit breaker stays shut here (each document meets its own faults; test_watch.py
# opens it).
ENV = {"OPENAI_API_KEY": "test-key", "EXTRACTOR_MAX_RETRIES": str(RETRIES),
       "EXTRACTOR_MAX_ATTEMPTS": str(ATTEMPTS), "EXTRACTOR_TIMEOUT": str(TIMEOUT),
       "EXTRACTOR_MODEL_SCOPE": "all", "EXTRACTOR_BREAKER_FAILURES": "1000"}
FAILED = "extraction_failed"
QUESTIONS = 2  # the fixture decision (closed after initial enquiries): reasons and status

# How each persistent fault ends, per question: (HTTP requests it costs, words of its reason).
ENDINGS = {
    **{f: (RETRIES + 1, "model server error") for f in ("429", "500", "502", "503")},
    "hang": (RETRIES + 1, "model server error"),
    "drop": (RETRIES + 1, "model server error"),
    "bad_body": (ATTEMPTS, "JSON"),
    "bad_json": (ATTEMPTS, "Invalid JSON"),
    "wrong_shape": (ATTEMPTS, "validation error"),
    "ungrounded": (ATTEMPTS, "not in the list"),
    "truncated": (1, "cut off"),  # not re-asked: the same cap would cut the answer again
}
assert set(ENDINGS) == set(TRANSIENT + MALFORMED)
# Faults that one retry or one re-ask gets past, and the least wait before that second try.
RECOVERABLE = {"429": RETRY_AFTER, "500": 0.2, "502": 0.2, "503": 0.2, "hang": TIMEOUT,
               "drop": 0.2, "bad_body": 0.0, "bad_json": 0.0, "wrong_shape": 0.0,
               "ungrounded": 0.0}
# Faults where the model did answer (badly): the re-ask carries its answer and the error.
ANSWERED = ("bad_json", "wrong_shape", "ungrounded")


def server(**kwargs) -> FaultServer:
    return FaultServer(hang_seconds=HANG, retry_after=str(RETRY_AFTER), **kwargs)


def openai_args(srv: FaultServer) -> list[str]:
    return ["--backend", "openai", "--base-url", srv.url, "--model", "m"]


def batch(srv: FaultServer, folder: Path, db: Path, *extra: str) -> Run:
    return cli("batch", *openai_args(srv), "--db", str(db), "--concurrency", "12", *extra,
               str(folder), env=ENV)


def by_doc(db: Path) -> dict[int, dict]:
    return {int(Path(r["source"]).stem[1:]): r for r in latest(db).values()}


def calls_for(srv: FaultServer, i: int) -> list:
    return [c for c in srv.completions("*") if unit(i) in str(c.body)]


def test_each_fault_fails_only_its_document_with_bounded_retries(tmp_path):
    faults = list(ENDINGS)
    make_corpus(tmp_path / "in", len(faults) + 2)
    db = tmp_path / "runs.sqlite"
    with server(markers={unit(i): [fault] for i, fault in enumerate(faults)}) as srv:
        run = batch(srv, tmp_path / "in", db)
        calls = {i: calls_for(srv, i) for i in range(len(faults) + 2)}
    assert run.exit_code == 3
    rows = by_doc(db)
    assert sorted(rows) == list(range(len(faults) + 2))
    for i, fault in enumerate(faults):
        per_question, words = ENDINGS[fault]
        expected = QUESTIONS * per_question  # bounded: no retry storm
        if fault == "hang":  # a request the client gave up on may reach the server late
            assert QUESTIONS <= len(calls[i]) <= expected
        else:
            assert len(calls[i]) == expected, (fault, rows[i]["error"])
        row = rows[i]
        assert row["status"] == "failed" and words in row["error"], (fault, row["error"])
        assert "\n" not in row["error"]
        record = row["record"]  # still written, with every deterministic field
        assert record["reference"] == reference(i) and record["outcome"] and record["citations"]
        assert sum(x["rule"] == FAILED for x in record["issues"]) == QUESTIONS
    for i in (len(faults), len(faults) + 1):  # the others are done
        assert rows[i]["status"] in ("ok", "issues") and len(calls[i]) == QUESTIONS
        assert FAILED not in issue_rules(rows[i]["record"])


def test_each_passing_fault_is_retried_after_a_backoff_or_re_asked(tmp_path):
    faults = list(RECOVERABLE)
    make_corpus(tmp_path / "in", len(faults))
    db = tmp_path / "runs.sqlite"
    with server(markers={unit(i): [fault, "ok"] for i, fault in enumerate(faults)}) as srv:
        run = batch(srv, tmp_path / "in", db)
        calls = {i: calls_for(srv, i) for i in range(len(faults))}
    assert run.exit_code == 0, run.stdout
    rows = by_doc(db)
    for i, fault in enumerate(faults):
        assert rows[i]["status"] == "ok" and FAILED not in issue_rules(rows[i]["record"])
        first, second = calls[i][0], calls[i][1]
        assert (first.behaviour, second.behaviour, len(calls[i])) == (fault, "ok", QUESTIONS + 1)
        assert second.at - first.at >= RECOVERABLE[fault]  # Retry-After / backoff honoured
        if fault in ANSWERED:  # a re-ask: the rejected answer and the error go back
            assert len(second.body["messages"]) > len(first.body["messages"]), fault
            assert rows[i]["record"]["meta"]["attempts"] == QUESTIONS + 1


def test_extract_keeps_the_facts_when_the_server_keeps_failing():
    facts = facts_of(cli("extract", "--backend", "none", str(DECISION)).records[0])
    with server(default="503") as srv:
        run = cli("extract", *openai_args(srv), str(DECISION), env=ENV)
    assert run.exit_code == 3
    [record] = run.records
    assert facts_of(record) == facts
    failures = [i for i in record["issues"] if i["rule"] == FAILED]
    assert len(failures) == QUESTIONS
    assert all(i["severity"] == "error" and "503" in i["message"] for i in failures)


def test_a_real_process_reports_failures_as_data_not_as_log_dumps(tmp_path):
    """In a real process (no pytest log capture), stderr holds only the note that the backend
    has no trust policy and extract's one summary line: the failure is in the record, and the
    library's own logging does not spill multi-line errors."""
    env = {**os.environ, **ENV}
    env.pop("EXTRACTOR_RAISE_ERRORS", None)
    with server(script=["ungrounded"] * 3 + ["500"] * 2) as srv:
        done = subprocess.run([sys.executable, "-m", "extractor", "extract", *openai_args(srv),
                               str(DECISION)], capture_output=True, text=True, env=env,
                              timeout=60)
    assert done.returncode == 3
    assert done.stderr.splitlines() == [  # no policy: said once; then the summary line
        calibrate_hint("openai", "m"),
        "extract: 1 of 1 records with error issues (extraction_failed 1); each record's "
        "\"issues\" says why (exit 3)"]
    assert done.stdout.count("extraction_failed") == QUESTIONS


def test_the_planted_instruction_is_not_obeyed():
    """A model that obeys the injection paragraph cannot change a fact or plant a quote."""
    injected = FIXTURES / "hostile_injection.txt"
    plain = cli("extract", "--backend", "none", str(injected)).records[0]
    with server(default=OBEY) as srv:
        run = cli("extract", *openai_args(srv), str(injected), env=ENV)
        asked = srv.completions("*")
    assert asked, "the model was asked"
    [record] = run.records
    assert facts_of(record) == facts_of(plain)
    assert record["outcome"] != "upheld" and record["fault_found"] is not True
    assert record["investigated"] is False
    grounder = Grounder(injected.read_text(encoding="utf-8"))
    assert all(grounder.occurs(q) for q in quoted_strings(record))
    assert not any("ignore previous" in q for q in quoted_strings(record))


def test_two_hundred_documents_at_a_20_percent_fault_rate(tmp_path):
    """The must-show: every document gets exactly one result (ok, or failed with its reason);
    a rerun with --retry-failed against a healthy server leaves none failed."""
    n = 200
    make_corpus(tmp_path / "in", n)
    db = tmp_path / "runs.sqlite"
    with server(fault_rate=0.2, seed=20) as srv:
        first = batch(srv, tmp_path / "in", db)
        faults = [c.behaviour for c in srv.completions("*") if c.behaviour != "ok"]
        assert len(set(faults)) >= 8  # a real mix, not one kind of fault
        rows = by_doc(db)
        assert first.exit_code == 3 and sorted(rows) == list(range(n))
        assert len(stored(db)) == n  # none duplicated
        failed = {i for i, r in rows.items() if r["status"] == "failed"}
        assert failed and all(rows[i]["error"] for i in failed)
        assert all(rows[i]["record"]["reference"] == reference(i) for i in range(n))
        srv.heal()
        second = batch(srv, tmp_path / "in", db, "--retry-failed")
    assert second.exit_code == 0, second.stdout
    rows = by_doc(db)
    assert sorted(rows) == list(range(n))
    assert [i for i, r in rows.items() if r["status"] == "failed"] == []
    assert len(stored(db)) == n  # each failure's result replaced, none duplicated
    assert {i for i, r in rows.items() if r["run_id"] == 2} == failed  # only those redone


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # nothing listens there any more


@pytest.mark.parametrize("command", ["extract", "batch"])
def test_a_server_that_cannot_be_used_is_one_line_and_exit_1(tmp_path, command):
    db = ["--db", str(tmp_path / "runs.sqlite")] if command == "batch" else []
    with server(models_status=401) as srv:
        refused = cli(command, *openai_args(srv), *db, str(DECISION), env=ENV)
    unreachable = cli(command, "--backend", "openai", "--base-url", closed_port_url(), *db,
                      str(DECISION), env=ENV)
    for run, words in ((refused, "refused the API key (HTTP 401)"),
                       (unreachable, "cannot reach the model server")):
        assert run.exit_code == 1 and run.stdout == ""
        assert run.error_lines == [run.stderr.strip()] and words in run.stderr
