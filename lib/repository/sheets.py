"""The Google Sheet driver: one worksheet per table, row 1 holds the column names.

Several processes may write one Sheet at once (app instances, CLI commands).
Sheets has no transactions and no conditional writes, but it applies the
appends to one worksheet in order; so a commit is decided by a change log
(lib/repository/sheets_log.py), worksheet `_wijzigingen`:

1. read the affected worksheets and the log rows this process has not seen
   (one values.batchGet) and check every change in memory: a stale version is
   refused before anything is written;
2. append one log row with the change (one values.append); its position, given
   in the answer, and the log rows before it decide whether it won. Only when
   other writers appended in between are those rows read (one more batchGet);
3. a winner writes its rows to the readable worksheets (one values.batchUpdate),
   and mends rows there that lag behind the log (a crashed or late writer).

A read overlays the log on the worksheets, so what a page shows is what the log
decided even when a worksheet write was lost or landed late. When the append's
answer never comes, the client appends a `void` row for the change: whichever
of the two comes first in the log decides, so the user is told the truth.
No lock is held across requests; the lock below only guards this process's
copy of the folded log and the cached grid sizes.
"""

from __future__ import annotations

import logging
import re
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
    OutcomeUnknown,
    Redact,
    Repository,
    StoreUnavailable,
    check_changes,
)
from lib.repository.sheets_http import RetryingHTTPClient, unavailable_message
from lib.repository.sheets_log import Entry, Fold, Outcome
from lib.repository.sheets_plan import Sheet, overlay, plan, refusal
from lib.safe_text import neutralise, restore
from lib.schema import TABLES, Column, Table

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
NEW_SHEET_ROWS = 1000  # Google's own default for a new worksheet
GROW_ROWS = 500  # growing in steps keeps the extra request rare
HEAL_LIMIT = 200  # lagging worksheet rows mended per write, at most
# The app's setting (lib/store.py): a hand edit in a worksheet shows within a
# minute; everything written through the app at once (it is in the log).
WORKSHEET_REFRESH = 60.0
_log = logging.getLogger("kivido.sheets")
_TRUE = {"true", "1", "ja", "yes", "waar", "x"}
_FALSE = {"false", "0", "nee", "no", "onwaar", ""}


@dataclass
class _Shared:
    """Per spreadsheet, per process: the write lock and the cached grid sizes."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    grid: dict[str, dict] | None = None  # title -> sheetId, rowCount, columnCount
    fold: Fold = field(default_factory=Fold)  # the log as far as this process read it
    # title -> (worksheet as last read, time.monotonic() then): see read()
    worksheets: dict[str, tuple[Sheet, float]] = field(default_factory=dict)


_SHARED: dict[str, _Shared] = {}
_SHARED_GUARD = threading.Lock()


def _shared(key: str) -> _Shared:
    with _SHARED_GUARD:
        return _SHARED.setdefault(key, _Shared())


class SheetsRepository(Repository):
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

    def read(self, tables: Iterable[str], live_only: bool = False) -> dict[str, list[dict]]:
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
        if live_only:  # the same one request, with what decides the archive; filtered here
            return live.live_rows(self.read(live.helper_tables(names)), names)
        now = time.monotonic()
        with self._shared.lock:
            cached = {n: self._shared.worksheets.get(n) for n in names}
        if self.worksheet_refresh and all(
            c is not None and now - c[1] < self.worksheet_refresh for c in cached.values()
        ):
            _, fold = self._fetch([])
            sheets = {n: c[0] for n, c in cached.items()}
        else:
            sheets, fold = self._fetch(names)
            if self.worksheet_refresh:
                with self._shared.lock:
                    self._shared.worksheets.update({n: (sheets[n], now) for n in names})
        with self._shared.lock:  # other threads fold new log rows meanwhile
            return {name: list(overlay(name, sheets[name], fold)[0].values()) for name in names}

    def commit(self, changes: Sequence[Change]) -> list[dict]:
        check_changes(changes)
        if not changes:
            return []
        names = list(dict.fromkeys(ch.table for ch in changes))
        sheets, fold = self._fetch(names)
        with self._shared.lock:
            state = {n: overlay(n, sheets[n], fold)[0] for n in names}
        entry, results = plan(state, fold, changes, self._clock())
        if not entry.changes:
            return results  # only repeated inserts: nothing to write
        outcome = self._decide(entry)
        if not outcome.won:
            raise refusal(outcome)
        self._project(names, sheets, [(ch["t"], ch["row"]["id"]) for ch in entry.changes])
        if any(isinstance(ch, Redact) for ch in changes):
            try:
                self._scrub(rounds=1)
            except StoreUnavailable:
                _log.warning("Scrubbing the change log after a redact failed; the purge retries.")
        # The log's rows: with the numbers it handed out and the first of a repeated insert.
        logged = iter(outcome.results)
        final = [dict(next(logged)) if r.pop("_planned", False) else r for r in results]
        return final

    def _clock(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    # -- the log ------------------------------------------------------------

    def _decide(self, entry: Entry) -> Outcome:
        """Append the entry; read what came before it if needed; the log's verdict."""
        landed = entry
        try:
            position = self._append(entry)
        except StoreUnavailable:
            # No answer: the entry may land now, later, or never. A void row
            # settles it: whichever of the two is first in the log counts.
            landed = Entry(entry.change_id, sheets_log.VOID)
            try:
                position = self._append(landed)
            except StoreUnavailable as err:
                raise OutcomeUnknown() from err
        outcome = self._catch_up(landed, position)
        if outcome.reason == "void":
            raise StoreUnavailable(unavailable_message(self._http.max_attempts))
        return outcome

    def _append(self, entry: Entry) -> int:
        answer = self._call(
            self._http.values_append,
            self.key,
            f"{_quote(sheets_log.TITLE)}!A1",
            {"valueInputOption": "RAW", "insertDataOption": "OVERWRITE"},
            {"values": [entry.cells()]},
        )
        written = answer.get("updates", {}).get("updatedRange", "")
        match = re.search(r"![A-Z]+(\d+)", written)
        if not match:
            raise StoreUnavailable("De Google Sheet gaf een onvolledig antwoord; probeer opnieuw.")
        return int(match.group(1))

    def _catch_up(self, entry: Entry, position: int) -> Outcome:
        """Fold the log up to `position` (where this entry or its void row landed)."""
        shared = self._shared
        with shared.lock:
            fold = shared.fold
            if fold.count == position - 1:
                fold.apply(entry, position)  # nobody appended in between: no read
            known = fold.count >= position
        if not known:
            self._fetch([], through=position)
        with shared.lock:
            return shared.fold.outcomes.get(entry.change_id, Outcome(False, "void"))

    def scrub_history(self) -> None:
        """Take text that winning redacts overwrote out of the earlier log rows too."""
        self._scrub(rounds=3)

    def _scrub(self, rounds: int) -> None:
        """Rewrite the log rows that still hold redacted text (sheets_log.Fold.scrub).

        The log rows are rewritten in place, never removed: every process keeps
        its folded copy and its verdicts (see Fold.scrub). Two purges at once may
        each write a row with only its own redactions; so the rows are read again
        after the write, with the log caught up, until none needs a rewrite.
        """
        for _ in range(rounds):
            _, fold = self._fetch([])
            with self._shared.lock:
                count = fold.count
            if count < 2:
                return
            (found,) = self._batch_get(
                [f"{_quote(sheets_log.TITLE)}!A2:Z{count}"],
                {"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "ROWS"},
            )
            data = []
            with self._shared.lock:
                for number, cells in enumerate(found, start=2):
                    clean = fold.scrub(sheets_log.parse(cells), number)
                    if clean is None:
                        continue
                    try:
                        written = clean.cells()
                    except ValueError:  # the marker made a change near the limit too long
                        _log.warning("Log row %s is too long to rewrite; left as it is.", number)
                        continue
                    padded = written + [""] * (sheets_log.WIDTH - len(written))
                    data.append({"range": _log_row_range(number), "values": [padded]})
            if not data:
                return
            body = {"valueInputOption": "RAW", "data": data}
            self._call(self._http.values_batch_update, self.key, body)

    # -- the readable worksheets ------------------------------------------

    def _project(
        self, names: list[str], sheets: dict[str, Sheet], won: list[tuple[str, str]]
    ) -> None:
        """Write the rows that won, and mend rows that lag behind the log.

        The change is saved once the log says so: a failure here is not the
        user's failure. The next writer mends what this one could not write.
        """
        with self._shared.lock:
            fold = self._shared.fold
            dirty: dict[tuple[str, str], dict] = {}
            for name in names:
                _, lagging = overlay(name, sheets[name], fold)
                for row_id in lagging[:HEAL_LIMIT]:
                    dirty[(name, row_id)] = fold.rows[name][row_id]
            for name, row_id in won:
                dirty[(name, row_id)] = fold.rows[name][row_id]
        for (name, row_id), row in dirty.items():
            sheet = sheets[name]
            if row_id in sheet.position:
                sheet.rows[row_id] = row
            else:
                sheet.add(row)
        if not dirty:
            return
        try:
            self._write(sheets, list(dirty))
        except StoreUnavailable:
            _log.warning("Worksheet write after a saved change failed; the next write mends it.")

    def setup(self) -> list[str]:
        with self._shared.lock:
            try:
                return self._setup()
            except StoreUnavailable as err:
                # addSheet is the one request that is not idempotent: after a lost
                # answer its retry meets the sheet it made itself. Look again.
                if "already exists" not in str(err.__cause__):
                    raise
                return self._setup()

    def _setup(self) -> list[str]:
        grid = self._load_grid()
        headers = self._headers([name for name in TABLES if name in grid], grid)
        lines, problems, add, grow, write = [], [], [], [], []
        for name, table in TABLES.items():
            names = table.column_names
            if name not in grid:
                add.append(_add_sheet(table.name, len(table.columns)))
                write.append(name)
                lines.append(f"Werkblad '{name}' aangemaakt.")
                continue
            if grid[name]["columnCount"] < len(names):
                grow.append(_append(grid[name], "COLUMNS", len(names) - grid[name]["columnCount"]))
            got = headers[name]
            if got[: len(names)] == names:
                lines.append(f"Werkblad '{name}' bestond al.")
            elif got == names[: len(got)]:  # empty, or the schema gained columns
                write.append(name)
                done = f"aangevuld ({', '.join(names[len(got) :])})" if got else "geschreven"
                lines.append(f"Werkblad '{name}': kopregel {done}.")
            else:
                problems.append(f"'{name}' heeft {got}, verwacht {names}")
        log_line, log_header = self._setup_log(grid, add)
        lines.append(log_line)
        if problems:
            raise ValueError(
                "De Google Sheet heeft niet de verwachte kopregels; er is niets veranderd. "
                "Herstel de eerste rij van deze werkbladen: " + "; ".join(problems) + "."
            )
        if add or grow:
            self._restructure(add + grow)
        if write or log_header:
            data = [
                {"range": _row_range(TABLES[n], 1), "values": [TABLES[n].column_names]}
                for n in write
            ]
            if log_header:
                data.append({"range": _LOG_HEADER_RANGE, "values": [sheets_log.HEADER]})
            self._call(
                self._http.values_batch_update, self.key, {"valueInputOption": "RAW", "data": data}
            )
        return lines

    def _setup_log(self, grid: dict[str, dict], add: list[dict]) -> tuple[str, bool]:
        """The change log worksheet: made when missing, its header written when empty."""
        if sheets_log.TITLE not in grid:
            add.append(_add_sheet(sheets_log.TITLE, sheets_log.WIDTH))
            return f"Werkblad '{sheets_log.TITLE}' aangemaakt.", True
        (found,) = self._batch_get([_LOG_HEADER_RANGE], {})
        header = _trimmed([str(c).strip() for c in (found or [[]])[0]])
        if header == sheets_log.HEADER:
            return f"Werkblad '{sheets_log.TITLE}' bestond al.", False
        if not header:
            return f"Werkblad '{sheets_log.TITLE}': kopregel geschreven.", True
        raise ValueError(
            f"Werkblad '{sheets_log.TITLE}' heeft niet de verwachte kopregel "
            f"({header}, verwacht {sheets_log.HEADER}); er is niets veranderd."
        )

    # -- requests -----------------------------------------------------------

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except APIError as err:
            raise StoreUnavailable(_refusal_message(err)) from err

    def _fetch(self, names: list[str], through: int | None = None) -> tuple[dict[str, Sheet], Fold]:
        """The worksheets and the log rows this process has not folded yet, in one read.

        The log is read from the last row already folded, to notice when it changed
        behind our back (then it is read and folded again from the top).
        """
        params = {"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "ROWS"}
        for _ in range(2):
            with self._shared.lock:
                start = max(self._shared.fold.count, 1)
            end = str(max(through, start)) if through else ""
            log_range = f"{_quote(sheets_log.TITLE)}!A{start}:Z{end}"
            found = self._batch_get([_quote(n) for n in names] + [log_range], params)
            with self._shared.lock:
                if self._merge(start, found[-1]):
                    fold = self._shared.fold
                    break
                self._shared.fold = Fold()  # the log was edited: fold it again
        else:
            raise StoreUnavailable(
                "Het werkblad _wijzigingen is met de hand gewijzigd; herstel het "
                "(zie de handleiding) en probeer opnieuw."
            )
        sheets = {n: _parse(TABLES[n], values) for n, values in zip(names, found, strict=False)}
        return sheets, fold

    def _merge(self, start: int, values: list[list]) -> bool:
        """Fold log rows read from row `start`; False when they do not continue ours."""
        fold = self._shared.fold
        if start == 1:
            if fold.count == 0:
                if not values or _trimmed([str(c) for c in values[0]]) != sheets_log.HEADER:
                    raise StoreUnavailable(
                        "Werkblad '_wijzigingen' ontbreekt of heeft niet de verwachte "
                        "kopregel. Voer de installatie (setup) uit."
                    )
                fold.count = 1
        elif fold.count == start:
            first = sheets_log.parse(values[0]) if values else None
            if (first.change_id if first else "") != fold.last_id:
                return False
        for number, cells in enumerate(values, start=start):
            if number > fold.count:
                fold.apply(sheets_log.parse(cells), number)
        return True

    def _batch_get(self, ranges: list[str], params: dict) -> list[list[list]]:
        answer = self._call(self._http.values_batch_get, self.key, ranges, params)
        found = [vr.get("values", []) for vr in answer.get("valueRanges", [])]
        if len(found) != len(ranges):
            raise StoreUnavailable("De Google Sheet gaf een onvolledig antwoord; probeer opnieuw.")
        return found

    def _load_grid(self) -> dict[str, dict]:
        meta = self._call(self._http.fetch_sheet_metadata, self.key)
        self._shared.grid = {
            s["properties"]["title"]: _dims(s["properties"]) for s in meta.get("sheets", [])
        }
        return self._shared.grid

    def _headers(self, names: list[str], grid: dict[str, dict]) -> dict[str, list[str]]:
        if not names:
            return {}
        # Never ask beyond the grid: Google refuses ranges past the last column.
        ranges = [
            _row_range(TABLES[n], 1, min(len(TABLES[n].columns), grid[n]["columnCount"]))
            for n in names
        ]
        rows = [(values or [[]])[0] for values in self._batch_get(ranges, {})]
        return {n: _trimmed([str(c).strip() for c in r]) for n, r in zip(names, rows, strict=True)}

    def _write(self, sheets: dict[str, Sheet], dirty: list[tuple[str, str]]) -> None:
        # Every cell goes to an explicit position with an explicit value, so
        # sending this same body twice leaves the Sheet as sending it once. That
        # is what makes the HTTP client's retries safe after a lost answer: no
        # append (which would add a second row) and no clear-then-rewrite.
        data = []
        for table, row_id in dirty:
            row = sheets[table].rows[row_id]
            number = sheets[table].position[row_id]
            data.append(
                {"range": _row_range(TABLES[table], number), "values": [_cells(table, row)]}
            )
        body = {"valueInputOption": "RAW", "data": data}
        for refresh in (False, True):
            self._grow(sheets, refresh)
            try:
                self._http.values_batch_update(self.key, body)
                return
            except APIError as err:
                # Someone shrank a worksheet by hand since we cached its size:
                # look again and grow once; nothing was written by the refusal.
                if refresh or not _beyond_grid(err):
                    raise StoreUnavailable(_refusal_message(err)) from err

    def _grow(self, sheets: dict[str, Sheet], refresh: bool) -> None:
        growing = {n: s for n, s in sheets.items() if s.added}
        if not growing:
            return
        grid = self._shared.grid
        if refresh or grid is None or any(name not in grid for name in growing):
            grid = self._load_grid()
        requests = []
        for name, sheet in growing.items():
            dims, table = grid[name], TABLES[name]
            if sheet.next_row - 1 > dims["rowCount"]:
                shortfall = sheet.next_row - 1 - dims["rowCount"]
                requests.append(_append(dims, "ROWS", max(shortfall, GROW_ROWS)))
            if len(table.columns) > dims["columnCount"]:
                requests.append(_append(dims, "COLUMNS", len(table.columns) - dims["columnCount"]))
        if requests:
            self._restructure(requests)

    def _restructure(self, requests: list[dict]) -> None:
        """Send addSheet/appendDimension requests and keep the cached sizes true."""
        answer = self._call(self._http.batch_update, self.key, {"requests": requests})
        grid = self._shared.grid
        try:
            for req, reply in zip(requests, answer["replies"], strict=True):
                if "addSheet" in req:
                    props = reply["addSheet"]["properties"]
                    grid[props["title"]] = _dims(props)
                else:
                    spec = req["appendDimension"]
                    dims = next(d for d in grid.values() if d["sheetId"] == spec["sheetId"])
                    size = "rowCount" if spec["dimension"] == "ROWS" else "columnCount"
                    dims[size] += spec["length"]
        except (KeyError, TypeError, ValueError, StopIteration):
            self._shared.grid = None  # unsure: look again the next time sizes matter


# -- pure helpers -----------------------------------------------------------


def _parse(table: Table, values: list[list]) -> Sheet:
    header = _trimmed([str(c).strip() for c in values[0]]) if values else []
    names = table.column_names
    if header[: len(names)] != names:
        raise StoreUnavailable(
            f"Werkblad '{table.name}' heeft niet de verwachte kopregel. "
            "Voer de installatie (setup) uit of herstel de eerste rij."
        )
    sheet = Sheet(rows={}, position={}, next_row=len(values) + 1)
    for number, cells in enumerate(values[1:], start=2):
        try:
            row = {
                c.name: _from_cell(c, cells[i] if i < len(cells) else "")
                for i, c in enumerate(table.columns)
            }
        except ValueError as err:
            raise StoreUnavailable(f"Werkblad '{table.name}', rij {number}: {err}") from err
        # Rows without an id are notes someone typed by hand; a second row with
        # the same id is a hand-made copy. Neither is ours to show or change.
        if row["id"] and row["id"] not in sheet.rows:
            sheet.rows[row["id"]] = row
            sheet.position[row["id"]] = number
    return sheet


def _from_cell(col: Column, value: Any) -> Any:
    """A cell as UNFORMATTED_VALUE gives it (also when typed by hand) to its column type."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if col.type == "text":
        return restore(value) if isinstance(value, str) else str(value)
    if isinstance(value, bool | int):
        return int(value) if col.type == "int" else bool(value)
    word = str(value).strip().lower()
    if col.type == "bool" and (word in _TRUE or word in _FALSE):
        return word in _TRUE
    if col.type == "int" and (word == "" or word.lstrip("-").isdigit()):
        return int(word or 0)
    kind = "geheel getal" if col.type == "int" else "ja/nee-waarde"
    raise ValueError(f"'{value}' in kolom '{col.name}' is geen {kind}")


def _cells(table: str, row: dict) -> list:
    return [
        neutralise(row[c.name]) if c.type == "text" else row[c.name] for c in TABLES[table].columns
    ]


def _trimmed(cells: list[str]) -> list[str]:
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _row_range(table: Table, number: int, width: int | None = None) -> str:
    return f"{_quote(table.name)}!A{number}:{_column_letter(width or len(table.columns))}{number}"


def _dims(props: dict) -> dict:
    grid = props.get("gridProperties", {})
    return {
        "sheetId": props["sheetId"],
        "rowCount": grid.get("rowCount", 0),
        "columnCount": grid.get("columnCount", 0),
    }


def _add_sheet(title: str, width: int) -> dict:
    grid = {"rowCount": NEW_SHEET_ROWS, "columnCount": width, "frozenRowCount": 1}
    return {"addSheet": {"properties": {"title": title, "gridProperties": grid}}}


_LOG_HEADER_RANGE = f"{_quote(sheets_log.TITLE)}!A1:{_column_letter(len(sheets_log.HEADER))}1"


def _log_row_range(number: int) -> str:
    return f"{_quote(sheets_log.TITLE)}!A{number}:{_column_letter(sheets_log.WIDTH)}{number}"


def _append(dims: dict, dimension: str, length: int) -> dict:
    spec = {"sheetId": dims["sheetId"], "dimension": dimension, "length": length}
    return {"appendDimension": spec}


def _beyond_grid(err: APIError) -> bool:
    return err.code == 400 and "grid limits" in str(err.error.get("message", "")).lower()


def _refusal_message(err: APIError) -> str:
    status = err.response.status_code if err.response is not None else err.code
    message = str(err.error.get("message", ""))
    if status == 403:
        return (
            "Geen toegang tot de Google Sheet. Deel de sheet als bewerker met het "
            "e-mailadres van het service-account."
        )
    if status == 404:
        return "De Google Sheet is niet gevonden. Controleer de sleutel in de instellingen."
    if status == 400 and "parse range" in message.lower():
        return "Een werkblad ontbreekt in de Google Sheet. Voer eerst de installatie (setup) uit."
    return f"De Google Sheet weigerde het verzoek ({status}): {message}"
