"""Sign-in and roles in a real browser: one app server with both sign-ins configured — a local OIDC
provider (``oidc-provider-mock``, started here on loopback) and a local users file — and Chromium.

Signed-out users see only the sign-in page; a viewer cannot reach report management even by URL; an
admin can, and restores an accidentally removed report from that page; two users' data never mix.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from eval.ui_driver import ask, chromium, free_port, new_conversation
from tests.conftest import ARTIFACTS, BROWSER_MARKS, private_server
from ui import users
from ui.audit import read_audit
from ui.conversations import ConversationStore
from ui.feedback import read_feedback

ROOT = Path(__file__).resolve().parents[1]
PASSWORDS = {"an": "mat-khau-quan-tri", "binh": "mat-khau-nguoi-xem"}  # test-only accounts
UPLOAD_TEXT = "Nạp báo cáo mới"

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def oidc_provider():
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=free_port()) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def server(tmp_path_factory, oidc_provider):
    base = tmp_path_factory.mktemp("vnqa_auth")
    users.set_user(base / "users.json", "an", "admin", PASSWORDS["an"])
    users.set_user(base / "users.json", "binh", "viewer", PASSWORDS["binh"])
    users.set_user(base / "users.json", "sep@so.gov.vn", "admin")  # an OIDC user made admin by e-mail
    port = free_port()
    secrets = base / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{os.urandom(16).hex()}"\n'
        'client_id = "vnqa-test"\n'
        'client_secret = "khong-bi-mat"\n'
        f'server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    with private_server(base, "streamlit-auth.log", port=port, args=["--secrets.files", str(secrets)]) as running:
        running.base = base
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


def new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1100}, locale="vi-VN")
    return context.new_page()


def wait_sign_in_page(page) -> None:
    page.get_by_role("heading", name="Đăng nhập").wait_for(timeout=120_000)
    page.get_by_label("Tên đăng nhập").wait_for(timeout=30_000)  # the page has run to its end


def nav_titles(page) -> list[str]:
    nav = page.locator('[data-testid="stSidebarNav"] a')
    return [t.strip().splitlines()[-1] for t in nav.all_inner_texts()]  # without the icon's name


def local_sign_in(page, url: str, name: str) -> None:
    page.goto(url, timeout=120_000)
    wait_sign_in_page(page)
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORDS[name])
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.get_by_text(f"Đang đăng nhập: {name}").wait_for(timeout=120_000)


def oidc_sign_in(page, url: str, email: str) -> None:
    page.goto(url, timeout=120_000)
    wait_sign_in_page(page)
    page.get_by_role("button", name="Đăng nhập bằng tài khoản tổ chức").click()
    page.locator('input[name="sub"]').wait_for(timeout=60_000)  # the provider's own page
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text(f"Đang đăng nhập: {email}").wait_for(timeout=120_000)


def wait_chat(page) -> None:
    """The chat input of this session (a local sign-in lives in the session: no page.goto after it)."""
    page.locator('[data-testid="stChatInput"] textarea').wait_for(timeout=120_000)


def shows_management(page) -> bool:
    page.wait_for_timeout(1500)  # let the page finish its run
    return page.get_by_text(UPLOAD_TEXT).count() > 0


def test_signed_out_users_see_only_the_sign_in_page(server, browser):
    page = new_page(browser)
    try:
        for path in ("", "/tong-quan", "/quan-ly-bao-cao"):
            page.goto(server.url + path, timeout=120_000)
            wait_sign_in_page(page)
            assert page.get_by_label("Tên đăng nhập").count() == 1
            assert page.get_by_role("button", name="Đăng nhập bằng tài khoản tổ chức").count() == 1
            assert not shows_management(page)
            assert page.locator('[data-testid="stChatInput"]').count() == 0
            assert "Hỏi đáp" not in nav_titles(page) and "Quản lý báo cáo" not in nav_titles(page)
        page.get_by_label("Tên đăng nhập").fill("binh")
        page.get_by_label("Mật khẩu", exact=True).fill("sai-mat-khau")
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        page.get_by_text("Sai tên đăng nhập hoặc mật khẩu.").wait_for(timeout=30_000)
    finally:
        page.screenshot(path=str(ARTIFACTS / "auth-signed-out.png"))
        page.context.close()


def test_a_viewer_cannot_reach_report_management_even_by_url(server, browser):
    local, oidc = new_page(browser), new_page(browser)
    try:
        local_sign_in(local, server.url + "/quan-ly-bao-cao", "binh")
        local.get_by_text("Bạn không có quyền mở trang này.").wait_for(timeout=60_000)
        assert nav_titles(local) == ["Hỏi đáp", "Tổng quan"]
        assert not shows_management(local)
        oidc_sign_in(oidc, server.url, "xem@so.gov.vn")  # unknown e-mail: viewer
        assert nav_titles(oidc) == ["Hỏi đáp", "Tổng quan"]
        oidc.goto(server.url + "/quan-ly-bao-cao", timeout=120_000)  # a new session: the OIDC cookie stays
        oidc.get_by_text("Đang đăng nhập: xem@so.gov.vn").wait_for(timeout=120_000)
        oidc.get_by_text("Bạn không có quyền mở trang này.").wait_for(timeout=60_000)
        assert not shows_management(oidc)
        assert oidc.get_by_role("button", name="Xác nhận xóa").count() == 0
        oidc.goto(server.url + "/danh-gia", timeout=120_000)  # the evaluators' page: not a viewer's either
        oidc.get_by_text("Bạn không có quyền mở trang này.").wait_for(timeout=60_000)
        assert oidc.get_by_text("Bộ câu hỏi").count() == 0
    finally:
        oidc.screenshot(path=str(ARTIFACTS / "auth-viewer-by-url.png"))
        local.context.close()
        oidc.context.close()


def test_an_oidc_admin_reaches_report_management_by_url(server, browser):
    page = new_page(browser)
    try:
        oidc_sign_in(page, server.url, "sep@so.gov.vn")
        assert nav_titles(page) == ["Hỏi đáp", "Tổng quan", "Quản lý báo cáo", "Đánh giá"]
        page.goto(server.url + "/quan-ly-bao-cao", timeout=120_000)
        page.get_by_text(UPLOAD_TEXT).wait_for(timeout=120_000)
        page.get_by_text("Nhật ký thay đổi kho báo cáo").wait_for(timeout=60_000)
        page.get_by_text("Thùng rác", exact=True).wait_for(timeout=60_000)
        page.get_by_role("button", name="Đăng xuất").click()
        page.get_by_role("button", name="End session").click(timeout=60_000)  # the provider's own page
        wait_sign_in_page(page)  # back in the app, signed out
    finally:
        page.screenshot(path=str(ARTIFACTS / "auth-oidc-admin.png"))
        page.context.close()


def test_two_users_conversations_and_feedback_never_mix(server, browser):
    first, second = new_page(browser), new_page(browser)
    questions = {"binh": "Tình hình dự án Thư viện thành phố?", "oidc": "GRDP 2024 có đạt nghị quyết không?"}
    try:
        local_sign_in(first, server.url, "binh")
        oidc_sign_in(second, server.url, "xem2@so.gov.vn")
        for page, question in ((first, questions["binh"]), (second, questions["oidc"])):
            wait_chat(page)
            ask(page, question, expected_answers=1)
            page.locator('[data-testid="stFeedback"] button').first.click()
            page.get_by_text("Góp ý thêm").wait_for(timeout=30_000)
        for page, mine, other in ((first, "binh", "oidc"), (second, "oidc", "binh")):
            shown = "\n".join(page.locator('[data-testid="stChatMessage"]').all_inner_texts())
            assert questions[mine] in shown and questions[other] not in shown
            sidebar = page.locator('[data-testid="stSidebar"]')  # saved conversations, listed once the answer is saved
            sidebar.get_by_text(questions[mine][:25]).first.wait_for(timeout=60_000)
            assert questions[other][:25] not in sidebar.inner_text()
        store = ConversationStore(server.base / "conversations")
        saved = {who: [c.title for c in store.list(user)] for who, user in (("binh", "user:binh"), ("oidc", "oidc:xem2@so.gov.vn"))}
        assert saved == {"binh": [questions["binh"]], "oidc": [questions["oidc"]]}
        records = read_feedback(server.base / "feedback.jsonl")
        assert sorted((r["user"], r["question"]) for r in records) == sorted(
            [("user:binh", questions["binh"]), ("oidc:xem2@so.gov.vn", questions["oidc"])]
        )
        assert [r["question"] for r in read_feedback(server.base / "feedback.jsonl", user="user:binh")] == [
            questions["binh"]
        ]
    finally:
        first.screenshot(path=str(ARTIFACTS / "auth-two-users.png"))
        first.context.close()
        second.context.close()


def test_an_admin_restores_an_accidental_removal_from_the_management_page(server, browser):
    """Last (it changes the corpus and puts it back)."""
    page = new_page(browser)
    question = "GRDP 2024 có đạt nghị quyết không?"
    try:
        local_sign_in(page, server.url, "an")
        wait_chat(page)
        ask(page, question, expected_answers=1)
        before = page.locator('[data-testid="stChatMessage"]').last.inner_text()
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Quản lý báo cáo").click()
        page.get_by_text(UPLOAD_TEXT).wait_for(timeout=120_000)
        page.locator('[data-testid="stButton"] button').filter(has_text=re.compile(r"Xóa$")).first.click()
        page.get_by_role("button", name="Xác nhận xóa").click()
        page.get_by_text("Đã xóa báo cáo số 320/BC-UBND").wait_for(timeout=120_000)
        page.locator('[data-testid="stButton"] button').filter(has_text="Khôi phục 320/BC-UBND").click()
        page.get_by_text("Đã khôi phục báo cáo số 320/BC-UBND").wait_for(timeout=180_000)
        page.get_by_text("Nhật ký thay đổi kho báo cáo").wait_for(timeout=30_000)
        log = [(r["user"], r["action"], r["report"]) for r in read_audit(server.base / "audit.jsonl")]
        assert log[-2:] == [("user:an", "remove", "320/BC-UBND"), ("user:an", "restore", "320/BC-UBND")]
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Hỏi đáp").click()
        new_conversation(page)  # with its confirmation: the earlier answer leaves the page
        ask(page, question, expected_answers=1)
        after = page.locator('[data-testid="stChatMessage"]').last.inner_text()

        def answer_part(
            text: str,
        ) -> str:  # the answer's first paragraph (after the avatar), not the cards' layout
            return text.split("\n\n")[1]

        assert "5,86" in answer_part(before) and answer_part(after) == answer_part(before)
    finally:
        page.screenshot(path=str(ARTIFACTS / "auth-restore.png"), full_page=True)
        page.context.close()


def test_the_app_itself_refuses_a_network_address_without_sign_in(tmp_path, browser):
    """Defence in depth: started around the launcher (plain ``streamlit run``) on 0.0.0.0, no sign-in."""
    args = [
        "--server.address",
        "0.0.0.0",
        "--secrets.files",
        str(tmp_path / "none.toml"),
    ]  # the last address wins
    with private_server(tmp_path, "streamlit-exposed.log", args=args) as running:
        page = new_page(browser)
        try:
            for path in ("", "/quan-ly-bao-cao"):
                page.goto(running.url + path, timeout=120_000)
                page.get_by_text("Không khởi động: máy chủ sẽ mở trên 0.0.0.0").wait_for(timeout=120_000)
                assert page.locator('[data-testid="stChatInput"]').count() == 0 and not shows_management(page)
        finally:
            page.context.close()
