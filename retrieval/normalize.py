"""Query normalisation: NFC, abbreviations, diacritic restoration and typo repair.

Restoration is a syllable trigram language model (stupid backoff) learned from the
corpus itself, decoded with Viterbi over the accented spellings each unaccented
syllable can have. Example::

    vocab = build_vocabulary(["Thư viện thành phố", "Tốc độ tăng trưởng"])
    normalize_query("thu vien thanh pho", vocab).restored == "thư viện thành phố"
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ingestion.cleaning import fold_diacritics, nfc
from retrieval.abbreviations import _pattern, expand_abbreviations

_SEGMENT_SPLIT_RE = re.compile(r"[.,;:!?()\[\]{}\"“”‘’'/\n\t]+|\s[-–—+]\s")
_SYLLABLE_RE = re.compile(r"\w+")
_BOS = "<s>"
_BACKOFF = math.log(0.4)
_TONE_PENALTY = math.log(0.002)
_FUZZY_PENALTY = math.log(0.01)
_MAX_CANDIDATES = 6

# Generic Vietnamese question phrasing, so "bao nhieu" restores to "bao nhiêu" and not "báo nhiều".
QUESTION_SEED = (
    "bao nhiêu. là bao nhiêu. đạt bao nhiêu. giải ngân bao nhiêu. bao nhiêu phần trăm. mấy. "
    "như thế nào. thế nào. ra sao. tiến độ ra sao. là gì. gì. nào. dự án nào. nhiệm vụ nào. "
    "ai chủ trì. cơ quan nào chủ trì. khi nào. bao giờ. khi nào hoàn thành. ở đâu. "
    "đã hoàn thành chưa. có đạt không. chưa đạt. đạt không. hiện nay. hiện tại. "
    "cho biết. cho tôi biết. tình hình. kết quả. được không. những. các. của. và. năm nay."
)

QUESTION_WORDS = frozenset(
    "bao nhiêu mấy thế nào ra sao gì nào ai đâu khi bao giờ chưa không cho biết tôi hãy vậy nhỉ".split()
)


@dataclass
class Vocabulary:
    """Syllable n-gram counts and the accented spellings of each folded syllable."""

    unigrams: Counter[str] = field(default_factory=Counter)
    bigrams: Counter[tuple[str, str]] = field(default_factory=Counter)
    trigrams: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    contexts1: Counter[str] = field(default_factory=Counter)
    contexts2: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_folded: dict[str, list[str]] = field(default_factory=dict)
    total: int = 0

    @property
    def folded_keys(self) -> list[str]:
        return list(self.by_folded)

    def contains(self, syllable: str) -> bool:
        return syllable in self.unigrams


@dataclass(frozen=True)
class NormalizedQuery:
    """The query at each normalisation stage.

    Example: ``NormalizedQuery(original="Dt917", expanded="Đường tỉnh 917",
    restored="đường tỉnh 917", folded="duong tinh 917")``.
    """

    original: str
    expanded: str
    restored: str
    folded: str


def syllables(text: str) -> list[str]:
    """Lower-case NFC syllables. Example: ``syllables("Đường tỉnh 917") == ["đường", "tỉnh", "917"]``."""
    return _SYLLABLE_RE.findall(nfc(text).lower())


def _segments(text: str) -> list[list[str]]:
    return [s for s in (syllables(part) for part in _SEGMENT_SPLIT_RE.split(nfc(text))) if s]


def has_diacritics(syllable: str) -> bool:
    """Example: ``has_diacritics("tỉnh") is True``, ``has_diacritics("tinh") is False``."""
    return fold_diacritics(syllable) != syllable.lower()


def count_vocabulary(texts: Iterable[str]) -> Vocabulary:
    """Raw syllable uni/bi/trigram counts of ``texts`` (and their abbreviation expansions); counts add up,
    so a corpus' vocabulary is the sum of its reports' (see :func:`merge_vocabularies`)."""
    vocab = Vocabulary()
    for text in texts:
        variants = {text, expand_abbreviations(text)}
        for variant in variants:
            for seg in _segments(variant):
                padded = [_BOS, _BOS, *seg]
                vocab.unigrams.update(seg)
                vocab.bigrams.update(zip(padded[1:], padded[2:], strict=False))
                vocab.trigrams.update(zip(padded, padded[1:], padded[2:], strict=False))
    return vocab


def merge_vocabularies(parts: Iterable[Vocabulary], seed: str = QUESTION_SEED) -> Vocabulary:
    """The vocabulary of several counted parts (in order) plus ``seed``, with its derived tables.

    Example: ``merge_vocabularies([count_vocabulary(a), count_vocabulary(b)]) == build_vocabulary(a + b)``.
    """
    vocab = Vocabulary()
    for part in [*parts, count_vocabulary([seed])]:
        vocab.unigrams.update(part.unigrams)
        vocab.bigrams.update(part.bigrams)
        vocab.trigrams.update(part.trigrams)
    vocab.total = sum(vocab.unigrams.values())
    for (v, _), count in vocab.bigrams.items():
        vocab.contexts1[v] += count
    for (u, v, _), count in vocab.trigrams.items():
        vocab.contexts2[(u, v)] += count
    forms: dict[str, Counter[str]] = {}
    for syl, count in vocab.unigrams.items():
        if syl.isalpha():
            forms.setdefault(fold_diacritics(syl), Counter())[syl] += count
    vocab.by_folded = {key: [s for s, _ in c.most_common()] for key, c in forms.items()}
    return vocab


def build_vocabulary(texts: Iterable[str], seed: str = QUESTION_SEED) -> Vocabulary:
    """Count syllable uni/bi/trigrams of ``texts`` (and their abbreviation expansions).

    Example: ``build_vocabulary(["Thư viện"]).by_folded["vien"] == ["viện"]``.
    """
    return merge_vocabularies([count_vocabulary(texts)], seed)


def _logp(vocab: Vocabulary, u: str, v: str, w: str) -> float:
    tri = vocab.trigrams.get((u, v, w), 0)
    if tri:
        return math.log(tri / vocab.contexts2[(u, v)])
    bi = vocab.bigrams.get((v, w), 0)
    if bi:
        return _BACKOFF + math.log(bi / vocab.contexts1[v])
    size = len(vocab.unigrams) + 1
    return 2 * _BACKOFF + math.log((vocab.unigrams.get(w, 0) + 1) / (vocab.total + size))


def _fuzzy(token: str, choices: list[str], cutoff: float) -> list[tuple[str, float]]:
    if len(token) < 3 or not choices:
        return []
    found = process.extract(token, choices, scorer=fuzz.ratio, limit=4, score_cutoff=cutoff)
    return [(choice, score) for choice, score, _ in found]


def candidates(token: str, vocab: Vocabulary, fixed: bool) -> list[tuple[str, float]]:
    """Spellings a query syllable may stand for, each with a log prior.

    Unaccented syllables may take any accented form seen in the corpus; a syllable typed with
    diacritics (``fixed``) keeps its spelling unless the language model strongly prefers
    another tone mark (``"tĩnh"`` → ``"tỉnh"``); unknown syllables also get fuzzy neighbours.
    Example: ``candidates("vien", vocab, fixed=False)`` → ``[("viện", 0.0), ("viên", 0.0)]``.
    """
    if not token.isalpha():
        return [(token, 0.0)]
    folded = fold_diacritics(token)
    if fixed:
        out = [(token, 0.0)] + [(s, _TONE_PENALTY) for s in vocab.by_folded.get(folded, []) if s != token]
        if not vocab.contains(token):
            out += [(s, _FUZZY_PENALTY) for s, _ in _fuzzy(token, list(vocab.unigrams), cutoff=65)]
        return _dedupe(out)[:_MAX_CANDIDATES]
    forms = vocab.by_folded.get(token)
    if forms:
        return [(s, 0.0) for s in forms[:_MAX_CANDIDATES]]
    out = [(token, 0.0)]
    for key, _ in _fuzzy(token, vocab.folded_keys, cutoff=70):
        out += [(s, _FUZZY_PENALTY) for s in vocab.by_folded[key][:2]]
    return _dedupe(out)[:_MAX_CANDIDATES]


def _dedupe(options: list[tuple[str, float]]) -> list[tuple[str, float]]:
    seen: dict[str, float] = {}
    for word, prior in options:
        seen[word] = max(prior, seen.get(word, prior))
    return list(seen.items())


def restore(tokens: list[str], vocab: Vocabulary, fixed: list[bool] | None = None) -> list[str]:
    """Most likely accented syllables for ``tokens`` (Viterbi over a trigram model).

    ``fixed[i]`` keeps token ``i`` as typed unless it is unknown (then typo repair).
    Example: ``restore(["toc", "do", "tang", "truong"], vocab) == ["tốc", "độ", "tăng", "trưởng"]``.
    """
    if not tokens:
        return []
    fixed = fixed or [False] * len(tokens)
    lattice = [candidates(t, vocab, f) for t, f in zip(tokens, fixed, strict=True)]
    # state (prev, cur) → (score, path)
    beams: dict[tuple[str, str], tuple[float, list[str]]] = {(_BOS, _BOS): (0.0, [])}
    for options in lattice:
        nxt: dict[tuple[str, str], tuple[float, list[str]]] = {}
        for (u, v), (score, path) in beams.items():
            for word, prior in options:
                cand = score + prior + _logp(vocab, u, v, word)
                key = (v, word)
                if key not in nxt or cand > nxt[key][0]:
                    nxt[key] = (cand, [*path, word])
        beams = nxt
    return max(beams.values(), key=lambda sp: sp[0])[1]


def _mostly_unaccented(text: str) -> bool:
    """True when fewer than half the letter syllables (abbreviations aside) carry diacritics."""
    regex, _ = _pattern()
    words = [s for s in syllables(regex.sub(" ", text)) if s.isalpha()]
    if not words:
        return False
    return sum(has_diacritics(w) for w in words) * 2 < len(words)


def restore_text(text: str, vocab: Vocabulary, accent_all: bool) -> str:
    """Restore each punctuation-free segment of ``text``; accented syllables stay unless unknown."""
    out: list[str] = []
    for seg in _segments(text):
        fixed = [has_diacritics(t) or not accent_all for t in seg]
        out.append(" ".join(restore(seg, vocab, fixed)))
    return " ".join(out)


def normalize_query(query: str, vocab: Vocabulary) -> NormalizedQuery:
    """NFC → abbreviations expanded → diacritics restored and typos repaired → folded copy.

    Example: ``normalize_query("du an DT 917", vocab).restored == "dự án đường tỉnh 917"``.
    """
    original = " ".join(nfc(query).split())
    expanded = expand_abbreviations(original)
    restored = restore_text(expanded, vocab, accent_all=_mostly_unaccented(original))
    return NormalizedQuery(original, expanded, restored, fold_diacritics(restored))
