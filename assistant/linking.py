"""Entity linking: which rows a question names, scored by fields, with every word accounted for.

Candidates come from the indexes (the hybrid retriever's top hits, and the rows whose name holds a rare
word of the question via the semantic layer's inverted index), never from a scan of every row. Each
candidate is scored on the question's free words by where they match: the row's own name, its group or
parent indicator, its lead agency, or elsewhere in its cells; adjacent word pairs that are adjacent in
the name count extra, and a number of the question (917, 500) must be in the row. A word typed with
diacritics matches only that spelling; a word typed without them matches any spelling.

Example::

    links = link(question, layer, hits={"320/BC-UBND:III:20": 0}, scope={"320/BC-UBND"})
    links[0].row.id, links[0].name_cov      # ('320/BC-UBND:III:20', 1.0)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from assistant.question import Question, Word
from ingestion.models import Row
from retrieval.abbreviations import expand_abbreviations
from structured.lexicon import fold, fold_tokens, tokens
from structured.semantic import SemanticLayer

# Where a word of the question is found in a row, and what that is worth (× the word's idf weight).
FIELD_WEIGHTS = {"name": 1.0, "parent": 0.9, "context": 0.6, "lead": 0.5, "cells": 0.3, "headers": 0.1}
# headers: the row's own column headers explain a word ("bị phạt bao nhiêu tiền" → "Số tiền xử phạt") but barely
# tell rows of one annex apart
PAIR_WEIGHT = 0.5  # an adjacent pair of question words adjacent in the name: evidence beyond the words
TYPO_CREDIT = 0.7  # a word matched only with one letter changed counts this much
RETRIEVAL_BONUS = 1.0  # × 1/(rank+2): the retriever's opinion breaks ties, never decides alone
SPECIFICITY_WEIGHT = 2.0  # a row whose name the question names almost whole ("chỉ số PAPI") beats a longer one
CHANGE_PENALTY = 2.0  # a row about a change of what the question names, when the question asks no change
CONTRAST_PENALTY = 10.0  # a row naming the opposite of what the question says ("xuất" for "nhập") drops far behind
BOTH_SIDES_PENALTY = 1.0  # a row naming both sides ("Thu - chi …") loses a close call to one naming the side asked
BORROWED_PENALTY = 0.5  # × weight of a word taken from the parent while another row's own name holds it
UNCOVERED_PENALTY = 1.0  # × weight of each free word the row does not hold: the sub-line that names it wins
SOFT_WEIGHT = 0.5  # a cue word (a kind noun "khu vực", a measure) in a name is weaker evidence than a free word
MAX_CANDIDATES = 60  # rows scored per question (retriever hits + rare-word name matches)
RARE_WORD_ROWS = 40  # a word naming more rows than this is not used to gather candidates


@dataclass
class RowWords:
    """The words of one row by field, accented and folded, for matching."""

    name: list[str]  # accented tokens of the row's own name
    name_folded: list[str]
    context: set[str]  # group title (folded)
    context_written: set[str]
    parent: set[str]  # the parent indicator's name: a sub-line is "<parent> — <own name>"
    parent_written: set[str]
    lead: set[str]
    cells: set[str]
    cells_written: set[str]
    numbers: set[str]  # numbers of the name (identifiers split: "ĐT.845" → "845") and of the cells as printed
    name_numbers: set[str] = field(default_factory=set)  # numbers the name says in letters ("V", "hai"): name words
    headers: set[str] = field(default_factory=set)  # the row's column headers (as folded / written words)
    headers_written: set[str] = field(default_factory=set)
    sequence: list[str] = field(default_factory=list)  # parent's name then the row's own (where pairs are adjacent)
    sequence_folded: list[str] = field(default_factory=list)


@dataclass
class Link:
    row: Row
    score: float
    name_cov: float  # share of the question's free-word weight found in the name (or group / parent)
    row_cov: float  # share found anywhere in the row
    pair_cov: float  # share of adjacent free-word pairs found adjacent in the name
    specificity: float  # share of the row name's weight the question names
    covered: set[int] = field(default_factory=set)  # indexes of question words the row explains
    in_name: set[int] = field(default_factory=set)  # indexes of question words found in the row's own name
    numbers_ok: bool = True
    rank: int | None = None  # retrieval rank, when the retriever returned it


@lru_cache(maxsize=1)
def _number_words() -> dict[str, str]:
    from structured.lexicon import lexicon

    return {word: str(digits) for word, digits in lexicon().section("number_words").items()}


def identifier_parts(words: list[str]) -> list[str]:
    """The pieces of identifiers among ``words``: "178/2024/NĐ-CP" → "178", "2024", "NĐ-CP"; "ĐT.845" → "ĐT", "845"."""
    return [p for t in words if re.search(r"\d[/.]\d", t) for p in re.split(r"[/.]", t) if p]


@lru_cache(maxsize=200_000)
def _row_words_cached(key: str, name: str, context: str, parent: str, lead: str, cells: str,
                      headers: str = "") -> RowWords:
    name_tokens = tokens(name)
    expanded = expand_abbreviations(name)
    if expanded != name:  # "Đường ĐT.845" also answers to "Đường tỉnh 845"
        name_tokens = name_tokens + ["|"] + tokens(expanded)
    parts = identifier_parts(name_tokens)
    if parts:  # "Nghị định số 178/2024/NĐ-CP" answers to "Nghị định 178"
        name_tokens = name_tokens + ["|"] + parts
    context_tokens = tokens(context)
    parent_tokens = tokens(parent)
    cell_tokens = tokens(cells)
    # identifiers are split ("ĐT.845", "178/2024/NĐ-CP" → "845", "178"); printed values are not ("2.160,000" is not "2")
    named = {t for t in name_tokens + tokens(headers) if any(ch.isdigit() for ch in t)}
    numbers = {part for t in named for part in t.replace("/", ".").split(".") if part} | named
    numbers |= {t for t in cell_tokens if any(ch.isdigit() for ch in t)}
    numbers |= {t for t in parent_tokens if t.isdigit()}  # "a) Cầu chính" of "cầu Mỏ Bạch 2" answers to "Mỏ Bạch 2"
    said_as_numbers = {str(_roman_value(m.group(0))) for m in _ROMAN_RE.finditer(name)}  # "Vành đai V": "vành đai 5"
    said_as_numbers |= {str(_number_words()[t]) for t in name_tokens if t in _number_words()}  # "hai cấp": "2 cấp"
    numbers |= said_as_numbers
    return RowWords(
        name=name_tokens,
        name_folded=[fold(t) for t in name_tokens],
        context={fold(t) for t in context_tokens},
        context_written=set(context_tokens),
        parent={fold(t) for t in parent_tokens},
        parent_written=set(parent_tokens),
        sequence=parent_tokens + name_tokens,
        sequence_folded=[fold(t) for t in parent_tokens + name_tokens],
        lead={fold(t) for t in tokens(lead)},
        cells={fold(t) for t in cell_tokens},
        headers={fold(t) for t in tokens(headers)},
        headers_written=set(tokens(headers)),
        cells_written=set(cell_tokens),
        numbers=numbers,
        name_numbers=said_as_numbers,
    )


def row_words(row: Row, layer: SemanticLayer) -> RowWords:
    parent = layer.rows.get(f"{row.report}:{row.annex}:{row.parent}") if row.parent else None
    lead = " ".join(v for h, v in row.cells.items() if row.roles.get(h) == "lead")
    cells = " ".join([*row.cells.values(), *(v for sub in row.extra_values for v in sub.values())])
    headers = " ".join([row.annex_title or "", *(h for h, role in row.roles.items() if role not in ("number", "name")),
                        *(h for h in row.cells if h not in row.roles)])
    return _row_words_cached(row.id + row.content_hash, row.name, row.group_title or "",
                             parent.name if parent is not None else "", lead, cells, headers)


def word_in_field(word: Word, written: list[str] | set[str], folded: list[str] | set[str], fuzzy: bool = True) -> float:
    """1 when the word is in the field as typed (or, typed without diacritics, in any spelling);
    TYPO_CREDIT when only a repaired / one-letter-off spelling is (one-letter-off only when ``fuzzy``); 0 otherwise."""
    if word.accented:
        if word.text in written:
            return 1.0
        if word.forms - {word.folded} and (word.forms - {word.folded}) & set(folded):
            return 1.0  # a spelling variant ("tỉ" / "tỷ")
    elif word.forms & set(folded):
        return 1.0
    if word.repaired and word.repaired in folded:
        return TYPO_CREDIT
    if fuzzy and len(word.folded) >= 5 and not word.folded.isdigit():
        if any(len(f) >= 5 and Levenshtein.distance(f, word.folded) == 1 for f in folded):
            return TYPO_CREDIT
    return 0.0


def candidate_ids(q: Question, layer: SemanticLayer, hits: dict[str, int], scope: set[str]) -> list[str]:
    """Rows worth scoring: the retriever's hits, then rows whose name holds the question's rarer words."""
    chosen = [row_id for row_id in hits if layer.rows[row_id].report in scope] if hits else []
    words = [w for w in q.content() if len(w.folded) > 1]
    rare = sorted(
        (w for w in words if 0 < len(layer.name_index.get(w.repaired or w.folded, ())) <= RARE_WORD_ROWS),
        key=lambda w: len(layer.name_index.get(w.repaired or w.folded, ())),
    )
    seen = set(chosen)

    def add(row_ids: Iterable[str]) -> None:
        for row_id in row_ids:
            if row_id not in seen and layer.rows[row_id].report in scope:
                seen.add(row_id)
                chosen.append(row_id)

    def named_by(word: Word) -> set[str]:
        return set(layer.name_index.get(word.repaired or word.folded, ()))

    for first, second in zip(words, words[1:], strict=False):  # "Bình Tân": two common words, rare together
        together = named_by(first) & named_by(second)
        if 0 < len(together) <= RARE_WORD_ROWS:
            add(sorted(together))
    for word in rare:
        add(sorted(named_by(word)))
        if len(chosen) >= MAX_CANDIDATES:
            break
    for _, expansion in synonym_spans(q):  # rows named by a synonym's expansion ("thu hải quan" → "xuất nhập khẩu")
        add(sorted(set.intersection(*(set(layer.name_index.get(t, ())) for t in expansion)) if expansion else ()))
    for acronym in (w.folded for w in q.words if w.folded in layer.acronyms):
        add(layer.acronyms[acronym])
    return chosen[:MAX_CANDIDATES]


def link(
    q: Question,
    layer: SemanticLayer,
    candidates: list[str],
    hits: dict[str, int] | None = None,
    soft_as_free: bool = False,
    named: frozenset[str] = frozenset(),
) -> list[Link]:
    """Score ``candidates`` for the question's free words (plus measure/kind words a name may hold); rows in
    ``named`` (by their number: "mục 8.1") are kept even when no word matches."""
    hits = hits or {}
    free_idx = [i for i, w in enumerate(q.words) if w.tag is None]
    # Words a cue accounts for may still be part of a name ("Kế hoạch phát triển …"); so may a function
    # word typed without diacritics ("dau" in "binh quan dau nguoi" is not "đâu"). They add evidence.
    soft_idx = [
        i for i, w in enumerate(q.words)
        if w.tag in ("measure", "kind", "frame", "op", "unit", "aspect") or (w.tag == "function" and not w.accented)
    ]
    if not free_idx and soft_as_free:  # a turn made only of cue words ("còn tổng chi?"): they are what names the row
        free_idx, soft_idx = soft_idx, []
    weights = {i: layer.weight(q.words[i].repaired or q.words[i].folded) * (SOFT_WEIGHT if i in soft_idx else 1.0)
               for i in free_idx + soft_idx}
    # a number ending a name ("cầu Cần Thơ 2 …"), not a quantity before its noun ("Ung bướu 500 giường")
    bound = {w.text: q.words[i - 1].repaired or q.words[i - 1].folded for i, w in enumerate(q.words)
             if 0 < i and w.text in q.numbers and q.words[i - 1].folded.isalpha() and q.words[i - 1].tag in (None, "frame")
             and (i + 1 == len(q.words) or q.words[i + 1].tag not in (None, "unit", "aspect"))}
    total = sum(weights[i] for i in free_idx) or 0.0
    # a word typed with diacritics as the corpus writes it is no typo: "trưởng" is not "thương" one letter off
    fuzzy = {i: not (w.accented and w.text in layer.forms.get(w.folded, ())) for i, w in enumerate(q.words)}
    # a cue word typed without diacritics is matched with its phrase's own spelling ("bao" of "dat bao nhieu")
    as_spelled = {i: replace(q.words[i], text=q.words[i].spelled, accented=True, forms=frozenset())
                  for i in soft_idx if q.words[i].spelled}
    links = []
    for row_id in candidates:
        row = layer.rows[row_id]
        rw = row_words(row, layer)
        score = 0.0
        covered: set[int] = set()
        matched_positions: dict[int, int] = {}
        group_only: set[int] = set()
        name_part: dict[int, float] = {}
        row_part: dict[int, float] = {}
        header_only: set[int] = set()
        for i in free_idx + soft_idx:
            word = as_spelled.get(i, q.words[i])
            in_name = word_in_field(word, rw.name, rw.name_folded, fuzzy[i]) or float(word.folded in rw.name_numbers)
            if in_name:
                weight = weights[i] * in_name
                score += FIELD_WEIGHTS["name"] * weight
                covered.add(i)
                if i in free_idx:
                    name_part[i] = row_part[i] = weight
                position = _position(word, rw)
                if position is not None:
                    matched_positions[i] = position
                continue
            in_parent = word_in_field(word, rw.parent_written, rw.parent, fuzzy[i])
            if in_parent and (position := _position(word, rw)) is not None:
                matched_positions[i] = position
            in_context = in_parent or word_in_field(word, rw.context_written, rw.context, fuzzy[i])
            if in_context and not in_parent:
                group_only.add(i)
            if in_context:
                weight = weights[i] * in_context
                score += FIELD_WEIGHTS["parent" if in_parent else "context"] * weight
                covered.add(i)
                if i in free_idx:
                    name_part[i] = row_part[i] = weight
                continue
            in_lead = word_in_field(word, set(), rw.lead, fuzzy[i]) if not word.accented else (1.0 if word.folded in rw.lead else 0.0)
            in_cells = word_in_field(word, rw.cells_written, rw.cells, fuzzy[i]) or float(_parts_printed(word.text, rw.numbers))
            if in_lead or in_cells:
                weight = weights[i] * max(in_lead, in_cells)
                score += (FIELD_WEIGHTS["lead"] if in_lead else FIELD_WEIGHTS["cells"]) * weight
                if i in free_idx:
                    covered.add(i)
                    row_part[i] = weight
                continue
            in_headers = word_in_field(word, rw.headers_written, rw.headers, fuzzy[i])
            if in_headers and i in free_idx:  # says which column or period, not which row: out of the shares
                score += FIELD_WEIGHTS["headers"] * weights[i] * in_headers
                covered.add(i)
                header_only.add(i)
        _keep_phrases_whole(q, free_idx, matched_positions, group_only, covered, weights, rw)
        known = set(rw.name_folded) | rw.context
        for span, expansion in synonym_spans(q):  # "tăng trưởng kinh tế" is named by a row saying "tăng trưởng GRDP"
            if expansion and set(expansion) <= known:  # the whole expansion, never some of its words
                for i in span:
                    if i in free_idx and i not in covered:
                        covered.add(i)
                        name_part[i] = row_part[i] = weights[i]
                        score += FIELD_WEIGHTS["name"] * weights[i]
        row_total = total - sum(weights[i] for i in header_only)
        name_hit = sum(v for i, v in name_part.items() if i in covered)
        row_hit = sum(v for i, v in row_part.items() if i in covered)
        pairs = [(a, b) for a, b in zip(free_idx + soft_idx, (free_idx + soft_idx)[1:], strict=False) if b == a + 1]
        pair_total = sum(weights[a] + weights[b] for a, b in pairs) or 0.0
        pair_hit = sum(
            weights[a] + weights[b]
            for a, b in pairs
            if a in matched_positions and b in matched_positions and matched_positions[b] == matched_positions[a] + 1
        )
        score += PAIR_WEIGHT * pair_hit
        name_weight = sum(layer.weight(w) for w in set(rw.name_folded)) or 1.0
        said = {q.words[i].repaired or q.words[i].folded for i in covered if i in matched_positions}
        specificity = min(1.0, sum(layer.weight(t) for t in said) / name_weight)  # by the words' own weights: a cue
        # said with the name ("Thành phố Vĩnh Long") names as much of it as any word
        numbers_ok = all(n in rw.numbers for n in q.numbers) and all(
            _bound_as_said(n, before, rw.name_folded) for n, before in bound.items())
        score += SPECIFICITY_WEIGHT * specificity
        score -= UNCOVERED_PENALTY * sum(weights[i] for i in free_idx if i not in covered)
        if hits and row_id in hits:
            score += RETRIEVAL_BONUS / (hits[row_id] + 2)
        if not covered and not (hits and row_id in hits) and row_id not in named:
            continue
        links.append(
            Link(
                row=row,
                score=score,
                name_cov=name_hit / row_total if row_total else 0.0,
                row_cov=row_hit / row_total if row_total else 0.0,
                pair_cov=pair_hit / pair_total if pair_total else 1.0,
                specificity=specificity,
                covered=covered,
                in_name={i for i in covered if word_in_field(as_spelled.get(i, q.words[i]), rw.name, rw.name_folded, fuzzy[i])},
                numbers_ok=numbers_ok,
                rank=hits.get(row_id) if hits else None,
            )
        )
    _own_names_first(links, free_idx, weights)
    for lk in links:
        if contradicts(q, lk.row, layer):
            lk.score -= CONTRAST_PENALTY
        elif contradicts(q, lk.row, layer, both_sides=True):
            lk.score -= BOTH_SIDES_PENALTY
        if _change_not_asked(q, lk.row, layer):
            lk.score -= CHANGE_PENALTY
    links.sort(key=lambda lk: (not lk.numbers_ok, -lk.score, lk.row.order))
    return links


def _change_not_asked(q: Question, row: Row, layer: SemanticLayer) -> bool:
    """The row measures a change ("Mức giảm tỷ lệ hộ nghèo") and the question says none of its words."""
    from structured.lexicon import lexicon

    name = layer.name_words.get(row.id, [])
    asked = {w.repaired or w.folded for w in q.words}
    for phrase in lexicon().section("change_of"):
        words = fold(phrase).split()
        if name[: len(words)] == words and name[len(words) : len(words) + 1] != ["truong"]:  # "tăng trưởng" is growth
            return not (set(words) & asked)
    return False


def contradicts(q: Question, row: Row, layer: SemanticLayer, both_sides: bool = False) -> bool:
    """The question says one word of a lexicon contrast and the row's name the other, not the first
    ("nhập khẩu" against "Kim ngạch xuất khẩu"); with ``both_sides``, the name says both ("Thu - chi")."""
    from structured.lexicon import lexicon

    asked = f" {' '.join(w.repaired or w.folded for w in q.words if w.tag != 'masked')} "  # not the other side's words
    name = f" {' '.join(layer.name_words.get(row.id, []))} "
    for pair in lexicon().section("contrasts"):
        a, b = (f" {fold(p)} " for p in pair)
        for said, other in ((a, b), (b, a)):
            if said in asked and other in name and (said in name) == both_sides and other not in asked:
                return True
    return False


def _own_names_first(links: list[Link], free_idx: list[int], weights: dict[int, float]) -> None:
    """A word a row explains only through its parent or group ("thu" of "Thu - chi ngân sách" for "Tổng chi
    ngân sách") counts against it when another candidate's own name holds the word ("Tổng thu ngân sách")."""
    in_some_name = {i for lk in links for i in lk.in_name}
    for lk in links:
        borrowed = [i for i in free_idx if i in lk.covered and i not in lk.in_name and i in in_some_name]
        lk.score -= BORROWED_PENALTY * sum(weights[i] for i in borrowed)


def _keep_phrases_whole(
    q: Question, free_idx: list[int], in_name: dict[int, int], group_only: set[int], covered: set[int],
    weights: dict[int, float], rw: RowWords,
) -> None:
    """A phrase of the question is not split between the row's name and its group title: in "bảo hiểm xã
    hội", "xã hội" found only in the group "Chỉ tiêu xã hội" next to "bảo hiểm" found in the name is not
    explained (the row is about "bảo hiểm y tế")."""
    for i in sorted(group_only):
        neighbours = [j for j in (i - 1, i + 1) if j in in_name and j in free_idx]
        if neighbours:
            covered.discard(i)


def _position(word: Word, rw: RowWords) -> int | None:
    for i, (written, folded) in enumerate(zip(rw.sequence, rw.sequence_folded, strict=True)):
        if (word.accented and written == word.text) or (not word.accented and folded in word.forms):
            return i
        if word.repaired and folded == word.repaired:
            return i
    return None


def synonym_spans(q: Question) -> list[tuple[range, list[str]]]:
    """Each lexicon synonym phrase of the question (its word indexes) with each of its expansions, folded."""
    from structured.lexicon import lexicon

    table = lexicon().phrases("synonyms")
    return [(range(hit.start, hit.end), fold_tokens(expansion))
            for section, hit in q.hits if section == "synonyms" for expansion in table.get(hit.key, [])]


BOUND_REACH = 3  # "đường 918" is "Đường tỉnh 918": the word before a number this close before it in the name


_ROMAN_RE = re.compile(r"(?<![\w.])(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})(?![\w.])")  # upper case, a word of its own
_ROMAN = {"I": 1, "V": 5, "X": 10}


def _roman_value(numeral: str) -> int:
    """``_roman_value("IV") == 4``, ``_roman_value("XII") == 12``."""
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _bound_as_said(number: str, before: str, name: list[str]) -> bool:
    """A number said after a word names what that word names: "cầu Cần Thơ 2" is not "Cơ sở 2 Trường …". True when
    the name does not hold the number as a word of its own (an identifier split, a cell) or holds it after that word."""
    # in the name as printed or expanded ("ĐT.864", "Đường tỉnh 864"); a part split off an identifier starts a segment
    at = [i for i, token in enumerate(name) if token == number and i > 0 and name[i - 1] != "|"]
    return not at or any(before in name[max(0, i - BOUND_REACH) : i] for i in at)


_FRACTION_RE = re.compile(r"^(\d+(?:,\d+)?)/(\d+(?:,\d+)?)$")


def _parts_printed(text: str, numbers: set[str]) -> bool:
    """ "mới xử lý có 2/4 vụ": a fraction the user reads off the row, both of whose numbers its cells print."""
    match = _FRACTION_RE.match(text)
    return bool(match) and all(part.lstrip("0") in {n.lstrip("0") for n in numbers} for part in match.groups())


def question_numbers(text: str) -> list[str]:
    """Numbers of a text that name something (not years): ``question_numbers("ĐT 917 năm 2024") == ["917"]``."""
    return [t for t in fold_tokens(text) if t.isdigit() and not re.fullmatch(r"(?:19|20)\d{2}", t)]
