"""AppTest: Start shows what waits for this person, per role (issue 12), and no store path."""

import pytest
import streamlit
import time_machine

from lib import demo
from lib.repository import Insert
from lib.ui import identity
from tests.app_checks import texts
from tests.apptest_support import app_store, page  # noqa: F401
from tests.flows import Office
from tests.worklist_fixtures import NOW, STAFF_EMAIL, UNIT_MANAGER_EMAIL, build

# Role -> the headings Start shows (from the list per role) and which
# report of the fixture each heading's one line is about.
EXPECTED = {
    "maz": {
        "Controles te laat": "overdue_check",
        "Controles vandaag": "today_check",
        "Nieuwe meldingen om te beoordelen": "new_report",
        "Opdrachten nog niet bevestigd door Nemesys": "unconfirmed_order",
        "Facturen te controleren": "invoice_to_check",
    },
    "directie": {"Offertes die op uw besluit wachten": "quote_waiting"},
    "financien": {"Goedgekeurde facturen te betalen": "invoice_to_pay"},
    "unitmanager": {"Communicatie met ouders en medewerkers": "communication_task"},
    "medewerker": {"Mijn open meldingen": "new_report"},
}
EMAILS = {"unitmanager": UNIT_MANAGER_EMAIL, "medewerker": STAFF_EMAIL}


def start(role: str):
    with time_machine.travel(NOW, tick=False):
        return page("pages/home.py", role=role, email=EMAILS.get(role, "")).run()


def headings(at) -> dict[str, str]:
    """'**Title** (n)' markdown -> n, for every work list on the page."""
    found = {}
    for md in at.markdown:
        value = str(md.value)
        if value.startswith("**") and value.endswith(")"):
            title, _, count = value.rpartition(" (")
            found[title.strip("*")] = count.rstrip(")")
    return found


def lines(at) -> list[str]:
    return [str(md.value)[2:] for md in at.markdown if str(md.value).startswith("- ")]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_start_lists_exactly_what_waits_for_each_role(app_store, role):  # noqa: F811
    fixture = build(Office(app_store))
    at = start(role)
    assert not at.exception
    expected = EXPECTED[role]
    shown = headings(at)
    if role == "unitmanager":  # a unit manager reports too: their own (none) are listed
        assert shown.pop("Mijn open meldingen") == "0"
    assert shown == {title: "1" for title in expected}
    numbers = sorted(line.split(" · ")[0] for line in lines(at))
    assert numbers == sorted(getattr(fixture, key) for key in expected.values())


@pytest.mark.parametrize("role", list(EXPECTED))
def test_start_with_nothing_waiting_says_so(app_store, role):  # noqa: F811
    demo.seed_reference_data(app_store)
    at = start(role)
    assert not at.exception
    assert at.subheader[0].value == "Er wacht nu niets op u"
    assert set(headings(at).values()) == {"0"} and not lines(at)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_no_one_is_shown_where_the_data_is_stored(app_store, role):  # noqa: F811
    build(Office(app_store))
    at = start(role)
    shown = texts(at)
    assert "Lokale database" not in shown and str(app_store.engine.url.database) not in shown


def test_router_starts_on_home(app_store):  # noqa: F811
    demo.seed_reference_data(app_store)
    at = page("app.py").run()
    assert not at.exception
    assert at.title[0].value == "Storingsmeldingen ICT/Telefonie"


def test_a_start_link_opens_its_report_on_the_page(app_store):  # noqa: F811
    """Each Start line carries ?melding=NUMBER; Opvolgen then opens that report."""
    fixture = build(Office(app_store))
    with time_machine.travel(NOW, tick=False):
        at = page("pages/opvolgen.py", role="maz")
        at.query_params["melding"] = fixture.today_check
        at = at.run()
    assert not at.exception
    opened = [e.label.split(" · ")[0] for e in at.expander if e.proto.expanded]
    assert opened == [fixture.today_check]


def test_a_person_with_two_roles_sees_both_roles_lists(app_store, monkeypatch):  # noqa: F811
    """Signed in with a local account holding maz and directie: both roles' lists on Start."""
    fixture = build(Office(app_store))
    app_store.commit(
        [
            Insert(
                "users",
                {
                    "id": "u-two",
                    "name": "Nathalie Visser",
                    "email": "nathalie@kivido.example",
                    "role": "maz,directie",
                    "active": True,
                    "is_demo": False,
                },
            )
        ]
    )
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "false")
    streamlit.cache_resource.clear()
    with time_machine.travel(NOW, tick=False):
        at = page("pages/home.py")
        at.session_state[identity.SIGNED_IN] = "nathalie@kivido.example"
        at = at.run()
    assert not at.exception
    expected = {**EXPECTED["maz"], **EXPECTED["directie"]}
    assert headings(at) == {title: "1" for title in expected}
    numbers = sorted(line.split(" · ")[0] for line in lines(at))
    assert numbers == sorted(getattr(fixture, key) for key in expected.values())
