"""Page-object helpers for the browser tier: what a person does in the running app.

An action that makes Streamlit rerun is done inside `rerun(page)`, which waits
until the script run it caused has finished; then the helper checks what the
person would see next. Nothing sleeps. `Walk` is one procedure in one browser
session: who is at the keyboard, which page is open, and numbered screenshots.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from playwright.sync_api import Locator, Page, WebSocket, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser.conftest import screenshot

APP = "[data-testid='stApp']"
_SOCKETS: WeakKeyDictionary[Page, WebSocket] = WeakKeyDictionary()  # a page's live connection


@dataclass(frozen=True)
class Person:
    name: str
    role: str  # the label in the demo role picker
    email: str


def settle(page: Page) -> None:
    """Wait until the app is connected, no script runs, and no stale elements remain."""
    page.locator(f"{APP}[data-test-connection-state='CONNECTED']").wait_for(state="attached")
    page.locator(f"{APP}[data-test-script-state='notRunning']").wait_for(state="attached")
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden()
    # Elements of the previous run stay (marked stale) until the new run replaces them.
    expect(page.locator("[data-stale='true']")).to_have_count(0)


@contextmanager
def rerun(page: Page) -> Iterator[None]:
    """Wait, after the block, until the script run that the block's action caused is done.

    Streamlit tells the browser over its websocket when a run has finished; a
    run that ends early because the page asked for a fresh one (st.rerun) is
    not the end. The app root's script state alone is not enough: a quick run
    can start and finish within one render, leaving the attribute unchanged.
    """
    with _SOCKETS[page].expect_event("framereceived", predicate=_run_finished):
        yield
    settle(page)


def _run_finished(payload: str | bytes) -> bool:
    if isinstance(payload, str):
        return False
    message = ForwardMsg()
    message.ParseFromString(payload)
    return (
        message.WhichOneof("type") == "script_finished"
        and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
    )


def open_app(page: Page, url: str, *, absorb_first_visit: bool = True) -> None:
    """Open the app in a fresh browser session, by default after a first throwaway visit.

    Because pages/ exists beside app.py, Streamlit runs the first script run of
    a server process as a pages-directory app: the sidebar picker's widgets get
    other ids in every later run, so the first visitor's first change there is
    lost (a typed name is wiped). A reload starts a second, unaffected session.
    See test_the_first_visitor_after_a_restart_keeps_the_name_they_type.
    """
    page.on("websocket", lambda socket: _SOCKETS.__setitem__(page, socket))
    page.goto(url)
    for visit in range(2 if absorb_first_visit else 1):
        if visit:
            page.reload()
        expect(nav_link(page, "Start")).to_have_attribute("aria-current", "page")
        expect(widget(sidebar(page), "stSelectbox", "Rol")).to_be_visible()
        settle(page)


def main(page: Page) -> Locator:
    return page.get_by_test_id("stMain")


def sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def nav_link(page: Page, title: str) -> Locator:
    """The sidebar navigation's link to the page called `title` (after its icon)."""
    links = sidebar(page).get_by_test_id("stSidebarNavLink")
    return links.filter(has_text=re.compile(rf"^\W*{re.escape(title)}$"))


def expect_text(scope: Locator, text: str | re.Pattern) -> None:
    expect(scope.get_by_text(text).first).to_be_visible()


def button(scope: Locator | Page, name: str) -> Locator:
    return scope.get_by_role("button", name=name, exact=True)


def press(scope: Locator, name: str, *, then: str | re.Pattern) -> None:
    """Press a button, wait for the rerun it causes, then for the text expected next."""
    with rerun(scope.page):
        button(scope, name).click()
    expect_text(main(scope.page), then)
    settle(scope.page)  # a page that reruns itself again (st.rerun) has finished too


def pick(page: Page, box: Locator, option: str | re.Pattern) -> None:
    """Open the list of a selectbox or multiselect and click `option` in it.

    The list closes again when the page scrolls while it opens, which a click
    on a field low on the screen causes: so scroll first, and open once more
    if the list did not stay open.
    """
    combo = box.get_by_role("combobox")
    combo.scroll_into_view_if_needed()
    choice = page.get_by_role("option", name=option, exact=isinstance(option, str))
    for _attempt in range(3):
        combo.click()
        try:
            choice.wait_for(timeout=2_000)
            break
        except PlaywrightTimeout:
            continue
    choice.click()


def choose_option(page: Page, box: Locator, option: str) -> None:
    """Pick `option` in a Streamlit selectbox (a combobox with a list box of options)."""
    pick(page, box, option)
    expect(box.get_by_role("combobox")).to_have_value(option)


def widget(scope: Locator, testid: str, label: str) -> Locator:
    return scope.get_by_test_id(testid).filter(has=scope.page.get_by_text(label, exact=True))


def card(page: Page, text: str | re.Pattern, button_name: str | None = None) -> Locator:
    """The innermost block of the main area showing `text` (and the button, if named).

    A work list's card (lib/ui/cards.py) draws its content only once opened: opened first.
    """
    if main(page).get_by_test_id("stExpander").filter(has_text=text).count():
        expander(page, text)
    blocks = main(page).get_by_test_id("stVerticalBlock").filter(has_text=text)
    if button_name:
        blocks = blocks.filter(has=button(page, button_name))
    return blocks.last


def form_with(scope: Locator, button_name: str) -> Locator:
    """The st.form inside `scope` that holds the button `button_name`."""
    return scope.get_by_test_id("stForm").filter(has=button(scope.page, button_name))


def expander(page: Page, text: str | re.Pattern) -> Locator:
    """The expander whose label contains `text`, opened."""
    box = main(page).get_by_test_id("stExpander").filter(has_text=text).first
    details = box.locator("details").first
    if details.get_attribute("open") is None:
        box.locator("summary").first.click()
    expect(details).to_have_attribute("open", "")
    # Opening is animated: wait until the details show their whole content.
    box.page.wait_for_function(
        "d => d.clientHeight >= d.scrollHeight - 1", arg=details.element_handle()
    )
    return box


@dataclass
class Walk:
    """One procedure walked in one browser session; numbers its screenshots."""

    page: Page
    driver: str
    procedure: str
    step: int = 0
    at: str = "Start"

    def as_person(self, who: Person) -> None:
        """Switch person in the demo-mode role picker, as anyone at a shared desk would."""
        page = self.page
        box = widget(sidebar(page), "stSelectbox", "Rol")
        if box.get_by_role("combobox").input_value() != who.role:
            with rerun(page):
                choose_option(page, box, who.role)
        for label, value in (("Naam", who.name), ("E-mail", who.email)):
            field = sidebar(page).get_by_label(label)
            if field.input_value() != value:
                with rerun(page):
                    field.fill(value)
                    field.press("Enter")
            expect(field).to_have_value(value)
        expect(box.get_by_role("combobox")).to_have_value(who.role)

    def visit(self, link: str) -> Locator:
        """Open a page through its link in the sidebar navigation; return its main area."""
        with rerun(self.page):
            nav_link(self.page, link).click()
        expect(nav_link(self.page, link)).to_have_attribute("aria-current", "page")
        self.at = link
        return main(self.page)

    def shot(self) -> None:
        """Save the whole page as it is now, named after the procedure, step and page.

        The viewport grows to the content first: the main area scrolls inside
        itself, so a full-page screenshot alone would cut it off.
        """
        self.step += 1
        name = self.at.lower().replace(" ", "-")
        size = self.page.viewport_size
        tallest = self.page.evaluate(
            "() => Math.max(...['stMain', 'stSidebarContent'].map(id =>"
            " document.querySelector(`[data-testid=${id}]`)?.scrollHeight ?? 0))"
        )
        self.page.set_viewport_size({"width": size["width"], "height": max(tallest, 600)})
        try:
            screenshot(self.page, f"{self.driver}-{self.procedure}-{self.step:02d}-{name}")
        finally:
            self.page.set_viewport_size(size)


# --- the procedure's pages, one helper per thing a person does on them -----------


@dataclass(frozen=True)
class Report:
    """What a reporter types into the Melden form."""

    function: str  # "Medewerker" or "Unitmanager"
    location: str
    category: str
    blocks_office_work: bool
    description: str
    contact: str


def submit_report(page: Page, who: Person, report: Report) -> str:
    """Melden: fill in and send the form; return the report number the page shows."""
    f = form_with(main(page), "Melding versturen")
    # Who reports is who signed in (here: picked in the demo sidebar).
    expect(f.get_by_label("Uw naam")).to_have_value(who.name)
    expect(f.get_by_label("Uw e-mailadres")).to_have_value(who.email)
    f.get_by_test_id("stRadio").get_by_text(report.function, exact=True).click()
    choose_option(page, widget(f, "stSelectbox", "Locatie"), report.location)
    choose_option(page, widget(f, "stSelectbox", "Soort storing"), report.category)
    if report.blocks_office_work:
        f.get_by_text("Kunnen kantoormedewerkers hierdoor niet werken?").click()
    f.get_by_label(re.compile("^Omschrijving")).fill(report.description)
    f.get_by_label(re.compile("^Hoe bent u bereikbaar")).fill(report.contact)
    press(f, "Melding versturen", then="Melding verstuurd.")
    heading = main(page).get_by_role("heading", name=re.compile("Uw meldingsnummer"))
    return heading.inner_text().split(":", 1)[1].strip()


def triage(page: Page, number: str, *, urgent: bool, reason: str) -> None:
    """Beoordelen: decide urgent / not urgent with a reason."""
    choice = (
        "Urgent: direct opdracht aan Nemesys"
        if urgent
        else "Niet urgent: volgende werkdag controleren"
    )
    f = form_with(expander(page, number), choice)
    f.get_by_label("Reden van uw beoordeling (verplicht)").fill(reason)
    press(f, choice, then=f"{number} is {'urgent' if urgent else 'niet urgent'}:")


def follow_up(page: Page, number: str, *, solved: bool, notes: str) -> None:
    """Opvolgen: record the contact, then solved (removed) or not solved (order).

    Before the check moment the order button is "Alsnog urgent: ..." (2.2 steps 3-4).
    """
    order = re.compile("^(Niet opgelost|Alsnog urgent): (nu )?opdracht aan Nemesys$")
    choice = "Opgelost: melding verwijderen" if solved else order
    f = form_with(expander(page, number), choice)
    f.get_by_label(re.compile("melder of locatie")).fill(notes)
    then = "de melding is verwijderd" if solved else "de opdracht en de mail aan Nemesys staan"
    press(f, choice, then=then)


def mark_order_sent(page: Page, number: str) -> None:
    """Postvak: the order mail to Nemesys, read and marked sent."""
    mail = card(page, f"Opdracht aan Nemesys · {number}", "Verzonden")
    expect_text(mail, "Aan: support@nemesys.nl")
    subject = re.escape(f"[{number}] Opdracht Kivido")
    expect_text(mail, re.compile(f"Onderwerp: {subject}"))
    mail.get_by_text("Tekst van het bericht").click()
    expect_text(mail, f"Meldingsnummer: {number}")
    press(mail, "Verzonden", then=re.compile(f"Gemarkeerd als verzonden: {subject}"))


def confirm_order(page: Page, number: str, reference: str) -> None:
    """Nemesys: record Nemesys's confirmation with their reference."""
    f = form_with(card(page, number, "Bevestiging vastleggen"), "Bevestiging vastleggen")
    f.get_by_label("Referentie van Nemesys").fill(reference)
    press(f, "Bevestiging vastleggen", then=f"Bevestiging van Nemesys vastgelegd voor {number}.")


def order_step(page: Page, number: str, name: str, *, then: str, note: str = "") -> None:
    """Nemesys: a step with an optional note ('Opgelost', 'Afsluiten: ...')."""
    f = form_with(card(page, number, name), name)
    if note:
        f.get_by_role("textbox").fill(note)
    press(f, name, then=then)


def tick_channels(page: Page, number: str, phase: str) -> None:
    """Communicatie: copy each announcement of `phase` (a tab) and tick its channel.

    The tab stays open while the person ticks one channel after the other.
    """
    task = card(page, number, "Taak afronden")
    tab = task.get_by_role("tab", name=phase)
    tab.click()
    for channel in ("Klasbord", "Facebook", "Oudergroep"):
        expect(task.get_by_test_id("stCode").filter(visible=True)).to_have_count(3)
        press(task, f"Geplaatst op {channel}", then=f"Vastgelegd: geplaatst op {channel}.")
        expect(tab).to_have_attribute("aria-selected", "true")
        expect(button(task, f"Geplaatst op {channel}")).to_have_count(0)


def finish_communication(page: Page, number: str) -> None:
    press(card(page, number, "Taak afronden"), "Taak afronden", then="Communicatietaak afgerond.")


def register_quote(page: Page, number: str, *, amount: str, reference: str, url: str) -> None:
    """Offertes: the MAZ registers Nemesys's quote on the order."""
    f = form_with(main(page), "Offerte registreren")
    box = widget(f, "stSelectbox", "Opdracht")
    choose_option(page, box, box.get_by_role("combobox").input_value())  # the only order
    expect(box.get_by_role("combobox")).to_have_value(re.compile(f"^{number} · "))
    f.get_by_label("Bedrag excl. btw").fill(amount)
    f.get_by_label("Referentie van Nemesys").fill(reference)
    f.get_by_label("Link naar het document").fill(url)
    press(f, "Offerte registreren", then=f"Offerte geregistreerd bij {number}")


def decide_quote(page: Page, number: str, *, approve: bool, note: str) -> None:
    """Offertes: the directie approves or rejects the quote with a note."""
    name = "Goedkeuren" if approve else "Afwijzen"
    f = form_with(card(page, number, name), name)
    f.get_by_label("Toelichting (verplicht bij afwijzen)").fill(note)
    press(f, name, then="Offerte goedgekeurd." if approve else "Offerte afgewezen.")


@dataclass(frozen=True)
class InvoiceForm:
    number: str
    date: str  # dd-mm-jjjj
    excl: str  # 1.234,56
    incl: str
    order: str  # the report number the invoice is for
    url: str
    corrects: str = ""  # the number of the rejected invoice it corrects


def register_invoice(page: Page, invoice: InvoiceForm) -> None:
    """Facturen: finance registers an invoice for an order."""
    f = form_with(main(page), "Registreren")
    for label, value in (
        ("Factuurnummer", invoice.number),
        ("Factuurdatum", invoice.date),
        ("Bedrag excl. btw", invoice.excl),
        ("Bedrag incl. btw", invoice.incl),
        ("Link naar het document", invoice.url),
    ):
        f.get_by_label(label, exact=True).fill(value)
    orders = widget(f, "stMultiSelect", "Voor opdracht(en)")
    pick(page, orders, re.compile(f"^{invoice.order} · "))
    page.keyboard.press("Escape")
    expect(orders).to_contain_text(invoice.order)
    if invoice.corrects:
        box = widget(f, "stSelectbox", "Corrigeert factuur (afgekeurd, Nemesys benaderd)")
        choose_option(page, box, invoice.corrects)
    press(f, "Registreren", then=f"Factuur {invoice.number} geregistreerd")


def invoice_step(page: Page, number: str, name: str, *, then: str, text: str = "") -> None:
    """Facturen: approve, reject, record contact or pay, on the invoice's card."""
    f = form_with(card(page, re.compile(rf"Factuur {re.escape(number)}\b"), name), name)
    if text:
        f.get_by_role("textbox").fill(text)
    press(f, name, then=then)


def my_report(page: Page, number: str) -> Locator:
    """Mijn meldingen: the signed-in reporter's own report, opened."""
    expect_text(main(page), re.compile(r"\d+ melding\(en\), nieuwste eerst"))
    return expander(page, number)


def open_page(page: Page, url: str) -> None:
    """Open `url` in a fresh browser session, as it comes (no demo picker expected).

    For the sign-in modes: the page may show the sign-in form, a deep link, an error.
    """
    page.on("websocket", lambda socket: _SOCKETS.__setitem__(page, socket))
    page.goto(url)
    settle(page)
