"""Typed facts of a row: every value cell typed by its column role, the report's verdict and its class,
whether lower is better (from the report's own words), and the numbers stated in a status text.

Every fact keeps the text it came from (``raw`` as printed, ``column`` the header or ``quote`` the
sentence) so an answer can quote and cite it. A fact that is not stated is absent, never guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ingestion.columns import MONEY_ROLES, NUMERIC_ROLES, ColumnInfo
from ingestion.numbers import VN_NUMBER, parse_typed_value, parse_vn_number
from structured.compare import outcome_vs_target
from structured.lexicon import find_phrases, fold_tokens, lexicon

if TYPE_CHECKING:
    from ingestion.models import Row

#: Column roles whose cell is typed as a number/range/threshold when it reads as one.
_TYPED_TEXT_ROLES = ("funding", "scale", "note", "verdict", None)


# ---------------------------------------------------------------------------------------------
# Verdicts


@lru_cache(maxsize=4096)
def verdict_class(text: str | None) -> str | None:
    """The class of a verdict cell: ``exceeded``, ``met``, ``basically_met``, ``not_met``,
    ``in_progress`` or ``late``; ``None`` when the cell is not (only) a verdict.

    Example: ``verdict_class("Chưa đạt NQ") == "not_met"``; ``verdict_class("Vượt KH") == "exceeded"``.
    """
    words = fold_tokens(text)
    if not words or len(words) > 8:
        return None
    suffixes = sorted((tuple(fold_tokens(s)) for s in lexicon().section("verdict_suffixes")), key=len, reverse=True)
    for suffix in suffixes:
        if len(words) > len(suffix) and tuple(words[-len(suffix) :]) == suffix:
            words = words[: -len(suffix)]
            break
    hits = find_phrases(words, _verdict_index())
    if len(hits) == 1 and hits[0].size == len(words):
        return hits[0].key
    return None


@lru_cache(maxsize=1)
def _verdict_index():  # noqa: ANN202
    return lexicon().phrase_index("verdicts")


def says_lower_is_better(text: str | None) -> bool:
    """A legend line or note saying smaller values are better ("Chỉ tiêu nghịch: … càng thấp càng tốt")."""
    folded = f" {' '.join(fold_tokens(text))} "
    return any(f" {' '.join(fold_tokens(p))} " in folded for p in lexicon().section("lower_is_better"))


# ---------------------------------------------------------------------------------------------
# Comparisons of typed values


def compare_to_target(estimate: dict | None, target: dict | None, lower_is_better: bool) -> str | None:
    """'met' / 'not_met' / 'exceeded' from typed values, or ``None`` when not computable.

    Example: estimate 5.86 vs target range 7.5–8.0 → ``'not_met'``; 0.09 vs 0.15 lower-better → ``'exceeded'``.
    """
    outcome = outcome_vs_target(estimate, target, lower_is_better)
    return None if outcome == "undetermined" else outcome


_AGREES = {"met": {"met", "exceeded"}, "exceeded": {"exceeded", "met"}, "not_met": {"not_met"}}


def _lower_from_verdict(estimate: dict | None, target: dict | None, verdict: str | None) -> bool | None:
    """Whether the report's verdict only makes sense if a lower value is better (None: undecided)."""
    allowed = _AGREES.get(verdict or "")
    if allowed is None:
        return None
    higher, lower = compare_to_target(estimate, target, False), compare_to_target(estimate, target, True)
    if higher is None or higher == lower:
        return None
    if higher not in allowed and lower in allowed:
        return True
    if higher in allowed and lower not in allowed:
        return False
    return None


# ---------------------------------------------------------------------------------------------
# Status text of tasks and projects

_AMOUNT = rf"(?P<amount>{VN_NUMBER})\s*(?P<unit>tỷ đồng|triệu đồng|tỷ|triệu)"
_PERCENT = rf"(?P<pct>{VN_NUMBER})\s*%"
_DATE = r"\d{1,2}/\d{1,2}/\d{4}"
_DOC_TYPES = (
    "Quyết định|Nghị quyết|Nghị định|Kế hoạch|Công văn|Chương trình|Thông báo|Tờ trình|Báo cáo|"
    "Đề án|Chỉ thị|Thông tư|Luật|Kết luận|Hướng dẫn"
)
DOCUMENT_RE = re.compile(
    rf"(?P<doc>(?i:{_DOC_TYPES})\s+(?:số\s+)?\d+[\w./-]*/[\w&Đđ./-]+(?:\s+ngày\s+{_DATE})?)"
)
_CAPITAL_PLAN_RE = re.compile(
    rf"(?:kế hoạch|KH)(?:\s*\(KH\))?\s+vốn[^.;:]{{0,60}}?năm\s+(?P<year>\d{{4}})[^.;:]{{0,120}}?(?::|\slà|\sbố\s+trí|\sgiao)\s*{_AMOUNT}"
    rf"|vốn chuẩn bị đầu tư bố trí trong năm\s+(?P<year3>\d{{4}})\s*:?\s*{_AMOUNT.replace('amount', 'amount3').replace('unit', 'unit3')}",
    re.IGNORECASE,
)
_DISBURSED_RE = re.compile(
    rf"(?<!lũy kế giá trị )(?<!Lũy kế giá trị )(?:đã\s+)?giải ngân(?:\s+vốn)?(?:\s+từ đầu năm)?(?:\s+(?:đến|tính đến)\s+(?:nay|ngày\s+(?P<asof>{_DATE})|tháng\s+(?P<asof_month>\d{{1,2}}/\d{{4}})))?"
    rf"\s*(?:là|được|:)?\s*{_AMOUNT}(?:\s*,?\s*(?:đạt|bằng)\s+{_PERCENT})?",
    re.IGNORECASE,
)
_SITE_CLEARANCE_RE = re.compile(
    rf"(?:bàn giao mặt bằng|giải phóng mặt bằng|GPMB)[^.;%]{{0,40}}?(?:khoảng|đạt|được)?\s*{_PERCENT}"
    rf"|(?:bàn giao|thu hồi)\s[^.;%]{{0,30}}?\(\s*(?:đạt\s*)?{_PERCENT.replace('pct', 'pct2')}",  # "đã bàn giao 71,5 ha (đạt 73,9%)", "đã thu hồi 71,6 ha (38,4%)"
    re.IGNORECASE,
)
_TOTAL_INVESTMENT_RE = re.compile(
    rf"tổng mức đầu tư(?:\s+(?:dự kiến|sau điều chỉnh|được duyệt))?(?:\s+(?:là|khoảng))?\s*:?\s*{_AMOUNT}",
    re.IGNORECASE,
)
_AS_OF_RE = re.compile(rf"(?:tính đến|cập nhật đến|đến)\s+ngày\s+(?P<date>{_DATE})", re.IGNORECASE)


def _number_fact(raw: str, unit: str | None, quote: str) -> dict[str, Any]:
    fact: dict[str, Any] = {"raw": raw, "value": parse_vn_number(raw), "quote": quote, "source": "text"}
    if unit:
        fact["unit"] = {"tỷ": "tỷ đồng", "triệu": "triệu đồng"}.get(unit.lower(), unit.lower())
    return fact


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind("; ", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end), text.find("; ", end)) if i != -1]
    right = min(right_candidates) if right_candidates else len(text)
    return text[left + 1 if left >= 0 else 0 : right].strip(" .;-\n")


def status_facts(status: str, all_text: str) -> dict[str, Any]:
    """Facts stated in a status text. Keys (present only when stated): ``capital_plan``, ``disbursed``,
    ``disbursement_rate``, ``site_clearance``, ``total_investment``, ``as_of``, ``documents``."""
    facts: dict[str, Any] = {}
    if match := _CAPITAL_PLAN_RE.search(status):
        suffix = "" if match.group("amount") else "3"
        fact = _number_fact(match.group(f"amount{suffix}"), match.group(f"unit{suffix}"), _sentence_around(status, match.start(), match.end()))
        fact["year"] = int(match.group("year") or match.group("year3"))
        facts["capital_plan"] = fact
    disbursements = list(_DISBURSED_RE.finditer(status))
    # Prefer the disbursement that states a rate (the current-year one), else the last stated.
    chosen = next((m for m in disbursements if m.group("pct")), disbursements[-1] if disbursements else None)
    if chosen:
        fact = _number_fact(chosen.group("amount"), chosen.group("unit"), _sentence_around(status, chosen.start(), chosen.end()))
        if chosen.group("asof"):
            fact["as_of"] = chosen.group("asof")
        elif chosen.group("asof_month"):
            fact["as_of"] = chosen.group("asof_month")
        cumulative = re.search(r"lũy kế|từ đầu dự án|tổng kế hoạch vốn", fact["quote"], re.IGNORECASE)
        fact["scope"] = "cumulative" if cumulative else "year"
        facts["disbursed"] = fact
        if chosen.group("pct"):
            facts["disbursement_rate"] = _number_fact(chosen.group("pct"), None, fact["quote"]) | {"unit": "%"}
    if match := _SITE_CLEARANCE_RE.search(status):
        facts["site_clearance"] = _number_fact(match.group("pct") or match.group("pct2"), None, _sentence_around(status, match.start(), match.end())) | {"unit": "%"}
    if match := _TOTAL_INVESTMENT_RE.search(status):
        facts["total_investment"] = _number_fact(match.group("amount"), match.group("unit"), _sentence_around(status, match.start(), match.end()))
    if as_of := (facts.get("disbursed") or {}).get("as_of"):
        facts["as_of"] = as_of
    elif match := _AS_OF_RE.search(status):
        facts["as_of"] = match.group("date")
    documents = list(dict.fromkeys(m.group("doc").strip().rstrip(".,;") for m in DOCUMENT_RE.finditer(all_text)))
    if documents:
        facts["documents"] = documents
    return facts


# ---------------------------------------------------------------------------------------------
# One row


def _typed_cell(value: str, info: ColumnInfo, unit: str | None) -> dict[str, Any] | None:
    typed = parse_typed_value(value)
    if typed.text and info.role not in NUMERIC_ROLES:
        return None
    fact = typed.model_dump(exclude_none=True)
    fact["column"] = info.header
    if info.role:
        fact["role"] = info.role
    if info.year:
        fact["year"] = info.year
    if info.as_of:
        fact["as_of"] = info.as_of
    if info.cumulative:
        fact["scope"] = "cumulative"
    if typed.unit is None and unit and info.role not in ("vs_target_pct", "vs_prev_pct", "disbursement_rate"):
        fact["unit"] = unit
    if info.role in ("vs_target_pct", "vs_prev_pct", "disbursement_rate", "site_clearance"):
        fact["unit"] = "%"
    fact["source"] = "column"
    return fact


def row_facts(
    row: Row,
    infos: list[ColumnInfo],
    table_kind: str,
    legend: dict[str, str],
    notes: list[str],
    parent: Row | None,
    annex_unit: str | None,
) -> dict[str, Any]:
    """Facts of one row from its cells (typed by column role) and its status text."""
    facts: dict[str, Any] = {"values": {}}
    unit_text = next((row.cells.get(i.header, "") for i in infos if i.role == "unit"), "")
    if unit_text:
        facts["unit"] = unit_text
    for info in infos:
        value = row.cells.get(info.header, "")
        if not value or info.role in ("name", "number", "unit"):
            continue
        if info.role == "verdict":
            facts.setdefault("verdict", value)
            if cls := verdict_class(value):
                facts.setdefault("verdict_class", cls)
            continue
        if info.role not in NUMERIC_ROLES and info.role not in _TYPED_TEXT_ROLES:
            continue
        money_unit = info.unit or (annex_unit if info.role in MONEY_ROLES else None)
        typed = _typed_cell(value, info, unit_text or money_unit if info.role not in MONEY_ROLES else money_unit)
        if typed is None:
            continue
        facts["values"][info.header] = typed
        if info.role in NUMERIC_ROLES:
            facts.setdefault(info.role, typed)
            if info.role in ("actual_prev", "estimate", "target", "actual") and info.year:
                facts.setdefault("prev_year" if info.role == "actual_prev" else "year", info.year)
    if not facts["values"]:
        del facts["values"]
    if table_kind != "indicator" and row.kind not in ("group", "total"):
        status = "\n".join(
            [*(v for h, v in row.cells.items() if row.roles.get(h) in ("status", "note") and v),
             *(v for sub in row.extra_values for h, v in sub.items() if row.roles.get(h) in ("status", "note") and v)]
        )
        everything = "\n".join([*row.cells.values(), *(v for sub in row.extra_values for v in sub.values())])
        for key, fact in status_facts(status, everything).items():
            facts.setdefault(key, fact)
        as_of = next((i.as_of for i in infos if i.role == "status" and i.as_of), None)
        if as_of:
            facts.setdefault("as_of", as_of)
    estimate = facts.get("estimate") or facts.get("actual")
    target = facts.get("target")
    lower, reason = _lower_is_better(row, facts, legend, notes, estimate, target)
    if lower is not None:
        facts["lower_is_better"] = lower
        facts["lower_is_better_reason"] = reason
    if comparison := compare_to_target(estimate, target, bool(lower)):
        facts["computed_vs_target"] = comparison
    return facts


def _lower_is_better(
    row: Row, facts: dict[str, Any], legend: dict[str, str], notes: list[str], estimate: dict | None, target: dict | None
) -> tuple[bool | None, str]:
    """Lower is better when the report says so (legend of the row's marker, its own note, an annex
    note naming its number) or when its verdict only agrees with the numbers that way."""
    if row.marker and says_lower_is_better(legend.get(row.marker)):
        return True, f"Ghi chú ({row.marker}): {legend[row.marker]}"
    for header, value in row.cells.items():
        if row.roles.get(header) in ("note", "verdict") and says_lower_is_better(value):
            return True, f"{header}: {value}"
    for note in notes:
        if says_lower_is_better(note) and re.search(rf"(?<![\d.]){re.escape(row.row)}(?![\d.])", note):
            return True, f"Ghi chú: {note}"
    verdict = facts.get("verdict_class")
    decided = _lower_from_verdict(estimate, target, verdict)
    if decided is not None:
        return decided, f"Đánh giá của báo cáo: {facts.get('verdict')}"
    return None, ""
