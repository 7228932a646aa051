"""The repository contract both drivers obey.

A driver offers three things: `read` a set of tables in one request, `commit` a
list of changes all-or-nothing, and `setup` its storage. Rows are found by id,
never by position. Mutable rows carry a `version`; an `Update` names the version
it was based on, and a stale one is refused with `Conflict` without writing.
An `Insert` carries a client-made id, so repeating it never makes a second row.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from lib.schema import TABLES, empty_row
from lib.validation import ValidationError, identifier_key


class Conflict(Exception):
    """Someone else changed the row since it was read; nothing was written."""

    def __init__(self, table: str, row_id: str):
        super().__init__(
            "Iemand anders heeft dit intussen gewijzigd. "
            "De pagina toont nu de nieuwste stand; probeer het opnieuw."
        )
        self.table, self.row_id = table, row_id


class NotFound(Exception):
    def __init__(self, table: str, row_id: str):
        super().__init__(f"Niet gevonden: {table} {row_id}.")
        self.table, self.row_id = table, row_id


class StoreUnavailable(Exception):
    """The store did not answer after the bounded retries; nothing is half-done."""


class OutcomeUnknown(StoreUnavailable):
    """The store stopped answering while a write was under way, and could not tell
    afterwards whether it landed. Rare: the driver first tries to find out."""

    def __init__(self) -> None:
        super().__init__(
            "De Google Sheet reageert niet meer; het is niet zeker of uw wijziging is "
            "opgeslagen. Vernieuw de pagina over een minuut en kijk of ze er staat "
            "voordat u het opnieuw probeert."
        )


class Duplicate(ValidationError):
    """A value that must be unique (an invoice number) is already in the store.

    A field error of the form that typed it, so every page shows it beside that field.
    """

    def __init__(self, table: str, column: str, value: str):
        label = {"invoices": "Factuurnummer"}.get(table, column)
        super().__init__({column: f"{label} {value} is al geregistreerd."})
        self.table, self.column, self.value = table, column, value


@dataclass(frozen=True)
class Insert:
    table: str
    row: dict
    # When set, the driver fills row["number"] with prefix + the next free
    # four-digit sequence inside the same atomic write (unique under races, and
    # never a number handed out before, also after rows were removed). Text of
    # later inserts in the same write may hold NUMBER_SLOT: it becomes that number.
    number_prefix: str | None = None
    # When set, no other row of the table may hold the same value in this column,
    # compared as `unique_key` does (checked inside the atomic write).
    unique_column: str | None = None


@dataclass(frozen=True)
class Update:
    table: str
    id: str
    expected_version: int
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Redact:
    """Overwrite text fields of an existing row, append-only tables included.

    The one exception to "append-only": the retention purge (lib/privacy.py)
    replaces personal data in old events with a marker. No version check (an
    append-only row has none); on a mutable table the version still goes up,
    so an edit based on the old text is refused as stale.
    """

    table: str
    id: str
    values: dict = field(default_factory=dict)
    # When set (a mutable row as the purge read it), a stale version is refused
    # with Conflict like an Update: the purge never blanks a report edited meanwhile.
    expected_version: int | None = None


Change = Insert | Update | Redact


# Stands for the number a write hands out, in mails written before it is known.
NUMBER_SLOT = "\u27e6meldingsnummer\u27e7"


def highest_number(existing: Iterable[str], prefix: str) -> int:
    taken = [n[len(prefix) :] for n in existing if n and n.startswith(prefix)]
    return max((int(s) for s in taken if s.isdigit()), default=0)


def next_number(existing: Iterable[str], prefix: str, floor: int = 0) -> str:
    """The next number after the highest in use and after `floor` (the highest ever issued)."""
    return format_number(prefix, max(highest_number(existing, prefix), floor) + 1)


def format_number(prefix: str, sequence: int) -> str:
    return f"{prefix}{sequence:04d}"


def unique_key(value: object) -> str:
    """An identifier as people mean it (lib/validation.py `identifier_key`): case,
    invisible characters, spaces and compatibility forms ignored."""
    return identifier_key(str(value))


def fill_number(row: dict, number: str) -> dict:
    """Put a number handed out in this write into the text that waited for it."""
    return {
        k: v.replace(NUMBER_SLOT, number) if isinstance(v, str) and NUMBER_SLOT in v else v
        for k, v in row.items()
    }


def complete_row(table: str, row: dict) -> dict:
    """Fill absent columns with their defaults and refuse unknown ones."""
    unknown = set(row) - set(TABLES[table].column_names)
    if unknown:
        raise ValueError(f"{table} has no columns {sorted(unknown)}")
    full = empty_row(table)
    full.update(row)
    if TABLES[table].mutable and not row.get("version"):
        full["version"] = 1  # a migration carries rows over with their version
    return full


def check_changes(changes: Sequence[Change]) -> None:
    for ch in changes:
        table = TABLES[ch.table]
        if isinstance(ch, Update):
            if not table.mutable:
                raise ValueError(f"{ch.table} is append-only")
            bad = set(ch.values) - set(table.column_names) | ({"id", "version"} & set(ch.values))
            if bad:
                raise ValueError(f"cannot set {sorted(bad)} on {ch.table}")
        elif isinstance(ch, Redact):
            texts = {c.name for c in table.columns if c.type == "text"} - {"id"}
            if set(ch.values) - texts:
                raise ValueError(f"cannot redact {sorted(set(ch.values) - texts)} on {ch.table}")
        elif not ch.row.get("id"):
            raise ValueError("an Insert needs a client-made id")


Columns = Mapping[str, Sequence[str]]


def projected(data: dict[str, list[dict]], columns: Columns | None) -> dict[str, list[dict]]:
    """The read `data` with only the named columns of the tables `columns` names."""
    return {
        name: rows
        if name not in (columns or {})
        else [{n: r[n] for n in columns[name]} for r in rows]
        for name, rows in data.items()
    }


class Repository(abc.ABC):
    """What every page and service uses; see module docstring for the rules."""

    label: str  # Dutch description of the store, shown on the home page

    @abc.abstractmethod
    def setup(self) -> list[str]:
        """Create missing tables/worksheets, verify existing ones; report in Dutch."""

    @abc.abstractmethod
    def read(
        self, tables: Iterable[str], live_only: bool = False, columns: Columns | None = None
    ) -> dict[str, list[dict]]:
        """All rows of the given tables, in one request to the store.

        With `live_only`, archived reports and the rows belonging to them are left
        out (lib/repository/live.py): what the work pages need, whatever the history.
        With `columns` (table -> column names), the rows of those tables hold only
        those columns: a full read of years of history for a few figures then
        costs a fraction of the memory (issue 10).
        """

    def read_batches(
        self, table: str, columns: Sequence[str] | None = None, size: int = 50_000
    ) -> Iterator[list[dict]]:
        """The rows of `table` (the archive included), at most `size` at a time, in the
        order `read` gives them; with `columns`, only those.

        For a pass over years of history that keeps only a summary of each batch
        (Overzicht's archived events, issue 10). A driver whose read returns
        everything at once hands its one read out in slices (the Sheet reads its
        archive in stretches first: lib/repository/sheets_stretches.py).
        """
        rows = self.read([table], columns={table: columns} if columns is not None else None)
        for start in range(0, len(rows[table]), size):
            yield rows[table][start : start + size]

    def read_each(
        self, tables: Sequence[str], columns: Columns | None = None
    ) -> Iterator[tuple[str, list[dict]]]:
        """(table, its rows, the archive included) for each of `tables`, in that order.

        For a pass that keeps only a summary of each table (Overzicht's archived part,
        issue 10): a driver that reads a table cheaply (SQL) reads each when it is
        reached, so one table's rows can go before the next is read; this one reads
        them all at once (the Sheet: lib/repository/sheets_stretches.py).
        """
        found = self.read(tables, columns=columns)
        for name in tables:
            yield name, found.pop(name)

    def read_rows(self, table: str, ids: Sequence[str]) -> list[dict]:
        """The whole rows of `table` with these ids (the archive included), in the
        order of `ids`; an unknown id is left out.

        For a page that shows the long texts of a few rows its view read left out
        (Postvak's mails, schema.MAIL_TEXTS): it costs what those rows hold, not the
        table. A driver that cannot ask for rows by id reads the table.
        """
        found = {r["id"]: r for r in self.read([table])[table]}
        return [found[i] for i in dict.fromkeys(ids) if i in found]

    @abc.abstractmethod
    def commit(self, changes: Sequence[Change]) -> list[dict]:
        """Apply all changes or none; return the resulting rows in order."""

    def scrub_history(self) -> None:
        """Take redacted text out of any history the store keeps of its rows.

        The SQL store keeps none (a redact overwrites the one row); the Sheet's
        change log holds copies of every row written (lib/repository/sheets.py).
        """
        return None

    def move_archived(self) -> int:
        """Move archived rows out of what the live read asks for; how many rows moved.

        The SQL stores filter archived rows in the query (lib/repository/live.py);
        the Sheet returns whole worksheets, so it keeps them in archive worksheets
        (lib/repository/sheets_archive.py).
        """
        return 0

    def read_all(self) -> dict[str, list[dict]]:
        return self.read(TABLES)

    def get(self, table: str, row_id: str) -> dict:
        for row in self.read([table])[table]:
            if row["id"] == row_id:
                return row
        raise NotFound(table, row_id)
