"""The retention purge (issue 13) at its edges: the shortest period, who may run it, what
its record says, rows added after a purge, a change made while it runs, Dutch time.

Written against mutation survivors of lib/privacy.py (`python -m tests.mutate privacy`).
The embedded store, with a report closed in March 2023.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from lib import privacy, workdays
from lib.config import Config
from lib.procedure import Actor, IllegalTransition, Role
from lib.repository import Conflict, Insert, Update
from lib.repository.base import complete_row
from lib.repository.sql import SqlRepository
from tests.flows import Office

AMS = workdays.AMSTERDAM
MAZ = Actor("Nathalie de Boer", Role.MAZ)


@pytest.fixture
def office(tmp_path) -> Office:
    repo = SqlRepository.at_path(tmp_path / "edges.db")
    repo.setup()
    return Office(repo, start=datetime(2023, 3, 6, 10, 0, tzinfo=AMS))


def closed(office: Office) -> dict:
    ticket = office.submit(description="Printer kapot, bel Ruben op 06-12345678")
    office.urgent_until_closed(office.ticket(ticket["id"]))
    return ticket


def setting(office: Office, months: str) -> None:
    office.repo.commit(
        [Insert("settings", {"id": "s1", "key": "retention_months", "value": months})]
    )


def test_one_month_is_the_shortest_period_and_zero_is_refused_in_dutch(office, capsys):
    closed(office)
    setting(office, "1")
    assert privacy.purge_command(Config(), office.repo, dry_run=True, by="") == 0
    assert capsys.readouterr().out.startswith("Bewaartermijn 1 maanden")
    row = office.repo.get("settings", "s1")
    office.repo.commit([Update("settings", "s1", row["version"], {"value": "0"})])
    assert privacy.purge_command(Config(), office.repo, dry_run=True, by="") == 1
    assert capsys.readouterr().err == (
        "Niet (helemaal) opgeschoond: De bewaartermijn moet minstens 1 maand zijn.\n"
    )


def test_only_the_maz_may_purge_and_is_told_so(office):
    closed(office)
    with pytest.raises(IllegalTransition) as refused:
        privacy.purge(office.repo, Actor("Directeur", Role.DIRECTIE), Config())
    assert str(refused.value) == "Persoonsgegevens opschonen mag alleen de Manager Algemene Zaken."


def test_the_record_names_the_period_and_is_in_dutch_time(office):
    ticket = closed(office)
    december = datetime(2026, 12, 4, 10, 0, tzinfo=AMS)
    privacy.purge(office.repo, MAZ, Config(), clock=lambda: december)
    [event] = [e for e in office.snap().timeline(ticket["id"]) if e["entity"] == "privacy"]
    assert "bewaartermijn 24 maanden" in event["note"]
    assert event["at"] == "2026-12-04T10:00:00+01:00"


def test_the_period_is_counted_in_dutch_time_across_summer_time(office):
    """Closed on 4 January at 09:30 (winter time); with 5 months' retention a purge on
    4 June at 10:00 (summer time) reaches back to 4 January 10:00: the report is past."""
    office.at = datetime(2026, 1, 4, 9, 0, tzinfo=AMS)
    ticket = office.submit(description="Printer kapot")
    office.urgent_until_closed(office.ticket(ticket["id"]))  # closed at 12:30
    office.at = datetime(2026, 1, 5, 9, 0, tzinfo=AMS)
    setting(office, "5")
    snap = office.snap()
    early = datetime(2026, 6, 5, 12, 0, tzinfo=AMS)  # cutoff 5 January 12:00: past
    assert [i.number for i in privacy.plan(snap, now=early, months=5).items] == [ticket["number"]]
    edge = datetime(2026, 6, 4, 12, 45, tzinfo=AMS)  # cutoff 4 January 12:45: 12:30 is past
    assert [i.number for i in privacy.plan(snap, now=edge, months=5).items] == [ticket["number"]]
    before = datetime(2026, 6, 4, 12, 15, tzinfo=AMS)  # cutoff 4 January 12:15: not yet
    assert privacy.plan(snap, now=before, months=5).items == []


def test_a_report_closed_exactly_the_period_ago_is_not_yet_past_it(office):
    """Issue 13 purges reports closed "more than" the period ago: closed on 4 January at
    12:30:00, a purge on 4 June at 12:30:00 with 5 months keeps it, one second later not.
    A view in the access log exactly the period old is kept too."""
    office.at = datetime(2026, 1, 4, 9, 0, tzinfo=AMS)
    ticket = office.submit(description="Printer kapot")
    office.urgent_until_closed(office.ticket(ticket["id"]))  # closed at 12:30
    view = {"id": "v1", "at": "2026-01-04T12:30:00+01:00", "ticket_id": ticket["id"]}
    view |= {"actor_name": "Ruben", "actor_email": "ruben@kivido.example"}
    office.repo.commit([Insert("access_log", complete_row("access_log", view))])
    snap = office.snap()
    closing = privacy.closing_moments(snap)[ticket["id"]]
    assert datetime.fromisoformat(closing) == datetime(2026, 1, 4, 12, 30, tzinfo=AMS)
    exactly = privacy.plan(snap, now=datetime(2026, 6, 4, 12, 30, tzinfo=AMS), months=5)
    assert (exactly.items, exactly.access_rows) == ([], 0)
    later = privacy.plan(snap, now=datetime(2026, 6, 4, 12, 30, 1, tzinfo=AMS), months=5)
    assert [i.number for i in later.items] == [ticket["number"]] and later.access_rows == 1


def test_a_report_closed_after_an_earlier_purge_is_purged_in_full_by_a_later_run(office):
    """The record of an earlier purge stays readable, and what comes after it in the
    events table (another report's whole history) is still purged by the next run."""
    first = closed(office)  # closed in March 2023
    privacy.purge(office.repo, MAZ, Config(), clock=lambda: datetime(2025, 4, 1, 9, tzinfo=AMS))
    office.at = datetime(2025, 5, 6, 10, 0, tzinfo=AMS)
    second = closed(office)
    privacy.purge(office.repo, MAZ, Config(), clock=lambda: datetime(2027, 6, 1, 9, tzinfo=AMS))
    timeline = office.snap().timeline(second["id"])
    history = [e for e in timeline if e["entity"] != "privacy"]
    assert history and {e["actor_name"] for e in history} == {privacy.MARKER}
    assert {e["note"] for e in history} <= {privacy.MARKER, ""}
    records = [e for e in office.snap().timeline(first["id"]) if e["entity"] == "privacy"]
    assert [e["actor_name"] for e in records] == ["Nathalie de Boer"]


def test_a_row_added_after_a_purge_is_purged_by_the_next_run(office):
    ticket = closed(office)
    privacy.purge(office.repo, MAZ, Config())
    late = {"id": "zzz-late", "ticket_id": ticket["id"], "to_address": "ruben@kivido.example"}
    late |= {"subject": "Nog iets", "body": "Bel Ruben", "kind": "status", "status": "verzonden"}
    office.repo.commit([Insert("messages", complete_row("messages", late))])
    privacy.purge(office.repo, MAZ, Config())
    row = office.repo.get("messages", "zzz-late")
    assert (row["to_address"], row["body"]) == (privacy.MARKER, privacy.MARKER)


def test_a_report_changed_while_the_purge_runs_is_a_conflict_and_kept(office, monkeypatch):
    """Test that the purge checks the version of what it read: someone's edit in between
    wins, nothing is half-written, and the next run finds the report again."""
    ticket = closed(office)
    read = office.repo.read

    edits = []

    def read_then_someone_edits(tables):
        rows = read(tables)
        if edits:
            return rows
        edits.append(1)
        now = office.repo.get("tickets", ticket["id"])
        office.repo.commit(
            [Update("tickets", now["id"], now["version"], {"contact_info": "Kamer 2"})]
        )
        return rows

    monkeypatch.setattr(office.repo, "read", read_then_someone_edits)
    with pytest.raises(Conflict):
        privacy.purge(office.repo, MAZ, Config())
    assert office.repo.get("tickets", ticket["id"])["contact_info"] == "Kamer 2"
