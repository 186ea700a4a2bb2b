"""Parse a report in the tab-separated annex layout into canonical :class:`Row` records.

The layout (tables extracted from a PDF): a ``Phụ lục <roman>`` heading, the annex title and a
``(Kèm theo Báo cáo số … ngày …)`` line, then a table whose header row repeats after every page
break, then a ``Ghi chú:`` legend of status markers. Nothing here is specific to one report.

Example:
    >>> report = parse_report(Path("data/raw/bao-cao-320-BC-UBND-2024-phu-luc.txt"))
    >>> report.rows_by_id()["320/BC-UBND:I:4"].facts["estimate"]["raw"]
    '31.500,00'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.cleaning import FOOTNOTE_MARKS, clean_cell, nfc, split_footnote_marks
from ingestion.columns import column_role
from ingestion.facts import indicator_facts, status_facts
from ingestion.models import Row, make_row_id

ANNEX_HEADING_RE = re.compile(r"^\s*PH[ỤU]\s*L[ỤU]C\s+([IVXLC]+|\d+)\s*[.:]?\s*$", re.IGNORECASE)
ATTACHED_RE = re.compile(
    r"Kèm theo\s+(?:Báo cáo|BC)\s+số\s+(?P<number>[\w./\-]+)\s+ngày\s+"
    r"(?:(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})[/-](?P<m2>\d{1,2})[/-](?P<y2>\d{4}))"
    r"(?:\s+của\s+(?P<issuer>[^)]+))?",
    re.IGNORECASE,
)
ROW_NUMBER_RE = re.compile(
    r"^(?P<num>\d+(?:\.\d+)*)\.?\s*(?:\((?P<marker>\*+)\))?"
    r"(?:\s*(?:và|,|;)\s*(?P<num2>\d+(?:\.\d+)*)\.?\s*(?:\((?P<marker2>\*+)\))?)?$"
)
LEGEND_START_RE = re.compile(r"^\s*Ghi\s*chú\s*:?\s*$", re.IGNORECASE)
LEGEND_ITEM_RE = re.compile(r"^\s*[-–•]?\s*\((?P<marker>\*+)\)\s*(?P<meaning>.+?)\s*$")
FOOTNOTE_LINE_RE = re.compile(rf"^\s*(?P<mark>[{FOOTNOTE_MARKS}]+)\s*(?P<text>.+)$")
SECTION_RE = re.compile(r"^(?P<letter>[A-ZĐ])\.\s+(?P<name>.+)$")
INDICATOR_RE = re.compile(r"^(?P<num>\d+)\.\s*(?P<name>.+)$")
SUBLINE_PREFIX_RE = re.compile(r"^(?:[-+.•]\s*|Trong đó\s*:\s*)+", re.IGNORECASE)
NUMBER_HEADERS = {"stt", "tt", "số tt", "so tt"}

MAX_FILE_BYTES = 20 * 1024 * 1024


class ParseError(ValueError):
    """A report that cannot be parsed; the message is bilingual and names the file and line."""

    def __init__(self, path: str, line: int | None, vi: str, en: str):
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {vi} / {en}")
        self.path, self.line, self.vi, self.en = path, line, vi, en


@dataclass
class ReportMeta:
    number: str
    date: str | None
    issuer: str | None
    source: str
    annexes: list[tuple[str, str]] = field(default_factory=list)  # (numeral, title)


@dataclass
class ParsedReport:
    meta: ReportMeta
    rows: list[Row]

    def rows_by_id(self) -> dict[str, Row]:
        return {row.id: row for row in self.rows}


@dataclass
class _Line:
    number: int
    text: str

    @property
    def cells(self) -> list[str]:
        return [cell.strip() for cell in self.text.split("\t")]

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()

    @property
    def is_table(self) -> bool:
        return "\t" in self.text


@dataclass
class _Draft:
    """A row being assembled from one or more physical lines."""

    row: str
    row_numbers: list[str]
    marker: str | None
    cells: list[str]
    lines: list[int]
    extra: list[list[str]] = field(default_factory=list)
    footnote_marks: list[tuple[str, str]] = field(default_factory=list)  # (column, mark)
    prefix: str = ""


# ---------------------------------------------------------------------------------------------
# File level


def read_report_text(path: Path) -> str:
    """Read and validate a report file; raise :class:`ParseError` with a clear message."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(name, None, f"không đọc được tệp ({exc.strerror})", f"cannot read file ({exc})") from exc
    return decode_report_bytes(data, name)


def decode_report_bytes(data: bytes, name: str) -> str:
    if not data.strip():
        raise ParseError(name, None, "tệp rỗng", "empty file")
    if len(data) > MAX_FILE_BYTES:
        raise ParseError(name, None, "tệp quá lớn", "file too large")
    if b"\x00" in data[:8192]:
        raise ParseError(name, None, "tệp nhị phân, không phải văn bản", "binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(name, line, "tệp không phải mã hóa UTF-8", "file is not UTF-8 encoded") from exc
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


def parse_report(path: Path) -> ParsedReport:
    return parse_report_text(read_report_text(path), str(path))


def parse_report_text(text: str, source: str = "<text>") -> ParsedReport:
    lines = [_Line(i + 1, raw) for i, raw in enumerate(text.split("\n"))]
    headings = [(i, m.group(1).upper()) for i, line in enumerate(lines) if (m := ANNEX_HEADING_RE.match(line.text))]
    if not headings:
        raise ParseError(source, None, "không tìm thấy tiêu đề 'Phụ lục' nào", "no 'Phụ lục' heading found")
    meta: ReportMeta | None = None
    blocks = []
    for position, (start, numeral) in enumerate(headings):
        end = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
        block = lines[start + 1 : end]
        title, attached = _annex_title(block)
        if attached and meta is None:
            meta = _meta_from(attached, source)
        blocks.append((numeral, title, block, lines[start].number))
    if meta is None:
        raise ParseError(
            source,
            headings[0][0] + 1,
            "không tìm thấy dòng '(Kèm theo Báo cáo số … ngày …)' để xác định số hiệu báo cáo",
            "no '(Kèm theo Báo cáo số … ngày …)' line naming the report",
        )
    rows: list[Row] = []
    for numeral, title, block, heading_line in blocks:
        meta.annexes.append((numeral, title))
        rows.extend(_parse_annex(meta, numeral, title, block, source, heading_line))
    return ParsedReport(meta=meta, rows=rows)


def _annex_title(block: list[_Line]) -> tuple[str, str | None]:
    title_parts: list[str] = []
    attached = None
    for line in block:
        if line.is_table or LEGEND_START_RE.match(line.text):
            break
        text = line.text.strip()
        if not text:
            continue
        if "Kèm theo" in text:
            before, _, after = text.partition("(Kèm theo")
            if before.strip():
                title_parts.append(before.strip())
            attached = "Kèm theo" + after if after else text
            continue
        title_parts.append(text)
    return " ".join(title_parts).strip(), attached


def _meta_from(attached: str, source: str) -> ReportMeta:
    match = ATTACHED_RE.search(attached)
    if not match:
        raise ParseError(source, None, f"không đọc được số hiệu/ngày báo cáo: {attached!r}", "cannot read report number/date")
    day = match.group("d") or match.group("d2")
    month = match.group("m") or match.group("m2")
    year = match.group("y") or match.group("y2")
    issuer = (match.group("issuer") or "").strip().rstrip(")").strip() or None
    return ReportMeta(
        number=match.group("number").rstrip(".,"),
        date=f"{int(year):04d}-{int(month):02d}-{int(day):02d}",
        issuer=issuer,
        source=Path(source).name,
    )


# ---------------------------------------------------------------------------------------------
# Annex level


def _parse_annex(meta: ReportMeta, numeral: str, title: str, block: list[_Line], source: str, heading_line: int) -> list[Row]:
    table_lines, legend, footnotes = _split_block(block)
    if not table_lines:
        return []
    header_line = table_lines[0]
    header = _trim(header_line.cells)
    sub_header: list[str] | None = None
    if len(table_lines) > 1 and _is_sub_header(header, table_lines[1]):
        sub_header = _trim(table_lines[1].cells)
    columns = _merge_headers(header, sub_header)
    width = len(columns)
    indicator_table = header[0].strip().lower() not in NUMBER_HEADERS

    drafts: list[_Draft] = []
    page_break = False
    previous_was_data = False
    for line in table_lines[1:] if sub_header is None else table_lines[2:]:
        if line.is_blank:
            page_break, previous_was_data = True, False
            continue
        if not line.is_table and not line.text.strip():
            continue
        cells = line.cells
        if _same_cells(cells, header) or (sub_header is not None and _same_cells(cells, sub_header)):
            page_break, previous_was_data = True, False
            continue
        if len(cells) > width:
            if any(cells[width:]):
                raise ParseError(
                    source,
                    line.number,
                    f"dòng có {len(_trim(cells))} ô, nhiều hơn tiêu đề bảng ({width} ô)",
                    f"row has more cells ({len(_trim(cells))}) than the table header ({width})",
                )
            cells = cells[:width]
        cells = cells + [""] * (width - len(cells))
        if not any(cells):
            continue
        _take_line(drafts, cells, line, indicator_table, page_break, previous_was_data, columns)
        page_break, previous_was_data = False, True

    kind = "indicator" if indicator_table else _task_kind(title, columns)
    return _finalise(meta, numeral, title, columns, drafts, legend, footnotes, kind)


def _split_block(block: list[_Line]) -> tuple[list[_Line], dict[str, str], dict[str, str]]:
    """Separate table lines (from the first tab line), the legend and footnote lines."""
    table: list[_Line] = []
    legend: dict[str, str] = {}
    footnotes: dict[str, str] = {}
    in_legend = False
    started = False
    for line in block:
        if LEGEND_START_RE.match(line.text):
            in_legend = True
            continue
        if in_legend:
            if match := LEGEND_ITEM_RE.match(line.text):
                meaning = match.group("meaning").strip().strip("*").strip().rstrip(";.").strip()
                legend[match.group("marker")] = meaning
            continue
        if not line.is_table and (match := FOOTNOTE_LINE_RE.match(line.text)):
            footnotes[match.group("mark")] = clean_cell(match.group("text"))
            continue
        if line.is_table:
            started = True
            table.append(line)
        elif started:
            # Blank (or stray whitespace) lines mark page breaks inside the table.
            table.append(_Line(line.number, ""))
    return table, legend, footnotes


def _trim(cells: list[str]) -> list[str]:
    out = list(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _same_cells(cells: list[str], header: list[str]) -> bool:
    return _trim(cells) == header


def _is_sub_header(header: list[str], line: _Line) -> bool:
    """A second header line: right after the header, first cell empty, header has merged spans."""
    cells = line.cells
    if not line.is_table or cells[0] or not any(cells):
        return False
    if "" not in header[1:]:
        return False
    return not any(re.fullmatch(r"[\d.,%\s<>\-–]+", cell) for cell in cells if cell)


def _merge_headers(header: list[str], sub: list[str] | None) -> list[str]:
    """Two-line headers: 'Năm 2024' spanning 'Nghị quyết HĐND TP' → 'Năm 2024 – Nghị quyết HĐND TP'."""
    if not sub:
        return [cell or f"Cột {i + 1}" for i, cell in enumerate(header)]
    width = max(len(header), len(sub))
    header = header + [""] * (width - len(header))
    sub = sub + [""] * (width - len(sub))
    merged: list[str] = []
    current_top = ""
    for i in range(width):
        top = header[i]
        if top:
            current_top = top
        elif not sub[i]:
            current_top = ""
        if sub[i]:
            merged.append(f"{current_top} – {sub[i]}" if current_top else sub[i])
        else:
            merged.append(top or f"Cột {i + 1}")
    return merged


def _task_kind(title: str, columns: list[str]) -> str:
    if "dự án" in title.lower() or any(column_role(col) == "funding" for col in columns):
        return "project"
    return "task"


# ---------------------------------------------------------------------------------------------
# Line level


def _take_line(
    drafts: list[_Draft],
    cells: list[str],
    line: _Line,
    indicator_table: bool,
    page_break: bool,
    previous_was_data: bool,
    columns: list[str],
) -> None:
    first = cells[0]
    if indicator_table:
        drafts.append(_Draft(row="", row_numbers=[], marker=None, cells=cells, lines=[line.number]))
        return
    match = ROW_NUMBER_RE.match(first) if first else None
    if match:
        numbers = [match.group("num")] + ([match.group("num2")] if match.group("num2") else [])
        row = " và ".join(numbers)
        marker = match.group("marker") or match.group("marker2")
        drafts.append(_Draft(row=row, row_numbers=numbers, marker=marker, cells=cells, lines=[line.number]))
        return
    if not drafts:
        # Text before the first numbered row: keep it as an unnumbered row rather than drop it.
        drafts.append(_Draft(row=str(len(drafts) + 1), row_numbers=[], marker=None, cells=cells, lines=[line.number]))
        return
    previous = drafts[-1]
    previous.lines.append(line.number)
    if not first and previous_was_data and not page_break and _fills_only_some(cells):
        previous.extra.append(cells)
    else:
        _merge_continuation(previous, cells)


def _fills_only_some(cells: list[str]) -> bool:
    """An unnumbered sub-row of the same row (no page break), e.g. Phụ lục V 2.3."""
    return not cells[0] and not cells[1]


def _merge_continuation(draft: _Draft, cells: list[str]) -> None:
    """Merge a row continued across a page break into the row it continues, cell by cell."""
    for i, cell in enumerate(cells):
        if not cell:
            continue
        before = draft.cells[i]
        if before and cell.lower().startswith("<p>") and not re.search(r"[.;:!?]\s*(</p>)?\s*$", before):
            cell = cell[3:].lstrip()  # a paragraph tag opened only because the page broke
        draft.cells[i] = f"{before} {cell}".strip() if before else cell


# ---------------------------------------------------------------------------------------------
# Records


def _finalise(
    meta: ReportMeta,
    numeral: str,
    title: str,
    columns: list[str],
    drafts: list[_Draft],
    legend: dict[str, str],
    footnotes: dict[str, str],
    kind: str,
) -> list[Row]:
    if kind == "indicator":
        return _indicator_rows(meta, numeral, title, columns, drafts)
    return _task_rows(meta, numeral, title, columns, drafts, legend, footnotes, kind)


def _clean_cells(columns: list[str], raw: list[str], skip_first: bool) -> tuple[dict[str, str], list[tuple[str, str]]]:
    cells: dict[str, str] = {}
    marks: list[tuple[str, str]] = []
    for i, column in enumerate(columns):
        if skip_first and i == 0:
            continue
        text, found = split_footnote_marks(clean_cell(raw[i]) if i < len(raw) else "")
        cells[column] = text
        marks.extend((column, mark) for mark in found)
    return cells, marks


def _task_rows(
    meta: ReportMeta,
    numeral: str,
    title: str,
    columns: list[str],
    drafts: list[_Draft],
    legend: dict[str, str],
    footnotes: dict[str, str],
    kind: str,
) -> list[Row]:
    name_column = next((c for c in columns if column_role(c) == "name"), columns[1] if len(columns) > 1 else columns[0])
    numbers = {number for draft in drafts for number in draft.row_numbers}
    parent_of = {}
    for draft in drafts:
        for number in draft.row_numbers:
            if "." in number and number.rsplit(".", 1)[0] in numbers:
                parent_of[draft.row] = number.rsplit(".", 1)[0]
    children: dict[str, list[str]] = {}
    for child, parent in parent_of.items():
        children.setdefault(parent, []).append(child)

    built: list[tuple[_Draft, dict[str, str], list[dict[str, str]], list[str]]] = []
    group_rows: set[str] = set()
    for draft in drafts:
        cells, marks = _clean_cells(columns, draft.cells, skip_first=True)
        extra = []
        for sub in draft.extra:
            sub_cells, sub_marks = _clean_cells(columns, sub, skip_first=True)
            extra.append({k: v for k, v in sub_cells.items() if v})
            marks.extend(sub_marks)
        notes = [f"{mark} {footnotes[mark]}" for _, mark in marks if mark in footnotes]
        only_name = all(not v for k, v in cells.items() if k != name_column) and not extra
        if only_name and draft.marker is None and draft.row in children and "." not in draft.row:
            group_rows.add(draft.row)
        built.append((draft, cells, extra, notes))

    by_number = {draft.row: cells for draft, cells, _, _ in built}
    rows = []
    for order, (draft, cells, extra, notes) in enumerate(built):
        parent = parent_of.get(draft.row)
        group = parent if parent in group_rows else None
        if group is None and parent and parent_of.get(parent) in group_rows:
            group = parent_of[parent]
        row_kind = "group" if draft.row in group_rows else kind
        facts = {} if row_kind == "group" else status_facts(columns, cells, extra)
        rows.append(
            _make_row(
                meta,
                numeral,
                title,
                draft,
                order=order,
                kind=row_kind,
                name=cells.get(name_column, ""),
                marker_meaning=legend.get(draft.marker) if draft.marker else None,
                group=group,
                group_title=by_number.get(group, {}).get(name_column) if group else None,
                parent=None if parent in group_rows else parent,
                children=children.get(draft.row, []),
                cells=cells,
                extra=extra,
                footnotes=notes,
                facts=facts,
            )
        )
    return rows


def _indicator_rows(meta: ReportMeta, numeral: str, title: str, columns: list[str], drafts: list[_Draft]) -> list[Row]:
    rows: list[Row] = []
    section: tuple[str, str] | None = None
    indicator: str | None = None
    sub_count = 0
    children: dict[str, list[str]] = {}
    pending: list[tuple[_Draft, str, str, str | None, str]] = []  # draft, row, kind, parent, name
    for draft in drafts:
        first = clean_cell(draft.cells[0])
        has_values = any(cell for cell in draft.cells[1:])
        if (match := SECTION_RE.match(first)) and not has_values:
            section = (match.group("letter"), match.group("name").strip())
            indicator = None
            pending.append((draft, section[0], "group", None, section[1]))
            continue
        if match := INDICATOR_RE.match(first):
            indicator, sub_count = match.group("num"), 0
            pending.append((draft, indicator, "indicator", None, match.group("name").strip()))
            continue
        name = SUBLINE_PREFIX_RE.sub("", first).strip()
        if not name and not has_values:
            continue  # a bare "Trong đó:" label
        if indicator is None:
            sub_count += 1
            pending.append((draft, f"{section[0] if section else 'X'}.{sub_count}", "indicator", None, name))
            continue
        sub_count += 1
        row = f"{indicator}.{sub_count}"
        children.setdefault(indicator, []).append(row)
        pending.append((draft, row, "indicator", indicator, name))

    section_titles = {row: name for _, row, kind, _, name in pending if kind == "group"}
    section_children: dict[str, list[str]] = {}
    current_section = None
    for order, (draft, row, kind, parent, name) in enumerate(pending):
        if kind == "group":
            current_section = row
        elif parent is None and current_section:
            section_children.setdefault(current_section, []).append(row)
        draft.row, draft.row_numbers = row, [row]
        cells, marks = _clean_cells(columns, draft.cells, skip_first=False)
        facts = {} if kind == "group" else indicator_facts(columns, cells, name)
        rows.append(
            _make_row(
                meta,
                numeral,
                title,
                draft,
                order=order,
                kind=kind,
                name=name,
                marker_meaning=None,
                group=current_section if kind != "group" else None,
                group_title=section_titles.get(current_section) if kind != "group" and current_section else None,
                parent=parent,
                children=children.get(row, []) if kind != "group" else section_children.get(row, []),
                cells=cells,
                extra=[],
                footnotes=[],
                facts=facts,
            )
        )
    # Section children are only known once the section is over.
    for row in rows:
        if row.kind == "group":
            row.children = section_children.get(row.row, [])
            row.content_hash = row.compute_hash()
    return rows


def _make_row(
    meta: ReportMeta,
    numeral: str,
    title: str,
    draft: _Draft,
    *,
    order: int,
    kind: str,
    name: str,
    marker_meaning: str | None,
    group: str | None,
    group_title: str | None,
    parent: str | None,
    children: list[str],
    cells: dict[str, str],
    extra: list[dict[str, str]],
    footnotes: list[str],
    facts: dict,
) -> Row:
    row = Row(
        id=make_row_id(meta.number, numeral, draft.row),
        report=meta.number,
        report_date=meta.date,
        issuer=meta.issuer,
        annex=numeral,
        annex_title=title,
        row=draft.row,
        row_numbers=draft.row_numbers,
        order=order,
        kind=kind,
        name=name,
        marker=draft.marker,
        marker_meaning=marker_meaning,
        group=group,
        group_title=group_title,
        parent=parent,
        children=children,
        cells=cells,
        extra_values=extra,
        footnotes=footnotes,
        facts=facts,
        text="",
        source_lines=draft.lines,
    )
    row.text = render_row_text(row, meta)
    row.content_hash = row.compute_hash()
    return row


def render_row_text(row: Row, meta: ReportMeta | None = None) -> str:
    """A readable one-paragraph rendering of the whole row (used for display and embedding)."""
    date = row.report_date or ""
    head = f"Báo cáo số {row.report}" + (f" ngày {_vn_date(date)}" if date else "")
    label = {"indicator": "Chỉ tiêu", "group": "Nhóm", "project": "Dự án", "task": "Nhiệm vụ"}[row.kind]
    parts = [f"{head}, Phụ lục {row.annex}: {row.annex_title}."]
    if row.group_title:
        parts.append(f"Nhóm {row.group}: {row.group_title}.")
    marker = f" ({'*' * len(row.marker)}: {row.marker_meaning or 'không có chú giải'})" if row.marker else ""
    parts.append(f"{label} {row.row}{marker}: {row.name}.")
    for column, value in row.cells.items():
        if not value or value == row.name:
            continue
        parts.append(f"{column}: {_one_line(value)}.")
    for i, extra in enumerate(row.extra_values, start=1):
        values = "; ".join(f"{k}: {_one_line(v)}" for k, v in extra.items())
        parts.append(f"Giá trị bổ sung {i}: {values}.")
    for note in row.footnotes:
        parts.append(f"Chú thích {_one_line(note)}.")
    return re.sub(r"\.\.+", ".", " ".join(parts))


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text).strip().rstrip(".")


def _vn_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{int(day):02d}/{int(month):02d}/{year}"
