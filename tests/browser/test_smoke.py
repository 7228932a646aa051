"""Browser smoke test: the app starts on the embedded store and shows what waits."""

import pytest

from lib.repository.sql import SqlRepository
from tests.browser.conftest import AppServer, screenshot
from tests.flows import Office

pytestmark = pytest.mark.browser


def test_that_the_home_page_shows_what_waits_and_no_store_path(page_in, tmp_path):
    """Test that a started demo app answers in Chromium with the MAZ's work on Start."""
    db = tmp_path / "smoke.db"
    repo = SqlRepository.at_path(db)
    repo.setup()
    office = Office(repo)
    office.submit()
    office.submit()
    env = {"KIVIDO_STORE": "sqlite", "KIVIDO_DB": str(db), "KIVIDO_DEMO_MODE": "true"}
    server = AppServer(env, tmp_path / "st.log")
    try:
        page = page_in()
        page.goto(server.url)
        page.get_by_text("Storingsmeldingen ICT/Telefonie").first.wait_for()
        # The demo picker starts as the MAZ: the two new reports wait for her triage.
        page.get_by_text("Nieuwe meldingen om te beoordelen (2)").first.wait_for()
        assert "Demomodus" in page.content()
        assert "Lokale database" not in page.content()  # no store path for anyone (issue 12)
        screenshot(page, "home")
    finally:
        server.stop()
