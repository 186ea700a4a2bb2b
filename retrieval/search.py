"""Hybrid search over rows: BM25 (exact + accent-folded) fused with Chroma dense results.

Example::

    retriever = get_retriever(rows, get_settings())
    retriever.search("thu vien thanh pho", k=3)[0].row_id == "320/BC-UBND:III:20"
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict, Field

from ingestion.cache import REPORT_ENTRIES, DerivedCache
from ingestion.cleaning import fold_diacritics
from ingestion.models import Row
from ingestion.store import atomic_write
from retrieval.chunks import Chunk, chunks_for_rows
from retrieval.lexical import LexicalIndex, chunk_tokens
from retrieval.normalize import NormalizedQuery, Vocabulary, build_vocabulary, normalize_query, syllables
from retrieval.store import (
    ChunkStore,
    IndexStats,
    IndexUnavailable,
    changed_reports,
    index_rows,
    is_synced,
    mark_synced,
    open_checked_store,
    open_store,
    rows_digest,
    sync_key,
    synced_key,
)
from settings import Settings, get_settings

log = logging.getLogger(__name__)

Mode = Literal["bm25", "dense", "hybrid", "hybrid+norm"]
MODES: tuple[Mode, ...] = ("bm25", "dense", "hybrid", "hybrid+norm")
FILTER_KEYS = ("report", "annex", "kind", "agency", "marker")
RRF_K = 10
LEXICAL_WEIGHT = 1.0
DENSE_WEIGHT = 1.0
DENSE_CANDIDATES = 60
EXACT_DENSE_LIMIT = 50_000
LEXICAL_ROWS = 500  # BM25 rows fused per query: beyond this rank a row adds < 1/(RRF_K + 500) to its score
MASKS_KEPT = 16  # report masks cached per retriever
STALE_VECTORS_S = 24 * 3600  # cached vector matrices of other corpora older than a day are deleted
SNIPPET_CHARS = 300


class Hit(BaseModel):
    """One retrieved row. ``score`` is the fused RRF score (or BM25 / cosine in single modes)."""

    model_config = ConfigDict(extra="forbid")

    row_id: str = Field(description="e.g. '320/BC-UBND:III:20'")
    report: str
    annex: str
    row: str
    score: float
    snippet: str
    chunk_id: str = Field(description="Best matching chunk, e.g. '320/BC-UBND:III:20#0'")
    name: str = ""
    kind: str = ""
    lexical: float = Field(default=0.0, description="Best BM25 score of the row's chunks")
    dense: float = Field(default=0.0, description="Best cosine similarity of the row's chunks")


def report_chunks(rows: Sequence[Row], cache: DerivedCache | None = None) -> dict[str, list[Chunk]]:
    """Report → the chunks of its rows (in row order), each report's loaded from ``cache`` when its rows
    are unchanged: adding one report to hundreds builds only its own chunks."""
    by_report: dict[str, list[Row]] = {}
    for row in rows:
        by_report.setdefault(row.report, []).append(row)
    if cache is None:
        return {report: chunks_for_rows(group) for report, group in by_report.items()}
    return {
        report: cache.load_or_build("chunks", rows_digest(group), lambda group=group: chunks_for_rows(group),
                                    keep=REPORT_ENTRIES)
        for report, group in by_report.items()
    }


def build_lexical_index(
    rows: Sequence[Row], by_report: dict[str, list[Chunk]], cache: DerivedCache | None = None
) -> tuple[list[Chunk], LexicalIndex]:
    """Chunks (without their full ``text``) and their BM25 index; each report's analysed tokens are cached by
    its content, so adding a report analyses only its own chunks (bm25s indexing of the tokens is the fast part)."""
    of_row: dict[str, list[Chunk]] = {}
    for own in by_report.values():
        for chunk in own:
            of_row.setdefault(chunk.row_id, []).append(chunk)
    chunks = [chunk for row in rows for chunk in of_row.get(row.id, [])]
    positions: dict[str, list[int]] = {}
    for i, chunk in enumerate(chunks):
        positions.setdefault(str(chunk.metadata["report"]), []).append(i)
    by_rows: dict[str, list[Row]] = {}
    for row in rows:
        by_rows.setdefault(row.report, []).append(row)
    body: list[list[str]] = [[] for _ in chunks]
    title: list[list[str]] = [[] for _ in chunks]
    memo: dict[str, list[str]] = {}
    for report, where in positions.items():
        part = [chunks[i] for i in where]
        key = rows_digest(by_rows.get(report, []))
        build = lambda part=part: chunk_tokens(part, memo)  # noqa: E731
        got_body, got_title = cache.load_or_build("tokens", key, build, keep=REPORT_ENTRIES) if cache else build()
        for j, i in enumerate(where):
            body[i], title[i] = got_body[j], got_title[j]
    # The retriever needs ids, metadata and the embedded text; the full stored text lives in Chroma.
    kept = [chunk.model_copy(update={"text": ""}) for chunk in chunks]
    return kept, LexicalIndex(kept, tokens=(body, title))


def vocabulary_for(rows: Sequence[Row]) -> Vocabulary:
    """The restoration / typo vocabulary learned from the rows' own text."""
    return build_vocabulary(row.text for row in rows)


def _matches(meta: dict[str, Any], filters: dict[str, str]) -> bool:
    for key, wanted in filters.items():
        value = str(meta.get(key, ""))
        if key == "agency":
            if fold_diacritics(str(wanted)).strip() not in fold_diacritics(value):
                return False
        elif value != str(wanted):
            return False
    return True


def _chroma_where(filters: dict[str, str], reports: list[str]) -> dict[str, Any] | None:
    """Exact-match filters for Chroma; the collection may also hold reports this retriever
    was not built with, so those are excluded too. Agency (substring) is post-filtered."""
    exact = [{k: str(v)} for k, v in filters.items() if k != "agency"]
    if "report" not in filters and reports:
        exact.append({"report": {"$in": reports}})
    if not exact:
        return None
    return exact[0] if len(exact) == 1 else {"$and": exact}


def _top(values: np.ndarray, n: int) -> np.ndarray:
    """Indexes of the ``n`` largest values, largest first, ties by index: ``np.argsort(-values,
    kind="stable")[:n]`` without sorting the whole array."""
    if len(values) > n > 0:
        kth = np.partition(values, len(values) - n)[len(values) - n]
        candidates = np.flatnonzero(values >= kth)
        return candidates[np.argsort(-values[candidates], kind="stable")][:n]
    return np.argsort(-values, kind="stable")[:n]


def _rank(scores: dict[str, float]) -> dict[str, int]:
    ordered = sorted(scores, key=lambda key: scores[key], reverse=True)
    return {key: rank for rank, key in enumerate(ordered)}


class Retriever:
    """Search over ``rows``: lexical index built in memory, dense index synced to Chroma once.

    Example: ``Retriever(rows, Settings(embedder="hash", data_dir=tmp)).search("GRDP", k=3)``.
    """

    def __init__(
        self,
        rows: Sequence[Row],
        settings: Settings | None = None,
        *,
        embedder: Embeddings | None = None,
        store: ChunkStore | None = None,
        sync: bool = True,
        progress: bool = False,
        vocab: Vocabulary | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.rows = {row.id: row for row in rows}
        cache = DerivedCache(self.settings.cache_dir)
        self.corpus_key = rows_digest(rows)
        built: dict[str, list[Chunk]] = {}

        def by_report() -> dict[str, list[Chunk]]:  # built only when something must be (re)built
            if not built:
                built.update(report_chunks(rows, cache))
            return built

        self.chunks, self.lexical = cache.load_or_build(
            "lexical", self.corpus_key, lambda: build_lexical_index(rows, by_report(), cache)
        )
        self.chunk_by_id = {chunk.id: chunk for chunk in self.chunks}
        self._chunk_reports = np.array([str(c.metadata["report"]) for c in self.chunks], dtype=object)
        ordinals: dict[str, int] = {}
        self._chunk_row = np.array([ordinals.setdefault(c.row_id, len(ordinals)) for c in self.chunks], dtype=np.int64)
        self._masks: dict[frozenset[str], np.ndarray] = {}
        self.vocab = vocab or vocabulary_for(rows)
        self.notices: list[str] = []  # for the user, e.g. the index was rebuilt at start-up
        self.index_stats: IndexStats | None = None
        self._matrix: np.ndarray | None = None
        if store is None and sync and (self._start_from_cache(embedder) or self._sync_changed(embedder, by_report())):
            return
        if store is None and sync:
            store, self.notices = open_checked_store(self.settings, (row.report for row in rows), embedder)
        self.store = store or open_store(self.settings, embedder)
        self.embedder = self.store.embedder
        try:
            if sync:
                chunks = [chunk for own in by_report().values() for chunk in own]
                self.index_stats = index_rows(list(rows), self.store, progress, chunks=chunks)
            self._matrix = self._load_vectors() if len(self.chunks) <= EXACT_DENSE_LIMIT else None
            if sync:
                self._save_synced()
        except Exception as exc:
            if self.settings.chroma_mode != "server":
                raise
            where = f"{self.settings.chroma_host}:{self.settings.chroma_port}"
            raise IndexUnavailable(f"Máy chủ Chroma tại {where} lỗi khi đồng bộ chỉ mục ({exc})") from exc
        self._has_vector = self._matrix.any(axis=1) if self._matrix is not None else None
        self._init_weights()

    def _init_weights(self) -> None:
        self.rrf_k = RRF_K
        self.weights = {"lexical": LEXICAL_WEIGHT, "dense": DENSE_WEIGHT}

    # -- start without a sync when the last completed sync was of this very corpus (embedded mode) --

    def _vectors_path(self) -> Path:
        """This corpus' vector matrix as the last completed sync into this collection left it."""
        return self.settings.cache_dir / "derived" / f"vectors-{sync_key(self.corpus_key, self.store)}.npy"

    def _start_from_cache(self, embedder: Embeddings | None) -> bool:
        """Open the store without re-reading every chunk's metadata: true when the last completed sync
        was of this corpus, the collection holds exactly its chunks and the vectors are cached."""
        if self.settings.chroma_mode == "server" or len(self.chunks) > EXACT_DENSE_LIMIT:
            return False
        try:
            self.store = open_store(self.settings, embedder)
            vectors = self._vectors_path()
            if not (vectors.exists() and is_synced(self.settings, self.store, self.corpus_key)):
                return False
            if self.store.count() != len(self.chunks):
                return False
            matrix = np.load(vectors, mmap_mode="r")
        except Exception as exc:  # anything odd: take the checked path, which repairs
            log.info("cached index state not usable (%s); checking the index", exc)
            return False
        if matrix.shape[0] != len(self.chunks):
            return False
        self.embedder = self.store.embedder
        self._matrix = matrix
        self._has_vector = np.asarray(matrix.any(axis=1))
        self.index_stats = IndexStats(unchanged=len(self.chunks))
        self._init_weights()
        return True

    def _sync_changed(self, embedder: Embeddings | None, by_report: dict[str, list[Chunk]]) -> bool:
        """Sync only the reports whose chunks changed since the last completed sync (embedded mode): true
        when the recorded state could be trusted (:func:`changed_reports`) and the sync is done. The
        vectors of unchanged reports come from the last sync's matrix, not from reading the collection."""
        if self.settings.chroma_mode == "server" or len(self.chunks) > EXACT_DENSE_LIMIT:
            return False
        try:
            self.store = open_store(self.settings, embedder)
            changed = changed_reports(self.store, by_report)
            previous = synced_key(self.settings)
        except Exception as exc:  # anything odd: take the checked path, which repairs
            log.info("recorded index state not usable (%s); checking the index", exc)
            return False
        if changed is None:
            return False
        self.embedder = self.store.embedder
        rows = [row for row in self.rows.values() if row.report in set(changed)]
        stats = index_rows(rows, self.store, chunks=[c for r in changed for c in by_report[r]])
        stats.unchanged += sum(len(own) for r, own in by_report.items() if r not in changed)
        self.index_stats = stats
        self._matrix = self._reuse_vectors(previous, set(changed))
        self._save_synced()
        self._has_vector = self._matrix.any(axis=1)
        self._init_weights()
        return True

    def _reuse_vectors(self, previous: str | None, changed: set[str]) -> np.ndarray:
        """The vector matrix from the last sync's (``previous`` key) for chunks of unchanged reports, read
        from the collection for the rest; all of it read when that matrix is gone."""
        path = self.settings.cache_dir / "derived" / f"vectors-{previous}.npy"
        try:
            old = np.load(path, mmap_mode="r")
            old_ids = path.with_suffix(".ids").read_text(encoding="utf-8").split("\n")
        except (OSError, ValueError):
            return self._load_vectors()
        if previous is None or len(old_ids) != old.shape[0]:
            return self._load_vectors()
        where = {chunk_id: i for i, chunk_id in enumerate(old_ids)}
        matrix = np.zeros((len(self.chunks), old.shape[1]), dtype=np.float32)
        fetch: list[int] = []
        for i, chunk in enumerate(self.chunks):
            j = where.get(chunk.id)
            if j is None or str(chunk.metadata["report"]) in changed:
                fetch.append(i)
            else:
                matrix[i] = old[j]
        return self._load_vectors(matrix, fetch)

    def _save_synced(self) -> None:
        """Record that this corpus is fully synced, with its vector matrix, for the next start."""
        if self.settings.chroma_mode == "server" or self._matrix is None:
            return
        vectors = self._vectors_path()
        try:
            vectors.parent.mkdir(parents=True, exist_ok=True)
            ids = vectors.with_suffix(".ids")
            for old in vectors.parent.glob("vectors-*"):
                if old not in (vectors, ids) and time.time() - old.stat().st_mtime > STALE_VECTORS_S:
                    old.unlink(missing_ok=True)
            tmp = vectors.with_suffix(".tmp.npy")
            np.save(tmp, self._matrix)
            tmp.replace(vectors)
            atomic_write(ids, "\n".join(chunk.id for chunk in self.chunks))
            mark_synced(self.settings, self.store, self.corpus_key, len(self.chunks))
        except OSError as exc:  # the next start syncs again; nothing is lost
            log.warning("index state not saved (%s)", exc)

    def info(self) -> dict[str, Any]:
        """What the UI shows about the index. Example: ``{"collection": "rows_hash-…_c1", "chunks": 197, …}``."""
        return {
            "collection": self.store.name,
            "embedder_name": self.store.name.removeprefix("rows_"),
            "chunks": len(self.chunks),
            "indexed_chunks": self.store.count(),
            "rows_indexed": len(self.rows),
            **({"index_notice": " ".join(self.notices)} if self.notices else {}),
        }

    def normalize(self, query: str) -> NormalizedQuery:
        return normalize_query(query, self.vocab)

    def _lexical(self, text: str, allowed: np.ndarray) -> dict[str, tuple[float, str]]:
        """Row id → (best BM25 score, its chunk) for the ``LEXICAL_ROWS`` best rows, in corpus order
        (the first chunk wins a tie), computed in numpy rather than a loop over matching chunks."""
        scores = self.lexical.scores(text)
        idx = np.flatnonzero((scores > 0) & allowed)
        if not len(idx):
            return {}
        order = idx[np.argsort(-scores[idx], kind="stable")]
        _, first = np.unique(self._chunk_row[order], return_index=True)
        best = order[first]  # one chunk per row, rows in corpus order
        if len(best) > LEXICAL_ROWS:
            best = np.sort(best[np.argsort(-scores[best], kind="stable")[:LEXICAL_ROWS]])
        return {self.chunks[i].row_id: (float(scores[i]), self.chunks[i].id) for i in best}

    def _report_mask(self, reports: Collection[str]) -> np.ndarray:
        """Chunks of ``reports`` (cached: a conversation asks about the same few reports)."""
        key = frozenset(reports)
        if key not in self._masks:
            if len(self._masks) >= MASKS_KEPT:
                self._masks.pop(next(iter(self._masks)))
            self._masks[key] = np.isin(self._chunk_reports, list(key))
        return self._masks[key]

    def _load_vectors(self, matrix: np.ndarray | None = None, rows: list[int] | None = None) -> np.ndarray:
        """This corpus' chunk vectors from Chroma, L2-normalised, in ``self.chunks`` order; with ``matrix``,
        only its ``rows`` are read (the others are already there)."""
        rows = list(range(len(self.chunks))) if rows is None else rows
        stored = self.store.vectors([self.chunks[i].id for i in rows])
        if matrix is None:
            dim = len(next(iter(stored.values()))) if stored else 1
            matrix = np.zeros((len(self.chunks), dim), dtype=np.float32)
        for i in rows:
            if (vector := stored.get(self.chunks[i].id)) is not None:
                matrix[i] = vector
        norms = np.linalg.norm(matrix[rows], axis=1, keepdims=True)
        matrix[rows] = matrix[rows] / np.where(norms == 0, 1, norms)
        return matrix

    def _dense_candidates(
        self, vector: list[float], filters: dict[str, str], allowed: np.ndarray, reports: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """Exact cosine over the corpus' vectors (deterministic); Chroma's HNSW for huge corpora."""
        if self._matrix is None:
            where = _chroma_where(filters, sorted(reports or {row.report for row in self.rows.values()}))
            return self.store.query(vector, DENSE_CANDIDATES, where=where)
        sims = self._matrix @ np.asarray(vector, dtype=np.float32)
        sims = np.where(allowed & self._has_vector, sims, -np.inf)
        top = _top(sims, DENSE_CANDIDATES)
        return [(self.chunks[i].id, float(sims[i])) for i in top if np.isfinite(sims[i])]

    def _dense(
        self, text: str, filters: dict[str, str], allowed: np.ndarray, reports: Collection[str] | None = None
    ) -> dict[str, tuple[float, str]]:
        found = self._dense_candidates(self.embedder.embed_query(text), filters, allowed, reports)
        best: dict[str, tuple[float, str]] = {}
        for chunk_id, sim in found:
            chunk = self.chunk_by_id.get(chunk_id)
            if chunk is None or not _matches(chunk.metadata, filters) or (reports is not None and chunk.metadata["report"] not in reports):
                continue
            if chunk.row_id not in best or sim > best[chunk.row_id][0]:
                best[chunk.row_id] = (sim, chunk_id)
        return best

    def _hit(self, row_id: str, score: float, chunk_id: str, lexical: float, dense: float) -> Hit:
        row = self.rows[row_id]
        chunk = self.chunk_by_id[chunk_id]
        snippet = " ".join(chunk.embed_text.split())
        if len(snippet) > SNIPPET_CHARS:
            snippet = snippet[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
        return Hit(
            row_id=row_id, report=row.report, annex=row.annex, row=row.row, score=round(score, 6),
            snippet=snippet, chunk_id=chunk_id, name=row.name, kind=row.kind, lexical=lexical, dense=dense,
        )

    def search(
        self, query: str, k: int = 5, filters: dict[str, str] | None = None, mode: Mode = "hybrid+norm",
        reports: Collection[str] | None = None,
    ) -> list[Hit]:
        """The ``k`` best rows for ``query``; ``filters`` on report, annex, kind, agency (folded
        substring) and marker; ``reports``: only rows of these reports (ranked among themselves).
        Example: ``search("ĐT 917", filters={"annex": "III"})``.
        """
        filters = {key: value for key, value in (filters or {}).items() if value}
        unknown = set(filters) - set(FILTER_KEYS)
        if unknown:
            raise ValueError(f"Unknown filter(s): {sorted(unknown)}; allowed: {FILTER_KEYS}")
        if not query.strip() or k <= 0:
            return []
        text = dense_text = query
        if mode == "hybrid+norm":
            norm = self.normalize(query)
            text = norm.restored
            # The embedder reads cased, punctuated text best: keep it when restoration changed nothing.
            dense_text = norm.expanded if syllables(norm.expanded) == norm.restored.split() else norm.restored
        allowed = (np.array([_matches(c.metadata, filters) for c in self.chunks], dtype=bool) if filters
                   else np.ones(len(self.chunks), dtype=bool))
        if reports is not None:
            allowed &= self._report_mask(reports)
        lexical = self._lexical(text, allowed) if mode != "dense" else {}
        dense = self._dense(dense_text, filters, allowed, reports) if mode != "bm25" else {}
        if mode == "bm25":
            fused = {row_id: score for row_id, (score, _) in lexical.items()}
        elif mode == "dense":
            fused = {row_id: score for row_id, (score, _) in dense.items()}
        else:
            fused = self._fuse(lexical, dense)
        ordered = sorted(fused, key=lambda row_id: fused[row_id], reverse=True)[:k]
        lex_ranks = _rank({row_id: score for row_id, (score, _) in lexical.items()})
        dense_ranks = _rank({row_id: score for row_id, (score, _) in dense.items()})
        hits = []
        for row_id in ordered:
            lex_score, lex_chunk = lexical.get(row_id, (0.0, ""))
            dense_score, dense_chunk = dense.get(row_id, (0.0, ""))
            better_lexical = lex_ranks.get(row_id, 10**9) <= dense_ranks.get(row_id, 10**9)
            chunk_id = lex_chunk if better_lexical else dense_chunk
            hits.append(self._hit(row_id, fused[row_id], chunk_id, lex_score, dense_score))
        return hits

    def _fuse(self, lexical: dict[str, tuple[float, str]], dense: dict[str, tuple[float, str]]) -> dict[str, float]:
        """Reciprocal rank fusion of the two row rankings; ties go to the higher cosine."""
        fused: dict[str, float] = {}
        for ranking, weight in ((lexical, self.weights["lexical"]), (dense, self.weights["dense"])):
            ranks = _rank({row_id: score for row_id, (score, _) in ranking.items()})
            for row_id, rank in ranks.items():
                fused[row_id] = fused.get(row_id, 0.0) + weight / (self.rrf_k + rank + 1)
        return {row_id: score + 1e-6 * dense.get(row_id, (0.0, ""))[0] for row_id, score in fused.items()}


def _fingerprint(rows: Sequence[Row], settings: Settings) -> str:
    blob = "|".join(f"{row.id}={row.content_hash}" for row in rows)
    parts = (settings.embedder, settings.embedder_path, settings.chroma_mode, settings.chroma_path,
             settings.chroma_host, settings.chroma_port)
    return hashlib.sha256(f"{blob}|{parts}".encode()).hexdigest()


_RETRIEVERS: dict[str, Retriever] = {}
_FAILURES: dict[str, tuple[float, IndexUnavailable]] = {}
_RETRIEVERS_LOCK = threading.Lock()
_MAX_CACHED = 4


def get_retriever(rows: Sequence[Row], settings: Settings | None = None, vocab: Vocabulary | None = None) -> Retriever:
    """One ``Retriever`` per (rows, settings) per process; new rows build (and sync) a new one.

    An unreachable Chroma server is remembered for ``settings.chroma_retry_after_s``: meanwhile
    the same :class:`IndexUnavailable` is raised at once instead of retrying on every question.
    """
    settings = settings or get_settings()
    key = _fingerprint(rows, settings)
    with _RETRIEVERS_LOCK:
        if key not in _RETRIEVERS:
            failed = _FAILURES.get(key)
            if failed and time.monotonic() - failed[0] < settings.chroma_retry_after_s:
                raise failed[1]
            while len(_RETRIEVERS) >= _MAX_CACHED:
                _RETRIEVERS.pop(next(iter(_RETRIEVERS)))
            try:
                _RETRIEVERS[key] = Retriever(rows, settings, vocab=vocab)
            except IndexUnavailable as exc:
                _FAILURES[key] = (time.monotonic(), exc)
                raise
            _FAILURES.pop(key, None)
        return _RETRIEVERS[key]


def forget_retrievers_of(report: str) -> None:
    """Forget cached retrievers holding ``report``: its chunks were just deleted from the store, so the
    same rows coming back (a restore, or the same file uploaded again) must sync the store again."""
    with _RETRIEVERS_LOCK:
        for key in [k for k, r in _RETRIEVERS.items() if any(row.report == report for row in r.rows.values())]:
            _RETRIEVERS.pop(key)


def reset_retrievers() -> None:
    """Forget every cached retriever and remembered failure (tests; a fresh start)."""
    with _RETRIEVERS_LOCK:
        _RETRIEVERS.clear()
        _FAILURES.clear()
