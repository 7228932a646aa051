"""AppTest (issue 10): Overzicht over a period reaching into the archive keeps the archive's
frames until the archive changes, and its figures stay those of the whole store."""

from __future__ import annotations

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
def full_reads(monkeypatch) -> list:
    """One entry per read of the archive the app makes: the reports with what hangs on
    them in one read, then their events a batch at a time (one entry per pass)."""
    made: list = []
    original, batches = SqlRepository.read, SqlRepository.read_batches

    def counting(self, tables, live_only=False, **kw):
        # Reports in it: the outbox thread's read of the mails (lib/mailer.py) is not one.
        if not live_only and "tickets" in tables:
            made.append((tuple(tables), kw.get("columns")))
        return original(self, tables, live_only=live_only, **kw)

    def counting_batches(self, table, columns=None, size=50_000):
        made.append(((table,), {table: tuple(columns)} if columns is not None else None))
        return batches(self, table, columns, size)

    monkeypatch.setattr(SqlRepository, "read", counting)
    monkeypatch.setattr(SqlRepository, "read_batches", counting_batches)
    return made


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
    assert len(full_reads) == 2  # the archived part, built once
    # Only the columns the figures use: years of report texts stay out of memory.
    (tables, columns), (events, event_columns) = full_reads
    assert "events" not in tables and columns == reports.COLUMNS
    assert events == ("events",) and event_columns == {"events": reports.COLUMNS["events"]}
    assert reported() == before
    assert len(full_reads) == 2  # an expired view, the archive unchanged: the live read only

    live = demo_store.read(["tickets"], live_only=True)["tickets"]
    done = [t for t in live if t["status"] in ("afgesloten", "verwijderd")][:3]
    demo_store.commit(
        [Update("tickets", t["id"], t["version"], {"archived_at": later.isoformat()}) for t in done]
    )
    full_reads.clear()
    assert reported() == before
    assert len(full_reads) == 2  # three reports left the live read: the archive read again

    even_later = later + timedelta(days=60)
    assert archive.archive(demo_store, MAZ, Config(), clock=lambda: even_later).tickets
    full_reads.clear()
    assert reported() == before
    assert len(full_reads) == 2  # the cut moved
