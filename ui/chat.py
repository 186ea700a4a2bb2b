"""Chat state of one browser session and the pieces of the chat page around the answers.

The conversation lives in ``st.session_state["messages"]``: ``{"id", "role", "content"}`` plus, for
the assistant, ``"answer"`` (the :class:`assistant.types.Answer`), ``"question"`` and ``"filters"``.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from ui.feedback import append_feedback, feedback_record
from ui.identity import current_user_id
from ui.render import render_answer
from ui.text import md_block, md_escape

MAX_EXAMPLE_NAME_WORDS = 8  # a row name longer than this is cut in an example question


def example_questions(layer: Any) -> list[str]:
    """Example questions built from the newest loaded report (its own rows, agencies and legend), so they
    fit whatever report is loaded: a target comparison, a value, unmet indicators, a project's status,
    an agency's projects, a marker count, a marker's meaning and an unaccented question."""
    from structured.lexicon import fold

    report = layer.newest_report()
    if report is None:
        return []
    rows = [r for r in layer.rows.values() if r.report == report.number]

    def short(name: str) -> str:
        return re.sub(r"\s*\(.*?\)", "", name).strip()  # "Đường tỉnh 918 (giai đoạn 2)" → "Đường tỉnh 918"

    questions: list[str] = []
    indicator = next((r for r in rows if r.kind == "indicator" and r.facts.get("target") and r.facts.get("verdict")
                      and len(r.name.split()) <= MAX_EXAMPLE_NAME_WORDS), None)
    if indicator is not None:
        questions.append(f"{short(indicator.name)} năm {report.year} có đạt kế hoạch không?")
        questions.append(f"{short(indicator.name)} năm {report.year} ước thực hiện bao nhiêu?")
    if any(r.facts.get("verdict_class") == "not_met" for r in rows):
        questions.append("Những chỉ tiêu nào chưa đạt?")
    project = next((r for kind in ("project", "task") for r in rows
                    if r.kind == kind and len(r.name.split()) <= MAX_EXAMPLE_NAME_WORDS and not r.children), None)
    if project is not None:
        questions.append(f"Tình hình {short(project.name)}?")
    leads = [r.cells[h] for r in rows if r.kind == "project" for h, role in r.roles.items() if role == "lead" and r.cells.get(h)]
    if leads:
        questions.append(f"Các dự án do {max(set(leads), key=leads.count)} chủ trì?")
    annex = max(report.annexes, key=lambda a: len(a.legend), default=None)
    if annex is not None and annex.legend:
        first, last = next(iter(annex.legend)), list(annex.legend)[-1]
        questions.append(f"Phụ lục {annex.annex} có bao nhiêu mục ({first})?")
        questions.append(f"({last}) trong Phụ lục {annex.annex} nghĩa là gì?")
    if project is not None:
        questions.append(fold(f"tình hình {short(project.name)}"))  # typed without diacritics
    return questions



MAX_HISTORY_MESSAGES = 12
ALL = "__all__"


def init_state(state: Any) -> None:
    state.setdefault("messages", [])
    state.setdefault("pending_question", None)
    state.setdefault("feedback_sent", {})


def new_conversation(state: Any) -> None:
    state["messages"] = []
    state["pending_question"] = None
    state["feedback_sent"] = {}


def ask_later(state: Any, question: str) -> None:
    """Queue a question (example or suggestion button); the next run of the page answers it."""
    state["pending_question"] = question


def history_for_answer(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The previous turns as ``answer()`` takes them: ``[{"role", "content"}]``, most recent last."""
    turns = [
        {"role": m["role"], "content": m["content"]} for m in messages if m["role"] in ("user", "assistant")
    ]
    return turns[-MAX_HISTORY_MESSAGES:]


def current_filters(state: Any) -> dict[str, str | None]:
    report = state.get("filter_report")
    annex = state.get("filter_annex")
    return {
        "report": None if report in (None, ALL) else report,
        "annex": None if annex in (None, ALL) else annex,
    }


def filters_text(filters: dict[str, str | None]) -> str | None:
    parts = []
    if filters.get("report"):
        parts.append(f"báo cáo {filters['report']}")
    if filters.get("annex"):
        parts.append(f"Phụ lục {filters['annex']}")
    return ", ".join(parts) if parts else None


def user_message(question: str) -> dict[str, Any]:
    return {"id": uuid.uuid4().hex[:12], "role": "user", "content": question}


def assistant_message(question: str, answer: Any, filters: dict[str, str | None]) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex[:12],
        "role": "assistant",
        "content": answer.text,
        "answer": answer,
        "question": question,
        "filters": dict(filters),
    }


def error_answer(exc: Exception) -> Any:
    from assistant.types import Answer

    return Answer(
        text="Xin lỗi, đã xảy ra lỗi khi trả lời câu hỏi này. Vui lòng thử lại hoặc đặt câu hỏi khác.",
        notices=[f"Chi tiết lỗi: {type(exc).__name__}: {exc}"],
        route="none",
    )


# ---------------------------------------------------------------------------------------------
# Streamlit renderers


def render_sidebar(st: Any, engine: Any) -> None:
    """New conversation, report/annex filters and example questions."""
    state = st.session_state
    with st.sidebar:
        st.button(
            "Cuộc trò chuyện mới",
            key="new_chat",
            icon=":material/add_comment:",
            on_click=new_conversation,
            args=(state,),
            width="stretch",
        )
        st.subheader("Phạm vi tìm kiếm")
        reports = engine.reports()
        numbers = [r["number"] for r in reports]
        labels = {ALL: "Tất cả báo cáo"}
        for r in reports:
            labels[r["number"]] = f"{r['number']} ({r.get('date') or 'không rõ ngày'})"
        if state.get("filter_report") not in (None, ALL, *numbers):
            state["filter_report"] = ALL
        report = st.selectbox(
            "Báo cáo", [ALL, *numbers], key="filter_report", format_func=lambda v: labels.get(v, v)
        )
        chosen = [r for r in reports if report in (ALL, None) or r["number"] == report]
        annexes: dict[str, str] = {}
        for r in chosen:
            for annex in r["annexes"]:
                annexes.setdefault(annex["numeral"], annex["title"])
        if state.get("filter_annex") not in (None, ALL, *annexes):
            state["filter_annex"] = ALL
        annex_labels = {ALL: "Tất cả phụ lục"} | {n: f"Phụ lục {n}: {t[:60]}" for n, t in annexes.items()}
        st.selectbox(
            "Phụ lục", [ALL, *annexes], key="filter_annex", format_func=lambda v: annex_labels.get(v, v)
        )
        st.caption("Bộ lọc áp dụng cho các câu hỏi tiếp theo.")
        st.subheader("Câu hỏi mẫu")
        for i, question in enumerate(example_questions(engine.layer)):
            st.button(
                md_escape(question),
                key=f"example_{i}",
                icon=":material/lightbulb:",
                on_click=ask_later,
                args=(state, question),
                width="stretch",
            )


def render_feedback(st: Any, message: dict[str, Any], feedback_file: Any) -> None:
    """👍/👎 then an optional comment; each is appended to the feedback JSONL file."""
    state = st.session_state
    mid = message["id"]

    def save(rating: str, comment: str = "") -> None:
        record = feedback_record(message_id=mid, rating=rating, question=message["question"],
                                 answer=message["answer"], comment=comment, filters=message.get("filters"),
                                 user=current_user_id())
        append_feedback(feedback_file, record)

    def on_rating() -> None:
        value = state.get(f"fb_{mid}")
        if value is None:
            return
        rating = "up" if value == 1 else "down"
        save(rating)
        state["feedback_sent"][mid] = rating

    st.feedback("thumbs", key=f"fb_{mid}", on_change=on_rating)
    rating = state["feedback_sent"].get(mid)
    if rating is None:
        return
    if state["feedback_sent"].get(f"{mid}:comment"):
        st.caption("Cảm ơn góp ý của bạn!")
        return
    with st.form(key=f"fbform_{mid}", border=False, enter_to_submit=True):
        comment = st.text_input("Góp ý thêm (không bắt buộc)", key=f"fbtext_{mid}")
        if st.form_submit_button("Gửi góp ý"):
            save(rating, comment)
            state["feedback_sent"][f"{mid}:comment"] = True
            st.caption("Cảm ơn góp ý của bạn!")


def render_message_body(st: Any, message: dict[str, Any], engine: Any) -> None:
    """The content of one message, inside the caller's ``st.chat_message``."""
    if message["role"] == "user":
        st.markdown(md_block(message["content"]))
        return
    render_answer(
        st,
        message["answer"],
        engine.by_id,
        key=message["id"],
        on_suggestion=lambda q: ask_later(st.session_state, q),
    )
    render_feedback(st, message, engine.settings.feedback_file)


def render_message(st: Any, message: dict[str, Any], engine: Any) -> None:
    with st.chat_message(message["role"]):
        render_message_body(st, message, engine)
