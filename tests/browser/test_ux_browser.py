"""What only a browser shows (issue 12): stale messages, a shared desk, each role's Start.

Streamlit keeps session_state across pages and role switches while it forgets
the widgets it did not draw; AppTest keeps widget state a real browser loses,
so these cases run in Chromium against `streamlit run`.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.repository.sql import SqlRepository
from tests.browser import steps
from tests.browser.conftest import AppServer
from tests.browser.steps import Person, Report, Walk
from tests.flows import Office
from tests.worklist_fixtures import build

pytestmark = pytest.mark.browser

STAFF = Person("Ruben de Groot", "Medewerker", "ruben@kivido.example")
UNIT_MANAGER = Person("Sanne Jansen", "Unitmanager", "sanne@kivido.example")
MAZ = Person("Nathalie Visser", "Manager Algemene Zaken", "maz@kivido.example")
DIRECTIE = Person("Stefanie Smit", "Directie", "stefanie@kivido.example")
FINANCE = Person("Femke Bos", "Afdeling financiën", "femke@kivido.example")
PRINTING = Report(
    "Medewerker",
    "Kinderopvang De Zonnebloem (demo)",
    "Printen",
    False,
    "De printer print niets.",
    "06-12345678",
)
BAD_AMOUNT = "geen geldig bedrag"


@pytest.fixture
def app(tmp_path, page_in):
    """The demo app on an embedded store with one item of each kind waiting."""
    db = tmp_path / "ux.db"
    repo = SqlRepository.at_path(db)
    repo.setup()
    build(Office(repo))
    env = {"KIVIDO_STORE": "sqlite", "KIVIDO_DB": str(db), "KIVIDO_DEMO_MODE": "true"}
    server = AppServer(env, tmp_path / "streamlit.log")
    page = page_in()
    steps.open_app(page, server.url)
    yield Walk(page, "sqlite", "ux")
    server.stop()
    repo.engine.dispose()


def refuse_an_invoice_amount(walk: Walk) -> None:
    """Facturen: '12,3,4' as amount, Registreren: messages appear beside the fields."""
    main = walk.visit("Facturen")
    form = steps.form_with(main, "Registreren")
    form.get_by_label("Bedrag excl. btw", exact=True).fill("12,3,4")
    steps.press(form, "Registreren", then="Controleer de invoer")
    expect(main.get_by_text(BAD_AMOUNT, exact=False).first).to_be_visible()


def test_old_error_messages_are_gone_after_leaving_the_page(app):
    walk = app
    walk.as_person(FINANCE)
    refuse_an_invoice_amount(walk)
    walk.visit("Start")
    main = walk.visit("Facturen")
    steps.expect_text(main, "Factuur of creditnota registreren")
    expect(main.get_by_text(BAD_AMOUNT, exact=False)).to_have_count(0)
    expect(main.get_by_test_id("stAlertContentError")).to_have_count(0)


def test_old_error_messages_are_gone_after_switching_person(app):
    walk = app
    walk.as_person(FINANCE)
    refuse_an_invoice_amount(walk)
    walk.as_person(MAZ)  # Facturen is the MAZ's page too: it stays open
    main = steps.main(walk.page)
    steps.expect_text(main, "Factuur of creditnota registreren")
    expect(main.get_by_text(BAD_AMOUNT, exact=False)).to_have_count(0)


def test_the_next_person_at_a_shared_desk_gets_an_empty_report_form(app):
    walk = app
    walk.as_person(STAFF)
    walk.visit("Melden")
    number = steps.submit_report(walk.page, STAFF, PRINTING)
    walk.as_person(UNIT_MANAGER)
    main = steps.main(walk.page)
    expect(steps.button(main, "Melding versturen")).to_be_visible()
    expect(main.get_by_text(number)).to_have_count(0)
    expect(main.get_by_label("Uw naam")).to_have_value(UNIT_MANAGER.name)


@pytest.mark.parametrize(
    ("person", "heading"),
    [
        (MAZ, "Controles te laat"),
        (DIRECTIE, "Offertes die op uw besluit wachten"),
        (FINANCE, "Goedgekeurde facturen te betalen"),
        (UNIT_MANAGER, "Communicatie met ouders en medewerkers"),
        (STAFF, "Mijn open meldingen"),
    ],
)
def test_each_roles_start_page_links_its_work(app, person, heading):
    walk = app
    walk.as_person(person)
    main = walk.visit("Start")
    steps.expect_text(main, heading)
    links = main.get_by_test_id("stPageLink")
    assert links.count() >= 1
    # Each line opens its page on its report: ?melding=KIV-...
    href = links.first.locator("a").get_attribute("href")
    assert "melding=KIV-" in href
    expect(main.get_by_text("Lokale database")).to_have_count(0)
    # The whole page (the main area scrolls inside itself): sqlite-start-01-<role>.png
    walk.procedure, walk.at = "start", person.role
    walk.shot()
