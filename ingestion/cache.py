"""A disk cache of what is derived from the corpus (parsed reports, tables, indexes), keyed by content.

A key is a digest of the inputs (file bytes, row hashes, embedder name) and of :func:`code_version`,
so a changed report, model or program rebuilds; an unchanged start only loads. Entries are pickles
written atomically under ``settings.cache_dir/derived``; a damaged or unreadable entry is rebuilt.

Example::

    cache = DerivedCache(settings.cache_dir)
    layer = cache.load_or_build("layer", corpus_digest, lambda: SemanticLayer.build(rows))
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from ingestion.models import Row
from ingestion.parser import ParsedReport, parse_report
from ingestion.readers import Progress
from ingestion.store import atomic_write, rows_to_jsonl

log = logging.getLogger(__name__)

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]
#: Code whose output is cached: a change to any of these files invalidates every entry.
CODE_PATHS = ("ingestion", "retrieval", "structured")
KEEP_PER_NAME = 2  # corpus-wide entries kept per name: the current one and the one before (a rollback)
REPORT_ENTRIES = 100_000  # per-report entries (parsed files, tokens) kept: every report a corpus may hold


@lru_cache(maxsize=1)
def code_version() -> str:
    """Digest of the deriving code (``*.py`` and ``*.yaml`` of :data:`CODE_PATHS`)."""
    digest = hashlib.sha256()
    for folder in CODE_PATHS:
        for path in sorted((ROOT / folder).glob("*")):
            if path.suffix in (".py", ".yaml"):
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def digest_of(parts: Iterable[str | bytes]) -> str:
    """sha256 of the parts (and the code version). Example: ``digest_of(["a", b"b"])`` → 24 hex chars."""
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:24]


def rows_digest(rows: Iterable[Row]) -> str:
    """Digest of the rows' ids and content hashes (and the deriving code): one report's or a corpus' content."""
    return digest_of(f"{row.id}={row.content_hash or row.compute_hash()}" for row in rows)


def sync_rows_file(rows: list[Row], path: Path, stamp_path: Path) -> None:
    """Make ``path`` (``rows.jsonl``, what ``python -m retrieval index`` reads) hold exactly ``rows``, checking a
    stamp (rows digest, file size and time) first so an unchanged start neither reads nor writes it."""
    digest = rows_digest(rows)
    if stamped_digest(path, stamp_path) == (digest, len(rows)):
        return
    text = rows_to_jsonl(rows)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        atomic_write(path, text)
    atomic_write(stamp_path, f"{digest} {len(rows)} {_file_stamp(path)}")


def stamped_digest(path: Path, stamp_path: Path) -> tuple[str, int] | None:
    """(rows digest, row count) of ``path`` as recorded by :func:`sync_rows_file`, when the file is still the one
    it wrote (same place, size and time): ``python -m retrieval index`` then need not read it."""
    try:
        digest, count, recorded = stamp_path.read_text(encoding="utf-8").split(" ", 2)
        return (digest, int(count)) if recorded == _file_stamp(path) else None
    except (OSError, ValueError):
        return None


def _file_stamp(path: Path) -> str:
    info = path.stat()
    return f"{path.resolve()} {info.st_size} {info.st_mtime_ns}"


class DerivedCache:
    """Pickled values by (name, key) under ``root/derived``; ``None`` root disables caching."""

    def __init__(self, root: Path | None) -> None:
        self.dir = root / "derived" if root is not None else None

    def path(self, name: str, key: str) -> Path | None:
        return self.dir / f"{name}-{key}.pkl" if self.dir is not None else None

    def load(self, name: str, key: str) -> object | None:
        path = self.path(name, key)
        if path is None or not path.exists():
            return None
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except Exception as exc:  # damaged or from an incompatible library version: rebuild
            log.warning("derived cache entry %s unreadable (%s); rebuilding", path.name, exc)
            return None

    def save(self, name: str, key: str, value: object, keep: int = KEEP_PER_NAME) -> None:
        path = self.path(name, key)
        if path is None:
            return
        try:
            atomic_write(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:  # a full or read-only disk only costs the next start a rebuild
            log.warning("derived cache entry %s not written (%s)", path.name, exc)
            return
        entries = sorted(self.dir.glob(f"{name}-*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[keep:]:
            old.unlink(missing_ok=True)

    def load_or_build(self, name: str, key: str, build: Callable[[], T], keep: int = KEEP_PER_NAME) -> T:
        """The cached value of (name, key), else ``build()`` saved under it (``keep`` newest kept)."""
        value = self.load(name, key)
        if value is None:
            value = build()
            self.save(name, key, value, keep)
        return value  # type: ignore[return-value]


def parse_cached(path: Path, cache: DerivedCache | None = None, progress: Progress | None = None) -> ParsedReport:
    """``parse_report(path)``, loaded from ``cache`` when these bytes were parsed before (CLI and app share it)."""
    if cache is None or cache.dir is None:
        return parse_report(path, progress)
    return cache.load_or_build("parsed", digest_of([path.read_bytes()]), lambda: parse_report(path, progress), keep=REPORT_ENTRIES)
