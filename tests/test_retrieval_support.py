"""Helpers shared by the retrieval tests: settings in a temp dir and a ``chroma run`` server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ingestion.models import Row
from settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def hash_settings(tmp: Path, **overrides: object) -> Settings:
    """Settings with the fast fake embedder and an embedded Chroma under ``tmp``."""
    values: dict[str, object] = {
        "data_dir": tmp,
        "raw_dir": tmp / "raw",
        "embedder": "hash",
        "chroma_mode": "embedded",
        "chroma_dir": tmp / "chroma",
    }
    return Settings(**{**values, **overrides})


def changed(row: Row, **fields: object) -> Row:
    """A copy of ``row`` with ``fields`` replaced and its content hash recomputed."""
    new = row.model_copy(update=fields, deep=True)
    new.content_hash = new.compute_hash()
    return new


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def chroma_cli() -> str:
    local = Path(sys.executable).with_name("chroma")
    return str(local) if local.exists() else (shutil.which("chroma") or "chroma")


@contextmanager
def chroma_server(path: Path, timeout_s: float = 60.0) -> Iterator[int]:
    """Run ``chroma run --path <path>`` on a free port until the heartbeat answers; yields the port."""
    port = free_port()
    log = (path.parent / "chroma-server.log").open("wb")
    proc = subprocess.Popen(
        [chroma_cli(), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError("chroma server did not answer its heartbeat") from None
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
