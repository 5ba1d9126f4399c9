"""A small, real OpenAI-compatible HTTP server on loopback that misbehaves on purpose.

It serves ``GET /v1/models`` and ``POST /v1/chat/completions`` and answers each completion
request with one *behaviour*, chosen in this order:

1. ``markers``: the first ``{substring: [behaviour, ...]}`` whose substring occurs in the request
   body pops its next behaviour (the last one repeats), so a test can aim faults at one document
   whatever the order of concurrent requests;
2. ``script``: a queue of behaviours consumed in arrival order;
3. ``fault_rate``: a seeded draw from ``faults``, keyed by the request body and how often that
   body was seen, so a run is reproducible whatever the concurrency;
4. ``default`` (``"ok"``).

Behaviours (``BEHAVIOURS``): ``ok`` a valid answer built from the request's own schema, with
every quote taken from the prompt's decision text; ``429`` with ``Retry-After``; ``500``,
``502``, ``503``; ``hang`` (sleeps ``hang_seconds``, past the client's timeout); ``drop`` (closes
the connection without answering); ``bad_body`` (HTTP body that is not JSON); ``bad_json`` (the
model's answer is not JSON); ``truncated`` (cut off, ``finish_reason: "length"``);
``wrong_shape`` (valid JSON that does not fit the schema); ``ungrounded`` (fits the schema but
quotes evidence that is not in the source, so it fails the project's rules every time);
``401`` (an error whose message echoes the ``Authorization`` header it was sent); ``obey``
(the answer a prompt-injection paragraph in the document asks for, quoting that paragraph).
Not among ``BEHAVIOURS``: ``crash`` kills the server's own process with SIGSEGV, as
llama-cpp-python's server did on some grammars; only for the server run as its own process
(``python tests/faultserver.py --port P --crash-on TEXT``, a stand-in for the embedded server).

Every request is logged in ``server.requests`` (path, lower-cased headers, parsed body, behaviour).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from faultanswers import OBEY, completion

TRANSIENT = ("429", "500", "502", "503", "hang", "drop")
MALFORMED = ("bad_body", "bad_json", "truncated", "wrong_shape", "ungrounded")
# A careless proxy's 401 that echoes the credential it was sent (for the secrets tests).
ECHO_KEY = "401"
BEHAVIOURS = ("ok", *TRANSIENT, *MALFORMED, ECHO_KEY, OBEY)
CRASH = "crash"  # the process dies of SIGSEGV (only for the server run as a process)
# The mix used for "a 20% mixed fault rate": every fault, equally likely.
MIXED_FAULTS = TRANSIENT + MALFORMED
HTTP_ERRORS = {"429": 429, "500": 500, "502": 502, "503": 503}
# Sent with every answer, as OpenAI does: what a recording must not keep.
RESPONSE_HEADERS = {"openai-organization": "org-faultserver-canary",
                    "set-cookie": "__cf_bm=faultserver-canary-cookie; path=/; HttpOnly",
                    "x-request-id": "req_faultserver"}
# A quote no decision contains: what a misled model "remembers" instead of reading.
@dataclass
class Logged:
    path: str
    headers: dict[str, str]
    body: Any
    behaviour: str
    at: float


class FaultServer:
    """Start with ``with FaultServer(...) as server:``; ``server.url`` is the ``/v1`` base."""

    def __init__(self, *, default: str = "ok", script: Iterable[str] = (),
                 markers: dict[str, list[str]] | None = None, fault_rate: float = 0.0,
                 faults: Iterable[str] = MIXED_FAULTS, seed: int = 0,
                 hang_seconds: float = 3.0, retry_after: str = "1",
                 model: str = "fault-model", models_status: int = 200, port: int = 0) -> None:
        for name in (default, *script, *(faults or ()),
                     *(b for queue in (markers or {}).values() for b in queue)):
            if name not in (*BEHAVIOURS, CRASH):
                raise ValueError(f"unknown behaviour {name!r}; valid: {', '.join(BEHAVIOURS)}")
        self.default, self.script = default, deque(script)
        self.markers = {k: deque(v) for k, v in (markers or {}).items()}
        self.fault_rate, self.faults, self.seed = fault_rate, tuple(faults), seed
        self.hang_seconds, self.retry_after, self.model = hang_seconds, retry_after, model
        self.wanted_port = port
        self.models_status = models_status  # e.g. 401: the key is refused at start-up
        self.requests: list[Logged] = []
        self._seen: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FaultServer:
        self._httpd = _Server(("127.0.0.1", self.wanted_port), _Handler)
        self._httpd.fault = self  # type: ignore[attr-defined]
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()  # releases hanging handlers
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # -- behaviour -------------------------------------------------------------------------
    def heal(self) -> None:
        """From now on every request is answered well."""
        with self._lock:
            self.default, self.fault_rate = "ok", 0.0
            self.script.clear()
            self.markers.clear()

    def choose(self, raw: bytes) -> str:
        text = raw.decode("utf-8", "replace")
        with self._lock:
            for marker, queue in self.markers.items():
                if marker in text and queue:
                    return queue.popleft() if len(queue) > 1 else queue[0]
            if self.script:
                return self.script.popleft()
            if self.fault_rate > 0:
                return self._draw(raw)
            return self.default

    def _draw(self, raw: bytes) -> str:
        key = hashlib.sha256(raw).hexdigest()
        self._seen[key] += 1
        rng = random.Random(f"{self.seed}:{key}:{self._seen[key]}")
        return rng.choice(self.faults) if rng.random() < self.fault_rate else self.default

    def completions(self, behaviour: str) -> list[Logged]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")
                and (behaviour == "*" or r.behaviour == behaviour)]

    def log(self, entry: Logged) -> None:
        with self._lock:
            self.requests.append(entry)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops the connects of a busy batch (the client then
    # waits a second for a SYN retry and times out before the server ever sees the request).
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that time out and hang up are expected here: stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        """No access log on stderr."""

    @property
    def fault(self) -> FaultServer:
        return self.server.fault  # type: ignore[attr-defined,no-any-return]

    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        self._log(b"", "ok")
        if self.path.rstrip("/").endswith("/models") and self.fault.models_status != 200:
            self._json(self.fault.models_status, {"error": {
                "message": f"Incorrect API key provided: {self.headers.get('authorization')}",
                "type": "invalid_request_error"}})
        elif self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [
                {"id": self.fault.model, "object": "model", "owned_by": "faultserver"}]})
        else:
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:  # noqa: N802 (stdlib name)
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._log(raw, "ok")
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        behaviour = self.fault.choose(raw)
        self._log(raw, behaviour)
        try:
            request = json.loads(raw)
        except ValueError:
            self._json(400, {"error": {"message": "request body is not JSON"}})
            return
        self._respond(behaviour, request)

    def _respond(self, behaviour: str, request: dict[str, Any]) -> None:
        if behaviour in HTTP_ERRORS:
            status = HTTP_ERRORS[behaviour]
            extra = {"Retry-After": self.fault.retry_after} if status == 429 else {}
            self._json(status, {"error": {"message": f"injected {status}",
                                          "type": "server_error"}}, extra)
        elif behaviour == ECHO_KEY:
            sent = self.headers.get("authorization", "")
            self._json(401, {"error": {"message": f"Incorrect API key provided: {sent}",
                                       "type": "invalid_request_error"}})
        elif behaviour == "drop":
            self._drop()
        elif behaviour == CRASH:
            os.kill(os.getpid(), signal.SIGSEGV)
        elif behaviour == "hang":
            self.fault._stop.wait(self.fault.hang_seconds)
            self._drop()
        elif behaviour == "bad_body":
            self._send(200, b'{"id": "chatcmpl-x", "choices": [{"message": ', "application/json")
        else:
            self._json(200, completion(request, behaviour, self.fault.model))

    def _log(self, raw: bytes, behaviour: str) -> None:
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.fault.log(Logged(self.path, headers, body, behaviour, time.monotonic()))

    def _json(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", extra)

    def _send(self, status: int, body: bytes, ctype: str,
              extra: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in {**RESPONSE_HEADERS, **(extra or {})}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main() -> None:
    """``python tests/faultserver.py [FAULT_RATE] [SEED] [--port P] [--crash-on TEXT]...``:
    serve until Ctrl-C (for poking, and as a stand-in for the embedded server)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("rate", nargs="?", type=float, default=0.0)
    ap.add_argument("seed", nargs="?", type=int, default=0)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--crash-on", action="append", default=[],
                    help="die of SIGSEGV on a request whose body holds this text")
    args = ap.parse_args()
    with FaultServer(fault_rate=args.rate, seed=args.seed, hang_seconds=30, port=args.port,
                     markers={text: [CRASH] for text in args.crash_on}) as server:
        print(server.url, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
