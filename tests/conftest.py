"""Shared fixtures: the real seed report, parsed once per test session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from eval.ui_driver import CHROMIUM, StreamlitServer
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


ARTIFACTS = ROOT / "test-artifacts"
#: ``pytestmark`` of the real-browser test modules: skipped, saying why, without Debian's Chromium.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (install it: apt-get install chromium)"
    ),
]


@contextmanager
def private_server(base: Path, log_name: str, **options: object) -> Iterator[StreamlitServer]:
    """``streamlit run app.py`` on a private copy of the corpus under ``base`` (hash embedder unless
    ``VNQA_TEST_EMBEDDER`` says otherwise); its log in ``test-artifacts/<log_name>``."""
    raw = private_corpus(base)
    env = {
        "VNQA_DATA_DIR": str(base),
        "VNQA_RAW_DIR": str(raw),
        "VNQA_EMBEDDER": os.environ.get("VNQA_TEST_EMBEDDER", "hash"),
        **dict(options.pop("env", {}) or {}),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    with StreamlitServer(env=env, log_path=ARTIFACTS / log_name, **options) as running:
        running.data_dir = base
        yield running


@pytest.fixture(scope="session")
def seed_report() -> ParsedReport:
    return parse_report(SEED_REPORT)


@pytest.fixture(scope="session")
def seed_rows(seed_report):
    return seed_report.rows


@pytest.fixture(scope="session")
def seed_by_id(seed_report):
    return seed_report.rows_by_id()
