"""Typed pandas tables over the canonical rows, built once and shared by every structured tool.

Row ids are the :class:`ingestion.models.Row` ids (the same ids as the Chroma chunks), so a table
answer can always be cited and expanded. Several reports can be loaded at once.

Example::

    tables = CorpusTables.from_rows(read_rows(Path("data/processed/rows.jsonl")))
    tables.frame.loc["320/BC-UBND:I:4", "estimate_raw"] == "31.500,00"
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from ingestion.models import Annex, Row
from ingestion.store import read_rows, sort_rows
from ingestion.tables import role_texts, row_record
from structured.agency import agency_keys
from structured.lexicon import fold

_YEAR_RANGE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})(?!\d)")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def normalize_annex(annex: str) -> str:
    """``"Phụ lục III"``, ``"phu luc iii"`` → ``"III"``; Arabic numerals stay as printed (``"phụ lục 3"`` → ``"3"``)."""
    return fold(annex).upper().replace("PHU LUC", "").strip(" .:")


def normalize_marker(marker: str) -> str:
    """``"(***)"`` → ``"***"``."""
    return marker.strip().strip("()[] ").replace(" ", "")


def normalize_number(number: str) -> str:
    """``" 20. "`` → ``"20"``."""
    return number.strip().strip(".()* ").strip()


_DATE_RE = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b")


def dates_in(text: str | None) -> frozenset[tuple[int, int, int]]:
    """Every day a text names, as (year, month, day); ``"31/12/2025"`` and ``"31/12/2025."`` → {(2025, 12, 31)}."""
    return frozenset((int(y), int(m), int(d)) for d, m, y in _DATE_RE.findall(text or ""))


def years_in(text: str | None) -> frozenset[int]:
    """Every year a period names; ``"2021 - 2025"`` → 2021..2025, ``"Quý III năm 2022"`` → {2022}."""
    text = text or ""
    years: set[int] = set()
    for match in _YEAR_RANGE_RE.finditer(text):
        low, high = sorted((int(match.group(1)), int(match.group(2))))
        years.update(range(low, min(high, low + 100) + 1))
    years.update(int(y) for y in _YEAR_RE.findall(_YEAR_RANGE_RE.sub(" ", text)))
    return frozenset(years)


class AnnexInfo(BaseModel):
    """One annex of one report. Example: ``AnnexInfo(annex="III", title="NHIỆM VỤ ĐẦU TƯ ...", row_count=26)``."""

    annex: str
    title: str
    kind: str = "task"
    row_count: int = Field(description="Rows of the annex, group headings and totals included")
    item_count: int = Field(description="Rows that are not group headings or totals")
    kinds: dict[str, int] = Field(description="Row count per kind (indicator/task/project/group/total)")
    legend: dict[str, str] = Field(default_factory=dict, description="Marker → meaning from this annex's legend")


class ReportInfo(BaseModel):
    """One loaded report. Example: ``ReportInfo(number="320/BC-UBND", date="2024-11-15", ...)``."""

    number: str
    date: str | None
    issuer: str | None
    annexes: list[AnnexInfo]


@dataclass
class TablePart:
    """What the tables hold for one report's rows, worked out once per report content: the frame
    records and the per-row lookups (lead agency keys, years, row numbers)."""

    records: list[dict]
    lead_keys: dict[str, tuple[str, ...]]
    period_years: dict[str, frozenset[int]]
    span_years: dict[str, frozenset[int]]  # the implementation period, else every time cell
    number_index: dict[tuple[str, str, str], str]

    @classmethod
    def of(cls, rows: list[Row]) -> TablePart:
        """The part of ``rows`` (one report's, in corpus order)."""
        number_index: dict[tuple[str, str, str], str] = {}
        for row in rows:
            for number in (row.row, *row.row_numbers):
                number_index.setdefault((row.report, row.annex, normalize_number(number)), row.id)
        return cls(
            records=[row_record(row) for row in rows],
            lead_keys={r.id: tuple(k for t in role_texts(r, "lead") for k in agency_keys(t)) for r in rows},
            period_years={
                r.id: frozenset().union(*(years_in(t) for role in ("prep_time", "impl_time", "deadline") for t in role_texts(r, role)))
                for r in rows
            },
            span_years={r.id: frozenset().union(*(years_in(t) for t in role_texts(r, "impl_time")))
                        or frozenset().union(*(years_in(t) for role in ("prep_time", "deadline") for t in role_texts(r, role)))
                        for r in rows},
            number_index=number_index,
        )


PartLoader = Callable[[list[Row]], TablePart]


@dataclass(repr=False)
class CorpusTables:
    """Rows by id plus one typed DataFrame ``frame`` (index = row id, one record per row:
    :func:`ingestion.tables.row_record`), and numpy arrays of its columns for fast masks."""

    rows: dict[str, Row]
    frame: pd.DataFrame
    annexes: dict[tuple[str, str], Annex] = field(default_factory=dict)
    lead_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    period_years: dict[str, frozenset[int]] = field(default_factory=dict)
    span_years: dict[str, frozenset[int]] = field(default_factory=dict)  # the implementation period, else every time cell
    number_index: dict[tuple[str, str, str], str] = field(default_factory=dict)
    catalogue: list[ReportInfo] = field(default_factory=list)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_rows(
        cls, rows: Iterable[Row], annexes: Iterable[Annex] = (), parts: PartLoader | None = None
    ) -> CorpusTables:
        """Build every table once. A later row with an existing id replaces it. ``parts`` gives each
        report's :class:`TablePart` (e.g. from a cache keyed by its rows' content), so adding a report to
        a corpus of hundreds works out only the new one; by default each is worked out here."""
        by_id = {row.id: row for row in sort_rows(list({r.id: r for r in rows}.values()))}
        ordered = list(by_id.values())
        by_report: dict[str, list[Row]] = {}
        for row in ordered:
            by_report.setdefault(row.report, []).append(row)
        part = parts or TablePart.of
        built = [part(report_rows) for report_rows in by_report.values()]
        records = [record for one in built for record in one.records]
        frame = pd.DataFrame.from_records(records).set_index("id", drop=False) if records else pd.DataFrame()
        annex_map = {(a.report, a.annex): a for a in annexes}
        return cls(
            rows=by_id,
            frame=frame,
            annexes=annex_map,
            lead_keys={k: v for one in built for k, v in one.lead_keys.items()},
            period_years={k: v for one in built for k, v in one.period_years.items()},
            span_years={k: v for one in built for k, v in one.span_years.items()},
            number_index={k: v for one in built for k, v in one.number_index.items()},
            catalogue=_catalogue(ordered, annex_map),
            arrays={name: _array(frame[name].tolist()) for name in frame.columns} if records else {},
            position={row_id: i for i, row_id in enumerate(by_id)},
        )

    @classmethod
    def from_jsonl(cls, path: Path) -> CorpusTables:
        return cls.from_rows(read_rows(path))

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"CorpusTables({len(self.rows)} rows, reports={self.report_numbers()})"

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows.values())

    def column(self, name: str) -> np.ndarray:
        """A frame column as a plain numpy array (``None``/NaN for missing): fast masks for the tools."""
        if name not in self.arrays:
            return np.full(len(self.rows), np.nan if name.endswith("_ty") else None, dtype=object)
        return self.arrays[name]

    def row(self, row_id: str) -> Row | None:
        return self.rows.get(row_id)

    @cached_property
    def repeated_names(self) -> frozenset[tuple[str, str, str]]:
        """(report, annex, name) of names an annex prints on several rows ("Vốn sự nghiệp" under each programme)."""
        counts = Counter((r.report, r.annex, r.name) for r in self.rows.values())
        return frozenset(key for key, n in counts.items() if n > 1)

    def child_ids(self, row: Row) -> list[str]:
        found = (self.number_index.get((row.report, row.annex, normalize_number(c))) for c in row.children)
        return [row_id for row_id in found if row_id]

    def parent_id(self, row: Row) -> str | None:
        if not row.parent:
            return None
        return self.number_index.get((row.report, row.annex, normalize_number(row.parent)))

    def report_numbers(self) -> list[str]:
        return [info.number for info in self.catalogue]

    def resolve_report(self, report: str | None) -> list[str]:
        """Report numbers a loose reference names: ``"320"``, ``"320/bc-ubnd"`` → ``["320/BC-UBND"]``."""
        numbers = [info.number for info in self.catalogue]
        if not report or not report.strip():
            return numbers
        key = fold(report).replace(" ", "")
        exact = [n for n in numbers if fold(n).replace(" ", "") == key]
        return exact or [n for n in numbers if fold(n).split("/")[0] == key.split("/")[0]]

    def reports(self) -> list[ReportInfo]:
        return [info.model_copy(deep=True) for info in self.catalogue]

    def newest_report(self) -> ReportInfo | None:
        return self.catalogue[0].model_copy(deep=True) if self.catalogue else None

    def legend(self, report: str, annex: str) -> dict[str, str]:
        """Marker → meaning of one annex, from its own legend."""
        if (report, annex) in self.annexes:
            return dict(self.annexes[(report, annex)].legend)
        meanings: dict[str, str] = {}
        for row in self.rows.values():
            if row.report == report and row.annex == annex and row.marker and row.marker_meaning:
                meanings.setdefault(row.marker, row.marker_meaning)
        return meanings


def _array(values: list[object]) -> np.ndarray:
    if values and all(v is None or isinstance(v, float) and not isinstance(v, bool) for v in values):
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    array = np.empty(len(values), dtype=object)
    array[:] = [None if isinstance(v, float) and np.isnan(v) else v for v in values]
    return array


def _catalogue(rows: list[Row], annexes: dict[tuple[str, str], Annex]) -> list[ReportInfo]:
    from collections import Counter

    by_report: dict[str, dict[str, list[Row]]] = {}
    for row in rows:
        by_report.setdefault(row.report, {}).setdefault(row.annex, []).append(row)
    infos = []
    for number, report_annexes in by_report.items():
        first = next(iter(report_annexes.values()))[0]
        annex_infos = []
        for annex, annex_rows in report_annexes.items():
            kinds = Counter(r.kind for r in annex_rows)
            record = annexes.get((number, annex))
            legend = dict(record.legend) if record else {}
            if not legend:
                for r in annex_rows:
                    if r.marker and r.marker_meaning:
                        legend.setdefault(r.marker, r.marker_meaning)
            annex_infos.append(
                AnnexInfo(
                    annex=annex,
                    title=annex_rows[0].annex_title,
                    kind=record.kind if record else next((k for k in kinds if k not in ("group", "total")), "task"),
                    row_count=len(annex_rows),
                    item_count=len(annex_rows) - kinds.get("group", 0) - kinds.get("total", 0),
                    kinds=dict(kinds),
                    legend=legend,
                )
            )
        infos.append(ReportInfo(number=number, date=first.report_date, issuer=first.issuer, annexes=annex_infos))
    return sorted(infos, key=lambda i: (i.date or "", i.number), reverse=True)
