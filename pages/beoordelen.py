"""Beoordelen (MAZ, 2.1 steps 2-3 and 2.2 steps 2-3): assess new reports.

Oldest first, with age and the form's suggested urgency. The MAZ may investigate
first (3a), then decides urgent (order + mail to Nemesys at once, 3b) or not
urgent (check on the next working day, 2.2 step 3), always with a reason.
"""

import streamlit as st

from lib import follow_up_rule, queues, services, ui, workdays
from lib.procedure import Ticket, status_label
from lib.ui import cards
from lib.ui import outages as outage_ui
from lib.ui.forms import note_and_choice
from lib.ui.timeline import plain, show_timeline, ticket_header

who = ui.guard("pages/beoordelen.py")
st.title("Beoordelen")
ui.flash()
snap = ui.snapshot()
now = workdays.now()
desk = ui.desk(who)


def _remember(ticket_id: str) -> None:
    # Read back after the rerun, from the fresh snapshot, to say what happened.
    st.session_state["beoordelen-last"] = ticket_id


def _outcome() -> None:
    last = snap.ticket(st.session_state.get("beoordelen-last", ""))
    if not last:
        return
    if last["status"] == Ticket.ORDERED:
        st.info(
            f"{last['number']} is urgent: de opdracht aan Nemesys en de mail aan "
            f"{ui.config().nemesys_address} staan klaar in het Postvak."
        )
    elif last["status"] == Ticket.WAITING:
        st.info(
            f"{last['number']} is niet urgent: "
            f"{follow_up_rule.wait_rule(last['check_due_at'], ui.effective_config().check_time)}"
            " (pagina Opvolgen)."
        )


def _details(row: queues.QueueRow) -> None:
    t = row.ticket
    ticket_header(snap, t)
    st.markdown(f"**Wacht al:** {row.age} · **Voorstel urgentie:** {row.suggested}")
    st.markdown(
        f"**Melder:** {plain(t['reporter_name'])} ({plain(t['reporter_email'])}) · "
        f"**Bereikbaar:** {plain(t['contact_info']) or '-'} · "
        f"**Kantoor kan niet werken:** {'ja' if t['blocks_office_work'] else 'nee'}"
    )
    st.text(t["description"])
    if t["investigation_notes"]:
        st.markdown("**Eigen onderzoek**")
        st.text(t["investigation_notes"])


def _investigation_form(ticket: dict, seen: dict) -> None:
    form = f"onderzoek-{ticket['id']}"
    new = ticket["status"] == Ticket.NEW
    with st.form(form):
        notes = st.text_area(
            "Notitie van uw onderzoek" + (" (mag leeg)" if new else ""), key=f"{form}-note"
        )
        ui.field_error("note", form)
        label = "Zelf onderzoeken (stap 3a)" if new else "Notitie toevoegen"
        pressed = st.form_submit_button(label, key=f"{form}-submit")
    if pressed:  # the button the user saw belonged to the ticket as it was then
        was_new = seen["status"] == Ticket.NEW
        action = services.investigate if was_new else services.add_investigation_note
        ui.act_form(form, action, desk, seen, notes, success="Onderzoek vastgelegd.")


def _triage_form(ticket: dict, seen: dict) -> None:
    form = f"triage-{ticket['id']}"
    reason, urgent = note_and_choice(
        form,
        "Reden van uw beoordeling (verplicht)",
        ("urgent", "Urgent: direct opdracht aan Nemesys"),
        ("not-urgent", "Niet urgent: volgende werkdag controleren"),
        note_key="reason",
    )
    if urgent is not None:
        _remember(ticket["id"])
        ui.act_form(
            form,
            services.triage,
            desk,
            snap,
            seen,
            urgent=urgent,
            reason=reason,
            success="Urgent: opdracht aan Nemesys gemaakt." if urgent else "Niet urgent.",
        )


def _reclassify_form(ticket: dict, seen: dict) -> None:
    form = f"herbeoordeel-{ticket['id']}"
    with st.form(form):
        reason = st.text_input("Reden (verplicht)", key=f"{form}-reason")
        ui.field_error("note", form)
        to_urgent = ticket["status"] == Ticket.WAITING
        label = "Alsnog urgent: opdracht aan Nemesys" if to_urgent else "Alsnog niet urgent"
        pressed = st.form_submit_button(label, key=f"{form}-submit")
    if pressed:
        _remember(ticket["id"])
        ui.act_form(
            form,
            services.reclassify,
            desk,
            snap,
            seen,
            urgent=seen["status"] == Ticket.WAITING,
            reason=reason,
            success="Opnieuw beoordeeld.",
        )


with st.container():
    _outcome()
queue = queues.triage_queue(snap, now)
st.subheader(f"Te beoordelen ({len(queue)})")
if not queue:
    st.info("Er zijn geen nieuwe meldingen.")
for row in cards.paged(queue, "beoordelen", lambda r: r.ticket["number"]):
    seen = ui.as_seen("tickets", row.ticket)
    label = f"{row.title} · {row.age} · voorstel: {row.suggested.lower()}"
    with cards.card(label, "beoordelen", row.ticket) as shown:  # a Start link opens it
        if not shown:
            continue
        _details(row)
        outage_ui.duplicates(desk, snap, row.ticket, seen)
        _investigation_form(row.ticket, seen)
        _triage_form(row.ticket, seen)
        with st.popover("Verloop"):
            show_timeline(snap, row.ticket["id"])

outage_ui.linked_reports(desk, snap)
assessed = queues.reclassify_queue(snap, now)
if assessed:
    st.subheader("Herbeoordelen")
    st.caption("Zolang Nemesys nog geen opdracht heeft, kunt u uw beoordeling herzien.")
for row in cards.paged(assessed, "herbeoordelen", lambda r: r.ticket["number"]):
    seen = ui.as_seen("tickets", row.ticket)
    label = f"{row.title} · {status_label(row.ticket['status'])}"
    with cards.card(label, "beoordelen", row.ticket) as shown:  # stays open once assessed
        if not shown:
            continue
        ticket_header(snap, row.ticket)
        _reclassify_form(row.ticket, seen)
