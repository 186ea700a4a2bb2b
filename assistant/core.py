"""``answer(question, history) -> Answer``: the one entry point of the chat, the CLI and the eval.

The pipeline needs no LLM: the question and the dialogue state become a typed plan
(:mod:`assistant.understand`), the plan runs through the fixed table tools (:mod:`assistant.execute`), and
the result is worded from templates (:mod:`assistant.compose`). Every answer carries the dialogue state
after it, so the next turn starts from it; without a stored state the earlier user turns are replayed.
An LLM, when configured, may propose a plan too (validated like any other) and may rephrase the answer
(verified before it is shown).
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from assistant.compose import compose, vn_date
from assistant.engine import Engine, get_engine
from assistant.execute import Result, execute
from assistant.plan import DialogueState, Plan
from assistant.question import clean
from assistant.types import Answer
from assistant.understand import Context, understand
from ingestion.cleaning import fold_diacritics
from prompts import render
from retrieval.store import INDEX_UNAVAILABLE_NOTICE

log = logging.getLogger(__name__)

_GREETINGS = ("xin chao", "chao", "chao ban", "hello", "hi", "alo", "help", "huong dan", "tro giup", "giup toi",
              "ban la ai", "ban lam duoc gi", "cam on", "xin cam on")
_INJECTION = ("bo qua huong dan", "bo qua quy tac", "bo qua cac huong dan", "bo qua moi", "ignore previous",
              "ignore all", "ignore the", "bia so lieu", "bia ra", "quen quy tac", "quen het", "system prompt", "disregard")
MAX_REPLAYED_TURNS = 8  # earlier user turns replayed to rebuild the dialogue state when none was stored


def answer(
    question: str,
    history: list[dict] | None = None,
    *,
    engine: Engine | None = None,
    filters: dict | None = None,
) -> Answer:
    """Answer one question in the context of earlier turns; never raises.

    Example: ``answer("giải ngân được bao nhiêu?", [{"role": "user", "content": "Thư viện thành phố?"}])``.
    """
    started = time.perf_counter()
    try:
        engine = engine or get_engine()
        reply = _answer(question, history or [], engine, filters or {})
        if engine.llm is not None and not reply.abstained:
            from assistant.llm import phrase

            texts = {c.row_id: engine.tables.rows[c.row_id].text for c in reply.citations if c.row_id in engine.tables.rows}
            reply = phrase(reply, question, texts, engine.llm, engine.settings.llm_timeout_s)
    except Exception:  # a question must never surface a traceback to the user
        log.exception("answer failed")
        reply = Answer(text="Xin lỗi, đã có lỗi khi xử lý câu hỏi này. Vui lòng hỏi lại theo cách khác.", route="none",
                       abstained=True, confidence=0.0)
    reply.latency_ms = round((time.perf_counter() - started) * 1000, 2)
    return reply


def _clean_history(history: Any) -> list[dict]:
    if not isinstance(history, list | tuple):
        return []
    return [t for t in history if isinstance(t, dict) and isinstance(t.get("content"), str)]


_PICK_RE = re.compile(r"^\s*(?:so|cai|y|phuong an|lua chon|chon)?\s*(?:thu\s*)?(\d)\s*\.?\s*$")


def _answer(question: str, history: list[dict], engine: Engine, filters: dict) -> Answer:
    history = _clean_history(history)
    filters = filters if isinstance(filters, dict) else {}
    text, was_cut, had_html = clean(question if isinstance(question, str) else "", engine.settings.max_question_chars)
    notices = [render("cut", limit=engine.settings.max_question_chars)] if was_cut else []
    if had_html:
        notices.append(render("html"))
    if not text:
        return Answer(text=render("empty"), route="help", intent="empty", notices=notices)
    if not any(ch.isalnum() for ch in text):
        return Answer(text=render("no_text"), route="help", intent="empty", notices=notices)
    folded = " ".join(fold_diacritics(text).replace("?", " ").replace("!", " ").split())
    if folded.strip(" .") in _GREETINGS:
        reports = ", ".join(f"Báo cáo số {r.number}" for r in engine.layer.reports)
        return Answer(text=render("help", reports=reports), route="help", intent="help", notices=notices)
    if any(cue in folded for cue in _INJECTION):
        notices.append(render("injection"))
    state = dialogue_state(history, engine, filters)
    if state.options and (pick := _PICK_RE.match(folded)) and 1 <= int(pick.group(1)) <= len(state.options):
        text = state.options[int(pick.group(1)) - 1]  # "2" after a clarifying reply: that reading
    state = state.model_copy(update={"options": []})
    plan, result, reply = respond(text, state, engine, filters)
    if INDEX_UNAVAILABLE_NOTICE in engine.notices:
        notices.append(INDEX_UNAVAILABLE_NOTICE)
    reply.notices = notices + reply.notices
    reply.state = next_state(state, plan, result).model_dump(mode="json")
    if not reply.abstained and len(engine.layer.reports) > 1 and reply.citations:
        cited = {c.report for c in reply.citations}
        if len(cited) == 1:
            report = engine.layer.report(next(iter(cited)))
            if report is not None:
                reply.text += " " + render("report_note", report=report.number, date=vn_date(report.date))
    return reply


def respond(text: str, state: DialogueState, engine: Engine, filters: dict | None = None) -> tuple[Plan, Result, Answer]:
    """Plan, execute and compose one turn."""
    ctx = Context(layer=engine.layer, search=_search_of(engine))
    plan = understand(text, _scoped(state, filters or {}, engine), ctx)
    if engine.llm is not None and plan.op in ("none", "clarify"):
        from assistant.llm_plan import propose_plan

        proposed = propose_plan(text, state, engine)
        if proposed is not None:
            plan = proposed
    result = execute(plan, engine.tables)
    return plan, result, compose(result, engine.tables)


def _search_of(engine: Engine):  # noqa: ANN202
    def search(text: str, k: int, reports: list[str]) -> dict[str, int] | None:
        """Row id → rank; ``None`` when retrieval is unavailable (the semantic layer's index still gives candidates)."""
        try:  # the retriever itself remembers a down server and retries only after a pause
            return engine.search(text, k, reports)
        except Exception as exc:
            log.info("retrieval unavailable: %s", exc)
            return None

    return search


def _scoped(state: DialogueState, filters: dict, engine: Engine) -> DialogueState:
    """The sidebar's report filter keeps the conversation on that report."""
    report = filters.get("report")
    if report and engine.layer.report(report) is not None and not state.report:
        return state.model_copy(update={"report": report})
    return state


def next_state(state: DialogueState, plan: Plan, result: Result) -> DialogueState:
    """The conversation after this turn: what it was about, so the next turn can refer to it."""
    if plan.op == "clarify":
        return state.model_copy(update={"options": [o.question for o in plan.options]})
    if plan.op in ("none", "legend"):
        return state
    if plan.op in ("lookup", "compare"):
        earlier = state.focus if state.focus and state.focus != plan.targets else state.earlier
        return DialogueState(focus=plan.targets, earlier=earlier, op=plan.op, measure=plan.measure, period=plan.period,
                             report=plan.report, against=plan.against, filters=state.filters, set_ids=state.set_ids,
                             words=plan.words)
    ids = [row.id for row in result.rows]
    return DialogueState(focus=ids[:1] if plan.op == "rank" or len(ids) == 1 else [], op=plan.op, measure=plan.measure,
                         filters=plan.filters, set_ids=ids, period=plan.period, report=plan.report or plan.filters.report)


def dialogue_state(history: list[dict], engine: Engine, filters: dict | None = None) -> DialogueState:
    """The state after the last assistant turn that stored one; else the user turns replayed in order."""
    for turn in reversed(history):
        if turn.get("role") == "assistant" and isinstance(turn.get("state"), dict):
            try:
                return DialogueState.model_validate(turn["state"])
            except ValueError:
                break
    state = DialogueState()
    users = [t["content"] for t in history if t.get("role", "user") == "user" and t.get("content", "").strip()]
    for turn in users[-MAX_REPLAYED_TURNS:]:
        text, _, _ = clean(turn, engine.settings.max_question_chars)
        if not text:
            continue
        plan, result, _ = respond(text, state, engine, filters)
        state = next_state(state, plan, result)
    return state
