"""Benchmark data: many reports with their events, orders, quotes and invoices.

Rows are generated directly (not through the services, which take ~30 ms per
report) but follow the proportions of lib/demo.py: urgency as suggested, half
of the not-urgent reports solved at the next-day check, 35 % with a quote of
which 85 % approved, recent reports stopping part-way. On top, a few paths the
demo never walks: reopened reports, invoices for several orders, and rejected
invoices corrected by a credit note and a new invoice.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from lib import workdays
from lib.catalog import CATEGORIES, suggest_urgency
from lib.demo import DEMO_LOCATIONS
from lib.procedure import Invoice, Quote, Ticket
from lib.repository.base import complete_row
from lib.repository.sql import SQL_TABLES, SqlRepository

AMS = workdays.AMSTERDAM


def _iso(at: datetime) -> str:
    return at.astimezone(AMS).isoformat(timespec="seconds")


class _Builder:
    def __init__(self, n: int, seed: int, end: datetime, days: float = 365):
        self.rnd, self.end, self.days = random.Random(seed), end, days
        self.start = end - timedelta(days=days)
        self.n = n
        self.tables: dict[str, list[dict]] = {
            "tickets": [],
            "events": [],
            "orders": [],
            "quotes": [],
            "invoices": [],
            "locations": [
                {"id": lid, "name": name, "kind": kind, "active": True, "is_demo": True}
                for lid, name, kind, _um in DEMO_LOCATIONS
            ],
        }
        self.pending_invoices: list[tuple[dict, int, datetime]] = []

    def event(self, tid: str, k: int, at: datetime, action: str, frm: str, to: str, **kw) -> None:
        row = {"id": f"{tid}-{k:02d}", "ticket_id": tid, "entity": "ticket", "entity_id": tid}
        row |= {"at": _iso(at), "action": action, "from_status": frm, "to_status": to}
        self.tables["events"].append(row | kw)

    def ticket(self, i: int) -> None:
        rnd = self.rnd
        at = self.start + timedelta(days=self.days * i / self.n, hours=rnd.uniform(8, 16.9))
        tid, category = f"b{i:07d}", rnd.choice(list(CATEGORIES))
        urgency = suggest_urgency(category, rnd.random() < 0.3)
        row = {"id": tid, "number": f"KIV-{at.year}-{i:06d}", "created_at": _iso(at)}
        row |= {"location_id": rnd.choice(DEMO_LOCATIONS)[0], "category": category}
        row |= {"suggested_urgency": urgency, "reporter_name": "Bench", "is_demo": True}
        self.tables["tickets"].append(row)
        steps = iter(range(1, 99))
        self.event(tid, 0, at, "submit", "", Ticket.NEW)
        last = rnd.randrange(0, 6) if at > self.end - timedelta(days=30) else 99
        row["status"], clock = self._walk(tid, row, at, urgency, last, steps)
        row["updated_at"] = _iso(min(clock, self.end))

    def _walk(self, tid, row, at, urgency, last, steps):
        rnd, status = self.rnd, Ticket.NEW
        at += timedelta(minutes=rnd.uniform(10, 120))
        if last < 1 or at > self.end:
            return status, at
        row["urgency"] = urgency
        if urgency != "urgent":
            self.event(tid, next(steps), at, "triage_not_urgent", status, Ticket.WAITING)
            due = workdays.next_check_moment(at)
            row["check_due_at"], status, at = _iso(due), Ticket.WAITING, due
            if last < 2 or at > self.end:
                return status, at
            solved = rnd.random() < 0.5
            to = Ticket.REMOVED if solved else Ticket.ORDERED
            self.event(
                tid,
                next(steps),
                at,
                "follow_up_" + ("solved" if solved else "not_solved"),
                status,
                to,
            )
            if solved:
                return to, at
        else:
            self.event(tid, next(steps), at, "triage_urgent", status, Ticket.URGENT)
            self.event(tid, next(steps), at, "place_order", Ticket.URGENT, Ticket.ORDERED)
        status = Ticket.ORDERED
        order = {"id": f"{tid}-o", "ticket_id": tid, "ordered_at": _iso(at)}
        self.tables["orders"].append(order)
        at += timedelta(hours=rnd.uniform(0.2, 6))
        if last < 3 or at > self.end:
            return status, at
        order |= {"confirmed_at": _iso(at), "nemesys_reference": f"NEM-{tid}"}
        self.event(tid, next(steps), at, "confirm", status, Ticket.CONFIRMED)
        status, quote = Ticket.CONFIRMED, 0
        if rnd.random() < 0.35:
            at += timedelta(hours=rnd.uniform(2, 30))
            if at > self.end:
                return status, at
            self.event(tid, next(steps), at, "await_quote_decision", status, Ticket.QUOTE_PENDING)
            q = {"id": f"{tid}-q", "order_id": order["id"], "ticket_id": tid}
            q |= {"amount_cents": rnd.randrange(150_00, 2500_00, 500), "received_at": _iso(at)}
            q["status"] = Quote.RECEIVED
            self.tables["quotes"].append(q)
            at += timedelta(hours=rnd.uniform(4, 48))
            if at > self.end:
                return Ticket.QUOTE_PENDING, at
            approve = rnd.random() < 0.85
            q |= {"status": Quote.APPROVED if approve else Quote.REJECTED, "decided_at": _iso(at)}
            quote = q["amount_cents"] if approve else 0
            self.event(tid, next(steps), at, "quote_decided", Ticket.QUOTE_PENDING, status)
        for round_ in range(2):
            at += timedelta(hours=rnd.uniform(1, 72))
            if last < 4 or at > self.end:
                return status, at
            self.event(tid, next(steps), at, "resolve", status, Ticket.RESOLVED)
            at += timedelta(hours=rnd.uniform(1, 24))
            if last < 5 or at > self.end:
                return Ticket.RESOLVED, at
            self.event(tid, next(steps), at, "close", Ticket.RESOLVED, Ticket.CLOSED)
            status = Ticket.CLOSED
            if round_ or rnd.random() > 0.03:
                break
            at += timedelta(days=rnd.uniform(1, 10))  # 3 %: the trouble comes back
            if at > self.end:
                return status, at
            self.event(tid, next(steps), at, "reopen", status, Ticket.ORDERED)
            at += timedelta(hours=rnd.uniform(0.2, 6))
            self.event(
                tid, next(steps), min(at, self.end), "confirm", Ticket.ORDERED, Ticket.CONFIRMED
            )
            status = Ticket.CONFIRMED
        if status == Ticket.CLOSED:
            self.pending_invoices.append((order, quote, at + timedelta(days=rnd.uniform(5, 20))))
        return status, at

    def invoices(self) -> None:
        rnd, i = self.rnd, 0
        self.pending_invoices.sort(key=lambda p: p[2])
        while i < len(self.pending_invoices):
            many = (
                1 if rnd.random() > 0.05 else rnd.randint(2, 3)
            )  # 5 %: one invoice, several orders
            batch = self.pending_invoices[i : i + many]
            i += many
            order_ids = [o["id"] for o, _q, _at in batch]
            excl = sum(q or rnd.randrange(60_00, 600_00, 250) for _o, q, _at in batch)
            if rnd.random() < 0.1:
                excl += 75_00
            self._invoice(len(self.tables["invoices"]), order_ids, excl, batch[-1][2])

    def _invoice(self, k: int, order_ids: list[str], excl: int, at: datetime, **kw) -> None:
        if at > self.end:
            return
        rnd = self.rnd
        row = {"id": f"inv{k:07d}", "number": f"F-{k:07d}", "kind": "factuur"}
        row |= {"invoice_date": at.date().isoformat(), "registered_at": _iso(at)}
        row |= {"amount_excl_cents": excl, "amount_incl_cents": round(excl * 1.21)}
        row |= {"order_ids": ",".join(order_ids), "status": Invoice.RECEIVED} | kw
        self.tables["invoices"].append(row)
        self.invoice_event(row, at, "register", "", Invoice.RECEIVED)
        checked = at + timedelta(days=rnd.uniform(1, 5))
        if checked > self.end:
            return
        row["checked_at"] = _iso(checked)
        if row["kind"] == "factuur" and not kw and rnd.random() < 0.02:  # rejected, then corrected
            row |= {"status": Invoice.SUPERSEDED, "rejection_reason": "Uren klopten niet"}
            self.invoice_event(row, checked, "reject", Invoice.RECEIVED, Invoice.REJECTED)
            credit = {"kind": "creditnota", "corrects_invoice_id": row["id"]}
            n = len(self.tables["invoices"])
            self._invoice(n, order_ids, -excl, checked, **credit)
            self._invoice(n + 1, order_ids, excl - 50_00, checked, kind="factuur")
            self.invoice_event(row, checked, "supersede", Invoice.REJECTED, Invoice.SUPERSEDED)
            return
        row["status"] = Invoice.APPROVED
        self.invoice_event(row, checked, "approve", Invoice.RECEIVED, Invoice.APPROVED)
        paid = checked + timedelta(days=rnd.uniform(1, 14))
        if paid < self.end:
            row |= {"status": Invoice.PAID, "paid_on": paid.date().isoformat()}
            self.invoice_event(row, paid, "pay", Invoice.APPROVED, Invoice.PAID)

    def invoice_event(self, invoice: dict, at: datetime, action: str, frm: str, to: str) -> None:
        """As lib/billing.py records them: no ticket id, the invoice as entity."""
        k = len(self.tables["events"])
        row = {"id": f"{invoice['id']}-{k:07d}", "ticket_id": "", "entity": "invoice"}
        row |= {"entity_id": invoice["id"], "at": _iso(at), "action": action}
        self.tables["events"].append(row | {"from_status": frm, "to_status": to})


def generate(
    n: int, *, seed: int = 11, end: datetime | None = None, days: float = 365
) -> dict[str, list[dict]]:
    """The tables (as the store returns them) for `n` reports over the `days` before `end`."""
    builder = _Builder(n, seed, end or workdays.now(), days)
    for i in range(n):
        builder.ticket(i)
    builder.invoices()
    return {name: [complete_row(name, r) for r in rows] for name, rows in builder.tables.items()}


def write(repo: SqlRepository, tables: dict[str, list[dict]], chunk: int = 20_000) -> None:
    """Bulk-insert into a fresh store; the rows are new, so commit()'s per-row checks are skipped."""
    with repo.engine.begin() as conn:
        for name, rows in tables.items():
            for i in range(0, len(rows), chunk):
                conn.execute(SQL_TABLES[name].insert(), rows[i : i + chunk])
