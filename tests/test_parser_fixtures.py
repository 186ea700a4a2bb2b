"""The parser on reports of other cities it was not written for: exact records per annex and kind.

Each ``tests/data/*.expected.json`` was written by the author of the report next to it (who never saw
the parser): every record's label in order, and the number of items, group headings and total rows.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ingestion.parser import parse_report

DATA = Path(__file__).resolve().parent / "data"
EXPECTED = sorted(DATA.glob("*.expected.json"))


@pytest.fixture(scope="module", params=EXPECTED, ids=[p.name.split(".")[0] for p in EXPECTED])
def case(request):
    expected = json.loads(request.param.read_text(encoding="utf-8"))
    report = parse_report(request.param.with_name(request.param.name.replace(".expected.json", ".txt")))
    return expected, report


def test_there_are_three_cities():
    assert len(EXPECTED) >= 3


def test_report_number_and_date(case):
    expected, report = case
    assert report.meta.number == expected["report"]
    assert report.meta.date == expected["date"]
    assert [numeral for numeral, _ in report.meta.annexes] == list(expected["annexes"])


def test_records_per_annex_exactly(case):
    expected, report = case
    for numeral, annex in expected["annexes"].items():
        rows = [row for row in report.rows if row.annex == numeral]
        assert [row.row for row in rows] == annex["labels"], numeral
        kinds = Counter(row.kind for row in rows)
        assert kinds["group"] == annex["groups"], numeral
        assert kinds["total"] == annex["totals"], numeral
        assert sum(n for kind, n in kinds.items() if kind not in ("group", "total")) == annex["items"], numeral


def test_ids_unique_and_no_header_or_column_number_records(case):
    _, report = case
    ids = [row.id for row in report.rows]
    assert len(ids) == len(set(ids))
    for row in report.rows:
        assert not row.name.startswith("(1)") and row.name not in ("STT", "TT", "Chỉ tiêu", "Nội dung")
        assert not all(cell.strip("() ").isdigit() for cell in row.cells.values() if cell)


def test_totals_are_kept_and_answerable(case):
    _, report = case
    for row in report.rows:
        if row.kind == "total":
            assert row.row == "Tổng cộng" or row.row.startswith("Cộng ")
            assert row.facts.get("values"), row.id  # a total row keeps its printed numbers


def test_column_roles_follow_what_the_table_holds():
    """Vĩnh Long 57/BC-SXD: "Kế hoạch năm" of an indicator table (a unit column, no money column) is the
    target, not a capital plan; a header word ("Công trình khác") of a column of counts does not make it
    the rows' names, so the place column ("Địa bàn") names the rows."""
    report = parse_report(DATA / "bao-cao-57-BC-SXD-2025-vinh-long.txt")
    annexes = {a.annex: a for a in report.annexes}
    assert annexes["I"].kind == "indicator"
    assert annexes["I"].roles["Năm 2025 – Kế hoạch năm"] == "target"
    assert annexes["II"].roles["Kế hoạch vốn năm 2025 (triệu đồng)"] == "capital_plan"
    places = {row.row: row.name for row in report.rows if row.annex == "IV" and row.kind != "total"}
    assert len(places) == 8 and all(not name.replace(".", "").isdigit() for name in places.values())


def test_every_record_is_searchable(case, tmp_path):
    """Every record kind of a report of another city, total rows included, makes chunks, and the hybrid
    retriever finds the total row by its own words (a record kind the chunker did not know once switched
    retrieval off for every report that prints a total)."""
    from retrieval.chunks import chunks_for_rows
    from retrieval.search import Retriever
    from tests.test_retrieval_support import hash_settings

    _, report = case
    chunks = chunks_for_rows(report.rows)
    assert {c.row_id for c in chunks} == {row.id for row in report.rows}
    retriever = Retriever(report.rows, hash_settings(tmp_path))
    total = next(row for row in report.rows if row.kind == "total")
    printed = " ".join(v for v in total.cells.values() if any(ch.isdigit() for ch in v))
    hits = retriever.search(f"{total.row} {printed}", k=10, reports=[report.meta.number])
    assert total.id in [hit.row_id for hit in hits]
