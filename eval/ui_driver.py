"""Drive the Streamlit app in a real browser: a server subprocess and Debian's Chromium via Playwright.

Shared by ``tests/test_browser.py`` and ``eval/bench_ui.py``. Every wait is time-bound.

Example:
    >>> with StreamlitServer() as server, chromium() as browser:
    ...     page = browser.new_page()
    ...     open_chat(page, server.url)
    ...     ask(page, "GRDP 2024 có đạt nghị quyết không?", expected_answers=1)
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The last line of every rendered answer (ui/render.py, ANSWER_TIME_LABEL, inside the folded "Chi tiết";
# Playwright's has_text matches folded text too): the answer is fully on the page.
ANSWER_DONE_TEXT = "Thời gian trả lời"
STALE_ELEMENTS = '[data-testid="stElementContainer"][data-stale="true"]'  # left from the previous run


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """``streamlit run app.py`` on a free loopback port, stopped (whole process group) on exit."""

    def __init__(
        self,
        env: dict[str, str] | None = None,
        port: int | None = None,
        log_path: Path | None = None,
        args: list[str] | None = None,
    ):
        """``args``: more ``streamlit run`` options, e.g. ``["--secrets.files", path]``."""
        self.args = list(args or [])
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {})}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self) -> StreamlitServer:
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(self.port),
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
            *self.args,
        ]
        self._log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def wait_healthy(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early with code {self.process.returncode}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            time.sleep(0.2)
        raise TimeoutError(f"streamlit not healthy after {timeout_s:.0f} s")

    def stop(self, timeout_s: float = 10.0) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=timeout_s)
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()

    def __enter__(self) -> StreamlitServer:
        self.start()
        try:
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@contextlib.contextmanager
def chromium(timeout_s: float = 60.0) -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, timeout=timeout_s * 1000
        )
        try:
            yield browser
        finally:
            browser.close()


def open_chat(page, url: str, timeout_s: float = 120.0) -> None:
    """Open the app and wait until the chat input is there (the engine has loaded).

    Fails at once, with the page's message, when the app shows an error instead.
    """
    page.goto(url, timeout=timeout_s * 1000)
    chat_box = page.locator('[data-testid="stChatInput"] textarea')
    failure = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    deadline = time.monotonic() + timeout_s
    while not chat_box.is_visible():
        if failure.count():
            raise RuntimeError(f"the app shows an error: {failure.first.inner_text()[:2000]}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"chat input not visible after {timeout_s:.0f} s")
        page.wait_for_timeout(100)


def ask(page, question: str, expected_answers: int | None = None, timeout_s: float = 180.0) -> float:
    """Type a question, press Enter, wait until its answer is fully rendered; returns the seconds taken.

    ``expected_answers``: how many finished answers the page shows then (default: one more than now).
    """
    done = page.locator('[data-testid="stChatMessage"]').filter(has_text=ANSWER_DONE_TEXT)
    target = expected_answers if expected_answers is not None else done.count() + 1
    box = page.locator('[data-testid="stChatInput"] textarea')
    box.click()
    box.fill(question)
    start = time.monotonic()
    box.press("Enter")
    while done.count() < target:
        if time.monotonic() - start > timeout_s:
            raise TimeoutError(f"no answer to {question!r} after {timeout_s:.0f} s")
        page.wait_for_timeout(25)
    seconds = time.monotonic() - start
    # The run may still be replacing the previous run's elements (marked stale): wait until the page
    # holds only this run's messages, so callers read them in their final order.
    while page.locator(STALE_ELEMENTS).count():
        if time.monotonic() - start > timeout_s:
            raise TimeoutError(f"the page still holds stale elements after {timeout_s:.0f} s")
        page.wait_for_timeout(25)
    return seconds


def new_conversation(page, timeout_s: float = 30.0) -> None:
    """ "Cuộc trò chuyện mới" in the sidebar, then its confirmation (desktop layout: sidebar open)."""
    page.get_by_role("button", name="Cuộc trò chuyện mới").click()
    page.get_by_role("button", name="Bắt đầu cuộc mới").click(timeout=timeout_s * 1000)
    page.locator('[data-testid="stChatMessage"]').first.wait_for(state="detached", timeout=timeout_s * 1000)
