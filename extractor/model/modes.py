"""instructor's structured-output modes by name: the CLI's ``--mode`` choices and the default.

Kept apart from ``llm.py`` so the command line can list them without importing instructor and
openai (``llm.MODES`` maps each name to its ``instructor.Mode``)."""

from __future__ import annotations

from typing import Literal

ModeName = Literal["tools", "json", "json_schema", "md_json"]  # the CLI's --mode choices
DEFAULT_MODE = "tools"
