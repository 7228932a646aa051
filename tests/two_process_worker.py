"""One of two app processes writing one SQL store at once (tests/test_two_processes.py).

`python -m tests.two_process_worker URL NAME REPORTS TICKET_IDS_FILE START_FILE`
waits until START_FILE exists (so both begin together), submits REPORTS reports,
then tries to triage every ticket listed in TICKET_IDS_FILE (the other process
races it for each), and prints what it was told as JSON lines.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from pathlib import Path

from lib import services
from lib.procedure import Actor, IllegalTransition, Role
from lib.repository import Conflict
from lib.repository.sql import SqlRepository
from lib.snapshot import Snapshot
from tests.flows import report_form


def main(url: str, name: str, reports: int, ticket_file: str, start_file: str) -> None:
    repo = SqlRepository(url)
    staff = Actor(f"Melder {name}", Role.STAFF)
    maz = Actor(f"MAZ {name}", Role.MAZ)
    snapshot = Snapshot(repo.read(["locations"]))
    while not Path(start_file).exists():
        time.sleep(0.01)
    for _ in range(reports):
        submission = uuid.uuid4().hex
        ticket = services.submit_report(
            services.Desk(repo, staff), snapshot, report_form(), submission_id=submission
        )
        print(json.dumps({"kind": "submit", "id": submission, "number": ticket["number"]}))
    # Both processes start the triage race together, too.
    Path(f"{start_file}-{name}-ready").touch()
    while len(list(Path(start_file).parent.glob(f"{Path(start_file).name}-*-ready"))) < 2:
        time.sleep(0.01)
    for ticket_id in Path(ticket_file).read_text().split():
        ticket = repo.get("tickets", ticket_id)
        try:
            services.triage(
                services.Desk(repo, maz), snapshot, ticket, urgent=True, reason=f"door {name}"
            )
            told = "success"
        except Conflict:
            told = "conflict"
        except IllegalTransition:
            told = "already"  # it read the ticket after the other process's triage
        print(json.dumps({"kind": "triage", "id": ticket_id, "told": told}))
    repo.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
