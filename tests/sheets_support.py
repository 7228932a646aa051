"""Small helpers of the Sheet driver's tests: a ticket to insert, the write requests counted."""

from __future__ import annotations

from lib.repository.base import Insert

WRITES = ("values.batchUpdate", "values.update", "values.append", "spreadsheets.batchUpdate")
NEVER = ("values.clear", "values.batchClear", "values.update")
LOG = "_wijzigingen"


def ticket(ticket_id: str, **values) -> Insert:
    return Insert("tickets", {"id": ticket_id, **values}, number_prefix="KIV-2026-")


def writes(standin) -> int:
    return sum(standin.count(kind) for kind in WRITES)
