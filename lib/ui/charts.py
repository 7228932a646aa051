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
MONTH = alt.Axis(format="%b %Y", title="Maand", labelAngle=0)
# Counts are whole reports: whole-number ticks only, never "0,5 meldingen".
COUNT_TICKS = {"tickMinStep": 1}
NEW_SERIES = "Nieuw gemeld in de week (staven)"
OPEN_SERIES = "Open aan het eind van de week (lijn)"
MEASURE_ORDER = ["Mediaan", "90e percentiel"]
MEASURE_SHAPES = ["circle", "square"]
HEIGHT = 260


def _dutch(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return chart.configure(locale=_DUTCH)


def _naive(moments: pd.Series) -> pd.Series:
    """Vega reads dates without a zone as local; keep Amsterdam's wall clock."""
    return moments.dt.tz_localize(None) if getattr(moments.dt, "tz", None) else moments


def bars(
    frame: pd.DataFrame,
    *,
    value: str,
    value_title: str,
    money: bool = False,
    title: str = "",
    label_title: str = "",
) -> alt.Chart:
    """Horizontal bars, largest on top; `frame` has `label` and the `value` column."""
    data = frame.assign(
        shown=frame[value] / 100 if money else frame[value],
        tekst=frame[value].map(formatting.money if money else formatting.number),
    )
    axis = alt.Axis(
        format="$,.0f" if money else ",d", title=value_title, **({} if money else COUNT_TICKS)
    )
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("shown:Q", axis=axis),
            y=alt.Y("label:N", sort="-x", title=label_title, axis=alt.Axis(labelLimit=260)),
            tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("tekst:N", title=value_title)],
        )
        .properties(height=alt.Step(24), title=title or value_title)
    )
    return _dutch(chart)


def open_over_time(weekly: pd.DataFrame, period_end: pd.Timestamp | None = None) -> alt.Chart:
    """Open reports at each week's end (line) and reports submitted that week (bars).

    Both series share one legend (colour); a week still running at `period_end`
    is shaded and labelled as not yet complete.
    """
    data = weekly.assign(
        week=_naive(weekly.week),
        weektekst=weekly.week.map(lambda w: f"week {w.isocalendar().week} ({formatting.day(w)})"),
        nieuw_reeks=NEW_SERIES,
        open_reeks=OPEN_SERIES,
    )
    series = alt.Scale(domain=[NEW_SERIES, OPEN_SERIES], range=["#8d99ae", "#2e7d32"])
    legend = alt.Legend(title=None, orient="top", labelLimit=0)
    week_axis = alt.Axis(format="%d %b", title="Week (begint op maandag)")
    base = alt.Chart(data).encode(x=alt.X("week:T", axis=week_axis))
    tips = [
        alt.Tooltip("weektekst:N", title="Week"),
        alt.Tooltip("open:Q", title="Open aan het eind", format=",d"),
        alt.Tooltip("new:Q", title="Nieuw gemeld", format=",d"),
    ]
    count_axis = alt.Axis(format=",d", **COUNT_TICKS)
    new = base.mark_bar(opacity=0.6).encode(
        y=alt.Y("new:Q", title="Aantal meldingen", axis=count_axis),
        color=alt.Color("nieuw_reeks:N", scale=series, legend=legend),
        tooltip=tips,
    )
    open_ = base.mark_line(point=True).encode(
        y=alt.Y("open:Q", title="Aantal meldingen", axis=count_axis),
        color=alt.Color("open_reeks:N", scale=series, legend=legend),
        tooltip=tips,
    )
    layers = [*_incomplete(data.week, period_end, "W", week_axis.title), new, open_]
    title = "Hoeveel meldingen staan open, en hoeveel komen er per week bij?"
    return _dutch(alt.layer(*layers).properties(height=HEIGHT, title=title))


def _incomplete(
    starts: pd.Series, period_end: pd.Timestamp | None, freq: str, axis_title: str
) -> list:
    """A shaded band over the period (week 'W' / month 'M') still running at `period_end`.

    Its x carries the chart's own axis title: layers share one axis, and an
    overlay with axis=None (or another title) would remove or rename it.
    """
    if period_end is None or starts.empty:
        return []
    end = pd.Timestamp(period_end)
    end = end.tz_convert("Europe/Amsterdam").tz_localize(None) if end.tzinfo else end
    start = end.to_period(freq).start_time
    if start == end or start > starts.max():
        return []  # the period ends on a boundary: nothing is incomplete
    next_start = start + (pd.DateOffset(weeks=1) if freq == "W" else pd.DateOffset(months=1))
    label = "lopende week: nog niet compleet" if freq == "W" else "lopende maand: nog niet compleet"
    band = pd.DataFrame({"van": [start], "tot": [next_start], "tekst": [label]})
    rect = (
        alt.Chart(band)
        .mark_rect(color="#f4d03f", opacity=0.2)
        .encode(
            x=alt.X("van:T", title=axis_title),
            x2="tot:T",
            tooltip=[alt.Tooltip("tekst:N", title="Let op")],
        )
    )
    text = (
        alt.Chart(band)
        .mark_text(align="left", baseline="top", dx=3, dy=3, fontSize=11, color="#7d6608")
        .encode(x=alt.X("van:T", title=axis_title), y=alt.value(0), text="tekst:N")
    )
    return [rect, text]


def turnaround(
    monthly: pd.DataFrame,
    targets: pd.DataFrame | None,
    unit: str,
    *,
    title: str = "Doorlooptijd per maand",
    period_end: pd.Timestamp | None = None,
) -> alt.Chart:
    """Median (solid) and 90th percentile (dashed) per month and urgency; targets as
    labelled rules; the month still running shaded as incomplete."""
    hours_title = f"Doorlooptijd ({unit})"
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
    base = alt.Chart(long).encode(
        x=alt.X("month:T", axis=MONTH),
        y=alt.Y("uren:Q", title=hours_title, axis=alt.Axis(format=",.1~f")),
        color=color,
        tooltip=[
            alt.Tooltip("month:T", title="Maand", format="%B %Y"),
            alt.Tooltip("urgency_label:N", title="Urgentie"),
            alt.Tooltip("maat:N", title="Maat"),
            alt.Tooltip("tekst:N", title=unit.capitalize()),
            alt.Tooltip("aantal:Q", title="Opdrachten", format=",d"),
        ],
    )
    # Median and p90 differ in dash and in point shape; both channels share one "Maat"
    # legend (a line with point=True gave two identical dots).
    lines = base.mark_line().encode(
        strokeDash=alt.StrokeDash(
            "maat:N", title="Maat", sort=MEASURE_ORDER, scale=alt.Scale(range=[[1, 0], [5, 3]])
        )
    )
    points = base.mark_point(filled=True, size=45).encode(
        shape=alt.Shape(
            "maat:N", title="Maat", sort=MEASURE_ORDER, scale=alt.Scale(range=MEASURE_SHAPES)
        )
    )
    layers = [*_incomplete(long.month, period_end, "M", MONTH.title), lines, points]
    if targets is not None and not targets.empty:
        normed = targets.assign(
            tekst=targets.norm.map(formatting.hours),
            label="Norm "
            + targets.urgency_label.str.lower()
            + ": "
            + targets.norm.map(formatting.hours),
        )
        rule = alt.Chart(normed).encode(
            # The same colour channel as the lines: one "Urgentie" legend for both
            # (a legend=None here would drop that legend for the whole chart).
            y=alt.Y("norm:Q", title=hours_title),
            color=color,
        )
        layers.append(
            rule.mark_rule(strokeDash=[2, 2], size=2).encode(
                tooltip=[
                    alt.Tooltip("urgency_label:N", title="Norm voor"),
                    alt.Tooltip("tekst:N", title="Norm (werkuren)"),
                ],
            )
        )
        layers.append(
            rule.mark_text(align="left", baseline="bottom", dx=2, dy=-2, fontSize=11).encode(
                x=alt.value(2), text="label:N"
            )
        )
    return _dutch(alt.layer(*layers).properties(height=HEIGHT, title=title))


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
            y=alt.Y("euro:Q", title="Bedrag (€)", axis=alt.Axis(format="$,.0f")),
            color=alt.Color("soort:N", title="Soort", sort=["Gefactureerd", "Betaald"]),
            tooltip=[
                alt.Tooltip("month:T", title="Maand", format="%B %Y", timeUnit="yearmonth"),
                alt.Tooltip("soort:N", title=" "),
                alt.Tooltip("tekst:N", title="Bedrag"),
            ],
        )
        .properties(height=HEIGHT, title="Wat is er per maand gefactureerd en betaald?")
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
            y=alt.Y("euro:Q", title="Bedrag (€), opgeteld", axis=alt.Axis(format="$,.0f")),
            color=alt.Color("soort:N", title="Lijn"),
            strokeDash=alt.StrokeDash("soort:N", title="Lijn"),
            tooltip=[
                alt.Tooltip("month:T", title="Maand", format="%B %Y"),
                alt.Tooltip("soort:N", title=" "),
                alt.Tooltip("tekst:N", title="Bedrag"),
            ],
        )
        .properties(height=HEIGHT, title="Blijven de kosten dit jaar binnen het budget?")
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
            x=alt.X("max_in_window:Q", title=title, axis=alt.Axis(format=",d", **COUNT_TICKS)),
            y=alt.Y(
                "label:N", sort="-x", title="Locatie · soort storing", axis=alt.Axis(labelLimit=320)
            ),
            tooltip=[
                alt.Tooltip("location:N", title="Locatie"),
                alt.Tooltip("category_label:N", title="Categorie"),
                alt.Tooltip("max_in_window:Q", title=title, format=",d"),
                alt.Tooltip("reports:Q", title="Meldingen in de periode", format=",d"),
            ],
        )
    )
    line = alt.Chart(
        pd.DataFrame({"drempel": [threshold], "tekst": [f"drempel: {threshold} meldingen"]})
    ).encode(x=alt.X("drempel:Q", title=title))
    rule = line.mark_rule(strokeDash=[4, 3], color="#333").encode(
        tooltip=[alt.Tooltip("drempel:Q", title="Drempel")]
    )
    label = line.mark_text(align="left", baseline="top", dx=3, dy=2, color="#333").encode(
        y=alt.value(0), text="tekst:N"
    )
    chart = alt.layer(bars_, rule, label).properties(
        height=alt.Step(24), title="Waar komt dezelfde storing steeds terug?"
    )
    return _dutch(chart)
