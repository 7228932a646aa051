"""Issue 14's two procedure steps, every allowed and refused use, from the procedure.

The expected facts are written here from the procedure and the issue, not read
from lib/procedure.py: while assessing a report (2.1 step 2 / 2.2 step 2) only
the MAZ may recognise it as an outage already reported and link it ("hoort
bij"), and only while it is new or under her own investigation (step 3a); she may
undo the link, which puts the report back among the new reports. (Rows for the
oracle table of tests/, see issue 11.)
"""

from __future__ import annotations

import uuid

import pytest

from lib import outages, procedure, services
from lib.procedure import Actor, IllegalTransition, Role
from lib.repository import Update
from tests import procedure_oracle
from tests.flows import Office, report_form

STATES = procedure_oracle.STATES["ticket"]
ROLES = procedure_oracle.ROLES

# (action, from state, role) -> state after, for every allowed use; all others refused.
ORACLE_ROWS = {
    ("link_duplicate", "nieuw", "maz"): "gekoppeld",
    ("link_duplicate", "in_onderzoek", "maz"): "gekoppeld",
    ("unlink", "gekoppeld", "maz"): "nieuw",
}
CASES = [(a, s, r) for a in ("link_duplicate", "unlink") for s in STATES for r in ROLES]


@pytest.mark.parametrize(("action", "state", "role"), CASES)
def test_every_use_of_the_table(action, state, role):
    """Test that the procedure table allows exactly the oracle's rows, with the step 2.1.2."""
    expected = ORACLE_ROWS.get((action, state, role))
    if expected is None:
        with pytest.raises(IllegalTransition):
            procedure.check("ticket", action, state, Role(role))
    else:
        step = procedure.check("ticket", action, state, Role(role))
        assert (step.target, step.step) == (expected, "2.1.2")


def _ticket_in(office: Office, state: str, main: dict) -> dict:
    """A report put in `state` directly (setup only), linked to `main` when 'gekoppeld'."""
    desk = services.Desk(repo=office.repo, actor=Actor("Ruben", Role.STAFF), clock=office.clock)
    form = report_form(location_id="demo-regenboog", reporter_email="mw@kivido.example")
    ticket = services.submit_report(desk, office.snap(), form, submission_id=uuid.uuid4().hex)
    if state == "gekoppeld":
        outages.link(office.desk(), office.snap(), office.ticket(ticket["id"]), main)
    elif state != "nieuw":
        office.repo.commit([Update("tickets", ticket["id"], ticket["version"], {"status": state})])
    return office.ticket(ticket["id"])


@pytest.mark.parametrize("action", ["link_duplicate", "unlink"])
def test_every_use_through_the_service(repo, action):
    """Test that the use cases take exactly the oracle's rows; a refusal changes nothing."""
    office = Office(repo)
    main = office.submit(location_id="demo-zonnebloem")
    for state in STATES:
        for role in ROLES:
            ticket = _ticket_in(office, state, main)
            desk = services.Desk(repo=repo, actor=Actor(role, Role(role)), clock=office.clock)
            before = repo.read_all()
            snap = office.snap()
            expected = ORACLE_ROWS.get((action, state, role))
            if expected is None:
                with pytest.raises(IllegalTransition):
                    if action == "link_duplicate":
                        outages.link(desk, snap, ticket, snap.ticket(main["id"]))
                    else:
                        outages.unlink(desk, snap, ticket)
                assert repo.read_all() == before, (state, role)
            else:
                if action == "link_duplicate":
                    outages.link(desk, snap, ticket, snap.ticket(main["id"]))
                else:
                    outages.unlink(desk, snap, ticket)
                assert office.ticket(ticket["id"])["status"] == expected, (state, role)
