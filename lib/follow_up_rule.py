"""Opvolgen before the check moment (2.2 steps 3-4): what the MAZ may record.

The procedure waits 24 hours and checks the next day (step 3). Before that
moment a report may already be solved: the MAZ removes it (step 4, "opgelost",
nothing to wait for). Ordering at Nemesys before the check moment skips the
wait the MAZ herself decided on, so it is not a follow-up result but a change
of her assessment: the report is declared urgent after all, with a reason,
and the order goes out at once (2.1 steps 2 and 3b). After the check moment
"niet opgelost" is the plain step 4.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from babel.dates import format_date

from lib import formatting
from lib.workdays import AMSTERDAM

# The procedure table's steps for each case (lib/procedure.py).
ORDER_AFTER_CHECK = ("follow_up_not_solved",)
ORDER_EARLY = ("reclassify_urgent", "place_order")


@dataclass(frozen=True)
class FollowUpChoice:
    """What the Opvolgen form offers for one report at one moment (Dutch labels)."""

    early: bool
    note_label: str
    solved_label: str
    order_label: str
    hint: str  # '' after the check moment


def before_check(ticket: dict, now: datetime) -> bool:
    """Whether the check moment of this not-urgent report is still to come."""
    due = formatting.parse_iso(ticket.get("check_due_at") or "")
    return due is not None and now < due


def order_actions(ticket: dict, now: datetime) -> tuple[str, ...]:
    """The steps of 'order at Nemesys' from Opvolgen, as the procedure has them now."""
    return ORDER_EARLY if before_check(ticket, now) else ORDER_AFTER_CHECK


def choice(ticket: dict, now: datetime) -> FollowUpChoice:
    solved = "Opgelost: melding verwijderen"
    if not before_check(ticket, now):
        return FollowUpChoice(
            False,
            "Contact met melder of locatie, en wat u zelf heeft geprobeerd (verplicht)",
            solved,
            "Niet opgelost: opdracht aan Nemesys",
            "",
        )
    due = formatting.moment(ticket["check_due_at"])
    return FollowUpChoice(
        True,
        "Wat u weet van melder of locatie; bij 'alsnog urgent' de reden (verplicht)",
        solved,
        "Alsnog urgent: nu opdracht aan Nemesys",
        f"De controle is pas op {due}. Is de storing al opgelost, dan kunt u de melding nu "
        "verwijderen. Een opdracht vóór de controle betekent dat de melding alsnog urgent "
        "is: geef de reden op.",
    )


def wait_rule(check_due_at: str, check_time: time) -> str:
    """The not-urgent wait in words: the rule, then the moment it gives for this report.

    The procedure's "24 uur wachttijd ... de volgende dag" is the next working day
    at the check time (lib/workdays.py), not 24 hours on the clock: a report
    assessed at 19:14 is checked the next morning.
    """
    due = formatting.parse_iso(check_due_at).astimezone(AMSTERDAM)
    weekday = format_date(due, "EEEE", locale=formatting.LOCALE)
    return (
        f"controle de volgende werkdag om {check_time.strftime('%H:%M')}, "
        f"dat is {weekday} {formatting.moment(due)}"
    )
