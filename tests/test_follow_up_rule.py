"""Opvolgen before the check moment (issue 12; procedure 2.2 steps 3-4).

Step 3 waits 24 hours and checks the next day; step 4 removes a solved report
or orders at Nemesys. Before the check moment: solved is fine; an order is a
reclassification to urgent (2.1 step 2) with the MAZ's reason, then the order.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from lib.procedure import Ticket
from lib.validation import ValidationError
from lib.workdays import AMSTERDAM
from tests.app_checks import counts
from tests.apptest_support import app_store  # noqa: F401

# Work-list cards draw their forms only when opened: these tests open them first.
from tests.cards_support import page_with_open_cards as page
from tests.flows import Office

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)  # check due Tuesday 09:00
MONDAY_15 = datetime(2026, 11, 23, 15, 0, tzinfo=AMSTERDAM)  # before it
TUESDAY_0930 = datetime(2026, 11, 24, 9, 30, tzinfo=AMSTERDAM)  # after it


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo, MONDAY_10)


def steps(office: Office, ticket: dict) -> list[str]:
    return [e["action"] for e in office.snap().timeline(ticket["id"]) if e["entity"] == "ticket"]


def test_before_the_check_moment_solved_removes_the_report(office):
    ticket = office.waiting()
    office.at = MONDAY_15
    assert office.follow_up(ticket, solved=True)["status"] == Ticket.REMOVED


def test_before_the_check_moment_an_order_is_a_reclassification_to_urgent(office):
    ticket = office.waiting()
    office.at = MONDAY_15
    done = office.follow_up(ticket, solved=False, notes="Locatie kan niet werken, kan niet wachten")
    assert done["status"] == Ticket.ORDERED
    assert done["urgency"] == "urgent"
    assert done["urgency_reason"] == "Locatie kan niet werken, kan niet wachten"
    assert steps(office, ticket)[-2:] == ["reclassify_urgent", "place_order"]
    assert office.order(ticket["id"]) is not None


def test_an_early_order_without_a_reason_is_refused_and_changes_nothing(office):
    ticket = office.waiting()
    office.at = MONDAY_15
    before = counts(office.repo)
    with pytest.raises(ValidationError):
        office.follow_up(ticket, solved=False, notes="  ")
    assert counts(office.repo) == before


def test_after_the_check_moment_not_solved_is_the_plain_follow_up_step(office):
    ticket = office.waiting()
    office.at = TUESDAY_0930
    done = office.follow_up(ticket, solved=False, notes="Nog steeds stuk")
    assert done["status"] == Ticket.ORDERED and done["urgency"] == "niet_urgent"
    assert steps(office, ticket)[-1] == "follow_up_not_solved"


def test_the_page_says_so_before_the_check_moment(app_store):  # noqa: F811
    office = Office(app_store, MONDAY_10)
    ticket = office.waiting()
    with time_machine.travel(MONDAY_15, tick=False):
        at = page("pages/opvolgen.py", role="maz").run()
        assert not at.exception
        assert "De controle is pas op 24-11-2026 09:00" in at.info[0].value
        order = at.button(key=f"opvolgen-{ticket['id']}-not-solved")
        assert order.label == "Alsnog urgent: nu opdracht aan Nemesys"
        at.text_area(key=f"opvolgen-{ticket['id']}-notes").input("Kantoor ligt toch stil")
        at = order.click().run()
    assert not at.exception and at.success[0].value.startswith("Alsnog urgent")
    assert office.ticket(ticket["id"])["urgency"] == "urgent"


def test_the_page_offers_the_plain_step_after_the_check_moment(app_store):  # noqa: F811
    office = Office(app_store, MONDAY_10)
    ticket = office.waiting()
    with time_machine.travel(TUESDAY_0930, tick=False):
        at = page("pages/opvolgen.py", role="maz").run()
    order = at.button(key=f"opvolgen-{ticket['id']}-not-solved")
    assert order.label == "Niet opgelost: opdracht aan Nemesys"
    assert not [i for i in at.info if "controle is pas" in i.value]


def test_the_not_urgent_wait_says_its_rule_next_working_day_at_the_check_time(app_store):  # noqa: F811
    """Issue 12: a report assessed at 19:14 is checked the next working day at 09:00."""
    office = Office(app_store, datetime(2026, 12, 3, 19, 14, tzinfo=AMSTERDAM))  # a Thursday
    ticket = office.submit(category="printen", blocks_office_work=False)
    with time_machine.travel(datetime(2026, 12, 3, 19, 14, tzinfo=AMSTERDAM), tick=False):
        at = page("pages/beoordelen.py", role="maz").run()
        at.text_area(key=f"triage-{ticket['id']}-reason").input("Printen kan wachten")
        at = at.button(key=f"triage-{ticket['id']}-not-urgent").click().run()
    assert not at.exception
    said = " ".join(i.value for i in at.info)
    assert "volgende werkdag om 09:00" in said
    assert "vrijdag 04-12-2026 09:00" in said
    assert "24 uur" not in said
