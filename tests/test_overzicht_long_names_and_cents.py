"""Overzicht's invoiced amounts per location: full location names, whole cents, and the
location names the filters and the monthly summary show.

Written against mutation survivors of lib/reports.py (`python -m tests.mutate reports`).
"""

from __future__ import annotations

from datetime import date

from lib import reports
from lib import reports_costs as costs
from tests.reports_fixtures import Data

LONG = "Kinderdagverblijf De Zonnebloem"


def one_invoice() -> Data:
    d = Data()
    d.tables["locations"].append({"id": "loc-z", "name": LONG})
    d.ticket("t1", "2026-03-02 09:00", location="loc-z")
    d.order("o1", "t1", "2026-03-02 10:00", "2026-03-02 11:00")
    d.invoice("F-1", ["o1"], 12100, "goedgekeurd")
    return d


def test_invoiced_per_location_names_a_long_location_in_full():
    v = one_invoice().view(date(2026, 3, 1), date(2026, 3, 31))
    table = costs.per_dimension(v, "location")
    assert table.label.tolist() == [LONG]


def test_the_frames_hold_every_locations_name_and_amounts_in_whole_cents():
    f = reports.frames(one_invoice().tables)
    assert f.locations == {"loc-a": "Locatie A", "loc-b": "Locatie B", "loc-z": LONG}
    for frame, column in (
        (f.invoices, "amount_incl_cents"),
        (f.invoices, "amount_excl_cents"),
        (f.invoice_lines, "amount_incl_cents"),
    ):
        assert frame[column].dtype.kind == "i", column
    assert f.invoices.amount_incl_cents.tolist() == [12100]
