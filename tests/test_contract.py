"""The repository contract, run against both drivers (ids "sql" and "sheets")."""

from __future__ import annotations

import threading

import pytest

from lib.repository.base import Conflict, Insert, NotFound, Update
from lib.schema import TABLES, empty_row

TRICKY_TEXT = [
    "=1+1",
    "+31 6 12345678",
    "-x",
    "@x",
    "\tx",
    "\rx",
    "'quoted",
    "''twice",
    '=HYPERLINK("http://evil")',
    "plain",
    "",
]
WORLD_TEXT = [
    "Telefoon ligt eruit 📞🔥",
    "电话线路中断",
    "الهاتف لا يعمل",
    "Crèche Zonnebloem, café, naïve, Ĳsselmonde",
    "regel 1\nregel 2\r\nregel 3\n",
    "  spaties rondom  ",
]


def ticket(ticket_id: str, **values) -> Insert:
    # Real tickets always get a number; the SQL store keeps numbers unique.
    return Insert("tickets", {"id": ticket_id, "status": "nieuw", **values}, number_prefix="T-")


def rows_by_id(repo, table: str = "tickets") -> dict[str, dict]:
    return {r["id"]: r for r in repo.read([table])[table]}


def test_create_read_update(repo):
    """Test that an inserted row reads back whole and an update bumps its version."""
    [created] = repo.commit([ticket("t1", description="Printer kapot")])
    assert created["version"] == 1
    stored = repo.get("tickets", "t1")
    assert stored == {**empty_row("tickets"), **created}
    assert list(stored) == TABLES["tickets"].column_names

    [updated] = repo.commit([Update("tickets", "t1", 1, {"status": "beoordeeld"})])
    assert updated["version"] == 2 and updated["status"] == "beoordeeld"
    assert updated["description"] == "Printer kapot"
    assert repo.get("tickets", "t1") == updated


def test_read_returns_proper_types(repo):
    """Test that int, bool and text columns come back as int, bool and str."""
    repo.commit(
        [
            Insert("quotes", {"id": "q1", "amount_cents": 123456, "ticket_id": "t1"}),
            ticket("t1", blocks_office_work=True, is_demo=False),
            Insert("events", {"id": "e1", "ticket_id": "t1", "note": "12"}),
        ]
    )
    data = repo.read(["quotes", "tickets", "events"])
    quote, tick, event = data["quotes"][0], data["tickets"][0], data["events"][0]
    assert quote["amount_cents"] == 123456 and type(quote["amount_cents"]) is int
    assert type(quote["version"]) is int
    assert tick["blocks_office_work"] is True and tick["is_demo"] is False
    assert tick["description"] == "" and type(tick["description"]) is str
    assert event["note"] == "12" and type(event["note"]) is str
    assert "version" not in event  # append-only tables carry no version


def test_read_of_several_tables_and_empty_ones(repo):
    """Test that read answers every asked table, also empty ones, and nothing else."""
    repo.commit([ticket("t1")])
    data = repo.read(["tickets", "orders", "settings"])
    assert set(data) == {"tickets", "orders", "settings"}
    assert len(data["tickets"]) == 1 and data["orders"] == [] and data["settings"] == []
    assert set(repo.read_all()) == set(TABLES)


def test_stale_version_is_refused_and_changes_nothing(repo):
    """Test that an update based on an old version raises Conflict and writes nothing."""
    repo.commit([ticket("t1", description="eerste")])
    repo.commit([Update("tickets", "t1", 1, {"description": "tweede"})])
    with pytest.raises(Conflict) as caught:
        repo.commit([Update("tickets", "t1", 1, {"description": "derde"})])
    assert caught.value.table == "tickets" and caught.value.row_id == "t1"
    assert "Iemand anders" in str(caught.value)
    row = repo.get("tickets", "t1")
    assert row["description"] == "tweede" and row["version"] == 2


def test_update_of_missing_row_is_not_found(repo):
    """Test that updating or getting an unknown id raises NotFound."""
    with pytest.raises(NotFound):
        repo.commit([Update("tickets", "nope", 1, {"status": "x"})])
    with pytest.raises(NotFound):
        repo.get("tickets", "nope")
    assert repo.read(["tickets"])["tickets"] == []


def test_repeated_insert_keeps_one_row(repo):
    """Test that inserting the same client-made id twice leaves one row, the first."""
    [first] = repo.commit([ticket("t1", description="origineel")])
    [again] = repo.commit([ticket("t1", description="dubbel verstuurd")])
    assert again == first
    rows = repo.read(["tickets"])["tickets"]
    assert [r["id"] for r in rows] == ["t1"] and rows[0]["description"] == "origineel"


def test_number_prefix_sequences_per_prefix(repo):
    """Test that numbers run 0001, 0002 per prefix and prefixes count independently."""
    made = [
        repo.commit([Insert("tickets", {"id": i}, number_prefix="KIV-2026-")])[0] for i in "abc"
    ]
    assert [r["number"] for r in made] == ["KIV-2026-0001", "KIV-2026-0002", "KIV-2026-0003"]
    [other] = repo.commit([Insert("tickets", {"id": "d"}, number_prefix="KIV-2027-")])
    assert other["number"] == "KIV-2027-0001"
    [again] = repo.commit([Insert("tickets", {"id": "a"}, number_prefix="KIV-2026-")])
    assert again["number"] == "KIV-2026-0001"  # a repeat keeps its number
    numbers = {r["id"]: r["number"] for r in repo.read(["tickets"])["tickets"]}
    assert numbers == {
        "a": "KIV-2026-0001",
        "b": "KIV-2026-0002",
        "c": "KIV-2026-0003",
        "d": "KIV-2027-0001",
    }


def test_numbers_within_one_commit_are_distinct(repo):
    """Test that two numbered inserts in one commit get consecutive numbers."""
    made = repo.commit([Insert("invoices", {"id": i}, number_prefix="F-") for i in ("x", "y")])
    assert [r["number"] for r in made] == ["F-0001", "F-0002"]


@pytest.mark.parametrize("text", WORLD_TEXT)
def test_unicode_and_multiline_text_round_trip(repo, text):
    """Test that emoji, CJK, Arabic, accents and line breaks come back unchanged."""
    repo.commit([ticket("t1", description=text, reporter_name=text)])
    row = repo.get("tickets", "t1")
    assert row["description"] == text and row["reporter_name"] == text


@pytest.mark.parametrize("text", TRICKY_TEXT)
def test_formula_like_text_round_trips(repo, text):
    """Test that text that looks like a formula comes back exactly as typed."""
    repo.commit([ticket("t1", description=text)])
    assert repo.get("tickets", "t1")["description"] == text
    repo.commit([Update("tickets", "t1", 1, {"followup_notes": text})])
    row = repo.get("tickets", "t1")
    assert row["description"] == text and row["followup_notes"] == text


def test_several_changes_in_one_commit(repo):
    """Test that a commit may insert a row and update it, with versions counted per step."""
    results = repo.commit(
        [
            ticket("t1"),
            Update("tickets", "t1", 1, {"status": "beoordeeld"}),
            Update("tickets", "t1", 2, {"urgency": "hoog"}),
            Insert("events", {"id": "e1", "ticket_id": "t1", "action": "beoordeeld"}),
        ]
    )
    assert [r.get("version") for r in results] == [1, 2, 3, None]
    row = repo.get("tickets", "t1")
    assert (row["version"], row["status"], row["urgency"]) == (3, "beoordeeld", "hoog")
    assert [e["id"] for e in repo.read(["events"])["events"]] == ["e1"]


def test_all_or_nothing(repo):
    """Test that a commit with one stale update leaves no trace of its other changes."""
    repo.commit([ticket("t1")])
    repo.commit([Update("tickets", "t1", 1, {"status": "beoordeeld"})])
    with pytest.raises(Conflict):
        repo.commit(
            [
                ticket("t2", description="hoort er niet te komen"),
                Insert("events", {"id": "e1", "ticket_id": "t2"}),
                Update("tickets", "t1", 1, {"status": "verwijderd"}),
            ]
        )
    data = repo.read(["tickets", "events"])
    assert [r["id"] for r in data["tickets"]] == ["t1"] and data["events"] == []
    assert repo.get("tickets", "t1")["status"] == "beoordeeld"


def test_invalid_changes_are_refused_before_writing(repo):
    """Test that unknown columns, missing ids and updates of append-only tables raise."""
    with pytest.raises(ValueError):
        repo.commit([Insert("tickets", {"id": "t1", "colour": "red"})])
    with pytest.raises(ValueError):
        repo.commit([Insert("tickets", {"status": "nieuw"})])
    with pytest.raises(ValueError):
        repo.commit([Update("events", "e1", 1, {"note": "x"})])
    with pytest.raises(ValueError):
        repo.commit([Update("tickets", "t1", 1, {"version": 7})])
    assert repo.read(["tickets", "events"]) == {"tickets": [], "events": []}
    assert repo.commit([]) == []


def test_two_racing_updates_one_wins(repo):
    """Test that two users updating the same version at once: one wins, one gets Conflict."""
    repo.commit([ticket("t1")])
    barrier, outcomes = threading.Barrier(2), {}

    def act(who: str) -> None:
        barrier.wait()
        try:
            repo.commit([Update("tickets", "t1", 1, {"urgency_reason": who})])
            outcomes[who] = "won"
        except Conflict:
            outcomes[who] = "conflict"

    threads = [threading.Thread(target=act, args=(w,)) for w in ("anna", "bram")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes.values()) == ["conflict", "won"]
    winner = next(w for w, o in outcomes.items() if o == "won")
    row = repo.get("tickets", "t1")
    assert row["version"] == 2 and row["urgency_reason"] == winner


def test_concurrent_numbered_inserts_get_distinct_numbers(repo):
    """Test that 20 simultaneous reports get 20 distinct, gap-free numbers."""
    barrier, errors = threading.Barrier(20), []

    def report(i: int) -> None:
        barrier.wait()
        try:
            repo.commit([Insert("tickets", {"id": f"t{i}"}, number_prefix="KIV-2026-")])
        except Exception as err:  # surfaced by the assert below
            errors.append(err)

    threads = [threading.Thread(target=report, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    rows = repo.read(["tickets"])["tickets"]
    assert len(rows) == 20
    assert sorted(r["number"] for r in rows) == [f"KIV-2026-{n:04d}" for n in range(1, 21)]
