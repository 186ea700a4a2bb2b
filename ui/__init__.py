"""Rendering helpers of the Streamlit app: source cards, tables, charts, overview, uploads, feedback.

``app.py`` and ``pages/`` only wire these together; everything here that is not a ``render_*``
function is plain Python and unit-testable without Streamlit running.
"""
