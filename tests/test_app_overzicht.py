"""AppTest: the Overzicht page with no data, with a year of demo data, with each filter, exports."""

from __future__ import annotations

import io
import shutil
from datetime import timedelta

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st
from streamlit.runtime.media_file_manager import MediaFileManager

from lib import demo, reports, workdays
from lib import reports_export as export
from lib import reports_open as opened
from lib.catalog import CATEGORIES
from lib.reports_settings import Settings
from lib.repository.sql import SqlRepository
from tests.apptest_support import app_store, page  # noqa: F401

PAGE = "pages/overzicht.py"


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    """A store with a year of demo data up to now, seeded once for this module."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    repo = SqlRepository.at_path(path)
    repo.setup()
    demo.seed_demo(repo, tickets=90, end=workdays.now() - timedelta(minutes=5))
    repo.engine.dispose()  # checkpoints the write-ahead log into the file
    return path


@pytest.fixture
def demo_store(demo_template, tmp_path, monkeypatch) -> SqlRepository:
    db = tmp_path / "app.db"
    shutil.copy(demo_template, db)
    monkeypatch.setenv("KIVIDO_DB", str(db))
    monkeypatch.setenv("KIVIDO_STORE", "sqlite")
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "true")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield SqlRepository.at_path(db)
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """The page's deferred downloads by file name, captured so a test can make the file."""
    made: dict = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return made


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def page_view(repo, **filters) -> reports.View:
    """The View the page computes for the same filters (default period: the last year)."""
    today = workdays.now().date()
    chosen = reports.Filters(start=today - timedelta(days=364), end=today, **filters)
    return reports.view(
        reports.frames(repo.read(reports.TABLES)), chosen, Settings(), workdays.now()
    )


def test_renders_without_data(app_store):  # noqa: F811
    """Test that an empty store shows zero open reports and no recurring trouble."""
    at = page(PAGE, role="maz").run()
    assert not at.exception
    assert metric(at, "Open") == "0"
    assert metric(at, "Oudste open melding") == "geen"
    assert any("Geen terugkerende storingen" in i.value for i in at.info)


def test_renders_a_year_of_demo_data(demo_store):
    """Test that a year of demo data fills every chart and the figures match lib.reports."""
    at = page(PAGE, role="directie").run()
    assert not at.exception
    v = page_view(demo_store)
    assert metric(at, "Open") == str(len(opened.open_reports(v)))
    assert len(at.get("vega_lite_chart")) >= 8
    assert metric(at, "Gefactureerd (incl. btw)").startswith("€")


def test_staff_do_not_see_the_overview(demo_store):
    """Test that a staff member gets a notice instead of the figures."""
    at = page(PAGE, role="medewerker").run()
    assert not at.exception
    assert "Directie" in at.info[0].value
    assert not at.metric


@pytest.mark.parametrize(
    ("key", "value", "filters"),
    [
        ("ov-locations", ["demo-vlinder"], {"locations": ("demo-vlinder",)}),
        ("ov-categories", ["telefonie", "mail"], {"categories": ("telefonie", "mail")}),
        ("ov-urgencies", ["urgent"], {"urgencies": ("urgent",)}),
    ],
)
def test_each_filter_changes_the_figures(demo_store, key, value, filters):
    """Test that a location, category or urgency filter gives the lib's filtered figures."""
    at = page(PAGE, role="directie").run()
    at.multiselect(key=key).set_value(value).run()
    assert not at.exception
    v = page_view(demo_store, **filters)
    assert metric(at, "Open") == str(len(opened.open_reports(v)))


def test_the_period_filter_moves_the_end(demo_store):
    """Test that a period ending 60 days ago counts the reports open on that day."""
    today = workdays.now().date()
    start, end = today - timedelta(days=200), today - timedelta(days=60)
    at = page(PAGE, role="directie").run()
    at.date_input(key="ov-period").set_value((start, end)).run()
    assert not at.exception
    frames = reports.frames(demo_store.read(reports.TABLES))
    v = reports.view(frames, reports.Filters(start, end), Settings(), workdays.now())
    assert metric(at, "Open") == str(len(opened.open_reports(v)))
    assert f"t/m {end:%d-%m-%Y}" in at.caption[0].value


def chart_rows(chart) -> pd.DataFrame:
    """The rows a chart on the page draws (its Arrow data set)."""
    return pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_pandas()


def test_open_reports_by_each_dimension_and_both_units(demo_store):
    """Test that each breakdown splits exactly the open reports, and the unit switch relabels."""
    at = page(PAGE, role="maz").run()
    labels = {
        "urgency": {"Urgent", "Niet urgent", "Nog niet beoordeeld"},
        "location": {r["name"] for r in demo_store.read(["locations"])["locations"]},
        "category": set(CATEGORIES.values()),
    }
    total = int(metric(at, "Open"))
    assert total > 0
    for by, possible in labels.items():
        at.radio(key="ov-open-by").set_value(by).run()
        rows = chart_rows(at.get("vega_lite_chart")[0])
        assert set(rows.label) <= possible, by
        assert rows.shown.sum() == total, by
    specs = lambda: " ".join(c.proto.spec for c in at.get("vega_lite_chart"))  # noqa: E731
    assert "Werkuren" in specs() and "Kalenderuren" not in specs()
    at.radio(key="ov-unit").set_value("ch").run()
    assert "Kalenderuren" in specs() and "Werkuren" not in specs()


def test_a_table_is_built_when_its_expander_opens(demo_store):
    """Test that the missed-targets table appears only when asked for, in Dutch columns."""
    at = page(PAGE, role="directie").run()
    assert not at.dataframe
    at.session_state["ov-table-Gemiste normen"] = True
    at.run()
    assert not at.exception
    assert list(at.dataframe[0].value.columns)[:2] == ["Meldingsnummer", "Locatie"]


def test_exports_hold_the_filtered_rows(demo_store, downloads):
    """Test that the .xlsx, the CSV and the summary hold exactly the filtered rows."""
    at = page(PAGE, role="directie").run()
    at.multiselect(key="ov-locations").set_value(["demo-zonnebloem"]).run()
    assert not at.exception
    xlsx_name = next(n for n in downloads if n.endswith(".xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(downloads[xlsx_name]()))
    assert book.sheetnames == list(export.SPECS)
    expected = export.collect(page_view(demo_store, locations=("demo-zonnebloem",)))
    for name in ("Open meldingen", "Opdrachten", "Factuurregels"):
        sheet = book[name]
        assert sheet.max_row - 1 == len(expected[name]), name
        column = [c.value for c in sheet[1]].index("Locatie")
        locations = {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert locations <= {"Kinderopvang De Zonnebloem (demo)"}, name
    csv_name = next(n for n in downloads if n.endswith(".csv"))
    lines = downloads[csv_name]().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Meldingsnummer;Gemeld op;Locatie")
    assert len(lines) - 1 == len(expected["Open meldingen"])
    summary = downloads[next(n for n in downloads if n.endswith(".html"))]().decode()
    assert "maandoverzicht" in summary and "<svg" in summary and "De Zonnebloem" in summary


def test_a_period_reaching_into_the_archive_counts_the_archived_reports(demo_store):
    """Issue 10: after archiving, Overzicht over a period before the archive cut reads the
    archive too, so its figures are those of before; the live read alone would show fewer."""
    from lib import archive
    from lib import reports_outages as outage_counts
    from lib.config import Config
    from lib.procedure import Actor, Role

    today = workdays.now().date()
    period = (today - timedelta(days=364), today)

    def reported() -> str:
        at = page(PAGE, role="directie").run()
        at.date_input(key="ov-period").set_value(period).run()
        assert not at.exception
        return metric(at, "Storingen gemeld")

    before = reported()
    later = workdays.now() + timedelta(days=183)
    done = archive.archive(demo_store, Actor("Marije", Role.MAZ), Config(), clock=lambda: later)
    assert done.tickets
    st.cache_data.clear()
    assert reported() == before
    live = reports.view(
        reports.frames(demo_store.read(reports.TABLES, live_only=True)),
        reports.Filters(*period),
        Settings(),
        workdays.now(),
    )
    assert str(outage_counts.per_location_and_category(live).storingen.sum()) != before
