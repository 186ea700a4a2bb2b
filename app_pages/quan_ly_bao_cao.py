"""Trang «Quản lý báo cáo»: nạp, liệt kê, xóa báo cáo và thông tin hệ thống (xem ui/corpus.py)."""

import streamlit as st

from ui.corpus import render_management
from ui.engine_loader import engine_or_stop

render_management(st, engine_or_stop())
