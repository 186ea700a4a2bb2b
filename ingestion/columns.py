"""Semantic roles of annex columns, from the header wording (any order) and, where wording is not
enough, from what the column holds.

Roles come from the ``columns`` section of ``structured/lexicon.yaml``: the most specific (longest) cue
found in the merged header path wins, so "Kế hoạch vốn năm 2025" is ``capital_plan`` and not
``target``; a comparison header ("So sánh (%) – KH", "Ước TH năm 2024/so NQ") is ``vs_target_pct`` or
``vs_prev_pct`` by the reference it names. Years are read from the header and placed relative to the
report's year: "Thực hiện năm 2024" in a 2025 report is the previous year's actual.

Example:
    >>> column_role("Cơ quan chủ trì đề xuất/ thực hiện")
    'lead'
    >>> column_role("Năm 2024 – Ước thực hiện cả năm")
    'estimate'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from structured.lexicon import find_phrases, fold, fold_tokens, lexicon

_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_DATE_RE = re.compile(r"(\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4})")
TARGET_REFERENCES = ("nq", "kh", "ke hoach", "nghi quyet", "chi tieu", "muc tieu", "du toan")
PREVIOUS_REFERENCES = ("cung ky", "ck", "nam truoc", "cung ky nam truoc")
VALUE_ROLES = ("actual_prev", "actual", "target", "estimate")
#: Roles whose cells are amounts of money (ranked and summed in tỷ đồng).
MONEY_ROLES = ("total_investment", "capital_plan", "disbursed", "disbursed_cumulative", "funding")
NUMERIC_ROLES = (*VALUE_ROLES, "vs_target_pct", "vs_prev_pct", *MONEY_ROLES, "disbursement_rate", "site_clearance")


@dataclass(frozen=True)
class ColumnInfo:
    """What a column holds. Example: ``ColumnInfo(role="disbursed", year=2025, as_of="30/11/2025",
    unit="triệu đồng", cumulative=False)``."""

    header: str
    role: str | None
    year: int | None = None
    as_of: str | None = None
    unit: str | None = None
    cumulative: bool = False


@lru_cache(maxsize=1)
def _role_index():  # noqa: ANN202
    return lexicon().phrase_index("columns")


def _money_unit(folded: str) -> str | None:
    for unit in sorted(lexicon().section("money_units"), key=len, reverse=True):
        if re.search(rf"(?<![a-z]){re.escape(fold(unit))}(?![a-z])", folded):
            return unit
    return None


def _role_from_words(words: list[str]) -> str | None:
    """The role named by the head of a header: Vietnamese puts the head noun first, so the cue that
    starts earliest wins ("Thời hạn bàn giao mặt bằng" is a deadline, "Tỷ lệ giải ngân" a rate),
    and of cues starting at the same word the longest ("Kế hoạch vốn" before "Kế hoạch")."""
    hits = find_phrases(words, _role_index(), overlapping=True)
    if not hits:
        return None
    return min(hits, key=lambda h: (h.start, -h.size)).key


@lru_cache(maxsize=4096)
def column_role(header: str) -> str | None:
    """The role of a column given its (merged) header text alone, or ``None`` if unknown."""
    return column_info(header).role


_LEVELS_RE = re.compile(r"\s+[–—]\s+")  # between the levels of a merged header ("Năm 2025 – Kế hoạch")


def header_leaf(header: str) -> str:
    """The lowest level of a merged header: ``header_leaf("Vi phạm – Số vụ phát hiện") == "Số vụ phát hiện"``."""
    return _LEVELS_RE.split(header)[-1]


@lru_cache(maxsize=4096)
def column_info(header: str, table_year: int | None = None) -> ColumnInfo:
    """Role, year, date and money unit of a column from its merged header path ("Năm 2025 – Kế hoạch").

    ``table_year`` (the year the table reports on) turns "Thực hiện năm 2024" into ``actual_prev``
    in a 2025 table and decides which year a comparison column is measured against.
    """
    folded = fold(header)
    parts = [fold_tokens(part) for part in _LEVELS_RE.split(header)]
    years = [int(y) for y in _YEAR_RE.findall(header)]
    as_of = next(iter(_DATE_RE.findall(header)), None)
    unit = _money_unit(folded)
    leaf = " ".join(parts[-1]) if parts else ""
    if leaf in ("stt", "tt", "so tt", "so thu tu"):
        return ColumnInfo(header, "number")
    role = _comparison_role(header, parts, years, table_year)
    if role is None:
        # The sub-header decides ("Năm 2024 – Ước thực hiện"); the top line only when the leaf says nothing.
        role = next((r for part in reversed(parts) if (r := _role_from_words(part))), None)
    year = max(years) if years else None
    if role == "actual" and year and table_year and year < table_year:
        role = "actual_prev"
    cumulative = "luy ke" in folded
    if role == "disbursed" and cumulative:
        role = "disbursed_cumulative"  # "Lũy kế giải ngân": since the start of the project, not this year
    return ColumnInfo(header, role, year=year, as_of=as_of, unit=unit, cumulative=cumulative)


def _comparison_role(header: str, parts: list[list[str]], years: list[int], table_year: int | None) -> str | None:
    """``vs_target_pct`` / ``vs_prev_pct`` for a header that compares: "So sánh (%) – KH",
    "Ước TH năm 2024/so NQ", "So với cùng kỳ (%)", "Ước TH năm 2024/so năm 2023".

    The reference is what follows the last comparison word ("so", "so với", "so sánh"), or the
    sub-header under a "So sánh (%)" top line. "so" is only the comparison word when written
    without diacritics' other readings ("số" is a number).
    """
    written = [t for t in re.findall(r"\w+|%", header.lower())]
    cue_at = max((i for i, t in enumerate(written) if t == "so"), default=None)
    if cue_at is None:
        return None
    words = [fold(t) for t in written]
    reference = [w for w in words[cue_at + 1 :] if w not in ("sanh", "voi", "%")]
    text = f" {' '.join(reference)} "
    ref_years = [int(w) for w in reference if _YEAR_RE.fullmatch(w)]
    if any(f" {r} " in text for r in PREVIOUS_REFERENCES):
        return "vs_prev_pct"
    if any(f" {r} " in text for r in TARGET_REFERENCES):
        return "vs_target_pct"
    if ref_years:
        current = table_year or max(years)
        return "vs_prev_pct" if min(ref_years) < current else "vs_target_pct"
    return None


def roles_of(headers: list[str]) -> dict[str, str]:
    """Map role → header for the first column of each role."""
    mapping: dict[str, str] = {}
    for header in headers:
        role = column_role(header)
        if role and role not in mapping:
            mapping[role] = header
    return mapping
