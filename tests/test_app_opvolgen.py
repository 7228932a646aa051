"""AppTest: Opvolgen (MAZ; 2.2 steps 3-4): the next-working-day checks of not-urgent reports."""

from datetime import datetime

import pytest
import time_machine

from lib import services
from lib.procedure import Ticket
from lib.workdays import AMSTERDAM
from tests.app_checks import counts, message_after, texts
from tests.apptest_support import app_store  # noqa: F401

# The work list's cards draw their forms only when opened: these tests open them first.
from tests.cards_support import page_with_open_cards as page
from tests.flows import Office

PAGE = "pages/opvolgen.py"
TUESDAY_13 = datetime(2026, 11, 24, 13, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def office(app_store):  # noqa: F811
    with time_machine.travel(TUESDAY_13, tick=False):
        yield Office(app_store)  # its clock: Monday 23-11 10:00


def waiting(office: Office, at: datetime, **form) -> dict:
    """A not-urgent report assessed at `at`: its check falls on the next working day."""
    office.at = at
    return office.waiting(**form)


def monday(office):
    return waiting(office, datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM))  # due Tue 09:00


def maz():
    return page(PAGE, role="maz").run()


def follow_up(at, ticket, button, notes):
    at.text_area(key=f"opvolgen-{ticket['id']}-notes").input(notes)
    return at.button(key=f"opvolgen-{ticket['id']}-{button}").click().run()


@pytest.mark.parametrize("role", ["medewerker", "unitmanager", "directie", "financien"])
def test_only_the_maz_follows_up(office, role):
    """Test that other roles get the Dutch 'for the MAZ' message and no forms."""
    monday(office)
    at = page(PAGE, role=role).run()
    assert at.info[0].value == "Deze pagina is voor de Manager Algemene Zaken."
    assert not at.get("form")


def test_without_waiting_reports_the_page_says_so(office):
    """Test that with nothing waiting for a check the page says so."""
    office.submit()
    at = maz()
    assert not at.exception and "geen niet-urgente meldingen" in at.info[0].value


def test_checks_are_grouped_overdue_today_and_upcoming(office):
    """Test that checks due on an earlier day, today and later land in their own group."""
    overdue = waiting(office, datetime(2026, 11, 20, 16, 0, tzinfo=AMSTERDAM))  # Fri -> Mon
    today = monday(office)
    upcoming = waiting(office, datetime(2026, 11, 24, 10, 0, tzinfo=AMSTERDAM))  # Tue -> Wed
    at = maz()
    assert not at.exception
    assert [h.value for h in at.subheader] == ["Te laat (1)", "Vandaag (1)", "Binnenkort (1)"]
    labels = [e.label for e in at.expander]
    assert labels[0].startswith(overdue["number"]) and "controle 23-11-2026 09:00" in labels[0]
    assert labels[1].startswith(today["number"]) and "controle 24-11-2026 09:00" in labels[1]
    assert labels[2].startswith(upcoming["number"]) and "controle 25-11-2026 09:00" in labels[2]


def test_empty_groups_say_none(office):
    """Test that a group without checks says 'Geen.'."""
    monday(office)
    at = maz()
    assert [h.value for h in at.subheader] == ["Te laat (0)", "Vandaag (1)", "Binnenkort (0)"]
    assert [c.value for c in at.caption].count("Geen.") == 2


def test_the_reporter_and_the_unit_manager_can_be_reached_from_the_page(office):
    """Test that the reporter's contact details and the location's unit manager are shown."""
    monday(office)
    shown = texts(at := maz())
    assert not at.exception
    assert "Ruben de Groot" in shown and "06\\-12345678" in shown
    assert "Sanne Jansen" in shown and "sanne\\@kivido\\.example" in shown
    assert "Kan wachten" in shown


def test_solved_removes_the_report_and_keeps_its_history(office):
    """Test that 'solved' (2.2 step 4) sets status removed, logs the contact, tells the reporter."""
    ticket = monday(office)
    at = follow_up(maz(), ticket, "solved", "Gebeld met Ruben: printer doet het weer.")
    assert not at.exception
    assert "melding is verwijderd" in at.success[0].value
    row = office.ticket(ticket["id"])
    assert row["status"] == Ticket.REMOVED
    assert row["followup_notes"] == "Gebeld met Ruben: printer doet het weer."
    snap = office.snap()
    assert snap.timeline(ticket["id"])[-1]["action"] == "follow_up_solved"
    assert snap.order_for(ticket["id"]) is None
    told = [m for m in snap.rows("messages") if m["created_at"] == row["updated_at"]]
    assert [(m["to_address"], m["kind"]) for m in told] == [("ruben@kivido.example", "status")]
    assert "Stand van zaken: Opgelost zonder Nemesys" in told[0]["body"]
    assert "geen niet-urgente meldingen" in at.info[0].value


def test_not_solved_orders_at_nemesys(office):
    """Test that 'not solved' (2.2 step 4) places the order and its mail to Nemesys."""
    ticket = monday(office)
    at = follow_up(maz(), ticket, "not-solved", "Toner vervangen, nog steeds storing.")
    assert not at.exception and "Postvak" in at.success[0].value
    assert office.ticket(ticket["id"])["status"] == Ticket.ORDERED
    snap = office.snap()
    assert snap.order_for(ticket["id"]) is not None
    order_mail = next(m for m in snap.outbox() if m["kind"] == "opdracht")
    assert order_mail["to_address"] == "support@nemesys.nl"


@pytest.mark.parametrize(
    ("notes", "message"),
    [
        ("", "Verslag van het contact is verplicht."),
        ("n" * 50_000, "te lang"),
        ("a\x00", "stuurtekens"),
    ],
)
@pytest.mark.parametrize("button", ["solved", "not-solved"])
def test_the_contact_must_be_recorded_properly(office, button, notes, message):
    """Test that missing, huge or control-character notes are refused beside the field only."""
    ticket = monday(office)
    other = monday(office)
    before = counts(office.repo)
    at = follow_up(maz(), ticket, button, notes)
    assert not at.exception
    assert message in message_after(at, f"opvolgen-{ticket['id']}-notes")
    assert message_after(at, f"opvolgen-{other['id']}-notes") == ""
    assert counts(office.repo) == before


def test_a_report_changed_meanwhile_is_not_overwritten(office):
    """Test that a report reclassified elsewhere meanwhile gives a warning and the fresh list."""
    ticket = monday(office)
    at = maz()
    services.reclassify(
        office.desk(), office.snap(), office.ticket(ticket["id"]), urgent=True, reason="Toch urgent"
    )
    before = counts(office.repo)
    at = follow_up(at, ticket, "solved", "Opgelost volgens de locatie")
    assert not at.exception
    assert "Iemand anders heeft dit intussen gewijzigd" in at.warning[0].value
    assert counts(office.repo) == before
    assert office.ticket(ticket["id"])["status"] == Ticket.ORDERED
    assert "geen niet-urgente meldingen" in at.info[0].value
