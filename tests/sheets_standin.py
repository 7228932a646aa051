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
    server.unshare(key)                            # from now on Google's 403 for it
    server.stop()

Only the Sheets host is served (no Drive API): seed spreadsheets with
`create_spreadsheet`. Known differences from Google are listed in
`KNOWN_DIFFERENCES` below.

This module is the HTTP server and the public API. Below it: sheets_standin_book
(a spreadsheet and its values.* requests), sheets_standin_ops (metadata and
spreadsheets.batchUpdate), sheets_standin_grid (one sheet's cells), sheets_standin_values
(cell input and rendering), sheets_standin_a1 (A1 ranges, field masks, routes) and
sheets_standin_errors (Google's error bodies, fixed answers, parameter checks).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import random
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

from tests.sheets_standin_a1 import route
from tests.sheets_standin_book import Spreadsheet
from tests.sheets_standin_errors import ApiError, bad, fault_answer
from tests.sheets_standin_grid import Sheet, new_sheet_id

__all__ = ["FAULTS", "KINDS", "KNOWN_DIFFERENCES", "SheetsStandIn", "Spreadsheet", "route"]


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
  appendDimension, insertDimension, deleteDimension, appendCells, updateCells (values
  only: userEnteredValue, stored unparsed) and addProtectedRange (kept and listed in the
  metadata, never enforced: the stand-in has no users); any other request is refused (400).
  includeSpreadsheetInResponse gives the metadata, with GridData for responseRanges.
- No Drive API, named ranges, formatting, merges, developer metadata.
- Reads of a range beyond the grid are refused like writes (400 "exceeds grid limits").
"""


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
        if self.standin.latency:  # a model of Google's round trip, for benchmarks
            time.sleep(self.standin.latency)
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
        data = _encoded(payload, url.query)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        # As Google: compressed only when asked both ways (Accept-Encoding and a
        # User-Agent containing "gzip", its API performance tips).
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if accepts and "gzip" in self.headers.get("User-Agent", ""):
            data = gzip.compress(data, compresslevel=6)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        with self.standin._lock:
            self.standin._sent += len(data)


def _encoded(payload: dict, query: str) -> bytes:
    """Google's JSON: indented, unless the system parameter prettyPrint is false."""
    pretty = parse_qs(query).get("prettyPrint", ["true"])[-1].lower() != "false"
    if pretty:
        return (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class SheetsStandIn:
    """The Sheets API v4 on 127.0.0.1, state in memory, one lock around it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._books: dict[str, Spreadsheet] = {}
        self._unshared: set[str] = set()
        self._counts: Counter[str] = Counter()
        self._sent = 0
        self._faults: list[_Fault] = []
        self.latency = 0.0  # seconds added to every request (bench: Google's round trip)
        self._chaos: tuple[float, tuple[str, ...], float, random.Random] | None = None
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

    def size(self, spreadsheet_id: str, sheet: str) -> tuple[int, int]:
        """A sheet's grid: (rows, columns), as spreadsheets.get gives them."""
        with self._lock:
            found = self._books[spreadsheet_id].find(sheet)
            if found is None:
                raise KeyError(sheet)
            return found.rows, found.cols

    def unshare(self, spreadsheet_id: str) -> None:
        """Take the caller's access away, as an owner who stops sharing with the service
        account does: every request on it is then refused with Google's 403."""
        with self._lock:
            self._unshared.add(spreadsheet_id)

    def count(self, kind: str | None = None) -> int:
        with self._lock:
            return sum(self._counts.values()) if kind is None else self._counts[kind]

    def bytes_sent(self) -> int:
        """Bytes of the answers' bodies as they left for the client (compressed or not)."""
        with self._lock:
            return self._sent

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()
            self._sent = 0

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

    def chaos(
        self,
        rate: float,
        faults: tuple[str, ...] = FAULTS,
        *,
        seed: int = 0,
        delay: float = 1.0,
    ) -> None:
        """From now on, each request fails with probability `rate` in one of `faults`
        (seeded, so a failing run can be repeated); rate 0 ends it."""
        if any(f not in FAULTS for f in faults):
            raise ValueError(f"faults must be among {FAULTS}")
        with self._lock:
            self._chaos = (rate, faults, delay, random.Random(seed)) if rate else None

    # -- called by the handler threads --

    def _arrive(self, kind: str) -> _Fault | None:
        with self._lock:
            self._counts[kind] += 1
            for fault in self._faults:
                if fault.times > 0 and fault.kind in (None, kind):
                    fault.times -= 1
                    self._faults = [f for f in self._faults if f.times > 0]
                    return fault
            if self._chaos is not None:
                rate, faults, delay, rnd = self._chaos
                if rnd.random() < rate:
                    return _Fault(rnd.choice(faults), None, 1, delay)
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
                if book.spreadsheet_id in self._unshared:
                    raise ApiError(403, "The caller does not have permission")
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
