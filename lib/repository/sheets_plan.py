"""Planning a commit on the Sheet: the rows as read, the log laid over them, the entry.

Pure functions (no requests) used by lib/repository/sheets.py: `overlay` says
which rows a read shows, `plan` checks a commit against them and builds the
change-log entry (lib/repository/sheets_log.py) that will decide it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lib.repository import sheets_log
from lib.repository.base import (
    NUMBER_SLOT,
    Change,
    Conflict,
    Duplicate,
    Insert,
    NotFound,
    Redact,
    complete_row,
    highest_number,
    unique_key,
)
from lib.repository.sheets_log import Entry, Fold, Outcome
from lib.safe_text import neutralise
from lib.schema import TABLES, Table
from lib.validation import ValidationError

CELL_LIMIT = 50_000  # Google refuses a longer cell


@dataclass
class Sheet:
    """A worksheet as it was just read; rows are found by id, positions follow."""

    rows: dict[str, dict]  # id -> typed row, in sheet order
    position: dict[str, int]  # id -> 1-based row in the worksheet
    next_row: int  # first row after the last non-empty one
    free: list[int] = field(default_factory=list)  # blank rows before next_row, in order
    # Columns left out of the read (a page view has no use for mail texts): their
    # cells are blank here, so such a row never becomes the base of a change; except
    # the rows in `whole`, read whole since (the mails Postvak shows, read_rows).
    omitted: frozenset[str] = frozenset()
    whole: set[str] = field(default_factory=set)

    def add(self, row: dict) -> None:
        """Place a row: in the first blank row (left by the archive), else after the last."""
        self.rows[row["id"]] = row
        if self.free:
            self.position[row["id"]] = self.free.pop(0)
        else:
            self.position[row["id"]] = self.next_row
            self.next_row += 1


def overlay(name: str, sheet: Sheet, fold: Fold) -> tuple[dict[str, dict], list[str]]:
    """The worksheet's rows with the log laid over it, and the ids where the log is ahead.

    The worksheet wins where it is as new as the log (a typo fixed by hand stays);
    the log wins where the worksheet lags (a write lost, late or still under way)
    and for rows missing from the worksheet (deleted by hand: they come back).
    """
    rows, lagging = dict(sheet.rows), []
    mutable = TABLES[name].mutable
    for row_id, logged in fold.rows.get(name, {}).items():
        shown = rows.get(row_id)
        # A redacted append-only row has no version to tell it lags: its fields do.
        purged = fold.redactions.get((name, row_id), {})
        if (
            shown is None
            or (mutable and shown["version"] < logged["version"])
            or any(shown.get(f) != logged[f] for f in purged if not mutable)
        ):
            rows[row_id] = logged
            lagging.append(row_id)
    return rows, lagging


def mended(
    shown: dict | None, logged: dict, before: dict | None, omitted: frozenset[str] = frozenset()
) -> dict:
    """The row to write where the worksheet lags behind the log: the log's row, keeping
    what a person fixed by hand in the worksheet's older version meanwhile (in the
    columns read: `omitted` ones were not, and are blank in `shown`).

    A field the log's newer change left alone keeps the worksheet's value: a person's
    fix where it differs from what the log had at that version. Where both changed
    it, the app's change wins. The version is the log's (it changed), so every
    process shows the worksheet's row (with the fix) from then on.
    """
    if shown is None or before is None or shown.get("version") != before.get("version"):
        return logged
    untouched = {
        name: value
        for name, value in shown.items()
        if name not in omitted and logged.get(name) == before.get(name)
    }
    return {**logged, **untouched}


def plan(
    state: dict[str, dict[str, dict]], changes: Sequence[Change], at: str
) -> tuple[Entry, list[dict]]:
    """Check the changes against what was read; the log entry to append, and its rows."""
    staged: dict[tuple[str, str], dict] = {}
    planned, results = [], []
    for ch in changes:
        current = staged.get((ch.table, _row_id(ch))) or state[ch.table].get(_row_id(ch))
        if isinstance(ch, Insert):
            if current is not None:  # a repeated insert: keep the first
                results.append(current)
                continue
            row = typed_row(TABLES[ch.table], complete_row(ch.table, ch.row))
            spec: dict[str, Any] = {"op": "insert", "t": ch.table}
            if ch.number_prefix:
                # The log hands the number out (sheets_log.Fold), in log order; the
                # writer adds the highest it sees in the worksheet (rows from before
                # the log). Its text waits for the number in NUMBER_SLOT.
                numbers = (r["number"] for r in state[ch.table].values())
                spec["prefix"] = ch.number_prefix
                spec["floor"] = highest_number(numbers, ch.number_prefix)
                row["number"] = NUMBER_SLOT
            if ch.unique_column:
                key = unique_key(row[ch.unique_column])
                for other in state[ch.table].values():
                    if unique_key(other[ch.unique_column]) == key:
                        raise Duplicate(
                            ch.table, ch.unique_column, str(row[ch.unique_column]).strip()
                        )
                spec["unique"] = ch.unique_column
        elif isinstance(ch, Redact):
            row, spec = _redacted(ch, current)
        else:
            if current is None:
                raise NotFound(ch.table, ch.id)
            if current["version"] != ch.expected_version:
                raise Conflict(ch.table, ch.id)
            values = typed_row(TABLES[ch.table], ch.values)
            row = {**current, **values, "version": current["version"] + 1}
            spec = {"op": "update", "t": ch.table, "base": current["version"]}
        _refuse_long_cells(ch.table, row)
        staged[(ch.table, row["id"])] = row
        planned.append({**spec, "row": row})
        results.append({**row, "_planned": True})
    entry = Entry(
        f"{time.time_ns():016x}{uuid.uuid4().hex[:12]}", sheets_log.COMMIT, at, tuple(planned)
    )
    return entry, results


def plannable_without(
    omitted: frozenset[str], ch: Change, rows: dict[str, dict], whole: set[str]
) -> bool:
    """Whether `ch` can be checked on rows read without the `omitted` columns, of which
    those in `whole` are known whole (read so since, or the log's own rows).

    A change to a row takes it as its base (an update, a repeated insert answers
    with it): a base with blank texts would write them over the real ones.
    """
    if not omitted:
        return True
    if not isinstance(ch, Insert) or _row_id(ch) in rows:
        return _row_id(ch) in whole and not isinstance(ch, Redact)
    needed = {"number"} if ch.number_prefix else set()
    needed |= {ch.unique_column} if ch.unique_column else set()
    return not needed & omitted


def _redacted(ch: Redact, current: dict | None) -> tuple[dict, dict[str, Any]]:
    """The row with the fields overwritten, and its log spec (sheets_log.Fold applies it)."""
    if current is None:
        raise NotFound(ch.table, ch.id)
    values = typed_row(TABLES[ch.table], ch.values)
    row = {**current, **values}
    spec: dict[str, Any] = {"op": "redact", "t": ch.table, "fields": sorted(values)}
    if TABLES[ch.table].mutable:
        row["version"] = current["version"] + 1
        if ch.expected_version is not None:
            if current["version"] != ch.expected_version:
                raise Conflict(ch.table, ch.id)
            spec["base"] = current["version"]
    return row, spec


def _row_id(ch: Change) -> str:
    return ch.row["id"] if isinstance(ch, Insert) else ch.id


def _refuse_long_cells(table: str, row: dict) -> None:
    too_long = [
        TABLES[table].column(name).header
        for name, value in row.items()
        if isinstance(value, str) and len(neutralise(value)) > CELL_LIMIT
    ]
    if too_long:
        raise ValidationError(
            {
                name: f"'{name}' is te lang voor de Google Sheet "
                "(meer dan 50.000 tekens). Er is niets opgeslagen."
                for name in too_long
            }
        )


def refusal(outcome: Outcome) -> Exception:
    """The log's verdict against an entry as the error the SQL store raises: the log
    refuses only a taken unique value or a stale base (sheets_log.Fold._decide)."""
    if outcome.reason == "duplicate":
        table, column, value = outcome.detail
        return Duplicate(table, column, str(value).strip())
    table, row_id = outcome.detail
    return Conflict(table, row_id)


def typed_row(table: Table, row: dict) -> dict:
    """Values as their column type, as the SQL store keeps them; refuse what it would refuse."""
    typed = {}
    for name, value in row.items():
        kind = table.column(name).type
        ok = {
            "text": value is not None,
            "int": isinstance(value, int) or (isinstance(value, float) and value.is_integer()),
            "bool": isinstance(value, bool | int) and value in (0, 1),
        }[kind]
        if not ok:
            raise ValueError(f"{table.name}.{name}: {value!r} past niet bij type {kind}")
        typed[name] = {"text": str, "int": int, "bool": bool}[kind](value)
    return typed
