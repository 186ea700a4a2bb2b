"""Domain abbreviations of Vietnamese government reports and their expansion.

Example: ``expand_abbreviations("Sở KH&CN, UBND TP") == "Sở Khoa học và Công nghệ, Ủy ban nhân dân thành phố"``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingestion.cleaning import fold_diacritics, nfc

ABBREVIATIONS: dict[str, str] = {
    "NQ": "Nghị quyết",
    "HĐND": "Hội đồng nhân dân",
    "UBND": "Ủy ban nhân dân",
    "TP": "thành phố",
    "QĐ": "Quyết định",
    "KH": "Kế hoạch",
    "KH&ĐT": "Kế hoạch và Đầu tư",
    "KHĐT": "Kế hoạch và Đầu tư",
    "KH&CN": "Khoa học và Công nghệ",
    "KHCN": "Khoa học và Công nghệ",
    "GTVT": "Giao thông vận tải",
    "TN&MT": "Tài nguyên và Môi trường",
    "TNMT": "Tài nguyên và Môi trường",
    "NN&PTNT": "Nông nghiệp và Phát triển nông thôn",
    "NNPTNT": "Nông nghiệp và Phát triển nông thôn",
    "VH,TT&DL": "Văn hóa, Thể thao và Du lịch",
    "VHTT&DL": "Văn hóa, Thể thao và Du lịch",
    "VHTTDL": "Văn hóa, Thể thao và Du lịch",
    "ĐBSCL": "Đồng bằng sông Cửu Long",
    "NSNN": "ngân sách nhà nước",
    "NSĐP": "ngân sách địa phương",
    "ODA": "hỗ trợ phát triển chính thức (ODA)",
    "PPP": "đối tác công tư (PPP)",
    "GPMB": "giải phóng mặt bằng",
    "QL": "Quốc lộ",
    "LĐTBXH": "Lao động - Thương binh và Xã hội",
    "LĐ-TB&XH": "Lao động - Thương binh và Xã hội",
    "LĐ,TB&XH": "Lao động - Thương binh và Xã hội",
    "TT&TT": "Thông tin và Truyền thông",
    "TTTT": "Thông tin và Truyền thông",
    "XTĐT": "Xúc tiến Đầu tư",
    "GD&ĐT": "Giáo dục và Đào tạo",
    "GDĐT": "Giáo dục và Đào tạo",
    "KCN": "khu công nghiệp",
    "CCN": "cụm công nghiệp",
    "BQL": "Ban Quản lý",
    "BQLDA": "Ban Quản lý dự án",
    "DTTS": "dân tộc thiểu số",
    "CNTT": "công nghệ thông tin",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "VPCP": "Văn phòng Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "BCĐ": "Ban Chỉ đạo",
    "CNH-HĐH": "công nghiệp hóa, hiện đại hóa",
    "NTM": "nông thôn mới",
    "ĐTXD": "đầu tư xây dựng",
    "XD": "Xây dựng",
    "TW": "Trung ương",
    "GRDP": "tổng sản phẩm trên địa bàn (GRDP)",
    "PCI": "chỉ số năng lực cạnh tranh cấp tỉnh (PCI)",
    "CTMTQG": "Chương trình mục tiêu quốc gia",
    "KT-XH": "kinh tế - xã hội",
    "KTXH": "kinh tế - xã hội",
    "HTX": "hợp tác xã",
    "CNC": "công nghệ cao",
    "CSDL": "cơ sở dữ liệu",
    "ĐH": "Đại học",
    "BV": "Bệnh viện",
    "VN": "Việt Nam",
    "HQ": "Hàn Quốc",
    "ĐMST": "đổi mới sáng tạo",
    "CĐS": "chuyển đổi số",
    "ĐBQH": "Đại biểu Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "BĐKH": "biến đổi khí hậu",
    "DNNVV": "doanh nghiệp nhỏ và vừa",
}

# Written as is in the reports themselves, so search keeps them; their full forms are still
# listed above for entity linking (``abbreviations_in``).
KEPT_AS_WRITTEN = frozenset({"ODA", "PPP", "GRDP", "PCI"})

# Numbered roads: "ĐT 917", "DT917", "Dt.917" → "Đường tỉnh 917"; "QL91" → "Quốc lộ 91".
_NUMBERED: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<![\w/-])[ĐđDd][Tt]\.?\s*(\d{3}[A-Za-z]?)\b"), r"Đường tỉnh \1"),
    (re.compile(r"(?<![\w/-])[Qq][Ll]\.?\s*(\d{1,3}[A-Za-z]?)\b"), r"Quốc lộ \1"),
]


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over every spelling (as printed and unaccented), longest first."""
    lookup: dict[str, str] = {}
    for abbr, full in ABBREVIATIONS.items():
        for variant in (abbr, fold_diacritics(abbr).upper(), abbr.replace("Đ", "D")):
            lookup.setdefault(variant.casefold(), full)
    alternatives = sorted(lookup, key=len, reverse=True)
    body = "|".join(re.escape(a) for a in alternatives)
    # Not inside document codes such as "59-NQ/TW" or "1519/QĐ-TTg".
    regex = re.compile(rf"(?<![\w&/-])(?:{body})(?![\w&]|[/-]\w)", re.IGNORECASE)
    return regex, lookup


def expand_abbreviations(text: str, keep: frozenset[str] = KEPT_AS_WRITTEN) -> str:
    """Replace every known abbreviation with its full form, except those in ``keep``
    (pure, idempotent on full forms).

    Example: ``expand_abbreviations("Dt917 giải ngân") == "Đường tỉnh 917 giải ngân"``.
    """
    text = nfc(text)
    for regex, replacement in _NUMBERED:
        text = regex.sub(replacement, text)
    regex, lookup = _pattern()
    kept = {k.casefold() for k in keep}

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        return found if found.casefold() in kept else lookup[found.casefold()]

    return regex.sub(replace, text)


def abbreviations_in(text: str) -> dict[str, str]:
    """The abbreviations found in ``text`` and their full forms.

    Example: ``abbreviations_in("Sở GTVT") == {"GTVT": "Giao thông vận tải"}``.
    """
    regex, lookup = _pattern()
    return {m.group(0): lookup[m.group(0).casefold()] for m in regex.finditer(nfc(text))}
