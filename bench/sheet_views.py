"""python -m bench.sheet_views [--sizes 1000,10000] [--live 500]: Sheet requests per page view.

For each size a full store (bench.full_store) is written into the Sheets stand-in
(tests/sheets_standin.py: real gspread over HTTP on loopback), all but --live
reports archived by the app's rule (bench/archived_store.py), and each page is
viewed in AppTest on the Sheet driver. Printed per page, for an expired view
(after cache_seconds; the worksheets are read again, as every minute in use):

  requests  Sheet API requests of the view (the floor is one values.batchGet)
  log_KiB   bytes of its answers within a minute of the last read: only the new
            change-log rows (the driver keeps the worksheets for WORKSHEET_REFRESH)
  reread_KiB  the same view once the worksheets are read again (every minute),
            as JSON (compact: the driver asks prettyPrint=false)
  wire_KiB  that re-read's bytes on the wire (gzip, as the driver asks for)
  texts_KiB the same live read with the mails' texts (schema.MAIL_TEXTS): what every
            page's re-read was before they were left out (Postvak now asks for the
            texts of the mails it shows: a row each, in one more request)
  full_KiB  bytes of one read of every shared table, archive included (what the
            base at 932dfc8 reads when it reads the worksheets again)
  first_KiB a process's first live read of the worksheets (no texts; the log's rows it
            folded already): it does not know yet where the archive left long runs of
            blank rows, so it reads each large worksheet in equal stretches of its grid
            and pays for the blank rows of the stretches that hold data; every re-read
            after it starts a range after each long run (lib/repository/sheets_ranges.py)

The archived rows are then moved into the archive worksheets, as the weekly
archive job leaves a Sheet (Repository.move_archived), so a worksheet re-read holds
the open work and the blank rows left behind (reused by new rows). Overzicht's period here starts before the archive cut
(the archived reports all lie in the one year the generated store spans): its
cold view reads the archive once more; its expired views read the live store only.
"""

from __future__ import annotations

import argparse
import os
import sys
import types
from datetime import timedelta
from pathlib import Path

import bench
from bench.full_store import extras
from bench.page_views import PAGES, _shift_clock
from lib import archive, workdays
from lib.repository.sheets_http import RetryingHTTPClient
from lib.schema import SHARED_TABLES, WITHOUT_MAIL_TEXTS
from lib.snapshot import Snapshot

ROOT = Path(__file__).resolve().parent.parent
_traffic = {"requests": 0, "bytes": 0, "wire": 0, "largest": 0}


def _count_traffic() -> None:
    original = RetryingHTTPClient.request

    def counted(self, *args, **kwargs):
        response = original(self, *args, **kwargs)
        _traffic["requests"] += 1
        _traffic["bytes"] += len(response.content)
        _traffic["largest"] = max(_traffic["largest"], len(response.content))
        # On the wire: the compressed body (the driver asks for gzip, as Google advises).
        _traffic["wire"] += int(response.headers.get("Content-Length", len(response.content)))
        return response

    RetryingHTTPClient.request = counted


def _tables(n: int, live: int) -> dict[str, list[dict]]:
    now = workdays.now()
    tables = bench.generate(n, seed=11, end=now)
    tables |= extras(tables, now)
    later = now + timedelta(days=3 * 365)
    plan = archive.plan(Snapshot(tables), now=later, months=12)
    chosen = {t["id"] for t in plan.tickets[: max(n - live, 0)]}
    at = now.isoformat(timespec="seconds")
    for t in tables["tickets"]:
        if t["id"] in chosen:
            t["archived_at"] = at
    cut = {"id": "setting-archive_cut", "key": archive.CUT_KEY, "value": at, "version": 1}
    tables["settings"] = [*tables.get("settings", []), cut]
    return tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sheet_views")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--live", type=int, default=500)
    parser.add_argument("--archive-only", action="store_true", help="skip the page views")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import streamlit as st
    from google.auth.credentials import AnonymousCredentials
    from streamlit.testing.v1 import AppTest

    from lib.repository import sheets as sheets_module
    from lib.repository.sheets import SheetsRepository
    from tests.sheets_standin import SheetsStandIn

    _count_traffic()
    rows, archive_rows = [], []
    with SheetsStandIn() as standin:
        for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
            key = standin.create_spreadsheet(f"bench {n}")
            repo = SheetsRepository(
                spreadsheet_key=key, credentials=AnonymousCredentials(), api_root=standin.url
            )
            repo.setup()
            tables = _tables(n, args.live)
            _load_rows(standin, repo, tables)
            archived = sum(1 for t in tables["tickets"] if t["archived_at"])
            live_tables = (*SHARED_TABLES, "accounts")
            full = _bytes_of(repo, SHARED_TABLES)
            # the mails' texts too, as every page's re-read was before they were left out
            texts = _bytes_of(repo, live_tables, live_only=True)
            first = _bytes_of(repo, live_tables, live_only=True, columns=WITHOUT_MAIL_TEXTS)
            archive_rows.append((n, *_archived_part(repo, whole=True), *_archived_part(repo)))
            print(archive_rows[-1], file=sys.stderr, flush=True)
            if args.archive_only:
                continue
            os.environ.update(
                KIVIDO_STORE="sheets",
                KIVIDO_SHEET_KEY=key,
                KIVIDO_SHEETS_API_ROOT=standin.url,
                KIVIDO_DEMO_MODE="true",
                KIVIDO_CACHE_SECONDS="600",
                KIVIDO_SECRETS=str(ROOT / "no-secrets.toml"),
            )
            for role, path in PAGES:
                st.cache_data.clear()
                st.cache_resource.clear()
                at = AppTest.from_file(str(ROOT / path), default_timeout=900)
                at.session_state["demo_role"] = role
                at.session_state["demo_email"] = f"{role}@kivido.example"
                at.run()  # cold: opens the store (setup), not counted
                _shift_clock()  # cache_seconds later: the next view reads again
                before = dict(_traffic)
                at.run()
                if at.exception:
                    raise RuntimeError(at.exception[0].message)
                requests = _traffic["requests"] - before["requests"]
                got = _traffic["bytes"] - before["bytes"]
                # A minute on: the driver reads the worksheets again, not only the log.
                sheets_module._SHARED[key].worksheets.clear()
                _shift_clock()
                before = dict(_traffic)
                at.run()
                again = _traffic["bytes"] - before["bytes"]
                wire = _traffic["wire"] - before["wire"]
                stem = Path(path).stem
                rows.append((n, archived, stem, requests, got, again, wire, first, texts, full))
                print(rows[-1], file=sys.stderr, flush=True)
    head = ("reports", "archived", "page", "requests", "log_KiB", "reread_KiB", "wire_KiB")
    print(
        "{:>8} {:>8}  {:<16}{:>9}{:>9}{:>11}{:>10}{:>10}{:>10}{:>10}".format(
            *head, "first_KiB", "texts_KiB", "full_KiB"
        )
    )
    for n, archived, page, requests, *sizes in rows:
        cells = f"{n:>8,} {archived:>8,}  {page:<16}{requests:>9}"
        print(
            cells
            + "".join(
                f"{b / 1024:>{w},.0f}" for b, w in zip(sizes, (9, 11, 10, 10, 10, 10), strict=True)
            )
        )
    print()
    print(__doc__.split("\n\n", 1)[1].rstrip())
    print()
    print("Overzicht's archived part (its first view over a period before the archive cut):")
    print(f"{'reports':>8} {'':>8}{'requests':>9}{'total_KiB':>10}{'largest_KiB':>12}")
    for n, *figures in archive_rows:
        for label, (requests, total, largest) in zip(
            ("one read", "stretches"), (figures[:3], figures[3:]), strict=True
        ):
            print(f"{n:>8,} {label:>8}{requests:>9}{total / 1024:>10,.0f}{largest / 1024:>12,.0f}")
    print(ARCHIVE_DOC)
    return 0


ARCHIVE_DOC = """
  one read    every table (archive included) read at once, as Repository.read_each and
              read_batches do (the Sheet's before 5 December): a request for the
              tables, one for the events
  stretches   lib/repository/sheets_stretches.py: the live worksheets with the log
              and each archive worksheet's first rows, then each archive worksheet
              in stretches sized to STRETCH_BYTES per answer, only the columns
              Overzicht needs
  largest_KiB the largest answer (Google recommends at most 2 MB a request)"""


def _archived_part(repo, whole: bool = False) -> tuple[int, int, int]:
    """Requests, bytes and the largest answer of Overzicht's read of the archived part
    by a process that has read nothing yet (grid sizes loaded, as setup does)."""
    from lib import reports_combine
    from lib.repository.base import Repository

    repo._shared.worksheets.clear()
    repo._shared.blank_runs.clear()
    repo._load_grid()
    if whole:  # the base class's: one read for the tables, one for the events
        repo.read_each = types.MethodType(Repository.read_each, repo)
        repo.read_batches = types.MethodType(Repository.read_batches, repo)
    before = dict(_traffic, largest=0)
    _traffic["largest"] = 0
    try:
        reports_combine.archived_part(repo)
    finally:
        vars(repo).pop("read_each", None)
        vars(repo).pop("read_batches", None)
    return (
        _traffic["requests"] - before["requests"],
        _traffic["bytes"] - before["bytes"],
        _traffic["largest"],
    )


def _bytes_of(repo, tables, **options) -> int:
    """Bytes of the answers to `repo.read(tables, **options)` as this process's first
    read of the worksheets (it has folded the change log: only new log rows count). It
    knows the grid sizes, as the app's setup at start loads them (lib/ui/outage.py)."""
    repo._shared.worksheets.clear()
    repo._shared.blank_runs.clear()
    repo._load_grid()
    before = _traffic["bytes"]
    repo.read(tables, **options)
    return _traffic["bytes"] - before


def _load_rows(standin, repo, tables: dict[str, list[dict]], *, move: bool = True) -> None:
    """Grow each worksheet to fit, then write its rows (the stand-in holds them in memory)."""
    from lib.repository.sheets_cells import quote, row_cells

    grid = repo._load_grid()
    grow = []
    for name, rows in tables.items():
        need = len(rows) + 1 - grid[name]["rowCount"]
        if need > 0:
            grow.append(
                {
                    "appendDimension": {"sheetId": grid[name]["sheetId"]}
                    | {"dimension": "ROWS", "length": need}
                }
            )
    if grow:
        repo._http.batch_update(repo.key, {"requests": grow})
    for name, rows in tables.items():
        if not rows:
            continue
        values = [row_cells(name, r) for r in rows]
        body = {
            "valueInputOption": "RAW",
            "data": [{"range": f"{quote(name)}!A2", "values": values}],
        }
        repo._http.values_batch_update(repo.key, body)
    if move:
        repo.move_archived()  # as the weekly archive job leaves the Sheet
    from lib.repository import sheets

    sheets._SHARED.pop(repo.key, None)  # the app is another process than the loader


if __name__ == "__main__":
    raise SystemExit(main())
