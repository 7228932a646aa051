"""Matching a mail to the report it confirms (lib/inbound.py): `read_confirmation`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lib import formatting
from lib.inbound_mail import NOTHING_CHANGED, Mail, NoMatch, NotWaiting, parse, report_numbers
from lib.inbound_reference import excerpt, find_reference
from lib.procedure import Ticket, status_label
from lib.snapshot import Snapshot
from lib.workdays import AMSTERDAM


@dataclass(frozen=True)
class Confirmation:
    """A mail matched to a report that waits for Nemesys's confirmation."""

    ticket: dict
    order: dict
    confirmed_at: datetime
    reference: str  # "" when none was found: the MAZ types it
    sender: str
    sender_address: str
    subject: str
    excerpt: str
    matched_by: str  # "onderwerp" (the number in the subject) or "draad" (thread headers)
    forwarded: bool

    @property
    def ticket_id(self) -> str:
        return self.ticket["id"]

    @property
    def number(self) -> str:
        return self.ticket["number"]


# --- matching ---------------------------------------------------------------------------


def _thread_tickets(mail: Mail, snap: Snapshot) -> list[str]:
    """Ticket ids whose mail this one answers, nearest first."""
    known: dict[str, str] = {}
    for row in snap.rows("messages"):
        for value in (row.get("message_id"), row.get("thread_ref")):
            if value and row.get("ticket_id"):
                known.setdefault(value.lower(), row["ticket_id"])
    found = [known[i] for i in mail.thread_ids if i in known]
    return list(dict.fromkeys(found))


def match(mail: Mail, snap: Snapshot) -> tuple[dict, str]:
    """The report this mail belongs to and how it was found, or `NoMatch`."""
    by_number = {t["number"]: t for t in snap.rows("tickets")}
    numbers = report_numbers(mail.subject)
    named = [by_number[n] for n in numbers if n in by_number]
    threaded = [snap.ticket(t) for t in _thread_tickets(mail, snap)]
    threaded = [t for t in threaded if t is not None]
    if len(named) == 1:
        return named[0], "onderwerp"
    if len(named) > 1:
        both = [t for t in threaded if t in named]
        if both:
            return both[0], "draad"
        raise NoMatch(
            "Het onderwerp noemt meerdere meldingen ("
            + ", ".join(t["number"] for t in named)
            + "); welke Nemesys bevestigt is niet zeker. Leg de bevestiging vast met het "
            f"formulier bij de melding. {NOTHING_CHANGED}"
        )
    if threaded:
        return threaded[0], "draad"
    if numbers:
        raise NoMatch(
            f"Het onderwerp noemt {', '.join(numbers)}, maar die melding bestaat niet in deze "
            f"app. {NOTHING_CHANGED}"
        )
    raise NoMatch(
        "Deze e-mail hoort bij geen melding: het onderwerp noemt geen meldingsnummer "
        "(zoals KIV-2026-0001) en de e-mail is geen antwoord op een opdracht uit deze app. "
        f"{NOTHING_CHANGED}"
    )


def read_confirmation(data: bytes, snap: Snapshot) -> Confirmation:
    """The uploaded e-mail as a confirmation of a waiting order, or `Refused` with a Dutch reason."""
    mail = parse(data)
    ticket, matched_by = match(mail, snap)
    order = snap.order_for(ticket["id"])
    if ticket["status"] != Ticket.ORDERED or order is None:
        if order is not None and order.get("confirmed_at"):
            ref = order.get("nemesys_reference")
            raise NotWaiting(
                f"Melding {ticket['number']} is al bevestigd door Nemesys "
                f"(op {formatting.moment(order['confirmed_at'])}"
                + (f", referentie {ref}" if ref else "")
                + f"). {NOTHING_CHANGED}"
            )
        raise NotWaiting(
            f"Melding {ticket['number']} wacht niet op een bevestiging van Nemesys "
            f"(status: {status_label(ticket['status'])}). {NOTHING_CHANGED}"
        )
    return Confirmation(
        ticket=ticket,
        order=order,
        confirmed_at=mail.sent_at.astimezone(AMSTERDAM),
        reference=find_reference(mail.subject, mail.text),
        sender=mail.sender,
        sender_address=mail.sender_address,
        subject=mail.subject,
        excerpt=excerpt(mail.text),
        matched_by=matched_by,
        forwarded=mail.forwarded,
    )
