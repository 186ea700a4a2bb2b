"""The assistant core: ``answer(question, history) -> Answer``.

Example:
    >>> from assistant import answer
    >>> reply = answer("GRDP 2024 có đạt nghị quyết không?")
    >>> reply.route, reply.citations[0].row_id
    ('table', '320/BC-UBND:I:1')
"""

from __future__ import annotations

from typing import Any

__all__ = ["Answer", "Citation", "Engine", "answer", "get_engine"]


def __getattr__(name: str) -> Any:  # lazy: importing a submodule must not load the whole engine
    if name == "answer":
        from assistant.core import answer

        return answer
    if name in ("Engine", "get_engine"):
        from assistant import engine

        return getattr(engine, name)
    if name in ("Answer", "Citation"):
        from assistant import types

        return getattr(types, name)
    raise AttributeError(name)
