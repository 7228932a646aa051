"""Quotes (2.1 step 7), invoices (2.1 step 9) and the parent communication of step 6."""

from __future__ import annotations

from datetime import date

from lib import amount_check, people, procedure, texts, validation
from lib.procedure import Communication, Role
from lib.repository import Change, Insert, Update
from lib.repository.base import unique_key
from lib.services import Desk, advance_ticket, event, message, new_id
from lib.snapshot import Snapshot
from lib.texts import CHANNELS, PHASES

# --- 2.1 step 7: a quote is discussed with the directie --------------------------


def register_quote(
    desk: Desk, ticket: dict, order: dict, form: dict, *, snapshot: Snapshot | None = None
) -> list[dict]:
    """2.1 step 7: a quote from Nemesys; the directie is asked by mail to decide."""
    f = validation.Form()
    amount = f.check("amount", validation.amount_cents, form.get("amount"), "Bedrag")
    reference = f.check("reference", validation.text, form.get("reference"), "Referentie")
    url = f.check("document_url", validation.url, form.get("document_url"))
    big = bool(amount) and amount_check.needs_confirmation(amount, desk.config)
    if big and not form.get("confirm_amount"):
        f.errors["confirm_amount"] = amount_check.refusal(amount, desk.config)
    f.done()
    at, quote_id = desk.now(), new_id()
    step = procedure.check("quote", "register", "", desk.actor)
    changes = advance_ticket(desk, ticket, ["await_quote_decision"], note=f"Offerte {reference}")
    changes += [
        Insert(
            "quotes",
            {
                "id": quote_id,
                "order_id": order["id"],
                "ticket_id": ticket["id"],
                "status": step.target,
                "amount_cents": amount,
                "reference": reference,
                "document_url": url,
                "received_at": at,
            },
        ),
        event(
            desk,
            ticket_id=ticket["id"],
            entity="quote",
            entity_id=quote_id,
            action="register",
            from_status="",
            to_status=step.target,
            note=reference,
            at=at,
        ),
    ]
    snap = snapshot or Snapshot(desk.repo.read(["users", "locations"]))
    directie = people.addresses(snap, Role.DIRECTIE)
    if directie:
        quote = {"amount_cents": amount, "reference": reference, "document_url": url}
        location = snap.location(ticket["location_id"])
        mail = texts.quote_mail(ticket, location, quote, directie)
        changes.append(message(desk, ticket=ticket, kind="offerte", mail=mail, at=at))
    return desk.repo.commit(changes)


def _tickets_of(snapshot: Snapshot, order_ids: list[str]) -> list[dict]:
    """The reports an invoice is for, through its orders, by number."""
    ids = {o["ticket_id"] for o in snapshot.rows("orders") if o["id"] in set(order_ids)}
    return sorted((snapshot.ticket(i) for i in ids if snapshot.ticket(i)), key=_number)


def _number(ticket: dict) -> str:
    return ticket["number"]


def _invoice_message(
    desk: Desk, snapshot: Snapshot, invoice: dict, kind: str, to: str, id: str = ""
):
    tickets = _tickets_of(snapshot, [o for o in invoice["order_ids"].split(",") if o])
    numbers = [t["number"] for t in tickets]
    build = texts.invoice_check_mail if kind == "factuur" else texts.invoice_rejected_mail
    mail = build(invoice, numbers, to)
    first = tickets[0] if tickets else {}
    return message(desk, ticket=first, kind=kind, mail=mail, at=desk.now(), id=id)


def decide_quote(desk: Desk, ticket: dict, quote: dict, *, approve: bool, note: str) -> list[dict]:
    f = validation.Form()
    note = f.check(
        "note",
        validation.text,
        note,
        "Toelichting",
        required=not approve,
        max_len=validation.MAX_LONG,
        multiline=True,
    )
    f.done()
    action = "approve" if approve else "reject"
    step = procedure.check("quote", action, quote["status"], desk.actor)
    at = desk.now()
    changes: list[Change] = [
        Update(
            "quotes",
            quote["id"],
            quote["version"],
            {
                "status": step.target,
                "decided_at": at,
                "decided_by": desk.actor.name,
                "decision_note": note,
            },
        ),
        event(
            desk,
            ticket_id=ticket["id"],
            entity="quote",
            entity_id=quote["id"],
            action=action,
            from_status=quote["status"],
            to_status=step.target,
            note=note,
            at=at,
        ),
    ]
    changes += advance_ticket(desk, ticket, ["quote_decided"], note=f"{step.label}. {note}".strip())
    return desk.repo.commit(changes)


# --- 2.1 step 9: the invoice is checked by the MAZ, then paid or rejected ---------


def register_invoice(
    desk: Desk, snapshot: Snapshot, form: dict, *, invoice_id: str = ""
) -> list[dict]:
    """Finance registers an invoice or credit note; a correction supersedes the rejected one.

    A page passes its form's submission id as `invoice_id`, so the same submission
    twice (a double click) registers one invoice and is not refused as a duplicate.
    """
    f = validation.Form()
    credit = form.get("kind") == "creditnota"
    number = f.check("number", validation.text, form.get("number"), "Factuurnummer")
    invoice_date = f.check("invoice_date", validation.day, form.get("invoice_date"), "Factuurdatum")
    excl = f.check(
        "amount_excl",
        validation.amount_cents,
        form.get("amount_excl"),
        "Bedrag excl. btw",
        allow_negative=credit,
    )
    incl = f.check(
        "amount_incl",
        validation.amount_cents,
        form.get("amount_incl"),
        "Bedrag incl. btw",
        allow_negative=credit,
    )
    url = f.check("document_url", validation.url, form.get("document_url"))
    order_ids = [o for o in form.get("order_ids") or [] if snapshot.get("orders", o)]
    if not order_ids:
        f.errors["order_ids"] = "Kies de opdracht(en) waar deze factuur voor is."
    if excl is not None and incl is not None and abs(incl) < abs(excl):
        f.errors["amount_incl"] = "Het bedrag incl. btw kan niet lager zijn dan excl. btw."
    # Compared as people mean it (case, invisible characters, outer spaces); the
    # store checks the same again inside the write, against every invoice.
    if number and any(
        unique_key(i["number"]) == unique_key(number) and i["id"] != invoice_id
        for i in snapshot.rows("invoices")
    ):
        f.errors["number"] = f"Factuurnummer {number} is al geregistreerd."
    corrected = snapshot.get("invoices", form.get("corrects_invoice_id") or "")
    f.done()
    at = desk.now()
    # The same submission twice writes the same ids: one invoice, one event, one mail.
    register_event_id = f"{invoice_id}-register" if invoice_id else ""
    check_mail_id = f"{invoice_id}-check-mail" if invoice_id else ""
    invoice_id = invoice_id or new_id()
    step = procedure.check("invoice", "register", "", desk.actor)
    changes: list[Change] = [
        Insert(
            "invoices",
            {
                "id": invoice_id,
                "number": number,
                "kind": "creditnota" if credit else "factuur",
                "status": step.target,
                "invoice_date": invoice_date.isoformat(),
                "amount_excl_cents": excl,
                "amount_incl_cents": incl,
                "order_ids": ",".join(order_ids),
                "document_url": url,
                "registered_at": at,
                "corrects_invoice_id": corrected["id"] if corrected else "",
            },
            unique_column="number",
        ),
        event(
            desk,
            ticket_id="",
            entity="invoice",
            entity_id=invoice_id,
            action="register",
            from_status="",
            to_status=step.target,
            note=number,
            at=at,
            id=register_event_id,
        ),
    ]
    if corrected:
        changes += _invoice_step(desk, corrected, "supersede", f"Vervangen door {number}", {})
    maz = people.addresses(snapshot, Role.MAZ) or desk.config.mail_from
    changes.append(
        _invoice_message(desk, snapshot, changes[0].row, "factuur", maz, id=check_mail_id)
    )
    return desk.repo.commit(changes)


# An invoice may cover several orders, so its events carry no ticket id; the
# timeline finds them through the invoice's orders.
def _invoice_step(desk: Desk, invoice: dict, action: str, note: str, values: dict) -> list[Change]:
    step = procedure.check("invoice", action, invoice["status"], desk.actor)
    return [
        Update("invoices", invoice["id"], invoice["version"], {**values, "status": step.target}),
        event(
            desk,
            ticket_id="",
            entity="invoice",
            entity_id=invoice["id"],
            action=action,
            from_status=invoice["status"],
            to_status=step.target,
            note=note,
            at=desk.now(),
        ),
    ]


def check_invoice(
    desk: Desk,
    invoice: dict,
    *,
    approve: bool,
    reason: str = "",
    snapshot: Snapshot | None = None,
) -> list[dict]:
    """2.1 step 9: the MAZ approves, or rejects and the reason goes to Nemesys by mail."""
    f = validation.Form()
    reason = f.check(
        "reason",
        validation.text,
        reason,
        "Reden van afkeuring",
        required=not approve,
        max_len=validation.MAX_LONG,
        multiline=True,
    )
    f.done()
    values = {"checked_at": desk.now()}
    if not approve:
        values["rejection_reason"] = reason
    action = "approve" if approve else "reject"
    changes = _invoice_step(desk, invoice, action, reason, values)
    if not approve:
        snap = snapshot or Snapshot(desk.repo.read(["orders", "tickets"]))
        rejected = {**invoice, **values}
        address = desk.config.nemesys_address
        changes.append(_invoice_message(desk, snap, rejected, "factuur_afgekeurd", address))
    return desk.repo.commit(changes)


def pay_invoice(desk: Desk, invoice: dict, paid_on: date | str) -> list[dict]:
    f = validation.Form()
    paid = f.check("paid_on", validation.day, paid_on, "Betaaldatum")
    f.done()
    return desk.repo.commit(_invoice_step(desk, invoice, "pay", "", {"paid_on": paid.isoformat()}))


def record_nemesys_contact(desk: Desk, invoice: dict, note: str) -> list[dict]:
    f = validation.Form()
    note = f.check(
        "note",
        validation.text,
        note,
        "Verslag contact met Nemesys",
        max_len=validation.MAX_LONG,
        multiline=True,
    )
    f.done()
    return desk.repo.commit(
        _invoice_step(desk, invoice, "contact_nemesys", note, {"nemesys_contact_note": note})
    )


# --- 2.1 step 6: parents and staff informed --------------------------------------


def _check_task(desk: Desk, task: dict, location: dict | None) -> None:
    """A unit manager informs the parents of their own location(s) only."""
    procedure.check_role("communication", "complete", desk.actor)
    if location is None or location.get("id") != task["location_id"]:
        location = desk.repo.get("locations", task["location_id"])
    if not people.handles_location(desk.actor, location):
        raise procedure.refuse(
            desk.actor, f"Deze communicatietaak is voor de unitmanager van {location['name']}."
        )


def tick_channel(
    desk: Desk, task: dict, *, phase: str, channel: str, location: dict | None = None
) -> list[dict]:
    """Record who put which announcement on which channel, and when."""
    validation.choice(phase, PHASES, "Fase")
    validation.choice(channel, CHANNELS, "Kanaal")
    _check_task(desk, task, location)
    return desk.repo.commit(
        [
            Insert(
                "communication_ticks",
                {
                    "id": f"{task['id']}-{phase}-{channel}",
                    "task_id": task["id"],
                    "phase": phase,
                    "channel": channel,
                    "at": desk.now(),
                    "actor_name": validation.actor_name(desk.actor.name),
                },
            )
        ]
    )


def complete_communication(
    desk: Desk, task: dict, note: str = "", *, location: dict | None = None
) -> list[dict]:
    f = validation.Form()
    note = f.check(
        "note",
        validation.text,
        note,
        "Toelichting",
        required=False,
        max_len=validation.MAX_LONG,
        multiline=True,
    )
    f.done()
    _check_task(desk, task, location)
    step = procedure.check("communication", "complete", task["status"], desk.actor)
    at = desk.now()
    return desk.repo.commit(
        [
            Update("communication_tasks", task["id"], task["version"], {"status": step.target}),
            event(
                desk,
                ticket_id=task["ticket_id"],
                entity="communication",
                entity_id=task["id"],
                action="complete",
                from_status=task["status"],
                to_status=Communication.DONE,
                note=note,
                at=at,
            ),
        ]
    )
