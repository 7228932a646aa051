"""The SQL store's engine at its edges (lib/repository/sql_engine.py): the database file
kept private, what is and is not "busy", a busy PostgreSQL told in Dutch (busy SQLite
and an unreachable server: tests/test_sql_engine.py), and a store used from another
thread or after its connections were dropped."""

from __future__ import annotations

import stat
import threading

import pytest
import sqlalchemy as sa

from lib.repository import StoreUnavailable, sql_engine
from lib.repository.base import Insert
from lib.repository.sql import SqlRepository

BUSY = (
    "De opslag is op dit moment bezet door andere gebruikers. Er is niets opgeslagen; "
    "uw invoer staat er nog. Probeer het over een paar seconden opnieuw."
)


def _ticket(i: int) -> Insert:
    return Insert("tickets", {"id": f"t{i}", "status": "nieuw"}, number_prefix="T-")


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_file_is_made_private_in_a_new_folder_and_kept_so(tmp_path):
    """It holds personal data: readable by its owner only, also after someone opened
    it up, and reopening it keeps what it holds."""
    path = tmp_path / "nieuw" / "map" / "kivido.sqlite"
    repo = SqlRepository.at_path(path)
    repo.setup()
    repo.commit([_ticket(1)])
    repo.engine.dispose()
    assert mode(path) == 0o600
    path.chmod(0o644)
    again = SqlRepository.at_path(path)
    assert mode(path) == 0o600
    assert [r["id"] for r in again.read(["tickets"])["tickets"]] == ["t1"]
    again.engine.dispose()


def test_a_store_in_memory_makes_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    engine = sql_engine.create_engine("sqlite:///:memory:")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    engine.dispose()
    assert list(tmp_path.iterdir()) == []


def test_a_store_is_used_from_every_thread_of_the_app(sql_repo):
    """Streamlit runs each session's script in a thread of its own."""
    sql_repo.commit([_ticket(1)])
    seen = []
    reader = threading.Thread(target=lambda: seen.append(sql_repo.read(["tickets"])))
    reader.start()
    reader.join()
    assert [r["id"] for r in seen[0]["tickets"]] == ["t1"]


def test_an_sqlite_error_that_is_not_busy_stays_what_it_is(sql_repo):
    with (
        pytest.raises(sa.exc.OperationalError, match="no such table") as caught,
        sql_repo.engine.connect() as conn,
    ):
        conn.exec_driver_sql("SELECT * FROM bestaat_niet")
    assert not isinstance(caught.value, StoreUnavailable)


def test_a_postgresql_writer_kept_waiting_too_long_is_told_the_store_is_busy(postgresql_repo):
    """Another writer holds the app's write lock; this connection gives up waiting after
    its lock_timeout (set by whoever runs the database): the Dutch message, nothing saved."""
    impatient = SqlRepository(postgresql_repo.url + "%20-clock_timeout%3D200")
    with postgresql_repo.engine.begin() as writer:  # holds the app's write lock
        writer.exec_driver_sql("SELECT 1")
        with pytest.raises(sql_engine.StoreBusy) as caught:
            impatient.commit([_ticket(1)])
    assert str(caught.value) == BUSY
    assert postgresql_repo.read(["tickets"])["tickets"] == []
    impatient.engine.dispose()


def test_a_postgresql_store_whose_connections_were_dropped_reads_on(postgresql_repo):
    """The server restarted or dropped idle connections: the pool finds out before use
    and connects again; the person reading sees nothing of it."""
    postgresql_repo.commit([_ticket(1)])
    with postgresql_repo.engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    killer = sa.create_engine(postgresql_repo.url, poolclass=sa.NullPool)
    with killer.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid})").scalar()
    killer.dispose()
    assert [r["id"] for r in postgresql_repo.read(["tickets"])["tickets"]] == ["t1"]


@pytest.mark.parametrize(
    ("url", "label"),
    [
        (
            "postgresql+psycopg://kivido:geheim@db.example/storingen",
            "PostgreSQL-database (storingen op db.example)",
        ),
        ("postgresql+psycopg:///storingen", "PostgreSQL-database (storingen op localhost)"),
        ("sqlite:////srv/kivido/kivido.sqlite", "Lokale database (/srv/kivido/kivido.sqlite)"),
        ("sqlite://", "Lokale database (sqlite://)"),
    ],
)
def test_the_store_s_label_on_the_home_page(url, label):
    assert sql_engine.describe(url) == label


def test_a_database_the_app_does_not_support_is_refused_in_dutch():
    with pytest.raises(ValueError) as caught:
        sql_engine.create_engine("mysql+pymysql://kivido@localhost/storingen")
    assert str(caught.value) == (
        "Database 'mysql' wordt niet ondersteund: gebruik sqlite:/// of postgresql+psycopg://."
    )
