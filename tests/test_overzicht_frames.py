"""What the Overzicht's figures are built from (lib/reports.py): the period's edges,
the labels of what is unknown, and which steps count.

Written against mutation survivors of lib/reports.py (`make mutate MODULES=reports`).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from lib import reports
from lib.repository.base import complete_row
from tests.reports_fixtures import Data, at, iso


def test_the_period_holds_its_first_moment_and_not_the_day_after_its_last():
    """Filters name whole days: 1 March 00:00 is in, 1 April 00:00 (after 31 March) is not."""
    v = Data().view(date(2026, 3, 1), date(2026, 3, 31))
    moments = pd.Series(
        pd.to_datetime(
            [iso("2026-03-01 00:00"), iso("2026-03-31 23:59"), iso("2026-04-01 00:00")],
            utc=True,
        )
    ).dt.tz_convert(reports.TZ)
    assert v.in_period(moments).tolist() == [True, True, False]
    assert v.start == pd.Timestamp(at("2026-03-01 00:00"))
    assert v.end == pd.Timestamp(at("2026-04-01 00:00"))


def test_a_report_at_an_unknown_location_or_not_yet_assessed_is_labelled_so():
    d = Data()
    d.ticket("t1", "2026-03-02 09:00", location="")
    d.ticket("t2", "2026-03-02 10:00", location="loc-b", urgency="urgent")
    t = reports.frames(d.tables).tickets.set_index("id")
    assert t.location.astype(str).to_dict() == {"t1": "(onbekend)", "t2": "Locatie B"}
    assert t.urgency_label.astype(str).to_dict() == {"t1": "Nog niet beoordeeld", "t2": "Urgent"}
    assert t.category_label.astype(str).tolist() == ["Printen", "Printen"]


def test_only_the_steps_of_reports_count_not_those_of_quotes_or_linked_reports():
    d = Data()
    d.ticket("t1", "2026-03-02 09:00", ("2026-03-02 10:00", "investigate", "nieuw", "in_onderzoek"))
    d.ticket("t2", "2026-03-02 09:30", ("2026-03-02 11:00", "link_duplicate", "nieuw", "gekoppeld"))
    quote_step = {"id": "q-1", "ticket_id": "t1", "entity": "quote", "entity_id": "q1"}
    quote_step |= {"at": iso("2026-03-02 12:00"), "action": "register", "to_status": "ontvangen"}
    d.tables["events"].append(complete_row("events", quote_step))
    f = reports.frames(d.tables)
    assert f.tickets.id.tolist() == ["t1"]
    assert [str(a) for a in f.events.action] == ["submit", "investigate"]
    assert f.events.tix.tolist() == [0, 0]


def test_steps_read_in_pieces_come_by_time_and_at_the_same_moment_by_id():
    """The archived part's steps arrive in batches in the store's order (issue 10);
    the frame holds them by time, steps of the same moment by id (ids sort by age)."""
    d = Data()
    d.ticket("t1", "2026-03-02 09:00")
    index = pd.Index(reports.frames(d.tables).tickets.id)

    def step(eid, moment, action):
        row = {"id": eid, "ticket_id": "t1", "entity": "ticket", "entity_id": "t1"}
        return complete_row("events", row | {"at": iso(moment), "action": action})

    first = [step("e3", "2026-03-02 10:00", "c"), step("e9", "2026-03-02 09:00", "a")]
    second = [step("e1", "2026-03-02 11:00", "d"), step("e2", "2026-03-02 10:00", "b")]
    pieces = [reports.event_piece(rows, index, set()) for rows in (first, second)]
    assert [str(a) for a in reports.events_frame(pieces).action] == ["a", "b", "c", "d"]


def test_an_invoice_line_for_an_unknown_order_is_unknown_and_left_out_by_a_filter():
    d = Data()
    d.ticket("t1", "2026-03-02 09:00", location="loc-a")
    d.order("o1", "t1", "2026-03-02 10:00")
    d.invoice("F-1", ["o1", "o-gone"], 12100, "goedgekeurd")
    lines = reports.frames(d.tables).invoice_lines
    assert lines.order_id.tolist() == ["o1", "o-gone"]
    assert lines.tix.tolist() == [0, -1]
    assert lines.location.astype(str).tolist() == ["Locatie A", "(onbekend)"]
    assert lines.category_label.astype(str).tolist() == ["Printen", "(onbekend)"]
    assert lines.amount_incl_cents.tolist() == [6050, 6050]
    v = d.view(date(2026, 3, 1), date(2026, 3, 31), locations=("loc-a",))
    assert v.frames.invoice_lines.order_id.tolist() == ["o1"]


def test_filters_on_two_dimensions_keep_only_what_matches_both():
    d = Data()
    d.ticket("t1", "2026-03-02 09:00", location="loc-a", category="printen")
    d.ticket("t2", "2026-03-02 10:00", location="loc-a", category="internet")
    d.ticket("t3", "2026-03-02 11:00", location="loc-b", category="printen")
    v = d.view(date(2026, 3, 1), date(2026, 3, 31), locations=("loc-a",), categories=("printen",))
    assert v.frames.tickets.id.tolist() == ["t1"]
    assert v.frames.events.tix.tolist() == [0]
