"""Question sets as evaluators bring them: .xlsx, .csv or .jsonl with Vietnamese columns.

Columns (header matched without diacritics, case or punctuation; only the question is required):

============================  =========================  ==============================================
column                        question field             how it is read
============================  =========================  ==============================================
câu hỏi                       ``question``               the question asked
ngữ cảnh / câu trước          ``context``                earlier user turns, one per line
đáp án mong đợi               ``answer``                 shown next to the answer; a short one (a number,
                                                         a few words) is also required in the answer
phải có                       ``must_include``           strings the answer must state, ``;`` or lines
không được có                 ``must_not_include``       strings that make the answer wrong
nguồn                         ``sources``                ``320/BC-UBND:I:4`` or ``Phụ lục I, dòng 4``; ``;``
loại                          ``type``                   a scorer type (``no_answer``, ``count`` …) or its
                                                         Vietnamese name (``không có trong báo cáo``, ``đếm``)
============================  =========================  ==============================================

A question with nothing to score against (no "phải có", "không được có", "nguồn", short expected answer
or answer-less type) is graded by hand on the evaluation page (``graded_by == "hand"``).

.jsonl files may use the project's schema (``eval/questions.jsonl``: ``question``, ``context``,
``must_include`` …) or the Vietnamese column names as keys. Every problem is a :class:`QuestionSetError`
with a Vietnamese message naming the row or cell; skipped empty rows are counted in ``notices``.

Example:
    >>> qs = read_question_set(Path("cau-hoi.xlsx").read_bytes(), "cau-hoi.xlsx", max_questions=5000)
    >>> qs.questions[0]["question"], qs.notices
    ('GRDP năm 2024 tăng bao nhiêu?', ['Bỏ qua 2 dòng trống.'])
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eval.run import normalize_question
from eval.scoring import DOC_ID_RE, normalize
from ingestion.cleaning import fold_diacritics

# An expected answer this short ("31.500,00", "Chưa đạt NQ") is one value: it must be stated in the answer.
# A longer one is prose for the human grader, not a string to match.
EXPECTED_AS_REQUIRED_MAX_WORDS = 4
# The header row is searched among the first rows (a title line above the table is common in Excel).
HEADER_SEARCH_ROWS = 10

FIELDS = ("question", "context", "answer", "must_include", "must_not_include", "sources", "type", "id")
# Folded header → field. Vietnamese names first (the template), then the project's JSONL keys.
HEADER_ALIASES: dict[str, str] = {
    "cau hoi": "question",
    "question": "question",
    "ngu canh / cau truoc": "context",
    "ngu canh": "context",
    "cau truoc": "context",
    "context": "context",
    "dap an mong doi": "answer",
    "dap an": "answer",
    "answer": "answer",
    "phai co": "must_include",
    "must_include": "must_include",
    "khong duoc co": "must_not_include",
    "must_not_include": "must_not_include",
    "nguon": "sources",
    "sources": "sources",
    "loai": "type",
    "type": "type",
    "ma": "id",
    "ma cau hoi": "id",
    "id": "id",
}
TEMPLATE_COLUMNS = (
    "câu hỏi",
    "ngữ cảnh / câu trước",
    "đáp án mong đợi",
    "phải có",
    "không được có",
    "nguồn",
    "loại",
)
# Vietnamese names of the question types the scorer treats apart (folded) → scorer type.
TYPE_ALIASES = {
    "khong co trong bao cao": "no_answer",
    "khong co cau tra loi": "no_answer",
    "khong co dap an": "no_answer",
    "tu choi": "no_answer",
    "dem": "count",
    "dem so luong": "count",
    "xep hang": "rank",
    "hoi lai": "clarify",
    "danh sach": "filter_list",
}
ANSWERLESS_TYPES = {"no_answer", "clarify"}
LIST_SPLIT_RE = re.compile(r"\s*(?:;|\n)\s*")
CSV_ENCODINGS = (("utf-8-sig", "UTF-8"), ("cp1258", "Windows-1258 (tiếng Việt)"), ("cp1252", "Windows-1252"))
_ANNEX_RE = re.compile(r"(?i)\b(?:phụ lục|phu luc|pl)\s*([IVXLC]+|\d+)\b")
_ROW_RE = re.compile(r"(?i)\b(?:dòng|dong|mục|muc|chỉ tiêu|chi tieu|stt|số thứ tự)\s*([\w.]+)")
_TEMPLATE_EXAMPLES = (
    (
        "Tổng vốn đầu tư trên địa bàn năm 2024 ước đạt bao nhiêu?",
        "",
        "31.500,00 tỷ đồng",
        "31.500,00",
        "",
        "Phụ lục I, dòng 4",
        "",
    ),
    ("còn năm 2023 thì sao?", "GRDP năm 2024 tăng bao nhiêu?", "", "", "", "", ""),
    ("Dân số thành phố năm 2024 là bao nhiêu?", "", "", "", "", "", "không có trong báo cáo"),
)


class QuestionSetError(ValueError):
    """A question file that cannot be used; ``str(error)`` is the Vietnamese message for the user."""


@dataclass
class QuestionSet:
    questions: list[dict[str, Any]]
    name: str
    sha256: str
    notices: list[str] = field(default_factory=list)

    @property
    def n_hand(self) -> int:
        return sum(q["graded_by"] == "hand" for q in self.questions)


def fold_header(text: Any) -> str:
    """``"Câu hỏi (bắt buộc)*"`` → ``"cau hoi"``: no diacritics, case, bracketed notes or stray punctuation."""
    folded = fold_diacritics(unicodedata.normalize("NFC", str(text or "")))
    folded = re.sub(r"\(.*?\)|\[.*?\]", " ", folded)
    folded = re.sub(r"[^\w/ ]+", " ", folded)
    return " ".join(folded.replace("/", " / ").split())


def question_key(question: str, context: Sequence[str] = ()) -> str:
    """The identity of a question across runs and files: its normalised text and earlier turns."""
    blob = "\x1e".join(normalize(t) for t in [*context, question])
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def gold_criteria(question: dict[str, Any]) -> bool:
    """Can the scorer grade this question on its own (else a person grades it)?"""
    return bool(
        question["must_include"]
        or question["must_not_include"]
        or question["sources"]
        or question.get("count") is not None
        or question["type"] in ANSWERLESS_TYPES
    )


def parse_sources(text: str, where: str) -> list[dict[str, str | None]]:
    """``"320/BC-UBND:I:4; Phụ lục III, dòng 20"`` → source dicts; an unreadable one is an error at ``where``."""
    sources = []
    for part in LIST_SPLIT_RE.split(text.strip()):
        if not part:
            continue
        pieces = [p.strip() for p in part.split(":")]
        if len(pieces) in (2, 3) and all(pieces) and not _ANNEX_RE.search(part):
            report = pieces[0] if len(pieces) == 3 else None
            sources.append({"report": report, "annex": pieces[-2], "row": pieces[-1]})
            continue
        annex, row = _ANNEX_RE.search(part), _ROW_RE.search(part)
        if not annex or not row:
            raise QuestionSetError(
                f"{where}: không hiểu nguồn «{part}». Hãy ghi như «320/BC-UBND:I:4» hoặc «Phụ lục I, dòng 4» "
                "(nhiều nguồn cách nhau bằng dấu chấm phẩy)."
            )
        report = DOC_ID_RE.search(part)
        sources.append(
            {
                "report": report.group(0) if report else None,
                "annex": annex.group(1).upper(),
                "row": row.group(1).rstrip("."),
            }
        )
    return sources


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _split(text: str) -> list[str]:
    return [p for p in LIST_SPLIT_RE.split(text) if p]


def to_question(cells: dict[str, str], index: int, where: str) -> dict[str, Any]:
    """One row (field → cell text) as the eval's question record (``eval.run.normalize_question``)."""
    qtype = cells.get("type", "")
    qtype = TYPE_ALIASES.get(fold_header(qtype), qtype.strip()) or "chung"
    must = _split(cells.get("must_include", ""))
    expected = cells.get("answer", "")
    if (
        not must
        and expected
        and len(expected.split()) <= EXPECTED_AS_REQUIRED_MAX_WORDS
        and qtype not in ANSWERLESS_TYPES
    ):
        must = [expected]
    raw = {
        "id": cells.get("id") or f"q{index + 1:03d}",
        "type": qtype,
        "question": cells["question"],
        "context": [t for t in cells.get("context", "").splitlines() if t.strip()],
        "answer": expected,
        "must_include": must,
        "must_not_include": _split(cells.get("must_not_include", "")),
        "sources": parse_sources(cells.get("sources", ""), where),
    }
    return finish(normalize_question(raw, index))


def finish(raw: dict[str, Any], index: int = 0) -> dict[str, Any]:
    """The question record (``normalize_question``) plus what the evaluation page needs: ``key`` (its identity
    across runs and files) and ``graded_by`` ("auto" when the scorer can grade it, else "hand")."""
    question = normalize_question(raw, index)
    question["key"] = question_key(question["question"], question["context"])
    question["graded_by"] = "auto" if gold_criteria(question) else "hand"
    return question


# ---------------------------------------------------------------- tables (xlsx, csv)


def too_many(name: str, counted: int, limit: int) -> QuestionSetError:
    return QuestionSetError(
        f"Tệp {name} có {_thousands(counted)} câu hỏi, vượt giới hạn {_thousands(limit)} câu mỗi lần chạy "
        "(VNQA_EVAL_MAX_QUESTIONS). Hãy chia thành nhiều tệp nhỏ hơn."
    )


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _header_map(row: Sequence[str]) -> dict[int, str] | None:
    found: dict[int, str] = {}
    for i, cell in enumerate(row):
        fieldname = HEADER_ALIASES.get(fold_header(cell))
        if fieldname and fieldname not in found.values():
            found[i] = fieldname
    return found if "question" in found.values() else None


def _from_table(
    rows: Iterable[tuple[int, list[Any]]], name: str, limit: int
) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows (1-based row number, cells) → questions."""
    header: dict[int, str] | None = None
    seen: list[list[str]] = []
    questions: list[dict[str, Any]] = []
    empty, no_question = 0, []
    counted = 0
    for number, values in rows:
        texts = [_cell_text(v) for v in values]
        if header is None:
            if any(texts):
                seen.append([t for t in texts if t])
            header = _header_map(texts)
            if header is None and len(seen) >= HEADER_SEARCH_ROWS:
                break
            continue
        if not any(texts):
            empty += 1
            continue
        counted += 1
        if counted > limit:
            continue  # keep counting, to say how many there are
        cells = {f: texts[i] if i < len(texts) else "" for i, f in header.items()}
        if not cells["question"]:
            no_question.append(number)
            continue
        questions.append(to_question(cells, len(questions), f"Dòng {number}"))
    if header is None:
        shown = ", ".join(f"«{t}»" for t in (seen[0] if seen else [])[:8]) or "không có"
        raise QuestionSetError(
            f"Tệp {name} không có cột «câu hỏi». Dòng tiêu đề cần có cột «câu hỏi» (các cột khác không bắt buộc: "
            f"{', '.join(TEMPLATE_COLUMNS[1:])}). Các cột đang có: {shown}. Hãy tải tệp mẫu và dùng đúng tên cột."
        )
    if counted > limit:
        raise too_many(name, counted, limit)
    notices = []
    if empty:
        notices.append(f"Bỏ qua {empty} dòng trống.")
    if no_question:
        shown = ", ".join(str(n) for n in no_question[:10]) + (" …" if len(no_question) > 10 else "")
        notices.append(f"Bỏ qua {len(no_question)} dòng không có câu hỏi (dòng {shown}).")
    if not questions:
        raise QuestionSetError(f"Tệp {name} không có câu hỏi nào (chỉ có dòng tiêu đề hoặc dòng trống).")
    return questions, notices


def _xlsx_rows(data: bytes, name: str) -> Iterable[tuple[int, list[Any]]]:
    """Rows of the first sheet with formulas' cached values; a formula Excel never computed is an error."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # not a zip, not a workbook, encrypted …
        raise QuestionSetError(
            f"Không mở được tệp Excel {name} ({type(exc).__name__}). Hãy lưu lại dạng .xlsx (Excel Workbook)."
        ) from exc
    sheet, raw_sheet = values.worksheets[0], formulas.worksheets[0]
    for number, (row, raw) in enumerate(
        zip(sheet.iter_rows(values_only=True), raw_sheet.iter_rows(values_only=True), strict=False), start=1
    ):
        row = list(row)
        for col, (value, formula) in enumerate(zip(row, raw, strict=False)):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                raise QuestionSetError(
                    f"Ô {get_column_letter(col + 1)}{number} (trang «{sheet.title}») chứa công thức «{formula[:60]}» "
                    "chưa có giá trị tính sẵn. Hãy mở tệp trong Excel, tính lại rồi lưu, hoặc dán giá trị thay cho công thức."
                )
        yield number, row
    values.close()
    formulas.close()


def decode_csv(data: bytes, name: str) -> tuple[str, list[str]]:
    """The text of a CSV: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1258/1252 (said in a notice)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), []
    for encoding, label in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        notices = (
            []
            if encoding == "utf-8-sig"
            else [
                f"Tệp {name} không phải UTF-8; đã đọc theo bảng mã {label}. Nếu chữ tiếng Việt hiển thị sai, "
                "hãy lưu lại tệp dạng «CSV UTF-8»."
            ]
        )
        return unicodedata.normalize("NFC", text), notices
    raise QuestionSetError(
        f"Không đọc được tệp CSV {name}: không phải UTF-8, Windows-1258 hay Windows-1252. "
        "Hãy lưu lại tệp dạng «CSV UTF-8 (Comma delimited)»."
    )


def _csv_rows(text: str) -> Iterable[tuple[int, list[Any]]]:
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from enumerate(csv.reader(io.StringIO(text), dialect), start=1)


# ---------------------------------------------------------------- jsonl


def _jsonl_questions(text: str, name: str, limit: int) -> tuple[list[dict[str, Any]], list[str]]:
    questions: list[dict[str, Any]] = []
    empty, no_question, counted = 0, [], 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            empty += bool(not line.strip())
            continue
        counted += 1
        if counted > limit:
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QuestionSetError(f"Dòng {number} của {name} không phải JSON hợp lệ ({exc.msg}).") from exc
        if not isinstance(raw, dict):
            raise QuestionSetError(f"Dòng {number} của {name} phải là một đối tượng JSON {{…}}.")
        keyed = {HEADER_ALIASES.get(fold_header(k)): v for k, v in raw.items()}
        if "question" not in keyed:
            raise QuestionSetError(
                f"Dòng {number} của {name} không có trường «question» (hoặc «câu hỏi»). Các trường đang có: "
                + ", ".join(f"«{k}»" for k in list(raw)[:8])
            )
        if not str(keyed.get("question") or "").strip():
            no_question.append(number)
            continue
        if any(k in raw for k in ("must_include", "sources", "count", "must_not_include")):
            questions.append(finish(normalize_question(raw, len(questions))))  # the project's own schema
        else:
            cells = {
                k: "\n".join(map(str, v)) if isinstance(v, list) else _cell_text(v)
                for k, v in keyed.items()
                if k
            }
            questions.append(to_question(cells, len(questions), f"Dòng {number}"))
    if counted > limit:
        raise too_many(name, counted, limit)
    if not questions:
        raise QuestionSetError(f"Tệp {name} không có câu hỏi nào.")
    notices = [f"Bỏ qua {len(no_question)} dòng không có câu hỏi."] if no_question else []
    return questions, notices


# ---------------------------------------------------------------- entry points


def read_question_set(
    data: bytes, name: str, max_questions: int, max_bytes: int | None = None
) -> QuestionSet:
    """Read an uploaded question file (kind by content, then by extension); raises :class:`QuestionSetError`."""
    if max_bytes is not None and len(data) > max_bytes:
        size = f"{len(data) / 1048576:.1f}".replace(".", ",")
        raise QuestionSetError(
            f"Tệp {name} nặng {size} MB, vượt giới hạn {max_bytes / 1048576:.0f} MB (VNQA_EVAL_MAX_UPLOAD_BYTES). "
            "Hãy chia thành nhiều tệp nhỏ hơn."
        )
    digest = hashlib.sha256(data).hexdigest()
    lower = name.lower()
    if not data.strip():
        raise QuestionSetError(f"Tệp {name} trống.")
    if data[:2] == b"PK":
        rows = _xlsx_rows(data, name)
        questions, notices = _from_table(rows, name, max_questions)
    elif lower.endswith((".xlsx", ".xlsm")):
        raise QuestionSetError(
            f"Tệp {name} không phải tệp Excel .xlsx hợp lệ. Hãy lưu lại dạng Excel Workbook (.xlsx)."
        )
    elif lower.endswith(".xls"):
        raise QuestionSetError(f"Tệp {name} là Excel cũ (.xls). Hãy lưu lại dạng .xlsx hoặc CSV UTF-8.")
    elif lower.endswith((".jsonl", ".json")):
        text, notices = decode_csv(data, name)
        questions, more = _jsonl_questions(text, name, max_questions)
        notices += more
    elif lower.endswith((".csv", ".tsv", ".txt")):
        text, notices = decode_csv(data, name)
        questions, more = _from_table(_csv_rows(text), name, max_questions)
        notices += more
    else:
        raise QuestionSetError(f"Không nhận dạng được tệp {name}. Hãy tải lên tệp .xlsx, .csv hoặc .jsonl.")
    unique_ids(questions)
    return QuestionSet(questions=questions, name=name, sha256=digest, notices=notices)


def unique_ids(questions: list[dict[str, Any]]) -> None:
    """Make ids unique in place (``q001``, ``q001-2`` …): hand grades are kept by id."""
    seen: dict[str, int] = {}
    for q in questions:
        if q["id"] in seen:
            seen[q["id"]] += 1
            q["id"] = f"{q['id']}-{seen[q['id']]}"
        else:
            seen[q["id"]] = 1


def template_xlsx() -> bytes:
    """The downloadable template: the columns, three example rows and a sheet explaining each column."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Câu hỏi"
    sheet.append(list(TEMPLATE_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for example in _TEMPLATE_EXAMPLES:
        sheet.append(list(example))
    for col, width in zip("ABCDEFG", (60, 40, 40, 25, 25, 30, 22), strict=True):
        sheet.column_dimensions[col].width = width
    help_sheet = book.create_sheet("Hướng dẫn")
    for line in TEMPLATE_HELP:
        help_sheet.append(list(line))
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 110
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerows(_TEMPLATE_EXAMPLES)
    return out.getvalue().encode("utf-8-sig")


TEMPLATE_HELP = (
    ("cột", "cách ghi"),
    ("câu hỏi", "Bắt buộc. Một câu hỏi mỗi dòng; dòng trống được bỏ qua."),
    (
        "ngữ cảnh / câu trước",
        "Các câu người dùng đã hỏi trước đó (mỗi câu một dòng trong ô), cho câu hỏi nối tiếp.",
    ),
    (
        "đáp án mong đợi",
        f"Đáp án đúng. Nếu ngắn (tối đa {EXPECTED_AS_REQUIRED_MAX_WORDS} từ, ví dụ một con số) thì câu trả lời phải chứa nó.",
    ),
    (
        "phải có",
        "Những chuỗi câu trả lời phải có, cách nhau bằng dấu chấm phẩy (số so theo giá trị: 31.500 = 31.500,00).",
    ),
    (
        "không được có",
        "Những chuỗi làm câu trả lời thành sai (ví dụ số của một dòng khác), cách nhau bằng dấu chấm phẩy.",
    ),
    (
        "nguồn",
        "Dòng phải được trích dẫn: «320/BC-UBND:I:4» hoặc «Phụ lục I, dòng 4»; nhiều nguồn cách nhau bằng dấu chấm phẩy.",
    ),
    (
        "loại",
        "Nhóm câu hỏi để thống kê; «không có trong báo cáo» = trợ lý phải từ chối, «đếm» = phải nêu đúng số lượng.",
    ),
    (
        "",
        "Câu hỏi không có đáp án, «phải có», «không được có» hay «nguồn» sẽ được chấm tay trên trang Đánh giá (✓ / ✗ / ghi chú).",
    ),
)
