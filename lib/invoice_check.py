"""What the MAZ weighs on the Nemesys and Facturen pages: pure look-ups, no Streamlit.

2.1 step 4: Nemesys confirms every order; one that stays unconfirmed for too many
working hours must stand out. 2.1 step 9: the MAZ checks an invoice against the
quotes the directie approved for its orders (step 7) before it is paid.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from lib import formatting, workdays
from lib.procedure import Invoice, Quote, Ticket
from lib.snapshot import Snapshot

# An invoice may differ from the approved quotes by rounding and small extras
# before it is worth a second look: the larger of one euro and one percent.
TOLERANCE_CENTS = 100
TOLERANCE_SHARE = 0.01

# Earlier invoices on the same orders that already count towards the quote.
_COUNTED = frozenset({Invoice.APPROVED, Invoice.PAID})


class Deviation(NamedTuple):
    quote_cents: int | None  # None: no approved quote for these orders
    difference_cents: int | None  # invoiced (excl. VAT) minus approved quotes
    flagged: bool
    note: str  # Dutch, for the MAZ


class Waiting(NamedTuple):
    ticket: dict
    order: dict
    since: str  # when the order went (back) to Nemesys
    hours: float  # working hours waited since then
    overdue: bool


def invoice_order_ids(invoice: dict) -> list[str]:
    return [o for o in invoice["order_ids"].split(",") if o]


def approved_quote_total(snapshot: Snapshot, order_ids) -> int:
    """The sum of the directie's approved quotes on these orders, in cents."""
    wanted = set(order_ids)
    return sum(
        q["amount_cents"]
        for q in snapshot.rows("quotes")
        if q["order_id"] in wanted and q["status"] == Quote.APPROVED
    )


def _has_approved_quote(snapshot: Snapshot, order_ids: set[str]) -> bool:
    return any(
        q["order_id"] in order_ids and q["status"] == Quote.APPROVED
        for q in snapshot.rows("quotes")
    )


def invoiced_before(snapshot: Snapshot, invoice: dict) -> int:
    """Excl. VAT already accepted on the same orders; a credit note also nets its original."""
    orders = set(invoice_order_ids(invoice))
    total = sum(
        i["amount_excl_cents"]
        for i in snapshot.rows("invoices")
        if i["id"] != invoice["id"]
        and i["status"] in _COUNTED
        and orders & set(invoice_order_ids(i))
    )
    corrected = snapshot.get("invoices", invoice["corrects_invoice_id"])
    if invoice["kind"] == "creditnota" and corrected and corrected["status"] not in _COUNTED:
        total += corrected["amount_excl_cents"]
    return total


def tolerance(quote_cents: int) -> int:
    return max(TOLERANCE_CENTS, round(abs(quote_cents) * TOLERANCE_SHARE))


def deviation(invoice: dict, snapshot: Snapshot) -> Deviation:
    """How the invoice (excl. VAT, with what was already accepted) compares to the quotes."""
    order_ids = set(invoice_order_ids(invoice))
    if not _has_approved_quote(snapshot, order_ids):
        return Deviation(
            None,
            None,
            False,
            "Geen goedgekeurde offerte voor deze opdracht(en): "
            "controleer het bedrag aan de hand van de opdracht.",
        )
    quote = approved_quote_total(snapshot, order_ids)
    earlier = invoiced_before(snapshot, invoice)
    difference = invoice["amount_excl_cents"] + earlier - quote
    flagged = abs(difference) > tolerance(quote)
    prefix = f"Samen met eerder gefactureerd ({formatting.money(earlier)}): " if earlier else ""
    if not flagged:
        note = f"{prefix}in lijn met de goedgekeurde offerte."
    elif difference > 0:
        note = f"{prefix}{formatting.money(difference)} hoger dan de goedgekeurde offerte."
    else:
        note = f"{prefix}{formatting.money(-difference)} lager dan de goedgekeurde offerte."
    return Deviation(quote, difference, flagged, note[0].upper() + note[1:])


def _ordered_since(snapshot: Snapshot, ticket: dict, order: dict) -> str:
    """The last time the ticket went to Nemesys: the order, or a reopening after it."""
    moments = [
        e["at"]
        for e in snapshot.timeline(ticket["id"])
        if e["entity"] == "ticket" and e["to_status"] == Ticket.ORDERED
    ]
    return max([order["ordered_at"], *moments], key=datetime.fromisoformat)


def unconfirmed_orders(
    snapshot: Snapshot,
    now: datetime,
    threshold_working_hours: float,
    workday_config: workdays.WorkdayConfig,
) -> list[Waiting]:
    """Orders Nemesys has not confirmed yet (2.1 step 4), longest waiting first."""
    waiting = []
    for ticket in snapshot.tickets_in(Ticket.ORDERED):
        order = snapshot.order_for(ticket["id"])
        if order is None:
            continue
        since = _ordered_since(snapshot, ticket, order)
        hours = workdays.working_hours_between(datetime.fromisoformat(since), now, workday_config)
        waiting.append(Waiting(ticket, order, since, hours, hours >= threshold_working_hours))
    return sorted(waiting, key=lambda w: (-w.hours, w.since))


def order_labels(snapshot: Snapshot) -> dict[str, str]:
    """Every order as its ticket number and location, newest ticket first."""
    labels = {}
    for order in sorted(snapshot.rows("orders"), key=lambda o: o["ordered_at"], reverse=True):
        ticket = snapshot.ticket(order["ticket_id"]) or {"number": "?", "location_id": ""}
        location = snapshot.location(ticket["location_id"])["name"]
        labels[order["id"]] = f"{ticket['number']} · {location}"
    return labels
