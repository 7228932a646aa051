"""A row whose report the read does not hold is not live, also when nothing archived is left.

The Sheet moves archived reports to its archive worksheets (issue 10); a purge may
add an event to such a report afterwards, and until the next move that event sits
in the live worksheet while its report does not. lib/repository/live.py: "A row
naming a report the read does not hold belongs to no live report". The Sheet's
live read (lib/repository/sheets.py) is `live_rows(with_moved_reports(read))`;
here over reads whose every archived report was moved out, so nothing archived
is left in them to tell the rule that an archive exists.
"""

from __future__ import annotations

import pytest

from lib.repository import live

ARCHIVED = "2025-12-01T10:00:00+01:00"


def _read(name: str, live_row: dict, orphan: dict) -> dict[str, list[dict]]:
    """What a live read of `name` fetches: its helper tables, one live report "L"."""
    data: dict[str, list[dict]] = {t: [] for t in live.helper_tables([name])}
    data["tickets"] = [{"id": "L", "archived_at": ""}]
    if "orders" in data and name != "orders":
        data["orders"] = [{"id": "oL", "ticket_id": "L"}]
    if "communication_tasks" in data and name != "communication_tasks":
        data["communication_tasks"] = [{"id": "cL", "ticket_id": "L"}]
    data[name] += [live_row, orphan]
    return data


# (table, a row of the live report, a row whose report, order or task was moved out)
CASES = [
    (name, {"id": "live", "ticket_id": "L"}, {"id": "moved", "ticket_id": "Gone"})
    for name in live.BY_TICKET
    if name != "events"
]
CASES += [
    (
        "events",
        {"id": "live", "ticket_id": "L", "entity": "ticket", "entity_id": "L"},
        {"id": "moved", "ticket_id": "Gone", "entity": "ticket", "entity_id": "Gone"},
    ),
    ("invoices", {"id": "live", "order_ids": "oL"}, {"id": "moved", "order_ids": "oGone"}),
    (
        "invoices",
        {"id": "live", "order_ids": "oGone,oL"},  # one live order keeps it live
        {"id": "moved", "order_ids": "oGone,oGone2"},
    ),
    ("communication_ticks", {"id": "live", "task_id": "cL"}, {"id": "moved", "task_id": "cGone"}),
]


@pytest.mark.parametrize(("name", "live_row", "orphan"), CASES)
def test_a_row_of_a_moved_report_is_left_out_of_the_live_read(name, live_row, orphan):
    data = _read(name, live_row, orphan)
    kept = live.live_rows(live.with_moved_reports(data), [name, "tickets"])
    assert kept == {name: [live_row], "tickets": data["tickets"]}  # no stand-in shows


@pytest.mark.parametrize(("name", "live_row", "orphan"), CASES)
def test_a_read_with_nothing_moved_out_gets_no_stand_ins(name, live_row, orphan):
    """Rows tied to no report, order or task name nothing missing: the read stays as it is."""
    data = _read(name, live_row, {**orphan, "ticket_id": ""} if "ticket_id" in orphan else orphan)
    if name == "invoices":
        data["orders"].append({"id": "oL2", "ticket_id": "L"})
        data["invoices"] = [
            {"id": "live", "order_ids": "oL"},
            {"id": "none", "order_ids": ""},
            {"id": "both", "order_ids": "oL,oL2"},  # several orders, every one held
        ]
    if name == "communication_ticks":
        data["communication_ticks"].pop()
    data["tickets"].append({"id": "A", "archived_at": ARCHIVED})
    assert live.with_moved_reports(data) == data


def test_stand_ins_are_archived_reports_orders_and_tasks():
    """Every kind missing at once: the whole read minus the moved rows, nothing added."""
    names = ["events", "invoices", "communication_ticks", "messages"]
    data = {t: [] for t in live.helper_tables(names)}
    data["tickets"] = [{"id": "L", "archived_at": ""}]
    data["orders"] = [{"id": "oL", "ticket_id": "L"}]
    data["communication_tasks"] = [{"id": "cL", "ticket_id": "L"}]
    data["events"] = [
        {"id": "e1", "ticket_id": "L", "entity": "ticket", "entity_id": "L"},
        {"id": "e2", "ticket_id": "Gone", "entity": "ticket", "entity_id": "Gone"},
        {"id": "e3", "ticket_id": "", "entity": "invoice", "entity_id": "i2"},
        {"id": "e4", "ticket_id": "", "entity": "invoice", "entity_id": "i1"},
    ]
    data["invoices"] = [{"id": "i1", "order_ids": "oL"}, {"id": "i2", "order_ids": "oGone"}]
    data["communication_ticks"] = [{"id": "t1", "task_id": "cL"}, {"id": "t2", "task_id": "cX"}]
    data["messages"] = [{"id": "m1", "ticket_id": "Gone2"}, {"id": "m2", "ticket_id": ""}]
    whole = live.with_moved_reports(data)
    kept = live.live_rows(whole, [*names, "tickets", "orders", "communication_tasks"])
    assert {n: [r["id"] for r in rows] for n, rows in kept.items()} == {
        "events": ["e1", "e4"],
        "invoices": ["i1"],
        "communication_ticks": ["t1"],
        "messages": ["m2"],
        "tickets": ["L"],
        "orders": ["oL"],
        "communication_tasks": ["cL"],
    }
    assert data["tickets"] == [{"id": "L", "archived_at": ""}]  # the read itself is untouched
