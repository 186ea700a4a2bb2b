"""Sign-in and roles without a browser: the users file and its CLI, the role table, who is signed in,
the start-up refusal on a network address without sign-in, and feedback records carrying the user."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from settings import Settings
from ui import auth, users
from ui.feedback import append_feedback, feedback_record, read_feedback

ROOT = Path(__file__).resolve().parents[1]
OIDC = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "vnqa",
        "client_secret": "s",
        "server_metadata_url": "http://idp/.well-known/x",
    }
}


class Stdin(io.StringIO):
    def isatty(self) -> bool:
        return False


class OidcUser(dict):
    def __init__(self, logged_in: bool, **claims):
        super().__init__(claims)
        self.is_logged_in = logged_in


@pytest.fixture
def settings(tmp_path) -> Settings:
    auth._FAILURES.clear()
    return Settings(embedder="hash", data_dir=tmp_path, raw_dir=tmp_path / "raw")


def test_users_cli_adds_changes_and_removes_users_without_showing_the_password(settings, capsys):
    path = settings.users_file
    argv = ["--file", str(path)]
    assert users.main([*argv, "add", "An", "--role", "admin"], stdin=Stdin("mat-khau-dai-1\n")) == 0
    assert users.main([*argv, "add", "binh"], stdin=Stdin("ngan\n")) == 2  # too short
    assert users.main([*argv, "add", "binh"], stdin=Stdin("mat-khau-dai-2\n")) == 0
    assert users.main([*argv, "role", "binh", "evaluator"]) == 0
    assert users.main([*argv, "role", "chi@so.gov.vn", "admin"]) == 0  # an OIDC e-mail, no password
    assert users.main([*argv, "role", "khong-co", "admin"]) == 2
    out = capsys.readouterr()
    assert "mat-khau" not in out.out + out.err and "mat-khau" not in path.read_text(encoding="utf-8")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    stored = json.loads(path.read_text(encoding="utf-8"))["users"]
    assert {k: v["role"] for k, v in stored.items()} == {
        "an": "admin",
        "binh": "evaluator",
        "chi@so.gov.vn": "admin",
    }
    assert (
        stored["an"]["password_hash"].startswith("$argon2id$")
        and "password_hash" not in stored["chi@so.gov.vn"]
    )
    assert users.verify_password(path, " AN ", "mat-khau-dai-1") == "admin"
    assert users.verify_password(path, "an", "sai") is None and users.verify_password(path, "ai", "x") is None
    assert users.verify_password(path, "chi@so.gov.vn", "") is None  # no password: OIDC only
    users.main([*argv, "list"])
    assert capsys.readouterr().out.splitlines() == [
        "an\tadmin\tmật khẩu",
        "binh\tevaluator\tmật khẩu",
        "chi@so.gov.vn\tadmin\tOIDC",
    ]
    assert users.main([*argv, "remove", "binh"]) == 0 and users.main([*argv, "remove", "binh"]) == 2
    assert users.role_of(path, "binh") is None


def test_role_table_decides_the_pages():
    pages = [SimpleNamespace(url_path=p) for p in ("", "tong-quan", "danh-gia", "quan-ly-bao-cao", "moi")]

    def paths(role):
        return [p.url_path for p in auth.allowed_pages(auth.User("u", "u", role, "local"), pages)]

    assert paths("viewer") == ["", "tong-quan"]
    assert paths("evaluator") == ["", "tong-quan", "danh-gia"]
    assert paths("admin") == [
        "",
        "tong-quan",
        "danh-gia",
        "quan-ly-bao-cao",
        "moi",
    ]  # unknown pages: admin only
    assert auth.allowed_pages(None, pages) == []


def test_who_is_signed_in(settings):
    signed_out = OidcUser(False)
    # no sign-in configured: the one local user is admin
    assert auth.resolve_user({}, signed_out, settings, {}) == auth.User("local", "local", "admin", "none")
    users.set_user(settings.users_file, "an", "viewer", "mat-khau-dai-1")
    state: dict = {}
    assert auth.resolve_user(state, signed_out, settings, {}) is None  # configured: signed out
    assert (
        auth.local_sign_in(state, settings, "an", "sai-mat-khau", now=100)
        == "Sai tên đăng nhập hoặc mật khẩu."
    )
    assert auth.local_sign_in(state, settings, "An", "mat-khau-dai-1", now=100) is None
    assert auth.resolve_user(state, signed_out, settings, {}, now=200) == auth.User(
        "user:an", "an", "viewer", "local"
    )
    users.set_user(settings.users_file, "an", "admin")  # a role change applies at the next run
    assert auth.resolve_user(state, signed_out, settings, {}, now=300).role == "admin"
    assert auth.resolve_user(state, signed_out, settings, {}, now=100 + 12 * 3600 + 1) is None  # expired
    # OIDC: role from the users file by e-mail, else the default for unknown users
    users.set_user(settings.users_file, "chi@so.gov.vn", "evaluator")
    chi = OidcUser(True, email="Chi@so.gov.vn", name="Chi", sub="42")
    assert auth.resolve_user({}, chi, settings, OIDC) == auth.User(
        "oidc:chi@so.gov.vn", "Chi", "evaluator", "oidc"
    )
    stranger = OidcUser(True, email="la@x.vn", sub="7")
    assert auth.resolve_user({}, stranger, settings, OIDC).role == "viewer"
    assert (
        auth.resolve_user({}, stranger, settings.model_copy(update={"oidc_unknown_role": "none"}), OIDC)
        is None
    )


def test_wrong_passwords_lock_the_name(settings):
    users.set_user(settings.users_file, "an", "viewer", "mat-khau-dai-1")
    for _ in range(settings.max_failed_sign_ins):
        assert auth.local_sign_in({}, settings, "an", "sai", now=10) == "Sai tên đăng nhập hoặc mật khẩu."
    assert "thử lại sau 15 phút" in auth.local_sign_in({}, settings, "an", "mat-khau-dai-1", now=20)
    assert auth.local_sign_in({}, settings, "an", "mat-khau-dai-1", now=20 + auth.FAILURE_WINDOW_S) is None


def test_oidc_configuration_and_addresses():
    assert auth.oidc_configured(OIDC) and auth.oidc_provider(OIDC) is None
    named = {
        "auth": {
            "redirect_uri": "r",
            "cookie_secret": "c",
            "so": {"client_id": "i", "client_secret": "s", "server_metadata_url": "m"},
        }
    }
    assert auth.oidc_configured(named) and auth.oidc_provider(named) == "so"
    assert not auth.oidc_configured({"auth": {"client_id": "i"}}) and not auth.oidc_configured({})
    assert [
        auth.is_loopback(a)
        for a in ("127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0", "", None, "10.0.0.5")
    ] == [True, True, True, True, False, False, False, False]
    assert (
        auth.exposure_problem("127.0.0.1", False) is None and auth.exposure_problem("0.0.0.0", True) is None
    )
    assert auth.exposure_problem("0.0.0.0", False).startswith("Không khởi động: máy chủ sẽ mở trên 0.0.0.0")


def _serve(tmp_path, *args, env=None):
    environ = dict(os.environ)
    environ.pop("STREAMLIT_SERVER_ADDRESS", None)
    environ.update({"VNQA_DATA_DIR": str(tmp_path), "HOME": str(tmp_path), **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "ui.serve", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_starting_on_a_network_address_without_sign_in_is_refused(tmp_path):
    done = _serve(tmp_path, "--server.address", "0.0.0.0", "--server.port", "1")
    assert done.returncode == 2 and done.stdout == ""
    assert (
        done.stderr.startswith("Không khởi động: máy chủ sẽ mở trên 0.0.0.0")
        and "python -m ui.users add" in done.stderr
    )
    by_env = _serve(tmp_path, env={"STREAMLIT_SERVER_ADDRESS": "10.1.2.3"})
    assert by_env.returncode == 2 and "10.1.2.3" in by_env.stderr


def test_launcher_binds_loopback_by_default_and_allows_a_network_address_with_sign_in(tmp_path, monkeypatch):
    from ui import serve

    monkeypatch.setenv("VNQA_DATA_DIR", str(tmp_path))
    from settings import get_settings

    get_settings.cache_clear()
    try:
        cmd, problem = serve.command(["--server.port", "8600"], env={}, root=ROOT)
        assert problem is None and cmd[-4:] == ["--server.address", "127.0.0.1", "--server.port", "8600"]
        cmd, problem = serve.command(["--server.address=0.0.0.0"], env={}, root=ROOT)
        assert cmd is None and "0.0.0.0" in problem
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            "[auth]\n" + "".join(f'{k} = "{v}"\n' for k, v in OIDC["auth"].items()), encoding="utf-8"
        )
        cmd, problem = serve.command(
            ["--server.address", "0.0.0.0", "--secrets.files", str(secrets)], env={}, root=ROOT
        )
        assert problem is None and cmd[3:5] == ["run", str(ROOT / "app.py")]
        users.set_user(tmp_path / "users.json", "an", "admin", "mat-khau-dai-1")
        cmd, problem = serve.command(["--server.address", "0.0.0.0"], env={}, root=ROOT)
        assert problem is None
    finally:
        get_settings.cache_clear()


def test_feedback_records_carry_their_user(tmp_path):
    from assistant.types import Answer

    path = tmp_path / "feedback.jsonl"
    for user, rating in (("user:an", "up"), ("oidc:chi@so.gov.vn", "down")):
        append_feedback(
            path,
            feedback_record(message_id=user, rating=rating, question="q", answer=Answer(text="a"), user=user),
        )
    assert [(r["user"], r["rating"]) for r in read_feedback(path, user="user:an")] == [("user:an", "up")]
    assert [r["user"] for r in read_feedback(path)] == ["user:an", "oidc:chi@so.gov.vn"]


def test_a_page_module_refuses_on_its_own_when_opened_without_the_role(tmp_path, monkeypatch):
    """Defence in depth: the management page run directly (not through app.py's navigation) stops at require()."""
    from streamlit.testing.v1 import AppTest

    from settings import get_settings

    users.set_user(tmp_path / "users.json", "binh", "viewer", "mat-khau-dai-1")
    monkeypatch.setenv("VNQA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        at = AppTest.from_file(str(ROOT / "app_pages" / "quan_ly_bao_cao.py"), default_timeout=60)
        at.run()  # signed out
        assert [e.value for e in at.error] == ["Bạn không có quyền mở trang này."] and not at.title
        auth.local_sign_in(at.session_state, get_settings(), "binh", "mat-khau-dai-1")
        at.run()  # a viewer
        assert at.session_state[auth.SESSION_KEY]["name"] == "binh"
        assert [e.value for e in at.error] == ["Bạn không có quyền mở trang này."] and not at.title
    finally:
        get_settings.cache_clear()
