"""Audit trail and trash: every upload, replacement, removal and restore is logged; an accidental
removal is restored with identical rows and answers; the trash forgets files after the keep period.

Real parser, tables and Chroma (hash embedder) on a private copy of the corpus.
"""

from __future__ import annotations

from datetime import timedelta

import assistant
from assistant.engine import load_rows
from tests.test_uploads import SEED, SYNTHETIC, _engine, variant
from ui.audit import Trash, audit_frame, now_utc, read_audit, sha256_of
from ui.corpus import handle_upload, remove_report, restore_report, trash_of

QUESTIONS = [
    "GRDP 2024 có đạt nghị quyết không?",
    "Tình hình dự án Thư viện thành phố?",
    "Những chỉ tiêu nào chưa đạt?",
    "Theo báo cáo 45, dự án Thư viện Thành phố đã giải ngân bao nhiêu?",
]


def _answers(engine) -> list[str]:
    return [assistant.answer(q, [], engine=engine).text for q in QUESTIONS]


def _rows(engine, number: str) -> list[dict]:
    return sorted((r.model_dump() for r in engine.rows if r.report == number), key=lambda r: r["id"])


def test_accidental_removal_is_restored_with_identical_rows_and_answers(tmp_path):
    engine = _engine(tmp_path)
    assert handle_upload(engine, SYNTHETIC.read_bytes(), SYNTHETIC.name, user="user:an").ok
    rows_before = {n: _rows(engine, n) for n in ("320/BC-UBND", "45/BC-UBND")}
    answers_before = _answers(engine)
    chunks_before = engine.retriever.store.count()
    assert "5,86" in answers_before[0] and "12,5" in answers_before[3]

    message = remove_report(engine, "320/BC-UBND", user="user:an")
    assert message.startswith("Đã xóa báo cáo số 320/BC-UBND (") and "30 ngày" in message
    assert _rows(engine, "320/BC-UBND") == [] and not (engine.settings.raw_dir / SEED.name).exists()
    assert assistant.answer(QUESTIONS[0], [], engine=engine).text != answers_before[0]
    (entry,) = trash_of(engine).entries()
    assert (entry.report, entry.file, entry.rows) == (
        "320/BC-UBND",
        SEED.name,
        len(rows_before["320/BC-UBND"]),
    )
    assert entry.path.read_bytes() == SEED.read_bytes() and entry.removed_by == "user:an"

    outcome = restore_report(engine, entry.id, user="user:chi")
    assert outcome.ok, outcome.message
    assert (
        outcome.message == f"Đã khôi phục báo cáo số 320/BC-UBND ({len(rows_before['320/BC-UBND'])} bản ghi)."
    )
    assert {n: _rows(engine, n) for n in rows_before} == rows_before
    assert _answers(engine) == answers_before
    assert engine.retriever.store.count() == chunks_before
    assert trash_of(engine).entries() == []
    # After a restart the corpus folder gives the same rows.
    assert sorted(load_rows(sorted(engine.settings.raw_dir.glob("*.txt"))), key=lambda r: r.id) == sorted(
        engine.rows, key=lambda r: r.id
    )
    assert not restore_report(engine, entry.id).ok  # a second restore finds nothing

    log = read_audit(engine.settings.audit_file)
    n320 = len(rows_before["320/BC-UBND"])
    assert [(r["user"], r["action"], r["report"], r["rows_added"], r["rows_removed"]) for r in log] == [
        ("user:an", "upload", "45/BC-UBND", len(rows_before["45/BC-UBND"]), 0),
        ("user:an", "remove", "320/BC-UBND", 0, n320),
        ("user:chi", "restore", "320/BC-UBND", n320, 0),
    ]
    assert log[0]["sha256"] == sha256_of(SYNTHETIC.read_bytes()) and log[1]["sha256"] == sha256_of(
        SEED.read_bytes()
    )
    assert log[1]["file"] == SEED.name and log[0]["timestamp"] <= log[2]["timestamp"]
    frame = audit_frame(log)
    assert list(frame["Thao tác"]) == ["Khôi phục", "Xóa", "Nạp mới"]  # newest first


def test_replacement_is_audited_and_the_old_version_kept_in_the_trash(tmp_path):
    engine = _engine(tmp_path)
    first = handle_upload(engine, SYNTHETIC.read_bytes(), SYNTHETIC.name, user="user:an")
    second = handle_upload(engine, variant(3), "ban-sua.txt", user="user:an")
    assert first.ok and second.ok and second.info["replaced"]
    n = first.info["rows"]
    log = read_audit(engine.settings.audit_file)
    assert [(r["action"], r["rows_added"], r["rows_removed"], r["file"]) for r in log] == [
        ("upload", n, 0, first.info["file"]),
        ("replace", n, n, second.info["file"]),
    ]
    (entry,) = trash_of(engine).entries()
    assert entry.file == first.info["file"] and entry.path.read_bytes() == SYNTHETIC.read_bytes()
    # restoring the older version brings its numbers back (and keeps the newer one in the trash)
    assert "6,23" in engine.by_id["45/BC-UBND:I:1"].text
    assert restore_report(engine, entry.id).ok
    assert "6,12" in engine.by_id["45/BC-UBND:I:1"].text
    assert [e.file for e in trash_of(engine).entries()] == [second.info["file"]]
    # a rejected upload writes nothing to the audit log
    assert not handle_upload(engine, b"\x89PNG\r\n", "x.txt").ok
    assert len(read_audit(engine.settings.audit_file)) == 3


def test_trash_forgets_files_after_the_keep_period(tmp_path):
    trash = Trash(tmp_path / "trash", keep_days=30)
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("a", encoding="utf-8")
    new.write_text("b", encoding="utf-8")
    now = now_utc()
    trash.keep(old, report="1/BC", rows=1, user="local", when=now - timedelta(days=31))
    kept = trash.keep(new, report="2/BC", rows=2, user="local", when=now - timedelta(days=29))
    assert [e.id for e in trash.entries(now)] == [kept.id]
    assert sorted(p.name for p in (tmp_path / "trash").iterdir()) == [kept.id]
    assert kept.expires(30).date() == (now + timedelta(days=1)).date()
