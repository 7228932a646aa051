"""The access matrix's states (issue 7): for each step, a state the procedure allows it in."""

from __future__ import annotations

from collections.abc import Callable

from lib import billing, services
from lib.procedure import Message, Ticket
from lib.repository import Update
from tests.access_people import ZONNEBLOEM
from tests.flows import Office

# ---------------------------------------------------------------------------
# The actions, each with the state the procedure allows it in
# ---------------------------------------------------------------------------


def new(o: Office) -> dict:
    return {"ticket": o.submit()}


def investigating(o: Office) -> dict:
    ticket = o.submit()
    services.investigate(o.desk(), ticket, "Eerst zelf kijken")
    return {"ticket": o.ticket(ticket["id"])}


def waiting(o: Office) -> dict:
    return {"ticket": o.waiting()}


def urgent(o: Office) -> dict:
    """Triage passes 'urgent' on to Nemesys in the same step; a row left in it is written here."""
    ticket = o.submit()
    o.repo.commit([Update("tickets", ticket["id"], ticket["version"], {"status": Ticket.URGENT})])
    return {"ticket": o.ticket(ticket["id"])}


def ordered(o: Office, location: str = ZONNEBLOEM) -> dict:
    ticket = o.triage(o.submit(location_id=location), urgent=True)
    return {"ticket": ticket, "order": o.order(ticket["id"])}


def confirmed(o: Office) -> dict:
    c = ordered(o)
    services.confirm_order(o.desk(), c["ticket"], c["order"], reference="NEM-1")
    return {"ticket": o.ticket(c["ticket"]["id"]), "order": o.order(c["ticket"]["id"])}


def quote_received(o: Office) -> dict:
    c = confirmed(o)
    billing.register_quote(
        o.desk(), c["ticket"], c["order"], {"amount": "500,00", "reference": "O"}
    )
    ticket = o.ticket(c["ticket"]["id"])
    return {"ticket": ticket, "quote": o.snap().quotes_for(ticket["id"])[-1]}


def resolved(o: Office) -> dict:
    c = confirmed(o)
    services.resolve(o.desk(), c["ticket"])
    return {"ticket": o.ticket(c["ticket"]["id"])}


def closed(o: Office) -> dict:
    c = resolved(o)
    services.close(o.desk(), c["ticket"])
    return {"ticket": o.ticket(c["ticket"]["id"])}


def queued_message(o: Office) -> dict:
    ticket = o.submit()
    [message] = [m for m in o.snap().outbox() if m["ticket_id"] == ticket["id"]]
    return {"message": message}


def failed_message(o: Office) -> dict:
    """A mail the mail server refused (lib/mailer.py marks it so); the MAZ may send it again."""
    message = queued_message(o)["message"]
    failed = {"status": Message.FAILED, "last_error": "550 Mailbox onbekend", "attempts": 1}
    o.repo.commit([Update("messages", message["id"], message["version"], failed)])
    return {"message": o.repo.get("messages", message["id"])}


def invoice_received(o: Office) -> dict:
    c = ordered(o)
    return {**c, "invoice": o.invoice(c["ticket"]["id"])}


def invoice_approved(o: Office) -> dict:
    c = invoice_received(o)
    billing.check_invoice(o.desk(), c["invoice"], approve=True)
    return {**c, "invoice": o.repo.get("invoices", c["invoice"]["id"])}


def invoice_rejected(o: Office) -> dict:
    c = invoice_received(o)
    billing.check_invoice(o.desk(), c["invoice"], approve=False, reason="Te hoog")
    return {**c, "invoice": o.repo.get("invoices", c["invoice"]["id"])}


def invoice_contacted(o: Office) -> dict:
    c = invoice_rejected(o)
    billing.record_nemesys_contact(o.desk(), c["invoice"], "Nemesys stuurt een correctie")
    return {**c, "invoice": o.repo.get("invoices", c["invoice"]["id"])}


def task_at(location: str) -> Callable[[Office], dict]:
    def prepare(o: Office) -> dict:
        c = ordered(o, location)  # a telephony outage: a communication task (step 6)
        return {**c, "task": o.snap().communication_task(c["ticket"]["id"])}

    return prepare


def nothing(o: Office) -> dict:
    return {}


def invoice_form(c: dict) -> dict:
    return {
        "number": "F-2",
        "invoice_date": "01-12-2026",
        "amount_excl": "100,00",
        "amount_incl": "121,00",
        "order_ids": [c["order"]["id"]],
        "corrects_invoice_id": c["invoice"]["id"] if "invoice" in c else "",
    }


def status(table: str, key: str, expected: str) -> Callable[[Office, dict], bool]:
    return lambda o, c: o.repo.get(table, c[key]["id"])["status"] == expected


def ticket_status(expected: str) -> Callable[[Office, dict], bool]:
    return status("tickets", "ticket", expected)


def ticked(o: Office, c: dict) -> bool:
    return any(t["task_id"] == c["task"]["id"] for t in o.snap().rows("communication_ticks"))


def retried(o: Office, c: dict) -> bool:
    """Back in the queue; a background sender (with SMTP) may already be trying it again."""
    row = o.repo.get("messages", c["message"]["id"])
    return row["status"] in {Message.QUEUED, Message.SENDING} and "550" not in row["last_error"]


def location_of(o: Office, c: dict) -> dict:
    return o.snap().location(c["task"]["location_id"])
