"""The one intermediate every reader produces and the annex parser consumes.

A report file (today the tab-separated text of a PDF extraction; Word, PDF or Excel files go through
their own reader) becomes a :class:`ReportDocument`: per annex its heading, title lines, the
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
    lines = nfc(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    annexes: list[AnnexBlock] = []
    current: AnnexBlock | None = None
    pending_break = False
    in_notes = False
    for number, raw in enumerate(lines, start=1):
        heading = annex_heading(raw) if "\t" not in raw.strip() else None
        if heading:
            current = AnnexBlock(numeral=heading[0], heading_line=number)
            if heading[1]:
                current.title_lines.append(heading[1])
            annexes.append(current)
            pending_break, in_notes = False, False
            continue
        if current is None:
            continue
        stripped = raw.strip()
        if "\t" in raw and not in_notes and any(cell.strip() for cell in raw.split("\t")):
            current.grid.append(GridLine(number, [cell.strip() for cell in raw.split("\t")], pending_break))
            pending_break = False
            continue
        if not stripped:
            pending_break = bool(current.grid)
            continue
        if not current.grid:
            _preamble_line(current, stripped)
            continue
        if match := FOOTNOTE_LINE_RE.match(stripped):
            current.footnotes.append((number, match.group("mark"), match.group("text").strip()))
            pending_break = True
            continue
        if LEGEND_START_RE.match(stripped):
            in_notes = True
        current.notes.append((number, stripped))
        pending_break = True
    return ReportDocument(source=source, annexes=annexes)


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
