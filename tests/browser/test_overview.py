"""Browser: the directie's Overzicht with a year of demo data, saved as a screenshot."""

from datetime import datetime

import pytest

from lib import demo
from lib.repository.sql import SqlRepository
from lib.workdays import AMSTERDAM
from tests.browser import steps
from tests.browser.conftest import AppServer

pytestmark = pytest.mark.browser


def test_that_the_overview_renders_its_charts_with_demo_data(page_in, tmp_path):
    """Test that Overzicht shows charts and figures for a year of demo data in Chromium."""
    db = tmp_path / "overzicht.db"
    repo = SqlRepository.at_path(db)
    repo.setup()
    demo.seed_demo(repo, tickets=80, end=datetime.now(AMSTERDAM))
    server = AppServer(
        {"KIVIDO_STORE": "sqlite", "KIVIDO_DB": str(db), "KIVIDO_DEMO_MODE": "true"},
        tmp_path / "streamlit.log",
    )
    try:
        page = page_in(1400, 1000)
        steps.open_app(page, server.url)
        walk = steps.Walk(page, "sqlite", "overzicht")
        walk.as_person(steps.Person("Stefanie (directie)", "Directie", "stefanie@kivido.example"))
        area = walk.visit("Overzicht")
        steps.expect_text(area, "Exporteren")
        charts = area.get_by_test_id("stVegaLiteChart")
        charts.first.wait_for()
        # Counted once the run is over: a loaded machine draws the figures after the charts.
        steps.settle(page)
        area.get_by_test_id("stMetric").first.wait_for()
        assert charts.count() >= 4
        assert area.get_by_test_id("stMetric").count() >= 3
        walk.shot()
    finally:
        server.stop()
