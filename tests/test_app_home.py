"""AppTest: the home page shows the store in use and the open reports."""

from lib import demo
from tests.apptest_support import app_store, page  # noqa: F401
from tests.flows import Office


def test_home_on_an_empty_store(app_store):  # noqa: F811
    at = page("pages/home.py").run()
    assert not at.exception
    assert "Lokale database" in at.caption[0].value
    assert at.metric[0].value == "0"


def test_home_counts_open_reports(app_store):  # noqa: F811
    office = Office(app_store)
    office.submit()
    office.submit()
    closed = office.submit()
    office.urgent_until_closed(closed)
    at = page("pages/home.py").run()
    assert not at.exception
    assert at.metric[0].value == "2"


def test_router_starts_on_home(app_store):  # noqa: F811
    demo.seed_reference_data(app_store)
    at = page("app.py").run()
    assert not at.exception
    assert at.title[0].value == "Storingsmeldingen ICT/Telefonie"
