"""Streamlit chat over the reports: ``streamlit run app.py`` (or ``make run``).

Thin on purpose: session state, the cached engine and a call to ``assistant.answer``; rendering lives
in ``ui/``, answering in ``assistant/``. Pages (``st.navigation``): Hỏi đáp (this file), Tổng quan and
Quản lý báo cáo (``app_pages/``; not ``pages/``, which would make Streamlit's first session on a
fresh server report "Page not found" for a direct link such as ``/tong-quan``). Which pages a user
gets is decided by ``ui.auth`` (sign-in and roles); a signed-out user gets the sign-in page only.
"""

from __future__ import annotations

import streamlit as st

from settings import get_settings
from ui import auth, chat
from ui.engine_loader import engine_or_stop
from ui.identity import current_user_id
from ui.locale import apply_vietnamese
from ui.text import md_escape


def chat_page() -> None:
    engine = engine_or_stop()  # a Vietnamese error, not a traceback, when the corpus cannot load
    import assistant

    for notice in engine.notices:  # e.g. the search index was rebuilt, or the Chroma server is unreachable
        st.warning(notice)

    state = st.session_state
    store, user_id = chat.conversation_store(engine.settings), current_user_id()
    chat.init_state(state)
    chat.sync_conversation(
        state, st.query_params, store, user_id
    )  # ?c=<id>: the conversation survives a reload
    chat.render_sidebar(st, engine)

    st.title("Hỏi đáp báo cáo")
    filters = chat.current_filters(state)
    scope = chat.filters_text(filters)
    st.caption(
        "Hỏi bằng tiếng Việt (có dấu hoặc không dấu) về các chỉ tiêu, dự án, nhiệm vụ trong báo cáo. "
        "Mỗi câu trả lời kèm nguồn: báo cáo, phụ lục, dòng."
        + (f" Đang giới hạn trong: {md_escape(scope)}." if scope else "")
    )
    if not state["messages"] and not state.get("pending_question"):
        chat.render_welcome(st, engine)

    for message in state["messages"]:
        chat.render_message(st, message, engine)

    # No max_chars: Streamlit would silently drop a longer paste; prepare_question cuts it and says so.
    typed = st.chat_input("Nhập câu hỏi về báo cáo…")
    raw = typed or state.pop("pending_question", None)
    state["pending_question"] = None
    question, notices = chat.prepare_question(raw or "", engine.settings.max_question_chars)
    if not question:
        if raw and raw.strip():  # only tags, nothing left to answer
            st.warning("Câu hỏi chỉ có thẻ HTML, không còn chữ để trả lời. Hãy nhập lại câu hỏi.")
        chat.render_export(st, engine)
        chat.render_history(st, store, user_id)
        return

    history = chat.history_for_answer(state["messages"])
    user = chat.user_message(question, notices)
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
        chat.save_conversation(state, store, user_id)
        chat.render_message_body(st, message, engine)
    chat.render_export(st, engine)
    chat.render_history(st, store, user_id)  # after saving: the list has this conversation


def sign_in_page() -> None:
    auth.render_sign_in(st)


# An emoji favicon is drawn locally (a data: URL); a ":material/…:" one would be fetched from Google.
# "auto": the sidebar starts collapsed on a phone.
st.set_page_config(
    page_title="Trợ lý hỏi đáp báo cáo", page_icon="💬", layout="wide", initial_sidebar_state="auto"
)
apply_vietnamese(st)  # <html lang="vi"> and Streamlit's own English texts in Vietnamese, on every page
auth.refuse_if_exposed(st, get_settings())  # network address without sign-in: refusal only
user = auth.current_user(st)
pages = auth.navigation_pages(
    st,
    user,
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
    ],
    sign_in_page,
)
if user is not None:
    auth.render_user_box(st, user)
st.navigation(pages).run()
