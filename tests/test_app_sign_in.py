"""AppTest: local sign-in (demo mode off, no identity provider), through app.py and
on single pages: first start, wrong password, lock-out, sign-out, a temporary
password, and a person made inactive meanwhile.
"""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from lib import accounts, people
from lib.procedure import Role
from lib.snapshot import Snapshot
from lib.ui import identity
from tests.app_checks import message_after, texts
from tests.apptest_support import app_store, page  # noqa: F401

MAZ_EMAIL, MAZ_PASSWORD = "nathalie@kivido.nl", "Zonnebloem-2026!"
STAFF_EMAIL, TEMPORARY, OWN = "ruben@kivido.nl", "Tijdelijk-wachtwoord-1", "Regenboog-eigen-42"
SIGN_IN_TITLE = "Storingsmeldingen ICT/Telefonie"


@pytest.fixture
def local(app_store, monkeypatch):  # noqa: F811
    """Local accounts: demo mode off, every run reads afresh, failed sign-ins do not wait.

    AppTest makes every run the first run of a server (it resets Streamlit's
    pages-folder flag, and app.py's way out of that mode reruns, which drops a
    button press). Here the server has already seen st.navigation, as after the
    first visit of a served app.
    """
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "false")
    monkeypatch.setenv("KIVIDO_CACHE_SECONDS", "0")
    waits: list[float] = []
    monkeypatch.setattr(accounts, "_pause", waits.append)
    original = PagesManager.__init__

    def served(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", served)
    app_store.waits = waits
    return app_store


@pytest.fixture
def menu(monkeypatch) -> list[list[str]]:
    """The page titles the menu shows (st.navigation in app.py), one list per run."""
    runs: list[list[str]] = []
    real = st.navigation

    def recording(pages, **kwargs):
        groups = pages.values() if isinstance(pages, dict) else [pages]
        shown = kwargs.get("position") != "hidden"
        runs.append([p.title for g in groups for p in g if shown and p.visibility == "visible"])
        return real(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", recording)
    return runs


def office(repo) -> None:
    """A MAZ (own password) and a staff member with a temporary password."""
    maz = accounts.create_first_maz(repo, name="Nathalie", email=MAZ_EMAIL, password=MAZ_PASSWORD)
    form = {"name": "Ruben", "email": STAFF_EMAIL, "roles": [Role.STAFF]}
    accounts.save_person(repo, maz, Snapshot(repo.read_all()), form, person_id="user-ruben")
    accounts.set_password(repo, maz, STAFF_EMAIL, TEMPORARY)


def sign_in(at, email: str, password: str):
    at.text_input(key="sign-in-email").input(email)
    at.text_input(key="sign-in-password").input(password)
    return at.button(key="sign-in-submit").click().run()


def widget_keys(at) -> set[str]:
    return {w.key for kind in ("text_input", "button") for w in getattr(at, kind)}


def signed_in_as(at) -> str:
    return " ".join(c.value for c in at.sidebar.caption if "Aangemeld als" in c.value)


def sees_only_sign_in(at) -> bool:
    return [t.value for t in at.title] == [SIGN_IN_TITLE] and not signed_in_as(at)


# --- first start ---------------------------------------------------------------------


def test_first_start_creates_the_maz_who_is_then_signed_in(local, menu):
    at = page("app.py").run()
    assert not at.exception
    assert "Eerste start" in texts(at)
    assert {"first-name", "first-email", "first-password"} <= widget_keys(at)
    assert "sign-in-email" not in widget_keys(at)

    at.text_input(key="first-name").input("Nathalie de Boer")
    at.text_input(key="first-email").input(MAZ_EMAIL)
    at.text_input(key="first-password").input(MAZ_PASSWORD)
    at.text_input(key="first-again").input(MAZ_PASSWORD + "?")
    at.button(key="first-submit").click().run()
    assert "De twee wachtwoorden zijn niet gelijk." in texts(at)
    assert local.read(["users", "accounts"]) == {"users": [], "accounts": []}

    at.text_input(key="first-password").input("kort")
    at.text_input(key="first-again").input("kort")
    at.button(key="first-submit").click().run()
    assert "minstens 10 tekens" in message_after(at, "first-password")
    assert local.read(["users"]) == {"users": []}

    at.text_input(key="first-password").input(MAZ_PASSWORD)
    at.text_input(key="first-again").input(MAZ_PASSWORD)
    at.button(key="first-submit").click().run()
    assert not at.exception
    assert "Account aangemaakt: u bent aangemeld." in texts(at)
    assert "Nathalie de Boer" in signed_in_as(at)
    assert "Beheer" in menu[-1] and "Beoordelen" in menu[-1]
    users = local.read(["users"])["users"]
    assert [(u["email"], u["role"]) for u in users] == [(MAZ_EMAIL, "maz")]

    later = page("app.py").run()  # the next visitor: a sign-in form, no first start
    assert "sign-in-email" in widget_keys(later) and "first-name" not in widget_keys(later)


def test_first_start_is_offered_on_a_page_opened_directly_too(local):
    at = page("pages/facturen.py").run()
    assert not at.exception
    assert "Eerste start" in texts(at) and "first-name" in widget_keys(at)
    assert sees_only_sign_in(at)


# --- signing in ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("app.py", SIGN_IN_TITLE),
        ("pages/beoordelen.py", "Beoordelen"),
        ("pages/facturen.py", "Facturen van Nemesys"),
    ],
)
def test_a_wrong_password_shows_the_dutch_error_and_no_page(local, path, title):
    office(local)
    at = page(path).run()
    assert sees_only_sign_in(at)
    sign_in(at, MAZ_EMAIL, "niet-het-goede")
    assert not at.exception
    assert [e.value for e in at.error] == ["E-mailadres of wachtwoord onjuist."]
    assert sees_only_sign_in(at)
    sign_in(at, "onbekend@kivido.nl", MAZ_PASSWORD)  # the same message: no address is revealed
    assert [e.value for e in at.error] == ["E-mailadres of wachtwoord onjuist."]
    assert sees_only_sign_in(at)

    sign_in(at, MAZ_EMAIL, MAZ_PASSWORD)
    assert not at.exception
    assert title in [t.value for t in at.title] and not sees_only_sign_in(at)


def test_five_wrong_attempts_lock_the_account(local):
    office(local)
    at = page("app.py").run()
    for _ in range(4):
        sign_in(at, MAZ_EMAIL, "raad-maar-raak")
    assert [e.value for e in at.error] == ["E-mailadres of wachtwoord onjuist."]
    sign_in(at, MAZ_EMAIL, "raad-maar-raak")  # the fifth
    assert not at.exception
    assert "Te veel mislukte pogingen" in at.error[0].value
    assert local.waits == sorted(local.waits) and len(local.waits) == 5

    sign_in(at, MAZ_EMAIL, MAZ_PASSWORD)  # the right password, inside the lock window
    assert "geblokkeerd tot" in at.error[0].value
    assert sees_only_sign_in(at)


def test_sign_out_shows_the_sign_in_form_again(local, menu):
    office(local)
    at = page("app.py").run()
    sign_in(at, MAZ_EMAIL, MAZ_PASSWORD)
    assert "Nathalie" in signed_in_as(at) and "Beheer" in menu[-1]
    at.switch_page("pages/beoordelen.py").run()
    assert [t.value for t in at.title] == ["Beoordelen"]

    at.sidebar.button(key="sign-out").click().run()
    assert not at.exception
    assert sees_only_sign_in(at) and "sign-in-email" in widget_keys(at)
    assert "Beheer" not in menu[-1] and "Beoordelen" not in menu[-1]
    assert identity.SIGNED_IN not in at.session_state


# --- a temporary password ------------------------------------------------------------


@pytest.mark.parametrize("path", ["app.py", "pages/melden.py"])
def test_a_temporary_password_must_be_replaced_before_any_page(local, menu, path):
    office(local)
    at = page(path).run()
    sign_in(at, STAFF_EMAIL, TEMPORARY)
    assert not at.exception
    assert [t.value for t in at.title] == ["Kies een eigen wachtwoord"]
    assert "Melden" not in [t.value for t in at.title]
    if path == "app.py":
        assert "Melden" not in menu[-1] and "Mijn meldingen" not in menu[-1]

    at.text_input(key="password-first-current").input(TEMPORARY)
    at.text_input(key="password-first-new").input(TEMPORARY)  # the same one: refused
    at.button(key="password-first-submit").click().run()
    assert "ander wachtwoord" in message_after(at, "password-first-new")
    assert [t.value for t in at.title] == ["Kies een eigen wachtwoord"]
    assert accounts.must_change(local, STAFF_EMAIL)

    at.text_input(key="password-first-current").input(TEMPORARY)
    at.text_input(key="password-first-new").input(OWN)
    at.button(key="password-first-submit").click().run()
    assert not at.exception
    assert "Uw wachtwoord is gewijzigd." in texts(at)
    assert "Kies een eigen wachtwoord" not in [t.value for t in at.title]
    assert not accounts.must_change(local, STAFF_EMAIL)
    if path == "app.py":
        assert "Melden" in menu[-1] and "Beheer" not in menu[-1]

    again = page("app.py").run()
    sign_in(again, STAFF_EMAIL, TEMPORARY)
    assert [e.value for e in again.error] == ["E-mailadres of wachtwoord onjuist."]
    sign_in(again, STAFF_EMAIL, OWN)
    assert "Ruben" in signed_in_as(again)


def test_a_person_made_inactive_is_signed_out_on_their_next_run(local, menu):
    office(local)
    staff = page("app.py").run()
    sign_in(staff, STAFF_EMAIL, TEMPORARY)
    staff.text_input(key="password-first-current").input(TEMPORARY)
    staff.text_input(key="password-first-new").input(OWN)
    staff.button(key="password-first-submit").click().run()
    assert "Ruben" in signed_in_as(staff)

    snap = Snapshot(local.read_all())
    maz = people.actor_for(snap, MAZ_EMAIL)
    form = {"name": "Ruben", "email": STAFF_EMAIL, "roles": [Role.STAFF], "active": False}
    accounts.save_person(local, maz, snap, form, person_id="user-ruben")

    staff.run()
    assert not staff.exception
    assert sees_only_sign_in(staff) and "sign-in-email" in widget_keys(staff)
    assert "Melden" not in menu[-1]
    assert identity.SIGNED_IN not in staff.session_state


# --- a password reset ends open sessions ---------------------------------------------


def test_a_password_reset_by_the_maz_ends_the_open_sessions_of_that_person(local, menu):
    """A stolen or shared password: the MAZ resets it, and whoever used it is out."""
    office(local)
    laptop = page("app.py").run()
    sign_in(laptop, STAFF_EMAIL, TEMPORARY)
    laptop.text_input(key="password-first-current").input(TEMPORARY)
    laptop.text_input(key="password-first-new").input(OWN)
    laptop.button(key="password-first-submit").click().run()
    phone = page("app.py").run()
    sign_in(phone, STAFF_EMAIL, OWN)
    assert "Ruben" in signed_in_as(laptop) and "Ruben" in signed_in_as(phone)

    maz = people.actor_for(Snapshot(local.read_all()), MAZ_EMAIL)
    accounts.set_password(local, maz, STAFF_EMAIL, "Nieuw-tijdelijk-77")
    for session in (laptop, phone):
        session.run()
        assert not session.exception
        assert sees_only_sign_in(session) and "sign-in-email" in widget_keys(session)
        assert identity.SIGNED_IN not in session.session_state
    assert "Melden" not in menu[-1]


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(local, menu):
    office(local)
    here = page("app.py").run()
    sign_in(here, MAZ_EMAIL, MAZ_PASSWORD)
    elsewhere = page("app.py").run()
    sign_in(elsewhere, MAZ_EMAIL, MAZ_PASSWORD)

    with_popover = here.sidebar
    with_popover.text_input(key="password-change-current").input(MAZ_PASSWORD)
    with_popover.text_input(key="password-change-new").input("Nog-veel-sterker-2027")
    with_popover.button(key="password-change-submit").click().run()
    assert "Uw wachtwoord is gewijzigd." in texts(here)

    here.run()
    assert "Nathalie" in signed_in_as(here) and "Beheer" in menu[-1]
    elsewhere.run()
    assert sees_only_sign_in(elsewhere)


def test_two_visitors_of_an_empty_installation_cannot_both_become_the_maz(local):
    """The first-start form is shown to both; only the first press makes an account.
    (At the same moment in the store: tests/test_accounts.py.)"""
    first, second = page("app.py").run(), page("app.py").run()
    for at, name, email in ((first, "Nathalie", MAZ_EMAIL), (second, "Indringer", "x@elders.nl")):
        at.text_input(key="first-name").input(name)
        at.text_input(key="first-email").input(email)
        at.text_input(key="first-password").input(MAZ_PASSWORD)
        at.text_input(key="first-again").input(MAZ_PASSWORD)
    first.button(key="first-submit").click().run()
    second.button(key="first-submit").click().run()
    assert not second.exception
    assert "first-submit" not in widget_keys(second)  # the set-up is gone: only sign-in
    assert "sign-in-email" in widget_keys(second) and not signed_in_as(second)
    snap = Snapshot(local.read_all())
    assert [a["email"] for a in snap.rows("accounts")] == [MAZ_EMAIL]
    assert people.person(snap, "x@elders.nl") is None
