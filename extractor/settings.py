"""Settings from the environment, read in one place (the API key only when a client is made)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import AnyStr


@dataclass(frozen=True)
class Settings:
    base_url: str | None = None
    model: str | None = None
    max_retries: int = 2
    db: str = "runs.sqlite"
    max_bytes: int = 5_000_000
    # Model pass (llm.py): answers per question, tokens per answer and per document.
    max_attempts: int = 3           # instructor attempts per question (first call + re-asks)
    max_tokens: int = 512           # cap on each answer (small models repeat until cut off)
    token_budget: int = 12_000      # prompt + completion tokens per document, all attempts
    request_timeout: float = 120.0  # seconds per HTTP request to the model server
    reask_temperature: float = 1.0  # re-asks sample (first answers are greedy)
    model_scope: str = "codes"      # gaps: only fields the rules left empty; codes: + codes the
    #                                 rules may have missed in lists; all: cross-check everything
    # Watching the server (watch.py): per decision, and per command.
    decision_deadline: float = 150.0  # seconds for all the questions of one decision
    local_deadline: float = 600.0     # the same for the embedded server (it shares the CPU)
    breaker_failures: int = 3         # questions failed in a row (transport) that open the breaker
    breaker_cooldown: float = 300.0   # seconds the server is then left alone
    local_max_restarts: int = 3       # restarts of the embedded server per command
    # The embedded server (local_server.py).
    local_model_path: str | None = None
    local_port: int | None = None   # None: a free port picked by the OS
    local_threads: int = 2
    local_n_ctx: int = 4096
    local_chat_format: str | None = "gemma"  # the GGUF is the base model: no chat template
    local_start_timeout: float = 120.0

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            base_url=os.environ.get("OPENAI_BASE_URL") or None,
            model=os.environ.get("EXTRACTOR_MODEL") or None,
            max_retries=int(os.environ.get("EXTRACTOR_MAX_RETRIES", "2")),
            db=os.environ.get("EXTRACTOR_DB", "runs.sqlite"),
            max_bytes=int(os.environ.get("EXTRACTOR_MAX_BYTES", "5000000")),
            max_attempts=int(os.environ.get("EXTRACTOR_MAX_ATTEMPTS", "3")),
            max_tokens=int(os.environ.get("EXTRACTOR_MAX_TOKENS", "512")),
            token_budget=int(os.environ.get("EXTRACTOR_TOKEN_BUDGET", "12000")),
            model_scope=os.environ.get("EXTRACTOR_MODEL_SCOPE", "codes"),
            request_timeout=float(os.environ.get("EXTRACTOR_TIMEOUT", "120")),
            decision_deadline=float(os.environ.get("EXTRACTOR_DEADLINE", "150")),
            local_deadline=float(os.environ.get("EXTRACTOR_LOCAL_DEADLINE", "600")),
            breaker_failures=int(os.environ.get("EXTRACTOR_BREAKER_FAILURES", "3")),
            breaker_cooldown=float(os.environ.get("EXTRACTOR_BREAKER_COOLDOWN", "300")),
            local_max_restarts=int(os.environ.get("EXTRACTOR_LOCAL_RESTARTS", "3")),
            local_model_path=os.environ.get("EXTRACTOR_MODEL_PATH") or None,
            local_port=_int_or_none(os.environ.get("EXTRACTOR_LOCAL_PORT")),
            local_threads=int(os.environ.get("EXTRACTOR_LOCAL_THREADS", "2")),
        )

    @staticmethod
    def has_api_key() -> bool:
        return bool(os.environ.get("OPENAI_API_KEY"))

    @staticmethod
    def api_key() -> str | None:
        """The OpenAI key, read only when a client is made (llm.make_client)."""
        return os.environ.get("OPENAI_API_KEY") or None

    def default_backend(self) -> str:
        """``local`` (the embedded model) unless a key or a base URL points elsewhere."""
        return "openai" if self.has_api_key() or self.base_url else "local"


REDACTED = "<redacted>"
MIN_SECRET_CHARS = 12  # shorter "keys" (test placeholders) are not worth hunting for


def redact(text: AnyStr) -> AnyStr:
    """``text`` with the API key replaced: for anything kept or shown (issue messages,
    cassettes), since a server or proxy may echo the key back in an error."""
    key = Settings.api_key()
    if not key or len(key) < MIN_SECRET_CHARS:
        return text
    if isinstance(text, bytes):
        return text.replace(key.encode(), REDACTED.encode())
    return text.replace(key, REDACTED)


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value else None
