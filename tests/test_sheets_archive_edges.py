"""The Sheet's archive at its edges (issue 10 on the Sheet; issue 11's mutation survivors).

Rows from before the change log, fixes made by hand in the worksheets, a row
both in its archive worksheet and (restored by hand) in its live worksheet, and an
archive run by a process that knows the rows from the worksheets alone: nothing is
lost, numbers and invoice numbers are never handed out again, the newest version
of a row wins, and a move costs one read and one write.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from lib.repository import Duplicate, Insert, Update
from lib.repository.base import complete_row
from lib.repository.sheets_cells import row_cells
from tests.flows import Office
from tests.sheets_support import LOG
from tests.test_sheets_archive import _archive, _finished_reports, _fresh, _ids, _live_rows_of

RAW = {"valueInputOption": "RAW"}


def _append_by_hand(repo, table: str, row: dict) -> None:
    """A row typed (or pasted) into a worksheet by a person: the log never saw it."""
    body = {"values": [row_cells(table, complete_row(table, row))]}
    repo._http.values_append(repo.key, f"'{table}'!A1", RAW, body)


def _fix_by_hand(repo, standin, table: str, row_id: str, column: str, value: str) -> None:
    """A typo fixed by hand in a data worksheet (README: the app keeps it)."""
    rows = standin.values(repo.key, table)
    (number,) = [n for n, r in enumerate(rows, start=1) if r and r[0] == row_id]
    cell = f"'{table}'!{chr(65 + rows[0].index(column))}{number}"
    repo._http.values_update(repo.key, cell, RAW, {"values": [[value]]})


def test_a_pre_log_invoice_number_stays_taken_after_a_fresh_process_archived_it(
    sheets_repo, standin
):
    """An order and a paid invoice typed into the Sheet before the log existed (issue 9),
    archived by a process that starts after a compaction (it knows the rows from the
    worksheets alone): everything moves, the invoice number stays taken, and the
    supplier's invoice number, whatever its shape, never moves the report numbering."""
    office = Office(sheets_repo)
    (old,) = _finished_reports(office, 1)
    order = {
        "id": "order-by-hand",
        "ticket_id": old["id"],
        "ordered_at": office.clock().isoformat(),
    }
    _append_by_hand(sheets_repo, "orders", order)
    invoice = {
        "id": "invoice-by-hand",
        "number": "KIV-2026-0900",  # the supplier's number; it happens to look like ours
        "kind": "factuur",
        "status": "betaald",
        "invoice_date": "2026-01-05",
        "amount_excl_cents": 10000,
        "amount_incl_cents": 12100,
        "order_ids": "order-by-hand",
    }
    _append_by_hand(sheets_repo, "invoices", invoice)
    sheets_repo.compact_log(min_age=0)
    mover = _fresh(sheets_repo, standin)
    started = datetime.now().astimezone()
    done = _archive(Office(mover, start=office.clock()))
    assert {t["id"] for t in done.tickets} == {old["id"]}
    assert not _live_rows_of(sheets_repo, standin, {old["id"]})
    for table, row_id in (("orders", "order-by-hand"), ("invoices", "invoice-by-hand")):
        assert row_id not in _ids(standin.values(sheets_repo.key, table)), table
        assert row_id in _ids(standin.values(sheets_repo.key, f"{table}_archief")), table
    # The log says when the move happened, as it does for every change (README).
    moves = [r for r in standin.values(sheets_repo.key, LOG)[1:] if r[1:2] == ["archief"]]
    assert moves
    for row in moves:
        assert datetime.fromisoformat(row[2]) >= started.replace(microsecond=0)
    sheets_repo.compact_log(min_age=0)
    later = _fresh(sheets_repo, standin)
    again = {**invoice, "id": "invoice-again", "number": " kiv-2026-0900 "}
    with pytest.raises(Duplicate):
        later.commit([Insert("invoices", complete_row("invoices", again), unique_column="number")])
    newer = Office(later, start=office.clock()).submit()
    assert newer["number"] == "KIV-2026-0002"  # one above the one report there was


def test_fixes_made_by_hand_in_the_live_worksheets_go_with_the_rows_to_the_archive(
    sheets_repo, standin
):
    """A typo fixed in a report's row while the app's latest change to it is still on its
    way to the worksheet (README: the fix is kept when that change arrives), and one in
    one of its events: the archive keeps the fixes and the app's change, and no later
    write brings a row of the report back into the live worksheets."""
    office = Office(sheets_repo)
    (old,) = _finished_reports(office, 1)
    sheets_repo.compact_log(min_age=0)
    row = sheets_repo.get("tickets", old["id"])
    notes = "Melder gebeld; printer werkt weer"
    sheets_repo.commit([Update("tickets", row["id"], row["version"], {"followup_notes": notes})])
    event = next(e for e in sheets_repo.read(["events"])["events"] if e["ticket_id"] == old["id"])
    _fix_by_hand(sheets_repo, standin, "tickets", old["id"], "description", "Printer hersteld")
    _fix_by_hand(sheets_repo, standin, "events", event["id"], "note", "Melder gebeld (hand)")
    _archive(office)
    office.submit()  # later work writes events and tickets again
    assert not _live_rows_of(sheets_repo, standin, {old["id"]})
    for reader in (sheets_repo, _fresh(sheets_repo, standin)):
        archived = reader.get("tickets", old["id"])
        assert (archived["description"], archived["followup_notes"]) == ("Printer hersteld", notes)
        events = {e["id"]: e for e in reader.read(["events"])["events"]}
        assert events[event["id"]]["note"] == "Melder gebeld (hand)"


def test_an_old_copy_restored_by_hand_in_the_live_worksheet_loses_to_the_newer_archive_copy(
    sheets_repo, standin
):
    """An archived report changed once more (the newer version moved to the archive too);
    then someone undoes the blanking in the live worksheet, so its older version stands
    there again. The newest version wins for every process; and the second move is one
    read and one write, as every move of under 1,000 rows."""
    office = Office(sheets_repo)
    (old,) = _finished_reports(office, 1)
    _archive(office)
    older = [r for r in standin.values(sheets_repo.key, "tickets_archief")[1:] if r]
    row = sheets_repo.get("tickets", old["id"])
    sheets_repo.commit([Update("tickets", row["id"], row["version"], {"description": "Anders"})])
    sheets_repo.compact_log(min_age=0)
    standin.reset_counts()
    assert sheets_repo.move_archived() == 1
    assert standin.count("values.batchGet") == 1  # the one read that plans the move
    assert standin.count("spreadsheets.batchUpdate") == 1  # and its one request
    body = {"values": [older[0]]}
    sheets_repo._http.values_append(sheets_repo.key, "'tickets'!A1", RAW, body)
    assert old["id"] in _ids(standin.values(sheets_repo.key, "tickets"))
    for reader in (sheets_repo, _fresh(sheets_repo, standin)):
        assert reader.get("tickets", old["id"])["description"] == "Anders"
        assert reader.get("tickets", old["id"])["version"] == row["version"] + 1
