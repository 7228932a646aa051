"""The MAZ's work lists behind the pages Beoordelen, Opvolgen and Postvak.

Pure functions over a Snapshot and a moment: no Streamlit here, so the
ordering and bucketing rules are unit-tested without a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from lib import formatting
from lib.catalog import CATEGORIES, URGENCY_LABELS
from lib.procedure import Message, Ticket
from lib.snapshot import Snapshot
from lib.workdays import AMSTERDAM


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def age_label(created_at: str, now: datetime) -> str:
    """How long ago, in Dutch: 'zojuist', '12 minuten', '3 uur', '2 dagen'."""
    seconds = (now - formatting.parse_iso(created_at)).total_seconds()
    minutes = int(seconds // 60)
    if minutes < 1:
        return "zojuist"
    if minutes < 60:
        return _plural(minutes, "minuut", "minuten")
    hours = minutes // 60
    if hours < 24:
        return f"{hours} uur"
    return _plural(hours // 24, "dag", "dagen")


@dataclass(frozen=True)
class QueueRow:
    """One ticket as a work list shows it."""

    ticket: dict
    location: dict
    age: str

    @property
    def category(self) -> str:
        return CATEGORIES.get(self.ticket["category"], self.ticket["category"])

    @property
    def suggested(self) -> str:
        return URGENCY_LABELS.get(self.ticket["suggested_urgency"], "")

    @property
    def title(self) -> str:
        return f"{self.ticket['number']} · {self.category} · {self.location['name']}"


def _rows(snapshot: Snapshot, tickets: list[dict], now: datetime) -> list[QueueRow]:
    return [
        QueueRow(t, snapshot.location(t["location_id"]), age_label(t["created_at"], now))
        for t in tickets
    ]


def triage_queue(snapshot: Snapshot, now: datetime) -> list[QueueRow]:
    """2.1 steps 2-3: new reports and those the MAZ investigates, oldest first."""
    return _rows(snapshot, snapshot.tickets_in(Ticket.NEW, Ticket.INVESTIGATING), now)


def reclassify_queue(snapshot: Snapshot, now: datetime) -> list[QueueRow]:
    """Assessed reports the MAZ may still reassess before Nemesys has an order."""
    return _rows(snapshot, snapshot.tickets_in(Ticket.URGENT, Ticket.WAITING), now)


@dataclass
class FollowUpBuckets:
    """2.2 step 3: the next-working-day checks, split by their day in Amsterdam."""

    overdue: list[QueueRow] = field(default_factory=list)
    today: list[QueueRow] = field(default_factory=list)
    upcoming: list[QueueRow] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.upcoming)


def follow_up_buckets(snapshot: Snapshot, now: datetime) -> FollowUpBuckets:
    """Overdue: due on an earlier day; today: due today; upcoming: due on a later day."""
    today = now.astimezone(AMSTERDAM).date()

    def due(ticket: dict) -> datetime:
        # Compared as moments, not as strings: offsets may differ (+01:00, +02:00).
        return formatting.parse_iso(ticket["check_due_at"]) or now

    waiting = sorted(snapshot.tickets_in(Ticket.WAITING), key=due)
    buckets = FollowUpBuckets()
    for row in _rows(snapshot, waiting, now):
        due_day = due(row.ticket).astimezone(AMSTERDAM).date()
        if due_day < today:
            buckets.overdue.append(row)
        elif due_day == today:
            buckets.today.append(row)
        else:
            buckets.upcoming.append(row)
    return buckets


# Postvak during a store outage: a mail's text it has not read before (ui.mail_texts).
NO_TEXT = "De tekst kan nu niet worden geladen: de opslag antwoordt niet. Probeer het zo opnieuw."


def mailto_link(message: dict) -> str:
    """A mailto: link that opens the queued mail in the MAZ's own mail program."""
    # RFC 6068: line breaks in a body are CRLF, percent-encoded like everything else.
    body = message["body"].replace("\r\n", "\n").replace("\n", "\r\n")
    return (
        f"mailto:{quote(message['to_address'], safe='@')}"
        f"?subject={quote(message['subject'], safe='')}&body={quote(body, safe='')}"
    )


MESSAGE_KINDS = {
    "opdracht": "Opdracht aan Nemesys",
    "ontvangst": "Ontvangstbevestiging aan melder",
    "status": "Statusbericht aan melder",
    "communicatie": "Communicatietaak aan unitmanager",
    "offerte": "Offerte ter beslissing aan directie",
    "factuur": "Factuur ter controle aan MAZ",
    "factuur_afgekeurd": "Afgekeurde factuur aan Nemesys",
}
MESSAGE_STATUS_LABELS = {
    Message.QUEUED: "In de wachtrij",
    Message.SENDING: "Wordt verzonden",
    Message.SENT: "Verzonden",
    Message.FAILED: "Mislukt",
}
# The Postvak's status filter: what the MAZ may want to see.
# Mail not yet delivered: queued, being sent, or refused (the MAZ retries or sends it).
TO_SEND = frozenset({Message.QUEUED, Message.SENDING, Message.FAILED})
POSTVAK_VIEWS = {
    "Nog te versturen": set(TO_SEND),
    "Mislukt": {Message.FAILED},
    "Verzonden": {Message.SENT},
    "Alle": set(Message),
}


def message_kind_label(kind: str) -> str:
    return MESSAGE_KINDS.get(kind, kind)


def postvak(snapshot: Snapshot, view: str, *, number: str = "", recipient: str = "") -> list[dict]:
    """The Postvak's messages: in the chosen view and filters, newest first.

    `number` matches the report number (part of it), `recipient` the address.
    """
    statuses = POSTVAK_VIEWS[view]
    number, recipient = number.strip().upper(), recipient.strip().lower()
    tickets = {t["id"]: t["number"] for t in snapshot.rows("tickets")} if number else {}
    rows = [
        m
        for m in snapshot.rows("messages")
        if m["status"] in statuses
        and (not number or number in tickets.get(m["ticket_id"], "") or number in m["subject"])
        and (not recipient or recipient in m["to_address"].lower())
    ]
    return sorted(rows, key=lambda m: (m["created_at"], m["id"]), reverse=True)
