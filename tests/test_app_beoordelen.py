"""AppTest: Beoordelen (MAZ; 2.1 steps 2-3, 2.2 steps 2-3): investigate, then urgent or not."""

from datetime import datetime

import pytest
import time_machine

from lib import services
from lib.procedure import Ticket
from lib.repository import Update
from lib.workdays import AMSTERDAM
from tests.app_checks import counts, message_after, texts
from tests.apptest_support import app_store  # noqa: F401

# The work list's cards draw their forms only when opened: these tests open them first.
from tests.cards_support import page_with_open_cards as page
from tests.flows import Office

PAGE = "pages/beoordelen.py"
MONDAY_13 = datetime(2026, 11, 23, 13, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def office(app_store):  # noqa: F811
    with time_machine.travel(MONDAY_13, tick=False):
        yield Office(app_store)  # its clock: Monday 10:00


def maz():
    return page(PAGE, role="maz").run()


def triage(at, ticket, button, reason):
    at.text_area(key=f"triage-{ticket['id']}-reason").input(reason)
    return at.button(key=f"triage-{ticket['id']}-{button}").click().run()


def investigate(at, ticket, note):
    at.text_area(key=f"onderzoek-{ticket['id']}-note").input(note)
    return at.button(key=f"onderzoek-{ticket['id']}-submit").click().run()


@pytest.mark.parametrize("role", ["medewerker", "unitmanager", "directie", "financien"])
def test_only_the_maz_may_assess(office, role):
    """Test that other roles get the Dutch 'for the MAZ' message and no forms."""
    office.submit()
    at = page(PAGE, role=role).run()
    assert not at.exception
    assert at.info[0].value == "Deze pagina is voor de Manager Algemene Zaken."
    assert not at.get("form") and not at.expander


def test_the_queue_shows_new_reports_oldest_first_with_age_and_suggestion(office):
    """Test that new and investigated reports are listed oldest first, with age and suggestion."""
    printing = office.submit(category="printen", blocks_office_work=False)
    office.later(hours=2)
    phones = office.submit()
    office.later(minutes=30)
    done = office.submit()
    services.triage(
        office.desk(), office.snap(), office.ticket(done["id"]), urgent=True, reason="x"
    )
    at = maz()
    assert not at.exception
    assert at.subheader[0].value == "Te beoordelen (2)"
    labels = [e.label for e in at.expander]
    assert labels[0].startswith(printing["number"]) and "3 uur" in labels[0]
    assert "voorstel: niet urgent" in labels[0]
    assert labels[1].startswith(phones["number"]) and "1 uur" in labels[1]
    assert "voorstel: urgent" in labels[1]
    assert "Geen kiestoon" in texts(at)


def test_an_empty_queue_says_so(office):
    """Test that without new reports the page says there is nothing to assess."""
    at = maz()
    assert "geen nieuwe meldingen" in at.info[0].value


def test_investigating_a_new_report_records_the_notes(office):
    """Test that 2.1 step 3a moves the report to 'in onderzoek' with the MAZ's notes on it."""
    ticket = office.submit()
    at = investigate(maz(), ticket, "Centrale herstart, helpt niet.")
    assert not at.exception and "Onderzoek vastgelegd." in at.success[0].value
    row = office.ticket(ticket["id"])
    assert row["status"] == Ticket.INVESTIGATING
    assert row["investigation_notes"] == "Centrale herstart, helpt niet."
    assert at.button(key=f"onderzoek-{ticket['id']}-submit").label == "Notitie toevoegen"
    assert "MAZ onderzoekt zelf" in texts(at)


def test_investigating_may_start_without_a_note(office):
    """Test that the MAZ may take the report into investigation before she has notes."""
    ticket = office.submit()
    investigate(maz(), ticket, "")
    assert office.ticket(ticket["id"])["status"] == Ticket.INVESTIGATING


def test_further_notes_are_added_without_a_status_change(office):
    """Test that a later note is appended, logged as 'Notitie', and the status stays."""
    ticket = office.submit()
    at = investigate(maz(), ticket, "Eerste bevinding")
    at = investigate(at, ticket, "Tweede bevinding")
    row = office.ticket(ticket["id"])
    assert row["status"] == Ticket.INVESTIGATING
    assert row["investigation_notes"] == "Eerste bevinding\nTweede bevinding"
    assert [e["action"] for e in office.snap().timeline(ticket["id"])][-1] == "note"
    assert "Notitie" in texts(at)


@pytest.mark.parametrize(
    ("note", "message"),
    [("", "verplicht"), ("x" * 50_000, "te lang"), ("kapot\x1b\x07", "stuurtekens")],
)
def test_a_bad_further_note_is_refused_next_to_the_field(office, note, message):
    """Test that an empty, huge or control-character note is refused beside it; nothing written."""
    ticket = office.submit()
    services.investigate(office.desk(), office.ticket(ticket["id"]), "Begonnen")
    before = counts(office.repo)
    at = investigate(maz(), ticket, note)
    assert not at.exception
    assert message in message_after(at, f"onderzoek-{ticket['id']}-note")
    assert counts(office.repo) == before


def test_urgent_places_the_order_and_prepares_the_mail_to_nemesys(office):
    """Test that urgent (2.1 step 3b) makes the order and its mail, and says it is in the Postvak."""
    ticket = office.submit()
    at = triage(maz(), ticket, "urgent", "Niemand kan bellen")
    assert not at.exception
    row = office.ticket(ticket["id"])
    assert row["status"] == Ticket.ORDERED and row["urgency"] == "urgent"
    assert row["urgency_reason"] == "Niemand kan bellen"
    snap = office.snap()
    assert snap.order_for(ticket["id"]) is not None
    order_mail = next(m for m in snap.outbox() if m["kind"] == "opdracht")
    assert order_mail["to_address"] == "support@nemesys.nl"
    assert ticket["number"] in order_mail["subject"]
    info = at.info[0].value
    assert ticket["number"] in info and "support@nemesys.nl" in info and "Postvak" in info
    assert not at.expander  # the queue is empty now


def test_not_urgent_shows_the_check_on_the_next_working_day(office):
    """Test that not urgent (2.2 step 3) waits: the check moment, Tuesday 09:00, is shown."""
    ticket = office.submit(category="printen", blocks_office_work=False)
    at = triage(maz(), ticket, "not-urgent", "Er is een tweede printer")
    row = office.ticket(ticket["id"])
    assert row["status"] == Ticket.WAITING and row["urgency"] == "niet_urgent"
    assert office.snap().order_for(ticket["id"]) is None
    assert "24-11-2026 09:00" in at.info[0].value and "Opvolgen" in at.info[0].value


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Reden is verplicht."), ("r" * 50_000, "te lang"), ("ja\x00", "stuurtekens")],
)
@pytest.mark.parametrize("button", ["urgent", "not-urgent"])
def test_a_decision_needs_a_proper_reason(office, button, reason, message):
    """Test that a decision without a good reason is refused beside that form only; nothing written."""
    ticket = office.submit()
    other = office.submit()
    before = counts(office.repo)
    at = triage(maz(), ticket, button, reason)
    assert not at.exception
    assert message in message_after(at, f"triage-{ticket['id']}-reason")
    assert message_after(at, f"triage-{other['id']}-reason") == ""
    assert counts(office.repo) == before
    assert office.ticket(ticket["id"])["status"] == Ticket.NEW


def test_a_waiting_report_can_be_declared_urgent_after_all(office):
    """Test that reclassifying a waiting report as urgent places the order at Nemesys."""
    ticket = office.submit(category="printen", blocks_office_work=False)
    services.triage(
        office.desk(), office.snap(), office.ticket(ticket["id"]), urgent=False, reason="a"
    )
    at = maz()
    assert at.subheader[1].value == "Herbeoordelen"
    at.text_input(key=f"herbeoordeel-{ticket['id']}-reason").input("Hele kantoor kan niet printen")
    at = at.button(key=f"herbeoordeel-{ticket['id']}-submit").click().run()
    assert not at.exception
    assert office.ticket(ticket["id"])["status"] == Ticket.ORDERED
    assert office.snap().order_for(ticket["id"]) is not None
    assert "Postvak" in at.info[0].value


def test_an_urgent_report_can_be_declared_not_urgent_before_the_order(office):
    """Test that an urgent report without order yet can be made not urgent, with a check moment."""
    ticket = office.submit()
    row = office.ticket(ticket["id"])
    # Triage places the order at once; a ticket only rests in 'urgent' if that step failed.
    office.repo.commit([Update("tickets", row["id"], row["version"], {"status": Ticket.URGENT})])
    at = maz()
    button = at.button(key=f"herbeoordeel-{ticket['id']}-submit")
    assert button.label == "Alsnog niet urgent"
    at.text_input(key=f"herbeoordeel-{ticket['id']}-reason").input("Toch maar één toestel")
    at = button.click().run()
    assert office.ticket(ticket["id"])["status"] == Ticket.WAITING
    assert "24-11-2026 09:00" in at.info[0].value


def test_reclassifying_needs_a_reason(office):
    """Test that reassessing without a reason is refused beside the field; nothing written."""
    ticket = office.submit(category="printen", blocks_office_work=False)
    services.triage(
        office.desk(), office.snap(), office.ticket(ticket["id"]), urgent=False, reason="a"
    )
    before = counts(office.repo)
    at = maz().button(key=f"herbeoordeel-{ticket['id']}-submit").click().run()
    assert "Reden is verplicht." in message_after(at, f"herbeoordeel-{ticket['id']}-reason")
    assert counts(office.repo) == before


def test_a_change_by_someone_else_meanwhile_is_not_overwritten(office):
    """Test that deciding on a report another MAZ changed meanwhile warns and shows the fresh state."""
    ticket = office.submit()
    at = maz()
    services.investigate(office.desk(), office.ticket(ticket["id"]), "Collega kijkt al")
    before = counts(office.repo)
    at = triage(at, ticket, "urgent", "Niemand kan bellen")
    assert not at.exception
    assert "Iemand anders heeft dit intussen gewijzigd" in at.warning[0].value
    assert counts(office.repo) == before
    row = office.ticket(ticket["id"])
    assert row["status"] == Ticket.INVESTIGATING and row["urgency"] == ""
    assert "Collega kijkt al" in texts(at)  # the fresh state is on screen
    assert at.button(key=f"onderzoek-{ticket['id']}-submit").label == "Notitie toevoegen"


def test_a_report_assessed_by_someone_else_meanwhile_leaves_the_queue(office):
    """Test that a report triaged elsewhere meanwhile gives the warning and drops from the list."""
    ticket = office.submit()
    at = maz()
    services.triage(
        office.desk(), office.snap(), office.ticket(ticket["id"]), urgent=False, reason="b"
    )
    at = triage(at, ticket, "urgent", "Toch urgent")
    assert "Iemand anders" in at.warning[0].value
    assert office.ticket(ticket["id"])["status"] == Ticket.WAITING
    assert office.snap().order_for(ticket["id"]) is None
    assert at.subheader[0].value == "Te beoordelen (0)"
