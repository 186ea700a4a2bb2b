"""Safe text for Streamlit: corpus and user text is escaped, never rendered as HTML or Markdown.

Streamlit Markdown (``st.markdown``, labels of expanders and buttons) would interpret ``*``, ``_``,
``#``, ``[...]``, ``$``, ``:color[...]`` … that occur in report text, so every piece of such text goes
through :func:`md_escape` first. Nothing in the app uses ``unsafe_allow_html``.

Example: ``md_escape("(***) 2*3")`` puts a backslash before each of ``( * * * ) *``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escape the ones that
# Markdown, GitHub extensions or Streamlit directives (":red[…]", "$…$", ":smile:") give a meaning.
_MD_SPECIAL_RE = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'])")

ROUTE_LABELS = {
    "table": "tra bảng số liệu",
    "retrieval": "tìm kiếm văn bản",
    "table+retrieval": "bảng số liệu + tìm kiếm văn bản",
    "none": "không tìm thấy",
    "help": "hướng dẫn",
}


def md_escape(text: object) -> str:
    """Escape text so that Streamlit Markdown shows it literally (one line, no line breaks kept)."""
    value = unicodedata.normalize("NFC", str(text if text is not None else ""))
    return _MD_SPECIAL_RE.sub(r"\\\1", value)


def md_block(text: object) -> str:
    """Escape multi-line text and keep its line breaks (Markdown hard breaks)."""
    lines = str(text if text is not None else "").replace("\r\n", "\n").split("\n")
    return "  \n".join(md_escape(line) for line in lines)


def _bold_is_safe(before: str, quote: str, after: str) -> bool:
    """``**…**`` only renders as bold when the delimiters are flanked correctly (CommonMark rules)."""
    if not quote or quote != quote.strip():
        return False
    starts_punct = not quote[0].isalnum()
    ends_punct = not quote[-1].isalnum()
    if starts_punct and before and before[-1].isalnum():
        return False
    return not (ends_punct and after and after[0].isalnum())


def highlight_md(text: str, quote: str | None) -> str:
    """Escaped ``text`` with the first occurrence of ``quote`` in bold, when it occurs verbatim.

    Example: ``highlight_md("Đã bàn giao mặt bằng 42%.", "bàn giao mặt bằng 42%")``
    gives ``'Đã **bàn giao mặt bằng 42%**\\.'``.
    """
    quote = (quote or "").strip()
    if not quote or quote not in text or quote == text.strip():
        return md_block(text)
    start = text.index(quote)
    before, after = text[:start], text[start + len(quote) :]
    if not _bold_is_safe(before, quote, after):
        return md_block(text)
    bold = "  \n".join(f"**{md_escape(part)}**" if part.strip() else "" for part in quote.split("\n"))
    return md_block(before) + bold + md_block(after)


def vn_date(iso: str | None) -> str:
    """``'2024-11-15'`` → ``'15/11/2024'``; anything else is returned unchanged (or '' for None)."""
    if not iso:
        return ""
    try:
        parsed = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{parsed.day:02d}/{parsed.month:02d}/{parsed.year}"


def vn_number(value: float | int | None, digits: int = 2) -> str:
    """Vietnamese number format: ``1234.5`` → ``'1.234,5'``."""
    if value is None:
        return ""
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_size(n_bytes: int) -> str:
    if n_bytes >= 1024 * 1024:
        return f"{vn_number(n_bytes / (1024 * 1024), 1)} MB"
    if n_bytes >= 1024:
        return f"{vn_number(n_bytes / 1024, 1)} KB"
    return f"{n_bytes} byte"


def shorten(text: str, limit: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
