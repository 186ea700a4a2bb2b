"""The structured table tools on the real rows of report 320/BC-UBND (and a second report)."""

from __future__ import annotations

import json
import time

import pytest
from pydantic import BaseModel

from ingestion.models import Row, make_row_id
from ingestion.parser import parse_report
from ingestion.store import read_rows
from structured.agency import (
    agencies_in,
    agencies_mentioned,
    agency_matches,
    known_agencies,
    normalize_agency,
)
from structured.compare import outcome_vs_target
from structured.tables import CorpusTables, normalize_annex, verdict_key, years_in
from structured.tools import (
    RowFilter,
    as_langchain_tools,
    compare_indicator,
    count_rows,
    explain_marker,
    filter_rows,
    find_by_number,
    get_row,
    lookup_indicator,
    rank_rows,
)
from tests.conftest import ROOT, SYNTHETIC_REPORT

ROWS_JSONL = ROOT / "data" / "processed" / "rows.jsonl"
R = "320/BC-UBND"


def rid(annex: str, row: str, report: str = R) -> str:
    return make_row_id(report, annex, row)


@pytest.fixture(scope="module")
def rows(request) -> list[Row]:
    """``data/processed/rows.jsonl`` when built (``make data``), else the same rows parsed from data/raw."""
    return read_rows(ROWS_JSONL) if ROWS_JSONL.exists() else list(request.getfixturevalue("seed_rows"))


@pytest.fixture(scope="module")
def tables(rows) -> CorpusTables:
    return CorpusTables.from_rows(rows)


# ---------------------------------------------------------------------------------------------
# Tables


def test_tables_share_row_ids_and_are_typed(tables, rows):
    assert len(tables) == len(rows) == 186
    assert list(tables.frame.index) == list(tables.rows)
    assert set(tables.frame.index) == {r.id for r in rows}
    assert tables.indicators.loc[rid("I", "4"), "estimate_raw"] == "31.500,00"
    assert tables.indicators.loc[rid("I", "4"), "estimate"] == 31500.0
    assert tables.indicators.loc[rid("I", "1"), "target_low"] == 7.5
    assert tables.items.loc[rid("III", "20"), "disbursement_rate"] == 3.7
    assert tables.items.loc[rid("III", "22"), "disbursed_ty"] == pytest.approx(0.62)
    assert tables.items.loc[rid("III", "4 và 9"), "lead"] == "Sở Giao thông vận tải"
    assert set(tables.indicators["kind"]) == {"indicator"}
    assert set(tables.items["kind"]) == {"task", "project"}


def test_reports_and_newest(tables):
    (report,) = tables.reports()
    assert (report.number, report.date, report.issuer) == (R, "2024-11-15", "Ủy ban nhân dân thành phố")
    annexes = {a.annex: a for a in report.annexes}
    assert list(annexes) == ["I", "II", "III", "IV", "V"]
    assert annexes["III"].title == "NHIỆM VỤ ĐẦU TƯ DỰ ÁN KẾT CẤU HẠ TẦNG DO THÀNH PHỐ THỰC HIỆN"
    assert (annexes["I"].row_count, annexes["I"].item_count) == (46, 43)
    assert (annexes["V"].row_count, annexes["V"].item_count) == (54, 45)
    assert annexes["III"].row_count == 26
    assert annexes["III"].legend["****"] == "Dự án triển khai sau năm 2024-2025"
    assert tables.newest_report().number == R
    assert tables.resolve_report("320") == tables.resolve_report("320/bc-ubnd") == [R]


def test_build_and_calls_are_fast(rows, tables):
    builds = []
    for _ in range(3):
        start = time.perf_counter()
        CorpusTables.from_rows(rows)
        builds.append(time.perf_counter() - start)
    assert min(builds) < 0.100
    calls = [
        lambda: lookup_indicator(tables, rid("I", "4")),
        lambda: compare_indicator(tables, rid("I", "1"), "target"),
        lambda: filter_rows(tables, RowFilter(annex="III", agency="Sở GTVT")),
        lambda: filter_rows(tables, RowFilter(agency="Sở KHCN", period=2025, keyword="khoa hoc")),
        lambda: count_rows(tables, RowFilter(annex="III", marker="*")),
        lambda: rank_rows(tables, RowFilter(annex="III"), "disbursement_rate", "asc", 5),
        lambda: explain_marker(tables, R, "III", "****"),
        lambda: find_by_number(tables, R, "III", "9"),
        lambda: get_row(tables, rid("V", "2.3")),
    ]
    for call in calls:
        call()
        start = time.perf_counter()
        for _ in range(20):
            call()
        assert (time.perf_counter() - start) / 20 < 0.005


# ---------------------------------------------------------------------------------------------
# Indicators


def test_lookup_indicator_prints_every_value(tables):
    result = lookup_indicator(tables, rid("I", "4"))
    assert result.name == "Tổng vốn đầu tư trên địa bàn"
    assert (result.unit, result.verdict, result.year, result.prev_year) == (
        "Tỷ đồng",
        "Chưa đạt NQ",
        2024,
        2023,
    )
    assert result.estimate.raw == "31.500,00" and result.estimate.value == 31500.0
    assert result.target.raw == "35.000,00"
    assert result.actual_prev.raw == "28.527,46"
    assert (result.vs_target_pct.raw, result.vs_prev_pct.raw) == ("90,00", "110,42")
    assert [v.role for v in result.values] == [
        "actual_prev",
        "target",
        "estimate",
        "vs_target_pct",
        "vs_prev_pct",
    ]
    row = tables.rows[result.id]
    assert all(row.cells[v.column] == v.raw for v in result.values)  # printed strings, never reformatted
    assert result.computed_vs_target == "not_met"


def test_lookup_indicator_tree_and_ranges(tables):
    grdp = lookup_indicator(tables, rid("I", "1"))
    assert grdp.children_ids == [rid("I", f"1.{i}") for i in range(1, 5)]
    child = lookup_indicator(tables, rid("I", "1.1"))
    assert child.parent_id == rid("I", "1")
    assert (child.target.raw, child.target.low, child.target.high) == ("2,5-3,0", 2.5, 3.0)
    assert lookup_indicator(tables, "I:4").id == rid("I", "4")  # loose reference
    with pytest.raises(ValueError):
        lookup_indicator(tables, rid("III", "20"))
    with pytest.raises(KeyError):
        lookup_indicator(tables, rid("I", "99"))


def test_compare_total_investment_not_met(tables):
    result = compare_indicator(tables, rid("I", "4"), "target")
    assert result.outcome == "not_met" and result.computed is True
    assert (result.estimate.raw, result.reference.raw) == ("31.500,00", "35.000,00")
    assert result.report_verdict == "Chưa đạt NQ"
    assert result.report_pct.raw == "90,00"
    assert result.computed_pct.text == "90,00" and result.computed_pct.computed is True
    assert result.computed_difference.text == "-3.500,00"
    assert result.agrees_with_report is True
    assert "31.500,00" in result.explanation and "Chưa đạt NQ" in result.explanation


def test_compare_grdp_range_not_met(tables):
    result = compare_indicator(tables, rid("I", "1"), "target")
    assert (result.estimate.raw, result.reference.raw) == ("5,86", "7,5-8,0")
    assert result.outcome == "not_met"
    assert result.report_verdict == "Chưa đạt NQ" and result.agrees_with_report is True
    assert result.computed_pct is None  # a range has no single ratio


def test_compare_poverty_rate_lower_is_better(tables):
    result = compare_indicator(tables, rid("I", "11"), "target")
    assert result.name == "Tỷ lệ hộ nghèo"
    assert (result.estimate.raw, result.reference.raw) == ("0,09", "0,15")
    assert result.lower_is_better is True
    assert result.outcome in ("met", "exceeded") and result.outcome == "exceeded"
    assert result.report_verdict == "Đạt NQ" and result.agrees_with_report is True
    previous = compare_indicator(tables, rid("I", "11"), "previous")
    assert (previous.outcome, previous.improved, previous.reference.raw) == ("down", True, "0,21")
    # "Mức giảm tỷ lệ hộ nghèo" is a reduction: higher is better.
    assert compare_indicator(tables, rid("I", "11.1"), "target").lower_is_better is False


def test_compare_previous_and_comparators(tables):
    previous = compare_indicator(tables, rid("I", "4"), "previous")
    assert (previous.outcome, previous.improved) == ("up", True)
    assert (previous.reference.raw, previous.reference_year) == ("28.527,46", 2023)
    assert previous.report_pct.raw == "110,42" and previous.computed_pct.text == "110,42"
    assert previous.report_verdict is None
    security = compare_indicator(tables, rid("I", "17"), "target")  # ">75" vs ">75"
    assert (security.estimate.raw, security.reference.raw, security.outcome) == (">75", ">75", "met")
    assert compare_indicator(tables, rid("I", "9.4"), "target").outcome == "undetermined"  # free-text target
    assert compare_indicator(tables, rid("I", "5"), "target").outcome == "undetermined"  # no estimate
    assert compare_indicator(tables, rid("I", "2"), "target").agrees_with_report is None  # "Cơ bản đạt NQ"


def test_computed_outcome_agrees_with_ingestion(tables):
    for row in tables:
        if row.kind == "indicator" and row.facts.get("computed_vs_target"):
            expected = row.facts["computed_vs_target"]
            lower = lookup_indicator(tables, row.id).lower_is_better
            assert outcome_vs_target(row.facts.get("estimate"), row.facts.get("target"), lower) == expected, (
                row.id
            )


# ---------------------------------------------------------------------------------------------
# Agencies


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("Sở KHCN", "Sở Khoa học và Công nghệ"),
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("so khcn", "Sở Khoa học và Công nghệ"),
        ("Sở GTVT", "Sở Giao thông vận tải"),
        ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
        ("Sở TNMT", "Sở Tài nguyên và Môi trường"),
        ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("Sở NNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("Sở VH,TT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở LĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở Lao động, Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
        ("Sở TTTT", "Sở Thông tin và Truyền thông"),
        ("Sở Thông tin và truyền thông", "Sở Thông tin và Truyền thông"),
        ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
        ("Sở KHĐT", "Sở Kế hoạch và Đầu tư"),
        ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
        ("BQLDA", "Ban Quản lý dự án"),
        ("Ban QLDA", "Ban Quản lý dự án"),
        ("UBND TP Cần Thơ", "Ủy ban nhân dân thành phố Cần Thơ"),
    ],
)
def test_normalize_agency(query, canonical):
    assert normalize_agency(query) == canonical


def test_agency_matches():
    assert agency_matches("Sở KHCN", "Sở Khoa học và Công nghệ")
    assert agency_matches("so khcn", "Sở Khoa học và Công nghệ, Ban Quản lý dự án đầu tư Xây dựng thành phố")
    assert agency_matches("Ban QLDA đầu tư xây dựng TP", "Ban Quản lý dự án đầu tư Xây dựng thành phố")
    assert agency_matches(
        "Sở Xây dựng", "Ban Quản lý dự án đầu tư Xây dựng thành phố chủ trì; Sở Xây dựng phối hợp"
    )
    assert agency_matches("Sở GTVT", "Các Sở: KHĐT; GTVT; Xây dựng; NN&PTNT; Tài chính, Công Thương")
    assert agency_matches("Ban Dân tộc thành phố", "Ban Dân tộc")
    assert agency_matches("UBND quận, huyện", "Các Sở, ban, ngành và UBND quận, huyện")
    assert not agency_matches("Sở Xây dựng", "Ban Quản lý dự án đầu tư Xây dựng thành phố")
    assert not agency_matches("Sở Kế hoạch và Đầu tư", "Bộ Kế hoạch và Đầu tư")
    assert not agency_matches("Sở KHCN", "Sở Thông tin và Truyền thông")
    assert not agency_matches("Sở Xây dựng", "Các Sở, ban, ngành và UBND quận, huyện")


def test_agencies_in_splits_cells():
    assert agencies_in("Sở Khoa học và Công nghệ, Ban Quản lý dự án đầu tư Xây dựng thành phố") == [
        "Sở Khoa học và Công nghệ",
        "Ban Quản lý dự án đầu tư Xây dựng thành phố",
    ]
    assert agencies_in("Ban Quản lý dự án đầu tư Xây dựng thành phố chủ trì, Sở Xây dựng phối hợp") == [
        "Ban Quản lý dự án đầu tư Xây dựng thành phố",
        "Sở Xây dựng",
    ]
    assert agencies_in("Sở Lao động, Thương binh và Xã hội; Ban Dân tộc; Ban Tôn giáo") == [
        "Sở Lao động - Thương binh và Xã hội",
        "Ban Dân tộc",
        "Ban Tôn giáo",
    ]
    assert agencies_in("Sở Tài chính, GTVT, VHTTDL, Y tế, TNMT, Sở, ngành liên quan và UBND quận, huyện") == [
        "Sở Tài chính",
        "Sở Giao thông vận tải",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Y tế",
        "Sở Tài nguyên và Môi trường",
    ]
    assert agencies_in("Các Sở: KHĐT; GTVT; Xây dựng")[:2] == [
        "Sở Kế hoạch và Đầu tư",
        "Sở Giao thông vận tải",
    ]
    assert agencies_in("Sở Nông nghiệp và Phát triển nông thôn (Chi cục Thủy lợi)") == [
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Chi cục Thủy lợi",
    ]
    assert agencies_in("Các Sở, ban, ngành và UBND quận, huyện") == []


def test_known_agencies_and_mentions(tables):
    agencies = known_agencies(tables)
    assert len(agencies) == len(set(agencies))
    for name in ("Sở Khoa học và Công nghệ", "Sở Giao thông vận tải", "Sở Xây dựng", "Ban Dân tộc"):
        assert name in agencies
    assert (
        [a for a in agencies if a.lower() == "ban quản lý dự án đầu tư xây dựng thành phố"]
        == [
            "Ban Quản lý dự án đầu tư Xây dựng thành phố"  # "xây dựng" / "Xây dựng" merged, most frequent spelling
        ]
    )
    assert "Sở Nông nghiệp và Phát triển nông thôn" in agencies and "Sở NN&PTNT" not in agencies
    assert agencies_mentioned("Sở GTVT chủ trì những dự án nào?", agencies) == ["Sở Giao thông vận tải"]
    assert agencies_mentioned("ban quan ly du an dau tu xay dung thanh pho lam gi", agencies) == [
        "Ban Quản lý dự án đầu tư Xây dựng thành phố"
    ]
    assert agencies_mentioned("Sở KHCN và Sở Xây dựng", agencies) == [
        "Sở Khoa học và Công nghệ",
        "Sở Xây dựng",
    ]


# ---------------------------------------------------------------------------------------------
# Filtering and counting


def test_filter_by_lead_agency(tables):
    gtvt = [r.id for r in filter_rows(tables, RowFilter(annex="III", agency="Sở GTVT"))]
    assert gtvt == [rid("III", n) for n in ("3", "4 và 9", "5", "10", "11")]
    truth = [
        r.id
        for r in tables
        if r.annex == "III" and "Giao thông vận tải" in r.cells.get("Cơ quan chủ trì đề xuất/ thực hiện", "")
    ]
    assert gtvt == truth
    for spelling in ("so gtvt", "Sở Giao thông Vận tải", "GTVT", "Sở Giao thông vận tải thành phố"):
        assert [r.id for r in filter_rows(tables, RowFilter(annex="III", agency=spelling))] == gtvt
    khcn = [r.row for r in filter_rows(tables, RowFilter(annex="III", agency="Sở KHCN"))]
    assert khcn == ["19", "19.1", "19.2", "23", "24"]
    assert [r.row for r in filter_rows(tables, RowFilter(annex="III", agency="Sở Xây dựng"))] == ["17", "18"]
    bqlda = [r.row for r in filter_rows(tables, RowFilter(annex="III", agency="Ban QLDA đầu tư xây dựng"))]
    assert {"6", "7", "8", "17", "19", "20", "22"} <= set(bqlda) and "1" not in bqlda  # "1" is Ban QLDA ODA


def test_filter_by_coordinating_agency(tables):
    rows = filter_rows(tables, RowFilter(coordinating_agency="Sở VHTTDL"))
    assert [r.id for r in rows] == [rid("V", "2.8"), rid("V", "2.9"), rid("V", "3.6"), rid("V", "4.3")]
    assert all("VH" in r.cells["Cơ quan phối hợp"] or "Văn hóa" in r.cells["Cơ quan phối hợp"] for r in rows)


def test_count_and_filter_markers(tables):
    counted = count_rows(tables, RowFilter(annex="III", marker="*"))
    assert counted.count == 12 == len(counted.ids)
    assert all(tables.rows[i].marker == "*" and tables.rows[i].annex == "III" for i in counted.ids)
    assert count_rows(tables, RowFilter(annex="Phụ lục III", marker="(*)")).ids == counted.ids
    assert count_rows(tables, RowFilter(annex="III", marker="***")).count == 6
    assert count_rows(tables, RowFilter(marker_meaning_contains="thi cong")).ids == counted.ids


def test_verdict_filter_is_exact(tables):
    met = filter_rows(tables, RowFilter(verdict="Đạt NQ"))
    assert {r.facts["verdict"] for r in met} == {"Đạt NQ"}
    assert len(met) == 8 and rid("I", "11") in [r.id for r in met]
    assert [r.id for r in filter_rows(tables, RowFilter(verdict="chua dat nq"))] == [
        rid("I", "1"),
        rid("I", "4"),
        rid("I", "6"),
    ]
    assert [r.id for r in filter_rows(tables, RowFilter(verdict="Cơ bản đạt NQ"))] == [rid("I", "2")]
    assert {r.facts["verdict"] for r in filter_rows(tables, RowFilter(verdict="Vượt NQ"))} == {"Vượt NQ"}
    assert verdict_key("Đạt Nghị quyết") == verdict_key("Đạt NQ") != verdict_key("Chưa đạt NQ")


def test_period_keyword_group_parent(tables):
    assert years_in("2021 - 2025") == frozenset(range(2021, 2026))
    assert years_in("Quý III năm 2022") == {2022}
    in_2025 = [r.row for r in filter_rows(tables, RowFilter(annex="III", period=2025))]
    assert {"20", "21", "12", "14", "23", "25"} <= set(in_2025)
    assert "1" not in in_2025 and "10" not in in_2025  # 2016 - 2024; 2026 - 2030
    prep_2022 = filter_rows(tables, RowFilter(annex="III", period=2022, period_field="prep_time"))
    assert rid("III", "20") in [r.id for r in prep_2022]  # "Quý III năm 2022"
    assert [r.id for r in filter_rows(tables, RowFilter(keyword="thu vien"))] == [rid("III", "20")]
    assert len(filter_rows(tables, RowFilter(annex="V"))) == 45
    assert len(filter_rows(tables, RowFilter(annex="V", include_groups=True))) == 54
    assert [r.row for r in filter_rows(tables, RowFilter(annex="V", group="2"))] == [
        f"2.{i}" for i in range(1, 10)
    ]
    assert [r.row for r in filter_rows(tables, RowFilter(annex="I", parent="1"))] == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
    ]
    assert normalize_annex("phu luc 3") == "III"


# ---------------------------------------------------------------------------------------------
# Ranking, markers, numbers


def test_rank_by_disbursement_rate(tables):
    ranked = rank_rows(tables, RowFilter(annex="III"), "disbursement_rate", "asc", 10)
    first = ranked[0]
    assert (first.id, first.raw, first.value, first.unit) == (rid("III", "20"), "3,7", 3.7, "%")
    assert "3,7%" in first.quote
    assert [r.sort_value for r in ranked] == sorted(r.sort_value for r in ranked)
    assert len(ranked) == 7  # only rows stating a rate
    assert rank_rows(tables, RowFilter(annex="III"), "disbursement_rate", "desc", 1)[0].raw == "57,2"


def test_rank_disbursed_mixes_units(tables):
    ranked = rank_rows(tables, RowFilter(annex="III"), "disbursed", "desc", None)
    by_id = {r.id: r for r in ranked}
    small = by_id[rid("III", "22")]
    assert (small.raw, small.unit, small.sort_unit, small.converted) == ("620", "triệu đồng", "tỷ đồng", True)
    assert small.sort_value == pytest.approx(0.62)
    assert ranked[-1].id == rid("III", "22") and ranked[0].raw == "348,772"
    estimates = rank_rows(tables, RowFilter(annex="I", keyword="thu"), "estimate", "desc", 2)
    assert estimates[0].raw == "12.558,53" and estimates[0].column == "Năm 2024 – Ước thực hiện cả năm"


def test_explain_marker_per_annex_legend(tables):
    four = explain_marker(tables, R, "III", "****")
    assert four.meaning == "Dự án triển khai sau năm 2024-2025"
    assert four.row_ids == [rid("III", "10"), rid("III", "14")] and four.count == 2
    two_ii = explain_marker(tables, R, "II", "**")
    two_iii = explain_marker(tables, R, "III", "(**)")
    assert two_ii.meaning == "Nhiệm vụ đang được tổ chức thực hiện"
    assert two_ii.meaning != two_iii.meaning
    assert two_iii.meaning.startswith("Dự án đã có quyết định chủ đầu tư")
    assert explain_marker(tables, R, "II", "****") is None
    assert explain_marker(tables, None, "III", "****").report == R


def test_find_by_number_and_get_row(tables):
    assert find_by_number(tables, R, "III", "9").id == "320/BC-UBND:III:4 và 9"
    assert find_by_number(tables, R, "III", "4").id == "320/BC-UBND:III:4 và 9"
    assert find_by_number(tables, None, "V", "2.3").id == rid("V", "2.3")
    assert find_by_number(tables, R, "III", "99") is None
    assert get_row(tables, rid("III", "20")).name == "Thư viện Thành phố"
    assert get_row(tables, "III:20").id == rid("III", "20")
    assert get_row(tables, "nope") is None


# ---------------------------------------------------------------------------------------------
# Several reports


def _copy(row: Row, report: str, date: str, **updates) -> Row:
    return row.model_copy(
        update={
            "id": make_row_id(report, row.annex, row.row),
            "report": report,
            "report_date": date,
            **updates,
        },
        deep=True,
    )


@pytest.fixture(scope="module")
def two_reports(rows) -> CorpusTables:
    by_id = {r.id: r for r in rows}
    new, date = "45/BC-UBND", "2025-03-20"
    indicator = by_id[rid("I", "4")]
    estimate = {**indicator.facts["estimate"], "raw": "36.000,00", "value": 36000.0}
    project = by_id[rid("III", "20")]
    rate = {**project.facts["disbursement_rate"], "raw": "75,5", "value": 75.5}
    copies = [
        _copy(
            indicator,
            new,
            date,
            cells={**indicator.cells, "Năm 2024 – Ước thực hiện cả năm": "36.000,00", "Ghi chú": "Vượt NQ"},
            facts={
                **indicator.facts,
                "estimate": estimate,
                "verdict": "Vượt NQ",
                "computed_vs_target": "exceeded",
            },
        ),
        _copy(project, new, date, facts={**project.facts, "disbursement_rate": rate}),
        _copy(
            by_id[rid("III", "4 và 9")],
            new,
            date,
            marker="*",
            marker_meaning="Dự án đang triển khai thi công",
        ),
    ]
    return CorpusTables.from_rows([*rows, *copies])


def test_two_reports(two_reports):
    tables = two_reports
    assert tables.newest_report().number == "45/BC-UBND"
    assert [r.number for r in tables.reports()] == ["45/BC-UBND", R]
    newest = tables.reports()[0]
    assert [(a.annex, a.row_count) for a in newest.annexes] == [("I", 1), ("III", 2)]
    only_new = filter_rows(tables, RowFilter(report="45/BC-UBND"))
    assert [r.id for r in only_new] == ["45/BC-UBND:I:4", "45/BC-UBND:III:4 và 9", "45/BC-UBND:III:20"]
    assert all(r.report == R for r in filter_rows(tables, RowFilter(report="320")))
    assert (
        len(filter_rows(tables, RowFilter(report="320"))) == 43 + 20 + 26 + 40 + 45
    )  # group headings excluded
    gtvt = [r.id for r in filter_rows(tables, RowFilter(annex="III", agency="Sở GTVT"))]
    assert "45/BC-UBND:III:4 và 9" in gtvt and rid("III", "4 và 9") in gtvt
    compared = compare_indicator(tables, "45/BC-UBND:I:4", "target")
    assert (compared.estimate.raw, compared.outcome, compared.report_verdict) == (
        "36.000,00",
        "exceeded",
        "Vượt NQ",
    )
    assert compare_indicator(tables, rid("I", "4"), "target").outcome == "not_met"  # old report untouched
    assert find_by_number(tables, None, "III", "9").id == "45/BC-UBND:III:4 và 9"  # newest first
    assert find_by_number(tables, "320/BC-UBND", "III", "9").id == rid("III", "4 và 9")
    top = rank_rows(tables, RowFilter(annex="III"), "disbursement_rate", "desc", 1)[0]
    assert (top.id, top.raw) == ("45/BC-UBND:III:20", "75,5")
    assert explain_marker(tables, "45/BC-UBND", "III", "*").row_ids == [
        "45/BC-UBND:III:4 và 9",
        "45/BC-UBND:III:20",
    ]
    assert count_rows(tables, RowFilter(report="45/BC-UBND", verdict="Vượt NQ")).ids == ["45/BC-UBND:I:4"]


def test_real_second_report(rows):
    second = parse_report(SYNTHETIC_REPORT).rows
    tables = CorpusTables.from_rows([*rows, *second])
    assert tables.newest_report().number == "45/BC-UBND"
    assert tables.newest_report().date == "2025-03-20"
    # Annex numbering differs between reports: projects are annex II in 45/BC-UBND, III in 320/BC-UBND.
    assert explain_marker(tables, None, "II", "*").report == "45/BC-UBND"
    assert explain_marker(tables, R, "II", "*").meaning != explain_marker(tables, "45", "II", "*").meaning
    yte = [r.id for r in filter_rows(tables, RowFilter(report="45", agency="Sở Y tế"))]
    assert "45/BC-UBND:II:8" in yte  # "Sở Y tế; Ban Quản lý dự án đầu tư xây dựng thành phố"


# ---------------------------------------------------------------------------------------------
# LangChain


def test_langchain_tools(tables):
    tools = {tool.name: tool for tool in as_langchain_tools(tables)}
    assert set(tools) >= {
        "lookup_indicator",
        "compare_indicator",
        "filter_rows",
        "count_rows",
        "rank_rows",
        "explain_marker",
        "get_row",
        "find_by_number",
        "list_reports",
    }
    for tool in tools.values():
        assert issubclass(tool.args_schema, BaseModel) and tool.description
    filtered = tools["filter_rows"].invoke({"annex": "III", "agency": "so gtvt"})
    assert filtered["count"] == 5 and filtered["rows"][1]["id"] == "320/BC-UBND:III:4 và 9"
    ranked = tools["rank_rows"].invoke(
        {"annex": "III", "by": "disbursement_rate", "order": "asc", "limit": 1}
    )
    assert ranked["rows"][0]["raw"] == "3,7"
    compared = tools["compare_indicator"].invoke({"row_id": rid("I", "11")})
    assert compared["outcome"] == "exceeded" and compared["report_verdict"] == "Đạt NQ"
    assert (
        tools["explain_marker"].invoke({"annex": "III", "marker": "****"})["meaning"]
        == "Dự án triển khai sau năm 2024-2025"
    )
    assert tools["find_by_number"].invoke({"annex": "III", "number": "9"})["id"] == "320/BC-UBND:III:4 và 9"
    assert "error" in tools["lookup_indicator"].invoke({"row_id": rid("III", "20")})
    assert tools["list_reports"].invoke({})["newest"] == R
    message = tools["count_rows"].invoke(
        {"type": "tool_call", "id": "call-1", "name": "count_rows", "args": {"annex": "III", "marker": "***"}}
    )
    assert json.loads(message.content)["count"] == 6
