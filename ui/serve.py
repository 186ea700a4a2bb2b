"""``python -m ui.serve [streamlit options]``: start the app, on 127.0.0.1 unless told otherwise.

Streamlit runs ``app.py`` per browser session, not at start, so the address is checked here, before
the server starts: another address (``--server.address``, ``STREAMLIT_SERVER_ADDRESS`` or
``.streamlit/config.toml``) is refused, exit code 2 and a Vietnamese message, unless sign-in is
configured (local users or OIDC, see ``ui/auth.py``). The app repeats the check on every run.

Example: ``python -m ui.serve --server.port 8501`` (what ``make run`` does).
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

from settings import PROJECT_ROOT, get_settings
from ui.auth import exposure_problem, read_secrets_files, signin_configured

DEFAULT_ADDRESS = "127.0.0.1"  # secure by default: reachable from this machine only


def _option(args: list[str], name: str) -> list[str]:
    """Every value given to ``--name`` in ``args`` (``--name value`` or ``--name=value``)."""
    values = []
    for i, arg in enumerate(args):
        if arg == f"--{name}" and i + 1 < len(args):
            values.append(args[i + 1])
        elif arg.startswith(f"--{name}="):
            values.append(arg.split("=", 1)[1])
    return values


def _config_file_address(root: Path) -> str | None:
    """``[server] address`` of the config files (the project's wins over the user's, as in Streamlit)."""
    found = None
    for path in (Path.home() / ".streamlit" / "config.toml", root / ".streamlit" / "config.toml"):
        if path.is_file():
            address = tomllib.loads(path.read_text(encoding="utf-8")).get("server", {}).get("address")
            found = str(address) if address is not None else found
    return found


def server_address(args: list[str], env: dict[str, str], root: Path) -> str | None:
    """The address Streamlit will bind, by its own precedence: argument, environment, config file."""
    given = _option(args, "server.address")
    if given:
        return given[-1]
    if env.get("STREAMLIT_SERVER_ADDRESS") is not None:
        return env["STREAMLIT_SERVER_ADDRESS"]
    return _config_file_address(root)


def secrets_paths(args: list[str], root: Path) -> list[Path]:
    given = _option(args, "secrets.files")
    if given:
        return [Path(p) for p in given]
    return [Path.home() / ".streamlit" / "secrets.toml", root / ".streamlit" / "secrets.toml"]


def command(
    args: list[str], env: dict[str, str] | None = None, root: Path = PROJECT_ROOT
) -> tuple[list[str] | None, str | None]:
    """The streamlit command line to run, or ``(None, message)`` when starting must be refused."""
    env = dict(os.environ if env is None else env)
    address = server_address(args, env, root)
    extra = []
    if address is None:
        address = DEFAULT_ADDRESS
        extra = ["--server.address", DEFAULT_ADDRESS]
    configured = signin_configured(get_settings(), read_secrets_files(secrets_paths(args, root)))
    problem = exposure_problem(address, configured)
    if problem:
        return None, problem
    return [sys.executable, "-m", "streamlit", "run", str(root / "app.py"), *extra, *args], None


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    cmd, problem = command(args)
    if cmd is None:
        print(problem, file=sys.stderr)
        return 2
    os.chdir(PROJECT_ROOT)  # .streamlit/config.toml and secrets.toml are read from here
    os.execv(cmd[0], cmd)
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
