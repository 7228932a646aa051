"""Mail by SMTP that fails (issue 8): the mail waits or is marked failed; the step stays done.

A refused or unanswered mail stays queued (temporary) or is marked failed (5xx)
with the error; a message is never lost and never sent twice; only the MAZ
retries, and only a failed mail. Against a real aiosmtpd on loopback
(tests/smtp_server.py); helpers in tests/mail_support.py.
"""

from __future__ import annotations

from collections import Counter

import pytest

from lib import billing, mailer, services
from lib.procedure import IllegalTransition, Message
from lib.repository import Update
from tests.flows import MAZ, STAFF
from tests.mail_support import (
    NEMESYS,
    REPORTER,
    deliver,
    dutch_office,
    messages,
    ordered,
    step_unchanged,
    submit,
)
from tests.smtp_server import SmtpServer, free_port


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


# --- failures: the mail waits or is marked failed; the step stays done ----------


def test_connection_refused_keeps_mail_queued_and_the_next_round_sends_it(repo, smtp):
    """Test that with nothing listening the mail waits with the error, then goes out once."""
    office = dutch_office(repo)
    ticket = ordered(office)
    nobody = smtp.settings(port=free_port(), timeout=2)

    assert deliver(office, nobody) == Counter(queued=3)

    for row in messages(repo).values():
        assert (row["status"], row["attempts"], row["sent_at"]) == (Message.QUEUED, 1, "")
        assert "refused" in row["last_error"].lower(), row["last_error"]
    step_unchanged(office, ticket)

    assert deliver(office, smtp.settings()) == Counter(sent=3)
    assert smtp.message_ids() == Counter(dict.fromkeys(messages(repo), 1))
    assert all(m["last_error"] == "" for m in messages(repo).values())


@pytest.mark.parametrize(
    "where, answer",
    [
        ("data", "451 4.3.0 Tijdelijk probleem, probeer het later"),
        ("rcpt", "450 4.2.0 Greylisted, probeer het over 5 minuten opnieuw"),
    ],
    ids=["data-451", "rcpt-450-greylisting"],
)
def test_a_4xx_answer_keeps_mail_queued_and_the_next_round_sends_it_once(repo, smtp, where, answer):
    """Test that a temporary refusal (after DATA, or greylisting at RCPT) is tried again."""
    office = dutch_office(repo)
    ticket = ordered(office)
    setattr(smtp.mailbox, f"{where}_answer", answer)

    assert deliver(office, smtp.settings()) == Counter(queued=3)

    for row in messages(repo).values():
        assert (row["status"], row["sent_at"]) == (Message.QUEUED, "")
        assert answer in row["last_error"]
    step_unchanged(office, ticket)
    assert smtp.received == []

    setattr(smtp.mailbox, f"{where}_answer", "")
    assert deliver(office, smtp.settings()) == Counter(sent=3)
    assert smtp.message_ids() == Counter(dict.fromkeys(messages(repo), 1))


@pytest.mark.parametrize(
    "where, answer",
    [
        ("data", "554 5.7.1 Bericht geweigerd: beleid"),
        ("rcpt", "550 5.1.1 Onbekende ontvanger"),
    ],
    ids=["data-554", "rcpt-550"],
)
def test_a_5xx_answer_marks_mail_failed_with_the_error(repo, smtp, where, answer):
    """Test that a refusal for good marks the mail failed, is not retried by itself."""
    office = dutch_office(repo)
    ticket = ordered(office)
    setattr(smtp.mailbox, f"{where}_answer", answer)

    assert deliver(office, smtp.settings()) == Counter(failed=3)

    for row in messages(repo).values():
        assert (row["status"], row["sent_at"]) == (Message.FAILED, "")
        assert answer in row["last_error"]
    step_unchanged(office, ticket)

    setattr(smtp.mailbox, f"{where}_answer", "")
    office.later(hours=1)
    assert deliver(office, smtp.settings()) == Counter()  # only the MAZ sends it again
    assert smtp.received == []


def test_one_refused_mail_does_not_hold_up_the_others(sql_repo, smtp):
    """Test that Nemesys's address refused for good leaves the reporter's mails going out."""
    office = dutch_office(sql_repo)
    ordered(office)
    smtp.mailbox.rcpt_answers[NEMESYS] = "550 5.1.1 Mailbox onbekend"

    assert deliver(office, smtp.settings()) == Counter(sent=2, failed=1)

    status = {m["kind"]: m["status"] for m in messages(sql_repo).values()}
    assert status == {"ontvangst": "verzonden", "status": "verzonden", "opdracht": "mislukt"}
    assert {r.rcpt_tos for r in smtp.received} == {(REPORTER,)}


def test_a_recipient_refused_while_the_other_accepts_is_noted_with_the_mail(sql_repo, smtp):
    """Test that the quote mail reaches the directie member who exists and notes the other."""
    office = dutch_office(sql_repo)
    ticket = office.triage(submit(office), urgent=True, reason="Spoed")
    services.confirm_order(
        office.desk(), office.ticket(ticket["id"]), office.order(ticket["id"]), reference="N-9"
    )
    billing.register_quote(
        office.desk(),
        office.ticket(ticket["id"]),
        office.order(ticket["id"]),
        {"amount": "250,00", "reference": "OFF-9"},
    )
    smtp.mailbox.rcpt_answers["helene@kivido.example"] = "550 5.1.1 Mailbox onbekend"

    deliver(office, smtp.settings())

    (quote,) = [r for r in smtp.received if "Offerte" in r.message["Subject"]]
    assert quote.rcpt_tos == ("directie@kivido.example",)
    row = messages(sql_repo)[quote.message_id]
    assert row["status"] == Message.SENT
    assert "helene@kivido.example" in row["last_error"] and "550" in row["last_error"]


@pytest.mark.parametrize("where", ["data", "rcpt"])
def test_a_failed_mail_retried_by_the_maz_is_sent_exactly_once(repo, smtp, where):
    """Test that the Postvak's retry queues the same message again and it goes out once."""
    office = dutch_office(repo)
    ticket = ordered(office)
    setattr(smtp.mailbox, f"{where}_answer", "554 5.7.1 Geweigerd")
    assert deliver(office, smtp.settings()) == Counter(failed=3)
    setattr(smtp.mailbox, f"{where}_answer", "")
    order_mail = next(m for m in messages(repo).values() if m["kind"] == "opdracht")

    services.retry_message(office.desk(MAZ), order_mail)
    again = messages(repo)[order_mail["message_id"]]
    assert (again["status"], again["last_error"]) == (Message.QUEUED, "")
    assert deliver(office, smtp.settings()) == Counter(sent=1)
    assert deliver(office, smtp.settings()) == Counter()

    assert smtp.message_ids() == Counter({order_mail["message_id"]: 1})
    assert messages(repo)[order_mail["message_id"]]["status"] == Message.SENT
    step_unchanged(office, ticket)


def test_only_the_maz_retries_and_only_a_failed_mail(sql_repo, smtp):
    """Test that retry is the MAZ's and is refused for a mail that is queued or sent."""
    office = dutch_office(sql_repo)
    ordered(office)
    smtp.mailbox.rcpt_answers[NEMESYS] = "550 5.1.1 Mailbox onbekend"
    deliver(office, smtp.settings())
    rows = {m["kind"]: m for m in messages(sql_repo).values()}
    with pytest.raises(IllegalTransition):
        services.retry_message(office.desk(STAFF), rows["opdracht"])
    with pytest.raises(IllegalTransition):
        services.retry_message(office.desk(MAZ), rows["ontvangst"])
    services.retry_message(office.desk(MAZ), rows["opdracht"])


def test_a_time_out_after_data_keeps_mail_queued_and_the_resend_is_the_same_message(sql_repo, smtp):
    """Test that an unanswered DATA leaves the mail queued; a resend keeps its Message-ID.

    The server accepted it after the client gave up (an unclear answer), so it
    holds two copies: one message to every mail program, as both carry one Message-ID.
    """
    office = dutch_office(sql_repo)
    ticket = ordered(office)
    smtp.mailbox.stall = 2.0
    impatient = smtp.settings(timeout=0.5)

    assert deliver(office, impatient) == Counter(queued=3)

    for row in messages(sql_repo).values():
        assert (row["status"], row["sent_at"]) == (Message.QUEUED, "")
        assert "timed out" in row["last_error"].lower(), row["last_error"]
    step_unchanged(office, ticket)
    assert smtp.mailbox.wait(lambda: smtp.mailbox.stalls_done == 3, timeout=30)
    smtp.mailbox.stall = 0

    assert deliver(office, smtp.settings()) == Counter(sent=3)
    assert smtp.message_ids() == Counter(dict.fromkeys(messages(sql_repo), 2))
    assert deliver(office, smtp.settings()) == Counter()


def test_temporary_failures_give_up_after_max_attempts(sql_repo, smtp):
    """Test that a mail refused for a while is marked failed for the MAZ, not tried forever."""
    office = dutch_office(sql_repo)
    submit(office)
    smtp.mailbox.data_answer = "421 4.7.0 Te veel verbindingen"
    for _ in range(mailer.MAX_ATTEMPTS - 1):
        assert deliver(office, smtp.settings()) == Counter(queued=1)
    assert deliver(office, smtp.settings()) == Counter(failed=1)
    (row,) = messages(sql_repo).values()
    assert (row["status"], row["attempts"]) == (Message.FAILED, mailer.MAX_ATTEMPTS)
    assert row["last_error"].startswith("421")


def test_a_claim_left_by_a_stopped_sender_is_taken_up_later(sql_repo, smtp):
    """Test that a mail claimed by a sender that crashed is sent after STALE_CLAIM, not before."""
    office = dutch_office(sql_repo)
    submit(office)
    (row,) = messages(sql_repo).values()
    claimed_at = office.at.isoformat(timespec="seconds")
    sql_repo.commit(
        [
            Update(
                "messages",
                row["id"],
                row["version"],
                {"status": Message.SENDING, "attempts": 1, "attempted_at": claimed_at},
            )
        ]
    )
    office.later(minutes=1)
    assert deliver(office, smtp.settings()) == Counter()
    office.later(seconds=mailer.STALE_CLAIM.total_seconds())
    assert deliver(office, smtp.settings()) == Counter(sent=1)
    assert smtp.message_ids() == Counter({row["message_id"]: 1})
