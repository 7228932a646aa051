"""Setup on a Sheet someone prepared or changed by hand: what it says it did, what it
refuses in Dutch, and the log's protection as the Sheet's owner sees it."""

from __future__ import annotations

import pytest

from lib.schema import TABLES
from tests.sheets_support import LOG, other_process, ticket, writes

PROTECTION = "Wijzigingenlog van de app: niet bewerken (zie de handleiding)."


def put(repo, a1: str, values: list) -> None:
    """Type a row into the Sheet by hand (RAW, as the owner would)."""
    repo._http.values_update(
        repo.key, a1, params={"valueInputOption": "RAW"}, body={"values": [values]}
    )


def test_setup_names_each_empty_worksheet_it_gives_a_header(make_sheets_repo, standin):
    repo = make_sheets_repo(sheets=tuple(TABLES), setup=False)
    put(repo, "'users'!A1:C1", ["id", "version", "name"])
    lines = repo.setup()
    for name in TABLES:
        if name != "users":
            assert f"Werkblad '{name}': kopregel geschreven." in lines
    assert "Werkblad 'users': kopregel aangevuld (email, role, active, is_demo)." in lines
    assert all(standin.values(repo.key, n)[0] == t.column_names for n, t in TABLES.items())


def test_every_wrong_header_is_named_in_one_message_and_nothing_changes(sheets_repo, standin):
    tickets, orders = TABLES["tickets"].column_names, TABLES["orders"].column_names
    put(sheets_repo, "'tickets'!A1:B1", [tickets[1], tickets[0]])
    put(sheets_repo, "'orders'!A1", ["nummer"])
    got_tickets = [tickets[1], tickets[0], *tickets[2:]]
    got_orders = ["nummer", *orders[1:]]
    standin.reset_counts()
    with pytest.raises(ValueError) as caught:
        sheets_repo.setup()
    assert str(caught.value) == (
        "De Google Sheet heeft niet de verwachte kopregels; er is niets veranderd. "
        "Herstel de eerste rij van deze werkbladen: "
        f"'tickets' heeft {got_tickets}, verwacht {tickets}; "
        f"'orders' heeft {got_orders}, verwacht {orders}."
    )
    assert writes(standin) == 0


def test_a_wrong_log_header_is_named_and_nothing_changes(sheets_repo, standin):
    put(sheets_repo, f"'{LOG}'!A1:B1", ["id", "type"])
    header = standin.values(sheets_repo.key, LOG)[0]
    standin.reset_counts()
    with pytest.raises(ValueError) as caught:
        sheets_repo.setup()
    assert str(caught.value).startswith(
        f"Werkblad '{LOG}' heeft niet de verwachte kopregel ({header}, verwacht "
    )
    assert str(caught.value).endswith("); er is niets veranderd.")
    assert writes(standin) == 0


def test_a_worksheet_narrower_than_its_table_is_widened_and_its_header_completed(
    sheets_repo, standin
):
    """Only the columns are short (everything else is set up): setup widens the
    worksheet first, then writes the rest of the header into the new columns."""
    names = TABLES["users"].column_names
    [users] = [
        s["properties"]
        for s in sheets_repo._http.fetch_sheet_metadata(sheets_repo.key)["sheets"]
        if s["properties"]["title"] == "users"
    ]
    width = users["gridProperties"]["columnCount"]
    span = {"sheetId": users["sheetId"], "dimension": "COLUMNS", "startIndex": 3}
    sheets_repo._http.batch_update(
        sheets_repo.key, {"requests": [{"deleteDimension": {"range": {**span, "endIndex": width}}}]}
    )
    assert standin.size(sheets_repo.key, "users")[1] == 3
    lines = other_process(sheets_repo).setup()
    assert "Werkblad 'users': kopregel aangevuld (email, role, active, is_demo)." in lines
    assert standin.values(sheets_repo.key, "users")[0] == names
    assert standin.size(sheets_repo.key, "users")[1] == len(names)


def test_the_log_s_protection_tells_the_owner_why(sheets_repo):
    meta = sheets_repo._http.fetch_sheet_metadata(sheets_repo.key)
    [log] = [s for s in meta["sheets"] if s["properties"]["title"] == LOG]
    assert [r["description"] for r in log["protectedRanges"]] == [PROTECTION]


def test_an_answer_without_its_replies_makes_the_sizes_load_again(
    make_sheets_repo, standin, monkeypatch
):
    """Google's answer to the worksheets' creation lost its replies on the way: setup
    still finishes, and the first write loads the worksheets' sizes again."""
    repo = make_sheets_repo(setup=False)
    send = repo._http.batch_update
    monkeypatch.setattr(repo._http, "batch_update", lambda key, body: send(key, body) and {})
    repo.setup()
    monkeypatch.undo()
    standin.reset_counts()
    repo.commit([ticket("t1")])
    assert standin.count("spreadsheets.get") == 1
    assert [r["id"] for r in repo.read(["tickets"])["tickets"]] == ["t1"]


def test_each_worksheet_made_is_as_wide_as_its_table_with_its_header_row_frozen(
    make_sheets_repo,
):
    """The header stays in view while the owner scrolls; no spare columns to type in."""
    repo = make_sheets_repo(setup=False)
    repo.setup()
    grids = {
        s["properties"]["title"]: s["properties"]["gridProperties"]
        for s in repo._http.fetch_sheet_metadata(repo.key)["sheets"]
    }
    for name, table in TABLES.items():
        assert grids[name]["columnCount"] == len(table.columns)
        assert grids[name]["frozenRowCount"] == 1
        assert grids[name]["rowCount"] == 1000  # Google's own default for a new worksheet
    assert grids[LOG]["frozenRowCount"] == 1
