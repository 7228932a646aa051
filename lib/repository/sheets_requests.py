"""The Sheet driver's reads: worksheets and the change log in one values.batchGet,
the log folded as it comes, and the grid sizes (lib/repository/sheets.py).

A mixin of SheetsRepository: `self.key`, `self._http` (the retrying gspread
client) and `self._shared` (this process's fold, kept worksheets and grid sizes,
guarded by its lock) are the repository's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gspread.exceptions import APIError

from lib.repository import sheets_log
from lib.repository.base import StoreUnavailable
from lib.repository.sheets_archive import ARCHIVABLE, archive_title, worksheets
from lib.repository.sheets_cells import (
    beyond_grid,
    dims,
    parse_sheet,
    quote,
    refusal_message,
    row_range,
    trimmed,
)
from lib.repository.sheets_log import Fold
from lib.repository.sheets_plan import Sheet, overlay
from lib.repository.sheets_ranges import Reading, even_splits, row_splits
from lib.schema import TABLES

# Cells as stored (numbers as numbers, booleans as booleans), by rows: the API's default.
UNFORMATTED = {"valueRenderOption": "UNFORMATTED_VALUE"}


class SheetsRequests:
    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except APIError as err:
            raise StoreUnavailable(refusal_message(err)) from err

    def _fetch(
        self, names: list[str], omit: Mapping[str, frozenset[str]] | None = None
    ) -> tuple[dict[str, Sheet], Fold]:
        sheets, fold, _ = self._fetch_with(names, omit)
        return sheets, fold

    def _fetch_with(
        self,
        names: list[str],
        omit: Mapping[str, frozenset[str]] | None = None,
        extra: Sequence[str] = (),
    ) -> tuple[dict[str, Sheet], Fold, list[list[list]]]:
        """The worksheets and the log rows this process has not folded yet, in one read
        (with the values of the `extra` ranges, for sheets_stretches.py).

        The log is read from the last row already folded, to notice when it changed
        behind our back (then it is read and folded again from the top). A worksheet
        is asked for in ranges (lib/repository/sheets_ranges.py): one per run of the
        columns not omitted, and per stretch of rows after the long blank runs this
        process saw in it last time (in equal stretches of its grid, the first time).
        Should Google refuse one as beyond the grid (rows deleted by hand since), the
        read is made again with whole worksheets.
        """
        shapes, omit = worksheets(), omit or {}
        splits = self._splits(names)
        readings = {n: Reading(shapes[n], omit.get(n, frozenset()), splits[n]) for n in names}
        ranges = [r for n in names for r in readings[n].ranges()]
        try:
            found, fold = self._fetch_ranges(ranges + list(extra))
        except StoreUnavailable as err:
            if not any(splits.values()) or not grid_refused(err):
                raise
            with self._shared.lock:
                self._shared.blank_runs.update({n: () for n in names})
            return self._fetch_with(names, omit, extra)
        sheets, parts = {}, iter(found[: len(ranges)])
        for n in names:
            values = readings[n].values([next(parts) for _ in readings[n].ranges()])
            sheets[n] = parse_sheet(shapes[n], values, omit.get(n, frozenset()))
        with self._shared.lock:
            self._shared.blank_runs.update({n: row_splits(sheets[n].free) for n in names})
        return sheets, fold, found[len(ranges) :]

    def _splits(self, names: list[str]) -> dict[str, tuple[int, ...]]:
        """Per worksheet, the rows its read starts a range at (sheets_ranges): after the
        long blank runs of its last read; the first time, equal stretches of its grid
        as setup found it (none when its size is not known)."""
        with self._shared.lock:
            known, grid = dict(self._shared.blank_runs), self._shared.grid or {}
        rows = {n: grid[n]["rowCount"] if n in grid else 0 for n in names}
        return {n: known[n] if n in known else even_splits(rows[n]) for n in names}

    def read_rows(self, table: str, ids: Sequence[str]) -> list[dict]:
        """A row the worksheet copy this process keeps lacks, or holds at an older
        version than the log, comes from the log (as any read would show it; a mail
        queued since the worksheets were last written). The others are read at the
        positions of that copy (any columns left out then), checked by id, with the
        log laid over them, in one request. A row no longer where it was (sorted by
        hand, moved to the archive) or unknown to both: the table whole."""
        wanted = list(dict.fromkeys(ids))
        titles = [table, archive_title(table)] if table in ARCHIVABLE else [table]
        mutable = TABLES[table].mutable
        places: dict[str, tuple[str, int]] = {}
        with self._shared.lock:
            copies = [(t, c[0]) for t in titles if (c := self._shared.worksheets.get(t))]
            fold = self._shared.fold
            logged = fold.rows.get(table, {})
            for row_id in wanted:
                title, copy = next(((t, c) for t, c in copies if row_id in c.rows), ("", None))
                log_row, shown = logged.get(row_id), copy.rows[row_id] if copy else None
                if log_row is not None and (
                    shown is None or (mutable and shown["version"] < log_row["version"])
                ):
                    continue  # the log's row is the newer: no need to ask
                places[row_id] = (title, copy.position[row_id] if copy else 0)
        rows: dict[str, dict] = {}
        if places and all(number for _, number in places.values()):
            sheets, fold = self._fetch_rows(list(places.values()))
            rows = {i: s.rows[i] for i, s in zip(places, sheets, strict=True) if i in s.rows}
            self._keep_whole(places, rows)
        if len(rows) < len(places):
            found = {r["id"]: r for r in self._read([table], archive=True, omit={})[table]}
            return [found[i] for i in wanted if i in found]
        with self._shared.lock:
            shown_rows = overlay(table, Sheet(rows=rows, position={}, next_row=0), fold)[0]
        return [shown_rows[i] for i in wanted]

    def _keep_whole(self, places: dict[str, tuple[str, int]], rows: dict[str, dict]) -> None:
        """Put rows just read whole into the copy they were found in, where it has them
        at the same version: a change to them is then checked on it (sheets.py
        `_plan_on_kept`), e.g. a mail marked sent in Postvak."""
        with self._shared.lock:
            for row_id, row in rows.items():
                kept = self._shared.worksheets.get(places[row_id][0])
                copy = kept[0] if kept else None
                if copy is not None and copy.rows.get(row_id, {}).get("version") == row.get(
                    "version"
                ):
                    copy.rows[row_id] = row
                    copy.whole.add(row_id)

    def _fetch_rows(self, places: list[tuple[str, int]]) -> tuple[list[Sheet], Fold]:
        """Single worksheet rows (title, row number), each parsed as a worksheet of one
        row (empty where the row is blank), and the new log rows, in one read."""
        shapes = worksheets()
        found, fold = self._fetch_ranges([row_range(shapes[t], n) for t, n in places])
        rows = [
            parse_sheet(shapes[t], [shapes[t].column_names, *values])
            for (t, _), values in zip(places, found, strict=True)
        ]
        return rows, fold

    def _fetch_ranges(self, ranges: list[str]) -> tuple[list[list[list]], Fold]:
        """The values of `ranges` and the log rows this process has not folded yet."""
        for _ in range(2):
            with self._shared.lock:
                start = max(self._shared.fold.count, 1)
            log_range = f"{quote(sheets_log.TITLE)}!A{start}:Z"
            found = self._batch_get(ranges + [log_range])
            with self._shared.lock:
                if self._merge(start, found[-1]):
                    return found[:-1], self._shared.fold
                self._shared.fold = Fold()  # the log was edited: fold it again
        raise StoreUnavailable(
            "Het werkblad _wijzigingen is met de hand gewijzigd; herstel het "
            "(zie de handleiding) en probeer opnieuw."
        )

    def _merge(self, start: int, values: list[list]) -> bool:
        """Fold log rows read from row `start`; False when they do not continue ours."""
        fold = self._shared.fold
        if start == 1:
            if fold.count == 0:
                if not values or trimmed([str(c) for c in values[0]]) != sheets_log.HEADER:
                    raise StoreUnavailable(
                        "Werkblad '_wijzigingen' ontbreekt of heeft niet de verwachte "
                        "kopregel. Voer de installatie (setup) uit."
                    )
                fold.count = 1
                fold.start(values)  # after a compaction: from its basis row on
        elif fold.count == start:
            first = sheets_log.parse(values[0]) if values else None
            if (first.change_id if first else "") != fold.last_id:
                return False
        for number, cells in enumerate(values, start=start):
            if number > fold.count:
                fold.apply(sheets_log.parse(cells), number)
        return True

    def _batch_get(self, ranges: list[str], params: dict = UNFORMATTED) -> list[list[list]]:
        try:
            answer = self._call(self._http.values_batch_get, self.key, ranges, params)
        except StoreUnavailable:
            self._shared.written_at = float("-inf")  # the Sheet failed: show it, not memory
            raise
        found = [vr.get("values", []) for vr in answer.get("valueRanges", [])]
        if len(found) != len(ranges):
            raise StoreUnavailable("De Google Sheet gaf een onvolledig antwoord; probeer opnieuw.")
        return found

    def _load_grid(self) -> dict[str, dict]:
        meta = self._call(self._http.fetch_sheet_metadata, self.key)
        self._shared.grid = {
            s["properties"]["title"]: dims(s["properties"], bool(s.get("protectedRanges")))
            for s in meta["sheets"]  # a spreadsheet has at least one
        }
        return self._shared.grid

    def _count_growth(self, requests: list[dict]) -> None:
        """Keep the cached sizes true after a batchUpdate that went through.

        Only the sizes: whether the log is hidden and protected is read by setup
        alone, which loads the grid afresh each time.
        """
        grid = self._shared.grid
        if grid is None:
            return
        by_id = {d["sheetId"]: d for d in grid.values()}
        for req in requests:
            spec = req.get("appendDimension")
            if spec is not None and spec["sheetId"] in by_id:
                size = "rowCount" if spec["dimension"] == "ROWS" else "columnCount"
                by_id[spec["sheetId"]][size] += spec["length"]


def grid_refused(err: StoreUnavailable) -> bool:
    """Google refused a range beyond a worksheet's rows: the grid this process knows is
    stale (rows deleted by hand since it was loaded)."""
    return isinstance(err.__cause__, APIError) and beyond_grid(err.__cause__)
