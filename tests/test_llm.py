"""The optional LLM backend: accepted only when its numbers and citations check out, else the table answer."""

from __future__ import annotations

import time

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant import answer, get_engine
from assistant.llm import make_chat_model, verify
from settings import Settings
from tests.conftest import SEED_REPORT

QUESTION = "tình hình dự án Thư viện thành phố?"
ROW = "320/BC-UBND:III:20"


@pytest.fixture()
def engine(tmp_path):
    settings = Settings(embedder="hash", data_dir=tmp_path, llm_timeout_s=1.0)
    engine = get_engine([SEED_REPORT], settings=settings)
    yield engine
    engine.__dict__.pop("llm", None)


def with_model(engine, model):
    engine.__dict__["llm"] = model
    return answer(QUESTION, engine=engine)


def test_backend_is_off_by_default(engine):
    assert make_chat_model(Settings()) is None
    assert engine.llm is None


def test_faithful_phrasing_is_shown(engine):
    text = f"Dự án Thư viện Thành phố đã giải ngân 1,105 tỷ đồng, đạt 3,7% kế hoạch vốn 30 tỷ đồng [{ROW}]."
    reply = with_model(engine, FakeListChatModel(responses=[text]))
    assert reply.text == text
    assert reply.citations[0].row_id == ROW


def test_invented_number_is_rejected(engine):
    reply = with_model(engine, FakeListChatModel(responses=[f"Thư viện đã giải ngân 15,5 tỷ đồng [{ROW}]."]))
    assert "15,5" not in reply.text and "1,105" in reply.text
    assert any("không qua được bước kiểm tra" in n for n in reply.notices)


def test_citation_of_a_row_not_retrieved_is_rejected(engine):
    reply = with_model(engine, FakeListChatModel(responses=["Thư viện giải ngân 1,105 tỷ đồng [320/BC-UBND:III:6]."]))
    assert "[320/BC-UBND:III:6]" not in reply.text and reply.citations[0].row_id == ROW


def test_garbage_and_refusal_fall_back(engine):
    for garbage in ["", "asdf qwer", "KHÔNG CÓ TRONG BÁO CÁO"]:
        reply = with_model(engine, FakeListChatModel(responses=[garbage]))
        assert "1,105" in reply.text and reply.route == "table"  # the deterministic answer, from the row


class SlowModel(FakeListChatModel):
    def invoke(self, *args, **kwargs):
        time.sleep(30)
        return super().invoke(*args, **kwargs)


class DownModel(FakeListChatModel):
    def invoke(self, *args, **kwargs):
        raise ConnectionError("endpoint down")


@pytest.mark.parametrize("model", [SlowModel(responses=["x"]), DownModel(responses=["x"])])
def test_slow_or_down_backend_keeps_the_deterministic_answer(engine, model):
    started = time.perf_counter()
    reply = with_model(engine, model)
    assert time.perf_counter() - started < 20  # not waiting for the model (timeout 1 s; generous for shared CI)
    assert "1,105" in reply.text and any("không phản hồi" in n for n in reply.notices)


def test_verify_reports_each_problem():
    from assistant.types import Answer, Citation

    reply = Answer(text="1,105", citations=[Citation(row_id=ROW, report="320/BC-UBND", annex="III", row="20", quote="1,105")])
    assert verify(f"1,105 [{ROW}]", reply, {ROW: "giải ngân 1,105 tỷ đồng"}) == []
    problems = verify("2,5 [320/BC-UBND:III:6]", reply, {ROW: "giải ngân 1,105 tỷ đồng"})
    assert any("not retrieved" in p for p in problems) and any("not in the evidence" in p for p in problems)
