"""AppTest: Mijn meldingen (2.1 step 5): a reporter sees status and timeline of their reports."""

import pytest

from lib import services
from lib.procedure import Actor, Role
from lib.ui.timeline import plain
from tests.app_checks import texts
from tests.apptest_support import app_store, page  # noqa: F401
from tests.flows import Office

PAGE = "pages/mijn_meldingen.py"


@pytest.fixture
def office(app_store):  # noqa: F811
    return Office(app_store)


def look_up(at, email):
    at.text_input(key="mijn-email").input(email)
    return at.button(key="mijn-toon").click().run()


def test_without_an_address_the_page_asks_for_one(office):
    """Test that the page first asks for the reporter's e-mail address."""
    at = page(PAGE, role="medewerker").run()
    assert not at.exception
    assert "Vul het e-mailadres in" in at.info[0].value
    assert not at.expander


def test_a_reporter_sees_only_their_own_reports_with_status_and_timeline(office):
    """Test that the reports of that address show with status, and each step on the timeline."""
    mine = office.submit(category="printen", blocks_office_work=False)
    office.later(hours=1)
    services.triage(
        office.desk(), office.snap(), office.ticket(mine["id"]), urgent=False, reason="Kan wachten"
    )
    office.submit(reporter_email="iemand.anders@kivido.example")
    at = look_up(page(PAGE, role="medewerker").run(), "RUBEN@kivido.example ")
    assert not at.exception
    assert len(at.expander) == 1
    assert mine["number"] in at.expander[0].label
    assert "Niet urgent: wacht op controle" in at.expander[0].label
    shown = texts(at)
    assert "Melding ingediend" in shown and "Beoordeeld als niet urgent" in shown
    assert "Nathalie (Manager Algemene Zaken)" in shown
    assert "Nieuw → Niet urgent: wacht op controle" in shown
    assert "Kan wachten" in shown
    assert "23-11-2026 11:00" in shown  # the triage, in Amsterdam time
    assert at.session_state["my_email"] == "ruben@kivido.example"


def test_the_address_is_remembered_for_the_session(office):
    """Test that a second visit in the same session shows the reports without retyping."""
    office.submit()
    at = look_up(page(PAGE, role="medewerker").run(), "ruben@kivido.example")
    at.run()
    assert len(at.expander) == 1
    assert at.text_input(key="mijn-email").value == "ruben@kivido.example"


def test_the_address_from_the_report_form_is_used(office):
    """Test that the address used on Melden in this session is filled in already."""
    office.submit()
    at = page(PAGE, role="medewerker")
    at.session_state["my_email"] = "ruben@kivido.example"
    at.run()
    assert len(at.expander) == 1


def test_an_address_without_reports_says_so(office):
    """Test that an address without reports gets a Dutch 'none found'."""
    office.submit()
    at = look_up(page(PAGE, role="medewerker").run(), "nog.nooit@kivido.example")
    assert "geen meldingen gevonden" in at.info[0].value


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "verplicht"), ("geen-adres", "geen geldig e-mailadres"), ("a@b\x00.nl", "stuurtekens")],
)
def test_a_bad_address_is_refused_in_dutch(office, typed, message):
    """Test that an empty or malformed address gets a Dutch message and shows no reports."""
    office.submit()
    at = look_up(page(PAGE, role="medewerker").run(), typed)
    assert not at.exception
    assert message in at.error[0].value
    assert not at.expander


def test_the_timeline_shows_every_step_of_order_quote_and_invoice(office):
    """Test that the timeline names each step in Dutch, with actor, role and status change."""
    ticket = office.submit()
    office.urgent_until_closed(ticket, quote="250,00")
    office.invoice(ticket["id"])
    at = look_up(page(PAGE, role="medewerker").run(), "ruben@kivido.example")
    assert not at.exception
    shown = texts(at)
    for step in (
        "Beoordeeld als urgent",
        "Opdracht aan Nemesys gegeven",
        "Communicatietaak aangemaakt",
        "Bevestigd door Nemesys",
        "Offerte ontvangen",
        "Offerte goedgekeurd",
        "Opdracht afgesloten",
        "Factuur ontvangen",
    ):
        assert step in shown, step
    assert "Stefanie (Directie)" in shown and "Femke (Afdeling financiën)" in shown
    assert "Ontvangen → Goedgekeurd" in shown and "Opgelost → Afgesloten" in shown
    assert "Referentie Nemesys: NEM-1" in shown
    assert "Afgesloten" in at.expander[0].label


def test_user_text_on_the_timeline_stays_plain_text(office):
    """Test that Markdown in an actor's name or a note is shown literally, not rendered."""
    ticket = office.submit()
    odd = Actor("**Nat** [klik](http://x.example)", Role.MAZ)
    services.investigate(office.desk(odd), office.ticket(ticket["id"]), "# geen kop")
    at = look_up(page(PAGE, role="medewerker").run(), "ruben@kivido.example")
    assert "# geen kop" in [t.value for t in at.text]
    shown = texts(at)
    assert plain(odd.name) in shown and odd.name not in shown
