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
from functools import lru_cache
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
from structured.lexicon import fold, lexicon, tokens

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
    plan, result, reply, state = _respond_in_parts(text, state, engine, filters)
    if INDEX_UNAVAILABLE_NOTICE in engine.notices:
        notices.append(INDEX_UNAVAILABLE_NOTICE)
    reply.notices = notices + reply.notices
    reply.state = state.model_dump(mode="json")
    if not reply.abstained and len(engine.layer.reports) > 1 and reply.citations:
        cited = {c.report for c in reply.citations}
        if len(cited) == 1:
            report = engine.layer.report(next(iter(cited)))
            if report is not None:
                reply.text += " " + render("report_note", report=report.number, date=vn_date(report.date))
    return reply


MIN_PART_WORDS = 2  # a clause shorter than this is no question of its own
TOPIC_WORDS = 2  # a piece this short before a "?" that ends with no question word ("ĐT 921?") is the next one's topic
MAX_PARTS = 3  # questions typed in one turn answered one by one; more are read as one question


def question_parts(text: str) -> list[str]:
    """The questions typed in one turn, each ended by "?": ``question_parts("CĐT là ai? xong chưa?")`` →
    ``["CĐT là ai?", "xong chưa?"]``; a piece of one or two words ending in no question word joins the next ("ĐT 921?
    giải ngân bao nhiêu?": one)."""
    return [part for part, _ in _parts(text)]


def _parts(text: str) -> list[tuple[str, bool]]:
    """:func:`question_parts`, each with whether it is a clause after a comma (asked of the row the part before
    it is about: "CĐT dự án đó là ai, xong chưa?")."""
    parts: list[tuple[str, bool]] = []
    for piece in re.split(r"(?<=\?)\s+", text):
        for n, clause in enumerate(_clauses(piece.strip())):
            if parts and len(re.findall(r"\w+", parts[-1][0])) <= TOPIC_WORDS and not _ends_a_question(parts[-1][0]):
                parts[-1] = (f"{parts[-1][0]} {clause}", parts[-1][1])
            elif clause:
                parts.append((clause, n > 0))
    return parts if 2 <= len(parts) <= MAX_PARTS else [(text, False)]


def _clauses(piece: str) -> list[str]:
    """A piece cut at its commas when every clause ends with a question word ("CĐT dự án đó là ai, xong chưa?");
    otherwise whole ("tổng vốn của A, B và C là bao nhiêu?": a list)."""
    clauses = [c.strip() for c in piece.split(",")]
    if len(clauses) < 2 or not all(_ends_a_question(c) for c in clauses):
        return [piece]
    return [c if c.endswith("?") else f"{c}?" for c in clauses]


def _ends_a_question(clause: str) -> bool:
    """The clause ends with a question word, as typed ("… bộ máy" does not end with "mấy"; "… may" typed plain may)."""
    written = tokens(clause)
    endings, folded_endings = _question_endings()
    for n in (1, 2, 3):
        tail = tuple(written[-n:])
        plain = all(t == fold(t) for t in tail)
        if len(written) >= MIN_PART_WORDS and (tail in endings or (plain and tuple(fold(t) for t in tail) in folded_endings)):
            return True
    return False


@lru_cache(maxsize=1)
def _question_endings() -> tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]]:
    """The lexicon's question endings as written and folded."""
    written = frozenset(tuple(tokens(p)) for p in lexicon().section("question_endings"))
    return written, frozenset(tuple(fold(t) for t in e) for e in written)


def _respond_in_parts(text: str, state: DialogueState, engine: Engine,
                      filters: dict) -> tuple[Plan, Result, Answer, DialogueState]:
    """One turn asking several questions ("CĐT dự án đó là ai, xong chưa?"): each answered in turn, the later ones in
    the dialogue the earlier ones leave, and the answers joined. The turn read as one question wins when its plan
    reads everything each part asks ("… ước bao nhiêu, có đạt chỉ tiêu không?": the value against its target), when
    a part asks back (two readings), or when a clause after a comma is read of another row than the one before it."""
    plan, result, reply = respond(text, state, engine, filters)
    whole = (plan, result, reply, next_state(state, plan, result))
    parts = _parts(text)
    if len(parts) < 2:
        return whole
    replies: list[tuple[Plan, Result, Answer]] = []
    periods: list[int | None] = []  # the year each part is read at (said, or the dialogue's)
    after = state
    for part, clause in parts:
        part_plan, part_result, part_reply = respond(part, after, engine, filters)
        periods.append(part_plan.period or after.period)
        cited = {c.row_id for _, _, r in replies for c in r.citations}
        if part_plan.op == "clarify" or (clause and part_reply.citations and not cited & {c.row_id for c in part_reply.citations}):
            return whole  # (a clause read of another row: "…, so với năm 2024 tăng ra sao?"; not "…, có cái nào chưa đạt không?": none)
        replies.append((part_plan, part_result, part_reply))
        after = next_state(after, part_plan, part_result)
    answered = [r for _, _, r in replies if not r.abstained]
    if not answered or (not reply.abstained and (len(answered) < len(replies)
                                                 or all(_reads(plan, p, year) for (p, _, _), year in zip(replies, periods, strict=True)))):
        return whole
    return (*replies[-1][:2], _joined([r for _, _, r in replies]), after)


def _reads(whole: Plan, part: Plan, year: int | None) -> bool:
    """The plan of the whole turn reads what the part asks: its rows, its year, its measure (another than the whole's
    main one only when the part has no words of its own to pick the sentence quoted: "… mấy %? với lại gia hạn tới năm
    nào?" quotes "gia hạn đến năm 2027" only when asked alone), its comparison."""
    return (bool(part.targets) and set(part.targets) <= set(whole.targets) and year in (None, whole.period)
            and (part.measure in (None, whole.measure) or (part.measure in whole.more_measures and not part.words))
            and part.against in (None, whole.against) and (part.op == whole.op or whole.op == "compare"))


def _joined(replies: list[Answer]) -> Answer:
    """The answers to the parts of one turn as one: texts in order (a repeated one once), citations of each."""
    answered = [r for r in replies if not r.abstained]
    first = answered[0]
    texts: list[str] = []
    for reply in replies:
        if reply.text not in texts:
            texts.append(reply.text)
    return first.model_copy(update={
        "text": "\n\n".join(texts),
        "citations": [c for r in answered for c in r.citations],
        "computed_values": [v for r in answered for v in r.computed_values],
        "confidence": min(r.confidence for r in answered),
        "table": next((r.table for r in answered if r.table), None),
        "suggestions": [], "clarify": [],
    })


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
