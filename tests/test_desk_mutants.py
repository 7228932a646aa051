"""lib/desk.py's shared steps as the procedure and issue 14 need them.

2.1 step 5 (the reporter is kept informed by e-mail) and issue 14 item 3 (each
reporter-facing change of a report goes to its reporter and every affected
person, one mail each): written against the mutation survivors of lib/desk.py
(`python -m tests.mutate desk`). The embedded store only: these are the rules,
not the drivers.
"""

from __future__ import annotations

import pytest

from lib import billing, services, texts
from lib.config import Config
from lib.desk import Desk, mail_domain
from lib.procedure import Actor, Role
from tests import procedure_oracle as oracle
from tests.flows import MAZ, Office
from tests.outage_support import THERE, join, report, staff


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo)


def _desk(office: Office, page_read: bool) -> services.Desk:
    """The MAZ's desk; with `page_read`, as a page makes it: with the page's one read."""
    snapshot = office.snap() if page_read else None
    return services.Desk(repo=office.repo, actor=MAZ, clock=office.clock, snapshot=snapshot)


def _status_mails(office: Office, since: set[str]) -> list[dict]:
    rows = office.repo.read(["messages"])["messages"]
    return [m for m in rows if m["id"] not in since and m["kind"] == "status"]


def _ids(office: Office) -> set[str]:
    return {m["id"] for m in office.repo.read(["messages"])["messages"]}


@pytest.mark.parametrize("page_read", [False, True], ids=["store", "page-read"])
def test_each_reporter_facing_change_reaches_the_reporter_and_everyone_affected_once(
    office, page_read
):
    """Issue 14 item 3: one status mail each for the reporter and every affected person.

    Made with the page's read (Desk.snapshot) or without one (the store is asked): the
    same people hear it, each once, at the moment of the change, in the report's thread.
    """
    main = report(office, staff(1), category="server", description="De server is plat.")
    join(office, staff(2), main)
    join(office, staff(3), main, THERE)
    join(office, staff(2), main)  # twice: still one person
    office.later(minutes=10)
    before = _ids(office)
    services.triage(
        _desk(office, page_read),
        office.snap(),
        office.ticket(main["id"]),
        urgent=True,
        reason="Niemand op kantoor kan werken",
    )
    mails = _status_mails(office, before)
    assert sorted(m["to_address"] for m in mails) == [
        "mw1@kivido.example",
        "mw2@kivido.example",
        "mw3@kivido.example",
    ]
    thread = f"<melding-{main['id']}@kivido.nl>"
    for m in mails:
        assert m["created_at"] == "2026-11-23T10:10:00+01:00"
        assert m["thread_ref"] == thread and m["ticket_id"] == main["id"]
        assert main["number"] in m["subject"]
        assert m["status"] == "wachtrij"
    affected = [m for m in mails if m["to_address"] != "mw1@kivido.example"]
    assert {m["message_id"] for m in affected}.isdisjoint({thread})
    for m in affected:
        assert "Nemesys" in m["subject"]
        who = "Medewerker 2" if m["to_address"] == "mw2@kivido.example" else "Medewerker 3"
        assert f"Beste {who}," in m["body"]


@pytest.mark.parametrize("page_read", [False, True], ids=["store", "page-read"])
def test_the_affected_hear_that_the_outage_is_solved(office, page_read):
    """Issue 14's walk: an affected person later reads "opgelost", not the first news."""
    main = report(office, staff(1), category="server")
    join(office, staff(2), main)
    office.triage(main, urgent=True, reason="Server plat")
    services.confirm_order(
        office.desk(), office.ticket(main["id"]), office.order(main["id"]), reference="NEM-9"
    )
    office.later(hours=2)
    before = _ids(office)
    services.resolve(_desk(office, page_read), office.ticket(main["id"]))
    mails = {m["to_address"]: m for m in _status_mails(office, before)}
    assert set(mails) == {"mw1@kivido.example", "mw2@kivido.example"}
    news = mails["mw2@kivido.example"]
    assert "Opgelost" in news["subject"] and "Opgelost" in news["body"]
    assert "Ontvangen" not in news["subject"]
    assert news["created_at"] == "2026-11-23T12:00:00+01:00"


# One person may hold two roles (the MAZ who is also directie): the role shown by default
# is not always the one a step needs.
MAZ_SHOWN_AS_DIRECTIE = Actor("Stefanie", Role.DIRECTIE, roles=frozenset({Role.MAZ}))
DIRECTIE_SHOWN_AS_MAZ = Actor("Nathalie", Role.MAZ, roles=frozenset({Role.DIRECTIE}))


def test_each_event_names_the_role_the_procedure_gives_its_step(office):
    """Issue 11 item 2: every event's actor is allowed by the oracle, also for two-role people.

    The MAZ's work done by someone shown as directie is logged as the MAZ's (an extra
    note too: a note is part of investigating, 2.1 step 3a); the quote decided by someone
    shown as MAZ is logged as the directie's (2.1 step 7).
    """
    ticket = office.submit()
    maz = services.Desk(repo=office.repo, actor=MAZ_SHOWN_AS_DIRECTIE, clock=office.clock)
    services.investigate(maz, office.ticket(ticket["id"]), "Eerst zelf kijken")
    services.add_investigation_note(maz, office.ticket(ticket["id"]), "Modem herstart")
    services.triage(maz, office.snap(), office.ticket(ticket["id"]), urgent=True, reason="Stil")
    order = office.order(ticket["id"])
    services.confirm_order(maz, office.ticket(ticket["id"]), order, reference="NEM-3")
    form = {"amount": "450,00", "reference": "OFF-3"}
    billing.register_quote(maz, office.ticket(ticket["id"]), office.order(ticket["id"]), form)
    quote = office.snap().quotes_for(ticket["id"])[-1]
    directie = services.Desk(repo=office.repo, actor=DIRECTIE_SHOWN_AS_MAZ, clock=office.clock)
    billing.decide_quote(directie, office.ticket(ticket["id"]), quote, approve=True, note="Akkoord")
    logged = [
        (e["entity"], e["action"], e["actor_role"])
        for e in office.repo.read(["events"])["events"]
        if e["action"] != "submit"
    ]
    steps = {(entity, action) for entity, action, _ in logged}
    assert {("ticket", "note"), ("ticket", "triage_urgent"), ("quote", "approve")} <= steps
    for entity, action, role in logged:
        allowed = oracle.who_may(entity, "investigate" if action == "note" else action)
        assert allowed and role in allowed, (entity, action, role)


@pytest.mark.parametrize(("length", "kept"), [(45_000, True), (45_001, False)])
def test_an_html_part_is_kept_up_to_45000_characters(office, length, kept):
    """The HTML part stays up to 45,000 characters and is left out above (a Sheet cell
    holds 50,000; tests/test_report_intake_recorded.py); the plain text always goes."""
    ticket = office.submit()
    mail = texts.Mail("ruben@kivido.example", "Onderwerp", "Tekst", html="<" * length)
    row = services.message(office.desk(), ticket=ticket, kind="status", mail=mail, at="x").row
    assert row["html_body"] == ("<" * length if kept else "")
    assert row["body"] == "Tekst"


@pytest.mark.parametrize(
    "sender", ["maz@kivido.nl", "Kivido MAZ <maz@kivido.nl>", '"MAZ, Kivido" <maz@kivido.nl>']
)
def test_the_message_ids_take_the_senders_domain_also_when_it_comes_with_a_name(sender):
    """secrets.toml may give the sender as an address with a display name: the mails'
    Message-IDs still end in its domain (RFC 5322: id-right is a domain)."""
    desk = Desk(repo=None, actor=None, config=Config(mail_from=sender))
    assert mail_domain(desk) == "kivido.nl"
