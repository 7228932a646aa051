"""Mijn meldingen (2.1 step 5): the reports this person may follow, as they may read them.

Everyone sees their own reports (found by the signed-in address, never a typed
one); a unit manager also those of their locations; the MAZ and directie every
report. What each audience sees of a report is decided in lib/audience.py.
Someone else's report is drawn only when opened, and the opening is logged
(lib/ui/privacy.py).
"""

import streamlit as st

from lib import audience, formatting, ui
from lib.audience import Audience
from lib.procedure import Role, status_label
from lib.ui import outages as outage_ui
from lib.ui import privacy as privacy_ui
from lib.ui import worklist
from lib.ui.timeline import show_timeline, ticket_header, ticket_title

SHOWN_AT_ONCE = 50

who = ui.guard("pages/mijn_meldingen.py")
st.title("Mijn meldingen")
ui.flash()
snap = ui.snapshot()
# Issue 10: archived reports are read only when asked for: the toggle, a search by
# number or a link naming a report (they may be archived).
SEARCHES = ("Mijn meldingen", "Meldingen van mijn locatie", "Alle meldingen")  # the sections
searching = any(str(st.session_state.get(f"zoek-{title}", "")).strip() for title in SEARCHES)
if (
    st.toggle("Ook gearchiveerde meldingen tonen", key="mm-archief")
    or searching
    or worklist.focused_number()
):
    snap = ui.snapshot(full=True)


def reporter_card(ticket: dict, section: str) -> None:
    ticket, note = outage_ui.followed(snap, ticket, who)  # a linked report follows its main report
    stage = audience.stage(ticket["status"])
    label = f"{ticket_title(snap, ticket)} · {stage.label}"
    focus = ticket["number"] == worklist.focused_number()  # opened from a Start link
    key = f"detail-{section}-{ticket['id']}"
    with privacy_ui.detail(who, ticket, label, key=key, expanded=focus) as shown:
        if not shown:  # someone else's report: drawn (and logged) only when opened
            return
        st.caption(f"Gemeld op {formatting.moment(ticket['created_at'])}")
        if note:
            st.info(note)
        st.markdown(f"**Stand van zaken:** {stage.label}  \n{stage.next_step}")
        st.text(ticket["description"])
        st.markdown("**Verloop**")
        show_timeline(snap, ticket["id"], Audience.REPORTER)


def office_card(ticket: dict, section: str) -> None:
    label = f"{ticket_title(snap, ticket)} · {status_label(ticket['status'])}"
    with privacy_ui.detail(who, ticket, label, key=f"detail-{section}-{ticket['id']}") as shown:
        if not shown:
            return
        ticket_header(snap, ticket)
        st.text(ticket["description"])
        st.markdown("**Verloop**")
        show_timeline(snap, ticket["id"], Audience.OFFICE)


def listing(title: str, tickets: list[dict], card) -> None:
    if not tickets:
        st.info(f"Er zijn geen meldingen bij '{title}'.")
        return
    number = st.text_input("Zoek op meldingsnummer", key=f"zoek-{title}")
    if number.strip():
        tickets = [t for t in tickets if number.strip().upper() in t["number"]]
    st.caption(f"{len(tickets)} melding(en), nieuwste eerst.")
    for ticket in tickets[:SHOWN_AT_ONCE]:
        card(ticket, title)
    if len(tickets) > SHOWN_AT_ONCE:
        st.caption(f"De nieuwste {SHOWN_AT_ONCE} staan hier; zoek op nummer voor de rest.")


# Issue 14: the outages they pressed "Ik heb dit ook" for stand among their own reports.
sections = [("Mijn meldingen", audience.followed_tickets(snap, who), reporter_card)]
if Role.UNIT_MANAGER in who.roles:
    sections.append(
        ("Meldingen van mijn locatie", audience.location_tickets(snap, who), reporter_card)
    )
if who.roles & audience.READ_ALL:
    sections.append(("Alle meldingen", audience.all_tickets(snap, who), office_card))

tabs = st.tabs([title for title, _, _ in sections]) if len(sections) > 1 else [st.container()]
for tab, (title, tickets, card) in zip(tabs, sections, strict=True):
    with tab:
        listing(title, tickets, card)
