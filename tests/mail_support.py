"""Helpers of the mail tests (issue 8): an office whose names need UTF-8, its mails, delivery.

Used by tests/test_mailer.py and tests/test_mailer_failures.py; the SMTP server
itself is tests/smtp_server.py.
"""

from __future__ import annotations

from collections import Counter

from lib import billing, mailer, services
from lib.procedure import Ticket
from lib.repository import Insert
from tests.flows import MAZ, Office

NEMESYS = "support@nemesys.nl"
REPORTER = "zoe@kivido.example"
UNIT_MANAGER = "anais@kivido.example"
DIRECTIE_ADDRESSES = {"directie@kivido.example", "helene@kivido.example"}  # two people
MAZ_ADDRESS = "maz@kivido.example"  # the MAZ in the people table (demo reference data)

DESCRIPTION = "Geen kiestoon bij de crèche; één toestel piept. Kabel & stekker <los?>"
INVESTIGATION = "Centrale herstart, geen verbetering; kabel naar de patchkast gecontroleerd"
REJECTION = "Eén uur dubbel gerekend; het tarief is € 85,00 per uur, niet € 95,00"


def dutch_office(repo) -> Office:
    """An office with a location and people whose names need UTF-8."""
    office = Office(repo)
    repo.commit(
        [
            Insert(
                "locations",
                {
                    "id": "creche-zoe",
                    "name": "Crèche Zoë",
                    "kind": "locatie",
                    "unit_manager_name": "Anaïs Müller",
                    "unit_manager_email": UNIT_MANAGER,
                    "unit_manager_phone": "06-98765432",
                    "active": True,
                },
            ),
            Insert(
                "users",
                {
                    "id": "directie-2",
                    "name": "Hélène Dubois",
                    "email": "helene@kivido.example",
                    "role": "directie",
                    "active": True,
                },
            ),
        ]
    )
    return office


def submit(office: Office, **form) -> dict:
    form = {
        "reporter_name": "Zoë Verbeeck",
        "reporter_email": REPORTER,
        "location_id": "creche-zoe",
        "description": DESCRIPTION,
        **form,
    }
    return office.submit(**form)


def every_kind_of_mail(office: Office) -> dict:
    """Walk one urgent phone outage so that each kind of mail is queued; return the ticket."""
    ticket = submit(office)
    services.investigate(office.desk(), office.ticket(ticket["id"]), INVESTIGATION)
    office.urgent_until_closed(ticket, quote="1.234,56")
    invoice = office.invoice(ticket["id"], number="F-2026-0042")
    billing.check_invoice(office.desk(MAZ), invoice, approve=False, reason=REJECTION)
    return office.ticket(ticket["id"])


def messages(repo) -> dict[str, dict]:
    """The stored messages by Message-ID."""
    return {m["message_id"]: m for m in repo.read(["messages"])["messages"]}


def deliver(office: Office, settings) -> Counter:
    return mailer.deliver(office.repo, settings, now=office.clock)


def addresses(header) -> set[str]:
    return {a.addr_spec for a in header.addresses}


def plain(text: str) -> str:
    return text.replace("\r\n", "\n")


def seven_bit_or_declared(received) -> bool:
    """8-bit data only after the client declared it (RFC 6152: MAIL FROM ... BODY=8BITMIME)."""
    return max(received.data, default=0) < 128 or "BODY=8BITMIME" in received.mail_options


def ordered(office: Office) -> dict:
    """An urgent report with its order placed: receipt, update and order queued."""
    ticket = office.triage(
        submit(office, category="printen", blocks_office_work=True), urgent=True, reason="Spoed"
    )
    assert ticket["status"] == Ticket.ORDERED
    return ticket


def step_unchanged(office: Office, ticket: dict) -> None:
    """The procedure step is done whatever happened to its mail."""
    now = office.ticket(ticket["id"])
    assert (now["status"], now["version"]) == (ticket["status"], ticket["version"])
    assert office.order(ticket["id"]) is not None
