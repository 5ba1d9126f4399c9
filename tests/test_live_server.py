"""Live: the real embedded server (llama-cpp-python + the packaged model) on text that once
crashed it, and killed in the middle of a run.

- A decision written for this test whose offered sentences hold ASCII and curly quotes,
  backslashes, apostrophes, £, non-breaking spaces, a 600-character sentence, control characters
  and non-Latin letters: every question is answered and the server never dies. (Before issue 11
  the quotes went into the grammar's enum, and a double quote killed llama-cpp-python 0.3.36's
  server with SIGSEGV.)
- The server killed (SIGKILL, then SIGSEGV) while a question is in flight: that question fails
  with an issue that says so, the server is restarted, and later documents are answered.

Run with ``pytest -m live`` (``./dev test`` does); skipped without llama_cpp. About two minutes
on two busy cores."""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import threading
import time

import openai._base_client as openai_http
import pytest
from conftest import ROOT

from extractor.model.backends import BackendOptions, open_model_pass
from extractor.model.prompt import Question, plan_questions
from extractor.models import Decision
from extractor.pipeline import deterministic_pass, run_one
from extractor.read.load import Document
from extractor.settings import Settings

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                       reason="needs the local extra: pip install -e '.[local]'"),
]
FAILED = "extraction_failed"
# The HTTP client class the openai client sends with (httpx; httpx2 from openai 3).
CLIENT = (getattr(openai_http, "httpx2", None) or openai_http.httpx).Client
# What a question that failed for the server's sake (not the model's reading) says.
SERVER_FAILED_REGEX = re.compile(r"model server error|embedded model server|not asked")
SHORT = ROOT / "tests" / "fixtures" / "model_closed_atypical.txt"
NBSP, BELL, ESC = "\u00a0", "\x07", "\x1b"
# One sentence of 600 characters (no full stop inside), as a long procedural paragraph reads.
LONG = ("The Council’s parking policy, which it revised in 2023 after a consultation that "
        "drew replies from residents, traders, the “Friends of Mill Street” group and two "
        "schools, says that a resident may hold one permit for each vehicle registered at the "
        "address, that a visitor’s voucher lasts for four hours, that a Blue Badge holder "
        "may park in a resident’s bay without a permit for as long as the badge is shown, "
        "and that a permit lost or stolen may be replaced once in any year for a fee of £10, "
        "though none of these rules is in dispute between Mr Ó’Brien and the Council here")
LONG = LONG + ", " + "and the policy says so " * ((600 - len(LONG)) // 24) + "in its annex."
CLOSED = f"""Eastmere Borough Council (24 099 001)
Category : Transport and highways > Parking
Decision : Closed after initial enquiries
Decision date : 03 Mar 2025
The Ombudsman’s final decision:
Summary: We will not investigate Mr Ó’Brien’s complaint about the “Resident’s Permit” scheme and the "Blue Badge" rules. He can appeal to the traffic tribunal, which is better placed to decide it.
The complaint
  1. Mr Ó’Brien complains the Council refused him a permit.
My assessment
  2. The Council’s letter said he must "pay £70 now" and it saved his form as C:\\Permits\\2024\\form.pdf, a file it says it can\\'t find.
  3. The letter said ‘pay within 28{NBSP}days’ and the charge was £{NBSP}70.
  4. {LONG}
  5. The street sign reads Zone Ω in Greek (Ζώνη), Arabic (منطقة), Chinese (停车区) and Polish (Łódź), and the scanned letter holds a bell{BELL} and an escape{ESC} character.
  6. The traffic tribunal can decide whether the Council was right, so it is reasonable for Mr Ó’Brien to appeal to it.
Final decision
  7. We will not investigate Mr Ó’Brien’s complaint because he can appeal to the traffic tribunal.
Investigator’s decision on behalf of the Ombudsman
"""  # noqa: E501 (the page's long lines are what the test sends)


def questions(text: str) -> list[Question]:
    """The questions the model pass asks about this decision (scope all)."""
    facts, ctx = deterministic_pass(Document(text=text, source="x.txt"))
    return plan_questions(facts, ctx, "all")


def offered(text: str) -> list[str]:
    return [s for q in questions(text) for s in q.sentences]


def test_the_hazards_are_in_the_offered_sentences():
    """What the live test below sends (cleaning makes curly quotes straight and non-breaking
    spaces plain; control characters and the rest reach the model)."""
    sentences = offered(CLOSED)
    for hazard in ('"', "'", "\\", "£", BELL, ESC, "Ω", "停", "منطقة", "Łódź"):
        assert any(hazard in s for s in sentences), hazard
    assert max(map(len, sentences)) >= 390  # the 600-character sentence, cut at 400
    assert len(LONG) >= 600 and "“" in CLOSED and NBSP in CLOSED


def failures(record: Decision) -> list[str]:
    return [i.message for i in record.issues if i.rule == FAILED]


def test_hazardous_sentences_are_answered_without_a_crash(monkeypatch):
    """Both kinds of answer (a list of numbered items: reasons; one numbered sentence and
    fields: status) on the hazards. The model's answers may still break a rule (re-asked,
    then an issue): that is its reading, not the server failing."""
    monkeypatch.setenv("EXTRACTOR_MODEL_SCOPE", "all")
    with open_model_pass(BackendOptions("local"), Settings.from_env()) as mp:
        record = run_one(Document(text=CLOSED, source="hazards.txt"), mp)
        assert mp.restarts == 0 and mp.watch.server.exit_status() is None
    assert [q.name for q in questions(CLOSED)] == ["reasons", "status"]
    assert record.meta.attempts >= 2 and record.meta.usage.completion_tokens > 0
    assert not [m for m in failures(record) if SERVER_FAILED_REGEX.search(m)], failures(record)


def kill_when_asked(monkeypatch, server, sig: int, after: float = 0.05) -> None:
    """Send ``sig`` to the server ``after`` seconds after the next question is sent, so the
    question is in flight whatever the prompt cache makes of it (a fixed delay from the start
    raced a question answered from a cached prompt in under half a second)."""
    send = CLIENT.send

    def kill() -> None:
        time.sleep(after)
        os.kill(server.pid, sig)

    def send_then_kill(client, request, *args, **kwargs):
        if request.url.path.endswith("/chat/completions"):
            monkeypatch.setattr(CLIENT, "send", send)  # once
            threading.Thread(target=kill, daemon=True).start()
        return send(client, request, *args, **kwargs)

    monkeypatch.setattr(CLIENT, "send", send_then_kill)


def test_a_server_killed_mid_run_is_restarted_and_later_documents_are_answered(monkeypatch):
    """One question per document (scope gaps: the rules find no reason in this decision)."""
    monkeypatch.setenv("EXTRACTOR_MODEL_SCOPE", "gaps")
    doc = Document(text=SHORT.read_text(encoding="utf-8"), source=SHORT.name)
    with open_model_pass(BackendOptions("local"), Settings.from_env()) as mp:
        server = mp.watch.server
        for restarts, sig in enumerate((signal.SIGKILL, signal.SIGSEGV), start=1):
            kill_when_asked(monkeypatch, server, sig)
            killed = run_one(doc, mp)
            words = f"was killed by {sig.name}; restarted it (restart {restarts} of"
            assert any(words in m for m in failures(killed)), failures(killed)
            later = run_one(doc, mp)
            assert failures(later) == [] and later.meta.attempts >= 1, failures(later)
        assert mp.restarts == 2
