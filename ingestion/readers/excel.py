"""Excel (.xlsx) reader: every visible sheet, top to bottom, fed to the document builder.

A row is a table row when two or more of its cells hold text or any of its cells has a border (a
table drawn in Excel is bordered, its group rows fill one cell); a row with one text in borderless
cells (often merged across the width) is a line of text: annex heading, title, "Kèm theo …", legend.
Several annexes on one sheet follow each other; a sheet without a heading continues the annex before,
unless its name is itself a heading ("Phụ lục II"). A merged cell's text stays in its top-left cell,
the cells it covers read as empty: the layout of a table printed to text. A manual page break
(``rowBreaks``) is a page break.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from ingestion.document import DocumentBuilder, ReportDocument, annex_heading
from ingestion.errors import ParseError
from ingestion.readers import Progress

_DECIMALS_RE = re.compile(r"0[.,](0+)")


def read_xlsx(data: bytes, name: str, progress: Progress | None = None) -> ReportDocument:
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # any broken package: openpyxl, zipfile and lxml raise many kinds
        raise ParseError(name, None, "tệp Excel hỏng, không mở được; hãy lưu lại tệp .xlsx rồi tải lên", "corrupt .xlsx") from exc
    builder = DocumentBuilder(name)
    sheets = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    line = 0
    for done, sheet in enumerate(sheets, start=1):
        builder.gap()
        line = _read_sheet(sheet, builder, line)
        if progress:
            progress(done, len(sheets), "xlsx")
    return builder.document()


def _read_sheet(sheet: Worksheet, builder: DocumentBuilder, line: int) -> int:
    """Feed one sheet's rows; returns the last line number used (lines count across sheets)."""
    breaks = {brk.id for brk in sheet.row_breaks.brk}
    started = False
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=sheet.max_column):
        cells = [_cell_text(cell) for cell in row]
        filled = [text for text in cells if text]
        number = row[0].row
        if filled:
            if not started and not annex_heading(filled[0]) and annex_heading(sheet.title):
                line += 1
                builder.text(line, sheet.title)
            started = True
            line += 1
            if len(filled) >= 2 or any(_bordered(cell) for cell in row):
                builder.row(line, _trim(cells))
            else:
                builder.text(line, filled[0])
        if number in breaks:
            builder.gap()
    return line


def _trim(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    return cells


def _bordered(cell: Cell | MergedCell) -> bool:
    border = cell.border
    return any(side is not None and side.style for side in (border.left, border.right, border.top, border.bottom))


def _cell_text(cell: Cell | MergedCell) -> str:
    """The cell as printed: text as is; a number in Vietnamese format (``1.234,5``) with the decimals
    of its number format; a date as dd/mm/yyyy. Covered cells of a merge are empty."""
    value = cell.value
    if value is None or isinstance(cell, MergedCell):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float):
        return _vn_number(value, cell.number_format or "General")
    return str(value).strip()


def _vn_number(value: float, number_format: str) -> str:
    """``1234.5`` with ``#,##0.00`` → ``"1.234,50"``; with General → ``"1234,5"``; ``0.25`` with ``0%`` → ``"25%"``."""
    percent = "%" in number_format
    if percent:
        value *= 100
    group = "," if "#,##0" in number_format else ""
    decimals = _DECIMALS_RE.search(number_format)
    if decimals:
        text = f"{value:{group}.{len(decimals.group(1))}f}"
    elif float(value).is_integer():
        text = f"{value:{group}.0f}"
    else:
        text = f"{value:{group}}"
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text + ("%" if percent else "")
