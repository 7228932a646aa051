"""Overzicht's steps of the reports (lib/reports.py, the events frame): by time, and
within one second in the order they were made.

The store keeps moments in whole seconds, so steps of a report made within one second
(a report taken into work and marked urgent right away) carry the same moment. The
status a report had at a moment is its last step before that moment, so the steps of
one second must keep the order they were made in, also among many such steps.

Written against mutation survivors of lib/reports.py (`make mutate`, reports).
"""

from __future__ import annotations

from datetime import date

from lib import reports
from lib import reports_open as opened
from tests.reports_fixtures import Data

REPORTS = 60  # enough steps that a sort which is not stable mixes up those of one second
STEPS = (
    ("in_behandeling", "nieuw", "in_onderzoek"),
    ("urgent", "in_onderzoek", "urgent"),
    ("opdracht", "urgent", "opdracht_nemesys"),
)


def busy_morning() -> Data:
    """REPORTS reports, four at each minute from 09:00, each taken into work, marked
    urgent and ordered at Nemesys in the minute it came in (three steps, one moment)."""
    d = Data()
    for r in range(REPORTS):
        moment = f"2026-03-02 09:{r // 4:02d}"
        steps = [(moment, action, frm, to) for action, frm, to in STEPS]
        d.ticket(f"t{r:03d}", moment, *steps, location="loc-a")
    return d


def test_the_steps_of_one_second_keep_the_order_they_were_made_in():
    """Test that each report's steps, all in one second, come in the order made,
    and that the steps as a whole are in time order."""
    events = reports.frames(busy_morning().tables).events
    made = ["submit", *(action for action, _, _ in STEPS)]
    for tix, steps in events.groupby("tix", sort=True):
        assert steps.action.astype(str).tolist() == made, tix
    assert events["at"].is_monotonic_increasing


def test_a_report_ordered_in_the_minute_it_came_in_counts_as_ordered_that_day():
    """Test that Overzicht over that day (looked at later, after more work was done)
    gives every report of the busy morning the status of its last step: ordered at
    Nemesys, not urgent or in investigation."""
    d = busy_morning()
    d.ticket("later", "2026-03-05 10:00", ("2026-03-05 11:00", "afsluiten", "nieuw", "afgesloten"))
    v = d.view(date(2026, 3, 2), date(2026, 3, 2))
    statuses = opened.status_at(v).astype(str)
    assert len(statuses) == REPORTS
    assert set(statuses) == {"opdracht_nemesys"}
