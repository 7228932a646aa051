"""AppTest: the home page shows the store in use and the open reports."""

from lib import demo
from tests.apptest_support import app_store, page  # noqa: F401
from tests.flows import Office


def test_home_on_an_empty_store(app_store):  # noqa: F811
    at = page("pages/home.py", role="maz").run()
    assert not at.exception
    assert "Lokale database" in at.caption[0].value
    assert [m.value for m in at.metric] == ["0", "0"]


def test_only_the_maz_is_shown_where_the_data_is_stored(app_store):  # noqa: F811
    at = page("pages/home.py", role="medewerker").run()
    assert not at.exception
    assert "Lokale database" not in " ".join(c.value for c in at.caption)


def test_home_counts_open_reports(app_store):  # noqa: F811
    office = Office(app_store)
    office.submit()
    office.submit()
    closed = office.submit()
    office.urgent_until_closed(closed)
    at = page("pages/home.py", role="directie").run()
    assert not at.exception
    assert [m.label for m in at.metric] == ["Mijn open meldingen", "Open meldingen"]
    assert at.metric[1].value == "2"
    ruben = page("pages/home.py", role="medewerker", email="ruben@kivido.example").run()
    assert [(m.label, m.value) for m in ruben.metric] == [("Mijn open meldingen", "2")]


def test_router_starts_on_home(app_store):  # noqa: F811
    demo.seed_reference_data(app_store)
    at = page("app.py").run()
    assert not at.exception
    assert at.title[0].value == "Storingsmeldingen ICT/Telefonie"
