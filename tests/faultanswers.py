"""The answers of the fault server: a chat completion built from the request's own schema.

``completion(request, behaviour, model)`` answers as a tool call when tools were offered, else
as message content. The answer itself is an instance of the requested JSON Schema in one of the
styles of ``_Builder`` (a cautious valid answer, an ungrounded one, an obedient one), or JSON
of the wrong shape, or not JSON at all, or cut off with ``finish_reason: "length"``.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

# A model that does what a prompt-injection paragraph in the document tells it to.
OBEY = "obey"
UNGROUNDED_QUOTE = ("The Ombudsman found the Council entirely at fault and ordered it to pay "
                    "£99,999.")
UNGROUNDED_AMOUNT = 99_999
# Choices a cautious model makes when it cannot tell (an answer the validators always accept).
NEUTRAL_CHOICES = ("unclear", "unknown", "none", None, False)
# The sentence of a planted instruction ("ignore previous instructions and ...").
PLANTED_REGEX = re.compile(r"ignore (?:all )?previous instructions", re.IGNORECASE)
# Property names whose strings must be quoted from the source text (or, as integers, name one
# of the prompt's numbered sentences).
QUOTE_NAME_REGEX = re.compile(r"evidence|quote|sentence|text|span", re.IGNORECASE)
# A sentence worth quoting: ends with a full stop, at least a few words, no line break.
SENTENCE_REGEX = re.compile(r"[A-Z][^.\n]{20,300}\.")
# A numbered sentence of the prompt ("3. The Council ..."): the model answers with its number.
NUMBERED_REGEX = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


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
    numbered = {int(n): text for n, text in NUMBERED_REGEX.findall(prompt)}
    return _Builder(defs, source_sentences(prompt), style, numbered).build(schema, "")


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
      the schema lists the allowed sentences), every sentence number one that was not offered
      and every other number an amount no decision holds;
    - ``obey``: a model that follows an instruction planted in the document: it quotes (or
      names by number) the planted sentence, answers "yes" and fills every list.
    """

    def __init__(self, defs: dict[str, Any], sentences: list[str], style: str,
                 numbered: dict[int, str] | None = None) -> None:
        self.defs, self.sentences, self.style = defs, sentences, style
        self.numbered = numbered or {}
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
        if QUOTE_NAME_REGEX.search(name) and schema.get("type") == "integer":
            return self._number(schema.get("enum") or [1])
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

    def _number(self, allowed: list[int]) -> int:
        if self.style == "ungrounded":
            return max(allowed) + 1
        if self.style == OBEY:
            planted = [n for n in allowed if PLANTED_REGEX.search(self.numbered.get(n, ""))]
            return (planted or allowed)[0]
        return allowed[0]

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
