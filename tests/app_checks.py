"""Small helpers for the AppTests of the procedure pages."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from lib.repository import Repository


def counts(store: Repository | Any) -> dict[str, int]:
    """How many rows each table holds: proves that a refused action wrote nothing.

    `store` is a repository or an Office holding one. The access log is left out:
    opening a report's card to act in it is a view, logged by design (issue 13).
    """
    repo = getattr(store, "repo", store)
    return {name: len(rows) for name, rows in repo.read_all().items() if name != "access_log"}


def message_after(at: AppTest, key: str) -> str:
    """The error shown right after the widget `key` (i.e. next to the field), or ''."""
    siblings = _siblings_of(at, key)
    keys = [getattr(el, "key", None) for el in siblings]
    following = siblings[keys.index(key) + 1 :]
    if following and type(following[0]).__name__ == "Error":
        return following[0].value
    return ""


def _siblings_of(at: AppTest, key: str) -> list:
    stack = [at._tree]
    while stack:
        block = stack.pop()
        children = list(getattr(block, "children", {}).values())
        if any(getattr(el, "key", None) == key for el in children):
            return children
        stack.extend(children)
    raise KeyError(key)


def texts(at: AppTest) -> str:
    """Every text the page shows (markdown, captions, alerts, text), for 'is it shown'."""
    parts = []
    for kind in ("markdown", "caption", "text", "info", "success", "warning", "error"):
        parts += [str(el.value) for el in getattr(at, kind)]
    return "\n".join(parts)
