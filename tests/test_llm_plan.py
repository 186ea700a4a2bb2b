"""The optional LLM planner: its tool call becomes a Plan only when valid; confident rule plans win."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant import answer, get_engine
from assistant.llm_plan import plan_from_call
from settings import Settings
from tests.conftest import SEED_REPORT

UNRELATED = "Thủ đô của Pháp là gì?"  # the rule planner refuses it


class FakeToolModel(GenericFakeChatModel):
    """Replies with canned messages (tool calls included) and records that it was asked."""

    calls: int = 0

    def bind_tools(self, tools, **kwargs):
        assert {t.name for t in tools} >= {"lookup_row", "count_rows", "explain_marker"}
        return self

    def invoke(self, *args, **kwargs):
        self.calls += 1
        return super().invoke(*args, **kwargs)


def tool_call(name: str, args: dict) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": "call-1"}])


@pytest.fixture()
def engine(tmp_path):
    engine = get_engine([SEED_REPORT], settings=Settings(embedder="hash", data_dir=tmp_path))
    yield engine
    engine.__dict__.pop("llm", None)


def ask(engine, model, question=UNRELATED):
    engine.__dict__["llm"] = model
    return answer(question, engine=engine)


def test_a_valid_tool_call_is_executed_like_any_plan(engine):
    model = FakeToolModel(messages=iter([tool_call("lookup_row", {"row_id": "III:20", "measure": "disbursed"}),
                                         AIMessage(content="x")]))
    reply = ask(engine, model)
    assert reply.citations[0].row_id == "320/BC-UBND:III:20" and "1,105" in reply.text
    assert reply.plan["source"] == "llm"


def test_a_count_tool_call_uses_the_table_tools(engine):
    model = FakeToolModel(messages=iter([tool_call("count_rows", {"annexes": ["III"], "marker": "*"}),
                                         AIMessage(content="x")]))
    reply = ask(engine, model)
    assert reply.text.startswith("Có 12 dự án") and len([c for c in reply.citations if c.row != "Ghi chú"]) == 12


@pytest.mark.parametrize(
    "message",
    [
        tool_call("lookup_row", {"row_id": "320/BC-UBND:III:99"}),  # a row that does not exist
        tool_call("count_rows", {"annexes": ["IX"]}),  # an annex the report does not have
        tool_call("lookup_row", {"row_id": ["III:20"], "measure": 7}),  # malformed arguments
        tool_call("python_repl", {"code": "import os"}),  # not one of our tools
        AIMessage(content="GRDP là 99,9%"),  # prose instead of a tool call
    ],
)
def test_wrong_or_malformed_calls_are_dropped(engine, message):
    reply = ask(engine, FakeToolModel(messages=iter([message, AIMessage(content="x")])))
    assert reply.abstained and not reply.citations and "99" not in reply.text


def test_confident_rule_plans_win(engine):
    model = FakeToolModel(messages=iter([tool_call("lookup_row", {"row_id": "III:20"})] * 3))
    reply = ask(engine, model, "GRDP 2024 có đạt nghị quyết không?")
    assert reply.citations[0].row_id == "320/BC-UBND:I:1" and model.calls <= 1  # at most the phrasing step


def test_plan_from_call_validates_against_the_tool_schema(engine):
    plan = plan_from_call("rank_rows", {"annexes": ["III"], "by": "disbursement_rate", "order": "asc"}, engine.tables)
    assert (plan.op, plan.measure, plan.order, plan.filters.annexes) == ("rank", "disbursement_rate", "asc", ["III"])
    assert plan_from_call("rank_rows", {"annexes": ["III"]}, engine.tables) is None  # "by" is required
    legend = plan_from_call("explain_marker", {"annex": "III", "marker": "****"}, engine.tables)
    assert (legend.op, legend.filters.marker, legend.report) == ("legend", "****", "320/BC-UBND")
