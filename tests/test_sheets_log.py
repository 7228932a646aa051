"""The change log's verdicts (lib/repository/sheets_log.py), entry by entry.

Every process folds the same rows in the same order, so these verdicts are what
two racing writers are told; the expectations are the rules of issue 9 (and of issue 10
for basis and archive rows, issue 13 for the purge's redacts). Several tests were written
against mutation survivors (`python -m tests.mutate repository/sheets_log`)."""

from __future__ import annotations

import json

import pytest

from lib.repository.base import NUMBER_SLOT
from lib.repository.sheets_log import (
    BASIS,
    COMMIT,
    HEADER,
    MOVE,
    VOID,
    Entry,
    Fold,
    basis,
    fold_through,
    moved_mark,
    parse,
)


def update(row_id: str, base: int, **values) -> dict:
    return {
        "op": "update",
        "t": "tickets",
        "base": base,
        "row": {"id": row_id, "version": base + 1, **values},
    }


def insert(row_id: str, **extra) -> dict:
    spec = {k: extra.pop(k) for k in ("prefix", "floor", "unique") if k in extra}
    return {"op": "insert", "t": extra.pop("t", "tickets"), **spec, "row": {"id": row_id, **extra}}


def fold(*entries: Entry) -> Fold:
    f = Fold(count=1)
    for n, entry in enumerate(entries, start=2):
        f.apply(parse(entry.cells()), n)  # through the cells, as read back from the Sheet
    return f


def test_two_updates_of_one_version_the_first_in_the_log_wins():
    f = fold(
        Entry("a", COMMIT, changes=(update("t", 3, status="x"),)),
        Entry("b", COMMIT, changes=(update("t", 3, status="y"),)),
    )
    assert f.outcomes["a"].won and f.outcomes["b"].reason == "conflict"
    assert f.rows["tickets"]["t"]["status"] == "x"


def test_a_refused_part_refuses_the_whole_change():
    f = fold(
        Entry("a", COMMIT, changes=(update("t", 1),)),
        Entry("b", COMMIT, changes=(insert("e1", t="events"), update("t", 1))),
    )
    assert not f.outcomes["b"].won and "e1" not in f.rows.get("events", {})


def test_numbers_are_handed_out_in_log_order_above_the_floor_and_fill_the_slot():
    receipt = insert("m1", t="messages", subject=f"Melding {NUMBER_SLOT}")
    f = fold(
        Entry(
            "a",
            COMMIT,
            changes=(insert("t1", prefix="KIV-2026-", floor=41, number=NUMBER_SLOT), receipt),
        ),
        Entry(
            "b", COMMIT, changes=(insert("t2", prefix="KIV-2026-", floor=41, number=NUMBER_SLOT),)
        ),
    )
    assert [f.rows["tickets"][t]["number"] for t in ("t1", "t2")] == [
        "KIV-2026-0042",
        "KIV-2026-0043",
    ]
    assert f.rows["messages"]["m1"]["subject"] == "Melding KIV-2026-0042"


def test_a_unique_key_is_taken_once_whatever_its_spelling():
    f = fold(
        Entry("a", COMMIT, changes=(insert("i1", t="invoices", unique="number", number="NEM-1"),)),
        Entry(
            "b",
            COMMIT,
            changes=(insert("i2", t="invoices", unique="number", number=" nem-1\u200b"),),
        ),
    )
    assert f.outcomes["a"].won and f.outcomes["b"].reason == "duplicate"


def test_a_void_row_first_cancels_the_change_a_void_row_after_it_is_too_late():
    change = Entry("a", COMMIT, changes=(update("t", 1, status="x"),))
    cancelled = fold(Entry("a", VOID), change)
    assert cancelled.outcomes["a"].reason == "void" and "t" not in cancelled.rows.get("tickets", {})
    assert not cancelled.outcomes["a"].won
    landed = fold(change, Entry("a", VOID))
    assert landed.outcomes["a"].won and landed.rows["tickets"]["t"]["status"] == "x"


def test_a_repeated_append_of_one_change_counts_once():
    entry = Entry("a", COMMIT, changes=(insert("t1", prefix="KIV-2026-", number=NUMBER_SLOT),))
    f = fold(entry, entry)
    assert f.rows["tickets"]["t1"]["number"] == "KIV-2026-0001" and f.highest["KIV-2026-"] == 1


def test_a_long_entry_is_spread_over_cells_under_googles_limit():
    entry = Entry("a", COMMIT, changes=(insert("t1", description="x" * 120_000),))
    cells = entry.cells()
    assert all(len(c) <= 50_000 for c in cells) and parse(cells) == entry


# --- redact (the AVG purge, issue 13) and scrubbing the log behind it -----------------


def redact(row_id: str, t: str = "events", base: int | None = None, **values) -> dict:
    spec = {"op": "redact", "t": t, "fields": sorted(values), "row": {"id": row_id, **values}}
    return spec if base is None else {**spec, "base": base}


def test_a_redact_overwrites_its_fields_without_a_base_and_bumps_a_mutable_version():
    f = fold(
        Entry("a", COMMIT, changes=(insert("e1", t="events", note="bel 0612345678", action="x"),)),
        Entry("b", COMMIT, changes=(insert("t1", version=1, reporter_name="Ruben"),)),
        Entry("c", COMMIT, changes=(update("t1", 1, reporter_name="Ruben", status="open"),)),
        # The purge read t1 at version 1 and names no base: it still wins.
        Entry(
            "d",
            COMMIT,
            changes=(
                redact("e1", note="[weg]"),
                redact("t1", "tickets", **{"reporter_name": "[weg]"}),
            ),
        ),
    )
    assert f.outcomes["d"].won
    assert f.rows["events"]["e1"] == {"id": "e1", "note": "[weg]", "action": "x"}
    ticket = f.rows["tickets"]["t1"]
    assert (ticket["reporter_name"], ticket["status"], ticket["version"]) == ("[weg]", "open", 3)


def test_a_redact_with_a_stale_base_refuses_the_whole_change():
    f = fold(
        Entry("a", COMMIT, changes=(insert("t1", version=1, reporter_name="Ruben"),)),
        Entry("b", COMMIT, changes=(update("t1", 1, reporter_name="Ruben", status="open"),)),
        Entry(
            "c",
            COMMIT,
            changes=(insert("e9", t="events"), redact("t1", "tickets", base=1, reporter_name="x")),
        ),
    )
    assert f.outcomes["c"].reason == "conflict" and "e9" not in f.rows.get("events", {})
    assert f.rows["tickets"]["t1"]["reporter_name"] == "Ruben"


def scrubbed(entries: list[Entry]) -> list[Entry]:
    """The log after every row was rewritten as Fold.scrub says, read back through cells."""
    f = fold(*entries)
    out = []
    for n, entry in enumerate(entries, start=2):
        clean = f.scrub(parse(entry.cells()), n)
        out.append(parse((clean or entry).cells()))
    return out


def verdicts(f: Fold) -> dict[str, tuple]:
    return {c: (o.won, o.reason, o.detail) for c, o in f.outcomes.items()}


def test_scrubbing_takes_the_redacted_text_out_of_earlier_rows_and_keeps_every_verdict():
    entries = [
        Entry("a", COMMIT, changes=(insert("t1", version=1, description="Jan, Dorpsstraat 1"),)),
        Entry("b", COMMIT, changes=(update("t1", 1, description="Jan, tel 0612345678"),)),
        # A stale edit that lost, and a retried append of "a": they changed nothing.
        Entry("c", COMMIT, changes=(update("t1", 1, description="Jan, verhuisd"),)),
        Entry("a", COMMIT, changes=(insert("t1", version=1, description="Jan, Dorpsstraat 1"),)),
        Entry("d", COMMIT, changes=(redact("t1", "tickets", base=2, description="[weg]"),)),
        # Written after the purge: new text of the same row stays.
        Entry("e", COMMIT, changes=(update("t1", 3, description="nieuw: Piet"),)),
        Entry("f", COMMIT, changes=(update("t1", 3, description="verloren: Klaas"),)),
    ]
    before = fold(*entries)
    clean = scrubbed(entries)
    texts = [ch["row"]["description"] for e in clean for ch in e.changes]
    assert texts == ["[weg]", "[weg]", "[weg]", "[weg]", "[weg]", "nieuw: Piet", "[weg]"]
    after = fold(*clean)
    assert after.rows == before.rows and verdicts(after) == verdicts(before)
    assert (after.keys, after.highest) == (before.keys, before.highest)
    assert scrubbed(clean) == clean  # a second pass finds nothing


def test_scrubbing_never_rewrites_what_a_verdict_reads():
    entries = [
        Entry(
            "a",
            COMMIT,
            changes=(insert("i1", t="invoices", unique="number", number="NEM-1", version=1),),
        ),
        Entry("b", COMMIT, changes=(redact("i1", "invoices", number="[weg]"),)),
        Entry(
            "c",
            COMMIT,
            changes=(insert("i2", t="invoices", unique="number", number="nem-1", version=1),),
        ),
    ]
    before = fold(*entries)
    assert before.outcomes["c"].reason == "duplicate"  # the key taken at "a" still counts
    clean = scrubbed(entries)
    assert clean[0] == entries[0] and verdicts(fold(*clean)) == verdicts(before)


def moved(*rows: list, highest: dict | None = None, keys: list | None = None) -> Entry:
    """The archive's log row: these rows now stand in the archive worksheets."""
    state = {"rows": list(rows), "highest": highest or {}, "keys": keys or []}
    return Entry(f"archief-{len(rows)}", MOVE, changes=(state,))


def test_a_moved_row_leaves_the_fold_unless_it_changed_after_the_move_was_read():
    f = fold(
        Entry("a", COMMIT, changes=(insert("t1", version=1), insert("t2", version=1))),
        Entry("b", COMMIT, changes=(update("t2", 1, status="x"),)),  # after the mover read t2
        moved(["tickets", "t1", 1], ["tickets", "t2", 1]),
    )
    assert "t1" not in f.rows["tickets"]  # no later commit writes it back to the live worksheet
    assert f.rows["tickets"]["t2"]["status"] == "x"  # the newer version stays, shown and mended


def test_a_move_keeps_the_numbers_and_unique_keys_of_the_moved_rows_taken():
    f = fold(
        moved(
            ["tickets", "t1", 1],
            highest={"KIV-2025-": 87},
            keys=[["invoices", "number", {"f-100": "i1"}]],
        ),
        Entry("a", COMMIT, changes=(insert("t2", prefix="KIV-2025-", floor=3, number="x"),)),
        Entry("b", COMMIT, changes=(insert("i2", t="invoices", unique="number", number="F-100"),)),
    )
    assert f.rows["tickets"]["t2"]["number"] == "KIV-2025-0088"
    assert f.outcomes["b"].reason == "duplicate"


# --- a fresh process, basis rows and moves (issue 10), and what scrubbing leaves alone --


def numbered(row_id: str) -> dict:
    return insert(row_id, prefix="KIV-2026-", number=NUMBER_SLOT, version=1)


def numbers(f: Fold) -> dict[str, str]:
    return {row_id: row["number"] for row_id, row in f.rows.get("tickets", {}).items()}


def test_a_fresh_process_starts_at_the_basis_and_hands_out_the_next_number():
    """Test that a process folding the log afresh takes the basis row's summary of the rows
    it covers, skips those rows (cleared or not), and reaches the numbers every process has."""
    log = [HEADER] + [
        Entry(c, COMMIT, changes=(numbered(f"t{n}"),)).cells()
        for n, c in (
            (1, "a"),
            (2, "b"),
            (3, "c"),
        )
    ]
    # The compaction summarises rows 1..3 (header, a, b); c (row 4) came in meanwhile.
    log.append(basis(fold_through(log, 3), "basis-1", "2026-12-04T03:00:00+01:00").cells())
    log.append(Entry("d", COMMIT, changes=(numbered("t4"),)).cells())
    whole = fold_through(log, 6)
    expected = {f"t{n}": f"KIV-2026-000{n}" for n in (1, 2, 3, 4)}
    assert numbers(fold_through(log, 4)) == {k: expected[k] for k in ("t1", "t2", "t3")}
    assert whole.count == 6 and numbers(whole) == {k: expected[k] for k in ("t3", "t4")}
    # The rows the basis covers may be cleared: the numbers stay the same.
    cleared = [log[0], [""] * 4, [""] * 4, *log[3:]]
    assert numbers(fold_through(cleared, 6)) == {k: expected[k] for k in ("t3", "t4")}
    assert parse(log[4]).at == "2026-12-04T03:00:00+01:00"  # the basis row says when
    # A second compaction covers rows 1..6; before it clears them (or when that failed)
    # both basis rows are there: the one covering the most rows counts.
    log.append(basis(fold_through(log, 6), "basis-2", "2026-12-11T03:00:00+01:00").cells())
    log.append(Entry("e", COMMIT, changes=(numbered("t5"),)).cells())
    both = [*cleared, *log[6:]]
    assert [parse(cells).kind for cells in both if parse(cells)].count(BASIS) == 2
    assert numbers(fold_through(both, 8)) == {"t5": "KIV-2026-0005"}


def test_a_blank_or_foreign_last_log_row_leaves_no_change_id_to_check():
    """Test that after a row that is no change (blank, or typed by hand) the fold expects
    no change id there, as the next incremental read finds it (lib/repository/sheets.py)."""
    f = fold(Entry("a", COMMIT, changes=(numbered("t1"),)))
    assert f.last_id == "a"
    f.apply(parse(["een notitie"]), 3)
    assert (f.count, f.last_id) == (3, "")


def test_a_move_read_before_a_later_number_never_lowers_the_highest_number():
    f = fold(
        Entry("a", COMMIT, changes=(numbered("t1"),)),
        Entry("b", COMMIT, changes=(numbered("t2"),)),
        # The mover read the worksheet when only t1 was there.
        moved(["tickets", "t1", 1], highest={"KIV-2026-": 1}),
        Entry("c", COMMIT, changes=(numbered("t3"),)),
    )
    assert numbers(f) == {"t2": "KIV-2026-0002", "t3": "KIV-2026-0003"}


def test_every_unchanged_moved_row_is_forgotten_also_after_a_changed_one():
    f = fold(
        Entry("a", COMMIT, changes=(insert("t1", version=1), insert("t2", version=1))),
        Entry("b", COMMIT, changes=(update("t1", 1, status="x"), update("t2", 1, status="y"))),
        Entry("c", COMMIT, changes=(update("t2", 2, status="z"),)),  # after the mover read t2
        moved(["tickets", "t2", 2], ["tickets", "t1", 2]),
    )
    assert f.rows["tickets"]["t2"]["status"] == "z" and "t1" not in f.rows["tickets"]
    assert ("tickets", "t1") not in f.previous  # nothing of it is kept


def test_an_append_only_row_redacted_after_the_move_was_read_stays():
    """Test that the purge of an event the mover read before it keeps the event in the fold
    (so the redacted text is written back), whatever order the mover had its columns in."""
    event = {"id": "e1", "action": "x", "note": "bel Ruben 0612345678"}
    reordered = dict(reversed(list(event.items())))
    f = fold(
        Entry("a", COMMIT, changes=(insert("e1", t="events", action="x", note=event["note"]),)),
        Entry("b", COMMIT, changes=(redact("e1", note="[weg]"),)),
        moved(["events", "e1", moved_mark("events", event)]),
    )
    assert f.rows["events"]["e1"]["note"] == "[weg]"
    same = fold(
        Entry("a", COMMIT, changes=(insert("e1", t="events", action="x", note=event["note"]),)),
        moved(["events", "e1", moved_mark("events", reordered)]),
    )
    assert "e1" not in same.rows.get("events", {})


def test_scrubbing_leaves_blank_clean_and_empty_rows_alone_and_keeps_the_moment():
    at = "2026-01-05T10:00:00+01:00"
    entries = [
        Entry("a", COMMIT, at, (insert("e1", t="events", action="x", note="bel Ruben"),)),
        Entry("b", COMMIT, changes=(insert("e2", t="events", action="y"),)),  # no note at all
        Entry("c", COMMIT, changes=(insert("e3", t="events", action="y", note=""),)),
        Entry("d", COMMIT, changes=(redact("e1", note="[weg]"), redact("e2", note="[weg]"))),
        Entry("e", COMMIT, changes=(redact("e3", note="[weg]"),)),
    ]
    f = fold(*entries)
    first = f.scrub(parse(entries[0].cells()), 2)
    assert first.at == at and first.changes[0]["row"]["note"] == "[weg]"
    assert [f.scrub(parse(e.cells()), n) for n, e in enumerate(entries[1:], start=3)] == [None] * 4
    assert f.scrub(parse([""] * 4), 7) is None  # a blank row (cleared by a compaction)
    clean = f.scrub(parse(entries[0].cells()), 2)
    assert fold(*[clean, *entries[1:]]).scrub(parse(clean.cells()), 2) is None  # nothing left


def test_scrubbing_keeps_a_unique_key_and_still_rewrites_the_other_fields_of_its_row():
    insert_row = insert("i1", t="invoices", unique="number", number="NEM-1", version=1)
    insert_row["row"]["remark"] = "Jan de Vries belde"
    f = fold(
        Entry("a", COMMIT, changes=(insert_row,)),
        Entry("b", COMMIT, changes=(redact("i1", "invoices", number="[weg]", remark="[weg]"),)),
    )
    row = f.scrub(parse(Entry("a", COMMIT, changes=(insert_row,)).cells()), 2).changes[0]["row"]
    assert (row["number"], row["remark"]) == ("NEM-1", "[weg]")


def test_a_late_copy_of_a_change_after_the_purge_is_scrubbed_too():
    """Test that a retried append of an old change landing after the redact (it changed
    nothing: the first copy counts) loses the purged text as well."""
    first = Entry("a", COMMIT, changes=(insert("t1", version=1, description="Jan, 0612345678"),))
    entries = [
        first,
        Entry("d", COMMIT, changes=(redact("t1", "tickets", description="[weg]"),)),
        first,
    ]
    texts = [ch["row"]["description"] for e in scrubbed(entries) for ch in e.changes]
    assert texts == ["[weg]", "[weg]", "[weg]"]


def test_a_change_fills_at_most_the_26_columns_of_the_log_and_a_larger_one_is_refused():
    """Test that a log row spreads its JSON over at most 23 cells after the change id, kind
    and moment (columns A..Z), and a change too large for that is refused in Dutch."""
    limit = 23 * 45_000  # 23 cells of at most 45,000 characters each (Google: 50,000)
    fits = Entry("a", COMMIT, changes=(insert("t1", description="x" * (limit - 1_000)),))
    cells = fits.cells()
    assert len(cells) == 26 and parse(cells) == fits
    too_large = Entry("b", COMMIT, changes=(insert("t1", description="x" * (limit + 1_000)),))
    with pytest.raises(ValueError) as refused:
        too_large.cells()
    assert str(refused.value) == "Deze wijziging is te groot voor de Google Sheet."


def test_a_refused_change_names_the_row_it_conflicts_on():
    f = fold(
        Entry("a", COMMIT, changes=(insert("t1", version=1, reporter_name="Ruben"),)),
        Entry("b", COMMIT, changes=(update("t1", 1, status="open"),)),
        Entry("c", COMMIT, changes=(update("t1", 1, status="dicht"),)),
        Entry("d", COMMIT, changes=(redact("t1", "tickets", base=1, reporter_name="[weg]"),)),
    )
    for change in ("c", "d"):
        outcome = f.outcomes[change]
        assert (outcome.won, outcome.reason, outcome.detail) == (
            False,
            "conflict",
            ("tickets", "t1"),
        )


def test_a_repeated_insert_in_a_later_change_keeps_the_first_row_and_the_rest_of_its_change():
    f = fold(
        Entry("a", COMMIT, changes=(insert("t1", version=1, reporter_name="Ruben"),)),
        Entry(
            "b",
            COMMIT,
            changes=(insert("t1", version=1, reporter_name="Ruben B."), insert("e2", t="events")),
        ),
    )
    assert f.outcomes["b"].won and f.outcomes["b"].results[0]["reporter_name"] == "Ruben"
    assert f.rows["tickets"]["t1"]["reporter_name"] == "Ruben" and "e2" in f.rows["events"]


def test_two_inserts_of_one_change_with_one_unique_key_refuse_the_change():
    """As the SQL store's unique index does within one transaction."""
    f = fold(
        Entry(
            "a",
            COMMIT,
            changes=(
                insert("i1", t="invoices", unique="number", number="NEM-7"),
                insert("i2", t="invoices", unique="number", number="nem-7 "),
            ),
        ),
    )
    assert f.outcomes["a"].reason == "duplicate" and "invoices" not in f.rows


def test_two_updates_of_one_row_in_one_change_follow_each_other():
    """As in one SQL transaction: the second update is based on the first one's version."""
    f = fold(
        Entry("a", COMMIT, changes=(insert("t", version=1, status="nieuw"),)),
        Entry("b", COMMIT, changes=(update("t", 1, status="open"), update("t", 2, status="dicht"))),
    )
    assert f.outcomes["b"].won and f.rows["tickets"]["t"]["status"] == "dicht"


def test_rows_without_a_change_id_or_with_a_broken_summary_are_skipped_by_all():
    """Test that a log row someone emptied or typed by hand, and a basis or archive row that
    does not hold exactly one summary, count as no change (parse gives None)."""
    spec = json.dumps([insert("t1", version=1)])
    assert parse(["", COMMIT, "", spec]) is None
    assert parse(["a", "notitie", "", spec]) is None
    for kind in (BASIS, MOVE):
        assert parse(["b", kind, "", "[]"]) is None
        assert parse(["b", kind, "", '[{"covers": 3}, {"covers": 4}]']) is None
        assert parse(["b", kind, "", "[3]"]) is None
        assert parse(["b", kind, "", '[{"covers": 3}]']) == Entry("b", kind, "", ({"covers": 3},))


def test_a_basis_hands_on_which_row_holds_each_unique_key():
    """Test that below a basis row (its change ids folded away) the unique key stays with
    the row that took it: a late copy of that insert (its answer lost, sent again with
    a new change id) is the same row, not a duplicate; another row's insert is."""
    taken = Entry(
        "a", COMMIT, changes=(insert("i1", t="invoices", unique="number", number="NEM-1"),)
    )
    log = [HEADER, taken.cells()]
    log.append(basis(fold_through(log, 2), "basis-1", "2026-12-04T03:00:00+01:00").cells())
    again = insert("i1", t="invoices", unique="number", number="nem-1")
    log.append(Entry("b", COMMIT, changes=(again,)).cells())
    log.append(
        Entry(
            "c", COMMIT, changes=(insert("i2", t="invoices", unique="number", number="NEM-1"),)
        ).cells()
    )
    f = fold_through(log, 5)
    assert f.outcomes["b"].won
    assert (f.outcomes["c"].won, f.outcomes["c"].reason) == (False, "duplicate")
