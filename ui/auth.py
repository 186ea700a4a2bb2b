"""Who is using the app and what they may open: the one place for sign-in and role checks.

* **Roles** (:data:`PAGE_ROLES`): viewer (Hỏi đáp, Tổng quan) < evaluator (+ Đánh giá) < admin
  (+ Quản lý báo cáo: upload, remove, restore, audit, system panel). ``app.py`` builds its
  ``st.navigation`` from :func:`allowed_pages`, so a page a role may not use is neither shown nor
  reachable by URL; each page module also calls :func:`require` first (defence in depth).
* **Sign-in**: OpenID Connect through Streamlit (``st.login``; ``[auth]`` in ``.streamlit/secrets.toml``)
  and/or local users (``ui/users.py``, Argon2 hashes). An OIDC user's role is the one given to their
  e-mail in the users file, else ``settings.oidc_unknown_role`` (viewer, or ``none`` = refused).
  A local sign-in is kept server-side in the session state (never sent to the browser, so it cannot be
  forged), re-checked against the users file at every run (a removed user is signed out at once) and
  expires after ``settings.session_hours``; reloading the browser tab asks again.
* **No sign-in configured**: allowed only on a loopback address, where the single local user is admin.
  :func:`exposure_problem` refuses anything else, both in ``python -m ui.serve`` and in the app itself.
"""

from __future__ import annotations

import ipaddress
import threading
import time
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ui import users as users_file
from ui.text import md_escape

ROLE_LABELS = {"viewer": "người xem", "evaluator": "người đánh giá", "admin": "quản trị"}
# Page (its url_path; "" is the default chat page) → the lowest role that may open it.
PAGE_ROLES = {"": "viewer", "tong-quan": "viewer", "danh-gia": "evaluator", "quan-ly-bao-cao": "admin"}
OIDC_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
LOCAL_ID = "local"  # the user id when no sign-in is configured (the one local admin on loopback)
FAILURE_WINDOW_S = 15 * 60  # wrong passwords for one name are counted over this window
SESSION_KEY = "auth_local"


@dataclass(frozen=True)
class User:
    id: str  # stable: "local", "user:<name>" or "oidc:<e-mail or subject>"
    name: str
    role: str  # one of users.ROLES
    provider: str  # "none", "local" or "oidc"


def role_at_least(role: str | None, needed: str) -> bool:
    roles = users_file.ROLES
    return role in roles and roles.index(role) >= roles.index(needed)


def may_open(role: str | None, url_path: str) -> bool:
    """Whether ``role`` may open the page at ``url_path``; an unknown page is admin-only."""
    return role_at_least(role, PAGE_ROLES.get(url_path, "admin"))


def allowed_pages(user: User | None, pages: Iterable[Any]) -> list[Any]:
    """The ``st.Page`` objects (anything with ``url_path``) that ``user`` may open."""
    if user is None:
        return []
    return [page for page in pages if may_open(user.role, page.url_path)]


def navigation_pages(st: Any, user: User | None, pages: list[Any], sign_in: Any) -> list[Any]:
    """What ``st.navigation`` gets: the pages ``user`` may open; every other page's URL is kept but hidden
    and runs only a stand-in — the sign-in form when signed out (after which the same URL opens the
    page if the role allows), else a Vietnamese refusal. The real page's code never runs for them."""
    allowed = allowed_pages(user, pages)
    if user is None:
        shown = [st.Page(sign_in, title="Đăng nhập", icon=":material/login:", default=True)]
        stand_in = sign_in
    else:
        shown, stand_in = allowed, _refuse
    hidden = [
        st.Page(stand_in, title=page.title, url_path=page.url_path, visibility="hidden")
        for page in pages
        if page not in allowed and page.url_path
    ]
    return shown + hidden


def _refuse() -> None:
    import streamlit as st

    st.error("Bạn không có quyền mở trang này.")


# -- configuration -----------------------------------------------------------------------------


def oidc_configured(secrets: Mapping[str, Any] | None) -> bool:
    """Whether ``secrets`` holds a usable ``[auth]`` section (flat, or shared keys + ``[auth.<provider>]``)."""
    auth = (secrets or {}).get("auth") or {}
    if not isinstance(auth, Mapping):
        return False
    if all(auth.get(key) for key in OIDC_KEYS):
        return True
    shared = all(auth.get(key) for key in ("redirect_uri", "cookie_secret"))
    providers = [v for v in auth.values() if isinstance(v, Mapping)]
    return shared and any(all(p.get(k) for k in OIDC_KEYS[2:]) for p in providers)


def oidc_provider(secrets: Mapping[str, Any] | None) -> str | None:
    """The provider name to pass to ``st.login`` (``None`` for the flat, unnamed configuration)."""
    auth = (secrets or {}).get("auth") or {}
    if all(auth.get(key) for key in OIDC_KEYS):
        return None
    return next((name for name, v in auth.items() if isinstance(v, Mapping) and v.get("client_id")), None)


def read_secrets_files(paths: Iterable[Path]) -> dict[str, Any]:
    """The merged TOML of the secrets files that exist (later files win), as Streamlit reads them."""
    merged: dict[str, Any] = {}
    for path in paths:
        path = Path(path)
        if path.is_file():
            merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
    return merged


def signin_configured(settings: Any, secrets: Mapping[str, Any] | None) -> bool:
    return oidc_configured(secrets) or users_file.has_local_users(settings.users_file)


def is_loopback(address: str | None) -> bool:
    """``127.0.0.0/8``, ``::1`` and ``localhost``; an empty address means every interface."""
    host = (address or "").strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_problem(address: str | None, configured: bool) -> str | None:
    """The Vietnamese refusal when the server would be reachable from the network without sign-in."""
    if configured or is_loopback(address):
        return None
    where = address or "mọi địa chỉ mạng (0.0.0.0)"
    return (
        f"Không khởi động: máy chủ sẽ mở trên {where}, các máy khác trong mạng truy cập được, "
        "nhưng chưa cấu hình đăng nhập. Hãy chạy trên 127.0.0.1 (lệnh `make run`), hoặc cấu hình đăng nhập: "
        "thêm người dùng cục bộ bằng `python -m ui.users add TÊN --role admin`, hoặc khai báo OpenID Connect "
        "trong `.streamlit/secrets.toml` (mục [auth]: redirect_uri, cookie_secret, client_id, client_secret, "
        "server_metadata_url). Xem README, phần «Đăng nhập, vai trò và nhật ký»."
    )


# -- who is signed in ------------------------------------------------------------------------------

_FAILURES: dict[str, list[float]] = {}
_FAILURES_LOCK = threading.Lock()


def _locked_out(name: str, limit: int, now: float) -> bool:
    with _FAILURES_LOCK:
        recent = [t for t in _FAILURES.get(name, []) if now - t < FAILURE_WINDOW_S]
        _FAILURES[name] = recent
        return len(recent) >= limit


def local_sign_in(
    state: Any, settings: Any, name: str, password: str, now: float | None = None
) -> str | None:
    """Check a name and password; on success keep the session in ``state`` and return ``None``,
    else the Vietnamese reason. Too many wrong passwords for one name lock it for a while."""
    now = time.time() if now is None else now
    key = users_file.normalise(name)
    if _locked_out(key, settings.max_failed_sign_ins, now):
        return f"Đã nhập sai quá {settings.max_failed_sign_ins} lần; hãy thử lại sau {FAILURE_WINDOW_S // 60} phút."
    if not key or not password or users_file.verify_password(settings.users_file, key, password) is None:
        with _FAILURES_LOCK:
            _FAILURES.setdefault(key, []).append(now)
        return "Sai tên đăng nhập hoặc mật khẩu."
    with _FAILURES_LOCK:
        _FAILURES.pop(key, None)
    state[SESSION_KEY] = {"name": key, "since": now}
    return None


def _local_user(state: Any, settings: Any, now: float) -> User | None:
    session = state.get(SESSION_KEY)
    if not session:
        return None
    if now - session["since"] > settings.session_hours * 3600:
        state.pop(SESSION_KEY, None)
        return None
    role = users_file.role_of(settings.users_file, session["name"])
    if role is None:  # removed since: signed out at once
        state.pop(SESSION_KEY, None)
        return None
    return User(id=f"user:{session['name']}", name=session["name"], role=role, provider="local")


def _oidc_user(st_user: Any, settings: Any) -> User | None:
    if not getattr(st_user, "is_logged_in", False):
        return None
    email = st_user.get("email")
    ident = users_file.normalise(email or st_user.get("sub") or "")
    if not ident:
        return None
    role = users_file.role_of(settings.users_file, ident)
    if role is None and settings.oidc_unknown_role != "none":
        role = settings.oidc_unknown_role
    if role is None:
        return None
    return User(id=f"oidc:{ident}", name=st_user.get("name") or ident, role=role, provider="oidc")


def resolve_user(
    state: Any, st_user: Any, settings: Any, secrets: Mapping[str, Any] | None, now: float | None = None
) -> User | None:
    """The signed-in user, the local admin when no sign-in is configured, or ``None`` (signed out)."""
    now = time.time() if now is None else now
    if not signin_configured(settings, secrets):
        return User(id=LOCAL_ID, name="local", role="admin", provider="none")
    if oidc_configured(secrets):
        user = _oidc_user(st_user, settings)
        if user is not None:
            return user
    return _local_user(state, settings, now)


# -- Streamlit glue (thin; the logic above is tested without Streamlit) ---------------------------


def streamlit_secrets(st: Any) -> dict[str, Any]:
    """``st.secrets`` as a plain dict; ``{}`` when no secrets file exists."""
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except (FileNotFoundError, KeyError, OSError):
        return {}


def current_user(st: Any, settings: Any | None = None) -> User | None:
    from settings import get_settings

    settings = settings or get_settings()
    return resolve_user(st.session_state, st.user, settings, streamlit_secrets(st))


def refuse_if_exposed(st: Any, settings: Any) -> None:
    """Defence in the app itself: a page on a network address without sign-in shows the refusal only.
    (No Streamlit server running, as under ``AppTest`` whose runtime is a mock, means nothing is exposed.)"""
    from streamlit import runtime

    if not runtime.exists() or type(runtime.get_instance()) is not runtime.Runtime:
        return
    problem = exposure_problem(
        st.get_option("server.address"), signin_configured(settings, streamlit_secrets(st))
    )
    if problem:
        st.error(md_escape(problem))
        st.stop()


def require(st: Any, role: str) -> User:
    """First line of a page module: stop with a Vietnamese message unless the user has ``role``."""
    user = current_user(st)
    if user is None or not role_at_least(user.role, role):
        _refuse()
        st.stop()
    return user


def sign_out(st: Any, user: User) -> None:
    st.session_state.pop(SESSION_KEY, None)
    if user.provider == "oidc":
        st.logout()
    else:
        st.rerun()


def render_user_box(st: Any, user: User) -> None:
    """Sidebar: who is signed in, their role, and a sign-out button (nothing when there is no sign-in)."""
    if user.provider == "none":
        return
    with st.sidebar:
        st.caption(md_escape(f"Đang đăng nhập: {user.name} ({ROLE_LABELS.get(user.role, user.role)})"))
        if st.button("Đăng xuất", key="sign_out", icon=":material/logout:"):
            sign_out(st, user)


def render_sign_in(st: Any, settings: Any | None = None) -> None:
    """The only page a signed-out user sees: the organisation's sign-in (OIDC) and/or the local form."""
    from settings import get_settings

    settings = settings or get_settings()
    secrets = streamlit_secrets(st)
    st.title("Đăng nhập")
    st.caption("Trợ lý hỏi đáp báo cáo chỉ dành cho người dùng đã đăng nhập.")
    if oidc_configured(secrets):
        if getattr(st.user, "is_logged_in", False):  # signed in with the provider, but refused a role
            st.error(md_escape(f"Tài khoản {st.user.get('email') or ''} chưa được cấp quyền sử dụng trợ lý."))
            if st.button("Đăng xuất", key="oidc_refused_out"):
                st.logout()
            return
        if st.button(
            "Đăng nhập bằng tài khoản tổ chức", key="oidc_login", type="primary", icon=":material/login:"
        ):
            st.login(oidc_provider(secrets))
    if users_file.has_local_users(settings.users_file):
        with st.form("local_sign_in", clear_on_submit=True):
            name = st.text_input("Tên đăng nhập")
            password = st.text_input("Mật khẩu", type="password")
            submitted = st.form_submit_button("Đăng nhập", type="primary")
        if submitted:
            problem = local_sign_in(st.session_state, settings, name, password)
            if problem:
                st.error(problem)
            else:
                st.rerun()
