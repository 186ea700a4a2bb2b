"""Evaluation runs as the evaluation page and ``eval.run --compare`` keep them: run, save, grade, compare, export.

A run answers a question set (``eval/question_sets.py``) with the same ``eval.run.run_one`` and strict scorer
as the CLI, in a background thread the page polls (:class:`RunJob`: progress and a cancel event). Each run
is one folder ``settings.eval_runs_dir / <run_id>/`` (``run_id`` sorts by time, UTC)::

    meta.json       question set (name, sha256, count), corpus (report, date, content hash), code version,
                    settings, report filter, status (done | cancelled), baseline threshold
    questions.jsonl the question set as read
    results.jsonl   one record per answered question: answer text, citations, route, latency, verdict
    grades.json     hand grades by question id: {"grade": "✓" | "✗" | "", "comment": "…"}

A hand grade overrides the scorer's verdict; a question without gold criteria and without a grade is
"chưa chấm" and counts in no rate. Two runs are compared question by question, matched by
``question_key`` (normalised text + earlier turns).

Example:
    >>> store = RunStore(settings.eval_runs_dir)
    >>> job = RunJob(questions, answer_fn, engine, store=store, meta=meta).start()  # job.done / job.total, job.cancel()
    >>> job.wait().saved_run_id                              # the page polls job.finished instead
    >>> compare(store.load(a), store.load(b)).right_to_wrong
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import secrets
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval import run as eval_run
from eval.question_sets import finish, unique_ids
from ingestion.store import atomic_write

ROOT = Path(__file__).resolve().parents[1]
CODE_DIRS = ("assistant", "structured", "retrieval", "ingestion", "prompts", "eval", "ui")
GRADES = ("", "✓", "✗")
VERDICT_LABELS = {
    "correct": "đúng",
    "refused_ok": "từ chối đúng",
    "answered_wrongly": "trả lời sai",
    "wrongly_refused": "từ chối sai",
    "ungraded": "chưa chấm",
}
RIGHT = {"correct", "refused_ok"}
ROUTE_LABELS = {
    "table": "bảng số liệu",
    "retrieval": "tìm văn bản",
    "table+retrieval": "bảng + văn bản",
    "none": "không tìm thấy",
    "help": "hướng dẫn",
    "error": "lỗi",
}


# ---------------------------------------------------------------- what a run ran on


def code_version() -> str:
    """``git describe`` of the working tree (``-dirty`` when changed), else a hash of the source files."""
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
        if out.returncode == 0 and out.stdout.strip():
            return "git:" + out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    digest = hashlib.sha256()
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".txt", ".yaml", ".json") and path.is_file():
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return "src:" + digest.hexdigest()[:12]


def corpus_of(engine: Any, report: str | None = None) -> list[dict[str, Any]]:
    """The loaded reports (or just ``report``): number, date, rows and a hash of their rows' content."""
    rows_by_report: dict[str, list[str]] = {}
    for row in getattr(engine, "rows", []) or []:
        rows_by_report.setdefault(row.report, []).append(getattr(row, "content_hash", "") or row.id)
    dates = {r["number"]: r.get("date") for r in engine.reports()} if hasattr(engine, "reports") else {}
    return [
        {
            "report": number,
            "date": dates.get(number),
            "rows": len(hashes),
            "content_hash": hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()[:16],
        }
        for number, hashes in sorted(rows_by_report.items())
        if report in (None, number)
    ]


def new_run_id(now: datetime | None = None) -> str:
    """``20261130-233012-a1b2``: UTC time (sorts by time) + 4 random hex digits (two runs in one second)."""
    return (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


def run_meta(question_set: Any, engine: Any, filters: dict[str, Any] | None, settings: Any) -> dict[str, Any]:
    report = (filters or {}).get("report")
    return {
        "question_set": {
            "name": question_set.name,
            "sha256": question_set.sha256,
            "n": len(question_set.questions),
        },
        "corpus": corpus_of(engine, report),
        "code_version": code_version(),
        "settings": json.loads(settings.model_dump_json()) if settings is not None else {},
        "filters": {k: v for k, v in (filters or {}).items() if v},
    }


# ---------------------------------------------------------------- running


def annotate(record: dict[str, Any], question: dict[str, Any]) -> dict[str, Any]:
    """What the page shows and grades besides the scorer's fields; a hand-graded question has no auto verdict."""
    if "key" not in question:
        question = finish(question)
    record.update(
        key=question["key"],
        graded_by=question["graded_by"],
        expected=question.get("answer", ""),
        must_not_include=question.get("must_not_include", []),
        verdict=record["outcome"] if question["graded_by"] == "auto" else "ungraded",
    )
    return record


class RunJob:
    """Answer and score questions in a background thread; the page reads ``done``/``total`` and may ``cancel()``.

    ``answer_fn(question, history, engine=engine)`` (``filters`` are bound to it here). ``baseline``, when
    given, makes ``(Baseline, threshold)`` in the thread (building its index takes a while); each answer is
    then also scored for it. With ``store`` the run saves itself when it ends (done, cancelled or failed):
    ``saved_run_id`` is set then, whether or not the page is still open.
    """

    def __init__(
        self,
        questions: Sequence[dict[str, Any]],
        answer_fn: Callable[..., Any],
        engine: Any,
        *,
        filters: dict[str, Any] | None = None,
        baseline: Callable[[], tuple[Any, float]] | None = None,
        store: RunStore | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.questions = [dict(q) if "key" in q else finish(q, i) for i, q in enumerate(questions)]
        unique_ids(self.questions)
        self.answer_fn = functools.partial(answer_fn, filters=filters) if filters else answer_fn
        self.engine = engine
        self.baseline_factory = baseline
        self.baseline_threshold: float | None = None
        self.store, self.meta = store, meta or {}
        self.total = len(self.questions)
        self.results: list[dict[str, Any]] = []
        self.error: str | None = None
        self.phase = "answering"  # or "baseline" while the baseline index is built
        self.started = time.monotonic()
        self.elapsed_s = 0.0
        self.run_id = new_run_id()
        self.saved_run_id: str | None = None
        self._ended = False  # set before the run saves itself (``finished`` only after)
        self._cancel = threading.Event()
        self._finished = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def done(self) -> int:
        return len(self.results)

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def status(self) -> str:
        if not self._ended:
            return "running"
        if self.error:
            return "failed"
        return "cancelled" if self.cancelled and self.done < self.total else "done"

    def cancel(self) -> None:
        self._cancel.set()

    def start(self) -> RunJob:
        self._thread = threading.Thread(target=self.run, name="vnqa-eval-run", daemon=True)
        self._thread.start()
        return self

    def wait(self, timeout_s: float | None = None) -> RunJob:
        self._finished.wait(timeout_s)
        return self

    def run(self) -> RunJob:
        """Answer every question in this thread (``start`` runs it in another); stops between questions on cancel."""
        base = None
        try:
            if self.baseline_factory is not None:
                self.phase = "baseline"
                base, self.baseline_threshold = self.baseline_factory()
                self.phase = "answering"
            by_id, reports = eval_run._engine_rows(self.engine)
            for question in self.questions:
                if self._cancel.is_set():
                    break
                record = annotate(
                    eval_run.run_one(question, self.answer_fn, self.engine, by_id, reports), question
                )
                if base is not None:
                    record.update(
                        eval_run.run_baseline_one(question, base, threshold=self.baseline_threshold)
                    )
                self.results.append(record)  # list.append is atomic: the page may read while this runs
        except Exception as exc:  # noqa: BLE001 - shown on the page; the partial run is still saved
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            if base is not None:
                base.close()
            self.elapsed_s = time.monotonic() - self.started
            self._ended = True
            if self.store is not None:
                try:
                    self.saved_run_id = self.store.save(self.to_saved(self.meta)).name
                except Exception as exc:  # noqa: BLE001 - a full disk must not leave the page waiting forever
                    self.error = self.error or f"không lưu được lần chạy: {type(exc).__name__}: {exc}"
            self._finished.set()
        return self

    def eta_s(self) -> float | None:
        """Seconds left at the pace so far (``None`` before the first answer)."""
        if not self.done:
            return None
        pace = (time.monotonic() - self.started) / self.done
        return pace * (self.total - self.done)

    def to_saved(self, meta: dict[str, Any]) -> SavedRun:
        meta = {
            **meta,
            "run_id": self.run_id,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "status": self.status,
            "n_done": self.done,
            "elapsed_s": round(self.elapsed_s, 2),
            "error": self.error,
        }
        if self.baseline_threshold is not None:
            meta["baseline_threshold"] = self.baseline_threshold
        return SavedRun(meta=meta, questions=list(self.questions), results=list(self.results))


# ---------------------------------------------------------------- saved runs


@dataclass
class SavedRun:
    meta: dict[str, Any]
    questions: list[dict[str, Any]]
    results: list[dict[str, Any]]
    grades: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def run_id(self) -> str:
        return self.meta["run_id"]

    def effective(self) -> list[dict[str, Any]]:
        """Each result with its hand grade applied: ``verdict``, ``correct`` and ``outcome`` as they count."""
        out = []
        for record in self.results:
            grade = self.grades.get(record["id"], {})
            record = {**record, "grade": grade.get("grade", ""), "comment": grade.get("comment", "")}
            if record["grade"] in ("✓", "✗"):
                right = record["grade"] == "✓"
                if right:
                    verdict = "refused_ok" if record.get("abstained") else "correct"
                else:
                    verdict = "wrongly_refused" if record.get("abstained") else "answered_wrongly"
                record.update(verdict=verdict, graded="hand")
            else:
                record["graded"] = "auto" if record["verdict"] != "ungraded" else ""
            record["correct"] = record["verdict"] in RIGHT
            if record["graded"] == "hand":
                record["abstention_correct"] = record["correct"]
            record["outcome"] = record["verdict"]
            out.append(record)
        return out


class RunStore:
    """Runs under one folder, newest first."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, run_id: str) -> Path:
        if not run_id or "/" in run_id or "\\" in run_id or run_id.startswith("."):
            raise ValueError(f"không có lần chạy «{run_id}»")
        return self.root / run_id

    def save(self, saved: SavedRun) -> Path:
        folder = self.path(saved.run_id)
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / "meta.json", json.dumps(saved.meta, ensure_ascii=False, indent=2, default=str))
        atomic_write(
            folder / "questions.jsonl",
            "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in saved.questions),
        )
        atomic_write(
            folder / "results.jsonl",
            "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in saved.results),
        )
        self.save_grades(saved)
        return folder

    def save_grades(self, saved: SavedRun) -> None:
        grades = {k: v for k, v in saved.grades.items() if v.get("grade") or v.get("comment")}
        atomic_write(self.path(saved.run_id) / "grades.json", json.dumps(grades, ensure_ascii=False, indent=2))

    def run_ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted((p.name for p in self.root.iterdir() if (p / "meta.json").is_file()), reverse=True)

    def list(self) -> list[dict[str, Any]]:
        return [
            json.loads((self.root / rid / "meta.json").read_text(encoding="utf-8")) for rid in self.run_ids()
        ]

    def folder(self, ref: str) -> Path:
        """The folder of a run given by id, a unique prefix of one, ``latest`` or a run folder's path."""
        if (Path(ref) / "meta.json").is_file():
            return Path(ref)
        ids = self.run_ids()
        matches = ids[:1] if ref == "latest" else [i for i in ids if i.startswith(ref)]
        if len(matches) != 1:
            raise ValueError(f"Không tìm thấy đúng một lần chạy «{ref}» trong {self.root}.")
        return self.path(matches[0])

    def load(self, ref: str) -> SavedRun:
        folder = self.folder(ref)
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        grades_file = folder / "grades.json"
        return SavedRun(
            meta=meta,
            questions=_read_jsonl(folder / "questions.jsonl"),
            results=_read_jsonl(folder / "results.jsonl"),
            grades=json.loads(grades_file.read_text(encoding="utf-8")) if grades_file.is_file() else {},
        )


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ---------------------------------------------------------------- scores and comparison


def type_table(saved: SavedRun) -> list[dict[str, Any]]:
    """One row per question type and "tất cả": counts, rates over graded questions, citations, latency.

    Rates (correct, answered wrongly, wrongly refused) are shares of the graded questions of the type;
    citation precision/recall is averaged over the questions that name a gold source; latencies over all.
    """
    records = saved.effective()
    graded = [r for r in records if r["verdict"] != "ungraded"]
    rates = eval_run.summarize(graded) if graded else {}
    timing = eval_run.summarize(records) if records else {}
    auto = [r for r in records if r["graded_by"] == "auto"]  # the baseline is scored by the scorer only
    base = eval_run.summarize(auto, prefix="baseline_") if auto and "baseline_correct" in auto[0] else None
    rows = []
    for name in ["overall", *[n for n in timing if n.startswith("type:")]]:
        bucket = [r for r in records if name == "overall" or f"type:{r['type']}" == name]
        sourced = [r for r in bucket if r.get("sources") and r["verdict"] != "ungraded"]
        s, t = rates.get(name), timing[name]
        row = {
            "loại": "tất cả" if name == "overall" else name.removeprefix("type:"),
            "số câu": t["n"],
            "đã chấm": s["n"] if s else 0,
            "đúng": s["correct"] if s else None,
            "trả lời sai": s["answered_wrongly"] if s else None,
            "từ chối sai": s["wrongly_refused"] if s else None,
            "trích dẫn đúng (precision)": _mean(r["citation_precision"] for r in sourced),
            "trích dẫn đủ (recall)": _mean(r["citation_recall"] for r in sourced),
            "p50 (ms)": t["latency_p50"],
            "p95 (ms)": t["latency_p95"],
        }
        if base is not None:
            row["RAG đơn giản: đúng"] = base[name]["correct"] if name in base else None
        rows.append(row)
    return rows


def _mean(values: Any) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


@dataclass
class Comparison:
    right_to_wrong: list[dict[str, Any]]
    wrong_to_right: list[dict[str, Any]]
    still_right: int
    still_wrong: int
    not_comparable: int  # ungraded in either run
    only_a: int
    only_b: int


def compare(a: SavedRun, b: SavedRun) -> Comparison:
    """What changed from run ``a`` to run ``b`` (questions matched by normalised text + earlier turns)."""
    first_a = {r["key"]: r for r in reversed(a.effective())}
    first_b = {r["key"]: r for r in reversed(b.effective())}
    changed: dict[str, list[dict[str, Any]]] = {"rw": [], "wr": []}
    same = {"right": 0, "wrong": 0, "ungraded": 0}
    for key, ra in first_a.items():
        rb = first_b.get(key)
        if rb is None:
            continue
        if "ungraded" in (ra["verdict"], rb["verdict"]):
            same["ungraded"] += 1
            continue
        was, now = ra["verdict"] in RIGHT, rb["verdict"] in RIGHT
        if was == now:
            same["right" if now else "wrong"] += 1
            continue
        changed["rw" if was else "wr"].append(
            {
                "key": key,
                "question": rb["question"],
                "context": rb.get("context", []),
                "type": rb["type"],
                "before": ra["verdict"],
                "after": rb["verdict"],
                "answer_before": ra.get("text", ""),
                "answer_after": rb.get("text", ""),
            }
        )
    return Comparison(
        right_to_wrong=changed["rw"],
        wrong_to_right=changed["wr"],
        still_right=same["right"],
        still_wrong=same["wrong"],
        not_comparable=same["ungraded"],
        only_a=len(set(first_a) - set(first_b)),
        only_b=len(set(first_b) - set(first_a)),
    )


# ---------------------------------------------------------------- exports


def cited_rows(citations: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    """Citations grouped by row (``"320/BC-UBND · Phụ lục I · dòng 4"``) with the distinct quotes of each."""
    rows: dict[str, list[str]] = {}
    for c in citations:
        quotes = rows.setdefault(f"{c.get('report')} · Phụ lục {c.get('annex')} · dòng {c.get('row')}", [])
        if c.get("quote") and c["quote"] not in quotes:
            quotes.append(c["quote"])
    return rows


def citation_text(citations: Sequence[dict[str, Any]]) -> str:
    """``320/BC-UBND · Phụ lục I · dòng 4; …`` (each cited row once)."""
    return "; ".join(cited_rows(citations))


RESULT_COLUMNS = (
    "mã",
    "loại",
    "câu hỏi",
    "ngữ cảnh / câu trước",
    "đáp án mong đợi",
    "câu trả lời",
    "trích dẫn",
    "cách trả lời",
    "thời gian (ms)",
    "kết quả",
    "chấm bởi",
    "chấm tay",
    "ghi chú",
    "lý do (máy chấm)",
)


def result_rows(saved: SavedRun) -> list[dict[str, Any]]:
    """One dict per question, Vietnamese column names (``RESULT_COLUMNS``), for the downloads and the page."""
    rows = []
    for r in saved.effective():
        rows.append(
            {
                "mã": r["id"],
                "loại": r["type"],
                "câu hỏi": r["question"],
                "ngữ cảnh / câu trước": "\n".join(r.get("context") or []),
                "đáp án mong đợi": r.get("expected", ""),
                "câu trả lời": r.get("text", ""),
                "trích dẫn": citation_text(r.get("citations") or []),
                "cách trả lời": ROUTE_LABELS.get(r.get("route") or "", r.get("route") or ""),
                "thời gian (ms)": r.get("latency_ms"),
                "kết quả": VERDICT_LABELS[r["verdict"]],
                "chấm bởi": {"hand": "người chấm", "auto": "máy chấm"}.get(r["graded"], ""),
                "chấm tay": r["grade"],
                "ghi chú": r["comment"],
                "lý do (máy chấm)": r.get("reason", "") if r["graded_by"] == "auto" else "",
                **({"RAG đơn giản: đúng": r.get("baseline_correct")} if "baseline_correct" in r else {}),
            }
        )
    return rows


def _sheet_safe(value: Any) -> Any:
    """A text cell starting with ``=``, ``+``, ``-`` or ``@`` would be a formula in a spreadsheet: keep it text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def results_csv(saved: SavedRun) -> bytes:
    rows = result_rows(saved)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else list(RESULT_COLUMNS))
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _sheet_safe(v) for k, v in row.items()})
    return out.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 with a BOM as Unicode


def results_xlsx(saved: SavedRun, comparison: Comparison | None = None) -> bytes:
    """Results, the per-type table and (optionally) the comparison, one sheet each; text cells stay text."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    sheets = [("Kết quả", result_rows(saved)), ("Theo loại", type_table(saved))]
    if comparison is not None:
        sheets.append(("So sánh", comparison_rows(comparison)))
    for i, (title, rows) in enumerate(sheets):
        sheet = book.active if i == 0 else book.create_sheet()
        sheet.title = title
        columns = list(rows[0]) if rows else list(RESULT_COLUMNS)
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx_value(row.get(c)) for c in columns])
        for cell in (c for line in sheet.iter_rows(min_row=2) for c in line):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def comparison_rows(comparison: Comparison) -> list[dict[str, Any]]:
    return [
        {
            "thay đổi": "đúng → sai" if item in comparison.right_to_wrong else "sai → đúng",
            "loại": item["type"],
            "câu hỏi": item["question"],
            "ngữ cảnh / câu trước": "\n".join(item["context"]),
            "trước": VERDICT_LABELS[item["before"]],
            "sau": VERDICT_LABELS[item["after"]],
            "câu trả lời trước": item["answer_before"],
            "câu trả lời sau": item["answer_after"],
        }
        for item in [*comparison.right_to_wrong, *comparison.wrong_to_right]
    ]


def _cell(text: Any) -> str:
    """Text for a Markdown table cell: one line, ``|`` escaped."""
    return " ".join(str(text if text is not None else "").split()).replace("|", "\\|")


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%".replace(".", ",")


def _num(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f}".replace(".", ",")


BASELINE_NOTE = (
    "Cột «RAG đơn giản»: chia văn bản báo cáo thành đoạn 1.000 ký tự, cùng mô hình nhúng, lấy 4 đoạn gần nhất; "
    "câu trả lời là các đoạn đó (đúng khi mọi chuỗi «phải có» nằm trong đó — một cận trên). Nó từ chối khi "
    "khoảng cách của đoạn gần nhất lớn hơn ngưỡng {threshold}, ngưỡng được chọn trên bộ câu hỏi phát triển "
    "(eval/questions.jsonl) để tỷ lệ đúng cao nhất; nhờ vậy điểm câu «không có trong báo cáo» của nó không bằng 0 "
    "chỉ vì nó không bao giờ từ chối."
)


RATE_COLUMNS = ("đúng", "trả lời sai", "từ chối sai", "RAG đơn giản: đúng")


def formatted_row(row: dict[str, Any]) -> dict[str, str]:
    """A :func:`type_table` row as shown (page and Markdown): ``"93,0%"``, ``"0,95"``, ``"41"``; ``"—"`` for none."""
    return {
        c: _pct(v)
        if c in RATE_COLUMNS
        else _num(v)
        if "trích dẫn" in c
        else _num(v, 0)
        if "ms" in c
        else str(v)
        for c, v in row.items()
    }


def render_markdown(saved: SavedRun, comparison: Comparison | None = None, against: str | None = None) -> str:
    """The run's report in Vietnamese Markdown: what was run on, the per-type table, failures, changes."""
    meta = saved.meta
    qset = meta.get("question_set", {})
    corpus = ", ".join(f"{c['report']} ({c['content_hash']})" for c in meta.get("corpus", [])) or "—"
    status = {"done": "xong", "cancelled": "đã dừng giữa chừng", "failed": "lỗi"}.get(
        meta.get("status"), meta.get("status")
    )
    lines = [
        f"# Đánh giá {meta['run_id']}",
        "",
        f"- Thời điểm: {meta.get('created', '')} (UTC) · trạng thái: {status} · {meta.get('n_done', len(saved.results))}"
        f"/{qset.get('n', len(saved.questions))} câu · {_num(meta.get('elapsed_s'), 1)} giây",
        f"- Bộ câu hỏi: {_cell(qset.get('name'))} (sha256 {str(qset.get('sha256', ''))[:16]})",
        f"- Báo cáo: {_cell(corpus)}" + (f" · lọc: {_cell(meta['filters'])}" if meta.get("filters") else ""),
        f"- Phiên bản mã: {meta.get('code_version', '')} · mô hình nhúng: {meta.get('settings', {}).get('embedder', '')}"
        f" · LLM: {meta.get('settings', {}).get('llm_backend', '')}",
        "",
        "Chấm nghiêm: thiếu chuỗi «phải có», có chuỗi «không được có», sai số lượng hoặc trích dẫn sai dòng đều là sai; "
        "trả lời sai và từ chối sai tính riêng. Điểm chấm tay (✓/✗) thay cho máy chấm; câu chưa chấm không tính vào tỷ lệ.",
        "",
        "## Theo loại câu hỏi",
        "",
    ]
    table = type_table(saved)
    if table:
        columns = list(table[0])
        lines += ["| " + " | ".join(columns) + " |", "|---" + "|---:" * (len(columns) - 1) + "|"]
        for row in table:
            values = [_cell(v) for v in formatted_row(row).values()]
            lines.append("| " + " | ".join(values) + " |")
    if "baseline_threshold" in meta:
        lines += ["", BASELINE_NOTE.format(threshold=_num(meta["baseline_threshold"], 3))]
    records = saved.effective()
    failures = [r for r in records if r["verdict"] in ("answered_wrongly", "wrongly_refused")]
    lines += ["", f"## Câu sai ({len(failures)})", ""]
    for r in failures:
        lines += [
            f"### {_cell(r['id'])} · {_cell(r['type'])} · {VERDICT_LABELS[r['verdict']]}",
            "",
            f"- Câu hỏi: {_cell(r['question'])}",
            *([f"- Câu trước: {_cell(' / '.join(r['context']))}"] if r.get("context") else []),
            f"- Đáp án mong đợi: {_cell(r.get('expected') or ', '.join(r.get('must_include') or []) or '—')}",
            f"- Câu trả lời: {_cell(r.get('text'))}",
            f"- Trích dẫn: {_cell(citation_text(r.get('citations') or []) or '—')}",
            f"- Lý do: {_cell(r.get('comment') or r.get('reason') or '')}",
            "",
        ]
    ungraded = sum(r["verdict"] == "ungraded" for r in records)
    if ungraded:
        lines += [f"Còn {ungraded} câu chưa chấm.", ""]
    if comparison is not None:
        lines += render_comparison(comparison, saved.run_id, against)
    return "\n".join(lines).rstrip() + "\n"


def render_comparison(comparison: Comparison, run_b: str, run_a: str | None) -> list[str]:
    lines = [
        f"## So với lần chạy {run_a or ''}",
        "",
        f"Đúng → sai: {len(comparison.right_to_wrong)} · sai → đúng: {len(comparison.wrong_to_right)} · "
        f"vẫn đúng: {comparison.still_right} · vẫn sai: {comparison.still_wrong} · chưa chấm ở một bên: "
        f"{comparison.not_comparable} · chỉ có ở lần trước: {comparison.only_a} · chỉ có ở lần này ({run_b}): {comparison.only_b}",
        "",
    ]
    for title, items in (
        ("Đúng → sai", comparison.right_to_wrong),
        ("Sai → đúng", comparison.wrong_to_right),
    ):
        if items:
            lines += [f"### {title}", ""]
            lines += [
                f"- ({_cell(i['type'])}) {_cell(i['question'])} — {VERDICT_LABELS[i['after']]}" for i in items
            ]
            lines.append("")
    return lines
