"""Who may read which report, and what each audience is shown of it: one place.

Two audiences. The *reporter* audience (the reporter, and the unit manager of
the report's location) sees the procedure steps that concern them, in plain
Dutch: received, assessed, passed to Nemesys, confirmed, solved, closed. Never
internal notes, quotes, invoices, or who at the office did it. The *office*
audience (MAZ, directie) sees every step with its notes, as their work needs.

The reporter's status is one of a small fixed set of stages that only moves
forward along the procedure (a reopened report is the one step back, and says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lib import affected, people
from lib.procedure import Actor, Role, Ticket
from lib.snapshot import Snapshot


class Audience(StrEnum):
    REPORTER = "melder"
    OFFICE = "kantoor"


# Roles that read every report with every step (the office audience).
READ_ALL = frozenset({Role.MAZ, Role.DIRECTIE})


@dataclass(frozen=True)
class Stage:
    rank: int
    label: str  # what the reporter reads as the status
    next_step: str  # what happens next, in the reporter's words


RECEIVED = Stage(1, "Ontvangen", "De Manager Algemene Zaken beoordeelt uw melding.")
ASSESSED_WAITING = Stage(
    2,
    "Beoordeeld: niet urgent",
    "De volgende werkdag vraagt de Manager Algemene Zaken of het probleem al is opgelost.",
)
ASSESSED_URGENT = Stage(2, "Beoordeeld: urgent", "De storing gaat direct naar Nemesys.")
AT_NEMESYS = Stage(
    3, "Doorgegeven aan Nemesys", "Nemesys bevestigt de opdracht en gaat aan de slag."
)
IN_HAND = Stage(4, "Nemesys werkt eraan", "U hoort het zodra de storing is verholpen.")
SOLVED = Stage(5, "Opgelost", "De opdracht wordt afgesloten.")
SOLVED_WITHOUT_NEMESYS = Stage(5, "Opgelost zonder Nemesys", "Er hoeft niets meer te gebeuren.")
CLOSED = Stage(6, "Afgesloten", "Er hoeft niets meer te gebeuren.")
LINKED = Stage(
    2,
    "Hoort bij een bekende storing",
    "U krijgt de berichten over de storing waar uw melding bij hoort.",
)

STAGE_OF_STATUS: dict[str, Stage] = {
    Ticket.NEW: RECEIVED,
    Ticket.INVESTIGATING: RECEIVED,
    Ticket.WAITING: ASSESSED_WAITING,
    Ticket.URGENT: ASSESSED_URGENT,
    Ticket.ORDERED: AT_NEMESYS,
    Ticket.CONFIRMED: IN_HAND,
    Ticket.QUOTE_PENDING: IN_HAND,
    Ticket.RESOLVED: SOLVED,
    Ticket.REMOVED: SOLVED_WITHOUT_NEMESYS,
    Ticket.CLOSED: CLOSED,
    Ticket.LINKED: LINKED,
}

# The ticket steps a reporter sees, each with its plain Dutch line. Any other
# event (notes, quotes, invoices, communication ticks) is for the office only.
REPORTER_STEPS: dict[str, str] = {
    "submit": "Melding ontvangen",
    "submit_on_behalf": "Melding ontvangen (telefonisch doorgegeven aan de MAZ)",
    "triage_urgent": "Beoordeeld als urgent",
    "triage_not_urgent": "Beoordeeld als niet urgent: controle de volgende werkdag",
    "reclassify_urgent": "Alsnog als urgent beoordeeld",
    "reclassify_not_urgent": "Alsnog als niet urgent beoordeeld",
    "place_order": "Doorgegeven aan Nemesys",
    "follow_up_not_solved": "Nog niet opgelost: doorgegeven aan Nemesys",
    "follow_up_solved": "Opgelost zonder Nemesys",
    "confirm": "Nemesys heeft de opdracht bevestigd",
    "resolve": "Opgelost",
    "close": "Afgesloten",
    "reopen": "Heropend: opnieuw bij Nemesys",
    "link_duplicate": "Hoort bij een storing die al gemeld is",
    "unlink": "Toch een aparte melding: de Manager Algemene Zaken beoordeelt hem",
}


def stage(status: str) -> Stage:
    return STAGE_OF_STATUS.get(status, RECEIVED)


def reporter_sees(event: dict) -> bool:
    return event["entity"] == "ticket" and event["action"] in REPORTER_STEPS


def reporter_line(event: dict) -> dict:
    """The event as the reporter audience reads it: when and what, nothing else."""
    return {"at": event["at"], "label": REPORTER_STEPS[event["action"]]}


def audience_for(snapshot: Snapshot, actor: Actor, ticket: dict) -> Audience | None:
    """How `actor` may read `ticket`, or None when it is not theirs to read."""
    if actor.roles & READ_ALL:
        return Audience.OFFICE
    if actor.email and people.normal_email(ticket["reporter_email"]) == actor.email:
        return Audience.REPORTER
    if actor.email and any(
        t["id"] == ticket["id"] for t in affected.tickets_of(snapshot, actor.email)
    ):
        return Audience.REPORTER  # issue 14: "Ik heb dit ook", or their report was linked
    locations = {loc["id"] for loc in people.managed_locations(snapshot, actor)}
    if ticket["location_id"] in locations:
        return Audience.REPORTER
    return None


def own_tickets(snapshot: Snapshot, actor: Actor) -> list[dict]:
    return snapshot.tickets_of_reporter(actor.email) if actor.email else []


def followed_tickets(snapshot: Snapshot, actor: Actor) -> list[dict]:
    """Their own reports and the outages they also have (issue 14), newest first.

    An outage they were linked to through their own report shows once: as that report.
    """
    own = own_tickets(snapshot, actor)
    via_own = {affected.main_of(snapshot, t)["id"] for t in own}
    also = [t for t in affected.tickets_of(snapshot, actor.email) if t["id"] not in via_own]
    return sorted(own + also, key=lambda t: t["created_at"], reverse=True)


def location_tickets(snapshot: Snapshot, actor: Actor) -> list[dict]:
    """The reports of the unit manager's locations (not their own), newest first."""
    locations = {loc["id"] for loc in people.managed_locations(snapshot, actor)}
    rows = [
        t
        for t in snapshot.rows("tickets")
        if t["location_id"] in locations and people.normal_email(t["reporter_email"]) != actor.email
    ]
    return sorted(rows, key=lambda t: t["created_at"], reverse=True)


def all_tickets(snapshot: Snapshot, actor: Actor) -> list[dict]:
    if not actor.roles & READ_ALL:
        return []
    return sorted(snapshot.rows("tickets"), key=lambda t: t["created_at"], reverse=True)
