"""👍/👎 feedback on answers, appended to ``settings.feedback_file`` (one JSON object per line).

Example record::

    {"timestamp": "2024-11-20T08:00:00+00:00", "user": "user:an", "message_id": "a1b2", "rating": "up", "comment": "",
     "question": "GRDP 2024 có đạt nghị quyết không?", "answer": "…", "citations": [{...}], ...}

A rating is written as soon as it is given; a comment sent afterwards writes a second record with the
same ``message_id`` (readers keep the last record per ``message_id``).
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_LOCK = threading.Lock()


def feedback_record(
    *,
    message_id: str,
    rating: str,
    question: str,
    answer: Any,
    comment: str = "",
    filters: dict | None = None,
    user: str = "local",
) -> dict[str, Any]:
    """The JSON record of one feedback by ``user`` (``ui.identity.current_user_id()``);
    ``answer`` is an :class:`assistant.types.Answer`."""
    citations = [
        c.model_dump() if hasattr(c, "model_dump") else dict(c) for c in getattr(answer, "citations", [])
    ]
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "user": user,
        "message_id": message_id,
        "rating": rating,
        "comment": comment.strip(),
        "question": question,
        "answer": getattr(answer, "text", str(answer)),
        "citations": citations,
        "route": getattr(answer, "route", None),
        "intent": getattr(answer, "intent", None),
        "abstained": getattr(answer, "abstained", None),
        "filters": filters or {},
    }


def append_feedback(path: Path, record: dict[str, Any]) -> None:
    """Append one record as a single line; safe across the threads of one Streamlit server."""
    path = Path(path)
    line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
    with _LOCK:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


def read_feedback(path: Path, user: str | None = None) -> list[dict[str, Any]]:
    """Every record, or only ``user``'s (nobody is shown another user's feedback)."""
    path = Path(path)
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return records if user is None else [r for r in records if r.get("user") == user]
