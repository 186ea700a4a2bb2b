"""In-memory BM25 (``bm25s``) over Vietnamese syllables and pyvi word segments.

Each chunk is indexed in four fields: body and title, each exact (with diacritics)
and accent-folded. The folded "shadow" fields weigh less, so a query typed with
diacritics ranks exact matches first while an unaccented query still matches.

Example: ``analyze("Thư viện TP")`` → ``["thư", "viện", "thành", "phố", "thư_viện", "thành_phố"]``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import bm25s
import numpy as np

from ingestion.cleaning import fold_diacritics
from retrieval.abbreviations import expand_abbreviations
from retrieval.chunks import Chunk
from retrieval.normalize import QUESTION_WORDS, syllables

DEFAULT_WEIGHTS: dict[str, float] = {"body": 1.0, "body_folded": 0.6, "title": 1.0, "title_folded": 0.6}


@lru_cache(maxsize=1)
def _vi_tokenizer():  # noqa: ANN202
    from pyvi import ViTokenizer

    return ViTokenizer


_PYVI_LOCK = threading.Lock()


@lru_cache(maxsize=4096)
def _compounds(text: str) -> tuple[str, ...]:
    """pyvi multi-syllable words of lower-cased ``text``: ``("thư_viện", "thành_phố")``."""
    with _PYVI_LOCK:
        tokens = _vi_tokenizer().tokenize(text).split()
    return tuple(t for t in tokens if "_" in t and all(p.isalnum() for p in t.split("_")))


def analyze(text: str, folded: bool = False, drop_question_words: bool = False) -> list[str]:
    """Syllables + compound words of ``text`` (abbreviations expanded, lower case, NFC).

    Example: ``analyze("Thư viện", folded=True) == ["thu", "vien", "thu_vien"]``.
    """
    lowered = " ".join(syllables(expand_abbreviations(text)))
    tokens = lowered.split() + list(_compounds(lowered))
    if drop_question_words:
        tokens = [t for t in tokens if t not in QUESTION_WORDS]
    if folded:
        tokens = [fold_diacritics(t) for t in tokens]
    return tokens


def _bm25(corpus: list[list[str]]) -> bm25s.BM25:
    model = bm25s.BM25(k1=1.2, b=0.75)
    model.index([tokens or ["∅"] for tokens in corpus], show_progress=False)
    return model


def chunk_tokens(chunks: Sequence[Chunk], memo: dict[str, list[str]] | None = None) -> ChunkTokens:
    """(body, title) analysed tokens of each chunk; ``memo`` shares the analysis of repeated texts."""
    memo = {} if memo is None else memo

    def once(text: str) -> list[str]:
        if text not in memo:
            memo[text] = analyze(text)
        return memo[text]

    return [once(c.embed_text or c.text) for c in chunks], [once(str(c.metadata.get("name", ""))) for c in chunks]


ChunkTokens = tuple[list[list[str]], list[list[str]]]


@dataclass
class LexicalIndex:
    """BM25 fields over ``chunks``; ``scores`` returns one combined score per chunk. ``tokens``: the
    chunks' :func:`chunk_tokens` when already known (analysis is most of the build)."""

    chunks: Sequence[Chunk]
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    tokens: ChunkTokens | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        body, title = self.tokens or chunk_tokens(self.chunks)
        self.tokens = None  # not kept: the BM25 models hold what searching needs
        distinct: set[str] = set()
        for toks in (*body, *title):
            distinct.update(toks)
        folded = {token: fold_diacritics(token) for token in distinct}  # millions of tokens, thousands of words

        def fold_all(corpus: list[list[str]]) -> list[list[str]]:
            return [list(map(folded.__getitem__, toks)) for toks in corpus]

        self.fields = {
            "body": _bm25(body),
            "body_folded": _bm25(fold_all(body)),
            "title": _bm25(title),
            "title_folded": _bm25(fold_all(title)),
        }

    def scores(self, query: str) -> np.ndarray:
        """Weighted sum of the field BM25 scores for ``query`` (length = number of chunks).

        The same sums as ``bm25s.BM25.get_scores`` per field, gathered from the precomputed postings of
        every field into one ``np.bincount`` (bm25s adds each posting with ``np.add.at``, which cost
        most of a search at 40,000 chunks)."""
        exact = analyze(query, drop_question_words=True)
        folded = [fold_diacritics(t) for t in exact]
        positions: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for name, model in self.fields.items():
            weight = self.weights.get(name, 0.0)
            if not weight:
                continue
            postings = model.scores
            for token_id in model.get_tokens_ids(folded if name.endswith("_folded") else exact):
                start, end = postings["indptr"][token_id], postings["indptr"][token_id + 1]
                positions.append(postings["indices"][start:end])
                weights.append(weight * postings["data"][start:end])
        if not positions:
            return np.zeros(len(self.chunks), dtype=np.float32)
        summed = np.bincount(np.concatenate(positions), weights=np.concatenate(weights), minlength=len(self.chunks))
        return summed.astype(np.float32)
