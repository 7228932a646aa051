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


def fresh(text: str) -> str:
    """An equal text as a new object, as a database hands out each cell."""
    return "".join(list(text))


class _Batches:
    """A result handing out the given batches; it notes the batch size asked for."""

    def __init__(self, *batches: list[tuple]):
        self.batches, self.asked = batches, None

    def keys(self):
        return ["status", "moment", "half", "two_fifths"]

    def partitions(self, size):
        self.asked = size
        yield from self.batches


def cells(start: int, stop: int) -> list[tuple]:
    """Rows `start` to `stop`: three statuses; a moment per row; a value per two rows
    (different values: half the rows); a value per two and a half rows (two fifths)."""
    return [
        (fresh(f"status-{n % 3}"), fresh(f"moment-{n}"), fresh(f"half-{n // 2}"))
        + (fresh(f"two-fifths-{n * 2 // 5}"),)
        for n in range(start, stop)
    ]


def shared_after(*batches: list[tuple]) -> dict[str, bool]:
    """Per column: is row 0's value, handed out again after `batches`, the object
    the read gave for row 0 (still looked up) or a copy of its own (let go)?"""
    rows = [r for batch in sql_live.row_batches(_Batches(*batches, cells(0, 1)), 10) for r in batch]
    assert rows[:-1] == [dict(zip(_Batches().keys(), r, strict=True)) for b in batches for r in b]
    first, again = rows[0], rows[-1]
    assert again == first
    return {key: again[key] is first[key] for key in first}


def test_a_column_of_mostly_different_values_is_let_go_once_a_thousand_rows_tell():
    """The rule of `row_batches` (issue 10): after SAMPLE (1,000) rows, a column whose
    different values are half the rows or more is no longer looked up; the others
    stay shared for the rest of the read."""
    assert sql_live.SAMPLE == 1_000
    decided = {"status": True, "moment": False, "half": False, "two_fifths": True}
    assert shared_after(cells(0, 1_000)) == decided
    assert shared_after(cells(0, 600), cells(600, 1_000)) == decided  # counted over batches
    # One row short of a thousand: nothing is decided yet, every column still shared.
    assert shared_after(cells(0, 999)) == dict.fromkeys(decided, True)


def test_a_read_asks_the_database_for_batches_of_the_size_given():
    result = _Batches(cells(0, 3))
    assert len(next(sql_live.row_batches(result, 7))) == 3
    assert result.asked == 7
