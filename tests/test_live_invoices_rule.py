"""Which invoices the live read keeps, on stores with one kind of invoice only (issue 10).

lib/repository/live.py: "invoices that name no order or at least one order of a
live report, and the events of those invoices". Most invoices bill one order, a
few several; a store may hold only the one kind or only the other. Expected ids
come from that rule, on every driver, for a page asking for all tables or one.
"""

from __future__ import annotations

import pytest

from lib.repository.base import Insert

ARCHIVED = "2025-12-01T10:00:00+01:00"
TICKETS = [
    {"id": "A", "number": "MLD-0001", "archived_at": ARCHIVED},
    {"id": "L", "number": "MLD-0002"},
    {"id": "A2", "number": "MLD-0003", "archived_at": ARCHIVED},
]
ORDERS = [
    {"id": "oA", "ticket_id": "A"},
    {"id": "oL", "ticket_id": "L"},
    {"id": "oA2", "ticket_id": "A2"},
    {"id": "oL2", "ticket_id": "L"},
]
# Each live order is billed only together with an archived one.
SEVERAL = [
    {"id": "iAL", "order_ids": "oA,oL"},
    {"id": "iAA", "order_ids": "oA,oA2"},
    {"id": "iLA", "order_ids": "oL2,oA2"},
    {"id": "iA", "order_ids": "oA"},  # archived and alone: never live
]
SINGLE = [
    {"id": "iA", "order_ids": "oA"},
    {"id": "iL", "order_ids": "oL"},
    {"id": "iNone", "order_ids": ""},
    {"id": "iA2", "order_ids": "oA2"},
]
LIVE = {"several": {"iAL", "iLA"}, "single": {"iL", "iNone"}}


def _store(repo, invoices):
    events = [
        {"id": f"e-{i['id']}", "ticket_id": "", "entity": "invoice", "entity_id": i["id"]}
        for i in invoices
    ]
    rows = {"tickets": TICKETS, "orders": ORDERS, "invoices": invoices, "events": events}
    repo.commit([Insert(name, row) for name, table in rows.items() for row in table])
    return repo


@pytest.mark.parametrize("kind", ["several", "single"])
@pytest.mark.parametrize("asked", [("invoices",), ("events",), ("tickets", "invoices", "events")])
def test_an_invoice_is_live_when_it_names_no_order_or_one_of_a_live_report(repo, kind, asked):
    store = _store(repo, SEVERAL if kind == "several" else SINGLE)
    found = store.read(asked, live_only=True)
    if "invoices" in asked:
        assert sorted(i["id"] for i in found["invoices"]) == sorted(LIVE[kind])
    if "events" in asked:
        assert sorted(e["entity_id"] for e in found["events"]) == sorted(LIVE[kind])
