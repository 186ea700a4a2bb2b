"""Optional LLM planning: the model proposes a :class:`~assistant.plan.Plan` as one tool call.

Only when a chat model is configured and the rule planner found nothing confident (``none`` /
``clarify``). The model sees the same typed LangChain tools as any caller (``bind_tools`` over
:func:`structured.tools.as_langchain_tools`) and the rows the retriever found; its tool call is
turned into a Plan and validated (the tool exists, its arguments pass the tool's pydantic schema,
every row id exists, annexes and markers exist in the report) before it is executed like any other
plan. Nothing the model writes is executed as code; a malformed, unknown or invalid call is dropped.

    plan = propose_plan("tiến độ cái thư viện?", state, engine)   # None when the model gives no valid call
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError

from assistant.plan import DialogueState, Filters, Plan
from prompts import llm_prompt
from structured.tools import as_langchain_tools, resolve_row_id

log = logging.getLogger(__name__)
CANDIDATES_SHOWN = 8  # rows listed to the model: enough for near misses, short enough for a small model

_TOOL_OPS = {"lookup_row": "lookup", "compare_row": "compare", "filter_rows": "list", "count_rows": "count",
             "rank_rows": "rank", "total_of": "total", "explain_marker": "legend"}


def propose_plan(question: str, state: DialogueState | None, engine: Any) -> Plan | None:
    """The model's plan for ``question``, validated; ``None`` on time-out, error or an invalid call."""
    model = engine.llm
    if model is None or not hasattr(model, "bind_tools"):
        return None
    tools = as_langchain_tools(engine.tables)
    prompt = llm_prompt("llm_plan").format(
        reports=", ".join(engine.tables.report_numbers()),
        candidates=_candidates(question, engine),
        focus=", ".join(state.focus) if state and state.focus else "không có",
        question=question,
    )
    try:
        message = model.bind_tools(tools).invoke(prompt)
    except Exception as exc:  # endpoint down, time-out, unparsable output
        log.warning("LLM planner unavailable: %s", type(exc).__name__)
        return None
    calls = getattr(message, "tool_calls", None) or []
    if len(calls) != 1:
        return None
    return plan_from_call(calls[0].get("name", ""), calls[0].get("args") or {}, engine.tables)


def plan_from_call(name: str, args: dict[str, Any], tables: Any) -> Plan | None:
    """A tool call → a validated Plan, or ``None`` (unknown tool, bad arguments, rows that do not exist).

    Example: ``plan_from_call("lookup_row", {"row_id": "III:20", "measure": "disbursed"}, tables).targets``
    → ``["320/BC-UBND:III:20"]``.
    """
    op = _TOOL_OPS.get(name)
    schema = {tool.name: tool.args_schema for tool in as_langchain_tools(tables)}.get(name)
    if op is None or schema is None:
        return None
    try:
        parsed = schema.model_validate(args).model_dump(exclude_none=True)
    except ValidationError:
        return None
    newest = tables.newest_report()
    if op in ("lookup", "compare"):
        row_id = resolve_row_id(tables, str(parsed.get("row_id", "")))
        if row_id is None:
            return None
        return Plan(op=op, targets=[row_id], measure=parsed.get("measure"), period=parsed.get("period"),
                    against=parsed.get("against") if op == "compare" else None, report=tables.rows[row_id].report,
                    source="llm", reason="kế hoạch do mô hình ngôn ngữ đề xuất, đã kiểm tra")
    if op == "legend":
        report = _report(tables, parsed.get("report")) or (newest.number if newest else None)
        if report is None or not tables.legend(report, str(parsed["annex"]).upper()):
            return None
        filters = Filters(report=report, annexes=[str(parsed["annex"]).upper()], marker=parsed["marker"])
        return Plan(op="legend", filters=filters, report=report, source="llm", reason="kế hoạch do mô hình ngôn ngữ đề xuất")
    fields = {k: v for k, v in parsed.items() if k in Filters.model_fields}
    filters = Filters(**fields)
    filters.report = _report(tables, filters.report) or (newest.number if newest else None)
    if filters.report is None or any(not _annex_exists(tables, filters.report, a) for a in filters.annexes):
        return None
    if filters.ids is not None and any(resolve_row_id(tables, i) is None for i in filters.ids):
        return None
    return Plan(op=op, filters=filters, measure=parsed.get("by"), order=parsed.get("order") if op == "rank" else None,
                limit=parsed.get("limit") if op == "rank" else None, report=filters.report, source="llm",
                reason="kế hoạch do mô hình ngôn ngữ đề xuất, đã kiểm tra")


def _report(tables: Any, reference: str | None) -> str | None:
    found = tables.resolve_report(reference) if reference else []
    return found[0] if len(found) == 1 else None


def _annex_exists(tables: Any, report: str, annex: str) -> bool:
    return any(r.report == report and r.annex == annex.upper() for r in tables.rows.values())


def _candidates(question: str, engine: Any) -> str:
    try:
        ranked = engine.search(question, CANDIDATES_SHOWN, engine.tables.report_numbers())
    except Exception:  # the index may be down: the model then plans from the question alone
        ranked = {}
    rows = [engine.tables.rows[i] for i in sorted(ranked, key=ranked.get) if i in engine.tables.rows]
    return "\n".join(f"- {row.id} ({row.kind}): {row.name[:160]}" for row in rows) or "- (không tìm thấy dòng nào)"
