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
from lib.repository.base import Columns

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
# from one full read and kept; an expired view then reads only the live store and
# joins its frames (built once per live data change) to the kept archived part.
ARCHIVE_PARTS = 2


@dataclass(frozen=True)
class _ArchivedPart:
    frames: Any
    token: str
    live_ids: frozenset  # the live reports when built: one leaving the live read was archived
    archived_ids: frozenset  # one of these back in the live read was restored


@st.cache_resource(show_spinner=False)
def _archived_parts() -> dict:
    return {"lock": threading.Lock(), "parts": {}}


def _archived_part(key: tuple, live_ids: set, build: Callable, read_full: Callable):
    state = _archived_parts()
    with state["lock"]:  # one full read at a time, also when several sessions expire at once
        part = state["parts"].get(key)
        if part is None or not part.live_ids <= live_ids or part.archived_ids & live_ids:
            full = read_full()
            archived = {t["id"] for t in full["tickets"] if t["archived_at"]}
            part = _ArchivedPart(
                build(full),
                uuid.uuid4().hex,
                frozenset(t["id"] for t in full["tickets"] if not t["archived_at"]),
                frozenset(archived),
            )
            state["parts"].pop(key, None)
            state["parts"][key] = part
            while len(state["parts"]) > ARCHIVE_PARTS:  # the oldest goes first
                del state["parts"][next(iter(state["parts"]))]
        return part


@st.cache_resource(max_entries=MAX_ENTRIES, show_spinner=False)
def _joined(label: str, name: str, version: int, token: str, _join, _archived, _live) -> Any:
    return _join(_archived, _live)


def with_archive(
    name: str,
    tables: tuple[str, ...],
    build: Callable[[dict], Any],
    split: Callable[[dict], dict],
    join: Callable[[Any, Any], Any],
    cut: str,
    columns: Columns | None = None,
) -> Any:
    """`build` over live and archived rows of `tables`, as `join(archived, live)`.

    The full read for the archived part holds only `columns` (table -> names)
    when given: what `build` and `split` use.

    `split(full_read)` gives the archived rows of a full read; the archived part is
    kept per archive `cut` until a live report leaves the live read (archived since)
    or an archived one returns to it.
    """
    from lib import ui
    from lib.repository.live import helper_tables
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

        def read_full() -> dict:
            return ui.repository().read(helper_tables(tables), columns=columns)

        part = _archived_part(
            (label, name, cut, epoch), live_ids, lambda full: build(split(full)), read_full
        )
        return _joined(label, name, version, part.token, join, part.frames, live)

    return outage.guarded(shared)
