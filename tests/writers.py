"""Writers in their own OS processes, for the several-writers tests (issue 9).

Each function runs in a process started with multiprocessing's "spawn" (a fresh
interpreter, as a second app instance or a CLI command would be), opens the
store from a plain description, and reports what its user was told.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from lib import billing, services
from lib.repository import Conflict, Duplicate, Repository, StoreUnavailable
from lib.snapshot import Snapshot
from lib.workdays import AMSTERDAM
from tests.flows import FINANCE, MAZ, STAFF, report_form

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)


def open_store(spec: tuple) -> Repository:
    """("sql", path) or ("sheets", key, url): the store as another process opens it."""
    if spec[0] == "sql":
        from lib.repository.sql import SqlRepository

        return SqlRepository.at_path(spec[1])
    from google.auth.credentials import AnonymousCredentials

    from lib.repository.sheets import SheetsRepository

    _, key, url, *rest = spec
    options = rest[0] if rest else {}
    return SheetsRepository(
        spreadsheet_key=key, credentials=AnonymousCredentials(), api_root=url, **options
    )


def desk(repo: Repository, actor=MAZ) -> services.Desk:
    return services.Desk(repo=repo, actor=actor, clock=lambda: NOW)


def told(action) -> str:
    """What the user would be told: ok, conflict, duplicate or failed."""
    try:
        action()
    except Conflict:
        return "conflict"
    except Duplicate:
        return "duplicate"
    except StoreUnavailable as err:
        return f"failed: {err}"
    return "ok"


def race_triage(spec, ticket_ids, urgent, barrier, answers) -> None:
    """For every ticket: read it as a page would, wait for the other writer, triage it."""
    repo = open_store(spec)
    for ticket_id in ticket_ids:
        snap = Snapshot(repo.read_all())
        ticket = snap.ticket(ticket_id)
        barrier.wait()
        outcome = told(
            lambda s=snap, t=ticket: services.triage(
                desk(repo), s, t, urgent=urgent, reason="Gelijktijdig"
            )
        )
        answers.put((ticket_id, urgent, outcome))


def race_submit(spec, rounds, tag, barrier, answers) -> None:
    """Each round: submit a report at the same moment as the other writer."""
    repo = open_store(spec)
    snap = Snapshot(repo.read_all())
    for i in range(rounds):
        submission = f"{tag}-{i}-{uuid.uuid4().hex[:8]}"
        barrier.wait()
        outcome = told(
            lambda s=submission: services.submit_report(
                desk(repo, STAFF), snap, report_form(), submission_id=s
            )
        )
        answers.put((submission, outcome))


def race_invoice(spec, numbers, order_id, barrier, answers) -> None:
    """Each round: register an invoice with (a variant of) the same number at once."""
    repo = open_store(spec)
    for number in numbers:
        snap = Snapshot(repo.read_all())
        invoice_id = uuid.uuid4().hex
        form = {
            "number": number,
            "invoice_date": "01-12-2026",
            "amount_excl": "100,00",
            "amount_incl": "121,00",
            "order_ids": [order_id],
        }
        barrier.wait()
        outcome = told(
            lambda f=form, i=invoice_id, s=snap: billing.register_invoice(
                desk(repo, FINANCE), s, f, invoice_id=i
            )
        )
        answers.put((number, invoice_id, outcome))


def submit_forever(spec) -> None:
    """Submit reports until killed (the kill -9 test)."""
    repo = open_store(spec)
    snap = Snapshot(repo.read_all())
    while True:
        services.submit_report(
            desk(repo, STAFF), snap, report_form(), submission_id=uuid.uuid4().hex
        )


def mixed_work(spec, tag, threads, actions, barrier, answers) -> None:
    """`threads` users in one process, each: submit, note, triage, note, ... on shared reports."""
    import random
    import threading

    repo = open_store(spec)
    barrier.wait()

    def user(n: int) -> None:
        rnd = random.Random(f"{tag}-{n}")
        for i in range(actions):
            snap = Snapshot(repo.read_all())
            open_reports = snap.tickets_in("nieuw")
            if not open_reports or rnd.random() < 0.4:
                submission = f"{tag}-{n}-{i}"
                outcome = told(
                    lambda s=submission, sn=snap: services.submit_report(
                        desk(repo, STAFF), sn, report_form(), submission_id=s
                    )
                )
                answers.put(("submit", submission, "", outcome))
                continue
            ticket = rnd.choice(open_reports)
            note = f"{tag}-{n}-{i}"
            if rnd.random() < 0.5:
                outcome = told(
                    lambda t=ticket, sn=snap, r=note: services.triage(
                        desk(repo), sn, t, urgent=rnd.random() < 0.5, reason=r
                    )
                )
                answers.put(("triage", ticket["id"], note, outcome))
            else:
                outcome = told(
                    lambda t=ticket, r=note: services.add_investigation_note(desk(repo), t, r)
                )
                answers.put(("note", ticket["id"], note, outcome))

    workers = [threading.Thread(target=user, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
