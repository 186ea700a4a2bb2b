"""End to end in a real browser: ``streamlit run app.py`` + Debian's Chromium driven by Playwright.

Skipped (saying why) only when ``/usr/bin/chromium`` is missing; ``make test`` installs it.
Leaves a screenshot in ``test-artifacts/chat.png``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.ui_driver import ask, chromium, open_chat
from tests.conftest import ARTIFACTS, BROWSER_MARKS, private_server

ROOT = Path(__file__).resolve().parents[1]

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with private_server(tmp_path_factory.mktemp("vnqa_browser"), "streamlit.log") as running:
        yield running


def test_chat_in_a_real_browser(server):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1400}, locale="vi-VN")
        try:
            open_chat(page, server.url)
            ask(page, "Tình hình dự án Thư viện thành phố?", expected_answers=1)
            reply = page.locator('[data-testid="stChatMessage"]').last
            assert "Thư viện Thành phố" in reply.inner_text()
            card = reply.locator('[data-testid="stExpander"]').filter(has_text="Phụ lục III · dòng 20")
            card.first.wait_for(state="visible", timeout=30_000)
            card.first.locator("summary").click()  # sources are folded under the answer
            card.first.get_by_text("Báo cáo tình hình thực hiện").first.wait_for(timeout=10_000)
            assert card.first.locator('[data-testid="stAlertContainer"]').count() >= 1  # the highlighted cell
            question = page.locator('[data-testid="stChatMessage"]').filter(
                has_text="Tình hình dự án Thư viện"
            )
            question.last.evaluate("e => e.scrollIntoView({block: 'start'})")  # question + answer in view
            page.wait_for_timeout(500)  # let charts and fonts settle before the screenshot
        finally:
            page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)
            page.close()


def test_overview_page_in_a_real_browser(server):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1100}, locale="vi-VN")
        try:
            page.goto(f"{server.url}/tong-quan", timeout=120_000)
            page.get_by_text("Tỷ lệ giải ngân kế hoạch vốn").wait_for(timeout=120_000)
            assert page.get_by_text("Page not found").count() == 0
            assert page.locator('[data-testid="stExpander"]').count() >= 17 + 4
            page.get_by_text("Tỷ lệ giải ngân kế hoạch vốn").scroll_into_view_if_needed()
            xem = page.get_by_role("button", name="Xem", exact=True)
            xem.last.click()
            page.get_by_text("Mã dòng: 320/BC-UBND:III:").first.wait_for(timeout=30_000)
            page.wait_for_timeout(500)
        finally:
            page.screenshot(path=str(ARTIFACTS / "overview.png"))
            page.close()


def test_upload_a_word_report_and_ask_about_it(server, tmp_path):
    """Last (it changes the server's corpus): the .docx of report 45 uploaded through the page, then asked about."""
    from tests.report_writers import write_docx

    report = ROOT / "tests" / "data" / "bao-cao-45-BC-UBND-2025-phu-luc.txt"
    docx = write_docx(report.read_text(encoding="utf-8"), tmp_path / "bao-cao-45.docx")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1100}, locale="vi-VN")
        try:
            page.goto(f"{server.url}/quan-ly-bao-cao", timeout=120_000)
            page.get_by_text("Nạp báo cáo mới").wait_for(timeout=120_000)
            page.locator('input[type="file"]').set_input_files(str(docx))
            page.get_by_role("button", name="Nạp báo cáo").click(timeout=60_000)
            page.get_by_text("Đã nạp báo cáo số 45/BC-UBND").wait_for(timeout=180_000)
            open_chat(page, server.url)
            ask(page, "Theo báo cáo 45, dự án Thư viện Thành phố đã giải ngân bao nhiêu?", expected_answers=1)
            reply = page.locator('[data-testid="stChatMessage"]').last.inner_text()
            assert "12,5" in reply and "45/BC-UBND" in reply
        finally:
            page.screenshot(path=str(ARTIFACTS / "upload-docx.png"), full_page=True)
            page.close()
