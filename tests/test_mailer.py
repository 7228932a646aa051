"""Mail by SMTP against a real server on loopback (aiosmtpd in the test process).

Issue 8: every mail the procedure makes is sent when its step is taken, arrives
intact (headers, UTF-8 subject and body, a plain and an HTML part) and in the
thread of its report; a message is never lost and never sent twice; a refused
or unanswered mail stays queued (temporary) or is marked failed (5xx) with the
error, and the procedure step itself stays done. Expected recipients and texts
come from the procedure and the issue, not from the code's own tables.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest

from lib import mailer, services
from lib.procedure import Message
from lib.repository import Update
from tests.flows import STAFF
from tests.mail_support import (
    DESCRIPTION,
    DIRECTIE_ADDRESSES,
    INVESTIGATION,
    MAZ_ADDRESS,
    NEMESYS,
    REJECTION,
    REPORTER,
    UNIT_MANAGER,
    addresses,
    deliver,
    dutch_office,
    every_kind_of_mail,
    messages,
    plain,
    seven_bit_or_declared,
    submit,
)
from tests.smtp_server import SENDER, SmtpServer, make_certificate


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


# --- every mail arrives intact and threaded --------------------------------------


def test_every_kind_of_mail_arrives_intact_in_the_thread_of_its_report(repo, smtp):
    """Test that receipt, updates, order, tasks, quote and invoice mails arrive as written."""
    office = dutch_office(repo)
    ticket = every_kind_of_mail(office)
    number = ticket["number"]
    stored = messages(repo)
    sender = f"Kivido Storingsmeldingen <{SENDER}>"

    outcome = deliver(office, smtp.settings(sender=sender))

    received = smtp.received
    assert outcome == Counter(sent=len(stored)) and len(received) == len(stored)
    by_kind: dict[str, list] = {}
    for r in received:
        by_kind.setdefault(stored[r.message_id]["kind"], []).append(r)
    expected_to = {
        "ontvangst": {REPORTER},
        "status": {REPORTER},
        "opdracht": {NEMESYS},
        "communicatie": {UNIT_MANAGER},
        "offerte": DIRECTIE_ADDRESSES,
        "factuur": {MAZ_ADDRESS},
        "factuur_afgekeurd": {NEMESYS},
    }
    assert set(by_kind) == set(expected_to)
    assert len(by_kind["ontvangst"]) == 1 and len(by_kind["status"]) >= 3

    (receipt,) = by_kind["ontvangst"]
    thread = receipt.message["Message-ID"]
    assert thread.startswith("<") and thread.endswith(">") and "@" in thread
    assert "In-Reply-To" not in receipt.message  # the receipt opens the thread
    for kind, mails in by_kind.items():
        for r in mails:
            m = r.message
            row = stored[r.message_id]
            assert r.mail_from == SENDER
            assert set(r.rcpt_tos) == addresses(m["To"]) == expected_to[kind], kind
            assert m["From"].addresses[0].display_name == "Kivido Storingsmeldingen"
            assert m["From"].addresses[0].addr_spec == SENDER
            assert m["Subject"] == row["subject"] and number in m["Subject"], kind
            assert m["Date"].datetime == office.at  # when it was sent, with its UTC offset
            assert not m["Subject"].defects and not m["To"].defects
            if kind != "ontvangst":
                assert m["In-Reply-To"] == thread, kind
                assert thread in m["References"].split(), kind
            assert m.get_content_type() == "multipart/alternative"
            text = m.get_body(("plain",))
            html = m.get_body(("html",))
            assert text.get_content_charset() == html.get_content_charset() == "utf-8"
            assert plain(text.get_content()) == row["body"], kind
            assert "<html" in html.get_content() and "<p>" in html.get_content()
            assert seven_bit_or_declared(r), kind
    assert len({r.message_id for r in received}) == len(received)

    def body(mail) -> str:
        return plain(mail.message.get_body(("plain",)).get_content())

    def html(mail) -> str:
        return mail.message.get_body(("html",)).get_content()

    # Dutch characters survive in subjects and bodies; the HTML part is escaped.
    assert "Zoë Verbeeck" in body(receipt) and DESCRIPTION in body(receipt)
    assert "Kabel &amp; stekker &lt;los?&gt;" in html(receipt)
    assert "<los?>" not in html(receipt)
    (order,) = by_kind["opdracht"]
    assert "Crèche Zoë" in order.message["Subject"]
    for fact in (DESCRIPTION, INVESTIGATION, "06-12345678", "Zoë Verbeeck", "Anaïs Müller"):
        assert fact in body(order)
    (task,) = by_kind["communicatie"]
    assert "Crèche Zoë" in task.message["Subject"] and "Anaïs Müller" in body(task)
    (quote,) = by_kind["offerte"]
    assert "€" in quote.message["Subject"] and "1.234,56" in quote.message["Subject"]
    assert "OFF-1" in body(quote)
    (check,) = by_kind["factuur"]
    assert "F-2026-0042" in check.message["Subject"] and "financiën" in body(check)
    (rejected,) = by_kind["factuur_afgekeurd"]
    assert "F-2026-0042" in rejected.message["Subject"] and REJECTION in body(rejected)
    assert "€ 85,00" in html(rejected)
    # The reporter never reads the office's internal notes, quotes or references.
    for mail in [receipt, *by_kind["status"]]:
        for internal in (INVESTIGATION, "Kantoor ligt stil", "OFF-1", "NEM-1", "Akkoord"):
            assert internal not in body(mail)
    assert "Nieuwe status" not in body(receipt)


def test_sent_mail_is_recorded_with_its_moment_and_never_sent_again(repo, smtp):
    """Test that each message becomes 'verzonden' with sent_at, and a second round sends nothing."""
    office = dutch_office(repo)
    office.triage(submit(office), urgent=True, reason="Kantoor ligt stil")
    queued = messages(repo)
    assert {m["status"] for m in queued.values()} == {Message.QUEUED}

    assert deliver(office, smtp.settings()) == Counter(sent=len(queued))
    office.later(minutes=20)  # later than any claim could go stale
    assert deliver(office, smtp.settings()) == Counter()

    sent_at = office.at - timedelta(minutes=20)
    for row in messages(repo).values():
        assert row["status"] == Message.SENT
        assert row["sent_at"] == sent_at.isoformat(timespec="seconds")
        assert (row["attempts"], row["last_error"]) == (1, "")
    assert smtp.message_ids() == Counter(dict.fromkeys(queued, 1))


def test_demo_reports_mail_is_never_sent(sql_repo, smtp):
    """Test that the demo data's mails are stored as sent and never reach the mail server."""
    office = dutch_office(sql_repo)
    form = {
        "reporter_name": "Ruben (demo)",
        "reporter_email": "ruben@kivido.example",
        "reporter_role": "medewerker",
        "location_id": "demo-zonnebloem",
        "category": "telefonie",
        "description": "Demo: geen kiestoon.",
    }
    services.submit_report(
        office.desk(STAFF), office.snap(), form, submission_id="demo-1", is_demo=True
    )
    (row,) = messages(sql_repo).values()
    assert row["status"] == Message.SENT

    assert deliver(office, smtp.settings()) == Counter()
    assert smtp.received == []


# --- two senders, the background outbox ------------------------------------------


def test_two_senders_at_once_send_each_message_once(repo, smtp):
    """Test that two senders on one store (two threads) never both send a message."""
    office = dutch_office(repo)
    for _ in range(3):
        office.triage(submit(office), urgent=True, reason="Spoed")
    queued = messages(repo)
    smtp.mailbox.stall = 0.02  # each mail takes a moment: the two senders overlap
    start = threading.Barrier(2)
    outcomes: list[Counter] = []

    def sender() -> None:
        start.wait()
        outcomes.append(deliver(office, smtp.settings()))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    total = sum(outcomes, Counter())
    assert total["sent"] == len(queued) and set(total) <= {"sent", "skipped"}
    assert smtp.message_ids() == Counter(dict.fromkeys(queued, 1))
    assert {m["status"] for m in messages(repo).values()} == {Message.SENT}


def test_a_mail_claimed_by_another_sender_between_the_two_reads_is_not_sent(
    repo, smtp, monkeypatch
):
    """The sender reads the mails without their texts, then the texts of those due: a
    mail another sender claimed in between is no longer due, and is left to that one."""
    office = dutch_office(repo)
    submit(office)  # the receipt mail
    (queued,) = messages(repo).values()
    real = type(repo).read_rows

    def claimed_meanwhile(self, table, ids):
        rows = real(self, table, ids)
        if rows and rows[0]["status"] == Message.QUEUED:  # the other sender's claim
            values = {"status": Message.SENDING, "attempted_at": office.at.isoformat()}
            repo.commit([Update("messages", queued["id"], queued["version"], values)])
            return real(self, table, ids)
        return rows

    monkeypatch.setattr(type(repo), "read_rows", claimed_meanwhile)
    assert deliver(office, smtp.settings()) == Counter()
    assert smtp.received == []
    assert messages(repo)[queued["message_id"]]["status"] == Message.SENDING


def test_the_outbox_sends_in_the_background_after_a_write(sql_repo, smtp):
    """Test that the app's background sender delivers after a kick, without a page waiting."""
    office = dutch_office(sql_repo)
    outbox = mailer.Outbox(sql_repo, smtp.settings(), interval=3600)
    submit(office)
    outbox.kick()
    (mail,) = smtp.wait_for(1, timeout=20)
    assert mail.rcpt_tos == (REPORTER,)
    deadline = time.monotonic() + 20  # the sender records the outcome just after sending
    while messages(sql_repo)[mail.message_id]["status"] != Message.SENT:
        assert time.monotonic() < deadline, "the sent mail was not recorded as sent"
        time.sleep(0.05)


# --- the settings a real provider asks for: STARTTLS or SSL, with a login --------


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_a_login_as_microsoft_365_or_google_ask(sql_repo, tmp_path, monkeypatch, security):
    """Test sending over STARTTLS (port 587 style) and SSL (465 style) with a user and password."""
    certificate = make_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # the client trusts this server
    office = dutch_office(sql_repo)
    submit(office)
    users = {"storingen@kivido.example": "Geheim-wachtwoord-42"}
    with SmtpServer(tls=security, certificate=certificate, users=users) as server:
        settings = server.settings(host="localhost")
        assert deliver(office, settings) == Counter(sent=1)
        (mail,) = server.received
    assert mail.tls and mail.login == "storingen@kivido.example"


def test_an_untrusted_certificate_keeps_mail_queued(sql_repo, tmp_path, monkeypatch):
    """Test that a server whose certificate is not trusted gets nothing; the mail waits."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-bundle.pem"))
    office = dutch_office(sql_repo)
    submit(office)
    with SmtpServer(tls="starttls", certificate=make_certificate(tmp_path)) as server:
        assert deliver(office, server.settings(host="localhost")) == Counter(queued=1)
        assert server.received == []
    (row,) = messages(sql_repo).values()
    assert row["status"] == Message.QUEUED and "certificate" in row["last_error"].lower()


def test_an_error_smtplib_does_not_expect_is_recorded_and_never_leaves_a_claim(
    sql_repo, tmp_path, monkeypatch
):
    """Test that a password smtplib cannot encode fails the round's mail, visibly, not stuck."""
    certificate = make_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    office = dutch_office(sql_repo)
    submit(office)
    users = {"storingen@kivido.example": "wachtwoord-met-ë"}
    with SmtpServer(tls="starttls", certificate=certificate, users=users) as server:
        assert deliver(office, server.settings(host="localhost")) == Counter(queued=1)
        assert server.received == []
    (row,) = messages(sql_repo).values()
    assert row["status"] == Message.QUEUED and "UnicodeEncodeError" in row["last_error"]
