"""python -m bench.issue10 (`make bench`): issue 10's benchmark, every figure in one run.

1. Page views. For each of --sizes a realistic full store (bench.full_store:
   reports with events, orders, quotes, invoices, mails and communication tasks)
   in SQLite, over one year per --per-year reports (a larger store is a longer
   history with the same amount of open work), archived by the app's rule as after
   the weekly archive job (all but --live reports, as far as the rule allows: open
   work stays; bench/archived_store.py), then every page's AppTest view in a
   fresh process (bench/page_views.py): CPU seconds cold, warm and expired, the
   growth per page from one size to the next, and the process's memory (RSS):
   its peak after all views, then after --periods more cache periods in which
   every page is viewed once (a day of use: the caches must stay bounded).
2. The Sheet: a scripted working session of about 30 actions on the Sheets
   stand-in (bench/sheet_session.py), requests and bytes per view and per
   action beside the floor and the naive gspread pattern; then each page's view
   on the Sheet at --sheet-sizes (bench/sheet_views.py): requests and bytes.

Every figure printed is measured in this run; a part left out (--skip) says so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.archived_store import archive_all_but
from bench.full_store import build
from bench.page_views import PAGES

ROOT = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "page_views.py"
MODES = ("cold", "warm", "expired")
PROCESS = ("rss_peak_MiB", "rss_after_periods_MiB", "rss_peak_after_periods_MiB")
# Issue 10's aims for an expired view at 10,000 reports, CPU seconds.
AIM = {"pages/overzicht.py": 1.0}
WORK_PAGE_AIM = 0.3


RUNS = 3  # views per page and mode; the median is printed (one run is at the mercy of GC)


def views(db: Path, periods: int) -> dict[tuple[str, str], float]:
    done = subprocess.run(
        [sys.executable, str(WORKER), "--root", str(ROOT), "--db", str(db), "--no-trace"]
        + ["--periods", str(periods), "--runs", str(RUNS)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if done.returncode:
        raise RuntimeError(f"page views failed:\n{done.stderr[-3000:]}")
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {(r["page"], r["mode"]): r["cpu"] for r in rows}


def _k(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def page_table(sizes: list[int], results: dict[int, dict], periods: int) -> None:
    grow = [f"x {_k(b)}/{_k(a)}" for a, b in zip(sizes, sizes[1:], strict=False)]
    head = f"{'page':<16}{'view':<9}" + "".join(f"{n:>10,}" for n in sizes)
    print(head + "".join(f"{g:>11}" for g in grow) + "   aim (expired, 10,000)")
    for _role, path in PAGES:
        for mode in MODES:
            cells = [results[n].get((path, mode)) for n in sizes]
            line = f"{Path(path).stem:<16}{mode:<9}" + "".join(f"{c:>10.2f}" for c in cells)
            line += "".join(
                f"{b / a:>11.1f}" if a else f"{'-':>11}"
                for a, b in zip(cells, cells[1:], strict=False)
            )
            if mode == "expired" and 10_000 in results:
                aim = AIM.get(path, WORK_PAGE_AIM)
                at = results[10_000][(path, mode)]
                line += f"   < {aim:.1f} s: {'met' if at < aim else 'NOT met'}"
            print(line)
    print()
    labels = {
        "rss_peak_MiB": "peak RSS after every page's views",
        "rss_after_periods_MiB": f"RSS after {periods} more cache periods",
        "rss_peak_after_periods_MiB": f"peak RSS after {periods} more cache periods",
    }
    print(f"{'app process memory (MiB)':<44}" + "".join(f"{n:>10,}" for n in sizes))
    for mode in PROCESS:
        cells = [results[n].get(("(process)", mode)) for n in sizes]
        print(f"{labels[mode]:<44}" + "".join(f"{c:>10.0f}" for c in cells))


def pages_part(sizes: list[int], live: int, periods: int, per_year: int) -> None:
    results: dict[int, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            db = Path(tmp) / f"store-{n}.db"
            start = time.perf_counter()
            days = 365 * max(1.0, n / per_year) if per_year else 365
            counts = build(n, db, days=days)
            counts["years"] = round(days / 365, 1)
            built = time.perf_counter() - start
            counts["archived"] = archive_all_but(db, live)
            archived = time.perf_counter() - start - built
            print(
                f"{n:,} reports: generated in {built:.0f} s, archived in {archived:.0f} s: "
                + ", ".join(f"{k} {v:,}" for k, v in counts.items()),
                flush=True,
            )
            start = time.perf_counter()
            results[n] = views(db, periods)
            print(f"  page views in {time.perf_counter() - start:.0f} s", flush=True)
            db.unlink()
    print(f"\nCPU seconds per AppTest view (SQLite), {os.cpu_count()} CPUs, median of {RUNS} runs")
    page_table(sizes, results, periods)


def module(name: str, *args: str) -> None:
    """Another bench module in its own process, its table printed as it comes."""
    print(flush=True)
    done = subprocess.run(
        [sys.executable, "-m", name, *args],
        cwd=ROOT,
        stdout=sys.stdout,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if done.returncode:
        raise RuntimeError(f"{name} failed (exit {done.returncode})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.issue10", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,50000", help="report counts")
    parser.add_argument("--live", type=int, default=500, help="reports kept live by the archive")
    parser.add_argument("--periods", type=int, default=20, help="cache periods after the views")
    parser.add_argument(
        "--per-year",
        type=int,
        default=10_000,
        help="reports a year: a larger store is a longer history, the open work the same "
        "(0: every size in one year, so the open work grows with the size)",
    )
    parser.add_argument("--session-size", type=int, default=1000, help="reports in the Sheet")
    parser.add_argument("--sheet-sizes", default="1000,10000", help="page views on the Sheet")
    parser.add_argument(
        "--skip", default="", help="comma-separated parts left out: pages, session, sheet"
    )
    args = parser.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    started = time.perf_counter()
    if "pages" not in skip:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        pages_part(sizes, args.live, args.periods, args.per_year)
    if "session" not in skip:
        for pace in ("minute", "fast"):
            module(
                "bench.sheet_session",
                *("--size", str(args.session_size), "--live", str(args.live), "--pace", pace),
            )
    if "sheet" not in skip:
        module("bench.sheet_views", "--sizes", args.sheet_sizes, "--live", str(args.live))
    for part in sorted(skip):
        print(f"\n(part '{part}' left out by --skip: not measured in this run)")
    print(f"\nwhole run: {time.perf_counter() - started:.0f} s")
    print("\n" + __doc__.split("\n\n", 1)[1].rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
