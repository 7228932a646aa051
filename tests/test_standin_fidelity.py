"""Two things Google does that the stand-in once did not (issue 9): the 50,000-character
cell limit, and update counts that leave out the null cells a write skips.

Neither is in the recordings under shared/reference (no recorded write holds a null
or a cell that long); both follow Google's documentation of values.update
("null values will be skipped") and its refusal of longer cells.
"""

from __future__ import annotations

import pytest
import requests

from tests.sheets_standin import SheetsStandIn
from tests.sheets_standin_values import CELL_LIMIT


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
    return server.create_spreadsheet("Fidelity", sheets=("Sheet1",), rows=10, cols=5)


def base(server, key: str) -> str:
    return f"{server.url}/v4/spreadsheets/{key}"


def put(http, server, key, rng, values):
    return http.put(
        f"{base(server, key)}/values/{rng}",
        params={"valueInputOption": "RAW"},
        json={"values": values},
        timeout=10,
    )


def test_a_cell_of_exactly_the_limit_is_stored(server, key, http):
    answer = put(http, server, key, "Sheet1!A1", [["x" * CELL_LIMIT]])
    assert answer.status_code == 200
    assert server.values(key, "Sheet1") == [["x" * CELL_LIMIT]]


def test_a_longer_cell_refuses_the_whole_request(server, key, http):
    put(http, server, key, "Sheet1!A1", [["oud"]])
    answer = put(http, server, key, "Sheet1!A1:B1", [["nieuw", "x" * (CELL_LIMIT + 1)]])
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT" and "50000 characters" in error["message"]
    assert server.values(key, "Sheet1") == [["oud"]]  # nothing of it was written


def test_a_longer_cell_in_an_append_is_refused_too(server, key, http):
    answer = http.post(
        f"{base(server, key)}/values/Sheet1!A1:append",
        params={"valueInputOption": "RAW"},
        json={"values": [["y" * (CELL_LIMIT + 1)]]},
        timeout=10,
    )
    assert answer.status_code == 400
    assert server.values(key, "Sheet1") == []


def test_update_counts_leave_out_skipped_null_cells(server, key, http):
    put(http, server, key, "Sheet1!A1:C2", [["a", "b", "c"], ["d", "e", "f"]])
    answer = put(http, server, key, "Sheet1!A1:C2", [["A", None, None], [None, None, None]])
    body = answer.json()
    assert (body["updatedRows"], body["updatedColumns"], body["updatedCells"]) == (1, 1, 1)
    assert server.values(key, "Sheet1") == [["A", "b", "c"], ["d", "e", "f"]]


def test_batch_update_totals_leave_out_skipped_null_cells(server, key, http):
    answer = http.post(
        f"{base(server, key)}/values:batchUpdate",
        json={
            "valueInputOption": "RAW",
            "data": [
                {"range": "Sheet1!A1:C1", "values": [["x", None, "z"]]},
                {"range": "Sheet1!A3:C3", "values": [[None, None, None]]},
            ],
        },
        timeout=10,
    ).json()
    assert (answer["totalUpdatedRows"], answer["totalUpdatedColumns"]) == (1, 2)
    assert answer["totalUpdatedCells"] == 2 and answer["totalUpdatedSheets"] == 1
    first, second = answer["responses"]
    assert first["updatedCells"] == 2 and second.get("updatedCells", 0) == 0
