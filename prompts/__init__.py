"""Vietnamese user-facing templates and LLM prompts, as plain text files next to this module.

Example: ``render("no_answer")`` → the fixed refusal sentence.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

_DIR = Path(__file__).resolve().parent


@cache
def _templates() -> dict[str, str]:
    """Parse ``answers.txt``: blocks headed ``[name]``, text until the next heading."""
    blocks: dict[str, list[str]] = {}
    current = None
    for line in (_DIR / "answers.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            blocks[current] = []
        elif current is not None and not line.startswith("#"):
            blocks[current].append(line)
    return {name: "\n".join(lines).strip() for name, lines in blocks.items()}


def render(name: str, **values: object) -> str:
    """Fill template ``name`` with ``$placeholders``; unknown placeholders are left as they are."""
    return Template(_templates()[name]).safe_substitute({k: str(v) for k, v in values.items()})


def llm_prompt(name: str) -> str:
    return (_DIR / f"{name}.txt").read_text(encoding="utf-8")
