"""Question understanding without an LLM: intent, aspect and slots from diacritic-folded text.

Example:
    >>> q = understand("phu luc III co bao nhieu du an (*)?", vocab)
    >>> q.intent, q.annex, q.marker
    ('count', 'III', '*')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from ingestion.cleaning import fold_diacritics, nfc
from retrieval.normalize import NormalizedQuery, Vocabulary, normalize_query

ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V", "6": "VI", "7": "VII", "8": "VIII", "9": "IX", "10": "X"}
_ANNEX_LIST_RE = re.compile(r"\b(?:phu luc|pl)\s*((?:[ivx]+|\d+)\b(?:\s*(?:,|va|hoac)\s*(?:phu luc\s*)?(?:[ivx]+|\d+)\b)*)")
_CROSS_RE = re.compile(
    r"\b(?:cac phu luc|nhung phu luc|phu luc nao|o dau|duoc nhac o|duoc neu o nhung|nhung noi nao|o nhung muc nao)\b"
)
_MARKER_RE = re.compile(r"\(\s*(\*{1,4})\s*\)|(?<![\w*])(\*{1,4})(?![\w*])")
_MARKER_WORDS_RE = re.compile(r"\b(1|2|3|4|mot|hai|ba|bon)\s*(?:dau\s*)?sao\b")
_YEAR_RE = re.compile(r"\b(20\d{2})\b")
_REPORT_RE = re.compile(r"\b(\d{1,4})\s*/\s*bc\s*-?\s*ubnd\b|\bbao cao(?: so)?\s+(\d{1,4})\b")
_ROW_REF_RE = re.compile(r"\b(?:muc|stt|tt|dong|so thu tu)\s*(\d+(?:\.\d+)*)\b")
_INJECTION_RE = re.compile(
    r"bo qua (?:cac |moi |tat ca )?(?:huong dan|quy tac|chi dan)|ignore (?:all |the )?(?:previous|above|prior)|"
    r"bia (?:so lieu|ra|so)|quen (?:het )?(?:quy tac|huong dan)|system prompt|disregard"
)
_GREETING_RE = re.compile(
    r"^(?:xin chao|chao(?: ban)?|hello|hi|alo|help|huong dan|tro giup|giup toi|ban la ai|ban lam duoc gi|cam on)\W*$"
)

VERDICTS = {"chua dat": "Chưa đạt NQ", "co ban dat": "Cơ bản đạt NQ", "vuot": "Vượt NQ", "dat": "Đạt NQ"}

# (aspect, folded cues) — checked in order; the first cue found decides.
PROJECT_ASPECTS: list[tuple[str, tuple[str, ...]]] = [
    ("site_clearance", ("mat bang", "gpmb", "giai phong mat")),
    ("total_investment", ("tong muc dau tu", "tong von dau tu", "tong muc")),
    ("disbursement_rate", ("ty le giai ngan", "giai ngan dat bao nhieu phan tram", "giai ngan bao nhieu phan tram", "giai ngan bao nhieu %")),
    ("disbursed", ("giai ngan",)),
    ("capital_plan", ("ke hoach von", "von giao", "bo tri von", "duoc bo tri", "kh von")),
    ("lead", ("chu tri", "co quan nao", "don vi nao", "ai phu trach", "ai lam", "ai thuc hien", "so nao")),
    ("coordinating", ("phoi hop",)),
    ("prep_time", ("thoi gian lap", "trinh phe duyet", "lap, trinh", "khi nao trinh")),
    ("impl_time", ("thoi gian trien khai", "thoi gian thuc hien", "khi nao xong", "bao gio xong", "hoan thanh khi nao",
                   "khoi cong khi nao", "khi nao", "bao gio", "giai doan nao", "thoi gian")),
    ("funding", ("nguon von", "von tu dau", "kinh phi")),
    ("product", ("san pham",)),
    ("approver", ("cap phe duyet", "ai phe duyet", "cap trinh")),
    ("documents", ("van ban nao", "quyet dinh nao", "nghi quyet nao", "ke hoach nao", "so hieu van ban")),
    ("marker", ("tinh trang", "trang thai", "dang o giai doan", "ky hieu", "nhom trang thai")),
]
INDICATOR_ASPECTS: list[tuple[str, tuple[str, ...]]] = [
    ("vs_target", ("co dat", "dat nghi quyet", "dat nq", "so nghi quyet", "dat chi tieu", "dat muc tieu", "so voi nghi quyet", "so voi nq",
                   "so voi muc tieu", "so voi chi tieu", "so nq", "vuot nghi quyet", "chua dat")),
    ("vs_prev", ("so voi nam", "so voi cung ky", "tang so voi", "giam so voi", "so nam")),
    ("target", ("nghi quyet", "chi tieu nghi quyet", "muc tieu", "ke hoach", "nq hdnd", "nq ")),
    ("unit", ("don vi tinh", "dvt")),
]
RANK_FACTS: list[tuple[str, tuple[str, ...]]] = [
    ("site_clearance", ("mat bang", "gpmb")),
    ("total_investment", ("tong muc dau tu",)),
    ("disbursed", ("so von giai ngan", "giai ngan nhieu", "giai ngan it", "gia tri giai ngan", "so tien giai ngan")),
    ("disbursement_rate", ("giai ngan",)),
    ("capital_plan", ("ke hoach von", "von giao", "duoc bo tri")),
    ("vs_target_pct", ("so voi nghi quyet", "so nq", "so voi nq", "so nghi quyet")),
    ("vs_prev_pct", ("so voi nam", "tang truong so voi")),
]
_COUNT_RE = re.compile(
    r"\b(?:bao nhieu|may|so luong|tong so|dem)\s+(?:cac\s+)?(du an|nhiem vu|chi tieu|cong trinh|de an|muc|dong|noi dung|phu luc)"
)
_RANK_RE = re.compile(r"\b(thap nhat|cao nhat|lon nhat|nho nhat|nhieu nhat|it nhat|xep hang|top\s*\d+|dung dau|cham nhat|nhanh nhat)\b")
_LIST_RE = re.compile(
    r"\b(?:liet ke|danh sach|(?:cac|nhung) (?:du an|nhiem vu|chi tieu|cong trinh|de an|noi dung)|"
    r"(?:du an|nhiem vu|chi tieu|cong trinh) nao\b(?! (?:co ty le|co tong|dat ty le|giai ngan)))"
)
_LEGEND_RE = re.compile(
    r"\b(nghia la gi|y nghia|nghia gi|la gi|ky hieu|chu thich|ghi chu|hieu the nao|the hien gi|khac nhau|khac gi)\b"
)
_STATUS_RE = re.compile(r"\b(tinh hinh|tien do|vuong|kho khan|ra sao|the nao|den dau|hien nay|cap nhat|ket qua)\b")
_FOLLOWUP_RE = re.compile(r"^(?:con|the con|vay con|con ve)\b|\bthi sao\b|\bthi the nao\b|\bdu an do\b|\bnhiem vu do\b|\bchi tieu do\b|\bno\b")
_INDICATOR_CUES = ("chi tieu", "ty le", "toc do", "grdp", "tang truong", "thu ngan sach", "chi ngan sach", "nang suat",
                   "binh quan", "co cau kinh te", "ho ngheo", "bao hiem", "do thi hoa", "nong thon moi", "nuoc sach",
                   "chat thai", "bac sy", "bac si", "von dau tu tren dia ban", "tong von dau tu tren", "thu noi dia",
                   "thu hai quan", "hoc sinh", "lao dong qua dao tao")


@dataclass
class Query:
    """What the router knows about one question."""

    text: str
    norm: NormalizedQuery
    folded: str
    intent: str = "lookup"
    aspect: str | None = None
    annex: str | None = None
    marker: str | None = None
    years: list[int] = field(default_factory=list)
    report: str | None = None
    report_year: int | None = None
    row_ref: str | None = None
    verdict: str | None = None
    kind: str | None = None
    rank_by: str | None = None
    rank_order: str = "desc"
    annexes: list[str] = field(default_factory=list)
    group: str | None = None
    aspect_cue: str | None = None
    candidates: frozenset[str] = frozenset()  # row ids a follow-up is restricted to ('còn tổng chi?')
    cross_annex: bool = False
    injection: bool = False
    followup: bool = False
    explicit_aspect: bool = False

    def with_(self, **changes) -> Query:
        return replace(self, **changes)


def clean_question(text: str, limit: int) -> tuple[str, bool]:
    """NFC, control characters removed, whitespace collapsed, cut to ``limit`` characters."""
    text = nfc(text or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    if len(text) > limit:
        return text[:limit].rsplit(" ", 1)[0], True
    return text, False


def has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def is_greeting(text: str) -> bool:
    return bool(_GREETING_RE.match(fold_diacritics(text).strip()))


def _first_aspect(folded: str, table: list[tuple[str, tuple[str, ...]]]) -> str | None:
    found = first_cue(folded, table)
    return found[0] if found else None


def first_cue(folded: str, table: list[tuple[str, tuple[str, ...]]]) -> tuple[str, str] | None:
    """The first (aspect, cue) whose cue occurs in ``folded``."""
    for aspect, cues in table:
        for cue in cues:
            if cue in folded:
                return aspect, cue
    return None


def understand(text: str, vocab: Vocabulary) -> Query:
    norm = normalize_query(text, vocab)
    folded = " ".join(fold_diacritics(norm.expanded).split())
    restored_folded = norm.folded
    both = f"{folded} | {restored_folded}"
    q = Query(text=text, norm=norm, folded=folded)
    q.injection = bool(_INJECTION_RE.search(both))
    for m in _ANNEX_LIST_RE.finditer(folded):
        for token in re.findall(r"[ivx]+|\d+", m.group(1)):
            numeral = ROMAN.get(token.upper(), token.upper())
            if numeral not in q.annexes:
                q.annexes.append(numeral)
    if len(q.annexes) == 1:
        q.annex = q.annexes[0]
    q.cross_annex = len(q.annexes) > 1 or bool(_CROSS_RE.search(folded))
    if m := _MARKER_RE.search(text):
        q.marker = m.group(1) or m.group(2)
    elif m := _MARKER_WORDS_RE.search(folded):
        q.marker = "*" * {"1": 1, "2": 2, "3": 3, "4": 4, "mot": 1, "hai": 2, "ba": 3, "bon": 4}[m.group(1)]
    q.years = [int(y) for y in _YEAR_RE.findall(folded)]
    if m := _REPORT_RE.search(folded):
        q.report = m.group(1) or m.group(2)
    if m := re.search(r"\bbao cao (?:nam|ngay)\s*(?:\d{1,2}/\d{1,2}/)?(20\d{2})\b", folded):
        q.report_year = int(m.group(1))
    if m := _ROW_REF_RE.search(folded):
        q.row_ref = m.group(1)
    q.verdict = _verdict(folded)
    if m := re.search(r"\bnhom\s+(\d+)\b", folded):
        q.group = m.group(1)
    if re.search(r"\bchi tieu\b", folded) or any(cue in both for cue in _INDICATOR_CUES):
        q.kind = "indicator"
    if re.search(r"\b(du an|cong trinh)\b", folded):
        q.kind = "project" if q.kind is None or "du an" in folded else q.kind
    elif re.search(r"\bnhiem vu|de an\b", folded) and q.kind is None:
        q.kind = "task"

    q.followup = bool(_FOLLOWUP_RE.search(folded))
    q.intent, q.aspect = _intent(q, both)
    q.explicit_aspect = q.aspect is not None
    q.aspect_cue = cue_for(q.aspect, both)
    return q


_VERDICT_RE = re.compile(r"(?<!khong tinh )(?<!tru )\b(chua dat|co ban dat|vuot|dat)\s*(?:nghi quyet|nq)\b")


def _verdict(folded: str) -> str | None:
    """The first verdict the question asks about: 'đạt NQ (không tính vượt)' → 'Đạt NQ'."""
    for match in _VERDICT_RE.finditer(folded):
        before = folded[max(0, match.start() - 12) : match.start()]
        if "khong tinh" in before or "ngoai" in before:
            continue
        return VERDICTS[match.group(1)]
    if m := re.search(r"\bdanh gia (?:la )?(chua dat|co ban dat|vuot|dat)\b", folded):
        return VERDICTS[m.group(1)]
    return None


def cue_for(aspect: str | None, folded: str) -> str | None:
    """The words of ``folded`` that asked for ``aspect`` (removed before linking the row)."""
    for table in (INDICATOR_ASPECTS, PROJECT_ASPECTS, RANK_FACTS):
        for name, cues in table:
            if name == aspect:
                for cue in cues:
                    if cue in folded:
                        return cue
    return None


def _intent(q: Query, folded: str) -> tuple[str, str | None]:
    if q.marker and (_LEGEND_RE.search(folded) or len(folded.split()) <= 6):
        if not _COUNT_RE.search(folded) and not _LIST_RE.search(folded):
            return "legend", None
    if _COUNT_RE.search(folded):
        return "count", None
    if (m := _RANK_RE.search(folded)) and not re.search(r"\bit nhat \d", folded):
        word = m.group(1)
        q.rank_order = "asc" if word in ("thap nhat", "nho nhat", "it nhat", "cham nhat") else "desc"
        q.rank_by = _first_aspect(folded, RANK_FACTS) or ("estimate" if q.kind == "indicator" else None)
        return "rank", q.rank_by
    if _LIST_RE.search(folded) or (q.verdict and re.search(r"\bnao\b", folded)):
        return "list", None
    indicator_aspect = _first_aspect(folded, INDICATOR_ASPECTS)
    project_aspect = _first_aspect(folded, PROJECT_ASPECTS)
    if project_aspect in ("disbursed", "disbursement_rate", "site_clearance", "capital_plan") and q.kind == "indicator":
        q.kind = "project"
    if q.kind is None and indicator_aspect in ("vs_target", "vs_prev"):
        q.kind = "indicator"
    if q.kind == "indicator" and indicator_aspect:
        return ("compare" if indicator_aspect in ("vs_target", "vs_prev") else "lookup"), indicator_aspect
    if project_aspect and q.kind != "indicator":
        intent = {"lead": "agency", "coordinating": "agency", "prep_time": "timeline", "impl_time": "timeline"}.get(
            project_aspect, "status" if project_aspect in ("marker", "documents") else "detail"
        )
        return intent, project_aspect
    if _STATUS_RE.search(folded):
        return "status", None
    return "lookup", None


def _aspect_number(folded: str) -> bool:
    return bool(re.search(r"bao nhieu (?:ty|trieu|%|phan tram)", folded))
