"""Property tests: random sequences of procedure actions keep the log and the rows honest."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import billing, reports, reports_open, services
from lib.procedure import Actor, IllegalTransition, Role
from lib.reports_settings import Settings
from lib.repository import Conflict
from lib.repository.sql import SqlRepository
from lib.validation import ValidationError
from tests import procedure_oracle as oracle
from tests.flows import Office

ACTIONS = [
    "submit",
    "reclassify_not_urgent",
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
        case "reclassify_not_urgent":
            services.reclassify(desk, snap, fresh, urgent=False, reason="r")
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


def check_procedure_invariants(office: Office, numbers_seen: list[str]) -> None:
    """What the procedure promises whatever happened (issue 11), judged by the oracle."""
    snap = office.snap()
    tickets = snap.rows("tickets")
    # Every event's actor was allowed to take that step from that state.
    for e in snap.rows("events"):
        step = "investigate" if e["action"] == "note" else e["action"]
        source = e["from_status"] if e["action"] != "note" else "nieuw"
        if e["action"] == "note":  # a note is part of investigating: the role is what counts
            assert e["actor_role"] in oracle.who_may("ticket", step), e
            continue
        allowed = oracle.target(e["entity"], step, source, e["actor_role"])
        assert allowed == e["to_status"], f"{e['actor_role']} {step} from {source!r}"
    # One reporter-facing mail per reporter-facing change (2.1 step 5): the events
    # of one change share their moment.
    for t in tickets:
        changes = {
            e["at"]
            for e in snap.timeline(t["id"])
            if e["entity"] == "ticket" and e["action"] in oracle.REPORTER_MAIL_ACTIONS
        }
        mails = [
            m
            for m in snap.rows("messages")
            if m["ticket_id"] == t["id"] and m["to_address"] == t["reporter_email"]
        ]
        assert len(mails) == len(changes), t["status"]
    # Numbers: unique, increasing in the order reports came in, never reused.
    in_order = [t["number"] for t in sorted(tickets, key=lambda t: (t["created_at"], t["number"]))]
    assert in_order == sorted(set(in_order))
    assert set(numbers_seen) <= set(in_order)
    # Removed and closed reports are open nowhere: not in the store's list, not in the overview.
    expected_open = {t["id"] for t in tickets if t["status"] in oracle.OPEN_TICKET_STATES}
    assert {t["id"] for t in snap.open_tickets()} == expected_open
    now = office.at + timedelta(minutes=1)
    chosen = reports.Filters(start=now.date() - timedelta(days=30), end=now.date())
    view = reports.view(reports.frames(snap.tables), chosen, Settings(), now)
    assert set(reports_open.open_reports(view)["id"]) == expected_open


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
    numbers_seen: list[str] = []
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
        numbers_seen += [t["number"] for t in office.snap().rows("tickets")]
        office.later(minutes=7)
    check_invariants(office, expected)
    check_procedure_invariants(office, numbers_seen)


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
