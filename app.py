"""Streamlit chat over the reports: ``streamlit run app.py`` (or ``make run``).

Thin on purpose: session state, the cached engine and a call to ``assistant.answer``; rendering lives
in ``ui/``, answering in ``assistant/``. Pages (``st.navigation``): Hỏi đáp (this file), Tổng quan and
Quản lý báo cáo (``app_pages/``; not ``pages/``, which would make Streamlit's first session on a
fresh server report "Page not found" for a direct link such as ``/tong-quan``).
"""

from __future__ import annotations

import streamlit as st

from ui import chat
from ui.engine_loader import engine_or_stop
from ui.text import md_escape


def chat_page() -> None:
    engine = engine_or_stop()  # a Vietnamese error, not a traceback, when the corpus cannot load
    import assistant

    for notice in engine.notices:  # e.g. the search index was rebuilt, or the Chroma server is unreachable
        st.warning(notice)

    state = st.session_state
    chat.init_state(state)
    chat.render_sidebar(st, engine)

    st.title("Hỏi đáp báo cáo")
    filters = chat.current_filters(state)
    scope = chat.filters_text(filters)
    st.caption(
        "Hỏi bằng tiếng Việt (có dấu hoặc không dấu) về các chỉ tiêu, dự án, nhiệm vụ trong báo cáo. "
        "Mỗi câu trả lời kèm nguồn: báo cáo, phụ lục, dòng."
        + (f" Đang giới hạn trong: {md_escape(scope)}." if scope else "")
    )

    for message in state["messages"]:
        chat.render_message(st, message, engine)

    typed = st.chat_input("Nhập câu hỏi về báo cáo…", max_chars=engine.settings.max_question_chars)
    question = typed or state.pop("pending_question", None)
    state["pending_question"] = None
    if not question or not question.strip():
        return

    history = chat.history_for_answer(state["messages"])
    user = chat.user_message(question)
    state["messages"].append(user)
    chat.render_message(st, user, engine)
    with st.chat_message("assistant"):
        with st.spinner("Đang tìm trong báo cáo…"):
            try:
                reply = assistant.answer(question, history, engine=engine, filters=filters)
            except Exception as exc:  # never a traceback in the chat
                reply = chat.error_answer(exc)
        message = chat.assistant_message(question, reply, filters)
        state["messages"].append(message)
        chat.render_message_body(st, message, engine)


st.set_page_config(page_title="Trợ lý hỏi đáp báo cáo", page_icon=":material/forum:", layout="wide")
navigation = st.navigation(
    [
        st.Page(chat_page, title="Hỏi đáp", icon=":material/forum:", default=True),
        st.Page(
            "app_pages/tong_quan.py", title="Tổng quan", icon=":material/dashboard:", url_path="tong-quan"
        ),
        st.Page(
            "app_pages/quan_ly_bao_cao.py",
            title="Quản lý báo cáo",
            icon=":material/folder_managed:",
            url_path="quan-ly-bao-cao",
        ),
        st.Page("app_pages/danh_gia.py", title="Đánh giá", icon=":material/fact_check:", url_path="danh-gia"),
    ]
)
navigation.run()
