"""The naive RAG baseline most people build first, scored side by side with the assistant.

``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=150)`` over the raw report
text, the SAME embedder as the assistant (``retrieval.embeddings.get_embedder(settings)``),
``langchain_chroma.Chroma`` in a temporary folder (telemetry off), top-4 similarity search.
Its "answer" is the concatenated retrieved text: it cannot cite rows. It abstains when the nearest chunk is
farther than a distance threshold fit on the development set (:func:`fit_threshold`), so that its score on
questions the report cannot answer is not zero by construction.

Example::

    with Baseline([Path("data/raw/bao-cao-320-BC-UBND-2024-phu-luc.txt")]) as base:
        text = base.retrieve("GRDP năm 2024 tăng trưởng bao nhiêu?")
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 150
TOP_K = 4


class Baseline:
    """Chunk → embed → Chroma → top-k; ``retrieve(query)`` returns the joined chunk texts."""

    def __init__(self, corpus_files: Sequence[Path], embedder: Any | None = None, k: int = TOP_K) -> None:
        import chromadb.config
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from ingestion.parser import read_report_text

        if embedder is None:
            from retrieval.embeddings import get_embedder
            from settings import get_settings

            embedder = get_embedder(get_settings())
        self.k = k
        self._dir = tempfile.mkdtemp(prefix="vnqa-baseline-")
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        texts: list[str] = []
        metadatas: list[dict[str, str]] = []
        for path in corpus_files:
            for chunk in splitter.split_text(read_report_text(Path(path))):
                texts.append(chunk)
                metadatas.append({"source": Path(path).name})
        self.n_chunks = len(texts)
        self._names = {m["source"] for m in metadatas}
        self._store = Chroma(
            collection_name="baseline",
            embedding_function=embedder,
            persist_directory=self._dir,
            client_settings=chromadb.config.Settings(anonymized_telemetry=False, is_persistent=True),
        )
        if texts:
            self._store.add_texts(texts, metadatas=metadatas)

    def retrieve(self, query: str, files: Sequence[Path] | None = None) -> str:
        """Top-k chunk texts joined; ``files`` restricts the search to those report files."""
        return self.retrieve_scored(query, files)[0]

    def retrieve_scored(self, query: str, files: Sequence[Path] | None = None) -> tuple[str, float]:
        """Top-k chunk texts joined and the distance of the nearest one (``inf`` when nothing is indexed)."""
        names = sorted({Path(p).name for p in files}) if files is not None else None
        flt = None
        if names is not None and set(names) != self._names:
            flt = {"source": names[0]} if len(names) == 1 else {"source": {"$in": names}}
        hits = self._store.similarity_search_with_score(query, k=self.k, filter=flt)
        text = "\n\n".join(doc.page_content for doc, _ in hits)
        return text, min((float(d) for _, d in hits), default=float("inf"))

    def close(self) -> None:
        try:
            self._store.delete_collection()
        except Exception:  # noqa: BLE001 - best effort cleanup of a temp index
            pass
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> Baseline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def best_threshold(points: Sequence[tuple[float, bool, bool]]) -> float:
    """The distance above which abstaining scores best on ``points`` = (nearest distance, answerable, text has
    every must_include): an answerable question is right when kept and its text holds the answer, an
    unanswerable one when refused. Ties go to the larger threshold (refuse less). ``inf`` = never refuse."""
    candidates = sorted({d for d, _, _ in points if d != float("inf")} | {float("inf")})

    def right(t: float) -> int:
        return sum((d <= t and has) if answerable else d > t for d, answerable, has in points)

    return max(reversed(candidates), key=right)


def fit_threshold(dev_file: Path | None = None, embedder: Any | None = None, cache_dir: Path | None = None) -> float:
    """The abstention threshold fit on the development set (default ``eval/questions.jsonl``), each
    question on the corpus the QA eval gives it; cached in ``cache_dir`` by dev set, embedder and chunking."""
    import hashlib
    import json

    from eval import run as eval_run
    from eval import scoring
    from retrieval.embeddings import embedder_name, get_embedder
    from settings import get_settings

    settings = get_settings()
    embedder = embedder or get_embedder(settings)
    dev_file = Path(dev_file or eval_run.DEFAULT_QUESTIONS)
    params = f"{embedder_name(embedder)}|{CHUNK_SIZE}|{CHUNK_OVERLAP}|{TOP_K}"
    key = hashlib.sha256(dev_file.read_bytes() + params.encode()).hexdigest()[:16]
    cache = Path(cache_dir or settings.cache_dir) / "baseline_threshold.json"
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return float(cached["threshold"])
    except (OSError, ValueError):
        pass
    questions = eval_run.load_questions(dev_file)
    corpus = eval_run.default_corpus(questions)
    points = []
    with Baseline(corpus, embedder=embedder) as base:
        for q in questions:
            text, distance = base.retrieve_scored(eval_run.baseline_query(q), eval_run.corpus_for(q, corpus, False))
            has = scoring.score_answer(q, text, False, retrieved=True).correct
            points.append((distance, q["type"] not in ("no_answer", "clarify"), has))
    threshold = best_threshold(points)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"key": key, "threshold": threshold, "dev": str(dev_file)}), encoding="utf-8")
    return threshold
