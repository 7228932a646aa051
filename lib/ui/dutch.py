"""Streamlit's own English, where no parameter gives it Dutch words.

The toolbars Streamlit draws on a table ("Search", "Download as CSV",
"Show/hide columns", "Fullscreen") and on a chart ("Download as PNG", "Copy
Vega-Lite spec", "Show data") have fixed English labels. They are hidden:
Overzicht has its own Dutch exports (XLSX/CSV) and every table is small enough
to read without a search box. What remains English is listed in ENGLISH_LEFT
with the reason; the browser test allows exactly those.
"""

from __future__ import annotations

import streamlit as st

HIDE_TOOLBARS = """
<style>
[data-testid="stElementToolbar"] { display: none !important; }
</style>
"""

# Visible or spoken English that Streamlit offers no parameter for, and why it stays.
ENGLISH_LEFT = {
    "Select all": "the multiselect's bulk option (Streamlit 1.67 has no label parameter)",
    "Help for": "screen-reader label of a help icon (aria-label, not shown)",
    "Open": "screen-reader label of a select box's arrow (aria-label, not shown)",
    "Clear value": "screen-reader label of a chosen select box's clear button (aria-label)",
}


def hide_untranslatable() -> None:
    """Called once per run by the router (app.py)."""
    st.html(HIDE_TOOLBARS)
