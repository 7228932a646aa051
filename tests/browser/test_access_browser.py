"""Browser tier: sign-in, the deep-link first visitor, privacy and errors (issue 7).

Each test starts the real app (`streamlit run`) on its own fresh SQLite store.
The people, their passwords and their reports are made through lib/ before the
server starts; what each person may see is written here from the issue's text
(a staff member: Start, Melden, Mijn meldingen, only their own reports; the
MAZ: every procedure page and Beheer), not read from the app's own tables.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lib import accounts, demo, people, services
from lib.procedure import Role
from lib.repository.sql import SqlRepository
from lib.snapshot import Snapshot
from tests.browser import steps
from tests.browser.conftest import AppServer, screenshot
from tests.flows import report_form

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Account:
    name: str
    email: str
    password: str


MAZ = Account("Nathalie Visser", "nathalie@kivido.example", "maz-wachtwoord-2026")
STAFF = Account("Ruben de Groot", "ruben.degroot@kivido.example", "ruben-wachtwoord-2026")
COLLEAGUE = Account("Lotte Willems", "lotte@kivido.example", "lotte-wachtwoord-2026")

OWN_REPORT = "De printer op de groep print alleen lege vellen."
INTERNAL_NOTE = "Intern: toner van de leverancier is nep, later bespreken."
COLLEAGUE_REPORT = "Wifi in het kantoor van Lotte valt steeds weg."

# The MAZ's navigation, by page title (issue 7, Roles: every procedure page and Beheer).
MAZ_PAGES = (
    "Start",
    "Melden",
    "Mijn meldingen",
    "Beoordelen",
    "Opvolgen",
    "Nemesys",
    "Communicatie",
    "Postvak",
    "Offertes",
    "Facturen",
    "Overzicht",
    "Beheer",
)
STAFF_PAGES = ("Start", "Melden", "Mijn meldingen")
# What Streamlit's pages-folder mode would list instead: the file names.
FILE_LABELS = re.compile(
    r"^\W*(app|home|melden|mijn[ _]meldingen|beoordelen|opvolgen|nemesys|communicatie"
    r"|postvak|offertes|facturen|overzicht|beheer)$"
)
WRONG_PASSWORD = "E-mailadres of wachtwoord onjuist."


@dataclass
class Office:
    repo: SqlRepository
    db: Path
    own_number: str = ""
    colleague_number: str = ""

    def env(self, *, demo_mode: bool = False) -> dict[str, str]:
        return {
            "KIVIDO_STORE": "sqlite",
            "KIVIDO_DB": str(self.db),
            "KIVIDO_DEMO_MODE": "true" if demo_mode else "false",
            "KIVIDO_CACHE_SECONDS": "0",
        }


def _snap(repo: SqlRepository) -> Snapshot:
    return Snapshot(repo.read_all())


def _report(repo: SqlRepository, who: Account, description: str) -> dict:
    actor = people.actor_for(_snap(repo), who.email)
    desk = services.Desk(repo=repo, actor=actor)
    form = report_form(description=description, category="printen", blocks_office_work=False)
    return services.submit_report(desk, _snap(repo), form, submission_id=uuid.uuid4().hex)


@pytest.fixture
def office(tmp_path) -> Office:
    """A store with a MAZ account, two staff members with a report each."""
    db = tmp_path / "x.db"
    repo = SqlRepository.at_path(db)
    repo.setup()
    demo.seed_reference_data(repo)
    maz = accounts.create_first_maz(repo, name=MAZ.name, email=MAZ.email, password=MAZ.password)
    for who in (STAFF, COLLEAGUE):  # the MAZ adds them and sets a first password
        form = {"name": who.name, "email": who.email, "roles": [Role.STAFF]}
        people.save_person(repo, maz, _snap(repo), form, person_id=f"user-{who.email}")
        accounts.set_password(repo, maz, who.email, "tijdelijk-wachtwoord")
        actor = people.actor_for(_snap(repo), who.email)  # who then picks their own
        accounts.change_password(repo, actor, current="tijdelijk-wachtwoord", new=who.password)
    own = _report(repo, STAFF, OWN_REPORT)
    services.investigate(services.Desk(repo=repo, actor=maz), own, INTERNAL_NOTE)
    colleague = _report(repo, COLLEAGUE, COLLEAGUE_REPORT)
    return Office(repo, db, own["number"], colleague["number"])


@pytest.fixture
def serve(tmp_path):
    """Start app servers for a test; all are stopped afterwards."""
    servers: list[AppServer] = []

    def start(env: dict[str, str]) -> AppServer:
        server = AppServer(env, tmp_path / f"streamlit-{len(servers)}.log")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# --- what a person does and sees ---------------------------------------------------


def sign_in_form(page: Page):
    return steps.form_with(steps.main(page), "Aanmelden")


def expect_sign_in_form(page: Page) -> None:
    form = sign_in_form(page)
    expect(form.get_by_label("E-mailadres")).to_be_visible()
    expect(form.get_by_label("Wachtwoord")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNavLink")).to_have_count(0)


def sign_in(page: Page, who: Account, password: str | None = None) -> None:
    form = sign_in_form(page)
    form.get_by_label("E-mailadres").fill(who.email)
    form.get_by_label("Wachtwoord").fill(password or who.password)
    with steps.rerun(page):
        steps.button(form, "Aanmelden").click()


def nav_titles(page: Page) -> list[str]:
    links = steps.sidebar(page).get_by_test_id("stSidebarNavLink")
    expect(links.first).to_be_visible()
    return [re.sub(r"^\W*", "", text).strip() for text in links.all_inner_texts()]


def expect_navigation(page: Page, titles: tuple[str, ...]) -> None:
    expect(steps.nav_link(page, "Start")).to_be_visible()
    shown = nav_titles(page)
    assert sorted(shown) == sorted(titles), shown
    file_like = [
        t
        for t in steps.sidebar(page).get_by_test_id("stSidebarNavLink").all_inner_texts()
        if FILE_LABELS.match(t.strip())
    ]
    assert file_like == [], f"pages listed by file name: {file_like}"


def visit(page: Page, title: str) -> None:
    with steps.rerun(page):
        steps.nav_link(page, title).click()
    expect(steps.nav_link(page, title)).to_have_attribute("aria-current", "page")


# --- 1. the first visitor after a start -------------------------------------------


def test_a_deep_link_as_the_very_first_visit_leaves_sign_in_and_navigation_intact(
    office, serve, page_in
):
    """Test that a first visitor on /facturen gets the sign-in form, and so does the next one.

    Before the fix the first run of a server process on a deep link put Streamlit in
    pages-folder mode: every later session got all pages listed by file name.
    """
    server = serve(office.env())
    first = page_in()
    steps.open_page(first, f"{server.url}/facturen")
    expect_sign_in_form(first)
    expect(steps.main(first).get_by_role("heading", name="Facturen")).to_have_count(0)
    expect(steps.main(first).get_by_text("Registreren", exact=True)).to_have_count(0)
    screenshot(first, "access-deep-link-first-visitor")

    second = page_in()
    steps.open_page(second, server.url)
    expect_sign_in_form(second)
    sign_in(second, MAZ)
    expect_navigation(second, MAZ_PAGES)
    expect(steps.nav_link(second, "Start")).to_have_attribute("aria-current", "page")
    screenshot(second, "access-deep-link-second-visitor-signed-in")

    # The first visitor, still on their deep link, signs in to the same navigation.
    sign_in(first, MAZ)
    expect_navigation(first, MAZ_PAGES)


def test_the_first_visitor_after_a_restart_keeps_the_name_they_type(office, serve, page_in):
    """Test that the very first visitor of a freshly started demo app keeps the name they type."""
    server = serve(office.env(demo_mode=True))
    page = page_in()
    steps.open_app(page, server.url, absorb_first_visit=False)
    name = steps.sidebar(page).get_by_label("Naam")
    with steps.rerun(page):
        name.fill(STAFF.name)
        name.press("Enter")
    expect(name).to_have_value(STAFF.name)
    steps.expect_text(steps.main(page), f"Welkom, {STAFF.name}.")
    expect_navigation(page, MAZ_PAGES)  # the demo picker starts as the MAZ


# --- 2. errors in production settings ----------------------------------------------


def test_a_store_error_shows_no_traceback_to_the_user(serve, page_in, tmp_path):
    """Test that a corrupt database file gives a generic error, without code or paths."""
    db = tmp_path / "x.db"
    db.write_bytes(b"Dit is geen SQLite-database. " * 200)
    server = serve({"KIVIDO_STORE": "sqlite", "KIVIDO_DB": str(db), "KIVIDO_DEMO_MODE": "false"})
    for path in ("", "/beoordelen"):
        page = page_in()
        steps.open_page(page, f"{server.url}{path}")
        error = page.get_by_test_id("stException")
        expect(error).to_be_visible()
        steps.expect_text(error, re.compile("^This app has encountered an error"))
        if path:  # not the server's first session: no page list either
            expect(page.get_by_test_id("stSidebarNavLink")).to_have_count(0)
        shown = page.get_by_test_id("stApp").inner_text()
        for leak in (
            "Traceback",
            'File "',
            "/work/",
            str(tmp_path),
            "site-packages",
            "line ",
            "def ",
            "import ",
            "sqlalchemy",
            "sqlite3",
            "DatabaseError",
            "repo.setup()",
        ):
            assert leak not in shown, f"{leak!r} shown to the user:\n{shown}"
        expect(page.get_by_test_id("stExceptionTraceback")).to_have_count(0)
        expect(page.locator("[data-testid='stCode'], pre")).to_have_count(0)
        screenshot(page, f"access-store-error{path.replace('/', '-')}")
    # It really failed inside the app: the details are in the server's log only.
    server.log.flush()
    log = (tmp_path / "streamlit-0.log").read_text()
    assert "file is not a database" in log, log


# --- 3. local sign-in -------------------------------------------------------------


def test_a_wrong_password_is_refused_and_the_right_one_signs_in(office, serve, page_in):
    """Test that a wrong password shows the Dutch refusal and the right one signs in."""
    server = serve(office.env())
    page = page_in()
    steps.open_page(page, server.url)
    expect_sign_in_form(page)
    sign_in(page, MAZ, password="niet-het-goede-wachtwoord")
    steps.expect_text(steps.main(page), WRONG_PASSWORD)
    expect_sign_in_form(page)
    sign_in(page, Account(MAZ.name, "niemand@kivido.example", MAZ.password))
    steps.expect_text(steps.main(page), WRONG_PASSWORD)
    expect_sign_in_form(page)
    screenshot(page, "access-wrong-password")

    sign_in(page, MAZ)
    expect_navigation(page, MAZ_PAGES)
    steps.expect_text(steps.sidebar(page), re.compile(f"Aangemeld als {MAZ.name}"))
    steps.expect_text(steps.main(page), f"Welkom, {MAZ.name}.")
    expect(page.get_by_text(WRONG_PASSWORD)).to_have_count(0)


def test_a_staff_member_cannot_open_beoordelen_by_its_address(office, serve, page_in):
    """Test that /beoordelen typed by a staff member never shows that page's content,
    while the same address takes the MAZ there once signed in."""
    server = serve(office.env())
    steps.open_page(page_in(), server.url)  # the server's first visit is another test's case

    page = page_in()
    steps.open_page(page, f"{server.url}/beoordelen")
    expect_sign_in_form(page)
    expect(page.get_by_role("dialog")).to_have_count(0)  # no "Page not found" over the form
    expect(steps.main(page).get_by_text(COLLEAGUE_REPORT)).to_have_count(0)
    sign_in(page, STAFF)
    expect_navigation(page, STAFF_PAGES)
    expect(page.get_by_role("dialog")).to_have_count(0)
    main = steps.main(page)
    # The page refuses in Dutch and shows nothing of itself; the refusal is logged.
    steps.expect_text(main, re.compile(r"^Deze pagina is voor de Manager Algemene Zaken"))
    screenshot(page, "access-staff-deep-link-beoordelen")
    expect(main.get_by_role("heading", name="Beoordelen")).to_have_count(0)
    for text in (COLLEAGUE_REPORT, INTERNAL_NOTE, "Reden van uw beoordeling", "Te beoordelen"):
        expect(main.get_by_text(text)).to_have_count(0)

    maz = page_in()
    steps.open_page(maz, f"{server.url}/beoordelen")
    expect_sign_in_form(maz)
    sign_in(maz, MAZ)
    expect_navigation(maz, MAZ_PAGES)
    expect(steps.nav_link(maz, "Beoordelen")).to_have_attribute("aria-current", "page")
    expect(steps.main(maz).get_by_role("heading", name="Beoordelen", exact=True)).to_be_visible()
    # Its card (other cards may name it, folded away, as a likely duplicate: issue 14).
    colleague = steps.main(maz).get_by_text(office.colleague_number).filter(visible=True)
    expect(colleague.first).to_be_visible()

    server.log.flush()
    log = Path(server.log.name).read_text()
    assert re.search(rf"geweigerd: {STAFF.name} \({re.escape(STAFF.email)}.*Beoordelen", log), log


def test_a_staff_member_cannot_see_a_colleagues_report_by_any_route(office, serve, page_in):
    """Test that Mijn meldingen shows only one's own report, whatever the URL or search."""
    server = serve(office.env())
    page = page_in()
    steps.open_page(page, server.url)
    sign_in(page, STAFF)
    expect_navigation(page, STAFF_PAGES)
    visit(page, "Mijn meldingen")
    main = steps.main(page)
    own = steps.my_report(page, office.own_number)
    steps.expect_text(own, OWN_REPORT)
    expect(main.get_by_text(re.compile(r"^1 melding\(en\), nieuwste eerst"))).to_be_visible()
    # The reporter's timeline has no internal notes of the MAZ.
    expect(main.get_by_text(INTERNAL_NOTE)).to_have_count(0)
    # No field to type someone else's address.
    expect(main.get_by_label(re.compile("e-mail", re.IGNORECASE))).to_have_count(0)
    screenshot(page, "access-staff-mijn-meldingen")

    # Searching for the colleague's number finds nothing.
    search = main.get_by_label("Zoek op meldingsnummer")
    with steps.rerun(page):
        search.fill(office.colleague_number)
        search.press("Enter")
    steps.expect_text(main, re.compile(r"^0 melding\(en\), nieuwste eerst"))
    expect(main.get_by_text(office.colleague_number)).to_have_count(0)
    expect(main.get_by_text(COLLEAGUE_REPORT)).to_have_count(0)

    # Query parameters naming the colleague change nothing, on any page.
    for query in (
        f"mijn_meldingen?email={COLLEAGUE.email}",
        f"mijn_meldingen?reporter_email={COLLEAGUE.email}&e-mail={COLLEAGUE.email}",
        f"mijn_meldingen?number={office.colleague_number}&ticket={office.colleague_number}",
        f"?email={COLLEAGUE.email}",
    ):
        page = page_in()
        steps.open_page(page, f"{server.url}/{query}")
        sign_in(page, STAFF)
        expect_navigation(page, STAFF_PAGES)
        assert query.split("?", 1)[1] in page.url, page.url  # the page ran with them
        expect(page.get_by_text(COLLEAGUE_REPORT)).to_have_count(0)
        if not query.startswith("mijn_meldingen"):
            visit(page, "Mijn meldingen")
        main = steps.main(page)
        expect(steps.nav_link(page, "Mijn meldingen")).to_have_attribute("aria-current", "page")
        steps.expect_text(main, re.compile(r"^1 melding\(en\), nieuwste eerst"))
        steps.expect_text(main, office.own_number)
        for hidden in (office.colleague_number, COLLEAGUE_REPORT, COLLEAGUE.name, INTERNAL_NOTE):
            expect(main.get_by_text(hidden)).to_have_count(0)
        assert COLLEAGUE_REPORT not in page.content()


def test_signing_out_returns_to_the_sign_in_form_and_a_reload_keeps_it(office, serve, page_in):
    """Test that Afmelden ends the session: the sign-in form, also after a reload."""
    server = serve(office.env())
    page = page_in()
    steps.open_page(page, server.url)
    sign_in(page, STAFF)
    expect_navigation(page, STAFF_PAGES)
    visit(page, "Mijn meldingen")
    steps.expect_text(steps.main(page), office.own_number)

    with steps.rerun(page):
        steps.button(steps.sidebar(page), "Afmelden").click()
    expect_sign_in_form(page)
    expect(steps.main(page).get_by_text(office.own_number)).to_have_count(0)
    screenshot(page, "access-signed-out")

    page.reload()
    steps.settle(page)
    expect_sign_in_form(page)
    expect(steps.main(page).get_by_text(office.own_number)).to_have_count(0)
    expect(steps.main(page).get_by_text(f"Welkom, {STAFF.name}.")).to_have_count(0)
