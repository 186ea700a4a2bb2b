"""Result → :class:`Answer`, worded from the templates in ``prompts/answers.txt``.

Numbers are copied exactly as printed, next to the column they were printed in (or the sentence that
states them); whatever is computed (a count, a sum, a comparison) is said to be computed. The answer
leads with what was asked ("Có, đạt." / "Chưa đạt." for a yes/no question), then the numbers, then the
details; every value is cited (report, annex, row, cell or passage).
"""

from __future__ import annotations

import re
from typing import Any

from assistant.execute import Result
from assistant.plan import Plan
from assistant.types import Answer, Citation
from ingestion.columns import MONEY_ROLES, header_leaf
from ingestion.models import Row
from ingestion.tables import role_texts
from prompts import render
from retrieval.passages import sentences, states_a_figure
from structured.lexicon import fold, fold_tokens
from structured.models import Comparison, RowLookup, ValueCell
from structured.semantic import row_noun
from structured.tables import CorpusTables
from structured.tools import (
    COLUMN_MEASURE,
    TIME_MEASURES,
    TIME_ROLES,
    column_fact,
    difference,
    filter_ids,
    measure_fact,
    printed_totals,
    shown_name,
)

MAX_LISTED = 60  # rows named in a count answer's sentence (the table always has them all)
MAX_STATUS_CHARS = 1500  # status text quoted in a status answer before it is cut
STATUS_PARTS = 6  # sub-lines whose own status text a row's status answer quotes (more: a list, not a status)
MAX_PART_STATUS_CHARS = 400  # each sub-line's text quoted before it is cut
OVERVIEW_STATUS_CHARS = 300  # status quoted per row in an overview
LIST_STATUS_CHARS = 160  # a listed task's sentence of its status text that states a figure
LIST_STATUS_ROWS = 8  # …only in lists this short (a long list stays a list of names)
PRINTED_NUMBERS_SHOWN = 6  # a row's own columns shown in an overview line (the table under the answer has them all)
OVERVIEW_ROLES = ("estimate", "actual", "target", "total_investment", "disbursement_rate", "disbursed", "site_clearance")  # shown per row
MARKER_MEANING_WORDS = 8  # a marker's meaning shown in a tally: its first words ("Nhiệm vụ đã hoàn thành")


def compose(result: Result, tables: CorpusTables) -> Answer:
    plan = result.plan
    handler = {
        "lookup": _lookup, "compare": _compare, "count": _collection, "list": _collection, "rank": _rank,
        "total": _total, "legend": _legend, "overview": _overview, "structure": _structure, "clarify": _clarify,
        "none": _none,
    }[plan.op]
    reply = handler(result, tables)
    reply.intent = reply.intent or plan.op
    reply.confidence = max(0.0, min(1.0, plan.confidence))
    reply.plan = plan.model_dump(mode="json", exclude_defaults=True)
    return reply


# ---------------------------------------------------------------------------------------------
# Helpers


def where(row: Row) -> str:
    noun = "chỉ tiêu" if row.kind == "indicator" else "mục"
    return f"Báo cáo số {row.report}, Phụ lục {row.annex}, {noun} {row.row}"


SHORT_NAME_WORDS = 4  # a sub-line named this briefly ("Vốn sự nghiệp") is shown with the item it is part of


def full_name(row: Row, tables: CorpusTables) -> str:
    """``"Vốn sự nghiệp – Chương trình mục tiêu quốc gia giảm nghèo bền vững"``: a short sub-line's name
    with its parent's, so that two "Vốn sự nghiệp" lines of a list can be told apart."""
    name = " ".join(row.name.split())  # a name printed over several lines stays one list line
    if row.kind == "total" and row.facts.get("total_of"):  # "Cộng A – DỰ ÁN SỬ DỤNG VỐN ODA …": of which group
        return " ".join(shown_name(row).split())
    parent = tables.rows.get(tables.parent_id(row) or "")
    if parent is None or parent.kind == "group":
        return name
    if len(row.name.split()) <= SHORT_NAME_WORDS or (row.report, row.annex, row.name) in tables.repeated_names:
        return f"{name} – {' '.join(parent.name.split())}"  # short, or printed under several items ("Vốn sự nghiệp")
    return name


def short_where(row: Row) -> str:
    marker = f" ({row.marker})" if row.marker else ""
    return f"PL {row.annex} mục {row.row}{marker}"


def cite(row: Row, column: str | None = None, quote: str | None = None) -> Citation:
    printed = row.name if row.kind == "total" and row.name and row.name.lower() != row.row.lower() else None
    return Citation(row_id=row.id, report=row.report, annex=row.annex, row=row.row, printed=printed,
                    annex_title=row.annex_title, column=column, quote=(quote or "")[:2000])


def _dedupe(citations: list[Citation]) -> list[Citation]:
    seen: dict[tuple, Citation] = {}
    for citation in citations:
        seen.setdefault((citation.row_id, citation.column), citation)
    return list(seen.values())


def label(measure: str | None) -> str:
    if measure and measure.startswith(COLUMN_MEASURE):
        return measure.removeprefix(COLUMN_MEASURE)  # a printed column: its header
    try:
        return render(f"label:{measure}")
    except KeyError:
        return measure or ""


def shown(value: ValueCell, unit_fallback: str | None = None) -> str:
    """A printed value with its unit: ``"31.500,00 Tỷ đồng"``, ``"5,86%"``, ``"3,7%"``."""
    unit = value.unit or unit_fallback
    if value.text or not unit or unit in value.raw:
        return value.raw
    if unit.strip() == "%":
        return f"{value.raw}%"
    return f"{value.raw} {unit}"


def _column_label(value: ValueCell) -> str:
    """The printed column header of a value ("Năm 2024 – Ước thực hiện cả năm"), else the measure label."""
    if value.column:
        return value.column
    return label(value.role)


def _table_row(row: Row, **extra: Any) -> dict[str, Any]:
    record = {"Báo cáo": row.report, "Phụ lục": row.annex, "Mục": row.row, "Tên": shown_name(row), "Ký hiệu": row.marker or ""}
    if row.kind == "indicator":
        facts = row.facts
        record.update({"ĐVT": facts.get("unit") or "",
                       "Ước thực hiện": (facts.get("estimate") or facts.get("actual") or {}).get("raw", ""),
                       "Kế hoạch": (facts.get("target") or {}).get("raw", ""), "Đánh giá": facts.get("verdict") or ""})
    else:
        lead = next((v for h, v in row.cells.items() if row.roles.get(h) == "lead"), "")
        record.update({"Cơ quan chủ trì": lead, "Đánh giá": row.facts.get("verdict") or ""})
    record.update(extra)
    return record


def chart_of(row: Row) -> dict | None:
    """Indicator values for a small chart; a range is kept as [low, high] (drawn as a band)."""
    labels, values, raws = [], [], []
    for role in ("actual_prev", "target", "estimate", "actual"):
        typed = row.facts.get(role) or {}
        if not isinstance(typed, dict):
            continue
        if typed.get("low") is not None and typed.get("high") is not None:
            number: Any = [typed["low"], typed["high"]]
        else:
            number = typed.get("value")
        if number is None:
            continue
        labels.append(f"{label(role).split(' / ')[0].capitalize()} {typed.get('year', '')}".strip())
        values.append(number)
        raws.append(typed["raw"])
    if not values:
        return None
    return {"labels": labels, "values": values, "raw": raws, "verdict": row.facts.get("verdict"), "unit": row.facts.get("unit")}


# ---------------------------------------------------------------------------------------------
# One row


def _lookup(result: Result, tables: CorpusTables) -> Answer:
    if result.missing:
        return _missing(result, tables)
    texts, citations = [], []
    chart = None
    several = len({tables.rows[lk.id].report for lk in result.lookups}) > 1
    dates = report_dates(tables)
    shown_raws: dict[str, set[str]] = {}
    for lookup in result.lookups:
        row = tables.rows[lookup.id]
        raws = {v.raw for v in lookup.values}
        if raws and raws <= shown_raws.get(row.id, set()) and not lookup.passages:
            continue  # another measure of a row already said with its related figures
        related = {f.get("raw") for k in _DISBURSEMENT if isinstance(f := row.facts.get(k), dict)} \
            if lookup.measure in _DISBURSEMENT else set()  # a disbursement figure is said with its related ones
        shown_raws.setdefault(row.id, set()).update(raws | related)
        if row.kind == "total" and len(lookup.values) == 1 and lookup.values[0].role is None:
            text, cites = _column_total_text(row, lookup.values[0], result.plan)
        else:
            text, cites = _lookup_text(row, lookup, tables)
        for note in _footnotes_of(row, lookup, text):  # "2023-2026 ¹": the footnote saying it was moved from 2025
            text += f" Chú thích: “{_unstopped(note)}”."
            cites.append(cite(row, "Chú thích", note))
        if several:  # "qua các báo cáo": each line says which report it is from
            text = f"Báo cáo số {row.report} ngày {dates.get(row.report, '')}: {text}"
        texts.append(text)
        citations += cites
        chart = chart or (chart_of(row) if row.kind == "indicator" else None)
    computed = []
    firsts = list({lk.id: lk for lk in reversed(result.lookups)}.values())[::-1]  # each row's first lookup
    if result.plan.contrast and (contrast := _contrast(firsts, tables)):
        line, computed = contrast
        texts.append(line)
    return Answer(text="\n".join(texts), citations=_dedupe(citations), route="table", chart=chart, computed_values=computed)


def _footnotes_of(row: Row, lookup: RowLookup, text: str) -> list[str]:
    """The row's footnotes that name a value the answer quotes (the footnote mark sat on that cell)."""
    raws = {v.raw for v in lookup.values if v.raw and len(v.raw) > 1}
    return [note for note in row.footnotes if any(raw in note for raw in raws) and _unstopped(note) not in text]


def _contrast(lookups: list[RowLookup], tables: CorpusTables) -> tuple[str, list[str]] | None:
    """"nơi nào bị phạt nhiều hơn, chênh bao nhiêu?": of two rows' one figure in the same column, which is
    higher and by how much (computed)."""
    if len(lookups) != 2 or any(len(lk.values) < 1 for lk in lookups):
        return None
    a, b = (lk.values[0] for lk in lookups)
    if _column_label(a) != _column_label(b) or a.value is None or b.value is None:
        return None
    if a.value == b.value:  # "nơi nào cấp nhiều hơn?" of two equal figures: neither
        names = [full_name(tables.rows[lk.id], tables) for lk in lookups]
        return render("contrast_equal", first=names[0], second=names[1], value=shown(a)), []
    (high, high_lookup), (low, low_lookup) = sorted(((a, lookups[0]), (b, lookups[1])), key=lambda p: -(p[0].value or 0))
    diff = difference(high, low, high.unit or lookups[0].unit)
    if diff is None:
        return None
    names = [full_name(tables.rows[lk.id], tables) for lk in (high_lookup, low_lookup)]
    value = f"{diff.text} {diff.unit or ''}".strip()
    return render("contrast", higher=names[0], lower=names[1], difference=value), [diff.text]


def _column_total_text(row: Row, value: ValueCell, plan: Plan) -> tuple[str, list[Citation]]:
    """A column's printed total ("Tổng cộng" under "Số vụ phát hiện"); said as a count when one was asked."""
    fields = {"label": _column_label(value), "annex": row.annex, "report": row.report, "total": row.name or row.row}
    counted = re.match(r"(?i)số\s+(\S+)", header_leaf(value.column or ""))  # "Số vụ phát hiện": a count of "vụ"
    noun = counted.group(1) if counted and plan.units and [fold(counted.group(1))] in plan.units else ""
    whole = value.value is not None and float(value.value).is_integer() and "," not in value.raw
    if noun and whole:
        text = render("column_total_count", value=shown(value), noun=noun, **fields)
    else:
        text = render("column_total", value=shown(value), **fields)
    return text, [cite(row, value.column, value.raw)]


def _lookup_text(row: Row, lookup: RowLookup, tables: CorpusTables) -> tuple[str, list[Citation]]:
    name = f"{full_name(row, tables)} ({short_where(row)})"  # "Vốn sự nghiệp – Chương trình …": which one
    measure = lookup.measure
    if row.kind == "indicator" and measure in (None, "estimate", "actual", "actual_prev", "target", "vs_target_pct", "vs_prev_pct"):
        text, cites = _indicator_text(row, lookup, tables)
        if lookup.passages:  # "11 tháng …": the note stating the span asked, after the yearly columns
            text += "".join(f" Báo cáo ghi: “{_unstopped(p.raw)}”." for p in lookup.passages)
            cites = [cite(row, p.column, p.raw) for p in lookup.passages] + cites
        return text, cites
    picked = measure is None and lookup.values and all(v.role is None for v in lookup.values)  # the column the words name
    if measure in (None, "status", "note", "verdict") and row.kind != "total" and not picked:
        return _status_text(row, lookup, tables)
    if measure in _DISBURSEMENT:
        lookup = lookup.model_copy(update={"values": _with_related(row, lookup.values)})
    cites = [cite(row, v.column, v.quote or v.raw) for v in lookup.values]
    passages = [p for p in lookup.passages if p.raw not in {v.raw for v in lookup.values}]
    quoted = "".join(f" Báo cáo ghi: “{_unstopped(p.raw)}”." for p in passages)
    cites += [cite(row, p.column, p.raw) for p in passages]
    if lookup.values and all(v.role == "status" for v in lookup.values):
        text = f"{name}: " + " ".join(f"“{_unstopped(v.raw)}”" for v in lookup.values) + "."
        return text + quoted, cites
    if not lookup.values:  # only sentences of the status text answer it
        return f"{name}:{quoted}", cites
    if all(v.text for v in lookup.values):
        if len({v.role for v in lookup.values}) > 1:
            joined = "; ".join(f"{_column_label(v)}: {v.raw}" for v in lookup.values)
            return f"{label(measure).capitalize()} của {name}: {joined}.{quoted}", cites
        joined = "; ".join(dict.fromkeys(v.raw for v in lookup.values))
        return render("value_text", label=label(measure).capitalize(), row=name, value=joined) + quoted, cites
    if len(lookup.values) > 1:  # several figures of one row: one sentence, each sentence quoted once
        joined = "; ".join(f"{label(v.role or measure) if v.quote else _column_label(v)}{_qualifier(v)} {shown(v)}"
                           for v in lookup.values)
        said = dict.fromkeys(_unstopped(v.quote) for v in lookup.values if v.quote)
        quotes = (" Báo cáo ghi: " + "; ".join(f"“{q}”" for q in said) + ".") if said else ""
        return render("value", row=name, label=joined, value="").replace(" .", ".") + quotes + quoted, cites
    parts = []
    for value in lookup.values:
        qualifier = _qualifier(value)
        if value.quote:
            parts.append(render("value_quote", row=name, label=f"{label(value.role or measure)}{qualifier}", value=shown(value), quote=_unstopped(value.quote)))
        else:
            parts.append(render("value", row=name, label=f"{_column_label(value)}{qualifier}", value=shown(value)))
    return " ".join(parts) + quoted, cites


_DISBURSEMENT = ("disbursed", "disbursement_rate", "capital_plan")
RANKED_AGENCIES_SHOWN = 5
OVERVIEW_LIST_ROWS = 25  # a listed set asked "how is it going" is summarised row by row up to this size
KEY_VALUES_SHOWN = 3  # numbers of one row in a list line (the table under the answer has them all)  # agencies listed under the answer (the rest only make the list long)


def _with_related(row: Row, values: list[ValueCell]) -> list[ValueCell]:
    """A disbursement is read with its plan and its rate: the three facts together, the asked one first."""
    out = list(values)
    for key in _DISBURSEMENT:
        fact = row.facts.get(key)
        if isinstance(fact, dict) and fact.get("raw") and all(v.role != key for v in out):
            out.append(ValueCell(**{k: fact.get(k) for k in ("column", "raw", "value", "unit", "year", "as_of", "scope", "quote")},
                                 role=key))
    return out


def _qualifier(value: ValueCell) -> str:
    parts = []
    if value.scope == "cumulative" and value.role == "disbursed":
        parts.append("lũy kế")
    if value.year and value.role in ("capital_plan",) and not value.column:
        parts.append(f"năm {value.year}")
    if value.as_of and (not value.column or value.as_of not in value.column):
        parts.append(f"đến {value.as_of}")
    return f" ({', '.join(parts)})" if parts else ""


_INDICATOR_ORDER = ("estimate", "actual", "target", "vs_target_pct", "vs_prev_pct")  # last year's value only when asked


def _indicator_text(row: Row, lookup: RowLookup, tables: CorpusTables) -> tuple[str, list[Citation]]:
    """The asked value first, then every other value the row prints (they are few), then the verdict."""
    unit = row.facts.get("unit")
    name = f"{row.name} ({short_where(row)})"
    asked = list(lookup.values)
    current_year = lookup.period in (None, row.facts.get("year"))
    others = []
    asked_pct = {v.role for v in asked} & {"vs_target_pct", "vs_prev_pct"}
    if current_year:
        for role in _INDICATOR_ORDER:
            if asked_pct and role in ("vs_target_pct", "vs_prev_pct"):
                continue  # "so với dự toán được mấy %": the other ratio would answer another question
            fact = row.facts.get(role)
            if isinstance(fact, dict) and fact.get("raw") and all(v.role != role for v in asked):
                others.append(ValueCell(**{k: fact.get(k) for k in ("column", "raw", "value", "low", "high", "comparator", "unit", "year")},
                                        role=role, text=bool(fact.get("text"))))
    values = [f"{_column_label(v)}: {shown(v, unit)}" for v in asked]
    if others:
        values.append("(" + "; ".join(f"{_column_label(v)}: {shown(v, unit if v.role not in ('vs_target_pct', 'vs_prev_pct') else None)}"
                                      for v in others) + ")")
    cites = [cite(row, v.column, v.raw) for v in asked + others]
    text = render("indicator", row=name, values="; ".join(values).replace("; (", " ("))
    verdict, verdict_row = _verdict_of(row, tables)
    if verdict and current_year and lookup.measure in (None, "estimate", "actual", "target", "verdict", "status"):
        text += " " + render("verdict", verdict=verdict) + ("" if verdict_row is row else f" (đánh giá chung của {verdict_row.name})")
        column = next((h for h, r in verdict_row.roles.items() if r == "verdict"), None)
        cites.append(cite(verdict_row, column, verdict))
    return text, cites


def _verdict_of(row: Row, tables: CorpusTables) -> tuple[str | None, Row]:
    """The row's own verdict, else its parent indicator's (a sub-line is judged with its parent)."""
    if row.facts.get("verdict"):
        return row.facts["verdict"], row
    parent = tables.rows.get(tables.parent_id(row) or "")
    if parent is not None and parent.facts.get("verdict"):
        return parent.facts["verdict"], parent
    return None, row


def _status_text(row: Row, lookup: RowLookup, tables: CorpusTables) -> tuple[str, list[Citation]]:
    lines = [render("status_head", row=row.name, where=where(row))]
    cites = []
    facts = row.facts
    numbers = []
    for key in ("capital_plan", "disbursed", "disbursement_rate", "site_clearance", "total_investment"):
        fact = facts.get(key)
        if isinstance(fact, dict) and fact.get("raw"):
            value = ValueCell(**{k: fact.get(k) for k in ("column", "raw", "value", "unit", "year", "as_of", "scope", "quote")}, role=key)
            numbers.append(f"{label(key)}{_qualifier(value)}: {shown(value)}")
            cites.append(cite(row, fact.get("column"), fact.get("quote") or fact.get("raw")))
    if not numbers and (printed := _printed_numbers(row)):  # a row of a table by place: its own columns
        numbers.append(printed)
        cites.append(cite(row, None, printed))
    if numbers:
        lines.append("Số liệu chính: " + "; ".join(numbers) + ".")
    lead = [v for h, v in row.cells.items() if row.roles.get(h) == "lead" and v]
    if lead:
        lines.append(f"{label('lead').capitalize()}: {lead[0]}.")
        cites.append(cite(row, next(h for h, r in row.roles.items() if r == "lead"), lead[0]))
    if row.marker:
        lines.append(f"Tình trạng ({row.marker}): {row.marker_meaning or 'không có chú giải'}.")
        if row.marker_meaning:  # the annex's own legend says what the marker means
            cites.append(Citation(row_id=f"{row.report}:{row.annex}:Ghi chú", report=row.report, annex=row.annex, row="Ghi chú",
                                  annex_title=row.annex_title, column="Ghi chú", quote=f"({row.marker}) {row.marker_meaning}"))
    if facts.get("verdict"):
        lines.append(render("verdict", verdict=facts["verdict"]))
        cites.append(cite(row, next((h for h, r in row.roles.items() if r == "verdict"), None), facts["verdict"]))
    status = [v for v in lookup.values if v.role in ("status", "note")]
    if status:
        text = " ".join(v.raw for v in status)
        if len(text) > MAX_STATUS_CHARS:
            text = text[:MAX_STATUS_CHARS].rsplit(" ", 1)[0] + " …"
        lines.append(render("status_text", text=text))
        cites += [cite(row, v.column, v.raw) for v in status]
    parts = [tables.rows[i] for i in tables.child_ids(row)]
    for part in parts[:STATUS_PARTS]:  # "cầu Mỏ Bạch 2 thi công đến đâu": each part's own text says its progress
        said = " ".join(role_texts(part, "status"))
        if said:
            if len(said) > MAX_PART_STATUS_CHARS:
                said = said[:MAX_PART_STATUS_CHARS].rsplit(" ", 1)[0] + " …"
            lines.append(render("status_part", part=part.name, where=short_where(part), text=said))
            cites.append(cite(part, next((h for h, r in part.roles.items() if r == "status"), None), said))
    if len(lines) == 1:
        cells = [f"{h}: {v}" for h, v in row.cells.items() if v and v != row.name][:6]
        lines.append("; ".join(cells) + ".")
        cites.append(cite(row, None, row.name))
    return "\n".join(lines), cites or [cite(row, None, row.name)]


def _plain_name(row: Row) -> str:
    """The row's name up to its first number (a refusal states no number)."""
    words = []
    for word in row.name.split():
        if any(ch.isdigit() for ch in word):
            break
        words.append(word)
    name = " ".join(words).rstrip(" ,;:(-–")
    if name.count("(") > name.count(")"):  # "… (GRDP, giá so sánh 2010)" cut before "2010": up to the bracket
        name = name[: name.rfind("(")].rstrip(" ,;:-–")
    return name or f"mục {row.row}"


def _missing(result: Result, tables: CorpusTables) -> Answer:
    plan = result.plan
    row = tables.rows[plan.targets[0]] if plan.targets and plan.targets[0] in tables.rows else None
    if row is None:
        return Answer(text=render("no_answer"), route="none", abstained=True)
    if result.missing == "period":
        text = render("no_period", row=_plain_name(row))  # no figure at all: the row is offered to open
    elif result.missing == "percent":
        text = render("no_measure", measure="tỷ lệ (%)", row=_plain_name(row), where=where(row))
    elif result.missing == "money":
        text = render("no_measure", measure=f"{label(plan.measure)} bằng tiền", row=_plain_name(row), where=where(row))
    elif result.missing == "compare":
        text = render("no_compare", row=_plain_name(row), where=where(row),
                      reference="năm trước" if plan.against == "previous" else "kế hoạch / Nghị quyết")
    elif plan.measure == "status" and row.kind in ("task", "project"):
        # "đã xong chưa?" of a task whose status cell is empty: the report does not say; the row is offered to open
        text = render("no_status", row=_plain_name(row), where=where(row))
    else:  # (the question asked again of a new row names no measure: "thông tin được hỏi")
        text = render("no_measure", measure=label(plan.measure) or "thông tin được hỏi", row=_plain_name(row), where=where(row))
    return Answer(text=text, route="none", abstained=True, suggestions=[cite(row, None, row.name)])


def _compare(result: Result, tables: CorpusTables) -> Answer:
    if result.lookups and not result.comparisons:  # a task or project: what its status text says
        return _lookup(result, tables)
    if result.missing and not result.comparisons:
        return _missing(result, tables)
    texts, citations = [], []
    chart = None
    for comparison in result.comparisons:
        row = tables.rows[comparison.id]
        text, cites = _comparison_text(row, comparison, result.plan.yes_no, tables)
        verdict = row.facts.get("verdict")
        if result.plan.measure == "verdict" and comparison.against == "previous" and verdict:
            text += " " + render("verdict", verdict=verdict)  # "so với cùng kỳ thì sao, đánh giá thế nào?": both
            cites.append(cite(row, next((h for h, r in row.roles.items() if r == "verdict"), None), verdict))
        texts.append(text)
        citations += cites
        chart = chart or chart_of(row)
    computed = [c.computed_pct.text for c in result.comparisons if c.computed_pct] + [
        c.computed_difference.text for c in result.comparisons if c.computed_difference]
    return Answer(text="\n".join(texts), citations=_dedupe(citations), route="table", chart=chart, computed_values=computed)


def _comparison_text(row: Row, c: Comparison, yes_no: bool, tables: CorpusTables) -> tuple[str, list[Citation]]:
    unit = c.unit
    name = f"{row.name} ({short_where(row)})"
    cites = []
    if c.estimate:
        cites.append(cite(row, c.estimate.column, c.estimate.raw))
    if c.reference:
        cites.append(cite(row, c.reference.column, c.reference.raw))
    estimate = f"{_column_label(c.estimate)} {shown(c.estimate, unit)}" if c.estimate else "không có số liệu ước thực hiện"
    reference = f"{_column_label(c.reference)} {shown(c.reference, unit)}" if c.reference else "không có số liệu so sánh"
    if c.against == "target":
        own_verdict = c.report_verdict
        if not own_verdict:
            inherited, parent = _verdict_of(row, tables)
            if inherited and parent is not row:
                c = c.model_copy(update={"report_verdict": f"{inherited} (đánh giá chung của {parent.name})"})
                cites.append(cite(parent, next((h for h, r in parent.roles.items() if r == "verdict"), None), inherited))
        verdict_class = c.report_verdict_class or (c.outcome if c.outcome != "undetermined" else None)
        opener = render(f"opener:{verdict_class}") if verdict_class else ""
        pct = ""
        if c.report_pct is not None:
            pct = f" ({_column_label(c.report_pct)}: {c.report_pct.raw})"
            cites.append(cite(row, c.report_pct.column, c.report_pct.raw))
        verdict_text = render("verdict", verdict=c.report_verdict) if c.report_verdict else ""
        if own_verdict:
            cites.append(cite(row, next((h for h, r in row.roles.items() if r == "verdict"), None), own_verdict))
        if c.estimate is None and c.reference is None:
            text = f"{opener} {name}: {verdict_text}"
        else:
            text = render("compare_target", opener=opener, row=name, estimate=estimate, reference=reference, pct=pct,
                          verdict_text=verdict_text)
        if not own_verdict and c.outcome != "undetermined":
            lower = " — chỉ tiêu càng thấp càng tốt" if c.lower_is_better else ""
            text += " " + render("computed_outcome", outcome=render(f"outcome:{c.outcome}"), lower=lower)
        elif c.agrees_with_report is False:
            text += " " + render("disagree", outcome=render(f"outcome:{c.outcome}"), verdict=c.report_verdict)
    else:
        opener = render(f"opener:{c.outcome}") if c.outcome in ("up", "down", "unchanged") else ""
        difference = ""
        if c.computed_difference is not None:
            difference = f", chênh lệch {c.computed_difference.text} {c.computed_difference.unit or ''} (tính toán)".rstrip()
        if c.report_pct is not None:
            difference += f"; báo cáo ghi {_column_label(c.report_pct)}: {c.report_pct.raw}"
            cites.append(cite(row, c.report_pct.column, c.report_pct.raw))
        text = render("compare_previous", opener=opener, row=name, estimate=estimate, reference=reference,
                      direction=render(f"outcome:{c.outcome}" if c.outcome != "undetermined" else "outcome:undetermined_prev"),
                      difference=difference)
    return " ".join(text.split()), cites or [cite(row, None, row.name)]


# ---------------------------------------------------------------------------------------------
# Sets


def conditions(result: Result, tables: CorpusTables, bare: bool = False) -> str:
    """The set's conditions in words; ``bare`` leaves out the words quoted from the report (the marker's
    meaning, a group's or parent's name), for an answer that cites nothing."""
    flt = result.plan.filters
    parts = []
    if flt.annexes:
        parts.append("Phụ lục " + ", ".join(flt.annexes))
    if flt.marker:
        meaning = tables.legend(flt.report or "", flt.annexes[0]).get(flt.marker) if flt.annexes and not bare else None
        parts.append(f"ký hiệu ({flt.marker})" + (f": {meaning}" if meaning else ""))
    if flt.verdict_said:  # the report's own wording, as the question said it
        said = next((r.facts["verdict"] for r in result.rows if r.facts.get("verdict")), flt.verdict_said)
        parts.append(f"đánh giá “{said}”")
    elif flt.verdicts:
        parts.append("đánh giá " + " / ".join(render(f"verdict:{v}") for v in flt.verdicts))
    if flt.agency:
        agency = f"các {flt.agency[:-1]}" if flt.agency.endswith("*") else flt.agency  # "Bộ*": every ministry
        parts.append(f"cơ quan chủ trì {'không phải ' if flt.agency_excluded else ''}{agency}")
    if flt.parent and flt.parent in tables.rows:
        parts.append("các mục con của dòng được hỏi" if bare else f"các mục của {tables.rows[flt.parent].name}")
    if flt.group and flt.group in tables.rows:
        group = tables.rows[flt.group]
        parts.append(f"nhóm {group.row}" if bare else f"nhóm {group.row}: {group.name}")
    if flt.field:
        parts.append(f"lĩnh vực {flt.field}")
    if flt.words:
        parts.append("liên quan “" + " ".join(flt.words) + "”")
    parts += [f"có ghi {label(m)}" for m in flt.states] + [f"không ghi {label(m)}" for m in flt.lacks]
    if flt.exclude_ids:
        parts.append("không kể mục vừa nói tới")
    for condition in flt.where:  # as the question said it: "tỷ lệ giải ngân dưới 30% kế hoạch"
        parts.append(f"{label(condition.measure)} {condition.text}".strip())
    if flt.direction:
        parts.append(render(f"direction:{flt.direction}"))
    if flt.starts and flt.ends:
        parts.append(f"thời gian thực hiện {flt.starts} - {flt.ends}")
    elif flt.ends:
        parts.append(f"thời gian thực hiện đến năm {flt.ends}")
    elif flt.starts:
        parts.append(f"bắt đầu năm {flt.starts}")
    if flt.due:
        parts.append(f"thời hạn {flt.due}")
    if flt.period:
        parts.append(f"năm {flt.period}")
    if flt.report:
        parts.append(f"Báo cáo số {flt.report}")
    return ", ".join(parts) or "toàn bộ báo cáo"


def scope_citations(result: Result, tables: CorpusTables) -> list[Citation]:
    """Where the words describing a set come from: its marker's legend line."""
    flt = result.plan.filters
    out = []
    meaning = tables.legend(flt.report or "", flt.annexes[0]).get(flt.marker) if flt.marker and flt.annexes else None
    if meaning:
        annex = flt.annexes[0]
        title = next((r.annex_title for r in tables.rows.values() if r.report == flt.report and r.annex == annex), "")
        date = report_dates(tables).get(flt.report or "", "")
        out.append(Citation(row_id=f"{flt.report}:{annex}:Ghi chú", report=flt.report or "", annex=annex, row="Ghi chú",
                            annex_title=title, column="Ghi chú",
                            quote=f"Báo cáo số {flt.report} ngày {date}, Ghi chú: ({flt.marker}) {meaning}"))
    return out


def _what(result: Result) -> str:
    """The noun of a set: what the one table its rows come from calls them ("địa bàn"), else the kind asked,
    else the one kind every row of the answer has ("dự án")."""
    if len({(row.report, row.annex) for row in result.rows}) == 1:
        name_header = next((h for h, r in result.rows[0].roles.items() if r == "name"), "")
        if noun := row_noun(name_header):
            return noun
    kinds = {row.kind for row in result.rows}
    kind = result.plan.filters.kind or (kinds.pop() if len(kinds) == 1 else "any")
    return render(f"kind:{kind if kind in ('indicator', 'project', 'task') else 'any'}")


def _collection(result: Result, tables: CorpusTables) -> Answer:
    assert result.count is not None
    rows = result.rows
    what, scope = _what(result), conditions(result, tables)
    table = [_table_row(row) for row in rows]
    quoted = len(rows) <= LIST_STATUS_ROWS

    def cited(row: Row) -> Citation:  # a row at the sentence of its text the list quotes, else at its name
        column, said = _status_figure(row) if quoted and not _key_values(row) else (None, "")
        return cite(row, column, said) if said else cite(row, None, row.name)

    citations = [cited(row) for row in rows] + [
        cite(part, None, _key_values(part)) for row in rows for part in _sub_lines_named(row, result, tables)] + scope_citations(result, tables)
    if not rows:
        flt = result.plan.filters
        if flt.words and filter_ids(tables, flt.model_copy(update={"words": [], "ids": None})):
            # the rows the other conditions keep hold none of the words: the words are not understood, not "none"
            return Answer(text=render("no_answer_condition", words=" ".join(flt.words)), route="none", abstained=True)
        return Answer(text=render("empty_set", what=what, conditions=scope), route="table", table=[], computed_values=["0"],
                      citations=scope_citations(result, tables))
    others = _other_wordings(result, tables)

    columns = [m for c in result.plan.filters.where for m in (c.measure, c.against) if m and m.startswith(COLUMN_MEASURE)]
    if columns:  # each row cited at the printed cell its condition was read from
        citations = [cite(row, label(columns[0]), (column_fact(row, columns[0]) or {}).get("raw") or row.name)
                     for row in rows] + scope_citations(result, tables)

    timed = result.plan.measure in TIME_MEASURES and (result.plan.filters.due or result.plan.filters.period)
    against_last_year = ["actual_prev"] if result.plan.filters.direction else []  # "tăng so với năm trước": last year too

    def item(r: Row) -> str:
        values = "; ".join([_key_values(r)] * bool(_key_values(r)) + [  # the printed column a condition is on, too
            f"{label(m)} {fact['raw']}" for m in columns if (fact := column_fact(r, m))] + [
            f"{fact.get('column') or label(m)} {fact['raw']}" for m in against_last_year
            if isinstance(fact := r.facts.get(m), dict) and fact.get("raw")] + [
            f"{header_leaf(h)} {v}" for h, v in r.cells.items() if timed and v and r.roles.get(h) in TIME_ROLES])  # "hạn … 2025"
        extra = r.facts.get("verdict") or next((v for h, v in r.cells.items() if r.roles.get(h) == "lead" and v), "")
        parts = "".join(f"; {' '.join(p.name.split())}: {v}" for p in _sub_lines_named(r, result, tables) if (v := _key_values(p)))
        said = "" if values or not quoted else _status_figure(r)[1]  # a task of a short list: what its text says ("47 văn bản")
        return f"- {short_where(r)}: {full_name(r, tables)}" + (f" ({values}{parts})" if values else "") + (
            f" — {extra}" if extra else "") + (f": “{said}”" if said else "")

    summarised = result.plan.measure == "status" or (
        (_money_asked(result.plan) or result.plan.measure == "site_clearance") and not result.plan.filters.where)
    if result.plan.op == "list" and summarised and len(rows) <= OVERVIEW_LIST_ROWS:
        # "các dự án của Sở X tình hình chung?", "tình hình giải ngân các dự án": each row's state, not only its name
        return _overview(result, tables)
    if result.plan.op == "count":
        text = render("count", count=len(rows), what=what, conditions=scope)
        text += "\n" + "\n".join(item(r) for r in rows[:MAX_LISTED])
    else:
        lines, total_citations = [], []
        for total in _totals_of_set(result, tables):  # a whole annex or group listed: the total the report prints for it too
            if values := _key_values(total):
                lines.append(f"- {' '.join(total.name.split()) or total.row} ({short_where(total)}): {values}")
                total_citations.append(cite(total, None, values))
        text = "\n".join([render("list", count=len(rows), what=what, conditions=scope, items="\n".join(item(r) for r in rows)),
                          *lines])
        citations += total_citations
    computed = [str(len(rows))]
    if others:  # "không đạt" counted apart from "chưa đạt": say how many the other wording has
        text += "\n" + render("other_wordings", items="; ".join(f"{n} {what} ghi “{w}”" for w, n in others))
        computed += [str(n) for _, n in others]
    return Answer(text=text, citations=citations, route="table", table=table, computed_values=computed)


def _status_figure(row: Row) -> tuple[str | None, str]:
    """The first sentence of a task's or project's status text that states a figure, cut to ``LIST_STATUS_CHARS``
    (its column, the sentence); (None, "") when the text states none."""
    if row.kind not in ("task", "project"):
        return None, ""
    for column, text in row.cells.items():
        if row.roles.get(column) == "status" and text:
            said = next((s for s in sentences(text) if states_a_figure(s)), "")
            return column, said if len(said) <= LIST_STATUS_CHARS else said[:LIST_STATUS_CHARS].rsplit(" ", 1)[0] + " …"
    return None, ""


def _sub_lines_named(row: Row, result: Result, tables: CorpusTables) -> list[Row]:
    """The sub-lines of a listed row that the set's condition names whole ("Chương trình có tỷ lệ giải ngân vốn
    sự nghiệp dưới 50%" → each programme's line "Vốn sự nghiệp"): their figures are the ones the condition is on."""
    said = set(fold_tokens(row.marker_meaning or "")) | set(result.plan.words)
    parts = [tables.rows[i] for i in tables.child_ids(row)]
    return [p for p in parts if (words := set(fold_tokens(p.name)) - {"cac", "cua"}) and words <= said]


def _other_wordings(result: Result, tables: CorpusTables) -> list[tuple[str, int]]:
    """Rows of the same verdict class printed with another wording than the one the question said."""
    flt = result.plan.filters
    if not flt.verdict_said:
        return []
    shown = {r.id for r in result.rows}
    wider = [tables.rows[i] for i in filter_ids(tables, flt.model_copy(update={"verdict_said": None})) if i not in shown]
    counts: dict[str, int] = {}
    for row in wider:
        counts[row.facts.get("verdict") or ""] = counts.get(row.facts.get("verdict") or "", 0) + 1
    return [(w, n) for w, n in counts.items() if w]


def _key_values(row: Row) -> str:
    """A row's main printed numbers for a list line: "Ước thực hiện 97,90%; Kế hoạch 97,33%"."""
    parts = []
    summing = row.kind in ("total", "group")  # a total line, or a heading printing its group's figures
    roles = ("total_investment", "capital_plan", "disbursed", "disbursement_rate") if summing else (
        "estimate", "actual", "target", "total_investment", "disbursement_rate")
    for role in roles:
        fact = row.facts.get(role)
        if isinstance(fact, dict) and fact.get("raw") and len(parts) < KEY_VALUES_SHOWN + summing:
            value = ValueCell(raw=fact["raw"], unit=fact.get("unit") or row.facts.get("unit"), text=bool(fact.get("text")))
            leaf = (fact.get("column") or label(role)).split(" – ")[-1]
            parts.append(f"{leaf} {shown(value)}")
    return "; ".join(parts)


def _rank_agencies(result: Result, tables: CorpusTables) -> Answer:
    """"Sở nào chủ trì nhiều nhiệm vụ nhất?": agencies by how many rows of the set they lead (counted)."""
    plan = result.plan
    scope = conditions(result, tables)
    counts = result.agencies
    if not counts:
        return Answer(text=render("no_rank", scope=conditions(result, tables, bare=True), measure=label(plan.measure)),
                      route="none", abstained=True)
    top = [c for c in counts if c.count == counts[0].count]
    what = _what(result)
    text = render("rank_agency", agencies=", ".join(c.agency for c in top), count=top[0].count, what=what, scope=scope,
                  role=label(plan.measure), order="ít nhất" if plan.order == "asc" else "nhiều nhất")
    items = "\n".join(f"{i}. {c.agency}: {c.count}" for i, c in enumerate(counts[:RANKED_AGENCIES_SHOWN], 1))
    text += "\n" + items
    rows = [tables.rows[i] for c in top for i in c.ids]
    citations = [cite(row, next((h for h, r in row.roles.items() if r == plan.measure), None), (role_texts(row, plan.measure or "") or [row.name])[0])
                 for row in rows]
    return Answer(text=text, citations=_dedupe(citations + scope_citations(result, tables)), route="table",
                  table=[_table_row(r) for r in rows], computed_values=[str(c.count) for c in counts[:RANKED_AGENCIES_SHOWN]])


def _unstopped(sentence: str | None) -> str:
    """A quoted sentence without its final stop (the answer adds its own after the closing quote)."""
    return (sentence or "").rstrip(" .;")


def _rank(result: Result, tables: CorpusTables) -> Answer:
    plan = result.plan
    if plan.measure in ("lead", "coordinating"):
        return _rank_agencies(result, tables)
    measure = plan.measure or "estimate"
    scope = conditions(result, tables)
    if not result.ranked:
        return Answer(text=render("no_rank", scope=conditions(result, tables, bare=True), measure=label(measure)), route="none",
                      abstained=True)
    order = "thấp nhất" if plan.order == "asc" else "cao nhất"
    limit = plan.limit or 1
    head = result.ranked[:limit]
    ends = [(item, order if n == 0 else f"{order.split()[0]} thứ {n + 1}") for n, item in enumerate(head)]  # "thấp thứ 2"
    if plan.order == "both" and len(result.ranked) > 1:  # "dự án nào cao nhất, dự án nào thấp nhất?"
        ends = [(result.ranked[0], "cao nhất"), (result.ranked[-1], "thấp nhất")]
        limit = 2
    texts, related_cites = [], []
    for item, order in ends:
        row = tables.rows[item.id]
        value = ValueCell(raw=item.raw, value=item.value, unit=item.unit, as_of=item.as_of, scope=item.scope, column=item.column,
                          role=measure)
        shown_as = item.name if row.kind == "total" else full_name(row, tables)
        template = "rank_next" if texts and plan.order != "both" else "rank"  # "top 3": the first said whole, the next by place
        texts.append(render(template, top=f"{shown_as} ({short_where(row)})", measure=label(measure), order=order, scope=scope,
                            value=shown(value) + _qualifier(value)))
        if item.quote:
            texts[-1] += f" Báo cáo ghi: “{_unstopped(item.quote)}”."
        related = _with_related(row, [value])[1:] if measure in _DISBURSEMENT else []
        if related:  # "giải ngân thấp nhất": the rate ranked, said with the amount and the plan it is of
            texts[-1] = texts[-1].rstrip(".") + " (" + "; ".join(f"{_column_label(v)}: {shown(v)}" for v in related) + ")."
            related_cites += [cite(row, v.column, v.raw) for v in related]
    # the whole ranking goes to the table under the answer; the text answers what was asked
    both = [item for item, _ in ends] if plan.order == "both" else []  # "nơi nào nhiều nhất, nơi nào ít nhất": one answer
    text = " ".join(texts) + (  # the items asked, up front in one paragraph ("top 3 …")
        "\n" + render("rank_more", count=len(result.ranked)) if len(result.ranked) > limit else "")
    table = [_table_row(tables.rows[r.id], **{label(measure).capitalize(): shown(ValueCell(raw=r.raw, value=r.value, unit=r.unit))})
             for r in result.ranked]
    cited = both + [r for r in result.ranked if r not in both]  # the ends asked first
    citations = [cite(tables.rows[r.id], r.column, r.quote or r.raw) for r in cited] + related_cites + scope_citations(result, tables)
    return Answer(text=text, citations=citations, route="table", table=table, computed_values=[str(len(result.ranked))])


def _total(result: Result, tables: CorpusTables) -> Answer:
    total = result.total
    plan = result.plan
    measure = label(plan.measure)
    scope = conditions(result, tables)
    if total is None or (total.printed is None and total.computed is None):
        return Answer(text=render("no_total", scope=conditions(result, tables, bare=True), measure=measure), route="none",
                      abstained=True)
    if total.printed is not None and total.total_row:
        row = tables.rows[total.total_row]
        text = render("total_printed", measure=measure, scope=scope, total=row.name or row.row, value=shown(total.printed))
        related = [v for v in _with_related(row, [total.printed])[1:]] if plan.measure in _DISBURSEMENT else []
        if related:
            text += " (" + "; ".join(f"{_column_label(v)}: {shown(v)}" for v in related) + ")"
        citations = [cite(row, v.column, v.raw) for v in [total.printed, *related]] + scope_citations(result, tables)
        return Answer(text=text, citations=citations, route="table")
    computed = total.computed
    assert computed is not None
    missing = " " + render("total_missing", count=len(total.missing), measure=measure) if total.missing else ""
    value = f"{computed.text} {computed.unit or ''}".strip()
    value = f"{computed.as_printed} ({value})" if computed.as_printed else value
    text = render("total_computed", measure=measure, count=len(total.ids), scope=scope, value=value, missing=missing)
    facts = [(tables.rows[i], measure_fact(tables.rows[i], total.measure) or {}) for i in total.ids]
    text += "\n" + "\n".join(f"- {r.name} ({short_where(r)}): {f.get('raw')}" for r, f in facts)
    citations = [cite(r, f.get("column"), f.get("quote") or f.get("raw")) for r, f in facts] + scope_citations(result, tables)
    return Answer(text=text, citations=citations, route="table",
                  computed_values=[computed.text, *([computed.as_printed.split()[0]] if computed.as_printed else []),
                                   str(len(total.ids)), str(len(total.missing))])


def report_dates(tables: CorpusTables) -> dict[str, str]:
    """Each loaded report's date as printed: ``{"320/BC-UBND": "15/11/2024"}``."""
    return {info.number: vn_date(info.date) for info in tables.catalogue}


def vn_date(iso: str | None) -> str:
    """``"2024-11-15"`` → ``"15/11/2024"``."""
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _legend(result: Result, tables: CorpusTables) -> Answer:
    plan = result.plan
    marker = plan.filters.marker or ""
    if not result.markers:
        if plan.filters.annexes:
            text = " ".join(render("no_legend", annex=a, report=plan.report, marker=marker) for a in plan.filters.annexes)
        else:
            text = render("no_legend_any", report=plan.report, marker=marker)
        return Answer(text=text, route="none", abstained=True)
    pieces, citations, marked = [], [], []
    dates = report_dates(tables)
    for found in result.markers:
        pieces.append(render("legend", annex=found.annex, report=found.report, marker=found.marker, meaning=found.meaning, count=found.count))
        citations.append(Citation(row_id=f"{found.report}:{found.annex}:Ghi chú", report=found.report, annex=found.annex,
                                  row="Ghi chú", annex_title=found.annex_title, column="Ghi chú", quote=f"Báo cáo số {found.report} ngày {dates.get(found.report, '')}, Ghi chú: ({found.marker}) {found.meaning}"))
        marked += [tables.rows[i] for i in found.row_ids if i in tables.rows]
    # The rows counted ("Có 4 mục mang ký hiệu này") are cited and listed, so the count can be checked.
    citations += [cite(row, "Ký hiệu", row.name) for row in marked]
    return Answer(text="\n".join(pieces), citations=citations, route="table", table=[_table_row(r) for r in marked] or None,
                  computed_values=[str(f.count) for f in result.markers])


def _structure(result: Result, tables: CorpusTables) -> Answer:
    """What a report is made of: its annexes (title, items), or one annex's top-level items (their sub-items)."""
    plan = result.plan
    info = next((i for i in tables.catalogue if i.number == plan.report), None)
    if info is None:
        return Answer(text=render("no_answer"), route="none", abstained=True)
    if plan.filters.annexes:
        annex = plan.filters.annexes[0]
        rows = result.rows
        lines = [render("structure_items", annex=annex, report=info.number, count=len(rows))]
        lines += [f"- {row.row}. {row.name}" + (f" ({len(row.children)} mục con)" if row.children else "") for row in rows]
        return Answer(text="\n".join(lines), citations=[cite(row, None, row.name) for row in rows], route="table",
                      table=[_table_row(row, **{"Số mục con": len(row.children)}) for row in rows],
                      computed_values=[str(len(rows)), *(str(len(r.children)) for r in rows)])
    date = vn_date(info.date)
    lines = [render("structure_annexes", report=info.number, date=date, count=len(info.annexes))]
    lines += [f"- Phụ lục {a.annex}: {a.title} ({a.item_count} mục)" for a in info.annexes]
    citations = [Citation(row_id=f"{info.number}:{a.annex}:Tiêu đề", report=info.number, annex=a.annex, row="Tiêu đề",
                          annex_title=a.title, column="Tiêu đề phụ lục",
                          quote=f"Báo cáo số {info.number} ngày {date}, Phụ lục {a.annex}: {a.title}") for a in info.annexes]
    table = [{"Phụ lục": a.annex, "Tiêu đề": a.title, "Số mục": a.item_count} for a in info.annexes]
    return Answer(text="\n".join(lines), citations=citations, route="table", table=table,
                  computed_values=[str(len(info.annexes)), *(str(a.item_count) for a in info.annexes)])


def _short(meaning: str) -> str:
    """A marker's meaning cut to its first words, e.g. ``"Dự án đã có quyết định chủ đầu tư …"``."""
    words = meaning.rstrip(". ").split()
    return " ".join(words[:MARKER_MEANING_WORDS]) + (" …" if len(words) > MARKER_MEANING_WORDS else "")


def _overview(result: Result, tables: CorpusTables) -> Answer:
    rows = _with_judged_sub_lines([r for r in result.rows if r.kind not in ("group", "total")], tables) \
        or list(result.rows)  # "… theo từng lĩnh vực": the groups' subtotal lines themselves
    if not rows:
        return Answer(text=render("no_answer"), route="none", abstained=True)
    scope = conditions(result, tables)
    verdicts: dict[str, int] = {}
    for row in rows:  # each row's verdict, or what its marker means ("(*) Nhiệm vụ đã hoàn thành: 5")
        said = row.facts.get("verdict") or (f"({row.marker}) {_short(row.marker_meaning)}" if row.marker_meaning else None)
        if said:
            verdicts[said] = verdicts.get(said, 0) + 1
    if verdicts and sum(verdicts.values()) < len(rows):
        verdicts["không ghi đánh giá / ký hiệu"] = len(rows) - sum(verdicts.values())
    verdict_text = ("; " + ", ".join(f"{v}: {n}" for v, n in verdicts.items())) if verdicts else ""
    lines = [render("overview_head", scope=scope[0].upper() + scope[1:], count=len(rows), verdicts=verdict_text)]
    citations, total_citations = [], []
    for total in _totals_of_set(result, tables):  # the printed subtotal of the group (or the annex total) first
        values = _key_values(total) or _printed_numbers(total)
        if values:
            lines.append(render("overview_item", row=f"{total.name or total.row} ({short_where(total)})", values=values))
            total_citations.append(cite(total, None, values))
    for row in rows[:25]:
        values = []
        facts = row.facts
        for role in OVERVIEW_ROLES:
            fact = facts.get(role)
            if isinstance(fact, dict) and fact.get("raw"):
                value = ValueCell(**{k: fact.get(k) for k in ("column", "raw", "value", "unit", "quote")}, role=role)
                values.append(f"{_column_label(value)} {shown(value, facts.get('unit'))}")
                citations.append(cite(row, fact.get("column"), fact.get("quote") or fact["raw"]))
        if not values and (printed := _printed_numbers(row)):  # a table of its own columns ("Số vụ phát hiện")
            values.append(printed)
            citations.append(cite(row, None, printed))
        if facts.get("verdict"):
            values.append(facts["verdict"])
        elif row.marker_meaning:
            values.append(row.marker_meaning)
        lead = next((v for h, v in row.cells.items() if row.roles.get(h) == "lead" and v), "")
        if lead and row.kind in ("task", "project"):
            values.append(f"chủ trì: {lead}")
        if row.kind in ("task", "project"):
            status = next((v for h, v in row.cells.items() if row.roles.get(h) == "status" and v), "")
            if status:
                first = sentences(status)[:2]
                values.append("“" + " ".join(first)[:OVERVIEW_STATUS_CHARS] + "”")
                citations.append(cite(row, next(h for h, r in row.roles.items() if r == "status"), " ".join(first)))
        lines.append(render("overview_item", row=f"{full_name(row, tables)} ({short_where(row)})", values="; ".join(values) or "xem chi tiết"))
        if not any(c.row_id == row.id for c in citations):
            citations.append(cite(row, None, row.name))
    table = [_table_row(row) for row in rows]
    # a whole annex: the grand total it prints first when money is asked ("tình hình giải ngân") or when the total
    # sums every column its rows print (a table by place); a group's rows come before the subtotal printed for them
    grand = [t for c in total_citations if (t := tables.rows.get(c.row_id)) is not None and t.facts.get("total_of") is None]
    first_total = bool(grand) and not result.plan.filters.group and (
        _money_asked(result.plan) or all(_number_columns(row) <= _number_columns(grand[0]) for row in rows))
    ordered = total_citations + citations if first_total else citations + total_citations
    return Answer(text="\n".join(lines), citations=_dedupe(ordered + scope_citations(result, tables)), route="table",
                  table=table, computed_values=[str(len(rows)), *map(str, verdicts.values())])


def _number_columns(row: Row) -> set[str]:
    """The columns a row prints a number in."""
    return {c for c, f in (row.facts.get("values") or {}).items() if isinstance(f, dict) and f.get("raw") and not f.get("text")}


_HEADER_UNIT_RE = re.compile(r"\s*\([^)]*\)")  # "(triệu đồng)" of a header: the unit, said after the number


def _printed_numbers(row: Row) -> str:
    """The numbers of a row's own columns, as printed ("Số vụ phát hiện 21; Số vụ đã xử lý 19; …"), for rows
    whose columns play no known role; a unit in a header is said once, after the number."""
    values = row.facts.get("values") or {}
    cells = [values[c] for c in values if c in _number_columns(row)]
    parts = [f"{_HEADER_UNIT_RE.sub('', f.get('column') or '')} {shown(ValueCell(raw=f['raw'], unit=f.get('unit')))}".strip()
             for f in cells]
    return "; ".join(parts[:PRINTED_NUMBERS_SHOWN])


def _with_judged_sub_lines(rows: list[Row], tables: CorpusTables) -> list[Row]:
    """Each row followed by its sub-lines that carry a verdict of their own ("Tỷ lệ dân số nông thôn … — Chưa
    đạt" under an indicator judged "Đạt"): an overview never hides a part judged apart."""
    shown = {r.id for r in rows}
    out: list[Row] = []
    for row in rows:
        out.append(row)
        for child_id in tables.child_ids(row):
            child = tables.rows.get(child_id)
            if child is not None and child.id not in shown and child.facts.get("verdict"):
                out.append(child)
                shown.add(child.id)
    return out


def _money_asked(plan: Plan) -> bool:
    return plan.measure in (*MONEY_ROLES, "disbursement_rate")


def _totals_of_set(result: Result, tables: CorpusTables) -> list[Row]:
    """The total rows the report prints for the overview's set (none for a field, an agency or a topic); with the
    money of a whole annex asked, its groups' subtotals too."""
    flt = result.plan.filters
    if flt.ids and flt.include_groups and result.rows and all(r.kind in ("group", "total") for r in result.rows):
        # "… theo từng lĩnh vực": the groups' lines, and the annex's grand total they add up to
        return [r for r in tables.rows.values() if r.kind == "total" and r.report == flt.report
                and r.annex in {x.annex for x in result.rows} and r.facts.get("total_of") is None and r not in result.rows]
    narrowed = flt.field or flt.parent or flt.ids or flt.agency or flt.marker or flt.where or flt.verdicts or flt.states or flt.lacks
    if narrowed or (flt.group is None and not flt.annexes):
        return []  # a group's subtotal is not the total of some of its rows
    totals = printed_totals(tables, flt)
    if flt.group is None and _money_asked(result.plan):
        totals += [r for r in tables.rows.values() if r.kind == "total" and r.report == flt.report
                   and r.annex in flt.annexes and r.facts.get("total_of") is not None and r not in totals]
    return totals


def _clarify(result: Result, tables: CorpusTables) -> Answer:
    plan = result.plan
    options = plan.options
    if plan.missing == "rank_measure":
        text = render("clarify_rank", options="; ".join(o.label for o in options) + "?")
    else:
        text = render("clarify", options="\n".join(f"{i}. {o.label}" for i, o in enumerate(options, 1)))
    offered = [tables.rows[o.row_id] for o in options if o.row_id in tables.rows]
    return Answer(text=text, route="clarify", clarify=options, abstained=True,
                  suggestions=[cite(row, None, row.name) for row in offered])


def _none(result: Result, tables: CorpusTables) -> Answer:
    plan = result.plan
    # echoed words only, never the question's numbers: a refusal states no figure at all
    words = [w for w in plan.unmatched if re.search(r"[^\W\d_]", w) and not re.search(r"\d", w)]
    if plan.missing == "role" and words:
        text = render("no_answer_role", words=" ".join(words))
    elif plan.missing == "months" and words:
        text = render("no_answer_months", words=" ".join(words))
    elif plan.missing == "as_of" and words:
        text = render("no_answer_as_of", words=" ".join(words))
    elif plan.missing == "part" and "—" in plan.unmatched:
        cut = plan.unmatched.index("—")
        text = render("no_answer_part", words=" ".join(plan.unmatched[:cut]), row=" ".join(plan.unmatched[cut + 1 :]))
    elif plan.missing == "condition" and words:
        text = render("no_answer_condition", words=" ".join(words))
    elif words and len(words) <= 6:
        text = render("no_answer_words", words=" ".join(words))
    else:
        text = render("no_answer")
    suggestions = [cite(tables.rows[o.row_id], None, tables.rows[o.row_id].name) for o in plan.options if o.row_id in tables.rows]
    return Answer(text=text, route="none", abstained=True, suggestions=suggestions)
