"""Every page for every role in Chromium, failing on any English UI string (issue 12).

The list of English strings is ours (Streamlit's own labels seen on these
pages); the ones Streamlit gives no way to replace are the named exceptions
in lib/ui/dutch.py ENGLISH_LEFT. Hidden elements (the table and chart
toolbars, hidden by lib/ui/dutch.py) do not count: nobody sees them.
"""

from __future__ import annotations

import re

import pytest

from lib import navigation
from lib.procedure import Actor, Role
from lib.repository.sql import SqlRepository
from lib.ui.dutch import ENGLISH_LEFT
from tests.browser import steps
from tests.browser.conftest import AppServer
from tests.browser.steps import Person, Walk
from tests.flows import Office
from tests.worklist_fixtures import build

pytestmark = pytest.mark.browser

ENGLISH = (
    "Choose options",
    "Choose an option",
    "Select all",
    "Show/hide columns",
    "Download as CSV",
    "Download CSV",
    "Search",
    "Fullscreen",
    "Download as PNG",
    "Copy Vega-Lite spec",
    "Show data",
    "Help for",
    "No results",
    "No options",
    "Press Enter to apply",
    "Press Enter to submit form",
    "Clear all",
    "Drag and drop",
    "Browse files",
    "Limit 200MB",
    "Running...",
    "Made with Streamlit",
    "Deploy",
)
# Only as a whole aria-label: Dutch uses "Open" too ("Open meldingen").
ENGLISH_LABELS = ("Open", "Close", "Clear value", "Help")

PEOPLE = (
    Person("Nathalie Visser", "Manager Algemene Zaken", "maz@kivido.example"),
    Person("Stefanie Smit", "Directie", "stefanie@kivido.example"),
    Person("Femke Bos", "Afdeling financiën", "femke@kivido.example"),
    Person("Sanne Jansen", "Unitmanager", "sanne@kivido.example"),
    Person("Ruben de Groot", "Medewerker", "ruben@kivido.example"),
)
ROLE_OF = {
    "Manager Algemene Zaken": Role.MAZ,
    "Directie": Role.DIRECTIE,
    "Afdeling financiën": Role.FINANCE,
    "Unitmanager": Role.UNIT_MANAGER,
    "Medewerker": Role.STAFF,
}

VISIBLE_TEXT = """() => {
  const seen = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *, [data-testid="stSidebar"] *')) {
    if (!el.checkVisibility || !el.checkVisibility({visibilityProperty: true})) continue;
    for (const a of ['aria-label', 'placeholder', 'title']) {
      const v = el.getAttribute(a);
      if (v) seen.push(a + '=' + v);
    }
  }
  const main = document.querySelector('[data-testid="stMain"]');
  const side = document.querySelector('[data-testid="stSidebar"]');
  return [(main ? main.innerText : ''), (side ? side.innerText : ''), ...seen].join('\\n');
}"""


def english_in(text: str) -> set[str]:
    found = {s for s in ENGLISH if s in text}
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key == "aria-label" and value in ENGLISH_LABELS:
            found.add(value)
    return found


def allowed(found: str) -> bool:
    return any(found.startswith(name) for name in ENGLISH_LEFT)


@pytest.fixture
def app(tmp_path, page_in):
    db = tmp_path / "dutch.db"
    repo = SqlRepository.at_path(db)
    repo.setup()
    build(Office(repo))
    env = {"KIVIDO_STORE": "sqlite", "KIVIDO_DB": str(db), "KIVIDO_DEMO_MODE": "true"}
    server = AppServer(env, tmp_path / "streamlit.log")
    page = page_in(1400, 1000)
    steps.open_app(page, server.url)
    yield Walk(page, "sqlite", "dutch")
    server.stop()
    repo.engine.dispose()


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: p.role)
def test_no_english_on_any_page_of_any_role(app, person):
    walk = app
    walk.as_person(person)
    actor = Actor(person.name, ROLE_OF[person.role], email=person.email)
    english: dict[str, set[str]] = {}
    for screens in navigation.visible(actor).values():
        for screen in screens:
            walk.visit(screen.title)
            steps.settle(walk.page)
            found = {f for f in english_in(walk.page.evaluate(VISIBLE_TEXT)) if not allowed(f)}
            if found:
                english[screen.title] = found
    assert english == {}, f"English on the pages of {person.role}: {english}"


def test_the_allowed_exceptions_are_named_with_a_reason():
    assert ENGLISH_LEFT and all(reason.strip() for reason in ENGLISH_LEFT.values())
    assert not [s for s in ENGLISH_LEFT if re.fullmatch(r"\s*", s)]
