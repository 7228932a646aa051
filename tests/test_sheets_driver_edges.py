"""Edges of the Google Sheet driver (lib/repository/sheets.py) its other tests pass by.

The service account given as a key file (the way `[sheets] service_account_file` of
secrets.toml gives it, lib/store.py) and the options handed on with it; a redaction
(the privacy purge, lib/privacy.py) taking its text out of the change log at once,
and standing when that rewrite fails (the purge retries it); the log's times in UTC
whatever the machine's zone; Google refusing the lagging rows (a commit goes alone,
compact_log fails) or the whole write (no access: not retried), and a failed write
leaving page views to the Sheet, not to memory; worksheets grown to fit the rows the
log has ahead of them (one row short of room); the options of the constructor
(the pause between tries), a read of some columns, and the grid sizes kept per process.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from datetime import UTC, datetime

import pytest
from google.auth.credentials import AnonymousCredentials

from lib import privacy
from lib.repository import (
    Insert,
    OutcomeUnknown,
    Redact,
    StoreUnavailable,
    Update,
    sheets,
    sheets_log,
)
from lib.repository.sheets import SCOPES, SheetsRepository
from lib.schema import TABLES
from tests.sheets_support import (
    LOG,
    other_process,
    refused,
    refusing_rows,
    service_account_info,
    ticket,
)

EMAIL = "kivido@example.iam.gserviceaccount.com"
ONE_OF = "Geef precies één van 'info' of 'file' voor het service-account."


@pytest.fixture(scope="module")
def account_info() -> dict:
    """A service account's key as Google hands it out (a JSON file), with a fresh key."""
    return service_account_info(EMAIL)


def test_a_key_file_gives_that_account_with_the_sheets_scope(account_info, tmp_path):
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps(account_info), encoding="utf-8")
    repo = SheetsRepository.from_service_account(spreadsheet_key="1AbCdEfGhIjK", file=str(path))
    credentials = repo._http.auth
    assert credentials.service_account_email == EMAIL
    assert tuple(credentials.scopes) == SCOPES


@pytest.mark.parametrize("given", ["neither", "both"])
def test_exactly_one_of_info_or_file_is_asked_for_in_dutch(account_info, tmp_path, given):
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps(account_info), encoding="utf-8")
    both = {"info": account_info, "file": str(path)}
    with pytest.raises(ValueError, match=f"^{re.escape(ONE_OF)}$"):
        SheetsRepository.from_service_account(
            spreadsheet_key="1AbCdEfGhIjK", **(both if given == "both" else {})
        )


def test_the_options_go_to_the_repository(account_info):
    """lib/store.py hands the app's refresh time and the API root on with the account."""
    repo = SheetsRepository.from_service_account(
        spreadsheet_key="1AbCdEfGhIjK",
        info=account_info,
        api_root="http://127.0.0.1:9/",
        worksheet_refresh=60.0,
    )
    assert repo.worksheet_refresh == 60.0
    assert repo._http.api_root == "http://127.0.0.1:9"


# -- a redaction and the change log --------------------------------------------

NOTE = "bel 06-12345678"


def _log_cells(standin, repo) -> set[str]:
    return {str(c) for row in standin.values(repo.key, LOG) for c in row}


def _redacted(repo) -> None:
    repo.commit([Insert("events", {"id": "e1", "ticket_id": "t1", "note": NOTE})])
    repo.commit([Redact("events", "e1", {"note": privacy.MARKER})])


def test_a_redaction_takes_the_text_out_of_the_change_log_at_once(sheets_repo, standin):
    _redacted(sheets_repo)
    assert not any(NOTE in cell for cell in _log_cells(standin, sheets_repo))
    for repo in (sheets_repo, other_process(sheets_repo)):
        assert repo.get("events", "e1")["note"] == privacy.MARKER


def test_a_purge_overwrites_an_event_text_fixed_by_hand_in_the_worksheet(sheets_repo, standin):
    """An event's note corrected by hand in the worksheet (its text still personal) is
    no hand fix to keep when the purge redacts it: the worksheet shows the marker."""
    sheets_repo.commit([Insert("events", {"id": "e1", "ticket_id": "t1", "note": NOTE})])
    sheets_repo.commit([Insert("events", {"id": "e2", "ticket_id": "t1"})])  # writes e1 along
    rows = standin.values(sheets_repo.key, "events")
    number = next(n for n, row in enumerate(rows, start=1) if row and row[0] == "e1")
    note_at = [c.name for c in TABLES["events"].columns].index("note")
    letter = chr(ord("A") + note_at)
    data = [{"range": f"events!{letter}{number}", "values": [[NOTE + " (verbeterd)"]]}]
    sheets_repo._http.values_batch_update(
        sheets_repo.key, {"valueInputOption": "RAW", "data": data}
    )
    sheets_repo.commit([Redact("events", "e1", {"note": privacy.MARKER})])
    sheets_repo.commit([Insert("events", {"id": "e3", "ticket_id": "t1"})])  # writes e1 along
    assert not any(NOTE in str(c) for row in standin.values(sheets_repo.key, "events") for c in row)
    for repo in (sheets_repo, other_process(sheets_repo)):
        assert repo.get("events", "e1")["note"] == privacy.MARKER


def test_a_redaction_stands_when_the_log_rewrite_fails(sheets_repo, standin, caplog):
    """The redaction won in the log; only the rewrite of older log rows failed: the
    purge retries that (scrub_history), the commit does not fail for it."""
    sheets_repo.commit([Insert("events", {"id": "e1", "ticket_id": "t1", "note": NOTE})])
    standin.inject("503", kind="values.batchUpdate", times=5)  # every attempt of the rewrite
    with caplog.at_level(logging.WARNING, logger="kivido.sheets"):
        sheets_repo.commit([Redact("events", "e1", {"note": privacy.MARKER})])
    assert caplog.records and all(r.levelno == logging.WARNING for r in caplog.records)
    assert sheets_repo.get("events", "e1")["note"] == privacy.MARKER
    assert any(NOTE in cell for cell in _log_cells(standin, sheets_repo))
    sheets_repo.scrub_history()
    assert not any(NOTE in cell for cell in _log_cells(standin, sheets_repo))


# -- the log's times -------------------------------------------------------------


@pytest.fixture
def far_east():
    """The machine's zone fourteen hours ahead of UTC (Kiribati), restored afterwards."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Etc/GMT-14"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_the_change_log_keeps_its_times_in_utc(sheets_repo, standin, far_east):
    """compact_log's age and MEND_AFTER compare the log's times with UTC ("...Z")."""
    sheets_repo.commit([ticket("t1")])
    entry = sheets_log.parse(standin.values(sheets_repo.key, LOG)[-1])
    at = datetime.strptime(entry.at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - at).total_seconds()) < 60


# -- a kept copy after the lagging rows were refused -----------------------------


def test_after_google_refused_the_lagging_rows_the_next_commit_reads_again(
    make_sheets_repo, standin, monkeypatch
):
    """When Google refuses the lagging rows (twice) the change goes alone. Only worksheets
    read for a commit *with those rows written* are kept to check the next commits on
    (`_decide`); this read was not, so the next commit reads and writes the rows."""
    repo = make_sheets_repo()
    repo.worksheet_refresh = 60.0
    elsewhere = other_process(repo)
    elsewhere.commit([ticket("t1", description="eerste")])  # t1 lags in the worksheet
    first = elsewhere.get("tickets", "t1")
    http, real = repo._http, repo._http.batch_update

    def refusing(key, body):
        if any("updateCells" in r for r in body["requests"]):
            raise refused()
        return real(key, body)

    monkeypatch.setattr(http, "batch_update", refusing)
    repo.commit([Update("tickets", "t1", first["version"], {"description": "tweede"})])
    monkeypatch.setattr(http, "batch_update", real)
    assert "eerste" not in str(standin.values(repo.key, "tickets"))  # refused: still lags
    standin.reset_counts()
    repo.commit([ticket("t2")])
    assert standin.count("values.batchGet") == 1
    assert "tweede" in str(standin.values(repo.key, "tickets"))


def test_compact_log_fails_when_google_refuses_the_lagging_rows(
    make_sheets_repo, standin, monkeypatch
):
    """compact_log exists to write the rows the worksheets lag on: it cannot go without
    them (`mend_required`), it says it failed, and a later run writes them."""
    repo = make_sheets_repo()
    other_process(repo).commit([ticket("t1", description="eerste")])  # t1 lags
    log_before = standin.values(repo.key, LOG)
    refusing_rows(monkeypatch, repo)
    with pytest.raises(StoreUnavailable, match=r"Invalid requests\[0\]\.updateCells"):
        repo.compact_log(min_age=0)  # Google's reason, told to whoever runs it
    monkeypatch.undo()
    assert "eerste" not in str(standin.values(repo.key, "tickets"))
    assert standin.values(repo.key, LOG) == log_before  # no basis row without the rows
    repo.compact_log(min_age=0)
    assert "eerste" in str(standin.values(repo.key, "tickets"))


@pytest.mark.parametrize("kept", [0, 1], ids=["no value ranges", "one range short"])
def test_an_answer_short_of_ranges_is_a_dutch_error_and_nothing_is_taken(sheets_repo, kept):
    """Fewer value ranges than asked (an answer cut short on its way): the read is
    refused with a message; nothing of it is folded or kept."""
    sheets_repo.commit([ticket("t1")])
    real = sheets_repo._http.values_batch_get

    def cut_short(key, ranges, params=None):
        answer = real(key, ranges, params)
        if kept:
            return {**answer, "valueRanges": answer["valueRanges"][:kept]}
        return {k: v for k, v in answer.items() if k != "valueRanges"}

    fresh = other_process(sheets_repo)
    fresh._http.values_batch_get = cut_short
    with pytest.raises(StoreUnavailable) as refused:
        fresh.read(["tickets"])
    assert str(refused.value) == "De Google Sheet gaf een onvolledig antwoord; probeer opnieuw."
    assert fresh._shared.fold.count == 0
    fresh._http.values_batch_get = real
    assert [r["id"] for r in fresh.read(["tickets"])["tickets"]] == ["t1"]


def test_a_write_refused_for_want_of_access_is_not_retried(make_sheets_repo, monkeypatch):
    """Only a refusal of the worksheet rows is worth another try (the sizes looked up
    again, then the change alone); without edit rights every try fails alike."""
    repo = make_sheets_repo()
    other_process(repo).commit([ticket("t1")])  # t1 lags: this commit writes it along
    tries = []

    def no_access(key, body):
        tries.append(body)
        raise refused(403, "The caller does not have permission")

    monkeypatch.setattr(repo._http, "batch_update", no_access)
    with pytest.raises(OutcomeUnknown):  # the change refused, and the void row as well
        repo.commit([ticket("t2")])
    assert len(tries) == 2


@pytest.mark.parametrize("failure", ["unavailable", "no access"])
def test_after_a_failed_write_a_page_view_asks_the_sheet(
    make_sheets_repo, standin, monkeypatch, failure
):
    """The Sheet failed: the next view shows what the Sheet holds, not this process's memory
    of its last answer (one read of the log; the kept worksheets as they were)."""
    repo = make_sheets_repo()
    repo.worksheet_refresh = 60.0
    repo.commit([ticket("t1")])
    repo.read(["tickets"])  # a page view: the worksheets kept
    if failure == "unavailable":
        standin.inject("503", kind="spreadsheets.batchUpdate", times=10)
    else:

        def no_access(key, body):
            raise refused(403, "The caller does not have permission")

        monkeypatch.setattr(repo._http, "batch_update", no_access)
    with pytest.raises((OutcomeUnknown, StoreUnavailable)):
        repo.commit([ticket("t2")])
    monkeypatch.undo()
    standin.reset_counts()
    assert [t["id"] for t in repo.read(["tickets"])["tickets"]] == ["t1"]
    assert standin.count("values.batchGet") == 1


def test_a_commit_after_someone_shifted_the_log_by_hand_still_gets_its_verdict(
    make_sheets_repo, standin
):
    """A row inserted by hand above the log's rows moves them down: the write's answer no
    longer continues what this process folded, so it reads the log again from the top."""
    repo = make_sheets_repo()
    repo.worksheet_refresh = 60.0
    repo.commit([ticket("t1", description="eerste")])
    (seen,) = repo.read(["tickets"])["tickets"]  # a page view: the next commit reads nothing
    log_id = repo._shared.grid[LOG]["sheetId"]
    span = {"sheetId": log_id, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
    repo._http.batch_update(repo.key, {"requests": [{"insertDimension": {"range": span}}]})
    changed = Update("tickets", "t1", seen["version"], {"description": "tweede"})
    assert repo.commit([changed])[0]["description"] == "tweede"
    for process in (repo, other_process(repo)):
        assert process.get("tickets", "t1")["description"] == "tweede"


# -- growing the worksheets ------------------------------------------------------


def _rows(standin, repo, table: str) -> dict[str, list]:
    return {str(r[0]): r for r in standin.values(repo.key, table)[1:] if r and r[0]}


def test_a_worksheet_one_row_short_grows_by_a_step(make_sheets_repo, standin):
    """Five lagging reports and room for four: the worksheet grows by GROW_ROWS (500)."""
    repo = make_sheets_repo(sheets=tuple(TABLES), rows=5)  # the column names and 4 rows
    other_process(repo).commit([ticket(f"t{i}") for i in range(5)])  # they lag
    repo.commit([ticket("u1")])  # writes t0..t4 along
    assert set(_rows(standin, repo, "tickets")) == {f"t{i}" for i in range(5)}
    assert repo._load_grid()["tickets"]["rowCount"] == 5 + 500


# -- the constructor, the columns of a read, the grid sizes ------------------------


def test_the_pause_between_tries_is_the_one_given(make_sheets_repo, standin):
    """`sleep` is what the retrying client waits with (tests pass a short one)."""
    pauses = []
    repo = SheetsRepository(
        spreadsheet_key=make_sheets_repo().key,
        credentials=AnonymousCredentials(),
        api_root=standin.url,
        sleep=pauses.append,
    )
    standin.inject("503", kind="values.batchGet")
    assert repo.read(["tickets"]) == {"tickets": []}
    assert len(pauses) == 1


def test_a_read_of_some_columns_hands_on_only_those(sheets_repo):
    sheets_repo.commit([ticket("t1", description="eerste", status="new")])
    for live_only in (False, True):
        found = sheets_repo.read(
            ["tickets"], live_only=live_only, columns={"tickets": ["id", "status"]}
        )
        assert found == {"tickets": [{"id": "t1", "status": "new"}]}


def test_an_archive_run_on_a_sheet_set_up_here_asks_no_grid_sizes(sheets_repo, standin):
    """The grid sizes are kept per process (setup looked them up): a run with nothing to
    move is its one read."""
    sheets_repo.commit([ticket("t1")])
    sheets_repo.move_archived()
    standin.reset_counts()
    assert sheets_repo.move_archived() == 0
    assert standin.count("spreadsheets.get") == 0


def test_a_row_mended_in_place_counts_as_written_in_the_copy_kept(
    make_sheets_repo, standin, monkeypatch
):
    """A lagging change to a row the worksheet holds is written at its place; the copy
    kept for the next commits holds it there, so the next action is one request again."""
    repo = make_sheets_repo()
    repo.worksheet_refresh = 60.0
    elsewhere = other_process(repo)
    elsewhere.commit([ticket("t1", description="eerste"), ticket("t2")])
    elsewhere.compact_log(min_age=0)  # both in the worksheet
    first = elsewhere.get("tickets", "t1")
    elsewhere.commit([Update("tickets", "t1", first["version"], {"description": "tweede"})])
    time.sleep(3.1)  # the log's times are whole seconds: t1 lags over 2 s
    other = elsewhere.get("tickets", "t2")
    repo.commit([Update("tickets", "t2", other["version"], {"description": "derde"})])
    assert "tweede" in str(standin.values(repo.key, "tickets"))  # written at its place
    # t1 no longer lags in the copy kept; t2 does, for well under MEND_AFTER.
    monkeypatch.setattr(sheets, "MEND_AFTER", 2.0)
    standin.reset_counts()
    repo.commit([ticket("t3")])
    assert standin.count() == 1
