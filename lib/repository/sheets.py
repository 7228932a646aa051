"""The Google Sheet driver: one worksheet per table, row 1 holds the column names.

Request budget (Google allows 60 requests per minute per user): `read` is one
values.batchGet; `commit` is one values.batchGet plus one values.batchUpdate.
Rarely more: a spreadsheets.batchUpdate when new rows need a bigger grid, and a
spreadsheets.get when a process inserts before it has seen the grid sizes.

Sheets has no transactions and no conditional writes, so a commit is made
all-or-nothing like this: under one lock per spreadsheet for the whole process
(Streamlit serves every user from one process), read the affected worksheets,
check every change in memory, and only then send a single write. Nothing is
written when any check fails. Another process writing the same Sheet at the same
moment is not covered by the lock; run one app process per Sheet.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import gspread
from gspread.exceptions import APIError

from lib.repository.base import (
    Change,
    Conflict,
    Insert,
    NotFound,
    Redact,
    Repository,
    StoreUnavailable,
    check_changes,
    complete_row,
    next_number,
)
from lib.repository.sheets_http import RetryingHTTPClient
from lib.safe_text import neutralise, restore
from lib.schema import TABLES, Column, Table

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
NEW_SHEET_ROWS = 1000  # Google's own default for a new worksheet
GROW_ROWS = 500  # growing in steps keeps the extra request rare
_TRUE = {"true", "1", "ja", "yes", "waar", "x"}
_FALSE = {"false", "0", "nee", "no", "onwaar", ""}


@dataclass
class _Shared:
    """Per spreadsheet, per process: the write lock and the cached grid sizes."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    grid: dict[str, dict] | None = None  # title -> sheetId, rowCount, columnCount


_SHARED: dict[str, _Shared] = {}
_SHARED_GUARD = threading.Lock()


def _shared(key: str) -> _Shared:
    with _SHARED_GUARD:
        return _SHARED.setdefault(key, _Shared())


@dataclass
class _Sheet:
    """A worksheet as it was just read; rows are found by id, positions follow."""

    rows: dict[str, dict]  # id -> typed row, in sheet order
    position: dict[str, int]  # id -> 1-based row in the worksheet
    next_row: int  # first row after the last non-empty one
    added: int = 0

    def add(self, row: dict) -> None:
        self.rows[row["id"]] = row
        self.position[row["id"]] = self.next_row
        self.next_row += 1
        self.added += 1


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
    ) -> None:
        self.key = spreadsheet_key
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

    def read(self, tables: Iterable[str]) -> dict[str, list[dict]]:
        names = list(dict.fromkeys(tables))
        if not names:
            return {}
        sheets = self._fetch(names)
        return {name: list(sheets[name].rows.values()) for name in names}

    def commit(self, changes: Sequence[Change]) -> list[dict]:
        check_changes(changes)
        if not changes:
            return []
        names = list(dict.fromkeys(ch.table for ch in changes))
        with self._shared.lock:
            sheets = self._fetch(names)
            results, dirty = [], {}
            for ch in changes:
                row, changed = _apply(sheets[ch.table], ch)
                results.append(dict(row))
                if changed:
                    dirty[(ch.table, row["id"])] = None
            if dirty:
                self._write(sheets, list(dirty))
            return results

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
                add.append(_add_sheet(table))
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
        if problems:
            raise ValueError(
                "De Google Sheet heeft niet de verwachte kopregels; er is niets veranderd. "
                "Herstel de eerste rij van deze werkbladen: " + "; ".join(problems) + "."
            )
        if add or grow:
            self._restructure(add + grow)
        if write:
            data = [
                {"range": _row_range(TABLES[n], 1), "values": [TABLES[n].column_names]}
                for n in write
            ]
            self._call(
                self._http.values_batch_update, self.key, {"valueInputOption": "RAW", "data": data}
            )
        return lines

    # -- requests -----------------------------------------------------------

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except APIError as err:
            raise StoreUnavailable(_refusal_message(err)) from err

    def _fetch(self, names: list[str]) -> dict[str, _Sheet]:
        params = {"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "ROWS"}
        found = self._batch_get([_quote(n) for n in names], params)
        return {n: _parse(TABLES[n], values) for n, values in zip(names, found, strict=True)}

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

    def _write(self, sheets: dict[str, _Sheet], dirty: list[tuple[str, str]]) -> None:
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

    def _grow(self, sheets: dict[str, _Sheet], refresh: bool) -> None:
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


def _apply(sheet: _Sheet, ch: Change) -> tuple[dict, bool]:
    """Apply one change to the in-memory sheet; return the row and whether it changed."""
    if isinstance(ch, Insert):
        existing = sheet.rows.get(ch.row["id"])
        if existing is not None:  # a repeated insert: keep the first
            return existing, False
        row = _typed_row(TABLES[ch.table], complete_row(ch.table, ch.row))
        if ch.number_prefix:
            numbers = (r["number"] for r in sheet.rows.values())
            row["number"] = next_number(numbers, ch.number_prefix)
        sheet.add(row)
        return row, True
    current = sheet.rows.get(ch.id)
    if current is None:
        raise NotFound(ch.table, ch.id)
    if isinstance(ch, Redact):
        row = {**current, **_typed_row(TABLES[ch.table], ch.values)}
        if TABLES[ch.table].mutable:
            row["version"] = current["version"] + 1
        sheet.rows[ch.id] = row
        return row, True
    if current["version"] != ch.expected_version:
        raise Conflict(ch.table, ch.id)
    values = _typed_row(TABLES[ch.table], ch.values)
    row = {**current, **values, "version": current["version"] + 1}
    sheet.rows[ch.id] = row
    return row, True


def _parse(table: Table, values: list[list]) -> _Sheet:
    header = _trimmed([str(c).strip() for c in values[0]]) if values else []
    names = table.column_names
    if header[: len(names)] != names:
        raise StoreUnavailable(
            f"Werkblad '{table.name}' heeft niet de verwachte kopregel. "
            "Voer de installatie (setup) uit of herstel de eerste rij."
        )
    sheet = _Sheet(rows={}, position={}, next_row=len(values) + 1)
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


def _typed_row(table: Table, row: dict) -> dict:
    """Values as their column type, as the SQL store keeps them; refuse what it would refuse."""
    typed = {}
    for name, value in row.items():
        kind = table.column(name).type
        ok = {
            "text": value is not None,
            "int": isinstance(value, int) or (isinstance(value, float) and value.is_integer()),
            "bool": isinstance(value, bool | int) and value in (0, 1),
        }[kind]
        if not ok:
            raise ValueError(f"{table.name}.{name}: {value!r} past niet bij type {kind}")
        typed[name] = {"text": str, "int": int, "bool": bool}[kind](value)
    return typed


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


def _add_sheet(table: Table) -> dict:
    grid = {"rowCount": NEW_SHEET_ROWS, "columnCount": len(table.columns), "frozenRowCount": 1}
    return {"addSheet": {"properties": {"title": table.name, "gridProperties": grid}}}


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
