"""AppTest: the Facturen page (2.1 step 9) on the embedded store."""

import pytest
import streamlit as st

from lib import billing
from lib.procedure import Invoice
from tests.app_checks import counts
from tests.apptest_support import app_store, page  # noqa: F401
from tests.flows import FINANCE, MAZ, Office

PAGE = "pages/facturen.py"
LABEL = "KIV-2026-0001 · Kinderopvang De Zonnebloem (demo)"


@pytest.fixture
def office(app_store):  # noqa: F811
    """An office with one closed order whose € 1.000,00 quote the directie approved."""
    office = Office(app_store)
    ticket = office.submit()
    office.urgent_until_closed(ticket, quote="1.000,00")
    office.ticket_id = ticket["id"]
    return office


def values(elements) -> list[str]:
    return [e.value for e in elements]


def another_visit(role: str):
    """The page as someone else opens it later, past the short read cache."""
    st.cache_data.clear()
    return page(PAGE, role=role).run()


def invoice_row(office: Office, number: str) -> dict:
    return next(i for i in office.snap().rows("invoices") if i["number"] == number)


def register(at, office: Office, *, orders=None, kind="factuur", corrects=None, **fields):
    """Fill in the registration form as finance would, and submit it."""
    k = f"invoice-register-{at.session_state['invoice-submission']}"
    typed = {
        "number": "F-2026-1",
        "invoice_date": "01-12-2026",
        "amount_excl": "1.000,00",
        "amount_incl": "1.210,00",
        "document_url": "https://nemesys.example/f1",
        **fields,
    }
    at.radio(key=f"{k}-kind").set_value(kind)
    for field, value in typed.items():
        at.text_input(key=f"{k}-{field}").input(value)
    chosen = [office.order(office.ticket_id)["id"]] if orders is None else orders
    at.multiselect(key=f"{k}-order_ids").set_value(chosen)
    if corrects:
        at.selectbox(key=f"{k}-corrects_invoice_id").set_value(corrects)
    return at.button(key=f"{k}-go").click().run()


def test_finance_registers_an_invoice_and_the_form_starts_afresh(office):
    """Test that an invoice typed the Dutch way is stored in cents for the chosen order."""
    at = page(PAGE, role="financien").run()
    first_form = at.session_state["invoice-submission"]
    assert at.multiselect(key=f"invoice-register-{first_form}-order_ids").options == [LABEL]
    at = register(at, office)
    assert not at.exception
    assert values(at.success) == ["Factuur F-2026-1 geregistreerd; de MAZ controleert."]
    row = invoice_row(office, "F-2026-1")
    assert (row["amount_excl_cents"], row["amount_incl_cents"]) == (100_000, 121_000)
    assert (row["invoice_date"], row["status"]) == ("2026-12-01", Invoice.RECEIVED)
    assert row["order_ids"] == office.order(office.ticket_id)["id"]
    assert at.session_state["invoice-submission"] != first_form
    assert "Volgende stap: Factuur goedgekeurd (door Manager Algemene Zaken)." in values(at.caption)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount_excl": "12,3,4"}, "Bedrag excl. btw '12,3,4' is geen geldig bedrag; schrijf bijvoorbeeld 1.234,56."),
        ({"amount_excl": "-100,00"}, "Bedrag excl. btw mag niet negatief zijn."),
        ({"amount_incl": "900,00"}, "Het bedrag incl. btw kan niet lager zijn dan excl. btw."),
        ({"invoice_date": "31-02-2026"}, "Factuurdatum '31-02-2026' is geen geldige datum; gebruik dd-mm-jjjj."),
        ({"number": ""}, "Factuurnummer is verplicht."),
        ({"number": "F" * 50_000}, "Factuurnummer is te lang (50.000 tekens, maximaal 200)."),
        ({"number": "F-\x1b[31m"}, "Factuurnummer bevat onzichtbare stuurtekens; typ de tekst opnieuw."),
        ({"orders": []}, "Kies de opdracht(en) waar deze factuur voor is."),
    ],
)  # fmt: skip
def test_bad_invoice_input_is_refused_beside_the_field(office, fields, message):
    """Test that bad amounts, dates, numbers or no order get a Dutch message and write nothing."""
    before = counts(office)
    at = register(page(PAGE, role="financien").run(), office, **fields)
    assert not at.exception
    assert message in values(at.error)
    assert counts(office) == before


def test_an_invoice_number_is_registered_once(office):
    """Test that a number already registered is refused."""
    office.invoice(office.ticket_id, number="F-2026-1")
    before = counts(office)
    at = register(page(PAGE, role="financien").run(), office)
    assert "Factuurnummer F-2026-1 is al geregistreerd." in values(at.error)
    assert counts(office) == before


def test_the_same_submission_twice_registers_one_invoice(office):
    """Test that a double click (same submission id) registers one invoice without an error."""
    form = {"number": "F-9", "invoice_date": "01-12-2026", "amount_excl": "10,00",
            "amount_incl": "12,10", "order_ids": [office.order(office.ticket_id)["id"]]}  # fmt: skip
    for _ in range(2):
        billing.register_invoice(office.desk(FINANCE), office.snap(), form, invoice_id="sub-1")
    assert [i["id"] for i in office.snap().rows("invoices")] == ["sub-1"]
    assert sum(e["entity_id"] == "sub-1" for e in office.snap().rows("events")) == 1


def test_a_credit_note_may_be_negative(office):
    """Test that a credit note takes negative amounts."""
    at = register(
        page(PAGE, role="financien").run(),
        office,
        kind="creditnota",
        number="C-1",
        amount_excl="-100,00",
        amount_incl="-121,00",
    )
    assert values(at.success) == ["Creditnota C-1 geregistreerd; de MAZ controleert."]
    assert invoice_row(office, "C-1")["amount_excl_cents"] == -10_000


def test_maz_sees_the_approved_quote_beside_the_invoice_and_the_deviation(office):
    """Test that € 1.200 against a € 1.000 quote shows both amounts and is flagged."""
    office.invoice(office.ticket_id, number="F-1", excl="1.200,00", incl="1.452,00")
    office.invoice(office.ticket_id, number="F-2", excl="1.005,00", incl="1.216,05")
    at = page(PAGE).run()
    assert not at.exception
    metrics = {(m.label, m.value) for m in at.metric}
    assert ("Goedgekeurde offerte", "€\xa01.000,00") in metrics
    assert ("Verschil", "€\xa0200,00") in metrics
    assert values(at.warning) == ["Afwijking: €\xa0200,00 hoger dan de goedgekeurde offerte."]
    assert "In lijn met de goedgekeurde offerte." in values(at.caption)


def test_approve_then_finance_pays_with_a_date(office):
    """Test that the MAZ approves and finance records the payment date."""
    invoice = office.invoice(office.ticket_id, number="F-1")
    key = f"invoice-{invoice['id']}"
    at = page(PAGE).run()
    at.button(key=f"{key}-approve").click().run()
    assert values(at.success) == ["Factuur goedgekeurd; financiën kan betalen."]
    assert invoice_row(office, "F-1")["status"] == Invoice.APPROVED
    at = another_visit("financien")
    at.text_input(key=f"{key}-paid_on").input("05-12-2026")
    at.button(key=f"{key}-pay").click().run()
    assert values(at.success) == ["Betaling vastgelegd."]
    row = invoice_row(office, "F-1")
    assert (row["status"], row["paid_on"]) == (Invoice.PAID, "2026-12-05")
    assert at.dataframe[0].value.loc[0, "Betaald op"] == "05-12-2026"


def test_payment_with_an_invalid_date_is_refused(office):
    """Test that an impossible payment date gets a Dutch message and nothing is paid."""
    invoice = office.invoice(office.ticket_id, number="F-1")
    billing.check_invoice(office.desk(MAZ), invoice, approve=True)
    key = f"invoice-{invoice['id']}"
    before = counts(office)
    at = page(PAGE, role="financien").run()
    at.text_input(key=f"{key}-paid_on").input("32-12-2026")
    at.button(key=f"{key}-pay").click().run()
    assert "Betaaldatum '32-12-2026' is geen geldige datum; gebruik dd-mm-jjjj." in values(at.error)
    assert counts(office) == before
    assert invoice_row(office, "F-1")["status"] == Invoice.APPROVED


def test_reject_contact_nemesys_then_corrected_invoice(office):
    """Test that a rejection needs a reason, the contact is recorded, a correction replaces it."""
    invoice = office.invoice(office.ticket_id, number="F-1", excl="1.500,00", incl="1.815,00")
    key = f"invoice-{invoice['id']}"
    before = counts(office)
    at = page(PAGE).run()
    at.button(key=f"{key}-reject").click().run()
    assert "Reden van afkeuring is verplicht." in values(at.error)
    assert counts(office) == before
    at.text_area(key=f"{key}-reason").input("€ 500 boven de offerte")
    at.button(key=f"{key}-reject").click().run()
    assert invoice_row(office, "F-1")["status"] == Invoice.REJECTED
    at.button(key=f"{key}-contact_nemesys").click().run()
    assert "Verslag contact met Nemesys is verplicht." in values(at.error)
    at.text_area(key=f"{key}-note").input("Gebeld met Nemesys; zij sturen een nieuwe factuur")
    at.button(key=f"{key}-contact_nemesys").click().run()
    assert invoice_row(office, "F-1")["status"] == Invoice.NEMESYS_CONTACTED
    at = register(another_visit("financien"), office, number="F-1b", corrects=invoice["id"])
    assert not at.exception
    assert invoice_row(office, "F-1")["status"] == Invoice.SUPERSEDED
    corrected = invoice_row(office, "F-1b")
    assert (corrected["status"], corrected["corrects_invoice_id"]) == ("ontvangen", invoice["id"])
    assert "Corrigeert factuur F\\-1." in values(at.caption)


def test_finance_cannot_check_invoices(office):
    """Test that finance sees the next step but no approve or reject button."""
    invoice = office.invoice(office.ticket_id, number="F-1")
    at = page(PAGE, role="financien").run()
    assert "Volgende stap: Factuur goedgekeurd (door Manager Algemene Zaken)." in values(at.caption)
    assert not [b for b in at.button if b.key and invoice["id"] in b.key]


def test_checked_by_someone_else_meanwhile_is_not_overwritten(office):
    """Test that rejecting an invoice another MAZ approved meanwhile warns and keeps theirs."""
    invoice = office.invoice(office.ticket_id, number="F-1")
    key = f"invoice-{invoice['id']}"
    at = page(PAGE).run()
    billing.check_invoice(office.desk(MAZ), invoice, approve=True)
    at.text_area(key=f"{key}-reason").input("Te hoog")
    at.button(key=f"{key}-reject").click().run()
    assert not at.exception
    assert "Iemand anders heeft dit intussen gewijzigd." in at.warning[0].value
    assert invoice_row(office, "F-1")["status"] == Invoice.APPROVED
    assert any(m.startswith("**Factuur F\\-1** · Goedgekeurd") for m in values(at.markdown))


@pytest.mark.parametrize("role", ["medewerker", "unitmanager", "directie"])
def test_only_finance_and_the_maz_use_the_page(office, role):
    """Test that other roles (e.g. staff) get a Dutch message and no invoice action."""
    office.invoice(office.ticket_id, number="F-1")
    at = page(PAGE, role=role).run()
    assert not at.exception
    assert values(at.info) == ["Deze pagina is voor: Manager Algemene Zaken, Afdeling financiën."]
    assert not at.main.button and not at.main.text_input and not at.metric


def test_the_maz_gets_no_betaald_button_and_finance_does(office):
    """Test 2.1 step 9 'after approval it is paid' by finance: the MAZ is not offered to pay."""
    invoice = office.invoice(office.ticket_id, number="F-1")
    billing.check_invoice(office.desk(MAZ), invoice, approve=True)
    key = f"invoice-{invoice['id']}"
    maz = another_visit("maz")
    assert "Betaald" not in [b.label for b in maz.button]
    assert f"{key}-paid_on" not in [t.key for t in maz.text_input]
    finance = another_visit("financien")
    assert [b.label for b in finance.button if b.key == f"{key}-pay"] == ["Betaald"]
