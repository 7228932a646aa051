"""The change log of the Google Sheet: the order of appends decides every race.

Google Sheets has no conditional write, but it applies the appends to one
worksheet one after the other. Every commit is first appended to the worksheet
`_wijzigingen` as one row: its change id and, as JSON, each row it writes
together with the version it was based on. Every process reads the log in the
same order and folds it with `Fold.apply`, so all of them reach the same
verdict on every change, without talking to each other:

- an update wins when the version it was based on is still the current one;
- an insert that asks for a number gets it here, in log order: one above every
  number handed out before and above the highest its writer saw in the
  worksheets (so two writers never share one, and a number is never reused,
  also after rows were removed); text of later rows of the same change that
  waits for it (NUMBER_SLOT: the receipt mail) gets it too;
- an insert with a unique column wins when no earlier winner holds the same key;
- a change is all-or-nothing: one refused part refuses all of it;
- only the first row of a change id counts: a retried append (after a lost
  answer) or a late one is a no-op, and a `void` row written by the client that
  gave up on a change makes every later copy of it a no-op;
- a redact (the AVG purge, lib/privacy.py) has no base: it overwrites the named
  text fields of the row as the log has it (version + 1 on a mutable table).
  Once it won, `Fold.scrub` gives the earlier log rows with those fields
  replaced, so the purged text leaves the log too (see there why that is safe).

The readable worksheets (tickets, events, ...) follow the log: each commit
brings the rows the log decided before it up to date in the same request
(lib/repository/sheets.py); the log is what decides, they are what people read.

An `archief` row (written by the archive's move, lib/repository/sheets_archive.py)
names rows that now stand in the archive worksheets: each process forgets them,
unless the log changed them after the mover read them (`Fold._moved`), and keeps
their numbers and unique keys taken, as a basis row does.

A `basis` row (written by the log compaction, `SheetsRepository.compact_log`)
summarises the log up to a row it names (`covers`): the highest number handed
out per prefix and the unique keys taken, exactly as the fold had them after
that row. The readable worksheets hold every row up to there (the compaction
wrote them in the same request as the basis row), so a process that starts
afresh takes the basis with the highest `covers`, skips the rows up to it
(they may be cleared) and folds the rest; a process that read those rows
already reaches the same state, since the basis only repeats what it knows.
Versions of rows only the skipped part knew are then taken from the worksheets
("the first change to a row the log has not seen claims it"): safe because the
compaction covers only rows older than its minimum age, far beyond the time a
commit takes from its read to its append (see compact_log).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from lib.repository.base import fill_number, format_number, unique_key
from lib.schema import TABLES

TITLE = "_wijzigingen"
HEADER = ["wijziging", "soort", "tijdstip", "inhoud"]
WIDTH = 26  # columns A..Z: the JSON continues from D over as many cells as it needs
CHUNK = 45_000  # Google refuses a cell over 50,000 characters
COMMIT, VOID, BASIS, MOVE = "commit", "void", "basis", "archief"


@dataclass(frozen=True)
class Entry:
    change_id: str
    kind: str
    at: str = ""
    changes: tuple[dict, ...] = ()

    def cells(self) -> list[str]:
        text = json.dumps(list(self.changes), ensure_ascii=False, separators=(",", ":"))
        chunks = [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]
        if 3 + len(chunks) > WIDTH:
            raise ValueError("Deze wijziging is te groot voor de Google Sheet.")
        # A leading apostrophe never starts our cells: ids are hex, JSON starts with '['.
        return [self.change_id, self.kind, self.at, *chunks]


def parse(cells: list[Any]) -> Entry | None:
    """A log row back into an entry; None for a blank or foreign row (skipped by all)."""
    if len(cells) < 2 or not cells[0] or cells[1] not in (COMMIT, VOID, BASIS, MOVE):
        return None
    if cells[1] == VOID:
        return Entry(str(cells[0]), VOID)
    try:
        changes = json.loads("".join(str(c) for c in cells[3:]))
    except ValueError:
        return None
    if not isinstance(changes, list):
        return None
    if cells[1] in (BASIS, MOVE) and (len(changes) != 1 or not isinstance(changes[0], dict)):
        return None
    at = str(cells[2]) if len(cells) > 2 else ""
    return Entry(str(cells[0]), str(cells[1]), at, tuple(changes))


def basis(fold: Fold, change_id: str, at: str) -> Entry:
    """The basis row summarising `fold` (folded up to and including row fold.count)."""
    keys = [[table, column, dict(found)] for (table, column), found in sorted(fold.keys.items())]
    state = {"covers": fold.count, "highest": dict(fold.highest), "keys": keys}
    return Entry(change_id, BASIS, at, (state,))


def moved_mark(table: str, row: dict) -> int | str:
    """What tells whether a moved row changed since: its version, or its digest when append-only."""
    if TABLES[table].mutable:
        return int(row["version"])
    text = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fold_through(values: list[list], through: int) -> Fold:
    """The log's rows 1..`through` (values from row 1) folded as a fresh process does."""
    fold = Fold(count=1)
    head = values[:through]
    fold.start(head)
    for number, cells in enumerate(head, start=1):
        if number > fold.count:
            fold.apply(parse(cells), number)
    return fold


@dataclass(frozen=True)
class Outcome:
    won: bool
    reason: str = ""  # conflict, duplicate, void
    detail: tuple = ()
    results: tuple[dict, ...] = ()


@dataclass
class Fold:
    """The state the log describes, folded row by row; the same in every process."""

    rows: dict[str, dict[str, dict]] = field(default_factory=dict)  # table -> id -> row
    highest: dict[str, int] = field(default_factory=dict)  # number prefix -> highest
    keys: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    count: int = 0  # the sheet row of the last row folded (1 = the header)
    last_id: str = ""  # its change id, to notice a log changed behind our back
    # (table, id) -> field -> (value a winning redact set, the log row it is in)
    redactions: dict[tuple[str, str], dict[str, tuple[Any, int]]] = field(default_factory=dict)
    idle: set[int] = field(default_factory=set)  # log rows that changed nothing
    # (table, id) -> the row before its latest change: to keep a hand edit made in the
    # worksheet meanwhile (sheets_plan.mended)
    previous: dict[tuple[str, str], dict] = field(default_factory=dict)
    # (table, id) -> `at` of the change that wrote the row as the log has it: how long
    # a worksheet has lagged behind it (lib/repository/sheets.py MEND_AFTER)
    changed_at: dict[tuple[str, str], str] = field(default_factory=dict)

    def start(self, values: list[list]) -> None:
        """A fresh fold (values from row 1): begin at the basis covering the most rows."""
        bases = [e for e in map(parse, values[1:]) if e is not None and e.kind == BASIS]
        best = max(bases, key=lambda e: int(e.changes[0].get("covers", 0)), default=None)
        if best is not None and int(best.changes[0].get("covers", 0)) > self.count:
            self.absorb(best)
            self.count, self.last_id = int(best.changes[0]["covers"]), ""

    def absorb(self, entry: Entry) -> None:
        """Take over what a basis row knows; what this fold knows already stays."""
        state = entry.changes[0]
        for prefix, sequence in dict(state.get("highest", {})).items():
            self.highest[prefix] = max(self.highest.get(prefix, 0), int(sequence))
        for table, column, found in state.get("keys", []):
            mine = self.keys.setdefault((table, column), {})
            for key, row_id in dict(found).items():
                mine.setdefault(key, row_id)

    def apply(self, entry: Entry | None, row_number: int) -> None:
        self.count = row_number
        if entry is None:
            self.last_id = ""
            return
        self.last_id = entry.change_id
        if entry.change_id in self.outcomes:
            self.idle.add(row_number)
            return  # a repeat of a change already decided, or one its writer voided
        if entry.kind == VOID:
            self.outcomes[entry.change_id] = Outcome(False, "void")
            return
        if entry.kind == BASIS:
            self.absorb(entry)
            self.outcomes[entry.change_id] = Outcome(True)
            return
        if entry.kind == MOVE:
            self.absorb(entry)
            self._moved(entry.changes[0].get("rows", []))
            self.outcomes[entry.change_id] = Outcome(True)
            return
        outcome = self._decide(entry.changes, row_number, entry.at)
        self.outcomes[entry.change_id] = outcome
        if not outcome.won:
            self.idle.add(row_number)

    def _moved(self, moved: list) -> None:
        """Rows moved to the archive worksheets leave the fold, unless changed since.

        The mover wrote each row as it read it (`mark`: its version, or for an
        append-only row its digest). A change that reached the log before this
        entry but after that read makes the archive copy stale: such a row stays
        here, so reads show it and the next commit writes it back to the live
        worksheet, where reads find it first (see SheetsArchive).
        """
        for table, row_id, mark in moved:
            current = self.rows.get(table, {}).get(row_id)
            if current is not None and moved_mark(table, current) != mark:
                continue
            self.rows.get(table, {}).pop(row_id, None)
            self.previous.pop((table, row_id), None)
            self.changed_at.pop((table, row_id), None)

    def _decide(self, changes: tuple[dict, ...], row_number: int = 0, at: str = "") -> Outcome:
        staged: dict[tuple[str, str], dict] = {}
        highest, keys, results, number = dict(self.highest), {}, [], ""
        redacted: dict[tuple[str, str], dict[str, tuple[Any, int]]] = {}
        for ch in changes:
            table, row = ch["t"], ch["row"]
            current = staged.get((table, row["id"])) or self.rows.get(table, {}).get(row["id"])
            if ch["op"] == "redact":
                # It lays its fields over the row as the log has it, so a change that
                # won meanwhile keeps its other fields (with no base, as for an
                # append-only row). A row the log has not seen yet (from before the
                # log) is taken as its writer read it.
                if current is not None and "base" in ch and current["version"] != ch["base"]:
                    return Outcome(False, "conflict", (table, row["id"]))
                fields = {name: row[name] for name in ch["fields"]}
                if current is not None:
                    row = {**current, **fields}
                    if TABLES[table].mutable:
                        row["version"] = current["version"] + 1
                slot = redacted.setdefault((table, row["id"]), {})
                slot.update({name: (value, row_number) for name, value in fields.items()})
            elif ch["op"] == "insert":
                if current is not None:  # a repeated insert keeps the first
                    results.append(current)
                    continue
                if number:
                    row = fill_number(row, number)
                prefix = ch.get("prefix")
                if prefix:
                    sequence = max(highest.get(prefix, 0), int(ch.get("floor", 0))) + 1
                    highest[prefix] = sequence
                    number = format_number(prefix, sequence)
                    row = {**row, "number": number}
                column = ch.get("unique")
                if column:
                    key = unique_key(row[column])
                    taken = {**self.keys.get((table, column), {}), **keys.get((table, column), {})}
                    if taken.get(key, row["id"]) != row["id"]:
                        return Outcome(False, "duplicate", (table, column, row[column]))
                    keys.setdefault((table, column), {})[key] = row["id"]
            elif current is not None and current["version"] != ch["base"]:
                return Outcome(False, "conflict", (table, row["id"]))
            # An update of a row the log has not seen yet (made before the log, or
            # by hand) was checked by its writer; the first change to it claims it.
            staged[(table, row["id"])] = row
            results.append(row)
        for (table, row_id), row in staged.items():
            was = self.rows.setdefault(table, {}).get(row_id)
            if was is not None and TABLES[table].mutable:
                self.previous[(table, row_id)] = was
            self.rows[table][row_id] = row
            self.changed_at[(table, row_id)] = at
        self.highest = highest
        for name, found in keys.items():
            self.keys.setdefault(name, {}).update(found)
        for key, found in redacted.items():
            self.redactions.setdefault(key, {}).update(found)
        return Outcome(True, results=tuple(results))

    def scrub(self, entry: Entry | None, row_number: int) -> Entry | None:
        """The log row with the text that later winning redacts overwrote; None if unchanged.

        Rewriting a log row in place is safe for every process's verdicts: a field is
        replaced only in a row before the redact that overwrote it (or in a row that
        changed nothing: a refused change or a repeat), so the fold ends with the
        redact's value either way. Nothing a verdict reads is touched: ids, kinds,
        bases, versions, number prefixes and unique columns stay as they were.
        Compacting the log instead would move rows, which other processes notice
        only as a log changed behind their back (a full re-read by all of them).
        """
        if entry is None or entry.kind != COMMIT or row_number > self.count:
            return None
        changed, specs = False, []
        for ch in entry.changes:
            found = self.redactions.get((ch.get("t"), ch.get("row", {}).get("id")), {})
            row = dict(ch.get("row", {}))
            for name, (value, at) in found.items():
                if ch.get("op") == "insert" and name == ch.get("unique"):
                    continue  # a unique key decides later inserts: never rewritten
                if (row_number < at or row_number in self.idle) and row.get(name, value) not in (
                    value,
                    "",
                ):
                    row[name], changed = value, True
            specs.append({**ch, "row": row})
        return Entry(entry.change_id, entry.kind, entry.at, tuple(specs)) if changed else None
