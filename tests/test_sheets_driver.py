"""What only the Google Sheet driver has: request budget, retries, grid, setup, raw cells."""

from __future__ import annotations

import json

import pytest
import requests
from google.auth.credentials import AnonymousCredentials
from gspread.exceptions import APIError
from requests.structures import CaseInsensitiveDict

from lib.repository.base import Conflict, Insert, StoreUnavailable, Update
from lib.repository.sheets import SCOPES, SheetsRepository
from lib.repository.sheets_http import RetryingHTTPClient
from lib.schema import TABLES
from tests.sheets_support import LOG, NEVER, service_account_info, ticket, writes

# -- request budget -----------------------------------------------------------


def test_read_costs_exactly_one_batch_get(sheets_repo, standin):
    """Test that reading any set of tables is one values.batchGet and nothing else."""
    sheets_repo.commit([ticket("t1")])
    standin.reset_counts()
    sheets_repo.read(["tickets", "events", "orders"])
    assert standin.count("values.batchGet") == 1 and standin.count() == 1
    standin.reset_counts()
    sheets_repo.read_all()
    assert standin.count("values.batchGet") == 1 and standin.count() == 1


def test_commit_costs_one_read_and_one_write(sheets_repo, standin):
    """Test that a commit over several tables, without a writer in between, is one batchGet
    (the check) and one write request (issue 9: one write per action), also when it
    brings the previous commit's rows into the worksheets."""
    sheets_repo.commit([ticket("t1"), Insert("events", {"id": "e1", "ticket_id": "t1"})])
    assert standin.count("values.batchGet") == 1 and writes(standin) == 1
    assert standin.count() == 2
    standin.reset_counts()
    sheets_repo.commit(
        [Update("tickets", "t1", 1, {"status": "x"}), Insert("events", {"id": "e2"})]
    )
    assert standin.count("values.batchGet") == 1 and writes(standin) == 1
    assert standin.count() == 2
    assert all(standin.count(kind) == 0 for kind in NEVER)
    assert [r[0] for r in standin.values(sheets_repo.key, "events")[1:]] == ["e1"]


def test_the_worksheets_follow_the_log_one_commit_behind(sheets_repo, standin):
    """Test that a change that won reaches its worksheet with the next commit on that
    table, or with compact_log, and that reads show it at once either way."""
    tickets = TABLES["tickets"].column_names
    sheets_repo.commit([ticket("t1", description="eerste")])
    assert standin.values(sheets_repo.key, "tickets") == [tickets]
    assert [r["id"] for r in sheets_repo.read(["tickets"])["tickets"]] == ["t1"]
    sheets_repo.commit([Update("tickets", "t1", 1, {"description": "tweede"})])
    raw = standin.values(sheets_repo.key, "tickets")
    assert [(r[0], r[tickets.index("description")]) for r in raw[1:]] == [("t1", "eerste")]
    assert sheets_repo.get("tickets", "t1")["description"] == "tweede"
    sheets_repo.compact_log()
    raw = standin.values(sheets_repo.key, "tickets")
    assert [(r[0], r[tickets.index("description")]) for r in raw[1:]] == [("t1", "tweede")]


def test_grid_sizes_are_fetched_once_per_process(sheets_repo, standin):
    """Test that a process that did not run setup looks the worksheets up once, not per write."""
    sheets_repo.commit([ticket("t1")])
    sheets_repo._shared.grid = None  # as in a fresh process that did not run setup
    standin.reset_counts()
    sheets_repo.commit([Update("tickets", "t1", 1, {"status": "x"})])
    assert standin.count() == 3 and standin.count("spreadsheets.get") == 1
    sheets_repo.commit([ticket("t2")])
    assert standin.count() == 5 and standin.count("spreadsheets.get") == 1


def test_unknown_spreadsheet_is_a_dutch_error(standin):
    """Test that a wrong key gives a Dutch StoreUnavailable, not a stack of HTTP errors."""
    repo = SheetsRepository(
        spreadsheet_key="1DoesNotExist", credentials=AnonymousCredentials(), api_root=standin.url
    )
    with pytest.raises(StoreUnavailable, match="niet gevonden"):
        repo.read(["tickets"])


def test_a_sheet_not_shared_is_a_dutch_error_at_once(sheets_repo, standin):
    """Test that Google's 403 (the Sheet no longer shared with the service account) says
    "no access" with the remedy, and is not retried: waiting will not share it."""
    sheets_repo.commit([ticket("t1")])
    standin.unshare(sheets_repo.key)
    standin.reset_counts()
    with pytest.raises(StoreUnavailable, match="Geen toegang.*service-account"):
        sheets_repo.commit([ticket("t2")])
    assert standin.count() == 1


def test_refused_commit_writes_nothing(sheets_repo, standin):
    """Test that a Conflict costs only the read and sends no write at all."""
    sheets_repo.commit([ticket("t1")])
    sheets_repo.commit([Update("tickets", "t1", 1, {"status": "x"})])
    standin.reset_counts()
    with pytest.raises(Conflict, match="Iemand anders"):
        sheets_repo.commit([ticket("t2"), Update("tickets", "t1", 1, {"status": "y"})])
    assert standin.count() == 1 and writes(standin) == 0


# -- raw cells ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+31 6 1234", "-x", "@x", "\tx", "\rx", "'quoted"])
def test_formula_like_text_is_stored_with_apostrophe(sheets_repo, standin, text):
    """Test that the raw cell of formula-like text starts with an apostrophe."""
    sheets_repo.commit([ticket("t1", description=text)])
    sheets_repo.compact_log()  # the worksheet follows the log
    header, row = standin.values(sheets_repo.key, "tickets")[:2]
    cell = row[header.index("description")]
    assert cell == "'" + text
    assert sheets_repo.get("tickets", "t1")["description"] == text


def test_header_row_is_column_names_and_types_are_raw(sheets_repo, standin):
    """Test that row 1 holds the column ids and ints/bools are stored as numbers/booleans."""
    sheets_repo.commit(
        [Insert("quotes", {"id": "q1", "amount_cents": 1250}), ticket("t1", is_demo=True)]
    )
    sheets_repo.compact_log()
    quotes = standin.values(sheets_repo.key, "quotes")
    assert quotes[0] == TABLES["quotes"].column_names
    assert quotes[1][TABLES["quotes"].column_names.index("amount_cents")] == 1250
    tickets = standin.values(sheets_repo.key, "tickets")
    assert tickets[1][TABLES["tickets"].column_names.index("is_demo")] is True


def test_hand_made_rows_are_ignored_and_not_overwritten(sheets_repo, standin):
    """Test that rows without id are skipped on read and new rows go below them."""
    http = sheets_repo._http
    http.values_update(
        sheets_repo.key,
        "'settings'!A2:D3",
        params={"valueInputOption": "RAW"},
        body={"values": [["", "", "notitie van MAZ", ""], ["s1", 1, "k", "TRUE"]]},
    )
    assert [r["id"] for r in sheets_repo.read(["settings"])["settings"]] == ["s1"]
    sheets_repo.commit([Insert("settings", {"id": "s2", "key": "a", "value": "b"})])
    sheets_repo.compact_log()
    raw = standin.values(sheets_repo.key, "settings")
    assert raw[1][2] == "notitie van MAZ" and raw[3][0] == "s2"


# -- retries ------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["429", "500", "503"])
def test_transient_errors_are_retried(sheets_repo, standin, fault):
    """Test that 429/5xx on the read and on the write are retried and the commit succeeds."""
    standin.inject(fault, kind="values.batchGet")
    standin.inject(fault, kind="spreadsheets.batchUpdate")
    [row] = sheets_repo.commit([ticket("t1")])
    assert row["number"] == "KIV-2026-0001"
    assert standin.count("values.batchGet") == 2
    assert standin.count("spreadsheets.batchUpdate") == 2
    assert [r["id"] for r in sheets_repo.read(["tickets"])["tickets"]] == ["t1"]


def test_gives_up_after_max_attempts_with_dutch_message(make_sheets_repo, standin):
    """Test that a Sheet that keeps failing gives StoreUnavailable and nothing is written:
    after the last attempt the client voids its change in the log, which settles it."""
    repo = make_sheets_repo(max_attempts=3)
    standin.reset_counts()
    standin.inject("503", kind="spreadsheets.batchUpdate", times=3)
    with pytest.raises(StoreUnavailable, match=r"reageert niet \(na 3 pogingen\)") as caught:
        repo.commit([ticket("t1")])
    assert "niets half opgeslagen" in str(caught.value)
    assert standin.count("spreadsheets.batchUpdate") == 4  # three tries, then the void row
    assert [r[1] for r in standin.values(repo.key, LOG)[1:]] == ["void"]
    assert standin.count("values.batchUpdate") == 0
    assert standin.values(repo.key, "tickets") == [TABLES["tickets"].column_names]
    assert repo.read(["tickets"])["tickets"] == []


def test_lost_answer_on_write_does_not_duplicate(sheets_repo, standin):
    """Test that a write applied but unanswered is resent without a second row."""
    standin.reset_counts()
    standin.inject("lost_answer", kind="spreadsheets.batchUpdate")
    [row] = sheets_repo.commit([ticket("t1", description="eerste")])
    assert row["version"] == 1
    standin.inject("lost_answer", kind="spreadsheets.batchUpdate")
    [row] = sheets_repo.commit([Update("tickets", "t1", 1, {"description": "tweede"})])
    assert row["version"] == 2
    rows = sheets_repo.read(["tickets"])["tickets"]
    assert [(r["id"], r["version"], r["description"]) for r in rows] == [("t1", 2, "tweede")]
    assert len(standin.values(sheets_repo.key, "tickets")) == 2  # header + one row
    assert standin.count("spreadsheets.batchUpdate") == 4  # each one was sent twice
    assert "void" not in [r[1] for r in standin.values(sheets_repo.key, LOG)[1:]]
    assert len(standin.values(sheets_repo.key, LOG)) == 5  # each copy in the log counts once


def test_slow_answer_beyond_timeout_is_retried(make_sheets_repo, standin):
    """Test that an answer slower than the timeout is abandoned and the request retried."""
    repo = make_sheets_repo(timeout=0.3)
    repo.commit([ticket("t1")])
    standin.reset_counts()
    standin.inject("slow", kind="values.batchGet", delay=1.5)
    assert [r["id"] for r in repo.read(["tickets"])["tickets"]] == ["t1"]
    assert standin.count("values.batchGet") == 2


# -- grid and setup -----------------------------------------------------------


def test_grid_grows_when_rows_run_out(make_sheets_repo, standin):
    """Test that rows beyond the worksheet's grid are added in the same write request."""
    repo = make_sheets_repo(sheets=tuple(TABLES), rows=5)
    repo.commit([ticket(f"t{i}") for i in range(8)])  # header + 8 rows > 5
    standin.reset_counts()
    repo.commit([ticket(f"u{i}") for i in range(8)])  # writes t0..t7: the grid grows
    assert standin.count("spreadsheets.batchUpdate") == 1 and standin.count() == 2
    assert len(standin.values(repo.key, "tickets")) == 9
    repo.compact_log()  # u0..u7 fit in the 500 rows just added
    assert len(standin.values(repo.key, "tickets")) == 17
    rows = repo.read(["tickets"])["tickets"]
    assert len(rows) == 16 and len({r["number"] for r in rows}) == 16


def test_grid_shrunk_by_hand_is_noticed(make_sheets_repo, standin):
    """Test that a cached grid size that is too big is corrected after Google refuses."""
    repo = make_sheets_repo(sheets=tuple(TABLES), rows=5)
    for dims in repo._shared.grid.values():
        dims["rowCount"] = 10_000  # as if someone deleted rows since we looked
    repo.commit([ticket(f"t{i}") for i in range(8)])
    repo.commit([ticket("u1")])  # writes t0..t7: refused, looked again, grown
    assert len(repo.read(["tickets"])["tickets"]) == 9
    assert len(standin.values(repo.key, "tickets")) == 9


def test_grid_growth_survives_a_lost_answer(make_sheets_repo, standin):
    """Test that a lost answer to appendDimension costs empty rows at most, never data."""
    repo = make_sheets_repo(sheets=tuple(TABLES), rows=5)
    repo.commit([ticket(f"t{i}") for i in range(8)])
    standin.inject("lost_answer", kind="spreadsheets.batchUpdate")
    repo.commit([ticket(f"u{i}") for i in range(8)])  # grows and writes t0..t7, resent
    repo.compact_log()
    rows = repo.read(["tickets"])["tickets"]
    assert len(rows) == 16 and len(standin.values(repo.key, "tickets")) == 17


def test_label_and_service_account_constructor():
    """Test the label and that service-account credentials get the Sheets scope."""
    info = service_account_info("kivido@example.iam.gserviceaccount.com")
    repo = SheetsRepository.from_service_account(spreadsheet_key="1AbCdEfGhIjK", info=info)
    assert repo.label == "Google Sheet (1AbCdEfG…)"
    assert tuple(repo._http.auth.scopes) == SCOPES
    with pytest.raises(ValueError):
        SheetsRepository.from_service_account(spreadsheet_key="x")


# -- the HTTP client on its own ------------------------------------------------


class FakeSession:
    """Answers from a script: an int status, or an exception to raise."""

    def __init__(self, script):
        self.script, self.urls = list(script), []

    def request(self, method, url, **kw):
        self.urls.append(url)
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        status, headers = step if isinstance(step, tuple) else (step, {})
        response = requests.Response()
        response.status_code, response.headers = status, CaseInsensitiveDict(headers)
        response._content = json.dumps({"error": {"code": status, "message": "m"}}).encode()
        return response


def client(script, **kw):
    sleeps = []
    http = RetryingHTTPClient(None, FakeSession(script), sleep=sleeps.append, **kw)
    return http, sleeps


def test_backoff_is_exponential_capped_and_jittered():
    """Test that the back-off ceiling doubles from 0.5 s up to 8 s and jitter draws below it."""
    http, _ = client([], jitter=lambda low, high: high)
    assert [http.backoff(a) for a in range(7)] == [0.5, 1, 2, 4, 8, 8, 8]
    http, _ = client([], jitter=lambda low, high: low)
    assert http.backoff(3) == 0 and http.backoff(0, retry_after=30) == 8


def test_client_retries_then_gives_up():
    """Test that transient failures are retried max_attempts times, then StoreUnavailable."""
    http, sleeps = client(
        [503, requests.ConnectionError(), requests.ReadTimeout(), 429], max_attempts=4
    )
    with pytest.raises(StoreUnavailable, match="na 4 pogingen"):
        http.request("get", "https://sheets.googleapis.com/v4/spreadsheets/x")
    assert len(sleeps) == 3


def test_client_does_not_retry_refusals_and_honours_retry_after():
    """Test that a 400 is raised at once, and a 429's Retry-After sets the wait."""
    http, sleeps = client([400])
    with pytest.raises(APIError):
        http.request("get", "https://sheets.googleapis.com/v4/spreadsheets/x")
    assert sleeps == []
    http, sleeps = client([(429, {"Retry-After": "3"}), 200], jitter=lambda low, high: low)
    assert http.request("get", "https://sheets.googleapis.com/v4/x").status_code == 200
    assert sleeps == [3.0]


def test_client_rewrites_api_root_and_sets_timeout():
    """Test that api_root replaces Google's host and the timeout is set."""
    http, _ = client([200], api_root="http://127.0.0.1:9/", timeout=7)
    http.request("get", "https://sheets.googleapis.com/v4/spreadsheets/x")
    assert http.session.urls == ["http://127.0.0.1:9/v4/spreadsheets/x"]
    assert http.timeout == 7


def test_rows_from_before_the_log_are_updated_once_and_numbers_continue(sheets_repo, standin):
    """A Sheet filled by the earlier driver (rows, no log): setup adds the log; an update
    of an old row is decided by the log like any other; numbering continues above."""
    names = TABLES["tickets"].column_names
    old = {"id": "oud", "version": 3, "number": "KIV-2026-0041", "status": "nieuw"}
    sheets_repo._http.values_update(
        sheets_repo.key,
        "'tickets'!A2",
        {"valueInputOption": "RAW"},
        {"values": [[old.get(n, "") for n in names]]},
    )
    first = Update("tickets", "oud", 3, {"status": "wacht_op_controle"})
    [row] = sheets_repo.commit([first])
    assert row["version"] == 4
    with pytest.raises(Conflict):  # the same base version again: refused
        sheets_repo.commit([Update("tickets", "oud", 3, {"status": "urgent"})])
    [new] = sheets_repo.commit([ticket("nieuw")])
    assert new["number"] == "KIV-2026-0042"


def test_a_fix_by_hand_in_a_row_waiting_for_its_latest_change_is_kept(sheets_repo, standin):
    """Test that a typo fixed by hand in a worksheet row that still shows the version before
    the app's latest change survives that change reaching the worksheet, where the change
    left the field alone; where both changed a field, the app's change wins."""
    tickets = TABLES["tickets"].column_names
    sheets_repo.commit([ticket("t1", description="Printr kapot", location_id="loc-a")])
    sheets_repo.compact_log()  # the worksheet shows version 1
    sheets_repo.commit([Update("tickets", "t1", 1, {"status": "wacht", "location_id": "loc-b"})])
    for column, value in (("description", "Printer kapot"), ("location_id", "loc-c")):
        cell = f"'tickets'!{chr(65 + tickets.index(column))}2"
        sheets_repo._http.values_update(
            sheets_repo.key, cell, {"valueInputOption": "RAW"}, {"values": [[value]]}
        )
    sheets_repo.commit([ticket("t2")])  # brings version 2 of t1 to the worksheet
    shown = {r["id"]: r for r in sheets_repo.read(["tickets"])["tickets"]}["t1"]
    assert (shown["version"], shown["status"]) == (2, "wacht")
    assert (shown["description"], shown["location_id"]) == ("Printer kapot", "loc-b")
    raw = standin.values(sheets_repo.key, "tickets")[1]
    assert raw[tickets.index("description")] == "Printer kapot"
    assert raw[tickets.index("version")] == 2


def test_a_caller_s_headers_and_body_go_along_with_the_client_s_own():
    """gspread hands some calls headers and a body of their own (its CSV import): the
    retrying client adds its User-Agent and compact answers, and drops nothing."""
    seen = []

    class Recording(requests.Session):
        def request(self, method, url, **kw):
            seen.append((method, url, kw))
            response = requests.Response()
            response.status_code, response._content = 200, b"{}"
            return response

    http = RetryingHTTPClient(None, Recording(), api_root="http://127.0.0.1:1/")
    http.request(
        "post",
        "https://sheets.googleapis.com/v4/spreadsheets/x:import",
        {"a": "1"},
        b"id,naam",
        headers={"Content-Type": "text/csv"},
    )
    [(method, url, kw)] = seen
    assert (method, url) == ("post", "http://127.0.0.1:1/v4/spreadsheets/x:import")
    assert kw["headers"] == {"User-Agent": "kivido-storingen (gzip)", "Content-Type": "text/csv"}
    assert kw["data"] == b"id,naam"
    assert kw["params"] == {"a": "1", "prettyPrint": "false"}
