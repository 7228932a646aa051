"""Costs, exports and the monthly summary against small fixtures computed by hand."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from lib import reports
from lib import reports_costs as costs
from lib import reports_export as export
from lib import reports_turnaround as turnaround
from lib.reports_settings import Settings
from lib.reports_summary import monthly_summary
from lib.repository.base import complete_row
from lib.workdays import AMSTERDAM as AMS
from tests.reports_fixtures import at, christmas_order, iso, two_orders

# --- costs ---------------------------------------------------------------------------


def test_an_invoice_corrected_by_a_credit_note_and_a_new_invoice_counts_once():
    """Test that rejected 500 + credit note -500 + new invoice 400 make 400 invoiced."""
    d = two_orders()
    d.invoice("F1", ["o1"], 500_00, "vervangen", rejection_reason="Te hoog")
    d.invoice(
        "C1",
        ["o1"],
        -500_00,
        "betaald",
        kind="creditnota",
        corrects_invoice_id="F1",
        paid_on="2026-03-20",
    )
    d.invoice("F2", ["o1"], 400_00, "betaald", paid_on="2026-03-25")
    d.invoice("F3", ["o2"], 99_00, "afgekeurd", rejection_reason="Dubbel")
    v = d.view(date(2026, 3, 1), date(2026, 3, 31))
    march = costs.per_month(v)
    assert march.invoiced_cents.tolist() == [400_00]
    assert march.paid_cents.tolist() == [-100_00]
    assert costs.rejected_invoices(v).number.tolist() == ["F1", "F3"]


def test_a_partial_credit_note_leaves_what_is_owed_and_a_replacement_replaces():
    """Test that 500 less a 100 credit is 400, and a replaced invoice counts only its replacement."""
    d = two_orders()
    d.invoice("F1", ["o1"], 500_00, "vervangen")
    d.invoice("C1", ["o1"], -100_00, "ontvangen", kind="creditnota", corrects_invoice_id="F1")
    d.invoice("F2", ["o2"], 300_00, "vervangen")
    d.invoice("F3", ["o2"], 250_00, "goedgekeurd", corrects_invoice_id="F2")
    v = d.view(date(2026, 3, 1), date(2026, 3, 31))
    assert costs.per_dimension(v, "location").to_dict("records") == [
        {"label": "Locatie A", "invoiced_cents": 400_00},
        {"label": "Locatie B", "invoiced_cents": 250_00},
    ]


def test_an_invoice_for_two_orders_is_split_evenly_to_the_cent():
    """Test that 100,01 over two locations becomes 50,01 and 50,00."""
    d = two_orders()
    d.invoice("F1", ["o1", "o2"], 100_01, "goedgekeurd")
    v = d.view(date(2026, 3, 1), date(2026, 3, 31))
    assert costs.per_dimension(v, "location").invoiced_cents.tolist() == [50_01, 50_00]
    assert costs.per_dimension(v, "category").label.tolist() == ["Printen", "E-mail"]


def test_quotes_against_invoices_shows_the_deviation():
    """Test that an approved quote of 200 invoiced at 275 (excl.) deviates by +75 (37.5 %)."""
    d = two_orders()
    quote = {"id": "q1", "order_id": "o1", "ticket_id": "t1", "status": "goedgekeurd"}
    quote |= {"amount_cents": 200_00, "decided_at": iso("2026-03-03 10:00")}
    d.tables["quotes"].append(complete_row("quotes", quote))
    d.invoice("F1", ["o1"], 0, "betaald", amount_excl_cents=275_00)
    d.tables["invoices"][0]["amount_excl_cents"] = 275_00
    row = costs.quotes_against_invoices(d.view(date(2026, 3, 1), date(2026, 3, 31))).iloc[0]
    assert (row.approved_cents, row.invoiced_cents, row.deviation_cents) == (200_00, 275_00, 75_00)
    assert row.deviation_pct == pytest.approx(37.5)
    assert row.state == "hoger dan offerte"


def test_year_to_date_against_the_budget():
    """Test that halfway through 2026 a 12.000 budget is 'due' about 5.950 and spending is summed."""
    d = two_orders()
    d.invoice("F1", ["o1"], 1000_00, "betaald", day="2026-02-10")
    d.invoice("F2", ["o2"], 500_00, "goedgekeurd", day="2026-06-30")
    filters = reports.Filters(start=date(2026, 6, 1), end=date(2026, 6, 30))
    v = reports.view(
        reports.frames(d.tables),
        filters,
        Settings(yearly_budget_cents=12_000_00),
        at("2027-01-01 00:00"),
    )
    ytd = costs.year_to_date(v)
    assert (ytd.year, ytd.spent_cents) == (2026, 1500_00)
    assert ytd.pro_rata_cents == round(12_000_00 * 181 / 365)
    assert ytd.cumulative.spent_cents.tolist() == [0, 1000_00, 1000_00, 1000_00, 1000_00, 1500_00]


# --- exports and the monthly summary -------------------------------------------------


def test_exports_neutralise_text_and_write_dutch_csv():
    """Test that a location typed as a formula is exported as text, with ; and decimal commas."""
    d = christmas_order()
    d.tables["locations"][0]["name"] = "=1+1"
    v = d.view(date(2026, 12, 1), date(2026, 12, 31))
    lines = export.csv("Opdrachten", turnaround.order_times(v)).decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:2] == ["Meldingsnummer", "Locatie"]
    assert lines[1].split(";")[:5] == ["KIV-t1", "'=1+1", "Printen", "Urgent", "24-12-2026 16:00"]
    assert lines[1].split(";")[7] == "2,00"


def test_exports_of_an_empty_store_open_in_excel():
    """Test that every table exports, empty, to a workbook openpyxl can read."""
    v = reports.view(reports.frames({}), reports.Filters(), Settings(), at("2026-03-01 12:00"))
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx(export.collect(v))))
    assert book.sheetnames == list(export.SPECS)
    assert [c.value for c in book["Opdrachten"][1]][:2] == ["Meldingsnummer", "Locatie"]


def test_monthly_summary_is_a_self_contained_page_with_charts():
    """Test that the summary holds the month's figures and inline SVG charts, no scripts."""
    d = christmas_order()
    html = monthly_summary(
        reports.frames(d.tables),
        reports.Filters(),
        Settings(),
        date(2026, 12, 1),
        at("2027-01-05 12:00"),
    )
    assert "maandoverzicht december 2026" in html
    assert (
        html.count("<svg") == 2
        and "<script" not in html
        and "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    assert "<b>1</b><span>nieuwe meldingen</span>" in html


def test_exports_name_the_invoice_type_as_the_page_does():
    """Issue 12: exports showed the stored type 'factuur'; the Facturen page says 'Factuur'."""
    sample = {
        "text": "x",
        "status": "goedgekeurd",
        "yesno": True,
        "day": pd.Timestamp("2026-12-01", tz=AMS),
        "money": 12100,
        "invoice_kind": "factuur",
    }
    spec = export.SPECS["Factuurregels"]
    raw = pd.DataFrame([{column: sample.get(kind, "x") for _h, column, kind in spec}] * 2).assign(
        kind=["factuur", "creditnota"]
    )
    for shaped in (export.for_screen, export.for_file):
        assert shaped("Factuurregels", raw)["Soort"].tolist() == ["Factuur", "Creditnota"]
