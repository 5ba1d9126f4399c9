"""The layout is a contract: stages import only earlier stages, and the deterministic side
(vocab, read, facts, rules) imports nothing from the model side or from model client libraries.

An AST walk over ``extractor/`` (imports inside ``if TYPE_CHECKING:`` count too: they are
where a cycle would hide)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "extractor"
# Stage of each top-level part of the package: a module may import its own stage or earlier.
STAGES = {
    "errors": 0, "settings": 0, "models": 0, "vocab": 0,
    "read": 1, "facts": 2, "rules": 3, "store": 4, "harvest": 5, "model": 6, "pipeline": 7,
    "runs": 8, "review": 9, "cli": 10, "__main__": 11, "__init__": 11,
}
DETERMINISTIC = {"vocab", "read", "facts", "rules", "models", "errors", "settings"}
MODEL_CLIENT_LIBRARIES = {"openai", "instructor", "tenacity", "vcr", "httpx", "llama_cpp"}


def part_of(module: str) -> str:
    """``extractor.facts.reasons`` -> ``facts``; ``extractor`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(p for p in rel.parts if p != "__init__") if rel.name == "__init__" \
        else ".".join(rel.parts)


def imported_modules(path: Path) -> set[str]:
    """Absolute module names a file imports (``from extractor import x`` -> extractor.x)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            if node.module == "extractor":
                out.update(f"extractor.{alias.name}" for alias in node.names)
    return out


SOURCES = sorted(PACKAGE.rglob("*.py"))
IMPORTS = [(module_name(p), imported_modules(p)) for p in SOURCES]


def test_every_part_has_a_stage():
    assert {part_of(m) for m, _ in IMPORTS} <= set(STAGES)


@pytest.mark.parametrize(("module", "imports"), IMPORTS, ids=[m for m, _ in IMPORTS])
def test_no_module_imports_a_later_stage(module, imports):
    own = STAGES[part_of(module)]
    later = sorted(i for i in imports if i.startswith("extractor.")
                   and STAGES.get(part_of(i), 0) > own)
    assert not later, f"{module} (stage {own}) imports later stages: {later}"


DETERMINISTIC_IMPORTS = [(m, i) for m, i in IMPORTS if part_of(m) in DETERMINISTIC]


@pytest.mark.parametrize(("module", "imports"), DETERMINISTIC_IMPORTS,
                         ids=[m for m, _ in DETERMINISTIC_IMPORTS])
def test_deterministic_side_imports_no_model_code(module, imports):
    model_side = sorted(i for i in imports if i.split(".")[0] in MODEL_CLIENT_LIBRARIES
                        or (i.startswith("extractor.") and part_of(i) not in DETERMINISTIC))
    assert not model_side, f"{module} is deterministic but imports {model_side}"


def test_the_walk_sees_imports():
    """The checks above would pass vacuously if the walk found nothing."""
    found = dict(IMPORTS)
    assert "extractor.vocab" in found["extractor.facts.reasons"]
    assert "openai" in found["extractor.model.llm"]
    assert part_of("extractor.model.llm") == "model" and STAGES["model"] > STAGES["facts"]
