"""A read of only some columns (issue 10: Overzicht's read of years of archive).

On every driver: the rows hold exactly the asked columns with the stored values,
the other tables come whole, and Overzicht's figures built from a read of
`reports.COLUMNS` are those built from the whole rows, before and after
archiving (a column the figures or the archive rule need and the projection
lacks would fail here).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from lib import archive, demo, reports, reports_combine, workdays
from lib.config import Config
from lib.procedure import Actor, Role
from lib.repository import Insert
from lib.repository.live import helper_tables
from tests.archive_support import archived_rows

END = datetime(2025, 6, 2, 12, 0, tzinfo=workdays.AMSTERDAM)
CONFIG = Config()
FRAMES = ("tickets", "events", "orders", "quotes", "invoices", "invoice_lines", "affected")
FRAMES += ("links",)


@pytest.fixture
def seeded(repo):
    demo.seed_demo(repo, tickets=40, end=END, config=CONFIG)
    return repo


def _assert_same_frames(a: reports.Frames, b: reports.Frames) -> None:
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)
    assert a.locations == b.locations


def test_rows_hold_the_asked_columns_with_their_stored_values(seeded):
    whole = seeded.read(["tickets", "locations"])
    asked = ("id", "status", "reporter_email")
    part = seeded.read(["tickets", "locations"], columns={"tickets": asked})
    assert part["tickets"], "the demo has reports"
    assert all(list(r) == list(asked) for r in part["tickets"])
    assert part["tickets"] == [{c: r[c] for c in asked} for r in whole["tickets"]]
    assert part["locations"] == whole["locations"]  # not named: whole rows


def test_the_figures_from_the_projected_read_are_those_of_the_whole_rows(seeded):
    tables = helper_tables(reports.TABLES)
    whole = reports.frames({n: seeded.read(tables)[n] for n in reports.TABLES})
    part = seeded.read(tables, columns=reports.COLUMNS)
    assert len(part["events"][0]) < len(seeded.read(["events"])["events"][0])
    _assert_same_frames(reports.frames({n: part[n] for n in reports.TABLES}), whole)


def test_the_archived_part_from_the_projected_read_is_that_of_the_whole_rows(seeded):
    maz = Actor("Marije (MAZ)", Role.MAZ)
    done = archive.archive(seeded, maz, CONFIG, clock=lambda: END + timedelta(days=183))
    assert done.tickets, "half a year later the first finished reports are archived"
    tables = helper_tables(reports.TABLES)
    whole = archived_rows(seeded.read(tables), reports.TABLES)
    part = archived_rows(seeded.read(tables, columns=reports.COLUMNS), reports.TABLES)
    assert {t["id"] for t in part["tickets"]} == {t["id"] for t in done.tickets}
    _assert_same_frames(reports.frames(part), reports.frames(whole))
    live = seeded.read(reports.TABLES, live_only=True, columns=reports.COLUMNS)
    assert all(list(r) == list(reports.COLUMNS["events"]) for r in live["events"])
    assert not {t["id"] for t in live["tickets"]} & {t["id"] for t in done.tickets}


def test_the_archived_part_read_in_batches_is_that_of_one_whole_read(seeded):
    """Overzicht's archived part (events a batch at a time) equals the frames of the
    archived rows of one whole read, however the events are cut into batches."""
    maz = Actor("Marije (MAZ)", Role.MAZ)
    # Two steps of an old report at the same second, stored against the order of their
    # ids (as a migration may leave them): by time, then by id, in either read.
    step = next(e for e in seeded.read(["events"])["events"] if e["entity"] == "ticket")
    later_id, earlier_id = f"{step['id']}-b", f"{step['id']}-a"
    seeded.commit(
        [
            Insert("events", step | {"id": i, "action": f"stap{i[-1]}"})
            for i in (later_id, earlier_id)
        ]
    )
    done = archive.archive(seeded, maz, CONFIG, clock=lambda: END + timedelta(days=183))
    archived = {t["id"] for t in done.tickets}
    assert step["ticket_id"] in archived
    all_rows = seeded.read(helper_tables(reports.TABLES))
    whole = reports.frames(archived_rows(all_rows, reports.TABLES))
    assert len(whole.events) > 20  # several batches of 7 below
    for size in (7, 50_000):
        part = reports_combine.archived_part(seeded, batch=size)
        _assert_same_frames(part.frames, whole)
        assert part.archived_ids == archived
        assert part.live_ids == {t["id"] for t in all_rows["tickets"]} - archived


def test_read_batches_gives_the_rows_of_read_in_its_order(seeded):
    columns = reports.COLUMNS["events"]
    whole = seeded.read(["events"], columns={"events": columns})["events"]
    batches = list(seeded.read_batches("events", columns, size=10))
    assert [len(b) for b in batches[:-1]] == [10] * (len(batches) - 1)
    assert 0 < len(batches[-1]) <= 10
    assert [r for b in batches for r in b] == whole
    assert [r for b in seeded.read_batches("locations") for r in b] == seeded.read(["locations"])[
        "locations"
    ]


def test_read_each_gives_every_table_as_read_gives_it_in_the_asked_order(seeded):
    names = ["invoices", "tickets", "locations"]
    columns = {"tickets": reports.COLUMNS["tickets"]}
    whole = seeded.read(names, columns=columns)
    handed = list(seeded.read_each(names, columns=columns))
    assert [name for name, _ in handed] == names
    for name, rows in handed:
        assert rows == whole[name], name
