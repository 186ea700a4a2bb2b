"""Conversations kept on the server: one JSON file per conversation, keyed by user and conversation id.

Layout: ``settings.data_dir / "conversations" / <safe user id> / <conversation id>.json`` with
``{"id", "title", "created", "updated", "messages": [...]}``; an assistant message keeps its
:class:`assistant.types.Answer` as a dict (``model_dump``). Writes are atomic (temporary file in the
same folder, then ``os.replace``), so a reload never sees half a file. The conversation id travels in
the page URL (``?c=<id>``), so a reload or a bookmark opens the same conversation.

Example::

    store = ConversationStore(settings.data_dir / "conversations")
    cid = new_conversation_id()
    store.save("local", cid, messages)
    store.load("local", cid)            # the same messages, answers as Answer objects
    store.list("local")                 # [ConversationInfo(id, title, updated, turns), ...] newest first
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingestion.store import atomic_write

CONVERSATION_ID_RE = re.compile(r"^[0-9a-f]{16}$")  # what new_conversation_id makes; anything else is refused
MAX_TITLE_CHARS = 80  # a conversation is listed by its first question, cut to one sidebar line
MAX_LISTED_CONVERSATIONS = 30  # the sidebar lists this many of the newest conversations


@dataclass(frozen=True)
class ConversationInfo:
    id: str
    title: str
    updated: str
    turns: int


def new_conversation_id() -> str:
    return uuid.uuid4().hex[:16]


def valid_conversation_id(value: object) -> bool:
    return isinstance(value, str) and bool(CONVERSATION_ID_RE.match(value))


def safe_user_dir(user_id: str) -> str:
    """A folder name for any user id: ASCII letters, digits, ``-``/``_``/``.`` kept, plus a short hash
    of the exact id so that two ids that fold to the same name never share a folder.

    Example: ``safe_user_dir("Nguyễn Văn A")`` → ``'Nguyen_Van_A-…'``; ``safe_user_dir("../x")`` has no ``/``.
    """
    text = unicodedata.normalize("NFKD", str(user_id)).replace("đ", "d").replace("Đ", "D")
    ascii_text = text.encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_text).strip("._")[:40] or "user"
    digest = hashlib.sha256(str(user_id).encode("utf-8")).hexdigest()[:10]
    return f"{name}-{digest}"


def message_to_json(message: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in message.items() if k != "answer"}
    if message.get("answer") is not None:
        answer = message["answer"]
        out["answer"] = answer.model_dump(mode="json") if hasattr(answer, "model_dump") else answer
    return out


def message_from_json(data: dict[str, Any]) -> dict[str, Any]:
    from assistant.types import Answer

    message = dict(data)
    if isinstance(message.get("answer"), dict):
        message["answer"] = Answer.model_validate(message["answer"])
    return message


def conversation_title(messages: list[dict[str, Any]]) -> str:
    first = next((m["content"] for m in messages if m.get("role") == "user" and m.get("content")), "")
    text = " ".join(str(first).split())
    if len(text) > MAX_TITLE_CHARS:
        text = text[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return text or "Cuộc trò chuyện chưa có câu hỏi"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")  # orders two saves within one second


class ConversationStore:
    """Conversations of every user under ``root`` (``settings.data_dir / "conversations"``)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, user_id: str, conversation_id: str) -> Path:
        if not valid_conversation_id(conversation_id):
            raise ValueError(f"invalid conversation id: {conversation_id!r}")
        return self.root / safe_user_dir(user_id) / f"{conversation_id}.json"

    def save(self, user_id: str, conversation_id: str, messages: list[dict[str, Any]]) -> None:
        path = self.path(user_id, conversation_id)
        created = _now()
        if path.exists():
            try:
                created = json.loads(path.read_text(encoding="utf-8")).get("created") or created
            except (OSError, ValueError):
                pass
        record = {
            "id": conversation_id,
            "user": str(user_id),
            "title": conversation_title(messages),
            "created": created,
            "updated": _now(),
            "messages": [message_to_json(m) for m in messages],
        }
        atomic_write(path, json.dumps(record, ensure_ascii=False, indent=1))

    def load(self, user_id: str, conversation_id: str) -> list[dict[str, Any]] | None:
        """The messages of a conversation, or ``None`` when it does not exist (or is not this user's)."""
        if not valid_conversation_id(conversation_id):
            return None
        path = self.path(user_id, conversation_id)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            return [message_from_json(m) for m in record.get("messages", [])]
        except (OSError, ValueError):
            return None

    def list(self, user_id: str, limit: int = MAX_LISTED_CONVERSATIONS) -> list[ConversationInfo]:
        """The user's conversations with at least one question, most recently updated first."""
        folder = self.root / safe_user_dir(user_id)
        infos = []
        for path in folder.glob("*.json"):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            turns = sum(1 for m in record.get("messages", []) if m.get("role") == "user")
            if turns and valid_conversation_id(record.get("id")):
                infos.append(
                    ConversationInfo(record["id"], record.get("title", ""), record.get("updated", ""), turns)
                )
        infos.sort(key=lambda i: i.updated, reverse=True)
        return infos[:limit]

    def delete(self, user_id: str, conversation_id: str) -> None:
        if valid_conversation_id(conversation_id):
            self.path(user_id, conversation_id).unlink(missing_ok=True)
