"""Overzicht's archived and live parts joined (lib/reports_combine.py) where the
generated stores of tests/test_overzicht_archive_frames.py do not go: rows naming a
report that is not there (an order typed into the Sheet by hand, its report deleted
or never named) keep "no report" in either part, and the archived part's reader
refuses to be asked for its tables out of order. Written against the survivors of
lib/reports_combine.py (issue 11)."""

from __future__ import annotations

import pandas as pd
import pytest

from lib import reports
from lib.reports_combine import _ArchivedRows, combine
from lib.repository.base import complete_row
from lib.repository.live import live_rows
from tests.archive_support import archived_rows
from tests.test_overzicht_archive_frames import store


def test_orders_naming_no_report_keep_no_report_when_the_parts_are_joined():
    full = store(300, 80)
    moment = full["tickets"][0]["created_at"]
    for oid, tid in (("o-zonder", ""), ("o-weg", "melding-verwijderd")):
        full["orders"].append(
            complete_row("orders", {"id": oid, "ticket_id": tid, "ordered_at": moment})
        )
    # Without a report an order is live; naming a report that is gone it is archived.
    assert "o-zonder" in {o["id"] for o in live_rows(full, reports.TABLES)["orders"]}
    assert "o-weg" in {o["id"] for o in archived_rows(full, reports.TABLES)["orders"]}
    joined = combine(
        reports.frames(archived_rows(full, reports.TABLES)),
        reports.frames(live_rows(full, reports.TABLES)),
    )
    orders = joined.orders.set_index("id")
    assert orders.loc[["o-zonder", "o-weg"], "tix"].tolist() == [-1, -1]
    assert (orders.drop(index=["o-zonder", "o-weg"]).tix >= 0).all()
    pd.testing.assert_frame_equal(joined.orders, reports.frames(full).orders)


class _OutOfOrder:
    """A store handing out its tables in another order than reports.FRAME_ORDER."""

    def read_each(self, names, columns=None):
        yield "orders", []


def test_the_archived_rows_must_come_in_the_order_the_frames_ask_them():
    read = _ArchivedRows(_OutOfOrder())
    message = "reports.frames_from asked for tickets, not orders"
    with pytest.raises(RuntimeError, match=f"^{message}$"):
        read("tickets")
