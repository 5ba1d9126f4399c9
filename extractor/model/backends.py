"""Choose and open the model pass for a command: ``none``, ``local`` or ``openai``.

- ``local``: the embedded llama.cpp server (``local_server.py``), started for the command and
  stopped when it ends; restarted when it crashes or stops answering (``watch.py``).
  Replaying a cassette needs no server at all.
- ``openai``: OpenAI (``OPENAI_API_KEY``) or any compatible server (``--base-url`` /
  ``OPENAI_BASE_URL``; a local server needs no key). Checked once before the first document,
  so an unreachable server is one clear error, not a failure per document.
- ``--cassette F.yaml`` replays the model's HTTP from F (``--record``: records it from the live
  server, with the inputs and options kept in the cassette so it can be replayed or
  re-recorded later; ``replay.py``). A replay uses what the cassette was recorded with: its
  settings (scope, attempts, token limits), and its backend, model and mode unless the command
  line names others; a request the cassette lacks is an error naming what differs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from extractor.errors import ConfigError, ReplayMiss
from extractor.model.policy import Policy, resolve_policy
from extractor.settings import Settings, shown_url

if TYPE_CHECKING:  # the model client libraries (openai, instructor, vcr) and the embedded
    # server's and the HTTP check's modules load only when a model is used
    from extractor.model import local_server
    from extractor.model.llm import ModelPass

BackendName = Literal["none", "local", "openai"]
BACKENDS: tuple[str, ...] = get_args(BackendName)
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
LOCAL_API_KEY = "local"  # llama.cpp's server ignores it; the client needs one
# Settings that shape the requests, kept in a recorded cassette so a replay can match them.
RECORDED_SETTINGS = {"EXTRACTOR_MODEL_SCOPE": "model_scope", "EXTRACTOR_MAX_ATTEMPTS":
                     "max_attempts", "EXTRACTOR_MAX_TOKENS": "max_tokens",
                     "EXTRACTOR_TOKEN_BUDGET": "token_budget"}
RECORDED_OPTIONS = ("backend", "model", "mode", "model_path")  # kept in metadata when given


@dataclass(frozen=True)
class BackendOptions:
    backend: str | None = None  # None: the default for the environment (Settings.default_backend)
    model: str | None = None
    base_url: str | None = None
    mode: str | None = None
    model_path: str | None = None
    cassette: str | None = None
    record: bool = False
    inputs: tuple[str, ...] | None = None  # kept in a recorded cassette's metadata
    policy: str | Policy | None = None  # trust policy (--policy file / EXTRACTOR_POLICY)

    def resolved(self, settings: Settings) -> str:
        name = self.backend or ("openai" if self.base_url else settings.default_backend())
        if name not in BACKENDS:
            raise ConfigError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
        return name

    @property
    def replaying(self) -> bool:
        return bool(self.cassette) and not self.record


@contextmanager
def open_model_pass(options: BackendOptions, settings: Settings) -> Iterator[ModelPass | None]:
    """Yield the model pass for the whole command; servers started here stop on exit."""
    differences: list[str] = []
    if options.replaying and options.cassette and Path(options.cassette).is_file():
        options, settings, differences = replayed(options, settings)
    name = options.resolved(settings)
    if name == "none":
        yield None
        return
    from extractor.model import llm, replay  # the model side loads only when a model is used

    mode = llm.choose_mode(options.mode)
    with ExitStack() as stack:
        base_url, model, api_key, server = _endpoint(name, options, settings, stack)
        if options.cassette:
            stack.enter_context(replay.use_cassette(
                options.cassette, options.record, cassette_metadata(name, options, settings)))
        # The embedded server is watched instead of retried (watch.py).
        retries = 0 if options.replaying or server is not None else None
        try:
            model_pass = llm.LLMPass.connect(name, base_url, api_key, model, settings, mode,
                                             transport_retries=retries, server=server)
            model_pass.policy = command_policy(name, model, options, settings)
            yield model_pass
        except ReplayMiss as exc:
            if not differences:
                raise
            raise ReplayMiss(f"{exc}; it was recorded with {'; '.join(differences)}") from None


def command_policy(name: str, model: str | None, options: BackendOptions, settings: Settings
                   ) -> Policy:
    """The trust policy of this command (``policy.resolve_policy``); a backend without one
    runs ``rules`` and says so once on stderr."""
    from extractor.model import local_server

    if isinstance(options.policy, Policy):
        return options.policy
    chosen = options.model_path or settings.local_model_path
    packaged = chosen is None and local_server.lora_path(None) == str(
        local_server.PACKAGED_ADAPTER)
    path = options.policy or os.environ.get("EXTRACTOR_POLICY") or None
    return resolve_policy(path, name, model, packaged,
                          warn=lambda line: print(line, file=sys.stderr, flush=True))


def replayed(options: BackendOptions, settings: Settings
             ) -> tuple[BackendOptions, Settings, list[str]]:
    """The options and settings a replay of ``options.cassette`` runs with: the recorded
    settings, and the recorded backend / model / mode / model path where the command line
    names none. Also what still differs from the recording, for the error on a miss."""
    from extractor.model import replay

    assert options.cassette is not None
    meta = replay.read_metadata(options.cassette)
    recorded = {k: meta.get(k) for k in RECORDED_OPTIONS}
    recorded["model"] = recorded["model"] or replay.recorded_model(options.cassette)
    given = {k: getattr(options, k) for k in RECORDED_OPTIONS}
    options = replace(options, **{k: v for k, v in recorded.items() if v and not given[k]})
    env = meta.get("env") or {}
    settings = replace(settings, **{attr: type(getattr(settings, attr))(env[key])
                                    for key, attr in RECORDED_SETTINGS.items() if key in env})
    differences = [f"--{k.replace('_', '-')} {recorded[k]} (this run: {given[k]})"
                   for k in RECORDED_OPTIONS if given[k] and recorded[k] and
                   given[k] != recorded[k]]
    return options, settings, differences + _replay_drift(meta, options)


def _replay_drift(meta: dict[str, object], options: BackendOptions) -> list[str]:
    """Recorded prompts and inputs that are not this run's."""
    from extractor.model.prompt import prompt_sha

    drift = []
    if meta.get("prompt_sha") and meta["prompt_sha"] != prompt_sha():
        drift.append(f"prompt_sha {meta['prompt_sha']} (prompts/ now: {prompt_sha()})")
    inputs = meta.get("inputs")
    if isinstance(inputs, list) and options.inputs is not None and \
            sorted(Path(str(p)).name for p in inputs) != sorted(Path(p).name
                                                                 for p in options.inputs):
        drift.append(f"the inputs {', '.join(str(p) for p in inputs)}")
    return drift


def _endpoint(name: str, options: BackendOptions, settings: Settings, stack: ExitStack
              ) -> tuple[str | None, str | None, str, local_server.LocalServer | None]:
    """(base URL, model name, API key, the embedded server if one was started) of the server
    to talk to; starts it when needed."""
    from extractor.model import local_server

    if name == "local":
        if options.replaying:
            from extractor.model.replay import LOCAL_SERVER_URL

            chosen = options.model_path or settings.local_model_path
            alias = local_server.served_alias(local_server.model_alias(chosen),
                                              local_server.lora_path(chosen))
            return LOCAL_SERVER_URL, options.model or alias, LOCAL_API_KEY, None
        server = stack.enter_context(local_server.local_server(settings, options.model_path))
        return server.base_url, options.model or server.model, LOCAL_API_KEY, server
    base_url = options.base_url or settings.base_url
    key = settings.api_key()
    if not key and not base_url:
        raise ConfigError("set OPENAI_API_KEY (or --base-url / OPENAI_BASE_URL for a "
                          "compatible server) to use the openai backend")
    if not options.replaying:
        check_reachable(base_url or "https://api.openai.com/v1", key)
    return base_url, options.model or settings.model or DEFAULT_OPENAI_MODEL, key or "none", None


def check_reachable(base_url: str, key: str | None) -> None:
    """One GET of ``/models``: an unreachable server or a refused key is a ConfigError."""
    import urllib.error
    import urllib.request

    shown = shown_url(base_url)
    request = urllib.request.Request(base_url.rstrip("/") + "/models")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310 (configured URL)
            return
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise ConfigError(f"the server at {shown} refused the API key "
                              f"(HTTP {exc.code})") from None
        return  # it answers; some servers have no /models
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        detail = str(reason).replace(base_url, shown)
        raise ConfigError(f"cannot reach the model server at {shown}: {detail}") from None


def cassette_metadata(name: str, options: BackendOptions, settings: Settings
                      ) -> dict[str, object]:
    """What a recording was made with: inputs, options and the settings that shape the
    requests (read back by the replay tests and scripts/record_cassettes.sh)."""
    from extractor.model import local_server
    from extractor.model.prompt import prompt_sha

    meta: dict[str, object] = {"inputs": list(options.inputs or ()), "backend": name,
                               "prompt_sha": prompt_sha()}
    for key in ("model", "mode", "model_path"):
        value = getattr(options, key)
        if value:
            meta[key] = value
    env = {key: str(getattr(settings, attr)) for key, attr in RECORDED_SETTINGS.items()}
    if name == "local" and local_server.lora_path(options.model_path or
                                                  settings.local_model_path) is None:
        env["EXTRACTOR_LORA_PATH"] = "none"  # recorded from the bare model: replay as such
    meta["env"] = env
    return meta
