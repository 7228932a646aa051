"""Kivido's outage procedure as data: states, allowed transitions, who may act.

Every change of status anywhere in the app is checked against TRANSITIONS and
nowhere else. Step numbers refer to the procedure document (2.1 urgent,
2.2 not urgent); see ../shared/procedure/.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
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
    """Who acts: a name, the roles they hold and their e-mail address.

    `role` is the role shown by default; `roles` is every role the person holds
    (one person may be both MAZ and directie). Every check asks `roles`.
    """

    name: str
    role: Role
    email: str = ""
    roles: frozenset[Role] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))
        object.__setattr__(self, "roles", frozenset(Role(r) for r in self.roles) | {self.role})

    def role_among(self, allowed: Iterable[Role]) -> Role | None:
        """The first of this person's roles (in Role order) that `allowed` admits."""
        allowed = set(allowed)
        return next((r for r in Role if r in self.roles and r in allowed), None)


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
    LINKED = "gekoppeld"  # issue 14: a duplicate of another open report's outage


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


class Message(StrEnum):
    QUEUED = "wachtrij"
    SENDING = "bezig"  # claimed by the sender; back in the queue if it never finishes
    SENT = "verzonden"
    FAILED = "mislukt"  # the mail server refused it for good; the MAZ can retry


class Communication(StrEnum):
    OPEN = "open"
    DONE = "afgerond"


# The ticket states in which the ticket is still someone's work.
# A linked report is nobody's work: its outage is handled on the main report.
OPEN_TICKET_STATES = frozenset(Ticket) - {Ticket.CLOSED, Ticket.REMOVED, Ticket.LINKED}


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[Role]
    step: str  # where the procedure asks for it
    label: str  # Dutch, for timelines and buttons


# Run only while TRANSITIONS is built at import, before mutmut can switch a mutant on:
# tests/test_procedure_oracle.py checks the table it builds.
def _tr(action, sources, target, roles, step, label) -> Transition:  # pragma: no mutate block
    return Transition(action, frozenset(sources), target, frozenset(roles), step, label)


_MAZ = {Role.MAZ}
# Anyone who works at Kivido may report an outage they suffer (2.1/2.2 step 1).
_REPORTERS = set(Role)
_T = Ticket

TRANSITIONS: dict[str, tuple[Transition, ...]] = {
    "ticket": (
        _tr("submit", {""}, _T.NEW, _REPORTERS, "2.1.1", "Melding ingediend"),
        # A location without internet or phone calls the MAZ, who reports for the caller.
        _tr("submit_on_behalf", {""}, _T.NEW, _MAZ, "2.1.1", "Melding namens melder geregistreerd"),
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
            "Beoordeeld als niet urgent: controle volgende werkdag",
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
        # Issue 14: while assessing (2.1 step 2) the MAZ recognises a report of an
        # outage already reported: no order and no mail to Nemesys of its own.
        _tr(
            "link_duplicate",
            {_T.NEW, _T.INVESTIGATING},
            _T.LINKED,
            _MAZ,
            "2.1.2",
            "Gekoppeld aan een bekende storing",
        ),
        # Undone while the main report is open: back in the triage queue.
        _tr("unlink", {_T.LINKED}, _T.NEW, _MAZ, "2.1.2", "Koppeling ongedaan gemaakt"),
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
    "message": (
        # Without SMTP the MAZ sends a queued (or failed) mail herself and marks it sent.
        _tr(
            "send",
            {Message.QUEUED, Message.FAILED},
            Message.SENT,
            _MAZ,
            "2.1.5",
            "Bericht verzonden",
        ),
        _tr("retry", {Message.FAILED}, Message.QUEUED, _MAZ, "2.1.5", "Opnieuw versturen"),
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


log = logging.getLogger("kivido.access")


class IllegalTransition(Exception):
    """A status change the procedure does not allow; nothing was changed."""


def transition(entity: str, action: str) -> Transition:
    for t in TRANSITIONS[entity]:
        if t.action == action:
            return t
    raise IllegalTransition(f"Onbekende actie '{action}' voor {entity}.")


def as_actor(who: Actor | Role) -> Actor:
    """Checks accept a bare role (tests, CLI) or the acting person."""
    return who if isinstance(who, Actor) else Actor(ROLE_LABELS[Role(who)], Role(who))


def refuse(who: Actor | Role, message: str) -> IllegalTransition:
    """A refusal: logged (who tried what), then raised by the caller; nothing changes."""
    actor = as_actor(who)
    roles = ",".join(sorted(actor.roles))
    log.warning("geweigerd: %s (%s, %s): %s", actor.name, actor.email or "-", roles, message)
    return IllegalTransition(message)


def check_role(entity: str, action: str, who: Actor | Role) -> Transition:
    """Return the transition if `who` may do `action` at all, else raise."""
    t = transition(entity, action)
    actor = as_actor(who)
    if actor.role_among(t.roles) is None:
        held = ", ".join(ROLE_LABELS[r] for r in Role if r in actor.roles)
        raise refuse(actor, f"'{t.label}' mag niet door de rol {held}.")
    return t


def check(entity: str, action: str, current: str, who: Actor | Role) -> Transition:
    """Return the transition if `who` may do `action` from `current`, else raise."""
    t = check_role(entity, action, who)
    if current not in t.sources:
        raise refuse(who, f"'{t.label}' kan niet vanuit status '{status_label(current)}'.")
    return t


def acting_role(entity: str, action: str, who: Actor | Role) -> Role:
    """The role in which `who` takes this step (recorded on the event)."""
    actor = as_actor(who)
    steps = [t for t in TRANSITIONS.get(entity, ()) if t.action == action]
    return (actor.role_among(steps[0].roles) if steps else None) or actor.role


def allowed_actions(entity: str, current: str, who: Actor | Role) -> list[Transition]:
    roles = as_actor(who).roles
    return [t for t in TRANSITIONS[entity] if current in t.sources and roles & t.roles]


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
    Ticket.LINKED: "Gekoppeld aan een bekende storing",
    "": "(geen)",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())
