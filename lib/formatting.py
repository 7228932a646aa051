"""Dutch presentation of money, numbers, dates and times (Babel)."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from lib.workdays import AMSTERDAM

LOCALE = "nl_NL"


def money(cents: int | None) -> str:
    if cents is None:
        return ""
    return format_currency(cents / 100, "EUR", locale=LOCALE)


def amount(cents: int | None) -> str:
    """1234,5 euro as typed in a field: '1.234,50' (no currency sign)."""
    if cents is None:
        return ""
    return format_decimal(cents / 100, format="#,##0.00", locale=LOCALE)


def number(value: float, decimals: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def parse_iso(value: str) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def day(value: date | datetime | str | None) -> str:
    if isinstance(value, str):
        value = parse_iso(value) if "T" in value else (date.fromisoformat(value) if value else None)
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(AMSTERDAM).date()
    return format_date(value, "dd-MM-yyyy", locale=LOCALE)


def moment(value: datetime | str | None) -> str:
    if isinstance(value, str):
        value = parse_iso(value)
    if value is None:
        return ""
    return format_datetime(value, "dd-MM-yyyy HH:mm", tzinfo=AMSTERDAM, locale=LOCALE)


def hours(value: float) -> str:
    """'119 uur', '4,5 uur', 'minder dan een uur': no '119,0 uur' or '0,0 uur'."""
    if value < 1:
        return "minder dan een uur"
    return f"{format_decimal(round(value, 1), format='#,##0.#', locale=LOCALE)} uur"


def whole_euros(cents) -> str:
    """Whole euros, so a large amount fits a metric; the tables show cents."""
    return "€ " + number(round(int(cents) / 100))
