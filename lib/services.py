"""The use cases of the procedure: the only way anything changes.

Each function validates its input, checks the step against `lib.procedure`,
builds the changes (row updates, one event per step, the reporter's status
mail) and commits them in one all-or-nothing write. Step numbers refer to the
procedure (2.1 urgent, 2.2 not urgent).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lib import affected, audience, follow_up_rule, procedure, texts, validation, workdays
from lib.catalog import CATEGORIES, COMMUNICATION_CATEGORIES, REPORTER_ROLES, suggest_urgency
from lib.config import Config
from lib.procedure import Actor, Communication, Message, Ticket
from lib.repository import Change, Insert, Repository, Update
from lib.repository.base import NUMBER_SLOT
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
    return desk.config.mail_from.rpartition("@")[2] or "kivido.nl"


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


# --- 2.1 step 1 / 2.2 step 1: a report comes in ----------------------------------


def submit_report(
    desk: Desk,
    snapshot: Snapshot,
    form: dict,
    *,
    submission_id: str,
    is_demo: bool = False,
    on_behalf: bool = False,
) -> dict:
    """Create one ticket; the same submission_id twice (a double click) makes one.

    The reporter is the signed-in person (their name and address, whatever the
    form says), unless the MAZ registers a report on behalf of a caller.
    """
    action = "submit_on_behalf" if on_behalf else "submit"
    procedure.check("ticket", action, "", desk.actor)
    if desk.actor.email and not on_behalf:
        form = {**form, "reporter_name": desk.actor.name, "reporter_email": desk.actor.email}
    f = validation.Form()
    locations = {loc["id"] for loc in snapshot.active_locations()}
    row = {
        "reporter_name": f.check(
            "reporter_name", validation.text, form.get("reporter_name"), "Naam"
        ),
        "reporter_email": f.check("reporter_email", validation.email, form.get("reporter_email")),
        "reporter_role": f.check(
            "reporter_role",
            validation.choice,
            form.get("reporter_role"),
            REPORTER_ROLES,
            "Uw functie",
        ),
        "location_id": f.check(
            "location_id", validation.choice, form.get("location_id"), locations, "Locatie"
        ),
        "category": f.check(
            "category", validation.choice, form.get("category"), CATEGORIES, "Soort storing"
        ),
        "description": f.check(
            "description",
            validation.text,
            form.get("description"),
            "Omschrijving",
            max_len=validation.MAX_LONG,
            multiline=True,
        ),
        "contact_info": f.check(
            "contact_info",
            validation.text,
            form.get("contact_info"),
            "Bereikbaarheid",
            required=False,
        ),
    }
    f.done()
    at = desk.now()
    blocks = bool(form.get("blocks_office_work"))
    row |= {
        "id": submission_id,
        "created_at": at,
        "updated_at": at,
        "status": Ticket.NEW,
        "blocks_office_work": blocks,
        "is_demo": is_demo,
        "suggested_urgency": suggest_urgency(row["category"], blocks),
    }
    year = desk.clock().astimezone(workdays.AMSTERDAM).year
    # Ids derived from the submission make a repeated submit (double click, or a
    # retry after an unclear failure) find the first, never copy it.
    submitted = event(
        desk,
        ticket_id=submission_id,
        entity="ticket",
        entity_id=submission_id,
        action=action,
        from_status="",
        to_status=Ticket.NEW,
        note=f"Namens {row['reporter_name']} ({row['reporter_email']})" if on_behalf else "",
        at=at,
        id=f"{submission_id}-submit",
    )
    # One write: the report, its event and the receipt, whose number the store
    # hands out inside that write (NUMBER_SLOT), so a crash can never leave a
    # report without its receipt.
    numbered = {**row, "number": NUMBER_SLOT}
    mail = texts.status_mail(numbered, Ticket.NEW, snapshot.location(row["location_id"]))
    receipt = message(
        desk, ticket=numbered, kind="ontvangst", mail=mail, at=at, id=f"{submission_id}-received"
    )
    return desk.repo.commit(
        [Insert("tickets", row, number_prefix=f"KIV-{year}-"), submitted, receipt]
    )[0]


# --- 2.1 steps 2-3 / 2.2 steps 2-3: the MAZ assesses ------------------------------


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


def investigate(desk: Desk, ticket: dict, notes: str) -> list[dict]:
    """2.1 step 3a: the MAZ looks into it first; notes go on the ticket."""
    notes = _note(notes, "Onderzoeksnotitie", required=False)
    changes = advance_ticket(
        desk,
        ticket,
        ["investigate"],
        note=notes,
        values={"investigation_notes": _append(ticket["investigation_notes"], notes)},
    )
    return desk.repo.commit(changes)


def add_investigation_note(desk: Desk, ticket: dict, notes: str) -> list[dict]:
    """More investigation notes without a status change, still on the timeline."""
    notes = _note(notes, "Onderzoeksnotitie", required=True)
    procedure.check_role("ticket", "investigate", desk.actor)
    at = desk.now()
    return desk.repo.commit(
        [
            Update(
                "tickets",
                ticket["id"],
                ticket["version"],
                {
                    "investigation_notes": _append(ticket["investigation_notes"], notes),
                    "updated_at": at,
                },
            ),
            event(
                desk,
                ticket_id=ticket["id"],
                entity="ticket",
                entity_id=ticket["id"],
                action="note",
                from_status=ticket["status"],
                to_status=ticket["status"],
                note=notes,
                at=at,
            ),
        ]
    )


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


def _assessment(
    desk: Desk, snapshot: Snapshot, ticket: dict, urgent: bool, reason: str, prefix: str
) -> list[Change]:
    """Urgent goes to Nemesys at once (2.1 step 3b); not urgent waits a day (2.2 step 3)."""
    reason = _note(reason, "Reden", required=True)
    values = {"urgency": "urgent" if urgent else "niet_urgent", "urgency_reason": reason}
    if not urgent:
        values["check_due_at"] = _check_moment(desk)
        return advance_ticket(desk, ticket, [f"{prefix}_not_urgent"], values=values, note=reason)
    changes = advance_ticket(
        desk, ticket, [f"{prefix}_urgent", "place_order"], values=values, note=reason
    )
    return changes + _order_changes(desk, snapshot, {**ticket, **values})


def triage(
    desk: Desk, snapshot: Snapshot, ticket: dict, *, urgent: bool, reason: str
) -> list[dict]:
    """2.1 step 2: the MAZ assesses a new report as urgent or not."""
    changes = _assessment(desk, snapshot, ticket, urgent, reason, "triage")
    changes += _communication_task(desk, snapshot, ticket)
    return desk.repo.commit(changes)


def reclassify(
    desk: Desk, snapshot: Snapshot, ticket: dict, *, urgent: bool, reason: str
) -> list[dict]:
    """The MAZ changes her mind before Nemesys has the order."""
    return desk.repo.commit(_assessment(desk, snapshot, ticket, urgent, reason, "reclassify"))


def _check_moment(desk: Desk) -> str:
    return workdays.next_check_moment(desk.clock(), desk.workday_config).isoformat(
        timespec="seconds"
    )


def _order_changes(desk: Desk, snapshot: Snapshot, ticket: dict) -> list[Change]:
    """2.1 step 3b: an order and its e-mail to Nemesys, ready in the outbox."""
    at = desk.now()
    order_id = new_id()
    mail = texts.order_mail(
        ticket, snapshot.location(ticket["location_id"]), desk.config.nemesys_address
    )
    return [
        Insert("orders", {"id": order_id, "ticket_id": ticket["id"], "ordered_at": at}),
        message(desk, ticket=ticket, kind="opdracht", mail=mail, at=at),
    ]


def _communication_task(
    desk: Desk, snapshot: Snapshot, ticket: dict, locations: Sequence[str] = ()
) -> list[Change]:
    """2.1 step 6: a phone or mail outage makes the unit manager inform parents and staff.

    One task per outage and location (issue 14): the report's own location and
    every location of someone it affects, unless that location has its task.
    """
    if ticket["category"] not in COMMUNICATION_CATEGORIES:
        return []
    have = {
        c["location_id"]
        for c in snapshot.rows("communication_tasks")
        if c["ticket_id"] == ticket["id"]
    }
    wanted = locations or affected.locations(snapshot, ticket)
    changes: list[Change] = []
    for location_id in dict.fromkeys(loc for loc in wanted if loc not in have):
        changes += _one_communication_task(desk, snapshot, ticket, location_id)
    return changes


def _one_communication_task(
    desk: Desk, snapshot: Snapshot, ticket: dict, location_id: str
) -> list[Change]:
    at, task_id = desk.now(), affected.task_id(ticket["id"], location_id)
    location = snapshot.location(location_id)
    changes: list[Change] = []
    if location.get("unit_manager_email"):
        mail = texts.communication_mail(ticket, location)
        mail_id = f"{task_id}-mail"  # a racing second task is the same task and the same mail
        changes.append(
            message(desk, ticket=ticket, kind="communicatie", mail=mail, at=at, id=mail_id)
        )
    return changes + [
        Insert(
            "communication_tasks",
            {
                "id": task_id,
                "ticket_id": ticket["id"],
                "location_id": location_id,
                "status": Communication.OPEN,
                "created_at": at,
            },
        ),
        event(
            desk,
            ticket_id=ticket["id"],
            entity="communication",
            entity_id=task_id,
            action="open",
            from_status="",
            to_status=Communication.OPEN,
            note="Ouders en medewerkers informeren",
            at=at,
        ),
    ]


# --- 2.2 steps 3-4: the next-day follow-up ---------------------------------------


def follow_up(
    desk: Desk, snapshot: Snapshot, ticket: dict, *, solved: bool, notes: str
) -> list[dict]:
    """Solved: the report is removed (kept, status 'verwijderd'). Not solved: order at Nemesys.

    Before the check moment an order is the MAZ's reclassification to urgent, the
    notes its reason (2.2 steps 3-4, lib/follow_up_rule.py).
    """
    notes = _note(notes, "Verslag van het contact", required=True)
    values = {"followup_notes": _append(ticket["followup_notes"], notes)}
    if solved:
        return desk.repo.commit(
            advance_ticket(desk, ticket, ["follow_up_solved"], values=values, note=notes)
        )
    # Before the check moment an order is a reclassification to urgent (lib/follow_up_rule.py).
    actions = follow_up_rule.order_actions(ticket, desk.clock())
    if actions == follow_up_rule.ORDER_EARLY:
        values.update(urgency="urgent", urgency_reason=notes)
    changes = advance_ticket(desk, ticket, actions, values=values, note=notes)
    return desk.repo.commit(changes + _order_changes(desk, snapshot, {**ticket, **values}))


# --- 2.1 steps 4 and 8: Nemesys confirms; resolved; closed; reopened -------------


def confirm_order(
    desk: Desk, ticket: dict, order: dict, *, reference: str, confirmed_at: datetime | None = None
) -> list[dict]:
    """2.1 step 4: Nemesys confirmed the order by e-mail, with their reference and time."""
    f = validation.Form()
    reference = f.check("reference", validation.text, reference, "Referentie van Nemesys")
    when = (confirmed_at or desk.clock()).astimezone(workdays.AMSTERDAM)
    ordered = datetime.fromisoformat(order["ordered_at"]) if order.get("ordered_at") else None
    if when > desk.clock() + timedelta(minutes=5):
        f.errors["confirmed_at"] = "Het moment van bevestiging ligt in de toekomst."
    elif ordered and when < ordered - timedelta(minutes=1):
        f.errors["confirmed_at"] = "Nemesys kan niet bevestigen voordat de opdracht is gegeven."
    f.done()
    changes = advance_ticket(desk, ticket, ["confirm"], note=f"Referentie Nemesys: {reference}")
    changes.insert(
        1,
        Update(
            "orders",
            order["id"],
            order["version"],
            {"nemesys_reference": reference, "confirmed_at": when.isoformat(timespec="seconds")},
        ),
    )
    return desk.repo.commit(changes)


def resolve(desk: Desk, ticket: dict, note: str = "") -> list[dict]:
    return desk.repo.commit(
        advance_ticket(desk, ticket, ["resolve"], note=_note(note, "Toelichting", required=False))
    )


def close(desk: Desk, ticket: dict, note: str = "") -> list[dict]:
    """2.1 step 8: resolved to satisfaction, the order is closed."""
    return desk.repo.commit(
        advance_ticket(desk, ticket, ["close"], note=_note(note, "Toelichting", required=False))
    )


def reopen(desk: Desk, ticket: dict, reason: str) -> list[dict]:
    return desk.repo.commit(
        advance_ticket(desk, ticket, ["reopen"], note=_note(reason, "Reden", required=True))
    )


# --- the outbox (2.1 step 5) -----------------------------------------------------


def mark_sent(desk: Desk, message_row: dict) -> list[dict]:
    """The MAZ sent a waiting message by hand (the mailto: link of the Postvak)."""
    step = procedure.check("message", "send", message_row["status"], desk.actor)
    return desk.repo.commit(
        [
            Update(
                "messages",
                message_row["id"],
                message_row["version"],
                {"status": step.target, "sent_at": desk.now()},
            )
        ]
    )


def retry_message(desk: Desk, message_row: dict) -> list[dict]:
    """The MAZ sends a failed message again: back in the queue, same Message-ID."""
    step = procedure.check("message", "retry", message_row["status"], desk.actor)
    values = {"status": step.target, "attempts": 0, "last_error": ""}
    return desk.repo.commit([Update("messages", message_row["id"], message_row["version"], values)])
