"""Costs (2.1 steps 7 and 9): invoiced and paid, quotes against invoices, the budget.

All sums run over the invoice lines (lib.reports._invoice_lines): an invoice
for several orders is split evenly over them, so a location or category gets
its share and the lines of one invoice add up to the invoice. Which invoices
count as invoiced is decided once, in lib.reports.counted_invoices. Money stays
in integer cents here; the page formats it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib import formatting
from lib.procedure import Invoice, Quote
from lib.reports import TZ, View

_MONTH_COLUMNS = ["month", "invoiced_cents", "paid_cents"]


def _amount(v: View) -> str:
    return "amount_incl_cents" if v.settings.cost_basis == "incl" else "amount_excl_cents"


def _month(moments: pd.Series) -> pd.Series:
    return moments.dt.tz_localize(None).dt.to_period("M").dt.to_timestamp()


def invoiced_lines(v: View) -> pd.DataFrame:
    """The counted invoice lines dated in the period."""
    lines = v.frames.invoice_lines
    return lines[lines.counted & v.in_period(lines.invoice_date)]


def per_month(v: View) -> pd.DataFrame:
    """Invoiced (by invoice date) and paid (by payment date) per month of the period."""
    lines, amount = v.frames.invoice_lines, _amount(v)
    invoiced = invoiced_lines(v)
    paid = lines[(lines.status == Invoice.PAID) & v.in_period(lines.paid_on)]
    months = pd.period_range(
        v.start.tz_localize(None),
        (v.end - pd.Timedelta(microseconds=1)).tz_localize(None),
        freq="M",
    ).to_timestamp()
    out = pd.DataFrame({"month": months}).join(
        pd.DataFrame(
            {
                "invoiced_cents": invoiced.groupby(_month(invoiced.invoice_date))[amount].sum(),
                "paid_cents": paid.groupby(_month(paid.paid_on))[amount].sum(),
            }
        ),
        on="month",
    )
    return out.fillna(0).astype({"invoiced_cents": "int64", "paid_cents": "int64"})[_MONTH_COLUMNS]


def per_dimension(v: View, by: str) -> pd.DataFrame:
    """Invoiced in the period per location or per category, largest first."""
    column = {"location": "location", "category": "category_label"}[by]
    lines = invoiced_lines(v)
    sums = lines.groupby(column)[_amount(v)].sum().rename("invoiced_cents").reset_index()
    sums = sums.rename(columns={column: "label"})
    return sums.sort_values(["invoiced_cents", "label"], ascending=[False, True], ignore_index=True)


def quotes_against_invoices(v: View) -> pd.DataFrame:
    """Per order with a quote approved in the period: approved vs invoiced (excl. btw)."""
    q = v.frames.quotes
    q = q[(q.status == Quote.APPROVED) & v.in_period(q.decided_at)]
    approved = q.groupby("order_id").amount_cents.sum().rename("approved_cents")
    lines = v.frames.invoice_lines
    lines = lines[lines.counted & (lines.invoice_date < v.end)]
    invoiced = lines.groupby("order_id").amount_excl_cents.sum().rename("invoiced_cents")
    out = pd.DataFrame(approved).join(invoiced).reset_index()
    out["has_invoice"] = out.invoiced_cents.notna()
    out["invoiced_cents"] = out.invoiced_cents.fillna(0).astype("int64")
    out["deviation_cents"] = (out.invoiced_cents - out.approved_cents).where(out.has_invoice, 0)
    out["deviation_pct"] = 100 * out.deviation_cents / out.approved_cents.where(lambda a: a != 0)
    out["state"] = "gelijk"
    out.loc[out.deviation_cents > 0, "state"] = "hoger dan offerte"
    out.loc[out.deviation_cents < 0, "state"] = "lager dan offerte"
    out.loc[~out.has_invoice, "state"] = "nog geen factuur"
    orders = v.frames.orders.set_index("id").tix
    dims = v.frames.tickets.set_index("tix")[["number", "location", "category_label"]]
    out = out.join(orders, on="order_id").join(dims.astype("str"), on="tix")
    return out.sort_values(
        ["deviation_cents", "number"], ascending=[False, True], key=_abs_first, ignore_index=True
    )


def _abs_first(column: pd.Series) -> pd.Series:
    return column.abs() if column.dtype.kind in "if" else column


def rejected_invoices(v: View) -> pd.DataFrame:
    """Invoices dated in the period that the MAZ rejected, corrected since or not."""
    inv = v.frames.invoices
    rejected = inv.status.isin({Invoice.REJECTED, Invoice.NEMESYS_CONTACTED}) | (
        (inv.status == Invoice.SUPERSEDED) & (inv.rejection_reason != "")
    )
    out = inv[rejected & v.in_period(inv.invoice_date)]
    return out.sort_values("invoice_date", ignore_index=True)


@dataclass(frozen=True)
class YearToDate:
    year: int
    spent_cents: int
    budget_cents: int  # 0: no budget set
    pro_rata_cents: int  # the part of the budget for the elapsed part of the year
    forecast_cents: int  # the spending so far, extended to the whole year
    cumulative: pd.DataFrame  # month, spent_cents (cumulative), budget_cents (pro rata)

    def explained(self) -> str:
        if not self.budget_cents:
            return "Geen jaarbudget ingesteld (yearly_budget_eur in [app] van secrets.toml)."
        return (
            f"Jaarbudget {formatting.money(self.budget_cents)}; naar rato tot nu "
            f"{formatting.money(self.pro_rata_cents)}; in dit tempo voor het hele jaar "
            f"{formatting.money(self.forecast_cents)}."
        )


def year_to_date(v: View) -> YearToDate:
    """Invoiced from 1 January of the period's last year up to its end, against the budget."""
    last = v.end - pd.Timedelta(microseconds=1)
    jan1 = pd.Timestamp(year=last.year, month=1, day=1, tz=TZ)
    next_jan1 = pd.Timestamp(year=last.year + 1, month=1, day=1, tz=TZ)
    lines = v.frames.invoice_lines
    lines = lines[lines.counted & (lines.invoice_date >= jan1) & (lines.invoice_date < v.end)]
    amount = _amount(v)
    months = pd.date_range(jan1.tz_localize(None), last.tz_localize(None), freq="MS")
    spent = lines.groupby(_month(lines.invoice_date))[amount].sum()
    cumulative = spent.reindex(months, fill_value=0).cumsum()
    # Shares of the year by the wall clock, so a summer-time hour does not shift them.
    clock_jan1 = jan1.tz_localize(None)
    year_secs = (next_jan1.tz_localize(None) - clock_jan1).total_seconds()
    budget = v.settings.yearly_budget_cents
    month_ends = [min(m + pd.DateOffset(months=1), v.end.tz_localize(None)) for m in months]
    share = [(e - clock_jan1).total_seconds() / year_secs for e in month_ends]
    frame = pd.DataFrame(
        {
            "month": months,
            "spent_cents": cumulative.to_numpy(dtype="int64"),
            "budget_cents": [round(budget * s) for s in share],
        }
    )
    elapsed = (v.end.tz_localize(None) - clock_jan1).total_seconds() / year_secs
    total = int(lines[amount].sum())
    return YearToDate(
        year=last.year,
        spent_cents=total,
        budget_cents=budget,
        pro_rata_cents=round(budget * elapsed),
        forecast_cents=round(total / elapsed) if elapsed > 0 else total,
        cumulative=frame,
    )
