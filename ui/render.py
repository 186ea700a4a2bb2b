"""Rendering of one answer: text, indicator chart, result table, source cards, suggestions.

Every piece of corpus or user text is escaped (:mod:`ui.text`); nothing uses ``unsafe_allow_html``.
The pure helpers (``row_fields``, ``table_frame``, ``chart_frame``, ``suggestion_question`` …) are
unit-tested without Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from ingestion.columns import column_role
from ui.text import ROUTE_LABELS, highlight_md, md_block, md_escape, shorten, vn_date, vn_number

NOT_IN_REPORT = "Không có trong báo cáo"

# Order in which a row's fields are shown on its source card (roles from ingestion.columns).
_ROLE_ORDER = [
    "unit",
    "actual_prev",
    "target",
    "estimate",
    "vs_target_pct",
    "vs_prev_pct",
    "verdict",
    "lead",
    "coordinating",
    "approver",
    "prep_time",
    "impl_time",
    "funding",
    "product",
    None,
    "status",
]


# ---------------------------------------------------------------------------------------------
# Pure helpers


def row_label(row: Any) -> str:
    """``'320/BC-UBND · Phụ lục III · dòng 20 — Thư viện Thành phố'`` (plain text, not escaped)."""
    return f"{row.report} · Phụ lục {row.annex} · dòng {row.row} — {shorten(row.name, 80)}"


def row_fields(row: Any) -> list[tuple[str, str]]:
    """(column header, cell text) of a row in reading order; the name and STT columns are left out."""
    cells = [(header, value) for header, value in row.cells.items() if value and value.strip()]
    skipped = {"number", "name"}
    kept = [(h, v) for h, v in cells if column_role(h) not in skipped]
    order = {role: i for i, role in enumerate(_ROLE_ORDER)}
    return sorted(kept, key=lambda hv: order.get(column_role(hv[0]), order[None]))


def marker_text(row: Any) -> str | None:
    """``'(***) Dự án đang lập hồ sơ đề xuất chủ trương đầu tư'`` or ``None`` without a marker."""
    if not getattr(row, "marker", None):
        return None
    meaning = row.marker_meaning or "chưa có chú thích trong phụ lục"
    return f"({row.marker}) {meaning}"


def suggestion_question(row: Any) -> str:
    """The question a suggestion button asks about its row."""
    if row.kind == "indicator":
        return f"Chỉ tiêu {row.name} năm 2024 thực hiện thế nào so với nghị quyết?"
    what = "dự án" if row.kind == "project" and not row.name.lower().startswith("dự án") else ""
    subject = f"{what} {row.name}".strip()
    return f"Tình hình thực hiện {shorten(subject, 120)} (Phụ lục {row.annex}, dòng {row.row})?"


def citation_suggestion_question(citation: Any, by_id: Mapping[str, Any]) -> str:
    row = by_id.get(citation.row_id)
    if row is not None:
        return suggestion_question(row)
    return f"Nội dung Phụ lục {citation.annex}, dòng {citation.row} của báo cáo {citation.report}?"


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def table_frame(table: list[dict[str, Any]] | None) -> pd.DataFrame | None:
    """The answer's result rows as a DataFrame with Arrow-safe cells, or ``None`` when empty."""
    if not table:
        return None
    frame = pd.DataFrame([{key: _cell(value) for key, value in row.items()} for row in table])
    for column in frame.columns:
        if frame[column].map(type).nunique() > 1:  # mixed str/number: show as text
            frame[column] = frame[column].map(lambda v: "" if v is None else str(v))
    return frame


def table_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so that Excel opens the Vietnamese text correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def _range(value: Any) -> tuple[float, float] | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return (0.0, float(value))
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, int | float) for v in value):
        return (float(min(value)), float(max(value)))
    if isinstance(value, dict):
        if isinstance(value.get("value"), int | float):
            return (0.0, float(value["value"]))
        if isinstance(value.get("low"), int | float) and isinstance(value.get("high"), int | float):
            return (float(value["low"]), float(value["high"]))
    return None


def chart_frame(chart: Mapping[str, Any] | None) -> pd.DataFrame | None:
    """Bars of an indicator chart: label, start, end, raw text; ``None`` when nothing is plottable.

    A single number is a bar from 0; a range (``[7.5, 8.0]`` or ``{"low":…, "high":…}``) is a
    floating bar between its bounds. Missing values are left out (their raw text is still shown).
    """
    if not chart:
        return None
    labels = list(chart.get("labels") or [])
    values = list(chart.get("values") or [])
    raws = list(chart.get("raw") or [])
    records = []
    for i, label in enumerate(labels):
        span = _range(values[i]) if i < len(values) else None
        if span is None:
            continue
        raw = raws[i] if i < len(raws) and raws[i] not in (None, "") else vn_number(span[1])
        records.append({"label": str(label), "start": span[0], "end": span[1], "raw": str(raw), "order": i})
    return pd.DataFrame(records) if records else None


def chart_values_text(chart: Mapping[str, Any]) -> str:
    """``'Thực hiện 2023: 5,75 · Nghị quyết 2024: 7,5-8,0 · Ước 2024: 5,86 (%)'`` (plain text)."""
    labels = list(chart.get("labels") or [])
    raws = list(chart.get("raw") or [])
    values = list(chart.get("values") or [])
    parts = []
    for i, label in enumerate(labels):
        raw = raws[i] if i < len(raws) else None
        if raw in (None, "") and i < len(values) and isinstance(values[i], int | float):
            raw = vn_number(values[i])
        parts.append(f"{label}: {raw if raw not in (None, '') else 'không có số liệu'}")
    text = " · ".join(parts)
    unit = chart.get("unit")
    return f"{text} ({unit})" if unit and text else text


def verdict_color(verdict: str | None) -> str:
    """Badge colour of a report verdict such as 'Đạt NQ', 'Vượt NQ', 'Chưa đạt NQ', 'Cơ bản đạt NQ'."""
    folded = (verdict or "").lower()
    if not folded:
        return "gray"
    if "chưa" in folded or "không đạt" in folded or "not" in folded:
        return "red"
    if "cơ bản" in folded:
        return "orange"
    if "vượt" in folded or "đạt" in folded or folded in ("met", "exceeded"):
        return "green"
    return "gray"


def verdict_md(verdict: str | None) -> str:
    """The verdict as coloured Markdown with an icon, e.g. ``':red[:material/cancel: Chưa đạt NQ]'``."""
    color = verdict_color(verdict)
    icon = {"green": "check_circle", "red": "cancel", "orange": "error"}.get(color, "help")
    return f":{color}[:material/{icon}: {md_escape(verdict or 'Không ghi đánh giá')}]"


# ---------------------------------------------------------------------------------------------
# Streamlit renderers


def group_citations(citations: list[Any]) -> list[tuple[str, list[Any]]]:
    """Citations grouped by row, in first-cited order: one source card per row."""
    groups: dict[str, list[Any]] = {}
    for citation in citations:
        groups.setdefault(citation.row_id, []).append(citation)
    return list(groups.items())


def _cited(header: str, value: str, citations: list[Any]) -> tuple[str | None, Any]:
    """(quote to highlight, citation) of a field: quote '' marks the whole field; ``None`` = not cited."""
    for citation in citations:
        quote = (citation.quote or "").strip()
        if citation.column == header:
            return (quote if quote and quote in value else ""), citation
        if quote and len(quote) >= 8 and quote in value:
            return quote, citation
    return None, None


SHORT_FIELD = 160


def render_row_detail(st: Any, row: Any, citations: list[Any] | None = None) -> None:
    """Everything on one row: where it is, its status marker, every field; the cited cells highlighted.

    A short cited cell is shown on a coloured background, a long one in a highlight box with the
    quoted passage in bold; a quote found in no field is shown first, as "Trích dẫn".
    """
    citations = [c for c in citations or [] if c is not None]
    where = f"Báo cáo số {row.report}"
    if row.report_date:
        where += f" ngày {vn_date(row.report_date)}"
    st.caption(md_escape(f"{where} · Phụ lục {row.annex}: {row.annex_title}"))
    heading = f"Dòng {row.row}: {row.name}"
    st.markdown(f"**{md_escape(heading)}**")
    if row.group_title:
        st.markdown(f"Nhóm: {md_escape(row.group_title)}")
    if marker := marker_text(row):
        st.markdown(f"**Trạng thái:** {md_escape(marker)}")
    fields = row_fields(row)
    placed = {id(_cited(h, v, citations)[1]) for h, v in fields}
    loose = [c for c in citations if (c.quote or "").strip() and id(c) not in placed]
    if loose:
        lines = [md_block(c.quote.strip()) for c in loose]
        st.info("**Trích dẫn:**  \n" + "  \n".join(lines), icon=":material/format_quote:")
    for header, value in fields:
        quote, _ = _cited(header, value, citations)
        label = f"**{md_escape(header)}:**"
        if quote is None:
            st.markdown(f"{label} {md_block(value)}")
        elif len(value) <= SHORT_FIELD and "\n" not in value.strip():
            st.markdown(f":material/format_quote: {label} :blue-background[**{md_escape(value.strip())}**]")
        else:
            body = highlight_md(value, quote) if quote else md_block(value)
            st.info(f"{label}  \n{body}", icon=":material/format_quote:")
    for extra in getattr(row, "extra_values", []) or []:
        st.markdown(
            "Giá trị bổ sung: " + "; ".join(f"{md_escape(k)}: {md_escape(v)}" for k, v in extra.items() if v)
        )
    for note in getattr(row, "footnotes", []) or []:
        st.caption(f"Chú thích: {md_escape(note)}")
    st.caption(md_escape(f"Mã dòng: {row.id}"))


def render_citation_card(
    st: Any, row_id: str, citations: list[Any], by_id: Mapping[str, Any], *, expanded: bool = False
) -> None:
    """A source card (expander) for one cited row and the citations that point into it."""
    row = by_id.get(row_id)
    first = citations[0]
    if row is not None:
        label = row_label(row)
        if row.marker:
            label += f" ({row.marker})"
    else:
        label = f"{first.report} · Phụ lục {first.annex} · dòng {first.row}"
    with st.expander(md_escape(label), expanded=expanded, icon=":material/description:"):
        if row is not None:
            render_row_detail(st, row, citations)
        else:
            st.caption(md_escape(f"Báo cáo số {first.report} · Phụ lục {first.annex}: {first.annex_title}"))
            for citation in citations:
                if citation.quote:
                    st.info(md_block(citation.quote), icon=":material/format_quote:")
            st.caption("Dòng này không còn trong kho báo cáo hiện tại.")


def render_chart(st: Any, chart: Mapping[str, Any]) -> None:
    """2023 actual vs 2024 target vs 2024 estimate, with the report's verdict."""
    import altair as alt

    verdict = chart.get("verdict")
    title = chart.get("title") or chart.get("name")
    if title:
        st.markdown(f"**{md_escape(title)}**")
    frame = chart_frame(chart)
    if frame is not None:
        unit = str(chart.get("unit") or "")
        base = alt.Chart(frame).encode(
            x=alt.X("label:N", sort=None, title=None, axis=alt.Axis(labelAngle=0, labelLimit=220)),
            tooltip=[alt.Tooltip("label:N", title="Cột"), alt.Tooltip("raw:N", title="Số liệu")],
        )
        bars = base.mark_bar(size=42, color="#4e79a7").encode(
            y=alt.Y("start:Q", title=unit or None), y2="end:Q"
        )
        labels = base.mark_text(dy=-8).encode(y="end:Q", text="raw:N")
        st.altair_chart((bars + labels).properties(height=220), width="stretch")
    values = chart_values_text(chart)
    if values:
        st.caption(md_escape(values))
    if verdict:
        st.badge(f"Đánh giá của báo cáo: {md_escape(verdict)}", color=verdict_color(verdict))


def render_table(st: Any, table: list[dict[str, Any]] | None, *, key: str) -> None:
    frame = table_frame(table)
    if frame is None:
        return
    st.dataframe(frame, hide_index=True, width="stretch")
    st.download_button(
        "Tải bảng (CSV)",
        icon=":material/download:",
        data=table_csv(frame),
        file_name="ket-qua.csv",
        mime="text/csv",
        key=f"csv_{key}",
    )


def render_answer(
    st: Any,
    answer: Any,
    by_id: Mapping[str, Any],
    *,
    key: str,
    on_suggestion: Callable[[str], None] | None = None,
) -> None:
    """One assistant answer, inside the caller's ``st.chat_message``."""
    clarify = list(getattr(answer, "clarify", None) or [])
    if answer.abstained and not clarify:
        st.warning(f"**{NOT_IN_REPORT}.**", icon=":material/search_off:")
    if answer.text:
        st.markdown(md_block(answer.text))
    for notice in answer.notices:
        st.caption(f":material/info: {md_escape(notice)}")
    if computed := getattr(answer, "computed_values", None):
        values = ", ".join(str(v) for v in computed)
        st.caption(
            f":material/calculate: Số do hệ thống đếm/tính từ các dòng được trích dẫn: {md_escape(values)}"
        )
    if answer.chart:
        render_chart(st, answer.chart)
    render_table(st, answer.table, key=key)
    if answer.citations:
        groups = group_citations(answer.citations)
        st.markdown(f"**Nguồn ({len(groups)} dòng):**")
        for i, (row_id, citations) in enumerate(groups):
            render_citation_card(st, row_id, citations, by_id, expanded=(i == 0 and len(groups) <= 3))
    for i, option in enumerate(clarify[:6]):  # a clarifying reply: one button per reading, asking it
        st.button(md_escape(option.label), icon=":material/arrow_forward:", key=f"clar_{key}_{i}",
                  on_click=on_suggestion, args=(option.question,), disabled=on_suggestion is None, width="stretch")
    if answer.abstained and answer.suggestions and not clarify:
        st.markdown("**Có thể bạn muốn hỏi về các dòng liên quan:**")
        for i, citation in enumerate(answer.suggestions[:6]):
            row = by_id.get(citation.row_id)
            label = row_label(row) if row is not None else f"Phụ lục {citation.annex}, dòng {citation.row}"
            question = citation_suggestion_question(citation, by_id)
            st.button(
                md_escape(label),
                icon=":material/help:",
                key=f"sugg_{key}_{i}",
                on_click=on_suggestion,
                args=(question,),
                disabled=on_suggestion is None,
                width="stretch",
            )
    route = ROUTE_LABELS.get(answer.route, answer.route)
    seconds = vn_number(answer.latency_ms / 1000, 2) if answer.latency_ms else "—"
    st.caption(f":material/schedule: Thời gian trả lời: {seconds} giây · cách trả lời: {md_escape(route)}")
