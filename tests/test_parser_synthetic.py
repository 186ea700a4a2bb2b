"""The parser on a second, synthetic report: other number/date, three renumbered annexes, own legends."""

from __future__ import annotations

import pytest

from ingestion.parser import parse_report
from ingestion.store import merge_rows
from tests.conftest import SYNTHETIC_REPORT

S = "45/BC-UBND"


@pytest.fixture(scope="module")
def synthetic():
    return parse_report(SYNTHETIC_REPORT)


@pytest.fixture(scope="module")
def by_id(synthetic):
    return synthetic.rows_by_id()


def test_metadata_and_renumbered_annexes(synthetic):
    assert synthetic.meta.number == S and synthetic.meta.date == "2025-03-20"
    assert [numeral for numeral, _ in synthetic.meta.annexes] == ["I", "II", "III"]
    assert "DỰ ÁN KẾT CẤU HẠ TẦNG" in synthetic.meta.annexes[1][1]


def test_indicators_with_other_years(by_id):
    grdp = by_id[f"{S}:I:1"].facts
    assert grdp["estimate"]["raw"] == "6,12" and grdp["year"] == 2025 and grdp["prev_year"] == 2024
    assert (grdp["target"]["low"], grdp["target"]["high"]) == (6.5, 7.0)
    assert by_id[f"{S}:I:5"].facts["target"]["comparator"] == ">"
    assert by_id[f"{S}:I:3.2"].facts["estimate"]["raw"] == "406,65"  # after a repeated two-line header
    assert by_id[f"{S}:I:6"].facts["computed_vs_target"] == "not_met"  # poverty 0,08 vs 0,07


def test_projects_legend_is_this_reports_own(by_id):
    assert by_id[f"{S}:II:1"].marker_meaning == "Dự án đã hoàn thành"
    assert by_id[f"{S}:II:5"].marker_meaning == "Dự án đang thi công"
    library = by_id[f"{S}:II:5"].facts
    assert (library["capital_plan"]["raw"], library["disbursed"]["raw"], library["disbursement_rate"]["raw"]) == ("45", "12,5", "27,8")


def test_continuation_row_in_synthetic(by_id):
    road = by_id[f"{S}:II:3"]
    assert road.source_lines == [38, 41]
    assert road.facts["capital_plan"]["raw"] == "150"
    assert road.facts["disbursed"]["raw"] == "31,275" and road.facts["disbursement_rate"]["raw"] == "20,9"


def test_extra_row_and_parent(by_id):
    assert by_id[f"{S}:II:8"].marker == "***"
    assert by_id[f"{S}:III:3"].children == ["3.1", "3.2"]
    assert by_id[f"{S}:III:3.2"].parent == "3"


def test_two_reports_coexist(seed_rows, synthetic):
    merged = merge_rows(seed_rows, [synthetic.rows])
    assert len(merged) == len(seed_rows) + len(synthetic.rows)
    assert merge_rows(merged, [synthetic.rows]) == merged


@pytest.mark.parametrize(("cell", "kept", "marks"), [
    ("Quý I năm 2022 ¹", "Quý I năm 2022", ["¹"]),
    ("chỉ tiêu²", "chỉ tiêu", ["²"]),
    ("Nhà máy nước công suất 5.000 m³/ngày đêm", "Nhà máy nước công suất 5.000 m³/ngày đêm", []),
    ("diện tích sàn 1.200 m², 2 km²", "diện tích sàn 1.200 m², 2 km²", []),
])
def test_footnote_marks_are_not_the_power_of_a_unit(cell, kept, marks):
    from ingestion.cleaning import split_footnote_marks

    assert split_footnote_marks(cell) == (kept, marks)
