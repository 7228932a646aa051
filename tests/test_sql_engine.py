"""How the SQL driver locks (lib/repository/sql_engine.py), issue 9 point 4.

WAL on SQLite, reads that never take the write lock, writers serialised, and a
busy or unreachable store answered with a Dutch StoreUnavailable (never a
driver traceback) that changes nothing.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time

import pytest

from lib.repository import StoreUnavailable, sql_engine
from lib.repository.base import Insert, Update
from lib.repository.sql import SqlRepository


def _ticket(i: int) -> Insert:
    return Insert("tickets", {"id": f"t{i}", "status": "nieuw"}, number_prefix="T-")


def test_sqlite_store_runs_in_wal_mode(sql_repo, tmp_path):
    with sqlite3.connect(tmp_path / "kivido.sqlite") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_read_while_another_process_holds_the_write_lock(sql_repo, tmp_path):
    """A read never waits for a writer: it sees the last committed state at once."""
    sql_repo.commit([_ticket(1)])
    writer = sqlite3.connect(tmp_path / "kivido.sqlite", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE tickets SET description = 'half klaar' WHERE id = 't1'")
    try:
        started = time.monotonic()
        rows = sql_repo.read(["tickets"])["tickets"]
        waited = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert [r["description"] for r in rows] == [""]
    assert waited < sql_engine.BUSY_TIMEOUT_SECONDS  # it did not sit out the busy time-out


def test_write_goes_on_while_a_read_is_open(sql_repo):
    """A read transaction holds a snapshot, not the lock: a write beside it completes."""
    sql_repo.commit([_ticket(1)])
    with sql_engine.reading(sql_repo.engine) as conn:
        before = conn.exec_driver_sql("SELECT count(*) FROM tickets").scalar()
        sql_repo.commit([_ticket(2)])  # would wait 15 s and fail under BEGIN IMMEDIATE reads
        still = conn.exec_driver_sql("SELECT count(*) FROM tickets").scalar()
    assert (before, still) == (1, 1)  # one consistent view for the whole read
    assert len(sql_repo.read(["tickets"])["tickets"]) == 2


def test_busy_store_is_a_dutch_store_unavailable_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(sql_engine, "BUSY_TIMEOUT_SECONDS", 0.2)
    repo = SqlRepository.at_path(tmp_path / "busy.sqlite")
    repo.setup()
    blocker = sqlite3.connect(tmp_path / "busy.sqlite", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreUnavailable) as caught:
            repo.commit([_ticket(1)])
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert isinstance(caught.value, sql_engine.StoreBusy)
    assert str(caught.value) == (
        "De opslag is op dit moment bezet door andere gebruikers. Er is niets opgeslagen; "
        "uw invoer staat er nog. Probeer het over een paar seconden opnieuw."
    )
    assert repo.read(["tickets"])["tickets"] == []
    repo.engine.dispose()


def test_unreachable_postgresql_is_a_dutch_store_unavailable():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    repo = SqlRepository(f"postgresql+psycopg://nobody@127.0.0.1:{port}/kivido")
    with pytest.raises(sql_engine.StoreUnreachable) as caught:
        repo.read(["tickets"])
    assert str(caught.value) == (
        "De database is op dit moment niet bereikbaar. Er is niets opgeslagen; "
        "uw invoer staat er nog. Probeer het over een minuut opnieuw."
    )
    with pytest.raises(sql_engine.StoreUnreachable):
        repo.commit([_ticket(1)])


def test_postgresql_read_does_not_wait_for_a_writer(postgresql_repo):
    repo = postgresql_repo
    repo.commit([_ticket(1)])
    with repo.engine.begin() as writer:  # holds the app's write lock until the block ends
        writer.exec_driver_sql("UPDATE tickets SET description = 'half klaar'")
        rows = repo.read(["tickets"])["tickets"]  # from another connection of the pool
    assert [r["description"] for r in rows] == [""]
    assert repo.get("tickets", "t1")["description"] == "half klaar"


def test_store_label_never_shows_the_password():
    label = sql_engine.describe("postgresql+psycopg://kivido:geheim@db.example/kivido")
    assert "geheim" not in label and "kivido" in label


@pytest.mark.parametrize("kind", ["sql", "postgresql"])
def test_long_reads_beside_writes(request, kind, capsys):
    """Probe: 8 threads read a 1,000-report store over and over while one user saves 40
    times: every save succeeds, none is lost, and the reads see only whole saves."""
    repo = request.getfixturevalue(f"{kind}_repo")
    repo.commit([_ticket(i) for i in range(1000)])
    stop, failures, reads, waits = threading.Event(), [], [0], []

    def reader() -> None:
        while not stop.is_set():
            rows = repo.read(["tickets", "events"])["tickets"]
            marked = [r for r in rows if r["id"] in ("t0", "t1")]
            if len({r["description"] for r in marked}) != 1:  # a half save seen
                failures.append([r["description"] for r in marked])
            reads[0] += 1

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    try:
        for n in range(30):
            current = {r["id"]: r for r in repo.read(["tickets"])["tickets"]}
            started = time.monotonic()
            repo.commit(
                [
                    Update("tickets", tid, current[tid]["version"], {"description": f"ronde {n}"})
                    for tid in ("t0", "t1")
                ]
            )
            waits.append(time.monotonic() - started)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    assert failures == []
    assert repo.get("tickets", "t0")["version"] == 31
    assert len(repo.read(["tickets"])["tickets"]) == 1000
    with capsys.disabled():
        print(
            f"\n[{kind}] 30 saves beside {reads[0]} full reads by 8 threads: "
            f"longest save {max(waits) * 1000:.0f} ms"
        )
