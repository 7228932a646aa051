"""Sign-in through OpenID Connect, end to end in Chromium (issue 7, "Sign-in" 1 and "Tests").

A real OIDC provider runs on loopback (oidc-provider-mock, tests/browser/oidc_provider.py);
the app runs under `streamlit run` with an [auth] section pointing at it and demo
mode off, on its own SQLite store. People sign in on the provider's page as a
person would: the app sends the browser there, they type who they are, the
provider sends them back with an ID token, and Streamlit's st.user says who
they are. Their roles come from the people table, by e-mail address.

What each person should see is written here from the issue text, not read from
lib/navigation.py: a staff member (and an address not in the table) has Start,
Melden and Mijn meldingen, nothing else; the MAZ has every procedure page and
Beheer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lib.repository import Insert
from lib.repository.sql import SqlRepository
from tests.browser.conftest import AppServer, screenshot
from tests.browser.oidc_provider import Provider, running_provider
from tests.browser.steps import (
    Person,
    Report,
    button,
    expect_text,
    form_with,
    main,
    my_report,
    nav_link,
    open_page,
    rerun,
    settle,
    sidebar,
    submit_report,
)
from tests.flows import Office

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Account:
    """Someone with an account at the identity provider, and their row in the people table."""

    sub: str  # what they type on the provider's sign-in page
    email: str  # the address the provider vouches for
    name: str  # the name the provider vouches for
    roles: str = ""  # their roles in the people table; "" = not in the table


MAZ = Account("marieke", "marieke.bos@kivido.example", "Marieke Bos", roles="maz")
# Entra ID hands out addresses as they were typed when the account was made;
# the people table is matched regardless of case.
STAFF = Account("joost", "Joost.Smit@kivido.example", "Joost Smit", roles="medewerker")
# A temp with a Kivido account whom nobody put in the people table yet.
UNKNOWN = Account("iris", "iris.invaller@kivido.example", "Iris Invaller")
COLLEAGUE = Account("ruben", "ruben.degroot@kivido.example", "Ruben de Groot", roles="medewerker")

# From the issue: a staff member sees Melden and Mijn meldingen (and the start page) ...
STAFF_PAGES = ["Start", "Melden", "Mijn meldingen"]
# ... and the pages of the office, none of which they may open.
OFFICE_PAGES = [
    "Beoordelen",
    "Opvolgen",
    "Nemesys",
    "Communicatie",
    "Postvak",
    "Offertes",
    "Facturen",
    "Overzicht",
    "Beheer",
]

ZONNEBLOEM = "Kinderopvang De Zonnebloem (demo)"
JOOSTS_EARLIER = "De beamer in de personeelskamer doet het niet."
RUBENS = "Wifi in de peutergroep valt steeds weg."


@dataclass
class App:
    server: AppServer
    provider: Provider
    url: str
    earlier_report: str  # the number of the report Joost made before


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as provider:
        for account in (MAZ, STAFF, UNKNOWN):
            provider.add_person(account.sub, email=account.email, name=account.name)
        yield provider


@pytest.fixture
def app(provider: Provider, tmp_path: Path) -> Iterator[App]:
    """The app against the provider, demo mode off, on a store of its own."""
    db = tmp_path / "oidc.db"
    repo = SqlRepository.at_path(db)
    repo.setup()
    office = Office(repo)  # the demo locations and people
    repo.commit(
        [
            Insert(
                "users",
                {
                    "id": f"user-{account.sub}",
                    "name": account.name,
                    "email": account.email.lower(),
                    "role": account.roles,
                    "active": True,
                    "is_demo": False,
                },
            )
            for account in (MAZ, STAFF, COLLEAGUE)
        ]
    )
    earlier = office.submit(
        reporter_name=STAFF.name,
        reporter_email=STAFF.email.lower(),
        category="overig",
        blocks_office_work=False,
        description=JOOSTS_EARLIER,
    )
    office.submit(
        reporter_name=COLLEAGUE.name,
        reporter_email=COLLEAGUE.email,
        category="internet_locatie",
        blocks_office_work=False,
        description=RUBENS,
    )
    assert not any(u["email"] == UNKNOWN.email for u in repo.read(["users"])["users"])
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(provider.secrets_toml())
    env = {
        "KIVIDO_STORE": "sqlite",
        "KIVIDO_DB": str(db),
        "KIVIDO_DEMO_MODE": "false",
        "KIVIDO_SECRETS": str(secrets),
    }
    server = AppServer(env, tmp_path / "st.log", ("--secrets.files", str(secrets)))
    try:
        yield App(server, provider, server.url, earlier["number"])
    finally:
        server.stop()


# --- what a person does ---------------------------------------------------------------


def expect_sign_in_screen(page: Page) -> None:
    """Signed out: the sign-in button and nothing of the app behind it."""
    expect(button(main(page), "Inloggen")).to_be_visible()
    expect_text(main(page), "Meld u aan met uw Kivido-account")
    expect(sidebar(page).get_by_test_id("stSidebarNavLink")).to_have_count(0)
    expect(page.get_by_text("Aangemeld als")).to_have_count(0)


def sign_in(page: Page, app: App, account: Account) -> None:
    """From the sign-in screen, through the provider's page, back signed in."""
    expect_sign_in_screen(page)
    button(main(page), "Inloggen").click()
    page.wait_for_url(f"{app.provider.url}/oauth2/authorize?**")
    app.provider.sign_in(page, account.sub)
    page.wait_for_url(f"{app.url}/")
    settle(page)
    expect(sidebar(page).get_by_text("Aangemeld als")).to_be_visible()


def navigation(page: Page) -> list[str]:
    """The titles in the sidebar navigation, in order (without their icons)."""
    links = sidebar(page).get_by_test_id("stSidebarNavLink")
    expect(links.first).to_be_visible()
    return [re.sub(r"^\W*", "", text).strip() for text in links.all_inner_texts()]


def signed_in_as(page: Page, name: str, role_label: str) -> None:
    caption = sidebar(page).get_by_text("Aangemeld als")
    expect(caption).to_contain_text(f"Aangemeld als {name}")
    expect(caption).to_contain_text(role_label)


def visit(page: Page, title: str):
    with rerun(page):
        nav_link(page, title).click()
    expect(nav_link(page, title)).to_have_attribute("aria-current", "page")
    return main(page)


def shot(page: Page, name: str) -> None:
    """A screenshot of the whole app; the viewport grows to the content (main scrolls)."""
    size = page.viewport_size
    tallest = page.evaluate(
        "() => Math.max(...['stMain', 'stSidebarContent'].map(id =>"
        " document.querySelector(`[data-testid=${id}]`)?.scrollHeight ?? 0))"
    )
    page.set_viewport_size({"width": size["width"], "height": max(tallest, 600)})
    try:
        screenshot(page, f"oidc-{name}")
    finally:
        page.set_viewport_size(size)


def report_and_follow(page: Page, account: Account, description: str) -> str:
    """Melden as the signed-in person, prefilled from the provider; then Mijn meldingen."""
    form = visit(page, "Melden")
    f = form_with(form, "Melding versturen")
    # Name and address come from sign-in and cannot be changed.
    expect(f.get_by_label("Uw naam")).to_be_disabled()
    expect(f.get_by_label("Uw e-mailadres")).to_be_disabled()
    who = Person(account.name, "Medewerker", account.email.lower())
    report = Report("Medewerker", ZONNEBLOEM, "Printen", False, description, "06-11112222")
    number = submit_report(page, who, report)
    visit(page, "Mijn meldingen")
    card = my_report(page, number)
    expect_text(card, description)
    return number


# --- the tests ------------------------------------------------------------------------


def test_the_maz_signs_in_and_has_every_procedure_page_and_beheer(page_in, app):
    """Test that the MAZ, signed in at the provider, gets the office pages, sees the
    reports waiting for her and manages the people of the table."""
    page = page_in()
    open_page(page, app.url)
    sign_in(page, app, MAZ)
    signed_in_as(page, MAZ.name, "Manager Algemene Zaken")
    shown = navigation(page)
    assert set(STAFF_PAGES + OFFICE_PAGES) <= set(shown), shown

    queue = visit(page, "Beoordelen")
    expect(queue.get_by_role("heading", name="Beoordelen", exact=True)).to_be_visible()
    expect_text(queue, re.compile(r"^Te beoordelen \(2\)"))
    expect_text(queue, app.earlier_report)

    people = visit(page, "Beheer")
    expect(people.get_by_role("heading", name="Beheer", exact=True)).to_be_visible()
    expect_text(people, f"{STAFF.name} · {STAFF.email.lower()}")
    expect_text(people, f"{MAZ.name} · {MAZ.email}")
    shot(page, "maz")


def test_a_staff_member_signs_in_reports_and_sees_only_their_own_reports(page_in, app):
    """Test that a staff member in the people table gets Start, Melden and Mijn
    meldingen only, reports under the name and address the provider gave, and
    sees their own reports, not a colleague's."""
    page = page_in()
    open_page(page, app.url)
    sign_in(page, app, STAFF)
    signed_in_as(page, STAFF.name, "Medewerker")
    assert navigation(page) == STAFF_PAGES

    number = report_and_follow(page, STAFF, "De printer op de groep print niets.")
    mine = main(page)
    expect_text(mine, "2 melding(en), nieuwste eerst.")
    expect(mine.get_by_test_id("stExpander").filter(has_text=number)).to_have_count(1)
    expect(mine.get_by_test_id("stExpander").filter(has_text=app.earlier_report)).to_have_count(1)
    expect(mine.get_by_text(RUBENS)).to_have_count(0)
    shot(page, "staff")


def test_an_address_not_in_the_table_may_report_and_see_its_own_reports_only(page_in, app):
    """Test that a signed-in address that is not in the people table acts as staff:
    the three pages, reporting under the provider's name and address, and only
    its own report under Mijn meldingen."""
    page = page_in()
    open_page(page, app.url)
    sign_in(page, app, UNKNOWN)
    signed_in_as(page, UNKNOWN.name, "Medewerker")
    assert navigation(page) == STAFF_PAGES

    report_and_follow(page, UNKNOWN, "De telefoon in de keuken gaat niet over.")
    mine = main(page)
    expect_text(mine, "1 melding(en), nieuwste eerst.")
    expect(mine.get_by_text(JOOSTS_EARLIER)).to_have_count(0)
    expect(mine.get_by_text(RUBENS)).to_have_count(0)
    shot(page, "unknown-address")


@pytest.mark.parametrize(
    ("account", "path", "title"),
    [(STAFF, "beoordelen", "Beoordelen"), (UNKNOWN, "beheer", "Beheer")],
    ids=["staff-beoordelen", "unknown-beheer"],
)
def test_a_deep_link_to_a_page_the_person_may_not_open_shows_none_of_it(
    page_in, app, account, path, title
):
    """Test that typing the address of an office page, signed in without the role
    for it, shows nothing of that page and keeps the person's own menu."""
    page = page_in()
    open_page(page, app.url)
    sign_in(page, app, account)
    page.goto(f"{app.url}/{path}")
    settle(page)
    expect(sidebar(page).get_by_text("Aangemeld als")).to_be_visible()
    assert navigation(page) == STAFF_PAGES
    body = main(page)
    expect(body.get_by_role("heading", name=title, exact=True)).to_have_count(0)
    expect(nav_link(page, title)).to_have_count(0)
    # Nothing the page would show: the triage queue, the people and their roles.
    for text in ("Te beoordelen", "Personen", "Persoon toevoegen", app.earlier_report, RUBENS):
        expect(body.get_by_text(text)).to_have_count(0)
    expect(page.get_by_text(MAZ.email)).to_have_count(0)
    shot(page, f"deep-link-{path}")


def test_sign_out_ends_the_session_and_a_reload_does_not_sign_back_in(page_in, app):
    """Test that Afmelden ends the session at the app and the provider: the sign-in
    screen again, no identity cookie, and neither a reload nor a deep link lets
    the person back in without going through the provider."""
    page = page_in()
    open_page(page, app.url)
    sign_in(page, app, MAZ)
    signed_in_as(page, MAZ.name, "Manager Algemene Zaken")
    assert any(c["name"] == "_streamlit_user" for c in page.context.cookies())

    button(sidebar(page), "Afmelden").click()
    # Streamlit sends the browser to the provider's end-session page, then back.
    page.wait_for_url(f"{app.provider.url}/oauth2/end_session?**")
    app.provider.end_session(page)
    page.wait_for_url(f"{app.url}/")
    settle(page)
    expect_sign_in_screen(page)
    assert not [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    shot(page, "signed-out")

    page.reload()
    settle(page)
    expect_sign_in_screen(page)
    page.goto(f"{app.url}/beheer")
    settle(page)
    expect_sign_in_screen(page)
    expect(main(page).get_by_text("Persoon toevoegen")).to_have_count(0)

    # Signing in again takes the provider's page: nothing signs in by itself.
    button(main(page), "Inloggen").click()
    page.wait_for_url(f"{app.provider.url}/oauth2/authorize?**")
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
