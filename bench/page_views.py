"""One code tree's page views, timed: the worker behind `python -m bench.pages`.

Run as a script (not as part of the package) so that it can time another
checkout of the app, e.g. the branch point in a `git worktree`:

    python bench/page_views.py --root /path/to/checkout --db store.db --runs 3

It imports the app only from --root and prints one JSON line per page and mode,
with the CPU seconds of the process (all threads) and the wall seconds:

  cold     Streamlit's caches emptied, a new session: includes opening the store
  warm     the same session viewing the page again within cache_seconds
  expired  the same session more than cache_seconds after the last read (the
           clock of the read cache is moved on; nothing is emptied by hand)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

# role, page: each page as the role that does its work
PAGES = (
    ("maz", "pages/home.py"),
    ("maz", "pages/beoordelen.py"),
    ("maz", "pages/opvolgen.py"),
    ("maz", "pages/nemesys.py"),
    ("maz", "pages/communicatie.py"),
    ("maz", "pages/postvak.py"),
    ("directie", "pages/offertes.py"),
    ("financien", "pages/facturen.py"),
    ("maz", "pages/mijn_meldingen.py"),
    ("directie", "pages/overzicht.py"),
)
CACHE_SECONDS = 600.0
_offset = [0.0]


def _shift_clock() -> None:
    """time.time() moved on past cache_seconds: the next view is an expired one."""
    real = time.time
    if not getattr(real, "_bench", False):

        def shifted() -> float:
            return real() + _offset[0]

        shifted._bench = True  # type: ignore[attr-defined]
        time.time = shifted
    _offset[0] += CACHE_SECONDS + 1


def _timed(fn) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def _check(at) -> None:
    if at.exception:
        raise RuntimeError(at.exception[0].message)


def measure(
    root: Path, path: str, role: str, runs: int, trace: bool = True
) -> dict[str, tuple[float, float]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    def session():
        at = AppTest.from_file(str(root / path), default_timeout=900)
        at.session_state["demo_role"] = role
        at.session_state["demo_email"] = f"{role}@kivido.example"
        return at

    results: dict[str, list[tuple[float, float]]] = {"cold": [], "warm": [], "expired": []}
    for _ in range(runs):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = session()
        results["cold"].append(_timed(lambda: _check(at.run())))  # noqa: B023
        results["warm"].append(_timed(lambda: _check(at.run())))  # noqa: B023
        _shift_clock()
        results["expired"].append(_timed(lambda: _check(at.run())))  # noqa: B023
    summary = {
        mode: (statistics.median(c for c, _ in xs), statistics.median(w for _, w in xs))
        for mode, xs in results.items()
    }
    if not trace:
        return summary
    # Issue 10: the peak of memory allocated (tracemalloc) during one more cold view and
    # the expired view after it, as MiB in the first place (not timed: tracing slows it).
    st.cache_data.clear()
    st.cache_resource.clear()
    tracemalloc.start()
    try:
        at = session()
        _check(at.run())
        _shift_clock()
        _check(at.run())
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    summary["peak_MiB"] = (peak, 0.0)
    return summary


def _rss_MiB() -> tuple[float, float]:
    """The process's resident memory now and at its peak so far (Linux), in MiB.

    The peak is the kernel's high-water mark of this process's own memory (VmHWM),
    not getrusage's ru_maxrss: Linux carries the parent's peak over into a process it
    starts (the exec keeps the larger of the two), so a child of the benchmark that
    had just generated 50,000 reports in memory reported the parent's size.
    """
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def periods(root: Path, wanted: set[str], count: int) -> None:
    """Every page viewed once per cache period, `count` periods on, as a day of use: what
    the process holds afterwards shows whether the caches stay bounded."""
    from streamlit.testing.v1 import AppTest

    sessions = []
    for role, path in PAGES:
        if wanted and path not in wanted:
            continue
        at = AppTest.from_file(str(root / path), default_timeout=900)
        at.session_state["demo_role"] = role
        at.session_state["demo_email"] = f"{role}@kivido.example"
        sessions.append(at)
    for _ in range(count):
        _shift_clock()
        for at in sessions:
            _check(at.run())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True, type=Path)
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--pages", default="", help="comma-separated page files (default: all)")
    parser.add_argument("--periods", type=int, default=0, help="then view every page this often")
    parser.add_argument("--no-trace", action="store_true", help="no tracemalloc peak per page")
    args = parser.parse_args()
    root = args.root.resolve()
    sys.path[:] = [str(root)] + [
        p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent
    ]
    os.chdir(root)
    os.environ.update(
        KIVIDO_DB=args.db,
        KIVIDO_STORE="sqlite",
        KIVIDO_DEMO_MODE="true",
        KIVIDO_CACHE_SECONDS=str(CACHE_SECONDS),
        KIVIDO_SECRETS=str(root / "no-secrets.toml"),
    )
    wanted = {p.strip() for p in args.pages.split(",") if p.strip()}
    measure(root, PAGES[0][1], PAGES[0][0], 1)  # warm-up: imports, the working-day calendar
    for role, path in PAGES:
        if wanted and path not in wanted:
            continue
        for mode, (cpu, wall) in measure(root, path, role, args.runs, not args.no_trace).items():
            print(json.dumps({"page": path, "mode": mode, "cpu": cpu, "wall": wall}), flush=True)
    if args.periods:
        now, peak = _rss_MiB()
        print(json.dumps({"page": "(process)", "mode": "rss_peak_MiB", "cpu": peak, "wall": 0}))
        periods(root, wanted, args.periods)
        now, peak = _rss_MiB()
        for mode, value in (("rss_after_periods_MiB", now), ("rss_peak_after_periods_MiB", peak)):
            print(json.dumps({"page": "(process)", "mode": mode, "cpu": value, "wall": 0}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
