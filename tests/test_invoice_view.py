"""What the Facturen page offers whom (2.1 step 9): the MAZ checks, finance pays."""

from lib import invoice_view
from lib.procedure import Actor, Role

OFFERED = ("approve", "reject", "pay", "contact_nemesys")


def _invoice(status: str, at: str = "2026-03-02T09:00:00+01:00") -> dict:
    return {"id": status, "status": status, "registered_at": at}


def test_a_received_invoice_is_checked_by_the_maz_only():
    """Test that the MAZ may approve or reject a received invoice; finance may not."""
    received = _invoice("ontvangen")
    maz, finance = Actor("Mia", Role.MAZ), Actor("Fenna", Role.FINANCE)
    assert invoice_view.offered_steps(received, maz, OFFERED) == ["approve", "reject"]
    assert invoice_view.offered_steps(received, finance, OFFERED) == []
    assert any("Manager Algemene Zaken" in line for line in invoice_view.next_steps(received))


def test_an_approved_invoice_is_paid_by_finance():
    """Test that finance pays an approved invoice, and the MAZ is told it is finance's step."""
    approved = _invoice("goedgekeurd")
    finance, maz = Actor("Fenna", Role.FINANCE), Actor("Mia", Role.MAZ)
    assert invoice_view.offered_steps(approved, finance, OFFERED) == ["pay"]
    assert invoice_view.offered_steps(approved, maz, OFFERED) == []
    assert invoice_view.next_steps(approved) == [
        "Volgende stap: Factuur betaald (door Afdeling financiën)."
    ]


def test_paid_and_superseded_invoices_are_settled_the_rest_in_hand():
    """Test that only paid and superseded invoices leave the list in hand."""
    rows = [_invoice(s) for s in ("ontvangen", "betaald", "afgekeurd", "vervangen")]
    assert [i["status"] for i in invoice_view.settled(rows)] == ["betaald", "vervangen"]
    assert [i["status"] for i in invoice_view.in_hand(rows)] == ["ontvangen", "afgekeurd"]


def test_registering_is_finances_step():
    """Test that finance registers invoices (2.1 step 9) and staff do not."""
    assert invoice_view.may_register(Actor("Fenna", Role.FINANCE))
    assert not invoice_view.may_register(Actor("Ruben", Role.STAFF))
