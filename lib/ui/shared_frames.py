"""Derived values (Overzicht's frames) built once per data change and shared by all sessions.

The read cache (lib/ui/__init__.py `_read`) renews itself every cache_seconds
and per writing session; building frames from every renewed read, and keeping a
pickled copy per session and period, made each expired Overzicht view rebuild
them and the memory grow with every period (issue 10). Here the built value is
kept once per process under the version of the data it came from
(lib/data_version.py): a view whose read holds the same data reuses it without
a copy; a change in the data builds it anew and the oldest entry is dropped.
Callers treat the value as read-only (it is shared).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lib.data_version import data_version
from lib.repository.base import Repository

# A few entries: the current data, and a newer one while older sessions still show the old.
MAX_ENTRIES = 4


@st.cache_data(max_entries=64, show_spinner=False)
def _version(label: str, nonce: str, generation: int, tables: tuple, _read: Callable) -> int:
    return data_version(_read(), tables)  # once per read, a small number kept


@st.cache_resource(max_entries=MAX_ENTRIES, show_spinner=False)
def _built(label: str, name: str, tables: tuple, version: int, _build, _read) -> Any:
    rows = _read()
    return _build({t: rows[t] for t in tables})


def built(
    label: str,
    nonce: str,
    generation: int,
    name: str,
    tables: tuple[str, ...],
    build: Callable[[dict], Any],
    read: Callable[[], dict],
) -> Any:
    """`build` over `tables` of `read()`, from the shared cache when the data is the same."""
    rows: list[dict] = []

    def read_once() -> dict:  # a cold view reads (or unpickles) once for both caches
        if not rows:
            rows.append(read())
        return rows[0]

    version = _version(label, nonce, generation, tables, read_once)
    return _built(label, name, tables, version, build, read_once)


# --- Overzicht over a period reaching into the archive (issue 10) -----------------
# The archive only changes when the archive job runs, so its frames are built once
# from one read of it (lib/reports_combine.archived_part) and kept; an expired view then reads only the live store and
# joins its frames (built once per live data change) to the kept archived part.
ARCHIVE_PARTS = 2


@dataclass(frozen=True)
class _Kept:
    part: Any  # frames, live_ids, archived_ids (lib/reports_combine.ArchivedPart)
    token: str


@st.cache_resource(show_spinner=False)
def _archived_parts() -> dict:
    return {"lock": threading.Lock(), "parts": {}}


def _archived_part(key: tuple, live_ids: set, read_part: Callable[[], Any]) -> _Kept:
    """The kept archived part; read anew when a live report left the live read
    (archived since) or an archived one returned to it."""
    state = _archived_parts()
    with state["lock"]:  # one full read at a time, also when several sessions expire at once
        kept = state["parts"].get(key)
        if kept is None or not kept.part.live_ids <= live_ids or kept.part.archived_ids & live_ids:
            kept = _Kept(read_part(), uuid.uuid4().hex)
            state["parts"].pop(key, None)
            state["parts"][key] = kept
            while len(state["parts"]) > ARCHIVE_PARTS:  # the oldest goes first
                del state["parts"][next(iter(state["parts"]))]
        return kept


@st.cache_resource(max_entries=MAX_ENTRIES, show_spinner=False)
def _joined(label: str, name: str, version: int, token: str, _join, _archived, _live) -> Any:
    return _join(_archived, _live)


def with_archive(
    name: str,
    tables: tuple[str, ...],
    build: Callable[[dict], Any],
    read_archived: Callable[[Repository], Any],
    join: Callable[[Any, Any], Any],
    cut: str,
) -> Any:
    """`build` over the live rows of `tables`, joined as `join(archived, live)` to the
    archived part that `read_archived(repository)` reads and builds (its `frames`,
    `live_ids` and `archived_ids`, as lib/reports_combine.ArchivedPart).

    The archived part is kept per archive `cut` until a live report leaves the live
    read (archived since) or an archived one returns to it.
    """
    from lib import ui
    from lib.ui import outage

    nonce, generation = ui._run_generation()
    epoch = ui._read_epoch()

    def shared():
        label = ui.repository().label
        rows: list[dict] = []

        def read_live() -> dict:
            if not rows:
                rows.append(ui._read_live(label, nonce, generation, epoch))
            return rows[0]

        live = built(label, nonce, generation, name, tuple(tables), build, read_live)
        version = _version(label, nonce, generation, tuple(tables), read_live)
        live_ids = {t["id"] for t in read_live()["tickets"]}
        kept = _archived_part(
            (label, name, cut, epoch), live_ids, lambda: read_archived(ui.repository())
        )
        return _joined(label, name, version, kept.token, join, kept.part.frames, live)

    return outage.guarded(shared)
