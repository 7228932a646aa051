"""The access matrix of issue 7: every person x every page x every action.

What is expected comes from the tables below, written by hand from the procedure
(../shared/procedure/, the Dutch text authoritative) and the roles of issue 7.
Nothing here reads the app's own role tables (lib/navigation.SCREENS, the roles
of lib/procedure.TRANSITIONS): a test that took its expectations from the code
under test could not fail.

1. Services (called directly): every action x every person, from a state in which
   the procedure allows it. Allowed: done. Refused: IllegalTransition, logged,
   and the store unchanged. A unit manager acts for their own location only.
2. Pages (AppTest): each person opens each page file directly, signed in through
   the demo role picker and through a local account (roles from the people
   table, the only way to be two roles at once). Allowed: the page. Refused: the
   Dutch refusal, logged, and nothing else. The router lists exactly the allowed
   pages. Signed out: the sign-in screen on every page, nothing of the page.
3. Page actions (AppTest): on every page each person is offered exactly the
   actions they may take, and an offered one works; Mijn meldingen is read-only
   and shows each person exactly the reports they may read.
"""

from __future__ import annotations

import fnmatch
import logging
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from lib import accounts, billing, people, services
from lib.procedure import (
    Actor,
    Communication,
    IllegalTransition,
    Invoice,
    Message,
    Quote,
    Role,
    Ticket,
)
from lib.repository import Insert, Update
from tests.app_checks import counts
from tests.apptest_support import app_store, signed_in  # noqa: F401

# Work-list cards draw their forms only when opened: these tests open them first.
from tests.cards_support import page_with_open_cards as page
from tests.flows import Office, report_form

STAFF, UM, MAZ, DIR, FIN = Role.STAFF, Role.UNIT_MANAGER, Role.MAZ, Role.DIRECTIE, Role.FINANCE
EVERYONE = frozenset({STAFF, UM, MAZ, DIR, FIN})
ZONNEBLOEM, REGENBOOG, VLINDER = "demo-zonnebloem", "demo-regenboog", "demo-vlinder"

# ---------------------------------------------------------------------------
# The expectation table, from the procedure and issue 7 ("Roles")
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRule:
    label: str  # in the menu
    heading: str  # the page's title
    who: frozenset[Role]


PAGES: dict[str, PageRule] = {
    # Everyone who works at Kivido reports an outage and follows their own reports.
    "pages/home.py": PageRule("Start", "Storingsmeldingen ICT/Telefonie", EVERYONE),
    "pages/melden.py": PageRule("Melden", "Storing melden", EVERYONE),
    "pages/mijn_meldingen.py": PageRule("Mijn meldingen", "Mijn meldingen", EVERYONE),
    # The MAZ triages, investigates, follows up and deals with Nemesys (2.1/2.2 steps 2-5, 8).
    "pages/beoordelen.py": PageRule("Beoordelen", "Beoordelen", frozenset({MAZ})),
    "pages/opvolgen.py": PageRule("Opvolgen", "Opvolgen", frozenset({MAZ})),
    "pages/nemesys.py": PageRule("Nemesys", "Opdrachten bij Nemesys", frozenset({MAZ})),
    # Step 6: the unit manager informs parents and staff (the MAZ may do it for them).
    "pages/communicatie.py": PageRule(
        "Communicatie", "Communicatie met ouders en medewerkers", frozenset({MAZ, UM})
    ),
    "pages/postvak.py": PageRule("Postvak", "Postvak", frozenset({MAZ})),
    # Step 7: the MAZ registers a quote, the directie decides.
    "pages/offertes.py": PageRule("Offertes", "Offertes van Nemesys", frozenset({MAZ, DIR})),
    # Step 9: the invoice arrives at finance, the MAZ checks it, finance pays.
    "pages/facturen.py": PageRule("Facturen", "Facturen van Nemesys", frozenset({MAZ, FIN})),
    "pages/overzicht.py": PageRule("Overzicht", "Overzicht", frozenset({MAZ, DIR})),
    "pages/beheer.py": PageRule("Beheer", "Beheer", frozenset({MAZ})),
}

# How the refusal names the roles that may open a page (in this order).
ROLE_NAMES = {
    STAFF: "Medewerker",
    UM: "Unitmanager",
    MAZ: "Manager Algemene Zaken",
    DIR: "Directie",
    FIN: "Afdeling financiën",
}


def refusal(who: frozenset[Role]) -> str:
    if who == {MAZ}:
        return "Deze pagina is voor de Manager Algemene Zaken."
    return "Deze pagina is voor: " + ", ".join(n for r, n in ROLE_NAMES.items() if r in who) + "."


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    email: str
    roles: tuple[Role, ...]  # the first is the one shown by default
    location: str = ""  # the location whose unit manager this person is

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.roles[0], email=self.email, roles=frozenset(self.roles))

    def may_open(self, path: str) -> bool:
        return bool(set(self.roles) & PAGES[path].who)

    def may(self, action: ActionRule) -> bool:
        if action.location and UM in self.roles and self.location == action.location:
            return True  # step 6 at their own location
        return bool(set(self.roles) & action.who)


# The demo people of lib/demo.py (the people table of the embedded demo store)
# and two people who hold two roles each.
PERSONS = (
    Person("medewerker", "Ruben (medewerker, demo)", "ruben@kivido.example", (STAFF,)),
    Person(
        "unitmanager",
        "Sanne Jansen (unitmanager, demo)",
        "sanne@kivido.example",
        (UM,),
        ZONNEBLOEM,
    ),
    Person("maz", "Nathalie (MAZ, demo)", "maz@kivido.example", (MAZ,)),
    Person("directie", "Stefanie (directie, demo)", "directie@kivido.example", (DIR,)),
    Person("financien", "Femke (financiën, demo)", "financien@kivido.example", (FIN,)),
    Person("maz+directie", "Mirjam (MAZ en directie)", "mirjam@kivido.example", (MAZ, DIR)),
    Person(
        "financien+unitmanager",
        "Fatima El Amrani (financiën en unitmanager)",
        "fatima@kivido.example",  # unit manager of De Regenboog in the demo data
        (FIN, UM),
        REGENBOOG,
    ),
)
SINGLE_ROLE = [p for p in PERSONS if len(p.roles) == 1]
TWO_ROLES = [p for p in PERSONS if len(p.roles) > 1]


def person_id(person: Person) -> str:
    return person.key


# ---------------------------------------------------------------------------
# The actions, each with the state the procedure allows it in
# ---------------------------------------------------------------------------


def new(o: Office) -> dict:
    return {"ticket": o.submit()}


def investigating(o: Office) -> dict:
    ticket = o.submit()
    services.investigate(o.desk(), ticket, "Eerst zelf kijken")
    return {"ticket": o.ticket(ticket["id"])}


def waiting(o: Office) -> dict:
    return {"ticket": o.waiting()}


def urgent(o: Office) -> dict:
    """Triage passes 'urgent' on to Nemesys in the same step; a row left in it is written here."""
    ticket = o.submit()
    o.repo.commit([Update("tickets", ticket["id"], ticket["version"], {"status": Ticket.URGENT})])
    return {"ticket": o.ticket(ticket["id"])}


def ordered(o: Office, location: str = ZONNEBLOEM) -> dict:
    ticket = o.triage(o.submit(location_id=location), urgent=True)
    return {"ticket": ticket, "order": o.order(ticket["id"])}


def confirmed(o: Office) -> dict:
    c = ordered(o)
    services.confirm_order(o.desk(), c["ticket"], c["order"], reference="NEM-1")
    return {"ticket": o.ticket(c["ticket"]["id"]), "order": o.order(c["ticket"]["id"])}


def quote_received(o: Office) -> dict:
    c = confirmed(o)
    billing.register_quote(
        o.desk(), c["ticket"], c["order"], {"amount": "500,00", "reference": "O"}
    )
    ticket = o.ticket(c["ticket"]["id"])
    return {"ticket": ticket, "quote": o.snap().quotes_for(ticket["id"])[-1]}


def resolved(o: Office) -> dict:
    c = confirmed(o)
    services.resolve(o.desk(), c["ticket"])
    return {"ticket": o.ticket(c["ticket"]["id"])}


def closed(o: Office) -> dict:
    c = resolved(o)
    services.close(o.desk(), c["ticket"])
    return {"ticket": o.ticket(c["ticket"]["id"])}


def queued_message(o: Office) -> dict:
    ticket = o.submit()
    [message] = [m for m in o.snap().outbox() if m["ticket_id"] == ticket["id"]]
    return {"message": message}


def failed_message(o: Office) -> dict:
    """A mail the mail server refused (lib/mailer.py marks it so); the MAZ may send it again."""
    message = queued_message(o)["message"]
    failed = {"status": Message.FAILED, "last_error": "550 Mailbox onbekend", "attempts": 1}
    o.repo.commit([Update("messages", message["id"], message["version"], failed)])
    return {"message": o.repo.get("messages", message["id"])}


def invoice_received(o: Office) -> dict:
    c = ordered(o)
    return {**c, "invoice": o.invoice(c["ticket"]["id"])}


def invoice_approved(o: Office) -> dict:
    c = invoice_received(o)
    billing.check_invoice(o.desk(), c["invoice"], approve=True)
    return {**c, "invoice": o.repo.get("invoices", c["invoice"]["id"])}


def invoice_rejected(o: Office) -> dict:
    c = invoice_received(o)
    billing.check_invoice(o.desk(), c["invoice"], approve=False, reason="Te hoog")
    return {**c, "invoice": o.repo.get("invoices", c["invoice"]["id"])}


def invoice_contacted(o: Office) -> dict:
    c = invoice_rejected(o)
    billing.record_nemesys_contact(o.desk(), c["invoice"], "Nemesys stuurt een correctie")
    return {**c, "invoice": o.repo.get("invoices", c["invoice"]["id"])}


def task_at(location: str) -> Callable[[Office], dict]:
    def prepare(o: Office) -> dict:
        c = ordered(o, location)  # a telephony outage: a communication task (step 6)
        return {**c, "task": o.snap().communication_task(c["ticket"]["id"])}

    return prepare


def nothing(o: Office) -> dict:
    return {}


def invoice_form(c: dict) -> dict:
    return {
        "number": "F-2",
        "invoice_date": "01-12-2026",
        "amount_excl": "100,00",
        "amount_incl": "121,00",
        "order_ids": [c["order"]["id"]],
        "corrects_invoice_id": c["invoice"]["id"] if "invoice" in c else "",
    }


def status(table: str, key: str, expected: str) -> Callable[[Office, dict], bool]:
    return lambda o, c: o.repo.get(table, c[key]["id"])["status"] == expected


def ticket_status(expected: str) -> Callable[[Office, dict], bool]:
    return status("tickets", "ticket", expected)


def ticked(o: Office, c: dict) -> bool:
    return any(t["task_id"] == c["task"]["id"] for t in o.snap().rows("communication_ticks"))


def retried(o: Office, c: dict) -> bool:
    """Back in the queue; a background sender (with SMTP) may already be trying it again."""
    row = o.repo.get("messages", c["message"]["id"])
    return row["status"] in {Message.QUEUED, Message.SENDING} and "550" not in row["last_error"]


def location_of(o: Office, c: dict) -> dict:
    return o.snap().location(c["task"]["location_id"])


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


# ---------------------------------------------------------------------------
# Part 1: every action through the services, as every person
# ---------------------------------------------------------------------------


@pytest.fixture
def repo_office(tmp_path) -> Office:
    from lib.repository.sql import SqlRepository

    repo = SqlRepository.at_path(tmp_path / "services.db")
    repo.setup()
    return Office(repo)


def access_warnings(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "kivido.access" and r.levelno == logging.WARNING
    ]


@pytest.mark.parametrize("person", PERSONS, ids=person_id)
@pytest.mark.parametrize("action", ACTIONS)
def test_service_allows_exactly_whom_the_procedure_names(repo_office, caplog, action, person):
    """Test that an allowed step takes effect and a refused one raises, is logged, changes nothing."""
    o, rule = repo_office, ACTIONS[action]
    context = rule.prepare(o)
    desk = o.desk(person.actor)
    if person.may(rule):
        rule.do(o, desk, context)
        assert rule.done(o, context)
        return
    before, rows = counts(o.repo), o.repo.read_all()
    with caplog.at_level(logging.WARNING, logger="kivido.access"), pytest.raises(IllegalTransition):
        rule.do(o, desk, context)
    assert counts(o.repo) == before
    assert o.repo.read_all() == rows  # no row changed, no version moved
    assert not rule.done(o, context)
    assert any(person.name in m for m in access_warnings(caplog))


@pytest.mark.parametrize("how", ["as the page does", "without the location"])
@pytest.mark.parametrize("task_location", [ZONNEBLOEM, REGENBOOG])
def test_a_unit_manager_informs_only_their_own_locations_parents(repo_office, task_location, how):
    """Test that De Zonnebloem's unit manager ticks and completes its task, never De Regenboog's."""
    o = repo_office
    sanne = Actor("Sanne Jansen", UM, email="sanne@kivido.example")
    assert o.snap().location(ZONNEBLOEM)["unit_manager_email"] == sanne.email
    task = task_at(task_location)(o)["task"]
    location = o.snap().location(task_location) if how == "as the page does" else None
    desk = o.desk(sanne)

    def tick_and_complete() -> None:
        billing.tick_channel(desk, task, phase="storing", channel="groep", location=location)
        billing.complete_communication(desk, task, location=location)

    if task_location == ZONNEBLOEM:
        tick_and_complete()
        assert o.repo.get("communication_tasks", task["id"])["status"] == Communication.DONE
        return
    before = o.repo.read_all()
    with pytest.raises(IllegalTransition, match="De Regenboog"):
        tick_and_complete()
    assert o.repo.read_all() == before


def test_a_unit_manager_of_no_location_informs_nobody(repo_office):
    """Test that the unit-manager role alone (no location names this address) ticks nothing."""
    o = repo_office
    nobody = Actor("Nieuwe unitmanager", UM, email="nieuw@kivido.example")
    for location in (ZONNEBLOEM, REGENBOOG):
        task = task_at(location)(o)["task"]
        with pytest.raises(IllegalTransition):
            billing.tick_channel(o.desk(nobody), task, phase="storing", channel="klasbord")
        with pytest.raises(IllegalTransition):
            billing.complete_communication(o.desk(nobody), task)
    assert not o.snap().rows("communication_ticks")


# ---------------------------------------------------------------------------
# Part 2: pages through AppTest
# ---------------------------------------------------------------------------


@pytest.fixture
def office(app_store, monkeypatch) -> Office:  # noqa: F811
    """The demo reference data (people, locations) plus the two people with two roles."""
    o = Office(app_store)
    o.repo.commit(
        [
            Insert(
                "users",
                {
                    "id": f"user-{p.key}",
                    "name": p.name,
                    "email": p.email,
                    "role": ",".join(p.roles),
                    "active": True,
                    "is_demo": False,
                },
            )
            for p in TWO_ROLES
        ]
    )
    return o


def as_demo(path: str, person: Person) -> AppTest:
    """Through the demo role picker (one role at a time)."""
    return page(path, role=person.roles[0], name=person.name, email=person.email)


def as_account(path: str, person: Person, monkeypatch) -> AppTest:
    """Signed in with a local account: demo mode off, roles from the people table."""
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "false")
    streamlit.cache_resource.clear()  # the configuration is read again
    at = page(path)
    return signed_in(at, person.email)  # what a correct password leads to


ROUTES = [pytest.param(as_demo, p, id=f"demo-{p.key}") for p in SINGLE_ROLE] + [
    pytest.param(as_account, p, id=f"account-{p.key}") for p in PERSONS
]


def run_as(route, path: str, person: Person, monkeypatch) -> AppTest:
    at = route(path, person, monkeypatch) if route is as_account else route(path, person)
    return at.run()


def tree(at: AppTest, area=None) -> list[tuple[str, str | None]]:
    """Everything the main area (or `area`) shows, as (element type, widget key), in order."""
    out: list[tuple[str, str | None]] = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            out.append((child.type, getattr(child, "key", None)))
            walk(child)

    walk(at.main if area is None else area)
    return out


def keys(at: AppTest) -> set[str]:
    return {key for _, key in tree(at) if key}


def refusals(at: AppTest) -> list[str]:
    return [i.value for i in at.info if i.value.startswith("Deze pagina is voor")]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(("route", "person"), ROUTES)
def test_a_page_opens_exactly_for_whom_the_procedure_says(
    office, monkeypatch, caplog, route, person, path
):
    """Test that an allowed page shows itself, and a refused one says so in Dutch and no more."""
    rule = PAGES[path]
    with caplog.at_level(logging.WARNING, logger="kivido.access"):
        at = run_as(route, path, person, monkeypatch)
    assert not at.exception, at.exception
    if person.may_open(path):
        assert [t.value for t in at.title][:1] == [rule.heading]
        assert not refusals(at)
        assert not access_warnings(caplog)
    else:
        assert tree(at) == [("info", None)]  # no title, no buttons, no forms, no data
        assert refusals(at) == [refusal(rule.who)]
        assert any(f"pagina '{rule.label}'" in m for m in access_warnings(caplog))


def through_router(at: AppTest, path: str) -> AppTest | None:
    """The page file opened through the router (a typed address), or None if it has no route."""
    try:
        at.switch_page(path)
    except ValueError as e:
        assert "Could not find a navigation page" in str(e)
        return None
    return at.run()


@pytest.mark.parametrize(("route", "person"), ROUTES)
def test_the_menu_lists_exactly_the_allowed_pages(office, monkeypatch, route, person):
    """Test that the router's menu lists exactly the allowed pages, and a page left out of it
    cannot be reached through the router (no route, or its guard refuses)."""
    menus = []
    navigation = streamlit.navigation

    def recording(pages, **kwargs):
        listed = [p for ps in pages.values() for p in ps]
        menus.append([p.title for p in listed if p.visibility == "visible"])
        return navigation(pages, **kwargs)

    monkeypatch.setattr(streamlit, "navigation", recording)
    at = run_as(route, "app.py", person, monkeypatch)
    assert not at.exception, at.exception
    assert menus[-1] == [rule.label for path, rule in PAGES.items() if person.may_open(path)]
    for path, rule in PAGES.items():
        shown = through_router(at, path)
        if person.may_open(path):
            assert shown is not None, path
            assert not shown.exception, (path, shown.exception)
            assert [t.value for t in shown.title][:1] == [rule.heading], path
            assert not refusals(shown)
        elif shown is not None:
            assert not shown.exception, (path, shown.exception)
            assert refusals(shown) == [refusal(rule.who)], path
            assert {kind for kind, _ in tree(shown)} <= {"info", "page_link"}, path


# The sign-in screens of lib/ui/identity.py, element by element: nothing of a page.
FIRST_START = [
    ("title", None),
    ("flex_container", None),
    ("info", None),
    ("form", "first-account"),
    ("text_input", "first-name"),
    ("text_input", "first-email"),
    ("text_input", "first-password"),
    ("text_input", "first-again"),
    ("button", "first-submit"),
]
SIGN_IN = [
    ("title", None),
    ("flex_container", None),
    ("form", "sign-in"),
    ("subheader", None),
    ("text_input", "sign-in-email"),
    ("text_input", "sign-in-password"),
    ("button", "sign-in-submit"),
    ("caption", None),
]


@pytest.mark.parametrize("accounts_exist", [False, True], ids=["first-start", "accounts"])
@pytest.mark.parametrize("path", [*PAGES, "app.py"])
def test_signed_out_every_page_is_the_sign_in_screen(app_store, monkeypatch, path, accounts_exist):  # noqa: F811
    """Test that without sign-in every page (and the router) shows only the sign-in screen."""
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "false")
    streamlit.cache_resource.clear()
    o = Office(app_store)  # the demo people only: a fresh installation
    if accounts_exist:
        accounts.create_first_maz(
            o.repo, name="Nathalie", email="maz@kivido.example", password="een-lang-wachtwoord"
        )
    ordered(o)  # there is something a page could show
    menus = []
    navigation = streamlit.navigation

    def recording(pages, **kwargs):
        menus.append(([p.title for p in pages], kwargs.get("position")))
        return navigation(pages, **kwargs)

    monkeypatch.setattr(streamlit, "navigation", recording)
    at = page(path).run()
    assert not at.exception, at.exception
    assert tree(at) == (SIGN_IN if accounts_exist else FIRST_START)
    assert [t.value for t in at.title] == ["Storingsmeldingen ICT/Telefonie"]
    assert tree(at, at.sidebar) == []
    if path == "app.py":  # every address is the sign-in screen; no page file can be reached
        [(titles, position)] = menus
        assert set(titles) == {"Aanmelden"} and position == "hidden"
        for page_file in PAGES:
            shown = through_router(at, page_file)
            assert shown is None or tree(shown) == tree(at), page_file


# ---------------------------------------------------------------------------
# Part 3: the actions on the pages (AppTest, signed in with a local account)
# ---------------------------------------------------------------------------


def _type(at: AppTest, key: str, value: str) -> None:
    kinds = {k: t for t, k in tree(at) if k}
    getattr(at, kinds[key])(key=key).input(value)


def fill(**values: str) -> Callable[[AppTest, dict, str], None]:
    """Type into the widgets `key-suffix: value`, the ids of the context filled in."""

    def apply(at: AppTest, c: dict, pressed: str) -> None:
        prefix = pressed.rsplit("-", 1)[0]
        for suffix, value in values.items():
            _type(at, f"{prefix}-{suffix}", value)

    return apply


def fill_report(at: AppTest, c: dict, pressed: str) -> None:
    at.selectbox(key="melden-location_id").set_value(ZONNEBLOEM)
    at.selectbox(key="melden-category").set_value("printen")
    at.text_area(key="melden-description").input("De printer doet niets.")


def fill_report_for_a_caller(at: AppTest, c: dict, pressed: str) -> None:
    at.toggle(key="melden-namens").set_value(True).run()
    at.text_input(key="melden-reporter_name").input("Beller")
    at.text_input(key="melden-reporter_email").input("beller@kivido.example")
    fill_report(at, c, pressed)


def fill_invoice(at: AppTest, c: dict, pressed: str) -> None:
    prefix = pressed.removesuffix("-go")
    for field, value in invoice_form(c).items():
        if field == "order_ids":
            at.multiselect(key=f"{prefix}-{field}").set_value(value)
        elif field == "corrects_invoice_id":
            at.selectbox(key=f"{prefix}-{field}").set_value(value)
        else:
            at.text_input(key=f"{prefix}-{field}").input(value)


def fill_person(at: AppTest, c: dict, pressed: str) -> None:
    at.text_input(key="persoon-nieuw-name").input("Kees")
    at.text_input(key="persoon-nieuw-email").input("kees@kivido.example")
    at.multiselect(key="persoon-nieuw-roles").set_value([STAFF])


def no_input(at: AppTest, c: dict, pressed: str) -> None:
    pass


@dataclass(frozen=True)
class Control:
    action: str  # in ACTIONS: who may, the state it needs, what it does
    page: str
    key: Callable[[dict], str]  # the widget that takes it (a pattern: * for a form's id)
    inputs: Callable[[AppTest, dict, str], None] = no_input
    then: str = ""  # the button pressed after the inputs, if not the control itself
    smtp: bool = False  # the page shows it only with a mail server configured

    def __str__(self) -> str:
        return self.action


def tid(c: dict) -> str:
    return c["ticket"]["id"]


CONTROLS = [
    Control("melden", "pages/melden.py", lambda c: "melden-submit", fill_report),
    Control(
        "melden namens",
        "pages/melden.py",
        lambda c: "melden-namens",
        fill_report_for_a_caller,
        then="melden-submit",
    ),
    Control(
        "onderzoeken",
        "pages/beoordelen.py",
        lambda c: f"onderzoek-{tid(c)}-submit",
    ),
    Control(
        "onderzoeksnotitie",
        "pages/beoordelen.py",
        lambda c: f"onderzoek-{tid(c)}-submit",
        fill(note="Kabel gecontroleerd"),
    ),
    Control(
        "beoordelen urgent",
        "pages/beoordelen.py",
        lambda c: f"triage-{tid(c)}-urgent",
        fill(reason="Ligt stil"),
    ),
    Control(
        "beoordelen niet urgent",
        "pages/beoordelen.py",
        lambda c: f"triage-{tid(c)}-not-urgent",
        lambda at, c, k: _type(at, f"triage-{tid(c)}-reason", "Kan wachten"),
    ),
    Control(
        "herbeoordelen urgent",
        "pages/beoordelen.py",
        lambda c: f"herbeoordeel-{tid(c)}-submit",
        fill(reason="Toch urgent"),
    ),
    Control(
        "herbeoordelen niet urgent",
        "pages/beoordelen.py",
        lambda c: f"herbeoordeel-{tid(c)}-submit",
        fill(reason="Kan wachten"),
    ),
    Control(
        "opvolgen opgelost",
        "pages/opvolgen.py",
        lambda c: f"opvolgen-{tid(c)}-solved",
        fill(notes="Melder gebeld"),
    ),
    Control(
        "opvolgen niet opgelost",
        "pages/opvolgen.py",
        lambda c: f"opvolgen-{tid(c)}-not-solved",
        lambda at, c, k: _type(at, f"opvolgen-{tid(c)}-notes", "Melder gebeld"),
    ),
    Control(
        "bevestiging vastleggen",
        "pages/nemesys.py",
        lambda c: f"confirm-{tid(c)}-go",
        fill(ref="NEM-9"),
    ),
    Control("opgelost", "pages/nemesys.py", lambda c: f"resolve-{tid(c)}-go"),
    Control("afsluiten", "pages/nemesys.py", lambda c: f"close-{tid(c)}-go"),
    Control(
        "heropenen",
        "pages/nemesys.py",
        lambda c: f"reopen-{tid(c)}-go",
        fill(note="Toch niet opgelost"),
    ),
    Control("verzonden", "pages/postvak.py", lambda c: f"verzonden-{c['message']['id']}"),
    Control(
        "opnieuw versturen",
        "pages/postvak.py",
        lambda c: f"opnieuw-{c['message']['id']}",
        smtp=True,
    ),
    Control(
        "offerte registreren",
        "pages/offertes.py",
        lambda c: "quote-register-go",
        fill(amount="750,00", reference="OFF-9"),
    ),
    Control(
        "offerte goedkeuren", "pages/offertes.py", lambda c: f"decide-{c['quote']['id']}-approve"
    ),
    Control(
        "offerte afwijzen",
        "pages/offertes.py",
        lambda c: f"decide-{c['quote']['id']}-reject",
        lambda at, c, k: _type(at, f"decide-{c['quote']['id']}-note", "Te duur"),
    ),
    Control(
        "factuur registreren", "pages/facturen.py", lambda c: "invoice-register-*-go", fill_invoice
    ),
    Control(
        "factuur goedkeuren",
        "pages/facturen.py",
        lambda c: f"invoice-{c['invoice']['id']}-approve",
    ),
    Control(
        "factuur afkeuren",
        "pages/facturen.py",
        lambda c: f"invoice-{c['invoice']['id']}-reject",
        lambda at, c, k: _type(at, f"invoice-{c['invoice']['id']}-reason", "Fout bedrag"),
    ),
    Control("factuur betalen", "pages/facturen.py", lambda c: f"invoice-{c['invoice']['id']}-pay"),
    Control(
        "nemesys benaderen",
        "pages/facturen.py",
        lambda c: f"invoice-{c['invoice']['id']}-contact_nemesys",
        lambda at, c, k: _type(at, f"invoice-{c['invoice']['id']}-note", "Gebeld"),
    ),
    Control(
        "gecorrigeerde factuur registreren",
        "pages/facturen.py",
        lambda c: "invoice-register-*-go",
        fill_invoice,
    ),
    Control(
        "kanaal aanvinken zonnebloem",
        "pages/communicatie.py",
        lambda c: f"tick-{c['task']['id']}-storing-klasbord",
    ),
    Control(
        "taak afronden zonnebloem",
        "pages/communicatie.py",
        lambda c: f"complete-{c['task']['id']}",
    ),
    Control(
        "kanaal aanvinken regenboog",
        "pages/communicatie.py",
        lambda c: f"tick-{c['task']['id']}-storing-klasbord",
    ),
    Control(
        "taak afronden regenboog",
        "pages/communicatie.py",
        lambda c: f"complete-{c['task']['id']}",
    ),
    Control("persoon opslaan", "pages/beheer.py", lambda c: "persoon-nieuw-save", fill_person),
    Control(
        "locatie opslaan",
        "pages/beheer.py",
        lambda c: f"locatie-{VLINDER}-save",
        lambda at, c, k: _type(at, f"locatie-{VLINDER}-phone", "06-999"),
    ),
    Control(
        "wachtwoord instellen",
        "pages/beheer.py",
        lambda c: "wachtwoord-demo-mw-save",
        fill(new="tijdelijk-wachtwoord"),
    ),
]


# Actions the services offer that no page has a control for yet.
WITHOUT_PAGE = {"instellingen opslaan"}  # Beheer has no settings form yet


def test_every_action_has_a_control_on_a_page():
    """Test that the AppTest matrix covers the same actions as the service matrix."""
    assert sorted(c.action for c in CONTROLS) == sorted(set(ACTIONS) - WITHOUT_PAGE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def press(at: AppTest, key: str) -> AppTest:
    return at.button(key=key).click().run()


CONTROL_CASES = [
    pytest.param(
        control,
        person,
        id=f"{control.action}-{person.key}",
    )
    for control in CONTROLS
    for person in PERSONS
]


@pytest.mark.parametrize(("control", "person"), CONTROL_CASES)
def test_a_page_offers_exactly_the_allowed_actions_and_they_work(
    office, monkeypatch, control, person
):
    """Test that a person sees the button of a step iff the procedure gives it them, and it works."""
    rule = ACTIONS[control.action]
    context = rule.prepare(office)
    at = as_account(control.page, person, monkeypatch)
    if control.smtp:  # nothing listens there: a mail sent in the background stays queued
        at.secrets["smtp"] = {"host": "127.0.0.1", "port": free_port(), "security": "none"}
    at = at.run()
    assert not at.exception, at.exception
    found = fnmatch.filter(keys(at), control.key(context))
    assert len(found) == int(person.may(rule)), (control.action, found)
    if not found:
        return
    control.inputs(at, context, found[0])
    at = press(at, control.then or found[0])
    assert not at.exception, at.exception
    # With SMTP the background sender may already have tried the mail (nothing listens).
    errors = [e.value for e in at.error if not e.value.startswith("Fout van de mailserver")]
    assert not errors
    assert rule.done(office, context)


TICKET_NUMBER = re.compile(r"KIV-\d{4}-\d+")


def shown_reports(at: AppTest) -> dict[str, set[str]]:
    """Per tab (one unnamed section when there are no tabs): the report numbers listed."""

    def numbers(block) -> set[str]:
        return {n for e in block.expander for n in TICKET_NUMBER.findall(e.label)}

    if not at.tabs:
        return {"Mijn meldingen": numbers(at.main)}
    return {tab.label: numbers(tab) for tab in at.tabs}


@pytest.mark.parametrize("person", PERSONS, ids=person_id)
def test_mijn_meldingen_shows_each_person_what_they_may_read_and_nothing_to_do(
    office, monkeypatch, person
):
    """Test own reports for all, the location's for its unit manager, all for MAZ and directie."""
    own = {p.key: office.submit(reporter_email=p.email, location_id=VLINDER) for p in PERSONS}
    others = [
        office.submit(reporter_email="kees@kivido.example", location_id=loc)
        for loc in (ZONNEBLOEM, REGENBOOG)
    ]
    office.triage(others[0], urgent=True)  # notes, orders, quotes: still nothing to act on
    everything = [*own.values(), *others]
    expected = {"Mijn meldingen": {own[person.key]["number"]}}
    if UM in person.roles:
        expected["Meldingen van mijn locatie"] = {
            t["number"] for t in others if t["location_id"] == person.location
        }
    if {MAZ, DIR} & set(person.roles):
        expected["Alle meldingen"] = {t["number"] for t in everything}
    at = run_as(as_account, "pages/mijn_meldingen.py", person, monkeypatch)
    assert not at.exception, at.exception
    assert shown_reports(at) == expected
    assert not [k for t, k in tree(at) if t in {"button", "form"}]  # read-only
