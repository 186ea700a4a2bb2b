"""The sentences of a row's status text that answer a question's words (quoted as evidence).

A status paragraph often holds the answer to a detail question ("giá trị nghiệm thu thanh toán",
"diện tích thu hồi", "giai đoạn 2 khởi công khi nào"): the sentences are scored by the question's words
they contain (diacritics folded, rarer words weigh more, adjacent pairs count extra), and the best are
quoted whole.

Example::

    best_sentences(["Đã bàn giao mặt bằng khoảng 92,8%. Giá trị nghiệm thu thanh toán 232,272 tỷ đồng."],
                   ["nghiem", "thu", "thanh", "toan"], need_number=True)[0]
    # 'Giá trị nghiệm thu thanh toán 232,272 tỷ đồng'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from structured.lexicon import fold, fold_tokens, lexicon

_SPLIT_RE = re.compile(r"(?<=[.;!?])\s+(?=[-–+•]?\s*[A-ZĐÀ-Ỹ0-9“\"(])|\n+|\s+-\s+(?=[A-ZĐÀ-Ỹ])")
_NUMBER_RE = re.compile(r"\d")
# What carries digits without being a figure: a document's number ("Công văn số 257/UBND-KGVX", "59-NQ/TW") and a
# full date ("ngày 19/01/2024").
_NOT_A_FIGURE_RE = re.compile(r"\b\d[\w.-]*/[\w&.-]*[^\W\d_][\w&Đđ./-]*|\b\d{1,2}/\d{1,2}/\d{4}\b")
_MONEY_RE = re.compile(r"\d[\d.,]*\s*(?:tỷ|triệu|nghìn|ngàn)\b", re.IGNORECASE)
_DATE_RE = re.compile(r"\d{1,2}/\d{1,4}|\b(?:19|20)\d{2}\b|quý|tháng|năm", re.IGNORECASE)
MIN_SCORE = 1.5  # below this a sentence shares too little with the question to be quoted
UNIT_MIN_SCORE = 0.5  # …unless it states a number of the very thing asked ("1.200 tàu cá"): then one name word will do
COUNT_NAMED_BEFORE = 8  # "số hộ … là 705": the number this many words after the counted noun at most
MAX_SENTENCE_CHARS = 600


def sentences(text: str) -> list[str]:
    """Sentences (and list items) of a status text, stripped of bullets."""
    out = []
    for piece in _SPLIT_RE.split(text or ""):
        piece = piece.strip(" -–•;\n")
        if len(piece) > 3:
            out.append(piece[:MAX_SENTENCE_CHARS])
    return out


def states_number_of(tokens: list[str], units: list[list[str]]) -> bool:
    """A number followed (one word apart at most) by a unit: "150.000 thành viên", "18,67 ha", "50 triệu"; or
    a count named before its number: "tổng số hộ dân, tổ chức ảnh hưởng là 705 trường hợp"."""
    for i, token in enumerate(tokens):
        if token[:1].isdigit():
            for unit in units:
                if any(tokens[i + gap : i + gap + len(unit)] == list(unit) for gap in (1, 2)):
                    return True
        if token == "so":
            for unit in units:
                end = i + 1 + len(unit)
                if tokens[i + 1 : end] == list(unit) and any(t[:1].isdigit() for t in tokens[end : end + COUNT_NAMED_BEFORE]):
                    return True
    return False


def best_sentences(
    texts: Iterable[str],
    words: list[str],
    *,
    need_number: bool = False,
    need_date: bool = False,
    need_percent: bool = False,
    need_money: bool = False,
    required: list[str] | None = None,
    weights: dict[str, float] | None = None,
    k: int = 2,
    units: list[list[str]] | None = None,
    prefer_last: bool = False,
    phrases_said: list[str] | None = None,
) -> list[str]:
    """The ``k`` sentences of ``texts`` that share the most with ``words`` (folded), best first.
    ``required``: phrases of which a sentence must contain one (the fact asked: "giải ngân").
    ``units``: what a number is asked of ("bao nhiêu ha" → ``[["ha"]]``); when some sentence states a
    number of one, only such sentences are quoted. ``prefer_last``: of sentences that match equally, the later
    one first (a status text ends with its outlook: "Phấn đấu hoàn thành dự án trong quý II/2026").
    ``phrases_said``: phrases that count word for word only where the sentence has them whole ("bàn giao", not
    the "giao" of another phrase)."""
    floor = MIN_SCORE
    if units:
        texts = list(texts)
        stating = [s for t in texts for s in sentences(t) if states_number_of(fold_tokens(s), units)]
        if not stating and need_number and all(len(unit) == 1 for unit in units):
            return []  # "bao nhiêu hộ" where no sentence counts households: another number is no answer
        if stating:
            texts, floor = stating, UNIT_MIN_SCORE
    phrases = [f" {fold(p)} " for p in required or [] if fold(p)]
    wanted = [w for w in (fold(w) for w in words) if w]
    whole = [f" {fold(p)} " for p in phrases_said or [] if fold(p)]
    if not wanted and not whole:
        return []
    weights = weights or {}
    # "tờ trình … số mấy": a document's number is then the figure asked
    document_asked = any(f" {fold(d)} " in f" {' '.join(wanted)} " for d in lexicon().section("document_words"))
    scored = []
    for text in texts:
        for order, sentence in enumerate(sentences(text)):
            tokens = fold_tokens(sentence)
            present = set(tokens)
            score = sum(weights.get(w, 1.0) for w in set(wanted) if w in present)
            joined = f" {' '.join(tokens)} "
            score += sum(len(p.split()) for p in set(whole) if p in joined)
            pairs = set(zip(tokens, tokens[1:], strict=False))
            score += 0.5 * sum(min(weights.get(a, 1.0), weights.get(b, 1.0))
                               for a, b in set(zip(wanted, wanted[1:], strict=False)) if (a, b) in pairs)
            if need_number and not (states_a_figure(sentence) or (document_asked and _NUMBER_RE.search(sentence))):
                continue
            if need_date and not _DATE_RE.search(sentence):
                continue
            if need_percent and "%" not in sentence:
                continue
            if need_money and not _MONEY_RE.search(sentence):
                continue
            if phrases and not any(p in joined for p in phrases):
                continue
            if score >= min(floor, float(len(set(wanted)) or 1)):
                scored.append((score, order if prefer_last else -order, sentence))
    scored.sort(reverse=True)
    return [sentence for _, _, sentence in scored[:k]]


def states_a_figure(sentence: str) -> bool:
    """Digits that are not a document's number or a date: ``"đạt 86%"`` yes, ``"theo Công văn số
    257/UBND-KGVX ngày 19/01/2024"`` no."""
    return bool(_NUMBER_RE.search(_NOT_A_FIGURE_RE.sub(" ", sentence)))
