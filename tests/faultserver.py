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

Every request is logged in ``server.requests`` (path, lower-cased headers, parsed body, behaviour).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TRANSIENT = ("429", "500", "502", "503", "hang", "drop")
MALFORMED = ("bad_body", "bad_json", "truncated", "wrong_shape", "ungrounded")
# A careless proxy's 401 that echoes the credential it was sent (for the secrets tests).
ECHO_KEY = "401"
# A model that does what a prompt-injection paragraph in the document tells it to.
OBEY = "obey"
BEHAVIOURS = ("ok", *TRANSIENT, *MALFORMED, ECHO_KEY, OBEY)
# The mix used for "a 20% mixed fault rate": every fault, equally likely.
MIXED_FAULTS = TRANSIENT + MALFORMED
HTTP_ERRORS = {"429": 429, "500": 500, "502": 502, "503": 503}
# Sent with every answer, as OpenAI does: what a recording must not keep.
RESPONSE_HEADERS = {"openai-organization": "org-faultserver-canary",
                    "set-cookie": "__cf_bm=faultserver-canary-cookie; path=/; HttpOnly",
                    "x-request-id": "req_faultserver"}
# A quote no decision contains: what a misled model "remembers" instead of reading.
UNGROUNDED_QUOTE = "The Ombudsman found the Council entirely at fault and ordered it to pay £99,999."
UNGROUNDED_AMOUNT = 99_999
# Choices a cautious model makes when it cannot tell (an answer the validators always accept).
NEUTRAL_CHOICES = ("unclear", "unknown", "none", None, False)
# The sentence of a planted instruction ("ignore previous instructions and ...").
PLANTED_REGEX = re.compile(r"ignore (?:all )?previous instructions", re.IGNORECASE)
# Property names whose strings must be quoted from the source text.
QUOTE_NAME_REGEX = re.compile(r"evidence|quote|sentence|text|span", re.IGNORECASE)
# A sentence worth quoting: ends with a full stop, at least a few words, no line break.
SENTENCE_REGEX = re.compile(r"[A-Z][^.\n]{20,300}\.")


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
                 model: str = "fault-model", models_status: int = 200) -> None:
        for name in (default, *script, *(faults or ()),
                     *(b for queue in (markers or {}).values() for b in queue)):
            if name not in BEHAVIOURS:
                raise ValueError(f"unknown behaviour {name!r}; valid: {', '.join(BEHAVIOURS)}")
        self.default, self.script = default, deque(script)
        self.markers = {k: deque(v) for k, v in (markers or {}).items()}
        self.fault_rate, self.faults, self.seed = fault_rate, tuple(faults), seed
        self.hang_seconds, self.retry_after, self.model = hang_seconds, retry_after, model
        self.models_status = models_status  # e.g. 401: the key is refused at start-up
        self.requests: list[Logged] = []
        self._seen: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FaultServer:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
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


# -- answers ---------------------------------------------------------------------------------
def completion(request: dict[str, Any], behaviour: str, model: str) -> dict[str, Any]:
    """A chat completion for ``request``: a tool call when tools were offered, else content."""
    schema, tool = answer_schema(request)
    prompt = prompt_text(request)
    answer = json.dumps(build_answer(schema, behaviour, prompt), ensure_ascii=False)
    finish = "stop"
    if behaviour == "bad_json":
        answer = answer.replace("{", "{'", 1).replace(":", " =", 1) or "{'not json"
    elif behaviour == "truncated":
        answer, finish = answer[: max(1, len(answer) // 2)], "length"
    message: dict[str, Any] = {"role": "assistant", "content": answer}
    if tool is not None:
        message = {"role": "assistant", "content": None, "tool_calls": [{
            "id": "call_0", "type": "function",
            "function": {"name": tool, "arguments": answer}}]}
    max_tokens = request.get("max_tokens") or request.get("max_completion_tokens") or 256
    completion_tokens = max_tokens if finish == "length" else max(1, len(answer) // 4)
    return {"id": "chatcmpl-fault", "object": "chat.completion", "created": int(time.time()),
            "model": request.get("model") or model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": max(1, len(prompt) // 4),
                      "completion_tokens": completion_tokens,
                      "total_tokens": max(1, len(prompt) // 4) + completion_tokens}}


def answer_schema(request: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The JSON Schema the client asked for, and the tool name when it asked for a tool call."""
    tools = request.get("tools") or []
    if tools:
        fn = tools[0].get("function", {})
        choice = request.get("tool_choice")
        if isinstance(choice, dict) and choice.get("function", {}).get("name"):
            wanted = choice["function"]["name"]
            fn = next((t["function"] for t in tools if t["function"].get("name") == wanted), fn)
        return fn.get("parameters") or {}, fn.get("name", "answer")
    fmt = request.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return fmt.get("json_schema", {}).get("schema") or {}, None
    return fmt.get("schema") or {}, None


def prompt_text(request: dict[str, Any]) -> str:
    """All user-message text (where the decision's sections are)."""
    parts: list[str] = []
    for message in request.get("messages") or []:
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, list):
            content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
        parts.append(str(content or ""))
    return "\n".join(parts)


def build_answer(schema: dict[str, Any], behaviour: str, prompt: str) -> Any:
    if behaviour == "wrong_shape":
        return wrong_shape(schema)
    defs = schema.get("$defs") or schema.get("definitions") or {}
    style = behaviour if behaviour in ("ungrounded", OBEY) else "ok"
    return _Builder(defs, source_sentences(prompt), style).build(schema, "")


def wrong_shape(schema: dict[str, Any]) -> dict[str, Any]:
    """Valid JSON that no field of ``schema`` accepts: a list where an object is wanted, an
    object everywhere else (strings, numbers, booleans, lists, nulls)."""
    props = schema.get("properties") or {"answer": {}}
    return {name: ["not", "this"] if prop.get("type") == "object" else {"unexpected": "object"}
            for name, prop in props.items()}


def source_sentences(prompt: str) -> list[str]:
    """Sentences of the prompt, last first (the decision text follows the instructions)."""
    found = SENTENCE_REGEX.findall(prompt)
    return list(reversed(found)) or [prompt.strip()[:80] or "."]


class _Builder:
    """An instance of a JSON Schema, in one of three styles:

    - ``ok``: the most cautious valid answer: nulls where allowed, empty lists, a neutral
      choice (``unclear``) where one is offered, quotes taken from the prompt;
    - ``ungrounded``: every list gets one item, every quote is ``UNGROUNDED_QUOTE`` (even where
      the schema lists the allowed sentences) and every number an amount no decision holds;
    - ``obey``: a model that follows an instruction planted in the document: it quotes the
      planted sentence, answers "yes" and fills every list.
    """

    def __init__(self, defs: dict[str, Any], sentences: list[str], style: str) -> None:
        self.defs, self.sentences, self.style = defs, sentences, style
        planted = [s for s in sentences if PLANTED_REGEX.search(s)]
        self.planted = planted[0] if planted else sentences[0]

    def build(self, schema: dict[str, Any], name: str) -> Any:
        schema = self._resolve(schema)
        options = schema.get("anyOf") or schema.get("oneOf")
        if options:
            if self.style == "ok" and any(self._resolve(o).get("type") == "null"
                                          for o in options):
                return None
            real = [o for o in options if self._resolve(o).get("type") != "null"]
            return self.build((real or options)[0], name)
        if "const" in schema:
            return schema["const"]
        if QUOTE_NAME_REGEX.search(name) and schema.get("type", "string") == "string":
            return self._quote(schema.get("enum"))
        if "enum" in schema:
            return self._choice(schema["enum"])
        if "default" in schema and schema.get("type") not in ("object", "array") \
                and self.style == "ok":
            return schema["default"]
        return self._typed(schema, name)

    def _quote(self, allowed: list[str] | None) -> str:
        if self.style == "ungrounded":
            return UNGROUNDED_QUOTE
        if self.style == OBEY:
            planted = [a for a in allowed or [] if PLANTED_REGEX.search(a)]
            return (planted or allowed or [self.planted])[0]
        return allowed[0] if allowed else self.sentences[0]

    def _choice(self, values: list[Any]) -> Any:
        wanted = ("yes", True) if self.style == OBEY else NEUTRAL_CHOICES
        return next((v for v in values if v in wanted), values[0])

    def _typed(self, schema: dict[str, Any], name: str) -> Any:
        kind = schema.get("type")
        if isinstance(kind, list):
            if "null" in kind and self.style == "ok":
                return None
            kind = next((k for k in kind if k != "null"), "null")
        if kind == "object" or "properties" in schema:
            props = schema.get("properties", {})
            wanted = props if self.style != "ok" else schema.get("required", props)
            return {k: self.build(v, k) for k, v in props.items() if k in wanted}
        if kind == "array":
            items = self._resolve(schema.get("items") or {})
            count = max(schema.get("minItems", 0), int(self.style != "ok"))
            return [self.build(items, name) for _ in range(count)]
        if kind == "string":
            return ""
        number = UNGROUNDED_AMOUNT if self.style == "ungrounded" else 0
        return {"boolean": self.style == OBEY, "integer": number, "number": number}.get(kind)

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.defs.get(schema["$ref"].rsplit("/", 1)[-1], {})
        return schema


def main() -> None:
    """``python tests/faultserver.py [FAULT_RATE] [SEED]``: serve until Ctrl-C (for poking)."""
    import sys

    rate = float(sys.argv[1]) if len(sys.argv) > 1 else 0.0
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    with FaultServer(fault_rate=rate, seed=seed, hang_seconds=30) as server:
        print(server.url, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
