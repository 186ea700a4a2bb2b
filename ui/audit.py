"""Audit trail of corpus changes and the trash of removed or replaced report files.

* ``settings.audit_file`` (JSONL, append only): one record per upload, replacement, removal and
  restore — who, when, action, report number, file name, sha256 of the file, rows added and removed.
* ``settings.trash_dir``: a removed (or replaced) report's file, kept ``settings.trash_keep_days`` days
  in ``<trash>/<entry id>/`` with ``meta.json``; :func:`restore` puts it back through the normal
  upload path (same parser, so identical rows), then deletes the entry.

Example record::

    {"timestamp": "2026-11-30T08:00:00+00:00", "user": "user:an", "action": "remove",
     "report": "45/BC-UBND", "file": "bao-cao-45.txt", "sha256": "9f…", "rows_added": 0, "rows_removed": 29}
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from ui.feedback import append_feedback as append_jsonl
from ui.feedback import read_feedback as read_jsonl
from ui.text import vn_size

ACTION_LABELS = {"upload": "Nạp mới", "replace": "Thay thế", "remove": "Xóa", "restore": "Khôi phục"}


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def now_utc() -> datetime:
    return datetime.now(UTC)


def append_audit(
    path: Path,
    *,
    user: str,
    action: str,
    report: str,
    file: str,
    sha256: str,
    rows_added: int = 0,
    rows_removed: int = 0,
    when: datetime | None = None,
) -> dict[str, Any]:
    record = {
        "timestamp": (when or now_utc()).isoformat(timespec="seconds"),
        "user": user,
        "action": action,
        "report": report,
        "file": file,
        "sha256": sha256,
        "rows_added": int(rows_added),
        "rows_removed": int(rows_removed),
    }
    append_jsonl(path, record)
    return record


def read_audit(path: Path) -> list[dict[str, Any]]:
    return read_jsonl(path)


def audit_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Newest first, Vietnamese column names, the hash shortened to 12 characters."""
    return pd.DataFrame(
        [
            {
                "Thời điểm (UTC)": r["timestamp"].replace("T", " ")[:19],
                "Người thực hiện": r["user"],
                "Thao tác": ACTION_LABELS.get(r["action"], r["action"]),
                "Báo cáo": r["report"],
                "Tệp": r["file"],
                "SHA-256": r["sha256"][:12],
                "Dòng thêm": r["rows_added"],
                "Dòng bớt": r["rows_removed"],
            }
            for r in reversed(records)
        ]
    )


# -- trash ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrashEntry:
    id: str
    report: str
    file: str  # the file's name when it was removed
    sha256: str
    rows: int
    removed_at: datetime
    removed_by: str
    path: Path  # the kept file

    def expires(self, keep_days: int) -> datetime:
        return self.removed_at + timedelta(days=keep_days)


class Trash:
    """Report files kept after a removal or replacement, restorable for ``keep_days`` days."""

    def __init__(self, folder: Path, keep_days: int):
        self.folder = Path(folder)
        self.keep_days = keep_days

    def keep(
        self, path: Path, *, report: str, rows: int, user: str, when: datetime | None = None
    ) -> TrashEntry:
        """Move ``path`` into the trash (a file of the corpus that is being removed or replaced)."""
        when = when or now_utc()
        entry_id = f"{when.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        folder = self.folder / entry_id
        folder.mkdir(parents=True)
        data = Path(path).read_bytes()
        target = folder / Path(path).name
        shutil.move(str(path), target)
        meta = {
            "report": report,
            "file": target.name,
            "sha256": sha256_of(data),
            "rows": rows,
            "removed_at": when.isoformat(timespec="seconds"),
            "removed_by": user,
        }
        (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return self._entry(folder)

    def _entry(self, folder: Path) -> TrashEntry:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        return TrashEntry(
            id=folder.name,
            report=meta["report"],
            file=meta["file"],
            sha256=meta["sha256"],
            rows=meta["rows"],
            removed_at=datetime.fromisoformat(meta["removed_at"]),
            removed_by=meta["removed_by"],
            path=folder / meta["file"],
        )

    def entries(self, now: datetime | None = None) -> list[TrashEntry]:
        """Entries still kept, newest first; older ones are deleted on the way (the keep period is over)."""
        now = now or now_utc()
        kept = []
        for folder in sorted(self.folder.glob("*/meta.json")):
            entry = self._entry(folder.parent)
            if entry.expires(self.keep_days) <= now:
                shutil.rmtree(folder.parent, ignore_errors=True)
            else:
                kept.append(entry)
        return sorted(kept, key=lambda e: e.removed_at, reverse=True)

    def get(self, entry_id: str) -> TrashEntry | None:
        return next((e for e in self.entries() if e.id == entry_id), None)

    def drop(self, entry_id: str) -> None:
        folder = (self.folder / entry_id).resolve()
        if folder.parent == self.folder.resolve():
            shutil.rmtree(folder, ignore_errors=True)


def trash_frame(entries: list[TrashEntry], keep_days: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Báo cáo": e.report,
                "Tệp": e.file,
                "Số bản ghi": e.rows,
                "Xóa lúc (UTC)": e.removed_at.strftime("%Y-%m-%d %H:%M"),
                "Người xóa": e.removed_by,
                "Giữ đến": e.expires(keep_days).strftime("%Y-%m-%d"),
                "Dung lượng": vn_size(e.path.stat().st_size) if e.path.exists() else "—",
            }
            for e in entries
        ]
    )
