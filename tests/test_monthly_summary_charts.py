"""The directie's monthly summary (lib/reports_summary.py): its bar charts drawn to scale,
its filter line, its tables.

Written against mutation survivors of lib/reports_summary.py (`python -m tests.mutate
reports_summary`). The charts are checked by their geometry as a reader sees it (bars on
one baseline, heights in proportion to the values, the budget line at its value), not by
the coordinates the code happens to use.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pandas as pd

from lib import reports
from lib.reports_settings import Settings
from lib.reports_summary import _table, monthly_summary, svg_bars
from tests.reports_fixtures import Data, at, two_orders

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[dict]:
    out = []
    for rect in root.iter(f"{SVG}rect"):
        x, y = float(rect.get("x")), float(rect.get("y"))
        w, h = float(rect.get("width")), float(rect.get("height"))
        out.append({"x": x, "y": y, "w": w, "h": h, "title": rect.find(f"{SVG}title").text})
    return out


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def test_bars_stand_on_one_baseline_in_proportion_and_inside_the_picture():
    root = parse(svg_bars(["jan", "feb", "mrt"], [10, 40, 20], ["10", "40", "20"]))
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == (
        "680",
        "170",
        "0 0 680 170",
    )
    b = bars(root)
    assert [r["title"] for r in b] == ["jan: 10", "feb: 40", "mrt: 20"]
    [axis] = list(root.iter(f"{SVG}line"))
    baseline = float(axis.get("y1"))
    assert float(axis.get("y2")) == baseline and 0 < baseline < 170
    for r in b:
        assert abs(r["y"] + r["h"] - baseline) < 0.11  # every bar stands on the axis
        assert r["x"] > 0 and r["x"] + r["w"] < 680 and r["y"] > 0
    assert abs(b[1]["h"] / b[0]["h"] - 4) < 0.02 and abs(b[2]["h"] / b[0]["h"] - 2) < 0.02
    lefts = [r["x"] for r in b]
    assert lefts == sorted(lefts) and all(
        b[i]["x"] + b[i]["w"] < b[i + 1]["x"] for i in range(len(b) - 1)
    )  # side by side, not overlapping
    # the value above each bar, then the month under it
    assert texts(root) == ["10", "jan", "40", "feb", "20", "mrt"]
    value_y = [float(t.get("y")) for t in root.iter(f"{SVG}text")][::2]
    assert all(v < r["y"] for v, r in zip(value_y, b, strict=True))


def test_a_negative_or_zero_month_has_no_bar_and_all_zero_draws_nothing_tall():
    b = bars(parse(svg_bars(["a", "b"], [-5, 0], ["-5", "0"])))
    assert [r["h"] for r in b] == [0, 0]


def test_the_budget_line_is_drawn_at_its_value_dashed_with_its_text():
    root = parse(
        svg_bars(["jan", "feb"], [100, 50], ["100", "50"], target=75, target_text="budget")
    )
    b = bars(root)
    axis, target = list(root.iter(f"{SVG}line"))
    baseline, y = float(axis.get("y1")), float(target.get("y1"))
    assert float(target.get("y2")) == y and target.get("stroke-dasharray")
    assert abs((baseline - y) / b[0]["h"] - 0.75) < 0.01
    assert texts(root)[-1] == "budget"
    # A budget above every month sets the scale: the bars stay below it.
    high = parse(svg_bars(["jan"], [50], ["50"], target=200, target_text="budget"))
    axis, target = list(high.iter(f"{SVG}line"))
    assert float(target.get("y1")) >= 0
    assert abs((float(axis.get("y1")) - float(target.get("y1"))) / bars(high)[0]["h"] - 4) < 0.02


def test_a_year_of_weeks_shows_no_values_and_about_thirteen_labels():
    weeks = [f"wk {i}" for i in range(1, 53)]
    root = parse(svg_bars(weeks, [1.0] * 52, ["1"] * 52))
    shown = texts(root)
    assert "1" not in shown  # 52 values would overlap
    assert shown[0] == "wk 1" and 10 <= len(shown) <= 14
    few = parse(svg_bars(["a", "b"], [1, 2], ["1", "2"]))
    assert texts(few) == ["1", "a", "2", "b"]


def test_labels_are_escaped():
    root = parse(svg_bars(["<b>&"], [1], ["€ 1 & meer"]))
    assert texts(root) == ["€ 1 & meer", "<b>&"]


def test_a_table_has_its_headers_and_rows_and_an_empty_one_says_none():
    assert _table(pd.DataFrame({"Locatie": []})) == "<p>Geen.</p>"
    html = _table(pd.DataFrame({"Locatie": ["A & B"], "Aantal": [2]}))
    assert html == (
        "<table><tr><th>Locatie</th><th>Aantal</th></tr>"
        "<tr><td>A &amp; B</td><td>2</td></tr></table>"
    )


def summary(**filters) -> str:
    d = two_orders()
    return monthly_summary(
        reports.frames(d.tables),
        reports.Filters(**filters),
        Settings(),
        date(2026, 3, 1),
        at("2026-04-02 12:00"),
    )


def test_the_summary_says_which_filters_it_shows():
    assert "Alle locaties, categorieën en urgenties · gemaakt op" in summary()
    chosen = summary(locations=("loc-a",), categories=("printen",), urgencies=("urgent",))
    assert "locatie: Locatie A; categorie: Printen; urgentie: Urgent · gemaakt op" in chosen
    assert "<b>1</b><span>nieuwe meldingen</span>" in chosen
    assert "<b>2</b><span>nieuwe meldingen</span>" in summary()


def test_the_bars_fill_the_axis_evenly_and_small_values_are_drawn_to_the_same_scale():
    """The bars stand within the axis with equal room at both ends; the scale follows the
    largest value, so cents (0.50, 0.25) draw the same bars as euros (50, 25)."""
    for n in (1, 3, 12):
        root = parse(svg_bars([str(i) for i in range(n)], [1.0] * n, ["1"] * n))
        axis = next(root.iter(f"{SVG}line"))
        left, right = float(axis.get("x1")), float(axis.get("x2"))
        b = bars(root)
        assert abs((b[0]["x"] - left) - (right - b[-1]["x"] - b[-1]["w"])) < 0.2, n
    small = bars(parse(svg_bars(["a", "b"], [0.5, 0.25], ["0,50", "0,25"])))
    large = bars(parse(svg_bars(["a", "b"], [50, 25], ["0,50", "0,25"])))
    assert [r["h"] for r in small] == [r["h"] for r in large]


def test_a_budget_line_without_a_text_says_nothing():
    root = parse(svg_bars(["jan"], [50], ["50"], target=25))
    assert texts(root) == ["50", "jan", None]


def test_the_month_runs_from_its_first_to_its_last_day():
    """A report at 00:30 on the 1st and at 23:00 on the last day are in the month; the day
    before and the day after are not. February (28 days) as well as March (31)."""
    d = Data()
    for tid, moment in (
        ("t0", "2026-01-31 23:00"),
        ("t1", "2026-02-01 00:30"),
        ("t2", "2026-02-28 23:00"),
        ("t3", "2026-03-01 00:30"),
        ("t4", "2026-03-31 23:00"),
        ("t5", "2026-04-01 00:30"),
    ):
        d.ticket(tid, moment)
    f = reports.frames(d.tables)
    for month in (date(2026, 2, 1), date(2026, 3, 1)):
        html = monthly_summary(f, reports.Filters(), Settings(), month, at("2026-04-02 12:00"))
        assert "<b>2</b><span>nieuwe meldingen</span>" in html, month


def invoiced_chart(html: str) -> ET.Element:
    section = html.split("Gefactureerd per maand (afgelopen twaalf maanden)</h2>")[1]
    return parse(section.split("</section>")[0])


def test_the_invoice_chart_shows_twelve_months_ending_with_the_month():
    """ "Afgelopen twaalf maanden": twelve bars, the last one the summary's own month, for every
    month of the year (months after a 31-day month included)."""
    f = reports.frames(two_orders().tables)
    for month in range(1, 13):
        first = date(2026, month, 1)
        html = monthly_summary(f, reports.Filters(), Settings(), first, at("2027-01-02 12:00"))
        titles = [r["title"] for r in bars(invoiced_chart(html))]
        assert len(titles) == 12, first
        assert titles[0].split(":")[0] != titles[-1].split(":")[0], first


def test_the_key_figures_of_a_month():
    """One report made, assessed, ordered, solved and closed in March with a paid invoice of
    EUR 121; one reported on 20 March still open at the month's end (11.6 days old)."""
    d = Data()
    d.ticket(
        "t1",
        "2026-03-02 09:00",
        ("2026-03-02 09:30", "triage_urgent", "nieuw", "urgent"),
        ("2026-03-02 09:30", "place_order", "urgent", "opdracht_nemesys"),
        ("2026-03-03 09:00", "confirm", "opdracht_nemesys", "bevestigd_nemesys"),
        ("2026-03-05 16:00", "resolve", "bevestigd_nemesys", "opgelost"),
        ("2026-03-06 10:00", "close", "opgelost", "afgesloten"),
        urgency="urgent",
    )
    d.order("o1", "t1", "2026-03-02 09:30", "2026-03-03 09:00")
    d.invoice("F-1", ["o1"], 12100, "betaald", day="2026-03-10", paid_on="2026-03-25")
    d.ticket("t2", "2026-03-20 10:00")
    html = monthly_summary(
        reports.frames(d.tables),
        reports.Filters(),
        Settings(),
        date(2026, 3, 1),
        at("2026-05-01 12:00"),
    )
    expected = {
        "nieuwe meldingen": "2",
        "afgesloten of verwijderd": "1",
        "open aan het eind van de maand": "1",
        "gekoppeld aan een bekende storing": "0",
        "oudste open melding": "12 dagen",
        "gefactureerd deze maand": "€\u00a0121,00",
        "betaald deze maand": "€\u00a0121,00",
        "gefactureerd 2026 t/m deze maand": "€\u00a0121,00",
    }
    for label, value in expected.items():
        assert f"<b>{value}</b><span>{label}</span>" in html, label
    assert "jaarbudget" not in html
    with_budget = monthly_summary(
        reports.frames(d.tables),
        reports.Filters(),
        Settings(yearly_budget_cents=1_200_000),
        date(2026, 3, 1),
        at("2026-05-01 12:00"),
    )
    assert "<b>€\u00a012.000,00</b><span>jaarbudget</span>" in with_budget
    empty = monthly_summary(
        reports.frames(Data().tables),
        reports.Filters(),
        Settings(),
        date(2026, 3, 1),
        at("2026-05-01 12:00"),
    )
    assert "<b>geen</b><span>oudste open melding</span>" in empty


def test_the_current_month_counts_up_to_now_and_lists_only_the_figures():
    """A summary of the running month stops at now: a report made after now is not in it;
    the key figures are one cell each, nothing between them."""
    d = Data()
    d.ticket("t1", "2026-03-02 09:00")
    d.ticket("t2", "2026-03-20 10:00")
    html = monthly_summary(
        reports.frames(d.tables),
        reports.Filters(),
        Settings(),
        date(2026, 3, 1),
        at("2026-03-10 12:00"),
    )
    assert "<b>1</b><span>nieuwe meldingen</span>" in html
    cells = html.split('<div class="figures">')[1].split("</div></section>")[0]
    assert re.fullmatch(r"(<div><b>[^<]+</b><span>[^<]+</span></div>)+", cells)


def test_the_turnaround_table_has_its_dutch_headers_and_no_placeholders():
    """The Nemesys turnaround table: the page's column names, a median for the measured
    orders, and no "None", "nan" or other placeholder where nothing was measured."""
    from tests.reports_fixtures import christmas_order

    html = monthly_summary(
        reports.frames(christmas_order().tables),
        reports.Filters(),
        Settings(),
        date(2026, 12, 1),
        at("2027-01-05 12:00"),
    )
    table = html.split("Doorlooptijd Nemesys (werkuren)</h2>")[1].split("</section>")[0]
    headers = re.findall(r"<th>([^<]*)</th>", table)
    assert headers == [
        "Doorlooptijd",
        "Urgentie",
        "Opdrachten",
        "Mediaan",
        "90e percentiel",
        "Norm",
        "Binnen norm",
    ]
    rows = [re.findall(r"<td>([^<]*)</td>", r) for r in table.split("<tr>")[2:]]
    assert rows and all(len(r) == 7 for r in rows)
    assert any(r[2] == "1" and r[3] and r[4] and r[6].endswith("%") for r in rows)
    for r in rows:
        assert not {"None", "nan", "NaN", "XXXX"} & set(r), r
        assert (r[3] == "") == (r[2] == "0"), r  # a median exactly where something was measured


def test_the_invoice_chart_counts_an_invoice_dated_on_the_first_day_of_its_first_month():
    d = two_orders()
    d.invoice("F-1", ["o1"], 12100, "goedgekeurd", day="2025-04-01")
    html = monthly_summary(
        reports.frames(d.tables),
        reports.Filters(),
        Settings(),
        date(2026, 3, 1),
        at("2026-04-02 12:00"),
    )
    first = bars(invoiced_chart(html))[0]
    assert first["title"].startswith("apr 25: ") and first["h"] > 0
