"""Load ``rows.jsonl`` for retrieval, running the ingestion step first when it is missing.

Example: ``load_rows(get_settings())`` → the ~186 rows of ``data/processed/rows.jsonl``.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from ingestion.models import Row
from ingestion.store import read_rows
from settings import Settings


def rows_path(settings: Settings) -> Path:
    return settings.rows_dir / "rows.jsonl"


def ingest_raw(settings: Settings) -> Path:
    """Parse every ``settings.raw_dir/*.txt`` report into ``rows_path(settings)``."""
    from ingestion.__main__ import main as ingest

    files = sorted(settings.raw_dir.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"No rows.jsonl and no report (*.txt) in {settings.raw_dir}")
    with contextlib.redirect_stdout(sys.stderr):  # keep stdout clean for --json callers
        code = ingest([*map(str, files), "--out", str(settings.rows_dir)])
    if code != 0:
        raise RuntimeError(f"Ingestion failed (exit {code})")
    return rows_path(settings)


def load_rows(settings: Settings, path: Path | None = None) -> list[Row]:
    """Rows from ``path`` (default ``settings.rows_dir/rows.jsonl``), ingesting raw reports if absent."""
    path = path or rows_path(settings)
    if not path.exists():
        if path != rows_path(settings):
            raise FileNotFoundError(path)
        ingest_raw(settings)
    return read_rows(path)
