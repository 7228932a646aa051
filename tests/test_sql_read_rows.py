"""The SQL store's reads by id and in full (lib/repository/sql.py; the contract in
lib/repository/base.py).

`read_rows` gives the whole rows with the asked ids, in the asked order, an unknown id
left out, and costs what those rows hold, not the table: a query per batch of ids (500
a batch), not one per id. A plain `read` (no `live_only`) gives all rows, the archived
reports included.
"""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa

from lib.repository.base import Insert, Update
from tests.flows import Office
from tests.test_mail_texts_read import mail as queued_mail

BATCH = 500  # ids per query: read_rows asks the SQL store by id in batches of 500
ASKED = 1_200  # ids asked at once: more than two batches


@pytest.fixture(params=["sql", "postgresql"])
def store(request):
    return request.getfixturevalue(f"{request.param}_repo")


def mail(ticket: dict, n: int) -> dict:
    """A queued mail of the report (tests/test_mail_texts_read.py), its text known here."""
    return queued_mail(ticket, n, body=f"Beste Ruben, de printer is weer in orde. ({n})")


@pytest.fixture
def mails(store):
    ticket = Office(store).submit()
    store.commit([Insert("messages", mail(ticket, n)) for n in (1, 2, 3)])
    return store, ticket


def asked_ids() -> list[str]:
    """ASKED ids, most of them unknown, the three mails at the start, in the middle
    of the second batch and near the end of the third (the third before the first)."""
    ids = [f"nergens-{n}" for n in range(ASKED)]
    ids[0], ids[BATCH + 200], ids[ASKED - 3] = "mail-2", "mail-3", "mail-1"
    return ids


def test_read_rows_finds_the_asked_rows_in_every_batch_in_the_asked_order(mails):
    """Test that ids past the first two batches are read too, in the asked order."""
    store, _ = mails
    found = store.read_rows("messages", asked_ids())
    assert [r["id"] for r in found] == ["mail-2", "mail-3", "mail-1"]
    assert found[2]["body"] == "Beste Ruben, de printer is weer in orde. (1)"


def test_read_rows_asks_a_query_per_batch_of_ids_not_one_per_id(mails):
    """Test that 1,200 ids cost at most three queries of the messages table."""
    store, _ = mails
    queries: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "messages" in statement and statement.lstrip().upper().startswith("SELECT"):
            queries.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", count)
    try:
        found = store.read_rows("messages", asked_ids())
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", count)
    assert len(found) == 3
    assert 1 <= len(queries) <= math.ceil(ASKED / BATCH)


def test_a_plain_read_holds_the_archived_reports(mails):
    """Test that `read` without live_only gives an archived report and its mails."""
    store, ticket = mails
    (current,) = [t for t in store.read(["tickets"])["tickets"] if t["id"] == ticket["id"]]
    at = "2026-11-24T10:00:00+01:00"
    store.commit([Update("tickets", ticket["id"], current["version"], {"archived_at": at})])
    store.move_archived()
    whole = store.read(["tickets", "messages"])
    assert [t["archived_at"] for t in whole["tickets"] if t["id"] == ticket["id"]] == [at]
    assert {m["id"] for m in whole["messages"]} >= {"mail-1", "mail-2", "mail-3"}
    live = store.read(["tickets"], live_only=True)["tickets"]
    assert ticket["id"] not in {t["id"] for t in live}


def test_read_batches_on_postgresql_fetches_from_a_server_side_cursor(postgresql_repo):
    """Test that a pass over a table in batches on PostgreSQL runs its query on a
    server-side cursor, so that the app holds a batch, not the table (the contract:
    a pass over years of history keeping only a summary of each batch)."""
    import psycopg

    store = postgresql_repo
    ticket = Office(store).submit()
    store.commit([Insert("messages", mail(ticket, n)) for n in range(1, 8)])
    cursors: list[bool] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "messages" in statement and statement.lstrip().upper().startswith("SELECT"):
            cursors.append(isinstance(cursor, psycopg.ServerCursor))

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        batches = list(store.read_batches("messages", ["id", "subject"], size=3))
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)
    assert sum(map(len, batches)) == len(store.read(["messages"])["messages"]) >= 7
    assert max(map(len, batches)) == 3
    assert cursors == [True]
