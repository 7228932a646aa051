"""AppTest: the Offertes page (2.1 step 7) on the embedded store."""

import pytest
import streamlit as st

from lib import billing, services
from lib.procedure import Quote, Ticket
from tests.app_checks import counts
from tests.apptest_support import app_store  # noqa: F401
from tests.apptest_support import page as closed_cards_page
from tests.cards_support import open_cards

# The work list's cards draw their forms only when opened: these tests open them first.
from tests.cards_support import page_with_open_cards as page
from tests.flows import DIRECTIE, Office

PAGE = "pages/offertes.py"
FORM = "quote-register"


@pytest.fixture
def office(app_store):  # noqa: F811
    return Office(app_store)


def values(elements) -> list[str]:
    return [e.value for e in elements]


def confirmed(office: Office, **report) -> dict:
    ticket = office.submit(**report)
    services.triage(
        office.desk(), office.snap(), office.ticket(ticket["id"]), urgent=True, reason="Ligt stil"
    )
    services.confirm_order(
        office.desk(), office.ticket(ticket["id"]), office.order(ticket["id"]), reference="NEM-1"
    )
    return office.ticket(ticket["id"])


def with_quote(office: Office) -> tuple[dict, dict]:
    ticket = confirmed(office)
    billing.register_quote(
        office.desk(),
        ticket,
        office.order(ticket["id"]),
        {"amount": "1.234,56", "reference": "OFF-7", "document_url": "https://nemesys.example/o7"},
    )
    return office.ticket(ticket["id"]), office.snap().quotes_for(ticket["id"])[-1]


def fill(at, amount="1.234,56", reference="OFF-7", url="https://nemesys.example/o7"):
    at.text_input(key=f"{FORM}-amount").input(amount)
    at.text_input(key=f"{FORM}-reference").input(reference)
    at.text_input(key=f"{FORM}-document_url").input(url)
    return at.button(key=f"{FORM}-go").click().run()


def test_maz_registers_a_quote_and_the_ticket_waits_on_the_directie(office):
    """Test that a quote typed the Dutch way is stored in cents and the ticket waits."""
    ticket = confirmed(office)
    at = fill(closed_cards_page(PAGE).run())
    assert not at.exception
    assert values(at.success) == [
        f"Offerte geregistreerd bij {ticket['number']}; de directie beslist."
    ]
    at = open_cards(at, number=ticket["number"])  # the new card, as the user opens it
    [quote] = office.snap().quotes_for(ticket["id"])
    assert (quote["amount_cents"], quote["reference"], quote["status"]) == (
        123456,
        "OFF-7",
        Quote.RECEIVED,
    )
    assert quote["document_url"] == "https://nemesys.example/o7"
    assert office.ticket(ticket["id"])["status"] == Ticket.QUOTE_PENDING
    assert "Deze opdracht wacht op het besluit van de directie over de offerte." in values(at.info)
    assert "**€\xa01.234,56**" in " ".join(values(at.markdown))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "amount",
            "12,3,4",
            "Bedrag '12,3,4' is geen geldig bedrag; schrijf bijvoorbeeld 1.234,56.",
        ),
        ("amount", "-50,00", "Bedrag mag niet negatief zijn."),
        ("amount", "", "Bedrag is verplicht."),
        ("reference", "", "Referentie is verplicht."),
        ("reference", "x" * 50_000, "Referentie is te lang (50.000 tekens, maximaal 200)."),
        ("url", "ftp://nemesys/o7", "Link naar document moet beginnen met http:// of https://."),
    ],
)
def test_bad_quote_input_is_refused_beside_the_field(office, field, value, message):
    """Test that bad amounts, references and links get a Dutch message and write nothing."""
    ticket = confirmed(office)
    before = counts(office)
    at = fill(page(PAGE).run(), **{field: value})
    assert not at.exception
    assert message in values(at.error)
    assert counts(office) == before
    assert office.ticket(ticket["id"])["status"] == Ticket.CONFIRMED


def test_only_orders_confirmed_by_nemesys_take_a_quote(office):
    """Test that an order Nemesys has not confirmed is not offered for a quote."""
    ticket = office.submit()
    services.triage(office.desk(), office.snap(), ticket, urgent=True, reason="Ligt stil")
    at = page(PAGE).run()
    assert not at.main.selectbox
    assert "Geen door Nemesys bevestigde opdrachten" in " ".join(values(at.caption))
    ready = confirmed(office)
    st.cache_data.clear()  # a new visit, past the short read cache
    at = page(PAGE).run()
    assert at.selectbox(key=f"{FORM}-ticket").options == [
        ready["number"] + " · " + "Kinderopvang De Zonnebloem (demo)"
    ]


def test_directie_approves_with_a_note(office):
    """Test that the directie approves; the ticket returns to confirmed and the list shows it."""
    ticket, quote = with_quote(office)
    key = f"decide-{quote['id']}"
    at = page(PAGE, role="directie", name="Stefanie").run()
    assert not at.exception
    at.text_area(key=f"{key}-note").input("Akkoord, graag deze week")
    at.button(key=f"{key}-approve").click().run()
    assert values(at.success) == ["Offerte goedgekeurd."]
    [decided] = office.snap().quotes_for(ticket["id"])
    assert (decided["status"], decided["decided_by"]) == (Quote.APPROVED, "Stefanie")
    assert office.ticket(ticket["id"])["status"] == Ticket.CONFIRMED
    table = at.dataframe[0].value
    assert table.loc[0, "Besluit"] == "Goedgekeurd"
    assert table.loc[0, "Toelichting"] == "Akkoord, graag deze week"


def test_rejection_needs_a_note(office):
    """Test that rejecting without a note is refused and with a note is stored."""
    ticket, quote = with_quote(office)
    key = f"decide-{quote['id']}"
    before = counts(office)
    at = page(PAGE, role="directie").run()
    at.button(key=f"{key}-reject").click().run()
    assert "Toelichting is verplicht." in values(at.error)
    assert counts(office) == before
    at.text_area(key=f"{key}-note").input("Te duur")
    at.button(key=f"{key}-reject").click().run()
    assert values(at.success) == ["Offerte afgewezen."]
    assert office.snap().quotes_for(ticket["id"])[0]["status"] == Quote.REJECTED


def test_decision_note_of_50000_characters_is_refused(office):
    """Test that a 50,000-character note is refused in Dutch and nothing is decided."""
    _, quote = with_quote(office)
    key = f"decide-{quote['id']}"
    at = page(PAGE, role="directie").run()
    at.text_area(key=f"{key}-note").input("x" * 50_000)
    at.button(key=f"{key}-approve").click().run()
    assert "Toelichting is te lang (50.000 tekens, maximaal 5.000)." in values(at.error)
    assert office.snap().get("quotes", quote["id"])["status"] == Quote.RECEIVED


def test_maz_sees_the_wait_but_cannot_decide(office):
    """Test that the MAZ sees the quote waiting and gets no decision buttons."""
    _, quote = with_quote(office)
    at = page(PAGE).run()
    assert "Deze opdracht wacht op het besluit van de directie over de offerte." in values(at.info)
    assert not [b for b in at.button if b.key and quote["id"] in b.key]


def test_directie_does_not_register_quotes(office):
    """Test that the directie gets no registration form."""
    confirmed(office)
    at = page(PAGE, role="directie").run()
    assert "Offerte registreren" not in values(at.subheader)
    assert not at.main.text_input


def test_decided_by_someone_else_meanwhile_is_not_overwritten(office):
    """Test that rejecting a quote another director approved meanwhile warns and keeps theirs."""
    ticket, quote = with_quote(office)
    key = f"decide-{quote['id']}"
    at = page(PAGE, role="directie").run()
    billing.decide_quote(office.desk(DIRECTIE), ticket, quote, approve=True, note="Akkoord")
    at.text_area(key=f"{key}-note").input("Te duur")
    at.button(key=f"{key}-reject").click().run()
    assert not at.exception
    assert "Iemand anders heeft dit intussen gewijzigd." in at.warning[0].value
    assert office.snap().get("quotes", quote["id"])["status"] == Quote.APPROVED
    assert at.dataframe[0].value.loc[0, "Besluit"] == "Goedgekeurd"


@pytest.mark.parametrize("role", ["medewerker", "unitmanager", "financien"])
def test_only_maz_and_directie_use_the_page(office, role):
    """Test that other roles get a Dutch message and no quote or form."""
    with_quote(office)
    at = page(PAGE, role=role).run()
    assert not at.exception
    assert values(at.info) == ["Deze pagina is voor: Manager Algemene Zaken, Directie."]
    assert not at.main.button and not at.main.text_input
