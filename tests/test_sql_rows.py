"""Issue 10: a SQL read of years of history holds each repeated value once.

The database hands out a new copy of a text for every cell; at 50,000 reports
the 400,000 events then cost hundreds of MiB, most of it the same report ids,
actions and statuses again. The rows keep the stored values (the other tests
compare whole reads), and memory holds one copy per column and value.
Reads run on both SQL drivers (SQLite and a real PostgreSQL).
"""

from __future__ import annotations

import gc
from datetime import datetime

import pytest

from lib import demo, workdays
from lib.repository import Insert, sql_live

END = datetime(2025, 6, 2, 12, 0, tzinfo=workdays.AMSTERDAM)


@pytest.fixture(params=["sql", "postgresql"])
def seeded(request):
    repo = request.getfixturevalue(f"{request.param}_repo")
    demo.seed_demo(repo, tickets=30, end=END)
    return repo


def test_a_value_repeated_in_a_column_is_held_once_also_across_batches(seeded):
    """Past the first thousand rows too: a report's id and an action stay shared."""
    step = next(e for e in seeded.read(["events"])["events"] if e["entity"] == "ticket")
    copies = [step | {"id": f"{step['id']}-{n:04d}"} for n in range(2_500)]
    seeded.commit([Insert("events", row) for row in copies])
    for size in (10, 200):  # small batches: the first few rows differ more than the rest
        events = [e for batch in seeded.read_batches("events", size=size) for e in batch]
        assert len(events) > 2_500
        first: dict[str, str] = {}
        for e in events:
            assert first.setdefault(e["ticket_id"], e["ticket_id"]) is e["ticket_id"]
            assert first.setdefault(e["action"], e["action"]) is e["action"]


def test_a_value_repeated_in_a_column_is_held_once(seeded):
    events = seeded.read(["events"])["events"]
    by_report: dict[str, list[dict]] = {}
    for e in events:
        by_report.setdefault(e["ticket_id"], []).append(e)
    steps = max(by_report.values(), key=len)
    assert len(steps) >= 3  # a demo report has several steps
    first = steps[0]["ticket_id"]
    assert all(e["ticket_id"] is first for e in steps)  # one object, not a copy per event
    actions = {}
    for e in events:
        assert actions.setdefault(e["action"], e["action"]) is e["action"]
    # Stored values unchanged: text stays text, numbers numbers, yes/no yes/no.
    tickets = seeded.read(["tickets"])["tickets"]
    assert {type(t["version"]) for t in tickets} == {int}
    assert {type(t["blocks_office_work"]) for t in tickets} == {bool}
    assert {t["blocks_office_work"] for t in tickets} == {True, False}


class _Dropping:
    """A result whose connection drops after its first batch."""

    def keys(self):
        return ["id", "status"]

    def partitions(self, size):
        yield [("a", "open"), ("b", "open")]
        raise ConnectionError("verbinding verbroken")


def test_the_collector_runs_again_after_a_read_also_one_that_fails(seeded):
    assert gc.isenabled()
    seeded.read(["events", "tickets"])
    assert gc.isenabled()
    with pytest.raises(ConnectionError):  # the connection drops half-way
        sql_live.dicts(_Dropping())
    assert gc.isenabled()
    gc.disable()
    try:  # paused by someone else: a read leaves it paused
        seeded.read(["events"])
        assert not gc.isenabled()
    finally:
        gc.enable()


class _TwoBatches:
    """A result that comes in two batches, as any read of more than one batch does."""

    def keys(self):
        return ["id", "status"]

    def partitions(self, size):
        yield [("a", "open"), ("b", "open")]
        yield [("c", "dicht")]


def test_a_read_of_several_batches_holds_every_row():
    rows = sql_live.dicts(_TwoBatches())
    assert rows == [
        {"id": "a", "status": "open"},
        {"id": "b", "status": "open"},
        {"id": "c", "status": "dicht"},
    ]
