"""The parser on the real report: counts, values, continuations, markers, hierarchy."""

from __future__ import annotations

from collections import Counter

import pytest

R = "320/BC-UBND"


def test_report_metadata(seed_report):
    meta = seed_report.meta
    assert meta.number == "320/BC-UBND"
    assert meta.date == "2024-11-15"
    assert meta.issuer == "Ủy ban nhân dân thành phố"
    assert [numeral for numeral, _ in meta.annexes] == ["I", "II", "III", "IV", "V"]
    assert meta.annexes[2][1] == "NHIỆM VỤ ĐẦU TƯ DỰ ÁN KẾT CẤU HẠ TẦNG DO THÀNH PHỐ THỰC HIỆN"


def test_record_counts_per_annex(seed_rows):
    counts = Counter((row.annex, row.kind) for row in seed_rows)
    assert counts[("I", "indicator")] == 43
    assert sum(1 for r in seed_rows if r.annex == "I" and r.kind == "indicator" and "." not in r.row) == 17
    assert counts[("II", "task")] == 20
    assert counts[("III", "project")] == 26
    assert counts[("IV", "task")] == 40
    assert counts[("V", "task")] == 45
    assert counts[("V", "group")] == 9


def test_ids_are_unique_and_stable(seed_rows):
    ids = [row.id for row in seed_rows]
    assert len(ids) == len(set(ids))
    assert f"{R}:III:20" in ids and f"{R}:III:4 và 9" in ids and f"{R}:V:2.3" in ids


def test_indicator_4_values(seed_by_id):
    row = seed_by_id[f"{R}:I:4"]
    facts = row.facts
    assert row.name == "Tổng vốn đầu tư trên địa bàn"
    assert facts["unit"] == "Tỷ đồng"
    assert facts["actual_prev"]["value"] == 28527.46
    assert facts["target"]["value"] == 35000.00
    assert facts["estimate"]["value"] == 31500.00 and facts["estimate"]["raw"] == "31.500,00"
    assert facts["vs_target_pct"]["value"] == 90.00
    assert facts["vs_prev_pct"]["value"] == 110.42
    assert facts["verdict"] == "Chưa đạt NQ"
    assert facts["computed_vs_target"] == "not_met"
    assert row.group == "A" and row.group_title == "Chỉ tiêu kinh tế"


def test_two_line_header_merged(seed_by_id):
    cells = seed_by_id[f"{R}:I:4"].cells
    assert cells["Năm 2024 – Nghị quyết HĐND TP"] == "35.000,00"
    assert cells["Năm 2023 – Thực hiện cả năm"] == "28.527,46"
    assert cells["So sánh (%) – Ước TH năm 2024/so NQ"] == "90,00"


def test_indicator_ranges_comparators_and_text(seed_by_id):
    grdp = seed_by_id[f"{R}:I:1"].facts
    assert grdp["target"]["low"] == 7.5 and grdp["target"]["high"] == 8.0
    assert grdp["estimate"]["raw"] == "5,86"
    assert grdp["computed_vs_target"] == "not_met"
    assert seed_by_id[f"{R}:I:17"].facts["target"]["comparator"] == ">"
    assert seed_by_id[f"{R}:I:9.4"].facts["target"]["text"] is True
    assert seed_by_id[f"{R}:I:9.4"].facts["estimate"]["value"] == 91.41
    # lower is better for the poverty rate: 0,09 against a target of 0,15 meets it
    assert seed_by_id[f"{R}:I:11"].facts["computed_vs_target"] == "exceeded"


def test_indicator_sub_lines(seed_by_id):
    grdp = seed_by_id[f"{R}:I:1"]
    assert grdp.children == ["1.1", "1.2", "1.3", "1.4"]
    assert seed_by_id[f"{R}:I:1.1"].name == "Nông lâm nghiệp, thủy sản"
    assert seed_by_id[f"{R}:I:5.2"].name == "Thu nội địa"
    assert seed_by_id[f"{R}:I:5.3"].facts["estimate"]["raw"] == "393,53"  # after a page break
    assert seed_by_id[f"{R}:I:15.2"].name == "Khu vực nông thôn"


def test_continuation_rows_merged(seed_by_id):
    library = seed_by_id[f"{R}:III:20"]
    status = library.cells["Báo cáo tình hình thực hiện"]
    assert "28,894 tỷ đồng" in status and status.startswith("HĐND thành phố đã chấp thuận")
    assert library.facts["disbursed"]["raw"] == "1,105" and library.facts["disbursed"]["value"] == 1.105
    assert library.facts["disbursement_rate"]["value"] == 3.7
    assert library.facts["capital_plan"]["raw"] == "30"
    assert "trí 15 tỷ đồng" in seed_by_id[f"{R}:III:5"].cells["Báo cáo tình hình thực hiện"]
    assert seed_by_id[f"{R}:III:10"].name.endswith("đoạn nối Quốc lộ 91 và tuyến Lộ Tẻ - Rạch Sỏi)")
    assert "logistics Việt Nam đến năm 2025" in seed_by_id[f"{R}:II:15"].name
    assert seed_by_id[f"{R}:V:3.5"].name.endswith("Trung tâm logistics phục vụ nhóm hàng nông - thủy sản")
    assert "hội, các Sở, ban, ngành" in seed_by_id[f"{R}:V:5.3"].cells["Cơ quan phối hợp"]
    assert seed_by_id[f"{R}:IV:28"].name.endswith("giai đoạn I: từ 2021 đến năm 2025")
    for row_id, lines in [(f"{R}:IV:2", 2), (f"{R}:IV:4", 2), (f"{R}:IV:15", 2), (f"{R}:IV:21", 2), (f"{R}:V:4.1", 2), (f"{R}:V:8.3", 2)]:
        assert len(seed_by_id[row_id].source_lines) == lines, row_id


def test_sub_rows_kept_as_extra_values(seed_by_id):
    row = seed_by_id[f"{R}:V:2.3"]
    assert [extra["Thời gian lập, trình phê duyệt"] for extra in row.extra_values] == ["Quý IV năm 2022", "2023", "Quý III năm 2025"]
    assert row.cells["Thời gian lập, trình phê duyệt"] == "Quý III năm 2022 (Quận Ô Môn)"
    assert "Quyết định số 1366/QĐ-UBND ngày 18/6/2024" in row.facts["documents"]


def test_markers_resolved_from_each_annex_legend(seed_by_id):
    assert seed_by_id[f"{R}:III:14"].marker == "****"
    assert seed_by_id[f"{R}:III:14"].marker_meaning == "Dự án triển khai sau năm 2024-2025"
    assert seed_by_id[f"{R}:II:4"].marker_meaning == "Nhiệm vụ đang được tổ chức thực hiện"
    assert seed_by_id[f"{R}:III:11"].marker_meaning.startswith("Dự án đã có quyết định chủ đầu tư")
    assert seed_by_id[f"{R}:IV:10"].marker_meaning.startswith("Nhiệm vụ đang được cơ quan chuyên môn")
    assert not seed_by_id[f"{R}:IV:10"].marker_meaning.startswith("*")


def test_combined_row(seed_by_id):
    row = seed_by_id[f"{R}:III:4 và 9"]
    assert row.row_numbers == ["4", "9"] and row.marker == "***"
    assert row.facts["total_investment"]["raw"] == "8.780,16"
    assert "Quyết định số 216/QĐ-TTg ngày 02/3/2024" in row.facts["documents"]


def test_groups_and_parents(seed_by_id):
    group = seed_by_id[f"{R}:V:2"]
    assert group.kind == "group" and "2.3" in group.children
    assert seed_by_id[f"{R}:V:2.3"].group == "2"
    assert seed_by_id[f"{R}:V:10"].kind == "task" and seed_by_id[f"{R}:V:10"].group is None
    for parent in ["8", "13", "14", "15", "17"]:
        row = seed_by_id[f"{R}:IV:{parent}"]
        assert row.kind == "task" and row.children, parent
    assert seed_by_id[f"{R}:IV:14.2"].parent == "14"
    assert seed_by_id[f"{R}:III:19"].children == ["19.1", "19.2"]
    assert seed_by_id[f"{R}:III:19.1"].parent == "19"


def test_html_becomes_plain_text_with_list_items(seed_by_id):
    status = seed_by_id[f"{R}:II:1"].cells["Báo cáo tình hình triển khai thực hiện"]
    assert "<" not in status and ">" not in status
    assert status.split("\n")[0] == "- Thành ủy Cần Thơ ban hành Kế hoạch số 228-KH/TU ngày 03/9/2020 về phối hợp tổ chức Hội nghị triển khai, quán triệt và tổ chức thực hiện Nghị quyết số 59-NQ/TW."
    assert "ngày 06/5/2024 về việc thực hiện các kiến nghị" in status  # page break mid-sentence


def test_footnote_attached(seed_by_id):
    row = seed_by_id[f"{R}:V:5.4"]
    assert row.cells["Thời gian lập, trình phê duyệt"] == "Quý I năm 2022"
    assert len(row.footnotes) == 1 and "1168/ĐA-SKH&CN" in row.footnotes[0]


@pytest.mark.parametrize(
    ("row_id", "key", "raw"),
    [
        ("III:1", "disbursement_rate", "18,2"),
        ("III:6", "site_clearance", "67,05"),
        ("III:8", "disbursed", "114,047"),
        ("III:22", "total_investment", "196,763"),
        ("III:24", "total_investment", "29,976"),
    ],
)
def test_status_facts(seed_by_id, row_id, key, raw):
    assert seed_by_id[f"{R}:{row_id}"].facts[key]["raw"] == raw


def test_missing_facts_are_absent(seed_by_id):
    assert "disbursed" not in seed_by_id[f"{R}:III:14"].facts
    assert seed_by_id[f"{R}:III:22"].facts["disbursed"]["unit"] == "triệu đồng"
    assert seed_by_id[f"{R}:III:21"].facts["disbursed"]["scope"] == "cumulative"


def test_text_rendering_is_one_readable_paragraph(seed_by_id):
    text = seed_by_id[f"{R}:III:20"].text
    assert text.startswith("Báo cáo số 320/BC-UBND ngày 15/11/2024, Phụ lục III:")
    assert "Dự án 20 (*: Dự án đang triển khai thi công): Thư viện Thành phố." in text
    assert "\n" not in text
