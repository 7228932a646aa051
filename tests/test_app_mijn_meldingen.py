"""AppTest: Mijn meldingen (2.1 step 5): each person follows the reports that are theirs.

Expectations from issue 7: a reporter's own reports come from the signed-in
address (nothing typed); a unit manager also reads their location's reports;
the directie and MAZ read every report. The reporter's timeline shows the
procedure steps in plain Dutch, never internal notes, quotes, invoices or
the names of office and finance staff.
"""

import pytest

from lib import services
from lib.procedure import Actor, Role
from lib.ui.timeline import plain
from tests.app_checks import texts
from tests.apptest_support import app_store, page  # noqa: F401
from tests.flows import Office

PAGE = "pages/mijn_meldingen.py"
RUBEN = "ruben@kivido.example"
SECRET_NOTE = "Kabel in serverkast los, leverancier Jansen bellen op 06-99999999"


@pytest.fixture
def office(app_store):  # noqa: F811
    return Office(app_store)


def as_staff(email=RUBEN):
    return page(PAGE, role="medewerker", name="Ruben de Groot", email=email).run()


def opened(at, repo):
    """Open every report's detail: someone else's is drawn only when opened (and logged)."""
    for ticket in repo.read(["tickets"])["tickets"]:
        for section in ("Mijn meldingen", "Meldingen van mijn locatie", "Alle meldingen"):
            at.session_state[f"detail-{section}-{ticket['id']}"] = True
    return at.run()


def test_a_reporter_sees_only_their_own_reports_without_typing_an_address(office):
    """Test that the signed-in address finds the reports: no address field, others' not shown."""
    mine = office.submit(category="printen")
    office.submit(reporter_email="iemand.anders@kivido.example", description="Niet van Ruben.")
    at = as_staff()
    assert not at.exception
    assert not any("e-mail" in w.label.lower() for w in at.text_input)
    assert len(at.expander) == 1 and mine["number"] in at.expander[0].label
    assert "Niet van Ruben." not in texts(at)


def test_someone_without_reports_is_told_so(office):
    """Test that a person with no reports gets a Dutch 'none' and sees nobody else's."""
    office.submit()
    at = as_staff("nog.nooit@kivido.example")
    assert not at.expander
    assert "geen meldingen" in at.info[0].value


def test_no_query_parameter_shows_a_colleagues_reports(office):
    """Test that adding ?email=... to the address changes nothing: only sign-in counts."""
    office.submit(reporter_email="collega@kivido.example", description="Van een collega.")
    at = page(PAGE, role="medewerker", name="Ruben", email=RUBEN)
    at.query_params["email"] = "collega@kivido.example"
    at.query_params["my_email"] = "collega@kivido.example"
    at.session_state["my_email"] = "collega@kivido.example"
    at.run()
    assert not at.expander and "Van een collega." not in texts(at)


def test_the_reporters_timeline_has_the_steps_but_no_internal_notes_or_names(office):
    """Test that the reporter reads what happened in plain Dutch and nothing of the office's work."""
    ticket = office.submit()
    services.investigate(office.desk(), office.ticket(ticket["id"]), SECRET_NOTE)
    office.urgent_until_closed(office.ticket(ticket["id"]), quote="250,00")
    office.invoice(ticket["id"])
    at = as_staff()
    assert not at.exception
    shown = texts(at)
    for step in (
        "Melding ontvangen",
        "Beoordeeld als urgent",
        "Doorgegeven aan Nemesys",
        "Nemesys heeft de opdracht bevestigd",
        "Opgelost",
        "Afgesloten",
    ):
        assert step in shown, step
    for secret in (
        SECRET_NOTE,
        "Kabel in serverkast",
        "Offerte",
        "Factuur",
        "NEM-1",  # Nemesys's reference
        "Stefanie",
        "Femke",
        "Nathalie",
        "Afdeling financiën",
    ):
        assert secret not in shown, secret
    assert "Afgesloten" in at.expander[0].label


def test_a_unit_manager_reads_the_reports_of_their_location_as_a_reporter_would(office):
    """Test that Sanne (unit manager of De Zonnebloem) sees its reports, not another location's."""
    here = office.submit(location_id="demo-zonnebloem", description="Zonnebloem printer.")
    services.investigate(office.desk(), office.ticket(here["id"]), SECRET_NOTE)
    office.submit(location_id="demo-vlinder", description="Vlinder printer.")
    at = page(PAGE, role="unitmanager", name="Sanne Jansen", email="sanne@kivido.example").run()
    at = opened(at, office.repo)
    assert not at.exception
    assert [t.label for t in at.tabs] == ["Mijn meldingen", "Meldingen van mijn locatie"]
    shown = texts(at)
    assert "Zonnebloem printer." in shown and "Vlinder printer." not in shown
    assert SECRET_NOTE not in shown
    assert not at.button  # read-only: nothing to press


@pytest.mark.parametrize("role", ["directie", "maz"])
def test_the_directie_and_maz_read_every_report_with_its_whole_history(office, role):
    """Test that the office audience sees every report, with notes, names and quotes."""
    ticket = office.submit()
    services.investigate(office.desk(), office.ticket(ticket["id"]), SECRET_NOTE)
    office.urgent_until_closed(office.ticket(ticket["id"]), quote="250,00")
    office.submit(reporter_email="iemand.anders@kivido.example", description="Tweede melding.")
    at = page(PAGE, role=role, name="Stefanie Smit", email="stefanie@kivido.example").run()
    at = opened(at, office.repo)
    assert not at.exception
    assert "Alle meldingen" in [t.label for t in at.tabs]
    shown = texts(at)
    assert SECRET_NOTE in [t.value for t in at.text]
    assert "Tweede melding." in shown
    assert "Offerte ontvangen" in shown and "Stefanie (Directie)" in shown
    assert not at.button


@pytest.mark.parametrize("role", ["medewerker", "unitmanager", "financien"])
def test_other_roles_get_no_all_reports_tab(office, role):
    """Test that only the directie and MAZ get the list of every report."""
    office.submit(reporter_email="iemand.anders@kivido.example", description="Niet zichtbaar.")
    at = page(PAGE, role=role, name="X", email="x@kivido.example").run()
    assert "Alle meldingen" not in [t.label for t in at.tabs]
    assert "Niet zichtbaar." not in texts(at)


def test_user_text_on_the_office_timeline_stays_plain_text(office):
    """Test that Markdown in an actor's name or a note is shown literally, not rendered."""
    ticket = office.submit()
    odd = Actor("**Nat** [klik](http://x.example)", Role.MAZ)
    services.investigate(office.desk(odd), office.ticket(ticket["id"]), "# geen kop")
    at = page(PAGE, role="directie", name="Stefanie", email="stefanie@kivido.example").run()
    at = opened(at, office.repo)
    assert "# geen kop" in [t.value for t in at.text]
    shown = texts(at)
    assert plain(odd.name) in shown and odd.name not in shown
