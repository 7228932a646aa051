"""The Sheet's archive: archived reports live in worksheets the live read never asks for.

Issue 10: a page view must cost what the open work costs, also on the Sheet,
where a read returns whole worksheets. Archiving (lib/archive.py) first marks
old finished reports with `archived_at` through ordinary commits; then
`move_archived` moves every row that no longer belongs to the live store
(lib/repository/live.py) into a worksheet of the same shape, `<table>_archief`:

- one spreadsheets.batchUpdate per batch writes the rows into the archive
  worksheet (a row already there is written in place), blanks them in the live
  worksheet, and appends a `archief` row to the change log naming each row moved
  with its version (lib/repository/sheets_log.py). The request is all or nothing.
- Every process folds that log row and forgets the moved rows, so no later
  commit writes them back into the live worksheet. A row changed after the mover
  read it (a purge, a late correction) stays in the log and comes back to the
  live worksheet, where reads find it first; the next move takes it again.
- Blanked rows are reused for new rows (sheets_plan.Sheet.add), so a live
  worksheet stays as large as the open work plus what a week brings. Until then
  (after a first move of years of history) a re-read skips the long blank runs
  (lib/repository/sheets_ranges.py).

The full read (exports, migrate, backups, the purge, search by number) asks for
the archive worksheets in the same request and lays the live rows over them; a
commit that changes an archived row reads its archive worksheet once more.
The numbers and unique keys of moved rows stay taken (the log row carries them).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import replace

from lib.repository import live, sheets_log
from lib.repository.base import unique_key
from lib.repository.sheets_cells import append_rows, row_cells, update_row
from lib.repository.sheets_log import Entry, moved_mark
from lib.repository.sheets_plan import Sheet, overlay
from lib.schema import TABLES, Table

SUFFIX = "_archief"
ARCHIVABLE = ("tickets", *live.BY_TICKET, "communication_ticks", "invoices")
# The order rows are moved in: what decides whether a row is archived (its report,
# its order, its communication task) moves after the rows it decides for.
MOVE_ORDER = ("events", "communication_ticks", "invoices", "quotes", "messages", "affected")
MOVE_ORDER += ("links", "communication_tasks", "orders", "tickets")


def worksheets() -> dict[str, Table]:
    """Every worksheet the app keeps, by title (the change log aside): each table and,
    for the rows of a report, its archive worksheet (read from TABLES each time)."""
    archives = {
        archive_title(n): replace(TABLES[n], name=archive_title(n))
        for n in TABLES
        if n in ARCHIVABLE
    }
    return {**TABLES, **archives}


MOVE_BATCH = 1000  # rows per request: the log row naming them stays far below a cell's limit
NUMBERED = ("tickets",)  # numbers handed out by the log (sheets_log.Fold.highest)
UNIQUE = (("invoices", "number"),)  # lib/billing.py: an invoice number is taken once
_NUMBER = re.compile(r"^(.*?)(\d+)$")


def archive_title(name: str) -> str:
    return f"{name}{SUFFIX}"


def with_archive(name: str, sheet: Sheet, archived: Sheet | None) -> Sheet:
    """The live worksheet laid over its archive worksheet: only its rows are read
    (by `overlay`), never kept, so it has no positions and no columns left out.

    Where a row is in both (changed after it was moved), the newer one counts: the
    higher version, or the live copy of an append-only row (only a purge changes those).
    """
    if archived is None:
        return sheet
    rows = dict(archived.rows)
    mutable = TABLES[name].mutable
    for row_id, row in sheet.rows.items():
        older = rows.get(row_id)
        if older is None or not mutable or row["version"] >= older["version"]:
            rows[row_id] = row
    return Sheet(rows=rows, position={}, next_row=0)


class SheetsArchive:
    """move_archived; the requests are SheetsRepository's."""

    def move_archived(self) -> int:
        """Move every archived row out of the live worksheets; how many rows moved.

        One read plans the whole move; each batch is then one request. The rows a
        live read needs to recognise the rest as archived go last (MOVE_ORDER), so
        a run stopped between batches leaves nothing archived in the live read.
        """
        names = list(MOVE_ORDER)
        titles = names + [archive_title(n) for n in names]
        if any(t not in self._grid(titles) for t in titles):
            self.setup()  # an installation from before the archive worksheets
        sheets, fold = self._fetch(titles)
        with self._shared.lock:
            moving, behind = self._moving(names, sheets, fold)
            marks = [
                [name, row_id, moved_mark(name, fold.rows.get(name, {}).get(row_id, row))]
                for name, row_id, row in moving
            ]
            keys = self._moved_keys(fold, moving)
        grid = self._grid(titles)
        moved = {(name, row_id) for name, row_id, _ in moving}
        behind = {k: v for k, v in behind.items() if k not in moved}
        for start in range(0, len(moving), MOVE_BATCH):
            batch = moving[start : start + MOVE_BATCH]
            state = {
                "rows": marks[start : start + MOVE_BATCH],
                "highest": self._moved_numbers(batch),
                "keys": keys if start == 0 else [],
            }
            entry = Entry(f"archief-{uuid.uuid4().hex}", sheets_log.MOVE, self._clock(), (state,))
            requests = self._move_requests(batch, sheets, grid)
            self._send(entry, sheets, behind, mend_required=True, extra=requests)
            self._verdict(entry.change_id)
            behind = {}  # the first request mended the lagging rows
        return len(moving)

    def _moving(self, names: list[str], sheets: dict[str, Sheet], fold) -> tuple[list, dict]:
        """The rows to move (table, id, row as it is now), in MOVE_ORDER; the lagging rows.

        What is archived is decided over the whole store (the archive worksheets
        included), so a row whose report was moved by an earlier batch still goes.
        """
        whole, behind = {}, {}
        for name in names:
            merged = with_archive(name, sheets[name], sheets[archive_title(name)])
            whole[name] = overlay(name, merged, fold)[0]
            lagging = overlay(name, sheets[name], fold)[1]
            behind.update(self._behind(name, sheets[name], fold, lagging))
        kept = live.live_rows({n: list(whole[n].values()) for n in names}, names)
        moving = []
        for name in names:
            keep = {r["id"] for r in kept[name]}
            in_live = sheets[name].rows.keys() | fold.rows.get(name, {}).keys()
            moving += [
                (name, row_id, behind.get((name, row_id), whole[name][row_id]))
                for row_id in whole[name]
                if row_id in in_live and row_id not in keep
            ]
        return moving, behind

    @staticmethod
    def _move_requests(batch: list, sheets: dict[str, Sheet], grid: dict) -> list[dict]:
        """Write the rows into the archive worksheets (in place when there), blank them live."""
        requests, appended = [], {}
        for name, row_id, row in batch:
            archived = sheets[archive_title(name)]
            if row_id in archived.position:
                sheet_id = grid[archive_title(name)]["sheetId"]
                position = archived.position[row_id]
                requests.append(update_row(sheet_id, position, row_cells(name, row)))
            else:
                appended.setdefault(name, []).append(row_cells(name, row))
            if row_id in sheets[name].position:
                blank = [""] * len(TABLES[name].columns)
                position = sheets[name].position[row_id]
                requests.append(update_row(grid[name]["sheetId"], position, blank))
        for name, rows in appended.items():
            requests.append(append_rows(grid[archive_title(name)]["sheetId"], rows))
        return requests

    @staticmethod
    def _moved_numbers(moving: list[tuple[str, str, dict]]) -> dict[str, int]:
        """The highest number per prefix among the moved rows: never handed out again."""
        highest: dict[str, int] = {}
        for name, _, row in moving:
            found = _NUMBER.match(str(row.get("number", ""))) if name in NUMBERED else None
            if found:
                prefix, sequence = found.group(1), int(found.group(2))
                highest[prefix] = max(highest.get(prefix, 0), sequence)
        return highest

    @staticmethod
    def _moved_keys(fold, moving: list[tuple[str, str, dict]]) -> list:
        """The unique keys of the moved rows (as the log keeps them): they stay taken."""
        keys = []
        for table, column in dict.fromkeys([*fold.keys, *UNIQUE]):
            found = {unique_key(r[column]): i for n, i, r in moving if n == table and r[column]}
            if found:
                keys.append([table, column, found])
        return keys
