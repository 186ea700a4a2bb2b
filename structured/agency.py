"""Loose matching of agency names (cơ quan chủ trì / phối hợp) across spellings.

Diacritic- and case-insensitive, with the abbreviations of Vietnamese reports expanded, so
``"Sở KHCN"``, ``"Sở KH&CN"`` and ``"so khcn"`` all name ``"Sở Khoa học và Công nghệ"``. A cell can
name several agencies (``"Sở Khoa học và Công nghệ, Ban Quản lý dự án đầu tư Xây dựng thành phố"``,
``"Các Sở: KHĐT; GTVT; Xây dựng"``); :func:`agencies_in` splits it, dropping collective phrases
such as ``"Các Sở, ban, ngành liên quan"``.

Example: ``agency_matches("Sở GTVT", "Sở Giao thông vận tải") is True``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from ingestion.cleaning import fold_diacritics, nfc

if TYPE_CHECKING:
    from ingestion.models import Row

# Agency abbreviations (longest / most specific first). Matched case-insensitively, with or without
# diacritics, never inside a longer word or a document code ("59-NQ/TW").
_ABBREVIATIONS: list[tuple[str, str]] = [
    (
        r"VH\s*,\s*TT\s*(?:&|và|va)\s*DL|VH\s*-\s*TT\s*-\s*DL|VHTT\s*&\s*DL|VHTTDL",
        "Văn hóa, Thể thao và Du lịch",
    ),
    (r"L[ĐD]\s*[-,]?\s*TB\s*&\s*XH|L[ĐD]\s*-\s*TB\s*-\s*XH|L[ĐD]TBXH", "Lao động - Thương binh và Xã hội"),
    (r"NN\s*&\s*PTNT|NN\s*-\s*PTNT|NNPTNT", "Nông nghiệp và Phát triển nông thôn"),
    (r"KH\s*&\s*CN|KHCN", "Khoa học và Công nghệ"),
    (r"KH\s*&\s*[ĐD]T|KH[ĐD]T", "Kế hoạch và Đầu tư"),
    (r"G[DĐ]\s*&\s*[ĐD]T|G[DĐ][ĐD]T", "Giáo dục và Đào tạo"),
    (r"TN\s*&\s*MT|TNMT", "Tài nguyên và Môi trường"),
    (r"TT\s*&\s*TT|TTTT", "Thông tin và Truyền thông"),
    (r"GTVT", "Giao thông vận tải"),
    (r"BQLDA|Ban\s+QLDA", "Ban Quản lý dự án"),
    (r"QLDA", "Quản lý dự án"),
    (r"BQL", "Ban Quản lý"),
    (r"[ĐD]TXD", "đầu tư xây dựng"),
    (r"UBND", "Ủy ban nhân dân"),
    (r"H[ĐD]ND", "Hội đồng nhân dân"),
    (r"TP\.?", "thành phố"),
]
_ABBREVIATION_RES = [
    (re.compile(rf"(?<![\w&/-])(?:{pattern})(?![\w&]|[/-]\w)", re.IGNORECASE), full)
    for pattern, full in _ABBREVIATIONS
]

# Canonical department names: a "Sở"/"Bộ" with one of these is printed exactly like this.
DEPARTMENTS: tuple[str, ...] = (
    "Khoa học và Công nghệ",
    "Giao thông vận tải",
    "Tài nguyên và Môi trường",
    "Nông nghiệp và Phát triển nông thôn",
    "Văn hóa, Thể thao và Du lịch",
    "Lao động - Thương binh và Xã hội",
    "Thông tin và Truyền thông",
    "Kế hoạch và Đầu tư",
    "Giáo dục và Đào tạo",
    "Xây dựng",
    "Tài chính",
    "Công Thương",
    "Y tế",
    "Nội vụ",
    "Tư pháp",
    "Ngoại vụ",
    "Quốc phòng",
    "Công an",
)

# Words that start an agency name; a bare item after "Sở A, B" inherits "Sở" when B is a department.
_TYPE_RE = re.compile(
    r"^(Ủy ban nhân dân (?:quận|huyện)|Ủy ban nhân dân|Sở|Bộ Chỉ huy|Bộ|Ban|Viện|Trung tâm|Chi cục|Cục|Tổng cục|"
    r"Công an|Đài|Báo|Quỹ|Liên minh|Hội|Hiệp hội|Trường|Văn phòng|Thanh tra|Kho bạc|Ngân hàng|Thủ tướng|"
    r"Chính phủ|Thành ủy|Tỉnh ủy|Cơ quan|Đơn vị|Các)(?!\w)",
    re.IGNORECASE,
)
_SPLIT_RE = re.compile(
    r";|\.(?:\s|$)|,(?!\s*(?:Thể thao|Thương binh)(?!\w))|\s+và\s+(?=(?:các|Sở|Bộ|Ban|Ủy ban|Viện|Trung tâm|Cục|"
    r"Chi cục|Công an|Đài|Báo|Quỹ|Liên minh|đơn vị|cơ quan|Thanh tra|Kho bạc|Văn phòng|Trường|quận|huyện)(?!\w))",
    re.IGNORECASE,
)
_ROLE_WORD_RE = re.compile(r"\s+(?:chủ trì|phối hợp)(?=\s*(?:[,;.)]|$))", re.IGNORECASE)
_LIST_PREFIX_RE = re.compile(r"^(?:các\s+)?(Sở|Bộ)\s*:\s*(.*)$", re.IGNORECASE)
_PAREN_RE = re.compile(r"\(([^()]*)\)")
_SPACES_RE = re.compile(r"\s+")
_NON_WORD_RE = re.compile(r"[^\w]+")
_CITY_SUFFIX_RE = re.compile(r"\s+(?:thanh pho|tinh|tp)(?:\s+[a-z]+){0,3}$")  # "… thành phố Huế", "… tỉnh Đồng Tháp"
# An item made only of these (folded) words is a collective phrase, not one agency.
_GENERIC_WORDS = frozenset(
    "so ban nganh bo co quan huyen don vi vien truong thanh pho chuc nang uy nhan dan tinh dia phuong "
    "trung uong bao dai va cac tren khac thi xa phuong lien".split()
)


def expand_agency_abbreviations(text: str) -> str:
    """Expand agency abbreviations, keeping everything else as written.

    Example: ``expand_agency_abbreviations("UBND TP Cần Thơ") == "Ủy ban nhân dân thành phố Cần Thơ"``.
    """
    text = nfc(text)
    for regex, full in _ABBREVIATION_RES:
        text = regex.sub(full, text)
    return _SPACES_RE.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def agency_key(text: str) -> str:
    """Comparison key: abbreviations expanded, diacritics folded, punctuation dropped.

    Example: ``agency_key("Sở VH,TT&DL") == "so van hoa the thao va du lich"``.
    """
    folded = fold_diacritics(expand_agency_abbreviations(text)).replace("&", " va ")
    return _SPACES_RE.sub(" ", _NON_WORD_RE.sub(" ", folded)).strip()


def _strip_city(key: str) -> str:
    """``"ban dan toc thanh pho"`` → ``"ban dan toc"``, ``"so y te tinh dong thap"`` → ``"so y te"`` (the place
    is implied in a report of that place)."""
    return _CITY_SUFFIX_RE.sub("", key).strip()


_CANONICAL: dict[str, str] = {
    agency_key(name): name
    for name in (
        *DEPARTMENTS,
        *(f"Sở {d}" for d in DEPARTMENTS),
        *(f"Bộ {d}" for d in DEPARTMENTS),
        "Ủy ban nhân dân thành phố",
    )
}
_DEPARTMENT_KEYS = frozenset(agency_key(d) for d in DEPARTMENTS)


def normalize_agency(text: str) -> str:
    """The canonical printed name of one agency mention.

    Example: ``normalize_agency("so khcn") == "Sở Khoa học và Công nghệ"``;
    ``normalize_agency("Sở NN&PTNT") == "Sở Nông nghiệp và Phát triển nông thôn"``.
    """
    expanded = expand_agency_abbreviations(text).strip(" ,;.:-–")
    if canonical := _CANONICAL.get(agency_key(expanded)):
        return canonical
    return expanded[:1].upper() + expanded[1:]


def _is_generic(item: str) -> bool:
    key = agency_key(item)
    if key in ("uy ban nhan dan", "uy ban nhan dan thanh pho") or key.startswith(
        "uy ban nhan dan thanh pho "
    ):
        return False
    if not key or "lien quan" in key or key.startswith("cac "):
        return True
    return set(key.split()) <= _GENERIC_WORDS


@lru_cache(maxsize=4096)
def _agencies_in(cell: str) -> tuple[str, ...]:
    text = _ROLE_WORD_RE.sub(";", expand_agency_abbreviations(cell))
    text = _PAREN_RE.sub(lambda m: f"; {m.group(1)};", text)
    names: list[str] = []
    prefix: str | None = None
    for piece in _SPLIT_RE.split(text):
        item = piece.strip(" ,;.:-–/")
        if match := _LIST_PREFIX_RE.match(item):  # "Các Sở: KHĐT; GTVT; ..."
            prefix, item = match.group(1).capitalize(), match.group(2).strip()
        if not item or _is_generic(item):
            continue
        if kind := _TYPE_RE.match(item):
            word = kind.group(1)
            prefix = word.capitalize() if fold_diacritics(word) in ("so", "bo") else None
            if fold_diacritics(word).startswith("uy ban nhan dan ") and len(item) > len(word):
                prefix = word
        elif prefix and (agency_key(item) in _DEPARTMENT_KEYS or not prefix.lower().startswith(("sở", "bộ"))):
            item = f"{prefix} {item}"
        name = normalize_agency(item)
        if name not in names:
            names.append(name)
    return tuple(names)


def agencies_in(cell: str) -> list[str]:
    """Split a lead/coordinating cell into canonical agency names (collective phrases dropped).

    Example: ``agencies_in("Ban Quản lý dự án đầu tư Xây dựng thành phố chủ trì; Sở Xây dựng phối hợp")
    == ["Ban Quản lý dự án đầu tư Xây dựng thành phố", "Sở Xây dựng"]``.
    """
    return list(_agencies_in(cell or ""))


@lru_cache(maxsize=4096)
def agency_keys(cell: str) -> tuple[str, ...]:
    """The comparison keys of every agency named in ``cell``."""
    return tuple(agency_key(name) for name in _agencies_in(cell or ""))


@lru_cache(maxsize=1024)
def query_keys(query: str) -> tuple[str, ...]:
    """Keys of the agencies a query names (its whole key when it names no specific agency)."""
    keys = agency_keys(query)
    return keys or ((agency_key(query),) if agency_key(query) else ())


def key_matches(query_key: str, agency: str) -> bool:
    """``query_key`` names ``agency`` (equal, a word-aligned part of it, or equal without the city)."""
    if not query_key:
        return False
    if query_key == agency or f" {query_key} " in f" {agency} ":
        return True
    stripped = _strip_city(query_key)
    return bool(stripped) and stripped == _strip_city(agency)


def match_keys(query: Iterable[str], cell_keys: Iterable[str], cell: str, whole_cell: bool = False) -> bool:
    """Whether a query (its :func:`query_keys`) names an agency of a cell (its :func:`agency_keys`).

    A cell naming no specific agency ("Sở, ban, ngành và UBND quận, huyện"), or any cell when
    ``whole_cell`` (the query itself is a collective phrase), matches on a word-aligned part of the cell.
    """
    query, cell_keys = tuple(query), tuple(cell_keys)
    if any(key_matches(q, a) for q in query for a in cell_keys):
        return True
    if cell_keys and not whole_cell:
        return False
    whole = f" {agency_key(cell or '')} "
    return any(q and f" {q} " in whole for q in query)


def is_collective(query: str) -> bool:
    """A query naming no specific agency, e.g. ``"UBND quận, huyện"``."""
    return not agency_keys(query)


def agency_matches(query: str, cell: str) -> bool:
    """Loose agency match of a query against a lead/coordinating cell naming one or more agencies.

    Example: ``agency_matches("Sở KHCN", "Sở Khoa học và Công nghệ, Ban Quản lý dự án") is True``;
    ``agency_matches("Sở Xây dựng", "Ban Quản lý dự án đầu tư Xây dựng thành phố") is False``.
    """
    return match_keys(query_keys(query), agency_keys(cell or ""), cell, whole_cell=is_collective(query))


def known_agencies(rows: Iterable[Row]) -> list[str]:
    """Distinct agency names of every lead cell (by the column's role), sorted; of several spellings
    the canonical one, else the most frequent.

    Example: ``"Sở Giao thông vận tải" in known_agencies(tables)``.
    """
    spellings: dict[str, Counter[str]] = {}
    for row in rows:
        for header, cell in row.cells.items():
            if row.roles.get(header) == "lead":
                for name in _agencies_in(cell):
                    spellings.setdefault(_strip_city(agency_key(name)), Counter())[name] += 1
    chosen = []
    for counter in spellings.values():
        canonical = [n for n in counter if _CANONICAL.get(agency_key(n)) == n]
        chosen.append(canonical[0] if canonical else counter.most_common(1)[0][0])
    return sorted(chosen, key=agency_key)


def agencies_mentioned(text: str, agencies: Iterable[str]) -> list[str]:
    """The given agencies a free-text question mentions, in order of appearance (longest match wins).

    Example: ``agencies_mentioned("Sở GTVT chủ trì dự án nào?", ["Sở Giao thông vận tải"])
    == ["Sở Giao thông vận tải"]``.
    """
    haystack = f" {agency_key(text)} "
    spans: list[tuple[int, int, str]] = []
    for name in agencies:
        key = agency_key(name)
        for needle in dict.fromkeys((key, _strip_city(key))):
            if len(needle.split()) < 2 and needle != key:
                continue
            if (at := haystack.find(f" {needle} ")) >= 0:
                spans.append((at, at + len(needle) + 2, name))
                break
    spans += _shortened_mentions(haystack, list(agencies))
    accepted: list[tuple[int, int, str]] = []
    for start, end, name in sorted(spans, key=lambda s: s[0] - s[1]):  # longest first
        if all(end <= a_start + 1 or start + 1 >= a_end for a_start, a_end, _ in accepted):
            accepted.append((start, end, name))
    return [name for _, _, name in sorted(accepted)]


SHORTENED_MIN_WORDS = 3  # "ban qlda giao thông": the head and two more words; fewer would name a whole class


def _is_subsequence(words: list[str], of: list[str]) -> bool:
    it = iter(of)
    return all(any(w == o for o in it) for w in words)


def _shortened_mentions(haystack: str, agencies: list[str]) -> list[tuple[int, int, str]]:
    """Agencies named with words of their name left out ("Ban QLDA giao thông tỉnh" for "Ban QLDA đầu tư xây
    dựng công trình giao thông tỉnh"): the longest run of the question's words, starting at an agency's first
    word, found in order in exactly one agency's name. A run several agencies hold names none of them."""
    keys = {name: agency_key(name).split() for name in agencies}
    words = haystack.split()
    offsets, at = [], 0
    for word in words:
        at = haystack.index(f" {word} ", at)
        offsets.append(at)
        at += len(word) + 1
    found = []
    for i, word in enumerate(words):
        starting = [n for n, k in keys.items() if k and k[0] == word]
        if not starting:
            continue
        end, holders = i + 1, starting
        while end < len(words) and (wider := [n for n in holders if _is_subsequence(words[i : end + 1], keys[n])]):
            end, holders = end + 1, wider
        if end - i >= SHORTENED_MIN_WORDS and len(holders) == 1 and words[i:end] != keys[holders[0]]:
            found.append((offsets[i], offsets[end - 1] + len(words[end - 1]) + 2, holders[0]))
    return found
