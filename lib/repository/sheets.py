"""The Google Sheet driver: one worksheet per table, row 1 holds the column names.

Several processes may write one Sheet at once (app instances, CLI commands).
Sheets has no transactions and no conditional writes, but it applies the
appends to one worksheet in order; so a commit is decided by a change log
(lib/repository/sheets_log.py), worksheet `_wijzigingen` (hidden and protected
with a warning by `setup`, so nobody edits it by accident):

1. read the affected worksheets and the log rows this process has not seen
   (one values.batchGet) and check every change in memory: a stale version is
   refused before anything is written;
2. send one spreadsheets.batchUpdate that appends the change to the log
   (appendCells) and, in the same request, brings the readable worksheets up to
   date with what the log decided *before* it (updateCells, the rows the read
   found lagging: the previous changes, of any process). The answer carries the
   log from the last row this process knew (includeSpreadsheetInResponse), so
   the rows before this change are known and decide whether it won, in every
   process alike, without another read.

So an action costs one read and one write, and mostly only the write (issue 10):
when this process read the worksheets less than `worksheet_refresh` ago (for a
page view), the check runs on that copy and the entry goes alone, without
worksheet rows. Rows are written at explicit positions, and a person may sort a
worksheet at any moment: only positions just read are trusted. A copy that is
behind changes no verdict (the log decides, and what the copy refuses is checked
again on a fresh read). Such a commit leaves the worksheets lagging; the first
commit after a row has lagged MEND_AFTER seconds reads and writes it, as does
`compact_log` (`python -m lib.cli compact-log`, run it by cron): the readable
worksheets are a view that follows the log within minutes. The app never
depends on that: a read lays the log over the worksheets, where they lag or miss
a row. A losing change writes nothing outside the log (it only mends older
rows), and a worksheet row is written only where it is older than the log, so a
typo fixed by hand in a current row stays. A request that lands late can only
write worksheet rows that were current when it was sent; where a newer change
exists the log says so, and the next commit mends the row again.

When the answer never comes, the client appends a `void` row for the change
(appendCells too): whichever of the two comes first in the log decides, so the
user is told the truth. No lock is held across requests; the lock below only
guards this process's copy of the folded log and the cached grid sizes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import gspread
from gspread.exceptions import APIError

from lib.repository import live, sheets_log
from lib.repository.base import (
    Change,
    Columns,
    Conflict,
    Duplicate,
    Insert,
    NotFound,
    OutcomeUnknown,
    Redact,
    Repository,
    StoreUnavailable,
    check_changes,
    projected,
)
from lib.repository.sheets_archive import (
    ARCHIVABLE,
    SheetsArchive,
    archive_title,
    with_archive,
)
from lib.repository.sheets_cells import (
    answered_rows,
    append_dimension,
    append_row,
    quote,
    refusal_message,
    row_cells,
    update_row,
)
from lib.repository.sheets_http import RetryingHTTPClient, unavailable_message
from lib.repository.sheets_log import Entry, Fold, Outcome
from lib.repository.sheets_plan import Sheet, overlay, plan, plannable_without, refusal
from lib.repository.sheets_ranges import omissions, only_added
from lib.repository.sheets_setup import SheetsSetup
from lib.repository.sheets_stretches import SheetsStretches
from lib.repository.sheets_upkeep import LOG_TAIL, SheetsUpkeep
from lib.schema import TABLES

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
GROW_ROWS = 500  # growing in steps keeps the extra request rare
HEAL_LIMIT = 200  # lagging worksheet rows mended per write, at most
# The app's setting (lib/store.py): a hand edit in a worksheet shows within a
# minute; everything written through the app at once (it is in the log).
WORKSHEET_REFRESH = 60.0
# The log as a write's answer gave it counts as current for the one read that
# follows within this long: the view after one's own write is served from the
# write's answer (issue 10: no second read). Other processes' changes show at most
# that much later; a commit always reads; a failed request ends it.
LOG_FRESH = 1.0
# How long the readable worksheets may lag behind the log while the app works:
# then a commit reads them (one request more) and writes the rows that lag.
MEND_AFTER = 300.0
_log = logging.getLogger("kivido.sheets")


@dataclass
class _Shared:
    """Per spreadsheet, per process: the write lock and the cached grid sizes."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    grid: dict[str, dict] | None = None  # title -> sheetId, rowCount, columnCount
    fold: Fold = field(default_factory=Fold)  # the log as far as this process read it
    # title -> (worksheet as last read, time.monotonic() then): see read()
    worksheets: dict[str, tuple[Sheet, float]] = field(default_factory=dict)
    # title -> the rows after its longest blank runs at the last read (sheets_ranges);
    # a title not read yet is read in equal stretches of its grid
    blank_runs: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # time.monotonic() when a write's answer last brought the fold to the log's end
    written_at: float = float("-inf")


_SHARED: dict[str, _Shared] = {}
_SHARED_GUARD = threading.Lock()


def _shared(key: str) -> _Shared:
    with _SHARED_GUARD:
        return _SHARED.setdefault(key, _Shared())


class SheetsRepository(SheetsSetup, SheetsUpkeep, SheetsArchive, SheetsStretches, Repository):
    def __init__(
        self,
        *,
        spreadsheet_key: str,
        credentials: Any,
        api_root: str | None = None,
        max_attempts: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 20.0,
        worksheet_refresh: float = 0.0,
    ) -> None:
        self.key = spreadsheet_key
        self.worksheet_refresh = worksheet_refresh
        self.label = f"Google Sheet ({spreadsheet_key[:8]}…)"
        factory = RetryingHTTPClient.factory(
            api_root=api_root, max_attempts=max_attempts, sleep=sleep, timeout=timeout
        )
        self._client = gspread.Client(auth=credentials, http_client=factory)
        self._http = self._client.http_client
        self._shared = _shared(spreadsheet_key)

    @classmethod
    def from_service_account(
        cls,
        *,
        spreadsheet_key: str,
        info: dict | None = None,
        file: str | None = None,
        **kw: Any,
    ) -> SheetsRepository:
        from google.oauth2.service_account import Credentials

        if (info is None) == (file is None):
            raise ValueError("Geef precies één van 'info' of 'file' voor het service-account.")
        credentials = (
            Credentials.from_service_account_info(info, scopes=SCOPES)
            if info is not None
            else Credentials.from_service_account_file(file, scopes=SCOPES)
        )
        return cls(spreadsheet_key=spreadsheet_key, credentials=credentials, **kw)

    # -- the contract -------------------------------------------------------

    def read(
        self, tables: Iterable[str], live_only: bool = False, columns: Columns | None = None
    ) -> dict[str, list[dict]]:
        """The rows of the tables: the worksheets with the log laid over them.

        With `worksheet_refresh` set, worksheets read less than that many seconds
        ago are reused and only the new log rows are asked for: a page view then
        costs what changed since the last one, not the whole history. Every change
        made through any app process is in the log, so only a hand edit in a
        worksheet shows up later (at most `worksheet_refresh` seconds).
        """
        names = list(dict.fromkeys(tables))
        if not names:
            return {}
        omit = omissions(columns)
        if live_only:  # the same one request, with what decides the archive; filtered here
            found = self._read(live.helper_tables(names), archive=False, omit=omit)
            found = live.live_rows(live.with_moved_reports(found), names)
        else:
            found = self._read(names, archive=True, omit=omit)
        return projected(found, columns)

    def _read(
        self, names: Iterable[str], *, archive: bool, omit: dict[str, frozenset[str]]
    ) -> dict[str, list[dict]]:
        """The worksheets (with their archive worksheets) and the log laid over them."""
        names = list(names)
        titles = names + [archive_title(n) for n in names if archive and n in ARCHIVABLE]
        omit = {
            t: omit[n] for n in names if n in omit for t in (n, archive_title(n)) if t in titles
        }
        now = time.monotonic()
        sheets = self._usable(titles, now, omit)
        missing = [t for t in titles if t not in sheets]
        with self._shared.lock:  # once: the view that follows the write
            fresh = now - self._shared.written_at < LOG_FRESH
            self._shared.written_at = float("-inf")
            fold = self._shared.fold if fresh else None
        if not missing:
            if fold is None:
                _, fold = self._fetch([])
        else:  # only what is not kept (a whole read after a view without the mail texts)
            fetched, fold = self._fetch(missing, omit=omit)
            sheets.update(fetched)
            if self.worksheet_refresh:
                with self._shared.lock:
                    self._shared.worksheets.update({t: (fetched[t], now) for t in missing})
        with self._shared.lock:  # other threads fold new log rows meanwhile
            return {
                name: list(overlay(name, self._merged(name, sheets), fold)[0].values())
                for name in names
            }

    def _usable(
        self, titles: list[str], now: float, omit: dict[str, frozenset[str]] | None = None
    ) -> dict[str, Sheet]:
        """Those of the worksheets this process read less than `worksheet_refresh` ago
        with every column asked for (all but those in `omit`; None takes any)."""
        if not self.worksheet_refresh:
            return {}
        with self._shared.lock:
            found = {t: self._shared.worksheets.get(t) for t in titles}
        return {
            t: c[0]
            for t, c in found.items()
            if c is not None
            and now - c[1] < self.worksheet_refresh
            and (omit is None or c[0].omitted <= omit.get(t, frozenset()))
        }

    def _kept(self, titles: list[str], now: float) -> dict[str, Sheet] | None:
        """The worksheets as this process last read them, if every one is usable."""
        kept = self._usable(titles, now)
        return kept if len(kept) == len(titles) else None

    @staticmethod
    def _merged(name: str, sheets: dict[str, Sheet]) -> Sheet:
        return with_archive(name, sheets[name], sheets.get(archive_title(name)))

    def commit(self, changes: Sequence[Change]) -> list[dict]:
        check_changes(changes)
        if not changes:
            return []
        names = list(dict.fromkeys(ch.table for ch in changes))
        planned = self._plan_on_kept(names, changes)
        read_at = None  # a kept copy: no worksheet rows go with the entry
        if planned is None:
            read_at = time.monotonic()
            planned = self._plan_on_read(names, changes)
        entry, results, sheets, behind = planned
        if not entry.changes:
            return results  # only repeated inserts: nothing to write
        outcome = self._decide(entry, sheets, behind, read_at)
        if not outcome.won:
            raise refusal(outcome)
        if any(isinstance(ch, Redact) for ch in changes):
            try:
                self._scrub(rounds=1)
            except StoreUnavailable:
                _log.warning("Scrubbing the change log after a redact failed; the purge retries.")
        # The log's rows: with the numbers it handed out and the first of a repeated insert.
        logged = iter(outcome.results)
        final = [dict(next(logged)) if r.pop("_planned", False) else r for r in results]
        return final

    def _plan_on_kept(self, names: list[str], changes: Sequence[Change]) -> tuple | None:
        """The commit checked on the worksheets kept from this process's last read, to be
        sent without worksheet rows; None when it must read first.

        Not when they are older than `worksheet_refresh`, nor when a row of these
        worksheets has lagged behind the log for MEND_AFTER (the read writes it),
        nor for a purge. A refusal found here may come from a copy that
        is behind (a row it lacks, a version): then the commit reads and checks again.
        The log's own refusal is final."""
        kept = self._kept(names, time.monotonic())
        if kept is None or any(isinstance(ch, Redact) for ch in changes):
            return None
        cutoff = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - MEND_AFTER))
        with self._shared.lock:
            fold, state, whole, lagging_since = self._shared.fold, {}, {}, []
            for name in names:
                state[name], lagging = overlay(name, kept[name], fold)
                whole[name] = kept[name].whole | set(lagging)  # the log's rows are whole
                lagging_since += [fold.changed_at.get((name, i), "") for i in lagging]
        if any(at < cutoff for at in lagging_since):
            return None
        if not all(
            plannable_without(kept[t].omitted, ch, state[t], whole[t])
            for ch in changes
            for t in [ch.table]
        ):
            return None
        try:
            return (*plan(state, changes, self._clock()), {}, {})
        except (Conflict, NotFound, Duplicate):
            return None

    def _plan_on_read(self, names: list[str], changes: Sequence[Change]) -> tuple:
        """The commit checked on the worksheets read now, with the rows that lag behind
        the log to be written along.

        A table the changes only add rows to is read without the mail texts (most of
        its bytes; the rows written where it lags come whole from the log). Where a
        change needs a row whole after all (an insert repeated: its answer is the
        first row), the worksheets are read again whole."""
        for omit in (only_added(changes), {}):
            sheets, fold = self._fetch(names, omit=omit)
            with self._shared.lock:
                state, behind, whole = {}, {}, {}
                for name in names:
                    state[name], lagging = overlay(name, sheets[name], fold)
                    whole[name] = set(lagging)  # the log's rows are whole
                    behind.update(self._behind(name, sheets[name], fold, lagging[:HEAL_LIMIT]))
            if all(
                plannable_without(sheets[ch.table].omitted, ch, state[ch.table], whole[ch.table])
                for ch in changes
            ):
                break
        self._add_archived(state, sheets, _missing(state, changes))
        return (*plan(state, changes, self._clock()), sheets, behind)

    def _add_archived(
        self, state: dict[str, dict], sheets: dict[str, Sheet], wanted: list[str]
    ) -> None:
        """A change to an archived row: read the archive worksheets of `wanted` tables
        into `state` (rare: a purge)."""
        if not wanted:
            return
        found, fold = self._fetch([archive_title(n) for n in wanted])
        with self._shared.lock:
            for name in wanted:
                merged = with_archive(name, sheets[name], found[archive_title(name)])
                state[name] = overlay(name, merged, fold)[0]

    def _clock(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    # -- the log ------------------------------------------------------------

    def _decide(
        self, entry: Entry, sheets: dict[str, Sheet], behind: dict, read_at: float | None = None
    ) -> Outcome:
        """Send the entry with the worksheet rows that lag; the log's verdict on it.

        The worksheets read for it (at `read_at`) with those rows written are what
        the next commits check on, instead of the page view's older copy."""
        try:
            mended = self._send(entry, sheets, behind)
        except StoreUnavailable:
            return self._void(entry)
        if mended and read_at is not None and self.worksheet_refresh:
            with self._shared.lock:
                self._shared.worksheets.update({t: (sheet, read_at) for t, sheet in sheets.items()})
        return self._verdict(entry.change_id)

    def _void(self, entry: Entry) -> Outcome:
        """No answer: the entry may land now, later, or never. A void row settles
        it: whichever of the two is first in the log counts."""
        landed = Entry(entry.change_id, sheets_log.VOID)
        try:
            # appendCells, like the entry: after the last row with data, also when
            # compact_log cleared the rows below the header (values.append would
            # take the header alone for "the table" and write into row 2).
            self._send(landed, {}, {})
        except StoreUnavailable as err:
            raise OutcomeUnknown() from err
        outcome = self._verdict(entry.change_id)
        if outcome.reason == "void":
            raise StoreUnavailable(unavailable_message(self._http.max_attempts))
        return outcome

    def _send(
        self,
        entry: Entry | None,
        sheets: dict[str, Sheet],
        behind: dict[tuple[str, str], dict],
        *,
        mend_required: bool = False,
        extra: Sequence[dict] = (),
    ) -> bool:
        """One spreadsheets.batchUpdate: the lagging worksheet rows, and the entry appended;
        whether the worksheet rows went along.

        Retrying it after a lost answer is safe: a repeated log row is a no-op for
        every reader, and rows are written at explicit positions. The answer holds
        the log from the last row this process folded, which is folded here. When
        Google refuses the worksheet part (a worksheet shrunk or edited by hand),
        the sizes are looked up again, and at last the entry goes alone: mending
        can wait, the user's change cannot (unless `mend_required`: compact_log).
        """
        with self._shared.lock:
            start = max(self._shared.fold.count, 1)
        tail = LOG_TAIL.format(title=quote(sheets_log.TITLE), start=start)
        tries = 2 if mend_required or not behind else 3
        for attempt in range(tries):
            grid = self._grid([name for name, _ in behind], refresh=attempt == 1)
            requests = self._projection(grid, sheets, behind) if attempt < 2 else []
            requests += extra  # all or nothing with the entry (the archive's move)
            if entry is not None:
                requests.append(append_row(grid[sheets_log.TITLE]["sheetId"], entry.cells()))
            if not requests:
                return True
            body = {
                "requests": requests,
                "includeSpreadsheetInResponse": True,
                "responseRanges": [tail],
                "responseIncludeGridData": True,
            }
            try:
                asked = time.monotonic()  # the answer is at least this fresh
                answer = self._http.batch_update(self.key, body)
                break
            except StoreUnavailable:
                self._shared.written_at = float("-inf")  # the Sheet failed: show it, not memory
                raise
            except APIError as err:
                if err.code != 400 or not behind or attempt + 1 == tries:
                    self._shared.written_at = float("-inf")
                    raise StoreUnavailable(refusal_message(err)) from err
                _log.warning("Worksheet rows refused (%s); trying again.", err)
        self._count_growth(requests)
        found = answered_rows(answer, sheets_log.TITLE)
        with self._shared.lock:
            fold = self._shared.fold
            answered = found is not None and found[0] == start and fold.count >= start
            if answered and not self._merge(start, found[1]):
                self._shared.fold = Fold()  # the log was edited: _verdict reads it again
            elif answered:
                self._shared.written_at = asked  # the answer holds the log to its end
        return attempt < 2

    def _verdict(self, change_id: str) -> Outcome:
        """The log's verdict on a change that landed; read the log when not folded yet."""
        for _ in range(2):
            with self._shared.lock:
                found = self._shared.fold.outcomes.get(change_id)
            if found is not None:
                return found
            self._fetch([])
        raise OutcomeUnknown()

    def _projection(
        self, grid: dict[str, dict], sheets: dict[str, Sheet], behind: dict[tuple[str, str], dict]
    ) -> list[dict]:
        """Requests that write the rows the log has ahead of the worksheets, growing them first."""
        for (name, row_id), row in behind.items():
            sheet = sheets[name]
            if row_id in sheet.position:
                sheet.rows[row_id] = row
            else:
                sheet.add(row)
        requests = []
        for name in dict.fromkeys(name for name, _ in behind):
            sheet, size, table = sheets[name], grid[name], TABLES[name]
            if sheet.next_row - 1 > size["rowCount"]:
                shortfall = sheet.next_row - 1 - size["rowCount"]
                requests.append(append_dimension(size, "ROWS", max(shortfall, GROW_ROWS)))
            if len(table.columns) > size["columnCount"]:
                more = len(table.columns) - size["columnCount"]
                requests.append(append_dimension(size, "COLUMNS", more))
        for (name, row_id), row in behind.items():
            number = sheets[name].position[row_id]
            requests.append(update_row(grid[name]["sheetId"], number, row_cells(name, row)))
        return requests

    def _grid(self, names: list[str], refresh: bool = False) -> dict[str, dict]:
        grid = self._shared.grid
        if refresh or grid is None or any(n not in grid for n in [sheets_log.TITLE, *names]):
            grid = self._load_grid()
        return grid


def _missing(state: dict[str, dict], changes: Sequence[Change]) -> list[str]:
    """Archivable tables with a row a change names that the live worksheets lack."""
    wanted = [
        ch.table
        for ch in changes
        if not isinstance(ch, Insert) and ch.table in ARCHIVABLE and ch.id not in state[ch.table]
    ]
    return list(dict.fromkeys(wanted))
