"""A second look at large amounts: a quote above a configurable amount needs confirming.

A typing slip (€ 1.234.567,89 for € 1.234,56) would otherwise go to the directie
as is. The limit is a setting on Beheer (`quote_confirm_above_eur`).
"""

from __future__ import annotations

from lib import app_settings, formatting
from lib.config import Config

SETTING = "quote_confirm_above_eur"
DEFAULT_EUR = app_settings.EDITABLE[SETTING].default


def limit_cents(config: Config) -> int:
    """The amount above which a quote must be confirmed, in cents (0: never ask)."""
    raw = str((config.extra or {}).get(SETTING, DEFAULT_EUR)).replace(",", ".")
    try:
        return max(0, round(float(raw) * 100))
    except ValueError:
        return round(float(DEFAULT_EUR) * 100)


def needs_confirmation(amount_cents: int, config: Config) -> bool:
    limit = limit_cents(config)
    return bool(limit) and amount_cents > limit


def refusal(amount_cents: int, config: Config) -> str:
    return (
        f"{formatting.money(amount_cents)} is meer dan {formatting.money(limit_cents(config))}: "
        "controleer het bedrag en vink 'Bedrag gecontroleerd' aan."
    )


def checkbox_label(config: Config) -> str:
    return f"Bedrag gecontroleerd (nodig boven {formatting.money(limit_cents(config))})"
