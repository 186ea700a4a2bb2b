"""Chat state of one browser session and the pieces of the chat page around the answers.

The conversation lives in ``st.session_state["messages"]``: ``{"id", "role", "content"}`` plus, for
the assistant, ``"answer"`` (the :class:`assistant.types.Answer`), ``"question"`` and ``"filters"``;
a user message may carry ``"notices"`` (question cut or HTML removed). It is saved on the server after
every answer (``ui/conversations.py``) under the conversation id in the URL (``?c=<id>``), so a reload
opens it again.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from ui.brief import conversation_docx, conversation_markdown
from ui.conversations import ConversationStore, conversation_title, new_conversation_id, valid_conversation_id
from ui.feedback import append_feedback, feedback_record
from ui.identity import current_user_id
from ui.render import render_answer
from ui.text import md_block, md_escape, vn_date, vn_number

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
    indicator = next(
        (
            r
            for r in rows
            if r.kind == "indicator"
            and r.facts.get("target")
            and r.facts.get("verdict")
            and len(r.name.split()) <= MAX_EXAMPLE_NAME_WORDS
        ),
        None,
    )
    if indicator is not None:
        questions.append(f"{short(indicator.name)} năm {report.year} có đạt kế hoạch không?")
        questions.append(f"{short(indicator.name)} năm {report.year} ước thực hiện bao nhiêu?")
    if any(r.facts.get("verdict_class") == "not_met" for r in rows):
        questions.append("Những chỉ tiêu nào chưa đạt?")
    project = next(
        (
            r
            for kind in ("project", "task")
            for r in rows
            if r.kind == kind and len(r.name.split()) <= MAX_EXAMPLE_NAME_WORDS and not r.children
        ),
        None,
    )
    if project is not None:
        questions.append(f"Tình hình {short(project.name)}?")
    leads = [
        r.cells[h]
        for r in rows
        if r.kind == "project"
        for h, role in r.roles.items()
        if role == "lead" and r.cells.get(h)
    ]
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


WELCOME_QUESTIONS = 6  # example questions on the first screen (the sidebar lists them all)
MAX_HISTORY_MESSAGES = 12
ALL = "__all__"
URL_KEY = "c"  # the query parameter that holds the conversation id


def init_state(state: Any) -> None:
    state.setdefault("messages", [])
    state.setdefault("pending_question", None)
    state.setdefault("feedback_sent", {})
    state.setdefault("conversation_id", None)


def conversation_store(settings: Any) -> ConversationStore:
    return ConversationStore(settings.data_dir / "conversations")


def sync_conversation(state: Any, params: Any, store: ConversationStore, user_id: str) -> None:
    """Make the session show the conversation named in the URL; give the URL an id when it has none.

    A reload starts a new session with the same URL, so the saved conversation comes back; an id that
    is not this user's (or not saved yet) opens an empty conversation under that id.
    """
    wanted = params.get(URL_KEY)
    if valid_conversation_id(wanted):
        if wanted != state.get("conversation_id"):
            state["conversation_id"] = wanted
            state["messages"] = store.load(user_id, wanted) or []
            state["pending_question"] = None
        return
    if not valid_conversation_id(state.get("conversation_id")):
        state["conversation_id"] = new_conversation_id()
    params[URL_KEY] = state["conversation_id"]


def save_conversation(state: Any, store: ConversationStore, user_id: str) -> None:
    if state.get("messages") and valid_conversation_id(state.get("conversation_id")):
        store.save(user_id, state["conversation_id"], state["messages"])


def new_conversation(state: Any, params: Any | None = None) -> None:
    """Start an empty conversation under a new id (the previous one stays saved and listed)."""
    state["messages"] = []
    state["pending_question"] = None
    state["feedback_sent"] = {}
    state["conversation_id"] = new_conversation_id()
    if params is not None:
        params[URL_KEY] = state["conversation_id"]


def open_conversation(params: Any, conversation_id: str) -> None:
    params[URL_KEY] = conversation_id  # sync_conversation loads it on this run


def prepare_question(text: str, limit: int) -> tuple[str, list[str]]:
    """The question as it will be answered, and what the user must be told about it.

    HTML tags are removed (``<script>``/``<style>`` with their content) and the rest is answered; a
    question longer than ``limit`` keeps its first part. Example:
    ``prepare_question("<b>GRDP</b> 2024?", 2000)`` → ``("GRDP 2024?", ["Câu hỏi có thẻ HTML; …"])``.
    """
    from assistant.question import clean
    from prompts import render

    cleaned, was_cut, had_html = clean(text or "", limit)
    notices = []
    if was_cut:
        notices.append(render("cut", limit=vn_number(limit, 0)))
    if had_html:
        notices.append(render("html"))
    return cleaned, notices


def welcome_questions(layer: Any) -> list[str]:
    """The first screen's example questions: built from the loaded corpus, one per kind of question."""
    return example_questions(layer)[:WELCOME_QUESTIONS]


def reports_summary(reports: list[dict[str, Any]]) -> list[str]:
    """One line per loaded report: ``'Báo cáo số 320/BC-UBND ngày 15/11/2024 — 5 phụ lục, 186 dòng'``."""
    lines = []
    for r in reports:
        date = f" ngày {vn_date(r['date'])}" if r.get("date") else ""
        lines.append(
            f"Báo cáo số {r['number']}{date} — {len(r.get('annexes') or [])} phụ lục, {r.get('rows', 0)} dòng"
        )
    return lines


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


def user_message(question: str, notices: list[str] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"id": uuid.uuid4().hex[:12], "role": "user", "content": question}
    if notices:
        message["notices"] = list(notices)
    return message


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


def render_new_conversation(st: Any) -> None:
    """ "Cuộc trò chuyện mới" asks for confirmation first (the current one stays saved)."""
    with st.popover("Cuộc trò chuyện mới", icon=":material/add_comment:", width="stretch"):
        st.markdown(
            "Bắt đầu cuộc trò chuyện mới? Cuộc trò chuyện hiện tại vẫn được lưu trong danh sách bên dưới."
        )
        st.button(
            "Bắt đầu cuộc mới",
            key="new_chat",
            type="primary",
            on_click=new_conversation,
            args=(st.session_state, st.query_params),
        )


def render_history(st: Any, store: ConversationStore, user_id: str) -> None:
    """The user's saved conversations in the sidebar, newest first; the open one is marked and disabled."""
    current = st.session_state.get("conversation_id")
    saved = store.list(user_id)
    sidebar = st.sidebar
    sidebar.subheader("Các cuộc trò chuyện")
    if not saved:
        sidebar.caption("Chưa có cuộc trò chuyện nào được lưu.")
        return
    for info in saved:
        sidebar.button(
            md_escape(info.title),
            key=f"conv_{info.id}",
            icon=":material/chat:" if info.id != current else ":material/radio_button_checked:",
            on_click=open_conversation,
            args=(st.query_params, info.id),
            disabled=info.id == current,
            width="stretch",
        )


def render_sidebar(st: Any, engine: Any) -> None:
    """New conversation, report/annex filters and example questions (the saved conversations are
    added below them by ``render_history`` once the page's answer is saved)."""
    state = st.session_state
    with st.sidebar:
        render_new_conversation(st)
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


def render_welcome(st: Any, engine: Any) -> None:
    """The first screen: which reports are loaded and example questions, each asked with one click."""
    reports = engine.reports()
    if not reports:
        st.info("Chưa có báo cáo nào trong kho. Hãy nạp báo cáo ở trang «Quản lý báo cáo».")
        return
    with st.container(border=True, key="welcome"):
        st.markdown(
            "**Báo cáo đang dùng:**  \n" + "  \n".join(md_escape(line) for line in reports_summary(reports))
        )
        questions = welcome_questions(engine.layer)
        if questions:
            st.markdown("**Bấm một câu hỏi để hỏi ngay:**")
            for i, question in enumerate(questions):  # one per line: a phone shows each in full
                st.button(
                    md_escape(question),
                    key=f"welcome_{i}",
                    icon=":material/arrow_forward:",
                    on_click=ask_later,
                    args=(st.session_state, question),
                    width="stretch",
                )


def render_export(st: Any, engine: Any) -> None:
    """Keep the conversation: a Word brief and Markdown, both built from the messages on the page."""
    messages = st.session_state["messages"]
    if not any(m.get("role") == "assistant" for m in messages):
        return
    title = conversation_title(messages)
    stem = f"hoi-dap-{st.session_state.get('conversation_id') or 'bao-cao'}"
    with st.popover("Lưu cuộc trò chuyện", icon=":material/download:"):
        st.caption("Câu hỏi, câu trả lời, bảng kết quả và các dòng được trích dẫn.")
        st.download_button(
            "Tải bản Word (.docx)",
            data=conversation_docx(messages, engine.by_id, title=title),
            file_name=f"{stem}.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            icon=":material/description:",
            key="export_docx",
            on_click="ignore",
        )
        st.download_button(
            "Tải bản Markdown (.md)",
            data=conversation_markdown(messages, engine.by_id, title=title).encode("utf-8"),
            file_name=f"{stem}.md",
            mime="text/markdown",
            icon=":material/article:",
            key="export_md",
            on_click="ignore",
        )


def render_feedback(st: Any, message: dict[str, Any], feedback_file: Any) -> None:
    """👍/👎 then an optional comment; each is appended to the feedback JSONL file."""
    state = st.session_state
    mid = message["id"]

    def save(rating: str, comment: str = "") -> None:
        record = feedback_record(
            message_id=mid,
            rating=rating,
            question=message["question"],
            answer=message["answer"],
            comment=comment,
            filters=message.get("filters"),
            user=current_user_id(),
        )
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
        for notice in message.get("notices") or []:
            st.warning(md_escape(notice), icon=":material/content_cut:")
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
