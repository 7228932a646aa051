"""Helpers of the access matrix (issue 7): a page opened as a person, what it shows, the log."""

from __future__ import annotations

import logging

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from lib.repository import Insert
from tests.access_people import PERSONS, SINGLE_ROLE, TWO_ROLES, Person
from tests.apptest_support import signed_in

# Work-list cards draw their forms only when opened: these tests open them first.
from tests.cards_support import page_with_open_cards as page
from tests.flows import Office


def as_demo(path: str, person: Person) -> AppTest:
    """Through the demo role picker (one role at a time)."""
    return page(path, role=person.roles[0], name=person.name, email=person.email)


def as_account(path: str, person: Person, monkeypatch) -> AppTest:
    """Signed in with a local account: demo mode off, roles from the people table."""
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "false")
    streamlit.cache_resource.clear()  # the configuration is read again
    at = page(path)
    return signed_in(at, person.email)  # what a correct password leads to


ROUTES = [pytest.param(as_demo, p, id=f"demo-{p.key}") for p in SINGLE_ROLE] + [
    pytest.param(as_account, p, id=f"account-{p.key}") for p in PERSONS
]


def run_as(route, path: str, person: Person, monkeypatch) -> AppTest:
    at = route(path, person, monkeypatch) if route is as_account else route(path, person)
    return at.run()


def tree(at: AppTest, area=None) -> list[tuple[str, str | None]]:
    """Everything the main area (or `area`) shows, as (element type, widget key), in order."""
    out: list[tuple[str, str | None]] = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            out.append((child.type, getattr(child, "key", None)))
            walk(child)

    walk(at.main if area is None else area)
    return out


def keys(at: AppTest) -> set[str]:
    return {key for _, key in tree(at) if key}


def refusals(at: AppTest) -> list[str]:
    return [i.value for i in at.info if i.value.startswith("Deze pagina is voor")]


def access_warnings(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "kivido.access" and r.levelno == logging.WARNING
    ]


def with_two_role_people(app_store) -> Office:
    """The demo reference data (people, locations) plus the two people with two roles."""
    o = Office(app_store)
    o.repo.commit(
        [
            Insert(
                "users",
                {
                    "id": f"user-{p.key}",
                    "name": p.name,
                    "email": p.email,
                    "role": ",".join(p.roles),
                    "active": True,
                    "is_demo": False,
                },
            )
            for p in TWO_ROLES
        ]
    )
    return o
