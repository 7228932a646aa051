"""Fetching Nemesys's confirmations from a mailbox: `python -m lib.cli fetch-mail`.

It opens the folder read-only, records only what needs no judgement and leaves
every mail, read or not, exactly as it was (see lib/inbound.py).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from lib import formatting
from lib.inbound_mail import Refused
from lib.inbound_match import read_confirmation
from lib.snapshot import Snapshot

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class MailboxUnavailable(Exception):
    """The IMAP mailbox could not be read (connection, TLS, sign-in, folder); message in Dutch."""


@dataclass(frozen=True)
class ImapSettings:
    """The [imap] table of secrets.toml: a mailbox that receives Nemesys's replies."""

    host: str
    port: int = 993
    security: str = "ssl"  # "ssl", "starttls", or "none" (only for a server on this machine)
    user: str = ""
    password: str = ""
    folder: str = "INBOX"
    days: int = 14  # mails that arrived in this many days are read
    timeout: float = 30.0

    @classmethod
    def from_secrets(cls, table) -> ImapSettings | None:
        """The settings, or None when no host is set (fetching is optional)."""
        if not table or not table.get("host"):
            return None
        security = str(table.get("security", "ssl")).lower()
        if security not in {"ssl", "starttls", "none"}:
            raise ValueError(f"[imap] security '{security}': kies ssl, starttls of none.")
        host = str(table["host"])
        if security == "none" and host not in LOOPBACK_HOSTS:
            raise ValueError(
                "[imap] security 'none' stuurt het wachtwoord onversleuteld: alleen voor een "
                "server op deze machine (localhost). Kies ssl of starttls."
            )
        return cls(
            host=host,
            port=int(table.get("port", 993 if security == "ssl" else 143)),
            security=security,
            user=str(table.get("user", "")),
            password=str(table.get("password", "")),
            folder=str(table.get("folder", "INBOX")),
            days=int(table.get("days", 14)),
            timeout=float(table.get("timeout", 30)),
        )


@dataclass
class FetchResult:
    """What one fetch did: confirmations recorded, and each mail left alone with the reason."""

    recorded: list[str]
    left: list[str]


def _open_mailbox(s: ImapSettings):
    import imaplib
    import ssl

    try:
        if s.security == "ssl":
            imap = imaplib.IMAP4_SSL(
                s.host, s.port, ssl_context=ssl.create_default_context(), timeout=s.timeout
            )
        else:
            imap = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                imap.starttls(ssl_context=ssl.create_default_context())
    except (OSError, imaplib.IMAP4.error) as e:
        raise MailboxUnavailable(
            f"De postbus {s.host}:{s.port} is niet bereikbaar ({type(e).__name__}: {e})."
        ) from e
    try:
        imap.login(s.user, s.password)
        folder = '"' + s.folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
        status, answer = imap.select(folder, readonly=True)  # EXAMINE: no flag ever changes
        if status != "OK":
            raise imaplib.IMAP4.error(f"map '{s.folder}': {answer!r}")
    except (OSError, imaplib.IMAP4.error) as e:
        with contextlib.suppress(Exception):
            imap.logout()
        raise MailboxUnavailable(
            f"De postbus {s.user}@{s.host} is niet te openen ({type(e).__name__}: {e})."
        ) from e
    return imap


def _imap_date(moment: datetime) -> str:
    return f"{moment.day:02d}-{_MONTHS[moment.month - 1]}-{moment.year}"


def fetch_mail(settings: ImapSettings, desk, *, now: datetime | None = None) -> FetchResult:
    """Record Nemesys's confirmations found in the mailbox; leave every mail as it was.

    The folder is opened read-only (EXAMINE) and mails are read with BODY.PEEK,
    so nothing in the mailbox changes, not even the read mark. Only a mail that
    matches a report waiting for Nemesys, comes from Nemesys's domain, is not a
    forward (its Date would be the forward's) and names Nemesys's reference is
    recorded, through services.confirm_order as on the page; everything else
    waits for the MAZ on the Nemesys page. Running it again records nothing
    twice: a confirmed report no longer waits.
    """
    import imaplib
    from datetime import timedelta

    from lib import services
    from lib.repository import Conflict
    from lib.schema import SHARED_TABLES, WITHOUT_MAIL_TEXTS
    from lib.validation import ValidationError

    nemesys_domain = desk.config.nemesys_address.rpartition("@")[2].lower()
    since = (now or desk.clock()) - timedelta(days=settings.days)
    result = FetchResult([], [])
    imap = _open_mailbox(settings)
    try:
        status, data = imap.uid("SEARCH", None, "SINCE", _imap_date(since))
        uids = data[0].split() if status == "OK" and data and data[0] else []
        # The mails' texts are not matched on (Message-ID and thread only): left out.
        read = lambda: Snapshot(desk.repo.read(SHARED_TABLES, columns=WITHOUT_MAIL_TEXTS))  # noqa: E731
        snap = read()
        for uid in uids:
            status, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts or [] if isinstance(p, tuple)), None)
            label = f"e-mail {uid.decode()}"
            if status != "OK" or raw is None:
                result.left.append(f"{label}: niet op te halen ({status}).")
                continue
            try:
                found = read_confirmation(raw, snap)
            except Refused as e:
                result.left.append(f"{label}: {e}")
                continue
            label = f"{label} ({found.number})"
            domain = found.sender_address.rpartition("@")[2]
            if domain != nemesys_domain and not domain.endswith("." + nemesys_domain):
                result.left.append(
                    f"{label}: afzender {found.sender_address} is geen adres van "
                    f"{nemesys_domain}; leg de bevestiging vast op de pagina Nemesys."
                )
                continue
            if found.forwarded:
                result.left.append(
                    f"{label}: doorgestuurde e-mail (de tijd is die van het doorsturen); "
                    "leg de bevestiging vast op de pagina Nemesys."
                )
                continue
            if not found.reference:
                result.left.append(
                    f"{label}: geen referentie van Nemesys gevonden; leg de bevestiging vast "
                    "op de pagina Nemesys."
                )
                continue
            try:
                services.confirm_order(
                    desk,
                    found.ticket,
                    found.order,
                    reference=found.reference,
                    confirmed_at=found.confirmed_at,
                )
            except (ValidationError, Conflict) as e:
                result.left.append(f"{label}: niet vastgelegd: {e}")
                continue
            result.recorded.append(
                f"{found.number}: bevestiging vastgelegd (referentie {found.reference}, "
                f"{formatting.moment(found.confirmed_at)})."
            )
            snap = read()  # the next mail sees this one
    except (OSError, imaplib.IMAP4.error) as e:
        raise MailboxUnavailable(
            f"Lezen uit de postbus is mislukt ({type(e).__name__}: {e})."
        ) from e
    finally:
        with contextlib.suppress(Exception):
            imap.logout()
    return result


FETCH_ACTOR = "Postbus Nemesys (automatisch ingelezen)"


def fetch_mail_command(config, repo, imap_table, *, out=print, clock=None) -> int:
    """`python -m lib.cli fetch-mail`: one fetch, a line per mail, exit 0 (1 when it could not run).

    The confirmations are recorded in the name of FETCH_ACTOR in the MAZ's role:
    the timeline shows they were read from the mailbox, not typed by a person.
    """
    from lib import services, workdays
    from lib.procedure import Actor, Role

    try:
        settings = ImapSettings.from_secrets(imap_table)
    except ValueError as e:
        out(str(e))
        return 1
    if settings is None:
        out("Geen postbus ingesteld: vul [imap] in .streamlit/secrets.toml (host, user, password).")
        return 1
    desk = services.Desk(
        repo=repo, actor=Actor(FETCH_ACTOR, Role.MAZ), config=config, clock=clock or workdays.now
    )
    try:
        result = fetch_mail(settings, desk)
    except MailboxUnavailable as e:
        out(str(e))
        return 1
    for line in result.recorded:
        out(line)
    for line in result.left:
        out(f"Overgeslagen, {line}")
    out(
        f"{len(result.recorded)} bevestiging(en) vastgelegd, {len(result.left)} e-mail(s) ongemoeid gelaten."
    )
    return 0
