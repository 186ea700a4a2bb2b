"""PDF reader (a PDF with a text layer, e.g. printed from Word): tables by their ruling lines, text
lines outside them, top to bottom, page after page, fed to the document builder.

Each page after the first is a page break, so a table continuing on the next page continues the
same grid and a row cut by the page is merged back by the parser, as for the text layout; a header
row repeated on each page equals the first page's header and is dropped by the parser. A cell's
lines are joined with a space, except after a hyphen or slash that ends a word ("7,5-" + "8,0").
A PDF with no text at all (a scan) or one that needs a password is refused.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.page import Page
from pdfplumber.table import Table

from ingestion.document import (
    ATTACHED_RE,
    FOOTNOTE_LINE_RE,
    LEGEND_START_RE,
    UNIT_LINE_RE,
    DocumentBuilder,
    ReportDocument,
    annex_heading,
)
from ingestion.errors import ParseError
from ingestion.readers import ASK_DIGITAL, Progress

_GLUED_END_RE = re.compile(r"\w[-/]$")  # a line ending "7,5-" or "quận/" with no space glyph broke inside a word
_TEXT_LINE_TOLERANCE = 3  # points: words whose tops differ by less sit on one printed line
_MAX_LINE_GAP = 1.0  # a wrapped paragraph's next line starts within one line height of the last
_SPACE_SHARE = 0.25  # a space is about a quarter of the line height wide
_WORD_GAP_SHARE = 0.15  # a gap wider than this share of the font size between glyphs is a space
_ITEM_START_RE = re.compile(r"^\s*(?:[-–•+]\s|\(\s*\*)")  # "- …", "(*) …": a list item starts a line
_EDGE_TOLERANCE = 1.0  # points: rounding of glyph positions at the right margin


def read_pdf(data: bytes, name: str, progress: Progress | None = None) -> ReportDocument:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise _password_error(name) from exc
    except Exception as exc:  # pdfminer raises many kinds on a broken file
        if isinstance(exc.args[0] if exc.args else None, PDFPasswordIncorrect | PDFEncryptionError):
            raise _password_error(name) from exc
        raise ParseError(name, None, f"tệp PDF hỏng, không mở được; {ASK_DIGITAL}", "corrupt PDF") from exc
    with pdf:
        pages = list(pdf.pages)
        if not any(page.chars for page in pages):
            raise ParseError(
                name, None,
                f"tệp PDF không có lớp chữ (bản quét/ảnh chụp) nên không đọc được số liệu; {ASK_DIGITAL}",
                "PDF without a text layer (scan)",
            )
        builder = DocumentBuilder(name)
        line = 0
        for done, page in enumerate(pages, start=1):
            if done > 1:
                builder.gap()
            line = _read_page(page, builder, line)
            page.flush_cache()
            if progress:
                progress(done, len(pages), "pdf")
    return builder.document()


def _password_error(name: str) -> ParseError:
    return ParseError(
        name, None,
        f"tệp PDF được đặt mật khẩu nên không đọc được; hãy gỡ mật khẩu rồi tải lên lại, hoặc {ASK_DIGITAL}",
        "password-protected PDF",
    )


def _read_page(page: Page, builder: DocumentBuilder, line: int) -> int:
    """Feed one page's table rows and text lines in reading order; returns the last line number used."""
    items: list[tuple[float, int, list[str] | str]] = []
    boxes = []
    for table in page.find_tables():
        for row, cells in zip(table.rows, _table_texts(table, page.chars), strict=True):
            items.append((row.bbox[1], 1, cells))
        boxes.append(table.bbox)
    outside = page.filter(lambda obj: not any(_centre_inside(obj, box) for box in boxes)) if boxes else page
    left = min((char["x0"] for char in page.chars), default=0.0)
    for top, text in _paragraph_lines(outside, left):
        items.append((top, 0, text))
    for _, _, item in sorted(items, key=lambda entry: (entry[0], entry[1])):
        line += 1
        if isinstance(item, list):
            builder.row(line, item)
        else:
            builder.text(line, item)
    return line


def _paragraph_lines(page: Page, left: float) -> list[tuple[float, str]]:
    """Text lines outside the tables, a line wrapped by the page joined to the one before.

    A line wrapped when the first word of the next line would not have fitted at its end (the text
    area ends as far from the right edge as ``left``, the leftmost text of the page, starts from the
    left), the next line follows at line spacing and does not itself start a heading, a "Kèm theo"
    or unit line, a legend, a footnote or a list item.
    """
    lines = page.extract_text_lines(y_tolerance=_TEXT_LINE_TOLERANCE, return_chars=True)
    right_edge = page.width - left
    joined: list[tuple[float, str]] = []
    previous = None
    for line in lines:
        if previous is not None and not _starts_block(joined[-1][1]) and _wrapped(previous, line, right_edge):
            joined[-1] = (joined[-1][0], f"{joined[-1][1]} {line['text']}")
        else:
            joined.append((line["top"], line["text"]))
        previous = line
    return joined


def _starts_block(text: str) -> bool:
    """A line that is a unit of its own: the builder reads it by its start."""
    return bool(annex_heading(text) or UNIT_LINE_RE.match(text))


def _wrapped(previous: dict, line: dict, right_edge: float) -> bool:
    height = previous["bottom"] - previous["top"]
    if line["top"] - previous["bottom"] > height * _MAX_LINE_GAP or not line["chars"]:
        return False
    if any(pattern.match(line["text"]) for pattern in (ATTACHED_RE, UNIT_LINE_RE, LEGEND_START_RE, FOOTNOTE_LINE_RE, _ITEM_START_RE)):
        return False
    first_word = _first_word_width(line["chars"])
    return previous["x1"] + height * _SPACE_SHARE + first_word > right_edge + _EDGE_TOLERANCE


def _first_word_width(chars: list[dict]) -> float:
    end = chars[0]["x1"]
    for char in chars[1:]:
        size = char["bottom"] - char["top"]
        if char["text"] == " " or char["x0"] - end > size * _WORD_GAP_SHARE:
            break
        end = char["x1"]
    return end - chars[0]["x0"]


def _centre_inside(obj: dict, box: tuple[float, float, float, float]) -> bool:
    """A character belongs to a table when its centre does (a line right under a table touches it)."""
    if "x0" not in obj or "top" not in obj:
        return False
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _table_texts(table: Table, chars: list[dict]) -> list[list[str]]:
    """The text of every cell of a table, row by row (a cell covered by a merge is empty).

    Each character goes to the cell holding its centre: the cell of its row band or, inside a
    vertically merged cell, of a row above. One pass over the characters (``Table.extract`` crops
    the page once per cell, far slower on long documents).
    """
    rows = table.rows
    tops = [row.bbox[1] for row in rows]
    found: dict[tuple[int, int], list[dict]] = {}
    x0, top, x1, bottom = table.bbox
    for char in chars:
        x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        if char["text"] == " ":
            x = char["x0"]  # a space hanging at the end of a wrapped line may run past the cell border
        if not (x0 <= x <= x1 and top <= y <= bottom):
            continue
        for r in range(bisect_right(tops, y) - 1, -1, -1):
            c = next((i for i, box in enumerate(rows[r].cells) if box and box[0] <= x <= box[2] and box[1] <= y <= box[3]), None)
            if c is not None:
                found.setdefault((r, c), []).append(char)
                break
    return [[_cell_text(found.get((r, c), [])) for c in range(len(row.cells))] for r, row in enumerate(rows)]


def _cell_text(chars: list[dict]) -> str:
    """A cell's characters as one line of text: its printed lines joined by a space, except where a
    line ends inside a word (on a hyphen or slash with no space glyph after it: "7,5-" + "8,0")."""
    text = ""
    for line in _lines(chars):
        if text and (text.endswith(" ") or not _GLUED_END_RE.search(text)):
            text += " "
        previous = None
        for char in line:
            size = char["bottom"] - char["top"]
            if previous is not None and char["x0"] - previous["x1"] > size * _WORD_GAP_SHARE and " " not in (char["text"], previous["text"]):
                text += " "
            text += char["text"]
            previous = char
    return " ".join(text.split())


def _lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into printed lines (top to bottom), each left to right."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and abs(char["top"] - lines[-1][0]["top"]) <= _TEXT_LINE_TOLERANCE:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]
