"""The structured table tools on the real rows of report 320/BC-UBND (and a second report).

Every assertion checks a value as printed in the report (``"31.500,00"``), never only that something came back.
"""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from ingestion.models import Row, make_row_id
from ingestion.parser import parse_report
from structured.agency import (
    agencies_in,
    agencies_mentioned,
    agency_matches,
    known_agencies,
    normalize_agency,
)
from structured.compare import indicator_outcome, outcome_vs_target
from structured.models import NumberCondition
from structured.tables import CorpusTables, normalize_annex, years_in
from structured.tools import (
    RowFilter,
    as_langchain_tools,
    compare_row,
    count_rows,
    explain_marker,
    filter_ids,
    filter_rows,
    find_by_number,
    get_row,
    lookup_row,
    rank_rows,
    total_of,
)
from tests.conftest import SYNTHETIC_REPORT

R = "320/BC-UBND"


def rid(annex: str, row: str, report: str = R) -> str:
    return make_row_id(report, annex, row)


@pytest.fixture(scope="module")
def rows(seed_rows) -> list[Row]:
    return list(seed_rows)


@pytest.fixture(scope="module")
def tables(seed_report) -> CorpusTables:
    return CorpusTables.from_rows(seed_report.rows, seed_report.annexes)


def rows_of(tables: CorpusTables, **conditions) -> list[str]:
    return [r.row for r in filter_rows(tables, RowFilter(**conditions))]


# ---------------------------------------------------------------------------------------------
# Tables


def test_tables_share_row_ids_and_are_typed(tables, rows):
    assert len(tables) == len(rows) == 186
    assert list(tables.frame.index) == list(tables.rows)
    frame = tables.frame
    assert frame.loc[rid("I", "4"), "estimate"] == 31500.0
    assert frame.loc[rid("I", "1"), "target_raw"] == "7,5-8,0" and frame.loc[rid("I", "4"), "estimate_raw"] == "31.500,00"
    assert frame.loc[rid("III", "20"), "disbursement_rate"] == 3.7
    assert frame.loc[rid("III", "4 và 9"), "lead"] == "Sở Giao thông vận tải"
    assert set(frame["kind"]) == {"group", "indicator", "task", "project"}


def test_reports_and_annexes(tables):
    (report,) = tables.reports()
    assert (report.number, report.date) == (R, "2024-11-15")
    annexes = {a.annex: a for a in report.annexes}
    assert list(annexes) == ["I", "II", "III", "IV", "V"]
    assert annexes["III"].title == "NHIỆM VỤ ĐẦU TƯ DỰ ÁN KẾT CẤU HẠ TẦNG DO THÀNH PHỐ THỰC HIỆN"
    assert tables.legend(R, "III")["****"] == "Dự án triển khai sau năm 2024-2025"
    assert tables.newest_report().number == R
    assert tables.resolve_report("320") == tables.resolve_report("320/bc-ubnd") == [R]


# ---------------------------------------------------------------------------------------------
# Rows: lookup and comparison


def test_lookup_row_prints_values_as_printed(tables):
    found = lookup_row(tables, rid("I", "4"), "estimate")
    assert found.name == "Tổng vốn đầu tư trên địa bàn"
    assert [(v.raw, v.value) for v in found.values] == [("31.500,00", 31500.0)]
    assert found.verdict == "Chưa đạt NQ"
    assert lookup_row(tables, rid("I", "4"), "target").values[0].raw == "35.000,00"
    assert lookup_row(tables, rid("I", "4"), "estimate", period=2023).values[0].raw == "28.527,46"  # last year's
    assert lookup_row(tables, rid("I", "4"), "estimate", period=2019).missing == "period"
    grdp = lookup_row(tables, rid("I", "1.1"), "target").values[0]
    assert (grdp.raw, grdp.low, grdp.high) == ("2,5-3,0", 2.5, 3.0)
    row = tables.rows[found.id]
    assert all(row.cells[v.column] == v.raw for v in found.values if v.column)  # never reformatted
    assert lookup_row(tables, "I:4").id == rid("I", "4")  # loose reference
    with pytest.raises(KeyError):
        lookup_row(tables, rid("I", "99"))


def test_lookup_row_facts_of_a_project(tables):
    rate = lookup_row(tables, rid("III", "20"), "disbursement_rate").values[0]
    assert (rate.raw, rate.value, rate.unit) == ("3,7", 3.7, "%")
    assert "3,7%" in rate.quote
    lead = lookup_row(tables, rid("III", "20"), "lead").values[0]
    assert lead.raw == tables.rows[rid("III", "20")].cells[lead.column]


def test_compare_total_investment_not_met(tables):
    result = compare_row(tables, rid("I", "4"), "target")
    assert result.outcome == "not_met" and result.computed is True
    assert (result.estimate.raw, result.reference.raw) == ("31.500,00", "35.000,00")
    assert result.report_verdict == "Chưa đạt NQ" and result.agrees_with_report is True
    assert result.report_pct.raw == "90,00" and result.computed_pct.text == "90,00"
    assert result.computed_difference.text == "-3.500,00"


def test_compare_grdp_range_not_met(tables):
    result = compare_row(tables, rid("I", "1"), "target")
    assert (result.estimate.raw, result.reference.raw, result.outcome) == ("5,86", "7,5-8,0", "not_met")
    assert result.report_verdict == "Chưa đạt NQ" and result.agrees_with_report is True
    assert result.computed_pct is None  # a range has no single ratio


def test_compare_poverty_rate_lower_is_better(tables):
    result = compare_row(tables, rid("I", "11"), "target")
    assert result.name == "Tỷ lệ hộ nghèo"
    assert (result.estimate.raw, result.reference.raw) == ("0,09", "0,15")
    assert result.lower_is_better is True and result.outcome == "exceeded"
    assert result.report_verdict == "Đạt NQ" and result.agrees_with_report is True
    previous = compare_row(tables, rid("I", "11"), "previous")
    assert (previous.outcome, previous.improved, previous.reference.raw) == ("down", True, "0,21")
    assert compare_row(tables, rid("I", "11.1"), "target").lower_is_better is False  # "Mức giảm": a reduction


def test_compare_previous_and_comparators(tables):
    previous = compare_row(tables, rid("I", "4"), "previous")
    assert (previous.outcome, previous.improved) == ("up", True)
    assert (previous.reference.raw, previous.reference_year) == ("28.527,46", 2023)
    assert previous.report_pct.raw == "110,42" and previous.computed_pct.text == "110,42"
    security = compare_row(tables, rid("I", "17"), "target")  # ">75" vs ">75"
    assert (security.estimate.raw, security.reference.raw, security.outcome) == (">75", ">75", "met")
    assert compare_row(tables, rid("I", "5"), "target").outcome == "undetermined"  # no estimate
    assert compare_row(tables, rid("I", "2"), "target").agrees_with_report is None  # "Cơ bản đạt NQ"


def test_computed_outcome_is_the_one_comparison(tables):
    for row in tables:
        if row.kind == "indicator" and row.facts.get("target"):
            expected = outcome_vs_target(row.facts.get("estimate") or row.facts.get("actual"), row.facts.get("target"),
                                         bool(row.facts.get("lower_is_better")))
            assert indicator_outcome(row.facts) == expected == compare_row(tables, row.id).outcome, row.id


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
    gtvt = rows_of(tables, annexes=["III"], agency="Sở GTVT")
    assert gtvt == ["3", "4 và 9", "5", "10", "11"]
    truth = [r.row for r in tables if r.annex == "III" and r.kind != "group"
             and "Giao thông vận tải" in r.cells.get("Cơ quan chủ trì đề xuất/ thực hiện", "")]
    assert gtvt == truth
    for spelling in ("so gtvt", "Sở Giao thông Vận tải", "GTVT", "Sở Giao thông vận tải thành phố"):
        assert rows_of(tables, annexes=["III"], agency=spelling) == gtvt
    assert rows_of(tables, annexes=["III"], agency="Sở KHCN") == ["19", "19.1", "19.2", "23", "24"]
    assert rows_of(tables, annexes=["III"], agency="Sở Xây dựng") == ["17", "18"]


def test_filter_by_coordinating_agency(tables):
    found = filter_rows(tables, RowFilter(coordinating_agency="Sở VHTTDL"))
    assert [r.id for r in found] == [rid("V", "2.8"), rid("V", "2.9"), rid("V", "3.6"), rid("V", "4.3")]


def test_count_and_filter_markers(tables):
    counted = count_rows(tables, RowFilter(annexes=["III"], marker="*"))
    assert counted.count == 12 == len(counted.ids)
    assert all(tables.rows[i].marker == "*" and tables.rows[i].annex == "III" for i in counted.ids)
    assert count_rows(tables, RowFilter(annexes=["Phụ lục III"], marker="(*)")).ids == counted.ids
    assert count_rows(tables, RowFilter(annexes=["III"], marker="***")).count == 6
    assert count_rows(tables, RowFilter(marker_meaning_contains="thi cong")).ids == counted.ids


def test_verdict_filter_is_exact(tables):
    met = filter_rows(tables, RowFilter(verdicts=["met"]))
    assert {r.facts["verdict"] for r in met} == {"Đạt NQ"}
    assert rid("I", "11") in [r.id for r in met]
    assert rows_of(tables, verdicts=["not_met"]) == ["1", "4", "6"]
    assert rows_of(tables, verdicts=["basically_met"]) == ["2"]
    assert {r.facts["verdict"] for r in filter_rows(tables, RowFilter(verdicts=["exceeded"]))} == {"Vượt NQ"}


def test_period_group_parent_where(tables):
    assert years_in("2021 - 2025") == frozenset(range(2021, 2026))
    assert years_in("Quý III năm 2022") == {2022}
    in_2025 = rows_of(tables, annexes=["III"], period=2025)
    assert {"20", "21", "12", "14", "23", "25"} <= set(in_2025)
    assert "1" not in in_2025 and "10" not in in_2025  # 2016 - 2024; 2026 - 2030
    assert rows_of(tables, keyword="thu vien") == ["20"]
    assert len(filter_rows(tables, RowFilter(annexes=["V"]))) == 45
    assert len(filter_rows(tables, RowFilter(annexes=["V"], include_groups=True))) == 54
    assert rows_of(tables, annexes=["V"], group="2") == [f"2.{i}" for i in range(1, 10)]
    assert rows_of(tables, annexes=["I"], parent="1") == ["1.1", "1.2", "1.3", "1.4"]
    slow = rows_of(tables, annexes=["III"], where=[NumberCondition(measure="disbursement_rate", op="<", value=20)])
    assert set(slow) == {r.row for r in tables if r.annex == "III" and (r.facts.get("disbursement_rate") or {}).get("value", 99) < 20}
    assert "20" in slow  # 3,7%
    assert normalize_annex("phu luc iii") == normalize_annex("Phụ lục III") == "III"


# ---------------------------------------------------------------------------------------------
# Ranking, totals, markers, numbers


def test_rank_by_disbursement_rate(tables):
    ranked = rank_rows(tables, RowFilter(annexes=["III"]), "disbursement_rate", "asc", 10)
    first = ranked[0]
    assert (first.id, first.raw, first.value, first.unit) == (rid("III", "20"), "3,7", 3.7, "%")
    assert "3,7%" in first.quote
    assert [r.sort_value for r in ranked] == sorted(r.sort_value for r in ranked)
    assert all(tables.rows[r.id].facts.get("disbursement_rate") for r in ranked)  # only rows stating a rate
    assert rank_rows(tables, RowFilter(annexes=["III"]), "disbursement_rate", "desc", 1)[0].raw == "57,2"


def test_rank_disbursed_mixes_units(tables):
    ranked = rank_rows(tables, RowFilter(annexes=["III"]), "disbursed", "desc", None)
    small = {r.id: r for r in ranked}[rid("III", "22")]
    assert (small.raw, small.unit) == ("620", "triệu đồng")
    assert small.sort_value == pytest.approx(0.62)  # in tỷ đồng, to order with the others
    assert ranked[-1].id == rid("III", "22") and ranked[0].raw == "348,772"


def test_total_prefers_the_printed_total(tables):
    computed = total_of(tables, RowFilter(annexes=["III"], marker="*"), "capital_plan")
    assert computed.printed is None and computed.computed is not None
    stated = [tables.rows[i].facts["capital_plan"] for i in computed.ids]
    assert computed.computed.value == pytest.approx(sum(
        f["value"] / 1000 if (f.get("unit") or "").startswith("triệu") else f["value"] for f in stated))
    assert set(computed.ids) | set(computed.missing) == set(filter_ids(tables, RowFilter(annexes=["III"], marker="*")))


def test_explain_marker_per_annex_legend(tables):
    four = explain_marker(tables, R, "III", "****")
    assert four.meaning == "Dự án triển khai sau năm 2024-2025"
    assert four.row_ids == [rid("III", "10"), rid("III", "14")] and four.count == 2
    two_ii = explain_marker(tables, R, "II", "**")
    two_iii = explain_marker(tables, R, "III", "(**)")
    assert two_ii.meaning == "Nhiệm vụ đang được tổ chức thực hiện"
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


def test_real_second_report(seed_report):
    second = parse_report(SYNTHETIC_REPORT)
    tables = CorpusTables.from_rows([*seed_report.rows, *second.rows], [*seed_report.annexes, *second.annexes])
    assert tables.newest_report().number == "45/BC-UBND"
    assert [r.number for r in tables.reports()] == ["45/BC-UBND", R]
    # Annex numbering differs between reports: projects are annex II in 45/BC-UBND, III in 320/BC-UBND.
    assert explain_marker(tables, None, "II", "*").report == "45/BC-UBND"
    assert explain_marker(tables, R, "II", "*").meaning != explain_marker(tables, "45", "II", "*").meaning
    assert "45/BC-UBND:II:8" in [r.id for r in filter_rows(tables, RowFilter(report="45", agency="Sở Y tế"))]
    assert all(r.report == R for r in filter_rows(tables, RowFilter(report="320")))
    assert len(filter_rows(tables, RowFilter(report="320"))) == 43 + 20 + 26 + 40 + 45  # group headings excluded
    assert find_by_number(tables, R, "III", "9").id == rid("III", "4 và 9")


# ---------------------------------------------------------------------------------------------
# LangChain


def test_langchain_tools(tables):
    tools = {tool.name: tool for tool in as_langchain_tools(tables)}
    assert set(tools) == {"lookup_row", "compare_row", "filter_rows", "count_rows", "rank_rows", "total_of",
                          "explain_marker", "list_reports"}
    for tool in tools.values():
        assert issubclass(tool.args_schema, BaseModel) and tool.description
    filtered = tools["filter_rows"].invoke({"annexes": ["III"], "agency": "so gtvt"})
    assert filtered["count"] == 5 and filtered["rows"][1]["id"] == "320/BC-UBND:III:4 và 9"
    ranked = tools["rank_rows"].invoke({"annexes": ["III"], "by": "disbursement_rate", "order": "asc", "limit": 1})
    assert ranked["rows"][0]["raw"] == "3,7"
    compared = tools["compare_row"].invoke({"row_id": rid("I", "11")})
    assert compared["outcome"] == "exceeded" and compared["report_verdict"] == "Đạt NQ"
    assert tools["explain_marker"].invoke({"annex": "III", "marker": "****"})["meaning"] == "Dự án triển khai sau năm 2024-2025"
    assert "error" in tools["lookup_row"].invoke({"row_id": rid("III", "99")})
    assert tools["list_reports"].invoke({})["newest"] == R
    message = tools["count_rows"].invoke(
        {"type": "tool_call", "id": "call-1", "name": "count_rows", "args": {"annexes": ["III"], "marker": "***"}})
    assert json.loads(message.content)["count"] == 6
