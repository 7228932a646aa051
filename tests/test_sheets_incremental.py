"""The Sheet driver's incremental read (issue 10, points 1 and 5, from the change log of
issue 9): a page view within `worksheet_refresh` asks only for the log rows it has not
seen, so its size follows what changed, not the history; a hand edit in a worksheet
shows at the next full read."""

from __future__ import annotations

import time

from lib.repository.sheets_log import TITLE as LOG
from tests.flows import Office
from tests.sheets_support import other_process, ticket, watched


def test_a_page_view_reads_only_the_new_log_rows(make_sheets_repo, standin):
    writer = make_sheets_repo()
    office = Office(writer)
    reader = other_process(writer)
    reader.worksheet_refresh = 60.0
    seen = watched(reader)
    tables = ["tickets", "events", "messages"]
    reader.read(tables)  # the first view reads everything once: live, archive and log
    assert len(seen[-1][0]) == 2 * len(tables) + 1
    sizes = []
    for history in (5, 30):
        while len(writer.read(["tickets"])["tickets"]) < history:
            office.submit()
        reader.read(tables)  # catch up
        office.submit()  # one new report since the last view
        standin.reset_counts()
        rows = reader.read(tables)
        assert standin.count() == standin.count("values.batchGet") == 1
        ranges, size = seen[-1]
        assert len(ranges) == 1 and ranges[0].startswith(f"'{LOG}'!")  # only the log
        assert len(rows["tickets"]) == history + 1  # and the other process's report is there
        sizes.append(size)
    full = reader._fetch(tables)  # for comparison: what a full read costs now
    assert full and sizes[1] < 1.2 * sizes[0]  # flat in history
    assert sizes[1] * 10 < seen[-1][1]  # a fraction of the whole store


def test_a_hand_edit_shows_at_the_next_full_read(make_sheets_repo, standin):
    writer = make_sheets_repo()
    office = Office(writer)
    ticket = office.submit()
    writer.compact_log()  # the worksheet holds the row the person edits
    reader = other_process(writer)
    reader.worksheet_refresh = 0.3
    reader.read(["tickets"])
    header = standin.values(writer.key, "tickets")[0]
    cell = chr(ord("A") + header.index("description")) + "2"
    writer._http.values_update(
        writer.key, f"'tickets'!{cell}", {"valueInputOption": "RAW"}, {"values": [["Hersteld"]]}
    )
    assert reader.read(["tickets"])["tickets"][0]["description"] == ticket["description"]
    time.sleep(0.4)
    assert reader.read(["tickets"])["tickets"][0]["description"] == "Hersteld"


def test_the_view_after_ones_own_write_is_served_from_its_answer(
    make_sheets_repo, standin, monkeypatch
):
    """Issue 10 point 5: the read after one's own write does not ask the Sheet again;
    a view later than LOG_FRESH reads the new log rows (others' changes) as before."""
    from lib.repository import sheets

    monkeypatch.setattr(sheets, "LOG_FRESH", 0.5)
    repo = make_sheets_repo()
    repo.worksheet_refresh = 60.0
    office = Office(repo)
    tables = ["tickets", "events", "messages"]
    repo.read(tables)
    ticket = office.submit()  # the check read and the write
    standin.reset_counts()
    rows = repo.read(tables)
    assert standin.count() == 0  # served from the write's answer
    assert ticket["id"] in {t["id"] for t in rows["tickets"]}
    others = other_process(repo)
    theirs = Office(others).submit()
    time.sleep(0.6)
    standin.reset_counts()
    rows = repo.read(tables)
    assert standin.count() == standin.count("values.batchGet") == 1  # the new log rows
    assert theirs["id"] in {t["id"] for t in rows["tickets"]}


def test_only_the_one_view_after_ones_own_write_is_served_from_memory(make_sheets_repo):
    """Also when that view had to read the worksheets (not kept yet): the next view asks
    the Sheet, so another process's change made meanwhile shows at once."""
    repo = make_sheets_repo()
    repo.worksheet_refresh = 60.0
    repo.commit([ticket("t1")])
    assert [r["id"] for r in repo.read(["tickets"])["tickets"]] == ["t1"]
    other_process(repo).commit([ticket("t2")])
    assert sorted(r["id"] for r in repo.read(["tickets"])["tickets"]) == ["t1", "t2"]
