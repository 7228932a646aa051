"""A clearly marked demo data set, made by running the real use cases.

Every demo ticket, location and user has is_demo set, and `remove_demo` takes
them (and everything hanging on them) out again. The same builder feeds the
tests and the benchmark, so demo data can never drift from what the app makes.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from lib import billing, services, workdays
from lib.catalog import CATEGORIES
from lib.config import Config
from lib.procedure import Actor, Role
from lib.repository import Insert, Repository
from lib.snapshot import Snapshot

DEMO_LOCATIONS = (
    ("demo-kantoor", "Hoofdkantoor (demo)", "kantoor", "Manon de Vries"),
    ("demo-zonnebloem", "Kinderopvang De Zonnebloem (demo)", "locatie", "Sanne Jansen"),
    ("demo-regenboog", "Kinderopvang De Regenboog (demo)", "locatie", "Fatima El Amrani"),
    ("demo-vlinder", "BSO De Vlinder (demo)", "locatie", "Peter Bakker"),
    ("demo-egeltje", "Peuteropvang 't Egeltje (demo)", "locatie", "Anouk de Jong"),
)

DEMO_USERS = (
    ("demo-maz", "Nathalie (MAZ, demo)", "maz@kivido.example", Role.MAZ),
    ("demo-directie", "Stefanie (directie, demo)", "directie@kivido.example", Role.DIRECTIE),
    ("demo-fin", "Femke (financiën, demo)", "financien@kivido.example", Role.FINANCE),
    ("demo-um", "Sanne Jansen (unitmanager, demo)", "sanne@kivido.example", Role.UNIT_MANAGER),
    ("demo-mw", "Ruben (medewerker, demo)", "ruben@kivido.example", Role.STAFF),
)

MAZ = Actor("Nathalie (MAZ, demo)", Role.MAZ)
DIRECTIE = Actor("Stefanie (directie, demo)", Role.DIRECTIE)
FINANCE = Actor("Femke (financiën, demo)", Role.FINANCE)


def has_demo(repo: Repository) -> bool:
    return any(row["is_demo"] for row in repo.read(["locations"])["locations"])


def has_demo_reports(repo: Repository) -> bool:
    return any(row["is_demo"] for row in repo.read(["tickets"])["tickets"])


def seed_reference_data(repo: Repository) -> None:
    changes = [
        Insert(
            "locations",
            {
                "id": lid,
                "name": name,
                "kind": kind,
                "unit_manager_name": um,
                "unit_manager_email": f"{um.split()[0].lower()}@kivido.example",
                "unit_manager_phone": f"06-1234{i:04d}",
                "active": True,
                "is_demo": True,
            },
        )
        for i, (lid, name, kind, um) in enumerate(DEMO_LOCATIONS)
    ]
    changes += [
        Insert(
            "users",
            {
                "id": uid,
                "name": name,
                "email": email,
                "role": str(role),
                "active": True,
                "is_demo": True,
            },
        )
        for uid, name, email, role in DEMO_USERS
    ]
    repo.commit(changes)


class _Clock:
    def __init__(self, start: datetime):
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def seed_demo(
    repo: Repository,
    *,
    tickets: int = 60,
    seed: int = 7,
    end: datetime | None = None,
    config: Config | None = None,
) -> int:
    """Seed locations, users and `tickets` reports over the year before `end`."""
    config = config or Config()
    if not has_demo(repo):
        seed_reference_data(repo)
    rnd = random.Random(seed)
    end = end or workdays.now()
    start = end - timedelta(days=365)
    for n in range(tickets):
        at = start + timedelta(days=365 * n / max(tickets, 1), hours=rnd.uniform(8, 16))
        at = at.replace(hour=min(at.hour, 16))
        _one_ticket(repo, config, rnd, _Clock(at.astimezone(workdays.AMSTERDAM)), n, end)
    return tickets


def _desk(repo, config, actor, clock) -> services.Desk:
    return services.Desk(repo=repo, actor=actor, config=config, clock=clock)


def _snapshot(repo: Repository) -> Snapshot:
    return Snapshot(repo.read_all())


def _fresh(repo: Repository, ticket_id: str) -> dict:
    return repo.get("tickets", ticket_id)


def _one_ticket(repo, config, rnd: random.Random, clock: _Clock, n: int, end: datetime) -> None:
    """Walk one report through the procedure; recent ones stop part-way, as in real life."""
    lid = rnd.choice(DEMO_LOCATIONS)[0]
    category = rnd.choice(list(CATEGORIES))
    reporter = Actor(f"Medewerker {n % 9 + 1} (demo)", Role.STAFF)
    form = {
        "reporter_name": reporter.name,
        "reporter_email": f"medewerker{n % 9 + 1}@kivido.example",
        "reporter_role": "medewerker",
        "location_id": lid,
        "category": category,
        "blocks_office_work": rnd.random() < 0.3,
        "description": f"Demo-melding {n + 1}: {CATEGORIES[category].lower()} werkt niet.",
        "contact_info": "Bel de locatie",
    }
    ticket = services.submit_report(
        _desk(repo, config, reporter, clock),
        _snapshot(repo),
        form,
        submission_id=f"demo-ticket-{rnd.random():.12f}",
        is_demo=True,
    )
    tid = ticket["id"]
    maz = _desk(repo, config, MAZ, clock)
    recent = clock.at > end - timedelta(days=30)
    last_stage = rnd.randrange(0, 6) if recent else 99

    def go_on(stage: int, **delta: float) -> bool:
        clock.advance(**delta)
        return stage < last_stage and clock.at < end

    if not go_on(0, minutes=rnd.uniform(10, 120)):
        return
    urgent = ticket["suggested_urgency"] == "urgent"
    services.triage(
        maz,
        _snapshot(repo),
        _fresh(repo, tid),
        urgent=urgent,
        reason="Demo: beoordeeld volgens voorstel",
    )
    _communicate(repo, config, clock, tid, "storing")
    if not urgent:
        clock.at = datetime.fromisoformat(_fresh(repo, tid)["check_due_at"])
        if not go_on(1):
            return
        solved = rnd.random() < 0.5
        services.follow_up(
            maz, _snapshot(repo), _fresh(repo, tid), solved=solved, notes="Demo: melder gebeld"
        )
        if solved:
            return
    if not go_on(2, hours=rnd.uniform(0.2, 6)):
        return
    order = _snapshot(repo).order_for(tid)
    services.confirm_order(maz, _fresh(repo, tid), order, reference=f"NEM-{10000 + n}")
    quote_amount = 0
    if rnd.random() < 0.35:
        if not go_on(3, hours=rnd.uniform(2, 30)):
            return
        quote_amount = rnd.randrange(150_00, 2500_00, 500)
        billing.register_quote(
            maz, _fresh(repo, tid), order, {"amount": _euro(quote_amount), "reference": f"OFF-{n}"}
        )
        if not go_on(3, hours=rnd.uniform(4, 48)):
            return
        quote = _snapshot(repo).quotes_for(tid)[-1]
        billing.decide_quote(
            _desk(repo, config, DIRECTIE, clock),
            _fresh(repo, tid),
            quote,
            approve=rnd.random() < 0.85,
            note="Demo-besluit",
        )
    if not go_on(4, hours=rnd.uniform(1, 72)):
        return
    services.resolve(maz, _fresh(repo, tid))
    _communicate(repo, config, clock, tid, "opgelost")
    if not go_on(5, hours=rnd.uniform(1, 24)):
        return
    services.close(maz, _fresh(repo, tid))
    if go_on(6, days=rnd.uniform(5, 20)):
        _invoice(repo, config, rnd, clock, n, order, quote_amount, end)


def _communicate(repo, config, clock: _Clock, ticket_id: str, phase: str) -> None:
    snap = _snapshot(repo)
    task = snap.communication_task(ticket_id)
    if task is None or task["status"] != "open":
        return
    location = snap.location(task["location_id"])
    who = Actor(
        f"{location['unit_manager_name']} (demo)",
        Role.UNIT_MANAGER,
        email=location["unit_manager_email"],
    )
    um = _desk(repo, config, who, clock)
    for channel in ("klasbord", "facebook", "groep"):
        billing.tick_channel(um, task, phase=phase, channel=channel, location=location)
    if phase == "opgelost":
        billing.complete_communication(um, task, location=location)


def _euro(cents: int) -> str:
    return f"{cents / 100:.2f}".replace(".", ",")


def _invoice(repo, config, rnd, clock, n, order, quote_amount, end) -> None:
    excl = quote_amount or rnd.randrange(60_00, 600_00, 250)
    if rnd.random() < 0.1:
        excl += 75_00  # a deviation from the quote the MAZ should catch
    fin, maz = _desk(repo, config, FINANCE, clock), _desk(repo, config, MAZ, clock)
    number = f"F-DEMO-{n}"
    form = {
        "number": number,
        "invoice_date": clock.at.strftime("%d-%m-%Y"),
        "amount_excl": _euro(excl),
        "amount_incl": _euro(round(excl * 1.21)),
        "order_ids": [order["id"]],
    }
    billing.register_invoice(fin, _snapshot(repo), form)
    invoice = next(i for i in repo.read(["invoices"])["invoices"] if i["number"] == number)
    clock.advance(days=rnd.uniform(1, 5))
    if clock.at > end:
        return
    billing.check_invoice(maz, invoice, approve=True)
    clock.advance(days=rnd.uniform(1, 14))
    if clock.at < end:
        billing.pay_invoice(fin, repo.get("invoices", invoice["id"]), clock.at.date())


def remove_demo(repo: Repository) -> dict[str, int]:
    """Take the demo set out of the embedded store: demo tickets and all that hangs on them.

    This is the one place rows are deleted, and only rows marked as demo: real
    reports are never deleted ("verwijderd" is a status).
    """
    from lib.repository.sql import SQL_TABLES, SqlRepository

    if not isinstance(repo, SqlRepository):
        raise ValueError(
            "Demogegevens staan alleen in de lokale database; de Google Sheet heeft er geen."
        )
    snap = _snapshot(repo)
    tickets = {t["id"] for t in snap.rows("tickets") if t["is_demo"]}
    orders = {o["id"] for o in snap.rows("orders") if o["ticket_id"] in tickets}
    invoices = {i["id"] for i in snap.rows("invoices") if set(i["order_ids"].split(",")) & orders}
    tasks = {c["id"] for c in snap.rows("communication_tasks") if c["ticket_id"] in tickets}
    doomed = {
        "tickets": tickets,
        "orders": orders,
        "invoices": invoices,
        "communication_tasks": tasks,
        "quotes": {q["id"] for q in snap.rows("quotes") if q["ticket_id"] in tickets},
        "messages": {m["id"] for m in snap.rows("messages") if m["ticket_id"] in tickets},
        "communication_ticks": {
            t["id"] for t in snap.rows("communication_ticks") if t["task_id"] in tasks
        },
        "events": {
            e["id"]
            for e in snap.rows("events")
            if e["ticket_id"] in tickets or e["entity_id"] in invoices
        },
        "locations": {r["id"] for r in snap.rows("locations") if r["is_demo"]},
        "users": {r["id"] for r in snap.rows("users") if r["is_demo"]},
        "access_log": {r["id"] for r in snap.rows("access_log") if r["ticket_id"] in tickets},
        # Issue 14: who a demo outage affected, and demo reports linked to one another.
        "affected": {a["id"] for a in snap.rows("affected") if a["ticket_id"] in tickets},
        "links": {
            r["id"]
            for r in snap.rows("links")
            if r["ticket_id"] in tickets or r["main_ticket_id"] in tickets
        },
    }
    with repo.engine.begin() as conn:
        for table, ids in doomed.items():
            t = SQL_TABLES[table]
            for chunk in _chunks(sorted(ids), 500):
                conn.execute(t.delete().where(t.c.id.in_(chunk)))
    return {table: len(ids) for table, ids in doomed.items()}


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]
