"""Shared fixtures: the real seed report, parsed once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingestion.parser import ParsedReport, parse_report

ROOT = Path(__file__).resolve().parents[1]
SEED_REPORT = ROOT / "data" / "raw" / "bao-cao-320-BC-UBND-2024-phu-luc.txt"
SYNTHETIC_REPORT = ROOT / "tests" / "data" / "bao-cao-45-BC-UBND-2025-phu-luc.txt"


def private_corpus(base: Path) -> Path:
    """A copy of ``data/raw`` under ``base/raw`` (uploads and removals in tests never touch ``data/``)."""
    raw = base / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "data" / "raw").glob("*.txt")):
        shutil.copy(path, raw / path.name)
    return raw


@pytest.fixture(scope="session")
def seed_report() -> ParsedReport:
    return parse_report(SEED_REPORT)


@pytest.fixture(scope="session")
def seed_rows(seed_report):
    return seed_report.rows


@pytest.fixture(scope="session")
def seed_by_id(seed_report):
    return seed_report.rows_by_id()
