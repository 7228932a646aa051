"""What a Sheet driver process keeps between requests, checked against the Sheet.

The grid sizes: a process remembers how many rows and columns each worksheet has,
so that a write grows a worksheet only when its rows need it. After a write (or
setup) grew one, the next write must neither grow it again nor be refused.

The change log as folded: a process reads only the log rows after the last one it
folded. Someone may edit the log by hand (the README asks not to): a cleared
header is a clear Dutch error; deleted rows make the process fold the log again
from the top, so it shows what a fresh process shows and misses no later change.
"""

from __future__ import annotations

import pytest

from lib.repository import Redact, StoreUnavailable, Update
from lib.repository.base import complete_row
from lib.repository.sheets_cells import row_cells
from lib.schema import TABLES
from tests.sheets_support import LOG, other_process, ticket

NO_HEADER = (
    "Werkblad '_wijzigingen' ontbreekt of heeft niet de verwachte kopregel. "
    "Voer de installatie (setup) uit."
)


def _ids(repo) -> set[str]:
    return {r["id"] for r in repo.read(["tickets"])["tickets"]}


def _log_rows_by_hand(repo, first: int, last: int) -> None:
    """Someone deletes the log's rows `first`..`last` (numbered from 1)."""
    sheet_id = repo._load_grid()[LOG]["sheetId"]
    span = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": first - 1, "endIndex": last}
    repo._http.batch_update(repo.key, {"requests": [{"deleteDimension": {"range": span}}]})


def _type_in_log(repo, row: int, cells: list) -> None:
    data = [{"range": f"'{LOG}'!A{row}:D{row}", "values": [cells]}]
    repo._http.values_batch_update(repo.key, {"valueInputOption": "RAW", "data": data})


# -- the grid sizes -----------------------------------------------------------------


def test_a_worksheet_grown_for_lagging_rows_is_not_grown_again(make_sheets_repo, standin):
    """Room for four rows; five reports lag: the write grows the worksheet by 500 rows
    (GROW_ROWS), and the next writes fit in that room."""
    repo = make_sheets_repo(sheets=tuple(TABLES), rows=5)
    other_process(repo).commit([ticket(f"t{i}") for i in range(5)])
    repo.commit([ticket("u1")])
    assert standin.size(repo.key, "tickets") == (505, 26)
    repo.commit([ticket("u2")])
    repo.commit([ticket("u3")])
    assert standin.size(repo.key, "tickets") == (505, 26)
    assert _ids(other_process(repo)) == {"t0", "t1", "t2", "t3", "t4", "u1", "u2", "u3"}


def test_a_full_worksheet_grows_by_500_rows_not_by_its_own_size(make_sheets_repo, standin):
    """600 rows, all taken; one report lags: the write adds 500 rows (GROW_ROWS), not
    600 more (cells count towards Google's limit of 10 million a spreadsheet)."""
    repo = make_sheets_repo(sheets=tuple(TABLES), rows=600)
    rows = [
        row_cells("tickets", complete_row("tickets", {"id": f"h{n}", "number": f"H-{n}"}))
        for n in range(599)
    ]
    data = [{"range": "'tickets'!A2", "values": rows}]
    repo._http.values_batch_update(repo.key, {"valueInputOption": "RAW", "data": data})
    other_process(repo).commit([ticket("late")])
    repo.commit([ticket("u1")])  # writes "late" in row 601
    assert standin.size(repo.key, "tickets") == (1100, 26)
    assert standin.values(repo.key, "tickets")[600][0] == "late"


def test_over_500_lagging_rows_get_exactly_the_room_they_need(make_sheets_repo, standin):
    """Room for four rows; 600 reports lag: compact_log grows the worksheet by the 596
    rows missing and writes them all."""
    repo = make_sheets_repo(sheets=tuple(TABLES), rows=5)
    writer = other_process(repo, worksheet_refresh=60.0)  # the log row alone, as the app
    writer.read(["tickets"])
    for batch in range(6):
        writer.commit([ticket(f"t{batch}-{i}") for i in range(100)])
    repo.compact_log(min_age=0)
    assert standin.size(repo.key, "tickets") == (601, 26)
    written = [r[0] for r in standin.values(repo.key, "tickets")[1:] if r]
    assert sorted(written) == sorted(f"t{b}-{i}" for b in range(6) for i in range(100))


def test_a_worksheet_widened_by_setup_is_not_widened_again(make_sheets_repo, standin):
    """Worksheets of 21 columns: setup widens the reports' one to its 22 columns, the
    others stay; writes of that process afterwards widen nothing."""
    assert len(TABLES["tickets"].columns) == 22
    repo = make_sheets_repo(sheets=tuple(TABLES), cols=21)
    assert standin.size(repo.key, "tickets") == (1000, 22)
    repo.commit([ticket("t1", description="eerste")])
    repo.commit([ticket("t2", description="tweede")])
    assert standin.size(repo.key, "tickets") == (1000, 22)
    assert standin.size(repo.key, "events") == (1000, 21)
    found = {r["id"]: r["description"] for r in other_process(repo).read(["tickets"])["tickets"]}
    assert found == {"t1": "eerste", "t2": "tweede"}


# -- the log edited by hand ---------------------------------------------------------


@pytest.mark.parametrize("header", [["", "", "", ""], ["wijziging", "soort", "tijd", "inhoud"]])
def test_a_log_header_cleared_or_changed_by_hand_stops_a_fresh_process(make_sheets_repo, header):
    repo = make_sheets_repo()
    repo.commit([ticket("t1")])
    _type_in_log(repo, 1, header)
    with pytest.raises(StoreUnavailable) as refused:
        other_process(repo).read(["tickets"])
    assert str(refused.value) == NO_HEADER


def test_an_empty_log_worksheet_stops_a_fresh_process(make_sheets_repo):
    repo = make_sheets_repo()
    _type_in_log(repo, 1, ["", "", "", ""])
    with pytest.raises(StoreUnavailable) as refused:
        other_process(repo).read(["tickets"])
    assert str(refused.value) == NO_HEADER


def _three_reports_folded(make_sheets_repo):
    """A process that folded the log to its end (header and three rows) and reads the
    worksheets from the copy it keeps (a page view within worksheet_refresh)."""
    repo = make_sheets_repo()
    for n in (1, 2, 3):
        repo.commit([ticket(f"t{n}", description=f"storing {n}")])
    repo.worksheet_refresh = 60.0
    assert _ids(repo) == {"t1", "t2", "t3"}
    assert repo._shared.fold.count == 4
    return repo


def test_a_log_row_deleted_by_hand_is_noticed_and_no_later_change_missed(make_sheets_repo):
    """The rows move up: the log's row 4 is now the next change, not the last one folded."""
    repo = _three_reports_folded(make_sheets_repo)
    _log_rows_by_hand(repo, 2, 2)
    other_process(repo).commit([ticket("t4")])
    assert _ids(repo) == {"t1", "t2", "t3", "t4"}
    assert _ids(repo) == _ids(other_process(repo))


def test_the_last_log_rows_deleted_by_hand_are_noticed(make_sheets_repo):
    """The log now ends above the row this process would read from. What the deleted
    rows alone held is gone for every process alike (a fresh one is the measure)."""
    repo = _three_reports_folded(make_sheets_repo)
    _log_rows_by_hand(repo, 3, 4)
    shown = _ids(repo)
    assert "t1" in shown
    assert shown == _ids(other_process(repo))
    other_process(repo).commit([ticket("t4")])
    assert _ids(repo) == shown | {"t4"}


def test_a_note_typed_under_the_log_and_cleared_again_costs_no_second_read(
    make_sheets_repo, standin
):
    """A row that is no change (a note) leaves no change id to check the next read by;
    once cleared, the log simply ends there: one request, no fold from the top."""
    repo = _three_reports_folded(make_sheets_repo)
    _type_in_log(repo, 5, ["notitie van de beheerder", "", "", ""])
    assert _ids(repo) == {"t1", "t2", "t3"}
    assert repo._shared.fold.count == 5
    _type_in_log(repo, 5, ["", "", "", ""])
    standin.reset_counts()
    assert _ids(repo) == {"t1", "t2", "t3"}
    assert standin.count("values.batchGet") == 1
    assert repo._shared.fold.count == 5


def test_an_edit_made_after_a_redaction_outlives_the_next_redaction(make_sheets_repo):
    """The purge overwrote a report's description; the report was edited since (a new
    description), then purged of its reporter's name. The log's rewrite takes out only
    the texts a redaction overwrote: the edit made after it stays, for every process.
    (Each read continues from the last row folded, which is already decided.)"""
    repo = make_sheets_repo()
    repo.commit([ticket("t1", description="oud", reporter_name="Anna")])
    repo.commit([Redact("tickets", "t1", {"description": "[verwijderd]"})])
    version = repo.get("tickets", "t1")["version"]
    repo.commit([Update("tickets", "t1", version, {"description": "nieuw"})])
    repo.read(["tickets"])
    repo.commit([Redact("tickets", "t1", {"reporter_name": "[verwijderd]"})])
    for process in (repo, other_process(repo)):
        row = process.get("tickets", "t1")
        assert (row["description"], row["reporter_name"]) == ("nieuw", "[verwijderd]")
