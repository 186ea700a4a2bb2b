"""Local users and roles: a JSON file of name → role and Argon2 password hash (``settings.users_file``).

The same file gives OIDC users their role: an entry named by the user's e-mail, without a password.
Managed with ``python -m ui.users``::

    python -m ui.users add an --role admin        # asks the password twice (or reads one line from stdin)
    python -m ui.users role an evaluator
    python -m ui.users role chi@so.gov.vn viewer  # an OIDC user (no password: signs in with the provider)
    python -m ui.users remove an
    python -m ui.users list

The password is never an argument, never printed and never logged; only its Argon2 hash is stored.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES = ("viewer", "evaluator", "admin")  # each role can do everything of the ones before it
MIN_PASSWORD_CHARS = 8  # shortest password the CLI accepts (a guessable one defeats the hash)
_HASHER = PasswordHasher()
_LOCK = threading.Lock()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("không có người dùng này")


def normalise(name: str) -> str:
    """User names and e-mails compare case-insensitively, without surrounding spaces."""
    return " ".join(str(name).split()).casefold()


def load_users(path: Path) -> dict[str, dict[str, Any]]:
    """``{name: {"role": ..., "password_hash": ... (local users only)}}``; ``{}`` when there is no file."""
    path = Path(path)
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8") or "{}")
    return {normalise(name): dict(entry) for name, entry in (data.get("users") or {}).items()}


def save_users(path: Path, users: dict[str, dict[str, Any]]) -> None:
    """Write atomically, readable by the owner only (it holds password hashes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"users": dict(sorted(users.items()))}, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    os.replace(tmp, path)


def has_local_users(path: Path) -> bool:
    """Whether the file holds at least one user who can sign in with a password."""
    try:
        return any(entry.get("password_hash") for entry in load_users(path).values())
    except (OSError, ValueError):
        return False


def set_user(path: Path, name: str, role: str, password: str | None = None) -> None:
    """Add or change a user; ``password=None`` keeps the current hash (or none, for an OIDC e-mail)."""
    if role not in ROLES:
        raise ValueError(f"vai trò không hợp lệ: {role!r} (chọn một trong: {', '.join(ROLES)})")
    key = normalise(name)
    if not key:
        raise ValueError("tên người dùng trống")
    with _LOCK:
        users = load_users(path)
        entry = users.get(key, {})
        entry["role"] = role
        if password is not None:
            entry["password_hash"] = _HASHER.hash(password)
        users[key] = entry
        save_users(path, users)


def remove_user(path: Path, name: str) -> bool:
    with _LOCK:
        users = load_users(path)
        if users.pop(normalise(name), None) is None:
            return False
        save_users(path, users)
        return True


def role_of(path: Path, name: str) -> str | None:
    """The user's role as the file says now (so a changed or removed role applies at the next page run)."""
    entry = load_users(path).get(normalise(name))
    return entry.get("role") if entry and entry.get("role") in ROLES else None


def verify_password(path: Path, name: str, password: str) -> str | None:
    """The role of ``name`` when ``password`` is right, else ``None`` (same cost for an unknown name)."""
    entry = load_users(path).get(normalise(name)) or {}
    stored = entry.get("password_hash") or _DUMMY_HASH
    try:
        _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if stored is _DUMMY_HASH:
        return None
    return entry.get("role") if entry.get("role") in ROLES else None


# ---------------------------------------------------------------------------------------------
# CLI


def _read_password(stdin: Any = None) -> str:
    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != first:
            raise ValueError("hai lần nhập mật khẩu không khớp")
        return first
    return stdin.readline().rstrip("\r\n")


def main(argv: list[str] | None = None, stdin: Any = None) -> int:
    from settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m ui.users", description="Người dùng cục bộ và vai trò")
    parser.add_argument(
        "--file", type=Path, default=None, help="tệp người dùng (mặc định: settings.users_file)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser(
        "add", help="thêm (hoặc đặt lại mật khẩu) người dùng; mật khẩu đọc từ bàn phím/stdin"
    )
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="viewer")
    role = commands.add_parser(
        "role", help="đổi vai trò (một e-mail chưa có: vai trò của người dùng OIDC đó)"
    )
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    remove = commands.add_parser("remove", help="xóa người dùng")
    remove.add_argument("name")
    commands.add_parser("list", help="liệt kê người dùng và vai trò")
    args = parser.parse_args(argv)
    path = args.file or get_settings().users_file

    try:
        if args.command == "add":
            password = _read_password(stdin)
            if len(password) < MIN_PASSWORD_CHARS:
                raise ValueError(f"mật khẩu phải có ít nhất {MIN_PASSWORD_CHARS} ký tự")
            set_user(path, args.name, args.role, password)
            print(f"Đã lưu người dùng {normalise(args.name)} (vai trò {args.role}) vào {path}.")
        elif args.command == "role":
            known = normalise(args.name) in load_users(path)
            if not known and "@" not in args.name:
                raise ValueError(f"không có người dùng {normalise(args.name)} (thêm bằng: add)")
            set_user(path, args.name, args.role)
            print(f"Vai trò của {normalise(args.name)}: {args.role}.")
        elif args.command == "remove":
            if not remove_user(path, args.name):
                raise ValueError(f"không có người dùng {normalise(args.name)}")
            print(f"Đã xóa người dùng {normalise(args.name)}.")
        else:
            for name, entry in load_users(path).items():
                kind = "mật khẩu" if entry.get("password_hash") else "OIDC"
                print(f"{name}\t{entry.get('role')}\t{kind}")
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
