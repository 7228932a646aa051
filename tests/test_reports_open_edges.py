"""Edges of the directie's open-report figures (lib/reports_open.py), computed by hand.

Written against the mutants of lib/reports_open.py that survived the mutation run of
issue 11: the status at the period's end (a report or a step exactly at the end falls
after the period, reports interleave, reports imported by hand keep their stored
status), the order of counts and recurring trouble, the next-day check due exactly at
the end, a step exactly at a week's end, and a window of exactly D days.
"""

from __future__ import annotations

import warnings
from datetime import date

import pandas as pd
import pytest

from lib import reports
from lib import reports_open as opened
from lib.reports_settings import Settings
from tests.reports_fixtures import Data, iso

AMS = "Europe/Amsterdam"
DEFAULTS = Settings()  # 3 reports within 30 days


def moment(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=AMS)


def imported_by_hand(d: Data, tid: str, created: str, status: str) -> None:
    """A report entered straight into the store: a stored status and no steps."""
    d.ticket(tid, created)
    d.tables["tickets"][-1]["status"] = status
    d.tables["events"] = [e for e in d.tables["events"] if e["ticket_id"] != tid]


def statuses(v: reports.View) -> list[str]:
    return opened.status_at(v).astype("str").tolist()


# --- the status at the end of the period ------------------------------------------


def test_a_report_submitted_exactly_at_the_end_falls_after_the_period():
    """The period's end is exclusive: a report made at 00:00 the next day falls after it."""
    d = Data()
    d.ticket("t1", "2026-03-02 09:00")
    d.ticket("t2", "2026-03-11 00:00")
    v = d.view(date(2026, 3, 1), date(2026, 3, 10), now="2026-03-20 12:00")
    assert opened.status_at(v).index.tolist() == [0]
    assert opened.open_reports(v).number.tolist() == ["KIV-t1"]


@pytest.mark.parametrize("later_report", [False, True], ids=["last-step", "later-steps-too"])
def test_a_step_exactly_at_the_end_does_not_count_yet(later_report):
    """Closed at 00:00 the day after the period: at the period's end the report was still open."""
    d = Data()
    d.ticket(
        "t1",
        "2026-03-02 09:00",
        ("2026-03-02 10:00", "triage_urgent", "nieuw", "urgent"),
        ("2026-03-02 11:00", "place_order", "urgent", "opdracht_nemesys"),
        ("2026-03-05 10:00", "confirm", "opdracht_nemesys", "bevestigd_nemesys"),
        ("2026-03-06 10:00", "resolve", "bevestigd_nemesys", "opgelost"),
        ("2026-03-11 00:00", "close", "opgelost", "afgesloten"),
    )
    if later_report:
        d.ticket("t2", "2026-03-12 09:00")
    v = d.view(date(2026, 3, 1), date(2026, 3, 10), now="2026-03-20 12:00")
    now_open = opened.open_reports(v)
    assert now_open.number.tolist() == ["KIV-t1"]
    # The status column is the one at the end, not the stored 'afgesloten'.
    assert now_open.status.astype("str").tolist() == ["opgelost"]
    assert now_open.status_label.tolist() == ["Opgelost"]


def test_interleaved_reports_each_keep_their_own_last_step_before_the_end():
    """Three reports whose steps alternate: each one's status is its own latest step."""
    d = Data()
    d.ticket(
        "t1",
        "2026-03-02 09:00",
        ("2026-03-02 10:00", "triage_urgent", "nieuw", "urgent"),
        ("2026-03-02 11:00", "place_order", "urgent", "opdracht_nemesys"),
        ("2026-03-06 09:00", "confirm", "opdracht_nemesys", "bevestigd_nemesys"),
    )
    d.ticket(
        "t2",
        "2026-03-02 09:30",
        ("2026-03-02 12:00", "triage_not_urgent", "nieuw", "wacht_op_controle"),
        ("2026-03-06 10:00", "remove", "wacht_op_controle", "verwijderd"),
    )
    d.ticket(
        "t3",
        "2026-03-02 11:30",
        ("2026-03-09 09:00", "investigate", "nieuw", "in_onderzoek"),
    )
    v = d.view(date(2026, 3, 1), date(2026, 3, 4), now="2026-03-20 12:00")
    assert statuses(v) == ["opdracht_nemesys", "wacht_op_controle", "nieuw"]


def test_reports_imported_by_hand_keep_their_stored_status():
    """The two newest reports have no steps: the rewind to the end leaves their stored status."""
    d = Data()
    d.ticket(
        "t1",
        "2026-03-02 09:00",
        ("2026-03-02 10:00", "triage_urgent", "nieuw", "urgent"),
        ("2026-03-12 10:00", "place_order", "urgent", "opdracht_nemesys"),
    )
    imported_by_hand(d, "t2", "2026-03-03 09:00", "opdracht_nemesys")
    imported_by_hand(d, "t3", "2026-03-04 09:00", "afgesloten")
    v = d.view(date(2026, 3, 1), date(2026, 3, 10), now="2026-03-20 12:00")
    assert statuses(v) == ["urgent", "opdracht_nemesys", "afgesloten"]
    assert opened.open_reports(v).number.tolist() == ["KIV-t1", "KIV-t2"]


def test_a_step_of_a_report_missing_from_the_read_changes_no_other_report():
    """A step whose report is not among the tickets read is ignored, not given to another one.

    The newest report was imported by hand: with no steps of its own to overwrite a
    stray status, it shows any step wrongly given to it.
    """
    d = Data()
    d.ticket("t1", "2026-03-02 09:00")
    imported_by_hand(d, "t2", "2026-03-03 09:00", "opdracht_nemesys")
    d.ticket("t9", "2026-03-04 09:00", ("2026-03-05 09:00", "remove", "nieuw", "verwijderd"))
    d.tables["tickets"] = [r for r in d.tables["tickets"] if r["id"] != "t9"]
    d.ticket("t4", "2026-03-12 09:00")  # after the end, so the status is rewound
    v = d.view(date(2026, 3, 1), date(2026, 3, 10), now="2026-03-20 12:00")
    assert statuses(v) == ["nieuw", "opdracht_nemesys"]


def test_a_location_filter_keeps_each_status_with_its_own_report():
    """With one location chosen the statuses stay indexed by the report's row (tix)."""
    d = Data()
    d.ticket(
        "t1",
        "2026-03-02 09:00",
        ("2026-03-02 10:00", "remove", "nieuw", "verwijderd"),
        location="loc-a",
    )
    d.ticket("t2", "2026-03-03 09:00", location="loc-b")
    v = d.view(date(2026, 3, 1), date(2026, 3, 10), now="2026-03-20 12:00", locations=("loc-b",))
    assert opened.status_at(v).index.tolist() == [1]
    assert statuses(v) == ["nieuw"]
    assert opened.open_reports(v).number.tolist() == ["KIV-t2"]


# --- open reports: counts and the oldest -------------------------------------------


def test_oldest_open_names_number_moment_and_age():
    """The page reads the oldest report's number, submission moment and age in days."""
    d = Data()
    d.ticket("t1", "2026-03-02 12:00")
    d.ticket("t2", "2026-03-03 09:00")
    v = d.view(date(2026, 3, 1), date(2026, 3, 4), now="2026-03-20 12:00")
    assert opened.oldest_open(opened.open_reports(v)) == {
        "number": "KIV-t1",
        "created_at": moment("2026-03-02 12:00"),
        "age_days": 2.5,
    }


def counted_categories() -> Data:
    d = Data()
    d.ticket("t1", "2026-03-02 09:00", category="telefonie", urgency="urgent")
    d.ticket("t2", "2026-03-02 10:00", category="printen")
    d.ticket("t3", "2026-03-02 11:00", category="mail", urgency="urgent")
    d.ticket("t4", "2026-03-02 12:00", category="printen")
    return d


def test_open_counts_are_largest_first_and_ties_alphabetical():
    """Printen has two open reports; E-mail and Telefonie one each, in A-Z order."""
    v = counted_categories().view(date(2026, 3, 1), date(2026, 3, 4), now="2026-03-20 12:00")
    assert opened.open_counts(v, "category").to_dict("records") == [
        {"label": "Printen", "aantal": 2},
        {"label": "E-mail", "aantal": 1},
        {"label": "Telefonie", "aantal": 1},
    ]


def test_open_counts_count_the_rows_they_are_given():
    """Given only the urgent open reports, only those are counted."""
    v = counted_categories().view(date(2026, 3, 1), date(2026, 3, 4), now="2026-03-20 12:00")
    now_open = opened.open_reports(v)
    urgent = now_open[now_open.urgency == "urgent"]
    assert opened.open_counts(v, "category", urgent).to_dict("records") == [
        {"label": "E-mail", "aantal": 1},
        {"label": "Telefonie", "aantal": 1},
    ]


# --- overdue next-day checks ---------------------------------------------------------


def waiting_reports() -> Data:
    d = Data()
    for tid, created, due in (
        ("t1", "2026-03-02 08:00", "2026-03-03 08:00"),
        ("t2", "2026-03-02 09:00", "2026-03-03 09:00"),
    ):
        d.ticket(tid, created, (created, "triage_not_urgent", "nieuw", "wacht_op_controle"))
        d.tables["tickets"][-1]["check_due_at"] = iso(due)
    return d


def test_a_check_due_exactly_at_the_end_is_not_yet_overdue():
    """At 09:00 the check due at 09:00 is not past due; the one due at 08:00 is, by an hour."""
    v = waiting_reports().view(date(2026, 3, 1), date(2026, 3, 10), now="2026-03-03 09:00")
    late = opened.overdue_checks(v)
    assert late.number.tolist() == ["KIV-t1"]
    assert late.hours_late.tolist() == [1.0]


def test_overdue_checks_look_only_at_the_statuses_given():
    """Given the status of the second report only, only that report is checked."""
    v = waiting_reports().view(date(2026, 3, 1), date(2026, 3, 10), now="2026-03-03 12:00")
    only_t2 = opened.status_at(v).loc[[1]]
    late = opened.overdue_checks(v, only_t2)
    assert late.number.tolist() == ["KIV-t2"]
    assert late.hours_late.tolist() == [3.0]


# --- open over time ------------------------------------------------------------------


def test_a_report_closed_exactly_at_a_weeks_end_is_open_at_that_end():
    """Closed Monday 00:00: at the end of the week before (that same moment) it still counts.

    The count at a moment is the running sum of the steps before it (docstring).
    """
    d = Data()
    d.ticket(
        "t1",
        "2026-03-02 09:00",
        ("2026-03-03 09:00", "investigate", "nieuw", "in_onderzoek"),
        ("2026-03-06 16:00", "resolve_self", "in_onderzoek", "opgelost"),
        ("2026-03-09 00:00", "close", "opgelost", "afgesloten"),
    )
    v = d.view(date(2026, 3, 2), date(2026, 3, 15))
    # A deprecated spelling works today and breaks the week chart on the next pandas.
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        weekly = opened.open_over_time(v)
    assert weekly.week.tolist() == [moment("2026-03-02"), moment("2026-03-09")]
    assert weekly.open.tolist() == [1, 0]
    assert weekly.new.tolist() == [1, 0]


# --- recurring trouble ---------------------------------------------------------------


def recurring(d: Data, settings: Settings = DEFAULTS) -> pd.DataFrame:
    v = d.view(date(2026, 1, 1), date(2026, 6, 30), now="2026-07-01 12:00", settings=settings)
    return opened.recurring_trouble(v)


def test_a_window_of_thirty_days_excludes_a_report_exactly_thirty_days_on():
    """A window of D days runs from a report up to, not including, D days later (no DST here)."""
    d = Data()
    for i, when in enumerate(("2026-05-01 10:00", "2026-05-15 10:00", "2026-05-31 10:00")):
        d.ticket(f"a{i}", when, location="loc-a")
    for i, when in enumerate(("2026-05-01 10:00", "2026-05-15 10:00", "2026-05-31 09:59")):
        d.ticket(f"b{i}", when, location="loc-b")
    hits = recurring(d)
    assert hits.to_dict("records") == [
        {
            "location": "Locatie B",
            "category_label": "Printen",
            "max_in_window": 3,
            "reports": 3,
            "window_start": moment("2026-05-01 10:00"),
            "last": moment("2026-05-31 09:59"),
        }
    ]


def test_reports_of_different_locations_never_share_a_window():
    """With N = 2, one report at A and one at B are two single reports, not a pair."""
    d = Data()
    # B's report is the earliest and A's the latest: the two groups' closest approach
    # on the one time axis that all groups share.
    d.ticket("b1", "2026-05-01 10:00", location="loc-b")
    d.ticket("a1", "2026-05-20 10:00", location="loc-a")
    hits = recurring(d, Settings(recurring_min_reports=2))
    assert hits.empty


def test_recurring_trouble_is_worst_first_then_most_reports_then_location():
    """Most reports in one window first; then most reports in the period; then location A-Z."""
    d = Data()
    groups = {
        ("loc-a", "printen"): ("02-02", "02-05", "02-09", "02-12"),
        ("loc-b", "printen"): ("02-02", "02-10", "02-20", "04-25"),
        ("loc-b", "mail"): ("02-03", "02-04", "02-05"),
        ("loc-a", "mail"): ("03-02", "03-03", "03-04"),
    }
    for (location, category), days in groups.items():
        for day in days:
            tid = f"{location}-{category}-{day}"
            d.ticket(tid, f"2026-{day} 10:00", location=location, category=category)
    hits = recurring(d)
    assert hits[["location", "category_label", "max_in_window", "reports"]].to_dict("records") == [
        {"location": "Locatie A", "category_label": "Printen", "max_in_window": 4, "reports": 4},
        {"location": "Locatie B", "category_label": "Printen", "max_in_window": 3, "reports": 4},
        {"location": "Locatie A", "category_label": "E-mail", "max_in_window": 3, "reports": 3},
        {"location": "Locatie B", "category_label": "E-mail", "max_in_window": 3, "reports": 3},
    ]
