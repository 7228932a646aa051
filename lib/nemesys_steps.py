"""2.1 steps 4, 5 and 8: Nemesys confirms; resolved, closed, reopened; the outbox.

Use cases like those of lib/services.py (which keeps every name importable).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from lib import procedure, validation, workdays
from lib.desk import Desk, _note, advance_ticket
from lib.repository import Update

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
