"""What the directie reads in the monthly summary (lib/reports_summary.py): the month it is
about, the filters, the late 24-hour checks, the invoice chart in euros with the budget per
month, the weekly open reports, the turnaround and recurring trouble tables.

Each figure is worked out by hand from a small fixture (tests/reports_fixtures.py), as the
procedure means it: a report is open until it is closed or removed; a not-urgent report
waiting for its next-day check (2.2 step 3) is late once the check was due.
Written against mutation survivors of lib/reports_summary.py.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from lib import reports
from lib.reports_settings import Settings
from lib.reports_summary import _table, monthly_summary, svg_bars
from tests.reports_fixtures import Data, at, iso
from tests.test_monthly_summary_charts import SVG, bars, invoiced_chart, parse


def _summary(d: Data, month: date, now: str, settings: Settings | None = None, **filters) -> str:
    frames = reports.frames(d.tables)
    return monthly_summary(
        frames, reports.Filters(**filters), settings or Settings(), month, at(now)
    )


def _section(html: str, heading: str) -> str:
    return html.split(f"{heading}</h2>")[1].split("</section>")[0]


def _figure(html: str, label: str) -> str:
    (value,) = re.findall(rf"<b>([^<]*)</b><span>{re.escape(label)}</span>", html)
    return value


def test_the_page_names_its_month_and_when_it_was_made():
    html = _summary(Data(), date(2026, 3, 1), "2026-04-02 12:15")
    assert "<title>Maandoverzicht maart 2026</title>" in html
    assert "<h1>Storingen ICT/Telefonie: maandoverzicht maart 2026</h1>" in html
    assert "· gemaakt op 02-04-2026 12:15</p>" in html


def test_the_filter_line_names_every_choice_also_ones_no_longer_known():
    """Two locations, categories and urgencies each, one of every kind no longer known
    (a location removed since, an old code): listed by name where known, else as chosen."""
    html = _summary(
        Data(),
        date(2026, 3, 1),
        "2026-04-02 12:00",
        locations=("loc-a", "loc-b", "loc-oud"),
        categories=("printen", "oud"),
        urgencies=("urgent", "oud"),
    )
    assert (
        "locatie: Locatie A, Locatie B, loc-oud; categorie: Printen, oud; "
        "urgentie: Urgent, oud · gemaakt op"
    ) in html


def test_late_next_day_checks_are_counted_at_the_end_of_the_month():
    """Two not-urgent reports waiting for their check: one due on 20 March (late at the
    month's end), one due on 2 April (not yet); one checked and removed in time."""
    d = Data()
    waiting = ("2026-03-19 10:00", "triage_not_urgent", "nieuw", "wacht_op_controle")
    d.ticket("t1", "2026-03-19 09:00", waiting)
    d.tables["tickets"][-1]["check_due_at"] = iso("2026-03-20 10:00")
    d.ticket("t2", "2026-03-31 09:00", ("2026-03-31 10:00", *waiting[1:]))
    d.tables["tickets"][-1]["check_due_at"] = iso("2026-04-02 10:00")
    html = _summary(d, date(2026, 3, 1), "2026-04-10 12:00")
    assert _figure(html, "24-uurscontroles te laat") == "1"
    assert _figure(html, "open aan het eind van de maand") == "2"


def _invoiced() -> Data:
    d = Data()
    d.ticket("t1", "2026-03-02 09:00", urgency="urgent")
    d.order("o1", "t1", "2026-03-02 10:00")
    d.invoice("F-1", ["o1"], 60500, "betaald", day="2026-03-10", paid_on="2026-03-20")
    return d


def test_the_invoice_chart_is_in_euros_with_the_budget_per_month_at_its_height():
    """EUR 605 invoiced in March; a yearly budget of EUR 12,000 is EUR 1,000 a month: the
    dashed line stands 1000/605 times as high as March's bar, and says what it is."""
    html = _summary(
        _invoiced(), date(2026, 3, 1), "2026-04-02 12:00", Settings(yearly_budget_cents=1_200_000)
    )
    chart = invoiced_chart(html)
    march = bars(chart)[-1]
    assert march["title"] == "mrt 26: € 605"
    assert [t.text for t in chart.iter(f"{SVG}text")].count("€ 605") == 1
    axis, budget = list(chart.iter(f"{SVG}line"))
    assert budget.get("stroke-dasharray")
    height = float(axis.get("y1")) - float(budget.get("y1"))
    assert abs(height / march["h"] / (1000 / 605) - 1) < 0.003  # drawn to 0.1 px
    assert "budget per maand" in [t.text for t in chart.iter(f"{SVG}text")]


def test_without_a_budget_the_invoice_chart_has_no_budget_line():
    chart = invoiced_chart(_summary(_invoiced(), date(2026, 3, 1), "2026-04-02 12:00"))
    assert len(list(chart.iter(f"{SVG}line"))) == 1  # the axis only
    assert "budget per maand" not in [t.text for t in chart.iter(f"{SVG}text")]


def test_the_invoice_chart_names_each_month_with_its_own_year():
    """Twelve months up to March 2027: January 2027 is "jan 27" (its first days belong to
    the last week of 2026, which must not decide the year shown)."""
    chart = invoiced_chart(_summary(_invoiced(), date(2027, 3, 1), "2027-04-02 12:00"))
    months = [b["title"].split(":")[0] for b in bars(chart)]
    assert months[0] == "apr 26" and months[-3:] == ["jan 27", "feb 27", "mrt 27"]


def _week_labels(html: str) -> list[str]:
    chart = parse(_section(html, "Open meldingen aan het eind van elke week"))
    return [b["title"].split(":")[0] for b in bars(chart)]


def test_the_weekly_chart_runs_from_a_quarter_before_the_month_to_its_end_or_now():
    """The month's weeks and the twelve weeks before it; for the running month it stops
    at the week of now. One report open from 2 March to its closing on 16 March."""
    d = Data()
    d.ticket("t1", "2026-03-02 09:00", ("2026-03-16 09:00", "close", "nieuw", "afgesloten"))
    past = _week_labels(_summary(d, date(2026, 3, 1), "2026-04-20 12:00"))
    # 1 March 2026 is a Sunday: twelve weeks before it lies in the week of 1 December
    # 2025 (week 49); 31 March lies in week 14.
    assert past == [f"wk {w}" for w in (*range(49, 53), *range(1, 15))]
    chart = parse(
        _section(
            _summary(d, date(2026, 3, 1), "2026-04-20 12:00"),
            "Open meldingen aan het eind van elke week",
        )
    )
    shown = {b["title"].split(":")[0]: b["title"].split(": ")[1] for b in bars(chart)}
    assert (shown["wk 10"], shown["wk 11"], shown["wk 12"]) == ("1", "1", "0")
    running = _week_labels(_summary(d, date(2026, 3, 1), "2026-03-10 12:00"))
    assert running[0] == "wk 49" and running[-1] == "wk 11"  # 10 March: week 11


def test_nothing_measured_leaves_the_turnaround_cells_empty():
    """An urgent order placed at the end of March, not yet confirmed: its row counts 0
    orders and shows no median, 90th percentile or share, not a placeholder."""
    d = Data()
    d.ticket(
        "t1",
        "2026-03-31 09:00",
        ("2026-03-31 09:30", "triage_urgent", "nieuw", "urgent"),
        ("2026-03-31 09:30", "place_order", "urgent", "opdracht_nemesys"),
        urgency="urgent",
    )
    d.order("o1", "t1", "2026-03-31 09:30")
    table = _section(
        _summary(d, date(2026, 3, 1), "2026-03-31 18:00"), "Doorlooptijd Nemesys (werkuren)"
    )
    rows = [re.findall(r"<td>([^<]*)</td>", r) for r in table.split("<tr>")[2:]]
    assert rows and all(r[2] == "0" for r in rows)
    assert all(r[3] == r[4] == r[6] == "" and r[5] for r in rows), rows


def test_recurring_trouble_lists_the_five_worst_with_dutch_headers():
    """Six location x category pairs with three reports each within 30 days: the one-page
    summary lists five, under the page's headers."""
    d = Data()
    n = 0
    for location in ("loc-a", "loc-b"):
        for category in ("printen", "mail", "telefonie"):
            for day in (2, 5, 9):
                n += 1
                d.ticket(f"t{n}", f"2026-03-{day:02d} 09:00", location=location, category=category)
    table = _section(_summary(d, date(2026, 3, 1), "2026-04-02 12:00"), "Terugkerende storingen")
    assert re.findall(r"<th>([^<]*)</th>", table) == [
        "Locatie",
        "Categorie",
        "Meldingen binnen 30 dagen",
    ]
    rows = [re.findall(r"<td>([^<]*)</td>", r) for r in table.split("<tr>")[2:]]
    assert len(rows) == 5 and all(r[2] == "3" for r in rows)
    assert {r[0] for r in rows} == {"Locatie A", "Locatie B"}


def test_a_table_of_several_rows_has_one_row_each():
    html = _table(pd.DataFrame({"Locatie": ["A", "B"], "Aantal": [2, 3]}))
    assert html == (
        "<table><tr><th>Locatie</th><th>Aantal</th></tr>"
        "<tr><td>A</td><td>2</td></tr><tr><td>B</td><td>3</td></tr></table>"
    )


def test_each_value_stands_centred_above_its_own_bar():
    root = parse(svg_bars(["a", "b", "c"], [1, 2, 3], ["1", "2", "3"]))
    values = [t for t in root.iter(f"{SVG}text") if t.text in ("1", "2", "3")]
    for text, bar in zip(values, bars(root), strict=True):
        assert abs(float(text.get("x")) - (bar["x"] + bar["w"] / 2)) < 0.11


def test_each_label_stands_centred_under_its_bar_below_the_axis():
    root = parse(svg_bars(["jan", "feb", "mrt"], [1, 2, 3], ["1", "2", "3"]))
    baseline = float(next(root.iter(f"{SVG}line")).get("y1"))
    labels = [t for t in root.iter(f"{SVG}text") if t.text in ("jan", "feb", "mrt")]
    for text, bar in zip(labels, bars(root), strict=True):
        assert abs(float(text.get("x")) - (bar["x"] + bar["w"] / 2)) < 0.11
        assert baseline < float(text.get("y")) < 170


def test_the_budget_line_spans_the_axis_with_its_text_above_it_inside_the_picture():
    root = parse(svg_bars(["jan", "feb"], [100, 50], ["100", "50"], target=75, target_text="b"))
    axis, line = list(root.iter(f"{SVG}line"))
    assert (line.get("x1"), line.get("x2")) == (axis.get("x1"), axis.get("x2"))
    (text,) = [t for t in root.iter(f"{SVG}text") if t.text == "b"]
    assert 0 < float(text.get("x")) <= 680 and float(text.get("y")) < float(line.get("y1"))


def test_a_chart_holds_nothing_but_its_drawing():
    root = parse(svg_bars(["jan", "feb"], [1, 2], ["1", "2"], target=1, target_text="b"))
    assert not (root.text or "").strip()
    assert not any((e.tail or "").strip() for e in root.iter())


def test_the_running_months_chart_shows_twelve_months_and_agrees_with_its_figure():
    """On 10 March the chart still shows twelve months (April to March), and March's bar
    counts what the key figure counts: not an invoice dated after now."""
    d = _invoiced()
    d.invoice("F-2", ["o1"], 24200, "goedgekeurd", day="2026-03-20")
    html = _summary(d, date(2026, 3, 1), "2026-03-10 12:00")
    chart = bars(invoiced_chart(html))
    assert len(chart) == 12
    assert [b["title"].split(":")[0] for b in chart][::11] == ["apr 25", "mrt 26"]
    assert _figure(html, "gefactureerd deze maand") == "€\u00a0605,00"
    assert chart[-1]["title"] == "mrt 26: € 605"


def test_the_first_month_of_the_chart_counts_from_its_first_day_after_a_leap_day():
    """March 2028's chart starts with April 2027; the year between holds 29 February 2028,
    and an invoice dated 1 April 2027 still counts in April's bar."""
    d = _invoiced()
    d.invoice("F-0", ["o1"], 12100, "betaald", day="2027-04-01", paid_on="2027-04-20")
    chart = bars(invoiced_chart(_summary(d, date(2028, 3, 1), "2028-04-02 12:00")))
    assert chart[0]["title"] == "apr 27: € 121"
