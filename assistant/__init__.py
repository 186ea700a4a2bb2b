"""The assistant core: ``answer(question, history) -> Answer``.

Example:
    >>> from assistant import answer
    >>> reply = answer("GRDP 2024 có đạt nghị quyết không?")
    >>> reply.route, reply.citations[0].row_id
    ('table', '320/BC-UBND:I:1')
"""

from assistant.core import answer
from assistant.engine import Engine, get_engine
from assistant.types import Answer, Citation

__all__ = ["Answer", "Citation", "Engine", "answer", "get_engine"]
