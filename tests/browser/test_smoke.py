"""Browser smoke test: the app starts on the embedded store and shows real numbers."""

import pytest

from lib.repository.sql import SqlRepository
from tests.browser.conftest import AppServer, screenshot
from tests.flows import Office

pytestmark = pytest.mark.browser


def test_that_the_home_page_shows_the_store_and_open_reports(page_in, tmp_path):
    """Test that a started demo app answers in Chromium with the store label and open count."""
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
        page.get_by_test_id("stMetricValue").nth(1).wait_for()
        # The demo picker starts as the MAZ: none of her own, two open in all.
        assert page.get_by_test_id("stMetricValue").all_inner_texts() == ["0", "2"]
        assert "Demomodus" in page.content()
        page.get_by_text("Lokale database", exact=False).first.wait_for()
        screenshot(page, "home")
    finally:
        server.stop()
