"""What the Facturen page shows of invoices (2.1 step 9): kinds, which are done, what comes next.

No Streamlit: lib/ui/invoices.py draws it.
"""

from __future__ import annotations

from collections.abc import Iterable

from lib import procedure
from lib.procedure import ROLE_LABELS, Actor, Invoice

DONE = {Invoice.PAID, Invoice.SUPERSEDED}
KINDS = {"factuur": "Factuur", "creditnota": "Creditnota"}
# Dutch label -> the column holding that note
NOTES = {"Reden van afkeuring": "rejection_reason", "Contact met Nemesys": "nemesys_contact_note"}


def by_registration(invoices: Iterable[dict]) -> list[dict]:
    return sorted(invoices, key=lambda i: i["registered_at"])


def in_hand(invoices: list[dict]) -> list[dict]:
    return [i for i in invoices if i["status"] not in DONE]


def settled(invoices: list[dict]) -> list[dict]:
    return [i for i in invoices if i["status"] in DONE]


def offered_steps(invoice: dict, who: Actor, offered: Iterable[str]) -> list[str]:
    """Of the steps the page offers (in its order), those this person may take now."""
    allowed = {s.action for s in procedure.allowed_actions("invoice", invoice["status"], who)}
    return [a for a in offered if a in allowed]


def next_steps(invoice: dict) -> list[str]:
    """For someone who can do nothing here: the next step in Dutch, and whose it is."""
    lines = []
    for t in (t for t in procedure.TRANSITIONS["invoice"] if invoice["status"] in t.sources):
        roles = " of ".join(ROLE_LABELS[r] for r in sorted(t.roles))
        lines.append(f"Volgende stap: {t.label} (door {roles}).")
    return lines


def may_register(who: Actor) -> bool:
    return any(s.action == "register" for s in procedure.allowed_actions("invoice", "", who))
