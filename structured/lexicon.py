"""The general lexicon (``structured/lexicon.yaml``): loaded once, folded, ready for phrase matching.

Example:
    >>> lex = lexicon()
    >>> lex.abbreviations["GTVT"]
    ('Giao thông vận tải',)
    >>> find_phrases(fold_tokens("ty le giai ngan cao nhat"), lex.phrase_index("operations"))[0].key
    'rank_desc'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ingestion.cleaning import fold_diacritics

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")
_TOKEN_RE = re.compile(r"\d+(?:[.,/]\d+)*|[^\W\d_]+|%")


# A syllable spelled with a final "i" or "y" alike ("tỉ lệ" / "tỷ lệ", "kí hiệu" / "ký hiệu", "qui định"): one folded form.
_I_OR_Y_RE = re.compile(r"\b(t|k|l|m|s|h|qu)i\b")


def fold(text: str | None) -> str:
    """Lower case without diacritics, single-spaced, "i"/"y" spellings of a syllable alike:
    ``fold("Thư  Viện") == "thu vien"``, ``fold("tỉ trọng") == fold("tỷ trọng") == "ty trong"``."""
    return _I_OR_Y_RE.sub(r"\1y", " ".join(fold_diacritics(text or "").split()))


# Old-style tone placement on a syllable-final "oa", "oe", "uy" ("hoá", "thuỷ") → the mark on the first vowel
# ("hóa", "thủy"), as most reports print it; "quý" keeps its mark ("qu" is a consonant).
_TONED = {"a": "áàảãạ", "e": "éèẻẽẹ", "y": "ýỳỷỹỵ", "o": "óòỏõọ", "u": "úùủũụ"}
_OLD_TONE_RE = re.compile(r"(?<!q)(?:o[áàảãạéèẻẽẹ]|u[ýỳỷỹỵ])$")


def _new_style_tone(token: str) -> str:
    """``_new_style_tone("hoá") == "hóa"``, ``_new_style_tone("thuỷ") == "thủy"``, ``"quý"`` unchanged."""
    match = _OLD_TONE_RE.search(token)
    if not match:
        return token
    first, marked = match.group(0)
    base = next(b for b in "aey" if marked in _TONED[b])
    return token[: match.start()] + _TONED[first][_TONED[base].index(marked)] + base


_I_FOR_Y = str.maketrans("iíìỉĩị", "yýỳỷỹỵ")


def _y_spelling(token: str) -> str:
    """A syllable-final "i" after a consonant spelled "y", as :func:`fold` does without diacritics: "sĩ" and "sỹ",
    "lí" and "lý" are one word as written too."""
    match = _I_OR_Y_RE.search(fold_diacritics(token))
    return token[: match.end(1)] + token[match.end(1) :].translate(_I_FOR_Y) if match else token


def tokens(text: str | None) -> list[str]:
    """Lower-case NFC word tokens (diacritics kept, tone marks placed the new way, "i"/"y" spellings alike),
    numbers whole: ``tokens("ĐT 917, 3,7%")`` → ``["đt", "917", "3,7", "%"]``; ``tokens("văn hoá") == ["văn", "hóa"]``;
    ``tokens("bác sĩ") == ["bác", "sỹ"]``."""
    return [_y_spelling(_new_style_tone(t)) for t in _TOKEN_RE.findall(_plain(text).lower())]


_SUPERSCRIPTS = str.maketrans("¹²³", "123")  # "m³" is typed "m3"


def _plain(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "").translate(_SUPERSCRIPTS)


def cased_tokens(text: str | None) -> list[tuple[str, str]]:
    """The tokens of :func:`tokens` as typed (case and spelling kept), each with what is typed before it:
    ``cased_tokens("Gò Công, Sở GTVT")`` → ``[("Gò", ""), ("Công", " "), ("Sở", ", "), ("GTVT", " ")]``."""
    text = _plain(text)
    out, end = [], 0
    for match in _TOKEN_RE.finditer(text):
        out.append((match.group(), text[end : match.start()]))
        end = match.end()
    return out


def fold_tokens(text: str | None) -> list[str]:
    """Folded word tokens: ``fold_tokens("Đường tỉnh 917") == ["duong", "tinh", "917"]``."""
    return [fold(t) for t in tokens(text)]


@dataclass(frozen=True)
class PhraseHit:
    """A lexicon phrase found in a token sequence: ``tokens[start:end]`` is ``phrase``, of entry ``key``."""

    key: str
    phrase: str
    start: int
    end: int

    @property
    def size(self) -> int:
        return self.end - self.start


@dataclass
class PhraseIndex:
    """Folded phrases (tuples of tokens) → entry keys, for longest-match search."""

    phrases: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    accented: dict[tuple[str, ...], set[tuple[str, ...]]] = field(default_factory=dict)
    longest: int = 1

    def add(self, key: str, phrase: str) -> None:
        written = tuple(tokens(phrase))
        words = tuple(fold(t) for t in written)
        if not words:
            return
        keys = self.phrases.setdefault(words, [])
        if key not in keys:
            keys.append(key)
        self.accented.setdefault(words, set()).add(written)
        self.longest = max(self.longest, len(words))

    def spelled(self, folded: tuple[str, ...], written: list[str | None]) -> bool:
        """Whether ``written`` (as the user typed, lower case) may be this phrase: a word typed with
        diacritics must carry the phrase's own diacritics ("chăm" is not "chậm"); a word typed without
        diacritics (``None``, or a word equal to its folding) may be any of them."""
        for variant in self.accented.get(folded, ()):
            if all(w is None or w == v for w, v in zip(written, variant, strict=True)):
                return True
        return False


def find_phrases(
    words: list[str], index: PhraseIndex, *, overlapping: bool = False, written: list[str] | None = None
) -> list[PhraseHit]:
    """Every phrase of ``index`` in ``words`` (folded tokens), longest first, then left to right.

    Without ``overlapping`` a word belongs to at most one hit: the longest phrase wins, never the
    first entry of a table. Example: in ``"ty le giai ngan"`` the hit is ``disbursement_rate``, not
    ``disbursed``. With ``written`` (the words as typed) a phrase must agree with the diacritics the
    user typed (see :meth:`PhraseIndex.spelled`).
    """
    found: list[PhraseHit] = []
    for size in range(min(index.longest, len(words)), 0, -1):
        for start in range(0, len(words) - size + 1):
            span = tuple(words[start : start + size])
            keys = index.phrases.get(span)
            if keys and written is not None and not index.spelled(span, written[start : start + size]):
                keys = None
            if keys:
                for key in keys:
                    found.append(PhraseHit(key, " ".join(words[start : start + size]), start, start + size))
    if overlapping:
        return found
    taken: set[int] = set()
    kept = []
    for hit in found:  # already longest first
        span = set(range(hit.start, hit.end))
        if span & taken:
            continue
        kept.append(hit)
        taken |= span
    return sorted(kept, key=lambda h: h.start)


@dataclass
class Lexicon:
    """The parsed lexicon file. Sections keep the YAML's structure; ``phrase_index`` folds them."""

    raw: dict[str, Any]
    abbreviations: dict[str, tuple[str, ...]]
    numbered_abbreviations: dict[str, str]

    def section(self, name: str) -> Any:
        return self.raw.get(name, {})

    def phrases(self, name: str) -> dict[str, list[str]]:
        """A ``key: [phrases]`` section (a plain list becomes one key, the section name)."""
        value = self.raw.get(name) or {}
        if isinstance(value, list):
            return {name: [str(v) for v in value]}
        return {str(k): [str(p) for p in (v if isinstance(v, list) else [v])] for k, v in value.items()}

    def phrase_index(self, *names: str) -> PhraseIndex:
        return _phrase_index(self, names)

    def words(self, name: str) -> frozenset[str]:
        """Folded single words and phrases of a list section, e.g. ``function_words``."""
        return frozenset(" ".join(fold_tokens(p)) for phrases in self.phrases(name).values() for p in phrases)


@cache
def _phrase_index(lex: Lexicon, names: tuple[str, ...]) -> PhraseIndex:
    index = PhraseIndex()
    for name in names:
        for key, phrases in lex.phrases(name).items():
            for phrase in phrases:
                index.add(key, phrase)
    return index


Lexicon.__hash__ = object.__hash__  # type: ignore[method-assign]  # one instance per process, cached by identity


@cache
def lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """The lexicon, parsed once per process."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    abbreviations = {
        str(k): tuple(str(x) for x in (v if isinstance(v, list) else [v]))
        for k, v in (raw.get("abbreviations") or {}).items()
    }
    numbered = {str(k): str(v) for k, v in (raw.get("numbered_abbreviations") or {}).items()}
    return Lexicon(raw=raw, abbreviations=abbreviations, numbered_abbreviations=numbered)
