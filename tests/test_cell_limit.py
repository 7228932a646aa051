"""Google's 50,000-character cell limit (issue 9, bad input): the app never sends a
longer cell. Notes appended without limit stop with a Dutch message well before it,
so the urgent order (whose mail carries the notes) can always be placed."""

from __future__ import annotations

import pytest

from lib import services
from lib.repository import Insert
from lib.validation import ValidationError
from tests.flows import Office

NOTE = "Gebeld met Nemesys, storing op de centrale. " * 110  # ~4,900 characters


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
    assert kept["investigation_notes"].count("Gebeld") == added * 110  # nothing half-added
    office.triage(kept, urgent=True, reason="Kantoor ligt stil")  # the order mail fits
    order_mail = [m for m in office.snap().outbox() if m["kind"] == "opdracht"]
    assert order_mail and len(order_mail[0]["body"]) < 50_000


def test_the_sheet_driver_refuses_a_longer_cell_before_writing(sheets_repo, standin):
    with pytest.raises(ValidationError, match="te lang voor de Google Sheet"):
        sheets_repo.commit([Insert("events", {"id": "e1", "note": "x" * 50_001})])
    assert standin.count("values.append") == standin.count("values.batchUpdate") == 0
    assert sheets_repo.read(["events"])["events"] == []
