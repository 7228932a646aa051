"""The Nemesys page's order cards: facts, confirmation (2.1 step 4), resolve/close/reopen (step 8).

Buttons hand the service the rows as they were drawn (callback arguments), so a
change by someone else in between is refused as a Conflict, never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from lib import formatting, invoice_check, procedure, services, ui
from lib.procedure import Ticket
from lib.services import Desk
from lib.snapshot import Snapshot
from lib.ui import cards
from lib.ui.timeline import show_timeline, ticket_header, ticket_title
from lib.workdays import AMSTERDAM


@dataclass(frozen=True)
class OrdersView:
    """What every card needs: the page's read, who acts, the minute, the confirmation limit."""

    snap: Snapshot
    desk: Desk
    now: datetime
    limit: float


def _confirm(desk: Desk, ticket: dict, order: dict, key: str) -> None:
    s = st.session_state
    when = datetime.combine(s[f"{key}-day"], s[f"{key}-time"], tzinfo=AMSTERDAM)
    ui.act_form(
        key,
        services.confirm_order,
        desk,
        ticket,
        order,
        reference=s[f"{key}-ref"],
        confirmed_at=when,
        success=f"Bevestiging van Nemesys vastgelegd voor {ticket['number']}.",
    )


def _with_note(desk: Desk, service, ticket: dict, key: str, success: str) -> None:
    ui.act_form(key, service, desk, ticket, st.session_state[f"{key}-note"], success=success)


def confirm_form(view: OrdersView, ticket: dict, order: dict) -> None:
    key, now = f"confirm-{ticket['id']}", view.now
    with st.form(key):
        st.markdown("**Bevestiging van Nemesys vastleggen** (stap 4)")
        st.text_input("Referentie van Nemesys", key=f"{key}-ref")
        ui.field_error("reference", key)
        day, moment = st.columns(2)
        day.date_input("Bevestigd op", value=now.date(), format="DD-MM-YYYY", key=f"{key}-day")
        moment.time_input("Tijd", value=now.time(), step=60, key=f"{key}-time")
        ui.field_error("confirmed_at", key)
        st.form_submit_button(
            "Bevestiging vastleggen",
            key=f"{key}-go",
            on_click=_confirm,
            args=(view.desk, ticket, order, key),
        )


NOTE_FORMS = {
    "resolve": (
        services.resolve,
        "Toelichting (optioneel)",
        "Opgelost",
        "Gemarkeerd als opgelost.",
    ),
    "close": (
        services.close,
        "Toelichting (optioneel)",
        "Afsluiten: naar tevredenheid opgelost",
        "Opdracht afgesloten.",
    ),
    "reopen": (services.reopen, "Reden van heropenen", "Heropenen", "Heropend bij Nemesys."),
}


def note_form(desk: Desk, ticket: dict, action: str) -> None:
    service, label, button, success = NOTE_FORMS[action]
    key = f"{action}-{ticket['id']}"
    with st.form(key):
        st.text_area(label, key=f"{key}-note", height=68)
        ui.field_error("note", key)
        st.form_submit_button(
            button,
            key=f"{key}-go",
            on_click=_with_note,
            args=(desk, service, ticket, key, success),
        )


def order_facts(ticket: dict, order: dict | None) -> None:
    if order is None:
        st.caption("Geen opdracht gevonden bij deze melding.")
        return
    facts = f"Opdracht gegeven: {formatting.moment(order['ordered_at'])}"
    if order["confirmed_at"]:
        facts += f" · Bevestigd: {formatting.moment(order['confirmed_at'])}"
    st.caption(facts)
    if order["nemesys_reference"]:
        st.text(f"Referentie Nemesys: {order['nemesys_reference']}")
    if ticket["status"] == Ticket.QUOTE_PENDING:
        st.info("Wacht op het besluit van de directie over de offerte (pagina Offertes).")


def ticket_card(view: OrdersView, ticket: dict, wait: invoice_check.Waiting | None) -> None:
    """One order as a card: its facts, forms and timeline drawn only when it is opened."""
    snap, limit = view.snap, view.limit
    label = ticket_title(snap, ticket) + f" · {procedure.status_label(ticket['status'])}"
    if wait and wait.overdue:
        label += f" · nog niet bevestigd na {formatting.hours(wait.hours)}"
    with cards.card(label, "nemesys", ticket) as shown:  # open or closed: one card
        if not shown:
            return
        order = snap.order_for(ticket["id"])
        if wait and wait.overdue:
            st.markdown(
                f":red[**Nog niet bevestigd na {formatting.hours(wait.hours)}**] "
                f"(grens: {formatting.hours(limit)})"
            )
        elif wait:
            st.caption(f"Wacht {formatting.hours(wait.hours)} op bevestiging door Nemesys.")
        ticket_header(snap, ticket)
        order_facts(ticket, order)
        for step in procedure.allowed_actions("ticket", ticket["status"], view.desk.actor):
            if step.action == "confirm" and order:
                confirm_form(view, ticket, order)
            elif step.action in NOTE_FORMS:
                note_form(view.desk, ticket, step.action)
        with st.popover("Tijdlijn"):  # an expander may not hold another expander
            show_timeline(snap, ticket["id"])
