"""The use cases of the procedure: the only way anything changes.

Each function validates its input, checks the step against `lib.procedure`,
builds the changes (row updates, one event per step, the reporter's status
mail) and commits them in one all-or-nothing write. Step numbers refer to the
procedure (2.1 urgent, 2.2 not urgent).

The building blocks (Desk, events, mails, status steps) are lib/desk.py; the
steps with Nemesys and the outbox are lib/nemesys_steps.py. Every name stays
importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from lib import affected, follow_up_rule, procedure, texts, validation, workdays
from lib.catalog import CATEGORIES, COMMUNICATION_CATEGORIES, REPORTER_ROLES, suggest_urgency
from lib.desk import (
    MAX_HTML,
    MAX_NOTES,
    Desk,
    _append,
    _note,
    advance_ticket,
    event,
    mail_domain,
    message,
    new_id,
    status_changes,
)
from lib.nemesys_steps import close, confirm_order, mark_sent, reopen, resolve, retry_message
from lib.procedure import Communication, Ticket
from lib.repository import Change, Insert, Update
from lib.repository.base import NUMBER_SLOT
from lib.snapshot import Snapshot

__all__ = [
    "MAX_HTML",
    "MAX_NOTES",
    "Desk",
    "add_investigation_note",
    "advance_ticket",
    "close",
    "confirm_order",
    "event",
    "follow_up",
    "investigate",
    "mail_domain",
    "mark_sent",
    "message",
    "new_id",
    "reclassify",
    "reopen",
    "resolve",
    "retry_message",
    "status_changes",
    "submit_report",
    "triage",
]


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
