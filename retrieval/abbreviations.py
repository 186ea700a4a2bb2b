"""Abbreviations of Vietnamese government reports and their expansion, from the general lexicon
(``structured/lexicon.yaml``; one list for ingestion, retrieval and understanding).

An abbreviation with several readings ("HQ": hải quan / Hàn Quốc) gives several readings of a text;
:func:`expand_abbreviations` returns the first, :func:`readings` all of them (the corpus decides).

Example: ``expand_abbreviations("Sở KH&CN, UBND TP") == "Sở Khoa học và Công nghệ, Ủy ban nhân dân thành phố"``.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from ingestion.cleaning import fold_diacritics, nfc
from structured.lexicon import lexicon

# Written as is in the reports themselves, so search keeps them; their full forms are still used
# for entity linking (``abbreviations_in``).
KEPT_AS_WRITTEN = frozenset({"ODA", "PPP", "GRDP", "GDP", "PCI", "PAPI", "FDI"})
MAX_READINGS = 4  # ambiguous abbreviations in one question: readings beyond this are not tried


@lru_cache(maxsize=1)
def _numbered() -> list[tuple[re.Pattern[str], str]]:
    """"ĐT 917", "DT917", "Dt.917" → "Đường tỉnh 917"; "QL91" → "Quốc lộ 91"."""
    patterns = []
    for abbr, full in lexicon().numbered_abbreviations.items():
        letters = "".join(f"[{ch}{fold_diacritics(ch)}]" if fold_diacritics(ch) != ch.lower() else ch for ch in abbr)
        # (not a year: "ĐT 2025" is a place's initials and a year, no road 2025)
        patterns.append((re.compile(rf"(?<![\w/-])(?i:{letters})\.?\s*(?!(?:19|20)\d\d\b)(\d{{1,4}}[A-Za-z]?)\b"), rf"{full} \1"))
    return patterns


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """One regex over every spelling (as printed and unaccented), longest first."""
    lookup: dict[str, tuple[str, ...]] = {}
    for abbr, full in lexicon().abbreviations.items():
        for variant in (abbr, fold_diacritics(abbr).upper(), abbr.replace("Đ", "D")):
            lookup.setdefault(variant.casefold(), full)
    alternatives = sorted(lookup, key=len, reverse=True)
    body = "|".join(re.escape(a) for a in alternatives)
    # Not inside document codes such as "59-NQ/TW" or "1519/QĐ-TTg" ("Ước TH/so NQ": a word after the slash is no code).
    # ("NN-thủy lợi": a word in lower case after the hyphen is a compound, not a code)
    # ("huyện/thị xã/TP": after a word in lower case a slash joins choices, not the parts of a code)
    regex = re.compile(rf"(?<![\w&-])(?<!(?-i:[A-ZĐ0-9])/)(?:{body})(?![\w&]|-(?-i:[A-ZĐ0-9])|/(?-i:[A-ZĐ0-9]))", re.IGNORECASE)
    return regex, lookup


_CHAIN_RE = re.compile(r"(?<![\w/-])[A-ZĐ]{2,5}(?:-[A-ZĐ]{2,5}){2,}(?![\w/-])")  # "KT-XH-MT": three or more parts


def _chain(found: str, lookup: dict[str, tuple[str, ...]]) -> str:
    """ "KT-XH-MT" → "kinh tế - xã hội - môi trường" when every part is a known abbreviation (else as typed)."""
    parts = found.split("-")
    if all(p.casefold() in lookup for p in parts):
        return " - ".join(lookup[p.casefold()][0] for p in parts)
    return found


_SPLIT_RE = re.compile(r"(?<![\w/-])([A-ZĐ]{2,5})\s+([A-ZĐ&]{2,6})(?![\w/-])")  # "CT MTQG": one abbreviation typed apart


def _joined(found: re.Match[str], lookup: dict[str, tuple[str, ...]]) -> str:
    """ "CT MTQG" → "CTMTQG" when the two parts make a known abbreviation (else as typed)."""
    joined = found.group(1) + found.group(2)
    return joined if joined.casefold() in lookup else found.group(0)


def _accepts(found: str) -> bool:
    """Two-letter abbreviations count only when typed in capitals ("KH", "TP"), or in lower case when the
    letters hold no vowel, so no Vietnamese word is spelled so ("kh", "tp", "ds", "nv"; not "da", which typed
    without diacritics is "đã")."""
    return len(found) > 2 or found.isupper() or found != found.lower() \
        or not set(fold_diacritics(found).lower()) & set("aeiouy")


def readings(text: str, keep: frozenset[str] = KEPT_AS_WRITTEN) -> list[str]:
    """Every reading of ``text`` with its abbreviations expanded (more than one only for ambiguous ones).

    Example: ``readings("Thu HQ năm 2024") == ["Thu hải quan năm 2024", "Thu Hàn Quốc năm 2024"]``.
    """
    text = nfc(text)
    for regex, replacement in _numbered():
        text = regex.sub(replacement, text)
    regex, lookup = _pattern()
    text = _CHAIN_RE.sub(lambda m: _chain(m.group(0), lookup), text)
    text = _SPLIT_RE.sub(lambda m: _joined(m, lookup), text)
    kept = {k.casefold() for k in keep}
    matches = [m for m in regex.finditer(text) if _accepts(m.group(0))]
    choices = [
        (m, (m.group(0),) if m.group(0).casefold() in kept else lookup[m.group(0).casefold()]) for m in matches
    ]
    out = []
    for combo in itertools.islice(itertools.product(*(c for _, c in choices)), MAX_READINGS):
        pieces, last = [], 0
        for (match, _), chosen in zip(choices, combo, strict=True):
            pieces += [text[last : match.start()], chosen]
            last = match.end()
        out.append("".join(pieces) + text[last:])
    return out or [text]


_PAIR_RE = re.compile(r"(?<![\w/-])([A-ZĐ&]{2,8})/([A-ZĐ&]{2,8})(?![\w/-])")  # "ODA/NSTW"; not "59-NQ/TW"


def split_abbreviation_pairs(text: str) -> str:
    """Two known abbreviations joined by a slash after a noun of things or money, typed for "either": ``"dự án
    ODA/NSTW"`` → ``"dự án ODA, NSTW"`` (a ratio keeps its slash, "tỷ lệ TH/KH"; so does a document code, "59-NQ/TW")."""
    _, lookup = _pattern()
    nouns = {fold_diacritics(p).casefold() for key, phrases in lexicon().phrases("kinds").items() for p in phrases}
    nouns |= {fold_diacritics(p).casefold() for p in lexicon().section("money_nouns")}

    def split(m: re.Match[str]) -> str:
        before = " ".join(fold_diacritics(text[: m.start()]).casefold().split()[-2:])
        after_noun = any(before == n or before.endswith(" " + n) for n in nouns)
        known = m.group(1).casefold() in lookup and m.group(2).casefold() in lookup
        return f"{m.group(1)}, {m.group(2)}" if known and after_noun else m.group(0)

    return _PAIR_RE.sub(split, text)


def expand_abbreviations(text: str, keep: frozenset[str] = KEPT_AS_WRITTEN) -> str:
    """Replace every known abbreviation with its (first) full form, except those in ``keep``.

    Example: ``expand_abbreviations("Dt917 giải ngân") == "Đường tỉnh 917 giải ngân"``.
    """
    return readings(text, keep)[0]


def abbreviations_in(text: str) -> dict[str, str]:
    """The abbreviations found in ``text`` and their (first) full forms.

    Example: ``abbreviations_in("Sở GTVT") == {"GTVT": "Giao thông vận tải"}``.
    """
    regex, lookup = _pattern()
    return {m.group(0): lookup[m.group(0).casefold()][0] for m in regex.finditer(nfc(text)) if _accepts(m.group(0))}


def __getattr__(name: str) -> object:  # ABBREVIATIONS kept for callers that list them
    if name == "ABBREVIATIONS":
        return {abbr: full[0] for abbr, full in lexicon().abbreviations.items()}
    raise AttributeError(name)
