"""The app's procedure against the hand-written oracle (tests/procedure_oracle.py).

Both directions, for every entity, state and role: a step the oracle lists is
allowed and leads where the oracle says; every other step is refused. First
against the table (lib.procedure.check), then, for reports, through the
services: each report state is reached by walking the procedure, and every
service is tried there by every role. Refused means IllegalTransition and the
store unchanged.
"""

from __future__ import annotations

import pytest

from lib import billing, outages, procedure, services
from lib.procedure import Actor, IllegalTransition, Role
from lib.repository import Update
from tests import procedure_oracle as oracle
from tests.flows import DIRECTIE, MAZ, Office


def _app_allows(entity: str, action: str, state: str, role: str) -> str | None:
    try:
        return str(procedure.check(entity, action, state, Role(role)).target)
    except IllegalTransition:
        return None


def test_the_oracle_and_the_app_know_the_same_states_and_steps():
    """Test that a state or step added to the app without a row in the oracle fails here."""
    app_states = {
        "ticket": procedure.Ticket,
        "quote": procedure.Quote,
        "invoice": procedure.Invoice,
        "message": procedure.Message,
        "communication": procedure.Communication,
    }
    assert set(procedure.TRANSITIONS) == set(oracle.STATES)
    for entity, enum in app_states.items():
        assert {str(s) for s in enum} == set(oracle.STATES[entity]), entity
        app_actions = {t.action for t in procedure.TRANSITIONS[entity]}
        assert app_actions == oracle.actions(entity), entity
    assert {str(r) for r in Role} == set(oracle.ROLES)


@pytest.mark.parametrize(
    ("entity", "action"),
    sorted({(s.entity, s.action) for s in oracle.STEPS}),
    ids=lambda v: v,
)
def test_the_table_allows_exactly_what_the_procedure_allows(entity, action):
    """Test procedure.check for one step from every state by every role against the oracle."""
    wrong = []
    for state in ("", *oracle.STATES[entity]):
        for role in oracle.ROLES:
            expected = oracle.target(entity, action, state, role)
            actual = _app_allows(entity, action, state, role)
            if actual != expected:
                wrong.append(f"{role} {action} from {state!r}: app {actual}, procedure {expected}")
    assert wrong == []


def test_a_person_with_two_roles_may_do_what_either_role_may():
    """Test that MAZ+directie may both register and approve a quote, and nobody else both."""
    both = Actor("Mirjam", Role.MAZ, roles=frozenset({Role.MAZ, Role.DIRECTIE}))
    assert procedure.check("quote", "register", "", both).target == "ontvangen"
    assert procedure.check("quote", "approve", "ontvangen", both).target == "goedgekeurd"
    assert oracle.who_may("quote", "approve") == {oracle.DIRECTIE}
    with pytest.raises(IllegalTransition, match="mag niet door"):
        procedure.check("quote", "approve", "ontvangen", Role.MAZ)


# ---------------------------------------------------------------------------
# Through the services: every report state x every role x every service
# ---------------------------------------------------------------------------


def _main(o: Office) -> dict:
    """The open report of a known outage that reports are linked to (issue 14)."""
    if not hasattr(o, "main_id"):
        o.main_id = o.submit(category="server")["id"]
    return o.ticket(o.main_id)


def _at(o: Office, state: str) -> dict:
    """A fresh report in `state`, reached by the MAZ walking the procedure."""
    _main(o)  # made first, so a refused attempt's footprint never includes it
    if state == "urgent":  # triage passes urgent on to Nemesys at once; set it directly
        t = o.submit()
        o.repo.commit([Update("tickets", t["id"], t["version"], {"status": "urgent"})])
        return o.ticket(t["id"])
    walks = {
        "nieuw": [],
        "in_onderzoek": ["investigate"],
        "wacht_op_controle": ["triage_not_urgent"],
        "verwijderd": ["triage_not_urgent", "follow_up_solved"],
        "opdracht_nemesys": ["triage_urgent"],
        "bevestigd_nemesys": ["triage_urgent", "confirm"],
        "offerte_bij_directie": ["triage_urgent", "confirm", "await_quote_decision"],
        "opgelost": ["triage_urgent", "confirm", "resolve"],
        "afgesloten": ["triage_urgent", "confirm", "resolve", "close"],
        "gekoppeld": ["link_duplicate"],
    }
    t = o.submit()
    for op in walks[state]:
        SERVICES[op][1](o, o.ticket(t["id"]), MAZ)
    ticket = o.ticket(t["id"])
    assert ticket["status"] == state
    return ticket


def _order(o: Office, ticket: dict) -> dict:
    return o.order(ticket["id"]) or {"id": "", "version": 0, "ordered_at": ""}


def _received_quote(o: Office, ticket: dict) -> dict:
    quotes = [q for q in o.snap().quotes_for(ticket["id"]) if q["status"] == "ontvangen"]
    return quotes[-1] if quotes else {"id": "none", "version": 1, "status": "ontvangen"}


def _run(op: str):
    def call(o: Office, t: dict, actor: Actor) -> None:
        desk, snap = o.desk(actor), o.snap()
        match op:
            case "investigate":
                services.investigate(desk, t, "Zelf kijken")
            case "triage_urgent" | "triage_not_urgent":
                services.triage(desk, snap, t, urgent=op == "triage_urgent", reason="R")
            case "reclassify_urgent" | "reclassify_not_urgent":
                services.reclassify(desk, snap, t, urgent=op == "reclassify_urgent", reason="R")
            case "follow_up_solved" | "follow_up_not_solved":
                # 2.2 step 4 is the next working day's check; ordering before it is a
                # reclassification (issue 12, tests/test_follow_up_rule.py).
                o.later(days=4)
                desk, snap = o.desk(actor), o.snap()
                services.follow_up(desk, snap, t, solved=op == "follow_up_solved", notes="Gebeld")
            case "link_duplicate":
                outages.link(desk, snap, t, _main(o))
            case "unlink":
                outages.unlink(desk, snap, t)
            case "confirm":
                services.confirm_order(desk, t, _order(o, t), reference="NEM-9")
            case "await_quote_decision":
                form = {"amount": "250,00", "reference": "OFF-9"}
                billing.register_quote(desk, t, _order(o, t), form)
            case "quote_decided":
                billing.decide_quote(desk, t, _received_quote(o, t), approve=True, note="Akkoord")
            case "resolve":
                services.resolve(desk, t)
            case "close":
                services.close(desk, t)
            case "reopen":
                services.reopen(desk, t, "Toch weer stuk")

    return call


# Each service with the oracle steps it takes, in order: (entity, action).
# Triage or reclassification as urgent places the order at once (2.1 step 3b).
SERVICES = {
    "investigate": ([("ticket", "investigate")], _run("investigate")),
    "triage_urgent": (
        [("ticket", "triage_urgent"), ("ticket", "place_order")],
        _run("triage_urgent"),
    ),
    "triage_not_urgent": ([("ticket", "triage_not_urgent")], _run("triage_not_urgent")),
    "reclassify_urgent": (
        [("ticket", "reclassify_urgent"), ("ticket", "place_order")],
        _run("reclassify_urgent"),
    ),
    "reclassify_not_urgent": ([("ticket", "reclassify_not_urgent")], _run("reclassify_not_urgent")),
    "follow_up_solved": ([("ticket", "follow_up_solved")], _run("follow_up_solved")),
    "follow_up_not_solved": ([("ticket", "follow_up_not_solved")], _run("follow_up_not_solved")),
    "confirm": ([("ticket", "confirm")], _run("confirm")),
    "await_quote_decision": (
        [("ticket", "await_quote_decision"), ("quote", "register")],
        _run("await_quote_decision"),
    ),
    "quote_decided": ([("quote", "approve"), ("ticket", "quote_decided")], _run("quote_decided")),
    "resolve": ([("ticket", "resolve")], _run("resolve")),
    "close": ([("ticket", "close")], _run("close")),
    "reopen": ([("ticket", "reopen")], _run("reopen")),
    "link_duplicate": ([("ticket", "link_duplicate")], _run("link_duplicate")),
    "unlink": ([("ticket", "unlink")], _run("unlink")),
}


def _expected(steps, state: str, role: str) -> tuple[str | None, list[str]]:
    """The report's state after the service per the oracle (None: refused), and its steps."""
    states = {"ticket": state, "quote": "ontvangen"}
    for entity, action in steps:
        source = "" if (entity, action) == ("quote", "register") else states[entity]
        after = oracle.target(entity, action, source, role)
        if after is None:
            return None, []
        states[entity] = after
    return states["ticket"], [a for e, a in steps if e == "ticket"]


def _footprint(o: Office) -> tuple:
    snap = o.snap()
    return tuple(
        sorted((r["id"], r.get("version"), r.get("status")) for r in snap.rows(table))
        for table in ("tickets", "events", "messages", "orders", "quotes")
    )


@pytest.mark.parametrize("state", oracle.STATES["ticket"])
def test_every_service_from_this_state_does_exactly_what_the_procedure_allows(sql_repo, state):
    """Test each service by each role from one state: allowed steps work, others are refused."""
    o = Office(sql_repo)
    shared = _at(o, state)  # refused attempts must leave it untouched, so it is reused
    wrong = []
    for name, (steps, call) in SERVICES.items():
        for role in oracle.ROLES:
            actor = Actor(f"{role} test", Role(role), email=f"{role}@kivido.example")
            target, ticket_steps = _expected(steps, state, role)
            if target is None:
                before = _footprint(o)
                try:
                    call(o, shared, actor)
                    wrong.append(f"{role} {name}: allowed, procedure refuses")
                except IllegalTransition:
                    if _footprint(o) != before:
                        wrong.append(f"{role} {name}: refused but the store changed")
                continue
            fresh = _at(o, state)
            o.later(minutes=1)  # the service's events are the ones at this moment
            try:
                call(o, fresh, actor)
            except IllegalTransition as refused:
                wrong.append(f"{role} {name}: refused ({refused}), procedure allows")
                continue
            after = o.ticket(fresh["id"])
            taken = [
                (e["action"], e["actor_role"])
                for e in o.snap().timeline(fresh["id"])
                if e["entity"] == "ticket" and e["at"] == after["updated_at"]
            ]
            if after["status"] != target:
                wrong.append(f"{role} {name}: ended in {after['status']}, procedure {target}")
            if [a for a, _ in taken] != ticket_steps or {r for _, r in taken} != {role}:
                wrong.append(f"{role} {name}: events {taken}, procedure {ticket_steps} by {role}")
            o.later(minutes=1)
    assert wrong == []


def test_directie_decides_a_quote_and_the_maz_may_not(sql_repo):
    """Test the quote decision through the service: the MAZ is refused, the directie decides."""
    o = Office(sql_repo)
    t = _at(o, "offerte_bij_directie")
    quote = _received_quote(o, t)
    for approve, note in ((True, "Akkoord"), (False, "Te duur")):
        with pytest.raises(IllegalTransition, match="mag niet door de rol Manager"):
            billing.decide_quote(o.desk(MAZ), t, quote, approve=approve, note=note)
    assert o.repo.get("quotes", quote["id"])["status"] == "ontvangen"
    billing.decide_quote(o.desk(DIRECTIE), t, quote, approve=False, note="Te duur")
    assert o.repo.get("quotes", quote["id"])["status"] == "afgewezen"
    assert o.ticket(t["id"])["status"] == "bevestigd_nemesys"
