"""The request budget on the Google Sheet driver (issue 3, "Performance"), counted by the stand-in.

A page view costs at most one values.batchGet: the snapshot of the store, reused
for [app] cache_seconds and dropped at once after the session's own writes.
An action is one commit, and issue 10 allows it one request: the write (a
spreadsheets.batchUpdate that appends the change to the log, whose order decides
races between processes, and brings lagging worksheet rows up to date). Its check
uses the worksheets the page view just read (lib/repository/sheets_cache.py says
when that is safe), and the rerun that shows the result is served from the
write's answer. Melden is one commit too (the report, its event and its receipt
mail); its rerun shows the number without reading.

Opening the store (setup, once per process) is not a page view: `open_app` does it first.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from pathlib import Path

import pytest
import streamlit as st
import time_machine
from google.auth.credentials import AnonymousCredentials
from streamlit.testing.v1 import AppTest

from lib import navigation, services
from lib.config import ROOT
from lib.procedure import Role
from lib.repository import sheets
from lib.repository.sheets import SheetsRepository, _Shared
from lib.workdays import AMSTERDAM
from tests.apptest_support import page
from tests.cards_support import open_cards
from tests.flows import Office
from tests.sheets_standin import KINDS

# Tuesday 13:00: the office's Monday reports are in, the not-urgent check is due today.
NOW = datetime(2026, 11, 24, 13, 0, tzinfo=AMSTERDAM)
EMAIL = "ruben@kivido.example"  # the reporter of tests/flows.py
PAGES = {  # each page as a role that may use it
    "pages/home.py": Role.STAFF,
    "pages/melden.py": Role.STAFF,
    "pages/mijn_meldingen.py": Role.STAFF,
    "pages/beoordelen.py": Role.MAZ,
    "pages/opvolgen.py": Role.MAZ,
    "pages/nemesys.py": Role.MAZ,
    "pages/communicatie.py": Role.UNIT_MANAGER,
    "pages/postvak.py": Role.MAZ,
    "pages/offertes.py": Role.DIRECTIE,
    "pages/facturen.py": Role.FINANCE,
    "pages/overzicht.py": Role.DIRECTIE,
    "pages/beheer.py": Role.MAZ,
}
READ = Counter({"values.batchGet": 1})
ONE_WRITE = Counter({"spreadsheets.batchUpdate": 1})  # issue 9: one write request per action
ACTION = ONE_WRITE  # issue 10: checked on the view's read; the next view served from its answer
SUBMIT = ONE_WRITE  # Melden's rerun shows the number without reading
NOTHING = Counter()
# Postvak also asks for the texts of the mails it shows (ui.mail_texts: a row each, in
# one more request), which no page view reads; kept per mail and version after that.
POSTVAK = "pages/postvak.py"
WITH_TEXTS = Counter({"values.batchGet": 2})


def each_page(cost: Counter, postvak: Counter = WITH_TEXTS) -> dict:
    return dict.fromkeys(PAGES, cost) | {POSTVAK: postvak}


def requests_since_reset(standin) -> Counter:
    """The requests the stand-in counted, by kind; zeros left out."""
    counted = Counter({kind: standin.count(kind) for kind in KINDS})
    counted["other"] = standin.count() - sum(counted.values())
    return +counted


def as_role(path: str, role: Role) -> AppTest:
    """Ruben for his own pages; Sanne (De Zonnebloem) for the unit manager's tasks."""
    email = "sanne@kivido.example" if role == Role.UNIT_MANAGER else EMAIL
    return page(path, role=role, name="Ruben", email=email)


def view(path: str) -> AppTest:
    return as_role(path, PAGES[path]).run()


def measured(standin, run) -> tuple[AppTest, Counter]:
    standin.reset_counts()
    at = run()
    assert not at.exception, at.exception
    return at, requests_since_reset(standin)


@pytest.fixture
def office(standin, monkeypatch):
    """A fresh spreadsheet with work on every page; the app pointed at it, caches empty."""
    key = standin.create_spreadsheet("Kivido request budget")
    monkeypatch.setenv("KIVIDO_STORE", "sheets")
    monkeypatch.setenv("KIVIDO_SHEET_KEY", key)
    monkeypatch.setenv("KIVIDO_SHEETS_API_ROOT", standin.url)
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "true")
    monkeypatch.delenv("KIVIDO_CACHE_SECONDS", raising=False)
    repo = SheetsRepository(
        spreadsheet_key=key, credentials=AnonymousCredentials(), api_root=standin.url
    )
    repo._shared = _Shared()  # the work was made by others (another process)
    repo.setup()
    office = Office(repo)  # its clock: Monday 10:00
    office.waiting_one = office.waiting()  # Opvolgen: checked on Tuesday
    office.new = office.submit(category="printen", blocks_office_work=False)  # Beoordelen
    office.urgent = office.submit()  # Nemesys, Communicatie, Postvak
    services.triage(office.desk(), office.snap(), office.urgent, urgent=True, reason="Ligt stil")
    office.closed = office.submit()  # Offertes (history), Facturen
    office.urgent_until_closed(office.closed, quote="1.000,00")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield office
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def commits(monkeypatch) -> list[int]:
    """One entry (its number of changes) per commit the app makes."""
    made: list[int] = []
    original = SheetsRepository.commit

    def counting(self, changes):
        made.append(len(changes))
        return original(self, changes)

    monkeypatch.setattr(SheetsRepository, "commit", counting)
    return made


def open_app(standin) -> None:
    """Open the store as the app does once per process (setup), then count from zero."""
    assert not view("pages/home.py").exception
    st.cache_data.clear()
    standin.reset_counts()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_every_page_is_measured_as_a_role_that_may_use_it():
    """Test that the budget tests cover every page, each as a role the navigation lets in."""
    assert set(PAGES) == {str(p.relative_to(ROOT)) for p in Path(ROOT, "pages").glob("*.py")}
    screens = {s.path: s for screens in navigation.SECTIONS.values() for s in screens}
    assert all(role in screens[path].roles for path, role in PAGES.items())


def test_a_page_view_costs_one_batched_read(office, standin, frozen):
    """Test that a view of every page, past the cache, costs one values.batchGet and nothing
    else (Postvak: and one for the texts of the mails it shows)."""
    open_app(standin)
    seen = {}
    for path in PAGES:
        st.cache_data.clear()  # as a view after cache_seconds
        at, seen[path] = measured(standin, lambda path=path: view(path))
        assert not [i for i in at.info if "Deze pagina is voor" in i.value], path
    assert seen == each_page(READ)


def test_the_router_adds_no_requests(office, standin, frozen):
    """Test that a page opened through app.py (role picker, navigation) still costs one read."""
    open_app(standin)
    seen = {}
    for path, role in PAGES.items():
        at = as_role("app.py", role).run()
        st.cache_data.clear()
        seen[path] = measured(standin, at.switch_page(path).run)[1]
    assert seen == each_page(READ)


def test_postvak_asks_only_for_the_texts_of_the_mails_it_shows(office, standin, frozen):
    """Test that Postvak's view reads the mails without their texts, as every page, and
    then the texts of the shown mails alone: single rows, not the mail worksheet.

    The mails are only in the worksheet here (the log compacted, a fresh process):
    mails queued since the worksheets were last written come from the log, free."""
    office.repo.compact_log(min_age=0)
    open_app(standin)
    sheets._shared(office.repo.key).worksheets.clear()  # the view reads the worksheets
    asked, real = [], SheetsRepository._batch_get

    def batch_get(self, ranges, *params):
        asked.append(list(ranges))
        return real(self, ranges, *params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SheetsRepository, "_batch_get", batch_get)
        st.cache_data.clear()
        at, seen = measured(standin, lambda: view(POSTVAK))
    assert seen == WITH_TEXTS
    view_read, texts_read = asked
    assert "'messages'!A1:H" in view_read and "'messages'" not in view_read
    shown = [b.key.removeprefix("verzonden-") for b in at.button if b.key.startswith("verzonden-")]
    assert shown and len(texts_read) == len(shown) + 1  # a row each, and the log's new rows
    assert all(r.startswith("'messages'!A") for r in texts_read[:-1])
    rows = {m["id"]: m for m in office.snap().rows("messages")}
    assert all(any(rows[i]["body"].strip() in t.value for t in at.text) for i in shown)


def test_a_second_view_within_the_cache_time_costs_nothing(office, standin, frozen):
    """Test that viewing a page again, in the same session or another, reuses the read."""
    open_app(standin)
    seen = {}
    for path in PAGES:
        st.cache_data.clear()
        at, first = measured(standin, lambda path=path: view(path))
        _, again = measured(standin, at.run)
        _, other = measured(standin, lambda path=path: view(path))
        seen[path] = (first, again, other)
    assert seen == each_page((READ, NOTHING, NOTHING), (WITH_TEXTS, NOTHING, NOTHING))


def test_going_from_page_to_page_reads_once(office, standin, frozen):
    """Test that visiting every page in turn within the cache time costs one read in all."""
    open_app(standin)
    for path in PAGES:
        assert not view(path).exception, path
    assert requests_since_reset(standin) == WITH_TEXTS  # Postvak's texts the one more


def test_the_read_is_reused_for_cache_seconds_then_read_again(office, standin, monkeypatch):
    """Test that [app] cache_seconds (30 here, via KIVIDO_CACHE_SECONDS) bounds the reuse."""
    monkeypatch.setenv("KIVIDO_CACHE_SECONDS", "30")
    with time_machine.travel(NOW, tick=False) as traveller:  # NOW starts a 30-second period
        open_app(standin)
        assert measured(standin, lambda: view("pages/home.py"))[1] == READ
        traveller.shift(29)
        assert measured(standin, lambda: view("pages/home.py"))[1] == NOTHING
        traveller.shift(1)
        assert measured(standin, lambda: view("pages/home.py"))[1] == READ


def test_with_cache_seconds_zero_every_view_reads(office, standin, monkeypatch):
    """Test that with KIVIDO_CACHE_SECONDS=0 every view of every page reads the store again."""
    monkeypatch.setenv("KIVIDO_CACHE_SECONDS", "0")
    with time_machine.travel(NOW, tick=True):  # the clock runs: every view is a new moment
        open_app(standin)
        seen = {}
        for path in PAGES:
            at, first = measured(standin, lambda path=path: view(path))
            _, again = measured(standin, at.run)
            seen[path] = (first, again)
    assert seen == each_page((READ, READ), (WITH_TEXTS, READ))


def test_the_sessions_own_write_is_read_at_once(office, standin, frozen, commits):
    """Test that after 'Verzonden' the rerun reads afresh (one write), then reuses that read."""
    open_app(standin)
    at, _ = measured(standin, lambda: view("pages/postvak.py"))
    order = next(m for m in office.snap().outbox() if m["kind"] == "opdracht")
    at, cost = measured(standin, at.button(key=f"verzonden-{order['id']}").click().run)
    assert (cost, len(commits)) == (ACTION, 1)
    assert f"verzonden-{order['id']}" not in [b.key for b in at.button]
    assert measured(standin, at.run)[1] == NOTHING


def test_other_sessions_see_a_write_when_their_read_expires(office, standin, frozen):
    """Test that another session reuses its read until cache_seconds pass, then sees the write."""
    open_app(standin)
    mine, _ = measured(standin, lambda: view("pages/postvak.py"))
    theirs, _ = measured(standin, lambda: view("pages/postvak.py"))
    order = next(m for m in office.snap().outbox() if m["kind"] == "opdracht")
    key = f"verzonden-{order['id']}"
    mine.button(key=key).click().run()
    theirs, cost = measured(standin, theirs.run)
    assert cost == NOTHING and key in [b.key for b in theirs.button]
    frozen.shift(10)  # the default cache_seconds
    theirs, cost = measured(standin, theirs.run)
    # My rerun was served from my write's answer, once; their expired view reads.
    assert cost == READ and key not in [b.key for b in theirs.button]


def submit_report(at, office):
    at.text_area(key="melden-description").input("De printer geeft een papierstoring.")
    at.selectbox(key="melden-location_id").select("demo-zonnebloem")
    at.selectbox(key="melden-category").select("printen")
    return at.button(key="melden-submit").click()


def triage(at, office):
    at.text_area(key=f"triage-{office.new['id']}-reason").input("Kantoor ligt stil")
    return at.button(key=f"triage-{office.new['id']}-urgent").click()


def follow_up(at, office):
    form = f"opvolgen-{office.waiting_one['id']}"
    at.text_area(key=f"{form}-notes").input("Melder gebeld: werkt weer.")
    return at.button(key=f"{form}-solved").click()


def confirm(at, office):
    form = f"confirm-{office.urgent['id']}"
    at.text_input(key=f"{form}-ref").input("NEM-2026-118")
    at.date_input(key=f"{form}-day").set_value(date(2026, 11, 24))
    at.time_input(key=f"{form}-time").set_value(time(11, 15))
    return at.button(key=f"{form}-go").click()


def tick(at, office):
    task = office.snap().communication_task(office.urgent["id"])
    return at.button(key=f"tick-{task['id']}-storing-klasbord").click()


def register_invoice(at, office):
    form = f"invoice-register-{at.session_state['invoice-submission']}"
    for field, value in {
        "number": "F-2026-1",
        "invoice_date": "24-11-2026",
        "amount_excl": "1.000,00",
        "amount_incl": "1.210,00",
    }.items():
        at.text_input(key=f"{form}-{field}").input(value)
    at.multiselect(key=f"{form}-order_ids").set_value([office.order(office.closed["id"])["id"]])
    return at.button(key=f"{form}-go").click()


@pytest.mark.parametrize(
    ("path", "press", "cost", "writes"),
    [
        ("pages/melden.py", submit_report, SUBMIT, 1),
        ("pages/beoordelen.py", triage, ACTION, 1),
        ("pages/opvolgen.py", follow_up, ACTION, 1),
        ("pages/nemesys.py", confirm, ACTION, 1),
        ("pages/communicatie.py", tick, ACTION, 1),
        ("pages/facturen.py", register_invoice, ACTION, 1),
    ],
    ids=["melden-submit", "triage", "follow-up", "confirm", "tick", "register-invoice"],
)
def test_an_action_costs_one_write(office, standin, frozen, commits, path, press, cost, writes):
    """Test that a button press is one commit and one request: the write, checked on the
    view's read, its rerun served from the write's answer (Melden: no next view)."""
    open_app(standin)
    at, _ = measured(standin, lambda: open_cards(view(path)))  # the card the user acts in
    commits.clear()  # opening someone else's report was logged (issue 13); count the press
    at, spent = measured(standin, press(at, office).run)
    assert at.success, [e.value for e in at.error]
    assert (spent, len(commits)) == (cost, writes)
