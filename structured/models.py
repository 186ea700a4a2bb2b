"""Arguments and results of the structured tools.

Every result carries the row ids (shared with Chroma) and the strings exactly as the report printed
them (``raw``); anything the tools computed is in a field marked computed (``ComputedValue``,
``outcome``), never passed off as a printed number.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ingestion.models import RowKind
from structured.compare import PreviousOutcome, TargetOutcome

RankKey = Literal[
    "disbursement_rate",
    "disbursed",
    "capital_plan",
    "total_investment",
    "site_clearance",
    "estimate",
    "vs_target_pct",
    "vs_prev_pct",
]


class RowFilter(BaseModel):
    """Conditions on rows; every field is optional and all given ones must hold.

    Example: ``RowFilter(annex="III", agency="Sở GTVT")``; ``RowFilter(verdict="Chưa đạt NQ")``.
    """

    model_config = ConfigDict(extra="forbid")

    report: str | None = Field(
        default=None,
        description="Số hiệu báo cáo / report number, e.g. '320/BC-UBND' or '320'. None: all reports",
    )
    annex: str | None = Field(default=None, description="Phụ lục / annex, e.g. 'III' (or 'Phụ lục 3')")
    kind: RowKind | None = Field(
        default=None, description="indicator (chỉ tiêu), task (nhiệm vụ), project (dự án), group"
    )
    agency: str | None = Field(
        default=None,
        description="Cơ quan chủ trì / lead agency, loose: 'Sở GTVT', 'so khcn', 'Ban QLDA' (matches any agency of the cell)",
    )
    coordinating_agency: str | None = Field(
        default=None, description="Cơ quan phối hợp / coordinating agency, loose"
    )
    marker: str | None = Field(
        default=None, description="Ký hiệu trạng thái / status marker, e.g. '*', '***' or '(**)'"
    )
    marker_meaning_contains: str | None = Field(
        default=None, description="Text in the marker's meaning, diacritics optional, e.g. 'thi công'"
    )
    verdict: str | None = Field(
        default=None,
        description="Ghi chú đánh giá của báo cáo, exact after normalisation: 'Đạt NQ', 'Chưa đạt NQ', 'Cơ bản đạt NQ', 'Vượt NQ'",
    )
    outcome: Literal["met", "not_met", "exceeded", "undetermined"] | None = Field(
        default=None,
        description="Computed estimate-vs-target outcome of indicators (tính toán, not the report's verdict)",
    )
    period: int | str | None = Field(
        default=None,
        description="Năm / year in the time columns, e.g. 2025 (a row '2021 - 2025' contains 2025)",
    )
    period_field: Literal["any", "prep_time", "impl_time"] = Field(
        default="any",
        description="Which time column: prep_time (lập, trình phê duyệt), impl_time (triển khai) or any",
    )
    keyword: str | None = Field(default=None, description="Từ khóa in name or status, diacritics optional")
    group: str | None = Field(
        default=None, description="Group heading number (e.g. 'A', '2') or words of its title"
    )
    parent: str | None = Field(
        default=None, description="Parent row number (e.g. '1' for 1.1, 1.2) or parent row id"
    )
    include_groups: bool = Field(default=False, description="Include group heading rows (default: excluded)")


class ValueCell(BaseModel):
    """One indicator cell as printed plus its parsed value. Example: ``raw="7,5-8,0", low=7.5, high=8.0``."""

    column: str = Field(description="Column header as printed")
    role: str | None = Field(
        default=None, description="actual_prev, target, estimate, vs_target_pct, vs_prev_pct"
    )
    raw: str = Field(description="Cell exactly as printed")
    value: float | None = None
    low: float | None = None
    high: float | None = None
    comparator: str | None = None
    text: bool = Field(default=False, description="Free text, kept verbatim")


class ComputedValue(BaseModel):
    """A number the tool computed (never printed in the report). Example: ``value=90.0, text="90,00"``."""

    value: float
    text: str = Field(description="Vietnamese formatting of the computed value")
    unit: str | None = None
    formula: str = Field(description="How it was computed")
    computed: Literal[True] = True


class IndicatorResult(BaseModel):
    """Everything printed for one indicator row (Phụ lục I style)."""

    id: str
    report: str
    report_date: str | None
    annex: str
    row: str
    name: str
    unit: str | None = Field(description="ĐVT as printed")
    verdict: str | None = Field(description="The report's own Ghi chú verdict, as printed")
    year: int | None
    prev_year: int | None
    values: list[ValueCell] = Field(description="Every value column, as printed and typed")
    actual_prev: ValueCell | None = None
    target: ValueCell | None = None
    estimate: ValueCell | None = None
    vs_target_pct: ValueCell | None = None
    vs_prev_pct: ValueCell | None = None
    computed_vs_target: TargetOutcome = Field(description="Computed (not printed) estimate-vs-target outcome")
    lower_is_better: bool
    cells: dict[str, str] = Field(description="Column header → cell text exactly as printed")
    group: str | None = None
    group_title: str | None = None
    parent_id: str | None = None
    children_ids: list[str] = Field(default_factory=list)
    footnotes: list[str] = Field(default_factory=list)
    source_lines: list[int] = Field(default_factory=list)


class Comparison(BaseModel):
    """Estimate vs target (or vs last year), computed from typed values, next to the report's own words."""

    id: str
    name: str
    unit: str | None
    against: Literal["target", "previous"]
    outcome: TargetOutcome | PreviousOutcome = Field(
        description="Computed: met/not_met/exceeded or up/down/unchanged"
    )
    computed: Literal[True] = True
    lower_is_better: bool
    improved: bool | None = Field(
        default=None, description="For 'previous': moved in the better direction (computed)"
    )
    estimate: ValueCell | None
    reference: ValueCell | None = Field(
        description="Target (Nghị quyết) or previous year's actual, as printed"
    )
    year: int | None = None
    reference_year: int | None = None
    report_verdict: str | None = Field(
        default=None, description="The report's Ghi chú verdict as printed ('target')"
    )
    report_pct: ValueCell | None = Field(
        default=None, description="The report's own % column (so NQ / so năm trước)"
    )
    computed_pct: ComputedValue | None = Field(
        default=None, description="estimate / reference × 100 (computed)"
    )
    computed_difference: ComputedValue | None = Field(
        default=None, description="estimate − reference (computed)"
    )
    agrees_with_report: bool | None = Field(
        default=None,
        description="Whether the computed outcome agrees with the report's verdict (None: not comparable)",
    )
    explanation: str = Field(description="One Vietnamese sentence quoting the printed values")


class CountResult(BaseModel):
    """Example: ``CountResult(count=12, ids=[...], filter=RowFilter(annex="III", marker="*"))``."""

    count: int
    ids: list[str]
    filter: RowFilter


class RankedRow(BaseModel):
    """One row of a ranking, with the fact exactly as printed and the value it was ordered by."""

    rank: int
    id: str
    report: str
    annex: str
    row: str
    name: str
    by: RankKey
    raw: str = Field(description="The number exactly as printed")
    value: float = Field(description="The printed number parsed, in `unit`")
    unit: str | None
    sort_value: float = Field(description="Value used for ordering (money in tỷ đồng)")
    sort_unit: str | None
    converted: bool = Field(
        default=False, description="True when sort_value was computed by a unit conversion"
    )
    quote: str | None = Field(default=None, description="Sentence of the status text stating it")
    column: str | None = Field(default=None, description="Column header, for indicator values")
    as_of: str | None = None
    scope: str | None = Field(default=None, description="'year' or 'cumulative' for disbursements")


class MarkerExplanation(BaseModel):
    """A status marker as defined by one annex's own legend, and the rows carrying it."""

    report: str
    annex: str
    annex_title: str
    marker: str
    meaning: str
    legend: dict[str, str] = Field(description="The annex's whole legend: marker → meaning")
    count: int
    row_ids: list[str]


class RowSummary(BaseModel):
    """A compact view of a row for tool output (full text via get_row)."""

    id: str
    report: str
    annex: str
    row: str
    kind: RowKind
    name: str
    marker: str | None = None
    marker_meaning: str | None = None
    lead: str | None = None
    verdict: str | None = None
    group_title: str | None = None
