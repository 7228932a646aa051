"""The live read, row by row, on hand-made rows covering each case of the rule (issue 10).

lib/repository/live.py states the rule: the live read keeps what belongs to a live
report or to none. A row naming a report the read does not hold is not live; an
invoice is live when it names no order or at least one order of a live report,
and so are the events of that invoice; a communication tick is live with its task.
The expected ids below are written from that rule, not from the code; every
driver must give them, in the order of its plain read, whether a page asks for
all tables or for one alone (issue 10: "nothing lost" and the same rows
everywhere).
"""

from __future__ import annotations

import pytest

from lib.repository import live
from lib.repository.base import Insert

ARCHIVED = "2025-12-01T10:00:00+01:00"

# "L" is a live report, "A" an archived one, "X" a report no read holds, "" none.
ROWS: dict[str, list[dict]] = {
    "tickets": [
        {"id": "A", "number": "MLD-0001", "archived_at": ARCHIVED},
        {"id": "L", "number": "MLD-0002"},
        {"id": "A2", "number": "MLD-0003", "archived_at": ARCHIVED},
    ],
    "orders": [
        {"id": "oA", "ticket_id": "A"},
        {"id": "oL", "ticket_id": "L"},
        {"id": "oX", "ticket_id": "X"},
        {"id": "oA2", "ticket_id": "A2"},
        {"id": "oN", "ticket_id": ""},
    ],
    "invoices": [
        {"id": "iA", "order_ids": "oA"},
        {"id": "iL", "order_ids": "oL"},
        {"id": "iNone", "order_ids": ""},
        {"id": "iAL", "order_ids": "oA,oL"},  # one live order keeps it live
        {"id": "iLA", "order_ids": "oL,oA2"},
        {"id": "iAA", "order_ids": "oA,oA2"},  # only archived orders
        {"id": "iX", "order_ids": "oX"},
        {"id": "iAX", "order_ids": "oA,oX"},
        {"id": "iN", "order_ids": "oN"},  # an order tied to no report
    ],
    "communication_tasks": [
        {"id": "cA", "ticket_id": "A"},
        {"id": "cL", "ticket_id": "L"},
        {"id": "cN", "ticket_id": ""},
        {"id": "cX", "ticket_id": "X"},
    ],
    "communication_ticks": [
        {"id": "tA", "task_id": "cA"},
        {"id": "tL", "task_id": "cL"},
        {"id": "tN", "task_id": "cN"},
        {"id": "tX", "task_id": "cX"},
        {"id": "tGone", "task_id": "cGone"},  # a task no read holds
    ],
    "events": [
        {"id": "eA", "ticket_id": "A", "entity": "ticket", "entity_id": "A"},
        {"id": "eL", "ticket_id": "L", "entity": "ticket", "entity_id": "L"},
        {"id": "eX", "ticket_id": "X", "entity": "ticket", "entity_id": "X"},
        {"id": "eLinv", "ticket_id": "L", "entity": "invoice", "entity_id": "iA"},
        {"id": "eiA", "ticket_id": "", "entity": "invoice", "entity_id": "iA"},
        {"id": "eiL", "ticket_id": "", "entity": "invoice", "entity_id": "iL"},
        {"id": "eiAL", "ticket_id": "", "entity": "invoice", "entity_id": "iAL"},
        {"id": "eiAA", "ticket_id": "", "entity": "invoice", "entity_id": "iAA"},
        {"id": "eiNone", "ticket_id": "", "entity": "invoice", "entity_id": "iNone"},
        {"id": "eiX", "ticket_id": "", "entity": "invoice", "entity_id": "iX"},
        # Tied to no report and no invoice: always live, whatever the entity's name.
        {"id": "eLoc", "ticket_id": "", "entity": "location", "entity_id": "iA"},
        {"id": "eComm", "ticket_id": "", "entity": "communication", "entity_id": "iA"},
        {"id": "eAcc", "ticket_id": "", "entity": "account", "entity_id": "x"},
    ],
}
for _name in ("quotes", "messages", "affected", "links"):
    ROWS[_name] = [{"id": f"{_name}-{t or 'N'}", "ticket_id": t} for t in ("A", "L", "X", "", "A2")]

LIVE = {
    "tickets": {"L"},
    "orders": {"oL", "oN"},
    "invoices": {"iL", "iNone", "iAL", "iLA", "iN"},
    "communication_tasks": {"cL", "cN"},
    "communication_ticks": {"tL", "tN"},
    "events": {"eL", "eLinv", "eiL", "eiAL", "eiNone", "eLoc", "eComm", "eAcc"},
    **{n: {f"{n}-L", f"{n}-N"} for n in ("quotes", "messages", "affected", "links")},
}
ASKED = tuple(ROWS)


@pytest.fixture
def store(repo):
    repo.commit([Insert(name, row) for name, rows in ROWS.items() for row in rows])
    return repo


def _expected(full: dict, name: str) -> list[str]:
    """The full read's ids of `name` that the rule keeps, in the full read's order."""
    return [r["id"] for r in full[name] if r["id"] in LIVE[name]]


def test_the_live_read_keeps_exactly_what_belongs_to_a_live_report_or_to_none(store):
    full = store.read(ASKED)
    assert {n: {r["id"] for r in full[n]} for n in ASKED} == {
        n: {r["id"] for r in rows} for n, rows in ROWS.items()
    }  # nothing lost: the full read holds every row
    found = store.read(ASKED, live_only=True)
    assert set(found) == set(ASKED)
    for name in ASKED:
        assert [r["id"] for r in found[name]] == _expected(full, name), name
        # Whole rows, as the full read holds them.
        assert found[name] == [r for r in full[name] if r["id"] in LIVE[name]], name


@pytest.mark.parametrize("name", ASKED)
def test_a_table_asked_alone_gets_the_same_live_rows(store, name):
    full = store.read([name])
    assert [r["id"] for r in store.read([name], live_only=True)[name]] == _expected(full, name)


def test_live_rows_of_the_full_read_follow_the_rule(store):
    """The pure rule over a full read, as every driver's live read must equal it."""
    full = store.read(live.helper_tables(ASKED))
    kept = live.live_rows(full, ASKED)
    assert {n: [r["id"] for r in kept[n]] for n in ASKED} == {n: _expected(full, n) for n in ASKED}


@pytest.mark.parametrize("name", ["invoices", "events", "communication_ticks"])
def test_live_rows_of_one_table_needs_only_its_helper_tables(store, name):
    """`helper_tables` names what deciding one table needs: the rule over only those."""
    needed = live.helper_tables([name])
    assert needed[0] == "tickets" and needed[-1] == name
    kept = live.live_rows(store.read(needed), [name])
    assert list(kept) == [name]
    assert [r["id"] for r in kept[name]] == _expected(store.read([name]), name)


def test_nothing_archived_keeps_every_row():
    data = {"tickets": [{"id": "L", "archived_at": ""}], "orders": [{"id": "o", "ticket_id": "L"}]}
    assert live.live_rows(data, ["orders", "tickets", "orders"]) == data
