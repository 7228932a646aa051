"""Issue 14's lists at Melden and Beoordelen, edge by edge: what the summary line says,
whose outage is "mine", the order, and the duplicate window's edge.

Written against mutation survivors of lib/outages.py (`make mutate MODULES=outages`).
The embedded store only (tests/test_outages.py runs issue 14 on every driver).
"""

from __future__ import annotations

import pytest

from lib import outages, services
from lib.config import Config
from lib.procedure import Actor, IllegalTransition, Role
from tests.flows import Office
from tests.outage_support import HERE, THERE, report, staff


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo)


def test_a_single_reporters_outage_of_yesterday_says_since_when_and_where_it_stands(office):
    report(office, staff(1))
    office.later(days=1)
    [known] = outages.known_outages(office.snap(), HERE, staff(2).email, office.at)
    # Not today: the day is part of "since"; one person affected: no count; not at
    # Nemesys yet: nothing expected.
    assert known.summary == (
        "Sinds 23-11-2026 10:00 · de Manager Algemene Zaken beoordeelt de storing"
    )
    assert known.affected_count == 1 and known.mine is False


def test_my_own_report_is_mine_and_the_newest_outage_comes_first(office):
    first = report(office, staff(1))
    office.later(minutes=5)
    second = report(office, staff(2))
    office.later(minutes=5)
    known = outages.known_outages(office.snap(), HERE, "MW1@kivido.example ", office.at)
    assert [k.ticket["id"] for k in known] == [second["id"], first["id"]]
    assert [k.mine for k in known] == [False, True]
    anonymous = outages.known_outages(office.snap(), HERE, "", office.at)
    assert [k.mine for k in anonymous] == [False, False]


def test_every_open_outage_of_the_location_is_listed_not_only_the_first(office):
    elsewhere = report(office, staff(1), location=THERE)
    here = [report(office, staff(i)) for i in (2, 3)]
    known = outages.known_outages(office.snap(), HERE, staff(9).email, office.at)
    assert sorted(k.ticket["id"] for k in known) == sorted(t["id"] for t in here)
    assert elsewhere["id"] not in [k.ticket["id"] for k in known]


def test_a_duplicate_exactly_at_the_windows_edge_counts(office):
    main = report(office, staff(1))
    office.later(hours=24)
    dup = report(office, staff(2))
    assert [t["id"] for t in outages.likely_duplicates(office.snap(), dup, 24)] == [main["id"]]


def test_every_candidate_after_an_unrelated_report_is_still_found(office):
    first = report(office, staff(1))
    report(office, staff(2), category="telefonie")  # another outage in between
    report(office, staff(3), location=THERE)  # another location in between
    third = report(office, staff(4))
    dup = report(office, staff(5))
    found = [t["id"] for t in outages.likely_duplicates(office.snap(), dup, 24)]
    assert sorted(found) == sorted([first["id"], third["id"]])


def test_the_window_is_read_from_the_desks_settings_or_defaults_to_a_day(office):
    desk = services.Desk(office.repo, staff(1), Config(extra={"duplicate_window_hours": "6"}))
    assert outages.window_hours(desk) == 6.0
    assert outages.window_hours(Config(extra={"duplicate_window_hours": ""})) == 24.0
    assert outages.window_hours(Config()) == 24.0


def join(office: Office, who: Actor, ticket: dict, location: str = HERE) -> list[dict]:
    desk = services.Desk(repo=office.repo, actor=who, clock=office.clock)
    snap = office.snap()
    return outages.join(desk, snap, snap.ticket(ticket["id"]), location_id=location)


def test_joining_without_an_address_is_refused_saying_why(office):
    main = report(office, staff(1))
    with pytest.raises(IllegalTransition, match="Zonder e-mailadres kunnen wij u geen berichten"):
        join(office, Actor("Anoniem", Role.STAFF), main)


def test_joining_a_solved_outage_says_to_report_anew(office):
    main = office.triage(report(office, staff(1)), urgent=False, reason="Kan wachten")
    office.follow_up(main, solved=True, notes="Werkt weer")
    with pytest.raises(IllegalTransition, match=r"Werkt het bij u nog niet\? Maak dan een nieuwe"):
        join(office, staff(2), main)


def test_a_join_is_on_the_outages_timeline_and_informs_the_joiners_location(office):
    main = report(office, staff(1), category="telefonie")
    office.triage(main, urgent=True, reason="Geen telefoon")
    join(office, staff(2), main, THERE)
    step = [e for e in office.snap().timeline(main["id"]) if e["entity"] == "affected"][-1]
    assert (step["action"], step["note"]) == ("join", "Medewerker 2 heeft dit ook")
    tasks = office.repo.read(["communication_tasks"])["communication_tasks"]
    assert sorted(t["location_id"] for t in tasks if t["ticket_id"] == main["id"]) == [
        THERE,
        HERE,
    ]
