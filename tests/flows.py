"""A small driver for whole procedures in tests: one office, a clock, the actors.

Used by the service tests and the property tests on both drivers; the demo data
(lib/demo.py) walks the same use cases.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from lib import billing, demo, services
from lib.procedure import Actor, Role
from lib.repository import Repository
from lib.snapshot import Snapshot
from lib.workdays import AMSTERDAM

MAZ = Actor("Nathalie", Role.MAZ)
STAFF = Actor("Ruben", Role.STAFF)
DIRECTIE = Actor("Stefanie", Role.DIRECTIE)
FINANCE = Actor("Femke", Role.FINANCE)
UNIT_MANAGER = Actor("Sanne", Role.UNIT_MANAGER, email="sanne@kivido.example")

LOCATION = "demo-zonnebloem"


def report_form(**overrides) -> dict:
    form = {
        "reporter_name": "Ruben de Groot",
        "reporter_email": "ruben@kivido.example",
        "reporter_role": "medewerker",
        "location_id": LOCATION,
        "category": "telefonie",
        "blocks_office_work": True,
        "description": "Geen kiestoon op alle toestellen.",
        "contact_info": "06-12345678",
    }
    form.update(overrides)
    return form


class Office:
    """A repository with the reference data, a settable clock and desks per actor."""

    def __init__(self, repo: Repository, start: datetime | None = None):
        self.repo = repo
        self.at = start or datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)  # a Monday
        demo.seed_reference_data(repo)

    def clock(self) -> datetime:
        return self.at

    def later(self, **delta) -> None:
        self.at += timedelta(**delta)

    def desk(self, actor: Actor = MAZ) -> services.Desk:
        return services.Desk(repo=self.repo, actor=actor, clock=self.clock)

    def snap(self) -> Snapshot:
        return Snapshot(self.repo.read_all())

    def ticket(self, ticket_id: str) -> dict:
        return self.repo.get("tickets", ticket_id)

    def submit(self, **overrides) -> dict:
        return services.submit_report(
            self.desk(STAFF), self.snap(), report_form(**overrides), submission_id=uuid.uuid4().hex
        )

    def triage(self, ticket: dict, *, urgent: bool, reason: str = "Beoordeeld") -> dict:
        """The MAZ triages the ticket as it is now; returns the fresh ticket."""
        services.triage(
            self.desk(), self.snap(), self.ticket(ticket["id"]), urgent=urgent, reason=reason
        )
        return self.ticket(ticket["id"])

    def waiting(self, **form) -> dict:
        """A not-urgent report, triaged now: its check falls on the next working day."""
        form = {"category": "printen", "blocks_office_work": False, **form}
        return self.triage(self.submit(**form), urgent=False, reason="Kan wachten")

    def follow_up(self, ticket: dict, *, solved: bool, notes: str = "Melder gebeld") -> dict:
        services.follow_up(
            self.desk(), self.snap(), self.ticket(ticket["id"]), solved=solved, notes=notes
        )
        return self.ticket(ticket["id"])

    def order(self, ticket_id: str) -> dict:
        return self.snap().order_for(ticket_id)

    def quote_waiting(
        self, ticket: dict, *, amount: str = "450,00", reference: str = "OFF-1", order="NEM-1"
    ) -> None:
        """Nemesys confirms the urgent ticket's order and sends a quote for the directie."""
        services.confirm_order(
            self.desk(), self.ticket(ticket["id"]), self.order(ticket["id"]), reference=order
        )
        billing.register_quote(
            self.desk(),
            self.ticket(ticket["id"]),
            self.order(ticket["id"]),
            {"amount": amount, "reference": reference},
        )

    def urgent_until_closed(self, ticket: dict, *, quote: str | None = None) -> None:
        services.triage(
            self.desk(),
            self.snap(),
            self.ticket(ticket["id"]),
            urgent=True,
            reason="Kantoor ligt stil",
        )
        self.later(minutes=30)
        services.confirm_order(
            self.desk(), self.ticket(ticket["id"]), self.order(ticket["id"]), reference="NEM-1"
        )
        if quote:
            billing.register_quote(
                self.desk(),
                self.ticket(ticket["id"]),
                self.order(ticket["id"]),
                {"amount": quote, "reference": "OFF-1"},
            )
            q = self.snap().quotes_for(ticket["id"])[-1]
            billing.decide_quote(
                self.desk(DIRECTIE), self.ticket(ticket["id"]), q, approve=True, note="Akkoord"
            )
        self.later(hours=3)
        services.resolve(self.desk(), self.ticket(ticket["id"]))
        services.close(self.desk(), self.ticket(ticket["id"]))

    def invoice(
        self,
        ticket_id: str,
        number: str = "F-1",
        excl: str = "100,00",
        incl: str = "121,00",
        **extra,
    ) -> dict:
        form = {
            "number": number,
            "invoice_date": "01-12-2026",
            "amount_excl": excl,
            "amount_incl": incl,
            "order_ids": [self.order(ticket_id)["id"]],
            **extra,
        }
        billing.register_invoice(self.desk(FINANCE), self.snap(), form)
        return next(i for i in self.snap().rows("invoices") if i["number"] == number)
