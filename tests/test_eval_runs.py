"""Evaluation runs (eval/runs.py): progress and cancel, saved runs, hand grades, comparison, exports, CLI.

The real assistant over the seed report (hash embedder) and the real scorer; the 500-question progress/cancel
test answers with a stub (the answer function is the edge) so that it takes seconds.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from types import SimpleNamespace

import openpyxl
import pytest

from assistant import answer, get_engine
from assistant.types import Answer, Citation
from eval import run as eval_run
from eval import runs
from eval.baseline import best_threshold
from eval.question_sets import QuestionSet, finish
from settings import Settings
from tests.conftest import SEED_REPORT

DEV_IDS = ["q001", "q002", "q006", "q152"]  # three indicator values and one question the report cannot answer


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    settings = Settings(embedder="hash", data_dir=tmp_path_factory.mktemp("eval_runs_data"))
    return get_engine([SEED_REPORT], settings=settings)


@pytest.fixture(scope="module")
def dev_questions():
    return [finish(q) for q in eval_run.load_questions(eval_run.DEFAULT_QUESTIONS, ids=DEV_IDS)]


def qset(questions, name="dev.jsonl"):
    return QuestionSet(questions=questions, name=name, sha256="0" * 64)


def test_a_500_question_run_shows_progress_and_can_be_cancelled(seed_rows, seed_by_id, tmp_path):
    """A stub answers (the edge) in ~2 ms; the job runs in its thread, the scorer is the real one."""
    gold = seed_rows[5]
    citation = Citation(row_id=gold.id, report=gold.report, annex=gold.annex, row=gold.row)
    started_answering = threading.Event()

    def stub(question, history, *, engine, filters=None):
        started_answering.set()
        time.sleep(0.002)
        return Answer(text=f"{gold.name}: 12,5", citations=[citation], route="table")

    questions = [
        {
            "question": f"Câu hỏi {i}?",
            "must_include": ["12,5"],
            "sources": [{"annex": gold.annex, "row": gold.row}] if i % 2 else [],
        }
        for i in range(500)
    ]
    fake_engine = SimpleNamespace(by_id=seed_by_id, rows=seed_rows, reports=lambda: [])
    store = runs.RunStore(tmp_path / "eval_runs")
    job = runs.RunJob(
        questions, stub, fake_engine, store=store, meta={"question_set": {"name": "x", "n": 500}}
    ).start()
    seen = []
    deadline = time.monotonic() + 60
    while job.done < 100 and time.monotonic() < deadline:
        seen.append(job.done)
        time.sleep(0.01)
    assert job.status == "running" and job.eta_s() > 0
    job.cancel()
    job.wait(30)
    assert job.finished and job.status == "cancelled"
    assert 100 <= job.done < 500
    assert seen == sorted(seen) and len(set(seen)) > 5  # the progress moved while it was read
    saved = store.load(job.saved_run_id)
    assert (saved.meta["status"], saved.meta["n_done"], len(saved.results)) == (
        "cancelled",
        job.done,
        job.done,
    )
    assert {r["verdict"] for r in saved.results} == {"correct"}

    full = runs.RunJob(questions, stub, fake_engine).start().wait(60)
    assert (full.status, full.done) == ("done", 500)
    assert full.elapsed_s < 30


def test_a_run_of_the_real_assistant_is_saved_with_what_it_ran_on(engine, dev_questions, tmp_path):
    store = runs.RunStore(tmp_path / "eval_runs")
    meta = runs.run_meta(qset(dev_questions), engine, {"report": "320/BC-UBND"}, engine.settings)
    job = runs.RunJob(
        dev_questions, answer, engine, filters={"report": "320/BC-UBND"}, store=store, meta=meta
    ).start()
    job.wait(120)
    assert job.status == "done" and job.error is None
    saved = store.load("latest")
    assert saved.run_id == job.saved_run_id == store.run_ids()[0]
    assert [(r["id"], r["verdict"]) for r in saved.results] == [
        ("q001", "correct"),
        ("q002", "correct"),
        ("q006", "correct"),
        ("q152", "refused_ok"),
    ]
    first = saved.results[0]
    assert (
        first["route"] == "table"
        and first["citations"][0]["row_id"] == "320/BC-UBND:I:4"
        and first["latency_ms"] > 0
    )
    assert saved.meta["corpus"] == [
        {
            "report": "320/BC-UBND",
            "date": "2024-11-15",
            "rows": len(engine.rows),
            "content_hash": runs.corpus_of(engine)[0]["content_hash"],
        }
    ]
    assert saved.meta["code_version"].startswith(("git:", "src:"))
    assert saved.meta["settings"]["embedder"] == "hash" and saved.meta["filters"] == {"report": "320/BC-UBND"}
    assert saved.meta["question_set"] == {"name": "dev.jsonl", "sha256": "0" * 64, "n": 4}
    folder = store.folder(saved.run_id)
    assert sorted(p.name for p in folder.iterdir()) == [
        "grades.json",
        "meta.json",
        "questions.jsonl",
        "results.jsonl",
    ]
    table = runs.type_table(saved)
    assert [(r["loại"], r["số câu"], r["đúng"]) for r in table] == [
        ("tất cả", 4, 1.0),
        ("lookup_number", 3, 1.0),
        ("no_answer", 1, 1.0),
    ]
    assert table[1]["trích dẫn đúng (precision)"] == 1.0 and table[2]["trích dẫn đúng (precision)"] is None


def test_a_real_run_can_be_cancelled_between_questions(engine, dev_questions):
    def slow_answer(*args, **kwargs):
        time.sleep(0.3)
        return answer(*args, **kwargs)

    job = runs.RunJob(dev_questions * 5, slow_answer, engine).start()
    while job.done < 1:
        time.sleep(0.02)
    job.cancel()
    assert job.wait(30).status == "cancelled" and 1 <= job.done < 20


def test_hand_grades_count_and_comparison_finds_changes(engine, dev_questions, tmp_path):
    store = runs.RunStore(tmp_path / "eval_runs")
    before = runs.RunJob(dev_questions, answer, engine, store=store, meta={}).start().wait(120)
    changed = [dict(q) for q in dev_questions]
    changed[0]["must_include"] = ["99.999"]  # now the first answer is wrong
    bare = [
        {"id": q["id"], "question": q["question"], "context": q["context"]} for q in dev_questions
    ]  # no gold
    after = runs.RunJob(changed, answer, engine, store=store, meta={}).start().wait(120)
    ungraded = runs.RunJob(bare, answer, engine, store=store, meta={}).start().wait(120)

    a, b, c = (store.load(j.saved_run_id) for j in (before, after, ungraded))
    diff = runs.compare(a, b)
    assert [i["question"] for i in diff.right_to_wrong] == [dev_questions[0]["question"]]
    assert (diff.wrong_to_right, diff.still_right, diff.still_wrong) == ([], 3, 0)

    assert {r["verdict"] for r in c.results} == {"ungraded"}
    assert runs.type_table(c)[0]["đã chấm"] == 0
    c.grades = {"q001": {"grade": "✗", "comment": "sai đơn vị"}, "q152": {"grade": "✓", "comment": ""}}
    store.save_grades(c)
    c = store.load(c.run_id)
    overall = runs.type_table(c)[0]
    assert (overall["đã chấm"], overall["đúng"], overall["trả lời sai"]) == (2, 0.5, 0.5)
    diff = runs.compare(a, c)
    assert [i["question"] for i in diff.right_to_wrong] == [dev_questions[0]["question"]]
    assert (diff.still_right, diff.not_comparable) == (1, 2)
    b.grades = {"q001": {"grade": "✓", "comment": ""}}  # a hand grade overrides the scorer
    assert runs.compare(a, b).right_to_wrong == []

    markdown = runs.render_markdown(c, runs.compare(a, c), a.run_id)
    assert "| tất cả | 4 | 2 | 50,0% | 50,0% | 0,0% |" in markdown
    assert "Lý do: sai đơn vị" in markdown and "Còn 2 câu chưa chấm." in markdown
    assert "Đúng → sai: 1 · sai → đúng: 0 · vẫn đúng: 1" in markdown


def test_exports_keep_text_as_text(dev_questions):
    record = runs.annotate(
        {
            "id": "q1",
            "type": "chung",
            "question": '=HYPERLINK("x")',
            "context": [],
            "text": "=1+2",
            "citations": [],
            "route": "none",
            "latency_ms": 3.0,
            "outcome": "correct",
            "reason": "",
            "abstained": False,
            "citation_precision": 1.0,
            "citation_recall": 1.0,
            "diacritics": False,
            "unsupported_numbers": [],
            "correct": True,
            "abstention_correct": True,
        },
        finish({"question": '=HYPERLINK("x")'}),
    )
    saved = runs.SavedRun(
        meta={"run_id": "r1"}, questions=[], results=[record], grades={"q1": {"grade": "✓", "comment": "@ok"}}
    )
    rows = list(csv.DictReader(io.StringIO(runs.results_csv(saved).decode("utf-8-sig"))))
    assert (rows[0]["câu hỏi"], rows[0]["câu trả lời"], rows[0]["ghi chú"], rows[0]["kết quả"]) == (
        '\'=HYPERLINK("x")',
        "'=1+2",
        "'@ok",
        "đúng",
    )
    sheet = openpyxl.load_workbook(io.BytesIO(runs.results_xlsx(saved)))["Kết quả"]
    header = [c.value for c in sheet[1]]
    answer_cell = sheet.cell(row=2, column=header.index("câu trả lời") + 1)
    assert (answer_cell.value, answer_cell.data_type) == ("=1+2", "s")


def test_baseline_threshold_fit_refuses_far_questions():
    points = [
        (0.2, True, True),
        (0.3, True, True),
        (0.9, False, False),
        (0.5, True, False),
        (1.1, False, False),
    ]
    assert best_threshold(points) == 0.5  # keep what is near, refuse the two far unanswerable ones
    assert best_threshold([(0.2, True, True)]) == float("inf")


def test_cli_reads_an_xlsx_saves_and_compares(tmp_path, monkeypatch, capsys):
    from settings import get_settings

    monkeypatch.setenv("VNQA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VNQA_EMBEDDER", "hash")
    get_settings.cache_clear()
    try:
        book = openpyxl.Workbook()
        book.active.append(["Câu hỏi", "Phải có", "Nguồn"])
        book.active.append(
            ["Tổng vốn đầu tư trên địa bàn năm 2024 ước đạt bao nhiêu?", "31.500,00", "Phụ lục I, dòng 4"]
        )
        book.active.append(["Tình hình dự án Thư viện thành phố?", None, None])
        path = tmp_path / "cau-hoi.xlsx"
        book.save(path)
        common = ["--questions", str(path), "--corpus", str(SEED_REPORT), "--no-progress"]
        assert eval_run.main([*common, "--save", "--out", str(tmp_path / "out1")]) == 0
        assert eval_run.main([*common, "--compare", "latest", "--out", str(tmp_path / "out2")]) == 0
        printed = capsys.readouterr().out
        assert "Đúng → sai: 0 · sai → đúng: 0 · vẫn đúng: 1 · vẫn sai: 0 · chưa chấm ở một bên: 1" in printed
        store = runs.RunStore(tmp_path / "data" / "eval_runs")
        assert len(store.run_ids()) == 2
        meta = store.load("latest").meta
        assert meta["question_set"]["name"] == "cau-hoi.xlsx" and meta["corpus"][0]["report"] == "320/BC-UBND"
        out = tmp_path / "out2"
        assert {p.name for p in out.iterdir()} >= {
            "report.md",
            "bao-cao-danh-gia.md",
            "ket-qua.xlsx",
            "ket-qua.csv",
        }
        assert "## So với lần chạy" in (out / "bao-cao-danh-gia.md").read_text(encoding="utf-8")
        assert [r["verdict"] for r in store.load("latest").results] == ["correct", "ungraded"]
        assert len((out / "results.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    finally:
        get_settings.cache_clear()


def test_baseline_column_abstains_above_the_threshold_fit_on_the_dev_set(engine, dev_questions, tmp_path):
    from eval.baseline import Baseline, fit_threshold
    from retrieval.embeddings import get_embedder

    embedder = get_embedder(engine.settings)
    threshold = fit_threshold(embedder=embedder, cache_dir=tmp_path)
    assert json.loads((tmp_path / "baseline_threshold.json").read_text())["threshold"] == threshold
    assert fit_threshold(embedder=embedder, cache_dir=tmp_path) == threshold  # cached

    def baseline():
        return Baseline([SEED_REPORT], embedder=embedder), threshold

    job = runs.RunJob(dev_questions, answer, engine, baseline=baseline).start().wait(120)
    saved = job.to_saved({"run_id": "x"})
    assert job.status == "done" and saved.meta["baseline_threshold"] == threshold
    for record in saved.results:
        assert record["baseline_abstained"] is (record["baseline_text"] == "")
        assert record["baseline_correct"] in (True, False)
    assert "RAG đơn giản: đúng" in runs.type_table(saved)[0]
    assert "ngưỡng được chọn trên bộ câu hỏi phát triển" in runs.render_markdown(saved)


def test_grading_table_edits_become_saved_grades(tmp_path):
    from ui.evaluation import apply_grade_edits, grading_frame

    def record(qid, graded_by):
        return {
            "id": qid,
            "type": "chung",
            "question": f"{qid}?",
            "context": [],
            "text": "đáp",
            "citations": [],
            "verdict": "ungraded" if graded_by == "hand" else "correct",
            "graded_by": graded_by,
            "abstained": False,
        }

    saved = runs.SavedRun(
        meta={"run_id": "r1"},
        questions=[],
        results=[record("q1", "hand"), record("q2", "auto"), record("q3", "hand")],
    )
    frame = grading_frame(saved, show_all=False)
    assert list(frame["mã"]) == ["q1", "q3"] and list(frame["chấm"]) == ["", ""]
    assert (
        apply_grade_edits(saved, frame, {1: {"chấm": "✗", "ghi chú": "thiếu đơn vị"}, 0: {"chấm": "✓"}}) == 2
    )
    store = runs.RunStore(tmp_path)
    store.path("r1").mkdir()
    store.save_grades(saved)
    assert json.loads((tmp_path / "r1" / "grades.json").read_text(encoding="utf-8")) == {
        "q3": {"grade": "✗", "comment": "thiếu đơn vị"},
        "q1": {"grade": "✓", "comment": ""},
    }
    assert apply_grade_edits(saved, frame, {0: {"chấm": "✓"}}) == 0  # the same edit again changes nothing
    assert [r["verdict"] for r in saved.effective()] == ["correct", "correct", "answered_wrongly"]
    assert list(grading_frame(saved, show_all=True)["chấm"]) == ["✓", "", "✗"]
