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

from collections.abc import Callable
from typing import Any

import streamlit as st

from lib.data_version import data_version

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
