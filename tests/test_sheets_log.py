"""The change log's verdicts (lib/repository/sheets_log.py), entry by entry.

Every process folds the same rows in the same order, so these verdicts are what
two racing writers are told; the expectations are the rules of issue 9."""

from __future__ import annotations

from lib.repository.base import NUMBER_SLOT
from lib.repository.sheets_log import COMMIT, MOVE, VOID, Entry, Fold, parse


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
