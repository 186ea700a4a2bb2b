"""Writing and reading ``rows.jsonl`` and the per-annex typed tables, atomically and deterministically."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ingestion.models import Row


def rows_to_jsonl(rows: Iterable[Row]) -> str:
    """One JSON object per row, UTF-8, fields in model order and cells in column order (as parsed), so
    rows read back build the same chunk texts as freshly parsed ones; the same rows give the same bytes."""
    return "".join(json.dumps(row.model_dump(), ensure_ascii=False) + "\n" for row in rows)


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write to a temp file in the same folder, fsync, then rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_rows(rows: list[Row], path: Path) -> None:
    atomic_write(path, rows_to_jsonl(rows))


def read_rows(path: Path) -> list[Row]:
    with path.open(encoding="utf-8") as handle:
        return [Row.model_validate_json(line) for line in handle if line.strip()]


def merge_rows(existing: list[Row], new_reports: list[list[Row]]) -> list[Row]:
    """Replace every row of each re-ingested report by its new rows; keep other reports' rows.

    Re-ingesting the same report never duplicates rows; a changed report replaces its old rows.
    """
    replaced = {rows[0].report for rows in new_reports if rows}
    kept = [row for row in existing if row.report not in replaced]
    merged = kept + [row for rows in new_reports for row in rows]
    return sort_rows(merged)


def sort_rows(rows: list[Row]) -> list[Row]:
    annex_order = {numeral: i for i, numeral in enumerate(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"])}
    return sorted(rows, key=lambda r: (r.report_date or "", r.report, annex_order.get(r.annex, 99), r.annex, r.order))
