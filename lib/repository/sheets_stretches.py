"""Reading years of history from the Sheet in requests Google takes well (issue 10).

Overzicht over a period before the archive cut reads the archived part once per
cut per process (lib/reports_combine.py, through `read_each` and `read_batches`).
As one read that was a request of 4.5 MB and one of 9.5 MB at 10,000 reports,
where Google recommends at most 2 MB. Here the first request asks for the live
worksheets with the log and as much of each archive worksheet as a guess of its
size allows (CELL_BYTES); then each archive worksheet, when its table is reached,
is read on in stretches of rows, each sized from the bytes per row of the stretch
before. Only the columns asked for. What comes out is what `read` gives, in the
same order.

A read spread over requests must still hold every row once:
- a row the archive job moves meanwhile is in the live read or in the archive
  read (or both, where the live one counts, as in one read: with_archive);
- a worksheet sorted, or rows deleted or inserted by hand, between two requests
  would make a stretch miss rows or see them twice. So each request asks again
  for the id at the end of the stretch before, and an id found in two stretches
  or a changed one makes that table one whole read. So does a stale grid (a
  range beyond its rows). A stretch that comes back short (Google leaves trailing
  blank rows out) is followed by one range to the end: the spare rows below are
  blank but for rows typed there by hand.

A Sheet sized for this app (Google's 10 million cells) holds at most a few
hundred thousand rows, so the stretches are kept until the last is in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from lib.repository.base import Columns, Repository, StoreUnavailable, projected
from lib.repository.sheets_archive import ARCHIVABLE, archive_title, with_archive, worksheets
from lib.repository.sheets_cells import parse_sheet, quote
from lib.repository.sheets_plan import Sheet, overlay
from lib.repository.sheets_ranges import Reading, run_range
from lib.repository.sheets_requests import SheetsRequests, grid_refused
from lib.schema import TABLES, Table

STRETCH_BYTES = 1_500_000  # aim per answer: under Google's recommended 2 MB
# Before any answer, a cell is guessed at CELL_BYTES (an id is 35, most cells far
# less): the first request asks for each archive worksheet whole when all fit in
# STRETCH_BYTES so guessed (a small archive costs no request more), else for the
# same share of each.
CELL_BYTES = 25
MOST_ROWS = 100_000


class Reordered(Exception):
    """The archive worksheet changed order between two requests of one read."""


class SheetsStretches(SheetsRequests):
    """The requests' mixin (sheets_requests.py) with the long reads built on them."""

    def read_each(
        self, tables: Sequence[str], columns: Columns | None = None
    ) -> Iterator[tuple[str, list[dict]]]:
        names, columns = list(tables), columns or {}
        wanted = {n: {n: tuple(columns[n])} for n in names if n in columns}
        omit = {n: _left_out(n, columns.get(n)) for n in names}
        shapes = {n: worksheets()[archive_title(n)] for n in names if n in ARCHIVABLE}
        grids = {n: self._grid_rows(n) for n in shapes}
        firsts = _first_rows({n: (grids[n], len(shapes[n].columns) - len(omit[n])) for n in shapes})
        stretches = {n: Stretches(shapes[n], omit[n], grids[n], firsts[n]) for n in shapes}
        asked = {n: s.ranges() for n, s in stretches.items()}
        extra = [r for n in stretches for r in asked[n]]
        try:
            live, _, found = self._fetch_with(names, omit, extra)
        except StoreUnavailable as err:
            if not grid_refused(err):
                raise
            yield from Repository.read_each(self, names, columns)  # one whole read
            return
        answers = iter(found)
        for n, stretch in stretches.items():
            stretch.take([next(answers) for _ in asked[n]])
        for name in names:
            try:
                rows = self._stretched(name, live[name], stretches.get(name))
            except (Reordered, StoreUnavailable) as err:
                if isinstance(err, StoreUnavailable) and not grid_refused(err):
                    raise
                rows = self.read([name])[name]  # one whole read, as before
            yield name, projected({name: rows}, wanted.get(name))[name]

    def read_batches(
        self, table: str, columns: Sequence[str] | None = None, size: int = 50_000
    ) -> Iterator[list[dict]]:
        only = {table: columns} if columns is not None else None
        ((_, rows),) = self.read_each([table], columns=only)
        while rows:
            yield rows[:size]
            del rows[:size]  # the caller keeps a summary; the rows go batch by batch

    def _stretched(self, name: str, live: Sheet, stretch: Stretches | None) -> list[dict]:
        """The table as `read` gives it: its archive read on to the end, live laid over."""
        while stretch is not None and not stretch.done:
            stretch.take(self._batch_get(stretch.ranges()))
        archived = stretch.sheet() if stretch is not None else None
        with self._shared.lock:
            rows = overlay(name, with_archive(name, live, archived), self._shared.fold)[0]
        return list(rows.values())

    def _grid_rows(self, name: str) -> int:
        title = archive_title(name)
        return self._grid([title])[title]["rowCount"]


class Stretches:
    """One archive worksheet read in stretches of rows over several requests."""

    def __init__(self, shape: Table, omitted: frozenset[str], grid_rows: int, first: int) -> None:
        self.shape, self.omitted, self.grid_rows = shape, omitted, grid_rows
        self.runs = Reading(shape, omitted).runs
        self.parts: list[list[list[list]]] = []  # per stretch, per run of columns
        self.starts, self.seen, self.count = [1], set(), first
        self.to_end = self.done = False

    def ranges(self) -> list[str]:
        """The next stretch, and the row before it read again: is it still where it was?"""
        first = self.starts[-1]
        self.to_end = self.to_end or first + self.count - 1 >= self.grid_rows
        last = None if self.to_end else first + self.count - 1
        ranges = [run_range(self.shape, run, first, last) for run in self.runs]
        return ranges + [f"{quote(self.shape.name)}!A{first - 1}"] if self.parts else ranges

    def take(self, found: list[list[list]]) -> None:
        first = self.starts[-1]
        if self.parts:
            before = _last_id(self.parts[-1][0], first - self.starts[-2])
            if _first_id(found[-1]) != before:
                raise Reordered
        stretch = found[: len(self.runs)]
        ids = {_first_id([row]) for row in stretch[0]} - {""}  # the header's "id" too
        if ids & self.seen:
            raise Reordered
        self.seen |= ids
        self.parts.append(stretch)
        if self.to_end:
            self.done = True
            return
        # Google leaves a range's trailing blank rows out: a short answer means the
        # grid's spare rows began, so the rest (rows typed below by hand) in one go.
        self.to_end = len(stretch[0]) < self.count
        row_bytes = max(len(json.dumps(stretch)) / self.count, 1.0)
        self.starts.append(first + self.count)
        self.count = int(min(max(STRETCH_BYTES / row_bytes, 1), MOST_ROWS))

    def sheet(self) -> Sheet:
        reading = Reading(self.shape, self.omitted, tuple(self.starts[1:]))
        runs = range(len(self.runs))
        return parse_sheet(self.shape, reading.values([s[r] for r in runs for s in self.parts]))


def _first_rows(sizes: dict[str, tuple[int, int]]) -> dict[str, int]:
    """Per archive worksheet of (grid rows, columns read), the rows the first request
    asks for (see CELL_BYTES)."""
    guess = sum(rows * columns * CELL_BYTES for rows, columns in sizes.values())
    share = min(STRETCH_BYTES / guess, 1.0) if guess else 1.0
    return {n: max(int(rows * share), 2) for n, (rows, _) in sizes.items()}


def _left_out(name: str, wanted: Sequence[str] | None) -> frozenset[str]:
    keep = {"id", "version", *(wanted or TABLES[name].column_names)}
    return frozenset(c for c in TABLES[name].column_names if c not in keep)


def _first_id(values: list[list]) -> str:
    return str(values[0][0]) if values and values[0] else ""


def _last_id(id_run: list[list], length: int) -> str:
    """The id in the last row of a stretch `length` rows long (blank rows trimmed)."""
    return _first_id(id_run[length - 1 :])
