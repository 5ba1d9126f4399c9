"""Watching the model server: a deadline per decision, a circuit breaker per command, and
restarts of the embedded server.

- **Deadline**: each decision has ``settings.decision_deadline`` seconds for all its questions.
  Each HTTP attempt may wait ``min(request_timeout, time left / (max_retries + 1))`` (but at
  least ``MIN_ATTEMPT_SHARE`` of the deadline), so the openai client's own transport retries
  fit in too; a question whose turn comes after the deadline is not sent (it fails, saying so).
  With the defaults (150 s, 2 retries) a decision against a hung server ends within ~155 s.
  The embedded server has its own, longer deadline (``settings.local_deadline``, 600 s: it
  shares the CPU, and slow is not hung) and one attempt per question (it answers one request
  at a time, so a retry would only queue behind the request it repeats).
- **Breaker** (a remote server): after ``settings.breaker_failures`` questions in a row end in a
  transport failure (no connection, dropped, timed out, 429 or 5xx after the client's retries),
  the server is not asked for ``settings.breaker_cooldown`` seconds: questions fail at once, so
  their documents are recorded as failed and ``batch --retry-failed`` runs them again. The
  first question after the cooldown is a probe: an answer closes the breaker, a failure opens
  it again.
- **Restarts** (the embedded server): after a transport failure the watcher looks at the server
  process. If it exited (a crash) or the question timed out (it stopped answering), the question
  fails with an issue that says so and the server is started again, at most
  ``settings.local_max_restarts`` times per command; after that no question is asked and the
  documents keep the rules' facts, with an issue saying why.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import openai

from extractor.errors import ConfigError
from extractor.model.local_server import EXIT_GRACE, exit_words
from extractor.settings import Settings

# What a server that cannot answer raises (after the openai client's own retries).
TRANSPORT_ERRORS = (openai.APIConnectionError, openai.InternalServerError, openai.RateLimitError)
# An attempt that starts near the deadline still gets this share of it (4.5 s of 150 s), so a
# decision ends by deadline * (1 + (max_retries + 1) * MIN_ATTEMPT_SHARE) plus the backoffs.
MIN_ATTEMPT_SHARE = 0.03


class Restartable(Protocol):
    """The embedded server as the watcher sees it (``local_server.LocalServer``)."""

    restarts: int

    def exit_status(self, wait: float = 0.0) -> int | None: ...
    def responsive(self) -> bool: ...
    def restart(self) -> None: ...


@dataclass
class Deadline:
    """The time one decision has for all its questions."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=0.0)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def left(self) -> float:
        return self.seconds - (self.clock() - self.started)


@dataclass
class Breaker:
    """Consecutive transport failures open it for ``cooldown`` seconds."""

    threshold: int
    cooldown: float
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None
    opened: int = 0  # times it opened in this command

    def refusal(self) -> str | None:
        if self.opened_at is None:
            return None
        waited = self.clock() - self.opened_at
        if waited >= self.cooldown:
            return None  # half-open: this question is the probe
        return (f"not asked: the model server failed {self.failures} question(s) in a row, so "
                f"it is left alone for {self.cooldown:.0f} s ({self.cooldown - waited:.0f} s "
                "to go); retry this document later")

    def record(self, ok: bool) -> None:
        if ok:
            self.failures, self.opened_at = 0, None
            return
        self.failures += 1
        if self.failures >= self.threshold:
            self.opened += self.opened_at is None or self.clock() - self.opened_at >= \
                self.cooldown
            self.opened_at = self.clock()


class Watch:
    """The deadline, breaker and restart policy of one command's model pass (thread-safe)."""

    def __init__(self, settings: Settings, server: Restartable | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.settings, self.server, self.clock = settings, server, clock
        # The embedded server shares the CPU (slow is not hung) and answers one request at a
        # time (a retry would queue behind the request it repeats): its own deadline, one
        # attempt per question, no cap but the deadline.
        local = server is not None
        self.seconds = settings.local_deadline if local else settings.decision_deadline
        self.retries = 0 if local else settings.max_retries
        self.cap = self.seconds if local else settings.request_timeout
        self.breaker = Breaker(settings.breaker_failures, settings.breaker_cooldown, clock)
        self.given_up: str | None = None  # why the embedded server is not restarted again
        self.rules_only = 0  # documents that lost questions to a server given up on
        self._lock = threading.Lock()

    @property
    def restarts(self) -> int:
        return self.server.restarts if self.server is not None else 0

    def deadline(self) -> Deadline:
        return Deadline(self.seconds, self.clock)

    def refusal(self, deadline: Deadline) -> str | None:
        """Why the next question is not to be sent (None: send it)."""
        if deadline.left() <= 0:
            return f"not asked: the decision's deadline of {self.seconds:.0f} s was spent"
        with self._lock:
            if self.given_up is not None:
                return f"not asked: {self.given_up}"
            return None if self.server is not None else self.breaker.refusal()

    def attempt_timeout(self, deadline: Deadline | None) -> float:
        """Seconds one HTTP attempt may wait (its transport retries fit in the deadline)."""
        if deadline is None:
            return self.cap
        share = deadline.left() / (self.retries + 1)
        return min(self.cap, max(share, deadline.seconds * MIN_ATTEMPT_SHARE))

    def document_done(self, lost_questions: bool) -> None:
        """After a document's questions: count it when the given-up server cost it answers."""
        with self._lock:
            self.rules_only += lost_questions and self.given_up is not None

    def stop_note(self, retry: str) -> str | None:
        """One line for the end of a command whose embedded server was given up on (None:
        it was not): what happened, how many documents got the rules' values only, ``retry``
        (how to run them again)."""
        if self.given_up is None:
            return None
        return (f"{self.given_up}; {self.rules_only} document(s) got the rules' values only "
                f"(their records carry extraction_failed); {retry}")

    def answered(self) -> None:
        with self._lock:
            self.breaker.record(ok=True)

    def failed(self, exc: BaseException, asked_at: int = 0) -> str:
        """After a question failed on ``exc``: what happened to the server, for its issue
        ('' when it was not a transport failure). ``asked_at``: ``restarts`` when the question
        was sent (another question may have restarted the server since)."""
        if not isinstance(exc, TRANSPORT_ERRORS):
            return ""
        with self._lock:
            if self.server is None:
                self.breaker.record(ok=False)
                return ""
            if self.server.restarts != asked_at:
                return "; the embedded model server was restarted while this question was asked"
            return self._after_local_failure(exc)

    def _after_local_failure(self, exc: BaseException) -> str:
        assert self.server is not None
        dropped = isinstance(exc, openai.APIConnectionError)  # a dying server drops first
        status = self.server.exit_status(wait=EXIT_GRACE if dropped else 0.0)
        timed_out = isinstance(exc, openai.APITimeoutError)
        if status is None and not timed_out and self.server.responsive():
            return ""  # it runs and answers (an HTTP error): nothing to restart
        what = f"the embedded model server {exit_words(status)}" if status is not None \
            else "the embedded model server stopped answering"
        if self.given_up is not None:
            return f"; {what}"
        return f"; {what}; {self._restart()}"

    def _restart(self) -> str:
        assert self.server is not None
        limit = self.settings.local_max_restarts
        if self.server.restarts >= limit:
            self.given_up = (f"the embedded model server failed after {limit} restart(s) in "
                             "this command and is not restarted again")
            return "not restarted again (" + f"{limit} restart(s) already)"
        try:
            self.server.restart()
        except ConfigError as exc:
            self.given_up = f"the embedded model server could not be restarted: {exc}"
            return self.given_up
        return f"restarted it (restart {self.server.restarts} of at most {limit})"
