"""Trang «Đánh giá»: chạy bộ câu hỏi, chấm tay, so sánh hai lần chạy (xem ui/evaluation.py, eval/runs.py)."""

import streamlit as st

from ui.auth import require
from ui.engine_loader import engine_or_stop
from ui.evaluation import render_evaluation

require(st, "evaluator")  # defence in depth: app.py already hides the page from other roles
render_evaluation(st, engine_or_stop())
