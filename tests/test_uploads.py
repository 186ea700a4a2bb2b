"""Uploads: ``Engine.add_report`` and ``ui.corpus.handle_upload`` on a private copy of the seed report.

A rejected file changes nothing (rows, chunks, files); file names never escape ``raw_dir``; the same
report twice is a duplicate; a changed version replaces the rows and the file of its report.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.engine import Engine, load_rows
from ingestion.parser import ParseError
from settings import Settings
from ui.corpus import display_name, handle_upload

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "bao-cao-320-BC-UBND-2024-phu-luc.txt"
SYNTHETIC = ROOT / "tests" / "data" / "bao-cao-45-BC-UBND-2025-phu-luc.txt"


def _engine(base: Path) -> Engine:
    raw = base / "raw"
    raw.mkdir(parents=True)
    shutil.copy(SEED, raw / SEED.name)
    settings = Settings(embedder="hash", data_dir=base, raw_dir=raw)
    engine = Engine(settings=settings, rows=load_rows([raw / SEED.name]), corpus_files=[raw / SEED.name])
    _ = engine.retriever
    return engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    return _engine(tmp_path_factory.mktemp("uploads"))


def snapshot(engine: Engine) -> tuple:
    raw = engine.settings.raw_dir
    files = sorted((p.name, p.read_bytes()) for p in raw.iterdir())
    # The derived cache may keep entries of a failed upload (keyed by content, never read for another corpus).
    tree = sorted(str(p.relative_to(engine.settings.data_dir)) for p in engine.settings.data_dir.rglob("*")
                  if "chroma" not in p.parts and "cache" not in p.parts and p.is_file())
    return (list(engine.rows), engine.retriever.store.count(), files, tree)


def variant(i: int) -> bytes:
    """Report 45 with one cell changed: a changed version of the same report."""
    text = SYNTHETIC.read_text(encoding="utf-8")
    assert "\t6,12\t" in text
    return text.replace("\t6,12\t", f"\t6,{20 + i}\t", 1).encode("utf-8")


SEED_BYTES = SEED.read_bytes()
BAD_FILES = [
    ("pdf.txt", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", "PDF"),
    ("zip.txt", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"x" * 50, "ZIP"),
    ("utf16.txt", SEED_BYTES[:4000].decode("utf-8", "ignore").encode("utf-16"), "UTF-16"),
    ("utf16le.txt", SEED_BYTES[:4000].decode("utf-8", "ignore").encode("utf-16-le"), "UTF-16"),
    ("png.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "PNG"),
    ("nul-late.txt", SEED_BYTES[:20000] + b"\x00" + SEED_BYTES[20000:30000], "nhị phân"),
    ("cp1258.txt", "Phụ lục I\nKèm theo Báo cáo số 1/BC".encode("cp1258", "replace"), "UTF-8"),
    ("note.txt", "Xin chào, đây là một ghi chú, không phải báo cáo.\n".encode(), "Phụ lục"),
    ("headless.txt", "Phụ lục I\n\nChỉ tiêu\tĐVT\n1. A\t%\t1\n".encode(), "Kèm theo Báo cáo số"),
]


@pytest.mark.parametrize(("name", "data", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_rejected_with_vietnamese_error_and_changes_nothing(engine, name, data, expected):
    before = snapshot(engine)
    with pytest.raises(ParseError) as caught:
        engine.add_report(data, name)
    assert expected in caught.value.vi, caught.value.vi
    outcome = handle_upload(engine, data, name)
    assert not outcome.ok and outcome.message.startswith("Không nạp được tệp"), outcome.message
    assert snapshot(engine) == before


def test_over_the_size_limit_is_rejected_and_changes_nothing(engine, monkeypatch):
    before = snapshot(engine)
    monkeypatch.setattr(engine.settings, "max_upload_bytes", 10_000)
    with pytest.raises(ParseError, match="giới hạn dung lượng"):
        engine.add_report(SEED_BYTES, SEED.name)
    outcome = handle_upload(engine, SEED_BYTES, SEED.name)
    assert not outcome.ok and "quá lớn" in outcome.message and "giới hạn là 9,8 KB" in outcome.message
    assert snapshot(engine) == before


def test_same_report_twice_is_a_duplicate_and_nothing_is_reindexed(engine, monkeypatch):
    before = snapshot(engine)
    retriever = engine.retriever

    def no_upsert(*args, **kwargs):
        raise AssertionError("a duplicate must not be re-indexed")

    monkeypatch.setattr(retriever.store, "upsert", no_upsert)
    for name in (SEED.name, "ban-sao-khac-ten.txt"):
        outcome = handle_upload(engine, SEED_BYTES, name)
        assert outcome.ok and outcome.info["duplicate"] and "đã có trong kho" in outcome.message
    assert engine.retriever is retriever
    assert snapshot(engine) == before
    ids = [row.id for row in engine.rows]
    assert len(ids) == len(set(ids))


NASTY_NAMES = [
    "../../../../tmp/escape.txt",
    "/etc/passwd.txt",
    "..\\..\\windows\\system32\\x.txt",
    "bao\x00cao.txt",
    "báo cáo ‮txt.exe.txt",
    "<script>alert(1)</script>.txt",
    "....txt",
    "a" * 500 + ".txt",
]


@pytest.mark.parametrize("i", range(len(NASTY_NAMES)))
def test_odd_file_names_never_escape_raw_dir(engine, i):
    raw = engine.settings.raw_dir.resolve()
    outside = sorted(p for p in engine.settings.data_dir.parent.rglob("*") if raw not in p.resolve().parents)
    outcome = handle_upload(engine, variant(i), NASTY_NAMES[i])
    assert outcome.ok, outcome.message
    written = (raw / outcome.info["file"]).resolve()
    assert written.parent == raw and written.is_file()
    assert "\x00" not in outcome.message and "/" not in display_name(NASTY_NAMES[i])
    # One file per report: the changed version replaced the previous upload of report 45.
    assert sorted(p.name for p in raw.glob("*.txt")) == sorted([SEED.name, written.name])
    now_outside = sorted(p for p in engine.settings.data_dir.parent.rglob("*") if raw not in p.resolve().parents)
    expected = {"chroma", "processed", "cache", "trash"}  # derived data, and the replaced version kept in the trash
    new = [p for p in now_outside if p not in outside and not expected & set(p.parts)]
    assert new in ([], [engine.settings.audit_file])  # the audit log of the uploads


def test_changed_version_replaces_its_rows_file_and_chunks(tmp_path):
    engine = _engine(tmp_path)
    first = engine.add_report(SYNTHETIC.read_bytes(), SYNTHETIC.name)
    assert first["duplicate"] is False and first["replaced"] is False
    rows_45 = [row for row in engine.rows if row.report == "45/BC-UBND"]
    chunks = engine.retriever.store.count()
    n_rows = len(engine.rows)

    second = engine.add_report(variant(7), "ban-sua.txt")
    assert second["replaced"] is True and second["rows"] == len(rows_45)
    assert len(engine.rows) == n_rows
    new_45 = [row for row in engine.rows if row.report == "45/BC-UBND"]
    assert [r.id for r in new_45] == [r.id for r in rows_45]
    changed = [r.id for r, old in zip(new_45, rows_45, strict=True) if r.content_hash != old.content_hash]
    assert changed == ["45/BC-UBND:I:1"]
    assert "6,27" in engine.by_id["45/BC-UBND:I:1"].text
    assert engine.retriever.store.count() == chunks
    ids = [row.id for row in engine.rows]
    assert len(ids) == len(set(ids))
    files = sorted(p.name for p in engine.settings.raw_dir.glob("*.txt"))
    assert files == sorted([SEED.name, second["file"]])
    # After a restart the corpus folder gives the same rows (no duplicate report from an old file).
    assert load_rows(sorted(engine.settings.raw_dir.glob("*.txt"))) == engine.rows


def test_failed_indexing_restores_the_previous_state(tmp_path, monkeypatch):
    engine = _engine(tmp_path)
    before = snapshot(engine)

    def broken(self):
        raise RuntimeError("index unreachable")

    monkeypatch.setattr(Engine, "retriever", property(broken))
    outcome = handle_upload(engine, SYNTHETIC.read_bytes(), SYNTHETIC.name)
    assert not outcome.ok and "index unreachable" in outcome.message
    monkeypatch.undo()
    assert snapshot(engine) == before


MALFORMED_HEAD = (
    "PHỤ LỤC I\nKẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU\n(Kèm theo Báo cáo số 7/BC-UBND ngày 02/01/2025 của UBND tỉnh Hậu Giang)\n\n"
    "STT\tChỉ tiêu\tĐVT\tKế hoạch năm 2024\tƯớc thực hiện năm 2024\n1\tTốc độ tăng trưởng kinh tế\t%\t7,0\t6,5\n\n"
    "PHỤ LỤC II\nDANH MỤC DỰ ÁN\n\n"
)
MALFORMED = [
    # an annex whose table starts with data: no header names its columns
    ("khong-tieu-de.txt", MALFORMED_HEAD + "1\tĐường tỉnh 925\tSở Xây dựng\t120\t80\n", 11, "tiêu đề cột"),
    # a row with more cells than the header (cells shifted: values would land under the wrong column)
    ("lech-cot.txt", MALFORMED_HEAD + "STT\tTên dự án\tChủ đầu tư\tKế hoạch vốn\n1\tĐường tỉnh 925\tSở Xây dựng\t120\t80\t9\n",
     12, "nhiều hơn tiêu đề"),
]


@pytest.mark.parametrize(("name", "text", "line", "expected"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_annex_names_file_and_line_and_changes_nothing(engine, name, text, line, expected):
    before = snapshot(engine)
    with pytest.raises(ParseError) as caught:
        engine.add_report(text.encode("utf-8"), name)
    assert expected in caught.value.vi and caught.value.line == line, str(caught.value)
    outcome = handle_upload(engine, text.encode("utf-8"), name)
    assert not outcome.ok and name in outcome.message and f"dòng {line}" in outcome.message, outcome.message
    assert snapshot(engine) == before
