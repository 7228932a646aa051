"""The working and calendar hours of the directie's turnaround figures
(lib/reports_hours.py), at the edges the reports tests leave out: a working day
configured to the second, spans under an hour, and missing moments as NaN.
Written against the survivors of lib/reports_hours.py (issue 11)."""

from __future__ import annotations

from datetime import time

import numpy as np
import pandas as pd
import pytest

from lib.reports_hours import calendar_hours, working_hours
from lib.workdays import WorkdayConfig
from tests.reports_fixtures import at


def test_a_working_day_configured_to_the_second_counts_from_that_second():
    """secrets.toml takes a day start as HH:MM:SS (lib/config.py, time.fromisoformat):
    a day starting 08:00:30 has 29 minutes 30 seconds of work by 08:30 on a Monday."""
    config = WorkdayConfig(day_start=time(8, 0, 30), day_end=time(17, 0))
    starts = pd.Series([at("2026-03-02 07:00"), at("2026-03-02 16:00")])
    ends = pd.Series([at("2026-03-02 08:30"), at("2026-03-03 08:30")])
    # The second span: 16:00-17:00 on Monday, 08:00:30-08:30 on Tuesday.
    expected = [29.5 / 60, 1 + 29.5 / 60]
    assert list(working_hours(starts, ends, config)) == pytest.approx(expected, abs=1e-9)


def test_calendar_hours_of_spans_under_an_hour_and_of_missing_moments():
    """Half an hour is 0.5, not rounded up; a missing moment gives NaN (a number the
    charts leave out), an end before its start 0."""
    starts = pd.Series([at("2026-03-02 10:00"), at("2026-03-02 10:00"), at("2026-03-02 10:00")])
    ends = pd.Series(
        [at("2026-03-02 10:30"), pd.NaT, at("2026-03-02 09:00")],
        dtype="datetime64[us, Europe/Amsterdam]",
    )
    hours = calendar_hours(starts, ends)
    assert hours.dtype == np.float64
    assert hours[0] == pytest.approx(0.5)
    assert np.isnan(hours[1])
    assert hours[2] == 0.0
