"""Entity linking: which rows a question is about, and how well the question is covered by them.

Names are matched diacritic-insensitively on syllables and syllable pairs weighted by rarity, fused
with the hybrid retriever's ranking. ``coverage`` (how much of the question's content a row
explains) is what lets the assistant say "không có trong báo cáo" instead of guessing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from ingestion.cleaning import fold_diacritics
from ingestion.models import Row

# Function words that never identify a row, and generic phrases removed as a whole (their syllables
# alone — 'công', 'nhân', 'dung' — do name rows: 'công nghệ', 'nhân lực', 'xây dựng').
STOPWORDS = frozenset(
    """la gi may nao ai dau khi gio roi den ve o tai thi con sao nhung cac mot boi lam do day kia ay nua cung
    da chua co khong duoc cua va voi trong theo toi hay vay nhi oi a xin gom nhac neu thuoc nhom nay nam so muc
    dong tp ubnd uoc dat nganh _""".split()
)
STOP_PHRASES = tuple(
    """uy ban nhan dan|thanh pho can tho|thanh pho|can tho|phu luc|bao cao|du an|nhiem vu|chi tieu|de an|
    cong trinh|noi dung|tinh hinh|thuc hien|trien khai|tien do|ket qua|cap nhat|gia tri|ky hieu|y nghia|
    tinh trang|trang thai|danh dau|xep loai|phan tram|vuong mac|kho khan|khac nhau|the hien|hien nay|hien tai|
    bao gom|vui long|cho biet|bao nhieu|nhu the nao|the nao|ra sao|moi nhat|tong cong|lieu co|muc tieu""".replace("\n", "").split("|")
)
_STOP_PHRASE_RE = re.compile(r"\b(?:" + "|".join(p.strip() for p in STOP_PHRASES) + r")\b")
_TOKEN_RE = re.compile(r"[0-9a-z]+(?:[.,/-][0-9a-z]+)*|_")


def tokens(text: str) -> list[str]:
    """Folded syllables, numbers kept whole: 'Đường tỉnh 917' → ['duong', 'tinh', '917']."""
    return _TOKEN_RE.findall(fold_diacritics(text))


def _content_sequence(text: str) -> list[str]:
    return tokens(_STOP_PHRASE_RE.sub(" _ ", fold_diacritics(text)))


def content_tokens(text: str) -> list[str]:
    return [t for t in _content_sequence(text) if t not in STOPWORDS and not re.fullmatch(r"20\d\d", t)]


def _bigrams(seq: list[str]) -> set[tuple[str, str]]:
    return set(zip(seq, seq[1:], strict=False))


def content_pairs(text: str) -> set[tuple[str, str]]:
    """Adjacent syllable pairs of the question where both syllables carry content."""
    seq = _content_sequence(text)
    return {(a, b) for a, b in zip(seq, seq[1:], strict=False) if a not in STOPWORDS and b not in STOPWORDS
            and not re.fullmatch(r"20\d\d", a) and not re.fullmatch(r"20\d\d", b)}


@dataclass
class Link:
    row: Row
    score: float
    coverage: float
    pair_coverage: float
    matched: int = 0
    base: float = 0.0  # the score from the question's own words, before any retrieval-rank bonus


class Linker:
    """Scores rows against a question by their name (strongly) and whole text (weakly)."""

    def __init__(self, rows: list[Row]):
        self.rows = [row for row in rows]
        by_id = {row.id: row for row in rows}

        def parent_name(row: Row) -> str:
            parent = by_id.get(f"{row.report}:{row.annex}:{row.parent}") if row.parent else None
            return parent.name if parent and row.kind == "indicator" else ""

        self.name_tokens = {row.id: tokens(f"{row.name} {row.group_title or ''} {parent_name(row)}") for row in rows}
        self.text_tokens = {row.id: tokens(f"{row.text} {parent_name(row)}") for row in rows}
        # Document codes also answer to their parts: '45/2022/QH15' to '45', 'qh15'.
        self.text_sets = {rid: set(toks) | {p for t in toks for p in re.split(r"[./,-]", t) if p} for rid, toks in self.text_tokens.items()}
        self.name_sets = {rid: set(toks) for rid, toks in self.name_tokens.items()}
        self.text_pairs = {rid: _bigrams(toks) for rid, toks in self.text_tokens.items()}
        self.name_pairs = {rid: _bigrams(toks) for rid, toks in self.name_tokens.items()}
        for row in rows:
            # An acronym defined in the name ('… trên địa bàn (GRDP)') pairs with every word of that name.
            for acronym in re.findall(r"\(([A-ZĐ]{2,8})\)", row.name):
                folded = fold_diacritics(acronym)
                extra = {(w, folded) for w in self.name_tokens[row.id]} | {(folded, w) for w in self.name_tokens[row.id]}
                self.text_pairs[row.id] |= extra
                self.name_pairs[row.id] |= extra
        df = Counter(t for toks in self.text_sets.values() for t in toks)
        self.vocabulary = set(df)
        n = max(len(rows), 1)
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self.max_idf = math.log(1 + n)

    def weight(self, token: str) -> float:
        return self.idf.get(token, self.max_idf)

    def link(
        self,
        question: str,
        candidates: list[Row] | None = None,
        hits: dict[str, int] | None = None,
        alternates: tuple[str, ...] = (),
        boost: dict[str, float] | None = None,
    ) -> list[Link]:
        """Rows ranked for ``question``; coverage is the best over ``question`` and ``alternates``
        (e.g. the question as typed, before abbreviations were expanded)."""
        content = content_tokens(question)
        if not content:
            return []
        views = [(set(content), content_pairs(question))]
        views += [(set(content_tokens(alt)), content_pairs(alt)) for alt in alternates if content_tokens(alt)]
        pairs = views[0][1]
        links = []
        for row in candidates if candidates is not None else self.rows:
            name, text = self.name_sets[row.id], self.text_sets[row.id]
            in_name = sum(self.weight(t) for t in set(content) if t in name)
            in_text = sum(self.weight(t) for t in set(content) if t in text)
            pair_name = sum(self.weight(a) + self.weight(b) for a, b in pairs if (a, b) in self.name_pairs[row.id])
            pair_text = sum(self.weight(a) + self.weight(b) for a, b in pairs if (a, b) in self.text_pairs[row.id])
            if in_text == 0:
                continue
            # Prefer rows whose name is mostly the question (short, specific names win ties).
            name_weight = sum(self.weight(t) for t in name) or 1.0
            specificity = in_name / name_weight  # 'chỉ số PAPI' beats 'các chỉ số PCI, PAPI, DDCI'
            score = 2.0 * in_name + 1.0 * pair_name + 0.5 * in_text + 0.5 * pair_text + 4.0 * specificity
            base = score
            if hits and row.id in hits:
                score += 6.0 / (hits[row.id] + 2)
            if boost and row.id in boost:
                score += boost[row.id]
            if self.defines(row, content):
                score += 2.0
            coverage, pair_coverage = max(self._coverage(view, text, self.text_pairs[row.id]) for view in views)
            links.append(Link(row, score, coverage, pair_coverage, sum(1 for t in views[0][0] if t in text), base))
        links.sort(key=lambda link: (-link.score, link.row.order))
        return links

    def defines(self, row: Row, content: list[str]) -> bool:
        """The row's name defines an acronym of the question: '… trên địa bàn (GRDP)' for 'GRDP'."""
        defined = re.findall(r"\(([A-ZĐ]{2,8})\)", row.name)
        return any(fold_diacritics(acronym) in content for acronym in defined)

    def _coverage(self, view: tuple[set[str], set[tuple[str, str]]], text: set[str], text_pairs: set) -> tuple[float, float]:
        words, pairs = view
        total = sum(self.weight(t) for t in words)
        pair_total = sum(self.weight(a) + self.weight(b) for a, b in pairs)
        covered = sum(self.weight(t) for t in words if t in text)
        pair_covered = sum(self.weight(a) + self.weight(b) for a, b in pairs if (a, b) in text_pairs)
        return (covered / total if total else 0.0, pair_covered / pair_total if pair_total else 1.0)
