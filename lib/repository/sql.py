"""The embedded default store: a SQLite file under data/, through SQLAlchemy Core.

The same code runs on PostgreSQL (a URL in secrets.toml). How transactions lock
(writers serialised, reads never blocked) is set up in `sql_engine.py`, which
makes the version check, the ticket-number sequence and the unique invoice
number safe when two people (or two processes) act at the same moment. The
highest number ever handed out is kept per prefix in `number_sequences`, so a
number is never handed out twice, also after rows were removed (demo-reset).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import sqlalchemy as sa

from lib.repository import sql_engine, sql_live
from lib.repository.base import (
    Change,
    Columns,
    Conflict,
    Duplicate,
    Insert,
    NotFound,
    Redact,
    Repository,
    check_changes,
    complete_row,
    fill_number,
    highest_number,
    next_number,
    projected,
    unique_key,
)
from lib.schema import TABLES

_TYPES = {"text": sa.Text, "int": sa.BigInteger, "bool": sa.Boolean}

metadata = sa.MetaData()
SQL_TABLES: dict[str, sa.Table] = {
    t.name: sa.Table(
        t.name,
        metadata,
        *(
            sa.Column(c.name, _TYPES[c.type](), primary_key=(c.name == "id"), nullable=False)
            for c in t.columns
        ),
    )
    for t in TABLES.values()
}
# Store bookkeeping, not data: the highest number ever handed out per prefix.
SEQUENCES = sa.Table(
    "number_sequences",
    metadata,
    sa.Column("prefix", sa.Text(), primary_key=True),
    sa.Column("highest", sa.BigInteger(), nullable=False),
)
sa.Index("ux_tickets_number", SQL_TABLES["tickets"].c.number, unique=True)
sa.Index("ux_settings_key", SQL_TABLES["settings"].c.key, unique=True)
LIVE_INDEXES = sql_live.add_indexes(SQL_TABLES)


class SqlRepository(Repository):
    def __init__(self, url: str):
        self.url = url
        self.engine = sql_engine.create_engine(url)
        self.label = sql_engine.describe(url)

    @classmethod
    def at_path(cls, path: str | Path) -> SqlRepository:
        return cls(f"sqlite:///{Path(path)}")

    def setup(self) -> list[str]:
        inspector = sa.inspect(self.engine)
        existing = set(inspector.get_table_names())
        metadata.create_all(self.engine)
        lines = []
        for name in TABLES:
            if name not in existing:
                lines.append(f"Tabel '{name}' aangemaakt.")
                continue
            added = self._add_missing_columns(name, inspector)
            grown = f" (kolommen toegevoegd: {', '.join(added)})" if added else ""
            lines.append(f"Tabel '{name}' bestond al{grown}.")
        with self.engine.begin() as conn:  # create_all makes indexes only with new tables
            for index in LIVE_INDEXES:
                index.create(conn, checkfirst=True)
        return lines

    def _add_missing_columns(self, name: str, inspector: sa.Inspector) -> list[str]:
        """The schema gained columns since this database was made: add them, with defaults."""
        have = {c["name"] for c in inspector.get_columns(name)}
        missing = [c for c in TABLES[name].columns if c.name not in have]
        defaults = {
            "text": "''",
            "int": "0",
            "bool": "0" if self.engine.name == "sqlite" else "false",
        }
        with self.engine.begin() as conn:
            for column in missing:
                kind = _TYPES[column.type]().compile(dialect=self.engine.dialect)
                conn.exec_driver_sql(
                    f'ALTER TABLE "{name}" ADD COLUMN "{column.name}" {kind} '
                    f"NOT NULL DEFAULT {defaults[column.type]}"
                )
        return [c.name for c in missing]

    def read(
        self, tables: Iterable[str], live_only: bool = False, columns: Columns | None = None
    ) -> dict[str, list[dict]]:
        with sql_engine.reading(self.engine) as conn:
            if live_only:
                return projected(
                    sql_live.read(conn, SQL_TABLES, list(dict.fromkeys(tables))), columns
                )
            return {
                name: _rows(conn, SQL_TABLES[name], (columns or {}).get(name)) for name in tables
            }

    def read_batches(
        self, table: str, columns: Sequence[str] | None = None, size: int = 50_000
    ) -> Iterator[list[dict]]:
        query = _query(SQL_TABLES[table], columns).execution_options(yield_per=size)
        with sql_engine.reading(self.engine) as conn:  # PostgreSQL: a server-side cursor
            yield from sql_live.row_batches(conn.execute(query), size)

    def read_each(
        self, tables: Sequence[str], columns: Columns | None = None
    ) -> Iterator[tuple[str, list[dict]]]:
        for name in tables:
            only = {name: columns[name]} if columns and name in columns else None
            yield name, self.read([name], columns=only)[name]

    def read_rows(self, table: str, ids: Sequence[str]) -> list[dict]:
        wanted, t, found = list(dict.fromkeys(ids)), SQL_TABLES[table], {}
        with sql_engine.reading(self.engine) as conn:
            for start in range(0, len(wanted), _IDS_PER_QUERY):
                part = wanted[start : start + _IDS_PER_QUERY]
                rows = sql_live.dicts(conn.execute(sa.select(t).where(t.c.id.in_(part))))
                found.update((r["id"], r) for r in rows)
        return [found[i] for i in wanted if i in found]

    def commit(self, changes: Sequence[Change]) -> list[dict]:
        check_changes(changes)
        with self.engine.begin() as conn:
            results, number = [], None
            for ch in changes:
                if number is not None and isinstance(ch, Insert):
                    ch = dataclasses.replace(ch, row=fill_number(ch.row, number))
                results.append(self._apply(conn, ch))
                if isinstance(ch, Insert) and ch.number_prefix:
                    number = results[-1]["number"]
            return results

    def _apply(self, conn: sa.Connection, ch: Change) -> dict:
        table = SQL_TABLES[ch.table]
        if isinstance(ch, Insert):
            existing = conn.execute(sa.select(table).where(table.c.id == ch.row["id"])).first()
            if existing is not None:  # a repeated insert: keep the first
                return dict(existing._mapping)
            row = complete_row(ch.table, ch.row)
            if ch.number_prefix:
                row["number"] = _hand_out_number(conn, table, ch.number_prefix)
            if ch.unique_column:
                _refuse_duplicate(conn, table, ch.unique_column, row[ch.unique_column])
            conn.execute(sa.insert(table).values(**row))
            return row
        if isinstance(ch, Redact):
            return self._redact(conn, table, ch)
        result = conn.execute(
            sa.update(table)
            .where(table.c.id == ch.id, table.c.version == ch.expected_version)
            .values(**ch.values, version=table.c.version + 1)
        )
        if result.rowcount != 1:
            exists = conn.execute(sa.select(table.c.id).where(table.c.id == ch.id)).first()
            raise Conflict(ch.table, ch.id) if exists else NotFound(ch.table, ch.id)
        return dict(conn.execute(sa.select(table).where(table.c.id == ch.id)).one()._mapping)

    def _redact(self, conn: sa.Connection, table: sa.Table, ch: Redact) -> dict:
        values, where = dict(ch.values), [table.c.id == ch.id]
        if TABLES[ch.table].mutable:
            values["version"] = table.c.version + 1
            if ch.expected_version is not None:
                where.append(table.c.version == ch.expected_version)
        if conn.execute(sa.update(table).where(*where).values(**values)).rowcount != 1:
            exists = conn.execute(sa.select(table.c.id).where(table.c.id == ch.id)).first()
            raise Conflict(ch.table, ch.id) if exists else NotFound(ch.table, ch.id)
        return dict(conn.execute(sa.select(table).where(table.c.id == ch.id)).one()._mapping)


_IDS_PER_QUERY = 500  # well below SQLite's limit of bound parameters


def _query(table: sa.Table, names: Sequence[str] | None) -> sa.Select:
    return sa.select(*(table.c[n] for n in names)) if names is not None else sa.select(table)


def _rows(conn: sa.Connection, table: sa.Table, names: Sequence[str] | None) -> list[dict]:
    return sql_live.dicts(conn.execute(_query(table, names)))


def _hand_out_number(conn: sa.Connection, table: sa.Table, prefix: str) -> str:
    """The next number: above every number in use and above the highest ever handed out."""
    floor = conn.execute(
        sa.select(SEQUENCES.c.highest).where(SEQUENCES.c.prefix == prefix).with_for_update()
    ).scalar()
    in_use = conn.execute(
        sa.select(table.c.number).where(table.c.number.like(f"{prefix}%"))
    ).scalars()
    number = next_number(in_use, prefix, floor or 0)
    highest = highest_number([number], prefix)
    if floor is None:
        conn.execute(sa.insert(SEQUENCES).values(prefix=prefix, highest=highest))
    else:
        conn.execute(
            sa.update(SEQUENCES).where(SEQUENCES.c.prefix == prefix).values(highest=highest)
        )
    return number


def _refuse_duplicate(conn: sa.Connection, table: sa.Table, column: str, value: str) -> None:
    key = unique_key(value)
    for other in conn.execute(sa.select(table.c[column])).scalars():
        if unique_key(other) == key:
            raise Duplicate(table.name, column, str(value).strip())
