"""Altair charts of the Overzicht page: Dutch labels and formats, tooltips, target lines.

Each builder takes a frame from lib/reports_*.py and returns a chart; numbers
are never computed here. Axes format through a Dutch d3 locale in the chart's
config; tooltips show texts pre-formatted with lib.formatting (Babel).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib import formatting

_DUTCH = alt.Locale(
    number={"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]},
    time={
        "dateTime": "%a %e %B %Y %X",
        "date": "%d-%m-%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
        "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
        "months": [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
        "shortMonths": [
            "jan",
            "feb",
            "mrt",
            "apr",
            "mei",
            "jun",
            "jul",
            "aug",
            "sep",
            "okt",
            "nov",
            "dec",
        ],
    },
)
MONTH = alt.Axis(format="%b %Y", title=None, labelAngle=0)
HEIGHT = 260


def _dutch(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return chart.configure(locale=_DUTCH)


def _naive(moments: pd.Series) -> pd.Series:
    """Vega reads dates without a zone as local; keep Amsterdam's wall clock."""
    return moments.dt.tz_localize(None) if getattr(moments.dt, "tz", None) else moments


def bars(frame: pd.DataFrame, *, value: str, value_title: str, money: bool = False) -> alt.Chart:
    """Horizontal bars, largest on top; `frame` has `label` and the `value` column."""
    data = frame.assign(
        shown=frame[value] / 100 if money else frame[value],
        tekst=frame[value].map(formatting.money if money else formatting.number),
    )
    axis = alt.Axis(format="$,.0f" if money else ",d", title=value_title, tickMinStep=1)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("shown:Q", axis=axis),
            y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
            tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("tekst:N", title=value_title)],
        )
        .properties(height=alt.Step(24))
    )
    return _dutch(chart)


def open_over_time(weekly: pd.DataFrame) -> alt.Chart:
    """Open reports at each week's end (line) and reports submitted that week (bars)."""
    data = weekly.assign(
        week=_naive(weekly.week),
        weektekst=weekly.week.map(lambda w: f"week {w.isocalendar().week} ({formatting.day(w)})"),
    )
    base = alt.Chart(data).encode(x=alt.X("week:T", axis=alt.Axis(format="%d %b", title=None)))
    tips = [
        alt.Tooltip("weektekst:N", title="Week"),
        alt.Tooltip("open:Q", title="Open aan het eind", format=",d"),
        alt.Tooltip("new:Q", title="Nieuw gemeld", format=",d"),
    ]
    new = base.mark_bar(opacity=0.35, color="#8d99ae").encode(
        y=alt.Y("new:Q", title="Aantal meldingen"), tooltip=tips
    )
    point = alt.OverlayMarkDef(color="#2e7d32")
    open_ = base.mark_line(color="#2e7d32", point=point).encode(y="open:Q", tooltip=tips)
    return _dutch(alt.layer(new, open_).properties(height=HEIGHT))


def turnaround(monthly: pd.DataFrame, targets: pd.DataFrame | None, unit: str) -> alt.Chart:
    """Median (solid) and 90th percentile (dashed) per month and urgency; targets as rules."""
    long = monthly.melt(
        id_vars=["month", "urgency_label", "aantal"],
        value_vars=["mediaan", "p90"],
        var_name="maat",
        value_name="uren",
    )
    long = long.assign(
        maat=long.maat.map({"mediaan": "Mediaan", "p90": "90e percentiel"}),
        tekst=long.uren.map(lambda h: formatting.hours(h)),
    )
    color = alt.Color("urgency_label:N", title="Urgentie")
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", axis=MONTH),
            y=alt.Y("uren:Q", title=unit.capitalize(), axis=alt.Axis(format=",.1~f")),
            color=color,
            strokeDash=alt.StrokeDash("maat:N", title="Maat", sort=["Mediaan"]),
            tooltip=[
                alt.Tooltip("month:T", title="Maand", format="%B %Y"),
                alt.Tooltip("urgency_label:N", title="Urgentie"),
                alt.Tooltip("maat:N", title="Maat"),
                alt.Tooltip("tekst:N", title=unit.capitalize()),
                alt.Tooltip("aantal:Q", title="Opdrachten", format=",d"),
            ],
        )
    )
    layers = [lines]
    if targets is not None and not targets.empty:
        rules = (
            alt.Chart(targets.assign(tekst=targets.norm.map(formatting.hours)))
            .mark_rule(strokeDash=[2, 2], size=2)
            .encode(
                y="norm:Q",
                color=color,
                tooltip=[
                    alt.Tooltip("urgency_label:N", title="Norm voor"),
                    alt.Tooltip("tekst:N", title="Norm (werkuren)"),
                ],
            )
        )
        layers.append(rules)
    return _dutch(alt.layer(*layers).properties(height=HEIGHT))


def costs_per_month(monthly: pd.DataFrame) -> alt.Chart:
    """Invoiced and paid per month, side by side."""
    long = monthly.melt(id_vars="month", var_name="soort", value_name="cents")
    long = long.assign(
        soort=long.soort.map({"invoiced_cents": "Gefactureerd", "paid_cents": "Betaald"}),
        euro=long.cents / 100,
        tekst=long.cents.map(formatting.money),
    )
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("month:T", axis=MONTH, timeUnit="yearmonth"),
            xOffset=alt.XOffset("soort:N", sort=["Gefactureerd", "Betaald"]),
            y=alt.Y("euro:Q", title="Bedrag", axis=alt.Axis(format="$,.0f")),
            color=alt.Color("soort:N", title=None, sort=["Gefactureerd", "Betaald"]),
            tooltip=[
                alt.Tooltip("month:T", title="Maand", format="%B %Y", timeUnit="yearmonth"),
                alt.Tooltip("soort:N", title=" "),
                alt.Tooltip("tekst:N", title="Bedrag"),
            ],
        )
        .properties(height=HEIGHT)
    )
    return _dutch(chart)


def budget(cumulative: pd.DataFrame, has_budget: bool) -> alt.Chart:
    """Invoiced so far this year (cumulative) against the budget's share of the year."""
    columns = {"spent_cents": "Gefactureerd t/m maand"}
    if has_budget:
        columns["budget_cents"] = "Budget naar rato"
    long = cumulative.melt(id_vars="month", value_vars=list(columns), var_name="soort")
    long = long.assign(
        soort=long.soort.map(columns), euro=long.value / 100, tekst=long.value.map(formatting.money)
    )
    chart = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", axis=MONTH),
            y=alt.Y("euro:Q", title="Bedrag", axis=alt.Axis(format="$,.0f")),
            color=alt.Color("soort:N", title=None),
            strokeDash=alt.StrokeDash("soort:N", legend=None),
            tooltip=[
                alt.Tooltip("month:T", title="Maand", format="%B %Y"),
                alt.Tooltip("soort:N", title=" "),
                alt.Tooltip("tekst:N", title="Bedrag"),
            ],
        )
        .properties(height=HEIGHT)
    )
    return _dutch(chart)


def recurring(hits: pd.DataFrame, threshold: int, days: int) -> alt.Chart:
    """Most reports inside one window per location and category, with the threshold as a rule."""
    data = hits.assign(label=hits.location + " · " + hits.category_label)
    title = f"Meeste meldingen binnen {days} dagen"
    bars_ = (
        alt.Chart(data)
        .mark_bar(color="#c0392b")
        .encode(
            x=alt.X("max_in_window:Q", title=title, axis=alt.Axis(format=",d", tickMinStep=1)),
            y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
            tooltip=[
                alt.Tooltip("location:N", title="Locatie"),
                alt.Tooltip("category_label:N", title="Categorie"),
                alt.Tooltip("max_in_window:Q", title=title, format=",d"),
                alt.Tooltip("reports:Q", title="Meldingen in de periode", format=",d"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"drempel": [threshold]}))
        .mark_rule(strokeDash=[4, 3], color="#333")
        .encode(x="drempel:Q", tooltip=[alt.Tooltip("drempel:Q", title="Drempel")])
    )
    return _dutch(alt.layer(bars_, rule).properties(height=alt.Step(24)))
