"""The «Đánh giá» page in a real browser (``streamlit run app.py`` + Debian's Chromium, hash embedder).

An evaluator uploads an .xlsx question set with gold answers and runs it, uploads the same questions without
answers, runs them, grades two answers by hand in the grading table, downloads the results and compares the
two runs. Screenshots in ``test-artifacts/eval-*.png``.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from eval.runs import RunStore, type_table
from eval.ui_driver import chromium
from tests.conftest import ARTIFACTS, BROWSER_MARKS, private_server

ROOT = Path(__file__).resolve().parents[1]
GRID_HEADER_PX = 35  # st.data_editor: header height and row height (glide data grid defaults)
GRID_ROW_PX = 35

pytestmark = BROWSER_MARKS

QUESTIONS = [  # question, phải có, nguồn, loại
    ("Tổng vốn đầu tư trên địa bàn năm 2024 ước đạt bao nhiêu?", "31.500,00", "Phụ lục I, dòng 4", ""),
    ("GRDP năm 2024 tăng trưởng ước bao nhiêu %?", "5,86", "Phụ lục I, dòng 1", ""),
    ("Tỷ lệ hộ nghèo ước năm 2024 là bao nhiêu?", "0,09", "320/BC-UBND:I:11", ""),
    ("Tình hình dự án Thư viện thành phố?", "Thư viện", "", ""),
    ("Dân số thành phố năm 2024 là bao nhiêu?", "", "", "không có trong báo cáo"),
]


def write_xlsx(path: Path, header: list[str], rows: list[tuple]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with private_server(tmp_path_factory.mktemp("vnqa_eval_browser"), "streamlit-eval.log") as running:
        yield running


def open_page(page, url: str) -> None:
    page.goto(f"{url}/danh-gia", timeout=120_000)
    page.get_by_text("1. Bộ câu hỏi").wait_for(timeout=120_000)


def upload_and_run(page, path: Path, read_text: str) -> None:
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text(read_text).wait_for(timeout=60_000)
    page.get_by_role("button", name="Chạy đánh giá").click()
    page.get_by_text(f"Bộ câu hỏi: {path.name}").wait_for(timeout=120_000)  # the finished run is shown


GRADE_TRIES = 6  # the grid may redraw (or be replaced by a rerun) under the first clicks after a run


def grade(page, editor, row: int, column_x: float, value: str, graded_after: int) -> None:
    """Pick ✓/✗ in the grading table's «chấm» cell of ``row`` and wait until the page counts it."""
    option = page.get_by_role("option", name=value, exact=True)
    for attempt in range(GRADE_TRIES):  # select the cell, open its editor; again when the grid was redrawn
        try:
            editor.wait_for(state="visible", timeout=30_000)
            editor.scroll_into_view_if_needed(timeout=10_000)
            box = editor.bounding_box(timeout=10_000)
            page.mouse.click(box["x"] + column_x, box["y"] + GRID_HEADER_PX + GRID_ROW_PX * row + GRID_ROW_PX / 2)
            page.wait_for_timeout(300)
            page.keyboard.press("Enter")
            option.wait_for(timeout=5_000)
            break
        except Exception:  # noqa: BLE001 - the element was detached or the editor did not open: try again
            if attempt == GRADE_TRIES - 1:
                raise
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)
    option.click(timeout=15_000)
    page.get_by_text(f"Đã chấm tay {graded_after} câu.").wait_for(timeout=30_000)


def test_malformed_question_file_says_what_is_wrong(server, tmp_path):
    wrong = write_xlsx(tmp_path / "sai-cot.xlsx", ["Nội dung", "Ghi chú"], [("GRDP năm 2024?", "")])
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1100}, locale="vi-VN")
        try:
            open_page(page, server.url)
            page.locator('input[type="file"]').set_input_files(str(wrong))
            message = page.get_by_text("không có cột «câu hỏi»")
            message.wait_for(timeout=60_000)
            assert "«Nội dung»" in message.inner_text()
            assert page.get_by_role("button", name="Chạy đánh giá").count() == 0
        finally:
            page.close()


DOWNLOAD_TRIES = 3  # a rerun of the page at the click can cancel a download in the browser; the file is the same


def _download(page, button: str) -> Path:  # noqa: ANN001
    """The file a download button gives (clicked again when the browser cancelled the download)."""
    for attempt in range(DOWNLOAD_TRIES):
        with page.expect_download() as download:
            page.get_by_role("button", name=button).click()
        try:
            return Path(download.value.path())
        except Exception:
            if attempt == DOWNLOAD_TRIES - 1:
                raise
            page.wait_for_timeout(500)
    raise AssertionError("unreachable")


def test_run_grade_download_and_compare(server, tmp_path):
    gold = write_xlsx(tmp_path / "co-dap-an.xlsx", ["Câu hỏi", "Phải có", "Nguồn", "Loại"], QUESTIONS)
    bare = write_xlsx(tmp_path / "khong-dap-an.xlsx", ["cau hoi"], [(q[0],) for q in QUESTIONS])
    store = RunStore(server.data_dir / "eval_runs")
    with chromium() as browser:
        page = browser.new_page(
            viewport={"width": 1280, "height": 1400}, locale="vi-VN", accept_downloads=True
        )
        try:
            open_page(page, server.url)
            # 1. With gold answers: every question is scored by the strict scorer.
            upload_and_run(page, gold, "5 câu máy chấm được, 0 câu cần chấm tay")
            page.get_by_text("Đã chạy xong: 5/5 câu.").wait_for(timeout=30_000)
            first = store.load("latest")
            assert [r["verdict"] for r in first.results] == ["correct"] * 4 + ["refused_ok"]
            assert type_table(first)[0] | {"p50 (ms)": None, "p95 (ms)": None} == {
                "loại": "tất cả",
                "số câu": 5,
                "đã chấm": 5,
                "đúng": 1.0,
                "trả lời sai": 0.0,
                "từ chối sai": 0.0,
                "trích dẫn đúng (precision)": 1.0,
                "trích dẫn đủ (recall)": 1.0,
                "p50 (ms)": None,
                "p95 (ms)": None,
            }
            page.screenshot(path=str(ARTIFACTS / "eval-gold.png"), full_page=True)

            # 2. Without gold answers: graded by hand, ✗ on the first answer and ✓ on the second.
            upload_and_run(page, bare, "0 câu máy chấm được, 5 câu cần chấm tay")
            page.get_by_text("5 câu chưa chấm").wait_for(timeout=30_000)
            editor = page.locator('[data-testid="stDataFrame"]').filter(has=page.locator("canvas")).nth(1)
            grade(page, editor, row=0, column_x=35, value="✗", graded_after=1)
            grade(page, editor, row=1, column_x=35, value="✓", graded_after=2)
            page.get_by_text("3 câu chưa chấm").wait_for(timeout=30_000)  # the grades count in the scores
            failure = page.locator('[data-testid="stExpander"]').filter(has_text="q001 · trả lời sai")
            failure.locator("summary").click()
            shown = failure.inner_text()  # question, expected, answer and citations side by side
            for text in (
                "Câu hỏi",
                "Đáp án mong đợi",
                "Câu trả lời",
                "31.500,00",
                "320/BC-UBND · Phụ lục I · dòng 4",
            ):
                assert text in shown, text
            second = store.load("latest")
            assert second.run_id != first.run_id
            assert {k: v["grade"] for k, v in second.grades.items()} == {"q001": "✗", "q002": "✓"}
            table = type_table(second)[0]
            assert (table["đã chấm"], table["đúng"], table["trả lời sai"]) == (2, 0.5, 0.5)

            # 3. Downloads: the results workbook carries the hand grades; the Markdown report the scores.
            sheet = openpyxl.load_workbook(io.BytesIO(_download(page, "Tải kết quả (.xlsx)").read_bytes()))["Kết quả"]
            rows = list(sheet.iter_rows(values_only=True))
            header = list(rows[0])
            by_id = {r[header.index("mã")]: r for r in rows[1:]}
            assert by_id["q001"][header.index("chấm tay")] == "✗"
            assert by_id["q001"][header.index("kết quả")] == "trả lời sai"
            assert by_id["q002"][header.index("kết quả")] == "đúng"
            assert by_id["q003"][header.index("kết quả")] == "chưa chấm"
            report = _download(page, "Tải báo cáo (.md)").read_text(encoding="utf-8")
            assert (
                f"# Đánh giá {second.run_id}" in report
                and "| tất cả | 5 | 2 | 50,0% | 50,0% | 0,0% |" in report
            )

            # 4. Compare the two runs (questions matched across the two files by their text).
            changed = page.locator('[data-testid="stMetric"]').filter(has_text="Đúng → sai")
            changed.scroll_into_view_if_needed()
            assert changed.inner_text().split()[-1] == "1"
            assert (
                page.locator('[data-testid="stMetric"]').filter(has_text="Vẫn đúng").inner_text().split()[-1]
                == "1"
            )
            comparison = _download(page, "Tải so sánh (.md)").read_text(encoding="utf-8")
            assert "Đúng → sai: 1 · sai → đúng: 0 · vẫn đúng: 1" in comparison
            assert QUESTIONS[0][0] in comparison
        finally:
            page.screenshot(path=str(ARTIFACTS / "eval-graded.png"), full_page=True)
            page.close()


def test_a_500_question_run_shows_progress_and_stops_on_dzung(server, tmp_path):
    """Last (it adds a run): 500 questions, the progress bar moves, «Dừng» stops the run between questions."""
    many = write_xlsx(
        tmp_path / "500-cau.xlsx", ["câu hỏi"], [(f"{QUESTIONS[i % 4][0]} ({i})",) for i in range(500)]
    )
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1100}, locale="vi-VN")
        try:
            open_page(page, server.url)
            page.locator('input[type="file"]').set_input_files(str(many))
            page.get_by_text("Đã đọc 500 câu hỏi").wait_for(timeout=60_000)
            page.get_by_role("button", name="Chạy đánh giá").click()
            page.get_by_text("Đang trả lời: ").wait_for(timeout=60_000)
            page.get_by_text("/500 câu · còn khoảng").wait_for(timeout=60_000)  # progress with the time left
            page.get_by_role("button", name="Dừng").click()
            page.get_by_text("Bộ câu hỏi: 500-cau.xlsx").wait_for(timeout=60_000)
            stopped = page.get_by_text("Đã dừng: ")
            done = int(stopped.inner_text().split(": ")[1].split("/")[0])
            assert 0 < done < 500
            saved = RunStore(server.data_dir / "eval_runs").load("latest")
            assert (saved.meta["status"], len(saved.results)) == ("cancelled", done)
        finally:
            page.screenshot(path=str(ARTIFACTS / "eval-cancelled.png"), full_page=True)
            page.close()
