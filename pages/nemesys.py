"""Nemesys (MAZ): open orders, their confirmation (2.1 step 4), resolved and closed (step 8).

Nemesys's confirmation is typed in the form at each order (lib/ui/nemesys_orders.py),
or read from their e-mail dropped on the page (lib/ui/nemesys_upload.py; lib/inbound.py
finds the report, time and reference).
"""

import streamlit as st

from lib import formatting, invoice_check, ui
from lib.procedure import Ticket
from lib.ui import cards
from lib.ui.nemesys_orders import OrdersView, ticket_card
from lib.ui.nemesys_upload import upload_section
from lib.workdays import AMSTERDAM

ACTIONS = ("confirm", "resolve", "close", "reopen")
OPEN_ORDER_STATES = (Ticket.ORDERED, Ticket.CONFIRMED, Ticket.QUOTE_PENDING, Ticket.RESOLVED)

who = ui.guard("pages/nemesys.py")
st.title("Opdrachten bij Nemesys")
ui.flash()
snap, desk = ui.snapshot(), ui.desk(who)
now = desk.clock().astimezone(AMSTERDAM).replace(second=0, microsecond=0)
limit = ui.effective_config().confirmation_alert_working_hours
waiting = invoice_check.unconfirmed_orders(snap, now, limit, desk.workday_config)
view = OrdersView(snap, desk, now, limit)

late = [w for w in waiting if w.overdue]
if late:
    st.warning(
        f"{len(late)} opdracht(en) na meer dan {formatting.hours(limit)} werktijd "
        f"nog niet bevestigd door Nemesys. Neem contact op met {ui.config().nemesys_address}."
    )
upload_section(snap, desk)
waits = {w.ticket["id"]: w for w in waiting}
first = [w.ticket for w in waiting]
rest = [t for t in snap.tickets_in(*OPEN_ORDER_STATES) if t["id"] not in waits]
if not first and not rest:
    st.success("Er staan geen opdrachten open bij Nemesys.")
for ticket in cards.paged(first + rest, "nemesys", lambda t: t["number"], noun="opdracht(en)"):
    ticket_card(view, ticket, waits.get(ticket["id"]))

closed = sorted(snap.tickets_in(Ticket.CLOSED), key=lambda t: t["updated_at"], reverse=True)
if closed:
    st.subheader("Afgesloten opdrachten")
    st.caption("Blijkt een afgesloten storing toch niet opgelost? Heropen de melding.")
    for ticket in cards.paged(closed, "nemesys-afgesloten", lambda t: t["number"], size=10):
        ticket_card(view, ticket, None)
