"""Working days and working hours of the Netherlands, in Europe/Amsterdam.

The procedure's "24 hours wait, the next day the MAZ checks" (2.2 step 3) is the
next working day: weekends and Dutch public holidays (the `holidays` package)
are skipped. Times of day are configurable through `WorkdayConfig`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class WorkdayConfig:
    check_time: time = time(9, 0)  # when the next-day follow-up falls due
    day_start: time = time(8, 30)
    day_end: time = time(17, 0)
    extra_days_off: frozenset[date] = field(default_factory=frozenset)


@lru_cache(maxsize=64)
def _dutch_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Netherlands(years=year).keys())


def is_working_day(day: date, config: WorkdayConfig = WorkdayConfig()) -> bool:
    return (
        day.weekday() < 5
        and day not in _dutch_holidays(day.year)
        and day not in config.extra_days_off
    )


def next_working_day(day: date, config: WorkdayConfig = WorkdayConfig()) -> date:
    day += timedelta(days=1)
    while not is_working_day(day, config):
        day += timedelta(days=1)
    return day


def next_check_moment(reported_at: datetime, config: WorkdayConfig = WorkdayConfig()) -> datetime:
    """The follow-up moment for a not-urgent report: the next working day."""
    local = reported_at.astimezone(AMSTERDAM)
    day = next_working_day(local.date(), config)
    return datetime.combine(day, config.check_time, tzinfo=AMSTERDAM)


def working_hours_between(
    start: datetime, end: datetime, config: WorkdayConfig = WorkdayConfig()
) -> float:
    """Hours between two moments that fall inside working hours on working days."""
    if end <= start:
        return 0.0
    start, end = start.astimezone(AMSTERDAM), end.astimezone(AMSTERDAM)
    total = 0.0
    day = start.date()
    while day <= end.date():
        if is_working_day(day, config):
            open_ = datetime.combine(day, config.day_start, tzinfo=AMSTERDAM)
            close = datetime.combine(day, config.day_end, tzinfo=AMSTERDAM)
            lo, hi = max(open_, start), min(close, end)
            if hi > lo:
                total += (hi - lo).total_seconds() / 3600
        day += timedelta(days=1)
    return total


def now() -> datetime:
    """The current moment in Amsterdam; the one clock the app reads."""
    return datetime.now(AMSTERDAM)
