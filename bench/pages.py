"""python -m bench.pages [--sizes 1000,10000] [--runs 1] [--baseline REF]: every page's view.

For each size it writes a realistic full store (bench.full_store: reports with
events, orders, quotes, invoices, mails and communication tasks) to a temporary
SQLite file, then times each page's AppTest view (cold, warm, expired; see
bench/page_views.py) in a fresh process for two code trees, side by side:

  base  the code at REF (default: where this branch left main, `git merge-base
        HEAD main`), unpacked with `git archive` into a temporary folder
  now   this checkout

With --live N, all but N reports are archived after writing (issue 10:
bench/archived_store.py), so a size shows what history costs beside open work.

Figures are CPU seconds of the viewing process (median of --runs); "x" is the
growth from the smallest to the largest size (10x the reports at 1,000 -> 10,000).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from bench.archived_store import archive_all_but
from bench.full_store import build

ROOT = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "page_views.py"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def base_commit(ref: str) -> str:
    if ref == "merge-base":
        return _git("merge-base", "HEAD", "main")
    return _git("rev-parse", ref)


def unpack(commit: str, into: Path) -> Path:
    """The tree of `commit` as plain files (no worktree: the shared .git stays untouched)."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def views(root: Path, db: Path, runs: int, pages: str) -> dict[tuple[str, str], float]:
    done = subprocess.run(
        [sys.executable, str(WORKER), "--root", str(root), "--db", str(db)]
        + ["--runs", str(runs), "--pages", pages],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if done.returncode:
        raise RuntimeError(f"page views at {root} failed:\n{done.stderr[-3000:]}")
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {(r["page"], r["mode"]): r["cpu"] for r in rows}


def print_table(sizes: list[int], results: dict[tuple[str, int], dict]) -> None:
    trees = [t for t in ("base", "now") if (t, sizes[0]) in results]
    keys = list(results[(trees[-1], sizes[0])])
    head = ["page", "view"] + [f"{t} {n:,}" for n in sizes for t in trees]
    if len(sizes) > 1:
        head += [f"{t} x" for t in trees]
    widths = [22, 8] + [12] * (len(head) - 2)
    print(
        "  ".join(
            h.ljust(w) if i < 2 else h.rjust(w)
            for i, (h, w) in enumerate(zip(head, widths, strict=True))
        )
    )
    for page, mode in keys:
        cells = [Path(page).stem, mode]
        for n in sizes:
            cells += [f"{results[(t, n)].get((page, mode), float('nan')):.2f}" for t in trees]
        if len(sizes) > 1:
            for t in trees:
                small, large = (
                    results[(t, sizes[0])][(page, mode)],
                    results[(t, sizes[-1])][(page, mode)],
                )
                cells.append(f"{large / small:.1f}" if small else "-")
        print(
            "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ),
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.pages", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated report counts")
    parser.add_argument("--runs", type=int, default=1, help="views per page and mode (median)")
    parser.add_argument("--baseline", default="merge-base", help="git ref, or 'none'")
    parser.add_argument("--pages", default="", help="comma-separated page files (default: all)")
    parser.add_argument(
        "--live",
        type=int,
        default=0,
        help="archive the oldest reports (lib/archive.py's rule) until this many remain live",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results: dict[tuple[str, int], dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"now": ROOT}
        if args.baseline != "none":
            commit = base_commit(args.baseline)
            trees = {"base": unpack(commit, Path(tmp) / "base"), **trees}
            print(f"base = {commit[:10]} ({args.baseline}), now = this checkout", flush=True)
        for n in sizes:
            db = Path(tmp) / f"store-{n}.db"
            counts = build(n, db)
            if args.live:
                counts["archived"] = archive_all_but(db, args.live)
            print(
                f"{n:,} reports: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True
            )
            for name, root in trees.items():
                results[(name, n)] = views(root, db, args.runs, args.pages)
    print(f"\nCPU seconds per AppTest view, {os.cpu_count()} CPUs, median of {args.runs}")
    print("('peak_MiB': memory allocated at the peak of a cold and an expired view)")
    print_table(sizes, results)
    print()
    print(__doc__.split("\n\n", 1)[1].rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
