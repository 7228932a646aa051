"""A writer killed at random moments, and report numbers after a gap (issue 9, point 3).

kill -9 during a loop of submits must never leave a report without its event and
receipt (one atomic write), nor two reports with one number. After demo-reset
removes the highest numbers (a gap at the top), no number is handed out twice.
"""

from __future__ import annotations

import os
import random
import signal
import time

import pytest

from lib import demo, services
from lib.repository.sql import SqlRepository
from tests import writers
from tests.flows import STAFF, Office, report_form
from tests.test_several_writers import SPAWN, store  # noqa: F401  (the fixture)

KILLS = 6


def test_kill_9_during_writes_leaves_no_report_without_its_receipt(store):  # noqa: F811
    spec, office = store
    rnd = random.Random(9)
    for _ in range(KILLS):
        proc = SPAWN.Process(target=writers.submit_forever, args=(spec,))
        before = len(office.repo.read(["tickets"])["tickets"])
        proc.start()
        deadline = time.monotonic() + 60
        while len(office.repo.read(["tickets"])["tickets"]) == before:  # writing has begun
            assert time.monotonic() < deadline and proc.is_alive()
            time.sleep(0.05)
        time.sleep(rnd.uniform(0, 0.5))  # then a random moment in the loop
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(timeout=10)
        assert proc.exitcode == -signal.SIGKILL
    snap = office.snap()
    tickets = snap.rows("tickets")
    numbers = [t["number"] for t in tickets]
    receipts = {m["ticket_id"]: m for m in snap.rows("messages") if m["kind"] == "ontvangst"}
    submitted = {e["ticket_id"] for e in snap.rows("events") if e["action"] == "submit"}
    print(f"\nkill -9 x{KILLS} on {spec[0]}: {len(tickets)} reports survived")
    assert len(set(numbers)) == len(numbers)
    assert {t["id"] for t in tickets} == set(receipts) == submitted
    for t in tickets:
        assert t["number"] in receipts[t["id"]]["subject"]
    office.submit()  # and the store takes the next one


def _submit(office: Office, *, is_demo: bool = False) -> dict:
    return services.submit_report(
        office.desk(STAFF),
        office.snap(),
        report_form(),
        submission_id=f"r{time.time_ns()}",
        is_demo=is_demo,
    )


def test_numbers_after_demo_reset_are_never_reused(tmp_path):
    repo = SqlRepository.at_path(tmp_path / "kivido.sqlite")
    repo.setup()
    office = Office(repo)
    real = [_submit(office) for _ in range(3)]
    demo_made = [_submit(office, is_demo=True) for _ in range(3)]
    handed_out = {t["number"] for t in real + demo_made}
    demo.remove_demo(repo)  # the highest three numbers go: a gap at the top
    demo.seed_reference_data(repo)  # the test's location was demo data too
    after = [_submit(office) for _ in range(3)]
    assert not {t["number"] for t in after} & handed_out
    assert [t["number"][-4:] for t in after] == ["0007", "0008", "0009"]


def test_numbers_after_rows_cleared_by_hand_on_the_sheet(sheets_repo, standin):
    office = Office(sheets_repo)
    made = [_submit(office) for _ in range(4)]
    sheet = standin.values(sheets_repo.key, "tickets")
    last = len(sheet)
    sheets_repo._http.values_clear(sheets_repo.key, f"'tickets'!{last - 1}:{last}")
    nxt = _submit(office)
    assert nxt["number"] not in {t["number"] for t in made}
    assert nxt["number"].endswith("0005")
    # The log keeps what was removed by hand: the rows are shown again.
    assert {t["id"] for t in made} <= {t["id"] for t in office.snap().rows("tickets")}


@pytest.mark.parametrize("kind", ["sql", "sheets"])
def test_a_numbered_insert_and_its_receipt_are_one_write(new_repo, kind):
    """Melden's receipt carries the number the write handed out, inside the same commit."""
    office = Office(new_repo(kind))
    ticket = _submit(office)
    [receipt] = [m for m in office.snap().rows("messages") if m["ticket_id"] == ticket["id"]]
    assert ticket["number"] in receipt["subject"] and "\u27e6" not in receipt["body"]
