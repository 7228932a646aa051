"""The access matrix of issue 7, part 2: every person opens every page (AppTest).

Each person opens each page file directly, signed in through the demo role
picker and through a local account (roles from the people table, the only way to
be two roles at once). Allowed: the page. Refused: the Dutch refusal, logged,
and nothing else. The router lists exactly the allowed pages. Signed out: the
sign-in screen on every page, nothing of the page. Expectations: tests/access_people.py.
"""

from __future__ import annotations

import logging

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from lib import accounts
from tests.access_people import PAGES, refusal
from tests.access_states import ordered
from tests.access_support import (
    ROUTES,
    access_warnings,
    refusals,
    run_as,
    tree,
    with_two_role_people,
)
from tests.apptest_support import app_store  # noqa: F401

# Work-list cards draw their forms only when opened: these tests open them first.
from tests.cards_support import page_with_open_cards as page
from tests.flows import Office

# ---------------------------------------------------------------------------
# Part 2: pages through AppTest
# ---------------------------------------------------------------------------


@pytest.fixture
def office(app_store) -> Office:  # noqa: F811
    return with_two_role_people(app_store)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(("route", "person"), ROUTES)
def test_a_page_opens_exactly_for_whom_the_procedure_says(
    office, monkeypatch, caplog, route, person, path
):
    """Test that an allowed page shows itself, and a refused one says so in Dutch and no more."""
    rule = PAGES[path]
    with caplog.at_level(logging.WARNING, logger="kivido.access"):
        at = run_as(route, path, person, monkeypatch)
    assert not at.exception, at.exception
    if person.may_open(path):
        assert [t.value for t in at.title][:1] == [rule.heading]
        assert not refusals(at)
        assert not access_warnings(caplog)
    else:
        assert tree(at) == [("info", None)]  # no title, no buttons, no forms, no data
        assert refusals(at) == [refusal(rule.who)]
        assert any(f"pagina '{rule.label}'" in m for m in access_warnings(caplog))


def through_router(at: AppTest, path: str) -> AppTest | None:
    """The page file opened through the router (a typed address), or None if it has no route."""
    try:
        at.switch_page(path)
    except ValueError as e:
        assert "Could not find a navigation page" in str(e)
        return None
    return at.run()


@pytest.mark.parametrize(("route", "person"), ROUTES)
def test_the_menu_lists_exactly_the_allowed_pages(office, monkeypatch, route, person):
    """Test that the router's menu lists exactly the allowed pages, and a page left out of it
    cannot be reached through the router (no route, or its guard refuses)."""
    menus = []
    navigation = streamlit.navigation

    def recording(pages, **kwargs):
        listed = [p for ps in pages.values() for p in ps]
        menus.append([p.title for p in listed if p.visibility == "visible"])
        return navigation(pages, **kwargs)

    monkeypatch.setattr(streamlit, "navigation", recording)
    at = run_as(route, "app.py", person, monkeypatch)
    assert not at.exception, at.exception
    assert menus[-1] == [rule.label for path, rule in PAGES.items() if person.may_open(path)]
    for path, rule in PAGES.items():
        shown = through_router(at, path)
        if person.may_open(path):
            assert shown is not None, path
            assert not shown.exception, (path, shown.exception)
            assert [t.value for t in shown.title][:1] == [rule.heading], path
            assert not refusals(shown)
        elif shown is not None:
            assert not shown.exception, (path, shown.exception)
            assert refusals(shown) == [refusal(rule.who)], path
            assert {kind for kind, _ in tree(shown)} <= {"info", "page_link"}, path


# The sign-in screens of lib/ui/identity.py, element by element: nothing of a page.
FIRST_START = [
    ("title", None),
    ("flex_container", None),
    ("info", None),
    ("form", "first-account"),
    ("text_input", "first-name"),
    ("text_input", "first-email"),
    ("text_input", "first-password"),
    ("text_input", "first-again"),
    ("button", "first-submit"),
]
SIGN_IN = [
    ("title", None),
    ("flex_container", None),
    ("form", "sign-in"),
    ("subheader", None),
    ("text_input", "sign-in-email"),
    ("text_input", "sign-in-password"),
    ("button", "sign-in-submit"),
    ("caption", None),
]


@pytest.mark.parametrize("accounts_exist", [False, True], ids=["first-start", "accounts"])
@pytest.mark.parametrize("path", [*PAGES, "app.py"])
def test_signed_out_every_page_is_the_sign_in_screen(app_store, monkeypatch, path, accounts_exist):  # noqa: F811
    """Test that without sign-in every page (and the router) shows only the sign-in screen."""
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "false")
    streamlit.cache_resource.clear()
    o = Office(app_store)  # the demo people only: a fresh installation
    if accounts_exist:
        accounts.create_first_maz(
            o.repo, name="Nathalie", email="maz@kivido.example", password="een-lang-wachtwoord"
        )
    ordered(o)  # there is something a page could show
    menus = []
    navigation = streamlit.navigation

    def recording(pages, **kwargs):
        menus.append(([p.title for p in pages], kwargs.get("position")))
        return navigation(pages, **kwargs)

    monkeypatch.setattr(streamlit, "navigation", recording)
    at = page(path).run()
    assert not at.exception, at.exception
    assert tree(at) == (SIGN_IN if accounts_exist else FIRST_START)
    assert [t.value for t in at.title] == ["Storingsmeldingen ICT/Telefonie"]
    assert tree(at, at.sidebar) == []
    if path == "app.py":  # every address is the sign-in screen; no page file can be reached
        [(titles, position)] = menus
        assert set(titles) == {"Aanmelden"} and position == "hidden"
        for page_file in PAGES:
            shown = through_router(at, page_file)
            assert shown is None or tree(shown) == tree(at), page_file
