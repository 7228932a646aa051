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

from lib import billing, mailer, services
from lib.procedure import IllegalTransition, Message, Ticket
from lib.repository import Insert, Update
from tests.flows import MAZ, STAFF, Office
from tests.smtp_server import SENDER, SmtpServer, free_port, make_certificate

NEMESYS = "support@nemesys.nl"
REPORTER = "zoe@kivido.example"
UNIT_MANAGER = "anais@kivido.example"
DIRECTIE_ADDRESSES = {"directie@kivido.example", "helene@kivido.example"}  # two people
MAZ_ADDRESS = "maz@kivido.example"  # the MAZ in the people table (demo reference data)

DESCRIPTION = "Geen kiestoon bij de crèche; één toestel piept. Kabel & stekker <los?>"
INVESTIGATION = "Centrale herstart, geen verbetering; kabel naar de patchkast gecontroleerd"
REJECTION = "Eén uur dubbel gerekend; het tarief is € 85,00 per uur, niet € 95,00"


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def dutch_office(repo) -> Office:
    """An office with a location and people whose names need UTF-8."""
    office = Office(repo)
    repo.commit(
        [
            Insert(
                "locations",
                {
                    "id": "creche-zoe",
                    "name": "Crèche Zoë",
                    "kind": "locatie",
                    "unit_manager_name": "Anaïs Müller",
                    "unit_manager_email": UNIT_MANAGER,
                    "unit_manager_phone": "06-98765432",
                    "active": True,
                },
            ),
            Insert(
                "users",
                {
                    "id": "directie-2",
                    "name": "Hélène Dubois",
                    "email": "helene@kivido.example",
                    "role": "directie",
                    "active": True,
                },
            ),
        ]
    )
    return office


def submit(office: Office, **form) -> dict:
    form = {
        "reporter_name": "Zoë Verbeeck",
        "reporter_email": REPORTER,
        "location_id": "creche-zoe",
        "description": DESCRIPTION,
        **form,
    }
    return office.submit(**form)


def every_kind_of_mail(office: Office) -> dict:
    """Walk one urgent phone outage so that each kind of mail is queued; return the ticket."""
    ticket = submit(office)
    services.investigate(office.desk(), office.ticket(ticket["id"]), INVESTIGATION)
    office.urgent_until_closed(ticket, quote="1.234,56")
    invoice = office.invoice(ticket["id"], number="F-2026-0042")
    billing.check_invoice(office.desk(MAZ), invoice, approve=False, reason=REJECTION)
    return office.ticket(ticket["id"])


def messages(repo) -> dict[str, dict]:
    """The stored messages by Message-ID."""
    return {m["message_id"]: m for m in repo.read(["messages"])["messages"]}


def deliver(office: Office, settings) -> Counter:
    return mailer.deliver(office.repo, settings, now=office.clock)


def addresses(header) -> set[str]:
    return {a.addr_spec for a in header.addresses}


def plain(text: str) -> str:
    return text.replace("\r\n", "\n")


def seven_bit_or_declared(received) -> bool:
    """8-bit data only after the client declared it (RFC 6152: MAIL FROM ... BODY=8BITMIME)."""
    return max(received.data, default=0) < 128 or "BODY=8BITMIME" in received.mail_options


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


# --- failures: the mail waits or is marked failed; the step stays done ----------


def ordered(office: Office) -> dict:
    """An urgent report with its order placed: receipt, update and order queued."""
    ticket = office.triage(
        submit(office, category="printen", blocks_office_work=True), urgent=True, reason="Spoed"
    )
    assert ticket["status"] == Ticket.ORDERED
    return ticket


def step_unchanged(office: Office, ticket: dict) -> None:
    """The procedure step is done whatever happened to its mail."""
    now = office.ticket(ticket["id"])
    assert (now["status"], now["version"]) == (ticket["status"], ticket["version"])
    assert office.order(ticket["id"]) is not None


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
