"""Typed table records of rows: one flat record per row, the same for the per-annex CSV files and for
the pandas tables of :mod:`structured.tables` (one implementation).

Numbers are typed from the facts (money converted to tỷ đồng for ordering and sums, the printed text
kept in ``*_raw``); text columns hold the cell of their role.

Example: ``row_record(row)["estimate_raw"] == "31.500,00"``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ingestion.cleaning import fold_diacritics
from ingestion.columns import MONEY_ROLES, NUMERIC_ROLES
from ingestion.models import Row
from ingestion.store import atomic_write
from structured.lexicon import lexicon

TEXT_ROLES = ("lead", "coordinating", "product", "prep_time", "impl_time", "deadline", "approver", "funding",
              "location", "scale", "status", "note")
BASE_COLUMNS = ("id", "report", "report_date", "annex", "annex_title", "row", "order", "kind", "name", "marker",
                "marker_meaning", "level", "group", "group_title", "parent")


def money_in_ty(value: float | None, unit: str | None) -> float | None:
    """``1.285.400`` triệu đồng → ``1285.4`` (tỷ đồng); a value without a money unit is returned unchanged."""
    if value is None:
        return None
    factors = lexicon().section("money_units")
    return value * float(factors.get((unit or "").strip().lower(), 1.0))


def role_cell(row: Row, role: str) -> str:
    """The first cell of a role (``lead``, ``status``…) or ``""``."""
    return next((value for header, value in row.cells.items() if row.roles.get(header) == role), "")


def role_texts(row: Row, role: str) -> list[str]:
    """Every text of a role: the row's cell plus the unnumbered sub-rows' cells."""
    texts = [v for h, v in row.cells.items() if row.roles.get(h) == role]
    texts += [v for sub in row.extra_values for h, v in sub.items() if row.roles.get(h) == role]
    return [t for t in texts if t]


def fact_number(row: Row, key: str) -> float | None:
    """A stated single number (money in tỷ đồng); ranges, thresholds and free text → ``None``."""
    fact = row.facts.get(key)
    if not isinstance(fact, dict) or fact.get("value") is None or fact.get("comparator") or fact.get("text"):
        return None
    value = float(fact["value"])
    return money_in_ty(value, fact.get("unit")) if key in MONEY_ROLES else value


def row_record(row: Row) -> dict[str, Any]:
    """The flat typed record of one row."""
    record: dict[str, Any] = {name: getattr(row, name) for name in BASE_COLUMNS}
    facts = row.facts
    record.update(
        unit=facts.get("unit"),
        verdict=facts.get("verdict"),
        verdict_class=facts.get("verdict_class"),
        lower_is_better=facts.get("lower_is_better"),
        computed_vs_target=facts.get("computed_vs_target"),
    )
    for role in TEXT_ROLES:
        record[role] = role_cell(row, role) or None
    for key in NUMERIC_ROLES:
        fact = facts.get(key) if isinstance(facts.get(key), dict) else {}
        record[key] = fact_number(row, key)
        record[f"{key}_raw"] = fact.get("raw")
    record["as_of"] = facts.get("as_of")
    record["documents"] = "; ".join(facts.get("documents", []))
    record["name_folded"] = fold_diacritics(" ".join(filter(None, [row.name, row.group_title])))
    return record


def annex_frame(rows: list[Row]) -> pd.DataFrame:
    """Rows of one annex → a typed DataFrame (one line per row, ids shared with Chroma)."""
    frame = pd.DataFrame.from_records([row_record(row) for row in rows])
    return frame.dropna(axis=1, how="all") if not frame.empty else frame


def write_annex_tables(rows: list[Row], out_dir: Path) -> list[Path]:
    """Write ``<report>__<annex>.csv`` files (UTF-8, deterministic) and return their paths."""
    paths = []
    keys = sorted({(row.report, row.annex) for row in rows})
    for report, annex in keys:
        frame = annex_frame([row for row in rows if row.report == report and row.annex == annex])
        path = out_dir / "tables" / f"{report.replace('/', '-')}__{annex}.csv"
        atomic_write(path, frame.drop(columns=["name_folded"], errors="ignore").to_csv(index=False, lineterminator="\n"))
        paths.append(path)
    return paths
