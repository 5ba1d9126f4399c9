"""The model pass: instructor on the openai client, with the retry policy in one place.

- Transport: the openai client retries connection errors, 408/409/429 and 5xx itself
  (``OpenAI(max_retries=settings.max_retries)``; 0 when replaying a cassette, and for the
  embedded server, which is watched and restarted instead).
- Validation: instructor gets an explicit tenacity ``Retrying`` that re-asks only on pydantic
  ``ValidationError`` / ``JSONDecodeError`` and stops after ``settings.max_attempts`` attempts
  in all (instructor 1.17 would read an int as retries *after* the first call), so re-asks are
  never stacked on transport retries.
- Budget: each document has ``settings.token_budget`` tokens (prompt + completion, every
  attempt of every question); instructor stops re-asking when it is spent.
- Metering: every HTTP answer counts as one attempt and its usage is summed into
  ``meta.attempts`` / ``meta.usage``, failures included.
- Failure: a question whose retries run out, or whose server keeps failing, leaves its fields to
  the facts and adds an ``extraction_failed`` issue (``merge.py``); the record is still produced.
  A request missing from a replayed cassette is a ``ConfigError``: the prompt or input changed.
- Watch (``watch.py``): each decision has a deadline (every HTTP attempt's timeout is cut to fit
  it), a remote server that keeps failing is left alone for a while (a circuit breaker), and
  the embedded server is restarted when it crashed or stopped answering.
- Re-ask turns are flattened into plain messages before they are sent (``reask.py``):
  llama.cpp's template-less chat formats drop ``tool`` messages, which would hide the
  validation error from the model; the rejected answer is not echoed back (measured: the 270M
  model copies it).
- First answers are greedy (temperature 0). A re-ask samples at ``settings.reask_temperature``
  with a fixed seed per re-ask: a greedy small model repeats its rejected answer word for word,
  and the seed keeps runs (and cassettes) reproducible.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from json import JSONDecodeError
from typing import Any, Protocol, get_args

import instructor
import openai
from instructor.core.exceptions import (
    IncompleteOutputException,
    InstructorRetryException,
    TokenBudgetError,
)
from pydantic import ValidationError
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from extractor.errors import ConfigError, ReplayMiss
from extractor.model import replay
from extractor.model.merge import Failure
from extractor.model.modes import DEFAULT_MODE, ModeName
from extractor.model.policy import RULES, Policy
from extractor.model.prompt import Question, prompt_sha
from extractor.model.reask import flatten_messages
from extractor.model.watch import Deadline, Restartable, Watch
from extractor.models import Decision
from extractor.read.load import Document
from extractor.settings import Settings, redact

MODES: dict[str, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,            # forced tool call: grammar-constrained on llama.cpp
    "json": instructor.Mode.JSON,
    "json_schema": instructor.Mode.JSON_SCHEMA,  # OpenAI structured outputs (not llama.cpp)
    "md_json": instructor.Mode.MD_JSON,
}
assert set(get_args(ModeName)) == set(MODES)
REASK_SEED = 1000  # re-ask n samples with seed REASK_SEED + n (same answers on every run)
# instructor logs every failed attempt at ERROR; failures are issues on the record instead.
logging.getLogger("instructor").addHandler(logging.NullHandler())
logging.getLogger("instructor").propagate = False


def retry_policy(max_attempts: int) -> Retrying:
    """Re-ask on validation errors only, ``max_attempts`` attempts in all."""
    return Retrying(stop=stop_after_attempt(max(1, max_attempts)),
                    retry=retry_if_exception_type((ValidationError, JSONDecodeError)),
                    reraise=True)


def choose_mode(name: str | None) -> instructor.Mode:
    name = (name or DEFAULT_MODE).lower()
    if name not in MODES:
        raise ConfigError(f"unknown mode {name!r}; choose one of {', '.join(MODES)}")
    return MODES[name]


@dataclass
class Meter:
    """Attempts and token usage of one document, over all its questions and re-asks."""

    attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    raw: list[str] = field(default_factory=list)
    listeners: list[Callable[[], None]] = field(default_factory=list)  # told of each answer

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def count(self, response: Any) -> None:
        self.attempts += 1
        for listener in self.listeners:
            listener()
        self.raw.append(_raw_text(response))
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.prompt_tokens += usage.prompt_tokens or 0
            self.completion_tokens += usage.completion_tokens or 0


def make_client(base_url: str | None, api_key: str, settings: Settings, mode: instructor.Mode,
                meter: Callable[[], Meter | None], transport_retries: int | None = None,
                http_client: Any = None, timeout: Callable[[], float] | None = None
                ) -> instructor.Instructor:
    """An instructor client whose every HTTP answer is metered and whose re-ask turns are
    flattened (see the module doc). ``timeout``: seconds for the next HTTP attempt (the
    decision's deadline); ``http_client``: for tests (a mock transport)."""
    client = openai.OpenAI(base_url=base_url, api_key=api_key,
                           max_retries=settings.max_retries if transport_retries is None
                           else transport_retries, timeout=settings.request_timeout,
                           http_client=http_client)

    def create(*args: Any, **kwargs: Any) -> Any:
        messages = list(kwargs.get("messages", []))
        reasks = sum(1 for m in messages if m.get("role") == "tool")
        if reasks:  # a greedy re-ask repeats the rejected answer: sample, reproducibly
            kwargs.update(temperature=settings.reask_temperature, seed=REASK_SEED + reasks)
        kwargs["messages"] = flatten_messages(messages)
        if timeout is not None:
            kwargs["timeout"] = timeout()
        response = client.chat.completions.create(*args, **kwargs)
        current = meter()
        if current is not None:
            current.count(response)
        return response

    return instructor.Instructor(client=client, create=instructor.patch(create=create, mode=mode),
                                 mode=mode)


def _raw_text(response: Any) -> str:
    """The model's answer text (tool-call arguments or content) for failure messages."""
    try:
        message = response.choices[0].message
        calls = message.tool_calls or []
        return "\n".join(c.function.arguments for c in calls) or (message.content or "")
    except (AttributeError, IndexError, TypeError):
        return ""


@dataclass
class Asked:
    """What the model answered for one document: answers by question, failed questions, and
    the attempts and tokens spent on them."""

    answers: dict[str, Any] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    meter: Meter = field(default_factory=Meter)

    def stamp(self, record: Decision) -> None:
        record.meta.attempts += self.meter.attempts
        record.meta.usage.prompt_tokens += self.meter.prompt_tokens
        record.meta.usage.completion_tokens += self.meter.completion_tokens


class ModelPass(Protocol):
    """A backend that answers the planned questions (``pipeline.model_stage``)."""

    name: str
    model: str | None
    prompt_sha: str | None
    settings: Settings
    policy: Policy

    def ask_all(self, facts: Decision, doc: Document, questions: list[Question]) -> Asked: ...


@dataclass
class LLMPass:
    """The ask step of the model stage: instructor on the openai client."""

    model: str | None
    settings: Settings
    name: str = "openai"
    prompt_sha: str | None = field(default_factory=prompt_sha)
    client: instructor.Instructor | None = None
    policy: Policy = RULES
    listeners: list[Callable[[], None]] = field(default_factory=list)  # each answer (progress)
    watch: Watch | None = None
    _local: threading.local = field(default_factory=threading.local, repr=False)

    @classmethod
    def connect(cls, name: str, base_url: str | None, api_key: str, model: str | None,
                settings: Settings, mode: instructor.Mode, transport_retries: int | None = None,
                http_client: Any = None, server: Restartable | None = None) -> LLMPass:
        """A pass talking to the server at ``base_url`` (``server``: the embedded one, which
        the watch restarts)."""
        model_pass = cls(model, settings, name=name, watch=Watch(settings, server))
        model_pass.client = make_client(base_url, api_key, settings, mode, model_pass.meter,
                                        transport_retries, http_client, model_pass.timeout)
        return model_pass

    def __post_init__(self) -> None:
        self.watch = self.watch or Watch(self.settings)

    @property
    def restarts(self) -> int:
        """Restarts of the embedded server in this command."""
        assert self.watch is not None
        return self.watch.restarts

    def meter(self) -> Meter | None:
        """The meter of the document this thread is refining."""
        return getattr(self._local, "meter", None)

    def timeout(self) -> float:
        """Seconds the next HTTP attempt of this thread's document may wait."""
        assert self.watch is not None
        return self.watch.attempt_timeout(getattr(self._local, "deadline", None))

    def ask_all(self, facts: Decision, doc: Document, questions: list[Question]) -> Asked:
        """Ask each planned question (re-asked on validation errors); never raises for a
        question that fails: it becomes a ``Failure`` for the merge."""
        meter = self._local.meter = Meter(listeners=self.listeners)
        watch = self.watch
        assert watch is not None
        deadline = self._local.deadline = watch.deadline()
        asked = Asked(meter=meter)
        try:
            for question in questions:
                self._answer(question, meter, asked, watch, deadline)
            watch.document_done(lost_questions=bool(asked.failures))
        finally:
            self._local.meter = self._local.deadline = None
        return asked

    def _answer(self, q: Question, meter: Meter, asked: Asked, watch: Watch,
                deadline: Deadline) -> None:
        fields = tuple(f for f in q.response_model.model_fields if f != "sentence") \
            if q.name == "status" else (FIELDS_OF[q.name],)
        remaining = self.settings.token_budget - meter.total
        refusal = watch.refusal(deadline) if remaining > 0 else (
            f"token budget of {self.settings.token_budget} spent before this question")
        if refusal is not None:
            asked.failures.append(Failure(q.name, fields, refusal))
            return
        before, restarts = meter.attempts, watch.restarts
        try:
            asked.answers[q.name] = self.ask(q, remaining)
            watch.answered()
        except (InstructorRetryException, TokenBudgetError, IncompleteOutputException,
                openai.APIError) as exc:
            if replay.is_replay_miss(exc):
                raise ReplayMiss("the cassette has no recorded answer for this request "
                                  "(prompt, input or settings changed since it was recorded); "
                                  "re-record it with --record") from None
            why = redact(describe(exc)) + watch.failed(transport_cause(exc), restarts)
            asked.failures.append(Failure(q.name, fields, why, meter.attempts - before))

    def ask(self, q: Question, token_budget: int | None = None) -> Any:
        """One question, re-asked on validation errors; raises when retries run out."""
        assert self.client is not None, "use LLMPass.connect()"
        return self.client.create(
            response_model=q.response_model, messages=q.messages, model=self.model,
            max_tokens=q.max_tokens, temperature=0.0, context=q.context,
            max_retries=retry_policy(self.settings.max_attempts), token_budget=token_budget)


FIELDS_OF = {"reasons": "reasons", "remedies": "remedy_kinds", "payments": "payments",
             "referrals": "referred_to"}


def transport_cause(exc: BaseException) -> BaseException:
    """The openai error behind a failed question (instructor wraps it), else ``exc``."""
    cause = exc.__cause__
    return cause if isinstance(cause, openai.APIError) else exc


def describe(exc: BaseException) -> str:
    """One line: why the question failed."""
    if isinstance(exc, TokenBudgetError):
        return f"token budget of {exc.budget} spent after {exc.n_attempts} attempt(s)"
    if isinstance(exc, IncompleteOutputException):
        return "the answer was cut off at max_tokens"
    cause = exc.__cause__ or exc
    if isinstance(cause, ValidationError):
        first = cause.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        return f"{cause.error_count()} validation error(s), first at {where}: {first['msg']}"
    if isinstance(cause, openai.APIError):
        return f"model server error: {type(cause).__name__}: {cause}"
    return f"{type(cause).__name__}: {cause}"
