"""What the repository contract refuses and fills in (lib/repository/base.py's rules).

From the contract: rows are changed only through Insert (a client-made id),
Update (mutable tables only, never `id` or `version`) and Redact (text fields
only, append-only tables included); an unknown column is refused; a new
mutable row starts at version 1 while a migrated one keeps its version; text
of later inserts in one write may hold NUMBER_SLOT, which becomes the number
that write hands out. A refused change writes nothing, on every driver.
"""

from __future__ import annotations

import pytest

from lib.repository.base import (
    NUMBER_SLOT,
    Conflict,
    Duplicate,
    Insert,
    NotFound,
    OutcomeUnknown,
    Redact,
    Update,
    check_changes,
    complete_row,
)
from lib.validation import ValidationError


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (Update("events", "e1", 1, {"action": "x"}), "events is append-only"),
        (Update("tickets", "t1", 1, {"id": "t2"}), "['id']"),
        (Update("tickets", "t1", 1, {"version": 7}), "['version']"),
        (Update("tickets", "t1", 1, {"colour": "red"}), "['colour']"),
        (Redact("tickets", "t1", {"is_demo": False}), "['is_demo']"),
        (Redact("tickets", "t1", {"version": 3}), "['version']"),
        (Redact("quotes", "q1", {"amount_cents": 0}), "['amount_cents']"),
        (Redact("tickets", "t1", {"id": "other"}), "['id']"),
        (Insert("tickets", {"number": "x"}), "an Insert needs a client-made id"),
    ],
)
def test_a_change_the_contract_does_not_allow_is_refused_naming_what(change, named):
    with pytest.raises(ValueError, match=named.replace("[", r"\[").replace("]", r"\]")):
        check_changes([change])


@pytest.mark.parametrize(
    "change",
    [
        Update("tickets", "t1", 1, {"description": "nieuw"}),
        Redact("tickets", "t1", {"description": "[verwijderd]", "contact_info": ""}),
        Redact("events", "e1", {"note": "[verwijderd]"}),  # append-only, still redactable
        Insert("tickets", {"id": "t9"}),
    ],
)
def test_a_change_the_contract_allows_passes(change):
    check_changes([change])


def test_complete_row_fills_defaults_versions_and_refuses_unknown_columns():
    with pytest.raises(ValueError, match=r"tickets has no columns \['colour'\]"):
        complete_row("tickets", {"id": "t1", "colour": "red"})
    assert complete_row("tickets", {"id": "t1"})["version"] == 1
    assert complete_row("tickets", {"id": "t1", "version": 5})["version"] == 5  # migrated
    assert "version" not in complete_row("events", {"id": "e1"})


def test_refused_changes_write_nothing(repo):
    repo.commit([Insert("tickets", {"id": "t1", "number": "X-0001"})])
    before = repo.read(["tickets", "events"])
    for refused in (Redact("tickets", "t1", {"is_demo": True}), Update("events", "e1", 1, {})):
        with pytest.raises(ValueError):  # a valid change first: all or nothing
            repo.commit([Update("tickets", "t1", 1, {"description": "nieuw"}), refused])
    assert repo.read(["tickets", "events"]) == before


def test_a_slot_in_a_later_insert_becomes_the_number_handed_out(repo):
    made = repo.commit(
        [
            Insert("tickets", {"id": "t1"}, number_prefix="KIV-2026-"),
            Insert(
                "messages", {"id": "m1", "ticket_id": "t1", "subject": f"Melding {NUMBER_SLOT}"}
            ),
            Insert("messages", {"id": "m2", "ticket_id": "t1", "subject": "Zonder nummer"}),
        ]
    )
    number = made[0]["number"]
    assert number == "KIV-2026-0001"
    subjects = {m["id"]: m["subject"] for m in repo.read(["messages"])["messages"]}
    assert subjects == {"m1": f"Melding {number}", "m2": "Zonder nummer"}


def test_the_store_s_refusals_speak_dutch_and_name_what():
    assert str(Conflict("tickets", "t1")) == (
        "Iemand anders heeft dit intussen gewijzigd. "
        "De pagina toont nu de nieuwste stand; probeer het opnieuw."
    )
    assert str(NotFound("tickets", "t1")) == "Niet gevonden: tickets t1."
    assert "niet zeker of uw wijziging is opgeslagen" in str(OutcomeUnknown())
    duplicate = Duplicate("invoices", "number", "F-1")
    assert isinstance(duplicate, ValidationError)
    assert duplicate.errors == {"number": "Factuurnummer F-1 is al geregistreerd."}
    assert Duplicate("users", "email", "a@b").errors == {"email": "email a@b is al geregistreerd."}
