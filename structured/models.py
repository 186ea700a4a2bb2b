"""Arguments and results of the structured tools.

Every result carries the row ids (shared with Chroma) and the strings exactly as the report printed
them (``raw``); anything the tools computed is in a field marked computed (``ComputedValue``,
``outcome``), never passed off as a printed number.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from structured.compare import PreviousOutcome, TargetOutcome

RowKindFilter = Literal["indicator", "task", "project"]
VerdictClass = Literal["exceeded", "met", "basically_met", "not_met", "in_progress", "late"]


class NumberCondition(BaseModel):
    """``measure op value``: ``NumberCondition(measure="disbursement_rate", op="<", value=50)`` (money in tỷ đồng)."""

    model_config = ConfigDict(extra="forbid")

    measure: str
    op: Literal["<", "<=", ">", ">="]
    value: float
    text: str = Field(default="", description="The condition as the question said it, e.g. 'dưới 50%'")
    against: str | None = Field(default=None, description="Another measure of the same row the value is compared with "
                                "instead of ``value``: 'Số vụ đã xử lý' < 'Số vụ phát hiện' (cases left)")


class RowFilter(BaseModel):
    """Conditions on rows; every field is optional and all given ones must hold.

    Example: ``RowFilter(annexes=["III"], agency="Sở GTVT")``; ``RowFilter(verdicts=["not_met"], kind="indicator")``.
    """

    model_config = ConfigDict(extra="forbid")

    report: str | None = Field(default=None, description="Số hiệu báo cáo, e.g. '320/BC-UBND' or '320'. None: every report")
    annexes: list[str] = Field(default_factory=list, description="Phụ lục, e.g. ['III'] (or 'Phụ lục 3')")
    kind: RowKindFilter | None = Field(default=None, description="indicator (chỉ tiêu), task (nhiệm vụ), project (dự án)")
    agency: str | None = Field(default=None, description="Cơ quan chủ trì, loose: 'Sở GTVT', 'so khcn' (any agency of the cell)")
    agency_excluded: bool = Field(default=False, description="Rows NOT led by `agency` ('không do Sở XD chủ trì')")
    coordinating_agency: str | None = Field(default=None, description="Cơ quan phối hợp, loose")
    marker: str | None = Field(default=None, description="Ký hiệu trạng thái, e.g. '*', '***' or '(**)'")
    marker_meaning_contains: str | None = Field(default=None, description="Words of the marker's meaning, e.g. 'thi công'")
    verdicts: list[VerdictClass] = Field(default_factory=list, description="Classes of the report's verdict")
    verdict_said: str | None = Field(default=None, description="The verdict as the report prints it, when the question "
                                     "says one of its own wordings ('không đạt' apart from 'chưa đạt'), folded")
    outcome: Literal["met", "not_met", "exceeded", "undetermined"] | None = Field(
        default=None, description="Computed estimate-vs-target outcome (tính toán, not the report's verdict)"
    )
    direction: Literal["up", "down"] | None = Field(
        default=None, description="Computed estimate vs last year's actual: 'up' (tăng so với năm trước) or 'down'")
    period: int | None = Field(default=None, description="A year the row's time columns cover, e.g. 2025")
    starts: int | None = Field(default=None, description="First year of the row's implementation period, e.g. 2021")
    ends: int | None = Field(default=None, description="Last year of the row's implementation period, e.g. 2030")
    due: str | None = Field(default=None, description="A day the row's time columns state, e.g. '31/12/2025' "
                            "('thời hạn hoàn thành là ngày 31/12/2025')")
    keyword: str | None = Field(default=None, description="Từ khóa in name or status, diacritics optional")
    group: str | None = Field(default=None, description="Group heading: its row id, label ('A', '2') or title words")
    field: str | None = Field(default=None, description="A field of the lexicon ('giáo dục', 'giao thông')")
    parent: str | None = Field(default=None, description="Parent row id or number (sub-items of that row)")
    ids: list[str] | None = Field(default=None, description="Only these rows (an earlier answer's set, a topic)")
    exclude_ids: list[str] = Field(default_factory=list, description="Not these rows ('dự án nào khác': the ones talked about)")
    states: list[str] = Field(default_factory=list, description="Only rows stating these measures at all, e.g. ['marker']")
    lacks: list[str] = Field(default_factory=list, description="Only rows stating none of these, e.g. ['verdict']")
    has: str | None = Field(default=None, description="Only rows stating this measure as a number, e.g. 'disbursement_rate'")
    top_level: bool = Field(default=False, description="Leave out sub-items (rows under another item)")
    with_parts: bool = Field(default=False, description="Count the sub-lines that break an item down as items too "
                                                         "('kể cả tiểu mục a, b')")
    lower_is_better: bool | None = Field(default=None, description="Only indicators the report says are better lower")
    where: list[NumberCondition] = Field(default_factory=list, description="Number conditions, e.g. rate < 50")
    include_groups: bool = Field(default=False, description="Include group heading and total rows")
    words: list[str] = Field(default_factory=list, description="Topic words the set was restricted by (for display)")


class ValueCell(BaseModel):
    """One printed value and its parsed form. Example: ``raw="7,5-8,0", low=7.5, high=8.0``."""

    column: str | None = Field(default=None, description="Column header as printed (None: from a status sentence)")
    role: str | None = Field(default=None, description="actual_prev, target, estimate, lead, status, disbursed, …")
    raw: str = Field(description="Cell (or the number of a sentence) exactly as printed")
    value: float | None = None
    low: float | None = None
    high: float | None = None
    comparator: str | None = None
    unit: str | None = None
    year: int | None = None
    as_of: str | None = None
    scope: str | None = Field(default=None, description="'year' or 'cumulative' for disbursements")
    quote: str | None = Field(default=None, description="The sentence of the status text stating it")
    text: bool = Field(default=False, description="Free text, kept verbatim")


class ComputedValue(BaseModel):
    """A number the tool computed (never printed in the report). Example: ``value=90.0, text="90,00"``."""

    value: float
    text: str = Field(description="Vietnamese formatting of the computed value")
    unit: str | None = None
    formula: str = Field(description="How it was computed")
    as_printed: str | None = Field(default=None, description="The same sum in the unit its cells print ('300.000 triệu đồng')")
    computed: Literal[True] = True


class RowLookup(BaseModel):
    """What a row says about one measure (every matching cell or fact), plus its verdict."""

    id: str
    name: str
    kind: str
    measure: str | None
    values: list[ValueCell] = Field(default_factory=list, description="The printed values answering the measure")
    passages: list[ValueCell] = Field(default_factory=list, description="Sentences of the status text answering the question's words")
    period: int | None = None
    missing: str | None = Field(default=None, description="Why nothing answers: 'measure', 'period'")
    verdict: str | None = None
    unit: str | None = None


class Comparison(BaseModel):
    """Estimate vs target (or vs last year), computed from typed values, next to the report's own words."""

    id: str
    name: str
    unit: str | None
    against: Literal["target", "previous"]
    outcome: TargetOutcome | PreviousOutcome = Field(description="Computed: met/not_met/exceeded or up/down/unchanged")
    computed: Literal[True] = True
    lower_is_better: bool
    lower_is_better_reason: str | None = None
    improved: bool | None = Field(default=None, description="For 'previous': moved in the better direction (computed)")
    estimate: ValueCell | None
    reference: ValueCell | None = Field(description="Target (Nghị quyết/kế hoạch) or previous year's actual, as printed")
    year: int | None = None
    reference_year: int | None = None
    report_verdict: str | None = Field(default=None, description="The report's own verdict, as printed")
    report_verdict_class: str | None = None
    report_pct: ValueCell | None = Field(default=None, description="The report's own % column (so NQ / so năm trước)")
    computed_pct: ComputedValue | None = Field(default=None, description="estimate / reference × 100 (computed)")
    computed_difference: ComputedValue | None = Field(default=None, description="estimate − reference (computed)")
    agrees_with_report: bool | None = Field(default=None, description="Computed outcome agrees with the report's verdict")


class CountResult(BaseModel):
    """Example: ``CountResult(count=12, ids=[...], filter=RowFilter(annexes=["III"], marker="*"))``."""

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
    by: str
    raw: str = Field(description="The number exactly as printed")
    value: float = Field(description="The printed number parsed, in `unit`")
    unit: str | None
    sort_value: float = Field(description="Value used for ordering (money in tỷ đồng)")
    quote: str | None = Field(default=None, description="Sentence of the status text stating it")
    column: str | None = Field(default=None, description="Column header, for column values")
    as_of: str | None = None
    scope: str | None = None


class TotalResult(BaseModel):
    """A total of a measure over a set: the report's printed total row when it sums exactly that set,
    else the sum computed over the rows stating it (marked computed, with the rows listed)."""

    measure: str
    printed: ValueCell | None = Field(default=None, description="The printed total cell")
    total_row: str | None = Field(default=None, description="Id of the printed total row used")
    computed: ComputedValue | None = None
    ids: list[str] = Field(default_factory=list, description="Rows summed (computed) or covered (printed)")
    missing: list[str] = Field(default_factory=list, description="Rows of the set not stating the measure")


class AgencyCount(BaseModel):
    """How many rows of a set one agency leads (or coordinates): ``AgencyCount(agency="Sở Công Thương", count=7, ids=[…])``."""

    agency: str
    count: int
    ids: list[str]


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
    kind: str
    name: str
    marker: str | None = None
    marker_meaning: str | None = None
    lead: str | None = None
    verdict: str | None = None
    group_title: str | None = None
