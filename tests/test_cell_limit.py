"""Google's 50,000-character cell limit (issue 9, bad input): the app never sends a
longer cell. Notes appended without limit stop with a Dutch message well before it,
so the order to Nemesys (whose mail carries the notes) can always be placed."""

from __future__ import annotations

import pytest

from lib import services
from lib.repository import Insert
from lib.validation import ValidationError
from tests.flows import Office

# 4,500 characters that HTML escaping makes four times as long
NOTE = "Gebeld: " + "<&>" * 1497


def test_notes_stop_with_a_dutch_message_and_the_order_still_goes(repo):
    office = Office(repo)
    ticket = office.submit()
    added = 0
    with pytest.raises(ValidationError) as refused:
        for _ in range(20):
            services.add_investigation_note(office.desk(), office.ticket(ticket["id"]), NOTE)
            added += 1
    assert "notities bij deze melding zijn vol" in str(refused.value)
    kept = office.ticket(ticket["id"])
    assert len(kept["investigation_notes"]) <= services.MAX_NOTES
    assert kept["investigation_notes"].count("Gebeld") == added  # nothing half-added
    office.triage(kept, urgent=False, reason="Kan wachten")
    office.later(days=1)
    office.follow_up(office.ticket(ticket["id"]), solved=False, notes=NOTE)  # an order, both notes
    [order_mail] = [m for m in office.snap().rows("messages") if m["kind"] == "opdracht"]
    assert len(order_mail["body"]) < 50_000
    assert order_mail["body"].count("Gebeld") == added + 1  # every note in the order
    assert len(order_mail["html_body"]) < 50_000  # left out when escaping made it too long


def test_the_sheet_driver_refuses_a_longer_cell_before_writing(sheets_repo, standin):
    with pytest.raises(ValidationError, match="te lang voor de Google Sheet"):
        sheets_repo.commit([Insert("events", {"id": "e1", "note": "x" * 50_001})])
    assert standin.count("values.append") == standin.count("values.batchUpdate") == 0
    assert sheets_repo.read(["events"])["events"] == []
