"""Browser tier for the AVG (issue 13): what only a real browser shows.

A click on someone else's report is what opens it (AppTest sets the state
instead), and the Melden form keeps its text between "asked" and "sent again".
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lib.catalog import CATEGORIES
from tests.browser import steps
from tests.browser.conftest import screenshot
from tests.browser.test_access_browser import (  # noqa: F401
    COLLEAGUE_REPORT,
    MAZ,
    STAFF,
    office,
    serve,
    sign_in,
    visit,
)

pytestmark = pytest.mark.browser
PRINTING = CATEGORIES["printen"]


def test_the_maz_opening_a_colleagues_report_is_logged_once(office, serve, page_in):  # noqa: F811
    """Test that the report's text appears only after the click, and the view is logged once."""
    server = serve(office.env())
    page = page_in()
    steps.open_page(page, server.url)
    sign_in(page, MAZ)
    visit(page, "Mijn meldingen")
    main = steps.main(page)
    main.get_by_role("tab", name="Alle meldingen").click()  # tabs switch without a rerun
    expect(main.get_by_text(COLLEAGUE_REPORT)).to_have_count(0)
    assert office.repo.read(["access_log"])["access_log"] == []
    box = main.get_by_test_id("stExpander").filter(has_text=office.colleague_number).first
    with steps.rerun(page):
        box.locator("summary").first.click()
    steps.expect_text(box, COLLEAGUE_REPORT)
    screenshot(page, "privacy-view-logged")
    log = office.repo.read(["access_log"])["access_log"]
    ticket = next(
        t
        for t in office.repo.read(["tickets"])["tickets"]
        if t["number"] == office.colleague_number
    )
    assert [(r["actor_email"], r["ticket_id"]) for r in log] == [(MAZ.email, ticket["id"])]


def test_melden_asks_once_and_sends_the_same_text_on_the_second_press(office, serve, page_in):  # noqa: F811
    """Test that a phone number in the description is flagged, kept, and sent when pressed again."""
    server = serve(office.env())
    page = page_in()
    steps.open_page(page, server.url)
    sign_in(page, STAFF)
    visit(page, "Melden")
    main = steps.main(page)
    steps.expect_text(main, re.compile("Noem in de omschrijving geen namen van kinderen"))
    form = steps.form_with(main, "Melding versturen")
    location = "Kinderopvang De Zonnebloem (demo)"
    steps.choose_option(page, steps.widget(form, "stSelectbox", "Locatie"), location)
    steps.choose_option(page, steps.widget(form, "stSelectbox", "Soort storing"), PRINTING)
    text = "Printer op de groep kapot; bel de ouder van Daan op 06-12345678."
    form.get_by_label(re.compile("^Omschrijving")).fill(text)
    form.get_by_label(re.compile("^Hoe bent u bereikbaar")).fill("Bel de locatie")
    before = len(office.repo.read(["tickets"])["tickets"])
    with steps.rerun(page):
        steps.button(form, "Melding versturen").click()
    steps.expect_text(main, re.compile("lijkt een telefoonnummer te bevatten"))
    assert len(office.repo.read(["tickets"])["tickets"]) == before
    expect(form.get_by_label(re.compile("^Omschrijving"))).to_have_value(text)
    with steps.rerun(page):
        steps.button(form, "Melding versturen").click()
    steps.expect_text(main, re.compile(r"Uw meldingsnummer: "))
    tickets = office.repo.read(["tickets"])["tickets"]
    assert len(tickets) == before + 1 and text in [t["description"] for t in tickets]
