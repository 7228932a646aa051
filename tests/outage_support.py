"""The steps of issue 14's outage tests, shared: a staff member, a report, joining it
("Ik heb dit ook"), linking it to a main report and undoing that (lib/outages.py)."""

from __future__ import annotations

import uuid

from lib import outages, services
from lib.procedure import Actor, Role
from tests.flows import MAZ, Office, report_form

HERE, THERE = "demo-zonnebloem", "demo-regenboog"


def staff(i: int) -> Actor:
    return Actor(f"Medewerker {i}", Role.STAFF, email=f"mw{i}@kivido.example")


def report(office: Office, who: Actor, *, location: str = HERE, category: str = "printen", **form):
    filled = report_form(location_id=location, category=category, **form)
    desk = services.Desk(repo=office.repo, actor=who, clock=office.clock)
    return services.submit_report(desk, office.snap(), filled, submission_id=uuid.uuid4().hex)


def join(office: Office, who: Actor, ticket: dict, location: str = HERE) -> list[dict]:
    desk = services.Desk(repo=office.repo, actor=who, clock=office.clock)
    snap = office.snap()
    return outages.join(desk, snap, snap.ticket(ticket["id"]), location_id=location)


def link(office: Office, ticket: dict, main: dict) -> list[dict]:
    snap = office.snap()
    return outages.link(office.desk(MAZ), snap, snap.ticket(ticket["id"]), snap.ticket(main["id"]))


def unlink(office: Office, ticket: dict) -> list[dict]:
    return outages.unlink(office.desk(MAZ), office.snap(), office.ticket(ticket["id"]))
