"""The access matrix's actions (issue 7): who may take each step, how, and whether it took effect."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lib import accounts, billing, people, services
from lib.procedure import Communication, Invoice, Message, Quote, Role, Ticket
from tests.access_people import DIR, EVERYONE, FIN, MAZ, REGENBOOG, STAFF, VLINDER, ZONNEBLOEM
from tests.access_states import (
    closed,
    confirmed,
    failed_message,
    investigating,
    invoice_approved,
    invoice_contacted,
    invoice_form,
    invoice_received,
    invoice_rejected,
    location_of,
    new,
    nothing,
    ordered,
    queued_message,
    quote_received,
    resolved,
    retried,
    status,
    task_at,
    ticked,
    ticket_status,
    urgent,
    waiting,
)
from tests.flows import Office, report_form


@dataclass(frozen=True)
class ActionRule:
    who: frozenset[Role]  # the roles the procedure gives this step
    prepare: Callable[[Office], dict]  # a state in which the step is allowed
    do: Callable[[Office, services.Desk, dict], object]  # the service call, as a page makes it
    done: Callable[[Office, dict], bool]  # whether it took effect
    location: str = ""  # step 6: also the unit manager of this location


def register_an_invoice(o: Office, d: services.Desk, c: dict) -> object:
    """As Facturen does: for the order in `c`, correcting its rejected invoice if there is one."""
    return billing.register_invoice(d, o.snap(), invoice_form(c), invoice_id="new-invoice")


ACTIONS: dict[str, ActionRule] = {
    # 2.1/2.2 step 1: anyone reports; the MAZ registers a report for a caller.
    "melden": ActionRule(
        EVERYONE,
        nothing,
        lambda o, d, c: services.submit_report(d, o.snap(), report_form(), submission_id="s1"),
        lambda o, c: len(o.snap().rows("tickets")) == 1,
    ),
    "melden namens": ActionRule(
        frozenset({MAZ}),
        nothing,
        lambda o, d, c: services.submit_report(
            d, o.snap(), report_form(), submission_id="s1", on_behalf=True
        ),
        lambda o, c: len(o.snap().rows("tickets")) == 1,
    ),
    # Steps 2-3: the MAZ investigates and triages, and may change her mind.
    "onderzoeken": ActionRule(
        frozenset({MAZ}),
        new,
        lambda o, d, c: services.investigate(d, c["ticket"], "Zelf kijken"),
        ticket_status(Ticket.INVESTIGATING),
    ),
    "onderzoeksnotitie": ActionRule(
        frozenset({MAZ}),
        investigating,
        lambda o, d, c: services.add_investigation_note(d, c["ticket"], "Kabel gecontroleerd"),
        lambda o, c: "Kabel gecontroleerd" in o.ticket(c["ticket"]["id"])["investigation_notes"],
    ),
    "beoordelen urgent": ActionRule(
        frozenset({MAZ}),
        new,
        lambda o, d, c: services.triage(d, o.snap(), c["ticket"], urgent=True, reason="Stil"),
        ticket_status(Ticket.ORDERED),
    ),
    "beoordelen niet urgent": ActionRule(
        frozenset({MAZ}),
        investigating,
        lambda o, d, c: services.triage(d, o.snap(), c["ticket"], urgent=False, reason="Wacht"),
        ticket_status(Ticket.WAITING),
    ),
    "herbeoordelen urgent": ActionRule(
        frozenset({MAZ}),
        waiting,
        lambda o, d, c: services.reclassify(d, o.snap(), c["ticket"], urgent=True, reason="Toch"),
        ticket_status(Ticket.ORDERED),
    ),
    "herbeoordelen niet urgent": ActionRule(
        frozenset({MAZ}),
        urgent,
        lambda o, d, c: services.reclassify(d, o.snap(), c["ticket"], urgent=False, reason="Mee"),
        ticket_status(Ticket.WAITING),
    ),
    # 2.2 steps 3-4: the next-day follow-up.
    "opvolgen opgelost": ActionRule(
        frozenset({MAZ}),
        waiting,
        lambda o, d, c: services.follow_up(d, o.snap(), c["ticket"], solved=True, notes="Gebeld"),
        ticket_status(Ticket.REMOVED),
    ),
    "opvolgen niet opgelost": ActionRule(
        frozenset({MAZ}),
        waiting,
        lambda o, d, c: services.follow_up(d, o.snap(), c["ticket"], solved=False, notes="Nee"),
        ticket_status(Ticket.ORDERED),
    ),
    # Steps 4 and 8: Nemesys confirms; resolved; closed; reopened.
    "bevestiging vastleggen": ActionRule(
        frozenset({MAZ}),
        ordered,
        lambda o, d, c: services.confirm_order(d, c["ticket"], c["order"], reference="NEM-9"),
        ticket_status(Ticket.CONFIRMED),
    ),
    "opgelost": ActionRule(
        frozenset({MAZ}),
        confirmed,
        lambda o, d, c: services.resolve(d, c["ticket"]),
        ticket_status(Ticket.RESOLVED),
    ),
    "afsluiten": ActionRule(
        frozenset({MAZ}),
        resolved,
        lambda o, d, c: services.close(d, c["ticket"]),
        ticket_status(Ticket.CLOSED),
    ),
    "heropenen": ActionRule(
        frozenset({MAZ}),
        closed,
        lambda o, d, c: services.reopen(d, c["ticket"], "Toch niet opgelost"),
        ticket_status(Ticket.ORDERED),
    ),
    # Step 5: the MAZ sends the waiting mails.
    "verzonden": ActionRule(
        frozenset({MAZ}),
        queued_message,
        lambda o, d, c: services.mark_sent(d, c["message"]),
        status("messages", "message", Message.SENT),
    ),
    "opnieuw versturen": ActionRule(
        frozenset({MAZ}),
        failed_message,
        lambda o, d, c: services.retry_message(d, c["message"]),
        retried,
    ),
    # Step 7: the MAZ registers a quote, the directie decides.
    "offerte registreren": ActionRule(
        frozenset({MAZ}),
        confirmed,
        lambda o, d, c: billing.register_quote(
            d, c["ticket"], c["order"], {"amount": "750,00", "reference": "OFF-9"}
        ),
        lambda o, c: len(o.snap().quotes_for(c["ticket"]["id"])) == 1,
    ),
    "offerte goedkeuren": ActionRule(
        frozenset({DIR}),
        quote_received,
        lambda o, d, c: billing.decide_quote(d, c["ticket"], c["quote"], approve=True, note=""),
        status("quotes", "quote", Quote.APPROVED),
    ),
    "offerte afwijzen": ActionRule(
        frozenset({DIR}),
        quote_received,
        lambda o, d, c: billing.decide_quote(d, c["ticket"], c["quote"], approve=False, note="Nee"),
        status("quotes", "quote", Quote.REJECTED),
    ),
    # Step 9: the invoice arrives at finance (the MAZ may register it too), the MAZ
    # checks it, finance pays an approved one, the MAZ contacts Nemesys on a rejected one.
    "factuur registreren": ActionRule(
        frozenset({FIN, MAZ}),
        ordered,
        register_an_invoice,
        lambda o, c: [i["number"] for i in o.snap().rows("invoices")] == ["F-2"],
    ),
    "factuur goedkeuren": ActionRule(
        frozenset({MAZ}),
        invoice_received,
        lambda o, d, c: billing.check_invoice(d, c["invoice"], approve=True),
        status("invoices", "invoice", Invoice.APPROVED),
    ),
    "factuur afkeuren": ActionRule(
        frozenset({MAZ}),
        invoice_received,
        lambda o, d, c: billing.check_invoice(d, c["invoice"], approve=False, reason="Fout"),
        status("invoices", "invoice", Invoice.REJECTED),
    ),
    "factuur betalen": ActionRule(
        frozenset({FIN}),
        invoice_approved,
        lambda o, d, c: billing.pay_invoice(d, c["invoice"], "02-12-2026"),
        status("invoices", "invoice", Invoice.PAID),
    ),
    "nemesys benaderen": ActionRule(
        frozenset({MAZ}),
        invoice_rejected,
        lambda o, d, c: billing.record_nemesys_contact(d, c["invoice"], "Gebeld"),
        status("invoices", "invoice", Invoice.NEMESYS_CONTACTED),
    ),
    "gecorrigeerde factuur registreren": ActionRule(
        frozenset({FIN, MAZ}),
        invoice_contacted,
        register_an_invoice,
        status("invoices", "invoice", Invoice.SUPERSEDED),
    ),
    # Step 6: the unit manager of the location informs parents and staff; the MAZ may too.
    "kanaal aanvinken zonnebloem": ActionRule(
        frozenset({MAZ}),
        task_at(ZONNEBLOEM),
        lambda o, d, c: billing.tick_channel(
            d, c["task"], phase="storing", channel="klasbord", location=location_of(o, c)
        ),
        ticked,
        location=ZONNEBLOEM,
    ),
    "taak afronden zonnebloem": ActionRule(
        frozenset({MAZ}),
        task_at(ZONNEBLOEM),
        lambda o, d, c: billing.complete_communication(d, c["task"], location=location_of(o, c)),
        status("communication_tasks", "task", Communication.DONE),
        location=ZONNEBLOEM,
    ),
    "kanaal aanvinken regenboog": ActionRule(
        frozenset({MAZ}),
        task_at(REGENBOOG),
        lambda o, d, c: billing.tick_channel(
            d, c["task"], phase="storing", channel="klasbord", location=location_of(o, c)
        ),
        ticked,
        location=REGENBOOG,
    ),
    "taak afronden regenboog": ActionRule(
        frozenset({MAZ}),
        task_at(REGENBOOG),
        lambda o, d, c: billing.complete_communication(d, c["task"], location=location_of(o, c)),
        status("communication_tasks", "task", Communication.DONE),
        location=REGENBOOG,
    ),
    # Beheer (issue 7): the MAZ manages people, locations and passwords.
    "persoon opslaan": ActionRule(
        frozenset({MAZ}),
        nothing,
        lambda o, d, c: people.save_person(
            o.repo,
            d.actor,
            o.snap(),
            {"name": "Kees", "email": "kees@kivido.example", "roles": [STAFF]},
            person_id="user-kees",
        ),
        lambda o, c: people.person(o.snap(), "kees@kivido.example") is not None,
    ),
    "locatie opslaan": ActionRule(
        frozenset({MAZ}),
        lambda o: {"location": o.snap().location(VLINDER)},
        lambda o, d, c: people.save_location(
            o.repo, d.actor, c["location"], {**c["location"], "unit_manager_phone": "06-999"}
        ),
        lambda o, c: o.snap().location(VLINDER)["unit_manager_phone"] == "06-999",
    ),
    "wachtwoord instellen": ActionRule(
        frozenset({MAZ}),
        nothing,
        lambda o, d, c: accounts.set_password(
            o.repo, d.actor, "ruben@kivido.example", "tijdelijk-wachtwoord"
        ),
        lambda o, c: accounts.account(o.snap(), "ruben@kivido.example") is not None,
    ),
    "instellingen opslaan": ActionRule(
        frozenset({MAZ}),
        nothing,
        lambda o, d, c: save_settings(o, d, {"check_time": "10:00"}),
        lambda o, c: [r["value"] for r in o.snap().rows("settings")] == ["10:00"],
    ),
}


def save_settings(o: Office, d: services.Desk, form: dict) -> object:
    from lib import app_settings  # the settings of Beheer (issue 7)

    return app_settings.save(o.repo, d.actor, o.snap(), form)
