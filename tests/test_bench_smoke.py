"""The benchmark runs at a tiny size and prints its table (a smoke test, not a timed one)."""

from __future__ import annotations

import re
import subprocess
import sys

import bench
from bench.__main__ import COLUMNS
from bench.issue10 import MODES
from lib.config import ROOT


def run_bench(module: str, *args: str) -> subprocess.CompletedProcess:
    """`python -m <module> <args>` from the checkout at a tiny size; it must succeed."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_bench_generates_realistic_tables():
    """Test that generated reports come with events, orders, quotes and invoices."""
    tables = bench.generate(300, seed=3)
    counts = {name: len(rows) for name, rows in tables.items()}
    assert counts["tickets"] == 300
    assert counts["events"] > 3 * 300 and 150 < counts["orders"] < 300
    assert 0 < counts["quotes"] < counts["orders"] and counts["invoices"] > 100
    assert {t["status"] for t in tables["tickets"]} >= {"afgesloten", "verwijderd"}


def test_bench_prints_a_table_at_a_tiny_size():
    """Test that `python -m bench --sizes 200 --runs 1` prints every column and measure."""
    done = run_bench("bench", "--sizes", "200", "--runs", "1")
    lines = done.stdout.splitlines()
    header = next(line for line in lines if line.split()[:2] == ["reports", "measure"])
    assert header.split() == list(COLUMNS)
    rows = [line for line in lines if line.strip().startswith("200 ")]
    measures = " ".join(rows)
    for name in ("page, cold (AppTest)", "page, warm (AppTest)", "order_times", "year_to_date"):
        assert name in measures
    naive = next(r for r in rows if "order_times" in r).split()[-2]
    assert naive != "-"


def test_the_postvak_benchmark_prints_both_baselines_at_a_tiny_size():
    """Test that `python -m bench.postvak --sizes 40,80 --runs 1` prints each measure per size."""
    done = run_bench("bench.postvak", "--sizes", "40,80", "--runs", "1")
    lines = [line.split() for line in done.stdout.splitlines()]
    assert lines[0] == ["messages", "measure", "median_ms", "linear_ms", "all_rows_ms"]
    rows = [line for line in lines[1:] if line and line[0].isdigit()]
    assert [(r[0], " ".join(r[1:-3])) for r in rows] == [
        (n, m) for n in ("40", "80") for m in ("open, cold", "open, warm", "mark one sent")
    ]
    assert all(r[-3].isdigit() and r[-1].isdigit() for r in rows)
    assert [r[-2] for r in rows[:3]] == ["-"] * 3 and all(r[-2].isdigit() for r in rows[3:])


def test_sheet_writers_bench_prints_before_and_after():
    """Test that `python -m bench.sheets_writers` prints before and after side by side at 1, 2
    and 4 writers for both actions, that the driver now sends one write request per action
    (issue 9's budget) where main's sent two, and that neither lost a save."""
    done = run_bench("bench.sheets_writers", "--actions", "1", "--latency", "0")
    lines = done.stdout.splitlines()
    assert lines[1].split() == [
        "action", "writers", "requests/action", "writes/action", "median_ms", "max_ms",
        "refused", "lost",
    ]  # fmt: skip
    rows = {tuple(line.split()[:2]): re.findall(r"(\S+) → (\S+)", line) for line in lines[2:]}
    assert set(rows) == {(kind, n) for kind in ("submit", "triage") for n in ("1", "2", "4")}
    assert all(len(pairs) == 6 for pairs in rows.values())
    assert all(pairs[1] == ("2.0", "1.0") for pairs in rows.values())  # writes per action
    assert all(pairs[5] == ("0", "0") for pairs in rows.values())  # lost


def test_the_pages_benchmark_prints_every_view_per_size_and_the_growth():
    """Test that `python -m bench.pages` at tiny sizes prints cold, warm and expired per page."""
    done = run_bench(
        "bench.pages",
        *["--sizes", "20,40", "--baseline", "none", "--pages", "pages/home.py,pages/nemesys.py"],
    )
    lines = [line.split() for line in done.stdout.splitlines()]
    header = next(line for line in lines if line[:2] == ["page", "view"])
    assert header[2:] == ["now", "20", "now", "40", "now", "x"]
    rows = [line for line in lines if line and line[0] in ("home", "nemesys")]
    assert [(r[0], r[1]) for r in rows] == [
        (p, v) for p in ("home", "nemesys") for v in ("cold", "warm", "expired", "peak_MiB")
    ]
    assert all(float(r[2]) >= 0 and float(r[3]) >= 0 for r in rows)  # figures, not dashes
    assert all(float(r[2]) > 0 for r in rows if r[1] == "cold")  # a cold view does work


def test_the_pages_benchmark_archives_all_but_the_live_reports():
    """Test that `python -m bench.pages --live N` archives the rest and says how many."""
    done = run_bench(
        "bench.pages",
        *["--sizes", "60", "--live", "20", "--baseline", "none", "--pages", "pages/home.py"],
    )
    counts = next(line for line in done.stdout.splitlines() if line.startswith("60 reports"))
    archived = int(counts.rsplit("archived ", 1)[1].replace(",", ""))
    assert 30 <= archived <= 40  # all but 20, as far as the rule allows (open work stays)
    rows = [line.split() for line in done.stdout.splitlines() if line.startswith("home")]
    assert [r[1] for r in rows] == ["cold", "warm", "expired", "peak_MiB"]


def test_the_sheet_views_benchmark_prints_one_request_per_work_page_view():
    """Test that `python -m bench.sheet_views` at a tiny size prints every page, and that a
    work page's expired view is one Sheet request with most reports archived."""
    done = run_bench("bench.sheet_views", "--sizes", "60", "--live", "20")
    lines = [line.split() for line in done.stdout.splitlines()]
    rows = [r for r in lines if r and r[0] == "60" and r[1].isdigit()]
    pages = {r[2]: r for r in rows}
    assert set(pages) >= {"home", "beoordelen", "nemesys", "postvak", "overzicht"}
    assert all(int(pages[p][1]) >= 30 for p in pages)  # most of the 60 archived
    assert all(pages[p][3] == "1" for p in pages if p != "overzicht")
    # Overzicht's archived part, read at once and in stretches: requests, KiB, largest KiB
    part = {r[1]: r[-3:] for r in lines if r[:2] in (["60", "one"], ["60", "stretches"])}
    assert part["one"][0] == "2" and int(part["stretches"][0]) >= 2


def test_the_issue_10_benchmark_prints_every_part_in_one_run():
    """Test that `python -m bench.issue10` (make bench) at tiny sizes prints, in one run, every
    page's cold, warm and expired view per size with the growth, the process's memory after
    the views and after the cache periods, and the Sheet session beside floor and naive."""
    done = run_bench(
        "bench.issue10",
        *["--sizes", "40,80", "--live", "20", "--periods", "1"],
        *["--session-size", "60", "--skip", "sheet"],
    )
    lines = [line.split() for line in done.stdout.splitlines()]
    header = next(line for line in lines if line[:2] == ["page", "view"])
    assert header[2:5] == ["40", "80", "x"]
    pages = ("home", "beoordelen", "opvolgen", "nemesys", "communicatie", "postvak")
    pages += ("offertes", "facturen", "mijn_meldingen", "overzicht")
    rows = [line for line in lines if line and line[0] in pages and line[1] in MODES]
    assert [(r[0], r[1]) for r in rows] == [(p, m) for p in pages for m in MODES]
    assert all(float(r[2]) >= 0 and float(r[3]) >= 0 and float(r[4]) >= 0 for r in rows)
    assert all(float(r[2]) > 0 for r in rows if r[1] == "cold")  # a cold view does work
    text = done.stdout
    for label in ("peak RSS after every page's views", "RSS after 1 more cache periods"):
        figures = next(line for line in text.splitlines() if line.startswith(label)).split()
        assert float(figures[-1]) > 50 and float(figures[-2]) > 50  # MiB of a Python process
    assert text.count("Working session on the Sheets stand-in, 60 reports") == 2  # two paces
    summary = [line for line in lines if line and line[0] in ("views", "actions", "session")]
    assert [s[0] for s in summary] == ["views", "actions", "session"] * 2
    for name, count, requests, floor, _, naive, *_ in summary:
        # Views may cost less than the floor: the view after one's own write is served
        # from the write's answer. Every action writes; nothing beats the naive pattern.
        assert int(count) == int(floor) > 0 and 0 < int(requests) < int(naive), name
        if name == "actions":
            assert int(requests) >= int(floor), name
    steps = [line for line in lines if len(line) == 8 and line[2] in ("view", "action")]
    assert sum(s[2] == "action" for s in steps) >= 2 * 25  # about 30 actions, twice
    assert "(part 'sheet' left out by --skip: not measured in this run)" in text
