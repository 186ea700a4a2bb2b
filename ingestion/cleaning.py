"""Cell text cleaning: HTML fragments to plain text, whitespace, footnote marks."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

_BLOCK_TAG_RE = re.compile(r"<\s*(/?)\s*(p|li|ul|ol|br|div)\b[^>]*>", re.IGNORECASE)
_ANY_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_SPACES_RE = re.compile(r"[ \t\u00a0]+")
_DASH_ITEM_RE = re.compile(r"(?:(?<=^)|(?<=[.;:!?\"”)]))\s+-\s+(?=[A-ZĐÀ-Ỹa-zđ0-9“\"(])")
FOOTNOTE_MARKS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_FOOTNOTE_MARK_RE = re.compile(rf"\s*([{FOOTNOTE_MARKS}]+)")
_UNIT_POWER_RE = re.compile(r"(?:^|[^\w])[kcdh]?m$")  # "m³/ngày đêm", "1.200 m²", "km²": a unit's power, no footnote


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_cell(raw: str) -> str:
    """HTML fragments → plain text with list items / paragraphs on separate lines.

    Example:
        >>> clean_cell('<ul><li>a</li><li>b</li></ul>')
        'a\\nb'
        >>> clean_cell('Đã làm. - Việc hai. - Việc ba.')
        'Đã làm.\\n- Việc hai.\\n- Việc ba.'
    """
    text = nfc(raw)
    text = _BLOCK_TAG_RE.sub("\n", text)
    text = _ANY_TAG_RE.sub("", text)
    text = html.unescape(text)
    # Inline "- item" lists (the PDF flattened them onto one line) become one item per line.
    text = _DASH_ITEM_RE.sub("\n- ", text)
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def split_footnote_marks(text: str) -> tuple[str, list[str]]:
    """Remove superscript footnote marks from a cell and return them.

    Example: ``split_footnote_marks('Quý I năm 2022 ¹') == ('Quý I năm 2022', ['¹'])``; "5.000 m³" keeps its "³".
    """
    found = [m for m in _FOOTNOTE_MARK_RE.finditer(text) if not (m.group(0) == m.group(1) and _UNIT_POWER_RE.search(text[: m.start()]))]
    if not found:
        return text, []
    for m in reversed(found):
        text = text[: m.start()] + text[m.end() :]
    return text.strip(), [m.group(1) for m in found]


#: Combining marks (the Unicode "combining diacritical marks" blocks) that folding removes after NFD.
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
FOLD_CACHE = 1 << 17  # distinct words folded per process: a corpus vocabulary fits, memory stays a few MiB
FOLD_CACHED_CHARS = 40  # words and short phrases are folded once; long texts (cells) are not kept


def fold_diacritics(text: str) -> str:
    """Vietnamese → ASCII-ish lower case: 'Đường tỉnh' → 'duong tinh'. Words are folded once per process
    (indexing folds millions of tokens drawn from a vocabulary of thousands)."""
    if len(text) <= FOLD_CACHED_CHARS:
        return _fold_word(text)
    return _fold_text(text)


@lru_cache(maxsize=FOLD_CACHE)
def _fold_word(text: str) -> str:
    return _fold_text(text)


def _fold_text(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", _COMBINING_RE.sub("", decomposed)).lower()
