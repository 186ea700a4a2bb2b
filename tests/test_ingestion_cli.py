"""The ingestion command: deterministic output, idempotent merges, clear errors on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingestion.__main__ import main
from ingestion.parser import ParseError, parse_report, parse_report_text
from ingestion.store import merge_rows, read_rows
from tests.conftest import ROOT, SEED_REPORT


def test_cli_writes_rows_and_tables_byte_identical(tmp_path):
    assert main([str(SEED_REPORT), "--out", str(tmp_path / "a")]) == 0
    assert main([str(SEED_REPORT), "--out", str(tmp_path / "b")]) == 0
    first = (tmp_path / "a" / "rows.jsonl").read_bytes()
    assert first == (tmp_path / "b" / "rows.jsonl").read_bytes()
    record = json.loads(first.decode("utf-8").splitlines()[0])
    for field in ["id", "report", "report_date", "annex", "annex_title", "row", "row_numbers", "kind", "marker",
                  "marker_meaning", "group", "parent", "cells", "facts", "text", "content_hash"]:
        assert field in record
    tables = sorted(p.name for p in (tmp_path / "a" / "tables").iterdir())
    assert tables == [f"320-BC-UBND__{n}.csv" for n in ["I", "II", "III", "IV", "V"]]


def test_reingesting_same_report_adds_nothing(tmp_path):
    out = tmp_path / "out"
    main([str(SEED_REPORT), "--out", str(out)])
    before = (out / "rows.jsonl").read_bytes()
    main([str(SEED_REPORT), "--out", str(out)])
    assert (out / "rows.jsonl").read_bytes() == before


def test_changed_report_replaces_its_rows(seed_rows, tmp_path):
    changed_text = SEED_REPORT.read_text(encoding="utf-8").replace("31.500,00", "31.600,00")
    changed = parse_report_text(changed_text, "changed.txt").rows
    merged = merge_rows(seed_rows, [changed])
    assert len(merged) == len(seed_rows)
    by_id = {row.id: row for row in merged}
    assert by_id["320/BC-UBND:I:4"].facts["estimate"]["raw"] == "31.600,00"
    assert by_id["320/BC-UBND:I:4"].content_hash != {r.id: r for r in seed_rows}["320/BC-UBND:I:4"].content_hash
    assert by_id["320/BC-UBND:III:20"].content_hash == {r.id: r for r in seed_rows}["320/BC-UBND:III:20"].content_hash


def test_failed_write_leaves_previous_rows_intact(tmp_path, monkeypatch):
    out = tmp_path / "out"
    main([str(SEED_REPORT), "--out", str(out)])
    before = (out / "rows.jsonl").read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.fsync", boom)
    with pytest.raises(OSError):
        main([str(SEED_REPORT), "--out", str(out)])
    assert (out / "rows.jsonl").read_bytes() == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    assert len(read_rows(out / "rows.jsonl")) == 186


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty file"),
        (b"\x00\x01\x02binary\x00", "binary file"),
        ("Phụ lục I\n".encode("utf-16"), "binary file"),
        ("Phu luc I\nxin ch\xe0o\n".encode("latin-1"), "not UTF-8"),
        ("Báo cáo không có bảng nào\n".encode(), "no 'Phụ lục' heading"),
        (
            "Phụ lục I\n\nTIÊU ĐỀ\n(Kèm theo Báo cáo số 9/BC-UBND ngày 01 tháng 02 năm 2025 của UBND)\n\n"
            "TT\tNhiệm vụ\tCơ quan chủ trì\n1 (*)\tViệc một\tSở Y tế\tthừa\tthừa nữa\n".encode(),
            "more cells",
        ),
    ],
)
def test_bad_input_gets_a_clear_error_without_traceback(tmp_path, content, expected):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "ingestion", str(path), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 2
    assert expected in result.stderr and "bad.txt" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "rows.jsonl").exists()


def test_error_names_the_line(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_text(
        "Phụ lục II\nVIỆC\n(Kèm theo Báo cáo số 9/BC-UBND ngày 01/02/2025)\n\nTT\tNhiệm vụ\n1\tA\n2\tB\tC\n",
        encoding="utf-8",
    )
    with pytest.raises(ParseError) as info:
        parse_report(path)
    assert info.value.line == 7


def test_report_without_number_is_rejected(tmp_path):
    path = Path(tmp_path / "nonumber.txt")
    path.write_text("Phụ lục I\nTIÊU ĐỀ\n\nTT\tNhiệm vụ\n1\tA\n", encoding="utf-8")
    with pytest.raises(ParseError, match="Kèm theo"):
        parse_report(path)
