"""The SQL store's live read never walks archived history (issue 10, point 1).

Not a timing: SQLite says how it runs each query (EXPLAIN QUERY PLAN). A
"SCAN" of a table that grows with history means the read costs what history
costs; the live read must reach the rows of live reports through indexes. Only
the invoices that bill several orders are found by a scan of the invoices
(lib/repository/sql_live.py says why).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from lib import archive, demo
from lib.config import Config
from lib.procedure import Actor, Role
from lib.schema import SHARED_TABLES
from lib.workdays import AMSTERDAM

END = datetime(2025, 6, 30, 16, 0, tzinfo=AMSTERDAM)
CONFIG = Config()
# Tables that grow with every report ever made.
HISTORY = ("tickets", "events", "orders", "quotes", "messages", "communication_tasks")
HISTORY += ("communication_ticks", "affected", "links")


def _statements(repo, tables) -> list[tuple[str, tuple]]:
    seen: list[tuple[str, tuple]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    sa.event.listen(repo.engine, "before_cursor_execute", record)
    try:
        repo.read(tables, live_only=True)
    finally:
        sa.event.remove(repo.engine, "before_cursor_execute", record)
    return [s for s in seen if s[0].lstrip().upper().startswith("SELECT")]


def _plans(repo, statements) -> list[str]:
    with repo.engine.connect() as conn:
        return [
            " / ".join(row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {s}", p))
            for s, p in statements
        ]


@pytest.fixture
def archived_store(sql_repo):
    demo.seed_demo(sql_repo, tickets=60, end=END, config=CONFIG)
    maz = Actor("Manager AZ", Role.MAZ)
    later = END + timedelta(days=800)
    done = archive.archive(sql_repo, maz, CONFIG, clock=lambda: later)
    assert done.tickets, "two years on, finished demo reports are archived"
    return sql_repo


def test_the_live_read_reaches_history_tables_only_through_indexes(archived_store):
    plans = _plans(archived_store, _statements(archived_store, SHARED_TABLES))
    assert plans
    scans = [p for p in plans if any(f"SCAN {t} " in f"{p} " for t in HISTORY)]
    assert scans == []
    # The live read does filter: the rows of the live reports come through an index.
    assert any("SEARCH events USING INDEX" in p for p in plans)
    assert any("SEARCH messages USING INDEX" in p for p in plans)


def test_a_store_without_archive_reads_plainly(sql_repo):
    demo.seed_demo(sql_repo, tickets=5, end=END, config=CONFIG)
    plans = _plans(sql_repo, _statements(sql_repo, ["events"]))
    assert any("SCAN events" in p for p in plans)  # nothing to leave out: one plain read
