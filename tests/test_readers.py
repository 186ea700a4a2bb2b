"""Word, Excel and PDF readers: the same report in any format parses to the same rows as its .txt.

The files are written by the tests themselves (``tests/report_writers.py``) from the bundled report
and every fixture report, once per session; PDF comes from the Word file through LibreOffice.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from ingestion.document import read_text_document
from ingestion.parser import ParsedReport, ParseError, parse_report, parse_report_bytes
from ingestion.readers import OLE_MAGIC, read_document, sniff_format
from ingestion.readers.excel import _vn_number
from tests.conftest import ROOT, SEED_REPORT
from tests.report_writers import A4_LANDSCAPE, convert_to_pdf, soffice, write_docx, write_xlsx

REPORTS = [SEED_REPORT, *sorted((ROOT / "tests" / "data").glob("*.txt"))]
FORMATS = ["docx", "xlsx", "xlsx-one-sheet", "pdf"]
NO_SOFFICE = "LibreOffice (soffice) is not installed: `make libreoffice` installs it (Debian libreoffice-writer-nogui)"


def comparable(report: ParsedReport) -> list[dict]:
    """Everything of every row but where it sits in its file (line numbers and the hash over them)."""
    return [row.model_dump(exclude={"source_lines", "content_hash"}) for row in report.rows]


@pytest.fixture(scope="session")
def written(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(report stem, format) → file, every report in every format, PDF converted in one LibreOffice run."""
    folder = tmp_path_factory.mktemp("formats")
    files: dict[tuple[str, str], Path] = {}
    (folder / "a4").mkdir()
    for report in REPORTS:
        text = report.read_text(encoding="utf-8")
        files[report.stem, "docx"] = write_docx(text, folder / f"{report.stem}.docx")
        files[report.stem, "xlsx"] = write_xlsx(text, folder / f"{report.stem}.xlsx")
        files[report.stem, "xlsx-one-sheet"] = write_xlsx(text, folder / f"{report.stem}-one-sheet.xlsx", one_sheet=True)
    a4 = write_docx(SEED_REPORT.read_text(encoding="utf-8"), folder / "a4" / f"{SEED_REPORT.stem}.docx", page=A4_LANDSCAPE)
    if soffice():
        docx = [files[report.stem, "docx"] for report in REPORTS]
        for report, pdf in zip(REPORTS, convert_to_pdf(docx, folder / "pdf"), strict=True):
            files[report.stem, "pdf"] = pdf
        files[SEED_REPORT.stem, "pdf-a4"] = convert_to_pdf([a4], folder / "a4")[0]
    return files


@pytest.fixture(scope="session")
def from_text() -> dict[str, ParsedReport]:
    return {report.stem: parse_report(report) for report in REPORTS}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.stem)
def test_rows_equal_the_text_rows(report, fmt, written, from_text):
    if (report.stem, fmt) not in written:
        pytest.skip(NO_SOFFICE)
    expected = from_text[report.stem]
    got = parse_report(written[report.stem, fmt])
    assert [row.id for row in got.rows] == [row.id for row in expected.rows]
    assert comparable(got) == comparable(expected)
    assert [a.model_dump(exclude={"source_lines"}) for a in got.annexes] == [
        a.model_dump(exclude={"source_lines"}) for a in expected.annexes
    ]


def test_pdf_on_a4_pages_with_repeated_headers_gives_the_same_rows(written, from_text):
    """On A4 the long tables run over pages: LibreOffice repeats the header rows on each page, cells
    wrap over several lines and rows land at the top of a page; the rows are still those of the .txt."""
    import pdfplumber

    if (SEED_REPORT.stem, "pdf-a4") not in written:
        pytest.skip(NO_SOFFICE)
    pdf = written[SEED_REPORT.stem, "pdf-a4"]
    with pdfplumber.open(pdf) as document:
        firsts = [table.extract()[0] for page in document.pages for table in page.find_tables()[:1]]
    repeated = [cells for cells in firsts if cells and cells[0] in ("Chỉ tiêu", "Nhiệm vụ", "STT", "TT")]
    assert len(document.pages) > 40 and len(repeated) > 20  # header rows at the top of many pages
    assert comparable(parse_report(pdf)) == comparable(from_text[SEED_REPORT.stem])


def test_the_written_files_really_merge_and_split(written):
    """The round trip goes through merged header cells, repeated headers and page breaks."""
    stem = SEED_REPORT.stem
    xml = zipfile.ZipFile(written[stem, "docx"]).read("word/document.xml").decode()
    assert "w:gridSpan" in xml and 'w:vMerge w:val="restart"' in xml and "w:tblHeader" in xml
    assert 'w:type="page"' in xml
    from openpyxl import load_workbook

    sheets = load_workbook(written[stem, "xlsx"]).worksheets
    assert len(sheets) == 5 and all(sheet.merged_cells.ranges for sheet in sheets)
    assert any(sheet.row_breaks.brk for sheet in sheets)
    assert len(load_workbook(written[stem, "xlsx-one-sheet"]).worksheets) == 1


def test_merged_header_cells_read_as_the_text_layout(written):
    """"Năm 2024" spans two columns and "Chỉ tiêu" two header lines: text in the first cell, the rest empty."""
    text_grid = read_text_document(SEED_REPORT.read_text(encoding="utf-8")).annexes[0].grid
    for fmt in ("docx", "xlsx"):
        grid = read_document(written[SEED_REPORT.stem, fmt].read_bytes(), fmt).annexes[0].grid
        assert [(line.cells + [""] * 8)[:8] for line in grid[:2]] == [(line.cells + [""] * 8)[:8] for line in text_grid[:2]]
        assert grid[0].cells[3:5] == ["Năm 2024", ""] and grid[1].cells[:2] == ["", ""]
        assert [line.page_break for line in grid] == [line.page_break for line in text_grid]


def test_format_is_sniffed_from_content_not_name(written, tmp_path):
    disguised = tmp_path / "bao-cao.txt"
    disguised.write_bytes(written[SEED_REPORT.stem, "docx"].read_bytes())
    assert sniff_format(disguised.read_bytes()) == "docx"
    assert sniff_format(written[SEED_REPORT.stem, "xlsx"].read_bytes()) == "xlsx"
    assert sniff_format(SEED_REPORT.read_bytes()) == "txt"
    assert [row.id for row in parse_report(disguised).rows[:2]] == ["320/BC-UBND:I:A", "320/BC-UBND:I:1"]
    if (SEED_REPORT.stem, "pdf") in written:
        assert sniff_format(written[SEED_REPORT.stem, "pdf"].read_bytes()) == "pdf"


def test_progress_is_reported_per_part(written):
    seen: list[tuple[int, int, str]] = []
    parse_report(written[SEED_REPORT.stem, "xlsx"], progress=lambda done, total, what: seen.append((done, total, what)))
    assert seen[-1] == (5, 5, "xlsx") and len(seen) == 5


def _refused(data: bytes, name: str) -> str:
    with pytest.raises(ParseError) as caught:
        parse_report_bytes(data, name)
    return caught.value.vi


def test_password_protected_office_file_is_refused():
    fake = OLE_MAGIC + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512
    message = _refused(fake, "bao-cao.docx")
    assert "mật khẩu" in message and ".docx" in message


def test_legacy_word_file_and_other_zip_are_refused():
    assert ".docx" in _refused(OLE_MAGIC + b"\x00" * 2048, "bao-cao.doc")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "PHỤ LỤC I")
    assert "Word" in _refused(buffer.getvalue(), "bao-cao.zip")


@pytest.mark.skipif(soffice() is None, reason=NO_SOFFICE)
def test_password_protected_pdf_is_refused(written, tmp_path):
    [pdf] = convert_to_pdf([written["bao-cao-45-BC-UBND-2025-phu-luc", "docx"]], tmp_path, password="mk2025")
    message = _refused(pdf.read_bytes(), pdf.name)
    assert "mật khẩu" in message and ".docx" in message


@pytest.mark.skipif(soffice() is None, reason=NO_SOFFICE)
def test_scanned_pdf_is_refused(written, tmp_path):
    """A page of the report as an image in a PDF (what a scanner makes): no text layer."""
    import pypdfium2

    page = pypdfium2.PdfDocument(written["bao-cao-45-BC-UBND-2025-phu-luc", "pdf"].read_bytes())[0]
    scan = tmp_path / "scan.pdf"
    page.render(scale=1).to_pil().convert("RGB").save(scan)
    message = _refused(scan.read_bytes(), scan.name)
    assert "không có lớp chữ" in message and ".docx" in message


def test_broken_word_file_is_refused_without_rows():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not xml")
    assert "hỏng" in _refused(buffer.getvalue(), "bao-cao.docx")


@pytest.mark.parametrize(
    ("value", "number_format", "printed"),
    [(28527.46, "#,##0.00", "28.527,46"), (5.75, "General", "5,75"), (2024, "General", "2024"),
     (0.275, "0.0%", "27,5%"), (1250000, "#,##0", "1.250.000")],
)
def test_excel_numbers_print_in_vietnamese_format(value, number_format, printed):
    assert _vn_number(value, number_format) == printed


def _engine_with(base: Path, data: bytes, name: str):
    """A private corpus (the seed report) with one uploaded report."""
    import shutil

    from assistant.engine import Engine, load_rows
    from settings import Settings
    from ui.corpus import handle_upload

    raw = base / "raw"
    raw.mkdir(parents=True)
    shutil.copy(SEED_REPORT, raw / SEED_REPORT.name)
    settings = Settings(embedder="hash", data_dir=base, raw_dir=raw)
    engine = Engine(settings=settings, rows=load_rows([raw / SEED_REPORT.name]), corpus_files=[raw / SEED_REPORT.name])
    steps: list[str] = []
    outcome = handle_upload(engine, data, name, progress=lambda fraction, message: steps.append(message))
    assert outcome.ok, outcome.message
    return engine, steps


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf"])
def test_uploaded_file_answers_like_its_text(fmt, written, tmp_path):
    """Upload the Word/Excel/PDF file of report 45: the chat answers exactly as from the .txt, and the
    stored file (kept in its own format) gives the same rows after a restart."""
    from assistant import answer
    from assistant.engine import default_corpus, load_rows

    stem = "bao-cao-45-BC-UBND-2025-phu-luc"
    if (stem, fmt) not in written:
        pytest.skip(NO_SOFFICE)
    text_engine, _ = _engine_with(tmp_path / "txt", (ROOT / "tests" / "data" / f"{stem}.txt").read_bytes(), f"{stem}.txt")
    engine, steps = _engine_with(tmp_path / fmt, written[stem, fmt].read_bytes(), f"bao-cao-45.{fmt}")
    assert any(f"Đang đọc tệp {fmt}" in step for step in steps)
    question = "Theo báo cáo 45, dự án Thư viện Thành phố đã giải ngân bao nhiêu?"
    reply, expected = answer(question, engine=engine), answer(question, engine=text_engine)
    assert "12,5" in reply.text and {c.report for c in reply.citations} == {"45/BC-UBND"}
    assert reply.text == expected.text
    stored = default_corpus(engine.settings)
    assert sorted(path.suffix for path in stored) == sorted([".txt", f".{fmt}"])
    assert [r.model_dump(exclude={"source_lines", "content_hash"}) for r in load_rows(stored)] == [
        r.model_dump(exclude={"source_lines", "content_hash"}) for r in text_engine.rows
    ]


def test_command_line_ingests_every_format(written, tmp_path, capsys):
    from ingestion.__main__ import main
    from ingestion.store import read_rows

    files = [written["bao-cao-412-BC-SKHDT-2024-thai-nguyen", "docx"],
             written["bao-cao-468-BC-UBND-2025-hue", "xlsx-one-sheet"]]
    if ("bao-cao-418-BC-UBND-2025-dong-thap", "pdf") in written:
        files.append(written["bao-cao-418-BC-UBND-2025-dong-thap", "pdf"])
    texts = [ROOT / "tests" / "data" / f"{path.name.split('-one-sheet')[0].rsplit('.', 1)[0]}.txt" for path in files]
    assert main([*map(str, files), "--out", str(tmp_path / "formats")]) == 0
    assert "412/BC-SKHĐT" in capsys.readouterr().out
    assert main([*map(str, texts), "--out", str(tmp_path / "txt")]) == 0
    rows, expected = read_rows(tmp_path / "formats" / "rows.jsonl"), read_rows(tmp_path / "txt" / "rows.jsonl")
    assert len({row.report for row in rows}) == len(files)
    assert [r.model_dump(exclude={"source_lines", "content_hash"}) for r in rows] == [
        r.model_dump(exclude={"source_lines", "content_hash"}) for r in expected
    ]


def test_command_line_refuses_a_scan_with_a_vietnamese_message(tmp_path, capsys):
    from ingestion.__main__ import main

    scan = tmp_path / "scan.pdf"
    from PIL import Image

    Image.new("RGB", (200, 280), "white").save(scan)
    assert main([str(scan), "--out", str(tmp_path / "out")]) == 2
    assert "không có lớp chữ" in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_excel_sheet_named_as_its_annex_needs_no_heading_row(written, from_text, tmp_path):
    """A sheet called "Phụ lục II" whose rows start with the title: the sheet's name is the heading."""
    from openpyxl import load_workbook

    from ingestion.document import annex_heading

    workbook = load_workbook(written[SEED_REPORT.stem, "xlsx"])
    for sheet in workbook.worksheets:
        row = next(cell.row for cell in sheet["A"] if isinstance(cell.value, str) and annex_heading(cell.value))
        sheet.title = sheet.cell(row=row, column=1).value.strip()
        sheet.cell(row=row, column=1).value = None
    path = tmp_path / "sheets-named.xlsx"
    workbook.save(path)
    assert comparable(parse_report(path)) == comparable(from_text[SEED_REPORT.stem])
