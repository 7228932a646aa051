"""A one-page monthly summary for the directie: a self-contained, print-ready HTML page.

The charts are small SVG bar charts drawn here from the figures, not Altair
charts converted to images: turning Vega-Lite into SVG offline needs
vl-convert-python (a 33 MB wheel with its own JavaScript runtime), while these
few bars need nothing, print sharply at any size and open in any browser
without network. The figures come from the same functions as the page.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from html import escape

import pandas as pd
from babel.dates import format_date

from lib import formatting, reports
from lib import reports_costs as costs
from lib import reports_open as opened
from lib import reports_outages as outage_counts
from lib import reports_turnaround as turnaround
from lib.catalog import CATEGORIES, URGENCY_LABELS
from lib.procedure import Ticket
from lib.reports_export import month_label
from lib.reports_settings import Settings


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _months_before(first: date, months: int) -> date:
    """The first day of the month `months` calendar months before `first`'s month."""
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def svg_bars(
    labels: list[str],
    values: list[float],
    texts: list[str],
    *,
    target: float | None = None,
    target_text: str = "",
    width: int = 680,
    height: int = 170,
) -> str:
    """Vertical bars with their value above and an optional dashed target line."""
    plot_top, plot_bottom = 18, height - 30
    top = max([*values, target or 0, 0]) or 1
    slot = (width - 20) / max(len(values), 1)
    scale = (plot_bottom - plot_top) / top
    every = max(1, round(len(labels) / 13))  # keep the labels readable
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="10">',
        f'<line x1="10" y1="{plot_bottom}" x2="{width - 10}" y2="{plot_bottom}" stroke="#999"/>',
    ]
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        x = 10 + i * slot + slot * 0.15
        h = max(value, 0) * scale
        parts.append(
            f'<rect x="{x:.1f}" y="{plot_bottom - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" fill="#2e7d32"><title>{escape(label)}: {escape(text)}</title></rect>'
        )
        if len(values) <= 20:
            parts.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{plot_bottom - h - 3:.1f}" '
                f'text-anchor="middle">{escape(text)}</text>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{plot_bottom + 14}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    if target is not None:
        y = plot_bottom - target * scale
        parts.append(
            f'<line x1="10" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#c0392b" '
            f'stroke-dasharray="5,3"/><text x="{width - 12}" y="{y - 4:.1f}" '
            f'text-anchor="end" fill="#c0392b">{escape(target_text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _figures(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<div><b>{escape(v)}</b><span>{escape(k)}</span></div>" for k, v in rows)
    return f'<div class="figures">{cells}</div>'


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p>Geen.</p>"
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(x))}</td>" for x in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><tr>{head}</tr>{body}</table>"


_STYLE = """
@page { size: A4; margin: 12mm; }
body { font-family: sans-serif; font-size: 11px; color: #222; margin: 0 auto; max-width: 720px; }
h1 { font-size: 17px; margin: 0 0 2px; } h2 { font-size: 13px; margin: 12px 0 4px; }
.sub { color: #666; margin: 0 0 8px; }
.figures { display: flex; flex-wrap: wrap; gap: 6px; }
.figures div { border: 1px solid #ddd; padding: 4px 8px; min-width: 120px; }
.figures b { display: block; font-size: 15px; } .figures span { color: #555; }
table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #eee;
  padding: 2px 4px; text-align: left; } svg { display: block; }
section { break-inside: avoid; }
"""


def monthly_summary(
    frames: reports.Frames,
    filters: reports.Filters,
    settings: Settings,
    month: date,
    now: datetime,
) -> str:
    """The directie's summary of one month, with the page's location/category/urgency filters."""
    first = month.replace(day=1)
    last = _month_end(first)
    v = reports.view(frames, replace(filters, start=first, end=last), settings, now)
    t, ev = v.frames.tickets, v.frames.events
    ended = ev.to_status.isin([Ticket.CLOSED, Ticket.REMOVED]) & v.in_period(ev["at"])
    open_now = opened.open_reports(v)
    oldest = opened.oldest_open(open_now)
    money = costs.per_month(v)
    ytd = costs.year_to_date(v)
    within = turnaround.within_target(turnaround.order_times(v), settings.targets)
    figures = [
        ("nieuwe meldingen", formatting.number(int(v.in_period(t.created_at).sum()))),
        ("afgesloten of verwijderd", formatting.number(int(ended.sum()))),
        ("open aan het eind van de maand", formatting.number(len(open_now))),
        ("gekoppeld aan een bekende storing", formatting.number(outage_counts.linked_in_period(v))),
        ("oudste open melding", f"{oldest['age_days']:.0f} dagen" if oldest else "geen"),
        ("24-uurscontroles te laat", formatting.number(len(opened.overdue_checks(v)))),
        ("gefactureerd deze maand", formatting.money(int(money.invoiced_cents.sum()))),
        ("betaald deze maand", formatting.money(int(money.paid_cents.sum()))),
        (f"gefactureerd {ytd.year} t/m deze maand", formatting.money(ytd.spent_cents)),
    ]
    if ytd.budget_cents:
        figures.append(("jaarbudget", formatting.money(ytd.budget_cents)))
    weeks = opened.open_over_time(
        reports.view(
            frames, replace(filters, start=first - timedelta(weeks=12), end=last), settings, now
        )
    )
    year = costs.per_month(
        reports.view(
            frames,
            replace(filters, start=_months_before(first, 11), end=last),
            settings,
            now,
        )
    )
    turn = within.assign(
        Urgentie=within.urgency_label,
        Doorlooptijd=within.measure,
        Opdrachten=within.aantal,
        Mediaan=within.mediaan.map(lambda h: "" if pd.isna(h) else formatting.hours(h)),
        P90=within.p90.map(lambda h: "" if pd.isna(h) else formatting.hours(h)),
        Norm=within.norm.map(formatting.hours),
        Binnen=within.binnen_norm.map(lambda s: "" if pd.isna(s) else f"{s:.0%}"),
    )[["Doorlooptijd", "Urgentie", "Opdrachten", "Mediaan", "P90", "Norm", "Binnen"]]
    turn = turn.rename(columns={"P90": "90e percentiel", "Binnen": "Binnen norm"})
    trouble = opened.recurring_trouble(v).head(5)
    trouble = pd.DataFrame(
        {
            "Locatie": trouble.location,
            "Categorie": trouble.category_label,
            f"Meldingen binnen {settings.recurring_window_days} dagen": trouble.max_in_window,
        }
    )
    chosen = _filter_text(frames, filters)
    budget_line = ytd.budget_cents / 12 / 100 if ytd.budget_cents else None
    return f"""<!doctype html><html lang="nl"><head><meta charset="utf-8">
<title>Maandoverzicht {escape(month_label(first))}</title><style>{_STYLE}</style></head><body>
<h1>Storingen ICT/Telefonie: maandoverzicht {escape(month_label(first))}</h1>
<p class="sub">{escape(chosen)} · gemaakt op {escape(formatting.moment(now))}</p>
<section><h2>Kerncijfers</h2>{_figures(figures)}</section>
<section><h2>Open meldingen aan het eind van elke week</h2>{
        svg_bars(
            [f"wk {w.isocalendar().week}" for w in weeks.week],
            weeks.open.tolist(),
            [formatting.number(n) for n in weeks.open],
        )
    }</section>
<section><h2>Gefactureerd per maand (afgelopen twaalf maanden)</h2>{
        svg_bars(
            [format_date(m, "LLL yy", locale=formatting.LOCALE) for m in year.month],
            (year.invoiced_cents / 100).tolist(),
            ["€ " + formatting.number(round(c / 100)) for c in year.invoiced_cents],
            target=budget_line,
            target_text="budget per maand" if budget_line else "",
        )
    }</section>
<section><h2>Doorlooptijd Nemesys (werkuren)</h2>{_table(turn)}</section>
<section><h2>Terugkerende storingen</h2>{_table(trouble)}</section>
</body></html>"""


def _filter_text(frames: reports.Frames, filters: reports.Filters) -> str:
    parts = []
    if filters.locations:
        parts.append("locatie: " + ", ".join(frames.locations.get(i, i) for i in filters.locations))
    if filters.categories:
        parts.append("categorie: " + ", ".join(CATEGORIES.get(c, c) for c in filters.categories))
    if filters.urgencies:
        parts.append("urgentie: " + ", ".join(URGENCY_LABELS.get(u, u) for u in filters.urgencies))
    return "; ".join(parts) if parts else "Alle locaties, categorieën en urgenties"
