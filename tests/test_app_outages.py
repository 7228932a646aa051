"""AppTest (issue 14): known outages at Melden, linking at Beoordelen, Mijn meldingen."""

from datetime import datetime

import pytest
import time_machine

from lib import affected, outages, services
from lib.procedure import Actor, Role, Ticket
from lib.workdays import AMSTERDAM
from tests.app_checks import counts
from tests.app_checks import texts as escaped_texts
from tests.apptest_support import app_store  # noqa: F401

# Work-list cards draw their forms only when opened: these tests open them first.
from tests.cards_support import page_with_open_cards as page
from tests.flows import MAZ, Office, report_form

MONDAY_13 = datetime(2026, 11, 23, 13, 0, tzinfo=AMSTERDAM)
MARIEKE = Actor("Marieke Smit", Role.STAFF, email="marieke@kivido.example")
RUBEN = "ruben@kivido.example"


@pytest.fixture
def office(app_store):  # noqa: F811
    with time_machine.travel(MONDAY_13, tick=False):
        yield Office(app_store)  # its clock: Monday 10:00


def report(office, who=MARIEKE, **form) -> dict:
    desk = services.Desk(repo=office.repo, actor=who, clock=office.clock)
    form = report_form(**{"category": "server", "description": "Server ligt eruit.", **form})
    return services.submit_report(desk, office.snap(), form, submission_id=f"s-{who.email}")


def texts(at) -> str:
    """What the page shows, with Markdown's escapes of names and numbers taken out."""
    return escaped_texts(at).replace("\\", "")


def ruben(path):
    return page(path, role="medewerker", name="Ruben de Groot", email=RUBEN).run()


def ruben_opens_his_reports(office):
    """Mijn meldingen with every card opened: an outage someone else reported is drawn
    (and its view logged, issue 13) only when opened."""
    at = page("pages/mijn_meldingen.py", role="medewerker", name="Ruben de Groot", email=RUBEN)
    for ticket in office.repo.read(["tickets"])["tickets"]:
        at.session_state[f"detail-Mijn meldingen-{ticket['id']}"] = True
    return at.run()


def test_melden_shows_the_known_outage_and_ik_heb_dit_ook_records_ruben(office):
    """Test that Ruben sees Marieke's server outage above the form, presses "Ik heb dit ook"
    after choosing his location, and the store holds him as affected with no new report."""
    main = report(office, location_id="demo-regenboog")
    at = ruben("pages/melden.py")
    assert not at.exception
    assert "Bekende storingen" in [s.value for s in at.subheader]
    assert f"{main['number']} · Server" in texts(at)
    assert "Sinds 10:00 · de Manager Algemene Zaken beoordeelt de storing" in texts(at)
    assert at.button(key=f"ook-{main['id']}").disabled  # first his location
    at.selectbox(key="melden-bekend-locatie").select("demo-zonnebloem").run()
    before = counts(office.repo)
    at.button(key=f"ook-{main['id']}").click().run()
    assert not at.exception
    assert at.success[0].value == f"Vastgelegd: u krijgt de berichten over {main['number']}."
    assert "U staat bij deze storing" in texts(at)
    rows = office.repo.read(["affected"])["affected"]
    assert [(r["email"], r["location_id"]) for r in rows] == [(RUBEN, "demo-zonnebloem")]
    after = counts(office.repo)
    assert after["tickets"] == before["tickets"] and after["affected"] == 1
    assert at.button(key="melden-submit")  # the form stays for a different problem


def test_melden_shows_local_outages_only_at_their_location(office):
    """Test that a printer outage shows at its own location, not at another one."""
    printer = report(office, location_id="demo-regenboog", category="printen")
    at = ruben("pages/melden.py")
    assert printer["number"] not in texts(at)
    at.selectbox(key="melden-bekend-locatie").select("demo-vlinder").run()
    assert printer["number"] not in texts(at)
    at.selectbox(key="melden-bekend-locatie").select("demo-regenboog").run()
    assert printer["number"] in texts(at)


def test_beoordelen_links_a_duplicate_with_one_click_and_undoes_it(office):
    """Test that the MAZ sees the likely duplicate, links it (no order, reporter told),
    and undoes it: the report is back in the queue."""
    main = report(office, location_id="demo-regenboog")
    office.triage(main, urgent=True)
    dup = report(office, Actor("Ruben de Groot", Role.STAFF, email=RUBEN))
    at = page("pages/beoordelen.py", role="maz").run()
    assert "Mogelijk dezelfde storing" in texts(at)
    at.button(key=f"koppel-{dup['id']}-{main['id']}").click().run()
    assert not at.exception
    assert at.success[0].value.startswith(f"{dup['number']} hoort bij {main['number']}")
    snap = office.snap()
    assert snap.ticket(dup["id"])["status"] == Ticket.LINKED
    assert len(snap.rows("orders")) == 1
    assert [r["email"] for r in affected.recipients(main, snap.rows("affected"))] == [RUBEN]
    told = [m for m in snap.outbox() if m["to_address"] == RUBEN and "hoort bij" in m["subject"]]
    assert len(told) == 1
    assert at.subheader[0].value == "Te beoordelen (0)"
    assert "Gekoppeld (1)" in [s.value for s in at.subheader]
    at.button(key=f"ontkoppel-{dup['id']}").click().run()
    assert not at.exception
    assert at.subheader[0].value == "Te beoordelen (1)"
    assert office.ticket(dup["id"])["status"] == Ticket.NEW


def test_mijn_meldingen_shows_the_outage_ruben_has_too_until_solved(office):
    """Test that Mijn meldingen lists the outage Ruben joined, and later shows it solved."""
    main = report(office, location_id="demo-regenboog")
    services_desk = services.Desk(
        repo=office.repo, actor=Actor("Ruben", Role.STAFF, email=RUBEN), clock=office.clock
    )
    outages.join(services_desk, office.snap(), main, location_id="demo-zonnebloem")
    main = office.triage(main, urgent=True)
    services.confirm_order(office.desk(), main, office.order(main["id"]), reference="N-1")
    services.resolve(office.desk(MAZ), office.ticket(main["id"]))
    at = ruben_opens_his_reports(office)
    assert not at.exception
    assert [e.label for e in at.expander] == [
        f"{main['number']} · Server · "
        + (office.snap().location("demo-regenboog")["name"])
        + " · Opgelost"
    ]
    assert "U heeft aangegeven dat u deze storing ook heeft." in texts(at)


def test_mijn_meldingen_shows_a_linked_report_by_its_outage(office):
    """Test that Ruben's linked report shows the main report's stage and says it belongs there."""
    main = report(office, location_id="demo-regenboog")
    office.triage(main, urgent=True)
    dup = report(office, Actor("Ruben de Groot", Role.STAFF, email=RUBEN))
    outages.link(office.desk(), office.snap(), office.ticket(dup["id"]), office.ticket(main["id"]))
    at = ruben_opens_his_reports(office)
    assert len(at.expander) == 1 and at.expander[0].label.startswith(main["number"])
    assert at.expander[0].label.endswith("Doorgegeven aan Nemesys")
    assert f"Uw melding hoort bij storing {main['number']} (Server)." in texts(at)
