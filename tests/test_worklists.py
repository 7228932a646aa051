"""What waits for whom on Start (issue 12): one list per role, each item once.

Expected numbers come from tests/worklist_fixtures.py, where each report was made
for exactly one list as the procedure assigns it.
"""

from __future__ import annotations

import pytest

from lib import workdays, worklists
from lib.procedure import Actor, Role
from tests.flows import Office
from tests.worklist_fixtures import NOW, STAFF_EMAIL, UNIT_MANAGER_EMAIL, build

CONFIG = workdays.WorkdayConfig()


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo)


def lists_for(office: Office, actor: Actor) -> dict[str, list[str]]:
    found = worklists.for_person(office.snap(), actor, NOW, alert_hours=4, workday_config=CONFIG)
    return {w.key: [i.number for i in w.items] for w in found}


def test_the_maz_sees_checks_due_new_reports_unconfirmed_orders_and_invoices(office):
    f = build(office)
    got = lists_for(office, Actor("Nathalie", Role.MAZ, email="maz@kivido.example"))
    assert got == {
        "checks_overdue": [f.overdue_check],
        "checks_today": [f.today_check],
        "new_reports": [f.new_report],
        "unconfirmed_orders": [f.unconfirmed_order],
        "invoices_to_check": [f.invoice_to_check],
    }


def test_the_directie_sees_the_quotes_waiting(office):
    f = build(office)
    assert lists_for(office, Actor("Stefanie", Role.DIRECTIE, email="d@kivido.example")) == {
        "quotes_waiting": [f.quote_waiting]
    }


def test_finance_sees_the_approved_invoices_to_pay(office):
    f = build(office)
    assert lists_for(office, Actor("Femke", Role.FINANCE, email="f@kivido.example")) == {
        "invoices_to_pay": [f.invoice_to_pay]
    }


def test_a_unit_manager_sees_the_open_tasks_of_their_own_location_only(office):
    f = build(office)
    got = lists_for(office, Actor("Sanne", Role.UNIT_MANAGER, email=UNIT_MANAGER_EMAIL))
    assert got == {"communication_tasks": [f.communication_task], "own_reports": []}
    assert f.other_location_task not in got["communication_tasks"]


def test_staff_see_their_own_open_reports(office):
    f = build(office)
    assert lists_for(office, Actor("Ruben", Role.STAFF, email=STAFF_EMAIL)) == {
        "own_reports": [f.new_report]
    }


def test_a_person_with_several_roles_sees_each_roles_lists(office):
    f = build(office)
    both = Actor("Nathalie", Role.MAZ, email="maz@kivido.example", roles={Role.DIRECTIE})
    got = lists_for(office, both)
    assert got["quotes_waiting"] == [f.quote_waiting]
    assert got["checks_overdue"] == [f.overdue_check]
    assert len(got) == 6


@pytest.mark.parametrize("role", list(Role))
def test_with_nothing_waiting_every_list_is_empty(office, role):
    actor = Actor("Iemand", role, email=UNIT_MANAGER_EMAIL)
    found = worklists.for_person(office.snap(), actor, NOW, alert_hours=4, workday_config=CONFIG)
    assert found and all(not w.items for w in found)
    assert all(w.empty for w in found)


def test_each_line_names_its_page_and_report(office):
    f = build(office)
    found = worklists.for_person(
        office.snap(), Actor("N", Role.MAZ), NOW, alert_hours=4, workday_config=CONFIG
    )
    by_key = {w.key: w for w in found}
    item = by_key["checks_overdue"].items[0]
    assert (item.page, item.number) == ("pages/opvolgen.py", f.overdue_check)
    assert item.text.startswith(f.overdue_check)
    assert by_key["unconfirmed_orders"].items[0].page == "pages/nemesys.py"
    # Ordered Monday 10:00; by Tuesday 13:00 11.5 working hours passed: past the 4-hour signal.
    assert "te lang onbevestigd" in by_key["unconfirmed_orders"].items[0].text
