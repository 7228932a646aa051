"""AppTest: the Nemesys page (2.1 steps 4 and 8) on the embedded store."""

from datetime import datetime, time, timedelta

import pytest

from lib import billing, services
from lib.procedure import Ticket
from lib.workdays import AMSTERDAM
from tests.app_checks import counts
from tests.apptest_support import app_store  # noqa: F401

# The work list's cards draw their forms only when opened: these tests open them first.
from tests.cards_support import page_with_open_cards as page
from tests.flows import MAZ, Office

PAGE = "pages/nemesys.py"


@pytest.fixture
def office(app_store):  # noqa: F811
    """An office whose first reports came in ten days ago (the page reads the real clock)."""
    return Office(app_store, start=datetime.now(AMSTERDAM) - timedelta(days=10))


def ordered(office: Office, **report) -> dict:
    ticket = office.submit(**report)
    services.triage(
        office.desk(), office.snap(), office.ticket(ticket["id"]), urgent=True, reason="Ligt stil"
    )
    return office.ticket(ticket["id"])


def confirmed(office: Office) -> dict:
    ticket = ordered(office)
    services.confirm_order(office.desk(), ticket, office.order(ticket["id"]), reference="NEM-1")
    return office.ticket(ticket["id"])


def resolved(office: Office) -> dict:
    ticket = confirmed(office)
    services.resolve(office.desk(), ticket)
    return office.ticket(ticket["id"])


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def test_empty_page_says_nothing_is_open(app_store):  # noqa: F811
    """Test that without orders the page says none are open."""
    at = page(PAGE).run()
    assert not at.exception
    assert "Er staan geen opdrachten open bij Nemesys." in texts(at.success)


def test_late_unconfirmed_order_stands_out_and_comes_first(office):
    """Test that an order unconfirmed past the limit is warned about and listed first."""
    early = confirmed(office)
    office.later(days=1)
    late = ordered(office)
    office.at = datetime.now(AMSTERDAM) - timedelta(minutes=1)
    fresh = ordered(office)
    at = page(PAGE).run()
    assert not at.exception
    assert "1 opdracht(en) na meer dan 4 uur werktijd" in at.warning[0].value
    headers = [m for m in texts(at.markdown) if m.startswith("**KIV-")]
    assert headers[0].startswith(f"**{late['number']}**")
    assert headers.index(f"**{early['number']}** · Bevestigd door Nemesys") > 1
    assert any(m.startswith(":red[**Nog niet bevestigd na") for m in texts(at.markdown))
    assert any("op bevestiging door Nemesys" in c for c in texts(at.caption))
    assert fresh["number"] in " ".join(headers)


def test_confirmation_records_reference_and_moment(office):
    """Test that the MAZ records Nemesys's reference and the date and time they confirmed."""
    ticket = ordered(office)
    key = f"confirm-{ticket['id']}"
    at = page(PAGE).run()
    at.text_input(key=f"{key}-ref").input("NEM-2026-118")
    day = (datetime.now(AMSTERDAM) - timedelta(days=9)).date()  # the day after the order
    at.date_input(key=f"{key}-day").set_value(day)
    at.time_input(key=f"{key}-time").set_value(time(11, 15))
    at.button(key=f"{key}-go").click().run()
    assert not at.exception
    assert at.success[0].value == f"Bevestiging van Nemesys vastgelegd voor {ticket['number']}."
    order = office.order(ticket["id"])
    assert order["nemesys_reference"] == "NEM-2026-118"
    confirmed_at = datetime.combine(day, time(11, 15), tzinfo=AMSTERDAM).isoformat()
    assert order["confirmed_at"] == confirmed_at
    assert office.ticket(ticket["id"])["status"] == Ticket.CONFIRMED
    assert "Referentie Nemesys: NEM-2026-118" in texts(at.text)


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("", "Referentie van Nemesys is verplicht."),
        ("x" * 50_000, "Referentie van Nemesys is te lang (50.000 tekens, maximaal 200)."),
        (
            "NEM\x00-1",
            "Referentie van Nemesys bevat onzichtbare stuurtekens; typ de tekst opnieuw.",
        ),
    ],
)
def test_bad_reference_is_refused_beside_the_field(office, reference, message):
    """Test that a missing, huge or garbled reference gets a Dutch message and writes nothing."""
    ticket = ordered(office)
    before = counts(office)
    key = f"confirm-{ticket['id']}"
    at = page(PAGE).run()
    at.text_input(key=f"{key}-ref").input(reference)
    at.button(key=f"{key}-go").click().run()
    assert not at.exception
    assert message in texts(at.error)
    assert counts(office) == before
    assert office.ticket(ticket["id"])["status"] == Ticket.ORDERED


def test_resolve_then_close_when_solved_to_satisfaction(office):
    """Test that a confirmed order is marked resolved and then closed (step 8)."""
    ticket = confirmed(office)
    at = page(PAGE).run()
    at.text_area(key=f"resolve-{ticket['id']}-note").input("Nieuwe router geplaatst")
    at.button(key=f"resolve-{ticket['id']}-go").click().run()
    assert at.success[0].value == "Gemarkeerd als opgelost."
    assert office.ticket(ticket["id"])["status"] == Ticket.RESOLVED
    at.button(key=f"close-{ticket['id']}-go").click().run()
    assert not at.exception
    assert at.success[0].value == "Opdracht afgesloten."
    assert office.ticket(ticket["id"])["status"] == Ticket.CLOSED
    assert "Afgesloten opdrachten" in texts(at.subheader)
    notes = [e["note"] for e in office.snap().timeline(ticket["id"])]
    assert "Nieuwe router geplaatst" in notes


def test_reopen_needs_a_reason(office):
    """Test that reopening without a reason is refused and with one goes back to Nemesys."""
    ticket = resolved(office)
    before = counts(office)
    key = f"reopen-{ticket['id']}"
    at = page(PAGE).run()
    at.button(key=f"{key}-go").click().run()
    assert "Reden is verplicht." in texts(at.error)
    assert counts(office) == before
    at.text_area(key=f"{key}-note").input("Storing is terug")
    at.button(key=f"{key}-go").click().run()
    assert at.success[0].value == "Heropend bij Nemesys."
    assert office.ticket(ticket["id"])["status"] == Ticket.ORDERED


def test_closed_order_can_be_reopened(office):
    """Test that a closed order is listed below and can be reopened with a reason."""
    ticket = resolved(office)
    services.close(office.desk(), ticket)
    at = page(PAGE).run()
    at.text_area(key=f"reopen-{ticket['id']}-note").input("Toch niet opgelost")
    at.button(key=f"reopen-{ticket['id']}-go").click().run()
    assert not at.exception
    assert office.ticket(ticket["id"])["status"] == Ticket.ORDERED


def test_quote_pending_shows_it_waits_on_the_directie(office):
    """Test that an order with a quote at the directie says so and offers no step."""
    ticket = confirmed(office)
    billing.register_quote(
        office.desk(), ticket, office.order(ticket["id"]), {"amount": "500,00", "reference": "O-1"}
    )
    at = page(PAGE).run()
    assert "Wacht op het besluit van de directie over de offerte (pagina Offertes)." in texts(
        at.info
    )
    assert not [b for b in at.button if b.key and ticket["id"] in b.key]


def test_timeline_shows_each_step(office):
    """Test that the ticket's timeline lists the order step with its actor."""
    ordered(office)
    at = page(PAGE).run()
    lines = " ".join(texts(at.markdown))
    assert "Opdracht aan Nemesys gegeven · Nathalie (Manager Algemene Zaken)" in lines


def test_confirmation_by_someone_else_meanwhile_is_not_overwritten(office):
    """Test that confirming a ticket another MAZ confirmed meanwhile warns and shows theirs."""
    ticket = ordered(office)
    key = f"confirm-{ticket['id']}"
    at = page(PAGE).run()
    services.confirm_order(office.desk(MAZ), ticket, office.order(ticket["id"]), reference="NEM-A")
    at.text_input(key=f"{key}-ref").input("NEM-B")
    at.button(key=f"{key}-go").click().run()
    assert not at.exception
    assert "Iemand anders heeft dit intussen gewijzigd." in at.warning[0].value
    assert office.order(ticket["id"])["nemesys_reference"] == "NEM-A"
    assert "Referentie Nemesys: NEM-A" in texts(at.text)
    assert f"resolve-{ticket['id']}-go" in [b.key for b in at.button]


@pytest.mark.parametrize("role", ["medewerker", "unitmanager", "directie", "financien"])
def test_only_the_maz_uses_the_page(office, role):
    """Test that other roles get a Dutch message and no order or button."""
    ordered(office)
    at = page(PAGE, role=role).run()
    assert not at.exception
    assert texts(at.info) == ["Deze pagina is voor de Manager Algemene Zaken."]
    assert not at.main.button and not at.main.text_input
