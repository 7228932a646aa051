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
    """The one check every typed text goes through (see `unusable_character`)."""
    value = (value or "").replace("\r\n", "\n").strip()
    if required and not value:
        raise ValueError(f"{label} is verplicht.")
    if len(value) > max_len:
        raise ValueError(
            f"{label} is te lang ({_count(len(value))} tekens, maximaal {_count(max_len)})."
        )
    bad = unusable_character(value, multiline=multiline)
    if bad is not None and unicodedata.category(chr(int(bad[2:], 16))) == "Cc":
        raise ValueError(f"{label} bevat onzichtbare stuurtekens; typ de tekst opnieuw.")
    if bad is not None:
        raise ValueError(f"{label} bevat een ongeldig teken ({bad}); typ de tekst opnieuw.")
    return value


def unusable_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character no store or export format takes safely, as U+XXXX; else None.

    Refused: control characters (only newline and tab in multi-line text; a lone
    CR would start a new row in a CSV reader), lone surrogates (not encodable as
    UTF-8: SQLite and the Sheets API fail on them) and Unicode noncharacters such
    as U+FFFE/U+FFFF (XML, hence xlsx, forbids them).
    """
    allowed = {"\n", "\t"} if multiline else set()
    for ch in value:
        if ch in allowed:
            continue
        if unicodedata.category(ch) in ("Cc", "Cs") or _noncharacter(ord(ch)):
            return f"U+{ord(ch):04X}"
    return None


def _noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


# Characters that change nothing a person sees in an identifier: zero-width
# spaces and joiners, word joiner, BOM (zero-width no-break space), soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def identifier_key(value: str | None) -> str:
    """An identifier (an invoice number) in the form two of them are compared in.

    `NEM-2026-0042`, `nem-2026-0042 ` and the same with a zero-width space or a
    BOM are one invoice: compatibility-normalised (NFKC, so full-width digits
    count as digits), without invisible characters or whitespace, case-folded.
    """
    folded = unicodedata.normalize("NFKC", (value or "").translate(_INVISIBLE)).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) != "Cf")


def actor_name(name: str | None) -> str:
    """The acting person's name as it goes on the timeline: the same check as typed text."""
    f = Form()
    checked = f.check("actor_name", text, name, "Uw naam")
    f.done()
    return checked


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
