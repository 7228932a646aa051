"""The command line: init, demo data in and out, export, migrate both ways, setup."""

from __future__ import annotations

import csv
import re

import openpyxl
import pytest

from lib import cli, services
from lib.repository.sql import SqlRepository
from tests.flows import STAFF, Office, report_form


@pytest.fixture
def embedded(tmp_path, monkeypatch) -> SqlRepository:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("KIVIDO_STORE", "sqlite")
    monkeypatch.setenv("KIVIDO_DB", str(db))
    repo = SqlRepository.at_path(db)
    repo.setup()
    return repo


def test_init_outside_demo_mode_adds_no_demo_data(embedded, monkeypatch):
    """Test that a production start (no demo mode) leaves an empty store empty."""
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "false")
    assert cli.main(["init"]) == 0
    assert embedded.read(["tickets", "users"]) == {"tickets": [], "users": []}


def test_init_seeds_demo_once_and_demo_reset_keeps_real_reports(embedded, capsys, monkeypatch):
    """Test that init fills an empty store with demo data and demo-reset removes only that."""
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "true")
    assert cli.main(["init"]) == 0
    demo_tickets = len(embedded.read(["tickets"])["tickets"])
    assert demo_tickets > 0
    cli.main(["init"])
    assert len(embedded.read(["tickets"])["tickets"]) == demo_tickets  # not seeded twice
    ticket = Office(embedded).submit()  # a real report at a demo location
    assert cli.main(["demo-reset"]) == 0
    data = embedded.read_all()
    assert [t["id"] for t in data["tickets"]] == [ticket["id"]]
    assert not [loc for loc in data["locations"] if loc["is_demo"]]
    assert {e["ticket_id"] for e in data["events"]} == {ticket["id"]}
    assert "Verwijderd" in capsys.readouterr().out


def test_seed_demo_a_second_time_says_so_and_adds_nothing(embedded, capsys):
    """Test that `make seed-demo` run twice explains itself in Dutch instead of failing
    half-way, and that after demo-reset it seeds again."""
    assert cli.main(["seed-demo", "--tickets", "12"]) == 0
    data = embedded.read_all()
    assert len(data["tickets"]) == 12
    capsys.readouterr()
    assert cli.main(["seed-demo", "--tickets", "12"]) == 0
    assert "al demomeldingen" in capsys.readouterr().out
    assert embedded.read_all() == data
    cli.main(["demo-reset"])
    assert cli.main(["seed-demo", "--tickets", "12"]) == 0
    assert len(embedded.read(["tickets"])["tickets"]) == 12


def test_export_writes_xlsx_and_csv_with_formulas_neutralised(embedded, tmp_path):
    office = Office(embedded)
    services.submit_report(
        office.desk(STAFF),
        office.snap(),
        report_form(description='=HYPERLINK("http://x")'),
        submission_id="f1",
    )
    assert cli.main(["export", "--out", str(tmp_path / "out")]) == 0
    book = openpyxl.load_workbook(tmp_path / "out" / "storingsmeldingen.xlsx")
    sheet = book["tickets"]
    header = [c.value for c in sheet[1]]
    assert "Omschrijving" in header
    cell = sheet.cell(row=2, column=header.index("Omschrijving") + 1)
    assert cell.data_type != "f" and cell.value == '\'=HYPERLINK("http://x")'
    with open(tmp_path / "out" / "tickets.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["Omschrijving"].startswith("'=")


def test_migrate_to_the_sheet_and_back_keeps_rows_and_versions(
    embedded, standin, tmp_path, monkeypatch, capsys
):
    """Test that migrate copies every row with its version, both ways, and verifies."""
    office = Office(embedded)
    ticket = office.submit()
    office.urgent_until_closed(ticket, quote="250,00")
    key = standin.create_spreadsheet("migratie")
    monkeypatch.setenv("KIVIDO_SHEET_KEY", key)
    monkeypatch.setenv("KIVIDO_SHEETS_API_ROOT", standin.url)
    assert cli.main(["migrate", "--to", "sheets"]) == 0
    assert "versies gecontroleerd" in capsys.readouterr().out

    back = SqlRepository.at_path(tmp_path / "back.db")
    monkeypatch.setenv("KIVIDO_DB", str(tmp_path / "back.db"))
    monkeypatch.setenv("KIVIDO_STORE", "sheets")
    assert cli.main(["migrate", "--to", "sqlite"]) == 0
    original, returned = embedded.read_all(), back.read_all()
    for table, rows in original.items():
        key_of = {r["id"]: r for r in rows}
        assert {r["id"]: r for r in returned[table]} == key_of, table
    assert cli.main(["migrate", "--to", "sqlite"]) == 0  # again: nothing doubles
    assert len(back.read(["events"])["events"]) == len(original["events"])


def test_setup_on_an_empty_sheet_then_verify(standin, monkeypatch, capsys):
    key = standin.create_spreadsheet("leeg")
    monkeypatch.setenv("KIVIDO_STORE", "sheets")
    monkeypatch.setenv("KIVIDO_SHEET_KEY", key)
    monkeypatch.setenv("KIVIDO_SHEETS_API_ROOT", standin.url)
    assert cli.main(["setup"]) == 0
    first = capsys.readouterr().out
    assert cli.main(["setup"]) == 0
    second = capsys.readouterr().out
    assert first != second and "tickets" in second


def test_purge_dry_run_lists_and_purge_blanks_an_old_report(embedded, capsys):
    """Test that `purge --dry-run` names a report closed in 2023 and changes nothing; `purge` does."""
    from datetime import datetime

    from lib import privacy, workdays

    office = Office(embedded, start=datetime(2023, 3, 6, 10, 0, tzinfo=workdays.AMSTERDAM))
    ticket = office.submit(description="Printer kapot, bel Ruben op 06-12345678")
    office.urgent_until_closed(office.ticket(ticket["id"]))
    before = embedded.read_all()
    assert cli.main(["purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"{ticket['number']}: afgesloten op \d\d-03-2023, \d+ rij\(en\)", out)
    assert "Proefdraai: er is niets veranderd." in out
    assert embedded.read_all() == before
    assert cli.main(["purge", "--door", "Nathalie de Boer"]) == 0
    assert "Opgeschoond door Nathalie de Boer." in capsys.readouterr().out
    assert embedded.get("tickets", ticket["id"])["description"] == privacy.MARKER
    purged = [e for e in embedded.read(["events"])["events"] if e["entity"] == "privacy"]
    assert [e["actor_name"] for e in purged] == ["Nathalie de Boer"]


def test_purge_refuses_a_retention_period_of_zero_in_dutch(embedded, capsys, monkeypatch):
    """Test that retention_months = 0 in the settings gives a Dutch message, exit 1, no change."""
    from lib.repository import Insert

    embedded.commit([Insert("settings", {"id": "s1", "key": "retention_months", "value": "0"})])
    before = embedded.read_all()
    assert cli.main(["purge"]) == 1
    assert "minstens 1 maand" in capsys.readouterr().err
    assert embedded.read_all() == before


def test_archive_dry_run_lists_and_archive_is_idempotent(embedded, capsys):
    """Test that `archive --dry-run` names a report closed in 2023 and changes nothing;
    `archive` archives it (still in the full read, out of the live read); again: nothing."""
    from datetime import datetime

    from lib import workdays

    office = Office(embedded, start=datetime(2023, 3, 6, 10, 0, tzinfo=workdays.AMSTERDAM))
    ticket = office.submit(description="Printer kapot")
    office.urgent_until_closed(office.ticket(ticket["id"]))
    # Mail waiting in the Postvak and an open communication task are work left: the
    # report stays live until they are done.
    assert cli.main(["archive", "--dry-run"]) == 0
    assert "0 melding(en)." in capsys.readouterr().out
    from lib.repository import Update

    data = embedded.read(["messages", "communication_tasks"])
    waiting = [m for m in data["messages"] if m["status"] == "wachtrij"]
    assert waiting and data["communication_tasks"]
    embedded.commit(
        [Update("messages", m["id"], m["version"], {"status": "verzonden"}) for m in waiting]
    )
    assert cli.main(["archive", "--dry-run"]) == 0
    assert "0 melding(en)." in capsys.readouterr().out
    embedded.commit(
        [
            Update("communication_tasks", c["id"], c["version"], {"status": "afgerond"})
            for c in data["communication_tasks"]
        ]
    )
    before = embedded.read_all()
    assert cli.main(["archive", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert ticket["number"] in out and "Proefdraai: er is niets veranderd." in out
    assert embedded.read_all() == before
    assert cli.main(["archive"]) == 0
    assert "1 melding(en)." in capsys.readouterr().out
    assert embedded.get("tickets", ticket["id"])["archived_at"]
    assert embedded.read(["tickets"], live_only=True)["tickets"] == []
    after = embedded.read_all()
    assert cli.main(["archive"]) == 0
    assert "0 melding(en)." in capsys.readouterr().out
    assert embedded.read_all() == after
