"""Mijn meldingen (2.1 step 5): a reporter sees where each of their reports stands."""

import streamlit as st

from lib import ui, validation
from lib.procedure import status_label
from lib.ui.timeline import show_timeline, ticket_header, ticket_title

st.title("Mijn meldingen")
ui.actor()
ui.flash()

with st.form("mijn-meldingen"):
    typed = st.text_input(
        "Uw e-mailadres", value=st.session_state.get("my_email", ""), key="mijn-email"
    )
    shown = st.form_submit_button("Toon mijn meldingen", key="mijn-toon")
if shown:
    try:
        st.session_state["my_email"] = validation.email(typed)
    except ValueError as e:
        st.error(str(e))
        st.stop()

email = st.session_state.get("my_email", "")
if not email:
    st.info("Vul het e-mailadres in waarmee u de melding heeft gedaan.")
    st.stop()

snap = ui.snapshot()
tickets = snap.tickets_of_reporter(email)
if not tickets:
    st.info(f"Er zijn geen meldingen gevonden voor {email}.")
    st.stop()

st.caption(f"{len(tickets)} melding(en) van {email}, nieuwste eerst.")
for ticket in tickets:
    with st.expander(f"{ticket_title(snap, ticket)} · {status_label(ticket['status'])}"):
        ticket_header(snap, ticket)
        st.text(ticket["description"])
        st.markdown("**Verloop**")
        show_timeline(snap, ticket["id"])
