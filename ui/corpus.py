"""Corpus management: upload a report (.txt, .docx, .xlsx, .pdf), list the reports, remove one, restore
it from the trash, show the audit trail and the system info (admins only: ``ui.auth``).

:func:`handle_upload`, :func:`remove_report` and :func:`restore_report` are the whole logic, kept free
of Streamlit so that they are tested directly; a rejected file changes nothing. Every change is written
to the audit log and every file leaving the corpus goes to the trash (``ui/audit.py``).
"""

from __future__ import annotations

import logging
import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ingestion.parser import ParseError
from ingestion.readers import REPORT_SUFFIXES
from ui.audit import Trash, append_audit, audit_frame, read_audit, sha256_of, trash_frame
from ui.text import md_escape, shorten, vn_date, vn_size

log = logging.getLogger(__name__)

ALLOWED_SUFFIXES = REPORT_SUFFIXES

SYSTEM_LABELS = {
    "records": "Số bản ghi (dòng phụ lục)",
    "n_records": "Số bản ghi (dòng phụ lục)",
    "reports": "Số báo cáo",
    "chunks": "Số đoạn trong chỉ mục",
    "n_chunks": "Số đoạn trong chỉ mục",
    "embedder": "Mô hình nhúng (embedding)",
    "embedder_model": "Mô hình nhúng cụ thể",
    "embedder_name": "Mô hình nhúng cụ thể",
    "indexed_chunks": "Số đoạn đã lập chỉ mục",
    "rows_indexed": "Số bản ghi đã lập chỉ mục",
    "dim": "Số chiều vector",
    "chroma_mode": "Chế độ Chroma",
    "index_location": "Vị trí chỉ mục",
    "collection": "Bộ sưu tập Chroma",
    "llm": "Mô hình ngôn ngữ (LLM)",
    "index_error": "Lỗi chỉ mục",
}


@dataclass
class UploadOutcome:
    ok: bool
    message: str  # Vietnamese, shown as is (plain text)
    info: dict[str, Any] = field(default_factory=dict)


def display_name(filename: str | None) -> str:
    """The upload's base name, without folders, control or bidi characters, at most 120 characters.

    Example: ``display_name("../../etc/x\\u202e.txt")`` → ``'x.txt'``.
    """
    base = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(ch for ch in base if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"})
    kept = " ".join(kept.split())
    if not kept.strip(". "):
        return "tệp không tên"
    stem, dot, suffix = kept.rpartition(".")
    if len(kept) <= 120 or not dot or len(suffix) > 10:
        return shorten(kept, 120)
    return f"{shorten(stem, 110)}.{suffix}"  # a long name keeps its extension


def trash_of(engine: Any) -> Trash:
    return Trash(engine.settings.trash_dir, engine.settings.trash_keep_days)


def _keeper(engine: Any, user: str, kept: list) -> Callable[[Any, str, int], None]:
    """``discard`` for the engine: a file leaving the corpus goes to the trash (its entry into ``kept``)."""
    trash = trash_of(engine)

    def keep(path: Any, number: str, rows: int) -> None:
        kept.append(trash.keep(path, report=number, rows=rows, user=user))

    return keep


def handle_upload(
    engine: Any,
    data: bytes,
    filename: str,
    progress: Callable[[float, str], None] | None = None,
    user: str = "local",
    action: str | None = None,
) -> UploadOutcome:
    """Check an uploaded file and add it to the corpus; every failure is a Vietnamese message.

    A change is audited as ``action`` (default: ``upload``, or ``replace`` when it replaced a version,
    whose file goes to the trash) by ``user``.

    Example: ``handle_upload(engine, b"\\x00\\x01", "x.txt").message`` says the file is not text.
    """
    name = display_name(filename)
    limit = int(engine.settings.max_upload_bytes)
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        return UploadOutcome(
            False,
            f"Tệp «{name}» không đúng loại: chỉ nhận báo cáo dạng .docx (Word), .xlsx (Excel), .pdf hoặc .txt.",
        )
    if not data or not data.strip():
        return UploadOutcome(False, f"Tệp «{name}» rỗng.")
    if len(data) > limit:
        return UploadOutcome(
            False, f"Tệp «{name}» quá lớn ({vn_size(len(data))}); giới hạn là {vn_size(limit)}."
        )
    try:
        info = engine.add_report(data, name, progress=progress, discard=_keeper(engine, user, []))
    except ParseError as exc:
        where = f" (dòng {exc.line})" if exc.line else ""
        return UploadOutcome(False, f"Không nạp được tệp «{name}»{where}: {exc.vi}.")
    except ValueError as exc:
        return UploadOutcome(False, f"Không nạp được tệp «{name}»: {exc}")
    except Exception as exc:  # an unexpected failure must still read as a message, never a traceback
        log.exception("upload of %s failed", name)
        return UploadOutcome(False, f"Lỗi khi nạp tệp «{name}»: {type(exc).__name__}: {exc}")
    number = info.get("number", "?")
    if info.get("duplicate"):
        return UploadOutcome(
            True, f"Báo cáo số {number} đã có trong kho (nội dung giống hệt), không thay đổi gì.", info
        )
    append_audit(engine.settings.audit_file, user=user, action=action or ("replace" if info.get("replaced") else "upload"),
                 report=number, file=info.get("file", name), sha256=info.get("sha256") or sha256_of(data),
                 rows_added=info.get("rows", 0), rows_removed=info.get("rows_removed", 0))
    replaced = " (thay thế bản cũ của cùng báo cáo)" if info.get("replaced") else ""
    return UploadOutcome(
        True,
        f"Đã nạp báo cáo số {number}{replaced}: {info.get('rows', 0)} bản ghi. Có thể hỏi ngay trong trang Hỏi đáp.",
        info,
    )


def remove_report(engine: Any, number: str, user: str = "local") -> str:
    """Remove a report (its file goes to the trash, the removal to the audit log); the Vietnamese result."""
    kept: list = []
    removed = engine.remove_report(number, discard=_keeper(engine, user, kept))
    if not removed:
        return f"Không có báo cáo số {number} trong kho."
    append_audit(engine.settings.audit_file, user=user, action="remove", report=number,
                 file=", ".join(e.file for e in kept), sha256=", ".join(e.sha256 for e in kept), rows_removed=removed)
    keep = engine.settings.trash_keep_days
    return f"Đã xóa báo cáo số {number} ({removed} bản ghi). Tệp gốc được giữ trong thùng rác {keep} ngày, có thể khôi phục."


def restore_report(engine: Any, entry_id: str, user: str = "local") -> UploadOutcome:
    """Put a trashed report back through the upload path (same parser: identical rows), then empty its entry."""
    trash = trash_of(engine)
    entry = trash.get(entry_id)
    if entry is None or not entry.path.exists():
        return UploadOutcome(False, "Không còn tệp này trong thùng rác (đã quá hạn lưu giữ hoặc đã khôi phục).")
    outcome = handle_upload(engine, entry.path.read_bytes(), entry.file, user=user, action="restore")
    if outcome.ok:
        trash.drop(entry_id)
        outcome.message = f"Đã khôi phục báo cáo số {entry.report} ({outcome.info.get('rows', entry.rows)} bản ghi)."
    return outcome


def reports_frame(reports: list[dict[str, Any]]) -> pd.DataFrame:
    """One line per report: number, date, annexes with their titles and row counts."""
    records = []
    for report in reports:
        annexes = report.get("annexes") or []
        records.append(
            {
                "Số hiệu": report["number"],
                "Ngày": vn_date(report.get("date")) or "—",
                "Phụ lục": "; ".join(f"{a['numeral']} ({a['rows']} dòng)" for a in annexes),
                "Số bản ghi": report.get("rows", sum(a.get("rows", 0) for a in annexes)),
            }
        )
    return pd.DataFrame(records)


def system_frame(info: dict[str, Any]) -> pd.DataFrame:
    records = [
        {"Thông số": SYSTEM_LABELS.get(key, key), "Giá trị": "" if value is None else str(value)}
        for key, value in info.items()
    ]
    return pd.DataFrame(records)


# ---------------------------------------------------------------------------------------------
# Streamlit renderers


def _upload_limit_mb(limit_bytes: int) -> int:
    return max(1, math.ceil(limit_bytes / (1024 * 1024)))


def render_upload(st: Any, engine: Any, user: str) -> None:
    state = st.session_state
    state.setdefault("upload_nonce", 0)
    limit = int(engine.settings.max_upload_bytes)
    st.subheader("Nạp báo cáo mới")
    st.caption(
        f"Tệp Word (.docx), Excel (.xlsx), PDF có lớp chữ (.pdf) hoặc văn bản .txt (UTF-8) theo bố cục các phụ lục, "
        f"tối đa {vn_size(limit)}. PDF bản quét (ảnh) và tệp đặt mật khẩu không đọc được. "
        "Báo cáo đã có (cùng số hiệu) sẽ được thay thế; tệp lỗi không làm thay đổi kho."
    )
    uploaded = st.file_uploader(
        "Chọn tệp báo cáo",
        type=[suffix.lstrip(".") for suffix in ALLOWED_SUFFIXES],
        key=f"uploader_{state['upload_nonce']}",
        max_upload_size=_upload_limit_mb(limit),
    )
    if outcome := state.pop("upload_outcome", None):
        (st.success if outcome["ok"] else st.error)(md_escape(outcome["message"]))
    if uploaded is None:
        return
    if not st.button("Nạp báo cáo", key="upload_go", type="primary", icon=":material/upload_file:"):
        return
    with st.status("Đang nạp báo cáo…", expanded=True) as status:
        bar = st.progress(0.0, text="Bắt đầu…")

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=md_escape(message))

        outcome = handle_upload(engine, uploaded.getvalue(), uploaded.name, progress, user=user)
        status.update(
            label="Đã nạp xong" if outcome.ok else "Không nạp được báo cáo",
            state="complete" if outcome.ok else "error",
        )
    state["upload_outcome"] = {"ok": outcome.ok, "message": outcome.message}
    if outcome.ok:
        state["upload_nonce"] += 1  # a fresh, empty uploader
    st.rerun()


def _confirm_remove(state: Any, number: str | None) -> None:
    state["remove_pending"] = number


def render_reports(st: Any, engine: Any, user: str) -> None:
    state = st.session_state
    st.subheader("Các báo cáo trong kho")
    reports = engine.reports()
    if message := state.pop("remove_message", None):
        st.success(md_escape(message))
    if not reports:
        st.info("Kho chưa có báo cáo nào.")
        return
    st.dataframe(reports_frame(reports), hide_index=True, width="stretch")
    for report in reports:
        number = report["number"]
        cols = st.columns([5, 1])
        with cols[0]:
            st.markdown(f"**{md_escape(number)}** — {md_escape(vn_date(report.get('date')) or '')}")
            for annex in report.get("annexes") or []:
                st.caption(md_escape(f"Phụ lục {annex['numeral']}: {annex['title']} — {annex['rows']} dòng"))
        cols[1].button(
            "Xóa",
            key=f"remove_{number}",
            icon=":material/delete:",
            on_click=_confirm_remove,
            args=(state, number),
        )
        if state.get("remove_pending") == number:
            st.warning(md_escape(
                f"Xóa báo cáo số {number} khỏi kho (các dòng và chỉ mục; tệp gốc vào thùng rác "
                f"{engine.settings.trash_keep_days} ngày)?"
            ))
            yes, no = st.columns(2)
            if yes.button("Xác nhận xóa", key=f"remove_yes_{number}", type="primary"):
                state["remove_message"] = remove_report(engine, number, user)
                state["remove_pending"] = None
                st.rerun()
            no.button("Hủy", key=f"remove_no_{number}", on_click=_confirm_remove, args=(state, None))


def render_trash(st: Any, engine: Any, user: str) -> None:
    """Removed or replaced report files still kept, each with a restore button."""
    state = st.session_state
    keep = engine.settings.trash_keep_days
    st.subheader("Thùng rác")
    st.caption(f"Tệp của báo cáo đã xóa hoặc đã bị thay thế được giữ {keep} ngày; khôi phục sẽ nạp lại đúng tệp đó.")
    if outcome := state.pop("restore_outcome", None):
        (st.success if outcome["ok"] else st.error)(md_escape(outcome["message"]))
    entries = trash_of(engine).entries()
    if not entries:
        st.info("Thùng rác trống.")
        return
    st.dataframe(trash_frame(entries, keep), hide_index=True, width="stretch")
    for entry in entries:
        label = f"Khôi phục {entry.report} ({entry.file})"
        if st.button(md_escape(label), key=f"restore_{entry.id}", icon=":material/restore_from_trash:"):
            outcome = restore_report(engine, entry.id, user)
            state["restore_outcome"] = {"ok": outcome.ok, "message": outcome.message}
            st.rerun()


def render_audit(st: Any, engine: Any) -> None:
    st.subheader("Nhật ký thay đổi kho báo cáo")
    records = read_audit(engine.settings.audit_file)
    if not records:
        st.info("Chưa có thay đổi nào.")
        return
    st.dataframe(audit_frame(records), hide_index=True, width="stretch")


def render_system(st: Any, engine: Any) -> None:
    st.subheader("Hệ thống")
    try:
        info = engine.system_info()
    except Exception as exc:
        st.error(md_escape(f"Không lấy được thông tin hệ thống: {type(exc).__name__}: {exc}"))
        return
    st.dataframe(system_frame(info), hide_index=True, width="stretch")


def render_management(st: Any, engine: Any, user: str) -> None:
    """The admin page; ``user`` (the signed-in admin's id) is written to the audit log."""
    st.title("Quản lý báo cáo")
    render_upload(st, engine, user)
    st.divider()
    render_reports(st, engine, user)
    st.divider()
    render_trash(st, engine, user)
    st.divider()
    render_audit(st, engine)
    st.divider()
    render_system(st, engine)
