"""Several writers on one store, in separate OS processes (issue 9, points 1 and 3).

Two processes (started with "spawn": fresh interpreters, as two app instances or
the app and a CLI command) race N times on the same ticket, the same new report
number and the same invoice number, on SQLite and on the Sheet (the stand-in).
What must hold: nothing lost, nothing duplicated, and every user told the truth:
"ok" exactly when their change is in, a refusal otherwise.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest

from lib.schema import TABLES
from lib.snapshot import Snapshot
from tests import writers
from tests.flows import Office

ROUNDS = 50
SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture(params=["sql", "sheets", "sheets_kept"])
def store(request, tmp_path):
    """(spec for the writer processes, an Office on the same store).

    "sheets_kept": the writers keep their worksheets as the app does (one request
    per action, lib/repository/sheets_cache.py). On the Sheet, afterwards, the
    worksheets must hold every row the store reads exactly once (after the log's
    compaction has brought them up to date)."""
    if request.param == "sql":
        from lib.repository.sql import SqlRepository

        path = tmp_path / "kivido.sqlite"
        repo = SqlRepository.at_path(path)
        repo.setup()
        yield ("sql", str(path)), Office(repo, start=writers.NOW)
        return
    standin = request.getfixturevalue("standin")
    repo = request.getfixturevalue("make_sheets_repo")()
    options = {"worksheet_refresh": 60.0} if request.param == "sheets_kept" else {}
    yield ("sheets", repo.key, standin.url, options), Office(repo, start=writers.NOW)
    repo.compact_log(min_age=0)
    stored = repo.read(list(TABLES))
    for table, rows in stored.items():
        cells = standin.values(repo.key, table)[1:]
        in_sheet = sorted(str(r[0]) for r in cells if r and r[0])
        assert in_sheet == sorted(r["id"] for r in rows), table


def run_pair(target, args_a: tuple, args_b: tuple, answers_expected: int) -> list:
    """Run two writer processes with a shared barrier; their answers, all of them."""
    barrier, answers = SPAWN.Barrier(2), SPAWN.Queue()
    procs = [
        SPAWN.Process(target=target, args=(*args, barrier, answers)) for args in (args_a, args_b)
    ]
    for p in procs:
        p.start()
    got = [answers.get(timeout=120) for _ in range(answers_expected)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return got


def test_two_processes_triage_the_same_ticket(store):
    spec, office = store
    ids = [office.submit()["id"] for _ in range(ROUNDS)]
    answers = run_pair(writers.race_triage, (spec, ids, True), (spec, ids, False), 2 * ROUNDS)
    snap = office.snap()
    told = Counter()
    for ticket_id in ids:
        mine = [(urgent, outcome) for t, urgent, outcome in answers if t == ticket_id]
        outcomes = sorted(outcome for _, outcome in mine)
        told[tuple(outcomes)] += 1
        assert outcomes == ["conflict", "ok"], (ticket_id, mine)
        (winner,) = [urgent for urgent, outcome in mine if outcome == "ok"]
        ticket = snap.ticket(ticket_id)
        assert ticket["urgency"] == ("urgent" if winner else "niet_urgent")
        triaged = [e for e in snap.timeline(ticket_id) if e["action"].startswith("triage")]
        assert len(triaged) == 1 and triaged[0]["action"].endswith(
            "_urgent" if winner else "not_urgent"
        )
        orders = [o for o in snap.rows("orders") if o["ticket_id"] == ticket_id]
        assert len(orders) == (1 if winner else 0)
        last = [e for e in snap.timeline(ticket_id) if e["entity"] == "ticket"][-1]
        assert ticket["status"] == last["to_status"]
    print(f"\ntriage race x{ROUNDS} on {spec[0]}: {dict(told)}")


def test_two_processes_submit_at_the_same_moment(store):
    spec, office = store
    answers = run_pair(writers.race_submit, (spec, ROUNDS, "a"), (spec, ROUNDS, "b"), 2 * ROUNDS)
    assert [outcome for _, outcome in answers] == ["ok"] * (2 * ROUNDS)
    snap = office.snap()
    tickets = snap.rows("tickets")
    numbers = [t["number"] for t in tickets]
    assert len(tickets) == 2 * ROUNDS and len(set(numbers)) == 2 * ROUNDS
    assert {s for s, _ in answers} == {t["id"] for t in tickets}
    for t in tickets:
        assert [e["action"] for e in snap.timeline(t["id"])] == ["submit"]
        receipts = [m for m in snap.rows("messages") if m["ticket_id"] == t["id"]]
        assert [m["kind"] for m in receipts] == ["ontvangst"]
        assert t["number"] in receipts[0]["subject"] and t["number"] in receipts[0]["body"]
    print(f"\nsubmit race x{ROUNDS} on {spec[0]}: {len(set(numbers))} distinct numbers, 0 lost")


def test_two_processes_register_one_invoice_number(store):
    spec, office = store
    ticket = office.submit()
    office.urgent_until_closed(ticket)
    order_id = office.order(ticket["id"])["id"]
    plain = [f"NEM-2026-{i:04d}" for i in range(ROUNDS)]
    # The same numbers as people type them too: other case, invisible characters, spaces.
    variants = [
        [f" {n.lower()} ", f"{n}\u200b", f"\ufeff{n}", f"{n}\u00a0"][i % 4]
        for i, n in enumerate(plain)
    ]
    answers = run_pair(
        writers.race_invoice, (spec, plain, order_id), (spec, variants, order_id), 2 * ROUNDS
    )
    outcomes = Counter(outcome for _, _, outcome in answers)
    assert outcomes == Counter({"ok": ROUNDS, "duplicate": ROUNDS}), outcomes
    invoices = Snapshot(office.repo.read_all()).rows("invoices")
    assert len(invoices) == ROUNDS
    registered = {i for _, i, outcome in answers if outcome == "ok"}
    assert {i["id"] for i in invoices} == registered
    print(f"\ninvoice race x{ROUNDS} on {spec[0]}: {dict(outcomes)}")


def test_two_processes_of_four_users_doing_mixed_work_lose_nothing(store):
    """2 processes x 4 threads x 12 actions: every action told 'ok' is in, with its event,
    and every report's status is the status its last event moved it to."""
    spec, office = store
    office.submit()
    threads, actions = 4, 12
    barrier, answers = SPAWN.Barrier(2), SPAWN.Queue()
    procs = [
        SPAWN.Process(
            target=writers.mixed_work, args=(spec, tag, threads, actions, barrier, answers)
        )
        for tag in ("p1", "p2")
    ]
    for p in procs:
        p.start()
    got = [answers.get(timeout=300) for _ in range(2 * threads * actions)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    snap = office.snap()
    notes = {e["note"] for e in snap.rows("events")}
    lost = 0
    for kind, ref, note, outcome in got:
        if outcome != "ok":
            assert outcome in ("conflict",), outcome  # the only other truth here
            assert kind == "submit" or note not in notes  # refused means not saved
            continue
        if kind == "submit":
            lost += snap.ticket(ref) is None
        else:
            lost += note not in notes
    for ticket in snap.rows("tickets"):
        moves = [e for e in snap.timeline(ticket["id"]) if e["entity"] == "ticket"]
        assert ticket["status"] == moves[-1]["to_status"]
    counts = Counter(outcome for *_, outcome in got)
    print(f"\nmixed work 2x{threads}x{actions} on {spec[0]}: {dict(counts)}, lost {lost}")
    assert lost == 0
