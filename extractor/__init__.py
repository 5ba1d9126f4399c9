"""extractor: LGSCO decision statements into validated, source-grounded JSON records.

The public verbs (imported lazily, so ``import extractor`` stays cheap):
``clean_text`` (stage 2), ``extract_decision`` (one document through the pipeline),
``check_decision`` (the rules), ``run_batch`` (bulk runs into SQLite) and ``harvest`` (new
decision pages from the website into the same store).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "clean_text": ("extractor.read.clean", "clean_text"),
    "extract_decision": ("extractor.pipeline", "run_one"),
    "check_decision": ("extractor.rules", "check_decision"),
    "run_batch": ("extractor.runs.batch", "run_batch"),
    "harvest": ("extractor.harvest.run", "harvest"),
}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'extractor' has no attribute {name!r}")
    module, attr = _EXPORTS[name]
    return getattr(import_module(module), attr)
