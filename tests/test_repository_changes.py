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
    with pytest.raises(ValueError) as refused:
        check_changes([change])
    assert named in str(refused.value)
    if isinstance(change, Insert):
        assert str(refused.value) == named


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
    assert str(OutcomeUnknown()) == (
        "De Google Sheet reageert niet meer; het is niet zeker of uw wijziging is "
        "opgeslagen. Vernieuw de pagina over een minuut en kijk of ze er staat "
        "voordat u het opnieuw probeert."
    )
    duplicate = Duplicate("invoices", "number", "F-1")
    assert isinstance(duplicate, ValidationError)
    assert duplicate.errors == {"number": "Factuurnummer F-1 is al geregistreerd."}
    assert Duplicate("users", "email", "a@b").errors == {"email": "email a@b is al geregistreerd."}


def test_a_redact_overwrites_text_raises_the_version_and_refuses_a_stale_one(repo):
    repo.commit([Insert("tickets", {"id": "t1", "number": "X-0001", "description": "geheim"})])
    repo.commit([Insert("events", {"id": "e1", "ticket_id": "t1", "note": "geheim"})])
    done = repo.commit([Redact("tickets", "t1", {"description": "[verwijderd]"})])
    assert done[0]["description"] == "[verwijderd]" and done[0]["version"] == 2
    repo.commit([Redact("events", "e1", {"note": "[verwijderd]"})])  # append-only too
    with pytest.raises(Conflict):
        repo.commit([Redact("tickets", "t1", {"description": "x"}, expected_version=1)])
    done = repo.commit([Redact("tickets", "t1", {"contact_info": ""}, expected_version=2)])
    assert done[0]["version"] == 3  # the version the purge read: written
    with pytest.raises(NotFound, match="Niet gevonden: tickets t9."):
        repo.commit([Redact("tickets", "t9", {"description": "x"})])
    with pytest.raises(NotFound, match="Niet gevonden: tickets t9."):
        repo.commit([Update("tickets", "t9", 1, {"description": "x"})])
    rows = repo.read(["tickets", "events"])
    assert rows["tickets"][0]["description"] == "[verwijderd]"
    assert rows["tickets"][0]["version"] == 3
    with pytest.raises(NotFound, match="Niet gevonden: tickets t9."):
        repo.get("tickets", "t9")
    assert rows["events"][0]["note"] == "[verwijderd]"


def test_a_unique_value_written_another_way_is_refused(repo):
    def invoice(row_id: str, number: str) -> Insert:
        return Insert("invoices", {"id": row_id, "number": number}, unique_column="number")

    repo.commit([invoice("i1", "F-2026-1")])
    with pytest.raises(Duplicate) as refused:
        repo.commit([invoice("i2", " f-2026-1 ")])
    assert refused.value.errors == {"number": "Factuurnummer f-2026-1 is al geregistreerd."}
    repo.commit([invoice("i3", "F-2026-2")])
    assert [i["id"] for i in repo.read(["invoices"])["invoices"]] == ["i1", "i3"]


def test_numbers_follow_the_highest_in_use_per_prefix(repo):
    repo.commit([Insert("tickets", {"id": "hand", "number": "KIV-2026-0007"})])  # typed by hand
    numbered = [
        Insert("tickets", {"id": f"t{i}"}, number_prefix=p)
        for i, p in enumerate(["KIV-2026-", "OFF-", "KIV-2026-", "OFF-"])
    ]
    made = [repo.commit([ch])[0]["number"] for ch in numbered]
    assert made == ["KIV-2026-0008", "OFF-0001", "KIV-2026-0009", "OFF-0002"]


def test_a_read_with_columns_holds_only_those(repo):
    repo.commit([Insert("tickets", {"id": "t1", "number": "X-0001", "description": "d"})])
    for live_only in (False, True):
        rows = repo.read(["tickets"], live_only=live_only, columns={"tickets": ["id", "number"]})
        assert rows == {"tickets": [{"id": "t1", "number": "X-0001"}]}


def test_the_sql_store_moves_no_archived_rows(sql_repo):
    """The SQL store filters archived rows in its queries: nothing to move, nothing moved."""
    rows = [{"id": "t1", "number": "X-0001", "archived_at": "2025-01-01T10:00:00+01:00"}]
    sql_repo.commit([Insert("tickets", r) for r in rows])
    before = sql_repo.read(["tickets"])
    assert sql_repo.move_archived() == 0
    assert sql_repo.read(["tickets"]) == before


@pytest.mark.parametrize("kind", ["sql", "postgresql"])
def test_a_number_is_never_handed_out_twice_after_rows_were_removed(request, kind):
    """sql.py: the highest number ever handed out is kept per prefix (demo-reset removes rows)."""
    repo = request.getfixturevalue(f"{kind}_repo")
    for i, prefix in enumerate(["KIV-", "KIV-", "OFF-"]):
        repo.commit([Insert("tickets", {"id": f"t{i}"}, number_prefix=prefix)])
    with repo.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM tickets")
    made = [
        repo.commit([Insert("tickets", {"id": f"n{i}"}, number_prefix=p)])[0]["number"]
        for i, p in enumerate(["KIV-", "OFF-", "NEW-"])
    ]
    assert made == ["KIV-0003", "OFF-0002", "NEW-0001"]


def test_the_sqlite_store_keeps_its_address_and_names_its_file(tmp_path):
    from lib.repository.sql import SqlRepository

    repo = SqlRepository.at_path(tmp_path / "kivido.sqlite")
    assert repo.url == f"sqlite:///{tmp_path / 'kivido.sqlite'}"
    assert repo.label == f"Lokale database ({tmp_path / 'kivido.sqlite'})"
    repo.engine.dispose()
