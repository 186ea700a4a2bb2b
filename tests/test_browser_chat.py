"""The chat as a leader meets it, in a real browser on a desktop (1280 px) and a phone (390 × 844).

One Streamlit server and one Chromium for the module. Every page runs offline for real: any request
to a host other than the loopback server fails the test. Screenshots: ``test-artifacts/chat-*.png``.
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from eval.ui_driver import ask, chromium, open_chat
from tests.conftest import ARTIFACTS, BROWSER_MARKS, private_server

ROOT = Path(__file__).resolve().parents[1]
DESKTOP = {"width": 1280, "height": 1000}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
MESSAGES = '[data-testid="stChatMessage"]'

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with private_server(tmp_path_factory.mktemp("vnqa_browser_chat"), "streamlit-chat.log") as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


class OfflinePage:
    """A page whose every request is checked: loopback and data:/blob: pass, anything else is
    aborted and recorded (``outside``), so that a font, favicon or CDN fetch fails the test."""

    def __init__(self, browser, viewport: dict, name: str):
        self.name = name
        self.outside: list[str] = []
        self.context = browser.new_context(
            viewport=viewport, locale="vi-VN", accept_downloads=True, is_mobile=viewport is PHONE
        )
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()

    def _route(self, route):
        url = route.request.url
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob") or parsed.hostname in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def shot(self, suffix: str, full_page: bool = True) -> None:
        self.page.wait_for_timeout(300)  # let charts settle
        self.page.screenshot(path=str(ARTIFACTS / f"chat-{self.name}-{suffix}.png"), full_page=full_page)

    def close(self) -> None:
        self.context.close()
        assert self.outside == [], f"requests left the machine: {self.outside}"


@pytest.fixture(params=list(VIEWPORTS))
def tab(request, browser):
    page = OfflinePage(browser, VIEWPORTS[request.param], request.param)
    yield page
    page.close()


def wait_answers(page, count: int, timeout_s: float = 120) -> None:
    done = page.locator(MESSAGES).filter(has_text="Thời gian trả lời")
    deadline = time.monotonic() + timeout_s
    while done.count() < count:
        assert time.monotonic() < deadline, f"fewer than {count} answers after {timeout_s} s"
        page.wait_for_timeout(50)


def assert_fits(page, locator, width: int) -> None:
    """Every element of ``locator`` lies inside the viewport's width (nothing cut off on a phone)."""
    for i in range(locator.count()):
        box = locator.nth(i).bounding_box()
        if box is not None:
            assert box["x"] >= -1 and box["x"] + box["width"] <= width + 1, (i, box)


# -- 1, 7, 8, 10: first screen, one click, details folded, offline, Vietnamese ------------------


def test_first_screen_one_click_question(tab, server):
    page, width = tab.page, tab.page.viewport_size["width"]
    open_chat(page, server.url)
    assert page.evaluate("document.documentElement.lang") == "vi"
    welcome = page.locator(".st-key-welcome")
    welcome.wait_for(timeout=30_000)
    assert "Báo cáo số 320/BC-UBND ngày 15/11/2024" in welcome.inner_text()
    buttons = welcome.get_by_role("button")
    assert 4 <= buttons.count() <= 6
    if width < 640:  # a phone: the sidebar starts closed, the examples are on the page
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_attribute("data-collapsed") == "true"
    assert_fits(page, buttons, width)
    tab.shot("1-first-screen")
    first = buttons.first.inner_text().strip()
    assert first.endswith("có đạt kế hoạch không?")  # built from the corpus: an indicator with a target
    buttons.first.click()
    wait_answers(page, 1)
    reply = page.locator(MESSAGES).last
    lead = reply.locator('[data-testid="stMarkdownContainer"]').first.inner_text()
    assert re.match(r"^(Cơ bản đạt|Đạt|Vượt|Chưa đạt)\b", lead), lead  # the yes/no comes first
    assert not welcome.is_visible()
    # the target range is drawn as an interval, and the chart fits the screen
    chart = reply.locator('[data-testid="stVegaLiteChart"]')
    chart.first.wait_for(timeout=30_000)
    assert_fits(page, chart, width)
    assert "Vùng tô cam: khoảng chỉ tiêu" in reply.inner_text()
    # internal details only behind "Chi tiết"
    assert not reply.get_by_text("Mã dòng:").first.is_visible()
    assert not reply.get_by_text("Cách trả lời:").first.is_visible()
    reply.locator('[data-testid="stExpander"] summary').filter(has_text="Chi tiết").click()
    details = reply.get_by_text("Mã dòng:")
    details.first.wait_for(state="visible", timeout=10_000)
    assert re.search(r"Mã dòng: 320/BC-UBND:I:\d+", reply.inner_text())
    assert "Cách trả lời: tra bảng số liệu" in reply.inner_text()
    tab.shot("2-first-answer-details", full_page=False)
    reply.screenshot(path=str(ARTIFACTS / f"chat-{tab.name}-2-first-answer.png"))


# -- 2: short answers: status text and list not repeated ----------------------------------------


def test_answers_lead_and_do_not_repeat(tab, server):
    page = tab.page
    open_chat(page, server.url)
    ask(page, "Những chỉ tiêu nào chưa đạt?", expected_answers=1)
    reply = page.locator(MESSAGES).last
    text = reply.inner_text()
    assert text.startswith("Có 3 chỉ tiêu") or "\nCó 3 chỉ tiêu" in text[:200], text[:200]
    reply.locator('[data-testid="stDataFrame"]').wait_for(timeout=30_000)  # the result table, once
    assert "- PL I mục 1" not in text and "PL I mục 1:" not in text  # the list is the table, not a sentence
    ask(page, "Tình hình dự án Thư viện thành phố?", expected_answers=2)
    reply = page.locator(MESSAGES).last
    expect(reply).to_contain_text("Số liệu chính")
    unfolded = reply.evaluate(  # the text outside the folded parts (sources, "Chi tiết")
        """e => [...e.querySelectorAll('[data-testid="stMarkdownContainer"]')]
                .filter(m => !m.closest('details')).map(m => m.innerText).join('\\n')"""
    )
    assert unfolded.startswith("Tình hình") and "Số liệu chính" in unfolded, unfolded
    assert "Theo báo cáo:" not in reply.inner_text()  # the report's text is in the source card only
    card = reply.locator('[data-testid="stExpander"]').filter(has_text="Phụ lục III · dòng 20")
    assert card.count() == 1
    card.locator("summary").click()
    card.locator('[data-testid="stAlertContainer"]').first.wait_for(state="visible", timeout=10_000)
    tab.shot("3-status-answer")


# -- 3: history survives a reload, is listed, new conversation asks first, export ------------


def test_history_reload_new_conversation_and_export(tab, server):
    from docx import Document

    page = tab.page
    open_chat(page, server.url)
    ask(page, "Những chỉ tiêu nào chưa đạt?", expected_answers=1)
    conversation = re.search(r"[?&]c=([0-9a-f]{16})", page.url)
    assert conversation, page.url
    saved = list((server.data_dir / "conversations").glob(f"*/{conversation.group(1)}.json"))
    assert len(saved) == 1 and "Những chỉ tiêu nào chưa đạt?" in saved[0].read_text(encoding="utf-8")

    page.reload()
    open_chat(page, server.url + f"/?c={conversation.group(1)}")
    wait_answers(page, 1)
    assert "Những chỉ tiêu nào chưa đạt?" in page.locator(MESSAGES).first.inner_text()

    # export: a Word brief and Markdown
    page.get_by_role("button", name="Lưu cuộc trò chuyện").click()
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Tải bản Word (.docx)").click()
    doc = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "1. Những chỉ tiêu nào chưa đạt?" in body and "Có 3 chỉ tiêu" in body
    assert "320/BC-UBND · Phụ lục I · dòng 1" in body  # the cited rows
    assert len(doc.tables) == 1 and doc.tables[0].rows[0].cells[0].text == "Báo cáo"
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Tải bản Markdown (.md)").click()
    markdown = Path(download.value.path()).read_text(encoding="utf-8")
    assert "## 1. Những chỉ tiêu nào chưa đạt?" in markdown and "| Báo cáo |" in markdown
    page.keyboard.press("Escape")

    # new conversation: asks for confirmation first, then the first screen again
    if page.viewport_size["width"] < 640:
        page.locator('[data-testid="stExpandSidebarButton"]').click()
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("button", name="Cuộc trò chuyện mới").click()
    assert page.locator(MESSAGES).count() == 2  # nothing cleared before the confirmation
    confirm = page.get_by_role("button", name="Bắt đầu cuộc mới")
    confirm.wait_for(timeout=10_000)
    tab.shot("4-new-conversation-confirm", full_page=False)
    confirm.click()
    page.locator(MESSAGES).first.wait_for(state="detached", timeout=30_000)
    page.locator(".st-key-welcome").wait_for(timeout=30_000)
    assert conversation.group(1) not in page.url

    # the earlier conversation is listed in the sidebar and opens again
    if page.viewport_size["width"] < 640 and not sidebar.get_by_text("Các cuộc trò chuyện").is_visible():
        page.locator('[data-testid="stExpandSidebarButton"]').click()
    listed = sidebar.locator(f".st-key-conv_{conversation.group(1)} button")
    listed.wait_for(timeout=10_000)
    assert "Những chỉ tiêu nào chưa đạt?" in listed.inner_text()
    tab.shot("5-history-list", full_page=False)
    listed.click()
    wait_answers(page, 1)
    assert conversation.group(1) in page.url


# -- 6, 9: a question too long, a question with HTML ---------------------------------------


def test_long_question_and_html_question(tab, server):
    page = tab.page
    open_chat(page, server.url)
    long = "Tình hình dự án Thư viện thành phố? " + "rất " * 700  # about 2,840 characters
    ask(page, long, expected_answers=1)
    question = page.locator(MESSAGES).nth(0)
    assert "Câu hỏi quá dài nên chỉ 2.000 ký tự đầu được dùng." in question.inner_text()
    assert len(question.locator('[data-testid="stMarkdownContainer"]').first.inner_text()) <= 2000
    expect(page.locator(MESSAGES).nth(1)).to_contain_text("Thư viện Thành phố")
    ask(
        page, "<p>Tình hình <b>dự án Thư viện thành phố</b>?</p><script>alert(1)</script>", expected_answers=2
    )
    question = page.locator(MESSAGES).nth(2)
    expect(question.locator('[data-testid="stMarkdownContainer"]').first).to_have_text(
        "Tình hình dự án Thư viện thành phố ?"
    )
    assert "Câu hỏi có thẻ HTML" in question.inner_text()
    expect(page.locator(MESSAGES).nth(3)).to_contain_text("Thư viện Thành phố")
    assert "Không có trong báo cáo" not in page.locator(MESSAGES).nth(3).inner_text()
    tab.shot("6-long-and-html")


# -- 4, 5, 10: the overview's charts on a phone, the upload page in Vietnamese --------------


def test_overview_charts_and_upload_page(tab, server):
    page, width = tab.page, tab.page.viewport_size["width"]
    page.goto(f"{server.url}/tong-quan", timeout=120_000)
    page.get_by_text("Tỷ lệ giải ngân kế hoạch vốn").first.wait_for(timeout=120_000)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    charts.first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    assert charts.count() >= 2
    assert_fits(page, charts, width)
    for i in range(charts.count()):  # the bars keep most of the width: labels wrap in a narrow column
        box = charts.nth(i).bounding_box()
        assert box["width"] >= min(width, 1280) * 0.5, box
    tab.shot("7-overview", full_page=False)
    for i, name in ((charts.count() - 2, "disbursement"), (charts.count() - 1, "site-clearance")):
        charts.nth(i).screenshot(path=str(ARTIFACTS / f"chat-{tab.name}-7-overview-{name}.png"))
    page.goto(f"{server.url}/quan-ly-bao-cao", timeout=120_000)
    dropzone = page.locator('[data-testid="stFileUploaderDropzone"]')
    dropzone.wait_for(timeout=120_000)
    expect(dropzone).to_contain_text("mỗi tệp")  # Streamlit's "5MB per file" hint
    text = dropzone.inner_text()
    assert "Tải lên" in text and re.search(r"Tối đa \d+ MB mỗi tệp", text), text
    body = page.inner_text("body")
    assert not any(english in body for english in ("Drag and drop", "Browse files", "per file", "Upload"))
    assert page.evaluate("document.documentElement.lang") == "vi"
    tab.shot("8-upload")
