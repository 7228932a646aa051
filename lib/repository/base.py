"""The repository contract both drivers obey.

A driver offers three things: `read` a set of tables in one request, `commit` a
list of changes all-or-nothing, and `setup` its storage. Rows are found by id,
never by position. Mutable rows carry a `version`; an `Update` names the version
it was based on, and a stale one is refused with `Conflict` without writing.
An `Insert` carries a client-made id, so repeating it never makes a second row.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lib.schema import TABLES, empty_row


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


@dataclass(frozen=True)
class Insert:
    table: str
    row: dict
    # When set, the driver fills row["number"] with prefix + the next free
    # four-digit sequence inside the same atomic write (unique under races).
    number_prefix: str | None = None


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


Change = Insert | Update | Redact


def next_number(existing: Iterable[str], prefix: str) -> str:
    taken = [n[len(prefix) :] for n in existing if n and n.startswith(prefix)]
    highest = max((int(s) for s in taken if s.isdigit()), default=0)
    return f"{prefix}{highest + 1:04d}"


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


class Repository(abc.ABC):
    """What every page and service uses; see module docstring for the rules."""

    label: str  # Dutch description of the store, shown on the home page

    @abc.abstractmethod
    def setup(self) -> list[str]:
        """Create missing tables/worksheets, verify existing ones; report in Dutch."""

    @abc.abstractmethod
    def read(self, tables: Iterable[str]) -> dict[str, list[dict]]:
        """All rows of the given tables, in one request to the store."""

    @abc.abstractmethod
    def commit(self, changes: Sequence[Change]) -> list[dict]:
        """Apply all changes or none; return the resulting rows in order."""

    def read_all(self) -> dict[str, list[dict]]:
        return self.read(TABLES)

    def get(self, table: str, row_id: str) -> dict:
        for row in self.read([table])[table]:
            if row["id"] == row_id:
                return row
        raise NotFound(table, row_id)
