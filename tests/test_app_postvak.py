"""AppTest: Postvak (MAZ): the queued order mails (2.1 step 3b) and status mails (step 5)."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from lib import queues, services
from lib.repository import Update
from tests.app_checks import counts, texts
from tests.apptest_support import app_store, page  # noqa: F401
from tests.browser.conftest import free_port
from tests.flows import Office

PAGE = "pages/postvak.py"


@pytest.fixture
def office(app_store):  # noqa: F811
    return Office(app_store)


def urgent(office: Office) -> dict:
    ticket = office.submit()
    services.triage(
        office.desk(), office.snap(), office.ticket(ticket["id"]), urgent=True, reason="Stil"
    )
    return ticket


def maz():
    return page(PAGE, role="maz").run()


def link_urls(at) -> list[str]:
    return [b.proto.url for b in at.get("link_button")]


@pytest.mark.parametrize("role", ["medewerker", "unitmanager", "directie", "financien"])
def test_only_the_maz_sees_the_outbox(office, role):
    """Test that other roles get the Dutch 'for the MAZ' message and no mails."""
    urgent(office)
    at = page(PAGE, role=role).run()
    assert at.info[0].value == "Deze pagina is voor de Manager Algemene Zaken."
    assert not at.get("link_button") and not at.button


def test_an_empty_outbox_says_so(office):
    """Test that without queued mail the page says everything was sent."""
    at = maz()
    assert not at.exception and "Het postvak is leeg" in at.info[0].value


def test_every_queued_mail_shows_to_subject_body_and_a_mailto_link(office):
    """Test that order and status mails show address, subject, body and a working mailto link."""
    ticket = urgent(office)
    outbox = office.snap().outbox()
    at = maz()
    assert not at.exception
    # Submit made the receipt; triage the order, the reporter's update and (phone
    # outage) the unit manager's communication task.
    assert sorted(m["kind"] for m in outbox) == ["communicatie", "ontvangst", "opdracht", "status"]
    outbox.sort(key=lambda m: (m["created_at"], m["id"]), reverse=True)  # newest first
    shown = texts(at)
    for message in outbox:
        assert f"Aan: {message['to_address']}\nOnderwerp: {message['subject']}" in shown
        assert message["body"].strip() in shown
    for label in ("Opdracht aan Nemesys", "Ontvangstbevestiging aan melder"):
        assert label in shown
    assert link_urls(at) == [queues.mailto_link(m) for m in outbox]
    order = next(m for m in outbox if m["kind"] == "opdracht")
    query = parse_qs(urlsplit(queues.mailto_link(order)).query)
    assert ticket["number"] in query["subject"][0] and "Geen kiestoon" in query["body"][0]


def test_marking_a_mail_sent_takes_it_out_of_the_outbox(office):
    """Test that 'Verzonden' marks just that mail sent with a time, and the list shrinks."""
    urgent(office)
    order = next(m for m in office.snap().outbox() if m["kind"] == "opdracht")
    at = maz().button(key=f"verzonden-{order['id']}").click().run()
    assert not at.exception
    assert "Gemarkeerd als verzonden" in at.success[0].value
    row = office.repo.get("messages", order["id"])
    assert row["status"] == "verzonden" and row["sent_at"]
    assert "opdracht" not in [m["kind"] for m in office.snap().outbox()]
    assert len(at.get("link_button")) == 3


def test_the_filters_find_a_reports_mail_and_sent_mail_stays_findable(office):
    """Test the status, report-number and recipient filters; newest first."""
    first = office.submit(category="printen")
    office.later(minutes=5)
    second = urgent(office)
    at = maz()
    at.text_input(key="postvak-number").input(first["number"][-4:]).run()
    assert {first["number"]} == {
        m.value.split(" · ")[1] for m in at.markdown if " · " in str(m.value)
    }
    at.text_input(key="postvak-number").input("").run()
    at.text_input(key="postvak-recipient").input("nemesys").run()
    assert "Opdracht aan Nemesys" in texts(at) and "Ontvangstbevestiging" not in texts(at)
    order = next(m for m in office.snap().outbox() if m["kind"] == "opdracht")
    at.button(key=f"verzonden-{order['id']}").click().run()
    assert "Geen berichten met deze keuze." in at.info[0].value
    at.selectbox(key="postvak-view").select("Verzonden").run()
    assert second["number"] in texts(at) and "Verzonden" in texts(at)


def test_marking_the_last_mail_sent_empties_the_outbox(office):
    """Test that after the last 'Verzonden' the page says the outbox is empty."""
    office.submit()
    (receipt,) = office.snap().outbox()
    at = maz()
    at = at.button(key=f"verzonden-{receipt['id']}").click().run()
    assert "Het postvak is leeg" in at.info[0].value


def test_a_mail_sent_by_someone_else_meanwhile_is_not_marked_again(office):
    """Test that a mail marked sent elsewhere meanwhile gives a warning and is not overwritten."""
    office.submit()
    (receipt,) = office.snap().outbox()
    at = maz()
    services.mark_sent(office.desk(), receipt)
    sent = office.repo.get("messages", receipt["id"])
    before = counts(office.repo)
    at = at.button(key=f"verzonden-{receipt['id']}").click().run()
    assert not at.exception
    assert "Iemand anders heeft dit intussen gewijzigd" in at.warning[0].value
    assert office.repo.get("messages", receipt["id"]) == sent
    assert counts(office.repo) == before
    assert "Het postvak is leeg" in at.info[0].value


def test_with_smtp_a_failed_mail_shows_its_error_and_is_sent_again_in_the_background(office):
    """Test that a failed mail shows the server's error; 'Opnieuw versturen' queues it and the
    background sender tries it at once (here nothing listens: it is queued again with the error)."""
    office.submit()
    (receipt,) = office.snap().outbox()
    failed = {"status": "mislukt", "last_error": "550 Mailbox onbekend", "attempts": 1}
    office.repo.commit([Update("messages", receipt["id"], receipt["version"], failed)])
    at = page(PAGE, role="maz")
    at.secrets["smtp"] = {"host": "127.0.0.1", "port": free_port(), "security": "none"}
    at.run()
    assert not at.exception
    assert "550 Mailbox onbekend" in texts(at) and not at.get("link_button")
    at.button(key=f"opnieuw-{receipt['id']}").click().run()
    assert "Opnieuw in de wachtrij" in at.success[0].value
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        row = office.repo.get("messages", receipt["id"])
        if row["attempts"] == 1 and row["status"] == "wachtrij":
            break
        time.sleep(0.05)
    assert (row["status"], row["attempts"]) == ("wachtrij", 1)  # tried once more, kept queued
    assert "Connection" in row["last_error"] or "Errno" in row["last_error"]
