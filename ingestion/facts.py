"""Typed facts extracted from a row: indicator values, and the numbers stated in a status text.

Every fact keeps the text it came from (``raw`` as printed, ``quote`` the sentence) so an answer
can quote and cite it. A fact that is not stated is absent, never guessed.
"""

from __future__ import annotations

import re
from typing import Any

from ingestion.cleaning import fold_diacritics
from ingestion.columns import column_role
from ingestion.numbers import VN_NUMBER, parse_typed_value, parse_vn_number

# ---------------------------------------------------------------------------------------------
# Phụ lục I style indicators

_LOWER_IS_BETTER = ("ty le ho ngheo",)
_YEAR_RE = re.compile(r"(19|20)\d{2}")


def indicator_facts(columns: list[str], cells: dict[str, str], name: str) -> dict[str, Any]:
    """Typed values of an indicator row, keyed by column and by role.

    Roles: ``unit``, ``actual_prev``, ``target``, ``estimate``, ``vs_target_pct``, ``vs_prev_pct``,
    ``verdict``; plus ``year``/``prev_year`` from the headers and ``computed_vs_target``.
    """
    facts: dict[str, Any] = {"values": {}}
    for column in columns:
        role = column_role(column)
        value = cells.get(column, "")
        if role in (None, "name") or not value:
            continue
        if role in ("unit", "verdict"):
            facts[role] = value
            continue
        typed = parse_typed_value(value).model_dump(exclude_none=True)
        typed["column"] = column
        facts["values"][column] = typed
        facts.setdefault(role, typed)
        if role in ("actual_prev", "estimate", "target"):
            if year := _YEAR_RE.search(column):
                facts.setdefault("prev_year" if role == "actual_prev" else "year", int(year.group(0)))
    if comparison := compare_to_target(facts.get("estimate"), facts.get("target"), name):
        facts["computed_vs_target"] = comparison
    return facts


def compare_to_target(estimate: dict | None, target: dict | None, name: str) -> str | None:
    """'met' / 'not_met' / 'exceeded' from typed values, or ``None`` when not computable.

    Example: estimate 5.86 vs target range 7.5–8.0 → ``'not_met'``.
    """
    if not estimate or not target or estimate.get("value") is None or estimate.get("comparator"):
        return None
    value = estimate["value"]
    lower_better = any(key in fold_diacritics(name) for key in _LOWER_IS_BETTER) and "muc giam" not in fold_diacritics(name)
    if target.get("low") is not None and target.get("high") is not None:
        low, high = sorted((target["low"], target["high"]))
        if lower_better:
            return "exceeded" if value < low else "met" if value <= high else "not_met"
        return "not_met" if value < low else "met" if value <= high else "exceeded"
    if target.get("value") is None or target.get("comparator"):
        return None
    goal = target["value"]
    if value == goal:
        return "met"
    better = value < goal if lower_better else value > goal
    return "exceeded" if better else "not_met"


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
    rf"(?:bàn giao mặt bằng|giải phóng mặt bằng|GPMB)[^.;%]{{0,40}}?(?:khoảng|đạt|được)?\s*{_PERCENT}",
    re.IGNORECASE,
)
_TOTAL_INVESTMENT_RE = re.compile(
    rf"tổng mức đầu tư(?:\s+(?:dự kiến|sau điều chỉnh|được duyệt))?(?:\s+(?:là|khoảng))?\s*:?\s*{_AMOUNT}",
    re.IGNORECASE,
)
_AS_OF_RE = re.compile(rf"(?:tính đến|cập nhật đến)\s+ngày\s+(?P<date>{_DATE})", re.IGNORECASE)


def _number_fact(raw: str, unit: str | None, quote: str) -> dict[str, Any]:
    fact: dict[str, Any] = {"raw": raw, "value": parse_vn_number(raw), "quote": quote}
    if unit:
        fact["unit"] = {"tỷ": "tỷ đồng", "triệu": "triệu đồng"}.get(unit.lower(), unit.lower())
    return fact


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind("; ", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end), text.find("; ", end)) if i != -1]
    right = min(right_candidates) if right_candidates else len(text)
    return text[left + 1 if left >= 0 else 0 : right].strip(" .;-\n")


def status_facts(columns: list[str], cells: dict[str, str], extra: list[dict[str, str]]) -> dict[str, Any]:
    """Facts stated in the status (and other) cells of a task/project row.

    Keys (present only when stated): ``capital_plan``, ``disbursed``, ``disbursement_rate``,
    ``site_clearance``, ``total_investment``, ``as_of``, ``documents``.
    """
    status_texts = [cells.get(c, "") for c in columns if column_role(c) == "status"]
    status_texts += [value for sub in extra for key, value in sub.items() if column_role(key) == "status"]
    status = "\n".join(t for t in status_texts if t)
    all_text = "\n".join([*cells.values(), *(v for sub in extra for v in sub.values())])
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
        facts["site_clearance"] = _number_fact(match.group("pct"), None, _sentence_around(status, match.start(), match.end())) | {"unit": "%"}
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

