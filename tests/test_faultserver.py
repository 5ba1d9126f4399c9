"""The fault server itself, seen through the real openai client: each behaviour is what it
claims to be, and the seeded fault rate is reproducible whatever the request order."""

from __future__ import annotations

import json

import openai
import pytest
from faultanswers import UNGROUNDED_QUOTE
from faultserver import BEHAVIOURS, MIXED_FAULTS, FaultServer
from pydantic import BaseModel, ValidationError

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])

SOURCE = ("Summary: We will not investigate Mr B's complaint about parking fines. "
          "Mr B can appeal to the traffic tribunal, which is better placed to decide this.")


class Reason(BaseModel):
    code: str
    evidence: str


class Answer(BaseModel):
    investigated: bool | None = None
    reasons: list[Reason] = []


TOOLS = [{"type": "function", "function": {"name": "Answer",
                                           "parameters": Answer.model_json_schema()}}]


def ask(server: FaultServer, timeout: float = 2.0, **kwargs):
    client = openai.OpenAI(base_url=server.url, api_key="test-key", max_retries=0,
                           timeout=timeout)
    return client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": SOURCE}], tools=TOOLS,
        tool_choice={"type": "function", "function": {"name": "Answer"}}, **kwargs)


def arguments(response) -> str:
    return response.choices[0].message.tool_calls[0].function.arguments


ERRORS = [
    # (behaviour, what the openai client raises)
    ("429", openai.RateLimitError),
    ("500", openai.InternalServerError),
    ("502", openai.InternalServerError),
    ("503", openai.InternalServerError),
    ("hang", openai.APITimeoutError),
    ("drop", openai.APIConnectionError),
    ("bad_body", json.JSONDecodeError),
]


@pytest.mark.parametrize(("behaviour", "raised"), ERRORS, ids=[e[0] for e in ERRORS])
def test_transport_faults_reach_the_client_as_errors(behaviour, raised):
    with FaultServer(default=behaviour, hang_seconds=2) as server:
        with pytest.raises(raised):
            ask(server, timeout=0.3)
        assert [r.behaviour for r in server.completions("*")] == [behaviour]


def test_429_carries_retry_after():
    with FaultServer(default="429", retry_after="7") as server, \
            pytest.raises(openai.RateLimitError) as caught:
        ask(server)
    assert caught.value.response.headers["retry-after"] == "7"


def test_ok_answers_the_schema_it_was_given_with_quotes_from_the_prompt():
    with FaultServer(default="ok") as server:
        answer = Answer.model_validate_json(arguments(ask(server)))
        models = openai.OpenAI(base_url=server.url, api_key="k").models.list()
    assert all(r.evidence in SOURCE for r in answer.reasons)
    assert [m.id for m in models.data] == ["fault-model"]


def test_json_mode_answers_in_content():
    with FaultServer(default="ok") as server:
        client = openai.OpenAI(base_url=server.url, api_key="k", max_retries=0)
        response = client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": SOURCE}],
            response_format={"type": "json_schema", "json_schema": {
                "name": "Answer", "schema": Answer.model_json_schema()}})
    Answer.model_validate_json(response.choices[0].message.content)


def test_malformed_answers():
    with FaultServer(script=["bad_json", "truncated", "wrong_shape", "ungrounded"]) as server:
        bad_json, truncated, wrong_shape, ungrounded = (ask(server) for _ in range(4))
    with pytest.raises(json.JSONDecodeError):
        json.loads(arguments(bad_json))
    assert truncated.choices[0].finish_reason == "length"
    with pytest.raises(ValueError):
        json.loads(arguments(truncated))
    with pytest.raises(ValidationError):
        Answer.model_validate_json(arguments(wrong_shape))
    answer = Answer.model_validate_json(arguments(ungrounded))
    assert [r.evidence for r in answer.reasons] == [UNGROUNDED_QUOTE]
    assert UNGROUNDED_QUOTE not in SOURCE


def test_markers_aim_faults_at_one_document_and_the_last_one_repeats():
    with FaultServer(markers={"parking": ["500", "ungrounded"]}) as server:
        with pytest.raises(openai.InternalServerError):
            ask(server)
        for _ in range(2):
            assert UNGROUNDED_QUOTE in arguments(ask(server))


def draws(seed: int, bodies: list[bytes]) -> list[str]:
    server = FaultServer(fault_rate=0.2, seed=seed)
    return [server.choose(body) for body in bodies]


def test_seeded_fault_rate_is_reproducible_and_order_independent():
    bodies = [f'{{"doc": {i}}}'.encode() for i in range(400)]
    first = draws(1, bodies)
    assert draws(1, bodies) == first
    shuffled = dict(zip(reversed(bodies), draws(1, list(reversed(bodies))), strict=True))
    assert [shuffled[b] for b in bodies] == first
    assert draws(2, bodies) != first
    faults = [b for b in first if b != "ok"]
    assert 40 <= len(faults) <= 120  # about 20 % of 400
    assert set(faults) <= set(MIXED_FAULTS) and len(set(faults)) > 5


def test_a_retried_request_gets_a_fresh_draw():
    server = FaultServer(fault_rate=0.5, seed=3)
    assert len({server.choose(b"same body") for _ in range(30)}) > 1


def test_unknown_behaviour_is_refused():
    with pytest.raises(ValueError, match="valid: " + ", ".join(BEHAVIOURS[:2])):
        FaultServer(script=["explode"])


def test_401_echoes_the_credential_it_was_sent():
    with FaultServer(default="401") as server, \
            pytest.raises(openai.AuthenticationError) as caught:
        ask(server)
    assert "Bearer test-key" in str(caught.value)
