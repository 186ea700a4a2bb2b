"""Fixed, typed table tools over :class:`structured.tables.CorpusTables` (no code is generated or run).

The one implementation of every table operation: lookup of a measure, comparison with the target or
the previous year, filter, count, rank, total, marker legend. Each returns pydantic results carrying the
row ids and the strings exactly as printed; values the tool computed are marked computed. Example::

    tables = CorpusTables.from_jsonl(Path("data/processed/rows.jsonl"))
    compare_row(tables, "320/BC-UBND:I:4", "target").outcome == "not_met"
    rank_rows(tables, RowFilter(annexes=["III"]), "disbursement_rate", "asc", 1)[0].id == "320/BC-UBND:III:20"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Literal

import numpy as np
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, ConfigDict, Field

from ingestion.columns import MONEY_ROLES
from ingestion.facts import verdict_class
from ingestion.models import Row
from ingestion.numbers import format_vn_number, parse_typed_value, parse_vn_number
from ingestion.tables import fact_number, money_in_ty, role_texts
from structured.agency import agencies_in, agency_key, is_collective, match_keys, query_keys
from structured.compare import direction_vs_previous, interval_of, outcome_vs_target
from structured.lexicon import fold, fold_tokens, lexicon, tokens
from structured.models import (
    AgencyCount,
    Comparison,
    ComputedValue,
    CountResult,
    MarkerExplanation,
    RankedRow,
    RowFilter,
    RowLookup,
    RowSummary,
    TotalResult,
    ValueCell,
)
from structured.tables import CorpusTables, dates_in, normalize_annex, normalize_marker, normalize_number

__all__ = [
    "AgencyCount", "Comparison", "CountResult", "count_by_agency", "MarkerExplanation", "RankedRow", "RowFilter", "RowLookup", "RowSummary",
    "TotalResult", "ValueCell", "as_langchain_tools", "group_total", "printed_totals", "compare_row", "count_rows", "explain_marker", "filter_ids",
    "filter_rows", "find_by_number", "get_row", "lookup_row", "measure_roles", "rank_rows", "resolve_row_id", "row_states",
    "summarize_row", "total_of",
]  # fmt: skip

_VERDICT_AGREES = {"met": {"met", "exceeded"}, "exceeded": {"exceeded", "met"}, "not_met": {"not_met"}}
NUMERIC_MEASURES = tuple(lexicon().section("numeric_measures"))
TEXT_MEASURES = tuple(lexicon().section("text_measures"))  # numeric measures a text may answer when no figure is asked


# ---------------------------------------------------------------------------------------------
# Rows


def get_row(tables: CorpusTables, row_id: str) -> Row | None:
    """The row with this id, or one a loose reference names (``"III:20"``, ``"320:III:9"``)."""
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
    ``report=None`` searches the newest report first."""
    annex_key, number_key = normalize_annex(annex), normalize_number(number)
    for report_number in _reports_newest_first(tables, report):
        if row_id := tables.number_index.get((report_number, annex_key, number_key)):
            return tables.rows[row_id]
    return None


def summarize_row(tables: CorpusTables, row: Row) -> RowSummary:
    lead = role_texts(row, "lead")
    return RowSummary(
        id=row.id, report=row.report, annex=row.annex, row=row.row, kind=row.kind, name=row.name, marker=row.marker,
        marker_meaning=row.marker_meaning, lead=lead[0] if lead else None, verdict=row.facts.get("verdict"),
        group_title=row.group_title,
    )


def _reports_newest_first(tables: CorpusTables, report: str | None) -> list[str]:
    wanted = set(tables.resolve_report(report))
    return [number for number in tables.report_numbers() if number in wanted]


# ---------------------------------------------------------------------------------------------
# Values of one row


def row_states(row: Row, measure: str) -> bool:
    """Whether the row states the measure at all: its marker, a filled cell of an answering column, or a
    fact read from its text. Example: ``row_states(row, "verdict")`` is False for a row whose verdict cell is empty."""
    roles = set(measure_roles(measure))
    if "marker" in roles and row.marker:
        return True
    if any(row.roles.get(column) in roles and text.strip() for column, text in row.cells.items()):
        return True
    return any(row.facts.get(role) not in (None, "", [], {}) for role in roles)


def measure_roles(measure: str | None) -> list[str]:
    """The column roles / facts answering a measure, in order of preference (lexicon ``measure_roles``)."""
    if measure is None:
        return []
    return list(lexicon().section("measure_roles").get(measure, [measure]))


def _value_cell(fact: dict[str, Any], role: str | None) -> ValueCell:
    return ValueCell(
        column=fact.get("column"), role=role, raw=str(fact.get("raw", "")),
        **{k: fact.get(k) for k in ("value", "low", "high", "comparator", "unit", "year", "as_of", "scope", "quote")},
        text=bool(fact.get("text")),
    )


def _role_values(row: Row, role: str) -> list[ValueCell]:
    facts = row.facts
    if isinstance(facts.get(role), dict):
        return [_value_cell(facts[role], role)]
    if role == "marker":
        return [ValueCell(column="Ký hiệu", role="marker", raw=f"({row.marker}) {row.marker_meaning or ''}".strip(), text=True)] if row.marker else []
    if role == "documents":
        return [ValueCell(role="documents", raw=doc, text=True) for doc in facts.get("documents", [])]
    if role == "verdict" and facts.get("verdict"):
        column = next((h for h, r in row.roles.items() if r == "verdict"), None)
        return [ValueCell(column=column, role="verdict", raw=facts["verdict"], text=True)]
    if role == "unit" and facts.get("unit"):
        return [ValueCell(column="ĐVT", role="unit", raw=facts["unit"], text=True)]
    cells = [ValueCell(column=h, role=role, raw=v, text=True) for h, v in row.cells.items() if row.roles.get(h) == role and v]
    cells += [ValueCell(column=h, role=role, raw=v, text=True) for sub in row.extra_values for h, v in sub.items()
              if row.roles.get(h) == role and v]
    return cells


TIME_ROLES = ("prep_time", "impl_time", "deadline")
TIME_MEASURES = (*TIME_ROLES, "time")  # the time roles, and a time of any kind ("khi nào")
_YEAR_IN_TEXT_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_WORD_RE = re.compile(r"\w+")
_DIGIT_RE = re.compile(r"\d")
NAME_WORD_WEIGHT = 0.3  # a question word the row's name holds picks its sentences less than one it does not
MEASURE_WORD_WEIGHT = 0.3  # a word of the measure's lexicon phrases the question did not say picks a sentence less
_PERCENT_ROLES = ("disbursement_rate", "vs_target_pct", "vs_prev_pct")  # printed percents a row may have in place of an estimate
OWN_WORDS_FOR_A_FIGURE = 2  # words of the question besides the measure's that may pick a sentence stating a figure
_PASSAGE_MEASURES = ("status", "note", "verdict", "estimate", "actual", "documents", None)


def lookup_row(
    tables: CorpusTables, row_id: str, measure: str | None = None, period: int | None = None, words: list[str] | None = None,
    name_words: list[str] | None = None, units: list[list[str]] | None = None, written: list[str] | None = None,
    number_asked: bool = False, figures: int = 1,
) -> RowLookup:
    """What a row states for a measure (``None``: its main values). ``period`` picks the column of that
    year ("năm 2023" → the previous year's actual); a year no column of the row covers is ``missing``.
    ``words`` (the question's words its name does not hold) pick the sentences of the status text to
    quote; a fact the row has no cell for is then looked for in those sentences. ``number_asked`` ("kinh phí
    thực hiện được bao nhiêu"): a cell holding only words ("NSNN") does not answer it, a sentence stating a
    number is looked for too.

    Example: ``lookup_row(t, "320/BC-UBND:I:4", "estimate").values[0].raw == "31.500,00"``.
    """
    row = get_row(tables, row_id)
    if row is None:
        raise KeyError(f"no row {row_id!r}")
    facts = row.facts
    roles = measure_roles(measure) if measure else _main_roles(row)
    values: list[ValueCell] = []
    if measure in TIME_MEASURES:
        roles = [measure] + [r for r in TIME_ROLES if r != measure] if measure != "time" else list(TIME_ROLES)
        values = [v for role in roles for v in _role_values(row, role)]
    elif measure == "agencies":  # lead and coordinating together
        values = [v for role in roles for v in _role_values(row, role)]
    elif measure == "status":  # the texts, status and note together ("Vướng thỏa thuận di dời … 14 hộ"), else the verdict
        values = _role_values(row, "status") + _role_values(row, "note")
    if measure is None and words and row.kind != "indicator":  # "bị phạt bao nhiêu tiền" of a row by place: the column its words name
        values = _header_values(row, words, written=written or [], best_of=figures)
    if not values and measure is None and units and any("%" in u for u in units) and not role_texts(row, "status"):
        values = _the_one_percent(row)  # "(vốn sự nghiệp) được mấy phần trăm?" of a row without text
    for role in roles if not values else ():
        values = _role_values(row, role)
        if values:
            break
    if not values and measure in (None, "estimate", "actual"):
        values = _header_values(row, words or [], every=measure is None, written=written or [], best_of=figures)
    if not values and measure in ("estimate", "actual") and units and any("%" in u for u in units):
        values = _the_one_percent(row)  # "vốn ĐTPT của CTMTQG … đạt bao nhiêu %?"
    about = _about_the_item_named(row, role_texts(row, "status") + role_texts(row, "note"), name_words or [])
    if about and measure in (None, "status"):  # "còn KCN Sông Công II thì sao?": what the status says of that item
        values = [v for v in values if v.role not in ("status", "note")] + [
            ValueCell(column=_text_column(row), role="status", raw=sentence, quote=sentence, text=True) for sentence in about]
    answered = bool(values) and not (number_asked and not any(_DIGIT_RE.search(v.raw) for v in values))
    passages = (_passages(row, measure, words or [], answered, name_words or [], units, number_asked, figures)
                if row.kind in ("task", "project") or _span_in_text(row, words or []) else [])
    if figures > 1 and row.kind in ("task", "project") and words:  # "kế hoạch … được bao nhiêu tiền, giải ngân bao nhiêu":
        # the sentences stating the other figures asked too
        from retrieval.passages import best_sentences

        quoted = [v.quote or v.raw for v in [*values, *passages]]
        texts = role_texts(row, "status") + role_texts(row, "note")
        found = best_sentences(texts, words, need_number=True, k=figures, units=units) if units else []
        found += best_sentences(texts, words, need_number=True, k=figures)  # (a sentence of the unit asked first)
        more = [s for s in dict.fromkeys(found) if not any(s in q or q in s for q in quoted)]
        passages += [ValueCell(column=_text_column(row), role="status", raw=s, quote=s, text=True)
                     for s in more[: figures - len(quoted)]]
    if not values and passages and measure not in _PASSAGE_MEASURES:
        values, passages = passages, []
    if period is not None and passages:  # a sentence about another year does not answer this one
        if str(period) not in passages[0].raw and _YEAR_IN_TEXT_RE.search(passages[0].raw):
            passages = []  # the best evidence speaks of another year ("năm 2023 đạt 86,15%" for 2024)
        passages = [p for p in passages if str(period) in p.raw or not _YEAR_IN_TEXT_RE.search(p.raw)]
    missing = None if values or passages else "measure"
    if period is not None and row.kind == "indicator" and (measure is None or measure in ("estimate", "actual", "actual_prev", "target")):
        by_year = [
            _value_cell(facts[r], r) for r in ("estimate", "actual", "target", "actual_prev")
            if isinstance(facts.get(r), dict) and facts[r].get("year") == period
            and (measure in (None, "estimate", "actual", "actual_prev") or r == measure)
        ]
        if measure in (None, "estimate", "actual", "actual_prev"):
            by_year = [v for v in by_year if v.role != "target"] or by_year
        values, missing = (by_year, None) if by_year else ([], "period")
    elif period is not None and values and all(v.year is not None and v.year != period for v in values):
        values, missing = [], "period"
    return RowLookup(id=row.id, name=row.name, kind=row.kind, measure=measure, values=values, passages=passages,
                     period=period, missing=missing, verdict=facts.get("verdict"), unit=facts.get("unit"))


def _header_values(row: Row, words: list[str], every: bool = False, written: list[str] = (), best_of: int = 1) -> list[ValueCell]:
    """Numbers of the row's columns without a role whose header the question's words name best ("phát
    hiện bao nhiêu vụ" → "Vi phạm – Số vụ phát hiện"): a table by place or by unit has no columns the
    lexicon knows, and its headers are its vocabulary. None when no header shares a word; with ``every``
    (nothing in particular asked: "tình hình huyện X"), then all of them; ``best_of`` figures asked ("xử lý
    mấy vụ, phạt bao nhiêu tiền"): the headers of that many best scores."""
    asked = set(words)
    typed_as = {fold(w): w for w in written}  # a word typed with diacritics matches only that spelling
    scored: list[tuple[int, ValueCell]] = []
    for header, cell in row.cells.items():
        if header in row.roles or not cell.strip():
            continue
        typed = parse_typed_value(cell)
        if typed.value is not None or typed.low is not None:
            spelled = {t.lower() for t in tokens(header)}
            shared = sum(1 for w in asked & set(fold_tokens(header)) if w not in typed_as or typed_as[w] in spelled)
            scored.append((shared, _value_cell({"column": header, **typed.model_dump()}, None)))
    best = max((n for n, _ in scored), default=0)
    if best_of > 1 and best:
        kept = sorted({n for n, _ in scored if n}, reverse=True)[:best_of]
        return [value for n, value in scored if n in kept]
    return [value for n, value in scored if n == best] if best or every else []


def _span_in_text(row: Row, words: list[str]) -> bool:
    """ "11 tháng … bao nhiêu" of an indicator whose columns are yearly and whose note says "11 tháng: 958": a span
    of months the question says, that its text states and its headers do not."""
    said = " ".join(words)
    texts = " ".join(fold_tokens(" ".join(role_texts(row, "status") + role_texts(row, "note"))))
    headers = " ".join(fold_tokens(" ".join(row.roles)))
    return any(f" {m} " in f" {texts} " and f" {m} " not in f" {headers} "
               for m in re.findall(r"\b\d{1,2} thang\b", said))


def _text_column(row: Row) -> str | None:
    """The column whose sentences a quote comes from: the status text, else the note."""
    return next((h for h, r in row.roles.items() if r == "status"), None) or next(
        (h for h, r in row.roles.items() if r == "note"), None)


def _passages(row: Row, measure: str | None, words: list[str], have_values: bool, name_words: list[str] = (),
              units: list[list[str]] | None = None, number_asked: bool = False, figures: int = 1) -> list[ValueCell]:
    """Sentences of the row's status (and note) texts that answer the question's own words; for a fact
    the row states no cell for, the sentences that speak of it ("giải phóng mặt bằng … 5,7ha")."""
    from retrieval.passages import best_sentences

    column = _text_column(row)
    texts = role_texts(row, "status") + role_texts(row, "note")
    if not texts:
        return []
    texts = _about_the_item_named(row, texts, name_words) or texts
    measure_phrases = lexicon().phrases("measures").get(measure or "", [])
    numeric = measure in NUMERIC_MEASURES and measure not in ("estimate", "actual")  # a fact a status may state
    if measure in TEXT_MEASURES and not number_asked and not have_values:  # "dùng nguồn vốn gì": the sentences
        # naming it ("dự kiến sử dụng vốn ngân sách trung ương …"): by the words of the columns that hold it and the
        # question's own (not by the question phrases' "ở", "đâu", "nào")
        asked = [w for phrase in lexicon().section("columns").get(measure, []) for w in fold(phrase).split()]
        found = best_sentences(texts, [*asked, *words], k=max(2, figures), units=units)
    elif numeric and not have_values:
        rate = measure in ("disbursement_rate", "vs_target_pct", "vs_prev_pct")
        if rate:  # "giải ngân vốn Chương trình đạt 82,4%": a percent said of the measure it is the rate of
            bases = [m for m, r in lexicon().section("rate_of").items() if r == measure]
            measure_phrases = measure_phrases + [p for m in bases for p in lexicon().phrases("measures").get(m, [])]
        asked = [w for phrase in measure_phrases for w in fold(phrase).split()]
        lexicon_only = {w: MEASURE_WORD_WEIGHT for w in asked if w not in words}  # the question's own words decide first
        found = best_sentences(texts, [*asked, *words], need_number=True, need_percent=rate, weights=lexicon_only,
                               need_money=measure in MONEY_ROLES, required=measure_phrases, k=1, units=units)
        own = [w for w in words if w not in asked and not any(w in unit for unit in units or [])]
        if not found and len(set(own)) >= OWN_WORDS_FOR_A_FIGURE:  # "TP đề nghị TW bố trí bao nhiêu vốn": the sentence
            # the question's own words describe ("đề nghị … bố trí 800 tỷ đồng vốn ngân sách TW")
            money = measure in MONEY_ROLES or measure == "funding" or any(u[:1] in (["trieu"], ["ty"], ["dong"]) for u in units or [])
            found = best_sentences(texts, own, need_number=True, need_percent=rate, need_money=money, k=1)
    elif measure in TIME_MEASURES:
        found = best_sentences(texts, words, need_date=True, k=max(2, figures), prefer_last=measure == "deadline",
                               phrases_said=lexicon().section("time_words").get(measure, []))
    elif words and (measure in _PASSAGE_MEASURES or not have_values):  # name words alone never pick a sentence
        named = {w: NAME_WORD_WEIGHT for w in name_words}
        # a number of a unit asked ("hoàn thành bao nhiêu căn"): as many sentences as figures asked, not a neighbour's
        # figure of the same unit ("tổng số nhà cần hỗ trợ 2.146 căn")
        k = figures if number_asked and units and measure in (None, "estimate") else 3 if len(words) > 4 else 2
        found = best_sentences(texts, [*words, *name_words], need_number=measure == "estimate" or number_asked, weights=named,
                               k=k, units=units)
    else:
        found = []
    if not found and measure in ("estimate", "actual") and not have_values:  # "còn chỉ số SIPAS thì sao?": the figure
        # the status says was reached ("mức độ hài lòng … ước đạt 92,6%"), by the measure's own words
        asked = [w for phrase in measure_phrases for w in fold(phrase).split()]
        found = best_sentences(texts, asked, need_number=True, required=measure_phrases, k=1)
    return [ValueCell(column=column, role="status", raw=sentence, quote=sentence, text=True) for sentence in found]


_LISTED_RE = re.compile(r":\s*(.+)$")  # "Hoàn thiện thủ tục …: Khu công nghiệp Phú Bình, Khu công nghiệp Sông Công II"


def _the_one_percent(row: Row) -> list[ValueCell]:
    """The values of the one percent column the row prints (a rate, a ratio to its plan or to last year); none when it
    prints none or several."""
    percents = [found for role in _PERCENT_ROLES if (found := _role_values(row, role))]
    return percents[0] if len(percents) == 1 else []


def _about_the_item_named(row: Row, texts: list[str], name_words: list[str]) -> list[str]:
    """Of a row whose name lists several items after a colon, the sentences about the one item the question
    names by the words that tell it from the others ("Sông Công II", not "Phú Bình"); none otherwise."""
    from retrieval.passages import sentences

    listed = _LISTED_RE.search(row.name)
    items = [set(fold_tokens(re.sub(r"\([^)]*\)", " ", item))) for item in re.split(r"[,;]", listed.group(1))] if listed else []  # (a bracket qualifies)
    if len(items) < 2:
        return []
    own = [item - set().union(*(other for other in items if other is not item)) for item in items]
    said = set(name_words)
    named = [words for words in own if words and words <= said]
    if len(named) != 1:
        return []
    return [s for t in texts for s in sentences(t) if named[0] & set(fold_tokens(s))]


def _main_roles(row: Row) -> list[str]:
    if row.kind == "indicator":
        return ["estimate", "actual"]
    stated = [r for r in ("total_investment", "capital_plan", "disbursed", "disbursement_rate", "funding")
              if r in row.facts or r in row.roles.values()]
    if row.kind == "total":
        return stated
    return ["status", "note", "verdict", *stated]  # a sub-line with figures and no text ("b) Vốn sự nghiệp")


def value_years(tables: CorpusTables, row_id: str) -> frozenset[int]:
    """The years an indicator's figures are stated for (its value columns), e.g. ``{2024, 2025}``; empty for a
    row whose columns name no year."""
    row = get_row(tables, row_id)
    facts = row.facts if row is not None else {}
    years = {f.get("year") for r in ("estimate", "actual", "target", "actual_prev") if isinstance(f := facts.get(r), dict)}
    return frozenset(y for y in years | {facts.get("year"), facts.get("prev_year")} if isinstance(y, int))


def compare_row(tables: CorpusTables, row_id: str, against: Literal["target", "previous"] = "target") -> Comparison:
    """Estimate (or actual) vs the target ('target': met/not_met/exceeded) or vs last year ('previous':
    up/down), computed from typed values (ranges, thresholds, lower-is-better from the report's own words),
    next to the report's verdict and % column.

    Example: ``compare_row(tables, "320/BC-UBND:I:1", "target").outcome == "not_met"`` (5,86 vs 7,5-8,0).
    """
    row = get_row(tables, row_id)
    if row is None:
        raise KeyError(f"no row {row_id!r}")
    facts = row.facts
    lower = bool(facts.get("lower_is_better"))
    estimate_fact = facts.get("estimate") or facts.get("actual")
    estimate = _value_cell(estimate_fact, estimate_fact.get("role", "estimate")) if isinstance(estimate_fact, dict) else None
    improved = agrees = None
    verdict = facts.get("verdict")
    if against == "target":
        reference_fact, pct_fact = facts.get("target"), facts.get("vs_target_pct")
        outcome: str = outcome_vs_target(estimate_fact, reference_fact, lower)
        allowed = _VERDICT_AGREES.get(facts.get("verdict_class") or "")
        if allowed is not None and outcome != "undetermined":
            agrees = outcome in allowed
        reference_year = facts.get("year")
    else:
        reference_fact, pct_fact = facts.get("actual_prev"), facts.get("vs_prev_pct")
        outcome = direction_vs_previous(estimate_fact, reference_fact)
        if outcome in ("up", "down"):
            improved = (outcome == "down") if lower else (outcome == "up")
        reference_year = facts.get("prev_year")
        verdict = None
    reference = _value_cell(reference_fact, "target" if against == "target" else "actual_prev") if isinstance(reference_fact, dict) else None
    report_pct = _value_cell(pct_fact, "vs_target_pct" if against == "target" else "vs_prev_pct") if isinstance(pct_fact, dict) else None
    computed_pct, difference = _computed(estimate, reference, facts.get("unit"))
    return Comparison(
        id=row.id, name=row.name, unit=facts.get("unit"), against=against, outcome=outcome, lower_is_better=lower,
        lower_is_better_reason=facts.get("lower_is_better_reason") if lower else None, improved=improved,
        estimate=estimate, reference=reference, year=facts.get("year"), reference_year=reference_year,
        report_verdict=verdict, report_verdict_class=facts.get("verdict_class") if verdict else None,
        report_pct=report_pct, computed_pct=computed_pct, computed_difference=difference, agrees_with_report=agrees,
    )


def _decimals(raw: str) -> int:
    return len(raw.rsplit(",", 1)[1]) if "," in raw else 0


def difference(a: ValueCell, b: ValueCell, unit: str | None = None) -> ComputedValue | None:
    """``a − b`` of two single printed numbers (of two rows, the same column), or None.

    Example: ``difference(<186,5>, <72,0>).text == "114,5"``."""
    return _computed(a, b, unit)[1]


def _computed(estimate: ValueCell | None, reference: ValueCell | None, unit: str | None) -> tuple[ComputedValue | None, ComputedValue | None]:
    """(estimate / reference × 100, estimate − reference) when both are single printed numbers;
    for values already in % only the difference, in percentage points."""
    e = interval_of(estimate.model_dump() if estimate else None)
    r = interval_of(reference.model_dump() if reference else None)
    if not (estimate and reference and e and r and e.is_point and r.is_point):
        return None, None
    percent_unit = (unit or "").strip() == "%"
    pct = None
    if r.low and not percent_unit:
        value = e.low / r.low * 100
        pct = ComputedValue(value=value, text=format_vn_number(value, 2), unit="%", formula=f"{estimate.raw} / {reference.raw} × 100")
    diff = e.low - r.low
    places = max(_decimals(estimate.raw), _decimals(reference.raw))
    difference = ComputedValue(value=diff, text=format_vn_number(diff, places), unit="điểm phần trăm" if percent_unit else unit,
                               formula=f"{estimate.raw} − {reference.raw}")
    return pct, difference


# ---------------------------------------------------------------------------------------------
# Sets: filter, count, rank, total


def _field_words(name: str) -> list[str]:
    return [fold(p) for p in lexicon().phrases("fields").get(name, [])]


def _mask(tables: CorpusTables, flt: RowFilter) -> np.ndarray:
    """Boolean mask over the rows for the column conditions of ``flt``: array conditions first, then
    the conditions tested row by row (:func:`_keep`), on the rows the first ones left."""
    col = tables.column
    mask = np.ones(len(tables.rows), dtype=bool)
    if flt.report:
        mask &= np.isin(col("report"), tables.resolve_report(flt.report))
    if flt.annexes:
        mask &= np.isin(col("annex"), [normalize_annex(a) for a in flt.annexes])
    if flt.kind:
        mask &= col("kind") == flt.kind
    elif not flt.include_groups:
        mask &= ~np.isin(col("kind"), ["group", "total"])
    if flt.marker:
        mask &= col("marker") == normalize_marker(flt.marker)
    if flt.verdicts:
        mask &= np.isin(col("verdict_class"), list(flt.verdicts))
    if flt.verdict_said:  # the report's own wording: "Không đạt" and "Không đạt NQ", not "Chưa đạt"
        mask &= np.array([bool(v) and says_verdict(fold(v), flt.verdict_said) for v in col("verdict")], dtype=bool)
    if flt.outcome:
        mask &= col("computed_vs_target") == flt.outcome
    if flt.direction:  # "chỉ tiêu nào tăng so với năm trước": the estimate against last year's actual, computed
        _keep(mask, col("id"), lambda i: direction_of(tables.rows[i]) == flt.direction)
    if flt.group:
        mask &= _group_mask(tables, flt.group)
    if flt.parent:
        mask &= _parent_mask(tables, flt.parent)
    if flt.ids is not None:
        mask &= np.isin(col("id"), flt.ids)
    if flt.exclude_ids:
        mask &= ~np.isin(col("id"), flt.exclude_ids)
    if flt.marker_meaning_contains:
        needle = fold(flt.marker_meaning_contains)
        _keep(mask, col("marker_meaning"), lambda m: needle in fold(m))
    if flt.keyword:
        keyword = fold(flt.keyword)
        _keep(mask, col("name_folded"), lambda t: keyword in (t or ""))
    if flt.field:
        words = _field_words(flt.field)

        def in_field(name: str | None) -> bool:
            spaced = f" {' '.join(_WORD_RE.findall(name or ''))} "  # "bác sỹ/vạn dân": words, not "sỹ/vạn"
            return any(f" {w} " in spaced for w in words)

        _keep(mask, col("name_folded"), in_field)
    for measure, wanted in [(m, True) for m in flt.states] + [(m, False) for m in flt.lacks]:
        _keep(mask, col("id"), lambda i, m=measure, w=wanted: row_states(tables.rows[i], m) == w)
    if flt.has and flt.has.startswith(COLUMN_MEASURE):
        _keep(mask, col("id"), lambda i: column_number(tables.rows[i], flt.has) is not None)
    elif flt.has:
        _keep(mask, col(flt.has), lambda v: v is not None and not (isinstance(v, float) and np.isnan(v)))
    if flt.top_level:
        _keep(mask, col("parent"), lambda p: not p)
    if flt.lower_is_better is not None:
        _keep(mask, col("lower_is_better"), lambda v: bool(v) == flt.lower_is_better)
    for condition in flt.where:
        compare = {"<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__}[condition.op]
        bound = float(condition.value)
        if condition.against:  # one column against another of the same row
            _keep(mask, col("id"), lambda i, c=compare, m=condition.measure, a=condition.against:
                  (v := measure_number(tables.rows[i], m)) is not None and (w := measure_number(tables.rows[i], a)) is not None
                  and c(v, w))
            continue
        if condition.measure.startswith(COLUMN_MEASURE):
            _keep(mask, col("id"), lambda i, c=compare, b=bound, m=condition.measure:
                  (v := column_number(tables.rows[i], m)) is not None and c(v, b))
            continue
        _keep(mask, col(condition.measure), lambda v, c=compare, b=bound: v is not None and not np.isnan(v) and c(float(v), b))
    return mask


def direction_of(row: Row) -> str:
    """up / down / unchanged / undetermined of a row's figure this year against last year's actual."""
    facts = row.facts
    return direction_vs_previous(facts.get("estimate") or facts.get("actual"), facts.get("actual_prev"))


def _keep(mask: np.ndarray, values: np.ndarray, test: Callable[[Any], bool]) -> None:
    """``mask &= test(value)`` row by row, testing only the rows still kept: the column conditions
    before narrow a corpus of many reports to one report's rows, so a Python test costs per report."""
    for position in np.flatnonzero(mask):
        if not test(values[position]):
            mask[position] = False


def _group_mask(tables: CorpusTables, group: str) -> np.ndarray:
    col = tables.column
    if group in tables.rows:
        head = tables.rows[group]
        return (col("report") == head.report) & (col("annex") == head.annex) & _descends(tables, head)
    by_label = col("group") == normalize_number(group)
    folded = fold(group)
    by_title = np.fromiter((folded in fold(t) for t in col("group_title")), dtype=bool, count=len(tables.rows)) if len(group) > 3 else False
    return by_label | by_title


def _descends(tables: CorpusTables, head: Row) -> np.ndarray:
    """Rows under a group heading (its items, their sub-items), by walking the children."""
    inside: set[str] = set()
    frontier = [head]
    while frontier:
        current = frontier.pop()
        for child_id in tables.child_ids(current):
            if child_id not in inside:
                inside.add(child_id)
                frontier.append(tables.rows[child_id])
    return np.isin(tables.column("id"), list(inside))


def _parent_mask(tables: CorpusTables, parent: str) -> np.ndarray:
    col = tables.column
    if ":" in parent and (row := get_row(tables, parent)):
        return (col("report") == row.report) & (col("annex") == row.annex) & (col("parent") == row.row)
    return col("parent") == normalize_number(parent)


def filter_ids(tables: CorpusTables, flt: RowFilter) -> list[str]:
    """Ids of the rows matching ``flt``, in report/annex/row order."""
    positions = np.flatnonzero(_mask(tables, flt))
    ids_ = tables.column("id")
    for query, role in ((flt.agency, "lead"), (flt.coordinating_agency, "coordinating")):
        if query and query.endswith("*"):  # a class of agencies: "Bộ*" matches every ministry
            prefix = fold(query[:-1])
            positions = [p for p in positions
                         if any(fold(name).startswith(prefix) for t in role_texts(tables.rows[ids_[p]], role) for name in agencies_in(t))]
            continue
        if query:
            keys, whole = query_keys(query), is_collective(query)
            keep = not (flt.agency_excluded and role == "lead")  # "không do Sở XD chủ trì": the rows it does not lead
            positions = [
                p for p in positions
                if any(match_keys(keys, _keys(t), t, whole) for t in role_texts(tables.rows[ids_[p]], role)) == keep
            ]
    ids = [ids_[p] for p in positions]
    if flt.period is not None:
        ids = [i for i in ids if flt.period in tables.period_years[i]]
    if flt.starts is not None:
        ids = [i for i in ids if tables.span_years[i] and min(tables.span_years[i]) == flt.starts]
    if flt.ends is not None:
        ids = [i for i in ids if tables.span_years[i] and max(tables.span_years[i]) == flt.ends]
    if flt.due is not None:
        days = dates_in(flt.due)
        ids = [i for i in ids if any(days & dates_in(t) for role in TIME_ROLES for t in role_texts(tables.rows[i], role))]
    return ids


def _keys(text: str) -> tuple[str, ...]:
    from structured.agency import agency_keys

    return agency_keys(text)


def filter_rows(tables: CorpusTables, flt: RowFilter) -> list[Row]:
    """Rows matching every given condition (group headings and totals excluded unless ``include_groups``).

    Example: ``[r.row for r in filter_rows(tables, RowFilter(annexes=["III"], agency="Sở GTVT"))]
    == ["3", "4 và 9", "5", "10", "11"]``.
    """
    return [tables.rows[i] for i in filter_ids(tables, flt)]


def count_rows(tables: CorpusTables, flt: RowFilter) -> CountResult:
    """How many rows match, with their ids. Example: ``count_rows(t, RowFilter(annexes=["III"], marker="*")).count``."""
    ids = filter_ids(tables, flt) if flt.with_parts else _items_not_parts(tables, filter_ids(tables, flt))
    return CountResult(count=len(ids), ids=ids, filter=flt)


COLUMN_MEASURE = "column:"  # a measure that is one printed column of a table by place or unit: "column:<header>"


def column_fact(row: Row, measure: str) -> dict | None:
    """The typed value of the column a ``column:<header>`` measure names, as a fact (None when not a number)."""
    header = measure.removeprefix(COLUMN_MEASURE)
    typed = parse_typed_value(row.cells.get(header) or "")
    return {"column": header, **typed.model_dump()} if typed.value is not None else None


def column_number(row: Row, measure: str) -> float | None:
    """``column_number(row, "column:Vi phạm trật tự xây dựng – Số vụ phát hiện") == 21.0``: one printed number."""
    fact = column_fact(row, measure)
    return None if fact is None or fact.get("comparator") else float(fact["value"])


def measure_fact(row: Row, measure: str) -> dict | None:
    """The fact a measure names: a role's fact, or the typed cell of a ``column:<header>`` measure."""
    if measure.startswith(COLUMN_MEASURE):
        return column_fact(row, measure)
    fact = row.facts.get(measure)
    return fact if isinstance(fact, dict) else None


def measure_number(row: Row, measure: str) -> float | None:
    """One stated number of the measure (money in tỷ đồng for a role), else None."""
    return column_number(row, measure) if measure.startswith(COLUMN_MEASURE) else fact_number(row, measure)


BREAKDOWN_TOLERANCE = 0.01  # sub-lines whose figures add up to their parent's within 1% (rounding) are its parts


def _items_not_parts(tables: CorpusTables, ids: list[str]) -> list[str]:
    """The ids without the sub-lines that break down an item itself in the set (a project's "Hợp phần
    bồi thường" and "Hợp phần xây dựng", whose figures add up to the project's): a part of an item counted is
    not another item. A sub-task with its own figures or none (a plan under a programme) stays an item."""
    chosen = set(ids)
    return [row_id for row_id in ids
            if not ((parent := tables.rows.get(tables.parent_id(tables.rows[row_id]) or "")) is not None
                    and parent.id in chosen and _broken_down(tables, parent))]


def _broken_down(tables: CorpusTables, parent: Row) -> bool:
    """Whether the parent's sub-lines add up to it on some money figure all of them state."""
    children = [tables.rows[c] for c in tables.child_ids(parent) if c in tables.rows]
    if len(children) < 2:
        return False
    for role in MONEY_ROLES:
        whole = fact_number(parent, role)
        parts = [fact_number(c, role) for c in children]
        if whole and all(p is not None for p in parts) and abs(sum(parts) - whole) <= BREAKDOWN_TOLERANCE * abs(whole):
            return True
    return False


def rank_rows(tables: CorpusTables, flt: RowFilter, by: str, order: Literal["asc", "desc"] = "desc", limit: int | None = 10) -> list[RankedRow]:
    """Rows ordered by a stated number (rows not stating it as one number are left out). Money is
    ordered in tỷ đồng, the printed raw kept; a cumulative disbursement is not ranked with yearly ones.

    Example: ``rank_rows(t, RowFilter(annexes=["III"]), "disbursement_rate", "asc")[0].raw == "3,7"``.
    """
    scored = []
    ids = filter_ids(tables, flt.model_copy(update={"has": None}))
    for row_id in ids if flt.with_parts else _items_not_parts(tables, ids):  # items, not the lines that break one down
        row = tables.rows[row_id]
        value, fact = measure_number(row, by), measure_fact(row, by)
        if value is None or (by == "disbursed" and fact is not None and fact.get("scope") == "cumulative"):
            continue
        scored.append((value, row))
    scored.sort(key=lambda item: item[0] if order == "asc" else -item[0])
    if limit is not None and limit > 0:
        scored = scored[:limit]
    return [_ranked(row, by, rank, value) for rank, (value, row) in enumerate(scored, 1)]


def shown_name(row: Row) -> str:
    """A subtotal ("Cộng I") is named by the group it adds up: "Cộng I – LĨNH VỰC GIAO THÔNG"."""
    if row.kind == "total" and row.facts.get("total_of") and row.group_title:
        return f"{row.row} – {row.group_title}"
    return row.name


def _ranked(row: Row, by: str, rank: int, sort_value: float) -> RankedRow:
    fact = measure_fact(row, by)
    unit = fact.get("unit") or (row.facts.get("unit") if by in ("estimate", "actual", "target", "actual_prev") else None)
    return RankedRow(
        rank=rank, id=row.id, report=row.report, annex=row.annex, row=row.row, name=shown_name(row), by=by, raw=fact["raw"],
        value=float(fact["value"]), unit=unit, sort_value=sort_value, quote=fact.get("quote"), column=fact.get("column"),
        as_of=fact.get("as_of") or (row.facts.get("as_of") if by == "disbursement_rate" else None), scope=fact.get("scope"),
    )


def count_by_agency(tables: CorpusTables, flt: RowFilter, role: Literal["lead", "coordinating"] = "lead") -> list[AgencyCount]:
    """The agencies leading (``role``) the rows of a set, most rows first; a row with two lead agencies
    counts for both. Example: ``count_by_agency(t, RowFilter(annexes=["V"]))[0].agency == "Sở Công Thương"``."""
    rows_of: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for row_id in filter_ids(tables, flt):
        for text in role_texts(tables.rows[row_id], role):
            for name in agencies_in(text):
                key = agency_key(name)
                names.setdefault(key, name)
                if row_id not in rows_of.setdefault(key, []):
                    rows_of[key].append(row_id)
    counted = [AgencyCount(agency=names[k], count=len(ids), ids=ids) for k, ids in rows_of.items()]
    return sorted(counted, key=lambda c: (-c.count, c.agency))


def total_of(tables: CorpusTables, flt: RowFilter, by: str) -> TotalResult:
    """The total of a measure over a set. When the set is a whole annex (or one group of it) and the report
    prints a total row there, its printed cell is the answer; otherwise the stated values are summed
    (computed, money in tỷ đồng; a sub-item is not added again when its parent is) and the rows without
    the measure listed."""
    ids = filter_ids(tables, flt)
    conditions = flt.model_dump(exclude={"report", "annexes", "group", "kind", "words", "include_groups", "top_level"},
                                exclude_defaults=True)
    if flt.ids is not None and set(filter_ids(tables, flt.model_copy(update={"ids": None}))) <= set(flt.ids):
        conditions.pop("ids", None)  # the last set refined ("trong đó riêng nhóm A"): the group holds no other row
    if not conditions:
        total = _printed_total(tables, flt, by)
        if total is not None:
            row = tables.rows[total]
            return TotalResult(measure=by, printed=_value_cell(row.facts[by], by), total_row=total, ids=ids)
    inside = set(ids)
    ids = [i for i in ids if tables.parent_id(tables.rows[i]) not in inside]  # sub-items are in their parent
    values = [(i, measure_number(tables.rows[i], by)) for i in ids]
    stated = [(i, v) for i, v in values if v is not None]
    missing = [i for i, v in values if v is None]
    if not stated:
        return TotalResult(measure=by, ids=[], missing=missing)
    money = by in MONEY_ROLES
    value = sum(v for _, v in stated)
    facts = {i: measure_fact(tables.rows[i], by) or {} for i, _ in stated}
    unit = "tỷ đồng" if money else next((facts[i].get("unit") for i, _ in stated), None)
    printed_units = {(facts[i].get("unit") or "").strip().lower() for i, _ in stated}
    as_printed = None
    if money and len(printed_units) == 1 and (factor := money_in_ty(1.0, printed_units.pop())) not in (None, 1.0):
        # the cells print "triệu đồng": the sum in that unit too, as a reader adds them up
        in_unit = sum(parse_vn_number(facts[i]["raw"]) or 0.0 for i, _ in stated)
        if abs(in_unit * factor - value) < 1e-6 * max(1.0, abs(value)):
            as_printed = f"{format_vn_number(in_unit, 0 if in_unit == int(in_unit) else 3)} {facts[stated[0][0]]['unit']}"
    computed = ComputedValue(value=value, text=format_vn_number(value, 3 if money else 2), unit=unit,
                             formula=" + ".join(facts[i]["raw"] for i, _ in stated), as_printed=as_printed)
    return TotalResult(measure=by, computed=computed, ids=[i for i, _ in stated], missing=missing)


def group_total(group: Row, rows: Iterable[Row]) -> Row | None:
    """The line a report prints with a group's figures: its subtotal ("Cộng II" under "II. LĨNH VỰC Y TẾ …"), else
    the heading itself when it prints them on its own line ("II  Dự án khởi công mới năm 2025  172.000 …")."""
    printed = next((r for r in rows if r.kind == "total" and r.report == group.report and r.annex == group.annex
                    and r.facts.get("total_of") == group.row), None)
    return printed or (group if any(role in group.facts for role in MONEY_ROLES) else None)


def printed_totals(tables: CorpusTables, flt: RowFilter) -> list[Row]:
    """The total rows a report prints for a set: the subtotal of the filter's group, else (for a whole annex)
    the annex total. Example: the group "II" of an annex → its "Cộng II" row."""
    report = (tables.resolve_report(flt.report) or [None])[0]
    totals = [r for r in tables.rows.values() if r.kind == "total" and r.report == report]
    group = tables.rows.get(flt.group or "")
    if group is not None:
        line = group_total(group, totals)
        return [line] if line is not None else []
    annexes = [normalize_annex(a) for a in flt.annexes]
    return [r for r in totals if r.facts.get("total_of") is None and (not annexes or r.annex in annexes)]


def _printed_total(tables: CorpusTables, flt: RowFilter, by: str) -> str | None:
    """The total row printing ``by`` for the set: the group's subtotal, else the annex's total (the only annex
    with one, when the question names no annex)."""
    candidates = [r for r in printed_totals(tables, flt) if by in r.facts]
    if flt.group in tables.rows:
        return candidates[0].id if candidates else None
    return candidates[0].id if len({r.annex for r in candidates}) == 1 else None


def money_total_ty(value: float, unit: str | None) -> float | None:
    return money_in_ty(value, unit)


# ---------------------------------------------------------------------------------------------
# Markers


def explain_marker(tables: CorpusTables, report: str | None, annex: str, marker: str) -> MarkerExplanation | None:
    """What a marker means in one annex (from that annex's own legend) and which rows carry it."""
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
        title = tables.rows[ids[0]].annex_title if ids else next(
            (r.annex_title for r in tables.rows.values() if r.report == report_number and r.annex == annex_key), "")
        return MarkerExplanation(report=report_number, annex=annex_key, annex_title=title, marker=marker_key,
                                 meaning=legend[marker_key], legend=legend, count=len(ids), row_ids=ids)
    return None


def outline(tables: CorpusTables, report: str | None, annex: str) -> list[Row]:
    """The top-level items of one annex, in order (group headings and rows at level 0, not totals): what the
    annex is made of. Example: ``[r.row for r in outline(tables, "320/BC-UBND", "I")] == ["A", "B", "C"]``."""
    numbers = tables.resolve_report(report)
    if not numbers:
        return []
    annex_key = normalize_annex(annex)
    return [row for row in tables.rows.values()
            if row.report == numbers[0] and row.annex == annex_key and row.level == 0 and row.kind != "total"]


def says_verdict(printed: str, said: str) -> bool:
    """A printed verdict (folded) in the wording said: ``says_verdict("khong dat nq", "khong dat")`` is True,
    ``says_verdict("chua dat", "khong dat")`` False."""
    return printed == said or printed.startswith(said + " ")


def verdict_of(text: str) -> str | None:
    """The class of a verdict as printed ("Chưa đạt NQ" → "not_met")."""
    return verdict_class(text)


# ---------------------------------------------------------------------------------------------
# LangChain tools


class _RowIdArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    row_id: str = Field(description="Mã dòng / row id, e.g. '320/BC-UBND:I:4' (or 'I:4' for the newest report)")


class _LookupArgs(_RowIdArgs):
    measure: str | None = Field(default=None, description="What is asked: estimate, target, actual_prev, disbursed, "
                                "disbursement_rate, capital_plan, total_investment, site_clearance, lead, coordinating, "
                                "deadline, impl_time, funding, status, documents… None: the row's main values")
    period: int | None = Field(default=None, description="Năm được hỏi, e.g. 2023")


class _CompareArgs(_RowIdArgs):
    against: Literal["target", "previous"] = Field(default="target", description="'target': so với Nghị quyết/kế hoạch; 'previous': so với năm trước")


class _FilterArgs(RowFilter):
    limit: int = Field(default=50, ge=1, le=500, description="Max rows listed (the count is always complete)")


class _RankArgs(RowFilter):
    by: str = Field(description="Number to order by: disbursement_rate, disbursed, capital_plan, total_investment, site_clearance, estimate, vs_target_pct, vs_prev_pct")
    order: Literal["asc", "desc"] = Field(default="desc", description="asc: lowest first; desc: highest first")
    limit: int = Field(default=10, ge=1, le=500)


class _TotalArgs(RowFilter):
    by: str = Field(description="Number to total: capital_plan, disbursed, total_investment, …")


class _MarkerArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    report: str | None = Field(default=None, description="Report number; None: the newest report")
    annex: str = Field(description="Phụ lục, e.g. 'III'")
    marker: str = Field(description="Ký hiệu, e.g. '***' or '(***)'")


class _NoArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


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
    """The tools bound to ``tables`` as LangChain ``StructuredTool`` s with pydantic ``args_schema`` s."""

    def lookup(row_id: str, measure: str | None = None, period: int | None = None) -> dict[str, Any]:
        return _dump(lookup_row(tables, row_id, measure, period))

    def compare(row_id: str, against: Literal["target", "previous"] = "target") -> dict[str, Any]:
        return _dump(compare_row(tables, row_id, against))

    def filter_(**kwargs: Any) -> dict[str, Any]:
        ids = filter_ids(tables, _filter_of(kwargs))
        limit = kwargs.get("limit", 50)
        return {"count": len(ids), "rows": [_dump(summarize_row(tables, tables.rows[i])) for i in ids[:limit]],
                "truncated": len(ids) > limit}

    def count(**kwargs: Any) -> dict[str, Any]:
        return _dump(count_rows(tables, _filter_of(kwargs)))

    def rank(**kwargs: Any) -> dict[str, Any]:
        ranked = rank_rows(tables, _filter_of(kwargs), kwargs["by"], kwargs.get("order", "desc"), kwargs.get("limit", 10))
        return {"count": len(ranked), "rows": [_dump(r) for r in ranked]}

    def total(**kwargs: Any) -> dict[str, Any]:
        return _dump(total_of(tables, _filter_of(kwargs), kwargs["by"]))

    def marker(annex: str, marker: str, report: str | None = None) -> dict[str, Any]:
        found = explain_marker(tables, report, annex, marker)
        return _dump(found) if found else {"error": f"marker {marker!r} is not in the legend of annex {annex}"}

    def reports() -> dict[str, Any]:
        newest = tables.newest_report()
        return {"reports": [_dump(r) for r in tables.reports()], "newest": newest.number if newest else None}

    specs: list[tuple[str, Any, type[BaseModel], str]] = [
        ("lookup_row", lookup, _LookupArgs,
         "Tra cứu một dòng: giá trị in trong báo cáo cho điều được hỏi (ước thực hiện, Nghị quyết, giải ngân, cơ quan chủ trì, "
         "thời hạn, tình hình…). Look up what one row states for a measure, as printed."),
        ("compare_row", compare, _CompareArgs,
         "So sánh ước thực hiện với Nghị quyết/kế hoạch ('target') hoặc với năm trước ('previous'), kèm đánh giá và % của báo cáo."),
        ("filter_rows", filter_, _FilterArgs,
         "Lọc các dòng theo báo cáo, phụ lục, loại, cơ quan chủ trì/phối hợp, ký hiệu (*), đánh giá (đạt/chưa đạt…), lĩnh vực, năm."),
        ("count_rows", count, RowFilter, "Đếm số dòng thỏa điều kiện (như filter_rows), kèm mã dòng."),
        ("rank_rows", rank, _RankArgs, "Xếp hạng các dòng theo một số liệu được nêu (tỷ lệ giải ngân, kế hoạch vốn, …)."),
        ("total_of", total, _TotalArgs, "Tổng của một số liệu trên một tập dòng: dòng tổng in trong báo cáo nếu có, nếu không thì cộng (tính toán)."),
        ("explain_marker", marker, _MarkerArgs, "Giải thích ký hiệu (*), (**)… theo chú thích của chính phụ lục đó."),
        ("list_reports", reports, _NoArgs, "Danh sách báo cáo đã nạp và báo cáo mới nhất."),
    ]  # fmt: skip
    return [
        StructuredTool.from_function(func=_safe(func), name=name, description=description, args_schema=schema)
        for name, func, schema, description in specs
    ]
