"""What every use case writes with: the Desk, events, queued mails, status steps, notes.

lib/services.py (the ticket's use cases), lib/nemesys_steps.py, lib/billing.py
and lib/outages.py build their changes from these, so a status change is always
checked against `lib.procedure`, logged as one event per step and, when the
reporter would call it news, mailed to the reporter and everyone affected.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parseaddr

from lib import affected, audience, procedure, texts, validation, workdays
from lib.config import Config
from lib.procedure import Actor, Message
from lib.repository import Change, Insert, Repository, Update
from lib.snapshot import Snapshot


@dataclass(frozen=True)
class Desk:
    """What every use case needs: where to write, who acts, settings, the clock."""

    repo: Repository
    actor: Actor
    config: Config = field(default_factory=Config)
    clock: Callable[[], datetime] = workdays.now
    # The page's read, when there is one: who else an update goes to (issue 14)
    # comes from it, so an action costs no second read. Without it, the store is asked.
    snapshot: Snapshot | None = None

    def now(self) -> str:
        return self.clock().astimezone(workdays.AMSTERDAM).isoformat(timespec="seconds")

    @property
    def workday_config(self) -> workdays.WorkdayConfig:
        c = self.config
        return workdays.WorkdayConfig(c.check_time, c.day_start, c.day_end)


def new_id() -> str:
    """A unique id that sorts in creation order, so same-second events keep their order."""
    return f"{time.time_ns():016x}{uuid.uuid4().hex[:12]}"


def event(
    desk: Desk,
    *,
    ticket_id: str,
    entity: str,
    entity_id: str,
    action: str,
    from_status: str,
    to_status: str,
    note: str,
    at: str,
    id: str = "",
) -> Insert:
    return Insert(
        "events",
        {
            "id": id or new_id(),
            "ticket_id": ticket_id,
            "entity": entity,
            "entity_id": entity_id,
            "at": at,
            "actor_name": validation.actor_name(desk.actor.name),
            "actor_role": str(procedure.acting_role(entity, _step(action), desk.actor)),
            "action": action,
            "from_status": from_status,
            "to_status": to_status,
            "note": note,
        },
    )


def _step(action: str) -> str:
    """The transition a bookkeeping event belongs to (a note is part of investigating)."""
    return "investigate" if action == "note" else action


def message(
    desk: Desk, *, ticket: dict, kind: str, mail: texts.Mail, at: str, id: str = ""
) -> Insert:
    """A mail queued for sending (lib/mailer.py), in the thread of its report.

    Its Message-ID is made here, before any attempt to send, so a retry after an
    unclear answer is the same message to every mail program. Demo reports'
    mails are marked sent at once: demo data never floods the Postvak.
    """
    message_id = id or new_id()
    domain = mail_domain(desk)
    thread = f"<melding-{ticket['id']}@{domain}>" if ticket.get("id") else ""
    demo = bool(ticket.get("is_demo"))
    return Insert(
        "messages",
        {
            "id": message_id,
            "ticket_id": ticket.get("id", ""),
            "kind": kind,
            "status": Message.SENT if demo else Message.QUEUED,
            "created_at": at,
            "to_address": mail.to,
            "subject": mail.subject,
            "body": mail.body,
            "html_body": mail.html if len(mail.html) <= MAX_HTML else "",
            # The receipt opens the report's thread; every later mail refers to it.
            "message_id": thread if kind == "ontvangst" else f"<{message_id}@{domain}>",
            "thread_ref": thread,
            "is_demo": demo,
        },
    )


def mail_domain(desk: Desk) -> str:
    """The domain of the sender's address, also when it is given with a name."""
    return parseaddr(desk.config.mail_from)[1].rpartition("@")[2] or "kivido.nl"


def advance_ticket(
    desk: Desk, ticket: dict, actions: Sequence[str], *, values: dict | None = None, note: str = ""
) -> list[Change]:
    """The one place a ticket's status changes: check each step, log it, tell the reporter.

    Several steps taken at once (triage as urgent and place the order, 2.1 step
    3b "at once") become one row update and one event per step.
    """
    at = desk.now()
    status, changes = status_changes(desk, ticket, actions, at=at, values=values, note=note)
    if audience.stage(status) == audience.stage(ticket["status"]):
        return changes  # nothing the reporter would call news
    mail = texts.status_mail({**ticket, **(values or {})}, status)
    news = [message(desk, ticket=ticket, kind="status", mail=mail, at=at)]
    news += [  # issue 14: everyone else the outage affects hears it too, once per address
        message(desk, ticket=ticket, kind="status", mail=m, at=at)
        for m in _affected_mails(desk, {**ticket, **(values or {})}, status)
    ]
    return [*changes, *news]


def status_changes(
    desk: Desk,
    ticket: dict,
    actions: Sequence[str],
    *,
    at: str,
    values: dict | None = None,
    note: str = "",
) -> tuple[str, list[Change]]:
    """The new status, and the ticket's row update followed by one event per checked step."""
    status, events = ticket["status"], []
    for action in actions:
        step = procedure.check("ticket", action, status, desk.actor)
        events.append(
            event(
                desk,
                ticket_id=ticket["id"],
                entity="ticket",
                entity_id=ticket["id"],
                action=action,
                from_status=status,
                to_status=step.target,
                note=note,
                at=at,
            )
        )
        status = step.target
    update = Update(
        "tickets",
        ticket["id"],
        ticket["version"],
        {**(values or {}), "status": status, "updated_at": at},
    )
    return status, [update, *events]


def _affected_mails(desk: Desk, ticket: dict, status: str) -> list[texts.Mail]:
    if desk.snapshot is not None:
        rows = desk.snapshot.rows("affected")
    else:
        rows = desk.repo.read(["affected"])["affected"]
    return [texts.affected_mail(ticket, status, row) for row in affected.recipients(ticket, rows)]


def _note(value: str | None, label: str, *, required: bool) -> str:
    f = validation.Form()
    note = f.check(
        "note",
        validation.text,
        value,
        label,
        required=required,
        max_len=validation.MAX_LONG,
        multiline=True,
    )
    f.done()
    return note


# Google refuses a cell over 50,000 characters, and the order mail to Nemesys
# carries both kinds of notes and the description (5,000): each kind of notes
# stops at 20,000, so the mail's text always fits in one cell.
MAX_NOTES = 20_000
# An HTML part longer than this (escaping can make '<' four times as long) is
# left out; the plain text part carries everything.
MAX_HTML = 45_000


def _append(existing: str, note: str) -> str:
    combined = f"{existing}\n{note}".strip() if note else existing
    if len(combined) > MAX_NOTES:
        raise validation.ValidationError(
            {
                "note": "De notities bij deze melding zijn vol "
                f"(samen meer dan {MAX_NOTES:,} tekens). ".replace(",", ".")
                + "Vat ze samen in een korte notitie of zet de details in een document."
            }
        )
    return combined
