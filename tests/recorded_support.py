"""Shared helpers of the "recorded" tests: the procedure's steps as the store must hold
them (tests/test_*_recorded.py), written against mutation survivors.
"""

from __future__ import annotations

from lib import billing, services
from tests.app_checks import counts  # noqa: F401  (re-exported for the tests)
from tests.flows import FINANCE, Office

NOW = "2026-11-23T10:00:00+01:00"  # Office's Monday clock, as the store writes it
CLOSED_AT = "2026-11-23T13:30:00+01:00"  # after Office.urgent_until_closed (30 min + 3 h)


def confirmed(office: Office) -> dict:
    """A report ordered at Nemesys and confirmed (2.1 steps 3-4): a quote may come."""
    ticket = office.triage(office.submit(), urgent=True, reason="Kantoor ligt stil")
    services.confirm_order(office.desk(), ticket, office.order(ticket["id"]), reference="NEM-7")
    return office.ticket(ticket["id"])


def events_of(office: Office, entity: str, entity_id: str) -> list[dict]:
    return [
        e
        for e in office.repo.read(["events"])["events"]
        if e["entity"] == entity and e["entity_id"] == entity_id
    ]


def mails(office: Office, kind: str) -> list[dict]:
    return [m for m in office.repo.read(["messages"])["messages"] if m["kind"] == kind]


def closed(office: Office) -> dict:
    ticket = office.submit()
    office.urgent_until_closed(ticket)
    return office.ticket(ticket["id"])


def invoice_form(office: Office, ticket: dict, **extra) -> dict:
    return {
        "number": "F-31",
        "invoice_date": "01-12-2026",
        "amount_excl": "100,00",
        "amount_incl": "121,00",
        "order_ids": [office.order(ticket["id"])["id"]],
        "document_url": "https://docs.example/f-31.pdf",
        **extra,
    }


def registered(office: Office, form: dict, invoice_id: str = "") -> dict:
    billing.register_invoice(office.desk(FINANCE), office.snap(), form, invoice_id=invoice_id)
    return next(i for i in office.snap().rows("invoices") if i["number"] == form["number"])


def communication_task(office: Office) -> dict:
    ticket = office.submit(category="telefonie")
    office.triage(ticket, urgent=True, reason="Geen telefoon")
    return office.snap().communication_task(ticket["id"])


def rows(office: Office, table: str, **match) -> list[dict]:
    found = office.repo.read([table])[table]
    return [r for r in found if all(r[k] == v for k, v in match.items())]


def events(office: Office, ticket: dict) -> list[dict]:
    return [e for e in office.snap().timeline(ticket["id"]) if e["entity"] == "ticket"]
