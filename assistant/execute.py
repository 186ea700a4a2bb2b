"""Plan → result, only through the fixed table tools of :mod:`structured.tools` (the one implementation).

Example::

    result = execute(Plan(op="count", filters=RowFilter(report="320/BC-UBND", annexes=["III"], marker="*")), tables)
    result.count.count == 12
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.plan import Plan
from ingestion.models import Row
from retrieval.passages import states_number_of
from structured.lexicon import fold, fold_tokens, lexicon
from structured.models import (
    AgencyCount,
    Comparison,
    CountResult,
    MarkerExplanation,
    RankedRow,
    RowLookup,
    TotalResult,
)
from structured.tables import CorpusTables
from structured.tools import (
    compare_row,
    count_by_agency,
    count_rows,
    explain_marker,
    filter_rows,
    lookup_row,
    outline,
    rank_rows,
    total_of,
    value_years,
)


@dataclass
class Result:
    plan: Plan
    rows: list[Row] = field(default_factory=list)
    lookups: list[RowLookup] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    count: CountResult | None = None
    ranked: list[RankedRow] = field(default_factory=list)
    total: TotalResult | None = None
    markers: list[MarkerExplanation] = field(default_factory=list)
    agencies: list[AgencyCount] = field(default_factory=list)
    missing: str | None = None  # why the report cannot answer: measure, period, empty, legend


NUMBER_ASKED = ("estimate", "actual", "actual_prev", "target", "vs_target_pct", "vs_prev_pct")  # a comparison asking a figure


def _compares_in_columns(row, against: str | None) -> bool:  # noqa: ANN001
    """A task printing its result and what it is compared with in columns ("Khối lượng kế hoạch 36 cơ sở",
    "Khối lượng thực hiện 31 cơ sở")."""
    facts = row.facts
    reference = "actual_prev" if against == "previous" else "target"
    return isinstance(facts.get("estimate") or facts.get("actual"), dict) and isinstance(facts.get(reference), dict)


def execute(plan: Plan, tables: CorpusTables) -> Result:
    result = Result(plan=plan)
    op = plan.op
    if op in ("lookup", "compare"):
        rows = [tables.rows[t] for t in plan.targets if t in tables.rows]
        result.rows = rows
        for row in rows:
            if op == "compare" and row.kind in ("task", "project") and not _compares_in_columns(row, plan.against):
                # a task compares in words: its status text (unless it prints the figure and its plan in columns)
                if plan.measure in NUMBER_ASKED:  # "giảm bao nhiêu so với cùng kỳ": only a sentence stating a number
                    lookup = lookup_row(tables, row.id, "estimate", plan.period, plan.words, plan.name_words, plan.units)
                    if lookup.missing:
                        result.missing = "compare"
                        continue
                else:
                    lookup = lookup_row(tables, row.id, None, plan.period, plan.words, plan.name_words)
                result.lookups.append(lookup)
                continue
            if op == "compare":
                if plan.period is not None and (years := value_years(tables, row.id)) and plan.period not in years:
                    result.missing = "period"  # "kế hoạch năm 2026" of a row stating 2024 and 2025
                    continue
                against = ["target", "previous"] if plan.against == "both" else [plan.against or "target"]
                for side in against:
                    comparison = compare_row(tables, row.id, side)
                    if comparison.estimate is None or comparison.reference is None:
                        if comparison.report_verdict or _parent_verdict(tables, row):
                            result.comparisons.append(comparison)
                        elif not result.comparisons:
                            result.missing = "compare"
                        continue
                    result.comparisons.append(comparison)
                if result.comparisons:
                    result.missing = None
            else:
                measure = plan.measure
                if (row.kind == "indicator" and measure in ("status", "verdict")) or (row.kind != "indicator" and measure == "marker"):
                    measure = None  # an indicator's "how is it going" is its values; a task's status holds its marker
                lookup = lookup_row(tables, row.id, measure, plan.period, plan.words, plan.name_words, plan.units, plan.written,
                                    plan.number_asked, plan.figures)
                if lookup.missing and measure == "status":  # "tình hình huyện X" of a row with no status text: its figures
                    lookup = lookup_row(tables, row.id, None, plan.period, plan.words, plan.name_words, plan.units, plan.written)
                if lookup.missing and measure in ("estimate", "actual") and row.kind in ("task", "project") \
                        and not set(plan.words) - _verdict_words() - {t for unit in plan.units for t in unit} \
                        and plan.period is None:
                    # "chữ ký số … cấp được bao nhiêu rồi?", "còn mấy mét chưa xong?" (nothing asked but the row's own name,
                    # a verdict or a unit; no year) of a task with no result column: what its text states (of that unit)
                    lookup = lookup_row(tables, row.id, None, plan.period, plan.words, plan.name_words, plan.units, plan.written,
                                        plan.number_asked, plan.figures)
                if lookup.missing and (len(rows) > 1 and row is not rows[0]):
                    continue  # a second row that does not state it: answer from the rows that do
                if lookup.missing and row.kind == "indicator" and len(rows) == 1:
                    children = [lookup_row(tables, c, measure, plan.period) for c in tables.child_ids(row)]
                    if children and not any(c.missing for c in children):  # a heading line: its sub-lines answer
                        result.lookups.extend(children)
                        result.rows = [tables.rows[c.id] for c in children]
                        continue
                result.lookups.append(lookup)
                for extra in plan.more_measures:  # "ai chủ trì, hạn khi nào?": every thing asked
                    more = lookup_row(tables, row.id, extra, plan.period, plan.words, plan.name_words)
                    if not more.missing:
                        result.lookups.append(more)
                if lookup.missing:
                    result.missing = lookup.missing
                elif _percent_not_stated(plan, row, lookup):
                    result.missing = "percent"  # "đạt bao nhiêu %?" of a task whose text states no percentage
                elif _money_not_stated(plan, row, lookup):
                    result.missing = "money"  # "giải ngân bao nhiêu tỷ đồng?" of a task whose text states only a rate
                elif row.kind == "indicator" and plan.measure in (None, "estimate", "actual") and plan.period in (None, row.facts.get("year")):
                    comparison = compare_row(tables, row.id, "target")
                    if comparison.reference is not None or comparison.report_verdict:
                        result.comparisons.append(comparison)
    elif op in ("count", "list"):
        result.count = count_rows(tables, plan.filters)
        result.rows = [tables.rows[i] for i in result.count.ids]
    elif op == "rank" and plan.measure in ("lead", "coordinating"):  # "sở nào chủ trì nhiều nhiệm vụ nhất"
        result.agencies = count_by_agency(tables, plan.filters, plan.measure)
        if plan.order == "asc":
            result.agencies.reverse()
        result.rows = [tables.rows[i] for i in result.agencies[0].ids] if result.agencies else []
        if not result.agencies:
            result.missing = "measure"
    elif op == "rank":
        result.ranked = rank_rows(tables, plan.filters, plan.measure or "estimate", "asc" if plan.order == "asc" else "desc", limit=None)
        result.rows = [tables.rows[r.id] for r in result.ranked]
        if not result.ranked:
            result.missing = "measure"
    elif op == "total":
        result.total = total_of(tables, plan.filters, plan.measure or "capital_plan")
        result.rows = [tables.rows[i] for i in result.total.ids if i in tables.rows]
        if result.total.printed is None and result.total.computed is None:
            result.missing = "measure"
    elif op == "legend":
        for marker in [plan.filters.marker or "", *plan.more_markers]:
            for annex in plan.filters.annexes or _annexes_with_marker(tables, plan.report, marker):
                found = explain_marker(tables, plan.report, annex, marker)
                if found is not None:
                    result.markers.append(found)
        if not result.markers:
            result.missing = "legend"
    elif op == "structure":  # the annexes of a report, or the top-level items of one annex
        if plan.filters.annexes:
            result.rows = outline(tables, plan.report, plan.filters.annexes[0])
    elif op == "overview":
        result.rows = filter_rows(tables, plan.filters.model_copy(update={"include_groups": False}))
        if not result.rows:
            result.missing = "empty"
    return result


@lru_cache(maxsize=1)
def _verdict_words() -> frozenset[str]:
    """Folded words of the lexicon's verdicts ("xong", "hoàn thành"): "xong được bao nhiêu rồi?" asks no other thing."""
    return frozenset(t for phrases in lexicon().phrases("verdict_questions").values() for p in phrases for t in fold(p).split())


def _percent_not_stated(plan: Plan, row: Row, lookup: RowLookup) -> bool:
    """A percentage is asked of a task or project (its status text answers) and nothing quoted states one."""
    asks = "%" in plan.words or "phan tram" in " ".join(plan.words)
    if not asks or row.kind == "indicator" or plan.measure not in (None, "status"):
        return False
    quoted = [v.raw + " " + (v.quote or "") for v in lookup.values] + [p.raw for p in lookup.passages]
    return not any("%" in text for text in quoted) and not any(v.unit == "%" for v in lookup.values)  # ("43,86" of a % column)


def _money_not_stated(plan: Plan, row: Row, lookup: RowLookup) -> bool:
    """An amount of money is asked in a unit ("bao nhiêu tỷ đồng") of a task or project that prints it in no column,
    and no sentence quoted states a number in money."""
    units = _money_units()
    money = [u for u in plan.units if set(u) & {t for unit in units for t in unit}]
    if not money or row.kind == "indicator" or any(v.value is not None and not v.text for v in lookup.values):
        return False
    quoted = [v.quote or v.raw for v in lookup.values] + [p.raw for p in lookup.passages]
    return bool(quoted) and not any(states_number_of(_amount_tokens(t), units) for t in quoted)


@lru_cache(maxsize=1)
def _money_units() -> list[list[str]]:
    """The lexicon's money units, folded, and their first word alone ("1.856 tỷ", "50 triệu")."""
    units = [fold_tokens(u) for u in lexicon().section("money_units")]
    return units + [u[:1] for u in units if len(u) > 1]


def _amount_tokens(text: str) -> list[str]:
    """Folded tokens with no year ("năm 2024, tỷ lệ …" states no amount) and "tỷ lệ" one token (a rate, no "tỷ")."""
    tokens = fold_tokens(re.sub(r"(?i)\btỷ\s+lệ\b|\btỉ\s+lệ\b", "tyle", text))
    return ["" if re.fullmatch(r"(?:19|20)\d\d", t) else t for t in tokens]



def _parent_verdict(tables: CorpusTables, row: Row) -> str | None:
    """A sub-line without its own verdict is judged with its parent indicator ("Đạt NQ" of indicator 14)."""
    parent = tables.rows.get(tables.parent_id(row) or "")
    return parent.facts.get("verdict") if parent is not None and not row.facts.get("verdict") else None


def _annexes_with_marker(tables: CorpusTables, report: str | None, marker: str) -> list[str]:
    numbers = tables.resolve_report(report)
    number = numbers[0] if numbers else None
    return [a.annex for info in tables.catalogue if info.number == number for a in info.annexes if marker in a.legend]
