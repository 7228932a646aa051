"""Log compaction on the Sheet (issue 9): a fresh process should not read the whole log
forever. compact_log writes every lagging worksheet row and a basis row in one request,
then clears the covered log rows; a process starting afresh begins at the basis.

What must hold: no change is ever lost, numbers and unique keys stay unique (also after
a row was removed by hand), a fresh process sees what a process with the whole history
sees, and all of it with writers in other processes running during the compaction.
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import threading
from collections import Counter

import pytest

from lib import billing
from lib.config import ROOT
from lib.repository import Duplicate, StoreUnavailable
from lib.repository.sheets_log import TITLE as LOG
from lib.snapshot import Snapshot
from tests import writers
from tests.flows import FINANCE, Office
from tests.sheets_support import other_process

SPAWN = multiprocessing.get_context("spawn")


def filled_log_rows(standin, repo) -> list[list]:
    return [r for r in standin.values(repo.key, LOG)[1:] if any(c != "" for c in r)]


def by_id(repo) -> dict[str, dict]:
    return {name: {r["id"]: r for r in rows} for name, rows in repo.read_all().items()}


def test_a_fresh_process_after_compaction_reads_the_same_store(make_sheets_repo, standin):
    """Test that after compaction the log holds only its basis row, and a new process
    reading the worksheets and the rest of the log sees every row and version."""
    repo = make_sheets_repo()
    office = Office(repo)
    tickets = [office.submit() for _ in range(3)]
    office.waiting()  # a triaged report: versions above 1
    office.urgent_until_closed(tickets[0], quote="250,00")
    before = by_id(repo)
    assert len(filled_log_rows(standin, repo)) > 5
    lines = repo.compact_log(min_age=0)
    assert "samengevat" in lines[-1]
    [basis] = filled_log_rows(standin, repo)
    assert basis[1] == "basis"
    assert by_id(other_process(repo)) == before == by_id(repo)


def test_numbers_continue_after_compaction_even_when_a_row_was_removed(make_sheets_repo, standin):
    """Test that a fresh process hands out the number after the highest ever, as the basis
    row records it, though the report that held it was removed from the worksheet by hand."""
    repo = make_sheets_repo()
    office = Office(repo)
    made = [office.submit() for _ in range(3)]
    repo.compact_log(min_age=0)
    last = len(standin.values(repo.key, "tickets"))
    repo._http.values_clear(repo.key, f"'tickets'!A{last}:{last}")  # the highest, by hand
    fresh = Office(other_process(repo))
    new = fresh.submit()
    assert new["number"] not in {t["number"] for t in made}
    assert new["number"].endswith("0004")


def test_a_unique_invoice_number_stays_taken_after_compaction(make_sheets_repo, standin):
    """Test that the basis keeps an invoice number taken, also when its worksheet row went."""
    repo = make_sheets_repo()
    office = Office(repo)
    ticket = office.submit()
    office.urgent_until_closed(ticket)
    order_id = office.order(ticket["id"])["id"]
    form = {
        "number": "NEM-2026-0042",
        "invoice_date": "01-12-2026",
        "amount_excl": "100,00",
        "amount_incl": "121,00",
        "order_ids": [order_id],
    }
    billing.register_invoice(writers.desk(repo, FINANCE), office.snap(), form, invoice_id="f1")
    repo.compact_log(min_age=0)
    rows = standin.values(repo.key, "invoices")
    repo._http.values_clear(repo.key, f"'invoices'!A2:{len(rows)}")  # removed by hand
    fresh = other_process(repo)
    with pytest.raises(Duplicate):
        billing.register_invoice(
            writers.desk(fresh, FINANCE),
            Snapshot(fresh.read_all()),
            {**form, "number": " nem-2026-0042 "},
            invoice_id="f2",
        )


def test_compaction_beside_two_writer_processes_loses_nothing(
    make_sheets_repo, standin, monkeypatch
):
    """2 writer processes x 4 users x 10 actions while this process compacts the log again
    and again: every action told 'ok' is in, numbers are unique, every status is its last
    event's, and a fresh process sees exactly what the writers' store shows."""
    repo = make_sheets_repo()
    office = Office(repo, start=writers.NOW)
    office.submit()
    spec = ("sheets", repo.key, standin.url)
    threads, actions = 4, 10
    # Google's round trip, roughly: the work spans several seconds.
    monkeypatch.setattr(standin, "latency", 0.05)
    barrier, answers = SPAWN.Barrier(2), SPAWN.Queue()
    procs = [
        SPAWN.Process(
            target=writers.mixed_work, args=(spec, tag, threads, actions, barrier, answers)
        )
        for tag in ("p1", "p2")
    ]
    for p in procs:
        p.start()
    got, done = [], threading.Event()

    def collect() -> None:
        got.extend(answers.get(timeout=300) for _ in range(2 * threads * actions))
        done.set()

    collector = threading.Thread(target=collect, daemon=True)
    collector.start()
    compactions = 0
    while not done.wait(0.2):
        # Rows older than 2 s (1 s at the log clock's resolution): far beyond the time a
        # commit takes here from its read to its append.
        compactions += "samengevat" in repo.compact_log(min_age=2.0)[-1]
    collector.join()
    monkeypatch.setattr(standin, "latency", 0.0)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    repo.compact_log(min_age=0)
    fresh = other_process(repo)
    snap = Snapshot(fresh.read_all())
    assert by_id(fresh) == by_id(repo)
    notes = {e["note"] for e in snap.rows("events")}
    lost = 0
    for kind, ref, note, outcome in got:
        if outcome != "ok":
            assert outcome == "conflict", outcome
            continue
        lost += snap.ticket(ref) is None if kind == "submit" else note not in notes
    numbers = [t["number"] for t in snap.rows("tickets")]
    assert len(numbers) == len(set(numbers))
    for ticket in snap.rows("tickets"):
        moves = [e for e in snap.timeline(ticket["id"]) if e["entity"] == "ticket"]
        assert ticket["status"] == moves[-1]["to_status"]
    counts = Counter(outcome for *_, outcome in got)
    print(f"\ncompaction x{compactions} beside 2x{threads}x{actions}: {dict(counts)}, lost {lost}")
    assert compactions >= 1 and lost == 0


def test_the_cli_command_compacts_the_configured_sheet(make_sheets_repo, standin, tmp_path):
    """Test that `python -m lib.cli compact-log` works on the Sheet of the settings and
    refuses an age below ten minutes (late answers must not outlive it)."""
    repo = make_sheets_repo()
    Office(repo).submit()
    env = {
        "KIVIDO_STORE": "sheets",
        "KIVIDO_SHEET_KEY": repo.key,
        "KIVIDO_SHEETS_API_ROOT": standin.url,
        "KIVIDO_DEMO_MODE": "true",
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "lib.cli", "compact-log", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=ROOT,
        )

    refused = cli("--older-than", "1")
    assert refused.returncode == 2 and "minstens 10 minuten" in refused.stdout
    done = cli()
    assert done.returncode == 0, done.stderr
    assert "Werkbladen bijgewerkt:" in done.stdout and "niet" not in done.stdout.split()[0]
    assert len(standin.values(repo.key, "tickets")) == 2


def test_a_void_row_after_compaction_goes_below_the_basis(make_sheets_repo, standin):
    """Test that when a commit gets no answer after compaction cleared the rows under the
    header, its void row lands at the end of the log (not in a cleared row, where no
    process would read it), so the user is told 'failed' and the change stays out."""
    repo = make_sheets_repo(max_attempts=1)
    office = Office(repo)
    office.submit()
    repo.compact_log(min_age=0)
    standin.inject("503", kind="spreadsheets.batchUpdate")
    with pytest.raises(StoreUnavailable, match="niets half opgeslagen"):
        office.submit()
    log = standin.values(repo.key, LOG)
    assert [r[1] for r in log[1:] if r] == ["basis", "void"]
    assert log[-1][1] == "void"
    assert len(other_process(repo).read(["tickets"])["tickets"]) == 1
