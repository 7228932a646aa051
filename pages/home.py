"""Home: which store is in use and how many reports are open."""

import streamlit as st

from lib import ui
from lib.procedure import OPEN_TICKET_STATES, status_label

st.title("Storingsmeldingen ICT/Telefonie")
ui.flash()
snap = ui.snapshot()
open_tickets = snap.open_tickets()

st.caption(f"Opslag: {ui.repository().label}")
if ui.config().demo_mode:
    st.info("Demomodus: de gegevens met '(demo)' zijn voorbeeldgegevens.")

st.metric("Open meldingen", len(open_tickets))
counts = {status_label(s): sum(t["status"] == s for t in open_tickets) for s in OPEN_TICKET_STATES}
st.dataframe(
    [{"Status": k, "Aantal": v} for k, v in sorted(counts.items()) if v],
    hide_index=True,
)
