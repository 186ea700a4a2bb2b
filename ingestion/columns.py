"""Semantic roles of annex columns, recognised from the header text (never by position).

Example: ``column_role('Cơ quan chủ trì đề xuất/ thực hiện') == 'lead'``.
"""

from __future__ import annotations

from functools import lru_cache

from ingestion.cleaning import fold_diacritics

# (role, folded substrings that identify it) — first match wins, so order matters.
_ROLE_PATTERNS: list[tuple[str, tuple[str, ...]]] = [
    ("number", ("stt", "tt")),
    ("coordinating", ("co quan phoi hop",)),
    ("lead", ("co quan chu tri", "don vi chu tri", "chu tri")),
    ("prep_time", ("thoi gian lap", "trinh phe duyet")),
    ("impl_time", ("thoi gian trien khai",)),
    ("approver", ("cap phe duyet", "cap trinh")),
    ("funding", ("nguon von", "kinh phi")),
    ("status", ("bao cao tinh hinh", "tinh hinh thuc hien", "ket qua thuc hien")),
    ("product", ("san pham",)),
    ("name", ("noi dung", "nhiem vu", "ten du an", "chi tieu")),
    ("unit", ("dvt", "don vi tinh")),
    ("verdict", ("ghi chu",)),
    ("estimate", ("uoc thuc hien", "uoc th ca nam")),
    ("actual_prev", ("thuc hien ca nam", "thuc hien nam")),
    ("target", ("nghi quyet", "ke hoach")),
    ("vs_target_pct", ("so nq", "so ke hoach", "so kh")),
    ("vs_prev_pct", ("so nam", "so cung ky")),
]


@lru_cache(maxsize=4096)
def column_role(header: str) -> str | None:
    """The role of a column given its (merged) header text, or ``None`` if unknown."""
    folded = fold_diacritics(header).strip()
    # Merged two-line headers ("Năm 2024 – Ước thực hiện cả năm"): the sub-header decides.
    leaf = folded.split(" – ")[-1]
    if leaf in ("stt", "tt", "so tt"):
        return "number"
    for role, needles in _ROLE_PATTERNS:
        if role == "number":
            continue
        if any(needle in leaf for needle in needles):
            return role
    return None


def roles_of(headers: list[str]) -> dict[str, str]:
    """Map role → header for the first column of each role."""
    mapping: dict[str, str] = {}
    for header in headers:
        role = column_role(header)
        if role and role not in mapping:
            mapping[role] = header
    return mapping
