"""Drawing the Start page's work lists (lib/worklists.py): one block per list.

Each line is a link to the page where the work is done, with the report's
number in the address (?melding=...), so that page opens on that report.
"""

from __future__ import annotations

import contextlib

import streamlit as st
from streamlit.errors import StreamlitAPIException

from lib import navigation
from lib.worklists import WorkList

FOCUS_PARAM = "melding"


def show(worklist: WorkList) -> None:
    screen = navigation.SCREENS[worklist.page]
    with st.container(border=True, key=f"worklist-{worklist.key}"):
        st.markdown(f"**{worklist.title}** ({len(worklist.items)})")
        if not worklist.items:
            st.caption(worklist.empty)
        for item in worklist.items:
            params = {FOCUS_PARAM: item.number} if item.number else None
            try:
                st.page_link(item.page, label=item.text, icon=screen.icon, query_params=params)
            except StreamlitAPIException:
                # A page run on its own (a test of one script) has no menu to link into.
                st.markdown(f"- {item.text}")


def focused_number() -> str:
    """The report number a Start link asked this page to open ('' when none)."""
    with contextlib.suppress(Exception):
        return str(st.query_params.get(FOCUS_PARAM, "")).strip().upper()
    return ""
