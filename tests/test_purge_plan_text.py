"""The purge's dry run as the MAZ reads it, and its command line (lib/privacy.py).

Written against mutation survivors of lib/privacy.py (`make mutate MODULES=privacy`).
"""

from __future__ import annotations

import argparse
from datetime import datetime

from lib import privacy, workdays


def test_the_dry_run_names_the_period_every_report_with_its_dutch_date_and_the_totals():
    items = [
        privacy.PurgeItem("t1", "KIV-2024-0001", "2024-04-02T23:30:00+00:00", [object()] * 3),
        privacy.PurgeItem("t2", "KIV-2024-0002", "2024-05-06T10:00:00+02:00", [object()]),
    ]
    cutoff = datetime(2024, 12, 4, 3, 0, tzinfo=workdays.AMSTERDAM)
    plan = privacy.PurgePlan(cutoff, 24, items, [object()] * 5)
    assert plan.lines() == [
        "Bewaartermijn 24 maanden: meldingen afgesloten of verwijderd voor 04-12-2024.",
        # 23:30 UTC on 2 April is 3 April in Amsterdam.
        "KIV-2024-0001: afgesloten op 03-04-2024, 3 rij(en)",
        "KIV-2024-0002: afgesloten op 06-05-2024, 1 rij(en)",
        "2 melding(en); 5 regel(s) uit het inzagelog.",
    ]


def test_the_command_line_takes_a_dry_run_and_who_purges():
    parser = argparse.ArgumentParser()
    privacy.add_arguments(parser)
    assert vars(parser.parse_args([])) == {"dry_run": False, "door": ""}
    assert vars(parser.parse_args(["--dry-run", "--door", "Nathalie"])) == {
        "dry_run": True,
        "door": "Nathalie",
    }
