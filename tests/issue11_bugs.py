"""Re-apply each one-line bug of issue 11 and show which tests catch it.

    python -m tests.issue11_bugs [name ...]

Each bug is put into a copy of the tracked files (test-artifacts/bugs/), never
into the work tree, and the tests that should catch it are run there. A bug
that no test catches is printed as SURVIVED and the exit code is 1.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.tree_copy import copy_tracked_files

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "test-artifacts" / "bugs"

# name -> (file, the line as it is, the line with the bug)
BUGS: dict[str, tuple[str, str, str]] = {
    "close from confirmed": (
        "lib/procedure.py",
        '_tr("close", {_T.RESOLVED}, _T.CLOSED,',
        '_tr("close", {_T.RESOLVED, _T.CONFIRMED}, _T.CLOSED,',
    ),
    "pay by the MAZ": (
        "lib/procedure.py",
        '_tr("pay", {Invoice.APPROVED}, Invoice.PAID, {Role.FINANCE},',
        '_tr("pay", {Invoice.APPROVED}, Invoice.PAID, {Role.FINANCE, Role.MAZ},',
    ),
    "follow_up_solved from new": (
        "lib/procedure.py",
        '"follow_up_solved",\n            {_T.WAITING},',
        '"follow_up_solved",\n            {_T.WAITING, _T.NEW},',
    ),
    "next_number counts rows": (
        "lib/repository/base.py",
        "return max((int(s) for s in taken if s.isdigit()), default=0)",
        "return len(taken)",
    ),
    "no reporter mail on follow-up solved": (
        "lib/audience.py",
        "Ticket.REMOVED: SOLVED_WITHOUT_NEMESYS,",
        "Ticket.REMOVED: ASSESSED_WAITING,",
    ),
    "no reporter mail on not-urgent triage": (
        "lib/audience.py",
        "Ticket.WAITING: ASSESSED_WAITING,",
        "Ticket.WAITING: RECEIVED,",
    ),
    "no reporter mail on reclassification": (
        "lib/desk.py",
        'if audience.stage(status) == audience.stage(ticket["status"]):',
        'if audience.stage(status) == audience.stage(ticket["status"]) or "reclassify" in actions[0]:',
    ),
    "no reporter mail on reopen": (
        "lib/desk.py",
        'if audience.stage(status) == audience.stage(ticket["status"]):',
        'if audience.stage(status) == audience.stage(ticket["status"]) or "reopen" in actions:',
    ),
    "removed reports counted as open": (
        "lib/procedure.py",
        "OPEN_TICKET_STATES = frozenset(Ticket) - {Ticket.CLOSED, Ticket.REMOVED, Ticket.LINKED}",
        "OPEN_TICKET_STATES = frozenset(Ticket) - {Ticket.CLOSED, Ticket.LINKED}",
    ),
    "Sheet duplicate-id guard removed": (
        "lib/repository/sheets_cells.py",
        'if row["id"] and row["id"] not in sheet.rows:',
        'if row["id"]:',
    ),
    "migration verification disabled": (
        "lib/transfer.py",
        "    if problems:\n",
        "    if problems and False:\n",
    ),
}

TESTS = [
    "tests/test_procedure_oracle.py",
    "tests/test_missing_cases.py",
    "tests/test_procedure_properties.py",
    "tests/test_app_open_counts.py",
    "tests/test_app_facturen.py",
]


def catch(name: str) -> list[str]:
    path, good, bad = BUGS[name]
    source = (ROOT / path).read_text()
    if source.count(good) != 1:
        raise SystemExit(f"{name}: the line to change is not found once in {path}")
    (WORK / path).write_text(source.replace(good, bad))
    for cache in (WORK / "lib").rglob("__pycache__"):
        shutil.rmtree(cache)  # never run a stale compiled copy of the other version
    try:
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "--tb=no", "-rf", "-p", "no:randomly", *TESTS],
            cwd=WORK,
            capture_output=True,
            text=True,
        )
    finally:
        (WORK / path).write_text(source)
    failed = sorted(set(re.findall(r"^FAILED (\S+)", run.stdout, re.M)))
    if run.returncode not in (0, 1) or (run.returncode == 1 and not failed):
        raise SystemExit(f"{name}: the tests did not run\n{run.stdout[-3000:]}{run.stderr[-3000:]}")
    return failed


def main(argv: list[str]) -> int:
    copy_tracked_files(ROOT, WORK)
    survived = 0
    for name in argv or list(BUGS):
        caught = catch(name)
        survived += not caught
        print(f"\n{name}: {'caught by' if caught else 'SURVIVED'}", flush=True)
        for test in caught:
            print(f"    {test}", flush=True)
    return 1 if survived else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
