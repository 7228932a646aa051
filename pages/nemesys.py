"""Nemesys (MAZ): open orders, their confirmation (2.1 step 4), resolved and closed (step 8).

Nemesys's confirmation is typed in the form at each order, or read from their
e-mail dropped on the page (lib/inbound.py finds the report, time and reference).
Buttons hand the service the rows as they were drawn (callback arguments), so a
change by someone else in between is refused as a Conflict, never overwritten.
"""

from datetime import datetime

import streamlit as st

from lib import formatting, inbound, invoice_check, procedure, services, ui
from lib.procedure import Ticket
from lib.ui import cards
from lib.ui.timeline import plain, show_timeline, ticket_header, ticket_title
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


def _confirm(ticket: dict, order: dict, key: str) -> None:
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


def _with_note(service, ticket: dict, key: str, success: str) -> None:
    ui.act_form(key, service, desk, ticket, st.session_state[f"{key}-note"], success=success)


def confirm_form(ticket: dict, order: dict) -> None:
    key = f"confirm-{ticket['id']}"
    with st.form(key):
        st.markdown("**Bevestiging van Nemesys vastleggen** (stap 4)")
        st.text_input("Referentie van Nemesys", key=f"{key}-ref")
        ui.field_error("reference", key)
        day, moment = st.columns(2)
        day.date_input("Bevestigd op", value=now.date(), format="DD-MM-YYYY", key=f"{key}-day")
        moment.time_input("Tijd", value=now.time(), step=60, key=f"{key}-time")
        ui.field_error("confirmed_at", key)
        st.form_submit_button(
            "Bevestiging vastleggen", key=f"{key}-go", on_click=_confirm, args=(ticket, order, key)
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


def note_form(ticket: dict, action: str) -> None:
    service, label, button, success = NOTE_FORMS[action]
    key = f"{action}-{ticket['id']}"
    with st.form(key):
        st.text_area(label, key=f"{key}-note", height=68)
        ui.field_error("note", key)
        st.form_submit_button(
            button, key=f"{key}-go", on_click=_with_note, args=(service, ticket, key, success)
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


def ticket_card(ticket: dict, wait: invoice_check.Waiting | None) -> None:
    """One order as a card: its facts, forms and timeline drawn only when it is opened."""
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
        for step in procedure.allowed_actions("ticket", ticket["status"], who):
            if step.action == "confirm" and order:
                confirm_form(ticket, order)
            elif step.action in NOTE_FORMS:
                note_form(ticket, step.action)
        with st.popover("Tijdlijn"):  # an expander may not hold another expander
            show_timeline(snap, ticket["id"])


UPLOAD_ROUND = "inbound-round"


def _record_mail(found: inbound.Confirmation, key: str) -> None:
    s = st.session_state
    when = datetime.combine(s[f"{key}-day"], s[f"{key}-time"], tzinfo=AMSTERDAM)
    if when == found.confirmed_at.replace(second=0, microsecond=0):
        when = found.confirmed_at  # left as read: the mail's Date to the second
    s.pop("_field_errors_form", None)  # the messages below belong to this section
    s[UPLOAD_ROUND] = s.get(UPLOAD_ROUND, 0) + 1  # recorded: the uploader starts empty
    ui.act(
        services.confirm_order,
        desk,
        found.ticket,
        found.order,
        reference=s[f"{key}-ref"],
        confirmed_at=when,
        success=f"Bevestiging van Nemesys vastgelegd voor {found.number} (uit de e-mail).",
    )
    s[UPLOAD_ROUND] -= 1  # refused (ui.act showed why): keep the file to correct and retry


def _section_error(name: str) -> None:
    if "_field_errors_form" not in st.session_state:  # not a message of a form at an order
        ui.field_error(name)


def show_found(found: inbound.Confirmation, key: str) -> None:
    location = snap.location(found.ticket["location_id"])["name"]
    how = {
        "onderwerp": "gevonden via het meldingsnummer in het onderwerp",
        "draad": "gevonden via de e-mailwisseling (antwoord op onze opdracht)",
    }[found.matched_by]
    st.markdown(f"**{found.number}** · {plain(location)} · {how}")
    st.text(f"Van: {found.sender}\nOnderwerp: {found.subject}")
    if found.excerpt:
        st.text(found.excerpt)
    nemesys_domain = ui.config().nemesys_address.rpartition("@")[2].lower()
    domain = found.sender_address.rpartition("@")[2]
    if nemesys_domain and domain != nemesys_domain and not domain.endswith("." + nemesys_domain):
        st.warning(
            f"Let op: de afzender ({found.sender_address or 'onbekend'}) is geen adres van "
            f"{nemesys_domain}. Controleer of dit de bevestiging van Nemesys is."
        )
    if found.forwarded:
        st.info(
            "Dit is een doorgestuurde e-mail: de tijd hieronder is die van het doorsturen. "
            "Neem de tijd van Nemesys over uit de doorgestuurde tekst als die anders is."
        )
    st.text_input("Referentie van Nemesys", value=found.reference, key=f"{key}-ref")
    if not found.reference:
        st.caption("Geen referentie van Nemesys gevonden in de e-mail: typ die hierboven over.")
    _section_error("reference")
    day, moment = st.columns(2)
    seen = found.confirmed_at
    day.date_input("Bevestigd op", value=seen.date(), format="DD-MM-YYYY", key=f"{key}-day")
    moment.time_input(
        "Tijd", value=seen.time().replace(second=0, microsecond=0), step=60, key=f"{key}-time"
    )
    _section_error("confirmed_at")
    st.button(
        "Bevestiging vastleggen",
        key=f"{key}-go",
        type="primary",
        on_click=_record_mail,
        args=(found, key),
    )


def upload_section() -> None:
    st.subheader("Bevestiging van Nemesys inlezen")
    upload = st.file_uploader(
        "Sleep de bevestigingsmail van Nemesys hierheen (een .eml-bestand, geen .msg)",
        type=["eml", "msg"],  # a .msg gets a Dutch explanation instead of Streamlit's refusal
        key=f"inbound-upload-{st.session_state.get(UPLOAD_ROUND, 0)}",
        help="Outlook op het web of de nieuwe Outlook: open de e-mail en kies ··· > Opslaan "
        "als (Downloaden) voor een .eml-bestand. De app zoekt het meldingsnummer, de tijd en "
        "de referentie van Nemesys; u controleert ze voordat u vastlegt.",
    )
    if upload is None:
        return
    with st.container(border=True):
        try:
            found = inbound.read_confirmation(upload.getvalue(), snap)
        except inbound.Refused as e:
            st.error(str(e))
            return
        show_found(found, f"inbound-{upload.file_id}")


late = [w for w in waiting if w.overdue]
if late:
    st.warning(
        f"{len(late)} opdracht(en) na meer dan {formatting.hours(limit)} werktijd "
        f"nog niet bevestigd door Nemesys. Neem contact op met {ui.config().nemesys_address}."
    )
upload_section()
waits = {w.ticket["id"]: w for w in waiting}
first = [w.ticket for w in waiting]
rest = [t for t in snap.tickets_in(*OPEN_ORDER_STATES) if t["id"] not in waits]
if not first and not rest:
    st.success("Er staan geen opdrachten open bij Nemesys.")
for ticket in cards.paged(first + rest, "nemesys", lambda t: t["number"], noun="opdracht(en)"):
    ticket_card(ticket, waits.get(ticket["id"]))

closed = sorted(snap.tickets_in(Ticket.CLOSED), key=lambda t: t["updated_at"], reverse=True)
if closed:
    st.subheader("Afgesloten opdrachten")
    st.caption("Blijkt een afgesloten storing toch niet opgelost? Heropen de melding.")
    for ticket in cards.paged(closed, "nemesys-afgesloten", lambda t: t["number"], size=10):
        ticket_card(ticket, None)
