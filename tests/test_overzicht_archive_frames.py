"""Overzicht over a period reaching into the archive (issue 10): the archived part's
frames, kept once, joined to the live part's, are the frames of the whole store.

The expectation is `reports.frames` over the full read (what the page built before);
the parts come from the live read's rule (lib/repository/live.py).
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

import bench
from lib import archive, reports, workdays
from lib import reports_costs as costs
from lib import reports_open as opened
from lib import reports_outages as outage_counts
from lib import reports_turnaround as turnaround
from lib.reports_combine import combine
from lib.reports_settings import Settings
from lib.repository.base import complete_row
from lib.repository.live import live_rows
from lib.snapshot import Snapshot
from tests.archive_support import archived_rows

NOW = workdays.now()


def store(n: int, live: int) -> dict[str, list[dict]]:
    """`n` generated reports, all but `live` archived by the app's rule (as if years later);
    one outage with an affected person and a linked report in each part."""
    tables = bench.generate(n, seed=5, end=NOW)
    plan = archive.plan(Snapshot(tables), now=NOW + timedelta(days=3 * 365), months=12)
    chosen = {t["id"] for t in plan.tickets[: n - live]}
    for t in tables["tickets"]:
        if t["id"] in chosen:
            t["archived_at"] = NOW.isoformat()
    tickets = tables["tickets"]
    old = next((t for t in tickets if t["archived_at"]), None)
    new = next(t for t in tickets if not t["archived_at"])
    tables["affected"], tables["links"] = [], []
    for main, k in ((old, "a"), (new, "l")) if old else ((new, "l"),):
        linked = complete_row(
            "tickets", dict(main, id=f"x{k}", number=f"X-{k}", status="gekoppeld")
        )
        tickets.append(linked)
        person = {"id": f"p{k}", "ticket_id": main["id"], "email": f"{k}@kivido.example"}
        person |= {"location_id": main["location_id"], "active": True}
        tables["affected"].append(complete_row("affected", person))
        link = {"id": f"k{k}", "ticket_id": linked["id"], "main_ticket_id": main["id"]}
        link |= {"linked_at": main["created_at"], "active": True}
        tables["links"].append(complete_row("links", link))
    return {name: tables.get(name, []) for name in reports.TABLES}


def normal(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Events of different reports at the same second may come in either order; quotes
    (summed per order, lib/reports_costs.py) carry no id to order them by."""
    if name == "events":
        return frame.sort_values(["at", "tix"], kind="stable", ignore_index=True)
    if name == "quotes":
        return frame.sort_values(["order_id", "tix"], kind="stable", ignore_index=True)
    return frame


@pytest.mark.parametrize(("n", "live"), [(600, 80), (600, 0), (300, 300)])
def test_the_joined_parts_are_the_frames_of_the_whole_store(n, live):
    full = store(n, live)
    joined = combine(
        reports.frames(archived_rows(full, reports.TABLES)),
        reports.frames(live_rows(full, reports.TABLES)),
    )
    whole = reports.frames(full)
    for name in ("tickets", "events", "orders", "quotes", "invoices", "invoice_lines"):
        pd.testing.assert_frame_equal(
            normal(getattr(joined, name), name), normal(getattr(whole, name), name)
        )
    for name in ("affected", "links"):
        pd.testing.assert_frame_equal(
            getattr(joined, name).sort_values(["tix"], ignore_index=True),
            getattr(whole, name).sort_values(["tix"], ignore_index=True),
            check_like=True,
        )
    assert joined.locations == whole.locations


def test_the_archived_rows_are_what_the_live_read_leaves_out():
    full = store(400, 50)
    live = live_rows(full, reports.TABLES)
    parts = archived_rows(full, reports.TABLES)
    for name in reports.TABLES:
        ids = [r["id"] for r in parts[name]]
        if name == "locations":
            assert ids == [r["id"] for r in full[name]]
            continue
        assert sorted(ids + [r["id"] for r in live[name]]) == sorted(r["id"] for r in full[name])
    assert all(t["archived_at"] for t in parts["tickets"])
    assert len(parts["tickets"]) == 400 - 50 + 1  # and the report linked to the archived outage


def test_every_figure_over_a_year_is_the_same_from_the_joined_parts():
    full = store(600, 100)
    joined = combine(
        reports.frames(archived_rows(full, reports.TABLES)),
        reports.frames(live_rows(full, reports.TABLES)),
    )
    filters = reports.Filters(NOW.date() - timedelta(days=364), NOW.date())
    settings = Settings(yearly_budget_cents=50_000_00)
    for frames in (joined, reports.frames(full)):
        v = reports.view(frames, filters, settings, NOW)
        times = turnaround.order_times(v)
        figures = [
            opened.open_reports(v),
            opened.open_over_time(v),
            opened.recurring_trouble(v),
            outage_counts.per_location_and_category(v),
            turnaround.within_target(times, settings.targets),
            costs.per_month(v),
            costs.per_dimension(v, "location"),
            costs.quotes_against_invoices(v),
        ]
        if frames is joined:
            expected = figures
        else:
            for got, want in zip(expected, figures, strict=True):
                pd.testing.assert_frame_equal(got, want)
