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
  worksheet stays as large as the open work plus what a week brings.

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
ARCHIVE_TABLES: dict[str, Table] = {
    f"{n}{SUFFIX}": replace(TABLES[n], name=f"{n}{SUFFIX}") for n in TABLES if n in ARCHIVABLE
}
# Every worksheet the app keeps, by title (the change log aside).
WORKSHEETS: dict[str, Table] = {**TABLES, **ARCHIVE_TABLES}
MOVE_BATCH = 1000  # rows per request: the log row naming them stays far below a cell's limit
NUMBERED = ("tickets",)  # numbers handed out by the log (sheets_log.Fold.highest)
UNIQUE = (("invoices", "number"),)  # lib/billing.py: an invoice number is taken once
_NUMBER = re.compile(r"^(.*?)(\d+)$")


def archive_title(name: str) -> str:
    return f"{name}{SUFFIX}"


def with_archive(name: str, sheet: Sheet, archived: Sheet | None) -> Sheet:
    """The live worksheet laid over its archive worksheet (for reading, not positions).

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
        """Move every archived row out of the live worksheets; how many rows moved."""
        total = 0
        while True:
            moved = self._move_batch()
            total += moved
            if moved < MOVE_BATCH:
                return total

    def _move_batch(self) -> int:
        names = list(ARCHIVABLE)
        titles = names + [archive_title(n) for n in names]
        if any(t not in self._grid(titles) for t in titles):
            self.setup()  # an installation from before the archive worksheets
        sheets, fold = self._fetch(titles)
        with self._shared.lock:
            state, behind = {}, {}
            for name in names:
                state[name], lagging = overlay(name, sheets[name], fold)
                behind.update(self._behind(name, sheets[name], fold, lagging))
            kept = live.live_rows({n: list(state[n].values()) for n in names}, names)
            keep = {n: {r["id"] for r in kept[n]} for n in names}
            moving = [
                (name, row_id, behind.get((name, row_id), row))
                for name in names
                for row_id, row in state[name].items()
                if row_id not in keep[name]
            ][:MOVE_BATCH]
            marks = [
                [name, row_id, moved_mark(name, fold.rows.get(name, {}).get(row_id, row))]
                for name, row_id, row in moving
            ]
            keys = self._moved_keys(fold, moving)
        if not moving:
            return 0
        grid = self._grid(titles)
        requests, appended = [], {}
        for name, row_id, row in moving:
            archived = sheets[archive_title(name)]
            if row_id in archived.position:
                sheet_id = grid[archive_title(name)]["sheetId"]
                requests.append(
                    update_row(sheet_id, archived.position[row_id], row_cells(name, row))
                )
            else:
                appended.setdefault(name, []).append(row_cells(name, row))
            if row_id in sheets[name].position:
                blank = [""] * len(TABLES[name].columns)
                requests.append(
                    update_row(grid[name]["sheetId"], sheets[name].position[row_id], blank)
                )
        for name, rows in appended.items():
            requests.append(append_rows(grid[archive_title(name)]["sheetId"], rows))
        moved = {(name, row_id) for name, row_id, _ in moving}
        behind = {k: v for k, v in behind.items() if k not in moved}
        state = {"rows": marks, "highest": self._moved_numbers(moving), "keys": keys}
        entry = Entry(f"archief-{uuid.uuid4().hex}", sheets_log.MOVE, self._clock(), (state,))
        self._send(entry, sheets, behind, mend_required=True, extra=requests)
        self._verdict(entry.change_id)
        return len(moving)

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
