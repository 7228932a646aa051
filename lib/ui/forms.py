"""Form widgets the procedure pages share."""

from __future__ import annotations

import streamlit as st

from lib import ui


def note_and_choice(
    form: str, label: str, yes: tuple[str, str], no: tuple[str, str], *, note_key: str = "note"
) -> tuple[str, bool | None]:
    """A form with one note and two buttons: a decision with its reason.

    `yes` and `no` are (key suffix, button label). Returns the note and True
    (first button), False (second) or None (neither pressed this run).
    """
    with st.form(form):
        note = st.text_area(label, key=f"{form}-{note_key}")
        ui.field_error("note", form)
        chose_yes = st.form_submit_button(yes[1], type="primary", key=f"{form}-{yes[0]}")
        chose_no = st.form_submit_button(no[1], key=f"{form}-{no[0]}")
    return note, (True if chose_yes else False if chose_no else None)
