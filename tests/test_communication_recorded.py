"""2.1 step 6 as the store must hold them: every communication tick and its events, and every refusal, field by field.

Written against mutation survivors of lib/billing.py (`make mutate
MODULES=billing`): each test pins a fact of the procedure that a one-line change
used to slip past. The embedded store only: these are the rules, not the drivers
(tests/test_services.py runs the same use cases on every driver).
"""

from __future__ import annotations

import pytest

from lib import billing
from lib.procedure import IllegalTransition, Role
from lib.validation import ValidationError
from tests.flows import FINANCE, UNIT_MANAGER, Office
from tests.recorded_support import (
    NOW,
    communication_task,
    counts,
    events_of,
)


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo)


# --- 2.1 step 6: the unit manager informs parents and staff ----------------------------


def test_a_tick_records_phase_channel_who_and_when(office):
    task = communication_task(office)
    billing.tick_channel(office.desk(UNIT_MANAGER), task, phase="opgelost", channel="facebook")
    [tick] = office.snap().ticks(task["id"])
    assert {k: tick[k] for k in ("task_id", "phase", "channel", "at", "actor_name")} == {
        "task_id": task["id"],
        "phase": "opgelost",
        "channel": "facebook",
        "at": NOW,
        "actor_name": "Sanne",
    }


@pytest.mark.parametrize(
    "phase, channel, message",
    [
        ("", "klasbord", "Fase: kies een van"),
        ("later", "klasbord", "Fase: kies een geldige"),
        ("storing", "", "Kanaal: kies een van"),
        ("storing", "twitter", "Kanaal: kies een geldige"),
    ],
)
def test_a_tick_on_an_unknown_phase_or_channel_is_refused(office, phase, channel, message):
    task = communication_task(office)
    with pytest.raises(ValueError, match=message):
        billing.tick_channel(office.desk(UNIT_MANAGER), task, phase=phase, channel=channel)
    assert office.snap().ticks(task["id"]) == []


def test_only_the_unit_manager_of_the_location_informs_its_parents(office):
    task = communication_task(office)
    other = type(UNIT_MANAGER)("Piet", Role.UNIT_MANAGER, email="piet@kivido.example")
    with pytest.raises(IllegalTransition, match="unitmanager van"):
        billing.tick_channel(office.desk(other), task, phase="storing", channel="klasbord")
    with pytest.raises(IllegalTransition):
        billing.complete_communication(office.desk(other), task)
    with pytest.raises(IllegalTransition):
        billing.tick_channel(office.desk(FINANCE), task, phase="storing", channel="klasbord")
    # A location passed by the page that is not the task's own is not trusted.
    wrong = office.repo.get("locations", "demo-zonnebloem") | {"id": "elders"}
    billing.tick_channel(
        office.desk(UNIT_MANAGER), task, phase="storing", channel="groep", location=wrong
    )
    assert office.snap().communication_task(task["ticket_id"])["status"] == "open"
    assert counts(office)["communication_ticks"] == 1


def test_completing_the_communication_is_logged_with_its_note(office):
    task = communication_task(office)
    with pytest.raises(ValidationError):
        billing.complete_communication(office.desk(UNIT_MANAGER), task, "x" * 5001)
    note = "Op Klasbord gezet.\nOuders gebeld. " + "x" * 300
    billing.complete_communication(
        office.desk(UNIT_MANAGER),
        task,
        note,
        location=office.repo.get("locations", task["location_id"]),
    )
    assert office.snap().communication_task(task["ticket_id"])["status"] == "afgerond"
    logged = events_of(office, "communication", task["id"])[-1]
    assert (logged["ticket_id"], logged["action"], logged["from_status"]) == (
        task["ticket_id"],
        "complete",
        "open",
    )
    assert (logged["to_status"], logged["note"], logged["at"]) == ("afgerond", note, NOW)
    assert logged["actor_name"] == "Sanne"


def test_a_unit_manager_cannot_pass_their_own_location_for_another_locations_task(office):
    """The page's location is only a shortcut: the task's own location decides."""
    task = communication_task(office)  # De Zonnebloem, Sanne's
    peter = type(UNIT_MANAGER)("Peter", Role.UNIT_MANAGER, email="peter@kivido.example")
    vlinder = office.repo.get("locations", "demo-vlinder")
    before = counts(office)
    with pytest.raises(IllegalTransition, match="unitmanager van"):
        billing.tick_channel(
            office.desk(peter), task, phase="storing", channel="klasbord", location=vlinder
        )
    with pytest.raises(IllegalTransition):
        billing.complete_communication(office.desk(peter), task, location=vlinder)
    assert counts(office) == before
