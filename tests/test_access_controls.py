"""The access matrix of issue 7, part 3: the actions on the pages (AppTest, local accounts).

On every page each person is offered exactly the actions they may take, and an
offered one works; Mijn meldingen is read-only and shows each person exactly the
reports they may read. Expectations: tests/access_people.py, tests/access_actions.py.
"""

from __future__ import annotations

import fnmatch
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from streamlit.testing.v1 import AppTest

from tests.access_actions import ACTIONS
from tests.access_inputs import (
    fill,
    fill_invoice,
    fill_person,
    fill_report,
    fill_report_for_a_caller,
    no_input,
    type_into,
)
from tests.access_people import (
    DIR,
    MAZ,
    PERSONS,
    REGENBOOG,
    UM,
    VLINDER,
    ZONNEBLOEM,
    person_id,
)
from tests.access_support import as_account, keys, run_as, tree, with_two_role_people
from tests.apptest_support import app_store  # noqa: F401
from tests.flows import Office


@pytest.fixture
def office(app_store) -> Office:  # noqa: F811
    return with_two_role_people(app_store)


# ---------------------------------------------------------------------------
# Part 3: the actions on the pages (AppTest, signed in with a local account)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Control:
    action: str  # in ACTIONS: who may, the state it needs, what it does
    page: str
    key: Callable[[dict], str]  # the widget that takes it (a pattern: * for a form's id)
    inputs: Callable[[AppTest, dict, str], None] = no_input
    then: str = ""  # the button pressed after the inputs, if not the control itself
    smtp: bool = False  # the page shows it only with a mail server configured

    def __str__(self) -> str:
        return self.action


def tid(c: dict) -> str:
    return c["ticket"]["id"]


CONTROLS = [
    Control("melden", "pages/melden.py", lambda c: "melden-submit", fill_report),
    Control(
        "melden namens",
        "pages/melden.py",
        lambda c: "melden-namens",
        fill_report_for_a_caller,
        then="melden-submit",
    ),
    Control(
        "onderzoeken",
        "pages/beoordelen.py",
        lambda c: f"onderzoek-{tid(c)}-submit",
    ),
    Control(
        "onderzoeksnotitie",
        "pages/beoordelen.py",
        lambda c: f"onderzoek-{tid(c)}-submit",
        fill(note="Kabel gecontroleerd"),
    ),
    Control(
        "beoordelen urgent",
        "pages/beoordelen.py",
        lambda c: f"triage-{tid(c)}-urgent",
        fill(reason="Ligt stil"),
    ),
    Control(
        "beoordelen niet urgent",
        "pages/beoordelen.py",
        lambda c: f"triage-{tid(c)}-not-urgent",
        lambda at, c, k: type_into(at, f"triage-{tid(c)}-reason", "Kan wachten"),
    ),
    Control(
        "herbeoordelen urgent",
        "pages/beoordelen.py",
        lambda c: f"herbeoordeel-{tid(c)}-submit",
        fill(reason="Toch urgent"),
    ),
    Control(
        "herbeoordelen niet urgent",
        "pages/beoordelen.py",
        lambda c: f"herbeoordeel-{tid(c)}-submit",
        fill(reason="Kan wachten"),
    ),
    Control(
        "opvolgen opgelost",
        "pages/opvolgen.py",
        lambda c: f"opvolgen-{tid(c)}-solved",
        fill(notes="Melder gebeld"),
    ),
    Control(
        "opvolgen niet opgelost",
        "pages/opvolgen.py",
        lambda c: f"opvolgen-{tid(c)}-not-solved",
        lambda at, c, k: type_into(at, f"opvolgen-{tid(c)}-notes", "Melder gebeld"),
    ),
    Control(
        "bevestiging vastleggen",
        "pages/nemesys.py",
        lambda c: f"confirm-{tid(c)}-go",
        fill(ref="NEM-9"),
    ),
    Control("opgelost", "pages/nemesys.py", lambda c: f"resolve-{tid(c)}-go"),
    Control("afsluiten", "pages/nemesys.py", lambda c: f"close-{tid(c)}-go"),
    Control(
        "heropenen",
        "pages/nemesys.py",
        lambda c: f"reopen-{tid(c)}-go",
        fill(note="Toch niet opgelost"),
    ),
    Control("verzonden", "pages/postvak.py", lambda c: f"verzonden-{c['message']['id']}"),
    Control(
        "opnieuw versturen",
        "pages/postvak.py",
        lambda c: f"opnieuw-{c['message']['id']}",
        smtp=True,
    ),
    Control(
        "offerte registreren",
        "pages/offertes.py",
        lambda c: "quote-register-go",
        fill(amount="750,00", reference="OFF-9"),
    ),
    Control(
        "offerte goedkeuren", "pages/offertes.py", lambda c: f"decide-{c['quote']['id']}-approve"
    ),
    Control(
        "offerte afwijzen",
        "pages/offertes.py",
        lambda c: f"decide-{c['quote']['id']}-reject",
        lambda at, c, k: type_into(at, f"decide-{c['quote']['id']}-note", "Te duur"),
    ),
    Control(
        "factuur registreren", "pages/facturen.py", lambda c: "invoice-register-*-go", fill_invoice
    ),
    Control(
        "factuur goedkeuren",
        "pages/facturen.py",
        lambda c: f"invoice-{c['invoice']['id']}-approve",
    ),
    Control(
        "factuur afkeuren",
        "pages/facturen.py",
        lambda c: f"invoice-{c['invoice']['id']}-reject",
        lambda at, c, k: type_into(at, f"invoice-{c['invoice']['id']}-reason", "Fout bedrag"),
    ),
    Control("factuur betalen", "pages/facturen.py", lambda c: f"invoice-{c['invoice']['id']}-pay"),
    Control(
        "nemesys benaderen",
        "pages/facturen.py",
        lambda c: f"invoice-{c['invoice']['id']}-contact_nemesys",
        lambda at, c, k: type_into(at, f"invoice-{c['invoice']['id']}-note", "Gebeld"),
    ),
    Control(
        "gecorrigeerde factuur registreren",
        "pages/facturen.py",
        lambda c: "invoice-register-*-go",
        fill_invoice,
    ),
    Control(
        "kanaal aanvinken zonnebloem",
        "pages/communicatie.py",
        lambda c: f"tick-{c['task']['id']}-storing-klasbord",
    ),
    Control(
        "taak afronden zonnebloem",
        "pages/communicatie.py",
        lambda c: f"complete-{c['task']['id']}",
    ),
    Control(
        "kanaal aanvinken regenboog",
        "pages/communicatie.py",
        lambda c: f"tick-{c['task']['id']}-storing-klasbord",
    ),
    Control(
        "taak afronden regenboog",
        "pages/communicatie.py",
        lambda c: f"complete-{c['task']['id']}",
    ),
    Control("persoon opslaan", "pages/beheer.py", lambda c: "persoon-nieuw-save", fill_person),
    Control(
        "locatie opslaan",
        "pages/beheer.py",
        lambda c: f"locatie-{VLINDER}-save",
        lambda at, c, k: type_into(at, f"locatie-{VLINDER}-phone", "06-999"),
    ),
    Control(
        "wachtwoord instellen",
        "pages/beheer.py",
        lambda c: "wachtwoord-demo-mw-save",
        fill(new="tijdelijk-wachtwoord"),
    ),
]


# Actions the services offer that no page has a control for yet.
WITHOUT_PAGE = {"instellingen opslaan"}  # Beheer has no settings form yet


def test_every_action_has_a_control_on_a_page():
    """Test that the AppTest matrix covers the same actions as the service matrix."""
    assert sorted(c.action for c in CONTROLS) == sorted(set(ACTIONS) - WITHOUT_PAGE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def press(at: AppTest, key: str) -> AppTest:
    return at.button(key=key).click().run()


CONTROL_CASES = [
    pytest.param(
        control,
        person,
        id=f"{control.action}-{person.key}",
    )
    for control in CONTROLS
    for person in PERSONS
]


@pytest.mark.parametrize(("control", "person"), CONTROL_CASES)
def test_a_page_offers_exactly_the_allowed_actions_and_they_work(
    office, monkeypatch, control, person
):
    """Test that a person sees the button of a step iff the procedure gives it them, and it works."""
    rule = ACTIONS[control.action]
    context = rule.prepare(office)
    at = as_account(control.page, person, monkeypatch)
    if control.smtp:  # nothing listens there: a mail sent in the background stays queued
        at.secrets["smtp"] = {"host": "127.0.0.1", "port": free_port(), "security": "none"}
    at = at.run()
    assert not at.exception, at.exception
    found = fnmatch.filter(keys(at), control.key(context))
    assert len(found) == int(person.may(rule)), (control.action, found)
    if not found:
        return
    control.inputs(at, context, found[0])
    at = press(at, control.then or found[0])
    assert not at.exception, at.exception
    # With SMTP the background sender may already have tried the mail (nothing listens).
    errors = [e.value for e in at.error if not e.value.startswith("Fout van de mailserver")]
    assert not errors
    assert rule.done(office, context)


TICKET_NUMBER = re.compile(r"KIV-\d{4}-\d+")


def shown_reports(at: AppTest) -> dict[str, set[str]]:
    """Per tab (one unnamed section when there are no tabs): the report numbers listed."""

    def numbers(block) -> set[str]:
        return {n for e in block.expander for n in TICKET_NUMBER.findall(e.label)}

    if not at.tabs:
        return {"Mijn meldingen": numbers(at.main)}
    return {tab.label: numbers(tab) for tab in at.tabs}


@pytest.mark.parametrize("person", PERSONS, ids=person_id)
def test_mijn_meldingen_shows_each_person_what_they_may_read_and_nothing_to_do(
    office, monkeypatch, person
):
    """Test own reports for all, the location's for its unit manager, all for MAZ and directie."""
    own = {p.key: office.submit(reporter_email=p.email, location_id=VLINDER) for p in PERSONS}
    others = [
        office.submit(reporter_email="kees@kivido.example", location_id=loc)
        for loc in (ZONNEBLOEM, REGENBOOG)
    ]
    office.triage(others[0], urgent=True)  # notes, orders, quotes: still nothing to act on
    everything = [*own.values(), *others]
    expected = {"Mijn meldingen": {own[person.key]["number"]}}
    if UM in person.roles:
        expected["Meldingen van mijn locatie"] = {
            t["number"] for t in others if t["location_id"] == person.location
        }
    if {MAZ, DIR} & set(person.roles):
        expected["Alle meldingen"] = {t["number"] for t in everything}
    at = run_as(as_account, "pages/mijn_meldingen.py", person, monkeypatch)
    assert not at.exception, at.exception
    assert shown_reports(at) == expected
    assert not [k for t, k in tree(at) if t in {"button", "form"}]  # read-only
