"""The naive RAG baseline most people build first, scored side by side with the assistant.

``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=150)`` over the raw report
text, the SAME embedder as the assistant (``retrieval.embeddings.get_embedder(settings)``),
``langchain_chroma.Chroma`` in a temporary folder (telemetry off), top-4 similarity search.
Its "answer" is the concatenated retrieved text: it cannot cite rows and never abstains.

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
        names = sorted({Path(p).name for p in files}) if files is not None else None
        flt = None
        if names is not None and set(names) != self._names:
            flt = {"source": names[0]} if len(names) == 1 else {"source": {"$in": names}}
        docs = self._store.similarity_search(query, k=self.k, filter=flt)
        return "\n\n".join(doc.page_content for doc in docs)

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
