"""Settings from the environment, read in one place (the API key only when a client is made)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import AnyStr
from urllib.parse import urlsplit, urlunsplit

DEFAULT_MAX_BYTES = 5_000_000  # a long decision page is ~100 kB; 5 MB is generous


@dataclass(frozen=True)
class Settings:
    base_url: str | None = None
    model: str | None = None
    max_retries: int = 2
    max_bytes: int = DEFAULT_MAX_BYTES  # largest input or harvested page read (EXTRACTOR_MAX_BYTES)
    # Model pass (model/llm.py): answers per question, tokens per answer and per document.
    max_attempts: int = 3           # instructor attempts per question (first call + re-asks)
    max_tokens: int = 512           # cap on each answer (small models repeat until cut off)
    token_budget: int = 12_000      # prompt + completion tokens per document, all attempts
    request_timeout: float = 120.0  # seconds per HTTP request to the model server
    reask_temperature: float = 1.0  # re-asks sample (first answers are greedy)
    model_scope: str = "codes"      # gaps: only fields the rules left empty; codes: + codes the
    #                                 rules may have missed in lists; all: cross-check everything
    # Watching the server (model/watch.py): per decision, and per command.
    decision_deadline: float = 150.0  # seconds for all the questions of one decision
    local_deadline: float = 600.0     # the same for the embedded server (it shares the CPU)
    breaker_failures: int = 3         # questions failed in a row (transport) that open the breaker
    breaker_cooldown: float = 300.0   # seconds the server is then left alone
    local_max_restarts: int = 3       # restarts of the embedded server per command
    # The embedded server (model/local_server.py).
    local_model_path: str | None = None
    local_port: int | None = None   # None: a free port picked by the OS
    local_threads: int = 2
    local_n_ctx: int = 4096
    local_chat_format: str | None = "gemma"  # the GGUF is the base model: no chat template
    local_start_timeout: float = 120.0  # seconds to load the model and answer a first request
    local_log_dir: str | None = None    # where server logs are kept (None: the temp folder)
    # Harvest (harvest/): the website, and how politely it is read.
    site: str = "https://www.lgo.org.uk"
    contact: str | None = None      # an e-mail or URL for the User-Agent (who to tell)
    harvest_rate: float = 1.0       # requests per second at most (one at a time)
    harvest_timeout: float = 30.0   # seconds per request, headers and body together
    harvest_retries: int = 3        # more tries of a request after a 429, 5xx, timeout, drop
    harvest_backoff: float = 2.0    # seconds before the first retry, doubled each time
    harvest_max_wait: float = 300.0  # longest Retry-After honoured; longer: the request fails
    harvest_max_failures: int = 20  # failed pages (after retries) before the night is failed
    harvest_window_days: int = 7    # listing window (split when its results pass a ceiling)
    harvest_overlap_days: int = 14  # a night re-lists this many days before the last one

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            base_url=os.environ.get("OPENAI_BASE_URL") or None,
            model=os.environ.get("EXTRACTOR_MODEL") or None,
            max_retries=int(os.environ.get("EXTRACTOR_MAX_RETRIES", "2")),
            max_bytes=int(os.environ.get("EXTRACTOR_MAX_BYTES", DEFAULT_MAX_BYTES)),
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
            local_log_dir=os.environ.get("EXTRACTOR_SERVER_LOG_DIR") or str(
                Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser()
                / "extractor" / "server-logs"),
            **_harvest_env(),
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


HARVEST_ENV = {  # environment name -> (field, type)
    "EXTRACTOR_SITE": ("site", str),
    "EXTRACTOR_CONTACT": ("contact", str),
    "EXTRACTOR_HARVEST_RATE": ("harvest_rate", float),
    "EXTRACTOR_HARVEST_TIMEOUT": ("harvest_timeout", float),
    "EXTRACTOR_HARVEST_RETRIES": ("harvest_retries", int),
    "EXTRACTOR_HARVEST_BACKOFF": ("harvest_backoff", float),
    "EXTRACTOR_HARVEST_MAX_WAIT": ("harvest_max_wait", float),
    "EXTRACTOR_HARVEST_MAX_FAILURES": ("harvest_max_failures", int),
    "EXTRACTOR_HARVEST_WINDOW_DAYS": ("harvest_window_days", int),
    "EXTRACTOR_HARVEST_OVERLAP_DAYS": ("harvest_overlap_days", int),
}


def _harvest_env() -> dict[str, object]:
    """The harvest settings given in the environment (unset or empty: the default)."""
    found: dict[str, object] = {}
    for name, (attr, kind) in HARVEST_ENV.items():
        if value := os.environ.get(name):
            found[attr] = kind(value)
    return found


def shown_url(url: str) -> str:
    """``url`` fit to show or store: credentials in it (``user:pass@``) masked as ``***@`` and
    the query (where some servers take a key) dropped."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=netloc, query=""))


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value else None
