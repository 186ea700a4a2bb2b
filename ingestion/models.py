"""The canonical record shared by every index: one annex row of one report.

A ``Row`` is produced by :mod:`ingestion.parser`, written to ``rows.jsonl`` and is
the only source of truth for the pandas tables (``structured/``) and the Chroma
chunks (``retrieval/``). Its ``id`` is stable across runs: ``{report}:{annex}:{row}``,
e.g. ``320/BC-UBND:III:20`` or ``320/BC-UBND:III:4 và 9``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RowKind = Literal["indicator", "task", "project", "group", "total"]


class TypedValue(BaseModel):
    """A Phụ lục I cell parsed from Vietnamese number format.

    Example: ``"7,5-8,0"`` → ``TypedValue(raw="7,5-8,0", low=7.5, high=8.0)``;
    ``"28.527,46"`` → ``value=28527.46``; ``">75"`` → ``comparator=">", value=75``.
    """

    model_config = ConfigDict(extra="forbid")

    raw: str = Field(description="The cell exactly as printed")
    value: float | None = Field(default=None, description="Single number, if any")
    low: float | None = Field(default=None, description="Lower bound of a range")
    high: float | None = Field(default=None, description="Upper bound of a range")
    comparator: str | None = Field(default=None, description="'>', '>=', '<', '<=' or None")
    unit: str | None = Field(default=None, description="Unit printed after the number, e.g. 'ha' in '56,5 ha'")
    text: bool = Field(default=False, description="True when the cell is free text, kept verbatim")


class Row(BaseModel):
    """One annex row of one report, the unit of storage, retrieval and citation."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Stable id: '{report}:{annex}:{row}'")
    report: str = Field(description="Số hiệu of the report, e.g. '320/BC-UBND'")
    report_date: str | None = Field(description="ISO date of the report, e.g. '2024-11-15'")
    issuer: str | None = Field(default=None, description="Issuing body, e.g. 'Ủy ban nhân dân thành phố'")
    annex: str = Field(description="Annex roman numeral as printed, e.g. 'III'")
    annex_title: str = Field(description="Annex title as printed (sentence case kept)")
    row: str = Field(
        description="Row label, unique in its annex: as printed without marker ('20', '2.3', '4 và 9'); "
        "qualified by its group when numbering restarts per group ('II.1'); 'Tổng cộng' / 'Cộng I' for totals"
    )
    printed: str = Field(default="", description="The label exactly as printed in the row, e.g. '1' for 'II.1'")
    row_numbers: list[str] = Field(description="Every number the row answers to, e.g. ['4', '9']")
    order: int = Field(description="Position of the row within its annex (0-based)")
    kind: RowKind
    name: str = Field(description="Indicator name or task/project content (the row's title)")
    marker: str | None = Field(default=None, description="Status marker without brackets, e.g. '***'")
    marker_meaning: str | None = Field(default=None, description="Meaning from this annex's own legend")
    level: int = Field(default=0, description="Nesting depth: 0 for top-level rows, +1 per enclosing row")
    group: str | None = Field(default=None, description="Row number of the group heading above, if any")
    group_title: str | None = Field(default=None, description="Title of that group heading")
    parent: str | None = Field(default=None, description="Row number of the parent row, if any")
    children: list[str] = Field(default_factory=list, description="Row numbers of sub-items")
    cells: dict[str, str] = Field(description="Column header → cleaned cell text")
    roles: dict[str, str] = Field(
        default_factory=dict, description="Column header → semantic role ('target', 'lead', 'status', …)"
    )
    extra_values: list[dict[str, str]] = Field(
        default_factory=list,
        description="Unnumbered sub-rows that only fill some columns (kept as additional values)",
    )
    footnotes: list[str] = Field(default_factory=list, description="Resolved footnote texts")
    facts: dict[str, Any] = Field(default_factory=dict, description="Typed values extracted from the row")
    text: str = Field(description="Readable one-paragraph rendering of the whole row")
    source_lines: list[int] = Field(default_factory=list, description="1-based line numbers in the source file")
    content_hash: str = Field(default="", description="sha256 of the row content (without the hash)")

    def compute_hash(self) -> str:
        payload = self.model_dump(exclude={"content_hash"})
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def make_row_id(report: str, annex: str, row: str) -> str:
    """Example: ``make_row_id('320/BC-UBND', 'III', '20') == '320/BC-UBND:III:20'``."""
    return f"{report}:{annex}:{row}"


class Annex(BaseModel):
    """One annex of one report: what its table holds and what its legend says (rows are separate)."""

    model_config = ConfigDict(extra="forbid")

    report: str
    report_date: str | None = None
    issuer: str | None = None
    annex: str = Field(description="Annex numeral as printed, e.g. 'III' or '2'")
    title: str
    kind: RowKind = Field(description="What the annex lists: indicator, project or task")
    columns: list[str] = Field(description="Merged column headers, in table order")
    roles: dict[str, str] = Field(default_factory=dict, description="Column header → role")
    year: int | None = Field(default=None, description="The year the table reports on (from its headers)")
    unit: str | None = Field(default=None, description="'Đơn vị tính' printed above the table, if any")
    legend: dict[str, str] = Field(default_factory=dict, description="Marker → meaning, from the annex's legend")
    notes: list[str] = Field(default_factory=list, description="Other lines printed after the table")
    row_count: int = 0
    source_lines: list[int] = Field(default_factory=list, description="First and last line of the annex")
