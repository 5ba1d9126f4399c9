"""Settings from the environment, read in one place (the API key only when a client is made)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    base_url: str | None = None
    model: str | None = None
    max_retries: int = 2
    db: str = "runs.sqlite"
    max_bytes: int = 5_000_000

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            base_url=os.environ.get("OPENAI_BASE_URL") or None,
            model=os.environ.get("EXTRACTOR_MODEL") or None,
            max_retries=int(os.environ.get("EXTRACTOR_MAX_RETRIES", "2")),
            db=os.environ.get("EXTRACTOR_DB", "runs.sqlite"),
            max_bytes=int(os.environ.get("EXTRACTOR_MAX_BYTES", "5000000")),
        )

    @staticmethod
    def has_api_key() -> bool:
        return bool(os.environ.get("OPENAI_API_KEY"))

    def default_backend(self) -> str:
        """``local`` (the embedded model) unless a key or a base URL points elsewhere."""
        return "openai" if self.has_api_key() or self.base_url else "local"
