"""python -m bench.sheets_writers [--actions 6] [--latency 0.1]: the Sheet driver's saves.

Before (the driver of main at BEFORE: change log, one values.append and one
values.batchUpdate per action; its modules loaded side by side from git) and after
(lib/repository/sheets.py: one spreadsheets.batchUpdate per action), in one run,
against the Sheets stand-in with a fixed delay per request as a model of Google's
round trip (--latency seconds). Each of 1, 2 and 4 concurrent writers (threads of
one app process, as Streamlit serves its users) makes --actions saves of each kind:

  submit   a new report: ticket with a new number, its event, its receipt mail
  triage   an update of the writer's own ticket with an event and a mail

and it prints one line per kind and number of writers, before and after side by
side: requests per action (all kinds, counted by the stand-in), write requests per
action, the median and the slowest save in ms, and how many saves were refused
(Conflict) or lost (not found afterwards).
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from google.auth.credentials import AnonymousCredentials

from lib.repository import Conflict, Insert, Update
from lib.repository.sheets import SheetsRepository
from tests.sheets_standin import SheetsStandIn

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "932dfc8"  # main before the one-write commit: log append + worksheet write
MODULES = ("sheets", "sheets_log", "sheets_plan", "sheets_http")
WRITES = ("values.append", "values.batchUpdate", "values.update", "spreadsheets.batchUpdate")
FIGURES = ("requests/action", "writes/action", "median_ms", "max_ms", "refused", "lost")


def before_driver():
    """main's SheetsRepository at BEFORE, with its own log, plan and HTTP modules, imported
    as the package `sheets_before` (the rest of lib/ is shared: it did not change)."""
    folder = Path(tempfile.mkdtemp()) / "sheets_before"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    for name in MODULES:
        source = subprocess.run(
            ["git", "show", f"{BEFORE}:lib/repository/{name}.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if source.returncode != 0:
            return None
        text = source.stdout.replace(
            "from lib.repository import sheets_log", "from sheets_before import sheets_log"
        )
        for other in MODULES:
            text = text.replace(f"lib.repository.{other} import", f"sheets_before.{other} import")
        (folder / f"{name}.py").write_text(text)
    sys.path.insert(0, str(folder.parent))
    return importlib.import_module("sheets_before.sheets").SheetsRepository


def ticket_row(i: str) -> dict:
    return {"id": i, "status": "nieuw", "description": "Geen kiestoon op alle toestellen."}


def event_row(ticket_id: str) -> dict:
    return {"id": uuid.uuid4().hex, "ticket_id": ticket_id, "action": "submit"}


def mail_row(ticket_id: str, subject: str) -> dict:
    return {"id": uuid.uuid4().hex, "ticket_id": ticket_id, "kind": "ontvangst", "subject": subject}


def submit(repo) -> str:
    tid = uuid.uuid4().hex
    numbered = Insert("tickets", ticket_row(tid), number_prefix="KIV-2026-")
    repo.commit(
        [numbered, Insert("events", event_row(tid)), Insert("messages", mail_row(tid, "x"))]
    )
    return tid


def triage(repo, tid: str, version: int) -> None:
    repo.commit(
        [
            Update("tickets", tid, version, {"status": "wacht", "urgency": "niet_urgent"}),
            Insert("events", event_row(tid)),
            Insert("messages", mail_row(tid, "update")),
        ]
    )


def measure(standin, make, writers: int, actions: int) -> dict[str, tuple]:
    """kind -> the FIGURES of `writers` writers making `actions` saves each."""
    repo = make()
    rows = {}
    for kind in ("submit", "triage"):
        own = {w: [submit(repo) for _ in range(actions)] for w in range(writers)}
        tally = {"times": [], "refused": 0, "done": [], "guard": threading.Lock()}
        standin.reset_counts()
        threads = [
            threading.Thread(target=work, args=(repo, kind, own[w], actions, tally))
            for w in range(writers)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        requests = standin.count() / (writers * actions)
        written = sum(standin.count(k) for k in WRITES) / (writers * actions)
        stored = {r["id"]: r for r in repo.read(["tickets"])["tickets"]}
        lost = sum(
            1
            for tid in tally["done"]
            if tid not in stored or (kind == "triage" and stored[tid]["status"] != "wacht")
        )
        times = tally["times"]
        rows[kind] = (
            f"{requests:.1f}",
            f"{written:.1f}",
            f"{statistics.median(times) * 1000:.0f}" if times else "-",
            f"{max(times) * 1000:.0f}" if times else "-",
            tally["refused"],
            lost,
        )
    return rows


def work(repo, kind: str, own: list[str], actions: int, tally: dict) -> None:
    """One writer: its own repository object (another user's session), `actions` saves."""
    mine = make_like(repo)
    for a in range(actions):
        start = time.perf_counter()
        try:
            if kind == "submit":
                tid = submit(mine)
            else:
                tid = own[a]
                triage(mine, tid, 1)
        except Conflict:
            with tally["guard"]:
                tally["refused"] += 1
            continue
        with tally["guard"]:
            tally["times"].append(time.perf_counter() - start)
            tally["done"].append(tid)


def make_like(repo):
    """Another repository object on the same spreadsheet (another user's session)."""
    return type(repo)(
        spreadsheet_key=repo.key, credentials=AnonymousCredentials(), api_root=repo._http.api_root
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=6)
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()
    drivers = {"after": SheetsRepository}
    old = before_driver()
    if old is None:
        print(f"(git has no {BEFORE}: only the current driver is measured)")
    else:
        drivers = {"before": old, **drivers}
    with SheetsStandIn() as standin:
        standin.latency = args.latency

        def factory(cls):
            def make():
                key = standin.create_spreadsheet(f"bench {uuid.uuid4().hex[:6]}")
                repo = cls(
                    spreadsheet_key=key, credentials=AnonymousCredentials(), api_root=standin.url
                )
                repo.setup()
                return repo

            return make

        found = {
            (name, writers): measure(standin, factory(cls), writers, args.actions)
            for name, cls in drivers.items()
            for writers in (1, 2, 4)
        }
    print(
        f"Sheet driver, {args.latency * 1000:.0f} ms per request, {args.actions} saves per "
        f"writer; before = main at {BEFORE}, after = this tree (before → after)"
    )
    columns = ("action", "writers", *FIGURES)
    rows = []
    for kind in ("submit", "triage"):
        for writers in (1, 2, 4):
            after = found[("after", writers)][kind]
            before = found.get(("before", writers), {}).get(kind, ("-",) * len(FIGURES))
            pairs = [f"{b} → {a}" for b, a in zip(before, after, strict=True)]
            rows.append((kind, writers, *pairs))
    widths = [max(len(str(c)), *(len(str(r[i])) for r in rows)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for r in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)))


if __name__ == "__main__":
    main()
