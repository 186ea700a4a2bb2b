"""A question as words: cleaned, abbreviations expanded, every word tagged by what accounts for it.

Each word keeps how it was typed: a word typed with diacritics only matches that spelling (the
accent-folding collision guard: "chậm" is not "chăm", "nó" is not "No"), a word typed without them
matches any spelling the corpus or the lexicon has, and an unknown word is repaired to a known one
(a one-letter typo, a tone mark typed on the wrong vowel) when exactly one repair is close.

Tags come from the general lexicon (operations, measures, kinds, periods, dialogue words, politeness,
function words) and from the loaded corpus (annexes, markers and their legends, agencies, verdicts):
the longest phrase covering a word wins, never the first entry of a list. Words no tag accounts for
are what must name a row.

Example::

    q = prepare("Cho tôi hỏi tỷ lệ giải ngân của DT 917?", layer)
    [(w.text, w.tag) for w in q.words]
    # [('cho', 'polite'), ('tôi', 'polite'), ('hỏi', 'polite'), ('tỷ', 'measure'), …, ('917', None)]
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA

from ingestion.cleaning import fold_diacritics, nfc
from ingestion.numbers import parse_vn_number
from retrieval.abbreviations import readings
from structured.agency import agencies_mentioned
from structured.lexicon import (
    PhraseHit,
    PhraseIndex,
    cased_tokens,
    find_phrases,
    fold,
    fold_tokens,
    lexicon,
    tokens,
)
from structured.semantic import NAME_RUN, SemanticLayer
from structured.tools import TIME_MEASURES

_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>")
_CODE_ELEMENT_RE = re.compile(  # a script or style element with its content (code, not question words)
    r"<\s*(script|style)\b[^<>]*>.*?(?:<\s*/\s*\1\s*>|$)", re.IGNORECASE | re.DOTALL
)
_YEAR_RE = re.compile(r"^(?:19|20)\d{2}$")
_DATE_RE = re.compile(r"^\d{1,2}/(?:\d{1,2}/)?(?:19|20)\d{2}$")
_DAY_MONTH_RE = re.compile(r"^(?:[12]\d|3[01]|0?[1-9])/(?:1[0-2]|0?[1-9])$")  # "31/5": a date only after _DATE_BEFORE
_DATE_BEFORE = ("den", "toi", "ngay", "tu")
_NUMBER_RE = re.compile(r"^\d+(?:[.,]\d+)*$")
_MARKER_RE = re.compile(r"\(\s*(\*{1,5})\s*\)|(?<![\w*])(\*{1,5})(?![\w*])")
_MARKER_WORDS_RE = re.compile(r"(?:\bloai\s+)?\b(1|2|3|4|mot|hai|ba|bon)\s*(?:dau\s*)?(?:sao|\*)")  # "(loại) 4 sao"
_ANNEX_RE = re.compile(r"\b(?:phu luc|pl|bieu)\s*(?:so\s*)?((?:[ivx]+|\d+)\b(?:\s*(?:,|va|hoac|-)\s*(?:phu luc\s*|pl\s*)?(?:[ivx]+|\d+)\b)*)")
_REPORT_WORD_RE = re.compile(r"\b(?:bao cao|bc)(?: so)?\s+(\d{1,4})\b")
# "V 9.1", "PL3 mục 20" said tersely: at the start, or after a polite opening ("xin cho biết V 9.1 …")
_ANNEX_ROW_RE = re.compile(r"(?:^|(?<=\bbiet )|(?<=\bhoi ))(?:pl\s*)?([ivx]+|\d)\s+(\d+\.\d+(?:\.\d+)*)\b")
_GROUP_RE = re.compile(r"\bnhom\s+(\d+|[ivx]+|[a-z])\b")
_ROW_REF_RE = re.compile(r"\b(?:muc|stt|so thu tu|dong|hang)\s*(?:so\s*)?(\d+(?:\.\d+)*|[ivx]+\.\d+(?:\.\d+)*)\b"
                         r"|\b(?:cai|nhiem vu|du an|chi tieu|de an)\s+(?:so\s+)?(\d+\.\d+(?:\.\d+)*)\b(?!\s*%)")  # "cái 8.1"
_SPAN_RE = re.compile(r"\b((?:19|20)\d{2})\s*(?:-|–|den|toi)\s*(?:nam\s+)?((?:19|20)\d{2})\b")
_UNTIL_RE = re.compile(r"\b(?:keo dai\s+)?(?:den|toi|het)\s+(?:nam\s+)?((?:19|20)\d{2})\b")
_TOP_RE = re.compile(r"\btop\s*(\d{1,2})\b|\b(\d{1,2})\s+(?:du an|nhiem vu|chi tieu|cong trinh)\s+(?:co|dat)?\b")
MAX_REPAIR_DISTANCE = 1  # a typo repair changes one letter, or swaps two ("khia"); more would repair correct words into others
COMPOUND_MIN_COUNT = 2  # a word pair seen this often in the corpus is one word ("hợp nhất")
MAX_ANNEX_TITLE_WORDS = 12  # words after "phụ lục" read as its title (titles run to a dozen words; a tagged word ends it)
ISSUER_REACH = 3  # words between a report's number and its issuer ("BC 412 của Sở KH&ĐT")
LEGEND_MIN_RUN = 3  # words of a loose legend quote; two ("thi công") are ordinary words of status texts
LEGEND_MAX_SKIP = 3  # legend words a loose quote may leave out ("đã [được tổ chức] thực hiện")
NAME_MIN_WORDS = 2  # words of a row name a legend quote may hold besides a measure: one word ("vốn") names nothing
TYPO_RARE_WEIGHT = 3.0  # only a rare word (idf) may be a typo of another one; common words are meant as typed
COMMON_TYPO_PAIRS = 10  # …a common word ("nhân") only when the repaired pair is a staple of the reports ("giải ngân")
TYPO_PAIRS = 2  # a one-letter neighbour forming a pair seen this often replaces a real word whose pairs never occur
WRONG_TONE_PAIRS = 3  # a pair of letters seen this often with other tones: the typed tone is a typo
MIN_REPAIR_LENGTH = 3  # shorter words have too many one-letter neighbours to repair safely


@dataclass
class Word:
    """One word of the question (after abbreviation expansion)."""

    text: str  # as typed, lower case, NFC ("chậm", "917")
    folded: str
    accented: bool
    forms: frozenset[str] = frozenset()  # folded spellings it may stand for after repair / spelling variants
    tag: str | None = None  # what accounts for it: op, measure, kind, period, dialogue, polite, function, …
    key: str | None = None  # the tag's value, e.g. 'rank_asc', 'disbursement_rate'
    repaired: str | None = None  # the known word an unknown one was repaired to
    spelled: str | None = None  # typed without diacritics inside a lexicon phrase of two words or more: the phrase's own
    # spelling ("bao" in "dat bao nhieu" is "bao", never the "bào" of a name)


@dataclass
class Question:
    """A prepared question: words with tags, and the slots read off it."""

    original: str
    text: str  # cleaned (HTML tags removed) and abbreviations expanded
    words: list[Word]
    hits: list[tuple[str, PhraseHit]] = field(default_factory=list)  # (section, hit)
    annexes: list[str] = field(default_factory=list)
    marker: str | None = None
    more_markers: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    base_years: list[int] = field(default_factory=list)  # years said as what is compared with ("so với năm 2024")
    span: tuple[int | None, int | None] = (None, None)  # "giai đoạn 2021 - 2024" / "kéo dài tới 2030": first, last year
    reports: list[str] = field(default_factory=list)
    row_ref: str | None = None
    agencies: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # numbers that must name the row ("917", "500")
    top: int | None = None
    group_ref: str | None = None
    annex_words: list[int] = field(default_factory=list)  # words naming an annex by its title ("phụ lục vốn đầu tư công")
    conditions: list[tuple[str, float, str, bool]] = field(default_factory=list)  # (op, value, text, a percentage)
    sub_items: bool | None = None  # True: "kể cả tiểu mục"; False: "không tính tiểu dự án"
    listing: bool = False
    stripped_html: bool = False

    @property
    def folded(self) -> list[str]:
        return [w.folded for w in self.words]

    def keys(self, section: str) -> list[str]:
        """The keys of the tags of one lexicon section, in question order: ``keys("operations")``."""
        return [hit.key for name, hit in self.hits if name == section]

    def has(self, section: str, *keys: str) -> bool:
        return any(name == section and (not keys or hit.key in keys) for name, hit in self.hits)

    def free(self) -> list[Word]:
        """Words no tag accounts for: they must name a row."""
        return [w for w in self.words if w.tag is None]

    def content(self) -> list[Word]:
        """Words that may name a row: untagged ones plus measure, kind and field words (a row's name may
        contain them: "Kế hoạch phát triển …" is a task, not the plan figure)."""
        return [w for w in self.words if w.tag in (None, "measure", "kind", "frame", "unit")]


def clean(text: str, limit: int) -> tuple[str, bool, bool]:
    """NFC, HTML tags and control characters removed, whitespace collapsed, cut to ``limit`` characters.

    Returns (text, was_cut, had_html). Example: ``clean("<b>GRDP</b> 2024?", 2000)[0] == "GRDP 2024?"``.
    """
    text = nfc(text or "")
    had_html = bool(_TAG_RE.search(text))
    text = _CODE_ELEMENT_RE.sub(" ", text)  # a script or style element's content is code, not the question
    text = _TAG_RE.sub(" ", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    if len(text) > limit:
        return text[:limit].rsplit(" ", 1)[0], True, had_html
    return text, False, had_html


@lru_cache(maxsize=1)
def _indexes() -> dict[str, PhraseIndex]:
    lex = lexicon()
    indexes = {
        name: lex.phrase_index(name)
        for name in ("operations", "measures", "kinds", "periods", "dialogue", "politeness", "verdict_questions",
                     "fields", "frame_words", "function_words", "units", "exclusion", "comparisons", "sub_items",
                     "inclusion", "nothing_amounts", "final_particles")
        if name in lex.raw
    }
    measures = PhraseIndex()
    for key, phrases in [*lex.phrases("measures").items(), ("status", [str(p) for p in lex.section("why_words")])]:
        for phrase in phrases:  # a reason asked ("vướng ở đâu") asks the status text, whatever else its words say
            measures.add(key, phrase)
    indexes["measures"] = measures  # (in its place: the order of sections breaks ties between equal phrases)
    synonyms = PhraseIndex()
    for phrase in lex.phrases("synonyms"):
        synonyms.add(phrase, phrase)  # the phrase as people say it; its expansions are added when linking
    indexes["synonyms"] = synonyms
    return indexes


@lru_cache(maxsize=1)
def _spelling() -> dict[str, set[str]]:
    classes: dict[str, set[str]] = {}
    for variant, main in [*lexicon().section("spelling").items(), *lexicon().section("number_words").items()]:
        group = {fold(variant), fold(str(main))}
        for word in group:
            classes.setdefault(word, set()).update(group)
    return classes


def _repair(words: list[Word], layer: SemanticLayer) -> None:
    """Spelling variants, and for an unknown word its one close known neighbour ("bằg" → "bằng",
    "nhiu" → "nhiêu"): among several one-letter neighbours, the one that forms a known word pair with
    the word before or after it. A word typed with a tone the corpus never prints ("Nốc") matches by
    its letters alone."""
    for i, word in enumerate(words):
        forms = {word.folded} | _spelling().get(word.folded, set())
        if word.accented and word.text not in layer.forms.get(word.folded, ()):
            word.accented = False
        if not layer.known(word.folded) and len(word.folded) >= MIN_REPAIR_LENGTH and not any(ch.isdigit() for ch in word.folded):
            close = [k for k in _neighbours(word.folded, layer) if OSA.distance(k, word.folded) <= MAX_REPAIR_DISTANCE]
            if len(close) > 1:
                close = _best_in_context(close, words, i, layer)
            if len(close) == 1:
                word.repaired = close[0]
                forms.add(close[0])
        elif (len(word.folded) >= MIN_REPAIR_LENGTH and word.text.isalpha() and word.folded not in _asking_words()
              and not _pairs_known(words, i, word.folded, layer)):
            # a typo that makes another real word ("hải quang", "giải nhân", "giả ngân"): neither neighbour pair
            # exists, while a one-letter neighbour forms a frequent pair ("hải quan"); a common or short word
            # needs a staple pair of the reports
            rare = layer.weight(word.folded) >= TYPO_RARE_WEIGHT and word.folded not in _lexicon_words()
            unprinted = word.text not in layer.forms.get(word.folded, ())  # "giả": a spelling the reports never print
            needed = TYPO_PAIRS if rare and len(word.folded) > MIN_REPAIR_LENGTH else COMMON_TYPO_PAIRS
            close = [k for k in _neighbours(word.folded, layer)
                     if k != word.folded and OSA.distance(k, word.folded) <= MAX_REPAIR_DISTANCE
                     and (_pairs_known(words, i, k, layer, needed)
                          or (unprinted and _pairs_on_both_sides(words, i, k, layer)))]
            if len(close) > 1 and unprinted:  # "Chơng trình": of "công", "chương", the one carrying the "ơ" typed
                close = [k for k in close if any({ch for ch in word.text if fold(ch) != ch} <= set(form)
                                                 for form in layer.forms.get(k, ()))]
            if len(close) == 1:
                word.repaired = close[0]
                forms.add(close[0])
        word.forms = frozenset(forms)
    _wrong_tones(words, layer)


@lru_cache(maxsize=1)
def _asking_words() -> frozenset[str]:
    """Folded words of how questions are asked (function, frame, politeness, dialogue, operations, periods,
    comparisons, verdicts): typed as meant, never repaired into a content word ("chưa" is not "chức")."""
    lex = lexicon()
    sections = ("function_words", "frame_words", "politeness", "dialogue", "operations", "periods", "comparisons",
                "verdict_questions")
    return frozenset(fold(p) for name in sections if name in lex.raw for phrases in lex.phrases(name).values()
                     for p in phrases if len(tokens(p)) == 1)  # words said alone, not syllables of a phrase


@lru_cache(maxsize=1)
def _lexicon_words() -> frozenset[str]:
    """Every folded word of the lexicon's phrases (question vocabulary is never "repaired")."""
    lex = lexicon()
    return frozenset(fold(t) for name in lex.raw for phrases in lex.phrases(name).values() if isinstance(phrases, list)
                     for p in phrases for t in tokens(p))


def _pairs_on_both_sides(words: list[Word], i: int, folded: str, layer: SemanticLayer) -> bool:
    """``folded`` at position ``i`` joins both neighbours as the reports write them, one pair often
    ("hành chính giả quyết" → "giải": "chính giải" and "giải quyết")."""
    if i == 0 or i + 1 >= len(words):
        return False
    pairs = (layer.bigrams.get((words[i - 1].folded, folded), 0), layer.bigrams.get((folded, words[i + 1].folded), 0))
    return min(pairs) >= 1 and max(pairs) >= TYPO_PAIRS


def _pairs_known(words: list[Word], i: int, folded: str, layer: SemanticLayer, at_least: int = 1) -> bool:
    """Whether ``folded`` at position ``i`` forms a corpus word pair with a neighbour (seen ``at_least`` times)."""
    before = words[i - 1].folded if i > 0 else None
    after = words[i + 1].folded if i + 1 < len(words) else None
    return max(layer.bigrams.get((before, folded), 0), layer.bigrams.get((folded, after), 0)) >= at_least


def _wrong_tones(words: list[Word], layer: SemanticLayer) -> None:
    """A tone typed wrong on a real word ("lao đông" for "lao động"): the pair as written never occurs,
    while the same letters with another tone are a frequent pair. The word then matches by its letters."""
    for i, word in enumerate(words):
        if not word.accented or not word.text.isalpha():
            continue
        for j in (i - 1, i + 1):
            if not 0 <= j < len(words) or not words[j].accented:
                continue
            a, b = (words[j], word) if j < i else (word, words[j])
            written = (a.text.lower(), b.text.lower())
            # a cue's pair ("thấp nhất") counts too when the word as typed is no spelling the corpus uses ("thâp", not "số")
            known = layer.bigrams.get((a.folded, b.folded), 0) >= WRONG_TONE_PAIRS or (
                (a.folded, b.folded) in _cue_pairs() and word.text.lower() not in layer.forms.get(word.folded, ()))
            if written not in layer.written_bigrams and known:
                # the word whose own tone pairs with no printed form of the other is the typo ("xây dụng": "dụng")
                typed = word.text.lower()
                if not any(((typed, f) if j > i else (f, typed)) in layer.written_bigrams for f in layer.forms.get(words[j].folded, ())):
                    word.accented = False
                    break


@lru_cache(maxsize=1)
def _cue_pairs() -> frozenset[tuple[str, str]]:
    """Word pairs of the lexicon's question cues, folded ("thap nhat"): typed with a tone they never carry
    ("thâp nhất") they are that cue mistyped."""
    pairs = set()
    for section in ("operations", "measures", "verdict_questions"):
        for phrases in lexicon().phrases(section).values():
            for phrase in phrases:
                words = fold_tokens(phrase)
                pairs.update(zip(words, words[1:], strict=False))
    return frozenset(pairs)


def _best_in_context(close: list[str], words: list[Word], i: int, layer: SemanticLayer) -> list[str]:
    """Of several one-letter repairs, the one that forms a known word pair with a neighbour; a tone the
    user typed ("bằg") must be one the repair can carry ("bằng", not "báo"); then the most frequent pair."""
    before = words[i - 1].folded if i > 0 else None
    after = words[i + 1].folded if i + 1 < len(words) else None

    def pairs(k: str) -> int:
        return layer.bigrams.get((before, k), 0) + layer.bigrams.get((k, after), 0)

    close = [k for k in close if pairs(k)]
    typed_marks = {ch for ch in words[i].text if fold(ch) != ch}
    if typed_marks:
        carrying = [k for k in close if any(typed_marks <= set(form) for form in layer.forms.get(k, ()))]
        close = carrying or close
    if len(close) > 1:
        close = sorted(close, key=pairs, reverse=True)[:1]
    return close


PROPER_NAME_WORDS = 2  # capitalised words in a row mid-sentence ("Nguyễn Quang Diêu"): a name, one thing said


def proper_names(q: Question) -> list[list[int]]:
    """Runs of free words typed with a capital letter inside the sentence ("Trường THPT chuyên Nguyễn Quang Diêu":
    the last three): a proper name, which the row answering must say as such. All-capital words (abbreviations)
    and the first word are not counted."""
    typed = cased_tokens(q.text)
    if len(typed) != len(q.words):
        return []
    runs: list[list[int]] = [[]]
    for i, ((token, before), word) in enumerate(zip(typed, q.words, strict=True)):
        if runs[-1] and before.strip():  # "Gò Công Đông, Tân Phú Đông": two names
            runs.append([])
        if i and word.tag is None and token[:1].isupper() and not token.isupper() and token.isalpha():
            runs[-1].append(i)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if len(run) >= PROPER_NAME_WORDS]


def _neighbours(folded: str, layer: SemanticLayer) -> list[str]:
    """Known words of similar length sharing the first or the last letter (cheap pre-filter)."""
    return [k for k in layer.vocabulary_by_length(len(folded)) if k[:1] == folded[:1] or k[-1:] == folded[-1:]]


def prepare(text: str, layer: SemanticLayer, reading: str | None = None) -> Question:
    """Tag the words of one reading of ``text`` (abbreviations expanded)."""
    expanded = _expand_initialisms(_respell(reading if reading is not None else readings(text)[0]), layer)
    written = tokens(expanded)
    words = []
    for token in written:
        folded = fold(token)
        words.append(Word(token, folded, token != folded))
    letters = [w for w in words if w.text.isalpha()]
    # the user's own words decide (not an abbreviation's expansion: "ntm giai ngan" is typed without diacritics)
    typed = [t for t in tokens(text) if t.isalpha() and not (len(t) > 1 and t.isupper())]
    if typed and sum(t != fold(t) for t in typed) * 2 >= len(typed):
        for word in letters:  # typed with diacritics: a word without them was meant without them ("chi" ≠ "chỉ")
            word.accented = True
    _repair(words, layer)
    q = Question(original=text, text=expanded, words=words)
    _tag(q, layer)
    return q


PLACE_NAME_WORDS = (2, 4)  # syllables of a place's name typed with capitals: one alone may start a sentence
# ("Xã hội"), more than four are no name


@lru_cache(maxsize=1)
def _place_re() -> re.Pattern[str]:
    nouns = sorted({fold(p) for p in lexicon().phrases("place_nouns")["place_nouns"]}, key=len, reverse=True)
    low, high = PLACE_NAME_WORDS
    name = r"[A-Z][a-z]*"
    return re.compile(rf"(?<!\w)(?i:{'|'.join(re.escape(n) for n in nouns)})\.?\s+((?:{name}\s+){{{low - 1},{high - 1}}}{name})(?!\w)")


def unknown_places(text: str, layer: SemanticLayer) -> list[str]:
    """Places named with capitals after an administrative unit that no loaded report prints anywhere (name,
    group, cells): ``unknown_places("huyện Cầu Kè 6 tháng cấp bao nhiêu giấy phép?", layer) == ["huyện Cầu Kè"]``
    when no report speaks of Cầu Kè."""
    written = nfc(text)
    folded = "".join(ch if ch.lower() == fold_diacritics(ch) else fold_diacritics(ch).upper() if ch.isupper()
                     else fold_diacritics(ch) for ch in written)  # case kept: the capitals mark a name
    if len(folded) != len(written):
        return []
    unknown = []
    for match in _place_re().finditer(folded):
        words = match.group(1).lower().split()
        rows = set.intersection(*(layer.text_index.get(w, set()) for w in words))
        said = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")  # as one name: not "cầu, kè"
        if not any(said.search(layer.folded_text(row_id)) for row_id in rows):
            unknown.append(written[match.start() : match.end()])
    return unknown


@dataclass
class NameSpellings:
    """Words of the question inside runs of words printed in a row's name (:attr:`SemanticLayer.name_runs`, agreeing
    with any diacritics typed): the spellings the names give them, and the words with run words on both sides."""

    spellings: dict[int, set[str]] = field(default_factory=dict)
    inside: set[int] = field(default_factory=set)


def _name_spellings(q: Question, layer: SemanticLayer) -> NameSpellings:
    found = NameSpellings()
    for start in range(len(q.words) - NAME_RUN + 1):
        words = q.words[start : start + NAME_RUN]
        for run in layer.name_runs.get(tuple(w.folded for w in words), ()):
            if all(not w.accented or w.text == spelled for w, spelled in zip(words, run, strict=True)):
                for i, spelled in enumerate(run):
                    found.spellings.setdefault(start + i, set()).add(spelled)
                found.inside.update(range(start + 1, start + NAME_RUN - 1))
    return found


def _ends_the_question(folded: list[str], end: int, particles: PhraseIndex) -> bool:
    """Only particles and punctuation after position ``end``."""
    return all((word,) in particles.phrases or not any(ch.isalnum() for ch in word) for word in folded[end:])


def _folds_onto_a_name(q: Question, hit: PhraseHit, index: PhraseIndex, names: NameSpellings, layer: SemanticLayer) -> bool:
    """A lexicon phrase typed without diacritics over words a name prints with other diacritics: the name's words
    ("trong do co bang cap chung chi duoc bao nhieu %": "bằng" and "chứng chỉ", not "bảng", "chi được bao nhiêu").
    A single cue word counts only inside the name's words ("vốn đầu tư", not "về" of "ve moi truong", which may be
    "bảo vệ môi trường"); a phrase reaching past the name only when its spelling never joins the name's word next
    to it in the reports."""
    in_names = names.spellings
    variants = index.accented.get(tuple(w.folded for w in q.words[hit.start : hit.end]), set())
    for i in range(hit.start, hit.end):
        if q.words[i].accented or i not in in_names:
            continue
        spelled = {v[i - hit.start] for v in variants}
        if spelled & in_names[i]:
            continue
        if hit.size == 1:
            if i in names.inside:
                return True
            continue
        neighbours = [j for j in (i - 1, i + 1) if j in in_names]
        if not any((s, f) in layer.written_bigrams if j > i else (f, s) in layer.written_bigrams
                   for j in neighbours for s in spelled for f in in_names[j]):
            return True
    return False


def _respell_from_phrase(q: Question, hit: PhraseHit, index: PhraseIndex) -> None:
    """Words of a lexicon phrase typed without diacritics take the phrase's spelling when it has one only:
    "dat bao nhieu" is "đạt bao nhiêu", so its "bao" does not name a row that says "đồng bào"."""
    variants = index.accented.get(tuple(w.folded for w in q.words[hit.start : hit.end]), set())
    if len(variants) != 1:
        return
    for word, spelled in zip(q.words[hit.start : hit.end], next(iter(variants)), strict=True):
        if not word.accented:
            word.spelled = spelled


def _mark(q: Question, start: int, end: int, tag: str, key: str | None = None, *, force: bool = False) -> None:
    for word in q.words[start:end]:
        if word.tag is None or force:
            word.tag, word.key = tag, key


def _expand_initialisms(text: str, layer: SemanticLayer) -> str:
    """An unknown word that is the initials of a phrase of the corpus is that phrase ("NOXH" → "nhà ở xã
    hội", "GPXD" → "giấy phép xây dựng"): :attr:`SemanticLayer.initialisms`."""
    def expand(match: re.Match[str]) -> str:
        folded = fold(match.group(0))
        return layer.initialisms.get(folded, match.group(0))

    return re.sub(r"(?<![\w/-])[^\W\d_]{3,}(?![\w/-])", expand, text)


def _respell(text: str) -> str:
    """Common misspellings of whole phrases ("tập chung" → "tập trung"), from the lexicon."""
    for wrong, right in lexicon().section("spelling_phrases").items():
        text = re.sub(rf"(?i)\b{re.escape(wrong)}\b", right, text)
    for clipped, whole in lexicon().section("clipped_words").items():  # "mỗi căn nhiêu tiền": "bao nhiêu"
        before = whole[: -len(clipped)]
        text = re.sub(rf"(?i)(?<!{re.escape(before)})\b{re.escape(clipped)}\b", whole, text)
    return text


_BASE_WORDS = {"so", "voi", "hon"}  # "so với (năm) 2024", "hơn 2024": the year compared with, not the one asked
_ROW_CUES = {"mục", "dòng", "hàng", "stt"}  # "dòng 2", not "Gò Công Đông 2" (both fold to "dong")


def _row_cue_as_typed(q: Question, match: re.Match[str]) -> bool:
    """The word before a row number is a row cue as typed: unaccented, or accented as the cue is spelt."""
    if match.group(1) is None:
        return True  # "cái 8.1", "nhiệm vụ 8.1": a dotted number after a kind noun
    cue = match.group(0).split()[0]
    typed = [w for w in q.words if w.folded == cue]
    return not typed or any(not w.accented or w.text in _ROW_CUES for w in typed)


_NEGATIONS = {"khong", "chua"}  # folded negation words a loose legend quote may not skip
_SET_OPERATIONS = ("count", "list", "rank_desc", "rank_asc", "total")  # a legend said loosely only names a set
_LOOSE_LEGEND_TAGS = (None, "function", "frame", "year")
_LEGEND_RUN_TAGS = (*_LOOSE_LEGEND_TAGS, "measure", "verdict", "legend")  # a measure / verdict phrase may be read both ways; another legend too


def _legend_runs(q: Question, folded: list[str], layer: SemanticLayer) -> list[PhraseHit]:
    """Marker meanings said loosely: a run of question words found in order in one legend line, skipping
    a few of its words ("đang thi công" ⊂ "đang triển khai thi công"). A run that two markers of the
    same annex both contain says nothing about which one, so it is dropped."""
    function = set(lexicon().phrases("function_words")["function_words"])
    kind_words = _kind_words()
    kind_phrases = _kind_phrases()
    in_kind_phrase = {i for at in range(len(folded)) for k in kind_phrases if tuple(folded[at : at + len(k)]) == k
                      for i in range(at, at + len(k))}  # "dự án" however tagged, not the "dự" of "dự kiến"
    found: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for written, keys in layer.legend_groups:  # each distinct wording once, whatever the number of reports
        words = [fold(w) for w in written]
        for start in range(len(folded)):
            if q.words[start].tag == "kind" or start in in_kind_phrase:
                continue  # "nhiệm vụ đã thực hiện": the kind noun stays a kind noun (not the "dự" of "dự kiến")
            end, used = start, []
            for first in (i for i, w in enumerate(words) if w == folded[start]):  # "dự kiến" after "dự án": each place
                run_end, run_used = _legend_run_from(q, folded, words, written, start, first)
                if run_end > end:
                    end, used = run_end, run_used
            # content: a legend word matched that is neither a function word nor a kind noun, read with the
            # legend's own diacritics ("thi công" typed "thi cong" is not "thì")
            content = [w for w in used if w not in function and fold(w) not in kind_words]
            ordinary = f" {' '.join(folded[start:end])} " in layer.names_text  # "vốn đầu tư" names rows
            if end - start >= LEGEND_MIN_RUN and content and not ordinary and not one_choice_of(folded, words):
                for key in keys:
                    if key not in (same := found[(key.rsplit("|", 1)[0], start, end)]):  # (a legend said two ways: one key)
                        same.append(key)
    return [PhraseHit(keys[0], " ".join(folded[start:end]), start, end)
            for (_, start, end), keys in found.items() if len(keys) == 1]


_OR = "hoac"  # "đang thi công hoặc đã hoàn thành": a legend line of choices


def one_choice_of(said: list[str], legend: list[str]) -> bool:
    """The words said are all on one side of the legend's "hoặc" between two states of progress ("đã hoàn thành"
    of "… đang thi công hoặc đã hoàn thành đúng tiến độ"): one choice of the marker, whose rows are the other state
    too, so not the marker. ("đã được tổ chức thực hiện hoặc được ban hành …" are two ways of one state.)"""
    if _OR not in legend:
        return False
    cut = legend.index(_OR)
    sides = (legend[:cut], legend[cut + 1 :])
    states = [{state for state, phrases in _progress_states().items()
               if any(f" {p} " in f" {' '.join(side)} " for p in phrases)} for side in sides]
    if not states[0] or not states[1] or states[0] & states[1]:
        return False
    function = {fold(w) for w in lexicon().phrases("function_words")["function_words"]}
    content = {w for w in said if w != _OR and w in legend and w not in _kind_words() and w not in function}
    return bool(content) and (content <= set(sides[0])) != (content <= set(sides[1]))


@lru_cache(maxsize=1)
def _progress_states() -> dict[str, list[str]]:
    return {state: [" ".join(fold_tokens(p)) for p in phrases] for state, phrases in lexicon().section("progress_states").items()}


def _legend_meaning(key: str, layer: SemanticLayer) -> str:
    report, annex, marker = key.split("|")
    view = layer.annexes.get((report, annex))
    return view.legend.get(marker, "") if view else ""


def _only_a_measure(q: Question, run: PhraseHit, inside: list[tuple[str, PhraseHit]], layer: SemanticLayer) -> bool:
    """ "giao KH vốn 2024" of a legend "… kế hoạch vốn năm 2024": the run says a measure phrase and a year, nothing
    more of the legend, so the measure is what is said (or a measure of rows it names: :func:`_measure_of_named_rows`)."""
    said = {i for i in range(run.start, run.end) if q.words[i].tag not in ("year", "function", "frame")
            and not _says_year(q, i)}
    measured = {i for s, h in inside if s == "measures" for i in range(h.start, h.end)}
    return bool(inside) and (said <= measured or _measure_of_named_rows(q, run.start, sorted(said - measured), layer))


def _measure_of_named_rows(q: Question, start: int, rest: list[int], layer: SemanticLayer) -> bool:
    """The words of a legend quote left after its measure end the whole name of rows, which may begin inside the
    measure's words (from ``start`` on): "giải ngân vốn sự nghiệp" of "… tỷ lệ giải ngân vốn sự nghiệp dưới 50%"
    is the disbursement of the rows "Vốn sự nghiệp", not the marker."""
    if len(rest) < NAME_MIN_WORDS or rest != list(range(rest[0], rest[-1] + 1)):
        return False
    names = f"\n{layer.names_text}\n"  # (one name a line)
    return any(f"\n {' '.join(w.folded for w in q.words[at : rest[-1] + 1])} \n" in names for at in range(start, rest[0] + 1))


_PLACES_ASKED_BEFORE = ("bao nhieu", "may", "cac", "nhung", "moi", "tung", "so")  # "bao nhiêu huyện", "các huyện"
_PLACES_ASKED_AFTER = ("nao",)  # "huyện nào"


def _asks_places(folded: list[str], hit: PhraseHit) -> bool:
    """A place noun said of places in general ("bao nhiêu huyện", "các huyện, thị xã", "huyện nào"), not of one
    place or one agency ("huyện Long Hồ", "UBND huyện"): what a table of places calls its rows."""
    words = place_noun_words()
    start = hit.start
    while start > 0 and hit.start - start < PLACE_LIST_WORDS and folded[start - 1] in words:
        start -= 1  # "bao nhiêu huyện, thị xã, TP": the words before the list of place nouns
    before = " ".join(folded[max(0, start - 2) : start])
    after = folded[hit.end] if hit.end < len(folded) else ""
    listed = hit.start > 0 and folded[hit.start - 1] in place_noun_ends()  # "huyện, thị xã nào": a list of place nouns
    next_noun = any(" ".join(folded[hit.end : hit.end + n]) in lexicon().words("place_nouns") for n in (1, 2))  # "huyện, thị xã …"
    return any(before == w or before.endswith(" " + w) for w in _PLACES_ASKED_BEFORE) or after in _PLACES_ASKED_AFTER \
        or ((listed or next_noun) and _list_asked(folded, hit.end))  # (not "UBND huyện/thị xã/TP": an agency's levels)


PLACE_LIST_WORDS = 6  # words a list of place nouns runs to before its "nào" ("huyện, thị xã, thành phố nào")


def place_noun_ends() -> frozenset[str]:
    """The last word of each place noun of the lexicon ("huyện", "xã" of "thị xã")."""
    return frozenset(p.split()[-1] for p in lexicon().words("place_nouns"))


def place_noun_words() -> frozenset[str]:
    """Every word of the place nouns of the lexicon, folded ("thi", "xa" of "thị xã")."""
    return frozenset(t for p in lexicon().words("place_nouns") for t in p.split())


def _list_asked(folded: list[str], start: int) -> bool:
    """A list of place nouns from ``start`` ends in "nào" ("huyện, thị xã nào")."""
    words = place_noun_words()
    for token in folded[start : start + PLACE_LIST_WORDS]:
        if token in _PLACES_ASKED_AFTER:
            return True
        if token not in words:
            return False
    return False


_YEAR_PARTS = ("cuoi", "dau", "giua", "het")  # "(ước) cuối 2024", "hết 2025": a part of the year said before it


def _says_year(q: Question, i: int) -> bool:
    """ "năm" (typed "nam" or not) right before a year is part of it."""
    return q.words[i].folded == "nam" and i + 1 < len(q.words) and q.words[i + 1].tag == "year"


def _legend_run_from(q: Question, folded: list[str], words: list[str], written: list[str], start: int,
                     first: int) -> tuple[int, list[str]]:
    """The question words from ``start`` on found in order in a legend's (folded) ``words`` from its word
    ``first`` on, skipping at most ``LEGEND_MAX_SKIP`` of them: (end of the run, the legend words used)."""
    end, skipped, at, used = start, 0, first - 1, []
    while end < len(folded) and q.words[end].tag in _LEGEND_RUN_TAGS and folded[end] in words[at + 1 :]:
        following = words.index(folded[end], at + 1)
        skipped += following - at - 1 if end > start else 0
        left_out = words[at + 1 : following] if end > start else []
        if skipped > LEGEND_MAX_SKIP or set(left_out) & _NEGATIONS or any(w[:1].isdigit() for w in left_out):
            break  # a quote that leaves out the legend's "không" says the opposite; its bound ("dưới 50%"), another set
        at, end = following, end + 1
        used.append(written[following])
    return end, used


def _names_a_column(hit: PhraseHit, folded: list[str], headers: list[PhraseHit], measures: list[PhraseHit],
                    ranked: bool) -> bool:
    """Words of a legend line that are a column's name ("kế hoạch vốn năm 2025", "có tỷ lệ giải ngân") name the
    column, not a marker (years and function words aside)."""
    function = {fold(w) for w in lexicon().phrases("function_words")["function_words"]}
    said = {i for i in range(hit.start, hit.end) if not _YEAR_RE.match(folded[i]) and folded[i] not in function}
    return any(said <= set(range(h.start, h.end)) for h in headers) or (
        ranked and said <= {i for h in measures for i in range(h.start, h.end)})  # "dự án nào có tỷ lệ giải ngân vốn … cao nhất"


def _ordinary_part(q: Question, hit: PhraseHit, measures: list[PhraseHit], layer: SemanticLayer) -> bool:
    """A few words of a legend line that some row's name also says ("vốn đầu tư công" of "… được bố trí kế
    hoạch vốn đầu tư công trung hạn"), alone or after a measure: an ordinary phrase of the corpus, not a quote
    of the marker."""
    report, annex, marker = hit.key.split("|")
    meaning = (layer.annexes[(report, annex)].legend.get(marker, "") if (report, annex) in layer.annexes else "")
    folded = [w.folded for w in q.words]
    said = " ".join(folded[hit.start : hit.end])
    if said == " ".join(fold_tokens(meaning)):
        return False
    measured = {i for h in measures if hit.start <= h.start and h.end <= hit.end for i in range(h.start, h.end)}
    rest = [i for i in range(hit.start, hit.end) if i not in measured]
    return f" {said} " in layer.names_text or (bool(measured) and _measure_of_named_rows(q, hit.start, rest, layer))


def _goes_on_with_its_condition(q: Question, hit: PhraseHit, layer: SemanticLayer) -> bool:
    """The question goes on to say the legend's own condition ("… giải ngân vốn sự nghiệp dưới / chưa tới 50%"): a
    condition said right after the words whose number the legend prints. Then the words quote the marker after all."""
    after = hit.end
    while after < len(q.words) and q.words[after].tag == "function":
        after += 1
    said: list[str] = []
    while after < len(q.words) and q.words[after].tag == "condition":
        said.append(q.words[after].text)
        after += 1
    legend = set(fold_tokens(_legend_meaning(hit.key, layer)))
    return any(t.isdigit() and t in legend for t in said)


def _asks_another_kind(hit: PhraseHit, asked: set[tuple[str, str]], layer: SemanticLayer) -> bool:
    """The question asks for tasks ("mấy nhiệm vụ … đã hoàn thành") and the legend is of an annex of projects
    that does not call its rows so ("Dự án đã hoàn thành"), while the report has an annex of tasks (or the
    other way round, or the legend is under a table of indicators): the words are not that legend's. ``asked``: (kind, folded phrase) of the kind nouns said."""
    report, annex, marker = hit.key.split("|")
    annex_kind = layer.annex_kind(report, annex)
    wanted = {(kind, phrase) for kind, phrase in asked if kind in ("task", "project")}
    if not wanted or annex_kind in {kind for kind, _ in wanted}:
        return False
    if annex_kind == "indicator":  # a note under a table of indicators is about indicators, not the projects asked
        return any(layer.annex_kind(r, a) in {kind for kind, _ in wanted} for r, a in layer.annexes if r == report)
    if annex_kind not in ("task", "project"):
        return False
    meaning = f" {' '.join(fold_tokens(layer.annexes[(report, annex)].legend.get(marker, '')))} "
    if any(f" {phrase} " in meaning for _, phrase in wanted):
        return False  # "Chương trình có tỷ lệ giải ngân …": the legend calls its rows what the question does
    return any(layer.annex_kind(r, a) in {kind for kind, _ in wanted} for r, a in layer.annexes if r == report)


def _restates_title(hit: PhraseHit, folded: list[str], layer: SemanticLayer) -> bool:
    """A legend's words that the title of its own annex says whole ("dự án trọng điểm" under "… CÁC DỰ ÁN
    TRỌNG ĐIỂM"): every row of the annex is that, the words do not pick the marker."""
    report, annex, _ = hit.key.split("|")
    title = layer.annexes.get((report, annex))
    said = f" {' '.join(folded[hit.start : hit.end])} "
    return title is not None and said in f" {' '.join(fold_tokens(title.title))} "


def _names_another_kind(hit: PhraseHit, folded: list[str], layer: SemanticLayer) -> bool:
    """A legend's words holding a kind noun of the other family than its annex's rows ("các dự án ngành xây
    dựng" quoted from a note under a table of indicators): they name rows of that kind, not the marker."""
    report, annex, _ = hit.key.split("|")
    annex_kind = layer.annex_kind(report, annex)
    said = f" {' '.join(folded[hit.start : hit.end])} "
    if not annex_kind:
        return False
    return any(f" {fold(phrase)} " in said for kind, phrases in lexicon().phrases("kinds").items()
               if kind in ("project", "task", "indicator") and (kind == "indicator") != (annex_kind == "indicator")
               for phrase in phrases)  # tasks and projects mix in one annex; indicators never do


def _tag(q: Question, layer: SemanticLayer) -> None:
    folded_text = " ".join(q.folded)
    written: list[str | None] = [None if w.repaired or not w.accented else w.text for w in q.words]
    folded = [w.repaired or w.folded for w in q.words]
    # Slots read with patterns: annex, marker, report, group, row reference, years, "top N".
    _tag_reports(q, layer)
    for match in _ANNEX_RE.finditer(folded_text):
        for token in re.findall(r"[ivx]+|\d+", match.group(1)):
            if token.upper() not in q.annexes:
                q.annexes.append(token.upper())
    _mark_pattern(q, _ANNEX_RE, "annex")
    if match := _ANNEX_ROW_RE.search(folded_text):  # "V 9.1", "PL3 mục 20" said tersely
        q.annexes = q.annexes or [match.group(1).upper()]
        q.row_ref = match.group(2)
        _mark_pattern(q, _ANNEX_ROW_RE, "row_ref")
    markers = [m.group(1) or m.group(2) for m in _MARKER_RE.finditer(q.text)]
    if not markers and (spoken := list(_MARKER_WORDS_RE.finditer(folded_text))):
        markers = ["*" * {"1": 1, "2": 2, "3": 3, "4": 4, "mot": 1, "hai": 2, "ba": 3, "bon": 4}[m.group(1)] for m in spoken]
        _mark_pattern(q, _MARKER_WORDS_RE, "marker")
    if markers:  # "1 sao với 2 sao khác nhau chỗ nào": the first, and the others asked with it
        q.marker, q.more_markers = markers[0], list(dict.fromkeys(m for m in markers[1:] if m != markers[0]))
    if match := _GROUP_RE.search(folded_text):
        q.group_ref = match.group(1).upper()
        _mark_pattern(q, _GROUP_RE, "group")
    if not q.row_ref and (match := _ROW_REF_RE.search(folded_text)) and _row_cue_as_typed(q, match):
        label = match.group(1) or match.group(2)
        q.row_ref = label.upper() if re.match(r"[ivx]", label) else label
        _mark_pattern(q, _ROW_REF_RE, "row_ref")
    if (match := _TOP_RE.search(folded_text)) and not any(  # "pl3 nhiệm vụ nào": the annex's number, no count
            w.text == (match.group(1) or match.group(2)) and w.tag in ("annex", "row_ref", "group") for w in q.words):
        q.top = int(match.group(1) or match.group(2))
    if match := _SPAN_RE.search(fold(q.text)):  # a period, for sets ("dự án thực hiện 2021 - 2024")
        q.span = (int(match.group(1)), int(match.group(2)))
    elif (match := _UNTIL_RE.search(folded_text)) and f" {match.group(0)} " not in layer.names_text:
        q.span = (None, int(match.group(1)))  # not part of a name ("Chương trình … đến năm 2025")
        _mark_pattern(q, _UNTIL_RE, "frame")
    for i, word in enumerate(q.words):  # "đến 31/10/2025": the date a column is reported at, not a condition on rows
        short = _DAY_MONTH_RE.match(word.text) and i > 0 and q.words[i - 1].folded in _DATE_BEFORE  # "đến 31/5"
        if (_DATE_RE.match(word.text) or short) and word.tag is None:
            word.tag = "date"
    for i, word in enumerate(q.words):  # "đến cuối tháng 11" where a column is reported at 30/11: that column's date
        if i and q.words[i - 1].folded == "thang" and word.text in layer.header_date_months and word.tag is None:
            start = i - 2 if i > 1 and q.words[i - 2].folded in ("cuoi", "het") else i - 1
            _mark(q, start, i + 1, "date", force=True)
    for i, word in enumerate(q.words[:-1]):  # "6 tháng đầu năm" where a column reports 6 months: that column's period
        if word.text in layer.header_months and q.words[i + 1].folded == "thang" and word.tag is None:
            end = i + 4 if [w.folded for w in q.words[i + 2 : i + 4]] in (["dau", "nam"], ["cuoi", "nam"]) else i + 2
            end += next((len(t) for t in (["vua", "qua"], ["qua"]) if [w.folded for w in q.words[end : end + len(t)]] == t), 0)
            _mark(q, i, end, "period", force=True)  # "6 tháng (vừa) qua" too
    for i, word in enumerate(q.words):
        if _YEAR_RE.match(word.text) and word.tag is None:
            q.years.append(int(word.text))
            word.tag = "year"
            before = [w.folded for w in q.words[max(0, i - 3) : i] if w.folded != "nam"]
            if before and before[-1] in _BASE_WORDS:
                q.base_years.append(int(word.text))
            if i and q.words[i - 1].folded in _YEAR_PARTS and q.words[i - 1].tag is None:
                q.words[i - 1].tag = "frame"  # "cuối 2024": the year's end is the year the report states
    for hit in find_phrases(folded, _indexes()["exclusion"], written=written):
        _mark(q, hit.start, hit.end, "exclusion", "exclusion")
    _number_conditions(q, folded, written)
    _sub_items(q, folded, written)
    # Lexicon phrases (longest first across all sections, so no section's order decides).
    candidates: list[tuple[str, PhraseHit]] = []
    in_names = _name_spellings(q, layer)
    for section in ("synonyms", "fields"):  # a topic phrase of the lexicon ("khu vực thành thị") is such words too
        for hit in find_phrases(folded, _indexes()[section], overlapping=True, written=written):
            variants = _indexes()[section].accented.get(tuple(folded[hit.start : hit.end]), set())
            if hit.size >= 2 and len(variants) == 1:
                for i, spelled in enumerate(next(iter(variants)), start=hit.start):
                    in_names.spellings.setdefault(i, set()).add(spelled)
                    in_names.inside.add(i)
    for section, index in _indexes().items():
        if section in ("exclusion", "comparisons", "sub_items", "inclusion", "nothing_amounts", "final_particles"):
            continue
        for hit in find_phrases(folded, index, overlapping=True, written=written):
            particle = hit.size == 1 and section in ("politeness", "function_words") and \
                (folded[hit.start],) in _indexes()["final_particles"].phrases
            if particle and hit.start > 0 and not _ends_the_question(folded, hit.end, _indexes()["final_particles"]):
                continue  # a particle closes ("nhé", "ạ") or opens ("à") a question: "nhe can" mid-sentence is "nhẹ cân"
            if not _folds_onto_a_name(q, hit, index, in_names, layer):
                candidates.append((section, hit))
    # Corpus phrases: marker meanings ("đang triển khai thi công") and column headers as printed.
    headers = [hit for hit in find_phrases(folded, layer.header_index, overlapping=True, written=written) if hit.size >= 2]
    asked_kinds = {(h.key, h.phrase) for s, h in candidates if s == "kinds"}
    ranked = any(s == "operations" and h.key in ("rank_desc", "rank_asc", "total") for s, h in candidates)  # a ranking
    # or a total needs a measure ("tổng KH vốn năm 2024 …" is no quote of "… hết kế hoạch vốn năm 2024")
    measures = [h for s, h in candidates if s == "measures"]
    legend_hits = find_phrases(folded, layer.legend_index, overlapping=True, written=written)
    ordinary = [h for h in legend_hits if _ordinary_part(q, h, measures, layer)  # and the pieces of it
                and not _goes_on_with_its_condition(q, h, layer)]
    for hit in legend_hits:
        if hit.size >= 3 and not _names_a_column(hit, folded, headers, measures, ranked) \
                and not one_choice_of(folded, fold_tokens(_legend_meaning(hit.key, layer))) \
                and not _names_another_kind(hit, folded, layer) and not _restates_title(hit, folded, layer) \
                and not any(o.start <= hit.start and hit.end <= o.end for o in ordinary) \
                and not _asks_another_kind(hit, asked_kinds, layer):
            candidates.append(("legend", hit))
    candidates += [("header", hit) for hit in headers]
    taken: set[int] = {i for i, w in enumerate(q.words) if w.tag is not None}
    accepted: set[tuple[int, int]] = set()
    for section, hit in sorted(candidates, key=lambda c: (-c[1].size, c[1].start, _SECTION_RANK.get(c[0], 99))):
        span = set(range(hit.start, hit.end))
        widening = section in ("synonyms", "fields")
        if (hit.start, hit.end) in accepted and not widening:
            q.hits.append((section, hit))  # the same words read two ways ("tình hình": status, overview)
            continue
        if span & taken and not widening:
            continue
        if section == "kinds" and hit.size == 1 and hit.end < len(folded) and \
                (folded[hit.start], folded[hit.end]) in _topic_pairs():
            continue  # a one-word kind noun inside a compound ("việc làm") is not a kind
        q.hits.append((section, hit))
        if widening:
            continue  # they widen what names a row; the words still have to be accounted for
        accepted.add((hit.start, hit.end))
        taken |= span
        _mark(q, hit.start, hit.end, _SECTION_TAG[section], hit.key)
        if hit.size >= 2 and section in _indexes():
            _respell_from_phrase(q, hit, _indexes()[section])
    # What a table calls its rows ("địa bàn nào …" of a table by place): a kind noun of that annex.
    for hit in find_phrases(folded, layer.row_noun_index, written=written):
        if hit.phrase in lexicon().words("place_nouns") and not _asks_places(folded, hit):
            continue  # "UBND huyện", "huyện Long Hồ", "đường huyện": a name's words, not what the table calls its rows
        if all(w.tag in (None, "function", "unit") for w in q.words[hit.start : hit.end]):  # ("xã" is also a unit)
            report, numeral = hit.key.split("|")
            kind = layer.annex_kind(report, numeral) or "any"
            q.hits.append(("kinds", PhraseHit(kind, hit.phrase, hit.start, hit.end)))
            _mark(q, hit.start, hit.end, "kind", kind, force=True)
            if numeral not in q.annexes:
                q.annexes.append(numeral)
    # Marker meanings said loosely, after every lexicon phrase: they only take words nothing else named.
    read_both = [(s, h) for s, h in q.hits if s in ("measures", "verdict_questions")]
    loose_spans: set[tuple[int, int]] = set()
    asks_set = any(s == "kinds" or (s == "operations" and h.key in _SET_OPERATIONS) or (s, h.key) == ("dialogue", "refine")
                   for s, h in q.hits)  # "trong đó cái nào đang thi công" refines a set
    runs = [h for h in _legend_runs(q, folded, layer)
            if not _names_a_column(h, folded, headers, measures, ranked)
            and not _names_another_kind(h, folded, layer)
            and not _restates_title(h, folded, layer)
            and not _asks_another_kind(h, {(k.key, k.phrase) for s, k in q.hits if s == "kinds"}, layer)] if asks_set else []
    for hit in sorted(runs, key=lambda h: -h.size):
        if (hit.start, hit.end) in loose_spans or all(w.tag == "legend" for w in q.words[hit.start : hit.end]):
            q.hits.append(("legend", hit))  # the same words in another annex's legend: the annex decides
            continue
        inside = [(s, h) for s, h in read_both if hit.start <= h.start and h.end <= hit.end]
        overlapping = [(s, h) for s, h in read_both if h.start < hit.end and hit.start < h.end]
        if any((h.start, h.end) == (hit.start, hit.end) for _, h in read_both):
            q.hits.append(("legend", hit))  # "đã thực hiện": a measure, or the marker where no row states it
        elif inside == overlapping and all(w.tag in _LEGEND_RUN_TAGS for w in q.words[hit.start : hit.end]) \
                and not _only_a_measure(q, hit, inside, layer):
            # the longer reading wins ("đang tổ chức thực hiện" over the measure "thực hiện")
            q.hits = [(s, h) for s, h in q.hits if (s, h) not in inside]
            q.hits.append(("legend", hit))
            loose_spans.add((hit.start, hit.end))
            for word in q.words[hit.start : hit.end]:
                if word.tag == "year":  # a year inside a marker meaning ("sau năm 2024-2025") is part of it
                    q.years.remove(int(word.text))
            _mark(q, hit.start, hit.end, "legend", hit.key, force=True)
    _most_of(q)
    _names_starting_with_cues(q, folded, layer)
    _asked_nouns(q)
    _absorb_verdict_suffixes(q)
    _compact_synonyms(q, written)
    _compact_headers(q, layer, written)
    _exclusions(q)
    _verbs_not_verdicts(q, layer)
    _verdicts_inside_names(q, layer)
    _operations_ending_in_a_word(q, layer)
    _direction_before_comparison(q)
    _qualifiers_not_measures(q)
    _money_nouns_of_measures(q)
    _money_asked_of_another_noun(q)
    _measures_sharing_a_word(q, folded, written)
    _sao_opening_a_clause(q)
    _problems_of_a_reason(q)
    _pronouns_typed_plainly(q)
    _events_of_a_time(q)
    _units_after_numbers(q)
    _annex_by_title(q)
    _compounds_of_function_words(q, layer)
    _main_items(q)
    _set_nouns(q, folded, written)
    _capital_letters_are_names(q)
    _what_about_starts_turn(q)
    for section, hit in q.hits:  # a field's words ("dân số") stay one name, not a function word inside it
        if section == "fields" and hit.size > 1:
            for word in q.words[hit.start : hit.end]:
                if word.tag == "function":
                    word.tag, word.key = None, None
    q.hits.sort(key=lambda h: h[1].start)
    # Agencies named in the question ("Sở GTVT", "so khcn"), or a class of them ("các Bộ").
    q.agencies = agencies_mentioned(q.text, layer.agency_names)
    counted = _quantities(q.text)
    for i, word in enumerate(q.words):
        counted_noun = i + 1 < len(q.words) and (q.words[i + 1].tag == "kind" or any(
            tuple(q.folded[i + 1 : i + 1 + len(p)]) == p for p in _indexes()["sub_items"].phrases))
        counts_kind = word.text.isdigit() and counted_noun and (  # "… giải ngân 2 hợp phần", not "Vành đai 3 phần …"
            i == 0 or q.words[i - 1].tag not in (None, "frame", "report"))  # nor "Đường tỉnh 907, dự án nào …"
        if word.tag is None and (word.text in counted or counts_kind):
            word.tag = "function"  # "3 huyện Võ Nhai, Định Hóa, Phú Lương", "2 hợp phần": how many, not a name's number
        elif word.tag is None and word.text.isdigit() and not _YEAR_RE.match(word.text):
            q.numbers.append(word.text)
        elif word.tag is None and _NUMBER_RE.match(word.text) and "." in word.text:
            q.numbers.append(word.text)
    q.listing = _asks_list(q)


_LISTED_RE = re.compile(r"(?<![\w.,/])(\d{1,2})\s+\w+\s+([^?.;:]+)")  # "3 huyện Võ Nhai, Định Hóa, Phú Lương"


def _quantities(text: str) -> set[str]:
    """Numbers that count the names listed after them ("của 3 huyện Võ Nhai, Định Hóa, Phú Lương")."""
    found = set()
    for match in _LISTED_RE.finditer(text):
        items = [p for p in re.split(r",|\bvà\b|\bvới\b", match.group(2)) if p.strip()]
        if len(items) >= int(match.group(1)) >= 2:
            found.add(match.group(1))
    return found


_MOST_OF_WORDS = ("nhieu", "it")  # "nhiều … nhất", "ít … nhất"
MOST_OF_GAP = 3  # "nhiều nhiệm vụ nhất": at most this many words between "nhiều"/"ít" and "nhất"


def _most_of(q: Question) -> None:
    """"nhiều nhiệm vụ nhất" / "ít dự án nhất": a ranking whose words are split by what is counted."""
    # "… nhiều giấy phép xây dựng nhà ở riêng lẻ nhất (6 tháng qua)?": "nhất" ends it, a period may follow
    last = max((k for k, w in enumerate(q.words) if w.folded == "nhat"), default=-1)
    for i, word in enumerate(q.words):
        if word.folded not in _MOST_OF_WORDS or word.tag not in (None, "function"):
            continue
        ends_with_most = last > i and all(w.tag in ("period", "year", "date") for w in q.words[last + 1 :])
        for j in range(i + 2, len(q.words) if ends_with_most else min(i + 2 + MOST_OF_GAP, len(q.words))):
            if q.words[j].folded == "nhat" and q.words[j].tag in (None, "function"):
                key = "rank_desc" if word.folded == "nhieu" else "rank_asc"
                for k in (i, j):
                    q.words[k].tag, q.words[k].key = "op", key
                q.hits.append(("operations", PhraseHit(key, word.folded, i, i + 1)))
                return


ASKED_NOUN_WORDS = 2  # "bao nhiêu thành viên": the words after the question word say what is counted


def _asked_nouns(q: Question) -> None:
    """"bao nhiêu tiền", "mấy hệ thống", "bao nhiêu thành viên": what a number is of. Those words are
    looked for in the row's text (to quote the sentence), not required in its name."""
    for i, word in enumerate(q.words):
        asks = word.folded == "may" or (word.folded == "nhieu" and i > 0 and q.words[i - 1].folded == "bao")
        if not asks or word.tag not in ("measure", "op"):
            continue
        for j in range(i + 1, min(i + 1 + ASKED_NOUN_WORDS, len(q.words))):
            if q.words[j].tag is not None or _YEAR_RE.match(q.words[j].text):
                break
            q.words[j].tag = "aspect"


REPORT_NUMBER_REACH = 4  # "báo cáo Thái Nguyên 412": a report number this many words after "báo cáo"
NAME_PHRASE_WORDS = 3  # a cue followed by this many words found together in a row name is part of that name


def _names_starting_with_cues(q: Question, folded: list[str], layer: SemanticLayer) -> None:
    """"Tổng thu ngân sách …", "Tổng vốn đầu tư …": a total cue that begins a phrase of a row name is part
    of the name, not an operation."""
    for section, hit in list(q.hits):
        if section != "operations":
            continue
        phrase = folded[hit.start : hit.end + NAME_PHRASE_WORDS]
        starts_name = hit.key == "total" and len(phrase) == hit.size + NAME_PHRASE_WORDS and f" {' '.join(phrase)} " in layer.names_text
        # a cue typed without diacritics that continues a name ("kinh te ban dem" is not "đếm")
        plain = not any(w.accented for w in q.words[hit.start : hit.end])
        continues = plain and hit.start > 0 and hit.phrase not in _MOST_OF_WORDS \
            and f" {' '.join(folded[hit.start - 1 : hit.end])} " in layer.names_text  # "ít … nhất" is split, not a name
        if starts_name or continues:
            q.hits.remove((section, hit))
            for word in q.words[hit.start : hit.end]:
                word.tag, word.key = None, None
    for section, hit in list(q.hits):  # "chương trình mục tiêu quốc gia": a measure word inside a name said whole
        if section != "measures" or hit.start == 0 or hit.end + NAME_PHRASE_WORDS - 1 > len(folded):
            continue
        inside = folded[hit.start - 1 : hit.end + NAME_PHRASE_WORDS - 1]
        if all(w.tag in (None, "measure", "kind") for w in q.words[hit.start - 1 : hit.end + NAME_PHRASE_WORDS - 1]) \
                and f" {' '.join(inside)} " in layer.names_text:
            q.hits.remove((section, hit))
            for word in q.words[hit.start : hit.end]:
                word.tag, word.key = None, None


def _unmarked(text: str) -> str:
    """The text without diacritics, case kept: ``_unmarked("TN Đồng") == "TN Dong"``."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


_PLACE_BEFORE = ("cua", "o", "tai", "tinh", "tp", "pho", "ve")  # "của CT": initials that are also an abbreviation
# name the place only after these (not "… với CT vùng đồng bào": a "chương trình")


def _tag_reports(q: Question, layer: SemanticLayer) -> None:
    """A loaded report's number in the question ("45/BC-UBND", "báo cáo 45", "báo cáo số 320")."""
    folded = q.folded
    for report in layer.reports:
        number = fold(report.number).replace("/", " ").replace("-", " ").split()
        for start in range(len(folded) - len(number) + 1):
            if folded[start : start + len(number)] == number:
                q.reports.append(report.number)
                for word in q.words[start : start + len(number)]:
                    word.tag = "report"
    for match in _REPORT_WORD_RE.finditer(" ".join(folded)):
        for number in layer.reports_named(match.group(1)):
            if number not in q.reports and layer.reports_named(match.group(1)) != [r.number for r in layer.reports]:
                q.reports.append(number)
        _mark_pattern(q, _REPORT_WORD_RE, "report")
    for i, word in enumerate(q.words):  # "báo cáo Thái Nguyên 412": the number a few words after "báo cáo"
        if word.tag is None and word.text.isdigit() and any(
                w.folded in ("bao", "bc") and (w.folded == "bc" or (k + 1 < len(q.words) and q.words[k + 1].folded == "cao"))
                for k, w in enumerate(q.words[max(0, i - REPORT_NUMBER_REACH) : i], start=max(0, i - REPORT_NUMBER_REACH))):
            named_here = [r.number for r in layer.reports if fold(r.number).split("/")[0] == word.folded]
            if named_here:
                q.reports.extend(n for n in named_here if n not in q.reports)
                word.tag = "report"
    # "GRDP của Cần Thơ", "chỉ tiêu của TN": the report about that place, by name or by its initials
    named = bool(q.reports)
    abbreviations = {fold(a) for a in lexicon().abbreviations}
    numbered = {fold(a) for a in lexicon().section("numbered_abbreviations")}  # "CT" is also "cao tốc", "chương trình"
    for report in layer.reports:
        size = len(report.place)
        initials = "".join(w[0] for w in report.place) if size > 1 else None
        for start in range(len(folded)) if size else ():  # the initials may be the last word
            whole = tuple(folded[start : start + size]) == report.place
            short = (initials is not None and q.words[start].folded == initials and initials not in abbreviations
                     and re.search(rf"(?<!\w){initials.upper()}(?!\w)", _unmarked(q.original)) is not None  # typed in capitals
                     and (initials not in numbered or (start > 0 and folded[start - 1] in _PLACE_BEFORE)  # "của CT"
                          or start + 1 == len(folded) or bool(_YEAR_RE.match(folded[start + 1]))))  # "ĐT 2025"
            if not (whole or short) or (named and report.number not in q.reports):
                continue
            if whole and _smaller_place(folded[:start], report, layer):
                continue  # "Thành phố Vĩnh Long" in a report of the province Vĩnh Long: a row (a district), not the report
            if len(layer.reports) > 1 and report.number not in q.reports:
                q.reports.append(report.number)
            for word in q.words[start : start + (size if whole else 1)]:
                word.tag = "report" if len(layer.reports) > 1 else "frame"
    q.reports = list(dict.fromkeys(q.reports))
    _issuers_beside_reports(q, layer)


_PLACE_UNITS = (("thanh", "pho"), ("thi", "xa"), ("huyen",), ("quan",), ("tinh",))  # administrative levels before a name


def _smaller_place(before: list[str], report, layer: SemanticLayer) -> bool:  # noqa: ANN001
    """The words before the report's place name make another place that a row names: "thành phố Vĩnh Long"
    when the report is of "tỉnh Vĩnh Long" (its issuer says which level the report is of)."""
    issuer = f" {' '.join(fold_tokens(report.issuer or ''))} "
    place = " ".join(report.place)
    for unit in _PLACE_UNITS:
        if tuple(before[-len(unit):]) != unit:
            continue
        phrase = f" {' '.join(unit)} {place} "
        return phrase not in issuer and phrase in layer.names_text
    return False


def _issuers_beside_reports(q: Question, layer: SemanticLayer) -> None:
    """ "BC 412 của Sở KH&ĐT Thái Nguyên": the issuing body, said next to the report's number or place, names
    that report too (alone it is an agency like any other)."""
    for report in layer.reports:
        body = fold(re.split(r"\s+(?:tỉnh|thành phố|huyện|quận)\b", report.issuer or "", maxsplit=1, flags=re.IGNORECASE)[0]).split()
        for start in range(len(q.folded) - len(body) + 1) if len(body) > 1 else ():
            end = start + len(body)
            if q.folded[start:end] != body:
                continue
            nearby = q.words[max(0, start - ISSUER_REACH) : start] + q.words[end : end + 1]
            if any(w.tag == "report" for w in nearby):
                for word in q.words[start:end]:
                    word.tag = "frame"


def _compact_headers(q: Question, layer: SemanticLayer, written: list[str | None]) -> None:
    """A column header named without its year ("Ước TH 2024/so NQ" for "Ước TH năm 2024/so NQ")."""
    keep = [i for i, w in enumerate(q.words) if not (_YEAR_RE.match(w.text) or w.folded in ("nam", "voi"))]
    if len(keep) == len(q.words):
        return
    folded = [q.words[i].repaired or q.words[i].folded for i in keep]
    for hit in find_phrases(folded, layer.header_index, written=[written[i] for i in keep]):
        start, end = keep[hit.start], keep[hit.end - 1] + 1
        inside = any(s == "measures" and h.start <= start and end <= h.end and h.end - h.start > end - start
                     for s, h in q.hits)  # "thực hiện thế nào": a longer measure phrase said, not the column "Thực hiện"
        if hit.size >= 2 and not inside and all(w.tag in (None, "measure", "year", "function", "frame", "op")
                                                for w in q.words[start:end]):
            q.hits.append(("measures", PhraseHit(hit.key, hit.phrase, start, end)))
            _mark(q, start, end, "measure", hit.key, force=True)


VERDICT_WORDS = 4  # words of a verdict the reports print ("vượt tiến độ", "cơ bản hoàn thành")


def _verbs_not_verdicts(q: Question, layer: SemanticLayer) -> None:
    """ "đạt tỷ lệ", "đạt 50%": "đạt" is the verb "reach", not the verdict "đạt" (but "xong bao nhiêu việc"
    asks a count of the verdict); "đạt thế nào" asks how it went, of every row. A verdict the reports print
    whole ("vượt tiến độ") stays the verdict, with all its words."""
    for section, hit in list(q.hits):
        if section != "verdict_questions" or hit.end >= len(q.words):
            continue
        printed = next((end for end in range(min(len(q.words), hit.start + VERDICT_WORDS), hit.end, -1)
                        if " ".join(q.folded[hit.start : end]) in layer.verdict_wordings), None)
        if printed is not None:
            _mark(q, hit.end, printed, "verdict", hit.key, force=True)
            continue
        following = q.words[hit.end]
        asking = any(s == "operations" and h.start <= hit.end < h.end for s, h in q.hits)  # "làm xong bao nhiêu việc"
        how = hit.key == "met" and following.tag == "measure" and following.key == "status"  # "đạt thế nào": how it went
        against_plan = following.tag == "measure" and following.key == "target"  # "vượt khối lượng kế hoạch": the verdict
        if (following.tag == "measure" and not asking and not against_plan) or how or any(ch.isdigit() for ch in following.text):
            q.hits.remove((section, hit))
            for word in q.words[hit.start : hit.end]:
                word.tag, word.key = "function", None


def _verdicts_inside_names(q: Question, layer: SemanticLayer) -> None:
    """ "quỹ đất" typed "quy dat", "trường đạt chuẩn": a one-word verdict that forms a word pair of the reports
    with a free neighbour is part of a name, not a verdict."""
    for section, hit in list(q.hits):
        if section != "verdict_questions" or hit.size != 1:
            continue
        word = q.words[hit.start]
        for j in (hit.start - 1, hit.start + 1):
            if not 0 <= j < len(q.words) or q.words[j].tag is not None:
                continue
            first, second = (q.words[j], word) if j < hit.start else (word, q.words[j])
            printed = not (first.accented and second.accented) or (first.text, second.text) in layer.written_bigrams
            if printed and layer.bigrams.get((first.folded, second.folded), 0) >= COMPOUND_MIN_COUNT:
                q.hits.remove((section, hit))
                word.tag, word.key = None, None
                break


DIRECTION_OF = {"tang": "up", "giam": "down"}  # "tăng / giảm so với năm trước": the direction asked of a comparison


def _operations_ending_in_a_word(q: Question, layer: SemanticLayer) -> None:
    """ "khu vực nào tăng trưởng cao nhất": an operation phrase ending in "tăng" / "giảm" that forms a word of the
    reports with the free word after it ("tăng trưởng", "giảm nghèo") ends before it; its other words ("nào") ask
    nothing more."""
    for section, hit in list(q.hits):
        if section != "operations" or hit.size < 2 or hit.end >= len(q.words) or q.words[hit.end].tag is not None:
            continue
        last, after = q.words[hit.end - 1], q.words[hit.end]
        if last.folded not in DIRECTION_OF:
            continue  # (a phrase ending in a noun, "tổng vốn" of "tổng vốn đầu tư", is one reading of its own)
        printed = not (last.accented and after.accented) or (last.text, after.text) in layer.written_bigrams
        if printed and layer.bigrams.get((last.folded, after.folded), 0) >= COMPOUND_MIN_COUNT:
            q.hits.remove((section, hit))
            for word in q.words[hit.start : hit.end - 1]:
                word.tag, word.key = "function", None
            last.tag, last.key = None, None


def _direction_before_comparison(q: Question) -> None:
    """ "bao nhiêu chỉ tiêu tăng so với năm trước": a free "tăng" / "giảm" right before a comparison with last year is
    the direction asked, one phrase with it."""
    for n, (section, hit) in enumerate(q.hits):
        if section == "operations" and hit.key == "compare_prev" and hit.start > 0:
            before = q.words[hit.start - 1]
            if before.tag is None and before.folded in DIRECTION_OF:
                q.hits[n] = (section, PhraseHit(hit.key, f"{before.folded} {hit.phrase}", hit.start - 1, hit.end))
                before.tag, before.key = "op", hit.key


_OPENING_TAGS = (None, "polite", "dialogue", "function")  # words that may stand before a "sao" asking why
_WHY_CLAUSE_WORDS = 2  # a "sao" asking why is followed by a clause of at least this many words


def _sao_opening_a_clause(q: Question) -> None:
    """ "sao nó chưa giải ngân được vậy?", "vậy sao ở đó mới xử lý 2/4 vụ": a "sao" opening the question before a
    clause asks why (read as "vì sao"); closing one ("còn X thì sao?") asks what about."""
    for i, word in enumerate(q.words):
        if word.folded != "sao" or word.tag != "dialogue":
            continue
        before, after = q.words[:i], [w for w in q.words[i + 1 :] if w.tag != "polite"]
        if len(after) < _WHY_CLAUSE_WORDS or any(w.tag not in _OPENING_TAGS or w.folded in ("thi", "ra") for w in before) \
                or any(w.tag is None and w.folded not in ("vay", "the", "ma", "nhung") for w in before):
            return
        q.hits = [(s, h) for s, h in q.hits if not (s == "dialogue" and h.start <= i < h.end)]
        q.hits.append(("measures", PhraseHit("status", "vì sao", i, i + 1)))
        word.tag, word.key = "measure", "status"
        return


@lru_cache(maxsize=1)
def why_phrases() -> frozenset[str]:
    """Folded phrases that ask a reason ("vì sao", "vướng gì"), from the lexicon."""
    return frozenset(fold(p) for p in lexicon().section("why_words"))


def _problems_of_a_reason(q: Question) -> None:
    """ "vì sao ĐT 921 giải ngân chậm?": when a reason is asked, the problem it is asked about ("chậm", "vướng")
    names no row; the status text tells the reason without repeating the word."""
    if not any(s == "measures" and fold(h.phrase) in why_phrases() for s, h in q.hits):
        return
    written = {t for p in lexicon().section("problem_words") for t in tokens(p)}
    folded = {fold(t) for t in written}
    for word in q.words:  # as written, or typed without diacritics
        if word.tag is None and (word.text in written or (not word.accented and word.folded in folded)):
            word.tag = "function"


def _money_asked_of_another_noun(q: Question) -> None:
    """ "bố trí bao nhiêu cán bộ": a money phrase ending in "bao nhiêu" that counts a noun other than money asks how
    many of that noun (a number the row states), not an amount of money."""
    money = set(lexicon().section("money_measures"))
    money_words = {fold(t) for p in [*lexicon().section("money_nouns"), *lexicon().section("units")] for t in tokens(p)}
    for n, (section, hit) in enumerate(q.hits):
        if section != "measures" or hit.key not in money or hit.phrase.split()[-2:] != ["bao", "nhieu"] \
                or hit.end >= len(q.words):
            continue
        after = q.words[hit.end]
        if after.tag in (None, "aspect") and after.folded not in money_words and after.text.isalpha():
            q.hits[n] = (section, PhraseHit("estimate", hit.phrase, hit.start, hit.end))
            _mark(q, hit.start, hit.end, "measure", "estimate", force=True)


def _money_nouns_of_measures(q: Question) -> None:
    """ "tiền giải ngân được bao nhiêu %": a money noun right before a measure of money is that measure's word,
    not a name ("sông Tiền")."""
    nouns = lexicon().words("money_nouns")
    money = {*lexicon().section("money_measures"), "disbursement_rate"}
    for i, word in enumerate(q.words[:-1]):
        after = q.words[i + 1]
        if word.tag is None and word.folded in nouns and after.tag == "measure" and after.key in money:
            word.tag, word.key = "measure", after.key


def _measures_sharing_a_word(q: Question, folded: list[str], written: list[str | None]) -> None:
    """ "tổng vốn giao": the operation took "vốn", and the word left ("giao") ends the measure "vốn giao"; it is
    that measure's word, not a condition."""
    for hit in find_phrases(folded, _indexes()["measures"], overlapping=True, written=written):
        span = q.words[hit.start : hit.end]
        if span[-1].tag is None and all(w.tag in (None, "op") for w in span) and any(w.tag == "op" for w in span):
            for word in span:
                if word.tag is None:
                    word.tag, word.key = "measure", hit.key
            q.hits.append(("measures", hit))


def _qualifiers_not_measures(q: Question) -> None:
    """ "giải quyết đúng hạn", "quá hạn": a qualifier holding a measure word ("hạn") asks nothing of it; its
    words stay content words (they pick the sentence: "98,72% hồ sơ giải quyết đúng hạn")."""
    folded = [w.repaired or w.folded for w in q.words]
    for phrase in lexicon().section("not_measures"):
        words = fold(phrase).split()
        for start in range(len(folded) - len(words) + 1):
            if folded[start : start + len(words)] != words:
                continue
            span = set(range(start, start + len(words)))
            q.hits = [(s, h) for s, h in q.hits if not (s == "measures" and set(range(h.start, h.end)) & span)]
            for word in q.words[start : start + len(words)]:
                if word.tag in ("measure", "function"):
                    word.tag, word.key = None, None


@lru_cache(maxsize=1)
def _percent_references() -> list[list[str]]:
    """Folded phrases naming what a percentage is of, longest first (lexicon ``percent_references``)."""
    return sorted((fold(p).split() for p in lexicon().phrases("percent_references")["percent_references"]), key=len, reverse=True)


@lru_cache(maxsize=1)
def _topic_pairs() -> frozenset[tuple[str, str]]:
    """Word pairs of the lexicon's fields and synonyms ("việc làm"): compounds, whatever their words alone mean."""
    pairs = set()
    for section in ("fields", "synonyms"):
        for key, phrases in lexicon().phrases(section).items():
            for phrase in (key, *phrases):
                words = fold(phrase).split()
                pairs.update(zip(words, words[1:], strict=False))
    return frozenset(pairs)


def _set_nouns(q: Question, folded: list[str], written: list[str | None]) -> None:
    """ "trong bộ chỉ tiêu KT-XH": a noun of a collection right before a kind noun frames the set ("bộ" is no
    ministry, no condition)."""
    kinds = {(h.start, h.end, h.key) for h in find_phrases(folded, _indexes()["kinds"], overlapping=True, written=written)}
    for hit in find_phrases(folded, lexicon().phrase_index("set_nouns"), written=written):
        kind = next(((end, key) for start, end, key in kinds if start == hit.end), None)
        if kind is not None and all(w.tag is None for w in q.words[hit.start : hit.end]):
            _mark(q, hit.start, hit.end, "frame")
            _mark(q, hit.end, kind[0], "kind", kind[1], force=True)  # "bộ chỉ tiêu năm 2025": the kind, no target


@lru_cache(maxsize=1)
def _kind_phrases() -> frozenset[tuple[str, ...]]:
    """The lexicon's kind nouns, folded ("dự án", "nhiệm vụ", "khu vực" …)."""
    return frozenset(tuple(fold(p).split()) for phrases in lexicon().phrases("kinds").values() for p in phrases)


@lru_cache(maxsize=1)
def _kind_words() -> frozenset[str]:
    """Every folded word of the lexicon's kind nouns."""
    return frozenset(t for phrase in _kind_phrases() for t in phrase)


UNIT_NOUN_WORDS = 3  # words of a counted noun between a number and "trở lên" ("từ 20 giấy phép trở lên")


def _number_conditions(q: Question, folded: list[str], written: list[str | None]) -> None:
    """ "dưới 50%", "từ 100 tỷ trở lên": a comparison word followed by a number (not a year); "đồng nào": 0."""
    found: list[tuple[int, tuple[str, float, str, bool]]] = []  # in the order the question says them
    for hit in find_phrases(folded, _indexes()["nothing_amounts"], written=written):
        if all(w.tag is None for w in q.words[hit.start : hit.end]):
            found.append((hit.start, (hit.key, 0.0, "bằng 0", False)))  # shown as "số vốn đã giải ngân bằng 0"
            _mark(q, hit.start, hit.end, "condition", hit.key, force=True)
    for hit in find_phrases(folded, _indexes()["comparisons"], written=written):
        if hit.end >= len(q.words) or q.words[hit.start].tag is not None:
            continue
        number = q.words[hit.end]
        value = parse_vn_number(number.text)
        if value is None or _YEAR_RE.match(number.text):
            continue
        end = hit.end + 1
        unit = q.words[end].folded if end < len(q.words) else ""
        if unit in ("ty", "trieu", "%", "phan", "ha", "km"):
            if unit == "trieu":
                value /= 1000  # money is compared in tỷ đồng
            end += 2 if unit == "phan" else 1
            if unit in ("ty", "trieu") and end < len(q.words) and q.words[end].folded == "dong":
                end += 1  # "trên 1.000 tỷ đồng"
        percent = unit in ("%", "phan")
        op = hit.key
        if percent:  # "dưới 30% kế hoạch", "trên 50% so với NQ": the reference belongs to the condition
            for reference in _percent_references():
                if q.folded[end : end + len(reference)] == reference:
                    end += len(reference)
                    break
        text = " ".join(w.text for w in q.words[hit.start : end]).replace(" %", "%")
        for gap in range(UNIT_NOUN_WORDS + 1):  # "từ 20 trở lên", "từ 20 giấy phép trở lên": the noun stays free
            at = end + gap
            direction = {("tro", "len"): ">=", ("tro", "xuong"): "<="}.get(tuple(q.folded[at : at + 2]))
            if direction and all(w.tag is None for w in q.words[end:at]):
                op = direction
                text += " " + " ".join(w.text for w in q.words[at : at + 2])
                _mark(q, at, at + 2, "condition", op, force=True)
                break
        found.append((hit.start, (op, value, text, percent)))
        _mark(q, hit.start, end, "condition", op, force=True)
    q.conditions.extend(condition for _, condition in sorted(found, key=lambda f: f[0]))


def _sub_items(q: Question, folded: list[str], written: list[str | None]) -> None:
    """ "không tính tiểu dự án" (leave sub-items out) / "kể cả tiểu mục a, b" (count them)."""
    for hit in find_phrases(folded, _indexes()["sub_items"], written=written):
        start = None
        for section, value in (("exclusion", False), ("inclusion", True)):
            for cue in find_phrases(folded[max(0, hit.start - 4) : hit.start], _indexes()[section]):
                start, q.sub_items = max(0, hit.start - 4) + cue.start, value
        if start is None:
            continue
        for i in range(start, hit.end):
            q.words[i].tag, q.words[i].key = "sub_items", None
        for i in range(hit.end, min(hit.end + 4, len(q.words))):  # "tiểu mục a, b"
            if len(q.words[i].folded) == 1 and q.words[i].tag is None:
                q.words[i].tag = "sub_items"


def _main_items(q: Question) -> None:
    """ "những chỉ tiêu chính (có đánh số) nào …": the numbered items only, not the lines under them."""
    qualifiers = {fold(p) for p in lexicon().section("main_item_qualifiers")}
    for hit in find_phrases(q.folded, lexicon().phrase_index("main_items")):
        if all(w.tag in (None, "function") for w in q.words[hit.start : hit.end]):
            _mark(q, hit.start, hit.end, "sub_items", force=True)
            q.sub_items = False
    for i, word in enumerate(q.words[1:], start=1):
        if word.tag is None and word.folded in qualifiers and q.words[i - 1].tag == "kind":
            word.tag, q.sub_items = "sub_items", False


def _compounds_of_function_words(q: Question, layer: SemanticLayer) -> None:
    """A function word that forms a word of the corpus with its free neighbour is part of that word:
    "nhất" in "hợp nhất", "số" in "dân số" are not "nhất" / "số"."""
    for i, word in enumerate(q.words):
        if word.tag != "function" or (i + 1 < len(q.words) and q.words[i + 1].tag == "report"):
            continue  # "… của Huế": a word before the report's place joins the place, not a name
        as_function = {v[0] for v in _indexes()["function_words"].accented.get((word.folded,), ())}
        for j in (i - 1, i + 1):
            if 0 <= j < len(q.words) and q.words[j].tag is None:
                pair = (q.words[min(i, j)].folded, q.words[max(i, j)].folded)
                if layer.bigrams.get(pair, 0) >= COMPOUND_MIN_COUNT and _joins_as_a_word(word, q.words[j], j > i, as_function, layer):
                    word.tag, word.key = None, None
                    break


def _joins_as_a_word(word: Word, other: Word, before: bool, as_function: set[str], layer: SemanticLayer) -> bool:
    """Whether the reports print a function word with its neighbour as one word: as typed when typed with
    diacritics; typed without, unless they also print the pair with the function word's own spelling where
    another spelling makes the word ("ve moi truong": "về môi trường" as well as "bảo vệ môi trường"). A particle
    never joins ("doanh nghiệp của")."""
    others = {other.text} if other.accented else layer.forms.get(other.folded, set())
    printed = {s for s in layer.forms.get(word.folded, set())
               if any(((s, f) if before else (f, s)) in layer.written_bigrams for f in others)}
    particles = set(lexicon().phrases("particles")["particles"])
    if word.accented:
        return word.text in printed and word.text not in particles
    return not (printed - as_function and printed & as_function) and not (printed and printed <= particles)


def _capital_letters_are_names(q: Question) -> None:
    """A single letter typed as a capital ("Bệnh viện A", "phân khu B") is part of a name, not the particle "a"."""
    for word in q.words:
        if word.tag == "function" and len(word.text) == 1 and re.search(rf"(?<!\w){word.text.upper()}(?!\w)", q.original):
            word.tag, word.key = None, None


def _what_about_starts_turn(q: Question) -> None:
    """ "còn X thì sao?", "riêng X thì sao?" open a turn; later in a question "còn" means "remains" ("còn bao
    nhiêu") and "riêng" is a content word ("nhà ở riêng lẻ")."""
    function = lexicon().words("function_words")
    opening = next((i for i, w in enumerate(q.words) if w.tag != "polite"), 0)  # "Xin cho biết còn PAPI?": after politeness
    how_many = {(h.start, h.phrase.split()[0]) for s, h in q.hits if s in ("measures", "operations")}
    for section, hit in list(q.hits):
        remains = (hit.end, "bao") in how_many or (hit.end, "may") in how_many  # "còn bao nhiêu / mấy …": how many remain
        if section == "dialogue" and hit.key == "what_about" and (hit.start > opening + 1 or remains):
            q.hits.remove((section, hit))
            for word in q.words[hit.start : hit.end]:
                word.tag, word.key = ("function", None) if word.folded in function else (None, None)


def _annex_by_title(q: Question) -> None:
    """ "phụ lục vốn đầu tư công", "PL chỉ tiêu KT-XH": an annex named by words of its title."""
    for i, word in enumerate(q.words[:-1]):
        said = 2 if word.folded == "phu" and q.words[i + 1].folded == "luc" else 1 if word.folded == "pl" else 0
        if not said or q.annexes:
            continue
        for j in range(i + said, min(i + said + MAX_ANNEX_TITLE_WORDS, len(q.words))):
            if q.words[j].tag not in (None, "kind", "frame", "measure", "unit", "legend"):
                break
            q.annex_words.append(j)
        for j in (*range(i, i + said), *q.annex_words):
            q.words[j].tag = "annex"


def _units_after_numbers(q: Question) -> None:
    """A unit word only says what a number is measured in right after a number or "bao nhiêu"/"mấy":
    elsewhere it is an ordinary word ("chỉ tiêu xã hội" is not "xã")."""
    for i, word in enumerate(q.words):
        if word.tag != "unit":
            continue
        before = q.words[i - 1] if i > 0 else None
        if before is None or not (any(ch.isdigit() for ch in before.text) or before.tag in ("measure", "op", "unit")):
            word.tag, word.key = None, None


def _events_of_a_time(q: Question) -> None:
    """ "… bắt đầu hoạt động từ khi nào?": when a time is asked, the event words of the lexicon's time words
    say which time, they need not be in the row ("đi vào hoạt động")."""
    if not any(s == "measures" and h.key in TIME_MEASURES for s, h in q.hits):
        return
    for hit in find_phrases(list(q.folded), _time_events()):
        if all(w.tag in (None, "function") for w in q.words[hit.start : hit.end]) and q.words[hit.start].tag is None:
            _mark(q, hit.start, hit.end, "measure", "time", force=True)  # "lùi sang" ("sang" alone a function word)


@lru_cache(maxsize=1)
def _time_events() -> PhraseIndex:
    """Every phrase of the lexicon's time words, one index ("hoàn thành", "khởi công", "lùi sang")."""
    events = PhraseIndex()
    for phrase in {p for phrases in lexicon().section("time_words").values() for p in phrases}:
        events.add("event", phrase)
    return events


@lru_cache(maxsize=1)
def agency_type_words() -> frozenset[str]:
    """The folded first words of the lexicon's agency types ("sở", "bộ", "ban", "ủy")."""
    return frozenset(fold(tokens(kind)[0]) for kind in lexicon().section("agency_types"))


def _pronouns_typed_plainly(q: Question) -> None:
    """ "du an do so gtvt chu tri": typed without diacritics, "do" is "do" (by), not "đó" (that), when a
    name or an agency follows; a pronoun ends a phrase ("dự án đó giải ngân bao nhiêu?") or opens the turn ("no giam
    bao nhieu?")."""
    for section, hit in list(q.hits):
        if section != "dialogue" or hit.key != "pronouns":
            continue
        last = q.words[hit.end - 1]
        following = q.words[hit.end] if hit.end < len(q.words) else None
        if hit.start == 0 and hit.size == 1:
            continue  # "no giam bao nhieu …": a pronoun opening the turn is its subject
        agency_next = following is not None and following.folded in agency_type_words()  # "do Sở …": by
        if not last.accented and following is not None and (following.tag in (None, "kind", "frame") or agency_next):
            q.hits.remove((section, hit))
            function = {fold(p) for p in lexicon().phrases("function_words")["function_words"]}
            for word in q.words[hit.start : hit.end]:
                if word.tag == "dialogue":  # "do" (by) is a function word again
                    word.tag, word.key = ("function", "function_words") if word.folded in function else (None, None)
            span = q.folded[hit.start : hit.end]
            for kind in find_phrases(span, _indexes()["kinds"]):  # the kind noun it started with is a kind again
                moved = PhraseHit(kind.key, kind.phrase, hit.start + kind.start, hit.start + kind.end)
                q.hits.append(("kinds", moved))
                _mark(q, moved.start, moved.end, "kind", kind.key, force=True)


def _exclusions(q: Question) -> None:
    """Verdict words after "không tính", "trừ": classes to leave out, not to count."""
    words = [tuple(fold(t) for t in tokens(p)) for p in lexicon().section("exclusion")]
    for section, hit in list(q.hits):
        if section != "verdict_questions":
            continue
        window = q.folded[max(0, hit.start - 6) : hit.start]
        text = f" {' '.join(window)} "
        if any(f" {' '.join(w)} " in text for w in words):  # whole words: "trừ", not the "tru" of "trường"
            q.hits.remove((section, hit))
            q.hits.append(("verdict_excluded", hit))


def _asks_list(q: Question) -> bool:
    """A set is asked for: "liệt kê", "danh sách", or a kind noun with "các"/"những" before or "nào" after."""
    if q.has("operations", "list"):
        return True
    before = {tuple(tokens(p)) for p in lexicon().phrases("list_before_kind")["list_before_kind"]}
    after = {tuple(tokens(p)) for p in lexicon().phrases("list_after_kind")["list_after_kind"]}

    def said(words: list[Word], phrases: set[tuple[str, ...]]) -> bool:
        return any(
            len(words) == len(p) and all(w.text == t or (not w.accented and w.folded == fold(t)) for w, t in zip(words, p, strict=True))
            for p in phrases
        )

    for section, hit in q.hits:
        if section != "kinds" or hit.key == "part":
            continue
        if said(q.words[max(0, hit.start - 1) : hit.start], before) or said(q.words[max(0, hit.start - 2) : hit.start], before):
            return True
        if said(q.words[hit.start : hit.start + 1], before) or said(q.words[hit.end - 1 : hit.end], after):
            return True  # a kind phrase that holds its list word ("những việc", "việc gì")
        if said(q.words[hit.end : hit.end + 1], after):
            return True
    return False


_SECTION_TAG = {
    "operations": "op",
    "measures": "measure",
    "kinds": "kind",
    "periods": "period",
    "dialogue": "dialogue",
    "politeness": "polite",
    "verdict_questions": "verdict",
    "frame_words": "frame",
    "function_words": "function",
    "legend": "legend",
    "header": "measure",
    "units": "unit",
}
# On equally long phrases at the same place: the more specific section wins.
_SECTION_RANK = {"verdict_questions": 1, "measures": 2, "legend": 3, "header": 3, "operations": 4, "periods": 5,
                 "dialogue": 6, "kinds": 7, "units": 8, "politeness": 9, "frame_words": 10, "function_words": 11}


def _absorb_verdict_suffixes(q: Question) -> None:
    """ "không đạt NQ", "chưa đạt kế hoạch": the reference after a verdict word belongs to the verdict."""
    suffixes = sorted((tuple(fold(t) for t in tokens(p)) for p in lexicon().section("verdict_suffixes")), key=len, reverse=True)
    for section, hit in list(q.hits):
        if section != "verdict_questions":
            continue
        for suffix in suffixes:
            end = hit.end + len(suffix)
            if tuple(q.folded[hit.end : end]) == suffix and all(w.tag in (None, "measure", "kind", "frame") for w in q.words[hit.end : end]):
                _mark(q, hit.end, end, "verdict", hit.key, force=True)
                break


def _compact_synonyms(q: Question, written: list[str | None]) -> None:
    """Synonym phrases may have a year or a function word inside ("kinh tế 2024 tăng"): look again
    with those words left out."""
    keep = [i for i, w in enumerate(q.words) if w.tag not in ("year", "function", "polite")]
    if len(keep) == len(q.words):
        return
    folded = [q.words[i].repaired or q.words[i].folded for i in keep]
    for hit in find_phrases(folded, _indexes()["synonyms"], written=[written[i] for i in keep]):
        start, end = keep[hit.start], keep[hit.end - 1] + 1
        if not any(h.key == hit.key for name, h in q.hits if name == "synonyms"):
            q.hits.append(("synonyms", PhraseHit(hit.key, hit.phrase, start, end)))


def _mark_pattern(q: Question, pattern: re.Pattern[str], tag: str) -> None:
    """Tag the words a regex over the folded question matched."""
    offsets, position = [], 0
    for word in q.words:
        offsets.append(position)
        position += len(word.folded) + 1
    text = " ".join(q.folded)
    for match in pattern.finditer(text):
        for i, start in enumerate(offsets):
            if match.start() <= start < match.end():
                q.words[i].tag = tag
