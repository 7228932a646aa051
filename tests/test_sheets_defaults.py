"""The Sheet driver as the app builds it (lib/store.py passes no tuning): how long it
keeps trying, how long it waits for an answer, and what a purge costs. The README
states these figures ("Rules the Sheet driver keeps"); the other driver tests give
their own values, so only these tests hold the defaults to them."""

from __future__ import annotations

import pytest
import requests
from google.auth.credentials import AnonymousCredentials
from google.auth.transport.requests import AuthorizedSession

from lib.repository import Redact, StoreUnavailable, Update
from lib.repository.sheets import SheetsRepository
from lib.repository.sheets_http import RetryingHTTPClient
from tests.sheets_support import other_process, ticket

NOTE = "Telefoon van juf Anna (06-12345678) werkt niet"
REDACTED = "[verwijderd]"


def as_the_app_builds_it(repo: SheetsRepository) -> SheetsRepository:
    """A second process on the same spreadsheet, with the driver's own defaults
    (no pause between tries, so the test does not wait out the back-off)."""
    return other_process(repo, sleep=lambda _seconds: None)


def test_a_sheet_that_keeps_failing_is_given_up_after_five_tries(sheets_repo, standin):
    repo = as_the_app_builds_it(sheets_repo)
    standin.reset_counts()
    standin.inject("503", kind="values.batchGet", times=5)  # a sixth try would succeed
    with pytest.raises(StoreUnavailable) as caught:
        repo.read(["tickets"])
    assert str(caught.value) == (
        "De Google Sheet reageert niet (na 5 pogingen). "
        "Er is niets half opgeslagen; probeer het later opnieuw."
    )
    assert standin.count("values.batchGet") == 5


def test_a_sheet_out_of_reach_names_the_connection_error_behind_the_message():
    """Nothing listens there: the Dutch message for the page, the connection error
    kept as its cause for whoever reads the log."""
    repo = SheetsRepository(
        spreadsheet_key="unreachable",
        credentials=AnonymousCredentials(),
        api_root="http://127.0.0.1:9",
        sleep=lambda _seconds: None,
    )
    with pytest.raises(StoreUnavailable, match=r"na 5 pogingen") as caught:
        repo.read(["tickets"])
    assert isinstance(caught.value.__cause__, requests.ConnectionError)


def test_one_try_is_allowed_and_none_is_refused(make_sheets_repo, standin):
    repo = make_sheets_repo(max_attempts=1)
    standin.reset_counts()
    standin.inject("503", kind="values.batchGet", times=1)
    with pytest.raises(StoreUnavailable, match=r"na 1 pogingen"):
        repo.read(["tickets"])
    assert standin.count("values.batchGet") == 1
    assert repo.read(["tickets"]) == {"tickets": []}
    with pytest.raises(ValueError) as caught:
        RetryingHTTPClient(AnonymousCredentials(), max_attempts=0)
    assert str(caught.value) == "max_attempts must be at least 1"


def test_each_request_waits_at_most_twenty_seconds_for_an_answer(sheets_repo, standin, monkeypatch):
    waits = []
    send = AuthorizedSession.request

    def recording(session, method, url, *args, **kwargs):
        waits.append(kwargs.get("timeout"))
        return send(session, method, url, *args, **kwargs)

    monkeypatch.setattr(AuthorizedSession, "request", recording)
    repo = as_the_app_builds_it(sheets_repo)
    repo.commit([ticket("t1")])
    assert repo.read(["tickets"])["tickets"][0]["id"] == "t1"
    assert waits and set(waits) == {20}


def test_a_purge_costs_an_update_of_the_row_and_one_rewrite_of_the_log(sheets_repo, standin):
    """The redacted text also leaves the log's older rows (issue 13): once, right after
    the purge's own write: one read of the log caught up, one of its rows, one write.
    Two purges at once are left to the purge job's scrub_history."""
    [first] = sheets_repo.commit([ticket("t1", description=NOTE)])
    sheets_repo.commit([ticket("t2", description=NOTE)])
    kinds = ("values.batchGet", "spreadsheets.batchUpdate", "values.batchUpdate")

    sheets_repo.read(["tickets"])
    standin.reset_counts()
    sheets_repo.commit([Update("tickets", "t1", first["version"], {"description": "Telefoon"})])
    update = {k: standin.count(k) for k in kinds}

    sheets_repo.read(["tickets"])
    standin.reset_counts()
    sheets_repo.commit([Redact("tickets", "t2", {"description": REDACTED})])
    purge = {k: standin.count(k) for k in kinds}

    assert purge == {
        "values.batchGet": update["values.batchGet"] + 2,
        "spreadsheets.batchUpdate": update["spreadsheets.batchUpdate"],
        "values.batchUpdate": update["values.batchUpdate"] + 1,
    }
    log = standin.values(sheets_repo.key, "_wijzigingen")
    assert not any(NOTE in str(cell) for row in log if "t2" in str(row) for cell in row)
    assert sheets_repo.get("tickets", "t2")["description"] == REDACTED
