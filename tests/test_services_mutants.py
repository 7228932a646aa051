"""lib/services.py's steps as the procedure and issue 14 need them.

2.2 step 3 (the next day's check, at the hour the organisation set) and 2.1 step 6
with issue 14 item 5 (one communication task per outage and location, not one per
report or per person): written against the mutation survivors of lib/services.py
(`python -m tests.mutate services`). The embedded store only: these are the rules,
not the drivers.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from lib import services
from lib.config import Config
from tests.flows import MAZ, Office
from tests.outage_support import HERE, THERE, join, report, staff


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo)


def test_the_next_days_check_falls_at_the_hour_the_organisation_set(office):
    """2.2 step 3: not urgent waits for the next working day's check, at the set hour."""
    ticket = office.submit(category="printen", blocks_office_work=False)
    desk = services.Desk(
        repo=office.repo, actor=MAZ, clock=office.clock, config=Config(check_time=time(10, 30))
    )
    services.triage(desk, office.snap(), office.ticket(ticket["id"]), urgent=False, reason="Wacht")
    assert office.ticket(ticket["id"])["check_due_at"] == "2026-11-24T10:30:00+01:00"


def _tasks(office: Office) -> list[tuple[str, str]]:
    rows = office.repo.read(["communication_tasks"])["communication_tasks"]
    return sorted((t["ticket_id"], t["location_id"]) for t in rows)


def test_one_communication_task_per_outage_and_location(office):
    """Issue 14 item 5: step 6 once per outage and location, however many people it hits.

    A second person at the same location adds no task, no second "open" and no second
    mail to that unit manager; a person at another location adds that location's task;
    another phone outage at the same location is another outage with its own task.
    """
    first = report(office, staff(1), location=HERE, category="telefonie")
    office.triage(first, urgent=True, reason="Geen telefoon")
    join(office, staff(2), first, HERE)
    join(office, staff(3), first, THERE)
    join(office, staff(5), first, THERE)
    second = report(office, staff(4), location=HERE, category="mail")
    office.triage(second, urgent=True, reason="Geen mail")
    expected = sorted([(first["id"], HERE), (first["id"], THERE), (second["id"], HERE)])
    assert _tasks(office) == expected
    snap = office.snap()
    opened = [
        (e["ticket_id"], e["entity_id"])
        for e in snap.rows("events")
        if e["entity"] == "communication" and e["action"] == "open"
    ]
    assert len(opened) == 3 and len(set(opened)) == 3
    tasks = {t["id"]: (t["ticket_id"], t["location_id"]) for t in snap.rows("communication_tasks")}
    assert sorted(tasks[task] for _, task in opened) == expected
    asked = [
        (m["ticket_id"], m["to_address"])
        for m in snap.rows("messages")
        if m["kind"] == "communicatie"
    ]
    here, there = (snap.location(loc)["unit_manager_email"] for loc in (HERE, THERE))
    assert here != there
    assert sorted(asked) == sorted(
        [(first["id"], here), (first["id"], there), (second["id"], here)]
    )


def test_every_location_named_before_the_triage_gets_its_task_at_the_triage(office):
    """Issue 14 item 5: people at two other locations joined the new phone outage before
    the MAZ assessed it; the urgent triage opens step 6 at all three locations."""
    first = report(office, staff(1), location=HERE, category="telefonie")
    join(office, staff(2), first, THERE)
    join(office, staff(3), first, "demo-vlinder")
    assert _tasks(office) == []  # step 6 comes with the assessment
    office.triage(first, urgent=True, reason="Geen telefoon")
    assert _tasks(office) == sorted((first["id"], loc) for loc in (HERE, THERE, "demo-vlinder"))


@pytest.mark.parametrize(
    ("category", "blocks", "suggested"),
    [
        ("telefonie", False, "urgent"),  # 2.1: no telephone traffic is urgent
        ("server", False, "urgent"),  # 2.1: the server is down
        ("printen", True, "urgent"),  # 2.1: office staff cannot work
        ("printen", False, "niet_urgent"),  # 2.2: cannot print
        ("internet_locatie", False, "niet_urgent"),  # 2.2: no internet at a location
    ],
)
def test_the_suggested_urgency_follows_the_procedures_examples(office, category, blocks, suggested):
    """2.1 and 2.2's examples: a suggestion for the MAZ, from the category and whether
    office staff can still work."""
    ticket = office.submit(category=category, blocks_office_work=blocks)
    assert office.ticket(ticket["id"])["suggested_urgency"] == suggested


def test_a_report_just_after_new_year_in_the_netherlands_is_numbered_in_the_new_year(office):
    """The number's year is the year in the Netherlands: 00:30 on 1 January there is
    still 31 December in UTC."""
    office.at = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert office.submit()["number"] == "KIV-2027-0001"


def test_the_receipt_names_the_location_the_report_is_about(office):
    """2.1 steps 1 and 5: the receipt repeats what was reported and where."""
    office.submit(location_id=THERE)
    [receipt] = [m for m in office.repo.read(["messages"])["messages"] if m["kind"] == "ontvangst"]
    assert office.snap().location(THERE)["name"] in receipt["body"]
    assert office.snap().location(HERE)["name"] not in receipt["body"]
