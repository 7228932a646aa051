"""Which data a read holds, as one number: equal numbers, equal data (within a process).

Derived figures (Overzicht's frames) are kept as long as the data they came
from is the same, whoever looks and however often the read cache expires
(issue 10 point 4). A mutable row is known by its id and version (every change
raises the version); an append-only row by all its values, since a privacy
purge redacts such rows in place without a version.
"""

from __future__ import annotations

from collections.abc import Iterable


def data_version(tables: dict[str, list[dict]], names: Iterable[str]) -> int:
    parts = []
    for name in names:
        rows = tables.get(name, [])
        if rows and "version" in rows[0]:
            parts.append((name, hash(tuple((r["id"], r["version"]) for r in rows))))
        else:
            parts.append((name, hash(tuple(tuple(r.values()) for r in rows))))
    return hash(tuple(parts))
