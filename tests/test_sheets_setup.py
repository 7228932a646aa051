"""The Sheet driver's setup: worksheets, header rows, the hidden and protected change log."""

from __future__ import annotations

import pytest

from lib.repository.base import StoreUnavailable
from lib.repository.sheets import SheetsRepository
from lib.schema import TABLES
from tests.sheets_support import LOG, ticket, writes

# Issue 10: the rows of a report (the report, its events, orders, quotes, mails,
# communication task and ticks, affected people, links, invoices) have archive
# worksheets outside the live read.
OF_A_REPORT = {"tickets", "events", "orders", "quotes", "messages", "communication_tasks"}
OF_A_REPORT |= {"communication_ticks", "affected", "links", "invoices"}
GUARDED = f"Werkblad '{LOG}' verborgen en beveiligd (waarschuwing)."


def archives() -> list[str]:
    """In the order of TABLES now (a test may have put a table back at its end)."""
    return [f"{name}_archief" for name in TABLES if name in OF_A_REPORT]


def log_guards(repo) -> tuple[bool, list[bool]]:
    """Whether the log worksheet is hidden, and the warningOnly flag of each protected range."""
    meta = repo._http.fetch_sheet_metadata(repo.key)
    [log] = [s for s in meta["sheets"] if s["properties"]["title"] == LOG]
    ranges = log.get("protectedRanges", [])
    assert all(r["range"] == {"sheetId": log["properties"]["sheetId"]} for r in ranges)
    return bool(log["properties"].get("hidden")), [bool(r.get("warningOnly")) for r in ranges]


def test_setup_on_empty_spreadsheet_creates_everything(make_sheets_repo, standin):
    """Test that setup makes every worksheet with its header in three requests."""
    repo = make_sheets_repo(setup=False)
    standin.reset_counts()
    lines = repo.setup()
    assert lines == [f"Werkblad '{name}' aangemaakt." for name in [*TABLES, *archives(), LOG]] + [
        GUARDED
    ]
    assert standin.count() == 3
    assert log_guards(repo) == (True, [True])
    for name, table in TABLES.items():
        assert standin.values(repo.key, name) == [table.column_names]
    assert repo.read_all() == {name: [] for name in TABLES}


def test_setup_survives_a_lost_answer(make_sheets_repo, standin):
    """Test that setup finishes when the answer to its addSheet request is lost."""
    repo = make_sheets_repo(setup=False)
    standin.reset_counts()
    standin.inject("lost_answer", kind="spreadsheets.batchUpdate")
    repo.setup()
    assert standin.count("spreadsheets.batchUpdate") == 2  # sent, resent, refused
    assert standin.count("spreadsheets.get") == 2  # then looked again
    assert repo.setup() == [
        f"Werkblad '{name}' bestond al." for name in [*TABLES, *archives(), LOG]
    ]
    titles = [s["properties"]["title"] for s in repo._http.fetch_sheet_metadata(repo.key)["sheets"]]
    assert sorted(titles) == sorted(["Sheet1", *TABLES, *archives(), LOG])


def test_setup_on_existing_spreadsheet_only_verifies(sheets_repo, standin):
    """Test that a second setup reads, reports 'bestond al' and writes nothing."""
    sheets_repo.commit([ticket("t1")])
    standin.reset_counts()
    lines = SheetsRepository(
        spreadsheet_key=sheets_repo.key,
        credentials=sheets_repo._http.auth,
        api_root=standin.url,
    ).setup()
    assert lines == [f"Werkblad '{name}' bestond al." for name in [*TABLES, *archives(), LOG]]
    assert writes(standin) == 0
    assert len(sheets_repo.read(["tickets"])["tickets"]) == 1


def test_setup_writes_missing_and_short_headers(make_sheets_repo, standin):
    """Test that worksheets without header, or with an older shorter one, are completed."""
    repo = make_sheets_repo(sheets=tuple(TABLES), setup=False)
    repo._http.values_update(
        repo.key,
        "'users'!A1:C1",
        params={"valueInputOption": "RAW"},
        body={"values": [["id", "version", "name"]]},
    )
    lines = repo.setup()
    assert "Werkblad 'users': kopregel aangevuld (email, role, active, is_demo)." in lines
    assert all(standin.values(repo.key, n)[0] == t.column_names for n, t in TABLES.items())


def test_wrong_header_is_a_clear_error(sheets_repo, standin):
    """Test that a reordered header stops setup (changing nothing) and read."""
    names = TABLES["tickets"].column_names
    sheets_repo._http.values_update(
        sheets_repo.key,
        "'tickets'!A1:B1",
        params={"valueInputOption": "RAW"},
        body={"values": [[names[1], names[0]]]},
    )
    standin.reset_counts()
    with pytest.raises(ValueError, match="verwachte kopregels.*'tickets'"):
        sheets_repo.setup()
    assert writes(standin) == 0
    with pytest.raises(StoreUnavailable, match="'tickets' heeft niet de verwachte kopregel"):
        sheets_repo.read(["tickets"])


def test_missing_worksheet_is_a_dutch_error(make_sheets_repo):
    """Test that reading before setup names the fix in Dutch."""
    repo = make_sheets_repo(setup=False)
    with pytest.raises(StoreUnavailable, match="installatie"):
        repo.read(["tickets"])


def test_setup_hides_and_protects_an_existing_log_once(make_sheets_repo, standin):
    """Test that setup on a Sheet whose log is visible and unprotected (made before issue 9's
    last step) hides it and adds one warning-only protected range, and a second setup adds
    nothing: no second range, no write."""
    repo = make_sheets_repo(sheets=(*TABLES, LOG), setup=False)
    repo._http.values_update(
        repo.key,
        f"'{LOG}'!A1",
        params={"valueInputOption": "RAW"},
        body={"values": [["wijziging", "soort", "tijdstip", "inhoud"]]},
    )
    assert log_guards(repo) == (False, [])
    assert repo.setup()[-1] == GUARDED
    assert log_guards(repo) == (True, [True])
    standin.reset_counts()
    assert GUARDED not in repo.setup()
    assert writes(standin) == 0 and log_guards(repo) == (True, [True])
    repo.commit([ticket("t1")])  # the app still writes the hidden, protected log
    assert [r["id"] for r in repo.read(["tickets"])["tickets"]] == ["t1"]
