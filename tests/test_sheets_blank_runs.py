"""Issue 10 on the Sheet: a re-read does not pay for the blank rows the archive left.

The archive's move blanks the rows of archived reports in the live worksheets
(lib/repository/sheets_archive.py); after a first large move they are most of a
worksheet, 3 bytes each in every answer. A process that saw long blank runs in
its last read asks for the rows after them in ranges of their own, whose
trailing blank rows Google leaves out. Whatever happened to the worksheet since
(rows added, typed by hand, sorted, deleted), that read must give exactly what a
whole read gives: the same rows at the same positions, the same blank rows to
reuse, the same next row.
"""

from __future__ import annotations

import pytest

from lib.repository import Insert, StoreUnavailable, Update
from lib.repository.base import complete_row
from lib.repository.sheets_cells import column_letter, quote, row_cells
from lib.repository.sheets_ranges import even_splits, row_splits
from lib.schema import MAIL_TEXTS, TABLES
from tests.sheets_support import other_process, ticket, watched

# The worksheet as the archive may leave it: rows with data and runs of blank rows.
LAYOUT = [("data", 5), ("blank", 300), ("data", 10), ("blank", 100)]
LAYOUT += [("data", 3), ("blank", 20), ("data", 2)]
LONG_BLANKS = 400  # the runs of 300 and 100
# Reports, read whole; and mails as a page view reads them (their texts left out:
# one range per run of the other columns).
WORKSHEETS = [("tickets", frozenset()), ("messages", frozenset(MAIL_TEXTS))]


def _row(table: str, number: int) -> list:
    values = {"id": f"r{number:04d}"}
    if table == "tickets":
        values |= {"number": f"KIV-2026-{number:04d}", "description": f"Storing {number}"}
    else:
        values |= {"ticket_id": f"t{number:04d}", "subject": f"Melding {number}"}
        values |= {"body": f"Tekst {number}", "html_body": f"<p>Tekst {number}</p>"}
    return row_cells(table, complete_row(table, values))


def _write(repo, table: str, first: int, rows: list[list]) -> None:
    data = [{"range": f"{quote(table)}!A{first}", "values": rows}]
    repo._http.values_batch_update(repo.key, {"valueInputOption": "RAW", "data": data})


def _lay_out(repo, table: str) -> None:
    """LAYOUT from row 2; the row numbered n (from 1) holds row rn when it has data."""
    width, number, rows = len(_row(table, 1)), 1, []
    for kind, count in LAYOUT:
        for _ in range(count):
            rows.append(_row(table, number) if kind == "data" else [""] * width)
            number += 1
    _write(repo, table, 2, rows)


def _whole(repo, table: str, omitted: frozenset) -> tuple:
    """What a process that never read this Sheet gets: the worksheet read whole."""
    return _parsed(other_process(repo), table, omitted)


def _parsed(repo, table: str, omitted: frozenset, *also: str) -> tuple:
    """The worksheet as this process reads it (with `also`, in the same request)."""
    sheets, _ = repo._fetch([table, *also], omit={table: omitted})
    sheet = sheets[table]
    return sheet.rows, sheet.position, sheet.free, sheet.next_row


def _ranges_of(seen, table: str) -> list[str]:
    ranges, _ = seen[-1]
    return [r for r in ranges if r.startswith(quote(table))]


def _add_rows_elsewhere(repo, table: str) -> None:
    """Another process adds three rows: they fill the first blank rows."""
    if table == "tickets":
        new = [ticket(f"new{i}", description=f"Nieuw {i}") for i in range(3)]
    else:
        new = [Insert("messages", {"id": f"new{i}", "body": f"Nieuw {i}"}) for i in range(3)]
    other_process(repo).commit(new)


def _type_rows_by_hand(repo, table: str) -> None:
    """Someone pastes rows into the middle of a blank run and on its last row."""
    _write(repo, table, 200, [_row(table, 9001)])
    _write(repo, table, 416, [_row(table, 9002)])


def _sort_by_hand(repo, table: str) -> None:
    """Someone sorts the worksheet on its first column, descending: blank rows go last."""
    values = repo._http.values_batch_get(repo.key, [quote(table)])["valueRanges"][0]["values"]
    width = len(values[0])
    filled = sorted((r for r in values[1:] if r), reverse=True)
    blanks = [[""] * width for _ in range(len(values) - 1 - len(filled))]
    _write(repo, table, 2, [r + [""] * (width - len(r)) for r in filled] + blanks)


def _delete_rows_by_hand(repo, table: str) -> None:
    """Someone deletes rows 100 to 700: the worksheet is shorter than the ranges asked."""
    sheet_id = repo._load_grid()[table]["sheetId"]
    span = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 99, "endIndex": 700}
    repo._http.batch_update(repo.key, {"requests": [{"deleteDimension": {"range": span}}]})


def _nothing(repo, table: str) -> None:
    pass


@pytest.mark.parametrize(
    "since", [_nothing, _add_rows_elsewhere, _type_rows_by_hand, _sort_by_hand]
)
@pytest.mark.parametrize(("table", "omitted"), WORKSHEETS)
def test_a_read_past_the_blank_runs_gets_what_a_whole_read_gets(sheets_repo, table, omitted, since):
    _lay_out(sheets_repo, table)
    seen = watched(sheets_repo)
    first = _parsed(sheets_repo, table, omitted)  # this process learns where the blanks are
    asked_first = len(_ranges_of(seen, table))
    assert len(first[0]) == sum(count for kind, count in LAYOUT if kind == "data")
    since(sheets_repo, table)
    again = _parsed(sheets_repo, table, omitted)
    assert len(_ranges_of(seen, table)) > asked_first, "not split after the blank runs"
    assert again == _whole(sheets_repo, table, omitted)
    if not omitted:
        assert sheets_repo.read([table]) == other_process(sheets_repo).read([table])


@pytest.mark.parametrize(("table", "omitted"), WORKSHEETS)
def test_rows_deleted_by_hand_cost_one_more_read_not_an_error(sheets_repo, standin, table, omitted):
    """Google refuses a range beyond the grid: the read is made again whole."""
    _lay_out(sheets_repo, table)
    _parsed(sheets_repo, table, omitted)
    _delete_rows_by_hand(sheets_repo, table)
    standin.reset_counts()
    again = _parsed(sheets_repo, table, omitted, "locations")  # one without blank runs
    assert standin.count("values.batchGet") == 2
    assert again == _whole(sheets_repo, table, omitted)
    standin.reset_counts()
    _parsed(sheets_repo, table, omitted)
    assert standin.count("values.batchGet") == 1


def test_a_refusal_after_a_split_read_is_given_at_once(sheets_repo, standin):
    """Only a range beyond the grid makes the read start again whole: Google refusing
    the Sheet (its owner stopped sharing it) is told the user after one request."""
    _lay_out(sheets_repo, "tickets")
    _parsed(sheets_repo, "tickets", frozenset())
    standin.unshare(sheets_repo.key)
    standin.reset_counts()
    with pytest.raises(StoreUnavailable, match="Geen toegang"):
        _parsed(sheets_repo, "tickets", frozenset())
    assert standin.count("values.batchGet") == 1


@pytest.mark.parametrize(("table", "omitted"), WORKSHEETS)
def test_a_re_read_does_not_pay_for_long_blank_runs(sheets_repo, table, omitted):
    _lay_out(sheets_repo, table)
    seen = watched(sheets_repo)
    _parsed(sheets_repo, table, omitted)
    _parsed(sheets_repo, table, omitted)
    (_, whole_bytes), (_, split_bytes) = seen
    # Each blank row costs at least 2 bytes ("[]") in a whole read.
    assert whole_bytes - split_bytes >= 2 * LONG_BLANKS, (whole_bytes, split_bytes)


def test_a_change_after_a_split_read_is_written_in_its_own_row(sheets_repo, standin):
    """Positions come from the split read: the row changed is the row written."""
    _lay_out(sheets_repo, "tickets")
    sheets_repo.read(["tickets"])
    row = sheets_repo.get("tickets", "r0310")
    sheets_repo.commit([Update("tickets", row["id"], row["version"], {"description": "Anders"})])
    sheets_repo.compact_log(min_age=0)  # the worksheet brought up to date with the log
    values = standin.values(sheets_repo.key, "tickets")
    assert values[310][0] == "r0310"  # row 311: the 310th row after the header
    assert "Anders" in values[310]
    assert [r[0] for r in values[1:] if r and r[0]].count("r0310") == 1


def _after_a_first_move(repo, table: str) -> None:
    """A worksheet of 6,000 grid rows as a first archive move leaves it: years of
    history blanked, the open work in the first rows and near its end."""
    sheet_id = repo._load_grid()[table]["sheetId"]
    more = 6000 - repo._load_grid()[table]["rowCount"]
    grow = {"appendDimension": {"sheetId": sheet_id, "dimension": "ROWS", "length": more}}
    repo._http.batch_update(repo.key, {"requests": [grow]})
    _write(repo, table, 2, [_row(table, n) for n in range(1, 6)])
    _write(repo, table, 5900, [_row(table, n) for n in range(5899, 5960)])


@pytest.mark.parametrize(("table", "omitted"), WORKSHEETS)
def test_a_fresh_processs_first_read_skips_the_blank_stretches_of_a_first_move(
    sheets_repo, table, omitted
):
    """A process that has not read the worksheet yet but knows its grid (setup loads
    it at start) reads it in five equal stretches: the three wholly blank ones (rows
    1,201 to 4,800) cost their names only, and it gets what a whole read gets."""
    _after_a_first_move(sheets_repo, table)
    fresh = other_process(sheets_repo)
    fresh.setup()  # as the app does at start (lib/ui/outage.py)
    seen = watched(fresh)
    first = _parsed(fresh, table, omitted)
    unknowing = other_process(sheets_repo)  # no grid: the worksheet read whole
    seen_whole = watched(unknowing)
    assert first == _parsed(unknowing, table, omitted)
    assert len(first[0]) == 5 + 61
    runs = len(seen[0][0]) // 5  # one range per stretch for each run of columns
    assert len(seen[0][0]) == 5 * runs + 1  # and the log's
    saved = seen_whole[0][1] - seen[0][1]
    assert saved >= 2 * 3 * 1200 * runs, saved  # at least 2 bytes a blank row


@pytest.mark.parametrize(("table", "omitted"), WORKSHEETS)
def test_a_grid_shrunk_by_hand_since_setup_costs_one_more_read(
    sheets_repo, standin, table, omitted
):
    """Setup saw 6,000 rows; someone deleted most since: Google refuses the stretches
    beyond the grid, and the read is made again whole, once."""
    _after_a_first_move(sheets_repo, table)
    fresh = other_process(sheets_repo)
    fresh._load_grid()
    _delete_rows_by_hand(fresh, table)
    sheet_id = fresh._load_grid()[table]["sheetId"]
    span = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 1000, "endIndex": 5000}
    fresh._http.batch_update(fresh.key, {"requests": [{"deleteDimension": {"range": span}}]})
    fresh._shared.grid[table]["rowCount"] = 6000  # as setup saw it, before the deletions
    standin.reset_counts()
    got = _parsed(fresh, table, omitted)
    assert standin.count("values.batchGet") == 2
    assert got == _whole(sheets_repo, table, omitted)
    assert len(got[0]) == 5 + 61
    standin.reset_counts()
    assert _parsed(fresh, table, omitted) == got
    assert standin.count("values.batchGet") == 1


def test_a_worksheet_not_read_yet_is_cut_in_five_equal_stretches_from_5000_rows():
    """sheets_ranges.even_splits: the rows a range begins at in a worksheet of that
    many grid rows (row 1 begins the first)."""
    assert even_splits(4999) == ()
    assert even_splits(5000) == (1001, 2001, 3001, 4001)
    assert even_splits(6000) == (1201, 2401, 3601, 4801)
    assert even_splits(6004) == (1201, 2401, 3601, 4801)


def test_only_the_longest_runs_of_many_blank_rows_get_a_range():
    """sheets_ranges.row_splits: a range begins after each of the 4 longest runs of at
    least 64 blank rows (a shorter run costs less read than a range of its own)."""
    runs = [(10, 63), (100, 64), (200, 500), (800, 70), (900, 80), (1000, 90), (1200, 5)]
    free = [n for first, length in runs for n in range(first, first + length)]
    # By length: 500 (row 200), 90 (row 1000), 80 (row 900), 70 (row 800); 64 is 5th.
    assert row_splits(free) == (700, 870, 980, 1090)
    assert row_splits([]) == ()
    assert row_splits(list(range(10, 74))) == (74,)  # 64 rows, the last run
    assert row_splits(list(range(10, 73))) == ()


def test_column_letters_are_a1s_and_a_column_before_a_is_refused():
    """The ranges name columns as A1 notation does: A to Z, then AA, AB, ... AZ, BA."""
    letters = {1: "A", 26: "Z", 27: "AA", 52: "AZ", 53: "BA", 702: "ZZ", 703: "AAA"}
    assert {n: column_letter(n) for n in letters} == letters
    for wrong in (0, -1):
        with pytest.raises(ValueError):
            column_letter(wrong)


def test_a_number_typed_by_hand_in_a_text_cell_reads_as_stored(sheets_repo):
    """A number someone types into a text cell of the Sheet (a measured figure in a
    description) is read as stored, not as the Sheet displays it: the display rounds
    to 10 significant digits."""
    _lay_out(sheets_repo, "tickets")
    column = TABLES["tickets"].column_names.index("description")
    cell = f"'tickets'!{column_letter(column + 1)}2"
    data = [{"range": cell, "values": [["1234.567890123"]]}]
    body = {"valueInputOption": "USER_ENTERED", "data": data}
    sheets_repo._http.values_batch_update(sheets_repo.key, body)
    assert sheets_repo.get("tickets", "r0001")["description"] == "1234.567890123"
