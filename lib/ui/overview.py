"""The Overzicht page's sections: open reports, outages, Nemesys turnaround, costs, exports.

Each function draws one section from the page's view (lib/reports.py); the
figures themselves come from lib/reports_*.py, the charts from lib/ui/charts.py.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from lib import formatting, reports
from lib import reports_costs as costs
from lib import reports_export as export
from lib import reports_open as opened
from lib import reports_outages as outage_counts
from lib import reports_turnaround as turnaround
from lib.formatting import whole_euros as euros
from lib.reports_summary import monthly_summary
from lib.ui import charts

SCREEN_ROWS = 500


def table(name: str, raw) -> None:
    """A table on demand: built only while its expander is open, the first rows on screen."""
    box = st.expander(
        f"Tabel: {name} ({formatting.number(len(raw))})", key=f"ov-table-{name}", on_change="rerun"
    )
    if box.open:
        box.dataframe(export.for_screen(name, raw.head(SCREEN_ROWS)), hide_index=True)
        if len(raw) > SCREEN_ROWS:
            box.caption(f"De eerste {SCREEN_ROWS} rijen; de export bevat ze allemaal.")


def open_reports(v) -> None:
    st.subheader("Open meldingen")
    open_now = opened.open_reports(v)
    overdue = opened.overdue_checks(v)
    left, right = st.columns([3, 1])
    by = right.radio(
        "Indeling", list(opened.BREAKDOWNS), format_func=opened.BREAKDOWNS.get, key="ov-open-by"
    )
    left.altair_chart(
        charts.bars(
            opened.open_counts(v, by, open_now),
            value="aantal",
            value_title="Open meldingen (aantal)",
            title=f"Open meldingen per {opened.BREAKDOWNS[by].lower()}",
            label_title=opened.BREAKDOWNS[by],
        ),
        width="stretch",
    )
    oldest = opened.oldest_open(open_now)
    right.metric("Open", formatting.number(len(open_now)))
    right.metric(
        "Oudste open melding",
        f"{oldest['age_days']:.0f} dagen" if oldest else "geen",
        help=oldest and f"{oldest['number']}, gemeld {formatting.moment(oldest['created_at'])}",
    )
    right.metric("24-uurscontroles te laat", formatting.number(len(overdue)))
    st.altair_chart(charts.open_over_time(opened.open_over_time(v), v.end), width="stretch")
    table("Open meldingen", open_now)
    table("Te late controles", overdue)


def outages(v) -> None:
    st.subheader("Storingen en getroffenen")  # issue 14: an outage counts once
    per_place = outage_counts.per_location_and_category(v)
    for column, (label, value) in zip(
        st.columns(3),
        (
            ("Storingen gemeld", per_place.storingen.sum()),
            ("Getroffen personen", per_place.getroffen.sum()),
            ("Gekoppelde meldingen", outage_counts.linked_in_period(v)),
        ),
        strict=True,
    ):
        column.metric(label, formatting.number(int(value)))
    box = st.expander(
        "Tabel: Storingen en getroffenen", key="ov-table-getroffen", on_change="rerun"
    )
    if box.open:  # built only when asked for, like the other tables
        box.dataframe(per_place, hide_index=True)


def nemesys_turnaround(v, settings) -> None:
    st.subheader("Doorlooptijd Nemesys")
    unit = st.radio(
        "Eenheid",
        list(turnaround.UNITS),
        format_func=turnaround.UNITS.get,
        horizontal=True,
        key="ov-unit",
    )
    times = turnaround.order_times(v)
    for column, (measure, label) in zip(st.columns(2), turnaround.MEASURES.items(), strict=True):
        column.markdown(f"**{label}**")
        lines = turnaround.target_lines(times, settings.targets, measure) if unit == "wh" else None
        column.altair_chart(
            charts.turnaround(
                turnaround.by_month(times, measure, unit),
                lines,
                turnaround.UNITS[unit],
                title=f"Hoe lang duurt {label.lower()}?",
                period_end=v.end,
            ),
            width="stretch",
        )
    within = turnaround.within_target(times, settings.targets)
    st.caption("Aandeel van de opdrachten binnen de norm (werkuren)")
    for column, row in zip(st.columns(max(len(within), 1)), within.itertuples(), strict=False):
        share = "geen" if row.aantal == 0 else f"{row.binnen_norm:.0%}"
        column.metric(
            f"{row.done} ({row.urgency_label.lower()})",
            share,
            help=f"{row.measure}: norm {formatting.hours(row.norm)}; {row.aantal} opdrachten",
        )
    table("Gemiste normen", turnaround.missed_targets(times, settings.targets))
    table("Opdrachten", times)


def spending(v, settings) -> None:
    st.subheader("Kosten")
    basis = "incl." if settings.cost_basis == "incl" else "excl."
    monthly = costs.per_month(v)
    left, right = st.columns([3, 1])
    left.altair_chart(charts.costs_per_month(monthly), width="stretch")
    ytd = costs.year_to_date(v)
    right.metric(f"Gefactureerd ({basis} btw)", euros(monthly.invoiced_cents.sum()))
    right.metric("Betaald", euros(monthly.paid_cents.sum()))
    right.metric(
        f"Gefactureerd {ytd.year} tot nu",
        euros(ytd.spent_cents),
        delta=euros(ytd.spent_cents - ytd.pro_rata_cents) if ytd.budget_cents else None,
        delta_color="inverse",
        help=ytd.explained(),
    )
    for column, by in zip(st.columns(2), ("location", "category"), strict=True):
        column.altair_chart(
            charts.bars(
                costs.per_dimension(v, by),
                value="invoiced_cents",
                value_title="Gefactureerd (€)",
                money=True,
                title=f"Gefactureerd per {'locatie' if by == 'location' else 'soort storing'}",
                label_title="Locatie" if by == "location" else "Soort storing",
            ),
            width="stretch",
        )
    st.altair_chart(charts.budget(ytd.cumulative, bool(ytd.budget_cents)), width="stretch")
    table("Offerte en factuur", costs.quotes_against_invoices(v))
    table("Afgekeurde facturen", costs.rejected_invoices(v))


def recurring_trouble(v, settings) -> None:
    st.subheader("Terugkerende storingen")
    trouble = opened.recurring_trouble(v)
    st.caption(
        f"Locatie en categorie met minstens {settings.recurring_min_reports} meldingen "
        f"binnen {settings.recurring_window_days} dagen: vraag Nemesys om een structurele "
        "oplossing."
    )
    if trouble.empty:
        st.info("Geen terugkerende storingen in deze periode.")
    else:
        st.altair_chart(
            charts.recurring(
                trouble, settings.recurring_min_reports, settings.recurring_window_days
            ),
            width="stretch",
        )
    table("Terugkerende storingen", trouble)


def exports(
    v, data, filters: reports.Filters, settings, now: datetime, start: date, end: date
) -> None:
    st.subheader("Exporteren")
    a, b, c = st.columns(3)
    a.download_button(
        "Tabellen als Excel (.xlsx)",
        lambda: export.xlsx(export.collect(v)),
        file_name=f"overzicht-{start}-{end}.xlsx",
        key="ov-xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = b.selectbox(
        "Tabel als CSV", list(export.SPECS), key="ov-csv-table", placeholder="Kies een tabel"
    )
    b.download_button(
        "CSV downloaden",
        lambda: export.csv(name, export.collect(v)[name]),
        file_name=f"{name.lower().replace(' ', '-')}-{start}-{end}.csv",
        mime="text/csv",
        key="ov-csv",
    )
    months = list(pd.date_range(start.replace(day=1), end, freq="MS").date)
    month = c.selectbox(
        "Maandoverzicht voor de directie",
        months,
        index=len(months) - 1,
        format_func=export.month_label,
        placeholder="Kies een maand",
        key="ov-month",
    )
    c.download_button(
        "Maandoverzicht (printklaar)",
        lambda: monthly_summary(data, filters, settings, month, now).encode(),
        file_name=f"maandoverzicht-{month:%Y-%m}.html",
        mime="text/html",
        key="ov-summary",
    )
