"""Watching the model server (model/watch.py): a deadline per decision, a circuit breaker for a
remote server that keeps failing, and restarts of an embedded server that crashed or stopped
answering. The policy on a fake clock; the deadline and the breaker against the fault server
hanging (scaled-down settings); restarts with the fault server run as its own process in place
of llama_cpp.server, dying of SIGSEGV on the requests of one document."""

from __future__ import annotations

import json
import signal
import sqlite3
import sys
import time
from pathlib import Path

import openai
import pytest
from faultserver import FaultServer
from harness import DECISION, cli, latest, make_corpus, unit

from extractor.model import local_server
from extractor.model.watch import Breaker, Deadline, Watch, exit_words
from extractor.settings import Settings

try:  # the openai SDK's HTTP library (httpx, or httpx2 in newer SDKs)
    import httpx2 as httpx
except ImportError:  # pragma: no cover - depends on the installed openai
    import httpx  # type: ignore[no-redef]

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])
FAILED = "extraction_failed"
FAULTSERVER = Path(__file__).resolve().parent / "faultserver.py"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeServer:
    """The embedded server as the watcher sees it."""

    def __init__(self, status: int | None = None, responsive: bool = True) -> None:
        self.status, self.up, self.restarts = status, responsive, 0

    def exit_status(self, wait: float = 0.0) -> int | None:
        return self.status

    def responsive(self) -> bool:
        return self.up

    def restart(self) -> None:
        self.restarts += 1
        self.status, self.up = None, True


def timeout_error() -> openai.APITimeoutError:
    return openai.APITimeoutError(request=httpx.Request("POST", "http://127.0.0.1/v1"))


def connection_error() -> openai.APIConnectionError:
    return openai.APIConnectionError(request=httpx.Request("POST", "http://127.0.0.1/v1"))


# -- the policy, on a fake clock -----------------------------------------------------------------

def test_the_breaker_opens_after_failures_in_a_row_and_probes_after_the_cooldown():
    clock = Clock()
    breaker = Breaker(threshold=3, cooldown=60, clock=clock)
    for ok in (False, False, True, False, False):  # an answer in between resets the count
        breaker.record(ok)
    assert breaker.refusal() is None and breaker.opened == 0
    breaker.record(False)
    assert "left alone for 60 s" in (breaker.refusal() or "") and breaker.opened == 1
    clock.now = 59
    assert breaker.refusal() is not None
    clock.now = 60
    assert breaker.refusal() is None          # the probe may go
    breaker.record(False)                     # ... and fails: open again
    assert breaker.refusal() is not None and breaker.opened == 2
    clock.now = 200
    breaker.record(True)                      # a probe answered: shut
    assert breaker.refusal() is None and breaker.failures == 0


@pytest.mark.parametrize(("left", "timeout", "retries", "expected"), [
    (150, 120, 2, 50),     # three attempts fit in what is left
    (300, 120, 2, 100),
    (600, 120, 2, 120),    # never more than the request timeout
    (1, 120, 2, 4.5),      # near the deadline: a floor of 3% of it
    (1, 2, 2, 2),
])
def test_each_attempt_gets_its_share_of_the_time_left(left, timeout, retries, expected):
    clock = Clock()
    watch = Watch(Settings(decision_deadline=150, request_timeout=timeout,
                           max_retries=retries), clock=clock)
    deadline = watch.deadline()
    clock.now = 150 - left
    assert watch.attempt_timeout(deadline) == pytest.approx(expected)
    assert watch.attempt_timeout(None) == timeout


def test_the_embedded_server_gets_one_attempt_as_long_as_its_own_deadline():
    clock = Clock()
    watch = Watch(Settings(local_deadline=600, decision_deadline=150, request_timeout=120),
                  FakeServer(), clock=clock)
    deadline = watch.deadline()
    clock.now = 100
    assert watch.attempt_timeout(deadline) == 500  # slow is not hung: no 120 s cap, no retry
    clock.now = 600
    assert "deadline of 600 s was spent" in (watch.refusal(deadline) or "")


def test_a_question_after_the_deadline_is_not_asked():
    clock = Clock()
    watch = Watch(Settings(decision_deadline=10), clock=clock)
    deadline = watch.deadline()
    clock.now = 9.9
    assert watch.refusal(deadline) is None
    clock.now = 10
    assert "deadline of 10 s was spent" in (watch.refusal(deadline) or "")
    assert Deadline(5, clock).left() == 5


@pytest.mark.parametrize(("status", "words"), [
    (-signal.SIGSEGV, "was killed by SIGSEGV"),
    (-signal.SIGKILL, "was killed by SIGKILL"),
    (3, "exited with code 3"),
    (-200, "was killed by signal 200"),
])
def test_exit_words(status, words):
    assert exit_words(status) == words


def test_a_crashed_embedded_server_is_restarted_a_bounded_number_of_times():
    server = FakeServer()
    watch = Watch(Settings(local_max_restarts=2), server)
    deadline = watch.deadline()
    said = []
    for _ in range(3):
        server.status = -signal.SIGSEGV
        said.append(watch.failed(connection_error(), watch.restarts))
    assert said[0] == ("; the embedded model server was killed by SIGSEGV; restarted it "
                       "(restart 1 of at most 2)")
    assert said[1].endswith("(restart 2 of at most 2)")
    assert said[2].endswith("not restarted again (2 restart(s) already)")
    assert server.restarts == watch.restarts == 2
    assert "not restarted again" in (watch.refusal(deadline) or "")


def test_an_embedded_server_that_stopped_answering_is_restarted():
    server = FakeServer()
    watch = Watch(Settings(), server)
    assert watch.failed(timeout_error()).startswith(
        "; the embedded model server stopped answering; restarted it")
    server.up = False  # refuses connections but has not exited
    assert "stopped answering; restarted" in watch.failed(connection_error(), watch.restarts)
    assert server.restarts == 2


def test_a_question_that_failed_while_another_restarted_the_server_says_so():
    server = FakeServer(status=-signal.SIGKILL)
    watch = Watch(Settings(), server)
    assert "restart 1 of" in watch.failed(connection_error(), asked_at=0)
    assert watch.failed(connection_error(), asked_at=0) == (
        "; the embedded model server was restarted while this question was asked")
    assert server.restarts == 1  # not twice for one crash


def test_a_running_server_that_answered_with_an_error_is_left_alone():
    server = FakeServer()
    watch = Watch(Settings(breaker_failures=1), server)
    assert watch.failed(connection_error()) == ""
    assert watch.failed(ValueError("not transport")) == ""
    assert server.restarts == 0
    assert watch.refusal(watch.deadline()) is None  # no breaker for the embedded server


# -- a remote server that hangs (the fault server; scaled-down settings) -------------------------

DEADLINE, TIMEOUT = 2.0, 30.0
HUNG_ENV = {"OPENAI_API_KEY": "test-key", "EXTRACTOR_MODEL_SCOPE": "all",
            "EXTRACTOR_DEADLINE": str(DEADLINE), "EXTRACTOR_TIMEOUT": str(TIMEOUT),
            "EXTRACTOR_MAX_RETRIES": "2", "EXTRACTOR_BREAKER_FAILURES": "3",
            "EXTRACTOR_BREAKER_COOLDOWN": "600"}
# openai's backoff before its two retries (at most 0.5 s and 1 s), the floor of 3 attempts, and
# the command's own work on a busy machine.
SLACK = 1.5 + 3 * 0.03 * DEADLINE + 3.0


def openai_args(srv: FaultServer) -> list[str]:
    return ["--backend", "openai", "--base-url", srv.url, "--model", "m"]


def test_one_decision_against_a_hung_server_ends_at_its_deadline():
    with FaultServer(default="hang", hang_seconds=60) as srv:
        started = time.monotonic()
        run = cli("extract", *openai_args(srv), str(DECISION), env=HUNG_ENV)
        took = time.monotonic() - started
        asked = srv.completions("*")
    assert run.exit_code == 3 and took < DEADLINE + SLACK, took
    assert len(asked) == 3  # the first question's three attempts; the second is not sent
    [record] = run.records
    failed = [i["message"] for i in record["issues"] if i["rule"] == FAILED]
    assert len(failed) == 2 and "timed out" in failed[0].lower()
    assert "not asked: the decision's deadline of 2 s was spent" in failed[1]
    assert record["reference"] and record["outcome"]  # the facts are kept


def test_a_batch_against_a_hung_server_opens_the_breaker_and_records_every_document(tmp_path):
    n = 12
    make_corpus(tmp_path / "in", n)
    db = tmp_path / "runs.sqlite"
    with FaultServer(default="hang", hang_seconds=60) as srv:
        started = time.monotonic()
        run = cli("batch", *openai_args(srv), "--db", str(db), str(tmp_path / "in"),
                  env=HUNG_ENV)
        took = time.monotonic() - started
        asked = len(srv.completions("*"))
        first_run = _results(db)
        srv.heal()
        again = cli("batch", *openai_args(srv), "--db", str(db), "--retry-failed",
                    str(tmp_path / "in"), env=HUNG_ENV)
    assert run.exit_code == 3 and took < 3 * (DEADLINE + SLACK) + 5, took
    assert asked == 3 * 3  # three documents' first questions, then the server is left alone
    assert "left alone after repeated failures 1 time(s)" in run.stdout
    rows = latest(db)
    assert len(rows) == n and again.exit_code == 0
    assert len(first_run) == n and all(r["status"] == "failed" and r["error"] for r in first_run)
    assert sum("left alone" in r["error"] for r in first_run) == n - 3
    assert all(r["status"] != "failed" for r in rows.values())  # retried once it answers
    assert _totals(db, 1)["breaker_opened"] == 1


def _results(db: Path) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT run_id, status, error FROM results")]


def _totals(db: Path, run_id: int) -> dict:
    with sqlite3.connect(db) as conn:
        return json.loads(conn.execute("SELECT totals FROM runs WHERE id = ?",
                                       (run_id,)).fetchone()[0])


# -- an embedded server that crashes (the fault server as its own process) -----------------------

@pytest.fixture
def crashing_server(monkeypatch, tmp_path):
    """``--backend local --model-path`` runs the fault server as a process that dies of
    SIGSEGV on any request of document 2 (as llama-cpp-python's server did on a grammar)."""
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setattr(local_server, "require_extra", lambda: None)
    monkeypatch.setattr(local_server, "server_command", lambda g, alias, port, s, lora=None: [
        sys.executable, str(FAULTSERVER), "--port", str(port), "--crash-on", unit(2)])
    return ["--backend", "local", "--model-path", str(gguf)]


LOCAL_ENV = {"EXTRACTOR_MODEL_SCOPE": "all"}


def test_a_crashed_embedded_server_is_restarted_and_the_run_goes_on(crashing_server, tmp_path):
    paths = make_corpus(tmp_path / "in", 4)
    run = cli("extract", *crashing_server, *map(str, paths), env=LOCAL_ENV)
    assert run.exit_code == 3
    records = run.records
    assert len(records) == 4
    crashed = [i["message"] for i in records[2]["issues"] if i["rule"] == FAILED]
    assert len(crashed) == 2  # both of its questions crashed the server, and were not re-sent
    assert all("the embedded model server was killed by SIGSEGV; restarted it" in m
               for m in crashed)
    for i in (0, 1, 3):  # before and after: answered
        assert FAILED not in {x["rule"] for x in records[i]["issues"]}, records[i]["issues"]


def test_restarts_are_bounded_then_documents_keep_their_facts(crashing_server, tmp_path):
    make_corpus(tmp_path / "in", 5)
    db = tmp_path / "runs.sqlite"
    run = cli("batch", *crashing_server, "--db", str(db), str(tmp_path / "in"),
              env={**LOCAL_ENV, "EXTRACTOR_LOCAL_RESTARTS": "1"})
    assert run.exit_code == 3
    assert "model server: restarted 1 time(s)" in run.stdout
    assert _totals(db, 1)["server_restarts"] == 1
    rows = {Path(r["source"]).stem: r for r in latest(db).values()}
    assert [rows[f"d{i:03d}"]["status"] == "failed" for i in range(5)] == \
        [False, False, True, True, True]
    assert "not restarted again" in rows["d002"]["error"]
    assert "not asked: the embedded model server failed after 1 restart(s)" in \
        rows["d004"]["error"]
    assert rows["d004"]["record"]["reference"]  # the facts are kept
    # Said once on stderr and in the summary: what, how many, how to retry.
    assert run.error_lines == [
        "error: the embedded model server failed after 1 restart(s) in this command and is "
        "not restarted again; 3 document(s) got the rules' values only (their records carry "
        f"extraction_failed); re-run them with: extractor batch --retry-failed --db {db}"]
    assert "model not asked for the rest of the run" in run.stdout
    assert _totals(db, 1)["rules_only"] == 3


def test_extract_says_once_when_the_embedded_server_was_given_up_on(crashing_server, tmp_path):
    paths = make_corpus(tmp_path / "in", 4)
    run = cli("extract", *crashing_server, *map(str, paths),
              env={**LOCAL_ENV, "EXTRACTOR_LOCAL_RESTARTS": "0"})
    assert run.exit_code == 3 and len(run.records) == 4
    assert len(run.error_lines) == 1
    assert "2 document(s) got the rules' values only" in run.error_lines[0]
    assert "extract those documents again" in run.error_lines[0]


# -- a server that crashes on its first request (the self-test) ----------------------------------

@pytest.fixture
def crash_at_once(monkeypatch, tmp_path):
    """The fault server as the embedded server, dying of SIGSEGV on any completion (the
    self-test's too), on a machine whose llama.cpp was compiled natively with AMX."""
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setattr(local_server, "require_extra", lambda: None)
    monkeypatch.setattr(local_server, "server_command", lambda g, alias, port, s, lora=None: [
        sys.executable, str(FAULTSERVER), "--port", str(port), "--crash-on", ""])
    monkeypatch.setattr(local_server.llama_build, "installed_problems",
                        lambda: ["GGML_NATIVE=ON"])
    monkeypatch.setattr(local_server.llama_build, "cpu_has_amx", lambda: True)
    monkeypatch.setenv("EXTRACTOR_SERVER_LOG_DIR", str(tmp_path / "logs"))
    return ["--backend", "local", "--model-path", str(gguf)]


def _self_test_line(run) -> str:
    assert run.exit_code == 4, run.stderr
    assert len(run.error_lines) == 1, run.stderr
    line = run.error_lines[0]
    assert line.startswith("error: the embedded model server was killed by SIGSEGV while "
                           "answering its first request; likely cause: this CPU has AMX")
    assert "CMAKE_ARGS=" in line and "--no-cache-dir" in line
    log = Path(line.rsplit("server log: ", 1)[1])
    assert log.is_file()  # kept where the message says
    return line


def test_extract_stops_before_any_document_when_the_server_crashes_at_once(crash_at_once,
                                                                           tmp_path):
    paths = make_corpus(tmp_path / "in", 3)
    started = time.monotonic()
    run = cli("extract", *crash_at_once, *map(str, paths))
    seconds = time.monotonic() - started
    _self_test_line(run)
    assert run.records == []
    assert seconds < 30  # seconds, not minutes


def test_batch_stores_nothing_when_the_server_crashes_at_once(crash_at_once, tmp_path):
    make_corpus(tmp_path / "in", 3)
    db = tmp_path / "runs.sqlite"
    started = time.monotonic()
    run = cli("batch", *crash_at_once, "--db", str(db), str(tmp_path / "in"))
    seconds = time.monotonic() - started
    _self_test_line(run)
    assert seconds < 30
    if db.exists():  # nothing recorded as failed: the documents stay to do
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM results").fetchone()[0] == 0
