"""Sending the queued mail by SMTP: after the write, off the page's path, never lost, never twice.

A use case only queues a message (a row in `messages`, with its Message-ID made
then). `deliver` sends what is queued: it first claims a message by a versioned
update (so two app processes, or the app and a cron job, never both send it),
then sends it, then records the outcome. A temporary failure (no connection, a
4xx answer, a time-out) leaves it queued with the error, to be tried again; a
refusal for good (5xx) marks it failed, with the error, for the MAZ to retry.
A claim that never finished (a crash mid-send) is taken up again after
STALE_CLAIM: the same Message-ID, so a mail program shows one message.
Without SMTP settings nothing is sent: the MAZ sends from the Postvak by hand.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from lib import workdays
from lib.procedure import Message
from lib.repository import Conflict, NotFound, Repository, StoreUnavailable, Update
from lib.schema import WITHOUT_MAIL_TEXTS

log = logging.getLogger("kivido.mail")
MAX_ATTEMPTS = 5  # temporary failures in a row before a message is marked failed
STALE_CLAIM = timedelta(minutes=10)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"  # "starttls", "ssl" or "none" (only for a relay on localhost)
    user: str = ""
    password: str = ""
    sender: str = ""
    timeout: float = 30.0

    @classmethod
    def from_secrets(cls, table: Mapping | None) -> SmtpSettings | None:
        """The [smtp] table of secrets.toml, or None when no host is set."""
        if not table or not table.get("host"):
            return None
        security = str(table.get("security", "starttls")).lower()
        if security not in {"starttls", "ssl", "none"}:
            raise ValueError(f"[smtp] security '{security}': kies starttls, ssl of none.")
        return cls(
            host=str(table["host"]),
            port=int(table.get("port", 465 if security == "ssl" else 587)),
            security=security,
            user=str(table.get("user", "")),
            password=str(table.get("password", "")),
            sender=str(table.get("sender", "") or table.get("user", "")),
            timeout=float(table.get("timeout", 30)),
        )


def to_email(row: dict, sender: str, now: datetime | None = None) -> EmailMessage:
    """The queued row as an e-mail: plain text and HTML, threaded by its report."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = row["to_address"]
    mail["Subject"] = row["subject"]
    mail["Date"] = format_datetime(now or workdays.now())
    if row["message_id"]:
        mail["Message-ID"] = row["message_id"]
    if row["thread_ref"] and row["thread_ref"] != row["message_id"]:
        mail["In-Reply-To"] = row["thread_ref"]
        mail["References"] = row["thread_ref"]
    # Quoted-printable keeps the message 7-bit: smtplib never declares BODY=8BITMIME,
    # and 8-bit data without it may be refused or mangled by a strict relay (RFC 6152).
    mail.set_content(row["body"], cte="quoted-printable")
    if row["html_body"]:
        mail.add_alternative(row["html_body"], subtype="html", cte="quoted-printable")
    return mail


class Connection:
    """One SMTP session, opened on first use and reopened after a failure."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def send(self, mail: EmailMessage) -> dict:
        """Send one mail; return the recipients refused while others accepted it."""
        if self._smtp is None:
            self._smtp = self._open()
        try:
            return self._smtp.send_message(mail)
        except BaseException:
            self.close()
            raise

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            smtp = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.user:
            smtp.login(s.user, s.password)
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None


def due(rows: list[dict], now: datetime) -> list[dict]:
    """Queued messages, and claims left behind by a sender that stopped, oldest first."""

    def stale(m: dict) -> bool:
        return bool(m["attempted_at"]) and datetime.fromisoformat(m["attempted_at"]) < (
            now - STALE_CLAIM
        )

    waiting = [
        m
        for m in rows
        if m["status"] == Message.QUEUED or (m["status"] == Message.SENDING and stale(m))
    ]
    return sorted(waiting, key=lambda m: m["created_at"])


def deliver(
    repo: Repository,
    settings: SmtpSettings,
    *,
    now: Callable[[], datetime] = workdays.now,
    limit: int = 200,
) -> Counter:
    """Send what is queued; return how many were sent, left queued, failed or skipped."""
    outcome: Counter = Counter()
    connection = Connection(settings)
    try:
        # The live read: an archived report has no mail left to send (lib/archive.py
        # waits for it), so each round costs what is live, not the whole history; and
        # without the texts, asked for only for the mails due (issue 10).
        live = repo.read(["messages"], live_only=True, columns=WITHOUT_MAIL_TEXTS)["messages"]
        waiting = [m["id"] for m in due(live, now())[:limit]]
        # Due again on the whole rows: another sender may have claimed one meanwhile.
        for row in due(repo.read_rows("messages", waiting), now()) if waiting else []:
            outcome[_deliver_one(repo, connection, row, now)] += 1
    finally:
        connection.close()
    return outcome


def _deliver_one(repo: Repository, connection: Connection, row: dict, now) -> str:
    at = now().astimezone(workdays.AMSTERDAM).isoformat(timespec="seconds")
    try:
        (claimed,) = repo.commit(
            [
                Update(
                    "messages",
                    row["id"],
                    row["version"],
                    {
                        "status": Message.SENDING,
                        "attempts": row["attempts"] + 1,
                        "attempted_at": at,
                    },
                )
            ]
        )
    except (Conflict, NotFound):
        return "skipped"  # another sender took it, or it was handled by hand meanwhile
    try:
        refused = connection.send(to_email(claimed, connection.settings.sender, now()))
    except smtplib.SMTPResponseException as e:
        error = f"{e.smtp_code} {_text(e.smtp_error)}"
        permanent = 500 <= e.smtp_code < 600
        return _record_failure(repo, claimed, error, permanent=permanent)
    except smtplib.SMTPRecipientsRefused as e:
        # Every recipient refused: for good only if each answer was 5xx (a 450 at
        # RCPT TO is greylisting, which asks to try again later).
        permanent = all(500 <= c < 600 for c, _ in e.recipients.values())
        return _record_failure(repo, claimed, _refusals(e.recipients), permanent=permanent)
    except (smtplib.SMTPException, OSError) as e:  # no connection, time-out, TLS
        return _record_failure(repo, claimed, f"{type(e).__name__}: {e}", permanent=False)
    except Exception as e:  # e.g. a password smtplib cannot encode: never a stuck claim
        log.exception("mail %s: onverwachte fout", claimed["id"])
        return _record_failure(repo, claimed, f"{type(e).__name__}: {e}", permanent=False)
    # Sent; a recipient refused while others accepted it is noted with the message.
    partly = f"Niet bezorgd bij {_refusals(refused)}" if refused else ""
    if partly:
        log.warning("mail %s: %s", claimed["id"], partly)
    _record(repo, claimed, {"status": Message.SENT, "sent_at": at, "last_error": partly[:500]})
    return "sent"


def _refusals(recipients: dict) -> str:
    return "; ".join(f"{a}: {c} {_text(m)}" for a, (c, m) in recipients.items())


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _record_failure(repo: Repository, row: dict, error: str, *, permanent: bool) -> str:
    give_up = permanent or row["attempts"] >= MAX_ATTEMPTS
    status = Message.FAILED if give_up else Message.QUEUED
    log.warning("mail %s niet verzonden (%s): %s", row["id"], status, error)
    _record(repo, row, {"status": status, "last_error": error[:500]})
    return "failed" if give_up else "queued"


def _record(repo: Repository, row: dict, values: dict) -> None:
    try:
        repo.commit([Update("messages", row["id"], row["version"], values)])
    except (Conflict, StoreUnavailable) as e:
        # The claim stays; after STALE_CLAIM the message is looked at again.
        log.error("uitkomst van mail %s niet vastgelegd: %s", row["id"], e)


class Outbox:
    """A background sender for one app process: `kick()` after each write.

    The page never waits for the mail server; the thread also wakes every
    `interval` seconds, so a temporary failure is tried again without a click.
    """

    def __init__(self, repo: Repository, settings: SmtpSettings, interval: float = 60.0):
        self.repo, self.settings, self.interval = repo, settings, interval
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kivido-outbox", daemon=True)
        self._thread.start()

    def kick(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                deliver(self.repo, self.settings)
            except Exception:  # the store may be down: try again at the next wake-up
                log.exception("verzenden van de wachtrij mislukt")
