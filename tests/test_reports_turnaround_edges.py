"""Edges of the Nemesys turnaround figures (lib/reports_turnaround.py), computed by hand.

Written against the mutants of lib/reports_turnaround.py that survived the mutation
run (issue 11): the period's end as an exclusive "as of" moment for confirmations
and resolutions, each order joined to its own report, the configured working day,
the per-month table's columns, the target lines, the missed targets' norms and the
share within target, exactly on the target and for an empty period.

Targets are the documented defaults of lib.reports_settings.Targets (working hours):
confirmation 1 (urgent) / 4 (not urgent), resolution 8 / 24. The default working day
is 08:30-17:00 (lib.workdays.WorkdayConfig); weekends and Dutch holidays do not count.
"""

from __future__ import annotations

import math
from datetime import date, time

import pandas as pd
import pytest

from lib import reports
from lib import reports_turnaround as turnaround
from lib.reports_settings import Settings, Targets
from lib.workdays import WorkdayConfig
from tests.reports_fixtures import Data, christmas_order

CONFIRM = "Opdracht → bevestiging"
RESOLVE = "Opdracht → opgelost"
WITHIN_COLUMNS = [
    "measure",
    "done",
    "urgency_label",
    "aantal",
    "binnen_norm",
    "mediaan",
    "p90",
    "norm",
]


def urgent_order(confirmed="", *later_steps) -> Data:
    """One urgent report, ordered at Nemesys on Monday 2 March 2026 at 10:00."""
    d = Data()
    d.ticket(
        "t1",
        "2026-03-02 09:00",
        ("2026-03-02 09:30", "triage_urgent", "nieuw", "urgent"),
        ("2026-03-02 10:00", "place_order", "urgent", "opdracht_nemesys"),
        *later_steps,
        urgency="urgent",
    )
    d.order("o1", "t1", "2026-03-02 10:00", confirmed)
    return d


def late_and_on_time() -> Data:
    """December 2026: an urgent order late on both targets over Christmas, a not-urgent one
    confirmed exactly on its 4-hour target and still unresolved, an urgent one in time."""
    d = christmas_order()  # t1: confirmed after 2.0 working hours, resolved after 9.0
    d.ticket(
        "t2",
        "2026-12-29 08:45",
        ("2026-12-29 09:00", "place_order", "nieuw", "opdracht_nemesys"),
        ("2026-12-29 13:00", "confirm", "opdracht_nemesys", "bevestigd_nemesys"),
        location="loc-b",
        category="mail",
        urgency="niet_urgent",
    )
    d.order("o2", "t2", "2026-12-29 09:00", "2026-12-29 13:00")
    d.ticket(
        "t3",
        "2026-12-29 09:45",
        ("2026-12-29 10:00", "place_order", "urgent", "opdracht_nemesys"),
        ("2026-12-29 10:30", "confirm", "opdracht_nemesys", "bevestigd_nemesys"),
        ("2026-12-29 14:00", "resolve", "bevestigd_nemesys", "opgelost"),
        urgency="urgent",
    )
    d.order("o3", "t3", "2026-12-29 10:00", "2026-12-29 10:30")
    return d


def december(d: Data) -> reports.View:
    # Ends at 1 January 2027 00:00: 29, 30 and 31 December are working days.
    return d.view(date(2026, 12, 1), date(2026, 12, 31))


# --- order_times ---------------------------------------------------------------------


def test_a_confirmation_arriving_exactly_at_the_period_end_is_not_yet_seen():
    """The period's end is exclusive: a mail that comes in at that moment counts as not
    yet confirmed, so the order is still waiting (2.5 working hours) past its 1-hour target."""
    d = urgent_order("2026-03-02 12:30")
    v = d.view(date(2026, 3, 1), date(2026, 3, 2), now="2026-03-02 12:30")
    row = turnaround.order_times(v).iloc[0]
    assert pd.isna(row.confirmed_at)
    assert math.isnan(row.confirm_wh) and math.isnan(row.confirm_ch)
    assert row.confirm_waiting_wh == pytest.approx(2.5)
    missed = turnaround.missed_targets(turnaround.order_times(v), Targets())
    assert missed.state.tolist() == ["nog open, norm verstreken"]
    assert missed.measure.tolist() == [CONFIRM]


def test_a_resolution_exactly_at_the_period_end_is_not_yet_seen():
    """A resolve step stamped at the period's end is after the period: not resolved yet."""
    d = urgent_order(
        "2026-03-02 10:30",
        ("2026-03-02 10:30", "confirm", "opdracht_nemesys", "bevestigd_nemesys"),
        ("2026-03-02 12:30", "resolve", "bevestigd_nemesys", "opgelost"),
    )
    v = d.view(date(2026, 3, 1), date(2026, 3, 2), now="2026-03-02 12:30")
    row = turnaround.order_times(v).iloc[0]
    assert row.confirm_wh == pytest.approx(0.5)
    assert pd.isna(row.resolved_at)
    assert math.isnan(row.resolve_wh)
    assert row.resolve_waiting_wh == pytest.approx(2.5)


def test_each_order_carries_the_labels_of_its_own_report():
    """Orders are listed by order time; the later report's order came first, and each row
    must still show its own report's number, location, category and urgency."""
    d = Data()
    d.ticket("t1", "2026-03-02 09:00", location="loc-a", category="printen", urgency="urgent")
    d.ticket("t2", "2026-03-03 09:00", location="loc-b", category="mail", urgency="niet_urgent")
    d.order("o1", "t1", "2026-03-04 10:00")
    d.order("o2", "t2", "2026-03-03 11:00")
    times = turnaround.order_times(d.view(date(2026, 3, 1), date(2026, 3, 31)))
    assert times.number.tolist() == ["KIV-t2", "KIV-t1"]
    assert times.location.tolist() == ["Locatie B", "Locatie A"]
    assert times.category_label.tolist() == ["E-mail", "Printen"]
    assert times.urgency.tolist() == ["niet_urgent", "urgent"]
    assert times.urgency_label.tolist() == ["Niet urgent", "Urgent"]


def test_the_configured_working_day_counts_for_every_working_hour_figure():
    """With a working day of 08:00-16:00, Monday 15:00 to Tuesday 09:00 is 1 + 1 = 2 working
    hours (not the default day's 2 + 0.5), and waiting until Tuesday 12:00 is 1 + 4 = 5."""
    d = Data()
    d.ticket("t1", "2026-03-02 14:30", urgency="urgent")
    d.order("o1", "t1", "2026-03-02 15:00", "2026-03-03 09:00")
    settings = Settings(workday=WorkdayConfig(day_start=time(8, 0), day_end=time(16, 0)))
    v = d.view(date(2026, 3, 1), date(2026, 3, 3), now="2026-03-03 12:00", settings=settings)
    row = turnaround.order_times(v).iloc[0]
    assert row.confirm_wh == pytest.approx(2.0)
    assert row.confirm_ch == pytest.approx(18.0)
    assert math.isnan(row.resolve_wh)
    assert row.resolve_waiting_wh == pytest.approx(5.0)


# --- by_month and target_lines ---------------------------------------------------------


def across_january_and_february() -> Data:
    d = Data()
    # Friday 30 January 16:00 to Monday 2 February 09:30: 1 + 1 working hours, in January.
    d.ticket("t1", "2026-01-30 15:00", urgency="urgent")
    d.order("o1", "t1", "2026-01-30 16:00", "2026-02-02 09:30")
    d.ticket("t2", "2026-02-03 09:00", urgency="urgent")
    d.order("o2", "t2", "2026-02-03 10:00", "2026-02-03 10:30")
    d.ticket("t3", "2026-02-04 09:00", urgency="urgent")
    d.order("o3", "t3", "2026-02-04 10:00", "2026-02-04 11:00")
    d.ticket("t4", "2026-02-05 08:45", urgency="niet_urgent")
    d.order("o4", "t4", "2026-02-05 09:00")  # never confirmed: not in the monthly figures
    return d


def test_monthly_figures_count_an_order_in_the_month_it_was_placed():
    """January: one order of 2.0 hours; February: 0.5 and 1.0, median 0.75 and 90th
    percentile 0.5 + 0.9 * 0.5 = 0.95. The chart reads mediaan, p90 and aantal."""
    v = across_january_and_february().view(date(2026, 1, 1), date(2026, 2, 28))
    monthly = turnaround.by_month(turnaround.order_times(v), "confirm", "wh")
    assert list(monthly.columns) == ["month", "urgency_label", "mediaan", "p90", "aantal"]
    assert monthly.month.tolist() == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")]
    assert monthly.urgency_label.tolist() == ["Urgent", "Urgent"]
    assert monthly.mediaan.tolist() == pytest.approx([2.0, 0.75])
    assert monthly.p90.tolist() == pytest.approx([2.0, 0.95])
    assert monthly.aantal.tolist() == [1, 2]


def test_target_lines_give_each_urgency_present_its_documented_target():
    """Urgent: confirmed within 1 and resolved within 8 working hours; not urgent: 4 and 24.
    One line per urgency present, by label."""
    times = turnaround.order_times(
        across_january_and_february().view(date(2026, 1, 1), date(2026, 2, 28))
    )
    confirm = turnaround.target_lines(times, Targets(), "confirm")
    assert confirm.to_dict("records") == [
        {"urgency": "niet_urgent", "urgency_label": "Niet urgent", "norm": 4.0},
        {"urgency": "urgent", "urgency_label": "Urgent", "norm": 1.0},
    ]
    resolve = turnaround.target_lines(times, Targets(), "resolve")
    assert resolve.norm.tolist() == [24.0, 8.0]


# --- missed_targets ------------------------------------------------------------------


def test_an_open_order_exactly_at_its_target_has_not_missed_it_yet():
    """Unconfirmed after exactly 1 working hour: the urgent target is reached, not passed."""
    v = urgent_order().view(date(2026, 3, 1), date(2026, 3, 2), now="2026-03-02 11:00")
    times = turnaround.order_times(v)
    assert times.confirm_waiting_wh.tolist() == [pytest.approx(1.0)]
    missed = turnaround.missed_targets(times, Targets())
    assert missed.empty
    assert list(missed.columns) == [
        "number",
        "location",
        "category_label",
        "urgency_label",
        "ordered_at",
        "measure",
        "hours",
        "norm",
        "state",
    ]


def test_missed_targets_show_the_hours_and_the_target_each_order_missed():
    """t1 took 2.0 > 1 and 9.0 > 8; t2 is unresolved after 8 + 8.5 + 8.5 = 25 > 24 hours;
    t2's confirmation at exactly 4.0 and t3's 0.5 and 4.0 are within target."""
    missed = turnaround.missed_targets(
        turnaround.order_times(december(late_and_on_time())), Targets()
    )
    assert missed.number.tolist() == ["KIV-t1", "KIV-t1", "KIV-t2"]
    assert missed.measure.tolist() == [CONFIRM, RESOLVE, RESOLVE]
    assert missed.hours.tolist() == pytest.approx([2.0, 9.0, 25.0])
    assert missed.norm.tolist() == [1.0, 8.0, 24.0]
    assert missed.state.tolist() == ["te laat", "te laat", "nog open, norm verstreken"]


# --- within_target -------------------------------------------------------------------


def test_share_within_target_per_measure_and_urgency():
    """Confirmation: not urgent [4.0] (exactly on target: within), urgent [2.0, 0.5];
    resolution: not urgent none yet, urgent [9.0, 4.0]. Medians and 90th percentiles
    interpolate: 1.25 and 0.5 + 0.9 * 1.5 = 1.85; 6.5 and 4 + 0.9 * 5 = 8.5."""
    within = turnaround.within_target(
        turnaround.order_times(december(late_and_on_time())), Targets()
    )
    nan = float("nan")
    expected = pd.DataFrame(
        {
            "measure": [CONFIRM, CONFIRM, RESOLVE, RESOLVE],
            "done": ["Bevestigd", "Bevestigd", "Opgelost", "Opgelost"],
            "urgency_label": ["Niet urgent", "Urgent", "Niet urgent", "Urgent"],
            "aantal": [1, 2, 0, 2],
            "binnen_norm": [1.0, 0.5, nan, 0.5],
            "mediaan": [4.0, 1.25, nan, 6.5],
            "p90": [4.0, 1.85, nan, 8.5],
            "norm": [4.0, 1.0, 24.0, 8.0],
        }
    )
    pd.testing.assert_frame_equal(within, expected)


def test_an_empty_period_still_gives_the_within_target_columns():
    """No orders: no rows, but the columns the monthly summary and the page read."""
    v = late_and_on_time().view(date(2026, 11, 1), date(2026, 11, 30))
    within = turnaround.within_target(turnaround.order_times(v), Targets())
    assert len(within) == 0
    assert list(within.columns) == WITHIN_COLUMNS
