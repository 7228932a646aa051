"""Page widgets shared by every ticket screen: the timeline and a compact header.

Stable API (other pages import it): `show_timeline(snapshot, ticket_id)` and
`ticket_header(snapshot, ticket)`.
"""

from __future__ import annotations

import re

import streamlit as st

from lib import formatting, procedure
from lib.affected import EVENT_LABELS
from lib.audience import Audience, reporter_line, reporter_sees
from lib.catalog import CATEGORIES, URGENCY_LABELS
from lib.procedure import ROLE_LABELS, Invoice, Quote, Role
from lib.snapshot import Snapshot

# Statuses of the non-ticket entities, for "van -> naar" on the timeline.
_ENTITY_STATUS_LABELS = {
    "quote": {
        Quote.RECEIVED: "Ontvangen",
        Quote.APPROVED: "Goedgekeurd",
        Quote.REJECTED: "Afgewezen",
    },
    "invoice": {
        Invoice.RECEIVED: "Ontvangen",
        Invoice.APPROVED: "Goedgekeurd",
        Invoice.PAID: "Betaald",
        Invoice.REJECTED: "Afgekeurd",
        Invoice.NEMESYS_CONTACTED: "Nemesys benaderd",
        Invoice.SUPERSEDED: "Vervangen",
    },
    "communication": {"open": "Open", "afgerond": "Afgerond"},
}


def plain(text: str) -> str:
    """User text made inert inside Markdown: every ASCII punctuation mark escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'^%@;,/?])", r"\\\1", text or "")


def step_label(entity: str, action: str) -> str:
    """The Dutch name of one step on the timeline."""
    if action == "note":
        return "Notitie"
    if entity == "affected":  # issue 14: joined, linked, unlinked
        return EVENT_LABELS.get(action, action)
    try:
        return procedure.transition(entity, action).label
    except (procedure.IllegalTransition, KeyError):
        return action.replace("_", " ").capitalize()


def role_label(role: str) -> str:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role


def entity_status_label(entity: str, status: str) -> str:
    if entity == "ticket" or not status:
        return procedure.status_label(status)
    return _ENTITY_STATUS_LABELS.get(entity, {}).get(status, status)


def event_line(event: dict) -> str:
    """One event as a Markdown line: when, what, who, and the status change."""
    label = step_label(event["entity"], event["action"])
    who = f"{plain(event['actor_name'])} ({role_label(event['actor_role'])})"
    line = f"**{formatting.moment(event['at'])}** · {label} · {who}"
    source, target = event["from_status"], event["to_status"]
    if target and not source:  # created: there is no status to come from
        line += f"  \nStatus: {entity_status_label(event['entity'], target)}"
    elif target and source != target:
        source_text = entity_status_label(event["entity"], source)
        line += f"  \n{source_text} → {entity_status_label(event['entity'], target)}"
    return line


def show_timeline(snapshot: Snapshot, ticket_id: str, audience: Audience = Audience.OFFICE) -> None:
    """Every step of the ticket (and its quotes, invoices, communication) in time order.

    The reporter audience sees only the steps that concern them, without notes
    or names (lib/audience.py decides).
    """
    events = snapshot.timeline(ticket_id)
    if audience is Audience.REPORTER:
        events = [reporter_line(e) for e in events if reporter_sees(e)]
        for e in events:
            st.markdown(f"**{formatting.moment(e['at'])}** · {e['label']}")
    if not events:
        st.caption("Nog geen stappen vastgelegd.")
    if audience is Audience.REPORTER or not events:
        return
    for e in events:
        with st.container(border=True):
            st.markdown(event_line(e))
            if e["note"]:
                # A note is user text: shown as text, never rendered as Markdown.
                st.text(e["note"])


def ticket_title(snapshot: Snapshot, ticket: dict) -> str:
    location = snapshot.location(ticket["location_id"])["name"]
    category = CATEGORIES.get(ticket["category"], ticket["category"])
    return f"{ticket['number']} · {category} · {location}"


def ticket_header(snapshot: Snapshot, ticket: dict) -> None:
    """Number, status, location, category and urgency of one ticket, compactly."""
    st.markdown(f"**{ticket['number']}** · {procedure.status_label(ticket['status'])}")
    location = plain(snapshot.location(ticket["location_id"])["name"])
    category = CATEGORIES.get(ticket["category"], ticket["category"])
    urgency = URGENCY_LABELS.get(ticket["urgency"], ticket["urgency"])
    if not ticket["urgency"] and ticket["suggested_urgency"]:
        suggested = URGENCY_LABELS.get(ticket["suggested_urgency"], "")
        urgency += f" (voorstel: {suggested.lower()})"
    st.caption(
        f"Locatie: {location} · Categorie: {category} · Urgentie: {urgency} · "
        f"Gemeld: {formatting.moment(ticket['created_at'])}"
    )
