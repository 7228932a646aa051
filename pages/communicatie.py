"""Communicatie (unit manager, MAZ): inform parents and staff of a phone or mail outage (2.1 step 6).

Buttons hand the service the task as it was drawn (callback arguments), so a task
someone else finished meanwhile is refused as a Conflict, never done twice.
"""

import streamlit as st

from lib import audience, billing, formatting, people, procedure, texts, ui
from lib.audience import Audience
from lib.procedure import Communication, Ticket
from lib.ui import cards
from lib.ui.timeline import plain, show_timeline, ticket_header, ticket_title

who = ui.guard("pages/communicatie.py")
st.title("Communicatie met ouders en medewerkers")
ui.flash()
snap, desk = ui.snapshot(), ui.desk(who)
SOLVED = {Ticket.RESOLVED, Ticket.CLOSED, Ticket.REMOVED}


def _tick(task: dict, phase: str, channel: str) -> None:
    ui.act(
        billing.tick_channel,
        desk,
        task,
        phase=phase,
        channel=channel,
        location=snap.location(task["location_id"]),
        success=f"Vastgelegd: geplaatst op {texts.CHANNELS[channel]}.",
    )


def _complete(task: dict) -> None:
    ui.act(
        billing.complete_communication,
        desk,
        task,
        location=snap.location(task["location_id"]),
        success="Communicatietaak afgerond.",
    )


def unit_manager(location: dict) -> None:
    """Phone or mail may be what is down, so show every way to reach the unit manager."""
    st.markdown("**Unitmanager van de locatie**")
    st.text(
        f"{location.get('unit_manager_name') or '(onbekend)'}\n"
        f"Telefoon: {location.get('unit_manager_phone') or '-'}\n"
        f"E-mail: {location.get('unit_manager_email') or '-'}"
    )


def channel_block(task: dict, ticket: dict, location: dict, phase: str, channel: str) -> None:
    st.markdown(f"**{texts.CHANNELS[channel]}**")
    st.code(texts.announcement(phase, channel, ticket, location), language=None, wrap_lines=True)
    tick = ticks.get((task["id"], phase, channel))
    if tick:
        st.caption(
            f"✓ Geplaatst door {plain(tick['actor_name'])} op {formatting.moment(tick['at'])}"
        )
    else:
        st.button(
            f"Geplaatst op {texts.CHANNELS[channel]}",
            key=f"tick-{task['id']}-{phase}-{channel}",
            on_click=_tick,
            args=(task, phase, channel),
        )


def task_card(task: dict) -> None:
    """One task as a card: its texts, ticks and timeline drawn only when it is opened."""
    ticket = snap.ticket(task["ticket_id"])
    location = snap.location(task["location_id"])
    label = f"{ticket_title(snap, ticket)} · {procedure.status_label(ticket['status'])}"
    with cards.card(label, "communicatie", ticket) as shown:
        if not shown:
            return
        ticket_header(snap, ticket)
        st.caption(f"Taak aangemaakt: {formatting.moment(task['created_at'])}")
        unit_manager(location)
        tabs = st.tabs(list(texts.PHASES.values()))
        for tab, phase in zip(tabs, texts.PHASES, strict=True):
            with tab:
                if phase == "opgelost" and ticket["status"] not in SOLVED:
                    st.caption(
                        "De melding is nog niet opgelost "
                        f"({procedure.status_label(ticket['status'])}): "
                        "plaats dit bericht pas als alles weer werkt."
                    )
                for channel in texts.CHANNELS:
                    channel_block(task, ticket, location, phase, channel)
        st.button(
            "Taak afronden",
            key=f"complete-{task['id']}",
            type="primary",
            on_click=_complete,
            args=(task,),
        )
        with st.popover("Tijdlijn"):  # an expander may not hold another expander
            office = who.roles & audience.READ_ALL
            show_timeline(snap, ticket["id"], Audience.OFFICE if office else Audience.REPORTER)


ticks = {(t["task_id"], t["phase"], t["channel"]): t for t in snap.rows("communication_ticks")}
# A unit manager sees the tasks of their own location(s); the MAZ sees every task.
tasks = sorted(
    (
        t
        for t in snap.rows("communication_tasks")
        if t["status"] == Communication.OPEN
        and people.handles_location(who, snap.location(t["location_id"]))
    ),
    key=lambda t: t["created_at"],
)
st.caption(
    "Bij een storing in telefonie of e-mail informeert de unitmanager ouders en medewerkers "
    "via Klasbord, Facebook en/of de oudergroep. Kopieer de tekst en vink aan waar u hem plaatste."
)
if not tasks:
    st.success("Er zijn geen openstaande communicatietaken.")
for task in cards.paged(tasks, "communicatie", lambda t: snap.ticket(t["ticket_id"])["number"]):
    task_card(task)
