"""The one intermediate every reader produces and the annex parser consumes.

A report file (the tab-separated text layout here; Word, PDF or Excel files through their readers in
:mod:`ingestion.readers`, all feeding one :class:`DocumentBuilder`) becomes a :class:`ReportDocument`:
per annex its heading, title lines, the
"(Kèm theo Báo cáo số … ngày …)" line, the table as a grid of cells with page breaks marked, and the
lines after the table (legend, notes, footnotes). Nothing here interprets a table.

Example:
    >>> doc = read_text_document(Path("data/raw/bao-cao-320-BC-UBND-2024-phu-luc.txt").read_text())
    >>> [a.numeral for a in doc.annexes]
    ['I', 'II', 'III', 'IV', 'V']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingestion.cleaning import FOOTNOTE_MARKS, nfc

ANNEX_HEADING_RE = re.compile(
    r"^\s*PH[ỤU]\s*L[ỤU]C\s+(?:SỐ\s+)?(?P<numeral>[IVXLC]+|\d+)(?![\w])\s*(?:[.:\-–—]\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
ATTACHED_RE = re.compile(r"\(?\s*Kèm\s+theo\b", re.IGNORECASE)
UNIT_LINE_RE = re.compile(r"^\(?\s*(?:Đơn\s+vị\s+tính|ĐVT|Đơn\s+vị)\s*:\s*(?P<unit>[^)]+?)\s*\)?\s*$", re.IGNORECASE)
LEGEND_START_RE = re.compile(r"^\s*(?:\*\s*)?Ghi\s*chú\s*[:.]?\s*(?P<rest>.*)$", re.IGNORECASE)
FOOTNOTE_LINE_RE = re.compile(rf"^\s*(?P<mark>[{FOOTNOTE_MARKS}]+)\s*(?P<text>.+)$")


@dataclass
class GridLine:
    """One physical table line: its cells (stripped) and whether a page break came just before it."""

    line: int
    cells: list[str]
    page_break: bool = False

    @property
    def filled(self) -> list[str]:
        return [cell for cell in self.cells if cell]


@dataclass
class AnnexBlock:
    """Everything of one annex, uninterpreted."""

    numeral: str
    heading_line: int
    title_lines: list[str] = field(default_factory=list)
    attached: str | None = None
    unit: str | None = None
    grid: list[GridLine] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)  # legend and other lines after the table
    footnotes: list[tuple[int, str, str]] = field(default_factory=list)  # (line, mark, text)

    @property
    def title(self) -> str:
        return " ".join(" ".join(self.title_lines).split())


@dataclass
class ReportDocument:
    source: str
    annexes: list[AnnexBlock]


def annex_heading(text: str) -> tuple[str, str] | None:
    """``"PHỤ LỤC 2: DANH MỤC …"`` → ``("2", "DANH MỤC …")``; ``None`` for any other line."""
    match = ANNEX_HEADING_RE.match(text)
    if not match:
        return None
    return match.group("numeral").upper(), (match.group("rest") or "").strip()


def read_text_document(text: str, source: str = "<text>") -> ReportDocument:
    """The tab-separated text layout: a tab marks a table line, a blank line a page break."""
    builder = DocumentBuilder(source)
    lines = nfc(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(lines, start=1):
        if "\t" not in raw.strip() and annex_heading(raw):
            builder.text(number, raw)
        elif "\t" in raw and any(cell.strip() for cell in raw.split("\t")):
            builder.row(number, raw.split("\t"))
        elif not raw.strip():
            builder.gap()
        else:
            builder.text(number, raw)
    return builder.document()


class DocumentBuilder:
    """Builds the annex blocks from reader events, the same for every file format.

    A reader calls :meth:`text` for a line outside any table (title, "Kèm theo …", legend),
    :meth:`row` for a table row (its cells left to right, a merged cell's text in its first cell and
    the cells it covers empty) and :meth:`gap` for a page break (the .txt layout's blank line).
    """

    def __init__(self, source: str):
        self.source = source
        self.annexes: list[AnnexBlock] = []
        self._current: AnnexBlock | None = None
        self._pending_break = False
        self._in_notes = False

    def text(self, line: int, text: str) -> None:
        """A line of text outside the tables: a heading starts an annex; before the table it is title,
        "Kèm theo …" or unit; after it a note, legend line or footnote."""
        text = nfc(text)
        if heading := annex_heading(text):
            self._current = AnnexBlock(numeral=heading[0], heading_line=line)
            if heading[1]:
                self._current.title_lines.append(heading[1])
            self.annexes.append(self._current)
            self._pending_break, self._in_notes = False, False
            return
        self._body_text(line, text)

    def _body_text(self, line: int, text: str) -> None:
        current = self._current
        stripped = text.strip()
        if current is None:
            return
        if not stripped:
            self.gap()
            return
        if not current.grid:
            _preamble_line(current, stripped)
            return
        if match := FOOTNOTE_LINE_RE.match(stripped):
            current.footnotes.append((line, match.group("mark"), match.group("text").strip()))
            self._pending_break = True
            return
        if LEGEND_START_RE.match(stripped):
            self._in_notes = True
        current.notes.append((line, stripped))
        self._pending_break = True

    def row(self, line: int, cells: list[str]) -> None:
        """A table row; a row after the legend is read as a note line, an empty row is skipped."""
        if self._current is None:
            return
        if self._in_notes:
            self._body_text(line, nfc("\t".join(cells)))
            return
        cells = [nfc(cell).strip() for cell in cells]
        if not any(cells):
            return
        self._current.grid.append(GridLine(line, cells, self._pending_break))
        self._pending_break = False

    def gap(self) -> None:
        """A page break (or the .txt layout's blank line): the next table row starts a new page."""
        if self._current is not None:
            self._pending_break = bool(self._current.grid)

    def document(self) -> ReportDocument:
        return ReportDocument(source=self.source, annexes=self.annexes)


def _preamble_line(annex: AnnexBlock, text: str) -> None:
    """Title lines, the "(Kèm theo …)" line and an "Đơn vị tính: …" line before the table."""
    if match := UNIT_LINE_RE.match(text):
        annex.unit = match.group("unit").strip()
        return
    if (attached := ATTACHED_RE.search(text)) and annex.attached is None:
        if text[: attached.start()].strip():
            annex.title_lines.append(text[: attached.start()].strip())
        annex.attached = "Kèm theo" + text[attached.end() :]
        return
    annex.title_lines.append(text)
