"""The page in Vietnamese: ``<html lang="vi">`` and Streamlit's own English texts (file uploader hint
"Drag and drop file here", "Browse files", "Limit … per file", the "Press Enter to submit form" hint,
table toolbar tooltips) replaced by Vietnamese.

Streamlit 1.67 has no option for these texts or for the page language, so a small static script
(``ui/static/vietnamese.js``) does it in the browser. It is the app's only ``st.html`` and it carries
only that file's fixed text — never report or user text (tests/test_fuzz.py checks this). The file
must not contain a ``<``: Streamlit's sanitizer (DOMPurify) drops a script whose text has one.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

SCRIPT_PATH = Path(__file__).resolve().parent / "static" / "vietnamese.js"


@lru_cache(maxsize=1)
def vietnamese_script() -> str:
    return f"<script>{SCRIPT_PATH.read_text(encoding='utf-8')}</script>"


def apply_vietnamese(st: Any) -> None:
    st.html(vietnamese_script(), width="content", unsafe_allow_javascript=True)
