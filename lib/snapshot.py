"""One read of the store, with the look-ups pages need.

A page reads one Snapshot per view (one batched request) and never touches the
store again until the user acts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from lib.procedure import OPEN_TICKET_STATES


@dataclass
class Snapshot:
    tables: dict[str, list[dict]]

    def rows(self, table: str) -> list[dict]:
        return self.tables.get(table, [])

    @cached_property
    def _index(self) -> dict[str, dict[str, dict]]:
        return {name: {r["id"]: r for r in rows} for name, rows in self.tables.items()}

    def get(self, table: str, row_id: str) -> dict | None:
        return self._index.get(table, {}).get(row_id)

    def ticket(self, ticket_id: str) -> dict | None:
        return self.get("tickets", ticket_id)

    def location(self, location_id: str) -> dict:
        return self.get("locations", location_id) or {"id": location_id, "name": "(onbekend)"}

    def active_locations(self) -> list[dict]:
        rows = [r for r in self.rows("locations") if r["active"]]
        return sorted(rows, key=lambda r: (r["kind"] != "kantoor", r["name"]))

    def tickets_in(self, *statuses: str) -> list[dict]:
        wanted = set(statuses)
        rows = [t for t in self.rows("tickets") if t["status"] in wanted]
        return sorted(rows, key=lambda t: t["created_at"])

    def open_tickets(self) -> list[dict]:
        return self.tickets_in(*OPEN_TICKET_STATES)

    def order_for(self, ticket_id: str) -> dict | None:
        orders = [o for o in self.rows("orders") if o["ticket_id"] == ticket_id]
        return max(orders, key=lambda o: o["ordered_at"]) if orders else None

    def quotes_for(self, ticket_id: str) -> list[dict]:
        return sorted(
            (q for q in self.rows("quotes") if q["ticket_id"] == ticket_id),
            key=lambda q: q["received_at"],
        )

    def invoices_for_order(self, order_id: str) -> list[dict]:
        return [i for i in self.rows("invoices") if order_id in i["order_ids"].split(",")]

    def communication_task(self, ticket_id: str) -> dict | None:
        return next(
            (c for c in self.rows("communication_tasks") if c["ticket_id"] == ticket_id), None
        )

    def ticks(self, task_id: str) -> list[dict]:
        return [t for t in self.rows("communication_ticks") if t["task_id"] == task_id]

    def timeline(self, ticket_id: str) -> list[dict]:
        """Every event of the ticket and of the invoices for its orders, by time."""
        order_ids = {o["id"] for o in self.rows("orders") if o["ticket_id"] == ticket_id}
        invoice_ids = {
            i["id"] for i in self.rows("invoices") if order_ids & set(i["order_ids"].split(","))
        }
        events = [
            e
            for e in self.rows("events")
            if e["ticket_id"] == ticket_id or e["entity_id"] in invoice_ids
        ]
        # A stable sort: events of one moment keep the order they were written in.
        return sorted(events, key=lambda e: e["at"])

    def tickets_of_reporter(self, email: str) -> list[dict]:
        email = email.strip().lower()
        rows = [t for t in self.rows("tickets") if t["reporter_email"].lower() == email]
        return sorted(rows, key=lambda t: t["created_at"], reverse=True)

    def outbox(self) -> list[dict]:
        return sorted(
            (m for m in self.rows("messages") if m["status"] == "wachtrij"),
            key=lambda m: m["created_at"],
        )

    def setting(self, key: str, default: str = "") -> str:
        return next((s["value"] for s in self.rows("settings") if s["key"] == key), default)
