"""Pure scoring functions for the QA eval (no engine, no I/O); unit-tested in tests/test_eval_scoring.py.

Matching rules (all after Unicode NFC, case-folding and whitespace normalisation):

* numbers are compared as numbers in Vietnamese format: ``31.500,00`` = ``31500`` = ``31.500``;
  ``5,86`` ≠ ``5,87``. ``contains("… đạt 31.500 tỷ", "31.500,00")`` is True.
* a non-numeric ``must_include`` matches as a normalised substring; a string with digits
  (``12``, ``1519/QĐ-TTg``, ``43,37 ha``) matches as a substring in which every number is a
  whole token compared by value: ``4`` is not found in ``14 dự án``, ``5,7ha`` matches ``5,70 ha``.
* dashes (``–``, ``—``) count as ``-``; spaces around ``-`` / ``/`` and before ``%`` are ignored.

Example:
    >>> contains("Tổng vốn đầu tư ước đạt 31500 tỷ đồng", "31.500,00")
    True
    >>> contains("GRDP tăng 5,87%", "5,86")
    False
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ingestion.numbers import VN_NUMBER, parse_vn_number

_NUM_RE = re.compile(rf"(?<![\d,])(?<!\d\.)(?:{VN_NUMBER})(?!\d)")  # "ĐT.265" states 265; "1.265" is one number
_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-", "−": "-", "\u00a0": " "})
# A document number such as 320/BC-UBND, 1519/QĐ-TTg, 1168/ĐA-SKH&CN, 14/NQ-HĐND.
DOC_ID_RE = re.compile(r"\b\d+/[A-ZĐ][A-ZĐa-zđ&]*(?:-[A-ZĐa-zđ&]+)*", re.UNICODE)
# Row labels the assistant prints next to a citation: "mục 20", "chỉ tiêu 6.1", "dòng 4 và 9".
ROW_LABEL_RE = re.compile(
    r"\b(?:mục|dòng|chỉ tiêu|stt|nhiệm vụ|dự án|hàng)\s+(\d+(?:\.\d+)*(?:\s*(?:và|,)\s*\d+(?:\.\d+)*)*)",
    re.IGNORECASE,
)
# A list marker at the start of a line ("1. …", "2) …"): formatting, not a stated number.
LIST_MARKER_RE = re.compile(r"(?m)^(\s*(?:[-•*]\s*)?)\(?\d{1,3}[.)](?=\s)")
DATE_RE = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}/\d{4}(?![\d/])")


# ---------------------------------------------------------------- normalisation


def normalize(text: str) -> str:
    """NFC, case-fold, unify dashes, collapse whitespace; no spaces around ``-``/``/`` or before ``%``.

    Example: ``normalize("  Chưa  ĐẠT\\nNQ ") == "chưa đạt nq"``; ``normalize("2024 – 2028") == "2024-2028"``.
    """
    text = unicodedata.normalize("NFC", text or "").translate(_DASHES).casefold()
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*([-/])\s*", r"\1", text)
    return re.sub(r"\s+%", "%", text)


def _canon_number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def canonical(text: str) -> str:
    """``normalize`` then replace every VN number by ``⟨value⟩`` so formats compare equal.

    Example: ``canonical("31.500,00 tỷ") == canonical("31500 tỷ") == "⟨31500⟩ tỷ"``.
    """

    def repl(match: re.Match[str]) -> str:
        value = parse_vn_number(match.group(0))
        return match.group(0) if value is None else f"⟨{_canon_number(value)}⟩"

    return _NUM_RE.sub(repl, normalize(text))


def is_number(text: str) -> bool:
    """True when ``text`` is one number, optionally with ``%``: ``'31.500,00'``, ``'3,7%'``, ``'12'``."""
    return parse_vn_number(normalize(text)) is not None


def contains(haystack: str, needle: str) -> bool:
    """Is ``needle`` (a must_include) stated in ``haystack`` under the module's matching rules?"""
    if not needle.strip():
        return True
    if any(ch.isdigit() for ch in needle):
        # Numbers compare as numbers: "4" is not found in "14 dự án", "31500" is found in "31.500,00".
        hay, ndl = canonical(haystack), canonical(needle)
    else:
        hay, ndl = normalize(haystack), normalize(needle)
    return ndl in hay or ndl.replace(" ", "") in hay.replace(" ", "")


def missing_items(text: str, must_include: Iterable[str], qtype: str = "") -> list[str]:
    """The must_include strings not found in ``text``.

    For ``count`` questions a numeric item must be stated as a number outside row labels, list
    markers, dates and document numbers: "Có 43 chỉ tiêu … PL I mục 6 …" does not state 6.
    For ``rank`` questions every item must be in the :func:`headline`.
    """
    if qtype == "rank":
        text = headline(text)
    counted = count_text(text) if qtype == "count" else text
    return [item for item in must_include if not contains(counted if is_number(item) else text, item)]


def headline(text: str) -> str:
    """The first line of an answer (plus the next one when the first is a bare "…:" heading).

    ``rank`` questions are scored on it: the winner must be named up front, not somewhere in a
    full ranking that lists every candidate.
    """
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return ""
    if len(lines) > 1 and lines[0].rstrip().endswith(":") and not any(ch.isdigit() for ch in lines[0]):
        return "\n".join(lines[:2])
    return lines[0]


def count_text(text: str) -> str:
    """``text`` without row labels ("mục 6", "chỉ tiêu 4 và 9"), list markers, dates and doc numbers."""
    return _strip_row_labels(_strip_list_markers(DATE_RE.sub(" ", _strip_doc_ids(text))))


def has_diacritics(text: str) -> bool:
    """False when every letter is ASCII (a "khong dau" question). ``has_diacritics("ty le ho ngheo") is False``."""
    return any(ch.isalpha() and not ch.isascii() for ch in text)


# ---------------------------------------------------------------- numbers


def numbers_of(text: str) -> list[float]:
    """Every VN-format number in ``text`` (NFC), e.g. ``numbers_of("đạt 3,7% ngày 11/10/2024") == [3.7, 11, 10, 2024]``."""
    values = []
    for match in _NUM_RE.finditer(unicodedata.normalize("NFC", text or "")):
        value = parse_vn_number(match.group(0))
        if value is not None:
            values.append(value)
    return values


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _strip_doc_ids(text: str, doc_ids: Iterable[str] | None = None) -> str:
    """Remove document numbers: only ``doc_ids`` when given, else every ``123/XX-YY`` pattern."""
    text = unicodedata.normalize("NFC", text)
    if doc_ids is None:
        return DOC_ID_RE.sub(" ", text)
    for doc in sorted(set(doc_ids), key=len, reverse=True):
        text = re.sub(rf"(?<!\d){re.escape(doc)}", " ", text, flags=re.IGNORECASE)
    return text


def _strip_list_markers(text: str) -> str:
    return ANNEX_LABEL_RE.sub(" ", LIST_MARKER_RE.sub(r"\1", text))


ANNEX_LABEL_RE = re.compile(r"\b(?:Phụ lục|PL)\s+(?:\d+|[IVXLC]+)(?:\s*,\s*(?:\d+|[IVXLC]+))*\b")  # an annex's label is no figure


def _strip_row_labels(text: str, row_numbers: Iterable[str] | None = None) -> str:
    """Remove "mục 20"-style labels (only for ``row_numbers`` when given)."""
    allowed = None if row_numbers is None else {r.strip() for r in row_numbers}

    def repl(match: re.Match[str]) -> str:
        parts = re.split(r"\s*(?:và|,)\s*", match.group(1))
        if allowed is None or all(p in allowed for p in parts):
            return match.group(0)[: match.start(1) - match.start(0)]
        return match.group(0)

    return ROW_LABEL_RE.sub(repl, text)


def stated_numbers(text: str, ignore_from: Sequence[str] = ()) -> list[float]:
    """Numbers an abstention states, ignoring document numbers (``320/BC-UBND``), row labels
    ("mục 20") and numbers echoed from ``ignore_from`` (the question and earlier turns).

    Example: ``stated_numbers("Báo cáo 320/BC-UBND không có số liệu năm 2024", ["… năm 2024?"]) == []``.
    """
    echoed = [n for src in ignore_from for n in numbers_of(_strip_doc_ids(src))]
    cleaned = _strip_row_labels(_strip_list_markers(_strip_doc_ids(text)))
    return [n for n in numbers_of(cleaned) if not any(_same(n, e) for e in echoed)]


# ---------------------------------------------------------------- rows and citations


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _strings_in(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings_in(item)


def row_evidence(row: Any) -> list[str]:
    """Every text of a row a number may be quoted from: text, name, cells (keys too), extra values,
    footnotes, facts (raw strings), report number/date and row numbers."""
    texts: list[str] = []
    for name in ("text", "name", "row", "report", "report_date", "annex_title", "group_title"):
        value = _get(row, name)
        if value:
            texts.append(str(value))
    for name in ("cells", "extra_values", "footnotes", "facts", "row_numbers"):
        texts.extend(_strings_in(_get(row, name) or []))
    date = _get(row, "report_date")
    if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        y, m, d = date.split("-")
        texts.append(f"{d}/{m}/{y}")
    return texts


@dataclass
class Unsupported:
    """Result of :func:`unsupported_numbers`: the invented numbers and how many were checked."""

    numbers: list[float] = field(default_factory=list)
    checked: int = 0


def unsupported_numbers(
    text: str,
    citations: Sequence[Any],
    rows_by_id: Mapping[str, Any],
    computed_values: Sequence[str] = (),
    echo: Sequence[str] = (),
    report_ids: Iterable[str] = (),
) -> Unsupported:
    """Numbers in ``text`` found in none of the cited rows.

    Allowed sources: every number of each cited row (:func:`row_evidence`), each citation's
    quote (a "Ghi chú" legend citation is checked against its quote only), ``computed_values``
    (numbers computed by code), numbers echoed from the question/history (``echo``). Ignored:
    the printed labels of cited rows ("mục 20", "chỉ tiêu 6.1"), report numbers (``report_ids``
    plus those of the cited rows, e.g. ``320/BC-UBND``), annex labels ("Phụ lục 2") and line-leading list
    markers ("2. …").
    """
    allowed: list[float] = []
    row_numbers: list[str] = []
    docs = set(report_ids)
    for citation in citations:
        quote = _get(citation, "quote") or ""
        allowed.extend(numbers_of(quote))
        report = _get(citation, "report")
        if report:
            docs.add(report)
        row = rows_by_id.get(_get(citation, "row_id") or "")
        if row is None:
            continue
        for piece in row_evidence(row):
            allowed.extend(numbers_of(piece))
        row_numbers.extend(_get(row, "row_numbers") or [_get(row, "row")])
        row_numbers.append(_get(row, "row"))
        docs.add(_get(row, "report"))
    for value in computed_values:
        allowed.extend(numbers_of(str(value)))
    for source in echo:
        allowed.extend(numbers_of(_strip_doc_ids(source, docs)))
    cleaned = _strip_list_markers(_strip_doc_ids(text, {d for d in docs if d}))
    cleaned = _strip_row_labels(cleaned, [r for r in row_numbers if r])
    found = numbers_of(cleaned)
    invented = [n for n in found if not any(_same(n, a) for a in allowed)]
    return Unsupported(numbers=invented, checked=len(found))


def _norm_key(value: Any) -> str:
    return normalize(str(value)) if value is not None else ""


def citation_matches(citation: Any, source: Mapping[str, Any]) -> bool:
    """A citation matches a source on annex and row, and on report when the source names one."""
    if source.get("report") and _norm_key(source["report"]) != _norm_key(_get(citation, "report")):
        return False
    if source.get("annex") and _norm_key(source["annex"]) != _norm_key(_get(citation, "annex")):
        return False
    if source.get("row") is not None and not _source_labels(source["row"]) & _labels(citation):
        return False
    return True


_OF_WHICH_RE = re.compile(r"^trong đó\s*:\s*", re.IGNORECASE)
_GRAND_TOTAL_RE = re.compile(r"^(?:tổng cộng|tổng số)\b", re.IGNORECASE)


def _line_name(text: str) -> str:
    """A line's name without the dash or dot it is printed after ("- Khách quốc tế", ". Tổng thu …")."""
    return text.lstrip("-–•. ").strip()


def _source_label(row: Any) -> str:
    """The one label a gold row is counted under in a set: the report's total row for a total written as printed."""
    labels = _source_labels(row)
    return _norm_key("Tổng cộng") if _norm_key("Tổng cộng") in labels else next(iter(labels))


def _source_labels(row: Any) -> set[str]:
    """A gold row label; a total written as printed ("TỔNG CỘNG (I+II+III)", "TỔNG SỐ (1+2+3)") is also the report's
    total row ("Tổng cộng"), and still the line printed so (a group's "Tổng số")."""
    label = _OF_WHICH_RE.sub("", str(row).strip())  # "Trong đó: Khu vực đô thị" as printed is the line "Khu vực đô thị"
    label = _line_name(label) or label
    labels = {_norm_key(_PRINTED_LETTER_RE.sub(r"\1", label))}  # "b)" as printed is the sub-line "b"
    if _GRAND_TOTAL_RE.match(label):
        labels.add(_norm_key("Tổng cộng"))
    return labels


_GROUP_PART_RE = re.compile(r"^(?:[IVXLC]+|[A-Z])\.")
_PRINTED_LETTER_RE = re.compile(r"^([a-zđ])\)$")  # a sub-line's letter as printed: "b)"
_SUB_LETTER_RE = re.compile(r"\.([a-zđ])$")  # "13.b": the sub-line printed "b)" under row 13


def _labels(citation: Any) -> set[str]:
    """A cited row's unique label and, when a label restarts under group headings, the label as printed
    and without its group qualifiers ("B.I.3" also as "I.3" and "3"; "I.3.2.a" also as "3.2.a")."""
    label = str(_get(citation, "row") or "")
    labels = {label}
    while _GROUP_PART_RE.match(label):
        label = _GROUP_PART_RE.sub("", label, count=1)
        labels.add(label)
    if _get(citation, "printed"):
        labels.add(str(_get(citation, "printed")))
    if _get(citation, "name"):  # a line printed without a number, cited by its name
        labels.add(_line_name(str(_get(citation, "name"))))
    if letter := _SUB_LETTER_RE.search(label):  # "13.b" is also the "b)" printed under row 13
        labels.add(letter.group(1))
    if label.startswith("Cộng "):  # a group's total row ("Cộng I") is also named by its group ("I")
        labels.add(label.removeprefix("Cộng "))
    return {_norm_key(x) for x in labels if x}


def citation_pr(citations: Sequence[Any], sources: Sequence[Mapping[str, Any]]) -> tuple[float, float]:
    """(precision, recall) of citations against gold sources; duplicate (report, annex, row) citations
    count once. No citations and no sources → (1, 1); citations but no sources → precision 0;
    no citations but sources → (0, 0).
    """
    unique: dict[tuple[str, str, str], Any] = {}
    for c in citations:
        unique.setdefault(
            (_norm_key(_get(c, "report")), _norm_key(_get(c, "annex")), _norm_key(_get(c, "row"))), c
        )
    cites = list(unique.values())
    if not cites:
        return (1.0, 1.0) if not sources else (0.0, 0.0)
    precision = sum(any(citation_matches(c, s) for s in sources) for c in cites) / len(cites)
    recall = (
        sum(any(citation_matches(c, s) for c in cites) for s in sources) / len(sources) if sources else 1.0
    )
    return precision, recall


# ---------------------------------------------------------------- per-question score


@dataclass
class Score:
    correct: bool
    abstention_correct: bool
    missing: list[str]
    stated_numbers: list[float]
    citation_precision: float | None
    citation_recall: float | None
    unsupported: list[float] | None
    reason: str = ""
    outcome: str = ""  # correct | answered_wrongly | wrongly_refused | refused_ok


_COUNT_RE = re.compile(r"(?i)\b(?:có|gồm|tổng cộng|tổng số)\s+(\d+)\b")


def stated_count(text: str) -> int | None:
    """The count an answer states: the number after "Có" in its first sentence ("Có 3 chỉ tiêu …")."""
    first = headline(text)
    match = _COUNT_RE.search(count_text(first)) or _COUNT_RE.search(count_text(text or ""))
    return int(match.group(1)) if match else None


def _cited_keys(citations: Sequence[Any]) -> set[tuple[str, str, str]]:
    return {
        (_norm_key(_get(c, "report")), _norm_key(_get(c, "annex")), _norm_key(_get(c, "row")))
        for c in citations
        if _get(c, "row") != "Ghi chú"
    }


def _source_keys(sources: Sequence[Mapping[str, Any]]) -> set[tuple[str, str, str]]:
    return {(_norm_key(s.get("report")), _norm_key(s.get("annex")), _source_label(s.get("row"))) for s in sources if s.get("row") != "Ghi chú"}


def wrong_rows(question: Mapping[str, Any], citations: Sequence[Any], rows_by_id: Mapping[str, Any] | None = None) -> str:
    """Why the cited rows are wrong ('' when they are right): for a set question (count / list with a
    complete ``sources``) the cited set must equal it; otherwise at least one gold row must be cited and
    the first citation must be a gold row. For an overview (of a group) a group heading and the rows under
    it stand for each other: gold "B" is met by citing row 9 of group B, gold rows 9, 10 … by citing "B"."""
    sources = [s for s in question.get("sources") or [] if s.get("row") != "Ghi chú"]
    if not sources:
        return ""
    cited = [c for c in citations if _get(c, "row") != "Ghi chú"]
    if not cited:
        return "no row cited"
    qtype = question.get("type", "")
    if qtype in ("count", "filter_list") and question.get("count") is not None:
        gold = _source_keys(sources)
        gold_loose = {(a, r) for _, a, r in gold}
        have_loose = set()
        for c in cited:  # each cited row under the label the gold uses for it (unique or as printed)
            annex = _norm_key(_get(c, "annex"))
            own = _norm_key(_get(c, "row"))  # its own label first when the gold has it too (a parent may be gold as well)
            labels = sorted(_labels(c), key=lambda label: ((annex, label) not in gold_loose, label != own))
            if (annex, labels[0]) not in gold_loose and "." in own and (annex, own.rsplit(".", 1)[0]) in gold_loose:
                continue  # a counted row's sub-line cited for the figure its condition is on ("Vốn sự nghiệp … 43,86%")
            have_loose.add((annex, labels[0]))
        if have_loose != gold_loose:
            extra, lacking = len(have_loose - gold_loose), len(gold_loose - have_loose)
            return f"cited set differs (+{extra} −{lacking})"
        return ""
    if not any(citation_matches(cited[0], s) or _sub_line_of(cited[0], s) for s in sources) and not (
            qtype == "overview" and rows_by_id is not None and _group_stands_for(cited[0], sources, rows_by_id)):
        return f"first citation {_get(cited[0], 'annex')}:{_get(cited[0], 'row')} is not a gold row"
    return ""


def _sub_line_of(citation: Any, source: Mapping[str, Any]) -> bool:
    """The cited row is a sub-line of the gold row ("2.b" under gold "2"): the line its figure is printed on."""
    own = _norm_key(_get(citation, "row"))
    return ("." in own and _norm_key(_get(citation, "report")) == _norm_key(source.get("report"))
            and _norm_key(_get(citation, "annex")) == _norm_key(source.get("annex"))
            and own.rsplit(".", 1)[0] in _source_labels(source.get("row")))


def _group_stands_for(citation: Any, sources: Sequence[Mapping[str, Any]], rows_by_id: Mapping[str, Any]) -> bool:
    """The cited row is a group heading with a gold row under it, or a row under a gold group heading."""
    row = rows_by_id.get(_get(citation, "row_id") or "")
    if row is None:
        return False
    same_annex = [s for s in sources if not s.get("annex") or _norm_key(s["annex"]) == _norm_key(row.annex)]
    if row.kind == "group":
        members = {_norm_key(r.row) for r in rows_by_id.values()
                   if r.report == row.report and r.annex == row.annex and r.group == row.row}
        members |= {_norm_key(r.printed) for r in rows_by_id.values()
                    if r.report == row.report and r.annex == row.annex and r.group == row.row and r.printed}
        return any(_source_label(s.get("row")) in members for s in same_annex)
    return row.group is not None and any(_source_label(s.get("row")) == _norm_key(row.group) for s in same_annex)


def score_answer(
    question: Mapping[str, Any],
    text: str,
    abstained: bool,
    citations: Sequence[Any] = (),
    rows_by_id: Mapping[str, Any] | None = None,
    computed_values: Sequence[str] = (),
    report_ids: Iterable[str] = (),
    history_texts: Sequence[str] = (),
    retrieved: bool = False,
    clarified: bool = False,
    offered: Sequence[Any] = (),
) -> Score:
    """Score one answer strictly: a missing ``must_include``, a present ``must_not_include``, a wrong stated
    count or a wrong cited row makes it wrong. ``rows_by_id=None`` skips the unsupported-number check.

    ``offered``: rows a clarifying reply offers (they support the numbers of its options, nothing else).
    ``retrieved=True`` scores a retrieval-only baseline generously: every must_include anywhere in
    the retrieved text (no headline rule for ``rank``, no label stripping for ``count``, no row check).
    Outcomes: ``correct``, ``answered_wrongly`` (an answer that is wrong, or an answer where the report has
    none), ``wrongly_refused`` (a refusal or a question back where the report has the answer), ``refused_ok``.
    """
    qtype = question.get("type", "")
    must = list(question.get("must_include") or [])
    must_not = list(question.get("must_not_include") or [])
    echo = [question.get("question", ""), *history_texts]
    if qtype == "no_answer":
        stated = stated_numbers(text, echo)
        ok = bool(abstained) and not stated and not clarified
        missing = [] if ok else must
        reason = "" if ok else ("did not abstain" if not abstained else f"abstained but stated {_fmt(stated)}")
        outcome = "refused_ok" if ok else "answered_wrongly"
        abst_ok = ok
    elif qtype == "clarify":
        stated = []
        ok = clarified
        missing = []
        reason = "" if ok else ("did not ask which reading" + (" (refused)" if abstained else ""))
        outcome = "correct" if ok else ("wrongly_refused" if abstained else "answered_wrongly")
        abst_ok = ok
    else:
        stated = []
        missing = missing_items(text, must, "" if retrieved else qtype)
        # a forbidden number is a number stated, not a part of a document's code ("412" of "Báo cáo số 412/BC-SKHĐT")
        forbidden = [m for m in must_not if contains(_strip_doc_ids(text) if is_number(m) else text, m)] if not retrieved else []
        problems = []
        if forbidden:
            problems.append(f"contains forbidden {forbidden}")
        if not retrieved and qtype == "count" and question.get("count") is not None:
            count = stated_count(text)
            if count != int(question["count"]):
                problems.append(f"stated count {count}, expected {question['count']}")
        if not retrieved and not abstained:
            if bad := wrong_rows(question, citations, rows_by_id):
                problems.append(bad)
        ok = not missing and not abstained and not problems
        abst_ok = not abstained
        if abstained:
            reason, outcome = "abstained" + (" (asked back)" if clarified else ""), "wrongly_refused"
        elif ok:
            reason, outcome = "", "correct"
        else:
            reason = "; ".join(([f"missing {missing}"] if missing else []) + problems)
            outcome = "answered_wrongly"
    precision, recall = citation_pr(citations, question.get("sources") or [])
    unsupported = None
    if rows_by_id is not None:
        # rows a clarifying reply offers are shown with it: their names support the numbers of the options
        unsupported = unsupported_numbers(text, [*citations, *offered], rows_by_id, computed_values, echo, report_ids).numbers
    return Score(ok, abst_ok, missing, stated, precision, recall, unsupported, reason, outcome)


def _fmt(values: Sequence[float]) -> list[str]:
    return [_canon_number(v) for v in values]


def fmt_numbers(values: Sequence[float] | None) -> list[str]:
    """Numbers as short strings for reports, e.g. ``[31500.0, 5.86] → ['31500', '5.86']``."""
    return _fmt(values or [])
