"""Working hours between many pairs of moments at once.

Gives the same answer as lib.workdays.working_hours_between (the reference,
tested side by side) but for whole columns: a moment's working hours "since
the start of the calendar" are the full working days before its day plus the
part of its own working day that has passed, so a span is one subtraction.
The calendar of working days (weekends, Dutch holidays) is built once per
range of days, not once per pair.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from lib.workdays import WorkdayConfig, is_working_day

_TZ = "Europe/Amsterdam"


def _seconds(t) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@lru_cache(maxsize=32)
def _calendar(first: date, last: date, config: WorkdayConfig) -> tuple[np.ndarray, np.ndarray]:
    """Per day from `first` to `last`: is it a working day, and working seconds before it."""
    days = (last - first).days + 1
    working = np.fromiter(
        (is_working_day(first + timedelta(days=i), config) for i in range(days)),
        dtype=bool,
        count=days,
    )
    length = _seconds(config.day_end) - _seconds(config.day_start)
    before = np.concatenate(([0], np.cumsum(working * length)[:-1]))
    return working, before


def _wall_clock(moments: pd.Series) -> pd.Series:
    # Amsterdam's clock changes at night, outside any working day, so the
    # wall-clock time of day measures working time exactly.
    return moments.dt.tz_convert(_TZ).dt.tz_localize(None)


def working_hours(
    starts: pd.Series, ends: pd.Series, config: WorkdayConfig | None = None
) -> np.ndarray:
    """Working hours from each start to its end; NaN where either is missing, 0 if end <= start."""
    config = config or WorkdayConfig()
    starts, ends = pd.Series(starts), pd.Series(ends)
    result = np.full(len(starts), np.nan)
    ok = (starts.notna() & ends.notna()).to_numpy()
    if not ok.any():
        return result
    a, b = _wall_clock(starts[ok]), _wall_clock(ends[ok])
    first = min(a.min(), b.min()).date()
    last = max(a.max(), b.max()).date()
    working, before = _calendar(first, last, config)
    day_start = _seconds(config.day_start)
    length = _seconds(config.day_end) - day_start
    origin = np.datetime64(first, "D")

    def since_origin(clock: pd.Series) -> np.ndarray:
        values = clock.to_numpy(dtype="datetime64[s]")
        day = values.astype("datetime64[D]")
        index = (day - origin).astype("int64")
        seconds = (values - day).astype("int64")
        part = np.clip(seconds - day_start, 0, length) * working[index]
        return before[index] + part

    spans = (since_origin(b) - since_origin(a)) / 3600.0
    result[ok] = np.maximum(spans, 0.0)
    return result


def calendar_hours(starts: pd.Series, ends: pd.Series) -> np.ndarray:
    """Plain elapsed hours; NaN where either is missing, 0 if end <= start."""
    span = pd.Series(ends).reset_index(drop=True) - pd.Series(starts).reset_index(drop=True)
    hours = span.dt.total_seconds().to_numpy(dtype=float) / 3600.0
    return np.where(np.isnan(hours), np.nan, np.maximum(hours, 0.0))
