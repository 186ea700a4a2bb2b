"""The pure helpers behind the Streamlit pages (no Streamlit runtime, no engine)."""

from __future__ import annotations

import json
import re

import pytest

from assistant.types import Answer, Citation
from ui.chat import current_filters, history_for_answer
from ui.corpus import reports_frame, system_frame
from ui.feedback import append_feedback, feedback_record, read_feedback
from ui.overview import (
    fact_items,
    indicator_frame,
    rows_with_marker,
    status_frame,
    top_indicators,
    verdict_counts,
)
from ui.render import (
    chart_frame,
    chart_values_text,
    group_citations,
    row_fields,
    suggestion_question,
    table_csv,
    table_frame,
    verdict_color,
)
from ui.text import highlight_md, md_block, md_escape, vn_date, vn_number, vn_size

UNESCAPED_SPECIAL = re.compile(r"(?<!\\)[*_#\[\]<>`$|~]")


@pytest.mark.parametrize(
    "text",
    [
        "(****) Dự án triển khai sau năm 2024-2025",
        "# tiêu đề <script>alert(1)</script>",
        "a_b_c **đậm** [link](http://x) :red[đỏ] $x$ ~gạch~ | bảng |",
        "1. mục\n- gạch đầu dòng\n> trích",
    ],
)
def test_md_escape_leaves_no_markdown_active(text):
    escaped = md_escape(text)
    assert not UNESCAPED_SPECIAL.search(escaped)
    assert escaped.replace("\\", "") == text.replace("\n", "\n")


def test_md_block_keeps_line_breaks():
    assert md_block("dòng 1\ndòng *2*") == "dòng 1  \ndòng \\*2\\*"


def test_highlight_bolds_the_quote_only_when_safe():
    text = "Đã bàn giao mặt bằng khoảng 42,28%. Còn lại đang kiểm đếm."
    assert highlight_md(text, "bàn giao mặt bằng khoảng 42,28%") == (
        "Đã **bàn giao mặt bằng khoảng 42,28%**\\. Còn lại đang kiểm đếm\\."
    )
    assert highlight_md(text, "không có") == md_block(text)
    assert highlight_md(text, text) == md_block(text)  # the whole cell: no bold (the box highlights it)
    assert "**" not in highlight_md("abc(x)def", "(x)")  # '**(' after a letter would not render as bold


def test_vietnamese_formats():
    assert vn_date("2024-11-15") == "15/11/2024"
    assert vn_date(None) == ""
    assert vn_number(1234.5) == "1.234,5"
    assert vn_number(100.0) == "100"
    assert vn_size(5 * 1024 * 1024) == "5 MB"


def test_chart_frame_handles_ranges_and_missing_values():
    chart = {
        "labels": ["Thực hiện 2023", "Nghị quyết", "Ước 2024", "So NQ"],
        "values": [5.75, [7.5, 8.0], 5.86, None],
        "raw": ["5,75", "7,5-8,0", "5,86", ""],
        "verdict": "Chưa đạt NQ",
        "unit": "%",
    }
    frame = chart_frame(chart)
    assert list(frame["label"]) == ["Thực hiện 2023", "Nghị quyết", "Ước 2024"]
    assert list(frame["start"]) == [0.0, 7.5, 0.0] and list(frame["end"]) == [5.75, 8.0, 5.86]
    assert chart_values_text(chart).endswith("So NQ: không có số liệu (%)")
    assert chart_frame({"labels": ["A"], "values": [None]}) is None
    assert chart_frame({"labels": ["A", "B"], "values": [1.0]})["label"].tolist() == ["A"]
    assert chart_frame(None) is None


def test_table_frame_is_arrow_safe_and_csv_has_bom():
    frame = table_frame([{"Dòng": "4 và 9", "Số": 1}, {"Dòng": 5, "Số": 2, "Ghi chú": ["a", "b"]}])
    assert frame["Dòng"].tolist() == ["4 và 9", "5"]
    assert frame["Ghi chú"].tolist()[1] == "a; b"
    assert table_csv(frame).startswith("\ufeff".encode())
    assert table_frame([]) is None and table_frame(None) is None


def test_verdict_colours():
    assert verdict_color("Chưa đạt NQ") == "red"
    assert verdict_color("Cơ bản đạt NQ") == "orange"
    assert verdict_color("Vượt NQ") == "green" and verdict_color("Đạt NQ") == "green"
    assert verdict_color(None) == "gray"


def test_rows_render_their_fields_in_reading_order(seed_by_id):
    row = seed_by_id["320/BC-UBND:III:20"]
    headers = [header for header, _ in row_fields(row)]
    assert headers[0] == "Cơ quan chủ trì đề xuất/ thực hiện"
    assert headers[-1] == "Báo cáo tình hình thực hiện"
    assert "Nhiệm vụ" not in headers
    assert "Thư viện Thành phố" in suggestion_question(row) and "dòng 20" in suggestion_question(row)


def test_citations_grouped_per_row():
    cite = lambda row, col: Citation(row_id=f"R:I:{row}", report="R", annex="I", row=row, column=col)  # noqa: E731
    groups = group_citations([cite("1", "a"), cite("2", "b"), cite("1", "c")])
    assert [(row_id, [c.column for c in cs]) for row_id, cs in groups] == [
        ("R:I:1", ["a", "c"]),
        ("R:I:2", ["b"]),
    ]


def test_overview_data_from_the_seed_report(seed_rows):
    assert len(top_indicators(seed_rows)) == 17
    frame = indicator_frame(seed_rows)
    assert list(frame.columns[3:6]) == ["Thực hiện 2023", "Nghị quyết 2024", "Ước thực hiện 2024"]
    assert frame.loc[frame["Dòng"] == "1", "Đánh giá của báo cáo"].item() == "Chưa đạt NQ"
    assert sum(verdict_counts(seed_rows).values()) == 17
    status = status_frame(seed_rows)
    building = status[(status["Phụ lục"] == "III") & (status["Ký hiệu"] == "(*)")]
    assert (
        building["Số lượng"].item() == 12 and building["Ý nghĩa"].item() == "Dự án đang triển khai thi công"
    )
    assert len(rows_with_marker(seed_rows, "III", "(*)")) == 12
    assert list(status["Phụ lục"].unique()) == ["II", "III", "IV", "V"]
    rates = {item["row_id"]: item["value"] for item in fact_items(seed_rows, "disbursement_rate")}
    assert rates["320/BC-UBND:III:20"] == 3.7
    assert len(fact_items(seed_rows, "site_clearance")) >= 1


def test_feedback_record_round_trip(tmp_path):
    answer = Answer(
        text="Có 7 dự án.",
        citations=[Citation(row_id="R:III:3", report="R", annex="III", row="3", quote="x")],
        route="table",
    )
    path = tmp_path / "sub" / "feedback.jsonl"
    record = feedback_record(
        message_id="m1", rating="up", question="Câu hỏi?", answer=answer, comment=" tốt "
    )
    append_feedback(path, record)
    append_feedback(path, {**record, "rating": "down"})
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["comment"] == "tốt"
    assert [r["rating"] for r in read_feedback(path)] == ["up", "down"]
    assert read_feedback(path)[0]["citations"][0]["row_id"] == "R:III:3"


def test_history_and_filters():
    messages = [
        {"id": str(i), "role": "user" if i % 2 == 0 else "assistant", "content": f"m{i}"} for i in range(20)
    ]
    history = history_for_answer(messages)
    assert len(history) == 12 and history[-1] == {"role": "assistant", "content": "m19"}
    assert current_filters({"filter_report": "__all__", "filter_annex": "III"}) == {
        "report": None,
        "annex": "III",
    }
    assert current_filters({}) == {"report": None, "annex": None}


def test_corpus_frames():
    reports = [
        {
            "number": "320/BC-UBND",
            "date": "2024-11-15",
            "rows": 3,
            "annexes": [
                {"numeral": "I", "title": "T", "rows": 1},
                {"numeral": "III", "title": "U", "rows": 2},
            ],
        }
    ]
    frame = reports_frame(reports)
    assert frame.iloc[0].to_dict() == {
        "Số hiệu": "320/BC-UBND",
        "Ngày": "15/11/2024",
        "Phụ lục": "I (1 dòng); III (2 dòng)",
        "Số bản ghi": 3,
    }
    assert system_frame({"records": 186, "llm": "tắt"})["Thông số"].tolist() == [
        "Số bản ghi (dòng phụ lục)",
        "Mô hình ngôn ngữ (LLM)",
    ]
