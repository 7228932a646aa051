"""Planning a commit on the Sheet (lib/repository/sheets_plan.py), and the log's verdict.

The Sheet driver checks a commit against the rows it read (`plan`) and the change
log decides it (sheets_log.Fold). What the SQL store answers is the yardstick: the
same refusals with the same table, row and message; a taken invoice number refused
whoever comes second; a purge's redaction raising the version by exactly one.
Pure functions, so most of this runs without the stand-in; the last tests race two
processes on it.
"""

from __future__ import annotations

import pytest

from lib.repository.base import Conflict, Duplicate, Insert, NotFound, Redact, Update
from lib.repository.sheets_log import Fold
from lib.repository.sheets_plan import (
    CELL_LIMIT,
    Sheet,
    mended,
    overlay,
    plan,
    plannable_without,
    refusal,
    typed_row,
)
from lib.schema import TABLES, empty_row
from lib.validation import ValidationError
from tests.sheets_support import other_process

AT = "2026-12-05T10:00:00Z"
TEXTS = frozenset({"body", "html_body"})  # the mail texts a page view leaves out


def ticket(row_id: str = "t1", version: int = 1, **values) -> dict:
    return {**empty_row("tickets"), "id": row_id, "version": version, **values}


def invoice(row_id: str, number: str) -> Insert:
    return Insert("invoices", {"id": row_id, "number": number}, unique_column="number")


def decided(fold: Fold, *entries) -> list:
    """Apply the entries to the log in order; each one's outcome."""
    for entry in entries:
        fold.apply(entry, fold.count + 1)
    return [fold.outcomes[e.change_id] for e in entries]


# -- refusals: the table and row of the SQL store's, at planning and from the log


def test_an_update_of_a_row_not_read_is_not_found_with_its_table_and_id():
    with pytest.raises(NotFound) as caught:
        plan({"tickets": {}}, [Update("tickets", "t9", 1, {"status": "x"})], AT)
    assert (caught.value.table, caught.value.row_id) == ("tickets", "t9")
    assert str(caught.value) == "Niet gevonden: tickets t9."


def test_a_stale_update_is_a_conflict_with_its_table_and_id():
    state = {"tickets": {"t1": ticket(version=2)}}
    with pytest.raises(Conflict) as caught:
        plan(state, [Update("tickets", "t1", 1, {"status": "x"})], AT)
    assert (caught.value.table, caught.value.row_id) == ("tickets", "t1")


def test_a_redact_of_a_row_not_read_is_not_found_with_its_table_and_id():
    with pytest.raises(NotFound) as caught:
        plan({"events": {}}, [Redact("events", "e9", {"note": "[verwijderd]"})], AT)
    assert (caught.value.table, caught.value.row_id) == ("events", "e9")


def test_a_stale_redact_is_a_conflict_with_its_table_and_id():
    state = {"tickets": {"t1": ticket(version=3)}}
    with pytest.raises(Conflict) as caught:
        plan(state, [Redact("tickets", "t1", {"description": "x"}, expected_version=2)], AT)
    assert (caught.value.table, caught.value.row_id) == ("tickets", "t1")


def test_the_log_refuses_the_second_of_two_updates_from_one_version():
    """Two processes planned on the same read; the first in the log wins."""
    state = {"tickets": {"t1": ticket()}}
    fold = Fold(rows={"tickets": {"t1": ticket()}}, count=1)
    first, _ = plan(state, [Update("tickets", "t1", 1, {"status": "urgent"})], AT)
    second, _ = plan(state, [Update("tickets", "t1", 1, {"status": "niet urgent"})], AT)
    won, lost = decided(fold, first, second)
    assert won.won and not lost.won
    error = refusal(lost)
    assert isinstance(error, Conflict)
    assert (error.table, error.row_id) == ("tickets", "t1")
    assert fold.rows["tickets"]["t1"]["status"] == "urgent"


def test_the_log_refuses_a_redact_planned_on_a_version_it_has_passed():
    """The purge never blanks a report edited after the purge read it."""
    state = {"tickets": {"t1": ticket()}}
    fold = Fold(rows={"tickets": {"t1": ticket()}}, count=1)
    edit, _ = plan(state, [Update("tickets", "t1", 1, {"description": "Nieuw"})], AT)
    purge, _ = plan(state, [Redact("tickets", "t1", {"description": "x"}, 1)], AT)
    assert [o.won for o in decided(fold, edit, purge)] == [True, False]
    assert fold.rows["tickets"]["t1"]["description"] == "Nieuw"


def test_a_redact_raises_the_version_by_one_also_for_a_row_from_before_the_log():
    """A row the log has not seen is taken as its writer planned it."""
    state = {"tickets": {"t1": ticket(version=3, description="Telefoon Jan")}}
    fold = Fold(count=1)
    entry, (result,) = plan(state, [Redact("tickets", "t1", {"description": "x"}, 3)], AT)
    assert result["version"] == 4 and result["description"] == "x"
    decided(fold, entry)
    assert fold.rows["tickets"]["t1"]["version"] == 4


def test_a_taken_invoice_number_is_refused_before_anything_is_sent():
    """Also when typed in other case and with spaces around it, as in Facturen."""
    state = {"invoices": {"i1": {**empty_row("invoices"), "id": "i1", "number": "F-2026-001"}}}
    with pytest.raises(Duplicate) as caught:
        plan(state, [invoice("i2", "  f-2026-001 ")], AT)
    assert (caught.value.table, caught.value.column) == ("invoices", "number")
    assert caught.value.errors == {"number": "Factuurnummer f-2026-001 is al geregistreerd."}


def test_the_log_refuses_an_invoice_number_planned_twice_on_the_same_read():
    state = {"invoices": {}}
    fold = Fold(count=1)
    first, _ = plan(state, [invoice("i1", "F-7")], AT)
    second, _ = plan(state, [invoice("i2", " F-7 ")], AT)
    won, lost = decided(fold, first, second)
    assert won.won and not lost.won
    error = refusal(lost)
    assert isinstance(error, Duplicate)
    assert (error.table, error.column, error.value) == ("invoices", "number", "F-7")
    assert error.errors == {"number": "Factuurnummer F-7 is al geregistreerd."}
    assert list(fold.rows["invoices"]) == ["i1"]


def test_two_changes_to_one_row_in_one_commit_build_on_each_other():
    state = {"tickets": {}}
    _, results = plan(
        state,
        [
            Insert("tickets", {"id": "t1", "status": "nieuw", "description": "Printer"}),
            Update("tickets", "t1", 1, {"status": "urgent"}),
            Update("tickets", "t1", 2, {"urgency_reason": "Kantoor ligt stil"}),
        ],
        AT,
    )
    last = results[-1]
    assert (last["version"], last["status"], last["description"]) == (3, "urgent", "Printer")
    assert last["urgency_reason"] == "Kantoor ligt stil"


# -- what may be planned on a read without some columns


def test_an_update_on_rows_read_without_texts_needs_its_row_read_whole():
    rows = {"m1": {"id": "m1"}}
    update = Update("messages", "m1", 1, {"status": "verstuurd"})
    assert not plannable_without(TEXTS, update, rows, whole=set())
    assert plannable_without(TEXTS, update, rows, whole={"m1"})
    assert plannable_without(frozenset(), update, rows, whole=set())


def test_a_new_row_needs_the_columns_its_number_and_unique_value_are_checked_on():
    numbered = Insert("tickets", {"id": "t2"}, number_prefix="T-")
    plain = Insert("tickets", {"id": "t2"})
    both = Insert("invoices", {"id": "i2"}, number_prefix="F-", unique_column="order_ids")
    rows = {"t1": {"id": "t1"}}
    assert plannable_without(TEXTS, numbered, rows, set())
    assert not plannable_without(frozenset({"number"}), numbered, rows, set())
    assert plannable_without(frozenset({"number"}), plain, rows, set())
    assert not plannable_without(frozenset({"number"}), both, rows, set())
    assert not plannable_without(frozenset({"order_ids"}), both, rows, set())
    assert not plannable_without(frozenset({"number"}), invoice("i2", "F-1"), rows, set())
    assert plannable_without(TEXTS, invoice("i2", "F-1"), rows, set())


# -- the worksheet's rows and the log laid over them


def test_a_redacted_event_lags_until_the_worksheet_shows_the_redaction():
    event = {**empty_row("events"), "id": "e1", "note": "Gebeld met Jan de Vries"}
    purged = {**event, "note": "[verwijderd]"}
    fold = Fold(rows={"events": {"e1": purged}}, redactions={("events", "e1"): {"note": ("x", 5)}})
    behind = Sheet(rows={"e1": event}, position={"e1": 2}, next_row=3)
    caught_up = Sheet(rows={"e1": purged}, position={"e1": 2}, next_row=3)
    assert overlay("events", behind, fold) == ({"e1": purged}, ["e1"])
    assert overlay("events", caught_up, fold) == ({"e1": purged}, [])


def test_a_hand_fix_stays_where_the_app_changed_other_fields():
    before = ticket(description="Printr hapert", status="nieuw")
    shown = ticket(description="Printer hapert", status="nieuw")  # fixed by hand
    logged = ticket(version=2, description="Printr hapert", status="urgent")
    assert mended(shown, logged, before) == {**logged, "description": "Printer hapert"}
    both = ticket(version=2, description="Printer hapert (app)", status="urgent")
    assert mended(shown, both, before) == both  # both changed it: the app's change wins
    assert mended(ticket(version=2), logged, before) == logged  # not the version it fixed


def test_blank_columns_not_read_are_never_taken_for_a_hand_fix():
    before = {**empty_row("messages"), "id": "m1", "version": 1, "body": "Beste Jan", "to": "a"}
    shown = {**before, "body": "", "to": "b"}  # texts not read; the address fixed by hand
    logged = {**before, "version": 2, "status": "verstuurd"}
    assert mended(shown, logged, before, TEXTS) == {**logged, "to": "b"}


# -- cells Google refuses, values of the wrong type


def test_a_cell_of_exactly_50000_characters_is_written_one_more_is_refused():
    state = {"tickets": {}}
    fits = Insert("tickets", {"id": "t1", "description": "x" * CELL_LIMIT})
    assert plan(state, [fits], AT)[1][0]["description"] == "x" * 50_000
    for text in ("x" * 50_001, "=" + "x" * 49_999):  # the apostrophe before '=' counts
        with pytest.raises(ValidationError) as caught:
            plan(state, [Insert("tickets", {"id": "t1", "description": text})], AT)
        assert caught.value.errors == {
            "Omschrijving": "'Omschrijving' is te lang voor de Google Sheet "
            "(meer dan 50.000 tekens). Er is niets opgeslagen."
        }


def test_a_yes_no_column_takes_only_yes_or_no():
    table = TABLES["tickets"]
    assert typed_row(table, {"blocks_office_work": 1, "is_demo": 0}) == {
        "blocks_office_work": True,
        "is_demo": False,
    }
    for wrong in (2, 1.0, "ja"):
        with pytest.raises(ValueError) as caught:
            typed_row(table, {"blocks_office_work": wrong})
        assert str(caught.value) == (
            f"tickets.blocks_office_work: {wrong!r} past niet bij type bool"
        )


# -- two processes on the stand-in


@pytest.fixture
def pair(make_sheets_repo):
    """Two processes, each checking its commits on the copy its last view read."""
    first = make_sheets_repo()
    first.worksheet_refresh = 60.0
    return first, other_process(first, worksheet_refresh=60.0)


def test_an_invoice_number_registered_meanwhile_elsewhere_is_refused_once(pair):
    mine, theirs = pair
    mine.read(["invoices"])  # my Facturen page, before they register F-2026-014
    theirs.commit([invoice("i1", "F-2026-014")])
    with pytest.raises(Duplicate) as caught:
        mine.commit([invoice("i2", "f-2026-014")])
    assert caught.value.errors == {"number": "Factuurnummer f-2026-014 is al geregistreerd."}
    for process in (mine, theirs, other_process(mine)):
        assert [r["id"] for r in process.read(["invoices"])["invoices"]] == ["i1"]
