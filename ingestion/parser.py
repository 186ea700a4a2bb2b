"""Parse a report (any reader's :class:`~ingestion.document.ReportDocument`) into canonical rows.

The parser reads structure, not one report: the header lines of each table (one to three, merged,
in any order and wording) give each column a role; column-number lines ("(1) (2) … (6)=(5)/(3)") and
headers repeated after page breaks are skipped; each line is classified by its label — Roman numeral
or capital-letter group headings, numbered items at any depth ("5.1.2"), lettered sub-items ("a)"),
unnumbered sub-lines ("- …", "Trong đó: …"), total rows ("TỔNG CỘNG", "Cộng", "Tổng số"), rows
continued across a page break — and placed in a tree. Markers may follow the number or the name.
Row ids are unique by construction: when numbering restarts in every group, labels are qualified
by their group ("II.1"); a label that is still repeated is an ingestion error naming both lines.

Example:
    >>> report = parse_report(Path("data/raw/bao-cao-320-BC-UBND-2024-phu-luc.txt"))
    >>> report.rows_by_id()["320/BC-UBND:I:4"].facts["estimate"]["raw"]
    '31.500,00'
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.cleaning import clean_cell, nfc, split_footnote_marks
from ingestion.columns import NUMERIC_ROLES, ColumnInfo, column_info
from ingestion.document import AnnexBlock, GridLine, ReportDocument, read_text_document
from ingestion.errors import ParseError
from ingestion.facts import row_facts, verdict_class
from ingestion.models import Annex, Row, make_row_id
from ingestion.numbers import parse_typed_value
from ingestion.readers import Progress, read_document
from structured.lexicon import find_phrases, fold, fold_tokens, lexicon

ATTACHED_RE = re.compile(
    r"Kèm\s+theo\s+(?P<doctype>Báo\s+cáo|BC|Tờ\s+trình|Kế\s+hoạch|Quyết\s+định|Công\s+văn|Nghị\s+quyết|Thông\s+báo|"
    r"Chương\s+trình|Văn\s+bản)?\s*(?:số\s*:?\s*)?(?P<number>\d+[\w./&\-Đđ]*)"
    r"(?:\s+ngày\s+(?:(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})\s*[/.-]\s*(?P<m2>\d{1,2})\s*[/.-]\s*(?P<y2>\d{4})))?"
    r"(?:\s+của\s+(?P<issuer>[^)]+))?",
    re.IGNORECASE,
)
_ROMAN = r"(?=[IVX])(?:X{0,3})(?:IX|IV|V?I{0,3})"
_ARABIC = r"\d+(?:\.\d+)*"
_LABEL_CELL_RE = re.compile(
    rf"^(?P<label>{_ARABIC}|{_ROMAN}|[A-ZĐ]|[a-zđ])\s*(?P<close>[.):])?\s*(?:\(\s*(?P<m1>\*{{1,5}})\s*\)|(?P<m2>\*{{1,5}}))?"
    rf"(?:\s*(?:và|,|;|&)\s*(?P<label2>{_ARABIC})\s*[.)]?\s*(?:\(\s*(?P<m3>\*{{1,5}})\s*\)|(?P<m4>\*{{1,5}}))?)?\s*$"
)
_NAME_PREFIX_RE = re.compile(
    rf"^(?:(?P<arabic>{_ARABIC})[.)]\s*(?=[^\d\s.,])|(?P<upper>{_ROMAN}|[A-ZĐ])[.)]\s+(?=\S)|(?P<lower>[a-zđ])\)\s*(?=\S))"
)
_BULLET_RE = re.compile(r"^(?:[-+•–·∙]|\.(?=\s))\s*")
_NAME_MARKER_RE = re.compile(r"\s*\(\s*(\*{1,5})\s*\)\s*$")
_COLUMN_NUMBER_CELL_RE = re.compile(r"^\(?[0-9A-Za-z]{1,2}\)?(?:\s*[=*/+x×:\-]\s*\(?[0-9A-Za-z]{1,2}\)?)*$")
_YEAR_ONLY_RE = re.compile(r"^(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?$")
_LEGEND_ITEM_RE = re.compile(r"^\s*[-–•+]?\s*\(\s*(?P<marker>\*{1,5})\s*\)\s*[:.\-–]?\s*(?P<meaning>.+?)\s*$")
_BARE_LEGEND_ITEM_RE = re.compile(r"^\s*[-–•+]?\s*(?P<marker>\*{1,5})\s*[:.\-–]?\s+(?P<meaning>\S.+?)\s*$")
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_HEADER_LINES = 3  # merged headers of the family have one to three lines
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


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
    annexes: list[Annex] = field(default_factory=list)

    def rows_by_id(self) -> dict[str, Row]:
        return {row.id: row for row in self.rows}


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


def parse_report(path: Path, progress: Progress | None = None) -> ParsedReport:
    """A report file of any accepted format (.txt, .docx, .xlsx, .pdf: sniffed from its bytes)."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(name, None, f"không đọc được tệp ({exc.strerror})", f"cannot read file ({exc})") from exc
    return parse_report_bytes(data, name, progress)


def parse_report_bytes(data: bytes, name: str, progress: Progress | None = None) -> ParsedReport:
    """The bytes of an uploaded or stored report → rows; nothing is kept if any part fails."""
    if not data.strip():
        raise ParseError(name, None, "tệp rỗng", "empty file")
    if len(data) > MAX_FILE_BYTES:
        raise ParseError(name, None, "tệp quá lớn", "file too large")
    document = read_document(data, name, progress)
    if document is None:
        return parse_report_text(decode_report_bytes(data, name), name)
    return parse_document(document)


def parse_report_text(text: str, source: str = "<text>") -> ParsedReport:
    return parse_document(read_text_document(text, source))


def parse_document(doc: ReportDocument) -> ParsedReport:
    """Every annex of a document → rows (ids unique in the report) and annex records."""
    source = doc.source
    if not doc.annexes:
        raise ParseError(source, None, "không tìm thấy tiêu đề 'Phụ lục' nào", "no 'Phụ lục' heading found")
    attached = next((a for a in doc.annexes if a.attached), None)
    if attached is None:
        raise ParseError(
            source,
            doc.annexes[0].heading_line,
            "không tìm thấy dòng '(Kèm theo Báo cáo số … ngày …)' để xác định số hiệu báo cáo",
            "no '(Kèm theo Báo cáo số … ngày …)' line naming the report",
        )
    meta = _meta_from(attached.attached or "", source, attached.heading_line)
    seen_annexes: dict[str, int] = {}
    rows: list[Row] = []
    annexes: list[Annex] = []
    for block in doc.annexes:
        if block.numeral in seen_annexes:
            raise ParseError(
                source,
                block.heading_line,
                f"Phụ lục {block.numeral} xuất hiện hai lần (dòng {seen_annexes[block.numeral]} và {block.heading_line})",
                f"annex {block.numeral} appears twice",
            )
        seen_annexes[block.numeral] = block.heading_line
        meta.annexes.append((block.numeral, block.title))
        annex, annex_rows = _parse_annex(meta, block, source)
        annexes.append(annex)
        rows.extend(annex_rows)
    return ParsedReport(meta=meta, rows=rows, annexes=annexes)


def _meta_from(attached: str, source: str, line: int) -> ReportMeta:
    match = ATTACHED_RE.search(attached)
    if not match:
        raise ParseError(source, line, f"không đọc được số hiệu/ngày báo cáo: {attached!r}", "cannot read report number/date")
    day, month, year = (match.group("d") or match.group("d2"), match.group("m") or match.group("m2"), match.group("y") or match.group("y2"))
    issuer = (match.group("issuer") or "").strip().rstrip(")").strip() or None
    return ReportMeta(
        number=match.group("number").rstrip(".,;"),
        date=f"{int(year):04d}-{int(month):02d}-{int(day):02d}" if year else None,
        issuer=issuer,
        source=Path(source).name,
    )


# ---------------------------------------------------------------------------------------------
# Table header


def _trim(cells: list[str]) -> list[str]:
    out = list(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _value_like(cell: str) -> bool:
    """A data value (number, range, threshold), not a year or a header's "(%)"."""
    text = cell.strip()
    if not text or _YEAR_ONLY_RE.match(text) or text in ("(%)", "%"):
        return False
    typed = parse_typed_value(text)
    return not typed.text and typed.unit is None


def is_column_number_line(cells: list[str]) -> bool:
    """ "(1) (2) (3) (4) (5) (6)=(5)/(3)" or "1 2 3 4 5": the line numbering the columns."""
    filled = [c for c in cells if c]
    if len(filled) < 3 or not all(_COLUMN_NUMBER_CELL_RE.match(c) for c in filled):
        return False
    if sum(c.startswith("(") for c in filled) >= len(filled) / 2:
        return True
    numbers = [int(c) for c in filled if c.isdigit()]
    return len(numbers) == len(filled) and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _header_words() -> object:
    return lexicon().phrase_index("columns")


def _looks_like_label(cell: str) -> bool:
    return bool(cell) and (bool(_LABEL_CELL_RE.match(cell)) or bool(_NAME_PREFIX_RE.match(cell)) or _is_total(cell))


def _is_header_continuation(line: GridLine, header: list[GridLine]) -> bool:
    """A second or third header line: no values, no row label; its first cell empty or a header word."""
    if line.page_break or is_column_number_line(line.cells) or not line.filled:
        return False
    if any(_value_like(c) for c in line.cells):
        return False
    first = line.cells[0]
    if first and (_looks_like_label(first) or not find_phrases(fold_tokens(first), _header_words())):
        return False
    top_width = len(_trim(header[0].cells))
    return len(_trim(line.cells)) <= max(top_width, len(_trim(line.cells))) and any(
        find_phrases(fold_tokens(c), _header_words()) or len(c.split()) <= 6 for c in line.filled
    )


def _split_header(grid: list[GridLine], source: str) -> tuple[list[GridLine], list[GridLine]]:
    first = grid[0]
    if _looks_like_label(first.cells[0]) or any(_value_like(c) for c in first.cells):
        raise ParseError(
            source,
            first.line,
            "bảng không có dòng tiêu đề cột (dòng đầu tiên đã là số liệu)",
            "the table has no header line (its first line is data)",
        )
    header = [first]
    index = 1
    while index < len(grid) and len(header) < MAX_HEADER_LINES and _is_header_continuation(grid[index], header):
        header.append(grid[index])
        index += 1
    return header, grid[index:]


def merge_headers(lines: list[list[str]]) -> list[str]:
    """Header lines (top first) → one header per column: a top cell spans the columns to its right
    whose top is empty while a lower line names them.

    Example: ``merge_headers([["Chỉ tiêu", "Năm 2024", ""], ["", "Nghị quyết", "Ước TH"]])``
    → ``["Chỉ tiêu", "Năm 2024 – Nghị quyết", "Năm 2024 – Ước TH"]``.
    """
    width = max(len(_trim(line)) for line in lines)
    grid = [list(line[:width]) + [""] * (width - len(line[:width])) for line in lines]
    merged: list[str] = []
    carried = [""] * len(grid)
    for col in range(width):
        parts = []
        for level, line in enumerate(grid):
            text = " ".join(line[col].split())
            below = any(grid[deeper][col] for deeper in range(level + 1, len(grid)))
            if text:
                carried[level] = text
            elif not below:
                carried[level] = ""
            label = text or (carried[level] if below else "")
            if label and (not parts or parts[-1] != label):
                parts.append(label)
        merged.append(" – ".join(parts) or f"Cột {col + 1}")
    return merged


# ---------------------------------------------------------------------------------------------
# Columns of one table


@dataclass
class _Table:
    columns: list[str]
    infos: list[ColumnInfo]
    kind: str
    year: int | None
    number_col: int | None
    name_col: int

    @property
    def roles(self) -> dict[str, str]:
        return {info.header: info.role for info in self.infos if info.role}


def _table_year(headers: list[str], report_year: int | None) -> int | None:
    years = [column_info(h).year for h in headers if column_info(h).role in ("target", "estimate", "capital_plan")]
    years = [y for y in years if y]
    return max(years) if years else report_year


NUMERIC_COLUMN_SHARE = 0.6  # most cells numbers: a value column whatever its header says (a few notes allowed)


def _column_values(body: list[GridLine], col: int) -> list[str]:
    return [line.cells[col].strip() for line in body if col < len(line.cells) and line.cells[col].strip()]


def _verdict_share(values: list[str]) -> float:
    if not values:
        return 0.0
    return sum(verdict_class(v) is not None for v in values) / len(values)


def _describe_columns(headers: list[str], body: list[GridLine], title: str, report_year: int | None) -> _Table:
    year = _table_year(headers, report_year)
    infos = [column_info(h, year) for h in headers]
    roles = [info.role for info in infos]
    money = any(r in ("total_investment", "disbursed", "disbursement_rate") for r in roles)
    for i, info in enumerate(infos):
        values = _column_values(body, i)
        long_text = bool(values) and sum(len(v) for v in values) / len(values) > 60
        role = info.role
        if role == "target" and (money or (info.unit and "unit" not in roles)) and "capital_plan" not in roles:
            role = "capital_plan"  # "Kế hoạch năm 2025 (triệu đồng)" of an investment table is the capital plan
        elif role == "name" and values and sum(_value_like(v) for v in values) / len(values) >= NUMERIC_COLUMN_SHARE:
            role = None  # "Giấy phép – Công trình khác" holds counts: a header word, not the rows' names
        elif role in ("verdict", "note"):
            share = _verdict_share(values)
            role = "verdict" if share >= 0.6 else ("status" if long_text and "status" not in roles else "note")
        elif role is None and long_text and "status" not in roles:
            role = "status"
        if role != info.role:
            infos[i] = ColumnInfo(info.header, role, info.year, info.as_of, info.unit, info.cumulative)
            roles[i] = role
    number_col = next((i for i, r in enumerate(roles) if r == "number"), None)
    name_col = next((i for i, r in enumerate(roles) if r == "name"), None)
    if name_col is None:
        name_col = 1 if number_col == 0 and len(headers) > 1 else 0
        infos[name_col] = ColumnInfo(infos[name_col].header, "name")
    kind = _table_kind(roles, title)
    return _Table(headers, infos, kind, year, number_col, name_col)


def _table_kind(roles: list[str | None], title: str) -> str:
    if any(r in ("total_investment", "disbursed", "disbursement_rate", "capital_plan") for r in roles):
        return "project"
    if "unit" in roles or ("estimate" in roles and "status" not in roles):
        return "indicator"
    folded = fold(title)
    return "project" if re.search(r"\b(du an|cong trinh)\b", folded) else "task"


# ---------------------------------------------------------------------------------------------
# Line level


@dataclass
class _Node:
    """One record being assembled from one or more physical lines."""

    type: str  # letter | roman | arabic | lower | sub | total
    printed: str
    numbers: list[str]
    marker: str | None
    cells: list[str]
    lines: list[int]
    name: str = ""
    extra: list[list[str]] = field(default_factory=list)
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    label: str = ""
    base: str = ""
    total_of: _Node | None = None
    kind: str = ""

    @property
    def is_group_type(self) -> bool:
        return self.type in ("letter", "roman")


def _is_total(text: str) -> bool:
    folded = re.sub(r"\(.*?\)", " ", fold(text)).replace(":", " ")
    words = folded.split()
    if not words:
        return False
    phrases = sorted((tuple(fold_tokens(p)) for p in lexicon().phrases("total_rows")["total_rows"]), key=len, reverse=True)
    for phrase in phrases:
        if tuple(words[: len(phrase)]) == phrase:
            rest = words[len(phrase) :]
            return len(rest) <= 3 and all(re.fullmatch(r"[ivxlc]+|[a-z]|nhom|toan|tinh|thanh|pho|chung|cac|\+|[0-9]+", w) for w in rest)
    return False


def _marker_of(*groups: str | None) -> str | None:
    return next((g for g in groups if g), None)


def _classify(cells: list[str], table: _Table) -> tuple[str, str, list[str], str | None, str]:
    """(type, printed label, numbers, marker, name) of a line; type '' when the line has no label."""
    label_text = cells[table.number_col] if table.number_col is not None else ""
    name = cells[table.name_col] if table.name_col < len(cells) else ""
    if label_text and _is_total(label_text) and not name:
        return "total", label_text, [], None, label_text
    if name and _is_total(name) and not label_text:
        return "total", name, [], None, name
    if label_text:
        match = _LABEL_CELL_RE.match(label_text)
        if match:
            label = match.group("label")
            marker = _marker_of(match.group("m1"), match.group("m2"), match.group("m3"), match.group("m4"))
            numbers = [label] + ([match.group("label2")] if match.group("label2") else [])
            if re.fullmatch(_ARABIC, label):
                return "arabic", label, numbers, marker, name
            if re.fullmatch(r"[a-zđ]", label):
                return "lower", label, [label], marker, name
            return "upper", label, [label], marker, name
        if _BULLET_RE.fullmatch(label_text) or label_text in ("-", "+", "•"):
            return "sub", label_text, [], None, name
        if fold(label_text).rstrip(":") in lexicon().words("of_which"):
            return "sub", "", [], None, name
        name = f"{label_text} {name}".strip()  # an unreadable label is kept as part of the name
    prefix = _NAME_PREFIX_RE.match(name) if not label_text or table.number_col is None else None
    if prefix:
        rest = name[prefix.end() :].strip()
        if prefix.group("arabic"):
            return "arabic", prefix.group("arabic"), [prefix.group("arabic")], None, rest
        if prefix.group("upper"):
            return "upper", prefix.group("upper"), [prefix.group("upper")], None, rest
        return "lower", prefix.group("lower"), [prefix.group("lower")], None, rest
    of_which = re.match(r"^(?:trong đó|bao gồm|gồm|chia ra|cụ thể)\s*:\s*", name, re.IGNORECASE)
    if of_which:
        return "sub", "", [], None, name[of_which.end() :].strip()
    if bullet := _BULLET_RE.match(name):
        return "sub", name[: bullet.end()].strip(), [], None, name[bullet.end() :].strip()
    return "", "", [], None, name


def _upper_type(label: str, previous: dict[str, str | None]) -> str:
    """A lone capital letter is a Roman numeral or a letter heading, by what came before it."""
    if not re.fullmatch(_ROMAN, label) or not label:
        return "letter"
    last_letter, last_roman = previous.get("letter"), previous.get("roman")
    if last_letter and len(label) == 1 and ord(label) == ord(last_letter) + 1:
        return "letter"
    if last_roman and _roman_value(label) == _roman_value(last_roman) + 1:
        return "roman"
    if len(label) > 1 or label == "I":
        return "roman"
    return "letter"


def _roman_value(text: str) -> int:
    total = 0
    for i, ch in enumerate(text):
        value = ROMAN_VALUES.get(ch, 0)
        total += -value if i + 1 < len(text) and ROMAN_VALUES.get(text[i + 1], 0) > value else value
    return total


def _has_values(cells: list[str], table: _Table) -> bool:
    skip = {table.name_col, table.number_col}
    return any(cell.strip() for i, cell in enumerate(cells) if i not in skip)


def _numeric_values(cells: list[str], table: _Table) -> bool:
    return any(
        cells[i].strip() and info.role in NUMERIC_ROLES and not parse_typed_value(cells[i]).text
        for i, info in enumerate(table.infos)
        if i < len(cells)
    )


def _merge_continuation(node: _Node, cells: list[str], name_col: int) -> None:
    """Merge a row continued across a page break into the row it continues, cell by cell."""
    for i, cell in enumerate(cells):
        if not cell:
            continue
        if i == name_col:
            node.name = f"{node.name} {cell}".strip()
        before = node.cells[i]
        if before and cell.lower().startswith("<p>") and not re.search(r"[.;:!?]\s*(</p>)?\s*$", before):
            cell = cell[3:].lstrip()  # a paragraph tag opened only because the page broke
        node.cells[i] = f"{before} {cell}".strip() if before else cell


def _body_lines(header: list[GridLine], body: list[GridLine], width: int, source: str) -> list[GridLine]:
    """Body lines without repeated headers and column-number lines; the line after a repeat starts a page."""
    repeats = {tuple(_trim(line.cells)) for line in header}
    kept: list[GridLine] = []
    page_break = False
    for line in body:
        trimmed = tuple(_trim(line.cells))
        if trimmed in repeats or is_column_number_line(line.cells):
            page_break = True
            continue
        cells = list(line.cells)
        if len(cells) > width:
            if any(cells[width:]):
                raise ParseError(
                    source,
                    line.line,
                    f"dòng có {len(_trim(cells))} ô, nhiều hơn tiêu đề bảng ({width} ô)",
                    f"row has more cells ({len(_trim(cells))}) than the table header ({width})",
                )
            cells = cells[:width]
        cells += [""] * (width - len(cells))
        kept.append(GridLine(line.line, cells, line.page_break or page_break))
        page_break = False
    return kept


def _build_nodes(lines: list[GridLine], table: _Table) -> tuple[list[_Node], list[_Node]]:
    """Lines → nodes in a tree (returns every node in order, and the top-level ones)."""
    nodes: list[_Node] = []
    stack: list[tuple[int, _Node]] = []
    group_ranks: dict[str, int] = {}
    previous_upper: dict[str, str | None] = {"letter": None, "roman": None}
    sub_counter: Counter[int] = Counter()

    def rank_of(node: _Node) -> int:
        if node.is_group_type:
            return group_ranks.setdefault(node.type, len(group_ranks))
        if node.type == "arabic":
            return 10 + node.printed.count(".")
        return 30 if node.type == "lower" else 40

    def place(node: _Node) -> None:
        rank = rank_of(node)
        while stack and stack[-1][0] >= rank:
            stack.pop()
        node.parent = stack[-1][1] if stack else None
        if node.parent is not None:
            node.parent.children.append(node)
        stack.append((rank, node))
        nodes.append(node)

    for line in lines:
        cells = line.cells
        kind, printed, numbers, marker, name = _classify(cells, table)
        last = nodes[-1] if nodes else None
        if kind == "" and (not name or table.number_col is not None):
            if last is None:
                if not any(cells):
                    continue
                kind = "sub"
            elif not name and not line.page_break:
                last.extra.append(cells)
                last.lines.append(line.line)
                continue
            elif line.page_break or not _numeric_values(cells, table):
                _merge_continuation(last, cells, table.name_col)
                last.lines.append(line.line)
                continue
            else:
                kind = "sub"
        elif kind == "" and name:
            if line.page_break and last is not None and not _has_values(cells, table):
                _merge_continuation(last, cells, table.name_col)
                last.lines.append(line.line)
                continue
            kind = "sub"
        if kind == "sub" and not name and not _has_values(cells, table):
            continue  # a bare "Trong đó:" line
        if kind == "upper":
            kind = _upper_type(printed, previous_upper)
            previous_upper[kind] = printed
        node = _Node(kind, printed, numbers, marker, list(cells), [line.line], name=name)
        if kind == "total":
            _close_total(node, stack)
            nodes.append(node)
            continue
        place(node)
        if kind == "sub":
            parent = node.parent
            sub_counter[id(parent)] += 1
            node.numbers = [str(sub_counter[id(parent)])]
    return nodes, [n for n in nodes if n.parent is None and n.type != "total"]


def _close_total(node: _Node, stack: list[tuple[int, _Node]]) -> None:
    """A total row sums the innermost open group ("Cộng", "Tổng số") and closes it; "Tổng cộng" sums the annex."""
    annex_level = fold(node.printed).startswith("tong cong")
    groups = [(i, n) for i, (_, n) in enumerate(stack) if n.is_group_type]
    groups = groups or [(i, n) for i, (_, n) in enumerate(stack) if n.type == "arabic" and n.children]
    if annex_level or not groups:
        stack.clear()
        return
    index, group = groups[-1]
    node.total_of = group
    del stack[index:]


# ---------------------------------------------------------------------------------------------
# Labels


def _base_label(node: _Node) -> str:
    if node.type == "arabic":
        return " và ".join(node.numbers)
    if node.is_group_type:
        return node.printed
    parent = node.parent
    parent_label = parent.base if parent is not None else ""
    own = node.printed if node.type == "lower" else node.numbers[0]
    return f"{parent_label}.{own}" if parent_label else own


def _enclosing_groups(node: _Node) -> list[_Node]:
    path = []
    current = node.parent
    while current is not None:
        if current.is_group_type:
            path.append(current)
        current = current.parent
    return list(reversed(path))


def _assign_labels(nodes: list[_Node], source: str, annex: str) -> None:
    items = [n for n in nodes if n.type != "total"]
    for node in items:
        node.base = _base_label(node)
        node.label = node.base
    if _duplicates(items):
        for mode in ("inner", "path"):
            for node in items:
                groups = _enclosing_groups(node)
                if node.is_group_type or not groups:
                    node.label = node.base
                elif mode == "inner":
                    node.label = f"{groups[-1].label if groups[-1].label else groups[-1].printed}.{node.base}"
                else:
                    node.label = ".".join([g.printed for g in groups] + [node.base])
            if not _duplicates(items):
                break
    dupes = _duplicates(items)
    if dupes:
        label, clash = next(iter(dupes.items()))
        lines = ", ".join(str(n.lines[0]) for n in clash)
        raise ParseError(
            source,
            clash[1].lines[0],
            f"Phụ lục {annex}: số thứ tự '{label}' lặp lại ở các dòng {lines}",
            f"annex {annex}: row label '{label}' repeated on lines {lines}",
        )
    totals: Counter[str] = Counter()
    for node in nodes:
        if node.type != "total":
            continue
        label = f"Cộng {node.total_of.label}" if node.total_of is not None else "Tổng cộng"
        totals[label] += 1
        node.label = label if totals[label] == 1 else f"{label} ({totals[label]})"


def _duplicates(items: list[_Node]) -> dict[str, list[_Node]]:
    by_label: dict[str, list[_Node]] = {}
    for node in items:
        by_label.setdefault(node.label, []).append(node)
    return {label: group for label, group in by_label.items() if len(group) > 1}


# ---------------------------------------------------------------------------------------------
# Annex level


def _parse_legend(block: AnnexBlock) -> tuple[dict[str, str], list[str]]:
    """Marker → meaning from the lines after the table, and the other note lines."""
    legend: dict[str, str] = {}
    notes: list[str] = []
    for _, text in block.notes:
        body = re.sub(r"^\s*(?:\*\s*)?Ghi\s*chú\s*[:.]?\s*", "", text, flags=re.IGNORECASE)
        if not body.strip():
            continue
        for piece in re.split(r"(?<=[;.])\s+(?=[-–•+]?\s*\(\s*\*)", body):
            match = _LEGEND_ITEM_RE.match(piece) or _BARE_LEGEND_ITEM_RE.match(piece)
            if match:
                meaning = match.group("meaning").strip().strip("*").strip().rstrip(";.").strip()
                legend.setdefault(match.group("marker"), meaning)
            else:
                notes.append(clean_cell(piece.strip(" -–•")))
    return legend, notes


def _parse_annex(meta: ReportMeta, block: AnnexBlock, source: str) -> tuple[Annex, list[Row]]:
    legend, notes = _parse_legend(block)
    report_year = int(meta.date[:4]) if meta.date else None
    annex = Annex(
        report=meta.number, report_date=meta.date, issuer=meta.issuer, annex=block.numeral, title=block.title,
        kind="task", columns=[], unit=block.unit, legend=legend, notes=notes,
        source_lines=[block.heading_line, (block.grid[-1].line if block.grid else block.heading_line)],
    )
    if not block.grid:
        return annex, []
    header, body = _split_header(block.grid, source)
    columns = merge_headers([line.cells for line in header])
    if len(set(columns)) != len(columns):
        counts = Counter(columns)
        columns = [c if counts[c] == 1 else f"{c} ({i + 1})" for i, c in enumerate(columns)]
    lines = _body_lines(header, body, len(columns), source)
    table = _describe_columns(columns, lines, block.title, report_year)
    nodes, _ = _build_nodes(lines, table)
    _assign_labels(nodes, source, block.numeral)
    footnotes = {mark: clean_cell(text) for _, mark, text in block.footnotes}
    rows = _records(meta, block, table, nodes, legend, notes, footnotes)
    annex = annex.model_copy(
        update={"kind": table.kind, "columns": columns, "roles": table.roles, "year": table.year, "row_count": len(rows)}
    )
    return annex, rows


def _node_kind(node: _Node, table: _Table) -> str:
    if node.type == "total":
        return "total"
    if node.is_group_type:
        return "group"
    if (
        table.kind != "indicator"
        and node.type == "arabic"
        and node.children
        and node.marker is None
        and not _has_values(node.cells, table)
        and not node.extra
    ):
        return "group"
    return table.kind


def _records(
    meta: ReportMeta,
    block: AnnexBlock,
    table: _Table,
    nodes: list[_Node],
    legend: dict[str, str],
    notes: list[str],
    footnotes: dict[str, str],
) -> list[Row]:
    rows: list[Row] = []
    for node in nodes:
        node.kind = _node_kind(node, table)
    for order, node in enumerate(nodes):
        cells, marks = _clean_cells(table.columns, node.cells)
        extra = []
        for sub in node.extra:
            sub_cells, sub_marks = _clean_cells(table.columns, sub)
            extra.append({k: v for k, v in sub_cells.items() if v and k != table.columns[table.name_col]})
            marks.extend(sub_marks)
        name_column = table.columns[table.name_col]
        name = clean_cell(node.name if node.type != "total" else node.name or node.printed)
        name, name_marks = split_footnote_marks(name)
        marks.extend((name_column, m) for m in name_marks)
        marker = node.marker
        if found := _NAME_MARKER_RE.search(name):
            marker = marker or found.group(1)
            name = name[: found.start()].strip()
        cells[name_column] = name
        if table.number_col is not None:
            cells.pop(table.columns[table.number_col], None)
        groups = _enclosing_groups(node)
        group = groups[-1] if groups else None
        if node.type == "total" and node.total_of is not None:
            group = node.total_of if node.total_of.is_group_type or node.total_of.kind == "group" else group
        item_parent = node.parent
        while item_parent is not None and item_parent.kind == "group":
            item_parent = item_parent.parent
        if node.type == "total":
            item_parent = None
        row_group = group
        if row_group is None and node.parent is not None and node.parent.kind == "group":
            row_group = node.parent
        elif node.parent is not None and node.parent.kind == "group" and not node.parent.is_group_type:
            row_group = node.parent
        notes_of_row = [f"{m} {footnotes[m]}" for _, m in marks if m in footnotes]
        row = Row(
            id=make_row_id(meta.number, block.numeral, node.label),
            report=meta.number,
            report_date=meta.date,
            issuer=meta.issuer,
            annex=block.numeral,
            annex_title=block.title,
            row=node.label,
            printed=node.printed if node.type not in ("sub", "total") else "",
            row_numbers=list(node.numbers) if node.type == "arabic" else [node.label],
            order=order,
            kind=node.kind,
            name=name,
            marker=marker,
            marker_meaning=legend.get(marker) if marker else None,
            level=_depth(node),
            group=row_group.label if row_group is not None else None,
            group_title=clean_cell(row_group.name) if row_group is not None else None,
            parent=item_parent.label if item_parent is not None else None,
            children=[child.label for child in node.children],
            cells=cells,
            roles={h: r for h, r in table.roles.items() if h in cells and r != "number"},
            extra_values=extra,
            footnotes=notes_of_row,
            facts={},
            text="",
            source_lines=node.lines,
        )
        rows.append(row)
    by_label = {row.row: row for row in rows}
    for row, node in zip(rows, nodes, strict=True):
        parent = by_label.get(row.parent) if row.parent else None
        row.facts = row_facts(row, table.infos, table.kind, legend, notes, parent, block.unit)
        if node.type == "total":
            row.facts["total_of"] = node.total_of.label if node.total_of is not None else None
        row.text = render_row_text(row)
        row.content_hash = row.compute_hash()
    return rows


def _depth(node: _Node) -> int:
    depth, current = 0, node.parent
    while current is not None:
        depth, current = depth + 1, current.parent
    return depth


def _clean_cells(columns: list[str], raw: list[str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    cells: dict[str, str] = {}
    marks: list[tuple[str, str]] = []
    for i, column in enumerate(columns):
        text, found = split_footnote_marks(clean_cell(raw[i]) if i < len(raw) else "")
        cells[column] = text
        marks.extend((column, mark) for mark in found)
    return cells, marks


def render_row_text(row: Row, meta: ReportMeta | None = None) -> str:
    """A readable one-paragraph rendering of the whole row (used for display and embedding)."""
    date = row.report_date or ""
    head = f"Báo cáo số {row.report}" + (f" ngày {_vn_date(date)}" if date else "")
    label = {"indicator": "Chỉ tiêu", "group": "Nhóm", "project": "Dự án", "task": "Nhiệm vụ", "total": "Dòng tổng"}[row.kind]
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
