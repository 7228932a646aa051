"""The archived rows as plain set arithmetic: the oracle for Overzicht's archived part."""

from __future__ import annotations

from lib.repository.live import live_rows


def archived_rows(full: dict[str, list[dict]], tables: tuple[str, ...]) -> dict[str, list[dict]]:
    """The rows of `tables` in the full read `full` that the live read leaves out: what
    the archived part must hold, from the plain rule (lib/repository/live.py).

    Locations are never archived but label the archived reports, so all are kept.
    """
    live = live_rows(full, tables)
    out = {}
    for name in tables:
        if name == "locations":
            out[name] = full.get(name, [])
            continue
        kept = {r["id"] for r in live.get(name, [])}
        out[name] = [r for r in full.get(name, []) if r["id"] not in kept]
    return out
