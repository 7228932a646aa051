"""python -m bench.sheet_session [--size 1000]: a working session's Sheet requests and bytes.

A full store of --size reports (bench.full_store, all but 500 archived by the
app's rule, as bench/sheet_views.py loads it) in the Sheets stand-in
(tests/sheets_standin.py, real gspread over HTTP on loopback); then a scripted
working session in AppTest on the Sheet driver, as the people would click it
(three staff reports, triage, the outbox, Nemesys's confirmation, the next-day
follow-up, a quote and its decision, resolve, close, an invoice, its approval
and payment, Overzicht). Each page is opened after a pause longer than
cache_seconds (its first view reads again); with --pace minute (default) also
longer than the driver's WORKSHEET_REFRESH, so the worksheets are read again.
Counted per view and per action (the press and the rerun showing its result):
requests and bytes of the answers.

  floor  one read per view and one write per action
  naive  the same views and the same changes replayed with the pattern public
         Streamlit + gspread apps use, on a copy of the same spreadsheet:
         open_by_key, then worksheet(name).get_all_records() for every worksheet
         the app reads, per view; append_row per new row, update_cell per
         changed field, per action
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import streamlit as st
import time_machine
from streamlit.testing.v1 import AppTest

from bench import sheet_views
from lib.repository import Insert, Update
from lib.workdays import AMSTERDAM

ROOT = Path(__file__).resolve().parent.parent
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=AMSTERDAM)
TUESDAY = datetime(2026, 11, 24, 13, 0, tzinfo=AMSTERDAM)
RUBEN = "ruben@kivido.example"
WRITES = ("spreadsheets.batchUpdate", "values.append", "values.batchUpdate", "values.update")


PACES = {
    "minute": "each page opened a minute or more after the last (the driver reads the "
    "worksheets again, WORKSHEET_REFRESH)",
    "fast": "as fast as AppTest clicks (within a minute the driver reads only new log rows)",
}


@dataclass
class Step:
    kind: str  # "view" or "action"
    label: str
    requests: int = 0
    writes: int = 0
    bytes: int = 0
    changes: list = field(default_factory=list)  # the action's commits, for the naive replay


class Session:
    """Counts the app's traffic per view and per action, and records its commits."""

    def __init__(self, standin, minute: bool):
        self.standin, self.steps, self.minute = standin, [], minute
        self.commits: list = []

    def _measured(self, kind: str, label: str, run) -> AppTest:
        kinds = Counter({k: self.standin.count(k) for k in WRITES})
        before, got, self.commits = self.standin.count(), sheet_views._traffic["bytes"], []
        at = run()
        if at.exception:
            raise RuntimeError(f"{label}: {at.exception[0].message}")
        step = Step(kind, label, self.standin.count() - before)
        step.writes = sum(self.standin.count(k) - kinds[k] for k in WRITES)
        step.bytes, step.changes = sheet_views._traffic["bytes"] - got, self.commits
        self.steps.append(step)
        return at

    def view(self, path: str, role: str, email: str = "", *, fresh: bool = True) -> AppTest:
        """A person opens a page after a pause (past cache_seconds when `fresh`)."""
        if fresh:
            st.cache_data.clear()
        if fresh and self.minute:  # a minute on: the driver reads the worksheets again
            from lib.repository import sheets as sheets_module

            for shared in sheets_module._SHARED.values():
                shared.worksheets.clear()
        at = AppTest.from_file(str(ROOT / path), default_timeout=900)
        at.session_state["demo_role"] = role
        at.session_state["demo_name"] = role.capitalize()
        at.session_state["demo_email"] = email or f"{role}@kivido.example"
        return self._measured("view", Path(path).stem, at.run)

    def act(self, label: str, pressed) -> AppTest:
        at = self._measured("action", label, pressed.run)
        if at.error or not self.steps[-1].changes:
            raise RuntimeError(f"{label}: {[e.value for e in at.error]} (nothing saved)")
        return at


def find(at: AppTest, number: str) -> AppTest:
    """Search the work list for `number` where it is paged, then open its card (no request:
    the search and the card reuse the view's read)."""
    from tests.cards_support import open_cards

    for box in at.text_input:
        if box.key and box.key.startswith("zoek-"):
            box.input(number)
    return open_cards(at.run(), number=number)


def button(at: AppTest, pattern: str):
    return next(b for b in at.button if b.key and re.fullmatch(pattern, b.key))


def inserted(step: Step, table: str) -> dict:
    """The row of `table` the step's action saved (its id: the app made it)."""
    return next(
        c.row
        for changes in step.changes
        for c in changes
        if isinstance(c, Insert) and c.table == table
    )


def _monday(s: Session, standin, key: str):
    from tests.cards_support import open_cards

    tickets: dict[str, dict] = {}
    for category, blocks in (("printen", False), ("internet_locatie", True), ("telefonie", True)):
        at = s.view("pages/melden.py", "medewerker", RUBEN)
        at.text_area(key="melden-description").input(f"Storing: {category} werkt niet.")
        at.selectbox(key="melden-location_id").select("demo-zonnebloem")
        at.selectbox(key="melden-category").select(category)
        at.checkbox(key="melden-blocks_office_work").set_value(blocks)
        at = s.act("submit", at.button(key="melden-submit").click())
        number = next(h.value for h in at.subheader if "meldingsnummer" in h.value)
        tickets[number.split(": ")[1]] = inserted(s.steps[-1], "tickets")
    numbers = list(tickets)
    at = s.view("pages/beoordelen.py", "maz")
    triaged = []
    for number, urgent in zip(numbers, (False, True, True), strict=True):
        at = find(at, number)
        reason = button(at, r"triage-.*-urgent").key.removesuffix("-urgent") + "-reason"
        at.text_area(key=reason).input("Kantoor ligt stil" if urgent else "Kan wachten")
        pressed = button(at, r"triage-.*-" + ("urgent" if urgent else "not-urgent"))
        at = s.act("triage", pressed.click())
        triaged.append(s.steps[-1])
    at = s.view("pages/postvak.py", "maz")
    for _ in range(8):  # the receipts, status mails and orders of the session, as shown
        sent = [b for b in at.button if b.key and b.key.startswith("verzonden-")]
        if not sent:
            break
        at = s.act("outbox", sent[0].click())
    orders = {t: inserted(step, "orders") for t, step in zip(numbers[1:], triaged[1:], strict=True)}
    at = s.view("pages/nemesys.py", "maz")
    for number in numbers[1:]:
        at = find(at, number)
        form = f"confirm-{tickets[number]['id']}"
        at.text_input(key=f"{form}-ref").input(f"NEM-{number}")
        at = s.act("confirm", at.button(key=f"{form}-go").click())
    at = open_cards(s.view("pages/communicatie.py", "maz"), number=numbers[2])
    at = s.act("tick", button(at, r"tick-.*-storing-klasbord").click())
    for number, ticket in tickets.items():
        ticket["number"] = number
    return s, numbers, tickets, orders


def tuesday(s: Session, numbers: list[str], tickets: dict, orders: dict) -> None:
    first, second, third = (tickets[n] for n in numbers)
    at = find(s.view("pages/opvolgen.py", "maz"), numbers[0])
    at.text_area(key=f"opvolgen-{first['id']}-notes").input("Melder gebeld: werkt weer.")
    s.act("follow-up", at.button(key=f"opvolgen-{first['id']}-solved").click())
    at = s.view("pages/offertes.py", "maz")
    at.selectbox(key="quote-register-ticket").select(second["id"])
    at.text_input(key="quote-register-amount").input("1.234,56")
    at.text_input(key="quote-register-reference").input("OFF-7")
    quote = inserted(
        s.act("quote", at.button(key="quote-register-go").click()) and s.steps[-1], "quotes"
    )
    at = find(s.view("pages/offertes.py", "directie"), numbers[1])
    at.text_area(key=f"decide-{quote['id']}-note").input("Akkoord")
    s.act("decision", at.button(key=f"decide-{quote['id']}-approve").click())
    at = s.view("pages/nemesys.py", "maz")
    for ticket in (second, third):
        at = find(at, ticket["number"])
        at.text_area(key=f"resolve-{ticket['id']}-note").input("Opgelost door Nemesys")
        at = s.act("resolve", at.button(key=f"resolve-{ticket['id']}-go").click())
        at = s.act(
            "close", find(at, ticket["number"]).button(key=f"close-{ticket['id']}-go").click()
        )
    order = orders[numbers[1]]
    at = s.view("pages/facturen.py", "financien")
    form = f"invoice-register-{at.session_state['invoice-submission']}"
    fields = {"number": "F-SESSIE-1", "invoice_date": "24-11-2026"}
    fields |= {"amount_excl": "1.234,56", "amount_incl": "1.493,82"}
    for name, value in fields.items():
        at.text_input(key=f"{form}-{name}").input(value)
    at.multiselect(key=f"{form}-order_ids").set_value([order["id"]])
    s.act("invoice", at.button(key=f"{form}-go").click())
    invoice = inserted(s.steps[-1], "invoices")
    at = s.view("pages/facturen.py", "maz")
    s.act("approve", at.button(key=f"invoice-{invoice['id']}-approve").click())
    at = s.view("pages/facturen.py", "financien")
    at.text_input(key=f"invoice-{invoice['id']}-paid_on").input("24-11-2026")
    s.act("pay", at.button(key=f"invoice-{invoice['id']}-pay").click())
    s.view("pages/overzicht.py", "directie")
    s.view("pages/home.py", "maz")
    s.view("pages/mijn_meldingen.py", "medewerker", RUBEN)


class _Replay:
    """The naive pattern on its own copy of the spreadsheet (see the module's text)."""

    def __init__(self, standin, key: str, tables: tuple[str, ...]):
        import gspread
        from google.auth.credentials import AnonymousCredentials
        from gspread.http_client import HTTPClient

        got = self.got = [0]

        class Bound(HTTPClient):
            def request(self, method, endpoint, *args, **kwargs):
                endpoint = endpoint.replace("https://sheets.googleapis.com", standin.url, 1)
                endpoint = endpoint.replace("https://www.googleapis.com", standin.url, 1)
                response = super().request(method, endpoint, *args, **kwargs)
                got[0] += len(response.content)
                return response

        self.client = gspread.Client(auth=AnonymousCredentials(), http_client=Bound)
        self.client.http_client.session.trust_env = False  # loopback, never a proxy
        self.standin, self.key, self.tables = standin, key, tables
        self.sheets: dict = {}
        self.rows: dict[str, dict[str, int]] = {}

    def view(self) -> None:
        book = self.book = self.client.open_by_key(self.key)
        for name in self.tables:
            sheet = self.sheets[name] = book.worksheet(name)
            records = sheet.get_all_records()
            self.rows[name] = {str(r.get("id")): i + 2 for i, r in enumerate(records)}

    def action(self, commits: list[list]) -> None:
        from lib.repository.base import complete_row
        from lib.repository.sheets_cells import row_cells
        from lib.schema import TABLES

        for changes in commits:
            for change in changes:
                if change.table not in self.sheets:  # written, never read (the access log)
                    self.sheets[change.table] = self.book.worksheet(change.table)
                    self.rows[change.table] = {}
                sheet, rows = self.sheets[change.table], self.rows[change.table]
                if isinstance(change, Insert):
                    row = complete_row(change.table, dict(change.row))
                    sheet.append_row(row_cells(change.table, row))
                    rows[row["id"]] = len(rows) + 2
                elif isinstance(change, Update):
                    names = [c.name for c in TABLES[change.table].columns]
                    for name, value in change.values.items():  # a naive app has no versions
                        sheet.update_cell(rows[change.id], names.index(name) + 1, value)

    def measured(self, fn, *args) -> tuple[int, int]:
        requests, got = self.standin.count(), self.got[0]
        fn(*args)
        return self.standin.count() - requests, self.got[0] - got


def _record_commits(session_ref: list) -> None:
    from lib.repository.sheets import SheetsRepository

    original = SheetsRepository.commit

    def recording(self, changes):
        session_ref[0].commits.append(list(changes))
        return original(self, changes)

    SheetsRepository.commit = recording


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sheet_session")
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--live", type=int, default=500)
    parser.add_argument("--pace", choices=("minute", "fast"), default="minute")
    args = parser.parse_args(argv)
    report(*measure(args.size, args.live, args.pace))
    return 0


def measure(size: int, live: int, pace: str):
    import os

    from google.auth.credentials import AnonymousCredentials

    from lib.repository.sheets import SheetsRepository
    from lib.schema import SHARED_TABLES
    from tests.sheets_standin import SheetsStandIn

    sys.path.insert(0, str(ROOT))
    sheet_views._count_traffic()
    ref: list = [None]
    _record_commits(ref)
    with SheetsStandIn() as standin, time_machine.travel(MONDAY, tick=True) as clock:
        keys = []
        tables = sheet_views._tables(size, live)
        for title in ("app", "naive"):
            key = standin.create_spreadsheet(f"session {title}")
            repo = SheetsRepository(
                spreadsheet_key=key, credentials=AnonymousCredentials(), api_root=standin.url
            )
            repo.setup()
            # The naive apps know no archive: their copy keeps every row in place.
            sheet_views._load_rows(standin, repo, tables, move=title == "app")
            keys.append(key)
        os.environ.update(
            KIVIDO_STORE="sheets",
            KIVIDO_SHEET_KEY=keys[0],
            KIVIDO_SHEETS_API_ROOT=standin.url,
            KIVIDO_DEMO_MODE="true",
            KIVIDO_SECRETS=str(ROOT / "no-secrets.toml"),
        )
        os.environ.pop("KIVIDO_CACHE_SECONDS", None)
        st.cache_resource.clear()
        st.cache_data.clear()
        opened = AppTest.from_file(str(ROOT / "pages/home.py"), default_timeout=900)
        opened.session_state["demo_role"] = "maz"
        opened.run()  # opening the store (setup, once per process) is not part of the session
        session = Session(standin, pace == "minute")
        ref[0] = session
        session, numbers, tickets, orders = _monday(session, standin, keys[0])
        clock.move_to(TUESDAY)
        tuesday(session, numbers, tickets, orders)
        naive = _Replay(standin, keys[1], (*SHARED_TABLES, "accounts"))
        replayed = []
        for step in session.steps:
            if step.kind == "view":
                replayed.append(naive.measured(naive.view))
            else:
                replayed.append(naive.measured(naive.action, step.changes))
    return size, live, pace, session.steps, replayed


def report(size: int, live: int, pace: str, steps: list[Step], replayed: list) -> None:
    print(f"Working session on the Sheets stand-in, {size:,} reports (all but {live} archived)")
    print(f"pace: {PACES[pace]}")
    print(f"{'#':>3}  {'step':<16}{'kind':<8}{'requests':>9}{'writes':>7}{'KiB':>9}", end="")
    print(f"{'naive req':>11}{'naive KiB':>11}")
    for i, (step, (n_req, n_got)) in enumerate(zip(steps, replayed, strict=True), 1):
        print(f"{i:>3}  {step.label:<16}{step.kind:<8}{step.requests:>9}{step.writes:>7}", end="")
        print(f"{step.bytes / 1024:>9,.0f}{n_req:>11}{n_got / 1024:>11,.0f}")
    print()
    print(f"{'':<22}{'count':>6}{'requests':>10}{'floor':>7}{'x floor':>9}", end="")
    print(f"{'naive':>7}{'naive x':>9}{'KiB/each':>10}{'max KiB':>9}{'naive KiB/each':>16}")
    rows = {"views": "view", "actions": "action", "session": None}
    for name, kind in rows.items():
        chosen = [(s, r) for s, r in zip(steps, replayed, strict=True) if kind in (None, s.kind)]
        count = len(chosen)
        requests = sum(s.requests for s, _ in chosen)
        floor = count
        naive = sum(r[0] for _, r in chosen)
        got = [s.bytes / 1024 for s, _ in chosen]
        naive_got = sum(r[1] for _, r in chosen) / 1024
        print(f"{name:<22}{count:>6}{requests:>10}{floor:>7}{requests / floor:>9.2f}", end="")
        print(f"{naive:>7}{naive / floor:>9.2f}{sum(got) / count:>10,.0f}{max(got):>9,.0f}", end="")
        print(f"{naive_got / count:>16,.0f}")
    print()
    print(__doc__.split("\n\n", 1)[1].rstrip())


if __name__ == "__main__":
    raise SystemExit(main())
