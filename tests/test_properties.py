"""Property-based tests (hypothesis): the number parser and the report parser on random input.

They only ever fail in the documented way: numbers → ``None``/free text, reports → ``ParseError``.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingestion.numbers import format_vn_number, numbers_in, parse_typed_value, parse_vn_number
from ingestion.parser import ParseError, decode_report_bytes, parse_report_text
from tests.conftest import SEED_REPORT

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEED_BYTES = SEED_REPORT.read_bytes()
HEADER = (
    "Phụ lục I\n\nSỐ LIỆU TỔNG HỢP CHỈ TIÊU\n"
    "(Kèm theo Báo cáo số 320/BC-UBND ngày 15 tháng 11 năm 2024 của Ủy ban nhân dân thành phố)\n\n"
    "Chỉ tiêu\tĐVT\tNăm 2023\tNăm 2024\t\tSo sánh (%)\t\tGhi chú\n"
)
NUMBERISH = st.text(alphabet="0123456789.,-–%<>≥≤ \t+eE", max_size=20)
CELL = st.one_of(NUMBERISH, st.text(max_size=30), st.sampled_from(["", "1.", "A.", "I", "- ", "Trong đó:", "5,86", "7,5-8,0"]))
HTML = st.sampled_from(
    ["<b>", "</b>", "<table>", "<tr><td>", "</td><td>", "</td></tr>", "&nbsp;", "&amp;", "<br/>", "<!-- x -->",
     "<script>alert(1)</script>", "<p style='x'>", "\t", "\n", "Phụ lục II", "1. Chỉ tiêu", "%", "5,86"]
)


def check_report(text: str) -> None:
    """``parse_report_text`` returns consistent rows or raises ``ParseError`` — nothing else."""
    try:
        report = parse_report_text(text, "prop.txt")
    except ParseError:
        return
    ids = [row.id for row in report.rows]
    assert len(ids) == len(set(ids)), "duplicate row ids"
    for row in report.rows:
        assert row.report and row.report == report.meta.number
        assert row.id.startswith(f"{row.report}:")


# -- numbers ------------------------------------------------------------------------------------


@FAST
@given(st.one_of(NUMBERISH, st.text(max_size=40)))
def test_number_parsers_never_raise(text):
    number = parse_vn_number(text)
    assert number is None or math.isfinite(number)
    typed = parse_typed_value(text)
    assert typed.raw == (text.strip() or text)
    for value in numbers_in(text):
        assert math.isfinite(value)


@FAST
@given(st.integers(min_value=0, max_value=10**13))
def test_format_round_trips_two_decimals(cents):
    value = cents / 100
    formatted = format_vn_number(value)
    assert parse_vn_number(formatted) == value
    assert parse_vn_number(formatted + "%") == value
    assert numbers_in(f"đạt {formatted} tỷ đồng.") == [value]
    assert parse_typed_value(formatted).value == value


@FAST
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_ranges_and_comparators(low, high):
    a, b = format_vn_number(low / 100), format_vn_number(high / 100)
    typed = parse_typed_value(f"{a}-{b}")
    assert (typed.low, typed.high) == (low / 100, high / 100)
    assert parse_typed_value(f"≥{a}").comparator == ">="


# -- report parser --------------------------------------------------------------------------------


@FAST
@given(
    st.lists(st.lists(CELL, min_size=1, max_size=8), max_size=12),
    st.lists(st.sampled_from(["\n", "\n\n", "\t\n", " \n", "\n\t\t\n"]), min_size=12, max_size=12),
)
def test_parser_on_random_cells_tabs_and_blank_lines(table, gaps):
    body = "".join("\t".join(cells) + gap for cells, gap in zip(table, gaps, strict=False))
    check_report(HEADER + body)
    check_report(body)


@FAST
@given(st.lists(st.one_of(HTML, st.text(max_size=10)), max_size=40))
def test_parser_on_html_fragments(pieces):
    fragment = "".join(pieces)
    check_report(fragment)
    check_report(HEADER + fragment)


@FAST
@given(st.integers(min_value=0, max_value=len(SEED_BYTES)), st.integers(min_value=0, max_value=len(SEED_BYTES)))
def test_parser_on_truncated_seed_report(start, end):
    check_report(SEED_BYTES[:end].decode("utf-8", errors="ignore"))
    check_report(SEED_BYTES[min(start, end) : end].decode("utf-8", errors="ignore"))


@FAST
@given(st.one_of(st.binary(max_size=200), st.binary(max_size=50).map(lambda b: SEED_BYTES[:300] + b)))
def test_decode_report_bytes_returns_text_or_parse_error(data):
    try:
        text = decode_report_bytes(data, "prop.txt")
    except ParseError:
        return
    assert isinstance(text, str) and "\r" not in text
