"""Test helper: a report in the tab-separated text layout written as Word, Excel and PDF files.

The writers follow the text file line by line: a line with tabs is a table row, another line a
paragraph (a cell of its own in Excel), a blank line inside a table a page break (Word: the table
ends and a new one starts on the next page; Excel: a manual row break). Header lines (as the parser
finds them) become merged cells: a header text spans the empty columns to its right that a lower
header line names, and the empty header lines below it. The first table of an annex repeats its
header rows on each page (``tblHeader``). PDF is made from the Word file by LibreOffice headless.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Border, Side
from openpyxl.worksheet.pagebreak import Break

from ingestion.document import annex_heading, read_text_document
from ingestion.parser import _split_header

PAGE_WIDTH, PAGE_HEIGHT = Mm(420), Mm(558)  # wide and tall (22 in, Word's maximum): a text-file page fits on one
A4_LANDSCAPE = (Mm(297), Mm(210))  # a real page: long tables run over pages
FONT_SIZE = Pt(7)  # small enough that no title, legend line or short cell wraps
SOFFICE_TIMEOUT_S = 300  # converting a few documents takes well under a minute


@dataclass
class Segment:
    """Consecutive table rows of one annex between two page breaks."""

    rows: list[list[str]]
    header_rows: set[int]  # indexes of rows that are header lines (first or repeated)


Item = tuple[str, object]  # ("text", str) or ("table", Segment) or ("break", None)


def layout(text: str) -> list[Item]:
    """The text file as paragraphs, table segments and page breaks (the order the writers follow)."""
    document = read_text_document(text)
    header_texts: set[tuple[str, ...]] = set()
    for block in document.annexes:
        if block.grid:
            header, _ = _split_header(block.grid, "<writer>")
            header_texts |= {tuple(_trim(line.cells)) for line in header}
    items: list[Item] = []
    rows: list[list[str]] = []
    broken = False

    def flush() -> None:
        if rows:
            marks = {i for i, row in enumerate(rows) if tuple(_trim([c.strip() for c in row])) in header_texts}
            items.append(("table", Segment(list(rows), marks)))
            rows.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        is_row = "\t" in raw and any(c.strip() for c in raw.split("\t")) and not ("\t" not in raw.strip() and annex_heading(raw))
        if is_row:
            if broken and rows:
                flush()
                items.append(("break", None))
            broken = False
            rows.append(raw.split("\t"))
        elif not raw.strip():
            broken = bool(rows)
        else:
            flush()
            broken = False
            items.append(("text", raw.strip()))
    flush()
    return items


def _trim(cells: list[str]) -> list[str]:
    out = list(cells)
    while out and not out[-1]:
        out.pop()
    return out


def merge_plan(rows: list[list[str]], width: int) -> list[tuple[int, int, int, int]]:
    """Merged rectangles (top, left, bottom, right) for a block of header rows."""
    def text(r: int, c: int) -> str:
        return rows[r][c].strip() if c < len(rows[r]) else ""

    covered: set[tuple[int, int]] = set()
    plan = []
    for r in range(len(rows)):
        for c in range(width):
            if not text(r, c) or (r, c) in covered:
                continue
            right = c
            while (
                right + 1 < width
                and not text(r, right + 1)
                and (r, right + 1) not in covered
                and any(text(below, right + 1) for below in range(r + 1, len(rows)))
            ):
                right += 1
            bottom = r
            while bottom + 1 < len(rows) and all(
                not text(bottom + 1, col) and (bottom + 1, col) not in covered for col in range(c, right + 1)
            ):
                bottom += 1
            if (bottom, right) != (r, c):
                covered |= {(rr, cc) for rr in range(r, bottom + 1) for cc in range(c, right + 1)}
                plan.append((r, c, bottom, right))
    return plan


def _header_blocks(segment: Segment) -> list[tuple[int, int]]:
    """Runs of consecutive header rows: (first, last) indexes."""
    blocks: list[tuple[int, int]] = []
    for i in sorted(segment.header_rows):
        if blocks and blocks[-1][1] == i - 1:
            blocks[-1] = (blocks[-1][0], i)
        else:
            blocks.append((i, i))
    return blocks


# ---------------------------------------------------------------------------------------------
# Word


def write_docx(text: str, path: Path, page: tuple[int, int] = (PAGE_WIDTH, PAGE_HEIGHT)) -> Path:
    """The report as a Word file: paragraphs, bordered tables with merged header cells, page breaks.

    ``page`` is (width, height); the default is large enough that only the report's own page breaks
    break pages, a real size (A4) lets long tables run over pages with their header rows repeated.
    """
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = page
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(10)
    document.styles["Normal"].font.size = FONT_SIZE
    document.styles["Normal"].paragraph_format.space_after = Pt(0)
    first_table, centred = True, False
    for kind, item in layout(text):
        if kind == "text":
            centred = centred or bool(annex_heading(str(item)))
            paragraph = document.add_paragraph(str(item))
            if centred:  # heading, title and "Kèm theo" line centred, as printed
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            first_table = True
        elif kind == "break":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            assert isinstance(item, Segment)
            _docx_table(document, item, repeat_header=first_table)
            first_table, centred = False, False
    document.save(path)
    return path


def _docx_table(document: Document, segment: Segment, repeat_header: bool) -> None:
    width = max(len(row) for row in segment.rows)
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    for i, cells in enumerate(segment.rows):
        row = table.add_row()
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if repeat_header and i in segment.header_rows and i < len(segment.rows) - 1:
            tr_pr.append(OxmlElement("w:tblHeader"))
        for cell, value in zip(row.cells, cells, strict=False):
            if value:
                cell.paragraphs[0].add_run(value)
    for first, last in _header_blocks(segment):
        block = segment.rows[first : last + 1]
        for top, left, bottom, right in merge_plan(block, width):
            table.cell(first + top, left).merge(table.cell(first + bottom, right))


# ---------------------------------------------------------------------------------------------
# Excel

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def write_xlsx(text: str, path: Path, one_sheet: bool = False) -> Path:
    """The report as an Excel file: one sheet per annex, or every annex on one sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo"
    row_index = 0
    width = 1
    items = layout(text)
    for kind, item in items:
        if kind == "text" and annex_heading(str(item)) and not one_sheet and row_index:
            sheet = workbook.create_sheet(f"Sheet{len(workbook.worksheets) + 1}")
            row_index = 0
        if kind == "text":
            row_index += 1
            cell = sheet.cell(row=row_index, column=1, value=str(item))
            cell.data_type = "s"
            if width > 1:
                sheet.merge_cells(start_row=row_index, start_column=1, end_row=row_index, end_column=width)
        elif kind == "break":
            sheet.row_breaks.append(Break(id=row_index))
        else:
            assert isinstance(item, Segment)
            width = max(width, max(len(row) for row in item.rows))
            start = row_index + 1
            for cells in item.rows:
                row_index += 1
                for col in range(1, width + 1):
                    value = cells[col - 1] if col <= len(cells) else ""
                    cell = sheet.cell(row=row_index, column=col, value=value or None)
                    if value:
                        cell.data_type = "s"
                    cell.border = BORDER
            for first, last in _header_blocks(item):
                for top, left, bottom, right in merge_plan(item.rows[first : last + 1], width):
                    sheet.merge_cells(
                        start_row=start + first + top, start_column=left + 1,
                        end_row=start + first + bottom, end_column=right + 1,
                    )
    workbook.save(path)
    return path


# ---------------------------------------------------------------------------------------------
# PDF


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(paths: list[Path], out_dir: Path, password: str | None = None) -> list[Path]:
    """Word files → PDF with LibreOffice headless (one run for all; a private profile folder);
    with ``password`` the PDF needs it to open."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: run `make libreoffice`")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = "pdf"
    if password:
        options = {"EncryptFile": {"type": "boolean", "value": "true"},
                   "DocumentOpenPassword": {"type": "string", "value": password}}
        target = f"pdf:writer_pdf_Export:{json.dumps(options)}"
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
             "--outdir", str(out_dir), *map(str, paths)],
            check=True, capture_output=True, timeout=SOFFICE_TIMEOUT_S, env={**os.environ, "HOME": profile},
        )
    results = [out_dir / f"{path.stem}.pdf" for path in paths]
    missing = [str(p) for p in results if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}")
    return results
