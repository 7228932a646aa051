"""Who an outage affects besides its reporter, and who hears of it (issue 14).

Pure look-ups, no writes: lib/desk.py asks it whom a reporter-facing update
of a report also goes to, lib/outages.py (the use cases) how rows are named.
A person is affected on a report by pressing "Ik heb dit ook" at Melden or
because their own report was linked to it at Beoordelen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from lib import people
from lib.catalog import COMMUNICATION_CATEGORIES
from lib.procedure import OPEN_TICKET_STATES, Ticket
from lib.snapshot import Snapshot

# Outages that stop everyone at once, wherever they work: the office server, the
# mail, the (central) telephony and the terminal server are one system for the
# whole organisation (the procedure's examples in 2.1 and 2.2). A printer or a
# location's own internet line is local: only reports of that location match.
ORG_WIDE_CATEGORIES = frozenset({"server", "mail", "telefonie", "terminal_server"})

# Reports that can still gather affected people and linked reports: open, not
# yet solved (a solved outage that returns is reopened or reported anew).
GATHERING_STATES = OPEN_TICKET_STATES - {Ticket.RESOLVED}

# Timeline labels of the bookkeeping events (entity "affected") on the main report.
EVENT_LABELS = {
    "join": "Ik heb dit ook",
    "link": "Melding gekoppeld",
    "unlink": "Koppeling ongedaan gemaakt",
}


def row_id(ticket_id: str, email: str) -> str:
    """One row per report and address, whoever writes it first: a repeat is the same row."""
    key = f"{ticket_id}|{people.normal_email(email)}"
    return "aff-" + hashlib.sha256(key.encode()).hexdigest()[:24]


def task_id(ticket_id: str, location_id: str) -> str:
    """2.1 step 6 once per outage and location, even when two actions race."""
    key = f"{ticket_id}|{location_id}"
    return "com-" + hashlib.sha256(key.encode()).hexdigest()[:24]


def active_rows(rows: Iterable[dict], ticket_id: str) -> list[dict]:
    return [r for r in rows if r["ticket_id"] == ticket_id and r["active"]]


def recipients(ticket: dict, rows: Iterable[dict]) -> list[dict]:
    """The affected people of `ticket` who are not its reporter: one per address."""
    seen = {people.normal_email(ticket["reporter_email"])}
    out = []
    for row in sorted(active_rows(rows, ticket["id"]), key=lambda r: r["created_at"]):
        address = people.normal_email(row["email"])
        if address and address not in seen:
            seen.add(address)
            out.append(row)
    return out


def count(snapshot: Snapshot, ticket: dict) -> int:
    """Everyone the outage affects: the reporter and each other address once."""
    return 1 + len(recipients(ticket, snapshot.rows("affected")))


def locations(snapshot: Snapshot, ticket: dict) -> list[str]:
    """The report's location first, then every other location an affected person named."""
    found = [ticket["location_id"]]
    found += [r["location_id"] for r in active_rows(snapshot.rows("affected"), ticket["id"])]
    return list(dict.fromkeys(loc for loc in found if loc))


def needs_communication(ticket: dict) -> bool:
    """Step 6 is due once a phone or mail outage has been assessed (tasks come at triage)."""
    return ticket["category"] in COMMUNICATION_CATEGORIES and ticket["status"] in (
        OPEN_TICKET_STATES - {Ticket.NEW, Ticket.INVESTIGATING}
    )


def active_link(snapshot: Snapshot, ticket_id: str) -> dict | None:
    link = snapshot.get("links", ticket_id)
    return link if link and link["active"] else None


def main_of(snapshot: Snapshot, ticket: dict) -> dict:
    """The report that carries the outage: the main report when `ticket` is linked."""
    link = active_link(snapshot, ticket["id"])
    return (snapshot.ticket(link["main_ticket_id"]) if link else None) or ticket


def linked_to(snapshot: Snapshot, main_id: str) -> list[dict]:
    """The reports linked to `main_id` (oldest first)."""
    ids = [
        r["id"] for r in snapshot.rows("links") if r["active"] and r["main_ticket_id"] == main_id
    ]
    rows = [snapshot.ticket(i) for i in ids]
    return sorted((r for r in rows if r), key=lambda t: t["created_at"])


def tickets_of(snapshot: Snapshot, email: str) -> list[dict]:
    """The reports on which `email` is affected without being their reporter."""
    address = people.normal_email(email)
    ids = {
        r["ticket_id"]
        for r in snapshot.rows("affected")
        if r["active"] and people.normal_email(r["email"]) == address
    }
    rows = [snapshot.ticket(i) for i in ids]
    return [t for t in rows if t and people.normal_email(t["reporter_email"]) != address]
