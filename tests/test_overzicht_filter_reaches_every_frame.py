"""Overzicht's filters (lib/reports.py `view`): a location chosen leaves only that
location's rows in every frame the figures are built from, and the period stays the same.

Written against mutation survivors of lib/reports.py (`python -m tests.mutate reports`):
the View's promise is "only the rows of the chosen locations, categories and urgencies".
"""

from __future__ import annotations

from datetime import date

from lib import reports_costs as costs
from lib.repository.base import complete_row
from tests.reports_fixtures import Data, iso


def two_locations() -> Data:
    """One outage per location, each with an order, an approved quote, an invoice, one more
    person affected and one linked report."""
    d = Data()
    for place in ("a", "b"):
        tid = f"t-{place}"
        d.ticket(tid, "2026-03-02 09:00", location=f"loc-{place}")
        d.order(f"o-{place}", tid, "2026-03-02 10:00", "2026-03-02 11:00")
        quote = {"id": f"q-{place}", "order_id": f"o-{place}", "ticket_id": tid}
        quote |= {
            "status": "goedgekeurd",
            "amount_cents": 10000,
            "decided_at": iso("2026-03-03 09:00"),
        }
        d.tables["quotes"].append(complete_row("quotes", quote))
        d.invoice(f"F-{place}", [f"o-{place}"], 12100, "goedgekeurd")
        person = {"id": f"aff-{place}", "ticket_id": tid, "email": f"x{place}@kivido.example"}
        person |= {"location_id": f"loc-{place}", "active": True}
        d.tables["affected"].append(complete_row("affected", person))
        link = {"id": f"dup-{place}", "main_ticket_id": tid, "active": True}
        link |= {"linked_at": iso("2026-03-02 12:00"), "ticket_id": f"dup-{place}"}
        d.tables["links"].append(complete_row("links", link))
    return d


def test_a_location_filter_keeps_only_that_locations_rows_in_every_frame():
    d = two_locations()
    everything = d.view(date(2026, 3, 1), date(2026, 3, 31))
    v = d.view(date(2026, 3, 1), date(2026, 3, 31), locations=("loc-a",))
    f = v.frames
    [tix] = f.tickets.tix.tolist()
    assert f.tickets.id.tolist() == ["t-a"]
    for name in ("events", "orders", "quotes", "invoice_lines", "affected", "links"):
        frame = getattr(f, name)
        assert len(frame) > 0 and set(frame.tix) == {tix}, name
    assert f.invoices.number.tolist() == ["F-a"]
    assert f.quotes.order_id.tolist() == ["o-a"]
    assert (v.start, v.end, v.settings) == (everything.start, everything.end, everything.settings)


def test_quote_and_invoice_amounts_stay_whole_cents():
    """Approved against invoiced is in whole cents: integers, not floating point."""
    table = costs.quotes_against_invoices(two_locations().view(date(2026, 3, 1), date(2026, 3, 31)))
    assert table.approved_cents.tolist() == [10000, 10000]
    assert table.approved_cents.dtype.kind == "i"
    assert table.deviation_cents.dtype.kind == "i"
