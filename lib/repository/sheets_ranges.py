"""How a worksheet is asked for in a values.batchGet, and its answer put back together.

Two things make a worksheet's read cheaper than asking for it whole, and neither
changes what is read (the ranges always cover every row and every column asked for):

- columns left out (a page view has no use for the mail texts): one range per run
  of the other columns;
- long runs of blank rows (the archive's move leaves them where old reports were,
  about 3 bytes each as `[],`): Google leaves a range's trailing blank rows out of
  its answer, so the read starts a new range after each of the longest runs this
  process saw in its last read of the worksheet. Where rows were filled since,
  they come back as in any read; a run only costs again what it costs whole.
  A worksheet this process has not read yet is read in equal stretches of its
  grid instead: a stretch left wholly blank (a first move takes years of history
  from the top) then costs its name only, already in a fresh process's first read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from lib.repository.base import Change, Columns, Insert
from lib.repository.sheets_cells import column_letter, quote
from lib.schema import MAIL_TEXTS, Table

# A blank run shorter than this is cheaper read (3 bytes a row) than given a range of
# its own (the range's name twice, in the request and in the answer).
SKIP_BLANK_ROWS = 64
# Ranges more per worksheet at most: every one lengthens the request's URL.
SPLITS_MOST = 4
# A worksheet not read yet is cut into stretches only from this many grid rows:
# smaller ones hold too few blank rows to pay for the ranges' names.
GUESS_FROM_ROWS = 5000


# The columns a read may leave out of its request when not asked for: only the mail
# texts, most of a live read's bytes. Leaving out a small column saves little and
# makes the kept copy unfit for the next read that wants it (one request more).
OMITTABLE = {"messages": frozenset(MAIL_TEXTS)}


def omissions(columns: Columns | None) -> dict[str, frozenset[str]]:
    """Per table, the columns this read leaves out of its request."""
    omit = {}
    for name, wanted in (columns or {}).items():
        left = OMITTABLE.get(name, frozenset()) - set(wanted)
        if left:
            omit[name] = left
    return omit


def only_added(changes: Sequence[Change]) -> dict[str, frozenset[str]]:
    """The columns a commit's read leaves out: those of OMITTABLE in each table that no
    change does more to than add a row (a change to a row takes it whole as its base)."""
    return {
        name: columns
        for name, columns in OMITTABLE.items()
        if all(isinstance(ch, Insert) for ch in changes if ch.table == name)
    }


def column_runs(table: Table, omitted: frozenset[str]) -> list[list[int]]:
    """The indexes of the columns read, in runs of neighbours: one A1 range each."""
    runs: list[list[int]] = []
    for i, column in enumerate(table.columns):
        if column.name in omitted:
            continue
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def run_range(table: Table, run: list[int], first: int, last: int | None) -> str:
    """Columns `run`, rows `first` to `last` (to the end when None)."""
    left, right = column_letter(run[0] + 1), column_letter(run[-1] + 1)
    return f"{quote(table.name)}!{left}{first}:{right}{'' if last is None else last}"


def row_splits(free: list[int]) -> tuple[int, ...]:
    """The rows to begin a range at: the row after each of the SPLITS_MOST longest runs
    of at least SKIP_BLANK_ROWS blank rows in `free` (ascending row numbers)."""
    # Neighbouring rows keep the same distance to their index in `free`.
    runs = [[n for _, n in run] for _, run in groupby(enumerate(free), lambda p: p[1] - p[0])]
    long = [(len(run), run[-1] + 1) for run in runs if len(run) >= SKIP_BLANK_ROWS]
    longest = sorted(long, reverse=True)[:SPLITS_MOST]
    return tuple(sorted(after for _, after in longest))


def even_splits(row_count: int) -> tuple[int, ...]:
    """The rows to begin a range at in a worksheet not read yet: SPLITS_MOST + 1
    equal stretches of its `row_count` grid rows, when it has GUESS_FROM_ROWS."""
    if row_count < GUESS_FROM_ROWS:
        return ()
    step = row_count // (SPLITS_MOST + 1)
    return tuple(1 + step * k for k in range(1, SPLITS_MOST + 1))


def joined(parts: list[list[list]], splits: tuple[int, ...]) -> list[list]:
    """One column run's rows from its ranges (the first from row 1, the others from
    `splits`): each padded with the blank rows Google left out at its end."""
    rows: list[list] = []
    for first, part in zip((1, *splits), parts, strict=True):
        rows += [[] for _ in range(first - 1 - len(rows))]
        rows += part
    while rows and not rows[-1]:  # as a whole read ends: at the last row with data
        rows.pop()
    return rows


def stitched(table: Table, runs: list[list[int]], parts: list[list[list]]) -> list[list]:
    """The worksheet's values as if read whole, from one range per run of columns: the
    left-out cells blank, their names in the header row (checked on whole reads)."""
    width = len(table.columns)
    rows = []
    for number in range(max(len(p) for p in parts)):  # a table has columns besides texts
        cells: list = [""] * width
        for run, part in zip(runs, parts, strict=True):
            got = part[number] if number < len(part) else []
            for index, value in zip(run, got, strict=False):
                cells[index] = value
        rows.append(cells)
    if rows:
        read = {i for run in runs for i in run}
        for i, column in enumerate(table.columns):
            if i not in read:
                rows[0][i] = column.name
    return rows


@dataclass(frozen=True)
class Reading:
    """One worksheet's part of a read: its ranges, and its values from their answers."""

    table: Table
    omitted: frozenset[str] = frozenset()
    splits: tuple[int, ...] = ()

    @property
    def runs(self) -> list[list[int]]:
        return column_runs(self.table, self.omitted)

    @property
    def plain(self) -> bool:
        """Asked for whole, as one range naming the worksheet alone."""
        return not self.omitted and not self.splits

    def ranges(self) -> list[str]:
        if self.plain:
            return [quote(self.table.name)]
        lasts = (*(s - 1 for s in self.splits), None)
        return [
            run_range(self.table, run, first, last)
            for run in self.runs
            for first, last in zip((1, *self.splits), lasts, strict=True)
        ]

    def values(self, parts: list[list[list]]) -> list[list]:
        """The worksheet's values as a whole read gives them, from the answers to ranges()."""
        if self.plain:
            return parts[0]
        per_run = len(self.splits) + 1
        runs = self.runs
        joined_runs = [
            joined(parts[i * per_run : (i + 1) * per_run], self.splits) for i in range(len(runs))
        ]
        return stitched(self.table, runs, joined_runs)
