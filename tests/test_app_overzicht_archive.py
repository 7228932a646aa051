"""AppTest (issue 10): Overzicht over a period reaching into the archive keeps the archive's
frames until the archive changes, and its figures stay those of the whole store."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from lib import archive, reports, workdays
from lib.config import Config
from lib.procedure import Actor, Role
from lib.repository import Update
from lib.repository.sql import SqlRepository
from tests.apptest_support import page
from tests.test_app_overzicht import PAGE, demo_store, demo_template, metric  # noqa: F401

MAZ = Actor("Marije", Role.MAZ)


@pytest.fixture
def full_reads(monkeypatch) -> Counter:
    """How often each read of the archive was made: a read of the reports' tables (the
    work pages' reads are live ones), and a pass over a table a batch at a time."""
    made: Counter = Counter()
    original, batches = SqlRepository.read, SqlRepository.read_batches

    def counting(self, tables, live_only=False, columns=None):
        if not live_only and set(tables) & set(reports.TABLES):
            made[tuple(tables), tuple((columns or {}).items())] += 1
        return original(self, tables, live_only=live_only, columns=columns)

    def counting_batches(self, table, columns=None, size=50_000):
        made["batches", table, columns] += 1
        return batches(self, table, columns, size)

    monkeypatch.setattr(SqlRepository, "read", counting)
    monkeypatch.setattr(SqlRepository, "read_batches", counting_batches)
    return made


# The archived part, built once: each table read on its own (one table's rows in memory
# at a time), the events a batch at a time, and only the columns the figures use (years
# of report texts stay out of memory).
ONE_BUILD = Counter(
    ((n,), ((n, reports.COLUMNS[n]),)) if n != "events" else ("batches", n, reports.COLUMNS[n])
    for n in reports.TABLES
)


def test_the_archive_is_read_again_only_when_it_changes(demo_store, full_reads, monkeypatch):  # noqa: F811
    """Every view here is an expired one (cache_seconds 0); the figures of the year stay
    those of before archiving, whether the archive job moved the cut or a report left the
    live read without it (the job archives in batches after moving the cut)."""
    monkeypatch.setenv("KIVIDO_CACHE_SECONDS", "0")
    today = workdays.now().date()
    period = (today - timedelta(days=364), today)
    at = page(PAGE, role="directie")
    at.run()

    def reported() -> str:
        at.date_input(key="ov-period").set_value(period).run()
        assert not at.exception
        return metric(at, "Storingen gemeld")

    before = reported()
    later = workdays.now() + timedelta(days=183)
    assert archive.archive(demo_store, MAZ, Config(), clock=lambda: later).tickets
    full_reads.clear()
    assert reported() == before
    assert full_reads == ONE_BUILD  # the archived part, built once
    assert reported() == before
    assert full_reads == ONE_BUILD  # an expired view, the archive unchanged: the live read only

    live = demo_store.read(["tickets"], live_only=True)["tickets"]
    done = [t for t in live if t["status"] in ("afgesloten", "verwijderd")][:3]
    demo_store.commit(
        [Update("tickets", t["id"], t["version"], {"archived_at": later.isoformat()}) for t in done]
    )
    full_reads.clear()
    assert reported() == before
    assert full_reads == ONE_BUILD  # three reports left the live read: the archive read again

    even_later = later + timedelta(days=60)
    assert archive.archive(demo_store, MAZ, Config(), clock=lambda: even_later).tickets
    full_reads.clear()
    assert reported() == before
    assert full_reads == ONE_BUILD  # the cut moved
