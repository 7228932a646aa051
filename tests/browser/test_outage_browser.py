"""Browser tier: the Google Sheet answers 503 while people work (issue 9 point 5).

Only a real browser shows this: Streamlit forgets a form's values as soon as a
script run does not draw the form, which AppTest keeps. A staff member fills in
Melden and presses "Melding versturen" while the Sheet is down: the report is
received (kept in the local queue), and delivered exactly once with its number
when the Sheet is back. The MAZ's typed triage reason survives a failed save.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lib import demo, intake
from tests.browser import steps
from tests.browser.conftest import AppServer, screenshot
from tests.browser.steps import Person, Report, Walk

pytestmark = pytest.mark.browser

STAFF = Person("Ruben de Groot", "Medewerker", "ruben@kivido.example")
MAZ = Person("Nathalie Visser", "Manager Algemene Zaken", "nathalie@kivido.example")
REPORT = Report(
    "Medewerker",
    "Kinderopvang De Zonnebloem (demo)",
    "Telefonie",
    True,
    "Geen kiestoon op alle toestellen sinds 8 uur.",
    "06-12345678",
)
SLOW = 90_000  # ms: a save during the outage sits out the driver's bounded retries


def _outage(standin) -> None:
    standin.inject("503", times=1_000_000)


def _back(standin) -> None:
    with standin._lock:
        standin._faults.clear()


@pytest.fixture
def app_on_sheet(standin, make_sheets_repo, tmp_path, page_in, request):
    repo = make_sheets_repo()
    demo.seed_reference_data(repo)
    queue = tmp_path / "queue.sqlite"
    env = {
        "KIVIDO_STORE": "sheets",
        "KIVIDO_SHEET_KEY": repo.key,
        "KIVIDO_SHEETS_API_ROOT": standin.url,
        "KIVIDO_DEMO_MODE": "true",
        "KIVIDO_CACHE_SECONDS": "1",
        "KIVIDO_INTAKE_QUEUE": str(queue),
    }
    server = AppServer(env, tmp_path / "streamlit.log")
    page = page_in()
    steps.open_app(page, server.url)
    failed_before = request.session.testsfailed
    yield repo, Walk(page, "sheets", "storing"), intake.IntakeQueue(queue)
    _back(standin)
    if request.session.testsfailed > failed_before:
        screenshot(page, "sheets-storing-failed")
    server.stop()


def _press_slowly(page: Page, scope, name: str, then: str | re.Pattern) -> None:
    with steps._SOCKETS[page].expect_event(
        "framereceived", predicate=steps._run_finished, timeout=SLOW
    ):
        steps.button(scope, name).click()
    expect(steps.main(page).get_by_text(then).first).to_be_visible(timeout=SLOW)
    steps.settle(page)


def _fill_report(page: Page) -> None:
    f = steps.form_with(steps.main(page), "Melding versturen")
    f.get_by_test_id("stRadio").get_by_text(REPORT.function, exact=True).click()
    steps.choose_option(page, steps.widget(f, "stSelectbox", "Locatie"), REPORT.location)
    steps.choose_option(page, steps.widget(f, "stSelectbox", "Soort storing"), REPORT.category)
    f.get_by_label(re.compile("^Omschrijving")).fill(REPORT.description)
    f.get_by_label(re.compile("^Hoe bent u bereikbaar")).fill(REPORT.contact)


def test_report_sent_during_sheet_outage_is_kept_and_delivered_once(app_on_sheet, standin):
    repo, walk, queue = app_on_sheet
    walk.as_person(STAFF)
    walk.visit("Melden")
    _fill_report(walk.page)
    _outage(standin)
    f = steps.form_with(steps.main(walk.page), "Melding versturen")
    _press_slowly(walk.page, f, "Melding versturen", "Uw melding is ontvangen")
    walk.shot()
    body = steps.main(walk.page).inner_text()
    assert "Traceback" not in body and "StoreUnavailable" not in body
    [waiting] = queue.entries()
    assert waiting.status == intake.WAITING

    _back(standin)
    main = steps.main(walk.page)
    heading = main.get_by_role("heading", name=re.compile("Uw meldingsnummer"))
    _press_slowly(walk.page, main, "Nummer opvragen", re.compile("Uw meldingsnummer"))
    walk.shot()
    number = heading.inner_text().split(":", 1)[1].strip()
    tickets = repo.read(["tickets"])["tickets"]
    assert [(t["number"], t["description"]) for t in tickets] == [(number, REPORT.description)]

    # Reloading, other pages and later deliveries add nothing.
    walk.page.reload()
    steps.settle(walk.page)
    walk.as_person(STAFF)  # a reload is a new session: the demo picker starts over
    walk.visit("Mijn meldingen")
    steps.expect_text(steps.main(walk.page), number)
    assert queue.deliver(repo, _config()) == []
    assert len(repo.read(["tickets"])["tickets"]) == 1
    receipts = [m for m in repo.read(["messages"])["messages"] if m["kind"] == "ontvangst"]
    assert len(receipts) == 1


def test_typed_triage_reason_survives_a_failed_save(app_on_sheet, standin):
    repo, walk, _ = app_on_sheet
    walk.as_person(STAFF)
    walk.visit("Melden")
    number = steps.submit_report(walk.page, STAFF, REPORT)
    walk.as_person(MAZ)
    walk.visit("Beoordelen")
    choice = "Urgent: direct opdracht aan Nemesys"
    f = steps.form_with(steps.expander(walk.page, number), choice)
    reason = "Hele locatie onbereikbaar, direct naar Nemesys."
    f.get_by_label("Reden van uw beoordeling (verplicht)").fill(reason)
    _outage(standin)
    # Opening the card (a rerun) read the store just now: wait out cache_seconds (1 s) so
    # that the press reads afresh and meets the outage, as after a person's typing.
    walk.page.wait_for_timeout(1200)
    _press_slowly(walk.page, f, choice, re.compile("antwoordt op dit moment niet|reageert niet"))
    walk.shot()
    f = steps.form_with(steps.expander(walk.page, number), choice)
    reason_box = f.get_by_label("Reden van uw beoordeling (verplicht)")
    expect(reason_box).to_be_visible()  # the expander stayed open, the reason is in it
    expect(reason_box).to_have_value(reason)
    expander = steps.expander(walk.page, number)
    expect(expander.get_by_text(re.compile("reageert niet"))).to_be_visible()
    expect(
        steps.sidebar(walk.page).get_by_text(re.compile("antwoordt op dit moment niet"))
    ).to_be_visible()
    _back(standin)
    _press_slowly(walk.page, f, choice, f"{number} is urgent:")
    [ticket] = repo.read(["tickets"])["tickets"]
    assert ticket["status"] != "nieuw" and ticket["urgency_reason"] == reason


def _config():
    from lib import config

    return config.load({})
