"""Which rows belong to the live store: everything but archived reports and what hangs on them.

Issue 10: a page's cost must grow with the open work, not with how many reports
were ever made. A report gets `archived_at` set (lib/archive.py) once it is
closed or removed long enough; the live read (`Repository.read(tables,
live_only=True)`) then keeps only what belongs to a live report or to none:

- rows whose `ticket_id` is empty or names a live report (events, orders,
  quotes, mails, communication tasks, affected people, links);
- communication ticks of such a communication task;
- invoices that name no order or at least one order of a live report, and the
  events of those invoices (they carry no ticket_id, only the invoice as
  entity_id).

"Live report" is a positive fact so that a driver can start from the few live
reports and reach their rows by index (lib/repository/sql_live.py) instead of
scanning history for what is archived. A row naming a report the read does not
hold belongs to no live report (on the Sheet: a report already moved to the
archive worksheets). Until a report is archived the live read is the plain read,
whatever a row names: no driver makes a row naming a report it does not hold.
Rows tied to no report (locations, users, settings) are always live. The full read (the default) is what it always was: exports,
migrate, the privacy purge and backups see every row.

Drivers apply this in their own way (the SQL store in its queries, the Sheet
in process), but both must give the rows `live_rows` gives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Tables whose rows name their report in `ticket_id`.
BY_TICKET = ("events", "orders", "quotes", "messages", "communication_tasks", "affected", "links")

# What must be read besides the asked tables to decide what is archived.
_NEEDS: dict[str, tuple[str, ...]] = {
    "communication_ticks": ("communication_tasks",),
    "invoices": ("orders",),
    "events": ("orders", "invoices"),
}


def helper_tables(tables: Iterable[str]) -> tuple[str, ...]:
    """The asked tables plus those needed to filter them, tickets first."""
    names = ["tickets"]
    for name in tables:
        names += [*_NEEDS.get(name, ()), name]
    return tuple(dict.fromkeys(names))


def live_invoices(invoices: list[dict], live_orders: set[str]) -> list[dict]:
    """Invoices that name no order or at least one order of a live report."""
    out = []
    for invoice in invoices:
        orders = [o for o in invoice["order_ids"].split(",") if o]
        if not orders or any(o in live_orders for o in orders):
            out.append(invoice)
    return out


@dataclass(frozen=True)
class LiveRule:
    """The rule above, decided once for a read holding `helper_tables`."""

    everything: bool  # nothing archived: the live read is the plain read
    reports: frozenset = frozenset()
    invoices: frozenset = frozenset()
    tasks: frozenset = frozenset()

    @classmethod
    def of(cls, data: dict[str, list[dict]]) -> LiveRule:
        if not any(t["archived_at"] for t in data["tickets"]):
            return cls(everything=True)
        reports = frozenset(t["id"] for t in data["tickets"] if not t["archived_at"])
        rule = cls(False, reports)
        orders = {o["id"] for o in data.get("orders", []) if rule.belongs(o)}
        invoices = frozenset(i["id"] for i in live_invoices(data.get("invoices", []), orders))
        tasks = frozenset(c["id"] for c in data.get("communication_tasks", []) if rule.belongs(c))
        return cls(False, reports, invoices, tasks)

    def belongs(self, row: dict) -> bool:
        """A row naming its report in `ticket_id`."""
        return self.everything or not row["ticket_id"] or row["ticket_id"] in self.reports

    def event(self, e: dict) -> bool:
        """An event: of a live report, or of none and not of an archived invoice."""
        if self.everything or e["ticket_id"] in self.reports:
            return True
        return not e["ticket_id"] and (e["entity"] != "invoice" or e["entity_id"] in self.invoices)


def live_rows(data: dict[str, list[dict]], tables: Iterable[str]) -> dict[str, list[dict]]:
    """`tables` of a full read `data` (holding `helper_tables(tables)`), archive left out."""
    names = list(dict.fromkeys(tables))
    rule = LiveRule.of(data)
    if rule.everything:
        return {name: data[name] for name in names}
    out: dict[str, list[dict]] = {}
    for name in names:
        rows = data[name]
        if name == "tickets":
            rows = [t for t in rows if not t["archived_at"]]
        elif name == "events":
            rows = [e for e in rows if rule.event(e)]
        elif name in BY_TICKET:
            rows = [r for r in rows if rule.belongs(r)]
        elif name == "communication_ticks":
            rows = [r for r in rows if r["task_id"] in rule.tasks]
        elif name == "invoices":
            rows = [r for r in rows if r["id"] in rule.invoices]
        out[name] = rows
    return out


MOVED = "verplaatst"  # archived_at of a report the read knows only by rows it left behind


def with_moved_reports(data: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """`data` with stand-ins for reports moved out of it, so `live_rows` leaves their rows out.

    A store that moves archived rows out of what its live read asks for (the
    Sheet, lib/repository/sheets_archive.py) may still hold a row added to a
    report after the report itself was moved (a purge's event), until the next
    move. Its report, order or communication task is then missing from the read:
    such a row belongs to an archived report.
    """
    tickets = {t["id"] for t in data["tickets"]}
    missing = {
        r["ticket_id"]
        for name in BY_TICKET
        for r in data.get(name, [])
        if r["ticket_id"] and r["ticket_id"] not in tickets
    }
    orders = {o["id"] for o in data.get("orders", [])}
    tasks = {c["id"] for c in data.get("communication_tasks", [])}
    lost_orders = {
        o
        for i in data.get("invoices", [])
        for o in i["order_ids"].split(",")
        if o and o not in orders
    }
    lost_tasks = {
        t["task_id"] for t in data.get("communication_ticks", []) if t["task_id"] not in tasks
    }
    if not (missing or lost_orders or lost_tasks):
        return data
    out = dict(data)
    out["tickets"] = [
        *data["tickets"],
        *({"id": i, "archived_at": MOVED} for i in missing | {MOVED}),
    ]
    if "orders" in data:
        out["orders"] = [*data["orders"], *({"id": o, "ticket_id": MOVED} for o in lost_orders)]
    if "communication_tasks" in data:
        stand_ins = ({"id": t, "ticket_id": MOVED} for t in lost_tasks)
        out["communication_tasks"] = [*data["communication_tasks"], *stand_ins]
    return out
