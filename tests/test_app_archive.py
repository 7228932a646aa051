"""AppTest (issue 10 point 2): an archived report leaves the work pages but stays findable.

Pages read the live store; Mijn meldingen reaches into the archive when asked
(the toggle), when a number is searched, or when a link names a report.
"""

import pytest

from lib import queues
from lib.repository import Update
from tests.app_checks import texts
from tests.apptest_support import app_store, page  # noqa: F401
from tests.flows import Office

PAGE = "pages/mijn_meldingen.py"
RUBEN = "ruben@kivido.example"


@pytest.fixture
def office(app_store):  # noqa: F811
    return Office(app_store)


@pytest.fixture
def archived(office, app_store):  # noqa: F811
    """One of Ruben's reports, closed and archived; one still open."""
    old = office.submit(description="Oude storing, lang geleden opgelost.")
    office.urgent_until_closed(office.ticket(old["id"]))
    office.submit(description="Nog open storing.")
    row = office.ticket(old["id"])
    app_store.commit([Update("tickets", row["id"], row["version"], {"archived_at": "2025-01-01"})])
    return row


def as_ruben():
    return page(PAGE, role="medewerker", name="Ruben de Groot", email=RUBEN)


def test_an_archived_report_is_left_out_until_the_archive_is_asked_for(archived):
    at = as_ruben().run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert not any(archived["number"] in label for label in labels)
    assert len(labels) == 1  # the open one

    at.toggle(key="mm-archief").set_value(True).run()
    assert not at.exception
    assert any(archived["number"] in e.label for e in at.expander)


def test_a_search_by_number_finds_an_archived_report(archived):
    at = page(PAGE, role="maz", name="Marije", email="maz@kivido.example").run()
    assert not any(archived["number"] in e.label for e in at.expander)
    at.text_input(key="zoek-Alle meldingen").set_value(archived["number"]).run()
    assert not at.exception
    assert [e.label for e in at.expander if archived["number"] in e.label]


def test_a_link_naming_an_archived_report_opens_it(archived):
    at = as_ruben()
    at.query_params["melding"] = archived["number"]
    at.run()
    assert not at.exception
    assert any(archived["number"] in e.label for e in at.expander)
    assert "Oude storing, lang geleden opgelost." in texts(at)


def test_the_postvak_finds_the_mail_of_an_archived_report_by_number(archived, app_store):  # noqa: F811
    mails = [
        m for m in app_store.read(["messages"])["messages"] if m["ticket_id"] == archived["id"]
    ]
    assert mails, "closing a report sends mail"
    at = page("pages/postvak.py", role="maz").run()
    at.selectbox(key="postvak-view").set_value(list(queues.POSTVAK_VIEWS)[-1]).run()
    at.text_input(key="postvak-number").set_value(archived["number"]).run()
    assert not at.exception
    assert mails[0]["subject"] in texts(at)


def test_the_shared_read_keeps_a_bounded_number_of_entries(office):
    """Test that many writing sessions (each its own read) leave at most LIVE_READS reads kept."""
    from streamlit.runtime.caching.cache_resource_api import _resource_caches

    from lib import ui

    office.submit()
    for i in range(ui.LIVE_READS + 6):
        at = page("pages/home.py", role="maz")
        at.session_state["_write_nonce"] = f"session-{i}"  # as after this session's own write
        at.run()
        assert not at.exception
    caches = [
        cache
        for per_function in _resource_caches._function_caches.values()
        for cache in per_function.values()
        if cache.display_name.endswith("_read_live")
    ]
    assert len(caches) == 1
    # Every session read once (its own nonce), but only the newest LIVE_READS are kept.
    assert len(caches[0]._mem_cache) == ui.LIVE_READS


def test_a_period_s_read_is_dropped_once_the_next_period_begins(office, monkeypatch):
    """Test that views in later periods leave one live read kept, not one per period."""
    from streamlit.runtime.caching.cache_resource_api import _resource_caches

    monkeypatch.setenv("KIVIDO_CACHE_SECONDS", "0")  # every view begins a new period
    office.submit()
    at = page("pages/home.py", role="maz")
    for _ in range(5):
        at.run()
        assert not at.exception
    (cache,) = [
        cache
        for per_function in _resource_caches._function_caches.values()
        for cache in per_function.values()
        if cache.display_name.endswith("_read_live")
    ]
    assert len(cache._mem_cache) == 1
