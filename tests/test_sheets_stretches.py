"""Overzicht's archived part read from the Sheet in requests of a bounded size (issue 10).

`read_each` and `read_batches` (lib/repository/sheets_stretches.py) read a table's
live worksheet with the log, then its archive worksheet in stretches of rows, each
answer aimed at STRETCH_BYTES (the real aim is Google's 2 MB; small here so a
handful of reports takes several requests). What they give must be every row of
the store once, as one read gives it, also when the archive worksheet changes
between two of those requests.
"""

from __future__ import annotations

import json
import re

import pytest

from lib import reports
from lib.repository import StoreUnavailable, sheets_stretches
from lib.repository.sheets_cells import quote
from lib.schema import TABLES
from tests.flows import Office
from tests.sheets_support import other_process
from tests.test_sheets_archive import _archive, _finished_reports

TARGET = 1_500  # bytes per answer in these tests
REAL_STRETCH_BYTES = sheets_stretches.STRETCH_BYTES
NAMES = list(reports.FRAME_ORDER)


@pytest.fixture
def small_stretches(monkeypatch):
    monkeypatch.setattr(sheets_stretches, "STRETCH_BYTES", TARGET)


@pytest.fixture
def history(sheets_repo, small_stretches):
    """Eight reports solved and archived, two open; every row of the store as it was
    read before the archive run (ids: the archive only sets `archived_at`)."""
    office = Office(sheets_repo)
    _finished_reports(office, 8)
    office.submit()
    office.waiting()
    before = sheets_repo.read(NAMES)
    _archive(office)
    return {name: sorted(r["id"] for r in rows) for name, rows in before.items()}


def answers(repo) -> list[tuple[list[str], int, int]]:
    """Every batchGet of `repo`: its ranges, the bytes of its answer and the rows of
    its first range."""
    seen, real = [], repo._http.values_batch_get

    def batch_get(key, ranges, params=None):
        answer = real(key, ranges, params)
        rows = len(answer["valueRanges"][0].get("values", []))
        seen.append((list(ranges), len(json.dumps(answer)), rows))
        return answer

    repo._http.values_batch_get = batch_get
    return seen


def _swap_rows_by_hand(repo, title: str, a: int, b: int) -> None:
    """Someone cuts row `b` and pastes it over row `a`, and the other way round."""
    values = repo._http.values_batch_get(repo.key, [quote(title)])["valueRanges"][0]["values"]
    width = len(values[0])
    for row, cells in ((a, values[b - 1]), (b, values[a - 1])):
        repo._http.values_update(
            repo.key,
            f"{quote(title)}!A{row}",
            {"valueInputOption": "RAW"},
            {"values": [cells + [""] * (width - len(cells))]},
        )


def stretched(repo) -> dict[str, list[dict]]:
    return dict(repo.read_each(NAMES, columns=reports.COLUMNS))


def test_each_table_in_stretches_is_every_row_once_as_one_read_gives_it(sheets_repo, history):
    fresh = other_process(sheets_repo)
    fresh._load_grid()  # as the app's setup at start
    seen = answers(fresh)
    got = stretched(fresh)
    assert {n: sorted(r["id"] for r in rows) for n, rows in got.items()} == history
    assert got == other_process(sheets_repo).read(NAMES, columns=reports.COLUMNS)
    # The first request reads the live worksheets and the log, as any first read
    # does, with the first stretch of each archive worksheet; then the stretches.
    assert sum("_wijzigingen" in " ".join(ranges) for ranges, _, _ in seen) == 1
    events = [r for r in seen[1:] if any("events_archief" in name for name in r[0])]
    assert len(events) >= 3  # the archived events took several requests
    # ... and not many more than their bytes need
    assert len(events) <= sum(size for _, size, _ in events) / TARGET * 1.5 + 2
    assert all(size < 2 * TARGET for _, size, _ in events), [size for _, size, _ in events]
    # The grid's spare rows below the last row are asked for once, to the end.
    asked_rows = [_rows(ranges[0]) for ranges, _, _ in events]
    assert asked_rows[-1] is None and None not in asked_rows[:-1]
    assert [got for _, _, got in events[:-2]] == asked_rows[:-2]
    asked = {letter for ranges, _, _ in events for r in ranges for letter in _columns(r)}
    names = TABLES["events"].column_names
    assert asked == {"ABCDEFGHIJK"[names.index(c)] for c in reports.COLUMNS["events"]}
    assert all(set(rows[0]) == set(reports.COLUMNS[name]) for name, rows in got.items() if rows)


def _rows(a1: str) -> int | None:
    """How many rows a range such as 'events_archief'!A5:E12 asks for; None: to the end."""
    first, last = re.search(r"!A(\d+):[A-Z](\d*)$", a1).groups()
    return int(last) - int(first) + 1 if last else None


def _columns(a1: str) -> set[str]:
    """The column letters of a range such as 'events_archief'!A5:E12 (A to K)."""
    span = a1.split("!")[1]
    left, right = (span.split(":") + [span])[:2]
    letters = "ABCDEFGHIJK"
    return set(letters[letters.index(left[0]) : letters.index(right[0]) + 1])


def test_events_in_batches_are_the_rows_of_one_read_in_its_order(sheets_repo, history):
    fresh = other_process(sheets_repo)
    columns = reports.COLUMNS["events"]
    batches = list(fresh.read_batches("events", columns, size=7))
    assert all(len(b) == 7 for b in batches[:-1]) and 0 < len(batches[-1]) <= 7
    whole = other_process(sheets_repo).read(["events"], columns={"events": columns})["events"]
    assert [r for b in batches for r in b] == whole
    assert sorted(r["id"] for r in whole) == history["events"]


def _after_the_first_stretch(repo, title: str, act, nth: int = 1) -> None:
    """Run `act` once, just after the `nth` request that asks for `title`."""
    real, done, asked = repo._batch_get, [], []

    def batch_get(ranges, *params):
        found = real(ranges, *params)
        if any(r.startswith(quote(title) + "!") for r in ranges):
            asked.append(True)
            if len(asked) == nth:
                done.append(True)
                act()
        return found

    repo._batch_get = batch_get
    return done


def _sort_by_hand(repo, title: str) -> None:
    """Someone sorts the worksheet on its first column, descending."""
    values = repo._http.values_batch_get(repo.key, [quote(title)])["valueRanges"][0]["values"]
    width = len(values[0])
    rows = sorted((r + [""] * (width - len(r)) for r in values[1:]), reverse=True)
    repo._http.values_update(
        repo.key, f"{quote(title)}!A2", {"valueInputOption": "RAW"}, {"values": rows}
    )


def _insert_a_row_by_hand(repo, title: str) -> None:
    """Someone inserts a blank row under the header: every row moves one down."""
    sheet_id = repo._load_grid()[title]["sheetId"]
    span = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
    repo._http.batch_update(repo.key, {"requests": [{"insertDimension": {"range": span}}]})


def _delete_a_row_by_hand(repo, title: str) -> None:
    """Someone deletes the first row under the header: every row moves one up."""
    sheet_id = repo._load_grid()[title]["sheetId"]
    span = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
    repo._http.batch_update(repo.key, {"requests": [{"deleteDimension": {"range": span}}]})


@pytest.mark.parametrize(
    ("change", "lost"),
    [(_sort_by_hand, 0), (_insert_a_row_by_hand, 0), (_delete_a_row_by_hand, 1)],
)
def test_an_archive_worksheet_changed_by_hand_between_two_stretches_loses_nothing(
    sheets_repo, history, change, lost
):
    fresh = other_process(sheets_repo)
    fresh._load_grid()
    done = _after_the_first_stretch(
        fresh, "events_archief", lambda: change(sheets_repo, "events_archief")
    )
    got = stretched(fresh)
    assert done
    ids = [r["id"] for r in got["events"]]
    now = other_process(sheets_repo).read(["events"])["events"]
    assert len(now) == len(history["events"]) - lost
    assert len(set(ids)) == len(ids)  # none twice
    assert {r["id"] for r in now} <= set(ids) <= set(history["events"])  # none missed
    whole = other_process(sheets_repo).read(["events"], columns=reports.COLUMNS)["events"]
    assert got["events"] == whole  # in the order of the worksheets as they are now


def test_reports_archived_between_the_live_read_and_the_archive_are_read_once(sheets_repo, history):
    office = Office(sheets_repo)
    later = _finished_reports(office, 2)
    expected = sorted(history["tickets"] + [t["id"] for t in later])
    fresh = other_process(sheets_repo)
    fresh._load_grid()
    done = _after_the_first_stretch(fresh, "tickets", lambda: _archive(office))
    got = dict(fresh.read_each(["tickets"], columns=reports.COLUMNS))["tickets"]
    assert done  # the live worksheet was read before the run, the archive after
    assert sorted(t["id"] for t in got) == expected
    assert {t["id"] for t in got if t["archived_at"]} >= {t["id"] for t in later}


def _shrink_to_its_rows(repo, title: str) -> int:
    """Someone deletes the spare rows below the last one: the grid is full."""
    values = repo._http.values_batch_get(repo.key, [quote(title)])["valueRanges"][0]["values"]
    grid = repo._load_grid()[title]
    span = {"sheetId": grid["sheetId"], "dimension": "ROWS"}
    span |= {"startIndex": len(values), "endIndex": grid["rowCount"]}
    repo._http.batch_update(repo.key, {"requests": [{"deleteDimension": {"range": span}}]})
    return len(values)


@pytest.mark.parametrize("first_rows", [4, 100])
def test_a_grid_larger_than_the_worksheet_now_reads_the_table_whole_once(
    sheets_repo, history, monkeypatch, first_rows
):
    """This process saw more archive rows than there are now (deleted since): Google
    refuses a stretch beyond them, a later one or the first."""
    monkeypatch.setattr(
        sheets_stretches, "_first_rows", lambda sizes: dict.fromkeys(sizes, first_rows)
    )
    title = "events_archief"
    rows = _shrink_to_its_rows(sheets_repo, title)
    assert 4 < rows < 100
    fresh = other_process(sheets_repo)
    fresh._load_grid()[title]["rowCount"] += 5_000
    seen = answers(fresh)
    got = stretched(fresh)
    assert {n: sorted(r["id"] for r in rows) for n, rows in got.items()} == history
    assert got == other_process(sheets_repo).read(NAMES, columns=reports.COLUMNS)
    assert [quote(title)] in [[r for r in ranges if title in r] for ranges, _, _ in seen]


def test_an_archive_worksheet_full_to_its_last_grid_row_is_read_in_stretches(sheets_repo, history):
    """No range beyond the grid (Google refuses it), so no whole read either."""
    title = "events_archief"
    rows = _shrink_to_its_rows(sheets_repo, title)
    fresh = other_process(sheets_repo)
    assert fresh._load_grid()[title]["rowCount"] == rows
    seen = answers(fresh)
    got = stretched(fresh)
    assert sorted(r["id"] for r in got["events"]) == history["events"]
    asked = [r for ranges, _, _ in seen for r in ranges if r.startswith(quote(title))]
    assert len(asked) >= 3 and quote(title) not in asked  # in stretches, never whole


@pytest.mark.parametrize("when", ["first", "later"])
def test_a_sheet_that_stops_answering_is_an_outage_not_a_whole_read(
    sheets_repo, history, standin, when
):
    """Google answers 503 to every try: the page shows the outage (StoreUnavailable),
    and no whole read is made, as one would be for a stale grid."""
    fresh = other_process(sheets_repo, max_attempts=2, sleep=lambda s: None)
    fresh._load_grid()
    if when == "first":
        standin.inject("503", kind="values.batchGet", times=2)
    else:
        done = _after_the_first_stretch(
            fresh,
            "events_archief",
            lambda: standin.inject("503", kind="values.batchGet", times=2),
        )
    with pytest.raises(StoreUnavailable):
        stretched(fresh)
    assert when == "first" or done


def test_a_small_archive_costs_one_request_for_all_its_worksheets(
    sheets_repo, history, monkeypatch
):
    """At the real sizes, the archive of a few reports comes whole with the live
    worksheets: Overzicht's archived part is two requests, as one read was."""
    monkeypatch.setattr(sheets_stretches, "STRETCH_BYTES", REAL_STRETCH_BYTES)
    fresh = other_process(sheets_repo)
    fresh._load_grid()
    seen = answers(fresh)
    got = stretched(fresh)
    assert len(seen) == 1
    assert {n: sorted(r["id"] for r in rows) for n, rows in got.items()} == history
    seen.clear()
    assert len(list(fresh.read_batches("events", reports.COLUMNS["events"]))) == 1
    assert len(seen) == 1


def test_the_first_request_asks_for_as_much_of_each_archive_as_the_guess_allows():
    """sheets_stretches._first_rows: all when all fit at CELL_BYTES a cell, else the
    same share of each worksheet's grid."""
    budget = sheets_stretches.STRETCH_BYTES // sheets_stretches.CELL_BYTES  # cells
    assert sheets_stretches._first_rows({"a": (100, 10), "b": (50, 4)}) == {"a": 100, "b": 50}
    fits = {"a": (budget // 20, 10), "b": (budget // 20, 10)}
    assert sheets_stretches._first_rows(fits) == {"a": budget // 20, "b": budget // 20}
    twice = {"a": (budget // 10, 10), "b": (budget // 20, 20)}
    assert sheets_stretches._first_rows(twice) == {"a": budget // 20, "b": budget // 40}
    assert sheets_stretches._first_rows({"a": (10**7, 30)}) == {"a": budget // 30}
    huge = {"a": (10**9, 30), "b": (100, 5)}  # b's share is under a row: header and one
    assert sheets_stretches._first_rows(huge)["b"] == 2
    assert sheets_stretches._first_rows({}) == {}


def test_a_stale_grid_of_a_live_worksheet_costs_one_more_request_and_loses_nothing(
    sheets_repo, history, standin
):
    """This process believes the live events worksheet has 6,000 rows (setup saw them;
    deleted since), so its first request starts ranges beyond them: Google refuses it,
    and the request is made again with that worksheet whole, the archive's ranges too."""
    fresh = other_process(sheets_repo)
    fresh._load_grid()["events"]["rowCount"] = 6_000
    seen = answers(fresh)  # the answers given: the refused request is not among them
    standin.reset_counts()
    got = dict(fresh.read_each(["events"], columns=reports.COLUMNS))
    assert sorted(r["id"] for r in got["events"]) == history["events"]
    assert standin.count("values.batchGet") == len(seen) + 1
    assert seen[0][0][:2] == ["'events'!A1:E", "'events'!H1:J"]  # the retry: whole
    assert any(r.startswith("'events_archief'!") for r in seen[0][0])  # with the archive


def test_two_rows_swapped_by_hand_across_stretches_are_each_read_once(sheets_repo, history):
    """Rows inside the second and the fourth stretch trade places after the second was
    read; the ends of the stretches stay put, so the ids seen twice tell."""
    probe = other_process(sheets_repo)
    probe._load_grid()
    seen = answers(probe)
    stretched(probe)
    title = "events_archief"
    starts = [
        int(re.search(r"'events_archief'!A(\d+):", " ".join(ranges)).group(1))
        for ranges, _, _ in seen
        if any(r.startswith(quote(title) + "!") for r in ranges)
    ]
    assert starts[2] - starts[1] >= 3 and starts[4] - starts[3] >= 3, starts
    fresh = other_process(sheets_repo)
    fresh._load_grid()
    done = _after_the_first_stretch(
        fresh,
        title,
        lambda: _swap_rows_by_hand(sheets_repo, title, starts[1] + 1, starts[3] + 1),
        nth=2,
    )
    ids = [r["id"] for r in stretched(fresh)["events"]]
    assert done
    assert len(ids) == len(set(ids)) and sorted(ids) == history["events"]


def _clear_a_row_by_hand(repo, title: str, row: int) -> None:
    values = repo._http.values_batch_get(repo.key, [quote(title)])["valueRanges"][0]["values"]
    blank = [[""] * len(values[0])]
    repo._http.values_update(
        repo.key, f"{quote(title)}!A{row}", {"valueInputOption": "RAW"}, {"values": blank}
    )


def test_rows_cleared_by_hand_inside_stretches_cost_nothing_more(sheets_repo, history):
    """Blank rows in the middle of the archive, far apart: every other row, in stretches
    (two blank rows are not one id seen twice)."""
    title = "events_archief"
    _clear_a_row_by_hand(sheets_repo, title, 6)
    _clear_a_row_by_hand(sheets_repo, title, 21)
    fresh = other_process(sheets_repo)
    fresh._load_grid()
    seen = answers(fresh)
    got = stretched(fresh)
    whole = other_process(sheets_repo).read(["events"], columns=reports.COLUMNS)["events"]
    assert got["events"] == whole and len(whole) == len(history["events"]) - 2
    assert quote(title) not in [r for ranges, _, _ in seen for r in ranges]  # never whole


def test_every_column_when_none_are_named_and_the_ids_also_when_not_named(sheets_repo, history):
    fresh = other_process(sheets_repo)
    whole = other_process(sheets_repo).read(["events"])["events"]
    assert [r for b in fresh.read_batches("events") for r in b] == whole
    ((_, moments),) = fresh.read_each(["events"], columns={"events": ("at",)})
    assert moments == [{"at": r["at"]} for r in whole]
    assert len(moments) == len(history["events"])
