"""The Overzicht's tables: Dutch columns for the screen, and .xlsx / CSV files (bytes).

One spec per table names its Dutch header, source column and kind. The screen
gets Dutch strings (lib.formatting); the files get typed cells (dates, euros)
so Excel can sort and sum them. All text is neutralised (lib.safe_text) so a
typed "=..." never becomes a formula when the file is opened.
"""

from __future__ import annotations

import io

import pandas as pd
from babel.dates import format_date

from lib import formatting
from lib import reports_costs as costs
from lib import reports_open as opened
from lib import reports_turnaround as turnaround
from lib.procedure import status_label
from lib.reports import View
from lib.safe_text import for_export

_T = "text"
SPECS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Open meldingen": (
        ("Meldingsnummer", "number", _T),
        ("Gemeld op", "created_at", "moment"),
        ("Locatie", "location", _T),
        ("Categorie", "category_label", _T),
        ("Urgentie", "urgency_label", _T),
        ("Status", "status_label", _T),
        ("Open sinds (dagen)", "age_days", "decimal"),
    ),
    "Te late controles": (
        ("Meldingsnummer", "number", _T),
        ("Locatie", "location", _T),
        ("Categorie", "category_label", _T),
        ("Controle gepland", "check_due_at", "moment"),
        ("Uren te laat", "hours_late", "decimal"),
    ),
    "Opdrachten": (
        ("Meldingsnummer", "number", _T),
        ("Locatie", "location", _T),
        ("Categorie", "category_label", _T),
        ("Urgentie", "urgency_label", _T),
        ("Opdracht gegeven op", "ordered_at", "moment"),
        ("Bevestigd op", "confirmed_at", "moment"),
        ("Opgelost op", "resolved_at", "moment"),
        ("Tot bevestiging (werkuren)", "confirm_wh", "decimal"),
        ("Tot bevestiging (kalenderuren)", "confirm_ch", "decimal"),
        ("Tot oplossing (werkuren)", "resolve_wh", "decimal"),
        ("Tot oplossing (kalenderuren)", "resolve_ch", "decimal"),
    ),
    "Gemiste normen": (
        ("Meldingsnummer", "number", _T),
        ("Locatie", "location", _T),
        ("Urgentie", "urgency_label", _T),
        ("Opdracht gegeven op", "ordered_at", "moment"),
        ("Doorlooptijd", "measure", _T),
        ("Werkuren", "hours", "decimal"),
        ("Norm (werkuren)", "norm", "decimal"),
        ("Stand", "state", _T),
    ),
    "Factuurregels": (
        ("Factuurnummer", "number", _T),
        ("Soort", "kind", "invoice_kind"),
        ("Status", "status", "status"),
        ("Telt mee als gefactureerd", "counted", "yesno"),
        ("Factuurdatum", "invoice_date", "day"),
        ("Betaald op", "paid_on", "day"),
        ("Locatie", "location", _T),
        ("Categorie", "category_label", _T),
        ("Aandeel excl. btw", "amount_excl_cents", "money"),
        ("Aandeel incl. btw", "amount_incl_cents", "money"),
    ),
    "Kosten per maand": (
        ("Maand", "month", "month"),
        ("Gefactureerd", "invoiced_cents", "money"),
        ("Betaald", "paid_cents", "money"),
    ),
    "Offerte en factuur": (
        ("Meldingsnummer", "number", _T),
        ("Locatie", "location", _T),
        ("Offerte goedgekeurd (excl. btw)", "approved_cents", "money"),
        ("Gefactureerd (excl. btw)", "invoiced_cents", "money"),
        ("Verschil", "deviation_cents", "money"),
        ("Verschil (%)", "deviation_pct", "decimal"),
        ("Stand", "state", _T),
    ),
    "Afgekeurde facturen": (
        ("Factuurnummer", "number", _T),
        ("Factuurdatum", "invoice_date", "day"),
        ("Bedrag incl. btw", "amount_incl_cents", "money"),
        ("Status", "status", "status"),
        ("Reden afkeuring", "rejection_reason", _T),
    ),
    "Terugkerende storingen": (
        ("Locatie", "location", _T),
        ("Categorie", "category_label", _T),
        ("Meeste meldingen in één venster", "max_in_window", "int"),
        ("Meldingen in de periode", "reports", "int"),
        ("Venster vanaf", "window_start", "moment"),
        ("Laatste melding", "last", "moment"),
    ),
}


def collect(v: View) -> dict[str, pd.DataFrame]:
    """Every table of the page for this View, as the figure functions return them."""
    times = turnaround.order_times(v)
    lines = v.frames.invoice_lines
    return {
        "Open meldingen": opened.open_reports(v),
        "Te late controles": opened.overdue_checks(v),
        "Opdrachten": times,
        "Gemiste normen": turnaround.missed_targets(times, v.settings.targets),
        "Factuurregels": lines[v.in_period(lines.invoice_date)],
        "Kosten per maand": costs.per_month(v),
        "Offerte en factuur": costs.quotes_against_invoices(v),
        "Afgekeurde facturen": costs.rejected_invoices(v),
        "Terugkerende storingen": opened.recurring_trouble(v),
    }


def month_label(month) -> str:
    """'november 2026'."""
    return format_date(month, "LLLL yyyy", locale=formatting.LOCALE)


def _naive(values: pd.Series) -> pd.Series:
    """Wall-clock Amsterdam times without zone (Excel has none); empty columns as datetimes."""
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values, utc=True).dt.tz_convert("Europe/Amsterdam")
    return values.dt.tz_localize(None) if values.dt.tz else values


_SCREEN = {
    _T: lambda s: s.astype("str"),
    "moment": lambda s: s.map(lambda m: "" if pd.isna(m) else formatting.moment(m)),
    "day": lambda s: s.map(lambda m: "" if pd.isna(m) else formatting.day(m.date())),
    "month": lambda s: s.map(month_label),
    "money": lambda s: s.map(formatting.money),
    "decimal": lambda s: s.map(lambda x: "" if pd.isna(x) else formatting.number(x, 1)),
    "int": lambda s: s.map(formatting.number),
    "status": lambda s: s.astype("str").map(status_label),
    "yesno": lambda s: s.map({True: "ja", False: "nee"}),
    "invoice_kind": lambda s: s.astype("str").map(_invoice_kind),
}
_FILE = {
    _T: lambda s: s.astype("str").map(for_export),
    "moment": _naive,
    "day": lambda s: _naive(s).dt.date,
    "month": lambda s: pd.to_datetime(s).dt.date,
    "money": lambda s: s / 100,
    "decimal": lambda s: s.astype(float).round(2),
    "int": lambda s: s.astype("int64"),
    "status": lambda s: s.astype("str").map(status_label).map(for_export),
    "yesno": lambda s: s.map({True: "ja", False: "nee"}),
    "invoice_kind": lambda s: s.astype("str").map(_invoice_kind),
}


def _invoice_kind(kind: str) -> str:
    """The stored type ('factuur', 'creditnota') as the Facturen page names it."""
    return {"factuur": "Factuur", "creditnota": "Creditnota"}.get(kind, kind)


def _shaped(name: str, raw: pd.DataFrame, converters: dict) -> pd.DataFrame:
    spec = SPECS[name]
    return pd.DataFrame(
        {header: converters[kind](raw[column]) for header, column, kind in spec},
        columns=[header for header, _c, _k in spec],
    ).reset_index(drop=True)


def for_screen(name: str, raw: pd.DataFrame) -> pd.DataFrame:
    return _shaped(name, raw, _SCREEN)


def for_file(name: str, raw: pd.DataFrame) -> pd.DataFrame:
    return _shaped(name, raw, _FILE)


def xlsx(tables: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per table, typed cells with Dutch-readable number and date formats."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, raw in tables.items():
            frame = for_file(name, raw)
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            for i, (header, _column, kind) in enumerate(SPECS[name], start=1):
                letter = sheet.cell(row=1, column=i).column_letter
                sheet.column_dimensions[letter].width = max(12, len(header) + 2)
                fmt = _XLSX_FORMATS.get(kind)
                if fmt:
                    for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                        cell.number_format = fmt
            sheet.freeze_panes = "A2"
    return buffer.getvalue()


_XLSX_FORMATS = {
    "moment": "dd-mm-yyyy hh:mm",
    "day": "dd-mm-yyyy",
    "month": "mm-yyyy",
    "money": "€ #,##0.00",
    "decimal": "0.0",
}


def csv(name: str, raw: pd.DataFrame) -> bytes:
    """A CSV as Dutch Excel reads it: semicolons, decimal comma, dd-mm-jjjj, UTF-8 with BOM."""
    frame = for_file(name, raw)
    for header, _column, kind in SPECS[name]:
        if kind == "moment":
            frame[header] = frame[header].dt.strftime("%d-%m-%Y %H:%M").fillna("")
        elif kind in {"day", "month"}:
            pattern = "%d-%m-%Y" if kind == "day" else "%m-%Y"
            frame[header] = frame[header].map(
                lambda d, p=pattern: "" if pd.isna(d) else d.strftime(p)
            )
    text = frame.to_csv(sep=";", decimal=",", index=False, float_format="%.2f")
    return text.encode("utf-8-sig")
