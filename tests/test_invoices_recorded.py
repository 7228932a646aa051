"""2.1 step 9 as the store must hold them: every field an invoice, its events and mails record, and every refusal, field by field.

Written against mutation survivors of lib/billing.py (`make mutate
MODULES=billing`): each test pins a fact of the procedure that a one-line change
used to slip past. The embedded store only: these are the rules, not the drivers
(tests/test_services.py runs the same use cases on every driver).
"""

from __future__ import annotations

import pytest

from lib import billing
from lib.procedure import IllegalTransition, Role
from lib.validation import ValidationError
from tests.flows import FINANCE, MAZ, UNIT_MANAGER, Office
from tests.recorded_support import (
    CLOSED_AT,
    closed,
    communication_task,
    counts,
    events_of,
    invoice_form,
    mails,
    registered,
)


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo)


# --- 2.1 step 9: finance registers, the MAZ checks, finance pays ----------------------


def test_a_registered_invoice_records_every_field_and_asks_the_maz_to_check(office):
    ticket = closed(office)
    invoice = registered(office, invoice_form(office, ticket))
    assert {k: invoice[k] for k in invoice if k not in ("id", "version")} == {
        "number": "F-31",
        "kind": "factuur",
        "status": "ontvangen",
        "invoice_date": "2026-12-01",
        "amount_excl_cents": 10000,
        "amount_incl_cents": 12100,
        "order_ids": office.order(ticket["id"])["id"],
        "document_url": "https://docs.example/f-31.pdf",
        "registered_at": CLOSED_AT,
        "checked_at": "",
        "paid_on": "",
        "rejection_reason": "",
        "nemesys_contact_note": "",
        "corrects_invoice_id": "",
    }
    [logged] = events_of(office, "invoice", invoice["id"])
    assert (logged["ticket_id"], logged["action"], logged["from_status"], logged["to_status"]) == (
        "",
        "register",
        "",
        "ontvangen",
    )
    assert (logged["note"], logged["actor_name"], logged["actor_role"]) == (
        "F-31",
        FINANCE.name,
        str(Role.FINANCE),
    )
    [mail] = mails(office, "factuur")
    assert mail["to_address"] == "maz@kivido.example" and mail["ticket_id"] == ticket["id"]
    assert ticket["number"] in mail["subject"] and "F-31" in mail["subject"]
    assert "100,00" in mail["body"] and "121,00" in mail["body"] and "01-12-2026" in mail["body"]


def test_an_invoice_for_several_orders_names_every_report(office):
    first, second = closed(office), closed(office)
    orders = [office.order(first["id"])["id"], office.order(second["id"])["id"]]
    invoice = registered(office, invoice_form(office, first, order_ids=[*orders, "nonexistent"]))
    assert invoice["order_ids"] == ",".join(orders)
    [mail] = mails(office, "factuur")
    assert f"{first['number']}, {second['number']}" in mail["subject"]


def test_the_same_submission_twice_registers_one_invoice(office):
    """A double click: the page passes its submission id, the second is not a duplicate."""
    ticket = closed(office)
    form = invoice_form(office, ticket)
    registered(office, form, invoice_id="sub-1")
    before = counts(office)
    billing.register_invoice(office.desk(FINANCE), office.snap(), form, invoice_id="sub-1")
    assert counts(office) == before
    assert [e["id"] for e in events_of(office, "invoice", "sub-1")] == ["sub-1-register"]


def test_a_number_already_registered_is_refused_however_it_is_typed(office):
    ticket = closed(office)
    registered(office, invoice_form(office, ticket))
    before = counts(office)
    with pytest.raises(ValidationError) as refused:
        registered(office, invoice_form(office, ticket, number=" f-31 "))
    assert list(refused.value.errors) == ["number"]
    assert "al geregistreerd" in refused.value.errors["number"]
    assert counts(office) == before


@pytest.mark.parametrize(
    "extra, field, label",
    [
        ({"number": ""}, "number", "Factuurnummer"),
        ({"invoice_date": "31-02-2026"}, "invoice_date", "Factuurdatum"),
        ({"amount_excl": "-100,00"}, "amount_excl", "Bedrag excl. btw"),
        ({"amount_incl": "-121,00", "amount_excl": "0"}, "amount_incl", "Bedrag incl. btw"),
        ({"document_url": "www.x.nl"}, "document_url", "Link naar document"),
        ({"order_ids": []}, "order_ids", "Kies de opdracht"),
        ({"order_ids": ["nonexistent"]}, "order_ids", "Kies de opdracht"),
        ({"amount_incl": "99,99"}, "amount_incl", "Het bedrag incl. btw"),
    ],
)
def test_an_invoice_with_a_bad_field_is_refused_naming_that_field(office, extra, field, label):
    ticket = closed(office)
    before = counts(office)
    with pytest.raises(ValidationError) as refused:
        registered(office, invoice_form(office, ticket, **extra))
    assert list(refused.value.errors) == [field]
    assert refused.value.errors[field].startswith(label)
    assert counts(office) == before


def test_an_invoice_without_vat_is_accepted(office):
    """Incl. equal to excl. (0% btw) is not lower, so it is not refused."""
    ticket = closed(office)
    invoice = registered(office, invoice_form(office, ticket, amount_incl="100,00"))
    assert invoice["amount_incl_cents"] == invoice["amount_excl_cents"] == 10000


def test_a_credit_note_may_be_negative_and_supersedes_the_rejected_invoice(office):
    ticket = closed(office)
    wrong = registered(office, invoice_form(office, ticket))
    billing.check_invoice(office.desk(MAZ), wrong, approve=False, reason="Dubbel berekend")
    rejected = office.repo.get("invoices", wrong["id"])
    billing.record_nemesys_contact(office.desk(MAZ), rejected, "Creditnota volgt")
    credit = registered(
        office,
        invoice_form(
            office,
            ticket,
            number="C-1",
            kind="creditnota",
            amount_excl="-100,00",
            amount_incl="-121,00",
            corrects_invoice_id=wrong["id"],
        ),
    )
    assert (credit["kind"], credit["amount_excl_cents"], credit["amount_incl_cents"]) == (
        "creditnota",
        -10000,
        -12100,
    )
    assert credit["corrects_invoice_id"] == wrong["id"]
    old = office.repo.get("invoices", wrong["id"])
    assert old["status"] == "vervangen"
    superseded = events_of(office, "invoice", wrong["id"])[-1]
    assert (superseded["action"], superseded["from_status"], superseded["to_status"]) == (
        "supersede",
        "nemesys_benaderd",
        "vervangen",
    )
    assert "C-1" in superseded["note"] and superseded["ticket_id"] == ""
    with pytest.raises(ValidationError) as refused:
        registered(office, invoice_form(office, ticket, number="C-2", amount_incl="-1,00"))
    assert "negatief" in refused.value.errors["amount_incl"]


def test_the_maz_approval_is_dated_and_sends_nothing_to_nemesys(office):
    ticket = closed(office)
    invoice = registered(office, invoice_form(office, ticket))
    office.later(days=1)
    billing.check_invoice(office.desk(MAZ), invoice, approve=True)
    checked = office.repo.get("invoices", invoice["id"])
    assert (checked["status"], checked["checked_at"], checked["rejection_reason"]) == (
        "goedgekeurd",
        "2026-11-24T13:30:00+01:00",
        "",
    )
    logged = events_of(office, "invoice", invoice["id"])[-1]
    assert (logged["action"], logged["from_status"], logged["to_status"], logged["at"]) == (
        "approve",
        "ontvangen",
        "goedgekeurd",
        "2026-11-24T13:30:00+01:00",
    )
    assert (logged["actor_name"], logged["actor_role"]) == (MAZ.name, str(Role.MAZ))
    assert mails(office, "factuur_afgekeurd") == []


def test_a_rejection_needs_a_reason_which_goes_to_nemesys_by_mail(office):
    ticket = closed(office)
    invoice = registered(office, invoice_form(office, ticket))
    before = counts(office)
    with pytest.raises(ValidationError) as refused:
        billing.check_invoice(office.desk(MAZ), invoice, approve=False, reason=" ")
    assert refused.value.errors["reason"].startswith("Reden van afkeuring")
    assert counts(office) == before
    reason = "Uren dubbel gerekend.\n" + "Zie regel 3. " * 100
    billing.check_invoice(office.desk(MAZ), invoice, approve=False, reason=reason)
    rejected = office.repo.get("invoices", invoice["id"])
    assert (rejected["status"], rejected["rejection_reason"]) == ("afgekeurd", reason.strip())
    assert rejected["checked_at"] == CLOSED_AT
    assert events_of(office, "invoice", invoice["id"])[-1]["note"] == reason.strip()
    [mail] = mails(office, "factuur_afgekeurd")
    assert mail["to_address"] == "support@nemesys.nl" and mail["ticket_id"] == ticket["id"]
    assert "Uren dubbel gerekend." in mail["body"] and "F-31" in mail["subject"]
    assert ticket["number"] in mail["subject"]


def test_a_rejection_reads_the_store_when_the_page_passes_no_snapshot(office):
    ticket = closed(office)
    invoice = registered(office, invoice_form(office, ticket))
    billing.check_invoice(
        office.desk(MAZ), invoice, approve=False, reason="Fout", snapshot=office.snap()
    )
    [mail] = mails(office, "factuur_afgekeurd")
    assert ticket["number"] in mail["subject"]


def test_payment_records_the_day_paid_and_only_after_approval(office):
    ticket = closed(office)
    invoice = registered(office, invoice_form(office, ticket))
    with pytest.raises(IllegalTransition):
        billing.pay_invoice(office.desk(FINANCE), invoice, "05-12-2026")
    billing.check_invoice(office.desk(MAZ), invoice, approve=True)
    approved = office.repo.get("invoices", invoice["id"])
    before = counts(office)
    with pytest.raises(ValidationError) as refused:
        billing.pay_invoice(office.desk(FINANCE), approved, "5 december")
    assert refused.value.errors["paid_on"].startswith("Betaaldatum")
    assert counts(office) == before
    billing.pay_invoice(office.desk(FINANCE), approved, "05-12-2026")
    paid = office.repo.get("invoices", invoice["id"])
    assert (paid["status"], paid["paid_on"]) == ("betaald", "2026-12-05")
    logged = events_of(office, "invoice", invoice["id"])[-1]
    assert (logged["action"], logged["from_status"], logged["to_status"], logged["note"]) == (
        "pay",
        "goedgekeurd",
        "betaald",
        "",
    )


def test_the_contact_with_nemesys_after_a_rejection_is_recorded(office):
    ticket = closed(office)
    invoice = registered(office, invoice_form(office, ticket))
    billing.check_invoice(office.desk(MAZ), invoice, approve=False, reason="Te hoog")
    rejected = office.repo.get("invoices", invoice["id"])
    with pytest.raises(ValidationError) as refused:
        billing.record_nemesys_contact(office.desk(MAZ), rejected, "x" * 5001)
    assert refused.value.errors["note"].startswith("Verslag contact met Nemesys")
    note = "Gebeld met Nemesys.\nNieuwe factuur volgt. " + "x" * 300
    billing.record_nemesys_contact(office.desk(MAZ), rejected, note)
    contacted = office.repo.get("invoices", invoice["id"])
    assert (contacted["status"], contacted["nemesys_contact_note"]) == ("nemesys_benaderd", note)
    logged = events_of(office, "invoice", invoice["id"])[-1]
    assert (logged["action"], logged["from_status"], logged["note"]) == (
        "contact_nemesys",
        "afgekeurd",
        note,
    )


# --- second round: survivors of the first recheck --------------------------------------


def test_a_duplicate_number_is_named_together_with_the_other_errors(office):
    """Every problem at once: the duplicate is found before anything is written."""
    ticket = closed(office)
    registered(office, invoice_form(office, ticket))
    with pytest.raises(ValidationError) as refused:
        registered(office, invoice_form(office, ticket, number="F-31", amount_excl="abc"))
    assert set(refused.value.errors) == {"number", "amount_excl"}
    assert refused.value.errors["number"] == "Factuurnummer F-31 is al geregistreerd."


def test_every_invoice_registered_without_a_submission_id_has_its_own_event(office):
    ticket = closed(office)
    first = registered(office, invoice_form(office, ticket, number="F-1"))
    second = registered(office, invoice_form(office, ticket, number="F-2"))
    for invoice in (first, second):
        [logged] = events_of(office, "invoice", invoice["id"])
        assert logged["action"] == "register" and logged["note"] == invoice["number"]
    assert len(mails(office, "factuur")) == 2


def test_an_approval_without_a_reason_logs_no_note(office):
    ticket = closed(office)
    invoice = registered(office, invoice_form(office, ticket))
    billing.check_invoice(office.desk(MAZ), invoice, approve=True)
    assert events_of(office, "invoice", invoice["id"])[-1]["note"] == ""
    assert office.repo.get("invoices", invoice["id"])["rejection_reason"] == ""


def test_completing_without_a_note_logs_no_note_and_a_bad_note_names_the_field(office):
    task = communication_task(office)
    with pytest.raises(ValidationError) as refused:
        billing.complete_communication(office.desk(UNIT_MANAGER), task, "x" * 5001)
    assert list(refused.value.errors) == ["note"]
    assert refused.value.errors["note"].startswith("Toelichting is te lang")
    billing.complete_communication(office.desk(UNIT_MANAGER), task)
    assert events_of(office, "communication", task["id"])[-1]["note"] == ""
