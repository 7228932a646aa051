"""AppTest: removed and closed reports are never counted or offered as open (issue 11).

Bug it fails on: removed reports counted as open. One open, one closed and one
removed report (2.2 step 4: "if solved, the report is removed") are in the store;
every page that counts or offers open reports sees exactly the open one.
"""

import pytest

from lib import services
from tests.apptest_support import app_store, page  # noqa: F401
from tests.flows import Office


@pytest.fixture
def office(app_store):  # noqa: F811
    """One report Nemesys confirmed (still open), one closed, one removed as solved."""
    o = Office(app_store)
    open_one = o.triage(o.submit(description="Nog open"), urgent=True)
    services.confirm_order(o.desk(), open_one, o.order(open_one["id"]), reference="NEM-1")
    o.urgent_until_closed(o.submit(description="Afgesloten"))
    removed = o.follow_up(o.waiting(description="Verwijderd"), solved=True)
    assert removed["status"] == "verwijderd"
    o.open_one = o.ticket(open_one["id"])
    return o


def test_home_counts_only_the_open_report(office):
    """The reporter of all three sees one open report on Start (issue 12's own list)."""
    at = page("pages/home.py", role="medewerker", name="Ruben", email="ruben@kivido.example")
    at.run()
    assert not at.exception
    assert "**Mijn open meldingen** (1)" in [m.value for m in at.markdown]
    shown = " ".join(m.value for m in at.markdown)
    assert office.open_one["number"] in shown


def test_the_overview_counts_only_the_open_report(office):
    at = page("pages/overzicht.py", role="directie").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Open"] == "1"


def test_offertes_offers_only_the_open_confirmed_order(office):
    at = page("pages/offertes.py", role="maz").run()
    assert not at.exception
    options = at.selectbox(key="quote-register-ticket").options
    assert options == [f"{office.open_one['number']} · Kinderopvang De Zonnebloem (demo)"]
