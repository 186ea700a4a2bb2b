"""Rendering of one answer: text, indicator chart, result table, source cards, suggestions.

Every piece of corpus or user text is escaped (:mod:`ui.text`); nothing uses ``unsafe_allow_html``.
The pure helpers (``row_fields``, ``table_frame``, ``chart_frame``, ``suggestion_question`` …) are
unit-tested without Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from assistant.types import ANNEX_PARTS
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


@dataclass
class AnswerSections:
    """An answer's text laid out for a reader in a hurry: ``lead`` first (the one or two sentences that
    answer the question), then ``numbers`` (lines with figures), then ``details`` (shown folded)."""

    lead: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)


MAX_LEAD_EXTRA_LINES = 2  # a heading line ("Tình hình X:") takes at most this many short lines into the lead


def _report_quote_prefix() -> str:
    from prompts import render

    return render("status_text", text="").strip()  # "Theo báo cáo:" — the template stays the one source


def answer_sections(answer: Any) -> AnswerSections:
    """Split ``answer.text`` into lead / numbers / details without changing its wording.

    - The first line is the lead (a yes/no verdict comes first there when the question asks one).
      A heading line ending in ``:`` also takes the following short lines without figures
      (the agency, the status marker).
    - When the answer has a result table, the bullet lines that repeat the table are left out.
    - The report's own text ("Theo báo cáo: …") is left out when the answer cites rows: the first
      source card shows that same text, with the quoted part highlighted.
    - Lines with a figure are ``numbers``; anything else goes to ``details``.
    """
    lines = [line.strip() for line in str(getattr(answer, "text", "") or "").split("\n") if line.strip()]
    sections = AnswerSections()
    if not lines:
        return sections
    prefix = _report_quote_prefix()
    quote_at = next((i for i, line in enumerate(lines) if prefix and line.startswith(prefix)), None)
    quoted: list[str] = []
    if quote_at is not None and quote_at > 0:
        lines, quoted = lines[:quote_at], lines[quote_at:]
    if getattr(answer, "table", None):
        lines = [line for line in lines if not line.startswith("- ")]
    sections.lead.append(lines[0])
    rest = lines[1:]
    if lines[0].endswith(":") and not getattr(answer, "table", None):
        for line in list(rest):
            if len(sections.lead) > MAX_LEAD_EXTRA_LINES:
                break
            if not any(ch.isdigit() for ch in line) and not line.startswith("- "):
                sections.lead.append(line)
                rest.remove(line)
    for line in rest:
        (sections.numbers if any(ch.isdigit() for ch in line) else sections.details).append(line)
    if quoted and not getattr(answer, "citations", None):
        sections.details.extend(quoted)
    return sections


def detail_lines(answer: Any) -> list[str]:
    """The internal details of an answer, shown behind "Chi tiết": cited row ids, route, time."""
    lines = []
    row_ids = list(dict.fromkeys(c.row_id for c in getattr(answer, "citations", []) or []))
    if row_ids:
        lines.append("Mã dòng: " + ", ".join(row_ids))
    route = ROUTE_LABELS.get(answer.route, answer.route)
    lines.append(f"Cách trả lời: {route}")
    seconds = vn_number(answer.latency_ms / 1000, 2) if answer.latency_ms else "—"
    lines.append(f"{ANSWER_TIME_LABEL}: {seconds} giây")
    return lines


ANSWER_TIME_LABEL = "Thời gian trả lời"  # also the marker eval/ui_driver.py waits for (ANSWER_DONE_TEXT)


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


def render_row_detail(st: Any, row: Any, citations: list[Any] | None = None, *, show_id: bool = True) -> None:
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
    # a quote shown in no field (a field's own text is never repeated as a separate "Trích dẫn")
    loose = [
        c
        for c in citations
        if (quote := (c.quote or "").strip()) and not any(c.column == h or quote in v for h, v in fields)
    ]
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
    if show_id:  # the chat shows row ids only under "Chi tiết"
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
    elif first.row in ANNEX_PARTS:  # the annex's legend or title
        label = f"{first.report} · Phụ lục {first.annex} · {first.row}"
    else:
        label = f"{first.report} · Phụ lục {first.annex} · dòng {first.row}"
    with st.expander(md_escape(label), expanded=expanded, icon=":material/description:"):
        if row is not None:
            render_row_detail(st, row, citations, show_id=False)
        else:
            st.caption(md_escape(f"Báo cáo số {first.report} · Phụ lục {first.annex}: {first.annex_title}"))
            for citation in citations:
                if citation.quote:
                    st.info(md_block(citation.quote), icon=":material/format_quote:")
            if first.row not in ANNEX_PARTS:
                st.caption("Dòng này không còn trong kho báo cáo hiện tại.")


CHART_LABEL_CHARS = 18  # axis labels wrap at this many characters: a 390-px phone keeps room for the bars
CHART_LABEL_PX = 130  # and never take more than this width of the chart
CHART_ROW_PX = 44  # height of one bar (with its wrapped label)
CHART_VALUE_ROOM = 1.3  # a 0-based value axis runs this far past the longest bar, so that its label fits
CHART_PAD = 0.15  # an indicator chart's axis extends this share of the values' spread on each side
CHART_LABEL_ROOM = 2.5  # and this many pads on the right, where the value labels are written


def wrap_label(text: str, width: int = CHART_LABEL_CHARS) -> str:
    """``'Thực hiện năm trước 2023'`` → ``'Thực hiện năm\ntrước 2023'`` (lines of at most ``width``)."""
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=False)) or str(text)


CHART_LINE_PX = 15  # one line of a wrapped 12-px label
CHART_AXIS_PX = 70  # the value axis with its title, below the rows (Vega fits it inside the height)


def chart_height(wrapped_labels: Any) -> int:
    """Height of a horizontal bar chart whose rows are as tall as their wrapped labels need."""
    labels = list(wrapped_labels)
    per_row = max([CHART_ROW_PX] + [CHART_LINE_PX * (str(t).count("\n") + 1) + 16 for t in labels])
    return per_row * len(labels) + CHART_AXIS_PX


def label_axis(alt: Any, field: str, order: list[str] | None = None) -> Any:
    """A category axis whose labels wrap (``\n`` in the value) and keep to ``CHART_LABEL_PX``;
    ``order``: the rows top to bottom (layers would otherwise reorder them)."""
    return alt.Y(
        f"{field}:N",
        sort=order,
        title=None,
        axis=alt.Axis(
            labelLimit=CHART_LABEL_PX,
            labelExpr="split(datum.label, '\\n')",
            labelFontSize=12,
            labelOverlap=False,
        ),
    )


def value_domain(frame: pd.DataFrame) -> list[float]:
    """The value axis of an indicator chart: around the values (not from 0, so that a target range and
    an estimate close to it stay apart), with room on the right for the value labels."""
    points = [float(v) for v in frame["end"]] + [
        float(v) for v, k in zip(frame["start"], frame["kind"], strict=True) if k == "range"
    ]
    low, high = min(points), max(points)
    pad = (high - low) * CHART_PAD or abs(high) * CHART_PAD or 1.0
    return [low - pad, high + pad * CHART_LABEL_ROOM]


def render_chart(st: Any, chart: Mapping[str, Any]) -> None:
    """Previous year's actual, the target and the estimate, one row each (a phone keeps them readable),
    with the report's verdict. A value is a dot; a target range (``7,5-8,0``) is a shaded interval with
    a mark at each bound, so it is never mistaken for one value."""
    import altair as alt

    verdict = chart.get("verdict")
    title = chart.get("title") or chart.get("name")
    if title:
        st.markdown(f"**{md_escape(title)}**")
    frame = chart_frame(chart)
    if frame is not None:
        unit = str(chart.get("unit") or "")
        frame["wrapped"] = frame["label"].map(wrap_label)
        frame["kind"] = ["range" if start != 0 else "value" for start in frame["start"]]
        scale = alt.Scale(domain=value_domain(frame), nice=False, zero=False)
        y = label_axis(alt, "wrapped", order=list(frame["wrapped"]))
        base = alt.Chart(frame).encode(
            y=y, tooltip=[alt.Tooltip("label:N", title="Cột"), alt.Tooltip("raw:N", title="Số liệu")]
        )
        value_x = alt.X("end:Q", title=unit or None, scale=scale)
        dots = base.transform_filter("datum.kind == 'value'").mark_circle(
            size=160, color="#4e79a7", opacity=1
        )
        ranges = base.transform_filter("datum.kind == 'range'")
        band = ranges.mark_bar(size=22, color="#f28e2b", opacity=0.35)
        bounds = ranges.transform_fold(["start", "end"], as_=["bound", "at"])
        ticks = bounds.mark_tick(thickness=3, size=28, color="#f28e2b").encode(x=alt.X("at:Q", scale=scale))
        labels = base.mark_text(align="left", dx=9, fontSize=12).encode(
            x=alt.X("end:Q", scale=scale), text="raw:N"
        )
        layers = (
            dots.encode(x=value_x) + band.encode(x=alt.X("start:Q", scale=scale), x2="end:Q") + ticks + labels
        )
        st.altair_chart(layers.properties(height=chart_height(frame["wrapped"])), width="stretch")
        if "range" in set(frame["kind"]):
            st.caption("Vùng tô cam: khoảng chỉ tiêu (từ … đến …); chấm xanh: một giá trị.")
    values_text = chart_values_text(chart)
    if values_text:
        st.caption(md_escape(values_text))
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
    """One assistant answer, inside the caller's ``st.chat_message``: the lead sentence(s), the figures,
    the chart and table, then folded: more details, the sources, and "Chi tiết" (row ids, route, time)."""
    clarify = list(getattr(answer, "clarify", None) or [])
    sections = answer_sections(answer)
    lead = md_block("\n".join(sections.lead))
    if answer.abstained and not clarify:
        # one box: the text itself says "Không có trong báo cáo …"; the label is added only when it does not
        said = (answer.text or "").lstrip().startswith(NOT_IN_REPORT)
        st.warning(lead if said else f"**{NOT_IN_REPORT}.**  \n{lead}", icon=":material/search_off:")
    elif lead:
        st.markdown(lead)
    if sections.numbers:
        st.markdown(md_block("\n".join(sections.numbers)))
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
    if sections.details:
        with st.expander("Diễn giải thêm", icon=":material/notes:"):
            st.markdown(md_block("\n".join(sections.details)))
    if answer.citations:
        groups = group_citations(answer.citations)
        st.caption(f"Nguồn ({len(groups)} dòng) — bấm để xem nội dung trong báo cáo:")
        for row_id, citations in groups:
            render_citation_card(st, row_id, citations, by_id)
    for i, option in enumerate(clarify[:6]):  # a clarifying reply: one button per reading, asking it
        st.button(
            md_escape(option.label),
            icon=":material/arrow_forward:",
            key=f"clar_{key}_{i}",
            on_click=on_suggestion,
            args=(option.question,),
            disabled=on_suggestion is None,
            width="stretch",
        )
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
    with st.expander("Chi tiết", icon=":material/tune:"):
        st.caption("  \n".join(md_escape(line) for line in detail_lines(answer)))
