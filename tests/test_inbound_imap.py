"""fetch-mail against a real IMAP server on loopback (Dovecot, tests/imap_server.py).

The mailbox is filled by IMAP APPEND with the hand-written samples of
tests/mail_samples/; `inbound.fetch_mail` then reads it as the cron job would.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os

import pytest

from lib import inbound
from lib.config import Config
from lib.procedure import Ticket
from tests.flows import Office
from tests.imap_server import PACKAGE, PASSWORD, Dovecot, dovecot_binary, free_port
from tests.test_inbound import TICKET_ID, order_placed, sample

_users = itertools.count(1)


@pytest.fixture(scope="module")
def dovecot():
    if dovecot_binary() is None:
        message = f"Dovecot ontbreekt: installeer Debian's pakket '{PACKAGE}' (zie .ci/run)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    server = Dovecot().start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(dovecot):
    """A fresh mailbox of its own for each test: its address."""
    return f"bevestigingen{next(_users)}@kivido.nl"


def settings(dovecot, user: str, **overrides) -> inbound.ImapSettings:
    values = {
        "host": "127.0.0.1",
        "port": dovecot.port,
        "security": "none",
        "user": user,
        "password": PASSWORD,
    }
    return inbound.ImapSettings.from_secrets(values | overrides)


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo)  # orders of 23 November 2026; the samples answer on the 24th


NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)  # the morning after: cron fetches
ARRIVED = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def ordered(office):
    ticket = order_placed(office)
    office.at = NOW
    return ticket


def deliver(dovecot, user: str, *names: str, flags: str = "") -> None:
    for name in names:
        dovecot.append(user, sample(name), flags=flags, arrived=ARRIVED)


def test_confirmation_is_recorded_and_the_mailbox_left_as_it_was(dovecot, mailbox, office, ordered):
    """Test that Nemesys's reply is recorded; every other mail is left, no flag changes, none deleted."""
    deliver(dovecot, mailbox, "09_unrelated.eml", "11_plain_text_no_headers.eml")
    deliver(dovecot, mailbox, "01_re_quoted_printable.eml")
    deliver(dovecot, mailbox, "08_references_thread_only.eml", flags="\\Seen")
    before = dovecot.flags(mailbox)
    assert before == {"1": "", "2": "", "3": "", "4": "\\Seen"}

    result = inbound.fetch_mail(settings(dovecot, mailbox), office.desk(), now=NOW)

    assert result.recorded == [
        "KIV-2026-0001: bevestiging vastgelegd (referentie NEM-48213, 24-11-2026 09:42)."
    ]
    assert [line.split(":")[0] for line in result.left] == [
        "e-mail 1",
        "e-mail 2",
        "e-mail 4",
    ]
    assert "hoort bij geen melding" in result.left[0]
    assert "geen e-mail" in result.left[1]
    assert "al bevestigd door Nemesys" in result.left[2]  # the reply before it was recorded
    order = office.order(TICKET_ID)
    assert (order["confirmed_at"], order["nemesys_reference"]) == (
        "2026-11-24T09:42:17+01:00",
        "NEM-48213",
    )
    assert office.ticket(TICKET_ID)["status"] == Ticket.CONFIRMED
    assert dovecot.flags(mailbox) == before  # not even read marks


def test_second_run_records_nothing_twice(dovecot, mailbox, office, ordered):
    """Test that running fetch-mail again (cron) leaves the recorded confirmation as it is."""
    deliver(dovecot, mailbox, "01_re_quoted_printable.eml", "02_base64_multipart.eml")
    first = inbound.fetch_mail(settings(dovecot, mailbox), office.desk(), now=NOW)
    events = len(office.snap().rows("events"))
    second = inbound.fetch_mail(settings(dovecot, mailbox), office.desk(), now=NOW)
    assert len(first.recorded) == 1 and second.recorded == []
    assert all("al bevestigd" in line for line in second.left) and len(second.left) == 2
    assert len(office.snap().rows("events")) == events
    assert office.order(TICKET_ID)["nemesys_reference"] == "NEM-48213"  # the first mail's


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("05_doorst_forwarded.eml", "afzender receptie@kivido.nl is geen adres van nemesys.nl"),
        ("08_references_thread_only.eml", "geen referentie van Nemesys gevonden"),
        ("03_html_only.eml", "afzender support@nemesys.zendesk.com is geen adres van nemesys.nl"),
    ],
)
def test_what_needs_the_maz_is_left_for_the_page(dovecot, mailbox, office, ordered, name, reason):
    """Test that a mail from another domain, or without reference, is not recorded unattended."""
    deliver(dovecot, mailbox, name)
    result = inbound.fetch_mail(settings(dovecot, mailbox), office.desk(), now=NOW)
    assert result.recorded == []
    assert reason in result.left[0] and "pagina Nemesys" in result.left[0]
    assert office.ticket(TICKET_ID)["status"] == Ticket.ORDERED


def test_forward_from_nemesys_domain_is_left_too(dovecot, mailbox, office, ordered):
    """Test that a forward is left even from Nemesys: its Date is the forward's, not the confirmation's."""
    data = sample("05_doorst_forwarded.eml").replace(
        b"From: Receptie Kivido <receptie@kivido.nl>", b"From: Jeroen <jeroen@nemesys.nl>"
    )
    dovecot.append(mailbox, data, arrived=ARRIVED)
    result = inbound.fetch_mail(settings(dovecot, mailbox), office.desk(), now=NOW)
    assert result.recorded == [] and "doorgestuurde e-mail" in result.left[0]


def test_only_recent_arrivals_are_read(dovecot, mailbox, office, ordered):
    """Test that mails that arrived before the window ([imap] days) are not looked at."""
    dovecot.append(
        mailbox, sample("01_re_quoted_printable.eml"), arrived=NOW - dt.timedelta(days=3)
    )
    result = inbound.fetch_mail(settings(dovecot, mailbox, days=2), office.desk(), now=NOW)
    assert result.recorded == [] and result.left == []
    result = inbound.fetch_mail(settings(dovecot, mailbox, days=4), office.desk(), now=NOW)
    assert len(result.recorded) == 1


def test_other_folder_is_read(dovecot, mailbox, office, ordered):
    """Test that [imap] folder names the folder a mail rule files Nemesys's replies in."""
    dovecot.append(mailbox, sample("01_re_quoted_printable.eml"), arrived=ARRIVED, folder="Nemesys")
    result = inbound.fetch_mail(
        settings(dovecot, mailbox, folder="Nemesys"), office.desk(), now=NOW
    )
    assert len(result.recorded) == 1


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_a_trusted_certificate(dovecot, mailbox, office, ordered, monkeypatch, security):
    """Test that STARTTLS and IMAP over TLS work with a certificate the system trusts."""
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.cert))
    port = dovecot.port if security == "starttls" else dovecot.tls_port
    deliver(dovecot, mailbox, "01_re_quoted_printable.eml")
    config = settings(dovecot, mailbox, security=security, port=port, host="localhost")
    result = inbound.fetch_mail(config, office.desk(), now=NOW)
    assert len(result.recorded) == 1


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_untrusted_certificate_is_refused(dovecot, mailbox, office, ordered, security):
    """Test that a certificate nobody vouches for stops the fetch before the password is sent."""
    port = dovecot.port if security == "starttls" else dovecot.tls_port
    config = settings(dovecot, mailbox, security=security, port=port, host="localhost")
    with pytest.raises(inbound.MailboxUnavailable) as e:
        inbound.fetch_mail(config, office.desk(), now=NOW)
    assert "CERTIFICATE_VERIFY_FAILED" in str(e.value)
    assert office.ticket(TICKET_ID)["status"] == Ticket.ORDERED


def test_wrong_password_and_no_server_are_clear_failures(dovecot, mailbox, office):
    """Test that a refused sign-in and a closed port give a Dutch message, nothing else."""
    with pytest.raises(inbound.MailboxUnavailable) as e:
        inbound.fetch_mail(settings(dovecot, mailbox, password="fout"), office.desk(), now=NOW)
    assert str(e.value).startswith(f"De postbus {mailbox}@127.0.0.1 is niet te openen")
    with pytest.raises(inbound.MailboxUnavailable) as e:
        inbound.fetch_mail(settings(dovecot, mailbox, port=free_port()), office.desk(), now=NOW)
    assert "is niet bereikbaar (ConnectionRefusedError" in str(e.value)
    with pytest.raises(inbound.MailboxUnavailable) as e:
        inbound.fetch_mail(
            settings(dovecot, mailbox, folder="Bestaat niet"), office.desk(), now=NOW
        )
    assert "is niet te openen" in str(e.value)


def test_command_prints_a_line_per_mail(dovecot, mailbox, office, ordered):
    """Test the fetch-mail command: a line per mail and a total; exit 1 without [imap]."""
    deliver(dovecot, mailbox, "01_re_quoted_printable.eml", "09_unrelated.eml")
    lines: list[str] = []
    table = {"host": "127.0.0.1", "port": dovecot.port, "security": "none"}
    table |= {"user": mailbox, "password": PASSWORD}
    code = inbound.fetch_mail_command(
        Config(), office.repo, table, out=lines.append, clock=lambda: NOW
    )
    assert code == 0
    assert (
        lines[0]
        == "KIV-2026-0001: bevestiging vastgelegd (referentie NEM-48213, 24-11-2026 09:42)."
    )
    assert lines[1].startswith("Overgeslagen, e-mail 2: Deze e-mail hoort bij geen melding")
    assert lines[-1] == "1 bevestiging(en) vastgelegd, 1 e-mail(s) ongemoeid gelaten."
    timeline = office.snap().timeline(TICKET_ID)
    assert timeline[-1]["actor_name"] == inbound.FETCH_ACTOR
    assert inbound.fetch_mail_command(Config(), office.repo, {}, out=lines.append) == 1
    assert lines[-1].startswith("Geen postbus ingesteld")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"host": "imap.example.nl", "security": "none"}, "alleen voor een server op deze machine"),
        ({"host": "imap.example.nl", "security": "tls"}, "kies ssl, starttls of none"),
    ],
)
def test_unsafe_or_unknown_security_is_refused(table, message):
    """Test that a password in clear text to another machine, or a typo, is refused up front."""
    with pytest.raises(ValueError) as e:
        inbound.ImapSettings.from_secrets(table)
    assert message in str(e.value)


def test_settings_defaults():
    """Test the defaults: IMAP over TLS on 993, INBOX, two weeks; 143 for STARTTLS; None without host."""
    s = inbound.ImapSettings.from_secrets({"host": "outlook.office365.com", "user": "u"})
    assert (s.port, s.security, s.folder, s.days) == (993, "ssl", "INBOX", 14)
    assert inbound.ImapSettings.from_secrets({"host": "h", "security": "starttls"}).port == 143
    assert inbound.ImapSettings.from_secrets({}) is None
