"""One outage, one order (issue 14): known outages at Melden, linking duplicates.

- `known_outages`: the open reports a reporter may be suffering too, with what
  is known, for "Ik heb dit ook" (`join`): recorded as affected, no new report.
- `likely_duplicates` and `link`: at Beoordelen the MAZ links a report to the
  report of the same outage: no order, no mail to Nemesys; its reporter becomes
  affected on the main report and is told so. `unlink` undoes it while the main
  report is open, and the report is back in the triage queue with its history.

Every write also bumps the main report's version: a status change of the main
report based on a read from before someone joined is refused as a Conflict, so
no update is ever computed without them (lib/desk.py mails everyone affected).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from lib import affected, audience, formatting, people, procedure, texts, validation
from lib.procedure import OPEN_TICKET_STATES, Ticket, refuse
from lib.repository import Change, Conflict, Insert, Update
from lib.services import Desk, _communication_task, event, message, status_changes
from lib.snapshot import Snapshot

DEFAULT_WINDOW_HOURS = 24.0
ATTEMPTS = 3  # a join that meets a Conflict reads again; two presses at once both land

# What the reporter is told of where the outage stands, by status; once Nemesys is
# involved, also what is expected next (the reporter's stage, lib/audience.py).
_WHERE = {
    Ticket.NEW: "de Manager Algemene Zaken beoordeelt de storing",
    Ticket.INVESTIGATING: "de Manager Algemene Zaken onderzoekt de storing",
    Ticket.WAITING: "niet urgent: de volgende werkdag wordt gevraagd of het al werkt",
    Ticket.URGENT: "urgent: Nemesys wordt ingeschakeld",
    Ticket.ORDERED: "Nemesys is ingeschakeld",
    Ticket.CONFIRMED: "Nemesys werkt eraan",
    Ticket.QUOTE_PENDING: "Nemesys werkt eraan",
}
_EXPECTED = {Ticket.ORDERED, Ticket.CONFIRMED, Ticket.QUOTE_PENDING}


@dataclass(frozen=True)
class KnownOutage:
    ticket: dict
    summary: str  # plain Dutch: since when, where it stands, what comes next
    affected_count: int
    mine: bool  # the viewer reported it or already pressed "Ik heb dit ook"


def window_hours(desk_or_config) -> float:
    config = getattr(desk_or_config, "config", desk_or_config)
    raw = (getattr(config, "extra", None) or {}).get("duplicate_window_hours")
    return float(raw) if raw not in (None, "") else DEFAULT_WINDOW_HOURS


def summary(ticket: dict, count: int, now: datetime) -> str:
    created = formatting.parse_iso(ticket["created_at"])
    since = formatting.moment(created)
    if created and created.astimezone(now.tzinfo).date() == now.date():
        since = since[-5:]  # today: the time is enough ("Sinds 09:12")
    stage = audience.stage(ticket["status"])
    others = f" · {count} getroffen" if count > 1 else ""
    where = _WHERE.get(ticket["status"], stage.label.lower())
    expected = f" · verwacht: {stage.next_step}" if ticket["status"] in _EXPECTED else ""
    return f"Sinds {since} · {where}{others}{expected}"


def known_outages(
    snapshot: Snapshot, location_id: str | None, email: str, now: datetime
) -> list[KnownOutage]:
    """Open reports at this location, and those of an organisation-wide category, newest first."""
    address = people.normal_email(email)
    mine = {t["id"] for t in affected.tickets_of(snapshot, address)} if address else set()
    found = []
    for t in snapshot.tickets_in(*affected.GATHERING_STATES):
        if t["location_id"] != location_id and t["category"] not in affected.ORG_WIDE_CATEGORIES:
            continue
        count = affected.count(snapshot, t)
        own = bool(address) and people.normal_email(t["reporter_email"]) == address
        found.append(KnownOutage(t, summary(t, count, now), count, own or t["id"] in mine))
    return sorted(found, key=lambda k: k.ticket["created_at"], reverse=True)


def likely_duplicates(snapshot: Snapshot, ticket: dict, hours: float) -> list[dict]:
    """Open reports of the same outage: same category, and the same location unless the
    category is organisation-wide, reported within `hours` of this one. Assessed first."""
    at = formatting.parse_iso(ticket["created_at"])
    window = timedelta(hours=hours)
    rows = []
    for t in snapshot.tickets_in(*affected.GATHERING_STATES):
        if t["id"] == ticket["id"] or t["category"] != ticket["category"]:
            continue
        if t["location_id"] != ticket["location_id"] and (
            t["category"] not in affected.ORG_WIDE_CATEGORIES
        ):
            continue
        if abs(formatting.parse_iso(t["created_at"]) - at) <= window:
            rows.append(t)
    untriaged = {Ticket.NEW, Ticket.INVESTIGATING}
    return sorted(rows, key=lambda t: (t["status"] in untriaged, t["created_at"]))


# --- "Ik heb dit ook" --------------------------------------------------------------


def join(desk: Desk, snapshot: Snapshot, ticket: dict, *, location_id: str) -> list[dict]:
    """Record the signed-in person as affected on the outage; nothing when they already are."""
    procedure.check_role("ticket", "submit", desk.actor)  # whoever may report may join
    if not desk.actor.email:
        raise refuse(desk.actor, "Zonder e-mailadres kunnen wij u geen berichten sturen.")
    f = validation.Form()
    locations = {loc["id"] for loc in snapshot.active_locations()}
    location_id = f.check("location_id", validation.choice, location_id, locations, "Locatie")
    f.done()
    for attempt in range(ATTEMPTS):
        try:
            return desk.repo.commit(_join_changes(desk, snapshot, ticket, location_id))
        except Conflict:
            if attempt == ATTEMPTS - 1:
                raise
            snapshot = Snapshot(desk.repo.read(["tickets", "affected", "links", "locations"]))
            ticket = snapshot.ticket(ticket["id"]) or ticket
    return []


def _join_changes(desk: Desk, snapshot: Snapshot, ticket: dict, location_id: str) -> list[Change]:
    main = affected.main_of(snapshot, ticket)
    if main["status"] not in affected.GATHERING_STATES:
        raise refuse(
            desk.actor,
            f"Storing {main['number']} is intussen opgelost of afgesloten. "
            "Werkt het bij u nog niet? Maak dan een nieuwe melding.",
        )
    if people.normal_email(main["reporter_email"]) == people.normal_email(desk.actor.email):
        return []  # their own report: they hear everything already
    person = {"name": desk.actor.name, "email": desk.actor.email, "location_id": location_id}
    changes = _affected_changes(desk, snapshot, main, person, linked_from="")
    if not changes:
        return []
    changes += _touch_main(desk, main, "join", f"{desk.actor.name} heeft dit ook")
    if affected.needs_communication(main):
        changes += _communication_task(desk, snapshot, main, [location_id])
    return changes


def _affected_changes(
    desk: Desk, snapshot: Snapshot, main: dict, person: dict, *, linked_from: str
) -> list[Change]:
    """The person's row on the main report: made, revived, or left as it is.

    Pressing "Ik heb dit ook" makes a row the link made the person's own
    (`linked_from` cleared), so undoing that link keeps them affected.
    """
    row_id = affected.row_id(main["id"], person["email"])
    existing = snapshot.get("affected", row_id)
    if existing is None:
        row = {
            "id": row_id,
            "ticket_id": main["id"],
            "name": person["name"],
            "email": people.normal_email(person["email"]),
            "location_id": person["location_id"],
            "created_at": desk.now(),
            "linked_from": linked_from,
            "active": True,
        }
        return [Insert("affected", row)]
    if existing["active"] and (linked_from or not existing["linked_from"]):
        return []  # already affected; a link never takes over someone's own "Ik heb dit ook"
    values = {"active": True, "linked_from": linked_from, "location_id": person["location_id"]}
    return [Update("affected", row_id, existing["version"], values)]


def _touch_main(desk: Desk, main: dict, action: str, note: str) -> list[Change]:
    """Bump the main report's version (see the module docstring) and log it on its timeline."""
    at = desk.now()
    return [
        Update("tickets", main["id"], main["version"], {"updated_at": at}),
        event(
            desk,
            ticket_id=main["id"],
            entity="affected",
            entity_id=main["id"],
            action=action,
            from_status=main["status"],
            to_status=main["status"],
            note=note,
            at=at,
        ),
    ]


# --- linking at Beoordelen -------------------------------------------------------


def link(desk: Desk, snapshot: Snapshot, ticket: dict, main: dict) -> list[dict]:
    """ "Hoort bij KIV-...": the report rests on the main report; no order, no mail to Nemesys."""
    step = procedure.check("ticket", "link_duplicate", ticket["status"], desk.actor)
    main = snapshot.ticket(main["id"]) or main
    if main["id"] == ticket["id"] or main["status"] not in affected.GATHERING_STATES:
        raise refuse(
            desk.actor, f"Melding {main['number']} is niet (meer) open; koppelen kan niet."
        )
    at = desk.now()
    note = f"Hoort bij {main['number']}"
    _, changes = status_changes(desk, ticket, [step.action], at=at, note=note)
    changes.append(_link_row(snapshot, ticket, main, at))
    people_here = [
        {
            "name": ticket["reporter_name"],
            "email": ticket["reporter_email"],
            "location_id": ticket["location_id"],
        },
        *affected.active_rows(snapshot.rows("affected"), ticket["id"]),
    ]
    main_address = people.normal_email(main["reporter_email"])
    for person in people_here:
        if people.normal_email(person["email"]) != main_address:
            changes += _affected_changes(desk, snapshot, main, person, linked_from=ticket["id"])
    changes += _touch_main(desk, main, "link", f"{ticket['number']} gekoppeld")
    if affected.needs_communication(main):
        changes += _communication_task(desk, snapshot, main, [ticket["location_id"]])
    mail = texts.linked_mail(ticket, main)
    changes.append(message(desk, ticket=ticket, kind="status", mail=mail, at=at))
    return desk.repo.commit(changes)


def _link_row(snapshot: Snapshot, ticket: dict, main: dict, at: str) -> Change:
    values = {
        "ticket_id": ticket["id"],
        "main_ticket_id": main["id"],
        "linked_at": at,
        "from_status": ticket["status"],
        "active": True,
    }
    existing = snapshot.get("links", ticket["id"])
    if existing is None:
        return Insert("links", {"id": ticket["id"], **values})
    return Update("links", ticket["id"], existing["version"], values)


def unlink(desk: Desk, snapshot: Snapshot, ticket: dict) -> list[dict]:
    """Undo a link while the main report is open: the report is assessed on its own again."""
    step = procedure.check("ticket", "unlink", ticket["status"], desk.actor)
    link_row = affected.active_link(snapshot, ticket["id"])
    main = snapshot.ticket(link_row["main_ticket_id"]) if link_row else None
    if main is None:
        raise refuse(desk.actor, f"Melding {ticket['number']} is niet gekoppeld.")
    if main["status"] not in OPEN_TICKET_STATES:
        raise refuse(
            desk.actor,
            f"Melding {main['number']} is al afgesloten; de koppeling blijft staan.",
        )
    at = desk.now()
    note = f"Losgekoppeld van {main['number']}"
    _, changes = status_changes(desk, ticket, [step.action], at=at, note=note)
    changes.append(Update("links", link_row["id"], link_row["version"], {"active": False}))
    changes += [
        Update("affected", r["id"], r["version"], {"active": False})
        for r in affected.active_rows(snapshot.rows("affected"), main["id"])
        if r["linked_from"] == ticket["id"]
    ]
    changes += _touch_main(desk, main, "unlink", f"{ticket['number']} losgekoppeld")
    return desk.repo.commit(changes)
