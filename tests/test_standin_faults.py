"""The stand-in's own controls (counting, fault injection), unmodified gspread against it,
and what Google does that the recordings do not show (grid limits, atomic batches)."""

from __future__ import annotations

import threading
import time

import gspread
import pytest
import requests
from google.auth.credentials import AnonymousCredentials
from gspread.http_client import HTTPClient

from tests.sheets_standin import SheetsStandIn

GOOGLE = "https://sheets.googleapis.com"


@pytest.fixture
def server():
    with SheetsStandIn() as standin:
        yield standin


@pytest.fixture
def http():
    with requests.Session() as session:
        session.trust_env = False  # 127.0.0.1 never through a proxy
        yield session


@pytest.fixture
def key(server) -> str:
    return server.create_spreadsheet("Faults", sheets=("Sheet1", "tickets"), rows=10, cols=5)


def url(server: SheetsStandIn, key: str, tail: str = "") -> str:
    return f"{server.url}/v4/spreadsheets/{key}{tail}"


def put(http, server, key, rng, values, **params):
    return http.put(
        url(server, key, f"/values/{rng}"),
        params={"valueInputOption": "RAW", **params},
        json={"values": values},
        timeout=10,
    )


# -- counting -------------------------------------------------------------------------


def test_counts_every_request_by_kind(server, key, http):
    """Test that count() tallies per kind, None counts all (unknown routes too), reset clears."""
    http.get(url(server, key), timeout=10)
    http.get(url(server, key, "/values/A1"), timeout=10)
    http.get(url(server, key, "/values:batchGet"), params={"ranges": ["A1", "B2"]}, timeout=10)
    put(http, server, key, "A1", [["x"]])
    http.post(url(server, key, "/values/A1:clear"), timeout=10)
    http.get(f"{server.url}/v4/nothing-here", timeout=10)
    assert server.count("spreadsheets.get") == 1
    assert server.count("values.get") == 1
    assert server.count("values.batchGet") == 1
    assert server.count("values.update") == 1
    assert server.count("values.clear") == 1
    assert server.count("values.batchUpdate") == 0
    assert server.count() == 6
    server.reset_counts()
    assert server.count() == 0 and server.count("values.get") == 0


# -- faults ----------------------------------------------------------------------------


def test_429_is_googles_rate_limit_answer_and_nothing_is_applied(server, key, http):
    """Test the 429 body (RESOURCE_EXHAUSTED, ErrorInfo RATE_LIMIT_EXCEEDED) and no write."""
    server.inject("429", kind="values.update")
    answer = put(http, server, key, "A1", [["x"]])
    assert answer.status_code == 429
    assert answer.headers["Content-Type"] == "application/json; charset=UTF-8"
    error = answer.json()["error"]
    assert (error["code"], error["status"]) == (429, "RESOURCE_EXHAUSTED")
    assert "Quota exceeded for quota metric 'Write requests'" in error["message"]
    assert error["details"][0]["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    assert server.values(key, "Sheet1") == []
    assert put(http, server, key, "A1", [["x"]]).status_code == 200  # times=1: only the first
    assert server.values(key, "Sheet1") == [["x"]]


@pytest.mark.parametrize(("fault", "status"), [("500", "INTERNAL"), ("503", "UNAVAILABLE")])
def test_server_errors_have_googles_body_and_change_nothing(server, key, fault, status, http):
    """Test that injected 500/503 answers are Google-shaped and the request is not applied."""
    server.inject(fault, kind="values.batchUpdate")
    body = {"valueInputOption": "RAW", "data": [{"range": "A1", "values": [["x"]]}]}
    answer = http.post(url(server, key, "/values:batchUpdate"), json=body, timeout=10)
    assert answer.status_code == int(fault)
    assert answer.json()["error"]["code"] == int(fault)
    assert answer.json()["error"]["status"] == status
    assert server.values(key, "Sheet1") == []


def test_faults_hit_only_their_kind_and_only_times_often(server, key, http):
    """Test that a fault waits for its kind, hits `times` requests, and kind=None hits any."""
    server.inject("503", kind="values.get", times=2)
    assert http.get(url(server, key), timeout=10).status_code == 200
    statuses = [http.get(url(server, key, "/values/A1"), timeout=10).status_code for _ in "abc"]
    assert statuses == [503, 503, 200]
    server.inject("500")
    assert http.get(url(server, key), timeout=10).status_code == 500
    assert http.get(url(server, key), timeout=10).status_code == 200
    assert server.count() == 6  # refused requests are counted too


def test_lost_answer_applies_the_write_but_the_client_sees_no_answer(server, key, http):
    """Test that lost_answer writes, then drops the connection: a ConnectionError."""
    server.inject("lost_answer", kind="values.update")
    assert http.get(url(server, key), timeout=10).status_code == 200  # a kept-alive connection
    with pytest.raises(requests.exceptions.ConnectionError):
        put(http, server, key, "B2", [["written"]])
    assert http.get(url(server, key, "/values/B2"), timeout=10).json()["values"] == [["written"]]
    assert server.values(key, "Sheet1") == [[], ["", "written"]]
    assert server.count("values.update") == 1


def test_slow_answers_late_but_normally(server, key, http):
    """Test that slow delays the answer by `delay`, and a shorter client timeout gives up."""
    server.inject("slow", kind="values.get", delay=0.4)
    started = time.monotonic()
    answer = http.get(url(server, key, "/values/A1"), timeout=10)
    assert time.monotonic() - started >= 0.4
    assert answer.status_code == 200 and answer.json()["range"] == "Sheet1!A1"
    server.inject("slow", kind="values.get", delay=0.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.get(url(server, key, "/values/A1"), timeout=0.1)


def test_inject_refuses_unknown_faults_and_kinds(server):
    """Test that a typo in a fault or kind name is an error, not a silent no-op."""
    with pytest.raises(ValueError):
        server.inject("404")
    with pytest.raises(ValueError):
        server.inject("429", kind="values.batchget")


def test_stop_ends_kept_alive_connections(http):
    """Test that after stop() no handler thread answers on an old kept-alive connection."""
    standin = SheetsStandIn().start()
    key = standin.create_spreadsheet()
    assert http.get(url(standin, key), timeout=10).status_code == 200
    before = threading.active_count()
    standin.stop()
    with pytest.raises(requests.exceptions.ConnectionError):
        http.get(url(standin, key), timeout=10)
    deadline = time.monotonic() + 5
    while threading.active_count() >= before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threading.active_count() < before


def test_parallel_appends_lose_nothing(server, key):
    """Test that the one lock keeps concurrent writers from losing each other's rows."""

    def append(worker: int) -> None:
        with requests.Session() as session:
            session.trust_env = False
            for i in range(10):
                session.post(
                    url(server, key, "/values/tickets:append"),
                    params={"valueInputOption": "RAW"},
                    json={"values": [[f"w{worker}", i]]},
                    timeout=10,
                ).raise_for_status()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = server.values(key, "tickets")
    assert len(rows) == 80 and len({(r[0], r[1]) for r in rows}) == 80


# -- unmodified gspread -----------------------------------------------------------------


class StandInHTTPClient(HTTPClient):
    """gspread's own HTTP client; only Google's host is swapped for the stand-in's."""

    root = ""

    def request(self, method, endpoint, *args, **kwargs):
        return super().request(method, endpoint.replace(GOOGLE, self.root, 1), *args, **kwargs)


def test_real_gspread_works_against_the_standin(server, key):
    """Test open_by_key, update, append_row, get_all_values, batch_get, add_worksheet."""
    bound = type("BoundClient", (StandInHTTPClient,), {"root": server.url})
    client = gspread.Client(auth=AnonymousCredentials(), http_client=bound)
    client.http_client.session.trust_env = False  # 127.0.0.1 never through a proxy
    book = client.open_by_key(key)
    assert book.title == "Faults"
    sheet = book.sheet1
    assert (sheet.title, sheet.row_count, sheet.col_count) == ("Sheet1", 10, 5)
    sheet.update([["name", "n"], ["a", 1]], "A1")
    sheet.append_row(["b", 2])
    sheet.append_row(["c", True], value_input_option="USER_ENTERED")
    assert sheet.get_all_values() == [["name", "n"], ["a", "1"], ["b", "2"], ["c", "TRUE"]]
    assert sheet.get_all_records() == [
        {"name": "a", "n": 1},
        {"name": "b", "n": 2},
        {"name": "c", "n": "TRUE"},
    ]
    first, last = sheet.batch_get(["A1:B1", "A4"])
    assert (first, last) == ([["name", "n"]], [["c"]])
    assert sheet.acell("B2", value_render_option="UNFORMATTED_VALUE").value == 1
    added = book.add_worksheet("extra", rows=3, cols=2)
    assert (added.title, added.row_count, added.col_count) == ("extra", 3, 2)
    assert [w.title for w in book.worksheets()] == ["Sheet1", "tickets", "extra"]
    added.update([["x", "y"], ["z"]], "A1")
    added.resize(rows=5)
    assert book.worksheet("extra").row_count == 5
    book.del_worksheet(added)
    assert [w.title for w in book.worksheets()] == ["Sheet1", "tickets"]
    with pytest.raises(gspread.exceptions.APIError, match="exceeds grid limits"):
        sheet.update([["too far"]], "A11")
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        client.open_by_key("no-such-key")


# -- what Google does beyond the recordings ------------------------------------------------


def test_writes_beyond_the_grid_are_refused_like_google(server, key, http):
    """Test values.update / values.batchUpdate beyond rowCount: 400 'exceeds grid limits'."""
    answer = put(http, server, key, "'Sheet1'!A11", [["x"]])
    assert answer.status_code == 400
    assert answer.json()["error"] == {
        "code": 400,
        "message": "Range (Sheet1!A11) exceeds grid limits. Max rows: 10, max columns: 5",
        "status": "INVALID_ARGUMENT",
    }
    answer = put(http, server, key, "'Sheet1'!A9", [["x"], ["y"], ["z"]])  # anchor, data runs out
    assert "Range (Sheet1!A9:A11) exceeds grid limits" in answer.json()["error"]["message"]
    body = {
        "valueInputOption": "RAW",
        "data": [
            {"range": "'tickets'!A1:B1", "values": [["ok", "ok"]]},
            {"range": "'tickets'!A11:B11", "values": [["no", "no"]]},
        ],
    }
    answer = http.post(url(server, key, "/values:batchUpdate"), json=body, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["error"]["message"].startswith("Invalid data[1]: Range (tickets!A11:B11)")
    assert server.values(key, "tickets") == []  # all or nothing


def test_append_grows_the_grid_and_appenddimension_too(server, key, http):
    """Test that values.append adds rows as needed and appendDimension answers {}."""
    rows = [[f"r{i}"] for i in range(12)]
    answer = http.post(
        url(server, key, "/values/Sheet1:append"),
        params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
        json={"values": rows},
        timeout=10,
    )
    assert answer.json()["updates"]["updatedRange"] == "Sheet1!A1:A12"
    grow = {"requests": [{"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 3}}]}
    answer = http.post(url(server, key, ":batchUpdate"), json=grow, timeout=10)
    assert answer.json() == {"spreadsheetId": key, "replies": [{}]}
    grid = http.get(url(server, key), timeout=10).json()["sheets"][0]["properties"]
    assert grid["gridProperties"] == {"rowCount": 22, "columnCount": 8}


def test_spreadsheet_batch_update_is_all_or_nothing(server, key, http):
    """Test that one bad request in spreadsheets.batchUpdate leaves everything as it was."""
    body = {
        "requests": [
            {"addSheet": {"properties": {"title": "new"}}},
            {"deleteSheet": {"sheetId": 12345}},
        ]
    }
    answer = http.post(url(server, key, ":batchUpdate"), json=body, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == (
        "Invalid requests[1].deleteSheet: No grid with id: 12345"
    )
    titles = [
        s["properties"]["title"] for s in http.get(url(server, key), timeout=10).json()["sheets"]
    ]
    assert titles == ["Sheet1", "tickets"]


def test_unknown_spreadsheet_and_unknown_sheet(server, key, http):
    """Test 404 NOT_FOUND for a wrong key on every route and 400 'Unable to parse range'."""
    assert http.get(url(server, "nope", "/values/A1"), timeout=10).json() == {
        "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
    }
    answer = http.get(url(server, key, "/values/'Nope'!A1:B2"), timeout=10)
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "Unable to parse range: 'Nope'!A1:B2"


def test_render_options_and_input_options(server, key, http):
    """Test RAW vs USER_ENTERED and FORMATTED_VALUE / UNFORMATTED_VALUE / FORMULA."""
    assert put(http, server, key, "A1", [["12", 1.5, True, "=1+1", "'=x"]]).status_code == 200
    entered = [["12", "1.5", "true", "=2*3", "'=x"]]
    assert put(http, server, key, "A2", entered, valueInputOption="USER_ENTERED").status_code == 200

    def read(option):
        answer = http.get(
            url(server, key, "/values/A1:E2"), params={"valueRenderOption": option}, timeout=10
        )
        return answer.json()["values"]

    assert read("FORMATTED_VALUE") == [
        ["12", "1.5", "TRUE", "=1+1", "'=x"],
        ["12", "1.5", "TRUE", "6", "=x"],
    ]
    assert read("UNFORMATTED_VALUE") == [["12", 1.5, True, "=1+1", "'=x"], [12, 1.5, True, 6, "=x"]]
    assert read("FORMULA")[1] == [12, 1.5, True, "=2*3", "=x"]
    assert server.values(key, "Sheet1") == [
        ["12", 1.5, True, "=1+1", "'=x"],
        [12, 1.5, True, "=2*3", "=x"],
    ]
