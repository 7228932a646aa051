"""Start: who is signed in, and the open reports they may follow."""

import streamlit as st

from lib import audience, ui
from lib.procedure import OPEN_TICKET_STATES, Role, status_label

who = ui.guard("pages/home.py")
st.title("Storingsmeldingen ICT/Telefonie")
ui.flash()
snap = ui.snapshot()

if ui.config().demo_mode:
    st.info("Demomodus: de gegevens met '(demo)' zijn voorbeeldgegevens.")
st.write(f"Welkom, {who.name}.")

mine = [t for t in audience.own_tickets(snap, who) if t["status"] in OPEN_TICKET_STATES]
st.metric("Mijn open meldingen", len(mine))
ui.page_link("pages/melden.py", "Een storing melden", "📝")

if who.roles & audience.READ_ALL:
    open_tickets = snap.open_tickets()
    st.metric("Open meldingen", len(open_tickets))
    counts = {
        status_label(s): sum(t["status"] == s for t in open_tickets) for s in OPEN_TICKET_STATES
    }
    st.dataframe(
        [{"Status": k, "Aantal": v} for k, v in sorted(counts.items()) if v],
        hide_index=True,
    )
if Role.MAZ in who.roles:
    st.caption(f"Opslag: {ui.repository().label}")
