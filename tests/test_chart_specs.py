"""The Overzicht charts read at a glance (issue 12), asserted on their Vega-Lite specs.

Each chart: a title that says what it answers, a title on every axis, a legend
for every field drawn in colour or dash, whole-number ticks for counts, the
targets labelled and the period still running marked as incomplete.
"""

from __future__ import annotations

import pandas as pd
import pytest

from lib.ui import charts

LEGEND_CHANNELS = ("color", "strokeDash", "shape")
END = pd.Timestamp("2026-11-18 10:00", tz="Europe/Amsterdam")  # mid-week, mid-month


def layers(spec: dict) -> list[dict]:
    found = []
    for layer in spec.get("layer", [spec]):
        found += layers(layer) if "layer" in layer else [layer]
    return found


def encodings(spec: dict) -> list[tuple[str, dict]]:
    return [
        (ch, enc)
        for layer in layers(spec)
        for ch, enc in layer.get("encoding", {}).items()
        if isinstance(enc, dict)  # tooltips are lists
    ]


def axis_titles(spec: dict) -> list[tuple[str, object]]:
    """(channel, title) of every x/y that draws a data field."""
    out = []
    for channel, enc in encodings(spec):
        # Layers share one axis: an overlay's axis=None or missing title would drop it.
        if channel in ("x", "y") and "field" in enc:
            title = enc.get("title", (enc.get("axis") or {}).get("title"))
            out.append((f"{channel}:{enc['field']}", title))
    return out


def open_frame() -> pd.DataFrame:
    weeks = pd.date_range("2026-10-26", periods=4, freq="7D", tz="Europe/Amsterdam")
    return pd.DataFrame({"week": weeks, "open": [1, 2, 1, 3], "new": [1, 1, 0, 2]})


def turnaround_chart(period_end=END):
    monthly = pd.DataFrame(
        {
            "month": pd.to_datetime(["2026-10-01", "2026-11-01"] * 2),
            "urgency_label": ["Urgent", "Urgent", "Niet urgent", "Niet urgent"],
            "aantal": [3, 1, 2, 1],
            "mediaan": [2.0, 1.0, 8.0, 3.0],
            "p90": [5.0, 1.0, 20.0, 3.0],
        }
    )
    targets = pd.DataFrame({"urgency_label": ["Niet urgent", "Urgent"], "norm": [24.0, 8.0]})
    return charts.turnaround(
        monthly, targets, "werkuren", title="Hoe lang duurt het?", period_end=period_end
    )


def all_charts() -> dict:
    months = pd.to_datetime(["2026-10-01", "2026-11-01"])
    return {
        "open per indeling": charts.bars(
            pd.DataFrame({"label": ["Nieuw", "Urgent"], "aantal": [1, 2]}),
            value="aantal",
            value_title="Open meldingen (aantal)",
            title="Open meldingen per status",
            label_title="Status",
        ),
        "open per week": charts.open_over_time(open_frame(), END),
        "doorlooptijd": turnaround_chart(),
        "kosten per maand": charts.costs_per_month(
            pd.DataFrame(
                {"month": months, "invoiced_cents": [10000, 5000], "paid_cents": [10000, 0]}
            )
        ),
        "budget": charts.budget(
            pd.DataFrame(
                {"month": months, "spent_cents": [10000, 15000], "budget_cents": [8000, 16000]}
            ),
            True,
        ),
        "terugkerend": charts.recurring(
            pd.DataFrame(
                {
                    "location": ["De Zonnebloem"],
                    "category_label": ["Printen"],
                    "max_in_window": [4],
                    "reports": [5],
                }
            ),
            3,
            30,
        ),
    }


@pytest.mark.parametrize("name", list(all_charts()))
def test_every_chart_has_a_title_axis_titles_and_legends(name):
    spec = all_charts()[name].to_dict()
    assert spec.get("title"), f"{name}: no title"
    titles = axis_titles(spec)
    assert titles and all(t for _, t in titles), f"{name}: axis without title: {titles}"
    legend_fields = {enc["field"] for ch, enc in encodings(spec) if ch in LEGEND_CHANNELS}
    # Vega-Lite merges a field's legends across layers; one layer's legend=None drops it.
    hidden = {
        enc["field"]
        for ch, enc in encodings(spec)
        if ch in LEGEND_CHANNELS and "legend" in enc and enc["legend"] is None
    }
    assert not hidden, f"{name}: a field drawn without a legend: {hidden} of {legend_fields}"


@pytest.mark.parametrize(
    ("name", "channel"),
    [("open per indeling", "x"), ("open per week", "y"), ("terugkerend", "x")],
)
def test_count_axes_tick_in_whole_reports(name, channel):
    spec = all_charts()[name].to_dict()
    for ch, enc in encodings(spec):
        drawn = "axis" in enc  # overlays (threshold line) leave the format to the bars
        if ch == channel and "field" in enc and enc.get("type") == "quantitative" and drawn:
            axis = enc["axis"]
            assert axis["format"] == ",d" and axis["tickMinStep"] == 1


def test_open_per_week_has_a_legend_telling_bars_from_line():
    spec = charts.open_over_time(open_frame(), END).to_dict()
    coloured = {
        layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]: enc
        for layer in layers(spec)
        for ch, enc in layer.get("encoding", {}).items()
        if ch == "color"
    }
    assert set(coloured) == {"bar", "line"}
    domain = coloured["bar"]["scale"]["domain"]
    assert domain == [charts.NEW_SERIES, charts.OPEN_SERIES]
    assert "staven" in domain[0] and "lijn" in domain[1]


def test_turnaround_tells_median_from_p90_and_labels_the_targets():
    spec = turnaround_chart().to_dict()
    # Not two identical dots: median and p90 differ in dash and in point shape.
    dash = next(enc for ch, enc in encodings(spec) if ch == "strokeDash")
    shape = next(enc for ch, enc in encodings(spec) if ch == "shape")
    assert dash["field"] == shape["field"] == "maat" and dash["title"] == shape["title"]
    assert shape["scale"]["range"] == ["circle", "square"]
    assert dash["scale"]["range"][0] != dash["scale"]["range"][1]
    texts = [layer for layer in layers(spec) if _mark(layer) == "text"]
    labels = [row["label"] for row in _rows(spec, texts) if "label" in row]
    assert labels == ["Norm niet urgent: 24 uur", "Norm urgent: 8 uur"]


def test_the_month_still_running_is_marked_incomplete():
    spec = turnaround_chart().to_dict()
    assert [
        r["tekst"] for r in _rows(spec, [lay for lay in layers(spec) if _mark(lay) == "rect"])
    ] == ["lopende maand: nog niet compleet"]
    ended = turnaround_chart(pd.Timestamp("2026-12-01 00:00", tz="Europe/Amsterdam")).to_dict()
    assert not [lay for lay in layers(ended) if _mark(lay) == "rect"]


def test_the_week_still_running_is_marked_incomplete():
    spec = charts.open_over_time(open_frame(), END).to_dict()
    rects = [lay for lay in layers(spec) if _mark(lay) == "rect"]
    assert [r["tekst"] for r in _rows(spec, rects)] == ["lopende week: nog niet compleet"]


def _mark(layer: dict) -> str:
    mark = layer.get("mark", "")
    return mark["type"] if isinstance(mark, dict) else mark


def _rows(spec: dict, chosen: list[dict]) -> list[dict]:
    rows = []
    for layer in chosen:
        name = layer.get("data", {}).get("name")
        rows += spec.get("datasets", {}).get(name, [])
    return rows


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (119.0, "119 uur"),
        (0.0, "minder dan een uur"),
        (4.0, "4 uur"),
        (4.5, "4,5 uur"),
        (1234.0, "1.234 uur"),
    ],
)
def test_hours_read_as_dutch_without_a_trailing_zero(value, shown):
    """Issue 12: '119,0 uur' -> '119 uur', 'Wacht 0,0 uur' -> 'minder dan een uur'."""
    from lib import formatting

    assert formatting.hours(value) == shown
