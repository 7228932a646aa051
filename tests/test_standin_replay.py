"""Replay Google's recorded Sheets traffic against the stand-in; it must answer the same.

The recordings (shared/reference/google-sheets-api-recordings, vcrpy cassettes
from gspread's own test suite against live Google) are replayed request by
request, in order, each cassette on a fresh stand-in. Every Sheets answer must
match Google's: the same status, the same keys at every level, the same value
types, and the same values - ranges, `values`, counts, error code/status/message,
titles, grid sizes. Only what Google makes up per run is mapped or relaxed: the
ids of sheets added on the fly, and the host of `spreadsheetUrl`.

Drive calls (www.googleapis.com) are not part of the Sheets API and are not
served by the stand-in: the spreadsheet a cassette creates through Drive is
seeded with `create_spreadsheet` under the same id, title and initial sheets.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import requests

from tests.sheets_standin import KINDS, SheetsStandIn, route

RECORDINGS = Path("shared") / "reference" / "google-sheets-api-recordings"
SHEETS_HOST = "sheets.googleapis.com"
# What the project's driver and gspread use most; every one must be replayed.
REQUIRED_KINDS = set(KINDS)
REQUIRED_BATCH_REQUESTS = {"addSheet", "deleteSheet", "updateSheetProperties"}


def find_recordings() -> Path | None:
    """../shared beside the repo (this machine), or a `shared` in any folder above it (CI)."""
    here = Path(__file__).resolve()
    candidates = [here.parents[2] / RECORDINGS] + [p / RECORDINGS for p in here.parents[1:]]
    return next((c for c in candidates if c.is_dir()), None)


FOLDER = find_recordings()
CASSETTES = sorted(FOLDER.glob("*.json")) if FOLDER else []


def require_recordings() -> None:
    if CASSETTES:
        return
    message = f"no recordings: {RECORDINGS} not found beside or above {Path(__file__).parents[1]}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


# -- replay ---------------------------------------------------------------------------


@dataclass
class Report:
    name: str
    compared: Counter = field(default_factory=Counter)  # kind -> interactions compared
    batch_requests: Counter = field(default_factory=Counter)  # addSheet, ... replayed
    skipped: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [
            f"{self.name}: compared {sum(self.compared.values())}, "
            f"skipped {len(self.skipped)}, mismatched {len(self.mismatches)}"
        ]
        lines += [f"  compared {n:3} x {kind}" for kind, n in sorted(self.compared.items())]
        lines += [f"  skipped {reason}" for reason in self.skipped]
        lines += [f"  MISMATCH {m}" for m in self.mismatches]
        return "\n".join(lines)


def load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["interactions"]


def replay(path: Path) -> Report:
    interactions = load(path)
    report = Report(path.name)
    sheet_ids: dict[int, int] = {}  # recorded sheetId -> the stand-in's
    with SheetsStandIn() as server, requests.Session() as http:
        http.trust_env = False  # 127.0.0.1 never through a proxy
        for n, item in enumerate(interactions):
            request, recorded = item["request"], item["response"]
            url = urlsplit(request["uri"])
            method = request["method"].upper()
            where = f"#{n} {method} {unquote(url.path)}"
            if url.netloc != SHEETS_HOST:
                report.skipped.append(f"{where}: {drive(server, interactions, n)}")
                continue
            kind, _, _ = route(method, url.path)
            if kind not in KINDS:
                report.skipped.append(f"{where}: not one of the stand-in's request kinds")
                continue
            body = request.get("body")
            if body:
                sent = map_ids(json.loads(body), sheet_ids)
                body = json.dumps(sent).encode("utf-8")
                if kind == "spreadsheets.batchUpdate":
                    report.batch_requests.update(k for r in sent["requests"] for k in r)
            answer = http.request(
                method,
                server.url + url.path + (f"?{url.query}" if url.query else ""),
                data=body,
                headers={"Content-Type": "application/json"} if body else {},
                timeout=10,
            )
            expected = json.loads(recorded["body"]["string"])
            actual = answer.json()
            learn_ids(kind, expected, actual, sheet_ids)
            problems = []
            if answer.status_code != recorded["status"]["code"]:
                problems.append(f"status {answer.status_code}, Google {recorded['status']['code']}")
            problems += differences(expected, actual, sheet_ids)
            report.compared[kind] += 1
            if problems:
                report.mismatches.append(f"{where} ({kind}): " + "; ".join(problems))
    return report


def drive(server: SheetsStandIn, interactions: list[dict], n: int) -> str:
    """A Drive call: seed the spreadsheet it creates; say why it is not compared."""
    request = interactions[n]["request"]
    method, path = request["method"].upper(), urlsplit(request["uri"]).path
    if not path.startswith("/drive/v3/files"):
        return "neither Sheets nor Drive"
    if method != "POST":
        return f"Drive files.{'delete' if method == 'DELETE' else 'get'} (not the Sheets API)"
    name = json.loads(request["body"])["name"]
    key = json.loads(interactions[n]["response"]["body"]["string"])["id"]
    sheets = initial_sheets(interactions, key)
    titles = tuple(s["title"] for s in sheets)
    grid = sheets[0]["gridProperties"]
    server.create_spreadsheet(name, titles, key, grid["rowCount"], grid["columnCount"])
    return "Drive files.create: seeded with create_spreadsheet (same id, title and sheets)"


def initial_sheets(interactions: list[dict], key: str) -> list[dict]:
    """The sheets of a new spreadsheet, from the first spreadsheets.get of it that Google answered."""
    for item in interactions:
        url = urlsplit(item["request"]["uri"])
        kind, sid, _ = route(item["request"]["method"].upper(), url.path)
        if url.netloc == SHEETS_HOST and kind == "spreadsheets.get" and sid == key:
            answer = json.loads(item["response"]["body"]["string"])
            return [s["properties"] for s in answer["sheets"]]
    return [{"title": "Sheet1", "gridProperties": {"rowCount": 1000, "columnCount": 26}}]


def map_ids(value, sheet_ids: dict[int, int]):
    """Recorded sheetIds in a request body -> the ids the stand-in gave those sheets."""
    if isinstance(value, dict):
        return {
            k: sheet_ids.get(v, v)
            if k == "sheetId" and isinstance(v, int)
            else map_ids(v, sheet_ids)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [map_ids(v, sheet_ids) for v in value]
    return value


def learn_ids(kind: str, expected: dict, actual: dict, sheet_ids: dict[int, int]) -> None:
    if kind != "spreadsheets.batchUpdate":
        return
    for want, got in zip(expected.get("replies", []), actual.get("replies", []), strict=False):
        if "addSheet" in want and "addSheet" in got:
            old = want["addSheet"]["properties"]["sheetId"]
            sheet_ids[old] = got["addSheet"]["properties"]["sheetId"]


def differences(expected, actual, sheet_ids: dict[int, int], path: str = "$") -> list[str]:
    """Keys, types and values that differ; sheetIds through the map, URL hosts ignored."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: Google has an object, stand-in {short(actual)}"]
        found = []
        if missing := sorted(expected.keys() - actual.keys()):
            found.append(f"{path}: missing {missing}")
        if extra := sorted(actual.keys() - expected.keys()):
            found.append(f"{path}: extra {extra}")
        for key in expected.keys() & actual.keys():
            want, got, where = expected[key], actual[key], f"{path}.{key}"
            if key == "sheetId" and isinstance(want, int):
                if sheet_ids.get(want, want) != got:
                    found.append(f"{where}: {short(got)}, Google {want} (mapped)")
            elif key == "spreadsheetUrl":  # the host is the stand-in's business
                if urlsplit(str(want)).path != urlsplit(str(got)).path:
                    found.append(f"{where}: {short(got)}, Google {short(want)}")
            else:
                found += differences(want, got, sheet_ids, where)
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: {short(actual)}, Google {short(expected)}"]
        return [
            problem
            for i, (want, got) in enumerate(zip(expected, actual, strict=True))
            for problem in differences(want, got, sheet_ids, f"{path}[{i}]")
        ]
    if kind_of(expected) != kind_of(actual) or expected != actual:
        return [f"{path}: {short(actual)}, Google {short(expected)}"]
    return []


def kind_of(value) -> str:
    if isinstance(value, bool):
        return "bool"
    return "number" if isinstance(value, int | float) else type(value).__name__


def short(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."


# -- the tests ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cassette", CASSETTES or [None], ids=[p.name for p in CASSETTES] or ["recordings-missing"]
)
def test_standin_answers_like_google(cassette):
    """Test that every recorded Sheets request gets Google's status, shape and values."""
    require_recordings()
    report = replay(cassette)
    print(report.render())
    assert sum(report.compared.values()) > 0, f"nothing compared\n{report.render()}"
    assert not report.mismatches, report.render()


def test_recordings_cover_what_the_driver_uses():
    """Test that the replayed recordings exercise every request kind the driver sends."""
    require_recordings()
    kinds, batch = set(), set()
    for path in CASSETTES:
        for item in load(path):
            request = item["request"]
            url = urlsplit(request["uri"])
            if url.netloc != SHEETS_HOST:
                continue
            kind, _, _ = route(request["method"].upper(), url.path)
            kinds.add(kind)
            if kind == "spreadsheets.batchUpdate":
                batch.update(k for r in json.loads(request["body"])["requests"] for k in r)
    assert kinds >= REQUIRED_KINDS, f"never recorded: {sorted(REQUIRED_KINDS - kinds)}"
    assert batch >= REQUIRED_BATCH_REQUESTS, f"never recorded: {REQUIRED_BATCH_REQUESTS - batch}"
