"""The next-working-day check moment and working-hour arithmetic, with frozen time."""

import time as clock
from datetime import UTC, date, datetime, time

import pytest
import time_machine

from lib import workdays
from lib.workdays import AMSTERDAM, WorkdayConfig, next_check_moment, working_hours_between


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


def test_monday_report_is_checked_tuesday_morning():
    assert next_check_moment(ams(2026, 11, 23, 10, 0)) == ams(2026, 11, 24, 9, 0)


def test_friday_afternoon_report_is_checked_on_monday():
    assert next_check_moment(ams(2026, 11, 27, 16, 30)) == ams(2026, 11, 30, 9, 0)


def test_saturday_report_is_checked_on_monday():
    assert next_check_moment(ams(2026, 11, 28, 11, 0)) == ams(2026, 11, 30, 9, 0)


def test_kings_day_is_skipped():
    """Test that a report the day before King's Day (Mon 27-04-2026) waits until Tuesday."""
    assert next_check_moment(ams(2026, 4, 24, 15, 0)) == ams(2026, 4, 28, 9, 0)


def test_christmas_and_new_year():
    """Test that 24-12 goes to 28-12 and 31-12 goes to 2-1 (New Year's Day skipped)."""
    assert next_check_moment(ams(2026, 12, 24, 12, 0)) == ams(2026, 12, 28, 9, 0)
    assert next_check_moment(ams(2026, 12, 31, 12, 0)) == ams(
        2027, 1, 4, 9, 0
    )  # 2 and 3 Jan weekend
    assert next_check_moment(ams(2025, 12, 31, 12, 0)) == ams(2026, 1, 2, 9, 0)


def test_check_time_and_extra_days_off_are_configurable():
    config = WorkdayConfig(check_time=time(13, 30), extra_days_off=frozenset({date(2026, 11, 24)}))
    assert next_check_moment(ams(2026, 11, 23, 10, 0), config) == ams(2026, 11, 25, 13, 30)


def test_utc_input_is_read_in_amsterdam_time():
    """Test that 23:30 UTC on Friday is already Saturday in Amsterdam (winter time)."""
    from datetime import UTC

    friday_late = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    assert next_check_moment(friday_late) == ams(2026, 11, 30, 9, 0)


def test_frozen_clock_drives_now():
    with time_machine.travel(ams(2026, 11, 27, 16, 0), tick=False):
        assert next_check_moment(workdays.now()) == ams(2026, 11, 30, 9, 0)


def test_working_hours_across_a_weekend():
    """Test that Friday 16:00 -> Monday 10:00 is 1 h Friday + 1.5 h Monday."""
    assert working_hours_between(ams(2026, 11, 27, 16, 0), ams(2026, 11, 30, 10, 0)) == 2.5


def test_working_hours_across_a_holiday():
    """Test that Second Christmas Day and the weekend after count for nothing."""
    # Thu 24-12 16:00 -> Mon 28-12 09:30: 1 h + (25, 26 holiday; 27 Sunday) + 1 h
    assert working_hours_between(ams(2026, 12, 24, 16, 0), ams(2026, 12, 28, 9, 30)) == 2.0


def test_working_hours_outside_office_hours_and_reversed():
    assert working_hours_between(ams(2026, 11, 23, 18, 0), ams(2026, 11, 23, 22, 0)) == 0.0
    assert working_hours_between(ams(2026, 11, 24, 9, 0), ams(2026, 11, 23, 9, 0)) == 0.0


def test_extra_days_off_do_not_count_as_working_hours():
    """Test that a day the organisation closes (a setting) adds no working hours."""
    start = datetime(2026, 11, 23, 8, 30, tzinfo=AMSTERDAM)  # Monday
    end = datetime(2026, 11, 24, 17, 0, tzinfo=AMSTERDAM)  # Tuesday
    closed_monday = WorkdayConfig(extra_days_off=frozenset({date(2026, 11, 23)}))
    assert working_hours_between(start, end) == 17.0
    assert working_hours_between(start, end, closed_monday) == 8.5


def test_the_check_day_follows_the_amsterdam_date_not_the_given_zone():
    """Test that 23:30 UTC on Monday is Tuesday 00:30 in Amsterdam: checked on Wednesday."""
    from datetime import UTC

    reported = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert next_check_moment(reported) == datetime(2026, 11, 25, 9, 0, tzinfo=AMSTERDAM)


@pytest.mark.parametrize("server_zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_working_hours_follow_amsterdams_calendar_whatever_the_servers_zone(
    monkeypatch, server_zone
):
    """Test that Monday 12:00 -> Tuesday 10:00 in Amsterdam is 5 h Monday + 1.5 h
    Tuesday, given in UTC, on a server 14 hours ahead (where that Monday noon is
    already Tuesday) and on one 11 hours behind (where Tuesday 10:00 is still Monday)."""
    monkeypatch.setenv("TZ", server_zone)
    clock.tzset()
    try:
        start = ams(2026, 11, 23, 12, 0).astimezone(UTC)
        end = ams(2026, 11, 24, 10, 0).astimezone(UTC)
        assert working_hours_between(start, end) == 6.5
    finally:
        monkeypatch.undo()
        clock.tzset()
