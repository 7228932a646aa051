"""Edge cases of the directie's cost figures (lib/reports_costs.py), computed by hand.

Written against the mutants of lib/reports_costs.py that survived the mutation run
(issue 11): the btw basis, payments and invoices on the first or last moment of a
period, month or year, rejected invoices and quotes, a quote without an invoice,
invoices above, equal to and below their quote and the order of that table, the
budget's share per month, the year-to-date forecast and its Dutch explanation.
Procedure 2.1 steps 7 and 9: quotes go to the directie, the MAZ checks each invoice
and pays or rejects it.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from lib import reports_costs as costs
from lib.reports_settings import Settings
from lib.repository.base import complete_row
from tests.reports_fixtures import Data, iso, two_orders

NBSP = "\xa0"  # babel puts a no-break space between € and the amount


def _quote(d: Data, qid, order, ticket, cents, decided, status="goedgekeurd"):
    row = {"id": qid, "order_id": order, "ticket_id": ticket, "status": status}
    row |= {"amount_cents": cents, "decided_at": iso(decided)}
    d.tables["quotes"].append(complete_row("quotes", row))


def _three_orders() -> Data:
    """t3 is reported first, so ticket order (t3, t1, t2) differs from order-id order."""
    d = two_orders()
    d.ticket("t3", "2026-03-01 09:00", location="loc-b", category="printen")
    d.order("o3", "t3", "2026-03-01 10:00")
    return d


# --- which amount, which moments -------------------------------------------------------


def test_cost_basis_excl_counts_the_amounts_without_btw():
    """Test that with cost_basis 'excl' an invoice of 121,00 incl. counts as 100,00."""
    d = two_orders()
    d.invoice("F1", ["o1"], 121_00, "betaald", day="2026-03-10", paid_on="2026-03-20")
    v = d.view(date(2026, 3, 1), date(2026, 3, 31), settings=Settings(cost_basis="excl"))
    march = costs.per_month(v)
    assert march.invoiced_cents.tolist() == [100_00]
    assert march.paid_cents.tolist() == [100_00]
    assert costs.per_dimension(v, "location").invoiced_cents.tolist() == [100_00]
    assert costs.year_to_date(v).spent_cents == 100_00


def test_a_payment_before_a_mid_month_period_start_is_not_paid_in_the_period():
    """Test that for 15-31 March an invoice paid on 10 March counts neither as paid nor invoiced."""
    d = two_orders()
    d.invoice("F1", ["o1"], 500_00, "betaald", day="2026-03-02", paid_on="2026-03-10")
    d.invoice("F2", ["o2"], 300_00, "betaald", day="2026-03-16", paid_on="2026-03-25")
    march = costs.per_month(d.view(date(2026, 3, 15), date(2026, 3, 31)))
    assert march.to_dict("records") == [
        {"month": pd.Timestamp("2026-03-01"), "invoiced_cents": 300_00, "paid_cents": 300_00}
    ]


def test_just_after_new_year_midnight_the_new_month_and_year_are_shown():
    """Test that at 1 January 00:00:00.000001 an invoice dated that day is in January and 2027."""
    d = two_orders()
    d.invoice("F1", ["o1"], 100_00, "goedgekeurd", day="2026-12-10")
    d.invoice("F2", ["o2"], 40_00, "ontvangen", day="2027-01-01")
    v = d.view(date(2026, 12, 1), None, now="2027-01-01 00:00:00.000001")
    assert costs.per_month(v).to_dict("records") == [
        {"month": pd.Timestamp("2026-12-01"), "invoiced_cents": 100_00, "paid_cents": 0},
        {"month": pd.Timestamp("2027-01-01"), "invoiced_cents": 40_00, "paid_cents": 0},
    ]
    ytd = costs.year_to_date(v)
    assert (ytd.year, ytd.spent_cents) == (2027, 40_00)
    assert ytd.cumulative.month.tolist() == [pd.Timestamp("2027-01-01")]


def test_locations_with_equal_costs_are_listed_by_name():
    """Test that two locations invoiced 250,00 each come alphabetically, A before B."""
    d = two_orders()
    d.invoice("F1", ["o2"], 250_00, "goedgekeurd")
    d.invoice("F2", ["o1"], 250_00, "goedgekeurd")
    v = d.view(date(2026, 3, 1), date(2026, 3, 31))
    assert costs.per_dimension(v, "location").to_dict("records") == [
        {"label": "Locatie A", "invoiced_cents": 250_00},
        {"label": "Locatie B", "invoiced_cents": 250_00},
    ]


# --- quotes against invoices ------------------------------------------------------------


def test_only_quotes_approved_in_the_period_are_compared():
    """Test that a quote approved in February and one rejected in March are both left out."""
    d = two_orders()
    _quote(d, "q1", "o1", "t1", 200_00, "2026-03-03 10:00")
    _quote(d, "q2", "o2", "t2", 900_00, "2026-02-20 10:00")
    _quote(d, "q3", "o2", "t2", 700_00, "2026-03-04 10:00", status="afgewezen")
    out = costs.quotes_against_invoices(d.view(date(2026, 3, 1), date(2026, 3, 31)))
    assert out.order_id.tolist() == ["o1"]
    assert out.approved_cents.tolist() == [200_00]


def test_a_quote_without_an_invoice_yet_shows_zero_invoiced_and_no_deviation():
    """Test that an approved quote of 200,00 with no invoice reads 0 / 0 / 'nog geen factuur'."""
    d = two_orders()
    _quote(d, "q1", "o1", "t1", 200_00, "2026-03-03 10:00")
    row = costs.quotes_against_invoices(d.view(date(2026, 3, 1), date(2026, 3, 31))).iloc[0]
    assert (row.invoiced_cents, row.deviation_cents, row.deviation_pct) == (0, 0, 0.0)
    assert (bool(row.has_invoice), row.state) == (False, "nog geen factuur")


def test_the_quote_table_keeps_whole_cents_as_integers():
    """Test that invoiced and deviation stay int64 when one quote has no invoice (NaN-free)."""
    d = two_orders()
    _quote(d, "q1", "o1", "t1", 200_00, "2026-03-03 10:00")
    _quote(d, "q2", "o2", "t2", 100_00, "2026-03-03 10:00")
    d.invoice("F1", ["o2"], 145_20, "goedgekeurd", amount_excl_cents=120_00)
    out = costs.quotes_against_invoices(d.view(date(2026, 3, 1), date(2026, 3, 31)))
    assert str(out.invoiced_cents.dtype) == "int64"
    assert str(out.deviation_cents.dtype) == "int64"
    assert out[["number", "invoiced_cents", "deviation_cents"]].to_dict("records") == [
        {"number": "KIV-t2", "invoiced_cents": 120_00, "deviation_cents": 20_00},
        {"number": "KIV-t1", "invoiced_cents": 0, "deviation_cents": 0},
    ]


def test_a_rejected_invoice_is_not_compared_with_the_quote():
    """Test that the MAZ's rejected invoice of 250,00 leaves the quote without an invoice."""
    d = two_orders()
    _quote(d, "q1", "o1", "t1", 200_00, "2026-03-03 10:00")
    d.invoice(
        "F1", ["o1"], 302_50, "afgekeurd", amount_excl_cents=250_00, rejection_reason="Te hoog"
    )
    row = costs.quotes_against_invoices(d.view(date(2026, 3, 1), date(2026, 3, 31))).iloc[0]
    assert (row.invoiced_cents, row.deviation_cents, row.state) == (0, 0, "nog geen factuur")


def test_an_invoice_dated_the_day_after_the_period_is_not_compared():
    """Test that for March an invoice dated 1 April (the period's exclusive end) is left out."""
    d = two_orders()
    _quote(d, "q1", "o1", "t1", 200_00, "2026-03-03 10:00")
    d.invoice("F1", ["o1"], 242_00, "goedgekeurd", day="2026-04-01", amount_excl_cents=200_00)
    row = costs.quotes_against_invoices(d.view(date(2026, 3, 1), date(2026, 3, 31))).iloc[0]
    assert (row.invoiced_cents, row.state) == (0, "nog geen factuur")


def test_invoices_above_equal_to_and_below_the_quote_largest_deviation_first():
    """Test the states and order for -10,00, +0,01 and 0 against quotes of 100,00 each."""
    d = _three_orders()
    for qid, order, ticket in (("q1", "o1", "t1"), ("q2", "o2", "t2"), ("q3", "o3", "t3")):
        _quote(d, qid, order, ticket, 100_00, "2026-03-03 10:00")
    d.invoice("F1", ["o1"], 121_00, "goedgekeurd", amount_excl_cents=100_00)
    d.invoice("F2", ["o2"], 121_01, "goedgekeurd", amount_excl_cents=100_01)
    d.invoice("F3", ["o3"], 108_90, "betaald", amount_excl_cents=90_00, paid_on="2026-03-20")
    out = costs.quotes_against_invoices(d.view(date(2026, 3, 1), date(2026, 3, 31)))
    columns = ["order_id", "number", "location", "deviation_cents", "state"]
    assert out[columns].to_dict("records") == [
        {
            "order_id": "o3",
            "number": "KIV-t3",
            "location": "Locatie B",
            "deviation_cents": -10_00,
            "state": "lager dan offerte",
        },
        {
            "order_id": "o2",
            "number": "KIV-t2",
            "location": "Locatie B",
            "deviation_cents": 1,
            "state": "hoger dan offerte",
        },
        {
            "order_id": "o1",
            "number": "KIV-t1",
            "location": "Locatie A",
            "deviation_cents": 0,
            "state": "gelijk",
        },
    ]
    assert out.deviation_pct.tolist() == pytest.approx([-10.0, 0.01, 0.0])


def test_equal_deviations_up_and_down_are_listed_by_report_number():
    """Test that +20,00 and -20,00 weigh the same and come in report-number order."""
    d = two_orders()
    _quote(d, "q1", "o1", "t1", 100_00, "2026-03-03 10:00")
    _quote(d, "q2", "o2", "t2", 100_00, "2026-03-03 10:00")
    d.invoice("F1", ["o1"], 145_20, "goedgekeurd", amount_excl_cents=120_00)
    d.invoice("F2", ["o2"], 96_80, "goedgekeurd", amount_excl_cents=80_00)
    out = costs.quotes_against_invoices(d.view(date(2026, 3, 1), date(2026, 3, 31)))
    assert out.number.tolist() == ["KIV-t1", "KIV-t2"]
    assert out.deviation_cents.tolist() == [20_00, -20_00]


def test_a_free_quote_has_no_deviation_percentage():
    """Test that a quote of 0,00 invoiced at 50,00 deviates +50,00 with no percentage."""
    d = two_orders()
    _quote(d, "q1", "o1", "t1", 0, "2026-03-03 10:00")
    d.invoice("F1", ["o1"], 60_50, "goedgekeurd", amount_excl_cents=50_00)
    row = costs.quotes_against_invoices(d.view(date(2026, 3, 1), date(2026, 3, 31))).iloc[0]
    assert (row.deviation_cents, row.state) == (50_00, "hoger dan offerte")
    assert math.isnan(row.deviation_pct)


# --- the year to date and the budget ------------------------------------------------------

# 3.650,00 a year is 10,00 a day in 2026 (365 days), so shares are easy to check by hand.
BUDGET = Settings(yearly_budget_cents=3650_00)


def _year_data() -> Data:
    """Invoices on each edge of 1 January - 15 March 2026 (the end is 16 March 00:00)."""
    d = two_orders()
    d.invoice("F0", ["o1"], 999_00, "betaald", day="2025-12-31", paid_on="2026-01-05")
    d.invoice("F1", ["o1"], 30_00, "goedgekeurd", day="2026-01-01")
    d.invoice("F2", ["o2"], 44_00, "betaald", day="2026-02-10", paid_on="2026-02-20")
    d.invoice("F3", ["o2"], 77_00, "afgekeurd", day="2026-02-12", rejection_reason="Dubbel")
    d.invoice("F4", ["o1"], 55_00, "ontvangen", day="2026-03-16")
    return d


def test_year_to_date_counts_from_1_january_up_to_the_period_end():
    """Test that 1 Jan counts, 31 Dec before, a rejected invoice and the day after the end don't."""
    ytd = costs.year_to_date(
        _year_data().view(date(2026, 1, 1), date(2026, 3, 15), settings=BUDGET)
    )
    assert (ytd.year, ytd.spent_cents) == (2026, 74_00)
    assert ytd.cumulative.spent_cents.tolist() == [30_00, 74_00, 74_00]


def test_the_budget_line_grows_per_month_and_stops_at_the_period_end():
    """Test the budget's share at 1 Feb (31 days), 1 Mar (59) and the end, 16 Mar (74)."""
    ytd = costs.year_to_date(
        _year_data().view(date(2026, 1, 1), date(2026, 3, 15), settings=BUDGET)
    )
    frame = ytd.cumulative
    assert frame.columns.tolist() == ["month", "spent_cents", "budget_cents"]
    assert frame.month.tolist() == [pd.Timestamp(f"2026-0{m}-01") for m in (1, 2, 3)]
    assert frame.budget_cents.tolist() == [310_00, 590_00, 740_00]
    assert frame.index.tolist() == [0, 1, 2]


def test_year_to_date_budget_pro_rata_and_forecast():
    """Test that 74,00 spent in 74 of 365 days is 740,00 pro rata and 365,00 for the year."""
    ytd = costs.year_to_date(
        _year_data().view(date(2026, 1, 1), date(2026, 3, 15), settings=BUDGET)
    )
    assert (ytd.budget_cents, ytd.pro_rata_cents, ytd.forecast_cents) == (3650_00, 740_00, 365_00)
    assert ytd.explained() == (
        f"Jaarbudget €{NBSP}3.650,00; naar rato tot nu €{NBSP}740,00; "
        f"in dit tempo voor het hele jaar €{NBSP}365,00."
    )


def test_without_a_budget_the_explanation_says_where_to_set_it():
    """Test that with no yearly budget the help text points to yearly_budget_eur."""
    ytd = costs.year_to_date(
        _year_data().view(date(2026, 1, 1), date(2026, 3, 15), settings=Settings())
    )
    assert ytd.budget_cents == 0
    assert ytd.explained() == (
        "Geen jaarbudget ingesteld (yearly_budget_eur in [app] van secrets.toml)."
    )
