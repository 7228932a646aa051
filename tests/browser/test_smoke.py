"""Browser smoke test: the app starts on the embedded store and shows real numbers."""

import pytest

from lib.repository.sql import SqlRepository
from tests.browser.conftest import AppServer, screenshot
from tests.flows import Office

pytestmark = pytest.mark.browser


def test_that_the_home_page_shows_the_store_and_open_reports(page_in, tmp_path):
    """Test that a started app answers in Chromium with the store label and open count."""
    db = tmp_path / "smoke.db"
    repo = SqlRepository.at_path(db)
    repo.setup()
    office = Office(repo)
    office.submit()
    office.submit()
    server = AppServer({"KIVIDO_STORE": "sqlite", "KIVIDO_DB": str(db)}, tmp_path / "st.log")
    try:
        page = page_in()
        page.goto(server.url)
        page.get_by_text("Storingsmeldingen ICT/Telefonie").first.wait_for()
        page.get_by_test_id("stMetricValue").first.wait_for()
        assert page.get_by_test_id("stMetricValue").first.inner_text() == "2"
        assert "Lokale database" in page.content()
        screenshot(page, "home")
    finally:
        server.stop()
