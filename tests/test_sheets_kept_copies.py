"""One request per action on the Sheet (issue 10, point 5; lib/repository/sheets.py).

A commit checks its changes against the worksheets the process read for a page
view less than `worksheet_refresh` ago, instead of reading them again, and sends
its log row alone. What must still hold, as in issue 9: the change log decides
every race, a copy that is behind never refuses what the store allows, no row is
ever written at a position that was not just read (people may sort a worksheet),
and the worksheets catch up: a commit reads and writes the rows that have lagged
for MEND_AFTER, and `compact_log` writes them all.
"""

from __future__ import annotations

import threading
import time

import pytest

from lib.repository import sheets
from lib.repository.base import Conflict, Insert, Update
from tests.flows import Office
from tests.sheets_support import other_process, watched

KEPT = 60.0  # the app's worksheet_refresh (WORKSHEET_REFRESH)


@pytest.fixture
def pair(make_sheets_repo):
    """Two processes on one Sheet, both keeping their worksheets as the app does."""
    first = make_sheets_repo()
    first.worksheet_refresh = KEPT
    return first, other_process(first, worksheet_refresh=KEPT)


def sheet_rows(standin, repo, table: str) -> list[list]:
    """The worksheet's own data rows with an id, as the cells hold them (the log left out)."""
    return [r for r in standin.values(repo.key, table)[1:] if r and r[0]]


def sheet_ids(standin, repo, table: str) -> list[str]:
    return [str(r[0]) for r in sheet_rows(standin, repo, table)]


def counted(standin, action):
    standin.reset_counts()
    result = action()
    return result, standin.count(), standin.count("values.batchGet")


def retold(repo, ticket: dict, text: str) -> dict:
    """A one-change action on a report as the user saw it."""
    change = Update("tickets", ticket["id"], ticket["version"], {"description": text})
    return repo.commit([change])[0]


def test_an_action_after_a_view_is_one_request(pair, standin):
    repo, _ = pair
    ticket = Office(repo).submit()
    (seen,) = repo.read(["tickets"])["tickets"]  # the page view
    time.sleep(1.1)  # the report's rows lag a second behind the log: far from MEND_AFTER
    _, requests, reads = counted(standin, lambda: retold(repo, seen, "Printer hapert"))
    assert (requests, reads) == (1, 0)
    assert other_process(repo).get("tickets", ticket["id"])["description"] == "Printer hapert"


def test_such_a_write_sends_the_log_row_only(pair, standin):
    """Nothing lands in a worksheet at a position this process did not just read."""
    repo, _ = pair
    Office(repo).submit()
    (seen,) = repo.read(["tickets"])["tickets"]
    before = sheet_rows(standin, repo, "tickets")
    retold(repo, seen, "Printer hapert")
    assert sheet_rows(standin, repo, "tickets") == before


def test_a_copy_older_than_the_refresh_time_is_read_again(make_sheets_repo, standin):
    repo = make_sheets_repo()
    repo.worksheet_refresh = 0.3
    ticket = Office(repo).submit()
    repo.read(["tickets"])
    time.sleep(0.4)
    _, requests, reads = counted(standin, lambda: retold(repo, ticket, "Later"))
    assert (requests, reads) == (2, 1)


def test_rows_that_lagged_long_enough_are_read_and_written(pair, standin, monkeypatch):
    repo, _ = pair
    office = Office(repo)
    first, second = office.submit(), office.submit()
    repo.read(["tickets"])
    retold(repo, first, "Eerste")  # one request: the worksheet lags
    assert "Eerste" not in str(sheet_rows(standin, repo, "tickets"))
    monkeypatch.setattr(sheets, "MEND_AFTER", 0.5)
    time.sleep(3.1)  # the log row's time is in whole seconds: well past MEND_AFTER
    setting = Insert("settings", {"id": "s-1", "key": "cache_seconds", "value": "10"})
    change = Update("tickets", second["id"], second["version"], {"description": "Tweede"})
    # The reports' worksheet lags; the settings' does not: the commit reads all the same.
    (second, _), requests, reads = counted(standin, lambda: repo.commit([change, setting]))
    assert (requests, reads) == (2, 1)
    assert "Eerste" in str(sheet_rows(standin, repo, "tickets"))  # the lagging row, written
    # That commit's read is the copy from now on: "Eerste" (3 s old, past MEND_AFTER now)
    # no longer lags there; "Tweede" (just now) does, within MEND_AFTER: one request again.
    monkeypatch.setattr(sheets, "MEND_AFTER", 2.0)
    _, requests, reads = counted(standin, lambda: retold(repo, second, "Derde"))
    assert (requests, reads) == (1, 0)


def test_a_copy_that_is_behind_does_not_refuse_what_the_store_allows(pair, standin):
    """Their new report is not in my copy yet: my change to it is checked on a fresh read."""
    mine, theirs = pair
    Office(mine).snap()
    ticket = Office(theirs).submit()
    ranges = watched(mine)
    changed, requests, reads = counted(standin, lambda: retold(mine, ticket, "Printer hapert"))
    assert (changed["description"], requests, reads) == ("Printer hapert", 2, 1)
    assert ranges[-1][0][0] == "'tickets'"  # the live worksheet, not its (larger) archive
    assert other_process(theirs).get("tickets", ticket["id"])["description"] == "Printer hapert"


def test_a_row_missing_from_a_copy_is_looked_up_before_it_is_refused(pair, standin):
    """A setting they added is not in my copy: not 'not found', but checked on a read."""
    mine, theirs = pair
    mine.read(["settings"])
    (added,) = theirs.commit(
        [Insert("settings", {"id": "s-cache", "key": "cache_seconds", "value": "10"})]
    )
    (changed,), requests, reads = counted(
        standin,
        lambda: mine.commit([Update("settings", "s-cache", added["version"], {"value": "20"})]),
    )
    assert (changed["value"], requests, reads) == ("20", 2, 1)


def test_a_conflict_the_log_decides_is_final(pair, standin):
    """My copy says version 1; their change came first in the log: mine is refused."""
    mine, theirs = pair
    ticket = Office(mine).submit()
    mine.read(["tickets"])
    retold(theirs, ticket, "Eerst")
    standin.reset_counts()
    with pytest.raises(Conflict):
        retold(mine, ticket, "Later")
    assert standin.count() == 1  # decided by the log row's answer, not read or written again
    assert other_process(mine).get("tickets", ticket["id"])["description"] == "Eerst"


def test_a_worksheet_sorted_by_hand_loses_nothing(pair, standin):
    """Someone sorts the reports worksheet between my page view and my action."""
    mine, _ = pair
    office = Office(mine)
    tickets = [office.submit(description=f"Storing {n}") for n in range(4)]
    mine.compact_log(min_age=0)  # every row now only in the worksheet (the log summarised)
    mine.read(["tickets"])  # the page view
    rows = standin.values(mine.key, "tickets")
    width = max(len(r) for r in rows)
    backwards = [rows[0]] + [r + [""] * (width - len(r)) for r in reversed(rows[1:])]
    mine._http.values_update(
        mine.key, "'tickets'!A1", {"valueInputOption": "RAW"}, {"values": backwards}
    )
    retold(mine, tickets[0], "Hersteld na sorteren")
    office.submit(description="Nog een storing")
    mine.compact_log(min_age=0)
    stored = {t["id"]: t for t in other_process(mine).read(["tickets"])["tickets"]}
    assert len(stored) == 5
    assert stored[tickets[0]["id"]]["description"] == "Hersteld na sorteren"
    for ticket in tickets[1:]:
        assert stored[ticket["id"]]["description"] == ticket["description"]
    assert sorted(sheet_ids(standin, mine, "tickets")) == sorted(stored)


def test_two_processes_taking_turns_keep_every_row_once(pair, standin):
    """No worksheet row is ever taken out or written twice, and after the log is
    compacted the worksheets hold exactly the rows the store reads."""
    mine, theirs = pair
    offices = [Office(mine), Office(theirs)]
    seen: dict[str, set[str]] = {t: set() for t in ("tickets", "events", "messages")}
    for turn in range(12):
        office = offices[(turn // 2) % 2]  # two in a row each: kept copies get used
        ticket = office.submit()
        if turn % 3 == 0:
            office.triage(ticket, urgent=False)
        for table, before in seen.items():
            now = sheet_ids(standin, mine, table)
            assert len(now) == len(set(now)), f"{table}: a row twice in the worksheet"
            assert before <= set(now), f"{table}: rows taken out: {before - set(now)}"
            seen[table] = set(now)
    mine.compact_log(min_age=0)
    stored = mine.read(list(seen))
    for table in seen:
        assert sorted(sheet_ids(standin, mine, table)) == sorted(r["id"] for r in stored[table])


def test_threads_of_one_process_writing_at_once_keep_every_row_once(make_sheets_repo, standin):
    repo = make_sheets_repo()
    repo.worksheet_refresh = KEPT
    Office(repo).snap()
    made, errors = [], []

    def user() -> None:
        office = Office(repo)
        try:
            for _ in range(4):
                made.append(office.submit()["id"])
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=user) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(made) == 16
    in_sheet = sheet_ids(standin, repo, "tickets")
    assert len(in_sheet) == len(set(in_sheet))
    repo.compact_log(min_age=0)
    assert sorted(sheet_ids(standin, repo, "tickets")) == sorted(made)


@pytest.mark.parametrize("kept", [True, False], ids=["kept-copy", "read-first"])
def test_a_retried_save_keeps_the_first_rows_and_adds_what_is_new(make_sheets_repo, kept):
    """Melden again after an unsure answer: the report made the first time is kept as it
    was, and only what was not saved yet is added."""
    repo = make_sheets_repo()
    repo.worksheet_refresh = KEPT if kept else 0.0
    first = ticket_insert("t-retry", "Eerste melding")
    (made,) = repo.commit([first])
    repo.read(["tickets", "settings"])
    again = ticket_insert("t-retry", "Tweede poging")
    setting = Insert("settings", {"id": "s-2", "key": "cache_seconds", "value": "10"})
    kept_ticket, added = repo.commit([again, setting])
    assert kept_ticket == made and kept_ticket["description"] == "Eerste melding"
    assert added["value"] == "10"
    assert other_process(repo).get("settings", "s-2")["value"] == "10"


def ticket_insert(ticket_id: str, description: str) -> Insert:
    row = {"id": ticket_id, "description": description, "status": "nieuw"}
    return Insert("tickets", row, number_prefix="KIV-2026-")
