"""Question sets from evaluators' files (eval/question_sets.py): columns, formats and clear Vietnamese errors."""

from __future__ import annotations

import io
import json
import time

import openpyxl
import pytest

from eval.question_sets import (
    QuestionSetError,
    parse_sources,
    question_key,
    read_question_set,
    template_csv,
    template_xlsx,
)

LIMIT = 5000


def xlsx(rows: list[list], sheet_title: str = "Câu hỏi") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(data: bytes, name: str = "cau-hoi.xlsx"):
    return read_question_set(data, name, LIMIT)


def test_columns_without_diacritics_or_case_map_onto_the_question_fields():
    data = xlsx(
        [
            ["Bảng câu hỏi đánh giá"],  # a title line above the header
            [
                "CAU HOI",
                "Ngữ cảnh / câu trước",
                "dap an mong doi",
                "Phải có (bắt buộc)",
                "KHÔNG ĐƯỢC CÓ",
                "nguồn",
                "Loại",
                "cột lạ",
            ],
            [
                "còn năm 2023?",
                "GRDP năm 2024 tăng bao nhiêu?\nso với kế hoạch?",
                "5,75%",
                "5,75",
                "5,86; 7,5",
                "320/BC-UBND:I:1; Phụ lục II, dòng 5.1",
                "nối tiếp",
                "x",
            ],
            ["Dân số năm 2024?", "", "", "", "", "", "Không có trong báo cáo", ""],
            ["Tổng vốn đầu tư năm 2024?", "", "31.500,00 tỷ đồng", "", "", "", "", ""],
            [
                "Nói về tình hình giải ngân",
                "",
                "Giải ngân chậm ở nhiều dự án do vướng mặt bằng kéo dài",
                "",
                "",
                "",
                "",
                "",
            ],
        ]
    )
    qs = read(data)
    first, refusal, short, prose = qs.questions
    assert first == {
        "id": "q001",
        "type": "nối tiếp",
        "question": "còn năm 2023?",
        "context": ["GRDP năm 2024 tăng bao nhiêu?", "so với kế hoạch?"],
        "must_include": ["5,75"],
        "must_not_include": ["5,86", "7,5"],
        "count": None,
        "sources": [
            {"report": "320/BC-UBND", "annex": "I", "row": "1"},
            {"report": None, "annex": "II", "row": "5.1"},
        ],
        "tags": [],
        "answer": "5,75%",
        "notes": "",
        "key": question_key("còn năm 2023?", ["GRDP năm 2024 tăng bao nhiêu?", "so với kế hoạch?"]),
        "graded_by": "auto",
    }
    assert (refusal["type"], refusal["graded_by"]) == ("no_answer", "auto")
    assert (short["must_include"], short["graded_by"]) == (
        ["31.500,00 tỷ đồng"],
        "auto",
    )  # a short expected answer is required
    assert (prose["must_include"], prose["graded_by"]) == ([], "hand")  # prose is for the human grader
    assert qs.n_hand == 1 and qs.notices == []


def test_question_key_ignores_case_spacing_and_unicode_form():
    assert question_key("GRDP  năm 2024?") == question_key("grdp năm 2024?")
    assert question_key("x", ["a"]) != question_key("x")


def test_templates_read_back():
    for data, name in ((template_xlsx(), "mau.xlsx"), (template_csv(), "mau.csv")):
        qs = read(data, name)
        assert [q["graded_by"] for q in qs.questions] == ["auto", "hand", "auto"]
        assert qs.questions[0]["sources"] == [{"report": None, "annex": "I", "row": "4"}]
    sheets = openpyxl.load_workbook(io.BytesIO(template_xlsx())).sheetnames
    assert sheets == ["Câu hỏi", "Hướng dẫn"]


def test_wrong_columns_name_the_columns_found():
    with pytest.raises(QuestionSetError) as err:
        read(xlsx([["Nội dung", "Kết quả"], ["GRDP năm 2024?", "5,86"]]))
    message = str(err.value)
    assert "không có cột «câu hỏi»" in message and "«Nội dung», «Kết quả»" in message and "tệp mẫu" in message


def test_empty_rows_are_skipped_and_counted():
    qs = read(xlsx([["câu hỏi", "phải có"], ["A?", "1"], [None, None], ["", ""], [None, "2"], ["B?", ""]]))
    assert [q["question"] for q in qs.questions] == ["A?", "B?"]
    assert qs.notices == ["Bỏ qua 2 dòng trống.", "Bỏ qua 1 dòng không có câu hỏi (dòng 5)."]


def test_only_a_header_is_an_error():
    with pytest.raises(QuestionSetError, match="không có câu hỏi nào"):
        read(xlsx([["câu hỏi"], [None]]))


def test_ten_thousand_rows_exceed_the_limit_with_a_clear_message():
    data = xlsx([["câu hỏi"], *[[f"Câu hỏi số {i}?"] for i in range(10_000)]])
    started = time.perf_counter()
    with pytest.raises(QuestionSetError) as err:
        read(data)
    assert str(err.value).startswith(
        "Tệp cau-hoi.xlsx có 10.000 câu hỏi, vượt giới hạn 5.000 câu mỗi lần chạy"
    )
    assert time.perf_counter() - started < 20
    csv_data = ("câu hỏi\n" + "".join(f"Câu {i}?\n" for i in range(10_000))).encode()
    with pytest.raises(QuestionSetError, match="10.000 câu hỏi"):
        read(csv_data, "a.csv")
    with pytest.raises(QuestionSetError, match="10.000 câu hỏi"):
        read("".join(json.dumps({"question": f"C{i}?"}) + "\n" for i in range(10_000)).encode(), "a.jsonl")


def test_formula_cells_use_the_cached_value_or_name_the_cell():
    # openpyxl writes formulas without a computed value, as a script or a web export would.
    data = xlsx([["câu hỏi", "phải có"], ["GRDP năm 2024?", "=1+2"]])
    with pytest.raises(QuestionSetError) as err:
        read(data)
    assert str(err.value).startswith("Ô B2 (trang «Câu hỏi») chứa công thức «=1+2» chưa có giá trị tính sẵn")
    cached = _with_cached_value(data, "B2", "5,86")  # what Excel saves: the formula and its last value
    assert read(cached).questions[0]["must_include"] == ["5,86"]


def _with_cached_value(data: bytes, cell: str, value: str) -> bytes:
    """Add the cached value Excel stores next to a formula (``<f>…</f><v>…</v>``) to the sheet XML."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                text = re.sub(
                    rf'<c r="{cell}"([^>]*)><f>([^<]*)</f><v\s*/?>(?:</v>)?',
                    rf'<c r="{cell}"\1 t="str"><f>\2</f><v>{value}</v>',
                    text,
                )
                assert f"<v>{value}</v>" in text
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def test_csv_encodings_utf8_bom_semicolons_and_windows_1258():
    text = "câu hỏi;phải có\nTỷ lệ hộ nghèo năm 2024?;0,09\n"
    qs = read(text.encode("utf-8-sig"), "a.csv")
    assert qs.questions[0]["question"] == "Tỷ lệ hộ nghèo năm 2024?" and qs.questions[0]["must_include"] == [
        "0,09"
    ]
    assert qs.notices == []
    legacy = read(cp1258(text), "a.csv")
    assert legacy.questions[0]["question"] == "Tỷ lệ hộ nghèo năm 2024?"
    assert "không phải UTF-8; đã đọc theo bảng mã Windows-1258" in legacy.notices[0]
    utf16 = read(text.encode("utf-16"), "a.csv")
    assert utf16.questions[0]["must_include"] == ["0,09"]


def cp1258(text: str) -> bytes:
    """Text as Vietnamese Windows saves it: precomposed base letters (â, ơ, ư …), tone marks as combining characters."""
    import unicodedata

    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out.append(base + "".join(p for p in parts if p in tones))
    return "".join(out).encode("cp1258")


def test_undecodable_csv_says_how_to_save_it():
    with pytest.raises(QuestionSetError) as err:
        read("câu hỏi\nA?\n".encode() + b"\x81\x8d\xff\xfe", "a.csv")
    assert "không phải UTF-8, Windows-1258 hay Windows-1252" in str(err.value) and "CSV UTF-8" in str(
        err.value
    )


def test_jsonl_in_the_project_schema_or_with_vietnamese_keys():
    project = json.dumps(
        {"id": "q7", "type": "count", "question": "Có bao nhiêu?", "must_include": ["3"], "count": 3}
    )
    vietnamese = json.dumps(
        {"câu hỏi": "GRDP?", "phải có": ["5,86"], "nguồn": "Phụ lục I, dòng 1"}, ensure_ascii=False
    )
    qs = read(f"{project}\n\n{vietnamese}\n".encode(), "a.jsonl")
    assert [(q["id"], q["type"], q["must_include"], q["count"]) for q in qs.questions] == [
        ("q7", "count", ["3"], 3),
        ("q002", "chung", ["5,86"], None),
    ]
    assert qs.questions[1]["sources"] == [{"report": None, "annex": "I", "row": "1"}]
    with pytest.raises(QuestionSetError, match="Dòng 1 .* không có trường «question»"):
        read(b'{"text": "x"}\n', "a.jsonl")
    with pytest.raises(QuestionSetError, match="Dòng 2 .* không phải JSON"):
        read(b'{"question": "x"}\n{oops\n', "a.jsonl")


def test_unreadable_sources_and_files_are_named():
    with pytest.raises(QuestionSetError, match="Dòng 2: không hiểu nguồn «đâu đó»"):
        read(xlsx([["câu hỏi", "nguồn"], ["A?", "đâu đó"]]))
    with pytest.raises(QuestionSetError, match="Excel cũ"):
        read(b"\xd0\xcf\x11\xe0 old", "a.xls")
    with pytest.raises(QuestionSetError, match="không phải tệp Excel .xlsx hợp lệ"):
        read(b"not a zip", "a.xlsx")
    with pytest.raises(QuestionSetError, match="trống"):
        read(b"", "a.csv")
    assert parse_sources("PL III mục 20.", "x") == [{"report": None, "annex": "III", "row": "20"}]


def test_a_file_over_the_size_limit_is_refused_before_reading():
    with pytest.raises(QuestionSetError) as err:
        read_question_set(b"x" * 3_000_000, "lon.csv", LIMIT, max_bytes=2 * 1048576)
    assert str(err.value) == (
        "Tệp lon.csv nặng 2,9 MB, vượt giới hạn 2 MB (VNQA_EVAL_MAX_UPLOAD_BYTES). Hãy chia thành nhiều tệp nhỏ hơn."
    )
