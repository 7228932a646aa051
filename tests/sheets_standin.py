"""A local stand-in of the Google Sheets API v4, for tests that must never reach Google.

It answers as Google does in the recordings of real traffic under
shared/reference/google-sheets-api-recordings (tests/test_standin_replay.py replays
all of them against it): ranges come back normalised and unquoted when possible
(`Sheet1!A1:Z1`), trailing empty cells and rows are left out, an empty range has
no `values`, errors are `{"error": {"code", "message", "status"}}`.

    server = SheetsStandIn().start()
    key = server.create_spreadsheet("Test", sheets=("Sheet1", "tickets"))
    ... point the client at server.url instead of https://sheets.googleapis.com ...
    server.inject("429", kind="values.batchGet")   # the next batchGet is refused
    server.count("values.batchUpdate")             # requests of that kind so far
    server.stop()

Only the Sheets host is served (no Drive API): seed spreadsheets with
`create_spreadsheet`. Known differences from Google are listed in
`KNOWN_DIFFERENCES` below.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import secrets
import socket
import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.sheets_standin_a1 import (
    DATETIME,
    DEFAULT_FORMAT,
    MAX_CELLS,
    RENDER,
    SKIP,
    THEME,
    ApiError,
    Sheet,
    Target,
    apply_fields,
    as_rows,
    bad,
    column_letters,
    enum,
    fault_answer,
    flag,
    grid_data,
    grid_error,
    new_sheet_id,
    parse_cells,
    parse_fields,
    route,
    span_text,
    split_range,
    stored,
)

KINDS = (
    "spreadsheets.get",
    "spreadsheets.batchUpdate",
    "values.get",
    "values.batchGet",
    "values.append",
    "values.update",
    "values.batchUpdate",
    "values.clear",
    "values.batchClear",
)
FAULTS = ("429", "500", "503", "slow", "lost_answer")

KNOWN_DIFFERENCES = """
- Formulas: only plain arithmetic (=1+1) is computed; other formulas read back as their text.
- USER_ENTERED parses numbers, TRUE/FALSE, '=formulas' and a leading apostrophe; no dates,
  percentages, currencies or thousands separators. Number formatting is Google's automatic
  format approximated to 10 significant digits.
- values.append finds "the table" like Excel's current region around the last filled cell of
  the range (matches every recorded case; Google's exact rule is undocumented).
- spreadsheets.batchUpdate knows addSheet, deleteSheet, updateSheetProperties,
  appendDimension, insertDimension, deleteDimension; any other request is refused (400).
- No Drive API, named ranges, formatting, merges, protected ranges, developer metadata.
- Reads of a range beyond the grid are refused like writes (400 "exceeds grid limits").
"""


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list[Sheet]
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"

    def clone(self) -> Spreadsheet:
        return dataclasses.replace(self, sheets=[s.clone() for s in self.sheets])

    # -- ranges --

    def find(self, title: str) -> Sheet | None:
        exact = [s for s in self.sheets if s.title == title]
        loose = [s for s in self.sheets if s.title.casefold() == title.casefold()]
        return (exact or loose or [None])[0]

    def resolve(self, text: str) -> Target:
        try:
            title, cells = split_range(text)
        except ValueError:
            raise bad(f"Unable to parse range: {text}") from None
        sheet = self.sheets[0] if title is None else self.find(title)
        if sheet is not None and cells is None:  # the whole sheet
            return Target(sheet, 0, 0, sheet.rows - 1, sheet.cols - 1, False)
        corners = parse_cells(cells) if cells is not None else None
        if sheet is None or corners is None or cells is None:
            raise bad(f"Unable to parse range: {text}")
        r1 = sheet.rows - 1 if corners.r1 is None else corners.r1
        c1 = sheet.cols - 1 if corners.c1 is None else corners.c1
        if max(corners.r0, r1) >= sheet.rows or max(corners.c0, c1) >= sheet.cols:
            raise grid_error(sheet, cells.upper())
        return Target(sheet, corners.r0, corners.c0, r1, c1, ":" not in cells)

    # -- values --

    def value_range(self, text: str, params: dict) -> dict:
        target = self.resolve(text)
        major = enum(params.get("majorDimension"), "majorDimension", ("ROWS", "COLUMNS"), "ROWS")
        render = enum(
            params.get("valueRenderOption"), "valueRenderOption", RENDER, "FORMATTED_VALUE"
        )
        enum(params.get("dateTimeRenderOption"), "dateTimeRenderOption", DATETIME, "SERIAL_NUMBER")
        t = target
        answer = {"range": t.text, "majorDimension": major}
        values = t.sheet.box(t.r0, t.c0, t.r1, t.c1, render, major)
        if values:
            answer["values"] = values
        return answer

    def plan_write(self, text: str, values: Any, major: str | None) -> tuple[Target, list]:
        """Check a values.update without writing: the target box and the rows to write."""
        major = enum(major, "majorDimension", ("ROWS", "COLUMNS"), "ROWS")
        target = self.resolve(text)
        matrix = as_rows(values, major)
        height, width = len(matrix), max((len(row) for row in matrix), default=0)
        if not height or not width:
            return target, []
        sheet = target.sheet
        if target.single:
            r1, c1 = target.r0 + height - 1, target.c0 + width - 1
            if r1 >= sheet.rows or c1 >= sheet.cols:
                written = span_text(sheet.title, target.r0, target.c0, r1, c1)
                raise grid_error(sheet, written.rpartition("!")[2])
        elif height > target.r1 - target.r0 + 1:
            raise bad(
                f"Requested writing within range [{text}], but tried writing to row "
                f"[{target.r0 + height}]"
            )
        elif width > target.c1 - target.c0 + 1:
            raise bad(
                f"Requested writing within range [{text}], but tried writing to column "
                f"[{column_letters(target.c0 + width - 1)}]"
            )
        return target, matrix

    def write(
        self,
        sheet: Sheet,
        r0: int,
        c0: int,
        matrix: list,
        option: str,
        params: dict,
    ) -> dict:
        """Write rows at (r0, c0); the update answer Google gives for it."""
        answer: dict = {"spreadsheetId": self.spreadsheet_id}
        if not matrix:
            return answer
        for i, row in enumerate(matrix):
            for j, value in enumerate(row):
                cell = stored(value, option)
                if cell is SKIP:
                    continue
                if isinstance(cell, str) and cell == "":
                    sheet.cells.pop((r0 + i, c0 + j), None)
                else:
                    sheet.cells[(r0 + i, c0 + j)] = cell
        height, width = len(matrix), max(len(row) for row in matrix)
        r1, c1 = r0 + height - 1, c0 + width - 1
        answer.update(
            updatedRange=span_text(sheet.title, r0, c0, r1, c1),
            updatedRows=height,
            updatedColumns=width,
            updatedCells=sum(len(row) for row in matrix),
        )
        if flag(params.get("includeValuesInResponse")):
            render = enum(
                params.get("responseValueRenderOption"),
                "responseValueRenderOption",
                RENDER,
                "FORMATTED_VALUE",
            )
            data = {"range": answer["updatedRange"], "majorDimension": "ROWS"}
            values = sheet.box(r0, c0, r1, c1, render)
            if values:
                data["values"] = values
            answer["updatedData"] = data
        return answer

    def values_update(self, text: str, params: dict, body: dict) -> dict:
        option = enum(
            params.get("valueInputOption"), "valueInputOption", ("RAW", "USER_ENTERED"), None
        )
        target, matrix = self.plan_write(text, body.get("values"), body.get("majorDimension"))
        return self.write(target.sheet, target.r0, target.c0, matrix, option, params)

    def values_batch_update(self, body: dict) -> dict:
        option = body.get("valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            raise bad(f"Invalid valueInputOption: {option or 'INPUT_VALUE_OPTION_UNSPECIFIED'}")
        plans = []
        for i, item in enumerate(body.get("data") or []):
            try:
                if not isinstance(item, dict):
                    raise bad("each data item must be a ValueRange object.")
                plans.append(
                    self.plan_write(
                        str(item.get("range", "")), item.get("values"), item.get("majorDimension")
                    )
                )
            except ApiError as err:
                raise err.prefixed(f"Invalid data[{i}]: ") from None
        answer: dict = {"spreadsheetId": self.spreadsheet_id}
        if not plans:
            return answer
        params = {k: body.get(k) for k in ("includeValuesInResponse", "responseValueRenderOption")}
        responses = [self.write(t.sheet, t.r0, t.c0, m, option, params) for t, m in plans]
        rows, cols, cells, sheets = set(), set(), set(), set()
        for target, matrix in plans:
            sid = target.sheet.sheet_id
            for i, row in enumerate(matrix):
                for j in range(len(row)):
                    rows.add((sid, target.r0 + i))
                    cols.add((sid, target.c0 + j))
                    cells.add((sid, target.r0 + i, target.c0 + j))
                    sheets.add(sid)
        answer.update(
            totalUpdatedRows=len(rows),
            totalUpdatedColumns=len(cols),
            totalUpdatedCells=len(cells),
            totalUpdatedSheets=len(sheets),
            responses=responses,
        )
        return answer

    def values_append(self, text: str, params: dict, body: dict) -> dict:
        option = enum(
            params.get("valueInputOption"), "valueInputOption", ("RAW", "USER_ENTERED"), None
        )
        mode = enum(
            params.get("insertDataOption"),
            "insertDataOption",
            ("OVERWRITE", "INSERT_ROWS"),
            "OVERWRITE",
        )
        target = self.resolve(text)
        matrix = as_rows(body.get("values"), body.get("majorDimension") or "ROWS")
        sheet, answer = target.sheet, {"spreadsheetId": self.spreadsheet_id}
        table = self.table(target)
        row, col = (table[2] + 1, table[1]) if table else (target.r0, target.c0)
        if table:
            answer["tableRange"] = span_text(sheet.title, *table)
        height, width = len(matrix), max((len(r) for r in matrix), default=0)
        if mode == "INSERT_ROWS" and height:
            sheet.move("ROWS", row, row, height)
            sheet.rows += height
        sheet.rows = max(sheet.rows, row + height)
        sheet.cols = max(sheet.cols, col + width)
        self.check_size("")
        answer["updates"] = self.write(sheet, row, col, matrix, option, params)
        return answer

    def table(self, target: Target) -> tuple[int, int, int, int] | None:
        """The table an append goes below: the region around the range's last filled cell."""
        sheet, t = target.sheet, target
        filled = [k for k in sheet.cells if t.r0 <= k[0] <= t.r1 and t.c0 <= k[1] <= t.c1]
        if not filled:
            return None
        r, c = max(filled)
        r0, c0, r1, c1 = r, c, r, c

        def any_filled(rows: range, cols: range) -> bool:
            return any((i, j) in sheet.cells for i in rows for j in cols)

        grown = True
        while grown:
            grown = False
            cols = range(max(c0 - 1, 0), c1 + 2)
            if r0 > 0 and any_filled(range(r0 - 1, r0), cols):
                r0, grown = r0 - 1, True
            if any_filled(range(r1 + 1, r1 + 2), cols):
                r1, grown = r1 + 1, True
            rows = range(max(r0 - 1, 0), r1 + 2)
            if c0 > 0 and any_filled(rows, range(c0 - 1, c0)):
                c0, grown = c0 - 1, True
            if any_filled(rows, range(c1 + 1, c1 + 2)):
                c1, grown = c1 + 1, True
        return r0, c0, r1, c1

    def values_clear(self, text: str) -> dict:
        t = self.resolve(text)
        t.sheet.cells = {
            k: v
            for k, v in t.sheet.cells.items()
            if not (t.r0 <= k[0] <= t.r1 and t.c0 <= k[1] <= t.c1)
        }
        return {"spreadsheetId": self.spreadsheet_id, "clearedRange": t.text}

    def values_batch_clear(self, body: dict) -> dict:
        ranges = [str(r) for r in body.get("ranges") or []]
        for text in ranges:
            self.resolve(text)  # refuse before clearing anything
        cleared = [self.values_clear(text)["clearedRange"] for text in ranges]
        answer: dict = {"spreadsheetId": self.spreadsheet_id}
        if cleared:
            answer["clearedRanges"] = cleared
        return answer

    def values_batch_get(self, params: dict, ranges: list[str]) -> dict:
        answer: dict = {"spreadsheetId": self.spreadsheet_id}
        if ranges:
            answer["valueRanges"] = [self.value_range(text, params) for text in ranges]
        return answer

    # -- the spreadsheet --

    def metadata(self, params: dict) -> dict:
        sheets = []
        for index, sheet in enumerate(self.sheets):
            entry: dict = {"properties": sheet.properties(index)}
            if flag(params.get("includeGridData")):
                entry["data"] = [grid_data(sheet)]
            sheets.append(entry)
        answer = {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {
                "title": self.title,
                "locale": self.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": self.time_zone,
                "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
                "spreadsheetTheme": copy.deepcopy(THEME),
            },
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }
        if params.get("fields"):
            answer = apply_fields(answer, parse_fields(params["fields"]))
        return answer

    def check_size(self, prefix: str) -> None:
        if sum(s.rows * s.cols for s in self.sheets) > MAX_CELLS:
            raise bad(
                f"{prefix}This action would increase the number of cells in the "
                f"workbook above the limit of {MAX_CELLS} cells."
            )

    def by_id(self, sheet_id: Any) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise bad(f"No grid with id: {sheet_id}")

    def check_title(self, title: str, sheet: Sheet | None = None) -> None:
        if any(s is not sheet and s.title.casefold() == title.casefold() for s in self.sheets):
            raise bad(f'A sheet with the name "{title}" already exists. Please enter another name.')

    def batch_update(self, body: dict) -> dict:
        requests = body.get("requests") or []
        if not requests:
            raise bad("Must specify at least one request.")
        replies = []
        for i, request in enumerate(requests):
            if not isinstance(request, dict) or len(request) != 1:
                raise bad(f"Invalid requests[{i}]: exactly one kind of request is required.")
            [(name, spec)] = request.items()
            handler = getattr(self, f"_req_{name}", None)
            prefix = f"Invalid requests[{i}].{name}: "
            if handler is None:
                raise bad(f"{prefix}the Sheets stand-in does not implement this request.")
            try:
                replies.append(handler(spec or {}))
                self.check_size("")
            except ApiError as err:
                raise err.prefixed(prefix) from None
        return {"spreadsheetId": self.spreadsheet_id, "replies": replies}

    def _req_addSheet(self, spec: dict) -> dict:  # Google's request names
        props = spec.get("properties") or {}
        taken = {s.title.casefold() for s in self.sheets}
        title = props.get("title") or next(
            f"Sheet{n}" for n in range(1, 10_000) if f"sheet{n}" not in taken
        )
        self.check_title(title)
        ids = {s.sheet_id for s in self.sheets}
        sheet_id = props.get("sheetId")
        if sheet_id in ids:
            raise bad(f"A sheet with the id {sheet_id} already exists.")
        if sheet_id is None:
            sheet_id = new_sheet_id(ids)
        grid = props.get("gridProperties") or {}
        sheet = Sheet(
            sheet_id,
            title,
            grid.get("rowCount", 1000),
            grid.get("columnCount", 26),
            grid.get("frozenRowCount", 0),
            grid.get("frozenColumnCount", 0),
            {k: v for k, v in props.items() if k in ("hidden", "rightToLeft")},
        )
        index = props.get("index", len(self.sheets))
        self.sheets.insert(min(max(index, 0), len(self.sheets)), sheet)
        return {"addSheet": {"properties": sheet.properties(self.sheets.index(sheet))}}

    def _req_deleteSheet(self, spec: dict) -> dict:
        sheet = self.by_id(spec.get("sheetId"))
        if len(self.sheets) == 1:
            raise bad("You can't remove all the sheets in a document.")
        self.sheets.remove(sheet)
        return {}

    def _req_updateSheetProperties(self, spec: dict) -> dict:
        props = spec.get("properties") or {}
        sheet = self.by_id(props.get("sheetId", 0))
        fields = [f.strip().replace(".", "/") for f in str(spec.get("fields") or "").split(",")]
        fields = [f for f in fields if f]
        if not fields:
            raise bad("At least one field must be specified in 'fields'.")
        if "*" in fields:
            fields = ["title", "index", "gridProperties"]
        grid = props.get("gridProperties") or {}
        size = {"rowCount": sheet.rows, "columnCount": sheet.cols}
        frozen = {"frozenRowCount": "frozen_rows", "frozenColumnCount": "frozen_cols"}
        for path in fields:
            if path == "title":
                self.check_title(props.get("title") or "", sheet)
                sheet.title = props.get("title") or ""
            elif path == "index":
                self.sheets.remove(sheet)
                self.sheets.insert(min(max(props.get("index", 0), 0), len(self.sheets)), sheet)
            elif path == "gridProperties" or path.startswith("gridProperties/"):
                keys = [*size, *frozen] if path == "gridProperties" else [path.split("/", 1)[1]]
                for key in keys:
                    if key in size:
                        size[key] = grid.get(key, 0)
                    elif key in frozen:
                        setattr(sheet, frozen[key], grid.get(key, 0))
            else:
                sheet.extra[path] = props.get(path)
        if size["rowCount"] < 1 or size["columnCount"] < 1:
            raise bad("A sheet needs at least one row and one column.")
        sheet.resize(size["rowCount"], size["columnCount"])
        if sheet.frozen_rows and sheet.frozen_rows >= sheet.rows:
            raise bad("You can't freeze all visible rows on the sheet.")
        if sheet.frozen_cols and sheet.frozen_cols >= sheet.cols:
            raise bad("You can't freeze all visible columns on the sheet.")
        return {}

    def _req_appendDimension(self, spec: dict) -> dict:
        sheet = self.by_id(spec.get("sheetId", 0))
        length = spec.get("length", 0)
        if not isinstance(length, int) or length <= 0:
            raise bad("length must be greater than 0.")
        if spec.get("dimension") == "ROWS":
            sheet.rows += length
        elif spec.get("dimension") == "COLUMNS":
            sheet.cols += length
        else:
            raise bad("dimension must be ROWS or COLUMNS.")
        return {}

    def _dimension(self, spec: dict, *, inserting: bool) -> tuple[Sheet, str, int, int]:
        rng = spec.get("range") or {}
        sheet, dim = self.by_id(rng.get("sheetId", 0)), rng.get("dimension")
        if dim not in ("ROWS", "COLUMNS"):
            raise bad("range.dimension must be ROWS or COLUMNS.")
        start, end = rng.get("startIndex", 0), rng.get("endIndex")
        size = sheet.rows if dim == "ROWS" else sheet.cols
        if end is None or not 0 <= start < end or (not inserting and end > size) or start > size:
            raise bad(f"Invalid range: startIndex {start}, endIndex {end} ({size} {dim.lower()}).")
        return sheet, dim, start, end

    def _req_insertDimension(self, spec: dict) -> dict:
        sheet, dim, start, end = self._dimension(spec, inserting=True)
        sheet.move(dim, start, start, end - start)
        if dim == "ROWS":
            sheet.rows += end - start
        else:
            sheet.cols += end - start
        return {}

    def _req_deleteDimension(self, spec: dict) -> dict:
        sheet, dim, start, end = self._dimension(spec, inserting=False)
        size = sheet.rows if dim == "ROWS" else sheet.cols
        if end - start >= size:
            raise bad(f"You can't delete all the {dim.lower()} on the sheet.")
        sheet.move(dim, start, end, start - end)
        if dim == "ROWS":
            sheet.rows -= end - start
        else:
            sheet.cols -= end - start
        return {}


# -- the HTTP server -------------------------------------------------------------------


@dataclass
class _Fault:
    name: str
    kind: str | None
    times: int
    delay: float


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.open_connections: set[socket.socket] = set()
        self.guard = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.guard:
            self.open_connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.guard:
            self.open_connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End kept-alive connections too, so no handler outlives the stand-in."""
        with self.guard:
            connections = list(self.open_connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout) leaves a broken pipe behind; that is expected.
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like Google
    disable_nagle_algorithm = True  # headers and body leave at once, no 40 ms stalls
    standin: SheetsStandIn  # set on the subclass made by SheetsStandIn.start

    def do_GET(self) -> None:  # http.server calls do_<METHOD>
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # quiet; count() tells what arrived

    def _serve(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        kind, sid, rng = route(self.command, url.path)
        fault = self.standin._arrive(kind)
        if fault is not None and fault.name == "slow":
            time.sleep(fault.delay)
        if fault is not None and fault.name in ("429", "500", "503"):
            status, payload = fault_answer(fault.name, kind)
        else:
            status, payload = self.standin._answer(kind, sid, rng, url.query, body)
        if fault is not None and fault.name == "lost_answer":
            self.close_connection = True
            with contextlib.suppress(OSError):  # the client sees the connection drop
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        data = (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class SheetsStandIn:
    """The Sheets API v4 on 127.0.0.1, state in memory, one lock around it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._books: dict[str, Spreadsheet] = {}
        self._counts: Counter[str] = Counter()
        self._faults: list[_Fault] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # -- life cycle --

    def start(self) -> SheetsStandIn:
        handler = type("StandInHandler", (_Handler,), {"standin": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="sheets-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server.close_connections()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SheetsStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- seeding and looking --

    def create_spreadsheet(
        self,
        title: str = "Test",
        sheets: tuple[str, ...] = ("Sheet1",),
        spreadsheet_id: str | None = None,
        rows: int = 1000,
        cols: int = 26,
    ) -> str:
        """A new spreadsheet as Drive makes it; the first sheet has id 0 like Google's."""
        if not sheets:
            raise ValueError("a spreadsheet has at least one sheet")
        with self._lock:
            key = spreadsheet_id or "1" + secrets.token_urlsafe(32)[:43]
            if key in self._books:
                raise ValueError(f"spreadsheet {key!r} exists already")
            book = Spreadsheet(key, title, [Sheet(0, sheets[0], rows, cols)])
            for name in sheets[1:]:
                taken = {s.sheet_id for s in book.sheets}
                book.sheets.append(Sheet(new_sheet_id(taken), name, rows, cols))
            self._books[key] = book
            return key

    def values(self, spreadsheet_id: str, sheet: str) -> list[list[Any]]:
        """The stored cells of a sheet, trimmed like Google: str, int/float, bool, '=formula'."""
        with self._lock:
            found = self._books[spreadsheet_id].find(sheet)
            if found is None:
                raise KeyError(sheet)
            return found.box(0, 0, found.rows - 1, found.cols - 1, "FORMULA")

    def count(self, kind: str | None = None) -> int:
        with self._lock:
            return sum(self._counts.values()) if kind is None else self._counts[kind]

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()

    def inject(
        self, fault: str, *, kind: str | None = None, times: int = 1, delay: float = 2.0
    ) -> None:
        """Make the next `times` requests (of `kind`, or any) fail in the way `fault` names."""
        if fault not in FAULTS:
            raise ValueError(f"fault must be one of {FAULTS}")
        if kind is not None and kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        with self._lock:
            self._faults.append(_Fault(fault, kind, times, delay))

    # -- called by the handler threads --

    def _arrive(self, kind: str) -> _Fault | None:
        with self._lock:
            self._counts[kind] += 1
            for fault in self._faults:
                if fault.times > 0 and fault.kind in (None, kind):
                    fault.times -= 1
                    self._faults = [f for f in self._faults if f.times > 0]
                    return fault
            return None

    def _answer(
        self,
        kind: str,
        sid: str | None,
        rng: str | None,
        query: str,
        raw: bytes,
    ) -> tuple[int, dict]:
        try:
            params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
            ranges = parse_qs(query, keep_blank_values=True).get("ranges", [])
            body = {}
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise bad("Invalid JSON payload received.") from None
                if not isinstance(body, dict):
                    raise bad("Invalid JSON payload received. Expected an object.")
            with self._lock:
                book = self._books.get(sid or "")
                if kind == "unknown" or book is None:
                    raise ApiError(404, "Requested entity was not found.")
                return 200, self._call(book, kind, rng or "", params, ranges, body)
        except ApiError as err:
            return err.code, err.body()
        except Exception as exc:  # a bug of the stand-in: say so loudly
            traceback.print_exc()
            return 500, ApiError(500, f"Sheets stand-in bug: {exc!r}").body()

    def _call(
        self, book: Spreadsheet, kind: str, rng: str, params: dict, ranges: list[str], body: dict
    ) -> dict:
        if kind == "spreadsheets.get":
            return book.metadata(params)
        if kind == "values.get":
            return book.value_range(rng, params)
        if kind == "values.batchGet":
            return book.values_batch_get(params, ranges)
        if kind == "values.clear":
            return book.values_clear(rng)
        # The rest may fail half-way: work on a copy, keep it only when all went well.
        work = book.clone()
        if kind == "spreadsheets.batchUpdate":
            answer = work.batch_update(body)
        elif kind == "values.update":
            answer = work.values_update(rng, params, body)
        elif kind == "values.append":
            answer = work.values_append(rng, params, body)
        elif kind == "values.batchUpdate":
            answer = work.values_batch_update(body)
        else:
            answer = work.values_batch_clear(body)
        self._books[book.spreadsheet_id] = work
        return answer
