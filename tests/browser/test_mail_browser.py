"""Browser tier: the urgent procedure once more, with SMTP configured (issue 8).

The app runs under `streamlit run` with a secrets.toml whose [smtp] table points
at a real SMTP server on loopback (aiosmtpd in the test process). Nobody marks
anything sent: each step's mail goes out by itself from the app's background
sender, so the test waits (bounded) for it at the server, step by step: the
receipt first, then the update, the order to Nemesys and the unit manager's
task, and so on; all of them in the thread the receipt opened.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest

from lib import demo
from lib.procedure import Message
from lib.repository.sql import SqlRepository
from tests.browser import steps
from tests.browser.conftest import AppServer, screenshot
from tests.browser.steps import Walk
from tests.browser.test_procedures import (
    DIRECTIE,
    FINANCE,
    MAZ,
    TELEPHONY,
    UNIT_MANAGER,
    invoice_for,
    report_as,
    resolved_and_closed,
)
from tests.smtp_server import SENDER, Received, SmtpServer

pytestmark = pytest.mark.browser

REPORTER = "ruben@kivido.example"  # the staff member who reports (tests.browser.test_procedures)
NEMESYS = "support@nemesys.nl"
UNIT_MANAGER_ADDRESS = "sanne@kivido.example"  # De Zonnebloem's unit manager
DIRECTIE_ADDRESS = "directie@kivido.example"  # the directie in the people table
MAZ_ADDRESS = "maz@kivido.example"  # the MAZ in the people table


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def write_secrets(path: Path, smtp_table: dict) -> Path:
    """A secrets.toml with only an [smtp] table (JSON strings are valid TOML strings)."""
    lines = ["[smtp]"] + [f"{key} = {json.dumps(value)}" for key, value in smtp_table.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


class Mails:
    """What the test server received, checked one procedure step at a time."""

    def __init__(self, smtp: SmtpServer, repo: SqlRepository):
        self.smtp, self.repo, self.seen = smtp, repo, 0

    def kinds(self) -> dict[str, str]:
        return {m["message_id"]: m["kind"] for m in self.repo.read(["messages"])["messages"]}

    def after_step(self, *expected: tuple[str, str]) -> list[Received]:
        """Exactly the mails (kind, recipient) the last step caused, after the earlier ones."""
        got = self.smtp.wait_for(self.seen + len(expected), timeout=30)
        new, self.seen = got[self.seen :], len(got)
        kinds = self.kinds()
        arrived = Counter((kinds.get(r.message_id, "?"), ",".join(r.rcpt_tos)) for r in new)
        assert arrived == Counter(expected)
        return new

    def all_sent(self, timeout: float = 30) -> list[dict]:
        """Every stored message recorded as sent (the sender records just after sending)."""
        deadline = time.monotonic() + timeout
        while True:
            rows = self.repo.read(["messages"])["messages"]
            if all(m["status"] == Message.SENT for m in rows):
                return rows
            assert time.monotonic() < deadline, [(m["kind"], m["status"]) for m in rows]
            time.sleep(0.2)


@pytest.fixture
def walk_with_smtp(tmp_path, smtp, page_in, request):
    """The app on a fresh SQLite store with SMTP configured; yields (walk, store, mails)."""
    db = tmp_path / "kivido.db"
    repo = SqlRepository.at_path(db)
    repo.setup()
    demo.seed_reference_data(repo)
    secrets = write_secrets(tmp_path / "secrets.toml", smtp.secrets_table())
    env = {
        "KIVIDO_STORE": "sqlite",
        "KIVIDO_DB": str(db),
        "KIVIDO_SECRETS": str(secrets),
        "KIVIDO_DEMO_MODE": "true",
        "KIVIDO_CACHE_SECONDS": "0",  # the Postvak shows what the background sender wrote
    }
    log = tmp_path / "streamlit.log"
    server = AppServer(env, log, args=("--secrets.files", str(secrets)))
    failed_before = request.session.testsfailed
    page = page_in()
    walk = Walk(page, "sqlite", "mail-urgent")
    try:
        steps.open_app(page, server.url)
        yield walk, repo, Mails(smtp, repo)
    finally:
        if request.session.testsfailed > failed_before:
            screenshot(page, "sqlite-mail-urgent-failed")
        server.stop()
        repo.engine.dispose()


def test_urgent_procedure_with_smtp_sends_every_mail_in_order_and_in_one_thread(walk_with_smtp):
    """Test that each step's mail reaches the SMTP server by itself, in order, in one thread."""
    walk, repo, mails = walk_with_smtp
    page = walk.page

    number = report_as(walk, TELEPHONY)
    (receipt,) = mails.after_step(("ontvangst", REPORTER))

    walk.as_person(MAZ)
    walk.visit("Beoordelen")
    steps.triage(page, number, urgent=True, reason="Geen telefoonverkeer mogelijk")
    mails.after_step(
        ("status", REPORTER), ("opdracht", NEMESYS), ("communicatie", UNIT_MANAGER_ADDRESS)
    )
    walk.visit("Postvak")  # nothing to send by hand: the order went out by itself
    steps.expect_text(steps.main(page), "Berichten gaan automatisch via de mailserver 127.0.0.1.")
    mails.all_sent()
    walk.visit("Nemesys")
    steps.confirm_order(page, number, "NEM-4711")
    mails.after_step(("status", REPORTER))

    walk.as_person(UNIT_MANAGER)
    walk.visit("Communicatie")
    steps.tick_channels(page, number, "Er is een storing")

    walk.as_person(MAZ)
    walk.visit("Offertes")
    url = "https://nemesys.example/offertes/OFF-88.pdf"
    steps.register_quote(page, number, amount="1.234,56", reference="OFF-88", url=url)
    mails.after_step(("offerte", DIRECTIE_ADDRESS))
    walk.as_person(DIRECTIE)
    walk.visit("Offertes")
    steps.decide_quote(page, number, approve=True, note="Akkoord, spoed")

    walk.as_person(MAZ)
    resolved_and_closed(walk, number, communication=True)
    mails.after_step(("status", REPORTER), ("status", REPORTER))

    walk.as_person(FINANCE)
    walk.visit("Facturen")
    steps.register_invoice(page, invoice_for(number, "F-2026-101", "1.234,56", "1.493,82"))
    mails.after_step(("factuur", MAZ_ADDRESS))
    walk.as_person(MAZ)
    walk.visit("Facturen")
    steps.invoice_step(page, "F-2026-101", "Goedkeuren", then="Factuur goedgekeurd;")

    rows = mails.all_sent()
    walk.visit("Postvak")
    steps.expect_text(steps.main(page), "Het postvak is leeg: alle berichten zijn verzonden.")
    walk.shot()

    # Each stored message arrived exactly once, from the configured sender, in one thread.
    received = mails.smtp.received
    assert mails.smtp.message_ids() == Counter({m["message_id"]: 1 for m in rows})
    thread = receipt.message["Message-ID"]
    assert received[0] is receipt and "In-Reply-To" not in receipt.message
    for mail in received:
        message = mail.message
        assert mail.mail_from == SENDER and number in message["Subject"]
        assert message.get_body(("plain",)) and message.get_body(("html",))
        if mail is not receipt:
            assert message["In-Reply-To"] == thread
            assert thread in message["References"].split()
    sent_at = [m["sent_at"] for m in sorted(rows, key=lambda m: m["created_at"])]
    assert sent_at == sorted(sent_at) and all(sent_at)
