"""Issue 10: the outbox's round costs what is live, and archiving never strands a mail.

A report is archived only when every mail of it is sent: the Postvak's "Nog te
versturen" (queued, being sent, refused) is still the MAZ's work. So the outbox
(lib/mailer.py) can read the live store only, on every driver, and still send
everything that waits.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from lib import archive, demo, mailer, workdays
from lib.config import Config
from lib.repository import Update
from lib.snapshot import Snapshot
from tests.flows import Office
from tests.smtp_server import SmtpServer

END = datetime(2025, 6, 2, 12, 0, tzinfo=workdays.AMSTERDAM)
LATER = END + timedelta(days=183)  # half a year of the demo year is past the 12 months
CONFIG = Config()
UNSENT = ["wachtrij", "bezig", "mislukt"]  # what the Postvak lists as "Nog te versturen"


@pytest.fixture
def seeded(repo):
    demo.seed_demo(repo, tickets=40, end=END, config=CONFIG)
    return repo


def _chosen(repo) -> set[str]:
    snap = Snapshot(repo.read(archive.TABLES_READ))
    return {t["id"] for t in archive.plan(snap, now=LATER, months=12).tickets}


@pytest.mark.parametrize("status", UNSENT)
def test_a_report_with_mail_still_to_send_stays_live(seeded, status):
    repo = seeded
    chosen = _chosen(repo)
    mail = next(m for m in repo.read(["messages"])["messages"] if m["ticket_id"] in chosen)
    assert mail["status"] == "verzonden"  # the demo's old mail was sent
    repo.commit([Update("messages", mail["id"], mail["version"], {"status": status})])

    assert mail["ticket_id"] not in _chosen(repo)
    assert _chosen(repo) == chosen - {mail["ticket_id"]}  # the others still go


class _Counting:
    """The repository, noting how many messages each read handed to the outbox."""

    def __init__(self, repo):
        self.repo, self.read_sizes = repo, []

    def read(self, tables, **kw):
        rows = self.repo.read(tables, **kw)
        self.read_sizes.append(len(rows["messages"]))
        return rows

    def __getattr__(self, name):
        return getattr(self.repo, name)


def test_the_outbox_reads_live_mail_only_and_sends_all_that_waits(seeded):
    repo = seeded
    done = archive.archive(repo, demo.MAZ, CONFIG, clock=lambda: LATER)
    assert done.tickets
    everything = repo.read(["messages"])["messages"]
    live = repo.read(["messages"], live_only=True)["messages"]
    assert len(live) < len(everything)  # the archived reports' mail left the live read

    office = Office(repo, start=LATER)
    office.submit(reporter_email="zoe@kivido.example", description="Printer op kantoor weigert")
    waiting = [m for m in repo.read(["messages"])["messages"] if m["status"] in UNSENT]
    assert len(waiting) == 1  # the new report's receipt: the archived ones' mail was all sent

    counting = _Counting(repo)
    with SmtpServer() as smtp:
        outcome = mailer.deliver(counting, smtp.settings(), now=office.clock)
        assert outcome == Counter(sent=1)
        assert [r.rcpt_tos for r in smtp.received] == [("zoe@kivido.example",)]
    assert counting.read_sizes == [len(live) + 1]  # the live mail and the new receipt
