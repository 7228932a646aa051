"""2.1 step 7 as the store must hold them: every field a quote, its events and the directie's mail record, and every refusal, field by field.

Written against mutation survivors of lib/billing.py (`make mutate
MODULES=billing`): each test pins a fact of the procedure that a one-line change
used to slip past. The embedded store only: these are the rules, not the drivers
(tests/test_services.py runs the same use cases on every driver).
"""

from __future__ import annotations

import pytest

from lib import billing
from lib.procedure import Role, Ticket
from lib.validation import ValidationError
from tests.flows import DIRECTIE, MAZ, Office
from tests.recorded_support import (
    NOW,
    confirmed,
    counts,
    events_of,
    mails,
)


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo)


# --- 2.1 step 7: the quote goes to the directie ---------------------------------------


def register(office: Office, ticket: dict, **form) -> dict:
    form = {"amount": "1.250,00", "reference": "OFF-7", **form}
    billing.register_quote(office.desk(), ticket, office.order(ticket["id"]), form)
    return office.snap().quotes_for(ticket["id"])[-1]


def test_a_registered_quote_records_what_nemesys_sent_and_waits_for_the_directie(office):
    ticket = confirmed(office)
    quote = register(office, ticket, document_url="https://docs.example/off-7.pdf")
    assert {k: quote[k] for k in quote if k not in ("id", "version")} | {"id": "-"} == {
        "id": "-",
        "order_id": office.order(ticket["id"])["id"],
        "ticket_id": ticket["id"],
        "status": "ontvangen",
        "amount_cents": 125000,
        "reference": "OFF-7",
        "document_url": "https://docs.example/off-7.pdf",
        "received_at": NOW,
        "decided_at": "",
        "decided_by": "",
        "decision_note": "",
    }
    [logged] = events_of(office, "quote", quote["id"])
    assert (logged["ticket_id"], logged["action"], logged["from_status"]) == (
        ticket["id"],
        "register",
        "",
    )
    assert (logged["to_status"], logged["note"], logged["at"]) == ("ontvangen", "OFF-7", NOW)
    assert (logged["actor_name"], logged["actor_role"]) == (MAZ.name, str(Role.MAZ))
    assert office.ticket(ticket["id"])["status"] == Ticket.QUOTE_PENDING
    # The ticket's own step names the quote, so the reporter's timeline says why it waits.
    [step] = [e for e in office.snap().timeline(ticket["id"]) if e["entity"] == "ticket"][-1:]
    assert step["to_status"] == Ticket.QUOTE_PENDING and "OFF-7" in step["note"]


def test_the_directie_gets_one_mail_with_amount_reference_and_document(office):
    ticket = confirmed(office)
    register(office, ticket, document_url="https://docs.example/off-7.pdf")
    [mail] = mails(office, "offerte")
    assert mail["to_address"] == "directie@kivido.example"
    assert mail["ticket_id"] == ticket["id"] and mail["created_at"] == NOW
    assert "1.250,00" in mail["subject"] and ticket["number"] in mail["subject"]
    for fact in ("OFF-7", "https://docs.example/off-7.pdf", "Zonnebloem"):
        assert fact in mail["body"]


@pytest.mark.parametrize(
    "form, field, label",
    [
        ({"amount": ""}, "amount", "Bedrag"),
        ({"reference": ""}, "reference", "Referentie"),
        ({"document_url": "ftp://x"}, "document_url", "Link naar document"),
    ],
)
def test_a_quote_with_a_bad_field_is_refused_naming_that_field(office, form, field, label):
    ticket = confirmed(office)
    before = counts(office)
    with pytest.raises(ValidationError) as refused:
        register(office, ticket, **form)
    assert list(refused.value.errors) == [field]
    assert refused.value.errors[field].startswith(label)
    assert counts(office) == before


def test_a_quote_above_the_limit_needs_the_amount_confirmed(office):
    """Issue: a big amount (default limit) is asked to be checked before it is written."""
    ticket = confirmed(office)
    before = counts(office)
    with pytest.raises(ValidationError) as refused:
        register(office, ticket, amount="25.000,00")
    assert list(refused.value.errors) == ["confirm_amount"]
    assert "25.000,00" in refused.value.errors["confirm_amount"]
    assert counts(office) == before
    assert register(office, ticket, amount="25.000,00", confirm_amount=True)["amount_cents"] == (
        2_500_000
    )


def test_a_quote_below_the_limit_needs_no_confirmation(office):
    ticket = confirmed(office)
    assert register(office, ticket, amount="10,00")["amount_cents"] == 1000


def test_the_directie_decision_records_who_when_and_why(office):
    ticket = confirmed(office)
    quote = register(office, ticket)
    office.later(hours=2)
    billing.decide_quote(
        office.desk(DIRECTIE), office.ticket(ticket["id"]), quote, approve=True, note=" Prima "
    )
    decided = office.repo.get("quotes", quote["id"])
    at = "2026-11-23T12:00:00+01:00"
    assert (decided["status"], decided["decided_at"], decided["decided_by"]) == (
        "goedgekeurd",
        at,
        DIRECTIE.name,
    )
    assert decided["decision_note"] == "Prima"
    logged = events_of(office, "quote", quote["id"])[-1]
    assert (logged["action"], logged["from_status"], logged["to_status"]) == (
        "approve",
        "ontvangen",
        "goedgekeurd",
    )
    assert (logged["note"], logged["at"], logged["ticket_id"]) == ("Prima", at, ticket["id"])
    assert (logged["actor_name"], logged["actor_role"]) == (DIRECTIE.name, str(Role.DIRECTIE))
    assert office.ticket(ticket["id"])["status"] == Ticket.CONFIRMED
    step = office.snap().timeline(ticket["id"])[-1]
    assert step["entity"] == "ticket" and "Prima" in step["note"]


def test_approving_needs_no_note_but_a_rejection_note_must_be_readable(office):
    ticket = confirmed(office)
    quote = register(office, ticket)
    with pytest.raises(ValidationError) as refused:
        billing.decide_quote(
            office.desk(DIRECTIE), office.ticket(ticket["id"]), quote, approve=False, note="a\x00b"
        )
    assert refused.value.errors["note"].startswith("Toelichting")
    long_note = "Te duur.\n" + "x" * 4000  # several lines, longer than a one-line field
    billing.decide_quote(
        office.desk(DIRECTIE), office.ticket(ticket["id"]), quote, approve=False, note=long_note
    )
    assert office.repo.get("quotes", quote["id"])["decision_note"] == long_note
    other = register(office, office.ticket(ticket["id"]), reference="OFF-8")
    billing.decide_quote(
        office.desk(DIRECTIE), office.ticket(ticket["id"]), other, approve=True, note=""
    )
    assert office.repo.get("quotes", other["id"])["status"] == "goedgekeurd"
