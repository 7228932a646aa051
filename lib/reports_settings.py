"""Targets, budget and thresholds of the Overzicht page, with their defaults.

Every value can be overridden in the [app] table of .streamlit/secrets.toml
(`config.extra`); a value that cannot be read keeps its default and is reported
in Dutch, so a typo shows on the page instead of silently changing a figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from lib.config import Config
from lib.workdays import WorkdayConfig


@dataclass(frozen=True)
class Targets:
    """Nemesys turnaround targets, in working hours."""

    confirm_urgent: float = 1.0  # an urgent order is confirmed within the hour
    confirm_not_urgent: float = 4.0
    resolve_urgent: float = 8.0  # one working day
    resolve_not_urgent: float = 24.0  # about three working days

    def hours(self, measure: str, urgency: str) -> float:
        suffix = "urgent" if urgency == "urgent" else "not_urgent"
        return getattr(self, f"{measure}_{suffix}")


# config.extra key -> Targets field
TARGET_KEYS = {f"target_{f.name}_hours": f.name for f in fields(Targets)}


@dataclass(frozen=True)
class Settings:
    targets: Targets = field(default_factory=Targets)
    yearly_budget_cents: int = 0  # 0: no budget set
    recurring_min_reports: int = 3
    recurring_window_days: int = 30
    cost_basis: str = "incl"  # "incl" or "excl" btw: which invoice amount counts as cost
    workday: WorkdayConfig = field(default_factory=WorkdayConfig)
    problems: tuple[str, ...] = ()  # Dutch notes about settings that were ignored


def settings_from(config: Config) -> Settings:
    extra: Mapping = config.extra or {}
    problems: list[str] = []

    def number(key: str, default: float, *, whole: bool = False, minimum: float = 0) -> float:
        raw = extra.get(key)
        if raw is None or raw == "":
            return default
        try:
            value = float(str(raw).replace(",", "."))
        except ValueError:
            value = minimum - 1
        if value < minimum or (whole and value != int(value)):
            problems.append(f"Instelling {key} = {raw!r} is ongeldig; de standaard geldt.")
            return default
        return int(value) if whole else value

    targets = Targets(
        **{name: number(key, getattr(Targets, name)) for key, name in TARGET_KEYS.items()}
    )
    basis = str(extra.get("cost_basis", "incl"))
    if basis not in {"incl", "excl"}:
        problems.append(f"Instelling cost_basis = {basis!r} is ongeldig; incl. btw geldt.")
        basis = "incl"
    return Settings(
        targets=targets,
        yearly_budget_cents=round(number("yearly_budget_eur", 0) * 100),
        recurring_min_reports=int(number("recurring_min_reports", 3, whole=True, minimum=2)),
        recurring_window_days=int(number("recurring_window_days", 30, whole=True, minimum=1)),
        cost_basis=basis,
        workday=WorkdayConfig(config.check_time, config.day_start, config.day_end),
        problems=tuple(problems),
    )
