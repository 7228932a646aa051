"""The stand-in's cell requests of spreadsheets.batchUpdate (issue 9: one write per action).

No recording under shared/reference holds appendCells, updateCells, addProtectedRange
or includeSpreadsheetInResponse, so these follow Google's API reference: the reply of
appendCells/updateCells is `{}`; appendCells writes after the last row with data and
adds rows when needed; updateCells writes at `start` and a CellData without a value
clears the cell; a write beyond the grid refuses the whole batch with Google's error
body (as the recorded errors show it); the updatedSpreadsheet holds GridData for the
responseRanges, leaving out startRow when it is 0; a protected range is listed in the
sheet's metadata with the id Google gave it.
"""

from __future__ import annotations

import pytest
import requests

from tests.sheets_standin import SheetsStandIn


@pytest.fixture
def server():
    with SheetsStandIn() as standin:
        yield standin


@pytest.fixture
def http():
    with requests.Session() as session:
        session.trust_env = False
        yield session


@pytest.fixture
def key(server) -> str:
    return server.create_spreadsheet("Cells", sheets=("Sheet1",), rows=3, cols=4)


def batch(http, server, key, body):
    return http.post(f"{server.url}/v4/spreadsheets/{key}:batchUpdate", json=body, timeout=10)


def row(*values) -> dict:
    cells = []
    for v in values:
        if v is None:
            cells.append({})
        elif isinstance(v, bool):
            cells.append({"userEnteredValue": {"boolValue": v}})
        elif isinstance(v, int | float):
            cells.append({"userEnteredValue": {"numberValue": v}})
        else:
            cells.append({"userEnteredValue": {"stringValue": v}})
    return {"values": cells}


def append(*rows) -> dict:
    return {"appendCells": {"sheetId": 0, "rows": list(rows), "fields": "userEnteredValue"}}


def update(r: int, *rows) -> dict:
    start = {"sheetId": 0, "rowIndex": r, "columnIndex": 0}
    return {"updateCells": {"start": start, "rows": list(rows), "fields": "userEnteredValue"}}


def test_append_cells_goes_below_the_last_row_and_adds_rows(server, key, http):
    """Test appendCells: after the last row with data, stored unparsed, rows added as needed."""
    answer = batch(http, server, key, {"requests": [update(1, row("b"))]})
    assert answer.status_code == 200 and answer.json()["replies"] == [{}]
    answer = batch(http, server, key, {"requests": [append(row("=1+1", 2, True), row("'x"))]})
    assert answer.json() == {"spreadsheetId": key, "replies": [{}]}
    assert server.values(key, "Sheet1") == [[], ["b"], ["=1+1", 2, True], ["'x"]]
    meta = http.get(f"{server.url}/v4/spreadsheets/{key}", timeout=10).json()
    assert meta["sheets"][0]["properties"]["gridProperties"]["rowCount"] == 4


def test_update_cells_writes_at_start_and_clears_empty_cells(server, key, http):
    batch(http, server, key, {"requests": [update(0, row("a", "b", "c"))]})
    batch(http, server, key, {"requests": [update(0, row("A", None, "C"))]})
    assert server.values(key, "Sheet1") == [["A", "", "C"]]


def test_a_write_beyond_the_grid_refuses_the_whole_batch(server, key, http):
    """Test that one refused request leaves the others unapplied, with Google's error body."""
    answer = batch(http, server, key, {"requests": [update(0, row("a")), update(5, row("z"))]})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT"
    assert "exceeds grid limits" in error["message"]
    assert error["message"].startswith("Invalid requests[1].updateCells: ")
    assert server.values(key, "Sheet1") == []


def test_the_updated_spreadsheet_holds_grid_data_of_the_response_ranges(server, key, http):
    """Test includeSpreadsheetInResponse: the state after the batch, rows of the range only."""
    batch(http, server, key, {"requests": [append(row("h")), append(row("r1"))]})
    body = {
        "requests": [append(row("r2", 5))],
        "includeSpreadsheetInResponse": True,
        "responseRanges": ["Sheet1!A2:D"],
        "responseIncludeGridData": True,
    }
    answer = batch(http, server, key, body).json()
    [sheet] = answer["updatedSpreadsheet"]["sheets"]
    [data] = sheet["data"]
    assert data["startRow"] == 1 and "startColumn" not in data
    assert [[c["effectiveValue"] for c in r["values"]] for r in data["rowData"]] == [
        [{"stringValue": "r1"}],
        [{"stringValue": "r2"}, {"numberValue": 5}],
    ]
    whole = dict(body, responseRanges=["Sheet1!A1:D"])
    [data] = batch(http, server, key, whole).json()["updatedSpreadsheet"]["sheets"][0]["data"]
    assert "startRow" not in data and len(data["rowData"]) == 4  # h, r1, r2 and r2 again


def test_a_protected_range_is_listed_in_the_metadata(server, key, http):
    spec = {"range": {"sheetId": 0}, "description": "log", "warningOnly": True}
    answer = batch(
        http, server, key, {"requests": [{"addProtectedRange": {"protectedRange": spec}}]}
    )
    reply = answer.json()["replies"][0]["addProtectedRange"]["protectedRange"]
    assert isinstance(reply["protectedRangeId"], int)
    assert {k: reply[k] for k in spec} == spec
    meta = http.get(f"{server.url}/v4/spreadsheets/{key}", timeout=10).json()
    assert meta["sheets"][0]["protectedRanges"] == [reply]
    hide = {"properties": {"sheetId": 0, "hidden": True}, "fields": "hidden"}
    batch(http, server, key, {"requests": [{"updateSheetProperties": hide}]})
    meta = http.get(f"{server.url}/v4/spreadsheets/{key}", timeout=10).json()
    assert meta["sheets"][0]["properties"]["hidden"] is True
