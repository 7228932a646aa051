"""Backups and restores (issue 15, point 4): consistent while the app writes, and a round trip.

The store is a real SQLite file written by real services in another thread, or
the Sheets stand-in reached through gspread. A restore goes into an empty store
and every row of every table, with its version, is compared with the source.
"""

from __future__ import annotations

import sqlite3
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lib import backup
from lib.cli import main as cli
from lib.config import Config
from lib.repository.sql import SqlRepository
from lib.schema import TABLES
from lib.store import open_repository
from tests.flows import Office


def sqlite_config(path: Path) -> Config:
    return Config(store="sqlite", database_url=f"sqlite:///{path}")


def by_id(repo) -> dict[str, dict[str, dict]]:
    return {t: {r["id"]: r for r in rows} for t, rows in repo.read_all().items()}


def office_with_reports(repo, n: int = 3) -> Office:
    office = Office(repo)
    for i in range(n):
        ticket = office.submit(description=f"Storing nummer {i} in de groep.")
        if i % 2:
            office.triage(ticket, urgent=True)
    return office


def test_a_sqlite_backup_during_writes_is_one_committed_state_and_restores_exactly(tmp_path):
    """Test that a backup taken while another thread keeps submitting reports holds
    every report together with its events (one transaction), and that after the
    writes a backup restored into an empty store equals the source row for row,
    version for version."""
    source = SqlRepository.at_path(tmp_path / "live.db")
    source.setup()
    office = office_with_reports(source, 4)
    stop = threading.Event()
    written = []

    def keep_writing():
        while not stop.is_set():
            written.append(office.submit(description=f"Melding tijdens back-up {len(written)}."))

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 3:  # the writer is really going
            pass
        during = backup.backup(sqlite_config(tmp_path / "live.db"), tmp_path / "backups")
    finally:
        stop.set()
        writer.join()
    assert len(written) > 3

    copy = by_id(SqlRepository.at_path(during))
    tickets, events = copy["tickets"], copy["events"]
    assert 4 < len(tickets) < 4 + len(written) + 1
    # Each submit writes its ticket and its first event in one transaction: both or neither.
    assert {e["ticket_id"] for e in events.values()} == set(tickets)
    assert sqlite3.connect(during).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert stat.S_IMODE(during.stat().st_mode) == 0o600

    quiet = backup.backup(sqlite_config(tmp_path / "live.db"), tmp_path / "backups")
    empty = tmp_path / "restored.db"
    counts = backup.restore(sqlite_config(empty), quiet)
    want, got = by_id(source), by_id(SqlRepository.at_path(empty))
    assert got == want
    assert counts["tickets"] == len(want["tickets"]) == 4 + len(written)
    assert all(r["version"] >= 1 for r in got["tickets"].values())
    assert any(r["version"] > 1 for r in got["tickets"].values())  # triaged ones kept theirs


def test_restore_refuses_a_store_with_data_unless_overwrite_and_keeps_what_was_there(tmp_path):
    """Test that restoring over a filled database is refused without --overwrite
    (nothing changes), and with it the old contents are first backed up."""
    live = SqlRepository.at_path(tmp_path / "live.db")
    live.setup()
    office_with_reports(live, 2)
    config = sqlite_config(tmp_path / "live.db")
    first = backup.backup(config, tmp_path / "backups")
    Office(live).submit(description="Later gemeld, na de back-up.")
    before = by_id(live)

    with pytest.raises(backup.BackupError, match="bevat al gegevens"):
        backup.restore(config, first)
    assert by_id(live) == before

    backup.restore(config, first, overwrite=True)
    assert len(by_id(live)["tickets"]) == len(before["tickets"]) - 1
    safety = sorted((tmp_path / "backups").glob("kivido-backup-*.db"))[-1]
    assert by_id(SqlRepository.at_path(safety)) == before


def test_retention_keeps_the_newest_backups_only(tmp_path):
    """Test that with --keep 3 five backups leave the three newest, and foreign files stay."""
    live = SqlRepository.at_path(tmp_path / "live.db")
    live.setup()
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("van de beheerder")
    start = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    made = [
        backup.backup(
            sqlite_config(tmp_path / "live.db"), folder, keep=3, now=start + timedelta(days=d)
        )
        for d in range(5)
    ]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [p.name for p in made[2:]] + ["notes.txt"]
    )


def test_a_damaged_or_foreign_file_is_refused_before_anything_changes(tmp_path):
    """Test that restore checks the file first: garbage, a database without our
    tables and a workbook without our worksheets are refused with a Dutch reason."""
    target = sqlite_config(tmp_path / "target.db")
    garbage = tmp_path / "kivido-backup-x.db"
    garbage.write_bytes(b"dit is geen database" * 100)
    with pytest.raises(backup.BackupError, match="geen leesbare SQLite-database"):
        backup.restore(target, garbage)
    foreign = tmp_path / "kivido-backup-y.db"
    sqlite3.connect(foreign).execute("CREATE TABLE iets (a)").connection.commit()
    with pytest.raises(backup.BackupError, match="tabel 'tickets' ontbreekt"):
        backup.restore(target, foreign)
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "tickets"
    book.save(tmp_path / "kivido-backup-z.xlsx")
    with pytest.raises(backup.BackupError, match="werkblad"):
        backup.restore(target, tmp_path / "kivido-backup-z.xlsx")
    assert not (tmp_path / "target.db").exists()


def test_the_sheet_is_backed_up_as_xlsx_and_restores_into_an_empty_sheet(
    make_sheets_repo, standin, tmp_path
):
    """Test that an xlsx snapshot of every worksheet restores, into a new empty
    spreadsheet, every row and version, and that text starting with '=' stays text."""
    source = make_sheets_repo()
    office = office_with_reports(source, 3)
    office.submit(description='=HYPERLINK("http://x") staat in de tekst')
    config = Config(store="sheets", spreadsheet_key=source.key, sheets_api_root=standin.url)
    path = backup.backup(config, tmp_path / "backups")
    assert path.suffix == ".xlsx"

    target = make_sheets_repo(setup=False)
    restored_config = Config(
        store="sheets", spreadsheet_key=target.key, sheets_api_root=standin.url
    )
    counts = backup.restore(restored_config, path)
    want, got = by_id(source), by_id(open_repository(restored_config))
    assert got == want
    assert counts == {t: len(want[t]) for t in TABLES}
    assert any(r["description"].startswith("=HYPERLINK") for r in got["tickets"].values())

    with pytest.raises(backup.BackupError, match="bevat al gegevens"):
        backup.restore(restored_config, path)


def test_a_sheet_backup_during_writes_holds_whole_actions(make_sheets_repo, standin, tmp_path):
    """Test that an xlsx backup of the Sheet taken while reports keep arriving holds
    each report together with its first event (one batchGet is one moment)."""
    source = make_sheets_repo()
    office = office_with_reports(source, 2)
    config = Config(store="sheets", spreadsheet_key=source.key, sheets_api_root=standin.url)
    stop, written = threading.Event(), []

    def keep_writing():
        while not stop.is_set():
            written.append(office.submit(description=f"Melding tijdens back-up {len(written)}."))

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 2:
            pass
        path = backup.backup(config, tmp_path / "backups")
    finally:
        stop.set()
        writer.join()
    copy = backup._read_workbook(path)
    tickets = {r["id"] for r in copy["tickets"]}
    assert 2 < len(tickets) <= 2 + len(written)
    assert {e["ticket_id"] for e in copy["events"]} == tickets


def test_the_cli_backs_up_and_restores_the_configured_store(tmp_path, monkeypatch, capsys):
    """Test `python -m lib.cli backup --keep 2` and `restore` on the configured SQLite file."""
    live = SqlRepository.at_path(tmp_path / "data" / "kivido.db")
    live.setup()
    office_with_reports(live, 2)
    monkeypatch.setenv("KIVIDO_SECRETS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("KIVIDO_DB", str(tmp_path / "data" / "kivido.db"))
    assert cli(["backup", "--keep", "2"]) == 0
    (made,) = (tmp_path / "data" / "backups").glob("kivido-backup-*.db")
    assert str(made) in capsys.readouterr().out

    monkeypatch.setenv("KIVIDO_DB", str(tmp_path / "elsewhere" / "kivido.db"))
    assert cli(["restore", str(made)]) == 0
    assert "tickets: 2 rijen" in capsys.readouterr().out
    assert by_id(SqlRepository.at_path(tmp_path / "elsewhere" / "kivido.db")) == by_id(live)
    assert cli(["restore", str(made)]) == 1
    assert "bevat al gegevens" in capsys.readouterr().err


def test_postgresql_round_trip_with_pg_dump_into_the_emptied_store(request, tmp_path):
    """Test that pg_dump's backup of a PostgreSQL store is refused over data, and
    restored with pg_restore into the same store emptied, gives every row and version.

    The server is tests/postgres_server.py's `postgres` fixture (issue 9's
    PostgreSQL work); each store there is a schema of its own in one database.
    """
    import sqlalchemy as sa
    from _pytest.fixtures import FixtureLookupError

    try:
        server = request.getfixturevalue("postgres")
    except FixtureLookupError:
        pytest.skip("the `postgres` fixture comes with the PostgreSQL driver (issue 9)")
    url = server.new_database()
    source = SqlRepository(url)
    source.setup()
    office_with_reports(source, 3)
    want = by_id(source)
    config = Config(store="sqlite", database_url=url)  # "sqlite" = the SQL driver
    dump = backup.backup(config, tmp_path / "backups")
    assert dump.suffix == ".pgdump"
    with pytest.raises(backup.BackupError, match="bevat al gegevens"):
        backup.restore(config, dump)

    source.engine.dispose()
    schema = sa.make_url(url).query["options"].split("=", 1)[1]
    engine = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    backup.restore(config, dump)
    assert by_id(SqlRepository(url)) == want
