"""``python -m extractor.vocab``: rewrite the prompt files rendered from the vocabulary."""

from pathlib import Path

from extractor.vocab import PROMPT_FILES, render_prompt_file

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"

for name in PROMPT_FILES:
    (PROMPTS_DIR / name).write_text(render_prompt_file(name), encoding="utf-8")
    print(f"wrote prompts/{name}")
