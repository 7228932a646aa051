"""`python -m lib.cli compact-log`: the Google Sheet's readable worksheets brought up to
date with the change log, and the log's old rows summarised (SheetsRepository.compact_log).

Run it by cron, e.g. every 15 minutes: the worksheets people open then follow the
app within that time even when nobody saves, and a newly started app process reads
only the log rows after the last summary. Safe beside running app processes.
"""

from __future__ import annotations

import argparse

REFUSED = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--older-than",
        type=float,
        default=60.0,
        metavar="MINUTEN",
        help="vat alleen logrijen samen die ouder zijn dan dit (standaard 60, minimaal 10)",
    )


def run(config, repo, older_than: float) -> int:
    """Print what was done in Dutch; exit code 2 for the embedded store or a too short age."""
    if not hasattr(repo, "compact_log"):
        print("compact-log is alleen voor de Google Sheet; deze opslag heeft geen log.")
        return REFUSED
    if older_than < 10:
        print("Geweigerd: --older-than moet minstens 10 minuten zijn (late antwoorden).")
        return REFUSED
    print("\n".join(repo.compact_log(min_age=older_than * 60)))
    return 0
