"""One typed pandas table per annex, built from the canonical rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ingestion.columns import column_role
from ingestion.models import Row
from ingestion.store import atomic_write

_INDICATOR_ROLES = ("actual_prev", "target", "estimate", "vs_target_pct", "vs_prev_pct")
_STATUS_FACTS = ("capital_plan", "disbursed", "disbursement_rate", "site_clearance", "total_investment")


def annex_frame(rows: list[Row]) -> pd.DataFrame:
    """Rows of one annex → a typed DataFrame (one line per row, ids shared with Chroma)."""
    records = []
    for row in rows:
        record: dict = {
            "id": row.id,
            "report": row.report,
            "report_date": row.report_date,
            "annex": row.annex,
            "row": row.row,
            "kind": row.kind,
            "name": row.name,
            "marker": row.marker,
            "marker_meaning": row.marker_meaning,
            "group": row.group,
            "parent": row.parent,
        }
        if row.kind == "indicator":
            record["unit"] = row.facts.get("unit")
            record["verdict"] = row.facts.get("verdict")
            for role in _INDICATOR_ROLES:
                typed = row.facts.get(role) or {}
                record[f"{role}_raw"] = typed.get("raw")
                record[role] = typed.get("value")
                record[f"{role}_low"] = typed.get("low")
                record[f"{role}_high"] = typed.get("high")
            record["computed_vs_target"] = row.facts.get("computed_vs_target")
        else:
            for column, value in row.cells.items():
                role = column_role(column)
                if role and role not in ("name", "number"):
                    record.setdefault(role, value)
            for key in _STATUS_FACTS:
                fact = row.facts.get(key) or {}
                record[key] = fact.get("value")
                record[f"{key}_raw"] = fact.get("raw")
            record["as_of"] = row.facts.get("as_of")
            record["documents"] = "; ".join(row.facts.get("documents", []))
        records.append(record)
    return pd.DataFrame.from_records(records)


def write_annex_tables(rows: list[Row], out_dir: Path) -> list[Path]:
    """Write ``<report>__<annex>.csv`` files (UTF-8, deterministic) and return their paths."""
    paths = []
    keys = sorted({(row.report, row.annex) for row in rows})
    for report, annex in keys:
        frame = annex_frame([row for row in rows if row.report == report and row.annex == annex])
        path = out_dir / "tables" / f"{report.replace('/', '-')}__{annex}.csv"
        atomic_write(path, frame.to_csv(index=False, lineterminator="\n"))
        paths.append(path)
    return paths
