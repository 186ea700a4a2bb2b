"""The engine, loaded once per server process and shared by every session and page."""

from __future__ import annotations

import streamlit as st

from ui.text import md_escape


@st.cache_resource(show_spinner="Đang nạp báo cáo và chỉ mục tìm kiếm…")
def load_engine():
    """``assistant.get_engine()``; corpus changes go through ``engine.add_report``/``remove_report``,
    which update this same object, so the cache never needs clearing for them."""
    from assistant import get_engine

    engine = get_engine()
    engine.warm_up()  # embedder, index and tables now, so the first question is answered at warm speed
    return engine


def engine_or_stop():
    """The engine, or a Vietnamese error on the page (and the page stops) when it cannot load."""
    try:
        return load_engine()
    except Exception as exc:  # a missing/invalid corpus must give a readable message, not a traceback
        st.error(
            "Không nạp được kho báo cáo. Hãy chạy `make data` (hoặc kiểm tra thư mục `data/raw`).  \n"
            f"Chi tiết: {md_escape(f'{type(exc).__name__}: {exc}')}"
        )
        st.stop()
