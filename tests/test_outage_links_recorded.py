"""Issue 14's linking and "Ik heb dit ook", what each leaves in the store, step by step.

Written against mutation survivors of lib/outages.py (`python -m tests.mutate outages`).
Expectations come from issue 14 (one outage, one order; the reporter becomes affected
on the main report and is told so; a link can be undone while the main report is open)
and the Dutch labels the pages show (timeline, Postvak). The embedded store only.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from lib import affected, outages, queues, workdays
from lib.procedure import Actor, IllegalTransition, Role, Ticket
from lib.repository import Conflict, Update
from tests.flows import Office
from tests.outage_support import HERE, THERE, join, link, report, staff, unlink


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo)


def labels_on_main(office: Office, main: dict) -> list[str]:
    """The timeline labels of the bookkeeping steps on the main report."""
    steps = [e for e in office.snap().timeline(main["id"]) if e["entity"] == "affected"]
    return [affected.EVENT_LABELS.get(e["action"], e["action"]) for e in steps]


def test_a_report_made_just_after_midnight_is_of_today(office):
    """Test that a report made at 00:30 Dutch time says only its time later that day."""
    office.at = datetime(2026, 11, 24, 0, 30, tzinfo=workdays.AMSTERDAM)
    report(office, staff(1))
    office.at = datetime(2026, 11, 24, 8, 0, tzinfo=workdays.AMSTERDAM)
    [known] = outages.known_outages(office.snap(), HERE, staff(2).email, office.at)
    assert known.summary.startswith("Sinds 00:30 · ")


def test_the_report_already_assessed_is_offered_first(office):
    """Test that among likely duplicates the one already triaged (the outage's order) comes
    before an older one not yet assessed: linking to it keeps one outage, one order."""
    untriaged = report(office, staff(1))
    office.later(minutes=5)
    assessed = office.triage(report(office, staff(2)), urgent=True, reason="Printer stuk")
    office.later(minutes=5)
    new = report(office, staff(3))
    found = outages.likely_duplicates(office.snap(), new, 24)
    assert [t["id"] for t in found] == [assessed["id"], untriaged["id"]]


def test_the_refusals_say_exactly_why(office):
    """Test the Dutch refusal texts in full: no address, a solved outage."""
    main = report(office, staff(1))
    with pytest.raises(IllegalTransition) as no_address:
        join(office, Actor("Anoniem", Role.STAFF), main)
    assert str(no_address.value) == "Zonder e-mailadres kunnen wij u geen berichten sturen."
    office.triage(main, urgent=False, reason="Kan wachten")
    office.follow_up(main, solved=True, notes="Werkt weer")
    with pytest.raises(IllegalTransition) as solved:
        join(office, staff(2), main)
    assert str(solved.value) == (
        f"Storing {main['number']} is intussen opgelost of afgesloten. "
        "Werkt het bij u nog niet? Maak dan een nieuwe melding."
    )


def test_a_join_that_keeps_meeting_conflicts_fails_instead_of_pretending(office, monkeypatch):
    """Test that a join whose every attempt is a Conflict raises it: nobody is told they are
    recorded when they are not."""
    main = report(office, staff(1))

    def conflict(changes):
        raise Conflict("affected", "x")

    monkeypatch.setattr(office.repo, "commit", conflict)
    with pytest.raises(Conflict):
        join(office, staff(2), main)


def test_one_person_can_be_affected_by_two_outages(office):
    """Test that "Ik heb dit ook" on two different outages records the person on both."""
    printer = report(office, staff(1), category="printen")
    phone = report(office, staff(3), category="telefonie")
    join(office, staff(2), printer)
    join(office, staff(2), phone)
    snap = office.snap()
    assert affected.count(snap, snap.ticket(printer["id"])) == 2
    assert affected.count(snap, snap.ticket(phone["id"])) == 2


def test_joining_twice_writes_nothing_the_second_time(office):
    """Test that a second press changes nothing: no second timeline step, no new version."""
    main = report(office, staff(1))
    office.later(minutes=1)
    assert join(office, staff(2), main) != []
    version = office.ticket(main["id"])["version"]
    office.later(minutes=1)
    assert join(office, staff(2), main) == []
    assert office.ticket(main["id"])["version"] == version
    assert labels_on_main(office, main) == ["Ik heb dit ook"]


def test_a_join_marks_the_main_report_as_changed_then(office):
    """Test that the main report's last change is the moment someone joined."""
    main = report(office, staff(1))
    office.later(hours=2)
    join(office, staff(2), main)
    assert office.ticket(main["id"])["updated_at"] == office.at.isoformat(timespec="seconds")


def test_a_link_is_recorded_on_both_reports_and_the_reporter_gets_a_status_mail(office):
    """Test that the linked report's step says which report it belongs to, the main report's
    timeline shows "Melding gekoppeld", and the reporter's mail is a status mail."""
    main = office.triage(report(office, staff(1)), urgent=True, reason="Printer stuk")
    dup = report(office, staff(2))
    link(office, dup, main)
    [step] = [e for e in office.snap().timeline(dup["id"]) if e["action"] == "link_duplicate"]
    assert main["number"] in step["note"]
    assert labels_on_main(office, main) == ["Melding gekoppeld"]
    told = [m for m in office.repo.read(["messages"])["messages"] if m["ticket_id"] == dup["id"]]
    kinds = [queues.MESSAGE_KINDS.get(m["kind"]) for m in told]
    assert kinds[-1] == "Statusbericht aan melder"
    assert told[-1]["to_address"] == staff(2).email


def test_who_joined_the_linked_report_becomes_affected_on_the_main_report(office):
    """Test that a person affected on the duplicate is affected on the main report after the
    link (everyone affected gets the main report's updates)."""
    main = report(office, staff(1))
    dup = report(office, staff(2))
    join(office, staff(3), dup)
    link(office, dup, main)
    snap = office.snap()
    emails = [
        r["email"] for r in affected.recipients(snap.ticket(main["id"]), snap.rows("affected"))
    ]
    assert sorted(emails) == [staff(2).email, staff(3).email]


def test_linking_the_same_reporters_second_report_adds_nobody(office):
    """Test that the main report's own reporter, reporting twice, is not counted twice."""
    main = report(office, staff(1))
    dup = report(office, staff(1))
    link(office, dup, main)
    assert affected.count(office.snap(), office.ticket(main["id"])) == 1
    assert office.repo.read(["affected"])["affected"] == []


def test_a_linked_phone_report_adds_its_location_to_the_communication_task(office):
    """Test that linking a report from another location to an assessed phone outage makes
    step 6's task for that location too (one per outage and location)."""
    main = office.triage(report(office, staff(1), category="telefonie"), urgent=True)
    dup = report(office, staff(2), location=THERE, category="telefonie")
    link(office, dup, main)
    tasks = office.repo.read(["communication_tasks"])["communication_tasks"]
    assert sorted(t["location_id"] for t in tasks if t["ticket_id"] == main["id"]) == [
        THERE,
        HERE,
    ]


def test_undo_then_link_again_then_undo_again(office):
    """Test that a link undone and made again can be undone again: the link is active only
    while it stands, and each undo is on both timelines."""
    main = report(office, staff(1))
    dup = report(office, staff(2))
    link(office, dup, main)
    unlink(office, dup)
    assert affected.active_link(office.snap(), dup["id"]) is None
    link(office, dup, main)
    assert affected.active_link(office.snap(), dup["id"])["main_ticket_id"] == main["id"]
    unlink(office, dup)
    assert office.ticket(dup["id"])["status"] == Ticket.NEW
    assert affected.active_link(office.snap(), dup["id"]) is None
    assert len(office.repo.read(["links"])["links"]) == 1
    undone = [e for e in office.snap().timeline(dup["id"]) if e["action"] == "unlink"]
    assert [main["number"] in e["note"] for e in undone] == [True, True]
    assert labels_on_main(office, main) == [
        "Melding gekoppeld",
        "Koppeling ongedaan gemaakt",
        "Melding gekoppeld",
        "Koppeling ongedaan gemaakt",
    ]


def test_undo_of_a_report_whose_link_is_gone_is_refused_saying_so(office):
    """Test that a report marked linked without a standing link (a hand-edited store) is
    refused with a Dutch message naming it, nothing changed."""
    main = report(office, staff(1))
    dup = report(office, staff(2))
    link(office, dup, main)
    row = office.repo.get("links", dup["id"])
    office.repo.commit([Update("links", row["id"], row["version"], {"active": False})])
    with pytest.raises(IllegalTransition) as refused:
        unlink(office, dup)
    assert str(refused.value) == f"Melding {dup['number']} is niet gekoppeld."
    assert office.ticket(dup["id"])["status"] == Ticket.LINKED
