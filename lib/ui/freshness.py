"""Messages and confirmations belong to one page view of one person.

Field messages of a refused form live in session_state until the next action,
and Streamlit keeps session_state across pages and across a demo role switch:
leaving Facturen with red messages and coming back showed them again under
the now empty fields (Streamlit forgets widgets that were not drawn). And on a
shared desk the next person saw the previous person's report confirmation.
So when the page or the person changes, what belonged to the last view goes.
"""

from __future__ import annotations

import streamlit as st

from lib.procedure import Actor

VIEW = "_view_of"
# Set by ui.act / ui.act_form for the rerun right after a refused action.
FIELD_MESSAGES = ("_field_errors", "_field_errors_form")
# Melden's "your report number is ..." screen and its submission id: one person's.
REPORT_DONE = ("melden-done", "melden-submission")


def _person(who: Actor) -> str:
    return "|".join([who.email, who.name, str(who.role), ",".join(sorted(who.roles))])


def forget_stale(who: Actor, path: str) -> None:
    """Called by ui.guard on every page run: drop what belongs to another view."""
    previous = st.session_state.get(VIEW)
    current = (path, _person(who))
    st.session_state[VIEW] = current
    if previous is None or tuple(previous) == current:
        return
    for key in FIELD_MESSAGES + REPORT_DONE:
        st.session_state.pop(key, None)
