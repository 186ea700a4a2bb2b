"""The chat page's pure parts: answer layout, question preparation, saved conversations and their export.

Real engine (hash embedder) on the seed report in a temporary data folder; no Streamlit.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

import assistant
from assistant.types import Answer, Citation
from ui.brief import conversation_docx, conversation_markdown
from ui.chat import (
    assistant_message,
    prepare_question,
    reports_summary,
    sync_conversation,
    user_message,
    welcome_questions,
)
from ui.conversations import ConversationStore, new_conversation_id, safe_user_dir
from ui.render import answer_sections, chart_frame, detail_lines, value_domain, wrap_label

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "bao-cao-320-BC-UBND-2024-phu-luc.txt"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from assistant import get_engine
    from settings import Settings

    return get_engine([SEED], settings=Settings(embedder="hash", data_dir=tmp_path_factory.mktemp("chat_ui")))


def ask(engine, question: str) -> Answer:
    return assistant.answer(question, [], engine=engine)


# -- answer layout ------------------------------------------------------------------------------


def test_yes_no_answer_leads_with_the_verdict(engine):
    reply = ask(engine, "GRDP bình quân đầu người năm 2024 có đạt kế hoạch không?")
    sections = answer_sections(reply)
    assert sections.lead[0].startswith("Cơ bản đạt.")
    assert detail_lines(reply) == [
        "Mã dòng: 320/BC-UBND:I:2",
        "Cách trả lời: tra bảng số liệu",
        f"Thời gian trả lời: {detail_lines(reply)[2].split(': ')[1]}",
    ]


def test_list_answer_does_not_repeat_its_table(engine):
    reply = ask(engine, "Những chỉ tiêu nào chưa đạt?")
    assert len(reply.table) == 3 and reply.text.count("\n- ") == 3  # the text has the list ...
    sections = answer_sections(reply)
    shown = sections.lead + sections.numbers + sections.details
    assert shown == [
        "Có 3 chỉ tiêu (đánh giá chưa đạt, Báo cáo số 320/BC-UBND):"
    ]  # ... the page shows the table


def test_status_answer_leaves_the_report_text_to_the_source_card(engine):
    reply = ask(engine, "Tình hình Đường tỉnh 918?")
    assert "Theo báo cáo:" in reply.text
    sections = answer_sections(reply)
    assert sections.lead[0].startswith("Tình hình Đường tỉnh 918 (giai đoạn 2)")
    assert "Tình trạng (*): Dự án đang triển khai thi công." in sections.lead
    assert sections.numbers[0].startswith("Số liệu chính: kế hoạch vốn (năm 2024): 125 tỷ đồng")
    assert not any("Theo báo cáo" in line for line in sections.lead + sections.numbers + sections.details)
    without_sources = reply.model_copy(update={"citations": []})  # no card: the text stays, folded
    assert answer_sections(without_sources).details[0].startswith("Theo báo cáo:")


# -- the question as answered -------------------------------------------------------------------


def test_a_long_question_keeps_its_first_part_and_says_so():
    text, notices = prepare_question("Tình hình dự án Thư viện? " + "rất " * 700, 2000)
    assert text.startswith("Tình hình dự án Thư viện?") and len(text) <= 2000
    assert notices == ["Câu hỏi quá dài nên chỉ 2.000 ký tự đầu được dùng."]


def test_html_tags_are_stripped_and_the_rest_answered(engine):
    text, notices = prepare_question("<p>Tình hình <b>Đường tỉnh 918</b>?</p><script>alert(1)</script>", 2000)
    assert text == "Tình hình Đường tỉnh 918 ?"
    assert notices == ["Câu hỏi có thẻ HTML; tôi đã bỏ các thẻ và trả lời phần chữ còn lại."]
    reply = ask(engine, text)
    assert not reply.abstained and "Đường tỉnh 918" in reply.text
    assert prepare_question("Tình hình Đường tỉnh 918?", 2000) == ("Tình hình Đường tỉnh 918?", [])


# -- first screen -------------------------------------------------------------------------------


def test_first_screen_names_the_reports_and_offers_questions_from_them(engine):
    assert reports_summary(engine.reports()) == [
        "Báo cáo số 320/BC-UBND ngày 15/11/2024 — 5 phụ lục, 186 dòng"
    ]
    questions = welcome_questions(engine.layer)
    assert 4 <= len(questions) <= 6 and len(set(questions)) == len(questions)
    for question in questions:  # each one is answered from the report
        assert not ask(engine, question).abstained, question


# -- charts -------------------------------------------------------------------------------------


def test_a_target_range_is_an_interval_and_labels_wrap():
    chart = {
        "labels": ["Thực hiện năm trước 2023", "Kế hoạch 2024", "Ước 2024"],
        "values": [5.75, [7.5, 8.0], 5.86],
    }
    frame = chart_frame(chart)
    assert list(zip(frame["start"], frame["end"], strict=True)) == [(0.0, 5.75), (7.5, 8.0), (0.0, 5.86)]
    frame["kind"] = ["range" if s != 0 else "value" for s in frame["start"]]
    low, high = value_domain(frame)
    assert low < 5.75 and 8.0 < high and low > 0  # around the values, not from 0
    assert wrap_label("Thực hiện năm trước 2023") == "Thực hiện năm\ntrước 2023"


# -- saved conversations ------------------------------------------------------------------------


def test_conversations_survive_and_are_kept_per_user(engine, tmp_path):
    store = ConversationStore(tmp_path / "conversations")
    question = "Những chỉ tiêu nào chưa đạt?"
    messages = [user_message(question), assistant_message(question, ask(engine, question), {"report": None})]
    first = new_conversation_id()
    store.save("local", first, messages)
    loaded = store.load("local", first)
    assert loaded[0] == messages[0]
    assert isinstance(loaded[1]["answer"], Answer) and loaded[1]["answer"] == messages[1]["answer"]
    assert store.load("someone-else", first) is None  # keyed by user
    second = new_conversation_id()
    store.save("local", second, [user_message("<b>Tình hình</b>")])
    assert [i.id for i in store.list("local")] == [second, first]
    assert store.list("local")[1].title == question and store.list("local")[1].turns == 1
    folder = tmp_path / "conversations" / safe_user_dir("local")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{first}.json", f"{second}.json"]
    )  # no tmp left
    assert json.loads((folder / f"{first}.json").read_text(encoding="utf-8"))["user"] == "local"
    with pytest.raises(ValueError):
        store.save("local", "../../etc/passwd", messages)
    assert store.load("local", "../x") is None


def test_user_ids_become_safe_distinct_folder_names():
    names = [safe_user_dir(u) for u in ("Nguyễn Văn A", "../../x", "a/b", "Nguyen Van A", "", "đ" * 100)]
    assert (
        names[0].startswith("Nguyen_Van_A-") and names[3].startswith("Nguyen_Van_A-") and names[0] != names[3]
    )
    assert all("/" not in n and ".." not in n and n for n in names) and len(set(names)) == len(names)


def test_the_conversation_id_travels_in_the_url(engine, tmp_path):
    store = ConversationStore(tmp_path)
    state: dict = {"messages": [], "conversation_id": None, "pending_question": None}
    params: dict = {}
    sync_conversation(state, params, store, "local")  # a fresh page gets an id in its URL
    cid = params["c"]
    assert state["conversation_id"] == cid and len(cid) == 16
    state["messages"] = [user_message("Câu hỏi")]
    store.save("local", cid, state["messages"])
    reloaded: dict = {"messages": [], "conversation_id": None, "pending_question": None}
    sync_conversation(reloaded, {"c": cid}, store, "local")  # a reload: a new session, the same URL
    assert reloaded["messages"][0]["content"] == "Câu hỏi" and reloaded["conversation_id"] == cid
    other: dict = {"messages": [], "conversation_id": None}
    sync_conversation(other, {"c": "not-an-id"}, store, "local")
    assert other["conversation_id"] != "not-an-id" and other["messages"] == []


# -- export -------------------------------------------------------------------------------------


def test_export_as_word_brief_and_markdown(engine):
    from docx import Document

    questions = ["Những chỉ tiêu nào chưa đạt?", "Tình hình Đường tỉnh 918?"]
    messages = []
    for question in questions:
        messages += [user_message(question), assistant_message(question, ask(engine, question), {})]
    doc = Document(io.BytesIO(conversation_docx(messages, engine.by_id, title=questions[0])))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert (
        headings[:2] == ["1. Những chỉ tiêu nào chưa đạt?", "Nguồn"]
        and "2. Tình hình Đường tỉnh 918?" in headings
    )
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Có 3 chỉ tiêu (đánh giá chưa đạt" in body and "Số liệu chính: kế hoạch vốn" in body
    assert "320/BC-UBND · Phụ lục III · dòng 7 — Đường tỉnh 918 (giai đoạn 2)" in body  # a cited row ...
    assert "Báo cáo tình hình thực hiện: - Đã bàn giao mặt bằng khoảng 44,4%." in body  # ... with its fields
    assert [c.text for c in doc.tables[0].rows[1].cells][:4] == [
        "320/BC-UBND",
        "I",
        "1",
        doc.tables[0].rows[1].cells[3].text,
    ]
    assert len(doc.tables[0].rows) == 4
    markdown = conversation_markdown(messages, engine.by_id, title=questions[0])
    assert "## 2. Tình hình Đường tỉnh 918?" in markdown and "| Báo cáo | Phụ lục | Mục |" in markdown


def test_export_keeps_corpus_html_as_text():
    answer = Answer(
        text="<script>alert(1)</script> **đậm** [x](javascript:1)",
        citations=[
            Citation(row_id="X:I:1", report="X", annex="I", row="1", quote="<img src=x onerror=alert(1)>")
        ],
        table=[{"Tên": "<b>Dự án</b>"}],
    )
    messages = [user_message("<i>câu hỏi</i>"), assistant_message("<i>câu hỏi</i>", answer, {})]
    markdown = conversation_markdown(messages, {}, title="<i>câu hỏi</i>")
    assert re.search(r"(?<!\\)[<>]", markdown) is None  # every angle bracket escaped: no HTML when viewed
    assert "\\<script\\>" in markdown and "\\*\\*đậm\\*\\*" in markdown
    from docx import Document

    doc = Document(io.BytesIO(conversation_docx(messages, {}, title="t")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        "<script>alert(1)</script> **đậm**" in text and "<img src=x onerror=alert(1)>" in text
    )  # plain text runs
