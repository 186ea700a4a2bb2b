"""Rows → self-contained chunks for the dense index (one per row, more for long statuses).

Example: ``chunks_for(row)[0].id == "320/BC-UBND:III:20#0"``; every chunk of a row starts
with the same header (report, annex, group, row, name, lead agency, period, funding).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ingestion.columns import roles_of
from ingestion.models import Row

CHUNKING_VERSION = "c1"
MAX_CHUNK_CHARS = 1200
MIN_BODY_CHARS = 500

_KIND_LABEL = {"indicator": "Chỉ tiêu", "group": "Nhóm", "project": "Dự án", "task": "Nhiệm vụ", "total": "Dòng tổng"}
_HEADER_ROLES = ("name", "lead", "prep_time", "impl_time", "funding", "status")
# Shown in the stored text but not embedded: they rarely decide a search and cost embedding time.
_DETAIL_ROLES = ("coordinating", "product", "approver")
_SENTENCE_RE = re.compile(r"(?<=[.;!?])\s+(?=[-–+•]?\s*[A-ZĐÀ-Ỹ0-9“\"(])|\n+")


class Chunk(BaseModel):
    """One passage of a row; ``metadata`` holds only str/int values (Chroma-safe).

    ``text`` stands alone (full header + body piece) and is what Chroma stores;
    ``embed_text`` is the compact form that is embedded and lexically indexed: a short
    header (row, name, group, lead agency) + the same body piece, without the
    annex-wide boilerplate that every row of an annex shares.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="'{row_id}#{part}', e.g. '320/BC-UBND:III:20#0'")
    row_id: str
    text: str
    embed_text: str = ""
    metadata: dict[str, Any]


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text).strip()


def _sentence(label: str, value: str) -> str:
    value = _one_line(value).rstrip(".")
    return f"{label}: {value}." if value else ""


def lead_agency(row: Row) -> str:
    """The lead agency cell, found by column role. Example: ``'Ban Quản lý dự án đầu tư Xây dựng thành phố'``."""
    header = roles_of(list(row.cells)).get("lead")
    return _one_line(row.cells.get(header, "")) if header else ""


def status_text(row: Row) -> str:
    """The status / progress report cell (column role ``status``), or ``''``."""
    header = roles_of(list(row.cells)).get("status")
    return row.cells.get(header, "").strip() if header else ""


def row_header(row: Row) -> str:
    """Context repeated on every chunk of a row.

    Example: ``'Báo cáo 320/BC-UBND ngày 2024-11-15, Phụ lục III: NHIỆM VỤ … Dự án 20 (*): Thư viện Thành phố.
    Cơ quan chủ trì: …'``.
    """
    roles = roles_of(list(row.cells))
    date = f" ngày {row.report_date}" if row.report_date else ""
    parts = [f"Báo cáo {row.report}{date}, Phụ lục {row.annex}: {row.annex_title}."]
    if row.group_title:
        parts.append(f"Thuộc nhóm {row.group}: {_one_line(row.group_title)}.")
    marker = f" ({row.marker})" if row.marker else ""
    parts.append(f"{_KIND_LABEL.get(row.kind, 'Mục')} {row.row}{marker}: {_one_line(row.name).rstrip('.')}.")
    for role, label in (("lead", "Cơ quan chủ trì"), ("funding", "Nguồn vốn")):
        if role in roles:
            parts.append(_sentence(label, row.cells[roles[role]]))
    period = [
        f"{label} {_one_line(row.cells[roles[role]])}"
        for role, label in (("prep_time", "lập, trình phê duyệt"), ("impl_time", "triển khai"))
        if role in roles and row.cells[roles[role]].strip()
    ]
    if period:
        parts.append(f"Thời gian: {'; '.join(period)}.")
    if row.marker_meaning:
        parts.append(_sentence("Tình trạng", row.marker_meaning))
    return " ".join(p for p in parts if p)


def short_header(row: Row) -> str:
    """The discriminative part of the header. Example: ``'Dự án 20: Thư viện Thành phố. Chủ trì: Ban …'``."""
    parts = [f"{_KIND_LABEL.get(row.kind, 'Mục')} {row.row}: {_one_line(row.name).rstrip('.')}."]
    if row.group_title:
        parts.append(f"Nhóm: {_one_line(row.group_title)[:100].rstrip('.')}.")
    if lead := lead_agency(row):
        parts.append(f"Chủ trì: {lead.rstrip('.')}.")
    return " ".join(parts)


def row_details(row: Row) -> str:
    """Coordinating agencies, product and approver: ``'Cơ quan phối hợp: …. Sản phẩm: ….'``."""
    roles = roles_of(list(row.cells))
    return " ".join(_sentence(roles[r], row.cells[roles[r]]) for r in _DETAIL_ROLES if r in roles).strip()


def row_body(row: Row) -> str:
    """The searchable content not in the header: indicator values, the status text, extra values
    and footnotes."""
    roles = roles_of(list(row.cells))
    skip = {roles[r] for r in (*_HEADER_ROLES, *_DETAIL_ROLES) if r in roles}
    lines = [
        _sentence(column, value)
        for column, value in row.cells.items()
        if column not in skip and value.strip() and value.strip() != row.name
    ]
    status = status_text(row)
    if status:
        lines.append(f"Tình hình thực hiện: {status}")
    for extra in row.extra_values:
        values = "; ".join(f"{k}: {_one_line(v)}" for k, v in extra.items() if v.strip())
        lines.append(f"Giá trị bổ sung: {values}.")
    lines += [_sentence("Chú thích", note) for note in row.footnotes]
    return "\n".join(line for line in lines if line)


def _hard_split(text: str, budget: int) -> list[str]:
    words, out, current = text.split(" "), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > budget:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return out + ([current] if current else [])


def split_text(text: str, budget: int) -> list[str]:
    """Pack sentences into pieces of at most ``budget`` chars (long sentences split on words).

    Example: ``split_text("A. B. C.", 4) == ["A.", "B.", "C."]``.
    """
    sentences = [s.strip() for s in _SENTENCE_RE.split(text) if s and s.strip()]
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        for part in [sentence] if len(sentence) <= budget else _hard_split(sentence, budget):
            if current and len(current) + 1 + len(part) > budget:
                pieces.append(current)
                current = part
            else:
                current = f"{current} {part}".strip()
    return pieces + ([current] if current else [])


def chunk_metadata(row: Row, part: int, parts: int, text: str) -> dict[str, Any]:
    return {
        "report": row.report,
        "annex": row.annex,
        "row": row.row,
        "kind": row.kind,
        "agency": lead_agency(row),
        "marker": row.marker or "",
        "row_id": row.id,
        "name": _one_line(row.name),
        "content_hash": row.content_hash or row.compute_hash(),
        "chunk_hash": hashlib.sha1(text.encode("utf-8")).hexdigest(),
        "part": part,
        "parts": parts,
    }


def chunks_for(row: Row, max_chars: int = MAX_CHUNK_CHARS) -> list[Chunk]:
    """One chunk per row, or several when the embedded text would exceed ``max_chars``
    (each repeats the header).

    Example: ``[c.id for c in chunks_for(long_row)] == ["r:III:1#0", "r:III:1#1"]``.
    """
    header, short, details = row_header(row), short_header(row), row_details(row)
    body = row_body(row)
    budget = max(MIN_BODY_CHARS, max_chars - len(short) - 1)
    pieces = split_text(body, budget) if body else [""]
    chunks = []
    for i, piece in enumerate(pieces):
        text = "\n".join(p for p in (header, details if i == 0 else "", piece) if p)
        chunks.append(
            Chunk(
                id=f"{row.id}#{i}",
                row_id=row.id,
                text=text,
                embed_text=f"{short}\n{piece}".strip(),
                metadata=chunk_metadata(row, i, len(pieces), text),
            )
        )
    return chunks


def chunks_for_rows(rows: list[Row]) -> list[Chunk]:
    return [chunk for row in rows for chunk in chunks_for(row)]
