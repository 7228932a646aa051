"""The Overzicht's figure functions against small fixtures computed by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import reports, workdays
from lib import reports_costs as costs
from lib import reports_open as opened
from lib import reports_turnaround as turnaround
from lib.config import Config
from lib.reports_hours import calendar_hours, working_hours
from lib.reports_settings import Settings, Targets, settings_from
from tests.reports_fixtures import AMS, Data, at, christmas_order, iso, two_orders

# --- working hours -------------------------------------------------------------------


def test_working_hours_skip_a_weekend_and_christmas():
    """Test that Thursday 16:00 to Monday 09:30 over Christmas is 2 working hours, 89.5 calendar."""
    starts = pd.Series([at("2026-12-24 16:00")])
    ends = pd.Series([at("2026-12-28 09:30")])
    assert working_hours(starts, ends)[0] == pytest.approx(2.0)
    assert calendar_hours(starts, ends)[0] == pytest.approx(89.5)
    assert workdays.working_hours_between(starts[0], ends[0]) == pytest.approx(2.0)


def test_working_hours_of_missing_and_reversed_pairs():
    """Test that a missing end gives NaN and an end before the start gives 0."""
    starts = pd.Series([at("2026-03-02 10:00"), at("2026-03-02 10:00")])
    ends = pd.Series([pd.NaT, at("2026-03-02 09:00")], dtype="datetime64[us, Europe/Amsterdam]")
    result = working_hours(starts, ends)
    assert pd.isna(result[0]) and result[1] == 0.0


moments = st.datetimes(
    min_value=datetime(2025, 12, 20), max_value=datetime(2026, 5, 10), timezones=st.just(AMS)
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(moments, moments), min_size=1, max_size=8))
def test_vectorised_working_hours_equal_the_reference(pairs):
    """Test that the vectorised working hours equal lib.workdays for any pairs (DST, holidays)."""
    pairs = [(a.replace(microsecond=0), b.replace(microsecond=0)) for a, b in pairs]
    starts = pd.Series([a for a, _ in pairs]).dt.tz_convert("Europe/Amsterdam")
    ends = pd.Series([b for _, b in pairs]).dt.tz_convert("Europe/Amsterdam")
    expected = [workdays.working_hours_between(a, b) for a, b in pairs]
    assert list(working_hours(starts, ends)) == pytest.approx(expected, abs=1e-9)


# --- turnaround ----------------------------------------------------------------------


def test_turnaround_in_working_and_calendar_hours():
    """Test that confirmation takes 2 working hours over Christmas and resolving 9 (1 + 8)."""
    v = christmas_order().view(date(2026, 12, 1), date(2026, 12, 31))
    row = turnaround.order_times(v).iloc[0]
    assert row.confirm_wh == pytest.approx(2.0)
    assert row.confirm_ch == pytest.approx(89.5)
    assert row.resolve_wh == pytest.approx(9.0)
    assert row.resolve_ch == pytest.approx(96.5)
    monthly = turnaround.by_month(turnaround.order_times(v), "confirm", "wh")
    assert monthly.mediaan.tolist() == [pytest.approx(2.0)]


def test_orders_that_missed_targets_are_listed():
    """Test that the urgent order misses both the 1-hour and the 8-hour target."""
    v = christmas_order().view(date(2026, 12, 1), date(2026, 12, 31))
    missed = turnaround.missed_targets(turnaround.order_times(v), Targets())
    assert missed.measure.tolist() == ["Opdracht → bevestiging", "Opdracht → opgelost"]
    assert missed.state.tolist() == ["te laat", "te laat"]
    relaxed = Targets(confirm_urgent=2.0, resolve_urgent=9.0)
    assert turnaround.missed_targets(turnaround.order_times(v), relaxed).empty


def test_an_unconfirmed_order_past_its_target_counts_as_missed():
    """Test that an order still unconfirmed after its target shows as 'nog open'."""
    d = Data()
    d.ticket("t1", "2026-03-02 09:00", urgency="urgent")
    d.order("o1", "t1", "2026-03-02 10:00")
    v = d.view(date(2026, 3, 1), date(2026, 3, 2), now="2026-03-02 12:30")
    missed = turnaround.missed_targets(turnaround.order_times(v), Targets())
    assert missed.state.tolist() == ["nog open, norm verstreken"]
    assert missed.hours.tolist() == [pytest.approx(2.5)]


# --- open reports --------------------------------------------------------------------


def reopened() -> Data:
    d = Data()
    d.ticket(
        "t1",
        "2026-03-02 09:00",  # Monday of week 10
        ("2026-03-04 10:00", "close", "opgelost", "afgesloten"),
        ("2026-03-09 10:00", "reopen", "afgesloten", "opdracht_nemesys"),
        ("2026-03-20 10:00", "close", "opgelost", "afgesloten"),
    )
    return d


def test_a_reopened_report_is_open_again_until_closed():
    """Test that the weekly open count follows submit, close, reopen and close again."""
    weekly = opened.open_over_time(reopened().view(date(2026, 3, 2), date(2026, 3, 29)))
    assert weekly.open.tolist() == [0, 1, 0, 0]
    assert weekly.new.tolist() == [1, 0, 0, 0]


def test_open_now_is_open_at_the_end_of_the_period():
    """Test that the period's end decides the status: open on 12 March, closed by 31 March."""
    mid = reopened().view(date(2026, 3, 1), date(2026, 3, 12))
    assert opened.open_reports(mid).number.tolist() == ["KIV-t1"]
    assert opened.open_counts(mid, "status").to_dict("records") == [
        {"label": "Opdracht bij Nemesys", "aantal": 1}
    ]
    assert opened.oldest_open(opened.open_reports(mid))["age_days"] == pytest.approx(
        11 - 1 / 24 * 9
    )
    assert opened.open_reports(reopened().view(date(2026, 3, 1), date(2026, 3, 31))).empty


def test_overdue_next_day_checks():
    """Test that a waiting report whose check was due yesterday is overdue, by 27 hours."""
    d = Data()
    d.ticket(
        "t1",
        "2026-03-02 10:00",
        ("2026-03-02 11:00", "triage_not_urgent", "nieuw", "wacht_op_controle"),
    )
    d.tables["tickets"][0]["check_due_at"] = iso("2026-03-03 09:00")
    v = d.view(date(2026, 3, 1), date(2026, 3, 4), now="2026-03-04 12:00")
    assert opened.overdue_checks(v).hours_late.tolist() == [pytest.approx(27.0)]
    early = d.view(date(2026, 3, 1), date(2026, 3, 3), now="2026-03-03 08:00")
    assert opened.overdue_checks(early).empty


def test_recurring_trouble_needs_three_reports_within_thirty_days():
    """Test that three reports in 20 days flag a location, three spread over 40 days do not."""
    d = Data()
    for i, day in enumerate(("2026-03-01", "2026-03-10", "2026-03-21")):
        d.ticket(f"a{i}", f"{day} 10:00", location="loc-a", category="internet_locatie")
    for i, day in enumerate(("2026-03-01", "2026-03-21", "2026-04-10")):
        d.ticket(f"b{i}", f"{day} 10:00", location="loc-b", category="internet_locatie")
    hits = opened.recurring_trouble(d.view(date(2026, 1, 1), date(2026, 6, 30)))
    assert hits[["location", "max_in_window", "reports"]].to_dict("records") == [
        {"location": "Locatie A", "max_in_window": 3, "reports": 3}
    ]
    assert hits.window_start[0] == pd.Timestamp("2026-03-01 10:00", tz="Europe/Amsterdam")


# --- filters and empty periods -------------------------------------------------------


def test_filters_choose_location_category_and_urgency():
    """Test that each filter keeps only the matching reports, orders and invoice lines."""
    d = two_orders()
    d.invoice("F1", ["o1", "o2"], 100_00, "goedgekeurd")
    d.ticket("t3", "2026-03-05 09:00", location="loc-b", category="mail")  # not yet assessed
    period = (date(2026, 3, 1), date(2026, 3, 31))
    assert set(d.view(*period, locations=("loc-b",)).frames.tickets.id) == {"t2", "t3"}
    assert set(d.view(*period, categories=("printen",)).frames.orders.id) == {"o1"}
    assert set(d.view(*period, urgencies=("",)).frames.tickets.id) == {"t3"}
    lines = d.view(*period, urgencies=("urgent",)).frames.invoice_lines
    assert lines.amount_incl_cents.tolist() == [50_00]


def test_an_empty_period_gives_empty_figures():
    """Test that a period without data gives empty tables and zero sums, not errors."""
    v = two_orders().view(date(2025, 1, 1), date(2025, 1, 31))
    assert opened.open_reports(v).empty and opened.overdue_checks(v).empty
    assert opened.open_over_time(v).open.sum() == 0
    assert opened.recurring_trouble(v).empty
    times = turnaround.order_times(v)
    assert times.empty and turnaround.by_month(times, "confirm", "wh").empty
    assert turnaround.missed_targets(times, Targets()).empty
    assert costs.per_month(v).invoiced_cents.tolist() == [0]
    assert costs.quotes_against_invoices(v).empty and costs.year_to_date(v).spent_cents == 0


def test_an_empty_store_builds_empty_frames():
    """Test that a store without rows still gives every frame and figure."""
    v = reports.view(reports.frames({}), reports.Filters(), Settings(), at("2026-03-01 12:00"))
    assert opened.open_reports(v).empty and turnaround.order_times(v).empty
    assert costs.per_dimension(v, "location").empty
    assert len(opened.open_over_time(v)) == 53


def test_settings_read_overrides_and_report_bad_values():
    """Test that config.extra overrides targets and budget; a bad value keeps its default."""
    extra = {
        "target_confirm_urgent_hours": "0,5",
        "yearly_budget_eur": 25000,
        "recurring_window_days": "x",
    }
    s = settings_from(Config(extra=extra))
    assert s.targets.confirm_urgent == 0.5 and s.yearly_budget_cents == 2_500_000
    assert s.recurring_window_days == 30 and "recurring_window_days" in s.problems[0]
    assert settings_from(Config()) == Settings()


def test_the_period_never_ends_after_now():
    """Test that a period running into the future ends at the current moment."""
    v = reports.view(
        reports.frames({}),
        reports.Filters(end=date(2030, 1, 1)),
        Settings(),
        at("2026-03-01 12:00"),
    )
    assert v.end == pd.Timestamp(at("2026-03-01 12:00")) and v.start == v.end - timedelta(days=365)


def test_the_figures_do_not_depend_on_the_order_the_store_returns_rows(seeded_year):
    """PostgreSQL returns an updated row elsewhere than SQLite does: same data, same figures."""
    from lib import reports_export

    tables = seeded_year
    backwards = {name: list(reversed(rows)) for name, rows in tables.items()}
    filters = reports.Filters(start=date(2025, 6, 1), end=date(2026, 7, 31))
    now = datetime(2026, 8, 1, 9, 0, tzinfo=AMS)

    def figures(data):
        view = reports.view(reports.frames(data), filters, Settings(), now)
        return reports_export.collect(view)

    ahead, behind = figures(tables), figures(backwards)
    assert any(len(f) for f in ahead.values())
    for name, frame in ahead.items():
        pd.testing.assert_frame_equal(frame, behind[name], obj=name)


@pytest.fixture
def seeded_year(tmp_path):
    from lib import demo
    from lib.repository.sql import SqlRepository

    repo = SqlRepository.at_path(tmp_path / "jaar.db")
    repo.setup()
    demo.seed_demo(repo, tickets=24, end=datetime(2026, 6, 30, 12, 0, tzinfo=AMS))
    return repo.read(reports.TABLES)
