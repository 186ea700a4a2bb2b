"""Trang «Quản lý báo cáo»: nạp, liệt kê, xóa, khôi phục báo cáo, nhật ký và thông tin hệ thống (xem ui/corpus.py)."""

import streamlit as st

from ui.auth import require
from ui.corpus import render_management
from ui.engine_loader import engine_or_stop

user = require(st, "admin")  # defence in depth: app.py already hides the page from other roles
render_management(st, engine_or_stop(), user.id)
