"""Settings the MAZ changes on Beheer: check time, working day, targets, budget.

They start as the [app] keys of secrets.toml (or the built-in defaults) and a
value saved on Beheer, kept in the `settings` table, wins over them. Every
value is checked here before it is stored, so a typo never reaches a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import time

from lib import people, validation
from lib.config import Config
from lib.procedure import ROLE_LABELS, Actor, Role, refuse
from lib.repository import Insert, Repository, Update
from lib.snapshot import Snapshot


@dataclass(frozen=True)
class Setting:
    label: str  # Dutch, on Beheer
    kind: str  # "time", "number", "whole" or "choice"
    default: str
    choices: tuple[str, ...] = ()
    minimum: float = 0


EDITABLE: dict[str, Setting] = {
    "check_time": Setting(
        "Controlemoment niet-urgente meldingen (volgende werkdag)", "time", "09:00"
    ),
    "day_start": Setting("Begin van de werkdag", "time", "08:30"),
    "day_end": Setting("Einde van de werkdag", "time", "17:00"),
    "confirmation_alert_working_hours": Setting(
        "Opdracht onbevestigd door Nemesys: signaal na (werkuren)", "number", "4"
    ),
    "target_confirm_urgent_hours": Setting("Doel bevestiging urgent (werkuren)", "number", "1"),
    "target_confirm_not_urgent_hours": Setting(
        "Doel bevestiging niet urgent (werkuren)", "number", "4"
    ),
    "target_resolve_urgent_hours": Setting("Doel oplossing urgent (werkuren)", "number", "8"),
    "target_resolve_not_urgent_hours": Setting(
        "Doel oplossing niet urgent (werkuren)", "number", "24"
    ),
    "yearly_budget_eur": Setting("ICT-budget per jaar in euro (0 = geen)", "number", "0"),
    "recurring_min_reports": Setting("Terugkerende storing: aantal meldingen", "whole", "3"),
    "recurring_window_days": Setting("Terugkerende storing: binnen dagen", "whole", "30"),
    "cost_basis": Setting("Kosten tonen", "choice", "incl", ("incl", "excl")),
    # AVG: personal data of reports closed or removed this long ago is purged (lib/privacy.py).
    "retention_months": Setting(
        "Bewaartermijn persoonsgegevens na afsluiten (maanden)", "whole", "24", minimum=1
    ),
    # Issue 14: Beoordelen offers reports this close in time as the same outage.
    "duplicate_window_hours": Setting(
        "Mogelijk dezelfde storing: gemeld binnen (uren)", "number", "24"
    ),
    "quote_confirm_above_eur": Setting(
        "Offerte boven dit bedrag (euro) laten bevestigen (0 = nooit)", "number", "10000"
    ),
}


def parse(key: str, raw: str) -> str:
    """The value as it is stored, or ValueError with a Dutch message."""
    setting = EDITABLE[key]
    value = validation.text(raw, setting.label, max_len=20)
    if setting.kind == "time":
        try:
            return time.fromisoformat(value).strftime("%H:%M")
        except ValueError:
            raise ValueError(f"{setting.label}: schrijf een tijd als 09:00.") from None
    if setting.kind == "choice":
        return validation.choice(value, setting.choices, setting.label)
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise ValueError(f"{setting.label}: vul een getal in.") from None
    if number < 0 or (setting.kind == "whole" and number != int(number)):
        raise ValueError(
            f"{setting.label}: vul een positief {'geheel ' * (setting.kind == 'whole')}getal in."
        )
    if number < setting.minimum:
        raise ValueError(f"{setting.label}: vul minstens {setting.minimum:g} in.")
    return str(int(number)) if number == int(number) else str(number)


def current(config: Config, snapshot: Snapshot) -> dict[str, str]:
    """Every editable setting as it applies now: saved on Beheer, else secrets, else default."""
    stored = {row["key"]: row["value"] for row in snapshot.rows("settings")}
    extra = config.extra or {}
    return {
        key: str(stored.get(key, extra.get(key, setting.default)))
        for key, setting in EDITABLE.items()
    }


def applied(config: Config, snapshot: Snapshot) -> Config:
    """The configuration with the saved settings applied (what the rules use)."""
    values = current(config, snapshot)
    return replace(
        config,
        extra={**(config.extra or {}), **values},
        check_time=time.fromisoformat(values["check_time"]),
        day_start=time.fromisoformat(values["day_start"]),
        day_end=time.fromisoformat(values["day_end"]),
        confirmation_alert_working_hours=float(values["confirmation_alert_working_hours"]),
    )


def save(repo: Repository, actor: Actor, snapshot: Snapshot, form: dict) -> list[dict]:
    """Store the changed settings (MAZ only); bad values change nothing."""
    if actor.role_among(people.MANAGERS) is None:
        raise refuse(actor, f"Instellingen wijzigen mag alleen de {ROLE_LABELS[Role.MAZ]}.")
    f = validation.Form()
    values = {key: f.check(key, parse, key, form[key]) for key in EDITABLE if key in form}
    f.done()
    if (
        values.get("day_start")
        and values.get("day_end")
        and values["day_end"] <= values["day_start"]
    ):
        raise validation.ValidationError(
            {"day_end": "Het einde van de werkdag ligt voor het begin."}
        )
    rows = {row["key"]: row for row in snapshot.rows("settings")}
    changes = []
    for key, value in values.items():
        row = rows.get(key)
        if row is None:
            changes.append(Insert("settings", {"id": f"setting-{key}", "key": key, "value": value}))
        elif row["value"] != value:
            changes.append(Update("settings", row["id"], row["version"], {"value": value}))
    return repo.commit(changes) if changes else []
