"""Issue 14 on screen: known outages at Melden, linking at Beoordelen, followed outages.

Pages stay thin: each calls one function here; the rules are lib/outages.py.
"""

from __future__ import annotations

import streamlit as st

from lib import affected, audience, outages, people, ui, workdays
from lib.catalog import CATEGORIES
from lib.procedure import Actor, Ticket
from lib.services import Desk
from lib.snapshot import Snapshot
from lib.ui.timeline import plain, ticket_title

PICK = "melden-bekend-locatie"
FORM_LOCATION = "melden-location_id"  # the Melden form's own location field


def known_outages(who: Actor, snap: Snapshot) -> None:
    """Above the Melden form: the outages this person may have too, and "Ik heb dit ook"."""
    locations = {loc["id"]: loc["name"] for loc in snap.active_locations()}
    managed = [loc["id"] for loc in people.managed_locations(snap, who) if loc["id"] in locations]
    if managed and PICK not in st.session_state:
        st.session_state[PICK] = managed[0]
    location = st.selectbox(
        "Uw locatie",
        list(locations),
        index=None,
        format_func=locations.get,
        placeholder="Kies uw locatie om storingen daar te zien",
        key=PICK,
    )
    if location and not st.session_state.get(FORM_LOCATION):
        st.session_state[FORM_LOCATION] = location  # the form below asks the same
    known = outages.known_outages(snap, location, who.email, workdays.now())
    if not known:
        return
    st.subheader("Bekende storingen")
    st.caption(
        "Heeft u hetzelfde probleem? Druk op 'Ik heb dit ook': u krijgt dan de berichten "
        "over die storing, zonder nieuwe melding. Iets anders? Gebruik het formulier hieronder."
    )
    desk = ui.desk(who)
    for item in known:
        t = item.ticket
        with st.container(border=True):
            st.markdown(f"**{plain(ticket_title(snap, t))}**")
            st.caption(item.summary)
            if item.mine:
                st.caption("✓ U staat bij deze storing: u krijgt de berichten.")
            elif st.button(
                "Ik heb dit ook",
                key=f"ook-{t['id']}",
                disabled=location is None,
                help=None if location else "Kies eerst uw locatie.",
            ):
                ui.act(
                    outages.join,
                    desk,
                    snap,
                    t,
                    location_id=location,
                    success=f"Vastgelegd: u krijgt de berichten over {t['number']}.",
                )


def duplicates(desk: Desk, snap: Snapshot, ticket: dict, seen: dict) -> None:
    """At Beoordelen: reports of the same outage, and "Hoort bij KIV-..." with one click."""
    found = outages.likely_duplicates(snap, ticket, outages.window_hours(desk))
    if not found:
        return
    st.markdown("**Mogelijk dezelfde storing**")
    for main in found:
        left, right = st.columns([3, 2])
        left.caption(
            f"{plain(ticket_title(snap, main))} · {audience.stage(main['status']).label} · "
            f"{affected.count(snap, main)} getroffen"
        )
        if right.button(f"Hoort bij {main['number']}", key=f"koppel-{ticket['id']}-{main['id']}"):
            ui.act(
                outages.link,
                desk,
                snap,
                seen,
                main,
                success=f"{ticket['number']} hoort bij {main['number']}: geen nieuwe opdracht.",
            )


def linked_reports(desk: Desk, snap: Snapshot) -> None:
    """At Beoordelen: linked reports whose main report is open, with the undo."""
    rows = [
        (t, affected.main_of(snap, t))
        for t in snap.tickets_in(Ticket.LINKED)
        if affected.main_of(snap, t)["status"] in affected.GATHERING_STATES | {Ticket.RESOLVED}
    ]
    if not rows:
        return
    st.subheader(f"Gekoppeld ({len(rows)})")
    st.caption("Zolang de hoofdmelding open is, kunt u een koppeling ongedaan maken.")
    for ticket, main in rows:
        seen = ui.as_seen("tickets", ticket)  # every run, so it is the row this button showed
        left, right = st.columns([3, 2])
        left.markdown(f"{plain(ticket_title(snap, ticket))} → **{main['number']}**")
        if right.button("Koppeling ongedaan maken", key=f"ontkoppel-{ticket['id']}"):
            ui.act(outages.unlink, desk, snap, seen, success=f"{ticket['number']} is weer los.")


def followed(snap: Snapshot, ticket: dict, who: Actor) -> tuple[dict, str]:
    """For Mijn meldingen: the report whose progress the person follows, and a note."""
    main = affected.main_of(snap, ticket)
    if main["id"] == ticket["id"]:
        theirs = people.normal_email(ticket["reporter_email"]) == people.normal_email(who.email)
        return ticket, "" if theirs else "U heeft aangegeven dat u deze storing ook heeft."
    category = CATEGORIES.get(main["category"], main["category"])
    return main, f"Uw melding hoort bij storing {main['number']} ({category})."
