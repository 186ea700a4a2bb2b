"""Fixed, typed table tools over :class:`structured.tables.CorpusTables` (no code is generated or run).

Each tool returns pydantic results carrying the row ids and the strings exactly as printed; values
the tool computed are marked computed. Example::

    tables = CorpusTables.from_jsonl(Path("data/processed/rows.jsonl"))
    compare_indicator(tables, "320/BC-UBND:I:4", "target").outcome == "not_met"
    rank_rows(tables, RowFilter(annex="III"), "disbursement_rate", "asc", 1)[0].id == "320/BC-UBND:III:20"
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, ConfigDict, Field

from ingestion.models import Row
from ingestion.numbers import format_vn_number
from structured.agency import is_collective, known_agencies, match_keys, query_keys
from structured.compare import (
    direction_vs_previous,
    indicator_outcome,
    interval_of,
    is_lower_better,
)
from structured.models import (
    Comparison,
    ComputedValue,
    CountResult,
    IndicatorResult,
    MarkerExplanation,
    RankedRow,
    RankKey,
    RowFilter,
    RowSummary,
    ValueCell,
)
from structured.tables import (
    INDICATOR_ROLES,
    MONEY_TO_TY,
    CorpusTables,
    fold,
    normalize_annex,
    normalize_marker,
    normalize_number,
    role_of,
    verdict_key,
    years_in,
)

__all__ = [
    "Comparison",
    "CountResult",
    "IndicatorResult",
    "MarkerExplanation",
    "RankedRow",
    "RowFilter",
    "RowSummary",
    "ValueCell",
    "as_langchain_tools",
    "compare_indicator",
    "count_rows",
    "explain_marker",
    "filter_ids",
    "filter_rows",
    "find_by_number",
    "get_row",
    "lookup_indicator",
    "rank_rows",
    "resolve_row_id",
    "summarize_row",
]

_OUTCOME_VI = {
    "met": "đạt",
    "not_met": "chưa đạt",
    "exceeded": "vượt",
    "undetermined": "không xác định được",
    "up": "tăng",
    "down": "giảm",
    "unchanged": "không đổi",
}
# Report verdict key → the computed outcomes it agrees with ("Cơ bản đạt" is not decidable).
_VERDICT_OUTCOMES = {"dat": {"met", "exceeded"}, "vuot": {"exceeded"}, "chua dat": {"not_met"}}


# ---------------------------------------------------------------------------------------------
# Rows


def get_row(tables: CorpusTables, row_id: str) -> Row | None:
    """The row with this id, or one a loose reference names (``"III:20"``, ``"320:III:9"``).

    Example: ``get_row(tables, "320/BC-UBND:III:20").name == "Thư viện Thành phố"``.
    """
    found = resolve_row_id(tables, row_id)
    return tables.rows[found] if found else None


def resolve_row_id(tables: CorpusTables, ref: str) -> str | None:
    """An exact row id, or ``[report:]annex:number`` resolved with :func:`find_by_number`."""
    ref = ref.strip()
    if ref in tables.rows:
        return ref
    parts = ref.split(":")
    if len(parts) not in (2, 3):
        return None
    report = parts[0] if len(parts) == 3 else None
    row = find_by_number(tables, report, parts[-2], parts[-1])
    return row.id if row else None


def find_by_number(tables: CorpusTables, report: str | None, annex: str, number: str) -> Row | None:
    """The row printed with this number in an annex; ``"9"`` finds the combined row ``"4 và 9"``.

    ``report=None`` searches the newest report first. Example:
    ``find_by_number(tables, "320/BC-UBND", "III", "9").id == "320/BC-UBND:III:4 và 9"``.
    """
    annex_key, number_key = normalize_annex(annex), normalize_number(number)
    for report_number in _reports_newest_first(tables, report):
        if row_id := tables.number_index.get((report_number, annex_key, number_key)):
            return tables.rows[row_id]
    return None


def summarize_row(tables: CorpusTables, row: Row) -> RowSummary:
    """Compact view of a row. Example: ``summarize_row(t, row).lead == "Sở Giao thông vận tải"``."""
    return RowSummary(
        id=row.id,
        report=row.report,
        annex=row.annex,
        row=row.row,
        kind=row.kind,
        name=row.name,
        marker=row.marker,
        marker_meaning=row.marker_meaning,
        lead=tables.column("lead")[tables.position[row.id]] or None,
        verdict=row.facts.get("verdict"),
        group_title=row.group_title,
    )


def _reports_newest_first(tables: CorpusTables, report: str | None) -> list[str]:
    wanted = set(tables.resolve_report(report))
    return [number for number in tables.report_numbers() if number in wanted]


# ---------------------------------------------------------------------------------------------
# Indicators


def _value_cell(typed: dict[str, Any] | None) -> ValueCell | None:
    if not typed or not typed.get("raw"):
        return None
    column = typed.get("column", "")
    return ValueCell(
        column=column,
        role=role_of(column) if column else None,
        **{k: typed.get(k) for k in ("raw", "value", "low", "high", "comparator")},
        text=bool(typed.get("text")),
    )


def _indicator_row(tables: CorpusTables, row_id: str) -> Row:
    row = get_row(tables, row_id)
    if row is None:
        raise KeyError(f"no row {row_id!r}")
    if row.kind != "indicator":
        raise ValueError(f"{row.id} is a {row.kind} row, not an indicator")
    return row


def lookup_indicator(tables: CorpusTables, row_id: str) -> IndicatorResult:
    """Every printed value of an indicator row, typed, with its verdict and children.

    Raises ``KeyError`` for an unknown id and ``ValueError`` for a non-indicator row. Example:
    ``lookup_indicator(tables, "320/BC-UBND:I:4").estimate.raw == "31.500,00"``.
    """
    row = _indicator_row(tables, row_id)
    facts = row.facts
    cells = [c for c in (_value_cell(v) for v in facts.get("values", {}).values()) if c]
    order = {role: i for i, role in enumerate(INDICATOR_ROLES)}
    cells.sort(key=lambda c: (order.get(c.role or "", len(order)), c.column))
    return IndicatorResult(
        id=row.id,
        report=row.report,
        report_date=row.report_date,
        annex=row.annex,
        row=row.row,
        name=row.name,
        unit=facts.get("unit"),
        verdict=facts.get("verdict"),
        year=facts.get("year"),
        prev_year=facts.get("prev_year"),
        values=cells,
        **{role: _value_cell(facts.get(role)) for role in INDICATOR_ROLES},
        computed_vs_target=indicator_outcome(facts, row.name),
        lower_is_better=is_lower_better(row.name),
        cells=row.cells,
        group=row.group,
        group_title=row.group_title,
        parent_id=tables.parent_id(row),
        children_ids=tables.child_ids(row),
        footnotes=row.footnotes,
        source_lines=row.source_lines,
    )


def _decimals(raw: str) -> int:
    return len(raw.rsplit(",", 1)[1]) if "," in raw else 0


def _computed(
    estimate: ValueCell | None, reference: ValueCell | None, unit: str | None
) -> tuple[ComputedValue | None, ComputedValue | None]:
    """(estimate / reference × 100, estimate − reference) when both are single printed numbers.

    For indicators already in % (growth rates, shares) only the difference, in percentage points.
    """
    e, r = interval_of(estimate and estimate.model_dump()), interval_of(reference and reference.model_dump())
    if not (estimate and reference and e and r and e.is_point and r.is_point):
        return None, None
    percent_unit = (unit or "").strip() == "%"
    pct = None
    if r.low and not percent_unit:
        value = e.low / r.low * 100
        pct = ComputedValue(
            value=value,
            text=format_vn_number(value, 2),
            unit="%",
            formula=f"{estimate.raw} / {reference.raw} × 100",
        )
    diff = e.low - r.low
    places = max(_decimals(estimate.raw), _decimals(reference.raw))
    difference = ComputedValue(
        value=diff,
        text=format_vn_number(diff, places),
        unit="điểm phần trăm" if percent_unit else unit,
        formula=f"{estimate.raw} − {reference.raw}",
    )
    return pct, difference


def compare_indicator(
    tables: CorpusTables, row_id: str, against: Literal["target", "previous"] = "target"
) -> Comparison:
    """Estimate vs the Nghị quyết target (met/not_met/exceeded) or vs last year (up/down), computed
    from typed values (ranges, comparators, lower-is-better), next to the report's own verdict and % column.

    Example: ``compare_indicator(tables, "320/BC-UBND:I:1", "target").outcome == "not_met"`` (5,86 vs 7,5-8,0).
    """
    row = _indicator_row(tables, row_id)
    facts, lower = row.facts, is_lower_better(row.name)
    estimate = _value_cell(facts.get("estimate"))
    improved: bool | None = None
    agrees: bool | None = None
    if against == "target":
        reference, report_pct = _value_cell(facts.get("target")), _value_cell(facts.get("vs_target_pct"))
        outcome: str = indicator_outcome(facts, row.name)
        verdict = facts.get("verdict")
        allowed = _VERDICT_OUTCOMES.get(verdict_key(verdict)) if verdict else None
        if allowed is not None and outcome != "undetermined":
            agrees = outcome in allowed
        reference_year = facts.get("year")
    else:
        reference, report_pct = _value_cell(facts.get("actual_prev")), _value_cell(facts.get("vs_prev_pct"))
        outcome = direction_vs_previous(facts.get("estimate"), facts.get("actual_prev"))
        verdict = None
        if outcome in ("up", "down"):
            improved = (outcome == "down") if lower else (outcome == "up")
        reference_year = facts.get("prev_year")
    computed_pct, difference = _computed(estimate, reference, facts.get("unit"))
    return Comparison(
        id=row.id,
        name=row.name,
        unit=facts.get("unit"),
        against=against,
        outcome=outcome,
        lower_is_better=lower,
        improved=improved,
        estimate=estimate,
        reference=reference,
        year=facts.get("year"),
        reference_year=reference_year,
        report_verdict=verdict,
        report_pct=report_pct,
        computed_pct=computed_pct,
        computed_difference=difference,
        agrees_with_report=agrees,
        explanation=_explain(row.name, estimate, reference, outcome, lower, verdict, report_pct),
    )


def _explain(
    name: str,
    estimate: ValueCell | None,
    reference: ValueCell | None,
    outcome: str,
    lower: bool,
    verdict: str | None,
    report_pct: ValueCell | None,
) -> str:
    if estimate is None or reference is None:
        missing = "ước thực hiện" if estimate is None else "giá trị so sánh"
        text = f"{name}: không có {missing} để so sánh (tính toán)"
    else:
        text = (
            f"{name}: {estimate.column} {estimate.raw} so với {reference.column} {reference.raw}"
            f" → {_OUTCOME_VI[outcome]} (tính toán{', chỉ tiêu càng thấp càng tốt' if lower else ''})"
        )
    if report_pct:
        text += f"; báo cáo ghi {report_pct.column}: {report_pct.raw}"
    if verdict:
        text += f"; Ghi chú của báo cáo: {verdict}"
    return text + "."


# ---------------------------------------------------------------------------------------------
# Filtering, counting, ranking


def _mask(tables: CorpusTables, flt: RowFilter) -> np.ndarray:
    """Boolean mask over ``tables.frame`` rows for the column conditions of ``flt``."""
    col = tables.column
    mask = np.ones(len(tables.frame), dtype=bool)
    if flt.report:
        mask &= np.isin(col("report"), tables.resolve_report(flt.report))
    if flt.annex:
        mask &= col("annex") == normalize_annex(flt.annex)
    if flt.kind:
        mask &= col("kind") == flt.kind
    elif not flt.include_groups:
        mask &= col("kind") != "group"
    if flt.marker:
        mask &= col("marker") == normalize_marker(flt.marker)
    if flt.marker_meaning_contains:
        mask &= _contains(col("marker_meaning_folded"), fold(flt.marker_meaning_contains))
    if flt.verdict:
        mask &= col("verdict_key") == verdict_key(flt.verdict)
    if flt.outcome:
        mask &= col("outcome_vs_target") == flt.outcome
    if flt.keyword:
        mask &= _contains(col("search_text"), fold(flt.keyword))
    if flt.group:
        group = flt.group.strip()
        by_number = col("group") == normalize_number(group)
        by_title = _contains(col("group_title_folded"), fold(group)) if len(group) > 3 else False
        mask &= by_number | by_title
    if flt.parent:
        mask &= _parent_mask(tables, flt.parent)
    return mask


def _contains(folded: np.ndarray, needle: str) -> np.ndarray:
    return np.fromiter((needle in text for text in folded), dtype=bool, count=len(folded))


def _parent_mask(tables: CorpusTables, parent: str) -> np.ndarray:
    col = tables.column
    if ":" in parent and (row := get_row(tables, parent)):
        return (col("report") == row.report) & (col("annex") == row.annex) & (col("parent") == row.row)
    return col("parent") == normalize_number(parent)


def _period(flt: RowFilter) -> frozenset[int]:
    if isinstance(flt.period, int):
        return frozenset({flt.period})
    return years_in(str(flt.period))


def filter_ids(tables: CorpusTables, flt: RowFilter) -> list[str]:
    """Ids of the rows matching ``flt``, in report/annex/row order."""
    positions = np.flatnonzero(_mask(tables, flt))
    for query, role, keys_by_id in (
        (flt.agency, "lead", tables.lead_keys),
        (flt.coordinating_agency, "coordinating", tables.coordinating_keys),
    ):
        if query:
            keys, cells, ids_ = query_keys(query), tables.column(role), tables.column("id")
            whole = is_collective(query)
            positions = [p for p in positions if match_keys(keys, keys_by_id[ids_[p]], cells[p], whole)]
    ids = [tables.column("id")[p] for p in positions]
    if flt.period is not None:
        wanted = _period(flt)
        fields = ("prep_time", "impl_time") if flt.period_field == "any" else (flt.period_field,)
        ids = [i for i in ids if any(wanted & tables.period_years[i][f] for f in fields)]
    return ids


def filter_rows(tables: CorpusTables, flt: RowFilter) -> list[Row]:
    """Rows matching every given condition (group headings excluded unless ``include_groups``).

    Example: ``[r.row for r in filter_rows(tables, RowFilter(annex="III", agency="Sở GTVT"))]
    == ["3", "4 và 9", "5", "10", "11"]``.
    """
    return [tables.rows[i] for i in filter_ids(tables, flt)]


def count_rows(tables: CorpusTables, flt: RowFilter) -> CountResult:
    """How many rows match, with their ids. Example: ``count_rows(t, RowFilter(annex="III", marker="*")).count``."""
    ids = filter_ids(tables, flt)
    return CountResult(count=len(ids), ids=ids, filter=flt)


def rank_rows(
    tables: CorpusTables,
    flt: RowFilter,
    by: RankKey,
    order: Literal["asc", "desc"] = "desc",
    limit: int | None = 10,
) -> list[RankedRow]:
    """Rows ordered by a stated numeric fact (rows not stating it as one number are left out).

    Money facts (disbursed, capital_plan, total_investment) are ordered in tỷ đồng, the printed raw
    kept. Example: ``rank_rows(t, RowFilter(annex="III"), "disbursement_rate", "asc")[0].raw == "3,7"``.
    """
    ids = [i for i in filter_ids(tables, flt) if not np.isnan(tables.column(by)[tables.position[i]])]
    values = np.array([tables.column(by)[tables.position[i]] for i in ids], dtype=float)
    ordered = np.argsort(values if order == "asc" else -values, kind="stable")
    if limit is not None and limit > 0:
        ordered = ordered[:limit]
    return [_ranked(tables.rows[ids[k]], by, rank, float(values[k])) for rank, k in enumerate(ordered, 1)]


def _ranked(row: Row, by: RankKey, rank: int, sort_value: float) -> RankedRow:
    fact = row.facts[by]
    if by in INDICATOR_ROLES:
        unit = row.facts.get("unit") if by == "estimate" else "%"
        sort_unit, quote = unit, None
    else:
        unit = fact.get("unit")
        money = by in ("disbursed", "capital_plan", "total_investment")
        sort_unit = "tỷ đồng" if money and unit in MONEY_TO_TY else unit
        quote = fact.get("quote")
    return RankedRow(
        rank=rank,
        id=row.id,
        report=row.report,
        annex=row.annex,
        row=row.row,
        name=row.name,
        by=by,
        raw=fact["raw"],
        value=float(fact["value"]),
        unit=unit,
        sort_value=sort_value,
        sort_unit=sort_unit,
        converted=sort_unit != unit,
        quote=quote,
        column=fact.get("column"),
        as_of=fact.get("as_of") or (row.facts.get("as_of") if by == "disbursement_rate" else None),
        scope=fact.get("scope"),
    )


# ---------------------------------------------------------------------------------------------
# Markers


def explain_marker(
    tables: CorpusTables, report: str | None, annex: str, marker: str
) -> MarkerExplanation | None:
    """What a marker means in one annex (from that annex's own legend) and which rows carry it.

    ``report=None``: the newest report having that annex. Example:
    ``explain_marker(t, "320/BC-UBND", "III", "****").meaning == "Dự án triển khai sau năm 2024-2025"``.
    """
    annex_key, marker_key = normalize_annex(annex), normalize_marker(marker)
    for report_number in _reports_newest_first(tables, report):
        legend = tables.legend(report_number, annex_key)
        if not legend:
            continue
        if marker_key not in legend:
            return None
        col = tables.column
        mask = (col("report") == report_number) & (col("annex") == annex_key) & (col("marker") == marker_key)
        ids = col("id")[mask].tolist()
        return MarkerExplanation(
            report=report_number,
            annex=annex_key,
            annex_title=tables.rows[ids[0]].annex_title,
            marker=marker_key,
            meaning=legend[marker_key],
            legend=legend,
            count=len(ids),
            row_ids=ids,
        )
    return None


# ---------------------------------------------------------------------------------------------
# LangChain tools


class _RowIdArgs(BaseModel):
    row_id: str = Field(
        description="Mã dòng / row id, e.g. '320/BC-UBND:I:4' (or 'I:4' for the newest report)"
    )


class _CompareArgs(_RowIdArgs):
    against: Literal["target", "previous"] = Field(
        default="target", description="'target': so với Nghị quyết; 'previous': so với năm trước"
    )


class _FilterArgs(RowFilter):
    limit: int = Field(default=50, ge=1, le=500, description="Max rows listed (the count is always complete)")


class _RankArgs(RowFilter):
    by: RankKey = Field(
        description="Fact to order by: disbursement_rate (tỷ lệ giải ngân), disbursed, capital_plan, ..."
    )
    order: Literal["asc", "desc"] = Field(
        default="desc", description="asc: lowest first; desc: highest first"
    )
    limit: int = Field(default=10, ge=1, le=500)


class _MarkerArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    report: str | None = Field(default=None, description="Report number; None: the newest report")
    annex: str = Field(description="Phụ lục, e.g. 'III'")
    marker: str = Field(description="Ký hiệu, e.g. '***' or '(***)'")


class _NumberArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    report: str | None = Field(default=None, description="Report number; None: the newest report")
    annex: str = Field(description="Phụ lục, e.g. 'III'")
    number: str = Field(description="Số thứ tự as printed, e.g. '9' or '2.3'")


class _NoArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


def _row_dump(row: Row) -> dict[str, Any]:
    return row.model_dump(mode="json", exclude={"content_hash", "text"}, exclude_none=True)


def _filter_of(kwargs: dict[str, Any]) -> RowFilter:
    return RowFilter(**{k: v for k, v in kwargs.items() if k in RowFilter.model_fields})


def _safe(func: Any) -> Any:
    """Tool errors become ``{"error": ...}`` so the agent can recover."""

    def wrapper(**kwargs: Any) -> dict[str, Any]:
        try:
            return func(**kwargs)
        except (KeyError, ValueError) as error:
            return {"error": str(error)}

    wrapper.__name__ = getattr(func, "__name__", "tool")
    return wrapper


def as_langchain_tools(tables: CorpusTables) -> list[StructuredTool]:
    """The tools bound to ``tables`` as LangChain ``StructuredTool`` s with pydantic ``args_schema`` s.

    Every tool returns a JSON-able dict (ids and printed strings included).
    """

    def lookup(row_id: str) -> dict[str, Any]:
        return _dump(lookup_indicator(tables, row_id))

    def compare(row_id: str, against: Literal["target", "previous"] = "target") -> dict[str, Any]:
        return _dump(compare_indicator(tables, row_id, against))

    def filter_(**kwargs: Any) -> dict[str, Any]:
        ids = filter_ids(tables, _filter_of(kwargs))
        limit = kwargs.get("limit", 50)
        rows = [_dump(summarize_row(tables, tables.rows[i])) for i in ids[:limit]]
        return {"count": len(ids), "rows": rows, "truncated": len(ids) > limit}

    def count(**kwargs: Any) -> dict[str, Any]:
        return _dump(count_rows(tables, _filter_of(kwargs)))

    def rank(**kwargs: Any) -> dict[str, Any]:
        ranked = rank_rows(
            tables, _filter_of(kwargs), kwargs["by"], kwargs.get("order", "desc"), kwargs.get("limit", 10)
        )
        return {"count": len(ranked), "rows": [_dump(r) for r in ranked]}

    def marker(annex: str, marker: str, report: str | None = None) -> dict[str, Any]:
        found = explain_marker(tables, report, annex, marker)
        return (
            _dump(found) if found else {"error": f"marker {marker!r} is not in the legend of annex {annex}"}
        )

    def row(row_id: str) -> dict[str, Any]:
        found = get_row(tables, row_id)
        return _row_dump(found) if found else {"error": f"no row {row_id!r}"}

    def number(annex: str, number: str, report: str | None = None) -> dict[str, Any]:
        found = find_by_number(tables, report, annex, number)
        return _row_dump(found) if found else {"error": f"no row numbered {number!r} in annex {annex}"}

    def reports() -> dict[str, Any]:
        newest = tables.newest_report()
        return {"reports": [_dump(r) for r in tables.reports()], "newest": newest.number if newest else None}

    def agencies() -> dict[str, Any]:
        return {"agencies": known_agencies(tables)}

    specs: list[tuple[str, Any, type[BaseModel], str]] = [
        ("lookup_indicator", lookup, _RowIdArgs,
         "Tra cứu chỉ tiêu: mọi giá trị in trong báo cáo (ĐVT, thực hiện năm trước, Nghị quyết, ước thực hiện, % so sánh, ghi chú). "
         "Look up an indicator row: every printed value (raw) and its typed value, verdict, children ids."),
        ("compare_indicator", compare, _CompareArgs,
         "So sánh ước thực hiện với Nghị quyết ('target': đạt/chưa đạt/vượt) hoặc với năm trước ('previous': tăng/giảm), "
         "kèm ghi chú và % của báo cáo. Compare an indicator's estimate with its target or last year (computed), next to the report's verdict."),
        ("filter_rows", filter_, _FilterArgs,
         "Lọc các dòng theo báo cáo, phụ lục, loại, cơ quan chủ trì/phối hợp, ký hiệu (*), ghi chú (Đạt NQ...), năm, từ khóa. "
         "Filter rows by report, annex, kind, lead/coordinating agency, marker, verdict, period, keyword; returns ids and names."),
        ("count_rows", count, RowFilter,
         "Đếm số dòng thỏa điều kiện (cùng điều kiện như filter_rows), kèm mã dòng. Count matching rows, with their ids."),
        ("rank_rows", rank, _RankArgs,
         "Xếp hạng dự án/chỉ tiêu theo tỷ lệ giải ngân, vốn đã giải ngân, kế hoạch vốn, tổng mức đầu tư, GPMB, ước thực hiện, % so NQ/năm trước. "
         "Rank rows by a stated numeric fact (raw printed value, unit and quote kept)."),
        ("explain_marker", marker, _MarkerArgs,
         "Giải thích ký hiệu (*), (**), (***)... theo chú thích của chính phụ lục đó, và liệt kê các dòng mang ký hiệu. "
         "Explain a status marker from that annex's own legend (meanings differ between annexes)."),
        ("get_row", row, _RowIdArgs,
         "Lấy toàn bộ nội dung một dòng theo mã. Get one row (all printed cells, facts, footnotes) by id."),
        ("find_by_number", number, _NumberArgs,
         "Tìm dòng theo số thứ tự in trong phụ lục ('9' tìm được dòng '4 và 9'). Find a row by its printed number in an annex."),
        ("list_reports", reports, _NoArgs,
         "Danh sách báo cáo đã nạp (số hiệu, ngày, các phụ lục, số dòng) và báo cáo mới nhất. List loaded reports and the newest one."),
        ("list_agencies", agencies, _NoArgs,
         "Danh sách cơ quan chủ trì xuất hiện trong các báo cáo. The distinct lead agencies named in the reports."),
    ]  # fmt: skip
    return [
        StructuredTool.from_function(func=_safe(func), name=name, description=description, args_schema=schema)
        for name, func, schema, description in specs
    ]
