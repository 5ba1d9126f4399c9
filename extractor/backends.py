"""Choose and open the model pass for a command: ``none``, ``local`` or ``openai``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from extractor.errors import ConfigError
from extractor.pipeline import ModelPass
from extractor.settings import Settings

BACKENDS = ("none", "local", "openai")


@dataclass(frozen=True)
class BackendOptions:
    backend: str | None = None  # None: the default for the environment (Settings.default_backend)
    model: str | None = None
    base_url: str | None = None
    mode: str | None = None
    model_path: str | None = None
    cassette: str | None = None
    record: bool = False

    def resolved(self, settings: Settings) -> str:
        name = self.backend or ("openai" if self.base_url else settings.default_backend())
        if name not in BACKENDS:
            raise ConfigError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
        return name


@contextmanager
def open_model_pass(options: BackendOptions, settings: Settings) -> Iterator[ModelPass | None]:
    """Yield the model pass for the whole command; servers started here stop on exit."""
    name = options.resolved(settings)
    if name == "none":
        yield None
        return
    raise ConfigError(f"backend {name!r} is not available yet")
