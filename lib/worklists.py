"""What waits for whom: the work lists on the Start page, one set per role.

Pure functions over a Snapshot and a moment (no Streamlit), so which items a
role sees is unit-tested without a page. The lists follow the procedure:
the MAZ triages new reports (2.1/2.2 step 2), checks not-urgent reports the
next working day (2.2 step 3), watches Nemesys's confirmations (2.1 step 4)
and checks invoices (2.1 step 9); the directie decides on quotes (step 7);
finance pays approved invoices (step 9); the unit manager informs parents and
staff of a phone or mail outage at their location (step 6); whoever reported
an outage follows it. A person with several roles gets every role's lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lib import audience, formatting, invoice_check, people, procedure, queues, workdays
from lib.catalog import CATEGORIES
from lib.procedure import OPEN_TICKET_STATES, Actor, Communication, Role, status_label
from lib.snapshot import Snapshot

# Waiting for the directie's decision / the MAZ's check / finance's payment: from the table.
QUOTE_WAITING = procedure.transition("quote", "approve").sources
INVOICE_TO_CHECK = procedure.transition("invoice", "approve").sources
INVOICE_TO_PAY = procedure.transition("invoice", "pay").sources
# Who reports outages and follows their own reports (2.1 step 1).
REPORTING_ROLES = frozenset({Role.STAFF, Role.UNIT_MANAGER})


@dataclass(frozen=True)
class Item:
    """One line: what it is, and where to act on it (page and report number)."""

    text: str
    page: str
    number: str = ""


@dataclass(frozen=True)
class WorkList:
    key: str
    title: str  # Dutch heading
    role: Role
    page: str  # the page where this work is done
    empty: str  # Dutch line when nothing waits
    items: tuple[Item, ...]


def _ticket_text(snapshot: Snapshot, ticket: dict) -> str:
    category = CATEGORIES.get(ticket["category"], ticket["category"])
    location = snapshot.location(ticket["location_id"])["name"]
    return f"{ticket['number']} · {category} · {location}"


def _maz_lists(snapshot: Snapshot, now: datetime, alert_hours: float, workday_config) -> list:
    buckets = queues.follow_up_buckets(snapshot, now)
    opvolgen, beoordelen = "pages/opvolgen.py", "pages/beoordelen.py"
    overdue = _report_items(
        buckets.overdue,
        opvolgen,
        lambda r: f"{r.title} · controle was {formatting.moment(r.ticket['check_due_at'])}",
    )
    today = _report_items(
        buckets.today,
        opvolgen,
        lambda r: f"{r.title} · controle om {formatting.moment(r.ticket['check_due_at'])[-5:]}",
    )
    new = _report_items(
        queues.triage_queue(snapshot, now),
        beoordelen,
        lambda r: f"{r.title} · {status_label(r.ticket['status'])} · gemeld {_ago(r.age)}",
    )
    unconfirmed = _report_items(
        invoice_check.unconfirmed_orders(snapshot, now, alert_hours, workday_config),
        "pages/nemesys.py",
        lambda w: (
            f"{_ticket_text(snapshot, w.ticket)} · opdracht sinds {formatting.moment(w.since)}"
            + (" · te lang onbevestigd" if w.overdue else "")
        ),
    )
    invoices = tuple(
        _invoice_item(snapshot, i, "pages/facturen.py")
        for i in _invoices_in(snapshot, INVOICE_TO_CHECK)
    )
    m = Role.MAZ
    return [
        WorkList(
            "checks_overdue", "Controles te laat", m, opvolgen, "Geen controles te laat.", overdue
        ),
        WorkList(
            "checks_today", "Controles vandaag", m, opvolgen, "Geen controles vandaag.", today
        ),
        WorkList(
            "new_reports",
            "Nieuwe meldingen om te beoordelen",
            m,
            beoordelen,
            "Geen nieuwe meldingen.",
            new,
        ),
        WorkList(
            "unconfirmed_orders",
            "Opdrachten nog niet bevestigd door Nemesys",
            m,
            "pages/nemesys.py",
            "Alle opdrachten zijn bevestigd.",
            unconfirmed,
        ),
        WorkList(
            "invoices_to_check",
            "Facturen te controleren",
            m,
            "pages/facturen.py",
            "Geen facturen te controleren.",
            invoices,
        ),
    ]


def _report_items(rows: Iterable, page: str, describe: Callable[[Any], str]) -> tuple[Item, ...]:
    """One line per queued report (anything with a `.ticket`), acted on at `page`."""
    return tuple(Item(describe(r), page, r.ticket["number"]) for r in rows)


def _ago(age: str) -> str:
    return age if age == "zojuist" else f"{age} geleden"


def _invoices_in(snapshot: Snapshot, statuses) -> list[dict]:
    rows = (i for i in snapshot.rows("invoices") if i["status"] in statuses)
    return sorted(rows, key=lambda i: i["registered_at"])


def _invoice_item(snapshot: Snapshot, invoice: dict, page: str) -> Item:
    numbers = []
    for order_id in invoice_check.invoice_order_ids(invoice):
        order = snapshot.get("orders", order_id)
        ticket = snapshot.ticket(order["ticket_id"]) if order else None
        if ticket and ticket["number"] not in numbers:
            numbers.append(ticket["number"])
    kind = "Creditnota" if invoice["kind"] == "creditnota" else "Factuur"
    text = (
        f"{', '.join(numbers) or '(geen melding)'} · {kind} {invoice['number']}"
        f" · {formatting.money(invoice['amount_incl_cents'])} incl. btw"
    )
    return Item(text, page, numbers[0] if numbers else "")


def _directie_lists(snapshot: Snapshot) -> list[WorkList]:
    quotes = sorted(
        (q for q in snapshot.rows("quotes") if q["status"] in QUOTE_WAITING),
        key=lambda q: q["received_at"],
    )
    items = []
    for q in quotes:
        ticket = snapshot.ticket(q["ticket_id"])
        items.append(
            Item(
                f"{_ticket_text(snapshot, ticket)} · offerte {formatting.money(q['amount_cents'])}"
                f" · ontvangen {formatting.moment(q['received_at'])}",
                "pages/offertes.py",
                ticket["number"],
            )
        )
    return [
        WorkList(
            "quotes_waiting",
            "Offertes die op uw besluit wachten",
            Role.DIRECTIE,
            "pages/offertes.py",
            "Geen offertes die op een besluit wachten.",
            tuple(items),
        )
    ]


def _finance_lists(snapshot: Snapshot) -> list[WorkList]:
    items = tuple(
        _invoice_item(snapshot, i, "pages/facturen.py")
        for i in _invoices_in(snapshot, INVOICE_TO_PAY)
    )
    return [
        WorkList(
            "invoices_to_pay",
            "Goedgekeurde facturen te betalen",
            Role.FINANCE,
            "pages/facturen.py",
            "Geen goedgekeurde facturen te betalen.",
            items,
        )
    ]


def _unit_manager_lists(snapshot: Snapshot, actor: Actor) -> list[WorkList]:
    mine = {loc["id"] for loc in people.managed_locations(snapshot, actor)}
    tasks = sorted(
        (
            c
            for c in snapshot.rows("communication_tasks")
            if c["status"] == Communication.OPEN and c["location_id"] in mine
        ),
        key=lambda c: c["created_at"],
    )
    items = []
    for task in tasks:
        ticket = snapshot.ticket(task["ticket_id"])
        items.append(
            Item(
                f"{_ticket_text(snapshot, ticket)} · ouders en medewerkers informeren",
                "pages/communicatie.py",
                ticket["number"],
            )
        )
    return [
        WorkList(
            "communication_tasks",
            "Communicatie met ouders en medewerkers",
            Role.UNIT_MANAGER,
            "pages/communicatie.py",
            "Geen open communicatietaken voor uw locatie(s).",
            tuple(items),
        )
    ]


def _own_lists(snapshot: Snapshot, actor: Actor) -> list[WorkList]:
    mine = [t for t in audience.own_tickets(snapshot, actor) if t["status"] in OPEN_TICKET_STATES]
    items = tuple(
        Item(
            f"{_ticket_text(snapshot, t)} · {audience.stage(t['status']).label}",
            "pages/mijn_meldingen.py",
            t["number"],
        )
        for t in sorted(mine, key=lambda t: t["created_at"])
    )
    role = actor.role_among(REPORTING_ROLES) or actor.role
    return [
        WorkList(
            "own_reports",
            "Mijn open meldingen",
            role,
            "pages/mijn_meldingen.py",
            "U heeft geen open meldingen.",
            items,
        )
    ]


def for_person(
    snapshot: Snapshot,
    actor: Actor,
    now: datetime,
    *,
    alert_hours: float,
    workday_config: workdays.WorkdayConfig,
) -> list[WorkList]:
    """Every list that waits for this person, in the order of their roles.

    Staff and unit managers always see their own open reports; anyone else only
    when they have reported something that is still open.
    """
    lists: list[WorkList] = []
    if Role.MAZ in actor.roles:
        lists += _maz_lists(snapshot, now, alert_hours, workday_config)
    if Role.DIRECTIE in actor.roles:
        lists += _directie_lists(snapshot)
    if Role.FINANCE in actor.roles:
        lists += _finance_lists(snapshot)
    if Role.UNIT_MANAGER in actor.roles:
        lists += _unit_manager_lists(snapshot, actor)
    own = _own_lists(snapshot, actor)
    if actor.roles & REPORTING_ROLES or own[0].items:
        lists += own
    return lists


def waiting_count(lists: list[WorkList]) -> int:
    return sum(len(w.items) for w in lists)
