"""Property tests: random sequences of procedure actions keep the log and the rows honest."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import billing, services
from lib.procedure import Actor, IllegalTransition, Role
from lib.repository import Conflict
from lib.repository.sql import SqlRepository
from lib.validation import ValidationError
from tests.flows import Office

ACTIONS = [
    "submit",
    "investigate",
    "triage_urgent",
    "triage_not_urgent",
    "follow_up_solved",
    "follow_up_not_solved",
    "confirm",
    "quote",
    "decide",
    "resolve",
    "close",
    "reopen",
    "reclassify_urgent",
    "stale_triage",
]


def _apply(office: Office, action: str, ticket: dict | None, actor: Actor) -> None:
    desk, snap = office.desk(actor), office.snap()
    if action == "submit" or ticket is None:
        services.submit_report(
            office.desk(Actor("R", Role.STAFF)),
            snap,
            _form(),
            submission_id=f"s{len(snap.rows('tickets'))}",
        )
        return
    fresh = snap.ticket(ticket["id"])
    match action:
        case "investigate":
            services.investigate(desk, fresh, "kijken")
        case "triage_urgent" | "triage_not_urgent":
            services.triage(desk, snap, fresh, urgent=action == "triage_urgent", reason="r")
        case "reclassify_urgent":
            services.reclassify(desk, snap, fresh, urgent=True, reason="r")
        case "follow_up_solved" | "follow_up_not_solved":
            services.follow_up(desk, snap, fresh, solved=action == "follow_up_solved", notes="n")
        case "confirm":
            services.confirm_order(desk, fresh, snap.order_for(fresh["id"]) or {}, reference="N")
        case "quote":
            billing.register_quote(
                desk,
                fresh,
                snap.order_for(fresh["id"]) or {},
                {"amount": "10,00", "reference": "Q"},
            )
        case "decide":
            quotes = [q for q in snap.quotes_for(fresh["id"]) if q["status"] == "ontvangen"]
            billing.decide_quote(
                desk, fresh, quotes[-1] if quotes else {"status": ""}, approve=True, note=""
            )
        case "resolve":
            services.resolve(desk, fresh)
        case "close":
            services.close(desk, fresh)
        case "reopen":
            services.reopen(desk, fresh, "weer stuk")
        case "stale_triage":  # acting on the version the ticket had when first read
            services.triage(desk, snap, ticket, urgent=True, reason="r")


def _form() -> dict:
    from tests.flows import report_form

    return report_form()


def check_invariants(office: Office, expected_ticket_events: int) -> None:
    snap = office.snap()
    for table, rows in snap.tables.items():
        ids = [r["id"] for r in rows]
        assert len(ids) == len(set(ids)), f"duplicate row in {table}"
    numbers = [t["number"] for t in snap.rows("tickets")]
    assert len(numbers) == len(set(numbers))
    ticket_events = [e for e in snap.rows("events") if e["entity"] == "ticket"]
    assert len(ticket_events) == expected_ticket_events, "an event was lost or duplicated"
    for ticket in snap.rows("tickets"):
        chain = [
            e
            for e in snap.timeline(ticket["id"])
            if e["entity"] == "ticket" and e["action"] != "note"
        ]
        assert chain[-1]["to_status"] == ticket["status"]
        for before, after in zip(chain, chain[1:], strict=False):
            assert before["to_status"] == after["from_status"]


def _ticket_events(office: Office) -> int:
    return sum(e["entity"] == "ticket" for e in office.snap().rows("events"))


steps = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.integers(0, 3), st.sampled_from(list(Role))),
    min_size=1,
    max_size=25,
)


def _run(office: Office, plan) -> None:
    first_seen: dict[int, dict] = {}
    expected = 0
    for action, index, role in plan:
        tickets = office.snap().rows("tickets")
        ticket = tickets[index % len(tickets)] if tickets else None
        if ticket is not None:
            ticket = first_seen.setdefault(index % len(tickets), ticket)
        before = _ticket_events(office)
        try:
            _apply(office, action, ticket, Actor(f"{role}", role))
        except (IllegalTransition, ValidationError, Conflict):
            assert _ticket_events(office) == before, "a refused action wrote events"
        expected = _ticket_events(office)
        office.later(minutes=7)
    check_invariants(office, expected)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=steps)
def test_random_action_sequences_on_the_embedded_store(tmp_path_factory, plan):
    """Test that any action sequence leaves status == last event, no loss, no duplicates."""
    repo = SqlRepository.at_path(tmp_path_factory.mktemp("p") / "p.db")
    repo.setup()
    _run(Office(repo), plan)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=steps)
def test_random_action_sequences_on_the_sheet(standin, plan):
    """Test the same invariants with the Google Sheet driver against the stand-in."""
    from google.auth.credentials import AnonymousCredentials

    from lib.repository.sheets import SheetsRepository

    key = standin.create_spreadsheet("props")
    repo = SheetsRepository(
        spreadsheet_key=key,
        credentials=AnonymousCredentials(),
        api_root=standin.url,
        sleep=lambda s: None,
    )
    repo.setup()
    _run(Office(repo), plan)


def test_two_people_triage_the_same_ticket_at_once(repo):
    """Test that of two simultaneous triages exactly one wins and the log shows one."""
    office = Office(repo)
    ticket = office.submit()
    snap = office.snap()
    outcomes: Counter = Counter()
    barrier = threading.Barrier(2)

    def triage(urgent: bool) -> None:
        barrier.wait()
        try:
            services.triage(office.desk(), snap, ticket, urgent=urgent, reason="tegelijk")
            outcomes["won"] += 1
        except Conflict:
            outcomes["conflict"] += 1

    threads = [threading.Thread(target=triage, args=(u,)) for u in (True, False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == Counter(won=1, conflict=1)
    triages = [
        e
        for e in office.snap().timeline(ticket["id"])
        if e["action"] in ("triage_urgent", "triage_not_urgent")
    ]
    assert len(triages) == 1


@pytest.mark.parametrize("workers", [8])
def test_simultaneous_submissions_get_distinct_numbers(repo, workers):
    """Test that reports submitted at the same moment all get their own number."""
    office = Office(repo)
    snap = office.snap()
    barrier = threading.Barrier(workers)

    def submit(i: int) -> None:
        barrier.wait()
        services.submit_report(
            office.desk(Actor("R", Role.STAFF)), snap, _form(), submission_id=f"race-{i}"
        )

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    numbers = sorted(t["number"] for t in office.snap().rows("tickets"))
    assert numbers == [f"KIV-2026-{i:04d}" for i in range(1, workers + 1)]
