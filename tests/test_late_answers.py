"""Late and lost answers on the Sheet (issue 9, point 2), made by the stand-in.

A write that Google applies after the client gave up (after its time-out, after
its retries, after a later write by someone else) never overwrites newer data,
and a user is told "failed" only when nothing was saved. The change log decides:
a client that got no answer appends a void row for its change, and whichever of
the two comes first in the log counts.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from lib import services
from lib.repository import Conflict, OutcomeUnknown, StoreUnavailable
from lib.repository.sheets_log import TITLE as LOG
from tests.flows import MAZ, STAFF, Office, report_form

LATE = 1.0  # the stand-in answers this late; the client waits 0.3 s
WRITE = "spreadsheets.batchUpdate"  # a commit's one write: the log row and the lagging rows


def office_on(repo) -> Office:
    return Office(repo)


def log_rows(standin, repo) -> list[list]:
    return standin.values(repo.key, LOG)[1:]


def rows_with(rows: list[list], text: str) -> list[int]:
    return [i for i, r in enumerate(rows) if any(text in str(c) for c in r[3:])]


@pytest.mark.parametrize("attempts", [1, 2])
def test_a_log_append_landing_after_a_later_write_changes_nothing(
    make_sheets_repo, standin, attempts
):
    """User 1's triage lands after user 2's: user 1 was told 'failed', user 2's triage stays."""
    late = make_sheets_repo(max_attempts=attempts, timeout=0.3)
    office = office_on(late)
    ticket = office.submit()
    snap = office.snap()
    standin.inject("slow", kind=WRITE, times=attempts, delay=LATE)
    with pytest.raises(StoreUnavailable) as caught:
        services.triage(office.desk(), snap, ticket, urgent=True, reason="Gebruiker 1, laat")
    assert not isinstance(caught.value, OutcomeUnknown)
    assert "niets half opgeslagen" in str(caught.value)
    services.triage(
        office.desk(),
        office.snap(),
        office.ticket(ticket["id"]),
        urgent=False,
        reason="Gebruiker 2",
    )
    time.sleep(LATE + 0.3)  # now the slow appends land, after user 2's
    rows = log_rows(standin, late)
    late_rows, on_time = rows_with(rows, "Gebruiker 1, laat"), rows_with(rows, "Gebruiker 2")
    assert len(late_rows) == attempts and len(on_time) == 1  # each attempt landed, late
    assert min(late_rows) > on_time[0]
    snap = office.snap()
    kept = snap.ticket(ticket["id"])
    assert (kept["urgency"], kept["urgency_reason"]) == ("niet_urgent", "Gebruiker 2")
    assert [e["note"] for e in snap.timeline(ticket["id"]) if e["action"].startswith("triage")] == [
        "Gebruiker 2"
    ]
    assert snap.order_for(ticket["id"]) is None


def test_worksheet_rows_landing_late_are_overruled_by_the_log_and_mended(make_sheets_repo, standin):
    """A commit's request lands after a newer change reached the worksheet: the older row it
    carries lands over the newer one, but reads stay right and the next write mends it."""
    late = make_sheets_repo(max_attempts=1, timeout=0.3)
    office = office_on(late)
    ticket = office.submit()  # in the log; its worksheet row comes with the next commit
    standin.inject("slow", kind=WRITE, delay=LATE)
    with pytest.raises(StoreUnavailable):  # told 'failed': its void row comes first
        services.triage(office.desk(), office.snap(), ticket, urgent=False, reason="Laat")
    services.add_investigation_note(office.desk(), office.ticket(ticket["id"]), "Daarna")
    late.compact_log()  # the worksheet now holds version 2, the note
    sheet = standin.values(late.key, "tickets")
    version = sheet[0].index("version")
    assert sheet[1][version] == 2
    time.sleep(LATE + 0.3)  # the late request lands: version 1 over the row
    assert standin.values(late.key, "tickets")[1][version] == 1
    shown = office.ticket(ticket["id"])
    assert (shown["version"], shown["investigation_notes"]) == (2, "Daarna")
    assert shown["urgency_reason"] != "Laat"
    office.submit()  # the next write on the worksheet mends the row
    assert standin.values(late.key, "tickets")[1][version] == 2


def test_an_append_whose_answer_was_lost_is_found_and_reported_saved(make_sheets_repo, standin):
    """No answer, no retries left: the client looks in the log and tells the user it is in."""
    repo = make_sheets_repo(max_attempts=1, timeout=0.3)
    office = office_on(repo)
    standin.inject("lost_answer", kind=WRITE)
    ticket = services.submit_report(
        office.desk(STAFF), office.snap(), report_form(), submission_id="verloren-antwoord"
    )
    assert office.ticket("verloren-antwoord")["number"] == ticket["number"]


def test_20_percent_faults_with_2_attempts_lose_nothing_and_never_lie(make_sheets_repo, standin):
    """Submit and triage under 20% faults (refusals, lost answers, late answers)."""
    repo = make_sheets_repo(max_attempts=2, timeout=0.3)
    office = office_on(repo)
    told: dict[str, list[tuple[str, str]]] = {"submit": [], "triage": []}
    standin.chaos(0.2, ("429", "500", "503", "lost_answer", "slow"), seed=9, delay=0.6)
    try:
        for i in range(30):
            submission = f"fout-{i}"
            outcome = _told(
                lambda s=submission: services.submit_report(
                    office.desk(STAFF), office.snap(), report_form(), submission_id=s
                )
            )
            told["submit"].append((submission, outcome))
            if outcome == "ok":
                triage = _told(
                    lambda s=submission: services.triage(
                        office.desk(MAZ),
                        office.snap(),
                        office.ticket(s),
                        urgent=False,
                        reason=f"Triage {s}",
                    )
                )
                told["triage"].append((submission, triage))
    finally:
        standin.chaos(0)
    time.sleep(0.8)  # late answers land
    snap = office.snap()
    counts = {kind: Counter(o for _, o in pairs) for kind, pairs in told.items()}
    false_failed = lost = 0
    for submission, outcome in told["submit"]:
        ticket = snap.ticket(submission)
        if outcome == "ok":
            lost += ticket is None
        elif outcome == "failed":
            false_failed += ticket is not None
        if ticket is not None:  # never a report without its event and receipt
            assert [e["action"] for e in snap.timeline(submission)][0] == "submit"
            assert [m["kind"] for m in snap.rows("messages") if m["ticket_id"] == submission][
                0
            ] == "ontvangst"
    for submission, outcome in told["triage"]:
        triaged = snap.ticket(submission)["urgency_reason"] == f"Triage {submission}"
        lost += outcome == "ok" and not triaged
        false_failed += outcome == "failed" and triaged
    print(f"\n20% faults, 2 attempts: {counts}; lost {lost}, false 'failed' {false_failed}")
    assert (lost, false_failed) == (0, 0)
    assert counts["submit"]["conflict"] == counts["triage"]["conflict"] == 0
    assert sum(c["failed"] for c in counts.values()) > 0  # the faults did bite


def _told(action) -> str:
    try:
        action()
    except OutcomeUnknown:
        return "unknown"
    except StoreUnavailable:
        return "failed"
    except Conflict:
        return "conflict"
    return "ok"


def test_when_the_log_cannot_be_reached_at_all_the_user_is_told_it_is_unsure(
    make_sheets_repo, standin
):
    """No answer to the change nor to its void row: 'not sure', never 'failed' or 'saved'."""
    repo = make_sheets_repo(max_attempts=1, timeout=0.3)
    office = office_on(repo)
    standin.inject("lost_answer", kind=WRITE, times=2)  # landed, unanswered; the void row too
    with pytest.raises(OutcomeUnknown, match="niet zeker of uw wijziging is opgeslagen"):
        services.submit_report(
            office.desk(STAFF), office.snap(), report_form(), submission_id="onzeker"
        )
    # The change came first in the log, so it counts: the next view shows it.
    assert office.ticket("onzeker")["status"] == "nieuw"


def test_a_save_waiting_on_retries_does_not_hold_up_other_users(make_sheets_repo, standin):
    """No lock across requests: while one save waits for slow answers and retries,
    another user's save in the same process goes through."""
    import threading

    repo = make_sheets_repo()
    office = office_on(repo)
    waiting = Office.__new__(Office)  # the same office, through a client that waits longer
    waiting.repo, waiting.at = make_like(repo, timeout=1.0), office.at
    standin.reset_counts()
    standin.inject("slow", kind=WRITE, delay=2 * LATE)
    slow = threading.Thread(target=lambda: _told(lambda: waiting.submit()), daemon=True)
    slow.start()
    while standin.count(WRITE) < 1:
        time.sleep(0.01)
    quick = office.submit()  # another user's save
    assert slow.is_alive()  # the first one is still waiting on its answers
    assert office.ticket(quick["id"])["number"]
    slow.join(timeout=10)


def make_like(repo, **options):
    """Another client on the same Sheet in this process (it shares the folded log)."""
    from google.auth.credentials import AnonymousCredentials

    from lib.repository.sheets import SheetsRepository

    return SheetsRepository(
        spreadsheet_key=repo.key,
        credentials=AnonymousCredentials(),
        api_root=repo._http.api_root,
        max_attempts=1,
        **options,
    )
