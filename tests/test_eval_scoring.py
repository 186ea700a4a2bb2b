"""Unit tests of eval/scoring.py and the runner's bookkeeping, with hand-made answers (no model)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from eval import run as eval_run
from eval.scoring import (
    canonical,
    citation_pr,
    contains,
    has_diacritics,
    is_number,
    missing_items,
    normalize,
    score_answer,
    stated_numbers,
    unsupported_numbers,
)

ROW_4 = SimpleNamespace(
    id="320/BC-UBND:I:4",
    report="320/BC-UBND",
    report_date="2024-11-15",
    annex="I",
    row="4",
    row_numbers=["4"],
    name="Tổng vốn đầu tư trên địa bàn",
    cells={"Năm 2024 – Ước thực hiện cả năm": "31.500,00", "So sánh (%) – Ước TH năm 2024/so NQ": "90,00"},
    extra_values=[],
    footnotes=[],
    facts={"estimate": {"raw": "31.500,00", "value": 31500.0}},
    text="Báo cáo số 320/BC-UBND ngày 15/11/2024, Phụ lục I. Chỉ tiêu 4: Tổng vốn đầu tư trên địa bàn. "
    "Năm 2023 – Thực hiện cả năm: 28.527,46. Năm 2024 – Ước thực hiện cả năm: 31.500,00.",
)
ROWS = {ROW_4.id: ROW_4}


def cite(report="320/BC-UBND", annex="I", row="4", quote=""):
    return {"row_id": f"{report}:{annex}:{row}", "report": report, "annex": annex, "row": row, "quote": quote}


# ------------------------------------------------------------- number formats


@pytest.mark.parametrize("written", ["31.500,00", "31500", "31.500", "31500,00"])
def test_vn_number_formats_compare_as_numbers(written):
    assert contains(f"Tổng vốn đầu tư ước đạt {written} tỷ đồng.", "31.500,00")
    assert contains("Tổng vốn đầu tư ước đạt 31.500,00 tỷ đồng.", written)


def test_close_numbers_are_not_equal():
    assert not contains("GRDP năm 2024 ước tăng 5,87%.", "5,86")
    assert contains("GRDP năm 2024 ước tăng 5,86%.", "5,86")
    assert contains("GRDP năm 2024 ước tăng 5,860 %.", "5,86")


def test_number_is_a_whole_token():
    assert not contains("Phụ lục III có 14 dự án.", "4")
    assert contains("Phụ lục III có 4 dự án.", "4")
    assert not contains("mã 1921", "921")
    assert contains("Đường tỉnh 921 đoạn tuyến thẳng", "921")
    assert is_number("3,7%") and is_number("31.500,00") and not is_number("1519/QĐ-TTg")


def test_case_space_and_nfc_normalisation():
    decomposed = "Chu\u031ba đa\u0323t NQ"  # "Chưa đạt NQ" in NFD
    assert contains(f"Ghi chú:   {decomposed}", "chưa ĐẠT nq")
    assert contains("Sở  Khoa học\nvà Công nghệ chủ trì", "Sở Khoa học và Công nghệ")
    assert contains("triển khai 2024 – 2028", "2024 - 2028")
    assert contains("khoảng 5,7 ha", "5,7ha")
    assert contains("đạt 3,70 %", "3,7%")
    assert normalize("  Chưa  ĐẠT\nNQ ") == "chưa đạt nq"
    assert canonical("31.500,00 tỷ") == canonical("31500 tỷ")


def test_mixed_strings_are_substrings():
    text = "Quyết định số 1519/QĐ-TTg ngày 02/12/2023 và trang www.catex.vn"
    assert contains(text, "1519/QĐ-TTg")
    assert contains(text, "www.catex.vn")
    assert not contains(text, "589/QĐ-TTg")
    assert missing_items(text, ["1519/QĐ-TTg", "589/QĐ-TTg"]) == ["589/QĐ-TTg"]


def test_diacritics_bucket():
    assert not has_diacritics("grdp binh quan dau nguoi nam 2024 uoc dat bao nhieu")
    assert has_diacritics("Đường tỉnh 923 tiến độ đến đâu rồi?")


# ------------------------------------------------------------- citations


def test_citation_precision_recall_with_any_report():
    sources = [{"annex": "III", "row": "20"}, {"report": "320/BC-UBND", "annex": "III", "row": "5"}]
    cits = [
        cite(annex="III", row="20"),
        cite(report="45/BC-UBND", annex="III", row="5"),
        cite(annex="II", row="1"),
    ]
    precision, recall = citation_pr(cits, sources)
    assert precision == pytest.approx(1 / 3)  # III.20 any report matches; 45's III.5 does not
    assert recall == pytest.approx(1 / 2)


def test_citation_pr_edge_cases():
    assert citation_pr([], []) == (1.0, 1.0)
    assert citation_pr([], [{"annex": "I", "row": "4"}]) == (0.0, 0.0)
    assert citation_pr([cite()], []) == (0.0, 1.0)
    # the same row cited twice (two cells) counts once
    assert citation_pr([cite(), cite(quote="90,00")], [{"annex": "I", "row": "4"}]) == (1.0, 1.0)
    # a sub-line's letter as printed ("b)") names the sub-line "13.b", not row "13"
    assert citation_pr([cite(annex="I", row="13.b")], [{"annex": "I", "row": "b)"}]) == (1.0, 1.0)
    assert citation_pr([cite(annex="I", row="13")], [{"annex": "I", "row": "b)"}]) == (0.0, 0.0)
    legend = {"row_id": "320/BC-UBND:III:Ghi chú", "report": "320/BC-UBND", "annex": "III", "row": "Ghi chú"}
    assert citation_pr([legend], [{"report": "320/BC-UBND", "annex": "III", "row": "Ghi chú"}]) == (1.0, 1.0)


# ------------------------------------------------------------- unsupported numbers


def test_supported_numbers_pass():
    text = "Theo Báo cáo 320/BC-UBND, Phụ lục I (chỉ tiêu 4): tổng vốn đầu tư năm 2024 ước đạt 31.500 tỷ đồng, bằng 90% NQ."
    assert unsupported_numbers(text, [cite()], ROWS).numbers == []


def test_invented_number_is_flagged():
    text = "Phụ lục I (mục 4): tổng vốn đầu tư ước đạt 31.500,00 tỷ đồng, tăng 12,34% so với năm 2023."
    assert unsupported_numbers(text, [cite()], ROWS).numbers == [12.34]
    # the same number is fine once it is declared as computed by code
    assert unsupported_numbers(text, [cite()], ROWS, computed_values=["12,34"]).numbers == []


def test_no_citation_means_every_number_unsupported():
    assert unsupported_numbers("Ước đạt 31.500,00 tỷ đồng.", [], ROWS).numbers == [31500.0]


def test_legend_citation_checked_against_quote():
    legend = {
        "row_id": "320/BC-UBND:III:Ghi chú",
        "report": "320/BC-UBND",
        "annex": "III",
        "row": "Ghi chú",
        "quote": "(****) Dự án triển khai sau năm 2024-2025",
    }
    text = "Theo Ghi chú Phụ lục III của Báo cáo 320/BC-UBND, (****) là dự án triển khai sau năm 2024-2025."
    assert unsupported_numbers(text, [legend], ROWS).numbers == []
    assert unsupported_numbers(text + " Có 7 dự án như vậy.", [legend], ROWS).numbers == [7.0]


# ------------------------------------------------------------- abstention


NO_ANSWER = {
    "id": "q152",
    "type": "no_answer",
    "question": "Dân số thành phố Cần Thơ năm 2024 là bao nhiêu?",
    "must_include": [],
    "sources": [],
}


def test_no_answer_abstained_without_numbers_is_correct():
    text = "Báo cáo 320/BC-UBND (các Phụ lục I–V) không có thông tin về dân số năm 2024."
    score = score_answer(NO_ANSWER, text, abstained=True, rows_by_id=ROWS, report_ids={"320/BC-UBND"})
    assert score.correct and score.abstention_correct
    assert score.citation_precision == 1.0 and score.unsupported == []
    assert stated_numbers(text, [NO_ANSWER["question"]]) == []


def test_no_answer_with_a_number_or_without_abstaining_is_wrong():
    guessed = score_answer(
        NO_ANSWER, "Không có số liệu chính thức; ước khoảng 1.250.000 người.", abstained=True
    )
    assert not guessed.correct and not guessed.abstention_correct and "1250000" in guessed.reason
    answered = score_answer(NO_ANSWER, "Không rõ.", abstained=False)
    assert not answered.correct and answered.reason == "did not abstain"


def test_answerable_question_scores():
    q = {
        "id": "q001",
        "type": "lookup_number",
        "question": "Tổng vốn đầu tư năm 2024?",
        "must_include": ["31.500,00"],
        "sources": [{"report": "320/BC-UBND", "annex": "I", "row": "4"}],
    }
    good = score_answer(q, "Ước đạt 31500 tỷ đồng (Phụ lục I, chỉ tiêu 4).", False, [cite()], ROWS)
    assert good.correct and good.abstention_correct and good.citation_recall == 1.0 and good.unsupported == []
    refused = score_answer(q, "Không có thông tin.", True, [], ROWS)
    assert not refused.correct and not refused.abstention_correct and refused.reason == "abstained"
    count = {**q, "type": "count", "must_include": ["12"]}
    assert not score_answer(count, "Có 112 dự án.", False).correct


# ------------------------------------------------------------- runner bookkeeping (fake answer)


class FakeAnswer(SimpleNamespace):
    pass


def fake_answer(question, history=None, *, engine=None, filters=None):
    if "dân số" in question.lower():
        return FakeAnswer(
            text="Báo cáo 320/BC-UBND không có thông tin này.",
            citations=[],
            abstained=True,
            route="none",
            intent="",
            confidence=0.3,
            notices=[],
        )
    context = " ".join(h["content"] for h in history or [])
    text = "Ước đạt 31.500,00 tỷ đồng." if "vốn" in question + context else "Không biết 777."
    return FakeAnswer(
        text=text,
        citations=[cite(quote="31.500,00")],
        abstained=False,
        route="table",
        intent="lookup",
        confidence=1.0,
        notices=[],
        computed_values=[],
    )


def test_runner_with_fake_answer(tmp_path):
    questions = [
        {
            "id": "a",
            "type": "lookup_number",
            "question": "Tổng vốn đầu tư?",
            "context": "",
            "must_include": ["31500"],
            "sources": [{"annex": "I", "row": "4"}],
            "extra": "ignored",
        },
        {
            "id": "b",
            "type": "followup",
            "question": "con nam 2023 thi sao",
            "context": ["Tổng vốn đầu tư?"],
            "must_include": ["31.500,00"],
            "sources": [{"report": "320/BC-UBND", "annex": "I", "row": "4"}],
        },
        {"id": "c", "type": "no_answer", "question": "Dân số năm 2024?"},
        {"id": "d", "type": "lookup_number", "question": "GRDP?", "must_include": ["5,86"]},
    ]
    engine = SimpleNamespace(rows=[ROW_4], by_id=ROWS)
    result = eval_run.run_eval(
        questions, [], out_dir=tmp_path, answer_fn=fake_answer, engine=engine, progress=False
    )
    by_id = {r["id"]: r for r in result.results}
    assert by_id["a"]["correct"] and by_id["b"]["correct"] and by_id["c"]["correct"]
    assert not by_id["d"]["correct"] and by_id["d"]["missing"] == ["5,86"]
    assert by_id["d"]["unsupported_numbers"] == ["777"]
    assert by_id["b"]["diacritics"] is False
    assert result.summary["overall"]["n"] == 4 and result.correct_rate == pytest.approx(0.75)
    assert result.summary["khong dau"]["n"] == 2  # "con nam 2023 thi sao", "GRDP?"
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| overall | 4 | 75.0%" in report and "`d` (lookup_number): missing ['5,86']" in report
    lines = (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b", "c", "d"]
    assert (tmp_path / "scores.png").stat().st_size > 1000


def test_load_questions_defaults_and_filters(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"id": "x1", "question": "a?"}\n\n{"id": "x2", "type": "count", "question": "b?", '
        '"context": "c?", "sources": [{"annex": "I", "row": 4}]}\n',
        encoding="utf-8",
    )
    qs = eval_run.load_questions(path)
    assert qs[0]["type"] == "unknown" and qs[0]["context"] == [] and qs[0]["must_include"] == []
    assert qs[1]["context"] == ["c?"] and qs[1]["sources"] == [{"annex": "I", "row": "4"}]
    assert [q["id"] for q in eval_run.load_questions(path, ids=["x2"])] == ["x2"]
    assert len(eval_run.load_questions(path, limit=1)) == 1
    corpus = eval_run.default_corpus([{"question": "Theo báo cáo 45/BC-UBND ..."}])
    assert any(p.name.startswith("bao-cao-45") for p in corpus)
    assert not any(p.name.startswith("bao-cao-45") for p in eval_run.default_corpus(qs))


def test_fixture_report_only_for_questions_that_name_it():
    corpus = [eval_run.RAW_DIR / "seed.txt", *eval_run.FIXTURE_REPORTS.values()]
    seed_q = eval_run.normalize_question({"question": "Thư viện Thành phố giải ngân được 45 tỷ chưa?"})
    named = eval_run.normalize_question(
        {"question": "giải ngân?", "context": "Theo báo cáo 45/BC-UBND, Thư viện?"}
    )
    short = eval_run.normalize_question({"question": "theo bao cao 45, GRDP 2025?"})
    assert eval_run.corpus_for(seed_q, corpus, explicit=False) == corpus[:1]
    with_45 = [corpus[0], eval_run.FIXTURE_REPORTS["45/BC-UBND"]]
    assert eval_run.corpus_for(named, corpus, explicit=False) == with_45  # only the fixture it names
    assert eval_run.corpus_for(short, corpus, explicit=False) == with_45
    assert eval_run.corpus_for(seed_q, corpus, explicit=True) == corpus


def test_list_markers_are_not_numbers():
    text = "Xếp hạng theo vốn:\n1. Tổng vốn đầu tư (PL I mục 4): 31.500,00\n2) Khác: 31.500"
    assert unsupported_numbers(text, [cite()], ROWS).numbers == []
    assert unsupported_numbers(text + "\nCó 2 mục.", [cite()], ROWS).numbers == [2.0]


def test_count_must_be_stated_not_a_row_label():
    q = {
        "id": "q057",
        "type": "count",
        "question": "Phụ lục I có bao nhiêu chỉ tiêu xã hội?",
        "must_include": ["6"],
    }
    listed = "Có 43 chỉ tiêu (Phụ lục I). Gồm: PL I mục 1 GRDP; PL I mục 6 Giá trị năng suất lao động; ngày 6/11/2024."
    assert not score_answer(q, listed, False).correct
    assert score_answer(q, "Có 6 chỉ tiêu xã hội (Phụ lục I): mục 9, 10, 11, 12, 13, 14.", False).correct
    assert score_answer(q, "Phụ lục I có 06 chỉ tiêu xã hội.", False).correct


def test_rank_winner_must_be_in_the_headline():
    q = {
        "id": "q065",
        "type": "rank",
        "question": "Khu vực nào tăng trưởng cao nhất?",
        "must_include": ["Dịch vụ", "6,78"],
    }
    wrong = "Tổng vốn đầu tư có ước thực hiện cao nhất: 31.500,00.\nXếp hạng:\n- Tổng vốn: 31.500,00\n- Dịch vụ: 6,78"
    assert not score_answer(q, wrong, False).correct
    assert score_answer(q, "Dịch vụ tăng cao nhất: 6,78%.\nXếp hạng:\n- Dịch vụ: 6,78", False).correct
    assert score_answer(
        q, "Xếp hạng theo tăng trưởng:\n1. Dịch vụ: 6,78%\n2. Công nghiệp: 6,62%", False
    ).correct


def test_an_overview_group_heading_stands_for_its_rows():
    """Gold "B" (the group) is met by citing a row under B, gold rows under B by citing "B"; other types are strict."""
    group = SimpleNamespace(id="418/BC-UBND:I:B", report="418/BC-UBND", annex="I", row="B", printed="B", kind="group",
                            group=None)
    member = SimpleNamespace(id="418/BC-UBND:I:9", report="418/BC-UBND", annex="I", row="9", printed="9", kind="indicator",
                             group="B")
    other = SimpleNamespace(id="418/BC-UBND:I:1", report="418/BC-UBND", annex="I", row="1", printed="1", kind="indicator",
                            group="A")
    rows = {r.id: r for r in (group, member, other)}
    overview = {"id": "o1", "type": "overview", "question": "Các chỉ tiêu xã hội đạt thế nào?", "must_include": [],
                "sources": [{"report": "418/BC-UBND", "annex": "I", "row": "B"}]}
    text = "Nhóm B: 12 mục."
    assert score_answer(overview, text, False, [cite("418/BC-UBND", "I", "9")], rows).correct
    assert not score_answer(overview, text, False, [cite("418/BC-UBND", "I", "1")], rows).correct
    members = {**overview, "sources": [{"report": "418/BC-UBND", "annex": "I", "row": "9"}]}
    assert score_answer(members, text, False, [cite("418/BC-UBND", "I", "B")], rows).correct
    lookup = {**overview, "type": "lookup_number"}
    assert not score_answer(lookup, text, False, [cite("418/BC-UBND", "I", "9")], rows).correct


def test_a_number_after_a_road_abbreviation_is_stated():
    assert contains("Nâng cấp, mở rộng đường ĐT.265 đoạn từ Km0", "265") and not contains("1.265 tỷ", "265")


def test_unsourced_questions_of_a_set_about_one_fixture_report_are_asked_of_it():
    """A no-answer question of a Huế set is asked of the Huế report, not of the bundled one alone."""
    hue = next(r for r in eval_run.FIXTURE_REPORTS if r.startswith("468/"))
    questions = eval_run.with_set_report([
        eval_run.normalize_question({"question": "GRDP?", "sources": [{"report": hue, "annex": "I", "row": "1"}]}),
        eval_run.normalize_question({"question": "Chỉ số PCI năm 2025?", "type": "no_answer"}),
    ])
    corpus = [eval_run.RAW_DIR / "seed.txt", *eval_run.FIXTURE_REPORTS.values()]
    assert eval_run.corpus_for(questions[1], corpus, explicit=False) == [corpus[0], eval_run.FIXTURE_REPORTS[hue]]
    mixed = eval_run.with_set_report([questions[0], eval_run.normalize_question(
        {"question": "x", "sources": [{"report": "320/BC-UBND", "annex": "I", "row": "1"}]}), questions[1]])
    assert mixed[2]["report"] == hue  # already said: kept
    assert eval_run.with_set_report([mixed[1], eval_run.normalize_question({"question": "y"})])[1].get("report") is None


def test_labels_a_reader_cites_and_numbers_of_document_codes():
    """A line printed without a number is cited by its name ("Trong đó: Khu vực đô thị"); a counted row's sub-line
    cited for its figure is no extra row; a forbidden number inside a document's code ("412/BC-SKHĐT") is not stated."""
    from eval.scoring import citation_matches, wrong_rows

    named = {**cite(row="15.1"), "printed": "15", "name": "Khu vực đô thị"}
    assert citation_matches(named, {"annex": "I", "row": "Trong đó: Khu vực đô thị"})
    count = {"type": "count", "count": 2, "sources": [{"annex": "V", "row": "2"}, {"annex": "V", "row": "3"}]}
    cited = [cite(annex="V", row="2"), cite(annex="V", row="2.b"), cite(annex="V", row="3"), cite(annex="V", row="3.b")]
    assert wrong_rows(count, cited) == ""
    q = {"id": "x", "type": "followup", "question": "…", "must_include": ["38"], "must_not_include": ["412"],
         "sources": [{"report": "412/BC-SKHĐT", "annex": "2", "row": "1.1"}]}
    reply = "Còn 38 hộ chưa nhận tiền. (Theo Báo cáo số 412/BC-SKHĐT ngày 06/12/2024.)"
    assert score_answer(q, reply, False, [cite(report="412/BC-SKHĐT", annex="2", row="1.1")]).correct
    assert not score_answer(q, "Còn 38 hộ; 412 hộ vướng.", False, [cite(report="412/BC-SKHĐT", annex="2", row="1.1")]).correct


def test_a_gold_label_as_printed_with_its_dash_or_a_groups_total_word():
    """"- Khách quốc tế" is the line named "Khách quốc tế"; a group's subtotal printed "Tổng số" is that line, while
    "TỔNG SỐ (1+2+3)" is still the report's total row."""
    from eval.scoring import citation_matches

    assert citation_matches({**cite(row="6.1"), "name": "- Khách quốc tế"}, {"annex": "I", "row": "- Khách quốc tế"})
    subtotal = {**cite(annex="IV", row="Cộng B"), "name": "Tổng số"}
    assert citation_matches(subtotal, {"annex": "IV", "row": "Tổng số"})
    assert citation_matches(cite(annex="V", row="Tổng cộng"), {"annex": "V", "row": "TỔNG SỐ (1+2+3)"})
    assert not citation_matches(subtotal, {"annex": "IV", "row": "Cộng A"})


def test_a_sub_line_cited_for_its_figure_meets_its_gold_row():
    """A list whose gold is the programmes ("2", "3") is met by citing the lines that print the figure asked
    ("2.b", "3.b"); another row's sub-line is not."""
    from eval.scoring import wrong_rows

    listed = {"type": "filter", "sources": [{"report": "468/BC-UBND", "annex": "V", "row": "2"},
                                            {"report": "468/BC-UBND", "annex": "V", "row": "3"}]}
    assert wrong_rows(listed, [cite("468/BC-UBND", "V", "2.b"), cite("468/BC-UBND", "V", "3.b")]) == ""
    assert wrong_rows(listed, [cite("468/BC-UBND", "V", "1.b")]) != ""
