"""Trang «Tổng quan»: chỉ tiêu, tình trạng dự án/nhiệm vụ, giải ngân và mặt bằng (xem ui/overview.py)."""

import streamlit as st

from ui.auth import require
from ui.engine_loader import engine_or_stop
from ui.overview import render_overview

require(st, "viewer")  # defence in depth: app.py already hides the page from other roles
render_overview(st, engine_or_stop())
