"""The model pass: retry policy, re-ask turns, metering, answer validators, question planning,
and one full pass through instructor and the openai client on a mock transport (no server)."""

from __future__ import annotations

import json
import re
from json import JSONDecodeError
from pathlib import Path
from typing import Any

import openai
import pytest
from conftest import CASSETTES, ROOT
from pydantic import ValidationError
from typer.testing import CliRunner

from extractor.cli import app
from extractor.errors import ConfigError
from extractor.facts.extract import Context
from extractor.model import answers, prompt, replay
from extractor.model.llm import (
    REASK_SEED,
    LLMPass,
    Meter,
    choose_mode,
    describe,
    retry_policy,
)
from extractor.model.reask import flatten_messages, plain_errors
from extractor.models import Decision
from extractor.pipeline import deterministic_pass, model_stage
from extractor.read.load import load_path
from extractor.settings import Settings

try:  # the openai SDK's HTTP library (httpx, or httpx2 in newer SDKs)
    import httpx2 as httpx
except ImportError:  # pragma: no cover - depends on the installed openai
    import httpx  # type: ignore[no-redef]

FIXTURES = ROOT / "tests" / "fixtures"
CLOSED = FIXTURES / "model_closed_atypical.txt"    # rules find no reason: the model is asked
SEED_000 = ROOT / "examples" / "seed_000_kensington.txt"
REASK = CASSETTES / "reask" / "status_contradiction.yaml"


# -- retry policy ------------------------------------------------------------------------------

def _validation_error() -> ValidationError:
    try:
        answers.status_model(("a",), ("investigated",)).model_validate({})
    except ValidationError as exc:
        return exc
    raise AssertionError("unreachable")


@pytest.mark.parametrize(("error", "calls"), [
    (_validation_error(), 3),                           # re-asked until the attempts run out
    (JSONDecodeError("Expecting value", "x", 0), 3),    # broken JSON: re-asked too
    (openai.APIConnectionError(request=httpx.Request("POST", "http://x")), 1),  # transport:
    (RuntimeError("bug"), 1),                           # ... left to the client / raised
])
def test_retry_policy_re_asks_only_on_validation_errors(error, calls):
    made = 0
    with pytest.raises(type(error)):
        for attempt in retry_policy(3):
            with attempt:
                made += 1
                raise error
    assert made == calls


@pytest.mark.parametrize(("name", "expected"), [
    (None, "tool_call"), ("tools", "tool_call"), ("JSON_SCHEMA", "json_schema_mode"),
    ("json", "json_mode"), ("md_json", "markdown_json_mode")])
def test_modes(name, expected):
    assert choose_mode(name).value == expected


def test_an_unknown_mode_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown mode 'xml'"):
        choose_mode("xml")


# -- re-ask turns ------------------------------------------------------------------------------

INSTRUCTOR_REASK = (
    "Validation Error found:\n1 validation error for Status\ninvestigated\n"
    "  Value error, \"yes\" contradicts the decision's outcome, which means "
    "\"investigated\": \"no\" [type=value_error, input_value='yes', input_type=str]\n"
    "    For further information visit https://errors.pydantic.dev/2/v/value_error\n"
    "Recall the function correctly, fix the errors")


def test_plain_errors_keep_the_field_and_the_message_only():
    assert plain_errors(INSTRUCTOR_REASK) == (
        "investigated: \"yes\" contradicts the decision's outcome, which means "
        "\"investigated\": \"no\"")


def test_re_ask_turns_become_plain_messages_without_the_rejected_answer():
    messages = [{"role": "user", "content": "question"},
                {"role": "assistant", "content": "", "tool_calls": [
                    {"id": "1", "type": "function",
                     "function": {"name": "Status", "arguments": '{"investigated": "yes"}'}}]},
                {"role": "tool", "tool_call_id": "1", "content": INSTRUCTOR_REASK}]
    flat = flatten_messages(messages)
    assert [m["role"] for m in flat] == ["user", "user"]
    assert flat[1]["content"].startswith("Your previous answer was rejected:\ninvestigated: ")
    assert '"yes"' in flat[1]["content"] and "tool_calls" not in json.dumps(flat)


# -- metering and failure text ------------------------------------------------------------------

def test_the_meter_counts_every_answer_and_its_tokens():
    meter = Meter()
    for prompt_tokens in (100, 150):
        meter.count(completion("{}", prompt_tokens=prompt_tokens))
    assert (meter.attempts, meter.prompt_tokens, meter.completion_tokens) == (2, 250, 20)
    assert meter.total == 270 and meter.raw == ["{}", "{}"]


@pytest.mark.parametrize(("cause", "words"), [
    (_validation_error(), "2 validation error(s), first at sentence: Field required"),
    (openai.APIConnectionError(request=httpx.Request("POST", "http://x")),
     "model server error: APIConnectionError"),
    (JSONDecodeError("Expecting value", "x", 0), "JSONDecodeError: Expecting value"),
])
def test_describe_gives_one_line_per_cause(cause, words):
    wrapped = RuntimeError("retries exhausted")
    wrapped.__cause__ = cause
    assert words in describe(wrapped)


# -- answer validators (instructor passes the document as context) -----------------------------

OFFERED = ("We will not investigate.", "This is because the Council has apologised.")
CONTEXT = {"cited": frozenset({"LGA1974 s24A(7)"}), "amounts": frozenset({250.0}),
           "outcome": "closed_after_initial_enquiries"}


@pytest.mark.parametrize(("model", "answer", "error"), [
    # the model names a listed sentence by its number
    (answers.reasons_model(OFFERED, ("satisfied_with_remedy",)),
     {"items": [{"sentence": 2, "code": "satisfied_with_remedy"}]}, None),
    (answers.reasons_model(OFFERED, ("satisfied_with_remedy",)),
     {"items": [{"sentence": 3, "code": "satisfied_with_remedy"}]},
     r"sentence 3 is not in the list; .* \(1 to 2\)"),
    (answers.reasons_model(OFFERED, ("satisfied_with_remedy",)),
     {"items": [{"sentence": 0, "code": "satisfied_with_remedy"}]}, "not in the list"),
    # a code whose provision is not cited contradicts the facts
    (answers.reasons_model(OFFERED, ("tribunal_appeal_available",)),
     {"items": [{"sentence": 1, "code": "tribunal_appeal_available"}]}, "does not cite"),
    # more items than the schema allows
    (answers.reasons_model(OFFERED, ("satisfied_with_remedy",), max_items=1),
     {"items": [{"sentence": 1, "code": "satisfied_with_remedy"},
                {"sentence": 2, "code": "satisfied_with_remedy"}]}, "at most 1 item"),
    (answers.payments_model(), {"items": [{"amount_gbp": 300, "status": "agreed",
                                           "purpose": "distress"}]},
     "amounts it mentions are: £250"),
    (answers.payments_model(), {"items": [{"amount_gbp": 250, "status": "agreed",
                                           "purpose": "distress"}]}, None),
    (answers.status_model(OFFERED, ("investigated",)),
     {"sentence": 1, "investigated": "yes"}, '"investigated": "no"'),
    (answers.status_model(OFFERED, ("investigated",)),
     {"sentence": 1, "investigated": "unclear"}, None),
    (answers.status_model(OFFERED, ("investigated",)),
     {"sentence": 5, "investigated": "no"}, "not in the list"),
])
def test_validators(model, answer, error):
    if error is None:
        model.model_validate(answer, context=CONTEXT)
    else:
        with pytest.raises(ValidationError, match=error):
            model.model_validate(answer, context=CONTEXT)


@pytest.mark.parametrize(("model", "answer"), [
    (answers.reasons_model(OFFERED, ("other",)),
     {"items": [{"sentence": 2, "code": "other"}, {"sentence": 1, "code": "other"}]}),
    (answers.remedies_model(OFFERED, ("apology",)),
     {"items": [{"sentence": 1, "kind": "apology"}]}),
])
def test_the_quote_is_the_projects_own_copy_of_the_numbered_sentence(model, answer):
    items = model.model_validate(answer).items
    assert [i.quote for i in items] == [OFFERED[a["sentence"] - 1] for a in answer["items"]]


def test_the_status_answer_quotes_its_numbered_sentence():
    answer = answers.status_model(OFFERED, ("investigated",)).model_validate(
        {"sentence": 2, "investigated": "no"})
    assert answer.quote == OFFERED[1]


@pytest.mark.parametrize(("code", "cited", "conflict"), [
    ("no_evidence_of_fault", {"LGA1974 s24A(6)"}, False),
    ("no_evidence_of_fault", {"LGA1974 s34B(8)"}, False),     # the Part 3A twin grounds it too
    ("tribunal_appeal_available", {"LGA1974 s26(6)"}, False),  # the less specific citation
    ("tribunal_appeal_available", {"LGA1974 s26(6)(c)"}, True),
    ("late_complaint", {"LGA1974 s24A(6)"}, True),
    ("other", {"LGA1974 s24A(6)"}, False),                     # no grounding provision
])
def test_citation_conflicts(code, cited, conflict):
    assert (answers.citation_conflict(code, cited) is not None) is conflict


def test_schema_enums_hold_sentence_numbers_and_codes_never_document_text():
    tricky = ('"Quoted," she said.', "A back\\slash and \u201ccurly\u201d quotes.")
    schema = answers.reasons_model(tricky, ("late_complaint", "other")).model_json_schema()
    item = schema["$defs"]["Reason"]["properties"]
    assert (item["sentence"]["type"], item["sentence"]["enum"]) == ("integer", [1, 2])
    assert item["code"]["enum"] == ["late_complaint", "other"]
    assert schema["properties"]["items"]["maxItems"] == 2
    for model in (answers.remedies_model(tricky, ("apology",)),
                  answers.status_model(tricky, ("investigated", "fault_found"))):
        dumped = json.dumps(model.model_json_schema())
        assert "Quoted" not in dumped and "slash" not in dumped


# -- question planning -------------------------------------------------------------------------

def context_of(path: Path) -> tuple[Decision, Context]:
    """The deterministic record of a file, and the context the model stage reads it in."""
    return deterministic_pass(load_path(str(path))[0])


def planned(path: Path, scope: str = "gaps", **facts: Any) -> list[str]:
    record, ctx = context_of(path)
    record = record.model_copy(update=facts)
    return [q.name for q in prompt.plan_questions(record, ctx, scope)]


@pytest.mark.parametrize(("path", "scope", "facts", "expected"), [
    (ROOT / "examples" / "seed_000_kensington.txt", "gaps", {}, []),  # the rules settle it
    (ROOT / "examples" / "seed_000_kensington.txt", "all", {}, ["reasons", "status"]),
    (CLOSED, "gaps", {}, ["reasons"]),                          # no rule reason
    (CLOSED, "gaps", {"investigated": None}, ["reasons", "status"]),  # closed, status open
    (FIXTURES / "model_upheld_payment.txt", "gaps", {}, ["payments"]),  # purpose unknown
    (FIXTURES / "model_upheld_payment.txt", "gaps", {"remedy_kinds": []},
     ["remedies", "payments"]),
    # codes: the list questions too, where the rules found some codes and may have missed more
    (ROOT / "examples" / "seed_000_kensington.txt", "codes", {}, ["reasons"]),
    (CLOSED, "codes", {}, ["reasons"]),
    (FIXTURES / "model_upheld_payment.txt", "codes", {}, ["remedies", "payments"]),
])
def test_only_what_the_rules_leave_open_is_asked(path, scope, facts, expected):
    assert planned(path, scope, **facts) == expected


def test_in_scope_codes_the_reasons_question_leaves_out_the_rules_sentences():
    record, ctx = context_of(SEED_000)
    assert record.reasons, "seed 000 has rule-found reasons"
    offered = {scope: next(q.sentences for q in prompt.plan_questions(record, ctx, scope)
                           if q.name == "reasons") for scope in ("all", "codes")}
    evidence = {r.evidence for r in record.reasons}
    assert evidence & set(offered["all"])
    assert set(offered["codes"]) == set(offered["all"]) - evidence


def test_an_unknown_scope_is_a_config_error():
    with pytest.raises(ConfigError, match="model scope"):
        planned(CLOSED, "some")


def test_questions_offer_the_documents_own_sentences_within_budget():
    record, ctx = context_of(CLOSED)
    [question] = prompt.plan_questions(record, ctx)
    assert 0 < len(question.sentences) <= prompt.MAX_SENTENCES
    assert sum(map(len, question.sentences)) <= prompt.MAX_CHARS
    assert all(s in ctx.text for s in question.sentences)
    text = question.messages[0]["content"]
    assert "- reasons found: none" in text and "court_remedy_used" in text
    assert "tribunal_appeal_available" not in text  # s26(6)(a) is not cited: not offered
    numbered = [f"{n}. {s}" for n, s in enumerate(question.sentences, 1)]
    assert all(line in text.splitlines() for line in numbered)  # offered by number
    assert question.response_model.model_fields["items"].annotation.__args__[0].offered \
        == question.sentences


def test_the_prompt_sha_covers_every_prompt_file(tmp_path, monkeypatch):
    for path in prompt.PROMPTS_DIR.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(prompt, "PROMPTS_DIR", tmp_path)
    before = prompt.prompt_sha()
    (tmp_path / "status.txt").write_text("changed", encoding="utf-8")
    assert prompt.prompt_sha() != before and len(before) == 16


# -- a whole pass through instructor and the openai client, on a mock transport -------------------

def completion(arguments: str, prompt_tokens: int = 300, completion_tokens: int = 10) -> Any:
    """A chat completion whose forced tool call carries ``arguments``."""
    from openai.types.chat import ChatCompletion
    return ChatCompletion.model_validate(completion_json(arguments, prompt_tokens,
                                                         completion_tokens))


def completion_json(arguments: str, prompt_tokens: int = 300, completion_tokens: int = 10
                    ) -> dict[str, Any]:
    return {"id": "c", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                "role": "assistant", "content": None, "tool_calls": [{
                    "id": "t", "type": "function",
                    "function": {"name": "Reasons", "arguments": arguments}}]}}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens}}


class Script:
    """A mock transport answering each request with the next scripted tool-call arguments."""

    def __init__(self, *answers: str | Exception):
        self.answers, self.bodies = list(answers), []

    def __call__(self, request: Any) -> Any:
        self.bodies.append(json.loads(request.content))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(200, json=completion_json(answer))


def run_pass(script: Script, **settings: Any) -> Decision:
    model_pass = LLMPass.connect(
        "local", "http://127.0.0.1:1/v1", "k", "m", Settings(**settings), choose_mode("tools"),
        transport_retries=0, http_client=httpx.Client(transport=httpx.MockTransport(script)))
    record, ctx = deterministic_pass(load_path(str(CLOSED))[0])
    return model_stage(record, ctx, model_pass)


def offered_number(sentence: str) -> int:
    """The number the reasons question of the CLOSED fixture gives ``sentence``."""
    record, ctx = context_of(CLOSED)
    [q] = [q for q in prompt.plan_questions(record, ctx) if q.name == "reasons"]
    return q.sentences.index(sentence) + 1


GOOD = json.dumps({"items": [{"sentence": offered_number(
    "We will not look into Ms D's complaint because the matter is before the Court of "
    "Protection."), "code": "court_remedy_used"}]})
UNGROUNDED = json.dumps({"items": [{"sentence": 99, "code": "late_complaint"}]})


def test_a_rejected_answer_is_re_asked_with_its_error_and_the_usage_is_summed():
    script = Script(UNGROUNDED, GOOD)
    record = run_pass(script)
    assert (record.meta.attempts, record.meta.usage.prompt_tokens) == (2, 600)
    assert [i.rule for i in record.issues if i.rule == "extraction_failed"] == []
    first, second = script.bodies
    assert (first["temperature"], "seed" in first) == (0.0, False)
    assert (second["temperature"], second["seed"]) == (1.0, REASK_SEED + 1)
    assert [m["role"] for m in second["messages"]] == ["user", "user"]
    assert "sentence 99 is not in the list" in second["messages"][1]["content"]
    assert second["tool_choice"]["function"]["name"] == "Reasons"


def test_when_the_attempts_run_out_the_record_keeps_the_facts_and_says_so():
    record = run_pass(Script(UNGROUNDED), max_attempts=2)
    assert record.reasons == [] and record.meta.attempts == 2
    [failed] = [i for i in record.issues if i.rule == "extraction_failed"]
    assert failed.severity == "error" and failed.field == "reasons"
    assert "after 2 attempt(s)" in failed.message and "not in the list" in failed.message


@pytest.mark.parametrize(("budget", "attempts"), [(300, 1), (400, 2), (10_000, 3)])
def test_the_token_budget_stops_the_re_asks(budget, attempts):
    record = run_pass(Script(UNGROUNDED), token_budget=budget)  # 310 tokens an answer
    [failed] = [i for i in record.issues if i.rule == "extraction_failed"]
    assert record.meta.attempts == attempts
    assert ("token budget" in failed.message) is (budget < 10_000)
    assert "<" not in failed.message  # one plain line, not instructor's XML dump


def test_a_request_missing_from_a_cassette_is_a_config_error():
    from vcr.errors import CannotOverwriteExistingCassetteException

    miss = CannotOverwriteExistingCassetteException.__new__(
        CannotOverwriteExistingCassetteException)
    with pytest.raises(ConfigError, match="no recorded answer"):
        run_pass(Script(miss))


# -- the recorded re-ask (real embedded server) -------------------------------------------------

@pytest.mark.block_network
def test_a_recorded_re_ask_first_fails_a_rule_then_passes():
    """Recorded from the embedded 270M model: it first says a decision closed after initial
    enquiries was investigated; the validator rejects that, each re-ask says why, and the last
    answer (within the attempts allowed) passes."""
    status = [i for i in replay.read_interactions(REASK)
              if i["request"]["json"]["tool_choice"]["function"]["name"] == "Status"]
    answers_given = [json.loads(i["response"]["body"]["json"]["choices"][0]["message"]
                                ["tool_calls"][0]["function"]["arguments"]) for i in status]
    assert 2 <= len(status) <= Settings().max_attempts
    assert (answers_given[0]["investigated"], answers_given[-1]["investigated"]) == ("yes", "no")
    for reask in status[1:]:
        note = reask["request"]["json"]["messages"][-1]["content"]
        assert note.startswith("Your previous answer was rejected") and '"no"' in note
    meta = replay.read_metadata(REASK)
    result = CliRunner().invoke(app, ["extract", "--backend", "local", "--cassette", str(REASK),
                                      *[str(ROOT / p) for p in meta["inputs"]]],
                                env=meta["env"])
    [record] = [Decision.model_validate_json(line) for line in result.stdout.splitlines()]
    assert "extraction_failed" not in {i.rule for i in record.issues}
    assert record.investigated is False


# -- what extract shows on a terminal while the model answers -----------------------------------

def test_extract_with_a_model_shows_documents_questions_and_time_on_a_terminal(monkeypatch):
    """Two documents through the real pass on a mock transport; stderr forced to be a
    terminal: the live line counts documents done and every answer (re-asks included)."""
    from contextlib import contextmanager
    from io import StringIO

    from rich.console import Console

    from extractor import cli

    script = Script(UNGROUNDED, GOOD)

    @contextmanager
    def mock_pass(options, settings):
        yield LLMPass.connect("local", "http://127.0.0.1:1/v1", "k", "m", settings,
                              choose_mode("tools"), transport_retries=0,
                              http_client=httpx.Client(transport=httpx.MockTransport(script)))

    screen = StringIO()
    monkeypatch.setattr(cli, "open_model_pass", mock_pass)
    terminal = Console(file=screen, force_terminal=True, width=120)
    monkeypatch.setattr(cli, "err", lambda: terminal)
    result = CliRunner().invoke(app, ["extract", "--backend", "local", str(CLOSED), str(CLOSED)])
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2 and len(script.bodies) >= 3
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())  # colours, cursor
    assert "model_closed_atypical.txt" in shown  # the document at hand
    assert f"extract 2/2 documents · {len(script.bodies)} questions asked · " in shown


@pytest.mark.parametrize(("err_tty", "out_tty", "uses_model", "where"), [
    (True, False, True, "stderr"),      # records piped or in a file: the line on stderr
    (True, True, True, "stdout"),       # one screen: the records print above the line
    (False, True, True, None),          # stderr not a terminal (a log): nothing
    (True, True, False, None),          # --backend none: hundreds a second, nothing to wait for
])
def test_where_extract_progress_is_drawn(err_tty, out_tty, uses_model, where):
    from io import StringIO

    from rich.console import Console

    from extractor.runs.report import NoProgress, extract_progress

    err = Console(file=StringIO(), force_terminal=err_tty)
    out = Console(file=StringIO(), force_terminal=out_tty)
    progress = extract_progress(err, 2, uses_model, out=out)
    if where is None:
        assert isinstance(progress, NoProgress)
    else:
        assert progress.bar.console is (err if where == "stderr" else out)
