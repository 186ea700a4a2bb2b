"""Vietnamese number formats: ``28.527,46`` (dot = thousands, comma = decimal).

Examples:
    >>> parse_vn_number("28.527,46")
    28527.46
    >>> parse_vn_number("5,86")
    5.86
    >>> parse_typed_value("7,5-8,0").low, parse_typed_value("7,5-8,0").high
    (7.5, 8.0)
    >>> parse_typed_value(">75").comparator
    '>'
"""

from __future__ import annotations

import re

from ingestion.models import TypedValue

# One Vietnamese-formatted number: optional thousands groups with '.', optional ',' decimals.
VN_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_NUMBER_RE = re.compile(rf"^-?(?:{VN_NUMBER})$")
# A number followed by its unit: "1.200 m", "56,5 ha", "38 công trình" (at most three words of unit).
_WITH_UNIT_RE = re.compile(rf"^(-?(?:{VN_NUMBER}))\s*(?P<unit>[^\W\d][\w³²/.]*(?:\s+[^\W\d][\w³²/.]*){{0,2}})$")
_RANGE_RE = re.compile(rf"^({VN_NUMBER})\s*[-–—]\s*({VN_NUMBER})$")
_COMPARATOR_RE = re.compile(rf"^(>=|<=|≥|≤|>|<)\s*({VN_NUMBER})\s*%?$")
_COMPARATORS = {"≥": ">=", "≤": "<="}


def parse_vn_number(text: str) -> float | None:
    """Parse one Vietnamese-formatted number; ``None`` when ``text`` is not exactly one number."""
    candidate = text.strip().rstrip("%").strip()
    if not _NUMBER_RE.match(candidate):
        return None
    return float(candidate.replace(".", "").replace(",", "."))


def parse_typed_value(raw: str) -> TypedValue:
    """Type a Phụ lục I cell: number, range, comparator, or verbatim free text."""
    text = raw.strip()
    if not text:
        return TypedValue(raw=raw)
    number = parse_vn_number(text)
    if number is not None:
        return TypedValue(raw=text, value=number)
    if match := _RANGE_RE.match(text):
        low, high = parse_vn_number(match.group(1)), parse_vn_number(match.group(2))
        return TypedValue(raw=text, low=low, high=high)
    if match := _COMPARATOR_RE.match(text):
        comparator = _COMPARATORS.get(match.group(1), match.group(1))
        return TypedValue(raw=text, value=parse_vn_number(match.group(2)), comparator=comparator)
    if match := _WITH_UNIT_RE.match(text):
        return TypedValue(raw=text, value=parse_vn_number(match.group(1)), unit=match.group("unit"))
    return TypedValue(raw=text, text=True)


def format_vn_number(value: float, decimals: int = 2) -> str:
    """Inverse of :func:`parse_vn_number` for computed values, e.g. ``1234.5 → '1.234,50'``."""
    formatted = f"{value:,.{decimals}f}"
    return formatted.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


_ANY_NUMBER_RE = re.compile(rf"(?<![\d.,])(?:{VN_NUMBER})(?![\d])")


def numbers_in(text: str) -> list[float]:
    """Every Vietnamese-formatted number in free text, as floats (used to verify answers)."""
    values = []
    for match in _ANY_NUMBER_RE.finditer(text):
        value = parse_vn_number(match.group(0))
        if value is not None:
            values.append(value)
    return values
