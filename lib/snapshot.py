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

    # Look-ups by ticket, order and task: built once per Snapshot (one per view), so a
    # work list of n cards costs n look-ups, not n scans of every event (issue 10).

    def _grouped(self, table: str, column: str) -> dict[str, list[dict]]:
        key = (table, column)
        groups = self._groups.get(key)
        if groups is None:
            groups = {}
            for row in self.rows(table):
                groups.setdefault(row[column], []).append(row)
            self._groups[key] = groups
        return groups

    @cached_property
    def _groups(self) -> dict[tuple[str, str], dict[str, list[dict]]]:
        return {}

    @cached_property
    def _invoices_by_order(self) -> dict[str, list[dict]]:
        groups: dict[str, list[dict]] = {}
        for invoice in self.rows("invoices"):
            for order_id in dict.fromkeys(invoice["order_ids"].split(",")):
                groups.setdefault(order_id, []).append(invoice)
        return groups

    @cached_property
    def _settings(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for s in self.rows("settings"):
            values.setdefault(s["key"], s["value"])  # the first row wins, as before
        return values

    def tickets_in(self, *statuses: str) -> list[dict]:
        by_status = self._grouped("tickets", "status")
        rows = [t for status in dict.fromkeys(statuses) for t in by_status.get(status, [])]
        return sorted(rows, key=lambda t: t["created_at"])

    def open_tickets(self) -> list[dict]:
        return self.tickets_in(*OPEN_TICKET_STATES)

    def orders_of(self, ticket_id: str) -> list[dict]:
        return self._grouped("orders", "ticket_id").get(ticket_id, [])

    def order_for(self, ticket_id: str) -> dict | None:
        orders = self.orders_of(ticket_id)
        return max(orders, key=lambda o: o["ordered_at"]) if orders else None

    def quotes_for(self, ticket_id: str) -> list[dict]:
        return sorted(
            self._grouped("quotes", "ticket_id").get(ticket_id, []),
            key=lambda q: q["received_at"],
        )

    def invoices_for_order(self, order_id: str) -> list[dict]:
        return list(self._invoices_by_order.get(order_id, []))

    def communication_task(self, ticket_id: str) -> dict | None:
        tasks = self._grouped("communication_tasks", "ticket_id").get(ticket_id)
        return tasks[0] if tasks else None

    def ticks(self, task_id: str) -> list[dict]:
        return list(self._grouped("communication_ticks", "task_id").get(task_id, []))

    def timeline(self, ticket_id: str) -> list[dict]:
        """Every event of the ticket and of the invoices for its orders, by time."""
        invoice_ids: dict[str, None] = {}
        for order in self.orders_of(ticket_id):
            for invoice in self._invoices_by_order.get(order["id"], []):
                invoice_ids[invoice["id"]] = None
        by_entity = self._grouped("events", "entity_id")
        events = list(self._grouped("events", "ticket_id").get(ticket_id, []))
        seen = {id(e) for e in events}
        for invoice_id in invoice_ids:
            events += [e for e in by_entity.get(invoice_id, []) if id(e) not in seen]
        # Back in the order they were written, then a stable sort by time: events of
        # one moment keep the order they were written in.
        position = self._event_position
        events.sort(key=lambda e: position[id(e)])
        return sorted(events, key=lambda e: e["at"])

    @cached_property
    def _event_position(self) -> dict[int, int]:
        return {id(e): i for i, e in enumerate(self.rows("events"))}

    def tickets_of_reporter(self, email: str) -> list[dict]:
        email = email.strip().lower()
        rows = [t for t in self.rows("tickets") if t["reporter_email"].lower() == email]
        return sorted(rows, key=lambda t: t["created_at"], reverse=True)

    def outbox(self) -> list[dict]:
        return sorted(
            self._grouped("messages", "status").get("wachtrij", []),
            key=lambda m: m["created_at"],
        )

    def setting(self, key: str, default: str = "") -> str:
        return self._settings.get(key, default)
