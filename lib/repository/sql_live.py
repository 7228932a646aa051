"""The SQL store's live read (lib/repository/live.py): what it costs follows the open work.

Issue 10: a page's read must not grow with archived history. So the database
never scans a table for "not archived": it starts from the live reports (an
index on `archived_at`) and fetches their rows through indexes on `ticket_id`
and `task_id`; rows tied to no report come through the same indexes (an empty
`ticket_id`), and an invoice through the index on its `order_ids` (see
`_live_invoice` for the few that bill several orders).

Rows come back in the order of the plain read of the table (SQLite's rowid,
PostgreSQL's ctid), so a live read equals `live.live_rows` of a full read row
for row, whichever index the database walked.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import repeat

import sqlalchemy as sa

from lib.repository import live

# The indexes the live read walks; setup() makes them on existing databases too.
INDEXED = {name: ("ticket_id",) for name in live.BY_TICKET}
INDEXED["communication_ticks"] = ("task_id",)
INDEXED["tickets"] = ("archived_at",)
INDEXED["events"] = ("ticket_id", "entity", "entity_id")
INDEXED["invoices"] = ("order_ids",)


def add_indexes(tables: dict[str, sa.Table]) -> list[sa.Index]:
    return [
        sa.Index(f"ix_{name}_live", *(tables[name].c[c] for c in columns))
        for name, columns in INDEXED.items()
    ]


def _position(conn: sa.Connection) -> sa.ColumnElement:
    """The column a plain `SELECT *` of the table returns its rows in the order of."""
    return sa.literal_column("rowid" if conn.dialect.name == "sqlite" else "ctid")


def dicts(result: sa.CursorResult) -> list[dict]:
    """The rows of `result` as dicts (both reads of lib/repository/sql.py).

    The collector is paused while they are made: it would walk the growing list of
    new dicts over and over (half the time of a full read), and rows make no cycles.
    """
    out: list[dict] = []
    with _collector_paused():
        for batch in row_batches(result):
            out += batch
    return out


SAMPLE = 1_000  # rows read before a column of mostly different values is let go


def row_batches(result: sa.CursorResult, size: int = 20_000) -> Iterator[list[dict]]:
    """The rows of `result` as dicts, `size` at a time.

    Years of history are read for Overzicht over an old period (issue 10: memory
    at 50,000 reports), so: plain tuples zipped with the keys (a RowMapping per
    row costs twice as much), and a value repeated in a column (a report's id on
    its events, a status, an action) kept once, not once per row as the database
    hands it out. Every column is text, a whole number or yes/no, so equal values
    are interchangeable. Once SAMPLE rows are read, a column whose different values
    are half of the rows or more (ids, moments) is no longer looked up.
    """
    keys = list(result.keys())
    seen: list[dict | None] = [{} for _ in keys]
    count, fetched = 0, result.partitions(size)
    while True:
        with _collector_paused():  # also while the rows are fetched: that makes objects too
            rows = next(fetched, None)
            if rows is None:
                return
            columns = [
                col if shared is None else map(shared.setdefault, col, col)
                for col, shared in zip(zip(*rows, strict=True), seen, strict=True)
            ]
            batch = list(map(dict, map(zip, repeat(keys), zip(*columns, strict=True))))
            del rows, columns
        count += len(batch)
        # Mostly different values (ids, moments): not worth looking up, once enough
        # rows tell (a few rows of a column of statuses differ too).
        if count >= SAMPLE:
            seen = [s if s is not None and len(s) * 2 < count else None for s in seen]
        yield batch
        del batch  # not kept while the next batch is made (a reader may have let it go)


@contextmanager
def _collector_paused() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _rows(conn: sa.Connection, query: sa.Select) -> list[dict]:
    return dicts(conn.execute(query.order_by(_position(conn))))


def read(conn: sa.Connection, tables: dict[str, sa.Table], names: list[str]) -> dict:
    """The live rows of `names`, filtered by the database, in one transaction."""
    tickets, orders, tasks = (tables[n] for n in ("tickets", "orders", "communication_tasks"))
    if conn.execute(sa.select(tickets.c.id).where(tickets.c.archived_at > "").limit(1)).first():
        live_ids = sa.select(tickets.c.id).where(tickets.c.archived_at == "")
    else:  # nothing archived: the plain read
        return {name: _rows(conn, sa.select(tables[name])) for name in names}

    def of_live_reports(table: sa.Table) -> sa.ColumnElement:
        return sa.or_(table.c.ticket_id == "", table.c.ticket_id.in_(live_ids))

    invoice = tables["invoices"]
    live_invoice = sa.true()
    if {"invoices", "events"} & set(names):
        live_invoice = _live_invoice(
            conn, invoice, sa.select(orders.c.id).where(of_live_reports(orders))
        )
    out = {}
    for name in names:
        table = tables[name]
        query = sa.select(table)
        if name == "tickets":
            query = query.where(table.c.archived_at == "")
        elif name == "events":
            live_invoices = sa.select(invoice.c.id).where(live_invoice)
            by_invoice = sa.and_(table.c.entity == "invoice", table.c.entity_id.in_(live_invoices))
            not_invoice = sa.or_(table.c.entity < "invoice", table.c.entity > "invoice")
            ticketless = sa.and_(table.c.ticket_id == "", sa.or_(by_invoice, not_invoice))
            query = query.where(sa.or_(table.c.ticket_id.in_(live_ids), ticketless))
        elif name in live.BY_TICKET:
            query = query.where(of_live_reports(table))
        elif name == "communication_ticks":
            live_tasks = sa.select(tasks.c.id).where(of_live_reports(tasks))
            query = query.where(table.c.task_id.in_(live_tasks))
        elif name == "invoices":
            query = query.where(live_invoice)
        out[name] = _rows(conn, query)
    return out


def _live_invoice(conn: sa.Connection, table: sa.Table, live_orders: sa.Select) -> sa.ColumnElement:
    """The condition `live.live_invoices` puts, through the index on `order_ids`.

    Nearly every invoice bills one order, so its `order_ids` is that order's id
    and the index finds it from the live orders. The few that bill several are
    read on their two columns and decided here.
    """
    single = sa.or_(table.c.order_ids == "", table.c.order_ids.in_(live_orders))
    query = sa.select(table.c.id, table.c.order_ids).where(table.c.order_ids.like("%,%"))
    several = [{"id": i, "order_ids": o} for i, o in conn.execute(query)]
    if not several:
        return single
    kept = set(conn.execute(live_orders).scalars())
    return sa.or_(single, table.c.id.in_([i["id"] for i in live.live_invoices(several, kept)]))
