"""The access matrix of issue 7, part 1: every action through the services, as every person.

Allowed: done. Refused: IllegalTransition, logged, and the store unchanged. A
unit manager acts for their own location only. Expectations: tests/access_people.py
and tests/access_actions.py, written by hand from the procedure.
"""

from __future__ import annotations

import logging

import pytest

from lib import billing
from lib.procedure import Actor, Communication, IllegalTransition
from tests.access_actions import ACTIONS
from tests.access_people import PERSONS, REGENBOOG, UM, ZONNEBLOEM, person_id
from tests.access_states import task_at
from tests.access_support import access_warnings
from tests.app_checks import counts
from tests.flows import Office

# ---------------------------------------------------------------------------
# Part 1: every action through the services, as every person
# ---------------------------------------------------------------------------


@pytest.fixture
def repo_office(tmp_path) -> Office:
    from lib.repository.sql import SqlRepository

    repo = SqlRepository.at_path(tmp_path / "services.db")
    repo.setup()
    return Office(repo)


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
