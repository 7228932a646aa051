"""Two app processes writing one SQL store at once: SQLite and PostgreSQL (issue 9 point 6).

Both submit reports at the same moment, then race the triage of the same tickets.
What must hold: every report each process was told was saved is there once, with
a number no other report has; each ticket is triaged exactly once, by the process
that was told "success", and the other was told Conflict (or saw it triaged).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

from lib.config import ROOT
from lib.procedure import Ticket
from tests.flows import Office

REPORTS, RACED = 25, 25


@pytest.mark.parametrize("kind", ["sql", "postgresql"])
def test_two_processes_report_and_triage_at_once(request, kind, tmp_path, capsys):
    repo = request.getfixturevalue(f"{kind}_repo")
    office = Office(repo)
    raced = [office.submit()["id"] for _ in range(RACED)]
    (tmp_path / "tickets").write_text("\n".join(raced))
    start = tmp_path / "start"
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.two_process_worker",
                repo.url,
                name,
                str(REPORTS),
                str(tmp_path / "tickets"),
                str(start),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("A", "B")
    ]
    start.touch()
    told = {}
    for name, worker in zip(("A", "B"), workers, strict=True):
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        told[name] = [json.loads(line) for line in out.splitlines()]

    tickets = {t["id"]: t for t in repo.read(["tickets"])["tickets"]}
    events = repo.read(["events"])["events"]
    submitted = [r for lines in told.values() for r in lines if r["kind"] == "submit"]
    assert len(submitted) == 2 * REPORTS
    for r in submitted:  # told "saved": it is there, with the number it was told
        assert tickets[r["id"]]["number"] == r["number"]
    numbers = Counter(t["number"] for t in tickets.values())
    assert max(numbers.values()) == 1, "a number was given twice"
    assert len(tickets) == RACED + 2 * REPORTS

    wins = Counter()
    for ticket_id in raced:
        steps = Counter(e["action"] for e in events if e["ticket_id"] == ticket_id)
        assert steps["triage_urgent"] == 1 and steps["place_order"] == 1, steps
        assert tickets[ticket_id]["status"] == Ticket.ORDERED
        [triage] = [
            e for e in events if e["ticket_id"] == ticket_id and e["action"] == "triage_urgent"
        ]
        winner = triage["actor_name"].removeprefix("MAZ ")
        outcome = {
            name: next(r["told"] for r in lines if r["kind"] == "triage" and r["id"] == ticket_id)
            for name, lines in told.items()
        }
        assert outcome[winner] == "success"  # the one whose triage is in was told so
        assert outcome["B" if winner == "A" else "A"] in ("conflict", "already")
        wins[winner] += 1
    orders = Counter(o["ticket_id"] for o in repo.read(["orders"])["orders"])
    assert all(orders[t] == 1 for t in raced), "an order at Nemesys was placed twice"
    with capsys.disabled():
        print(
            f"\n[{kind}] 2 processes: {2 * REPORTS} reports at once, {len(numbers)} distinct numbers;"
            f" {RACED} raced triages: won A {wins['A']}, B {wins['B']}, 0 double, 0 lost"
        )
