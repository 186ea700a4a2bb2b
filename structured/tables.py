"""Typed pandas tables over the canonical rows, built once and shared by every structured tool.

Row ids are the :class:`ingestion.models.Row` ids (the same ids as the Chroma chunks), so a table
answer can always be cited and expanded. Several reports can be loaded at once.

Example::

    tables = CorpusTables.from_rows(read_rows(Path("data/processed/rows.jsonl")))
    tables.newest_report().number == "320/BC-UBND"
    tables.indicators.loc["320/BC-UBND:I:4", "estimate_raw"] == "31.500,00"
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from ingestion.columns import column_role
from ingestion.models import Row
from ingestion.store import read_rows, sort_rows
from structured.agency import agency_keys
from structured.compare import indicator_outcome

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
# Money facts are ordered in tỷ đồng; other units as stated.
MONEY_TO_TY = {"tỷ đồng": 1.0, "triệu đồng": 0.001, "nghìn đồng": 0.000001, "đồng": 1e-9}
STATUS_FACTS = ("capital_plan", "disbursed", "disbursement_rate", "site_clearance", "total_investment")
INDICATOR_ROLES = ("actual_prev", "target", "estimate", "vs_target_pct", "vs_prev_pct")

_YEAR_RANGE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})(?!\d)")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_SPACES_RE = re.compile(r"\s+")
_NON_WORD_RE = re.compile(r"[^\w%*]+")
_MARKS_RE = re.compile(r"[\u0300-\u036f]+")


# ---------------------------------------------------------------------------------------------
# Normalisers shared by the tables and the tools


def fold(text: str | None) -> str:
    """Folded, single-spaced text for diacritic-insensitive search. Example: ``fold("Thư  viện") == "thu vien"``.

    Same result as :func:`ingestion.cleaning.fold_diacritics` on Vietnamese text, at C speed.
    """
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    stripped = _MARKS_RE.sub("", unicodedata.normalize("NFD", text))
    return _SPACES_RE.sub(" ", unicodedata.normalize("NFC", stripped)).strip().lower()


@lru_cache(maxsize=2048)
def role_of(header: str) -> str | None:
    """Cached :func:`ingestion.columns.column_role`."""
    return column_role(header)


def normalize_annex(annex: str) -> str:
    """``"Phụ lục III"``, ``"phu luc 3"``, ``"iii"`` → ``"III"``."""
    text = fold(annex).upper().replace("PHU LUC", "").strip(" .:")
    if text.isdigit() and 0 < int(text) <= len(ROMAN):
        return ROMAN[int(text) - 1]
    return text


def normalize_marker(marker: str) -> str:
    """``"(***)"`` → ``"***"``; ``"3 sao"`` stays as written (stripped)."""
    return marker.strip().strip("()[] ").replace(" ", "")


def normalize_number(number: str) -> str:
    """``" 20. "`` → ``"20"``; ``"III.9"`` keeps ``"III.9"`` (only outer dots/spaces/markers go)."""
    return number.strip().strip(".()* ").strip()


def verdict_key(verdict: str | None) -> str:
    """Comparison key of a verdict: ``"Đạt NQ"`` → ``"dat"``, ``"Chưa đạt Nghị quyết"`` → ``"chua dat"``.

    Keys are compared for equality, so "Đạt NQ" ≠ "Chưa đạt NQ" ≠ "Cơ bản đạt NQ".
    """
    key = fold(verdict).replace("nghi quyet", "nq")
    key = _SPACES_RE.sub(" ", _NON_WORD_RE.sub(" ", key)).strip()
    return re.sub(r"\s*\bnq$", "", key).strip()


def report_key(report: str) -> str:
    """``"320/BC-UBND"``, ``"320/bc-ubnd"``, ``"số 320/BC-UBND"`` → ``"320/bc-ubnd"``."""
    key = fold(report).replace(" ", "")
    return re.sub(r"^(?:baocao)?(?:so)?", "", key)


def years_in(text: str | None) -> frozenset[int]:
    """Every year a period names; ``"2021 - 2025"`` → 2021..2025, ``"Quý III năm 2022"`` → {2022}."""
    text = text or ""
    years: set[int] = set()
    for match in _YEAR_RANGE_RE.finditer(text):
        low, high = sorted((int(match.group(1)), int(match.group(2))))
        years.update(range(low, min(high, low + 100) + 1))
    years.update(int(y) for y in _YEAR_RE.findall(_YEAR_RANGE_RE.sub(" ", text)))
    return frozenset(years)


# ---------------------------------------------------------------------------------------------
# Report catalogue


class AnnexInfo(BaseModel):
    """One annex of one report. Example: ``AnnexInfo(annex="III", title="NHIỆM VỤ ĐẦU TƯ ...", row_count=26)``."""

    annex: str
    title: str
    row_count: int = Field(description="Rows of the annex, group headings included")
    item_count: int = Field(description="Rows that are not group headings")
    kinds: dict[str, int] = Field(description="Row count per kind (indicator/task/project/group)")
    legend: dict[str, str] = Field(
        default_factory=dict, description="Marker → meaning from this annex's legend"
    )


class ReportInfo(BaseModel):
    """One loaded report. Example: ``ReportInfo(number="320/BC-UBND", date="2024-11-15", ...)``."""

    number: str
    date: str | None
    issuer: str | None
    annexes: list[AnnexInfo]


# ---------------------------------------------------------------------------------------------
# The tables


@dataclass(repr=False)
class CorpusTables:
    """Rows by id plus typed DataFrames (index = row id): ``frame`` (every row, common columns),
    ``indicators`` (Phụ lục I style) and ``items`` (tasks and projects).

    Example: ``CorpusTables.from_rows(rows).frame.loc["320/BC-UBND:III:20", "disbursement_rate"] == 3.7``.
    """

    rows: dict[str, Row]
    frame: pd.DataFrame
    indicators: pd.DataFrame
    items: pd.DataFrame
    lead_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    coordinating_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    period_years: dict[str, dict[str, frozenset[int]]] = field(default_factory=dict)
    number_index: dict[tuple[str, str, str], str] = field(default_factory=dict)
    legends: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    catalogue: list[ReportInfo] = field(default_factory=list)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def from_rows(cls, rows: Iterable[Row]) -> CorpusTables:
        """Build every table once (≈ 50 ms for 186 rows). A later row with an existing id replaces it."""
        by_id = {row.id: row for row in sort_rows(list({r.id: r for r in rows}.values()))}
        ordered = list(by_id.values())
        records = [_frame_record(row) for row in ordered]
        frame = pd.DataFrame.from_records(records, columns=_FRAME_COLUMNS).set_index("id", drop=False)
        indicators = _typed_frame(
            [
                _indicator_record(r, rec)
                for r, rec in zip(ordered, records, strict=True)
                if r.kind == "indicator"
            ]
        )
        items = _typed_frame(
            [
                _item_record(r, rec)
                for r, rec in zip(ordered, records, strict=True)
                if r.kind in ("task", "project")
            ]
        )
        number_index: dict[tuple[str, str, str], str] = {}
        for row in ordered:
            for number in (row.row, *row.row_numbers):
                number_index.setdefault((row.report, row.annex, normalize_number(number)), row.id)
        return cls(
            rows=by_id,
            frame=frame,
            indicators=indicators,
            items=items,
            lead_keys={r.id: agency_keys(_role_cell(r, "lead")) for r in ordered},
            coordinating_keys={r.id: agency_keys(_role_cell(r, "coordinating")) for r in ordered},
            period_years={r.id: _period_years(r) for r in ordered},
            number_index=number_index,
            legends=(legends := _legends(ordered)),
            catalogue=_catalogue(ordered, legends),
            arrays={name: _array([rec[name] for rec in records]) for name in _FRAME_COLUMNS},
            position={row_id: i for i, row_id in enumerate(by_id)},
        )

    @classmethod
    def from_jsonl(cls, path: Path) -> CorpusTables:
        """Example: ``CorpusTables.from_jsonl(Path("data/processed/rows.jsonl"))``."""
        return cls.from_rows(read_rows(path))

    # -- access -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"CorpusTables({len(self.rows)} rows, reports={self.report_numbers()})"

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows.values())

    def column(self, name: str) -> np.ndarray:
        """A frame column as a plain numpy array (``None`` for missing text): fast masks for the tools."""
        return self.arrays[name]

    def row(self, row_id: str) -> Row | None:
        return self.rows.get(row_id)

    def lead_cells(self) -> list[str]:
        """Every non-empty lead (cơ quan chủ trì) cell, in row order."""
        return [cell for cell in self.column("lead") if cell]

    def child_ids(self, row: Row) -> list[str]:
        """Ids of the row's sub-items (``children`` are printed row numbers)."""
        found = (self.number_index.get((row.report, row.annex, normalize_number(c))) for c in row.children)
        return [row_id for row_id in found if row_id]

    def parent_id(self, row: Row) -> str | None:
        if not row.parent:
            return None
        return self.number_index.get((row.report, row.annex, normalize_number(row.parent)))

    # -- reports ----------------------------------------------------------------------------

    def report_numbers(self) -> list[str]:
        """Loaded report numbers, newest first."""
        return [info.number for info in self.catalogue]

    def resolve_report(self, report: str | None) -> list[str]:
        """Report numbers a loose reference names: ``"320"``, ``"320/bc-ubnd"`` → ``["320/BC-UBND"]``."""
        numbers = [info.number for info in self.catalogue]
        if not report or not report.strip():
            return numbers
        key = report_key(report)
        exact = [n for n in numbers if report_key(n) == key]
        return exact or [n for n in numbers if report_key(n).split("/")[0] == key.split("/")[0]]

    def reports(self) -> list[ReportInfo]:
        """Every loaded report with its annexes (title, row counts, legend), newest first."""
        return [info.model_copy(deep=True) for info in self.catalogue]

    def newest_report(self) -> ReportInfo | None:
        """The report with the latest ``report_date`` (undated reports count as oldest)."""
        return self.catalogue[0].model_copy(deep=True) if self.catalogue else None

    def legend(self, report: str, annex: str) -> dict[str, str]:
        """Marker → meaning of one annex, from its own rows (most frequent meaning per marker)."""
        return dict(self.legends.get((report, annex), {}))


def _legends(rows: list[Row]) -> dict[tuple[str, str], dict[str, str]]:
    meanings: dict[tuple[str, str], dict[str, Counter[str]]] = {}
    for row in rows:
        annex = meanings.setdefault((row.report, row.annex), {})
        if row.marker and row.marker_meaning:
            annex.setdefault(row.marker, Counter())[row.marker_meaning] += 1
    return {
        key: {
            m: c.most_common(1)[0][0] for m, c in sorted(markers.items(), key=lambda kv: (len(kv[0]), kv[0]))
        }
        for key, markers in meanings.items()
    }


def _catalogue(rows: list[Row], legends: dict[tuple[str, str], dict[str, str]]) -> list[ReportInfo]:
    by_report: dict[str, dict[str, list[Row]]] = {}
    for row in rows:
        by_report.setdefault(row.report, {}).setdefault(row.annex, []).append(row)
    infos = []
    for number, annexes in by_report.items():
        first = next(iter(annexes.values()))[0]
        annex_infos = []
        for annex, annex_rows in annexes.items():
            kinds = Counter(r.kind for r in annex_rows)
            annex_infos.append(
                AnnexInfo(
                    annex=annex,
                    title=annex_rows[0].annex_title,
                    row_count=len(annex_rows),
                    item_count=len(annex_rows) - kinds.get("group", 0),
                    kinds=dict(kinds),
                    legend=legends.get((number, annex), {}),
                )
            )
        infos.append(
            ReportInfo(number=number, date=first.report_date, issuer=first.issuer, annexes=annex_infos)
        )
    return sorted(infos, key=lambda i: (i.date or "", i.number), reverse=True)


# ---------------------------------------------------------------------------------------------
# Row → frame record

_FRAME_COLUMNS = [
    "id", "report", "report_date", "annex", "annex_title", "row", "order", "kind", "name", "marker",
    "marker_meaning", "group", "group_title", "parent", "lead", "coordinating", "prep_time", "impl_time",
    "unit", "verdict", "verdict_key", "computed_vs_target", "outcome_vs_target", "search_text",
    "marker_meaning_folded", "group_title_folded",
    *STATUS_FACTS, "disbursed_unit", "capital_plan_unit", "total_investment_unit",
    *INDICATOR_ROLES,
]  # fmt: skip


_BASE_COLUMNS = (
    "id",
    "report",
    "report_date",
    "annex",
    "row",
    "kind",
    "name",
    "marker",
    "marker_meaning",
    "group",
    "parent",
)
_ITEM_ROLES = ("lead", "coordinating", "product", "prep_time", "impl_time", "approver", "funding", "status")


def _array(values: list[object]) -> np.ndarray:
    if values and all(v is None or isinstance(v, float) for v in values):
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _typed_frame(records: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records)
    return frame.set_index("id", drop=False) if "id" in frame else frame


def _indicator_record(row: Row, base: dict[str, object]) -> dict[str, object]:
    """The columns of :func:`ingestion.tables.annex_frame` for an indicator, plus the computed outcome."""
    record = {key: base[key] for key in _BASE_COLUMNS}
    record |= {"unit": row.facts.get("unit"), "verdict": row.facts.get("verdict")}
    for role in INDICATOR_ROLES:
        typed = row.facts.get(role) or {}
        record |= {
            f"{role}_raw": typed.get("raw"),
            role: typed.get("value"),
            f"{role}_low": typed.get("low"),
            f"{role}_high": typed.get("high"),
        }
    record |= {
        "computed_vs_target": base["computed_vs_target"],
        "outcome_vs_target": base["outcome_vs_target"],
    }
    return record


def _item_record(row: Row, base: dict[str, object]) -> dict[str, object]:
    """The columns of :func:`ingestion.tables.annex_frame` for a task/project (money in tỷ đồng added)."""
    record = {key: base[key] for key in _BASE_COLUMNS}
    record |= {role: _role_cell(row, role) or None for role in _ITEM_ROLES}
    for key in STATUS_FACTS:
        fact = row.facts.get(key) or {}
        record |= {key: fact.get("value"), f"{key}_raw": fact.get("raw"), f"{key}_unit": fact.get("unit")}
    record |= {f"{key}_ty": base[key] for key in ("capital_plan", "disbursed", "total_investment")}
    record |= {"as_of": row.facts.get("as_of"), "documents": "; ".join(row.facts.get("documents", []))}
    return record


def _role_cell(row: Row, role: str) -> str:
    """The first cell of a role (``lead``, ``status``...) or ``""``."""
    return next((value for column, value in row.cells.items() if role_of(column) == role), "")


def _role_texts(row: Row, role: str) -> list[str]:
    """Every text of a role: the row's cell plus the unnumbered sub-rows' cells."""
    texts = [v for c, v in row.cells.items() if role_of(c) == role]
    texts += [v for sub in row.extra_values for c, v in sub.items() if role_of(c) == role]
    return [t for t in texts if t]


def _period_years(row: Row) -> dict[str, frozenset[int]]:
    return {
        role: frozenset().union(*(years_in(t) for t in _role_texts(row, role)))
        for role in ("prep_time", "impl_time")
    }


def _fact_value(row: Row, key: str) -> float | None:
    """A stated numeric fact; money in tỷ đồng; ranges, comparators and free text → ``None``."""
    fact = row.facts.get(key)
    if not isinstance(fact, dict) or fact.get("value") is None or fact.get("comparator"):
        return None
    value = float(fact["value"])
    return (
        value * MONEY_TO_TY.get(fact.get("unit") or "", 1.0)
        if key in ("disbursed", "capital_plan", "total_investment")
        else value
    )


def _frame_record(row: Row) -> dict[str, object]:
    facts = row.facts
    record: dict[str, object] = {
        "id": row.id,
        "report": row.report,
        "report_date": row.report_date,
        "annex": row.annex,
        "annex_title": row.annex_title,
        "row": row.row,
        "order": row.order,
        "kind": row.kind,
        "name": row.name,
        "marker": row.marker,
        "marker_meaning": row.marker_meaning,
        "group": row.group,
        "group_title": row.group_title,
        "parent": row.parent,
        "lead": _role_cell(row, "lead"),
        "coordinating": _role_cell(row, "coordinating"),
        "prep_time": _role_cell(row, "prep_time"),
        "impl_time": _role_cell(row, "impl_time"),
        "unit": facts.get("unit"),
        "verdict": facts.get("verdict"),
        "verdict_key": verdict_key(facts.get("verdict")) if facts.get("verdict") else None,
        "computed_vs_target": facts.get("computed_vs_target"),
        "outcome_vs_target": indicator_outcome(facts, row.name) if row.kind == "indicator" else None,
        "search_text": fold("\n".join([row.name, *_role_texts(row, "status")])),
        "marker_meaning_folded": fold(row.marker_meaning),
        "group_title_folded": fold(row.group_title),
    }
    for key in (*STATUS_FACTS, *INDICATOR_ROLES):
        record[key] = _fact_value(row, key)
    for key in ("disbursed", "capital_plan", "total_investment"):
        record[f"{key}_unit"] = (facts.get(key) or {}).get("unit")
    return record
