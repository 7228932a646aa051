"""python -m bench [--sizes 1000,10000,50000] [--runs 5]: how the Overzicht page scales.

For each size it generates that many reports (bench.generate), writes them to a
temporary SQLite store, and prints one row per measure:

  median_ms  the median of --runs timings (page: AppTest runs of pages/overzicht.py
             with KIVIDO_DB pointing at the store; "cold" empties Streamlit's caches
             before each run so it includes the read, "warm" reuses the cached frames)
  linear_ms  baseline 1: the same measure at the previous size, scaled linearly by the
             number of reports; median_ms at or below it means growth no faster than linear
  naive_ms   baseline 2, for the turnaround: the same order_times() with working hours
             computed row by row by lib.workdays.working_hours_between (the reference
             implementation) instead of the vectorised lib.reports_hours; the results
             are checked to be equal
  peak_MiB   peak memory allocated during one extra run under tracemalloc
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import tracemalloc
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd

import bench
from lib import reports, workdays
from lib import reports_costs as costs
from lib import reports_export as export
from lib import reports_open as opened
from lib import reports_turnaround as turnaround
from lib.reports_settings import Settings
from lib.reports_summary import monthly_summary
from lib.repository.sql import SqlRepository

PAGE = Path(__file__).resolve().parent.parent / "pages" / "overzicht.py"
BY = ("status", "urgency", "location", "category")
COLUMNS = ("reports", "measure", "median_ms", "linear_ms", "naive_ms", "peak_MiB")


def _timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def _peak(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _naive_working_hours(starts, ends, config: workdays.WorkdayConfig) -> np.ndarray:
    return np.array(
        [
            np.nan if pd.isna(a) or pd.isna(b) else workdays.working_hours_between(a, b, config)
            for a, b in zip(pd.Series(starts), pd.Series(ends), strict=True)
        ]
    )


def _naive_order_times(v: reports.View) -> pd.DataFrame:
    with mock.patch.object(turnaround, "working_hours", _naive_working_hours):
        return turnaround.order_times(v)


def _page_run(role: str = "directie") -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PAGE), default_timeout=600)
    at.session_state["demo_role"] = role
    at.run()
    if at.exception:
        raise RuntimeError(at.exception[0].message)


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def measures(repo: SqlRepository, now) -> tuple[list[tuple[str, object]], reports.View]:
    """(name, zero-argument function) per measure, built on one read of the store."""
    tables = repo.read(reports.TABLES)
    frames = reports.frames(tables)
    settings = Settings(yearly_budget_cents=50_000_00)
    today = now.date()
    filters = reports.Filters(start=today - timedelta(days=364), end=today)
    v = reports.view(frames, filters, settings, now)
    times = turnaround.order_times(v)
    one_location = replace(filters, locations=(next(iter(frames.locations)),))

    def cold_page():
        _clear_caches()
        _page_run()

    return [
        ("page, cold (AppTest)", cold_page),
        ("page, warm (AppTest)", _page_run),
        ("read store (6 tables)", lambda: repo.read(reports.TABLES)),
        ("frames() from the rows read", lambda: reports.frames(tables)),
        ("view() one location", lambda: reports.view(frames, one_location, settings, now)),
        ("open_reports", lambda: opened.open_reports(v)),
        ("open_counts x4", lambda: [opened.open_counts(v, b) for b in BY]),
        ("overdue_checks", lambda: opened.overdue_checks(v)),
        ("open_over_time", lambda: opened.open_over_time(v)),
        ("recurring_trouble", lambda: opened.recurring_trouble(v)),
        ("order_times (turnaround)", lambda: turnaround.order_times(v)),
        (
            "by_month x2",
            lambda: [turnaround.by_month(times, m, "wh") for m in ("confirm", "resolve")],
        ),
        ("missed_targets", lambda: turnaround.missed_targets(times, settings.targets)),
        ("within_target", lambda: turnaround.within_target(times, settings.targets)),
        ("costs per_month", lambda: costs.per_month(v)),
        (
            "costs per_dimension x2",
            lambda: [costs.per_dimension(v, b) for b in ("location", "category")],
        ),
        ("quotes_against_invoices", lambda: costs.quotes_against_invoices(v)),
        ("rejected_invoices", lambda: costs.rejected_invoices(v)),
        ("year_to_date", lambda: costs.year_to_date(v)),
        ("export .xlsx (all tables)", lambda: export.xlsx(export.collect(v))),
        ("monthly summary (HTML)", lambda: monthly_summary(frames, filters, settings, today, now)),
    ], v


def run_size(n: int, runs: int, now, previous: dict) -> list[dict]:
    tables = bench.generate(n, end=now)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        repo = SqlRepository.at_path(db)
        repo.setup()
        bench.write(repo, tables)
        os.environ.update(KIVIDO_DB=str(db), KIVIDO_STORE="sqlite", KIVIDO_DEMO_MODE="true")
        _clear_caches()
        named, v = measures(repo, now)
        for name, fn in named:
            fn()  # warm-up: imports, caches, the working-day calendar
            median, _ = _timed(fn, runs)
            prev = previous.get(name)
            rows.append(
                {
                    "reports": n,
                    "measure": name,
                    "median_ms": median,
                    "linear_ms": prev[1] * n / prev[0] if prev else None,
                    "naive_ms": _naive(v, runs) if name.startswith("order_times") else None,
                    "peak_MiB": _peak(fn),
                }
            )
            previous[name] = (n, median)
        repo.engine.dispose()
    return rows


def _naive(v: reports.View, runs: int) -> float:
    median, slow = _timed(lambda: _naive_order_times(v), max(1, runs // 2))
    fast = turnaround.order_times(v)
    for column in ("confirm_wh", "resolve_wh", "confirm_waiting_wh"):
        # The vectorised hours count whole seconds; the reference counts to the microsecond
        # (an unfinished order waits until now, which is mid-second in working hours).
        if not np.allclose(fast[column], slow[column], equal_nan=True, rtol=0, atol=1 / 3600):
            raise AssertionError(f"vectorised and naive working hours differ in {column}")
    return median


def _cell(value) -> str:
    if value is None:
        return "-"
    return f"{value:,.1f}" if isinstance(value, float) else str(value)


def print_table(rows: list[dict]) -> None:
    widths = {"reports": 7, "measure": 28, "median_ms": 10, "linear_ms": 10, "naive_ms": 10}
    widths["peak_MiB"] = 9
    print("  ".join(c.rjust(w) if c != "measure" else c.ljust(w) for c, w in widths.items()))
    for row in rows:
        cells = []
        for column, width in widths.items():
            text = _cell(row[column])
            cells.append(text.ljust(width) if column == "measure" else text.rjust(width))
        print("  ".join(cells), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="comma-separated report counts")
    parser.add_argument("--runs", type=int, default=5, help="timings per measure (median taken)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    now = workdays.now()
    previous: dict = {}
    print(f"Overzicht benchmark, {args.runs} runs per measure, {os.cpu_count()} CPUs")
    for n in sizes:
        rows = run_size(n, args.runs, now, previous)
        print_table(rows)
        print()
    print(__doc__.split("\n\n", 1)[1].rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
