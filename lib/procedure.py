"""Kivido's outage procedure as data: states, allowed transitions, who may act.

Every change of status anywhere in the app is checked against TRANSITIONS and
nowhere else. Step numbers refer to the procedure document (2.1 urgent,
2.2 not urgent); see ../shared/procedure/.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    STAFF = "medewerker"
    UNIT_MANAGER = "unitmanager"
    MAZ = "maz"  # Manager Algemene Zaken
    DIRECTIE = "directie"
    FINANCE = "financien"


ROLE_LABELS = {
    Role.STAFF: "Medewerker",
    Role.UNIT_MANAGER: "Unitmanager",
    Role.MAZ: "Manager Algemene Zaken",
    Role.DIRECTIE: "Directie",
    Role.FINANCE: "Afdeling financiën",
}


@dataclass(frozen=True)
class Actor:
    name: str
    role: Role


class Ticket(StrEnum):
    NEW = "nieuw"
    INVESTIGATING = "in_onderzoek"
    URGENT = "urgent"
    WAITING = "wacht_op_controle"  # not urgent: 24-hour wait (2.2 step 3)
    ORDERED = "opdracht_nemesys"
    CONFIRMED = "bevestigd_nemesys"
    QUOTE_PENDING = "offerte_bij_directie"
    RESOLVED = "opgelost"
    CLOSED = "afgesloten"
    REMOVED = "verwijderd"  # 2.2 step 4: removed is a status, never a delete


class Quote(StrEnum):
    RECEIVED = "ontvangen"
    APPROVED = "goedgekeurd"
    REJECTED = "afgewezen"


class Invoice(StrEnum):
    RECEIVED = "ontvangen"
    APPROVED = "goedgekeurd"
    PAID = "betaald"
    REJECTED = "afgekeurd"
    NEMESYS_CONTACTED = "nemesys_benaderd"
    SUPERSEDED = "vervangen"  # a corrected invoice or credit note replaced it


class Communication(StrEnum):
    OPEN = "open"
    DONE = "afgerond"


# The ticket states in which the ticket is still someone's work.
OPEN_TICKET_STATES = frozenset(Ticket) - {Ticket.CLOSED, Ticket.REMOVED}


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[Role]
    step: str  # where the procedure asks for it
    label: str  # Dutch, for timelines and buttons


def _tr(action, sources, target, roles, step, label) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), step, label)


_MAZ = {Role.MAZ}
_REPORTERS = {Role.STAFF, Role.UNIT_MANAGER, Role.MAZ}
_T = Ticket

TRANSITIONS: dict[str, tuple[Transition, ...]] = {
    "ticket": (
        _tr("submit", {""}, _T.NEW, _REPORTERS, "2.1.1", "Melding ingediend"),
        _tr("investigate", {_T.NEW}, _T.INVESTIGATING, _MAZ, "2.1.3a", "MAZ onderzoekt zelf"),
        _tr(
            "triage_urgent",
            {_T.NEW, _T.INVESTIGATING},
            _T.URGENT,
            _MAZ,
            "2.1.2",
            "Beoordeeld als urgent",
        ),
        _tr(
            "triage_not_urgent",
            {_T.NEW, _T.INVESTIGATING},
            _T.WAITING,
            _MAZ,
            "2.2.3",
            "Beoordeeld als niet urgent: 24 uur wachttijd",
        ),
        _tr("reclassify_urgent", {_T.WAITING}, _T.URGENT, _MAZ, "2.1.2", "Alsnog urgent verklaard"),
        _tr(
            "reclassify_not_urgent",
            {_T.URGENT},
            _T.WAITING,
            _MAZ,
            "2.2.3",
            "Alsnog niet urgent verklaard",
        ),
        _tr("place_order", {_T.URGENT}, _T.ORDERED, _MAZ, "2.1.3b", "Opdracht aan Nemesys gegeven"),
        _tr(
            "follow_up_not_solved",
            {_T.WAITING},
            _T.ORDERED,
            _MAZ,
            "2.2.4",
            "Niet opgelost: opdracht aan Nemesys",
        ),
        _tr(
            "follow_up_solved",
            {_T.WAITING},
            _T.REMOVED,
            _MAZ,
            "2.2.4",
            "Opgelost: melding verwijderd",
        ),
        _tr("confirm", {_T.ORDERED}, _T.CONFIRMED, _MAZ, "2.1.4", "Bevestigd door Nemesys"),
        _tr(
            "await_quote_decision",
            {_T.CONFIRMED},
            _T.QUOTE_PENDING,
            _MAZ,
            "2.1.7",
            "Offerte ligt bij de directie",
        ),
        _tr(
            "quote_decided",
            {_T.QUOTE_PENDING},
            _T.CONFIRMED,
            {Role.DIRECTIE},
            "2.1.7",
            "Directie heeft over de offerte besloten",
        ),
        _tr("resolve", {_T.CONFIRMED}, _T.RESOLVED, _MAZ, "2.1.8", "Opgelost"),
        _tr("close", {_T.RESOLVED}, _T.CLOSED, _MAZ, "2.1.8", "Opdracht afgesloten"),
        _tr(
            "reopen",
            {_T.RESOLVED, _T.CLOSED},
            _T.ORDERED,
            _MAZ,
            "2.1.8",
            "Heropend: opnieuw bij Nemesys",
        ),
    ),
    "quote": (
        _tr("register", {""}, Quote.RECEIVED, _MAZ, "2.1.7", "Offerte ontvangen"),
        _tr(
            "approve",
            {Quote.RECEIVED},
            Quote.APPROVED,
            {Role.DIRECTIE},
            "2.1.7",
            "Offerte goedgekeurd",
        ),
        _tr(
            "reject",
            {Quote.RECEIVED},
            Quote.REJECTED,
            {Role.DIRECTIE},
            "2.1.7",
            "Offerte afgewezen",
        ),
    ),
    "invoice": (
        _tr(
            "register",
            {""},
            Invoice.RECEIVED,
            {Role.FINANCE, Role.MAZ},
            "2.1.9",
            "Factuur ontvangen",
        ),
        _tr("approve", {Invoice.RECEIVED}, Invoice.APPROVED, _MAZ, "2.1.9", "Factuur goedgekeurd"),
        _tr("reject", {Invoice.RECEIVED}, Invoice.REJECTED, _MAZ, "2.1.9", "Factuur afgekeurd"),
        _tr("pay", {Invoice.APPROVED}, Invoice.PAID, {Role.FINANCE}, "2.1.9", "Factuur betaald"),
        _tr(
            "contact_nemesys",
            {Invoice.REJECTED},
            Invoice.NEMESYS_CONTACTED,
            _MAZ,
            "2.1.9",
            "Nemesys benaderd over afkeuring",
        ),
        _tr(
            "supersede",
            {Invoice.NEMESYS_CONTACTED},
            Invoice.SUPERSEDED,
            {Role.FINANCE, Role.MAZ},
            "2.1.9",
            "Vervangen door gecorrigeerde factuur",
        ),
    ),
    "communication": (
        _tr(
            "open",
            {""},
            Communication.OPEN,
            _MAZ | _REPORTERS,
            "2.1.6",
            "Communicatietaak aangemaakt",
        ),
        _tr(
            "complete",
            {Communication.OPEN},
            Communication.DONE,
            {Role.UNIT_MANAGER, Role.MAZ},
            "2.1.6",
            "Ouders en medewerkers geïnformeerd",
        ),
    ),
}


class IllegalTransition(Exception):
    """A status change the procedure does not allow; nothing was changed."""


def transition(entity: str, action: str) -> Transition:
    for t in TRANSITIONS[entity]:
        if t.action == action:
            return t
    raise IllegalTransition(f"Onbekende actie '{action}' voor {entity}.")


def check_role(entity: str, action: str, role: Role) -> Transition:
    """Return the transition if `role` may do `action` at all, else raise."""
    t = transition(entity, action)
    if role not in t.roles:
        raise IllegalTransition(f"'{t.label}' mag niet door de rol {ROLE_LABELS[Role(role)]}.")
    return t


def check(entity: str, action: str, current: str, role: Role) -> Transition:
    """Return the transition if `role` may do `action` from `current`, else raise."""
    t = check_role(entity, action, role)
    if current not in t.sources:
        raise IllegalTransition(f"'{t.label}' kan niet vanuit status '{status_label(current)}'.")
    return t


def allowed_actions(entity: str, current: str, role: Role) -> list[Transition]:
    return [t for t in TRANSITIONS[entity] if current in t.sources and role in t.roles]


def roles_for(entity: str, *actions: str) -> list[Role]:
    """Who may take any of these steps, in the order Role lists them (for page guards)."""
    allowed = set().union(*(transition(entity, a).roles for a in actions))
    return [r for r in Role if r in allowed]


STATUS_LABELS: dict[str, str] = {
    Ticket.NEW: "Nieuw",
    Ticket.INVESTIGATING: "In onderzoek bij MAZ",
    Ticket.URGENT: "Urgent",
    Ticket.WAITING: "Niet urgent: wacht op controle",
    Ticket.ORDERED: "Opdracht bij Nemesys",
    Ticket.CONFIRMED: "Bevestigd door Nemesys",
    Ticket.QUOTE_PENDING: "Offerte bij directie",
    Ticket.RESOLVED: "Opgelost",
    Ticket.CLOSED: "Afgesloten",
    Ticket.REMOVED: "Verwijderd (opgelost zonder Nemesys)",
    "": "(geen)",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())
