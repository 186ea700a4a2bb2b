"""The "Tổng quan" page: indicators with the report's verdict, projects/tasks by status marker,
disbursement and site clearance of projects where the report states them.

The ``*_frame``/``*_items`` helpers are pure (rows in, DataFrame/list out) and unit-tested.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from ui.render import (
    CHART_VALUE_ROOM,
    chart_height,
    label_axis,
    render_row_detail,
    verdict_color,
    verdict_md,
    wrap_label,
)
from ui.text import md_escape, shorten, vn_date, vn_number

NO_MARKER = "(không ký hiệu)"


def top_indicators(rows: Iterable[Any]) -> list[Any]:
    """Indicators that are not a sub-line of another indicator, in report order."""
    return [row for row in rows if row.kind == "indicator" and not row.parent]


def _raw(facts: dict, role: str) -> str:
    value = facts.get(role)
    return value.get("raw", "") if isinstance(value, dict) else ""


def _common(values: Iterable[Any], default: Any) -> Any:
    counts: dict[Any, int] = {}
    for value in values:
        if value is not None:
            counts[value] = counts.get(value, 0) + 1
    return max(counts, key=counts.get) if counts else default


def indicator_frame(rows: Iterable[Any]) -> pd.DataFrame:
    """One line per indicator: row, name, unit, previous-year actual, target, estimate, verdict."""
    indicators = top_indicators(rows)
    year = _common(((row.facts or {}).get("year") for row in indicators), "")
    prev = _common(((row.facts or {}).get("prev_year") for row in indicators), "năm trước")
    records = []
    for row in indicators:
        facts = row.facts or {}
        records.append(
            {
                "Dòng": row.row,
                "Chỉ tiêu": row.name,
                "ĐVT": facts.get("unit", ""),
                f"Thực hiện {prev}": _raw(facts, "actual_prev"),
                f"Nghị quyết {year}".strip(): _raw(facts, "target"),
                f"Ước thực hiện {year}".strip(): _raw(facts, "estimate"),
                "Đánh giá của báo cáo": facts.get("verdict") or "Không ghi",
            }
        )
    return pd.DataFrame(records)


def verdict_counts(rows: Iterable[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in top_indicators(rows):
        verdict = (row.facts or {}).get("verdict") or "Không ghi"
        counts[verdict] = counts.get(verdict, 0) + 1
    return counts


def status_frame(rows: Iterable[Any]) -> pd.DataFrame:
    """Counts of projects/tasks per annex and status marker (with the marker's meaning)."""
    records: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        if row.kind not in ("project", "task"):
            continue
        marker = f"({row.marker})" if row.marker else NO_MARKER
        key = (row.annex, marker)
        entry = records.setdefault(
            key,
            {
                "Phụ lục": row.annex,
                "Ký hiệu": marker,
                "Ý nghĩa": row.marker_meaning or ("Không có ký hiệu trạng thái" if not row.marker else ""),
                "Số lượng": 0,
                "_order": row.order,
            },
        )
        entry["Số lượng"] += 1
    frame = pd.DataFrame(records.values())
    if frame.empty:
        return frame
    frame["_nomark"] = frame["Ký hiệu"] == NO_MARKER
    frame = frame.sort_values(["Phụ lục", "_nomark", "Ký hiệu"], key=_annex_sort_key).drop(
        columns=["_order", "_nomark"]
    )
    return frame.reset_index(drop=True)


def _annex_sort_key(series: pd.Series) -> pd.Series:
    romans = {n: i for i, n in enumerate(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"])}
    if series.name == "Phụ lục":
        return series.map(lambda v: romans.get(v, 99))
    return series


def rows_with_marker(rows: Iterable[Any], annex: str, marker_label: str) -> list[Any]:
    wanted = None if marker_label == NO_MARKER else marker_label.strip("()")
    return [
        row
        for row in rows
        if row.kind in ("project", "task") and row.annex == annex and (row.marker or None) == wanted
    ]


def fact_items(rows: Iterable[Any], fact: str) -> list[dict[str, Any]]:
    """Rows whose ``facts[fact]["value"]`` is stated, e.g. ``disbursement_rate`` or ``site_clearance``."""
    items = []
    for row in rows:
        value = (row.facts or {}).get(fact)
        if isinstance(value, dict) and isinstance(value.get("value"), int | float):
            items.append(
                {
                    "row_id": row.id,
                    "label": f"{row.annex}.{row.row} — {shorten(row.name, 55)}",
                    "name": row.name,
                    "value": float(value["value"]),
                    "raw": f"{value.get('raw', vn_number(value['value']))}{value.get('unit', '%')}",
                    "quote": value.get("quote", ""),
                }
            )
    return items


# ---------------------------------------------------------------------------------------------
# Streamlit renderers


def _toggle_row(state: Any, key: str) -> None:
    state["overview_open"] = None if state.get("overview_open") == key else key


def _item_with_detail(st: Any, row: Any, key: str, text_md: str) -> None:
    """A line of text with a "Xem" button that shows (or hides) the full row right below it."""
    is_open = st.session_state.get("overview_open") == key
    cols = st.columns([6, 1])
    cols[0].markdown(text_md)
    cols[1].button(
        "Ẩn" if is_open else "Xem",
        key=f"btn_{key}",
        on_click=_toggle_row,
        args=(st.session_state, key),
        help="Xem đầy đủ dòng này của báo cáo",
    )
    if is_open:
        with st.container(border=True):
            render_row_detail(st, row)


def _fact_chart(st: Any, items: list[dict[str, Any]], title: str) -> None:
    """Percent bars per project; labels wrap and keep to a narrow column, so a phone still shows the bars."""
    import altair as alt

    frame = pd.DataFrame(items).sort_values("value", ascending=False)
    frame["wrapped"] = frame["label"].map(wrap_label)
    scale = alt.Scale(domain=[0, 100 * CHART_VALUE_ROOM], nice=False)  # room for the value after a 100% bar
    chart = (
        alt.Chart(frame)
        .mark_bar(color="#59a14f", size=18)
        .encode(
            y=label_axis(alt, "wrapped"),
            x=alt.X("value:Q", title=title, scale=scale, axis=alt.Axis(values=[0, 25, 50, 75, 100])),
            tooltip=[
                alt.Tooltip("name:N", title="Dự án"),
                alt.Tooltip("raw:N", title=title),
                alt.Tooltip("quote:N", title="Trích dẫn"),
            ],
        )
    )
    text = chart.mark_text(align="left", dx=4).encode(text="raw:N")
    st.altair_chart((chart + text).properties(height=chart_height(frame["wrapped"])), width="stretch")


def render_overview(st: Any, engine: Any) -> None:
    st.title("Tổng quan báo cáo")
    reports = engine.reports()
    if not reports:
        st.info("Kho chưa có báo cáo nào. Hãy nạp một báo cáo ở trang «Quản lý báo cáo».")
        return
    labels = {r["number"]: f"Báo cáo số {r['number']} ngày {vn_date(r.get('date')) or '—'}" for r in reports}
    number = st.selectbox(
        "Báo cáo",
        [r["number"] for r in reports],
        key="overview_report",
        format_func=lambda v: labels.get(v, v),
    )
    rows = [row for row in engine.rows if row.report == number]
    by_id = {row.id: row for row in rows}

    # -- indicators -------------------------------------------------------------------------
    indicators = top_indicators(rows)
    if indicators:
        st.header("Chỉ tiêu kinh tế - xã hội")
        counts = verdict_counts(rows)
        columns = st.columns(max(len(counts), 1))
        for column, (verdict, count) in zip(
            columns, sorted(counts.items(), key=lambda kv: -kv[1]), strict=False
        ):
            column.metric(verdict_md(verdict), count)
        st.dataframe(indicator_frame(rows), hide_index=True, width="stretch")
        st.caption("Bấm vào từng chỉ tiêu để xem đầy đủ dòng của báo cáo.")
        for row in indicators:
            verdict = (row.facts or {}).get("verdict")
            with st.expander(f"{md_escape(f'{row.row}. {row.name}')} — {verdict_md(verdict)}"):
                st.badge(md_escape(verdict or "Không ghi đánh giá"), color=verdict_color(verdict))
                render_row_detail(st, row)

    # -- status markers -----------------------------------------------------------------------
    status = status_frame(rows)
    if not status.empty:
        import altair as alt

        st.header("Dự án, nhiệm vụ theo tình trạng")
        st.caption("Ký hiệu tình trạng và ý nghĩa theo phần «Ghi chú» của từng phụ lục.")
        annex_titles = {row.annex: row.annex_title for row in rows}
        for annex in status["Phụ lục"].unique():
            part = status[status["Phụ lục"] == annex]
            st.subheader(md_escape(f"Phụ lục {annex}: {shorten(annex_titles.get(annex, ''), 100)}"))
            chart = (
                alt.Chart(part)
                .mark_bar()
                .encode(
                    y=alt.Y("Ký hiệu:N", sort=None, title=None),
                    x=alt.X("Số lượng:Q", title="Số lượng", axis=alt.Axis(tickMinStep=1)),
                    color=alt.Color("Ký hiệu:N", legend=None),
                    tooltip=["Ký hiệu", "Ý nghĩa", "Số lượng"],
                )
            )
            st.altair_chart(chart.properties(height=42 * len(part) + 50), width="stretch")
            for _, line in part.iterrows():
                members = rows_with_marker(rows, annex, line["Ký hiệu"])
                label = f"{line['Ký hiệu']} {shorten(line['Ý nghĩa'], 110)}: {line['Số lượng']}"
                with st.expander(md_escape(label)):
                    for row in members:
                        text = md_escape(f"{row.row}. {shorten(row.name, 160)}")
                        _item_with_detail(st, row, f"status:{row.id}", text)

    # -- disbursement and site clearance -------------------------------------------------------
    for fact, title, heading in (
        ("disbursement_rate", "Tỷ lệ giải ngân (%)", "Tỷ lệ giải ngân kế hoạch vốn"),
        ("site_clearance", "Bàn giao mặt bằng (%)", "Tiến độ giải phóng, bàn giao mặt bằng"),
    ):
        items = fact_items(rows, fact)
        if not items:
            continue
        st.header(heading)
        st.caption(f"Chỉ các dự án có nêu số liệu trong báo cáo ({len(items)} dự án).")
        _fact_chart(st, items, title)
        for item in sorted(items, key=lambda it: -it["value"]):
            text = (
                f"**{md_escape(item['raw'])}** — {md_escape(item['label'])}  \n«{md_escape(item['quote'])}»"
            )
            _item_with_detail(st, by_id[item["row_id"]], f"{fact}:{item['row_id']}", text)
