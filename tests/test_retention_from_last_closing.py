"""Issue 13's retention period runs from when a report was (last) closed.

Written against mutation survivors of lib/privacy.py's `closing_moments`: a report
reopened and closed again counts from its second closing, resolving is not closing,
and the answer does not depend on the order in which the store returns the events.
The embedded store; `privacy.plan` with a fixed "now" and 24 months' retention.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from lib import privacy, services, workdays
from lib.repository import Insert
from lib.repository.base import complete_row
from lib.snapshot import Snapshot
from tests.flows import Office

AMS = workdays.AMSTERDAM
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=AMS)  # cutoff at 24 months: 04-12-2024


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo, start=datetime(2023, 3, 6, 10, 0, tzinfo=AMS))


def planned(office: Office, *, reverse: bool = False) -> list[str]:
    """The plan's lines per report; `reverse`: the store returns the events newest first."""
    tables = office.repo.read(privacy.TABLES_READ)
    if reverse:
        tables = {**tables, "events": list(reversed(tables["events"]))}
    return privacy.plan(Snapshot(tables), now=NOW, months=24).lines()[1:-1]


def closed_in_2023(office: Office) -> dict:
    ticket = office.submit(description="Printer kapot")
    office.urgent_until_closed(office.ticket(ticket["id"]))
    return ticket


def again_at_nemesys(office: Office, ticket: dict) -> None:
    services.reopen(office.desk(), office.ticket(ticket["id"]), "Weer kapot")
    services.confirm_order(
        office.desk(), office.ticket(ticket["id"]), office.order(ticket["id"]), reference="NEM-2"
    )


@pytest.mark.parametrize("reverse", [False, True], ids=["oldest-first", "newest-first"])
def test_a_report_closed_again_counts_from_its_last_closing(office, reverse):
    """Test that a report closed in 2023, reopened and closed again in June 2025 is not past
    24 months in December 2026, whatever order the events come in."""
    ticket = closed_in_2023(office)
    office.at = datetime(2025, 6, 2, 10, 0, tzinfo=AMS)
    again_at_nemesys(office, ticket)
    services.resolve(office.desk(), office.ticket(ticket["id"]))
    services.close(office.desk(), office.ticket(ticket["id"]))
    assert planned(office, reverse=reverse) == []


def test_resolving_before_the_cutoff_and_closing_after_it_is_not_yet_past(office):
    """Test that the period runs from closing, not from solving: solved 20-11-2024 and
    closed 10-12-2024 is not past 24 months on 04-12-2026."""
    ticket = closed_in_2023(office)
    office.at = datetime(2024, 11, 20, 10, 0, tzinfo=AMS)
    again_at_nemesys(office, ticket)
    services.resolve(office.desk(), office.ticket(ticket["id"]))
    office.at = datetime(2024, 12, 10, 10, 0, tzinfo=AMS)
    services.close(office.desk(), office.ticket(ticket["id"]))
    assert planned(office) == []
    office.at = datetime(2024, 12, 1, 10, 0, tzinfo=AMS)
    other = closed_in_2023(office)  # closed 01-12-2024: past
    assert [line.split(",")[0] for line in planned(office)] == [
        f"{other['number']}: afgesloten op 01-12-2024"
    ]


def test_a_closed_report_without_history_counts_from_its_last_change(office):
    """Test that a report imported by hand as closed, with no steps recorded, is taken as
    closed when its row last changed (not when it was made)."""
    row = {"id": "t-hand", "number": "KIV-2022-0001", "status": "afgesloten"}
    row |= {"created_at": "2022-01-10T10:00:00+01:00", "updated_at": "2023-03-06T10:00:00+01:00"}
    row |= {"location_id": "demo-zonnebloem", "category": "printen", "description": "Oud"}
    office.repo.commit([Insert("tickets", complete_row("tickets", row))])
    assert [line.split(",")[0] for line in planned(office)] == [
        "KIV-2022-0001: afgesloten op 06-03-2023"
    ]


def test_a_closed_report_without_history_or_change_counts_from_when_it_was_made(office):
    row = {"id": "t-made", "number": "KIV-2022-0002", "status": "verwijderd"}
    row |= {"created_at": "2022-01-10T10:00:00+01:00", "updated_at": ""}
    row |= {"location_id": "demo-zonnebloem", "category": "printen", "description": "Oud"}
    office.repo.commit([Insert("tickets", complete_row("tickets", row))])
    assert [line.split(",")[0] for line in planned(office)] == [
        "KIV-2022-0002: afgesloten op 10-01-2022"
    ]
