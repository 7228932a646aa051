"""How the SQL driver talks to its database: SQLite (embedded) or PostgreSQL (a server).

`lib/repository/sql.py` holds the tables and the change logic; this module makes
the engine and decides how its transactions lock:

- Writes are serialised, so the version check and the number sequence of a
  commit see no one else's half-done write. SQLite: `BEGIN IMMEDIATE` takes the
  database's write lock up front. PostgreSQL: a transaction-scoped advisory lock
  (released at commit or rollback) does the same for every app process on the
  server.
- Reads never take that lock. SQLite runs in WAL mode, where a reader sees the
  last committed state while one writer goes on; a read is a plain deferred
  transaction. PostgreSQL reads in a REPEATABLE READ, READ ONLY transaction, so
  all tables of one read come from one moment.
- A store that stays busy (SQLite locked past the busy time-out) or cannot be
  reached (PostgreSQL down) raises `StoreBusy` / `StoreUnavailable` with a Dutch
  message instead of a driver error, so pages can keep what was typed.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from lib.repository.base import StoreUnavailable

# How long a SQLite writer waits for another writer before giving up. Writes are
# short (milliseconds), and reads no longer block them, so this is generous.
BUSY_TIMEOUT_SECONDS = 15
# The key of the PostgreSQL advisory lock that serialises this app's writers.
_WRITE_LOCK_KEY = 0x4B495649  # "KIVI"
_READ = "kivido_read"


class StoreBusy(StoreUnavailable):
    """The store is busy with other people's saves for too long; nothing was written."""

    def __init__(self) -> None:
        super().__init__(
            "De opslag is op dit moment bezet door andere gebruikers. Er is niets opgeslagen; "
            "uw invoer staat er nog. Probeer het over een paar seconden opnieuw."
        )


class StoreUnreachable(StoreUnavailable):
    def __init__(self) -> None:
        super().__init__(
            "De database is op dit moment niet bereikbaar. Er is niets opgeslagen; "
            "uw invoer staat er nog. Probeer het over een minuut opnieuw."
        )


def create_engine(url: str) -> sa.Engine:
    """An engine for `url` with the locking and error rules of this module."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_file(Path(parsed.database))
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS}
        )
        _sqlite_rules(engine)
    elif parsed.get_backend_name() == "postgresql":
        engine = sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
        _postgresql_rules(engine)
    else:
        raise ValueError(
            f"Database '{parsed.get_backend_name()}' wordt niet ondersteund: "
            "gebruik sqlite:/// of postgresql+psycopg://."
        )
    event.listen(engine, "handle_error", _dutch_errors)
    return engine


@contextlib.contextmanager
def reading(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection for reads only: a consistent view that never takes the write lock."""
    with engine.connect() as conn:
        yield conn.execution_options(**{_READ: True})


def describe(url: str) -> str:
    """The Dutch label of the store, shown on the home page (never the password)."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return f"PostgreSQL-database ({parsed.database} op {parsed.host or 'localhost'})"
    return f"Lokale database ({parsed.database or url})"


def _sqlite_rules(engine: sa.Engine) -> None:
    # pysqlite's own transaction handling starts transactions lazily and as
    # DEFERRED; take control so a write takes the write lock up front.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=FULL")  # a saved change survives power loss
        dbapi_conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        read = conn.get_execution_options().get(_READ)
        conn.exec_driver_sql("BEGIN DEFERRED" if read else "BEGIN IMMEDIATE")


def _postgresql_rules(engine: sa.Engine) -> None:
    @event.listens_for(engine, "begin")
    def _begin(conn):
        if conn.get_execution_options().get(_READ):
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        else:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK_KEY})")


def _dutch_errors(context: sa.engine.ExceptionContext) -> BaseException | None:
    """Busy and unreachable stores as Dutch StoreUnavailable; everything else unchanged.

    Not while the pool pings a connection before handing it out: a dropped connection
    (a server restart) must stay a disconnect there, so the pool connects again.
    """
    if context.is_pre_ping:
        return None
    original = context.original_exception
    if isinstance(original, sqlite3.OperationalError):
        text = str(original).lower()
        return StoreBusy() if "locked" in text or "busy" in text else None
    kind = _postgresql_kind(original)
    if kind == "busy":
        return StoreBusy()
    if kind == "unreachable" or context.is_disconnect:
        return StoreUnreachable()
    return None


def _postgresql_kind(error: BaseException) -> str | None:
    try:
        import psycopg
    except ImportError:  # psycopg is only needed with a PostgreSQL URL
        return None
    if isinstance(error, psycopg.errors.LockNotAvailable | psycopg.errors.QueryCanceled):
        return "busy"
    if isinstance(error, psycopg.OperationalError):
        return "unreachable"  # refused, gone away, shut down
    return None


def _private_file(path: Path) -> None:
    """Create the database file readable by its owner only: it holds personal data.

    SQLite makes its -wal and -shm files with the database file's permissions.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
