"""Re-ask turns as the model sees them: instructor's tool-call turns flattened into plain user
messages that say, in a line per field, why the previous answer was rejected."""

from __future__ import annotations

import re
from typing import Any

REASK_NOTE = ("Your previous answer was rejected:\n{errors}\n"
              "Answer the question again and fix these errors.")
# Pydantic's wording around the messages that matter (dropped from re-asks).
PYDANTIC_NOISE_REGEX = re.compile(r"^(?:Validation Error found:|\d+ validation errors? for \w+"
                                  r"|For further information visit|Recall the function correctly)")
ERROR_TYPE_REGEX = re.compile(r"\s*\[type=[^\]]*\]$")
FIELD_PATH_REGEX = re.compile(r"[\w.]+")  # "items.0.sentence": the line naming the field


def flatten_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """instructor's re-ask turns as plain messages: the rejected tool call is dropped and the
    tool result (the validation errors) becomes a user turn. Template-less chat formats drop
    tool turns altogether, and a small model shown its rejected answer copies it again."""
    out: list[dict[str, Any]] = []
    for msg in messages:
        if msg.get("role") == "assistant" and msg.get("tool_calls"):
            continue
        if msg.get("role") == "tool":
            out.append({"role": "user",
                        "content": REASK_NOTE.format(errors=plain_errors(msg.get("content")))})
        else:
            out.append(msg)
    return out


def plain_errors(text: object) -> str:
    """instructor's re-ask text without pydantic's boilerplate: ``field: message`` lines."""
    lines = [ln.strip() for ln in str(text or "").splitlines()]
    out: list[str] = []
    for line in lines:
        if not line or PYDANTIC_NOISE_REGEX.match(line):
            continue
        line = ERROR_TYPE_REGEX.sub("", line).removeprefix("Value error, ")
        if out and out[-1].endswith(":"):
            out[-1] += " " + line
        else:
            out.append(line + (":" if FIELD_PATH_REGEX.fullmatch(line) else ""))
    return "\n".join(out)
