"""Checks on what people type; every refusal is a clear Dutch message per field.

A service validates all input before it builds a single change, so bad input
never writes anything.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from babel.numbers import NumberFormatError, parse_decimal

MAX_SHORT = 200
MAX_LONG = 5000

_EMAIL = re.compile(
    r"^[^@\s<>\"',;]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
_AMOUNT = re.compile(r"^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$")


class ValidationError(Exception):
    """One or more fields are wrong: `errors` maps field name to Dutch message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class Form:
    """Collects field errors, so the user sees every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def check(self, field: str, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ValueError as e:
            self.errors[field] = str(e)
            return None

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def text(
    value: str | None, label: str, *, required=True, max_len=MAX_SHORT, multiline=False
) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValueError(f"{label} is verplicht.")
    if len(value) > max_len:
        raise ValueError(
            f"{label} is te lang ({_count(len(value))} tekens, maximaal {_count(max_len)})."
        )
    allowed = {"\n", "\t"} if multiline else set()
    if any(
        unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value.replace("\r\n", "\n")
    ):
        raise ValueError(f"{label} bevat onzichtbare stuurtekens; typ de tekst opnieuw.")
    return value.replace("\r\n", "\n")


def email(value: str | None, label: str = "E-mailadres", *, required=True) -> str:
    value = text(value, label, required=required)
    if value and not _EMAIL.match(value):
        raise ValueError(f"{label} '{value}' is geen geldig e-mailadres.")
    return value.lower()


def amount_cents(value: str | None, label: str = "Bedrag", *, allow_negative=False) -> int:
    """Parse a Dutch amount such as '1.234,56' into cents."""
    raw = (value or "").strip().replace("€", "").replace(" ", "")
    if not raw:
        raise ValueError(f"{label} is verplicht.")
    negative = raw.startswith("-")
    digits = raw.removeprefix("-")
    if negative and not allow_negative:
        raise ValueError(f"{label} mag niet negatief zijn.")
    if not _AMOUNT.match(digits):
        raise ValueError(f"{label} '{value}' is geen geldig bedrag; schrijf bijvoorbeeld 1.234,56.")
    try:
        decimal = parse_decimal(digits, locale="nl_NL", strict=False)
    except NumberFormatError as e:
        raise ValueError(f"{label} '{value}' is geen geldig bedrag.") from e
    cents = int((decimal * 100).to_integral_value())
    if cents > 100_000_000_00:
        raise ValueError(f"{label} is onwaarschijnlijk hoog.")
    return -cents if negative else cents


def day(value: str | date | None, label: str = "Datum") -> date:
    """A date typed as dd-mm-jjjj (or a date from a date picker)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = (value or "").strip()
    if not raw:
        raise ValueError(f"{label} is verplicht.")
    try:
        return datetime.strptime(raw, "%d-%m-%Y").date()
    except ValueError:
        raise ValueError(f"{label} '{raw}' is geen geldige datum; gebruik dd-mm-jjjj.") from None


def choice(value: str | None, options, label: str) -> str:
    """`label` is the field's own label on the form, so the message names that field."""
    if value in (None, ""):
        raise ValueError(f"{label}: kies een van de mogelijkheden.")
    if value not in options:
        raise ValueError(f"{label}: kies een geldige waarde uit de lijst.")
    return value


def url(value: str | None, label: str = "Link naar document") -> str:
    value = text(value, label, required=False, max_len=2000)
    if value and not re.match(r"^https?://\S+$", value):
        raise ValueError(f"{label} moet beginnen met http:// of https://.")
    return value


def _count(n: int) -> str:
    """5000 as '5.000': Dutch thousands separator in messages."""
    return f"{n:,}".replace(",", ".")
