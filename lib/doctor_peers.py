"""`doctor`: the mail server and the IMAP mailbox answer and accept the configured login."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator, Mapping

from lib.doctor_findings import FAIL, LOOPBACK, OK, WARN, Finding
from lib.inbound import ImapSettings, MailboxUnavailable, _open_mailbox
from lib.mailer import Connection, SmtpSettings


def check_smtp(say, table: Mapping | None) -> Iterator[Finding]:
    subject = "SMTP"
    if not table:
        yield Finding(
            WARN,
            subject,
            say(
                "geen [smtp]: mail wacht in het Postvak tot de MAZ die zelf verstuurt; het "
                "dagoverzicht wordt alleen getoond.",
                "no [smtp]: mail waits in the Postvak for the MAZ to send by hand; the daily "
                "list is only printed.",
            ),
            say("Vul [smtp] in (zie README, E-mail).", "Fill in [smtp] (see README, E-mail)."),
        )
        return
    try:
        settings = SmtpSettings.from_secrets(table)
    except (ValueError, TypeError) as e:
        yield Finding(FAIL, subject, str(e), say("Herstel [smtp].", "Fix [smtp]."))
        return
    if settings.security == "none" and settings.host not in LOOPBACK:
        yield Finding(
            FAIL,
            subject,
            say(
                f"security = none naar {settings.host}: het wachtwoord gaat onversleuteld.",
                f"security = none to {settings.host}: the password travels unencrypted.",
            ),
            say("Kies starttls (587) of ssl (465).", "Choose starttls (587) or ssl (465)."),
        )
        return
    where = f"{settings.host}:{settings.port}"
    try:
        smtp = Connection(settings)._open()  # connects, TLS, login: what sending does
        smtp.quit()
    except smtplib.SMTPAuthenticationError as e:
        yield Finding(
            FAIL,
            subject,
            say(
                f"{where} weigert de aanmelding van {settings.user} ({e.smtp_code}).",
                f"{where} refuses the login of {settings.user} ({e.smtp_code}).",
            ),
            say(
                "Controleer user en password in [smtp]; Microsoft 365: SMTP AUTH aanzetten voor "
                "de postbus; Google: een app-wachtwoord.",
                "Check user and password in [smtp]; Microsoft 365: enable SMTP AUTH for the "
                "mailbox; Google: an app password.",
            ),
        )
    except (smtplib.SMTPException, ssl.SSLError, OSError) as e:
        yield Finding(
            FAIL,
            subject,
            say(
                f"{where} niet bereikbaar ({type(e).__name__}: {e}).",
                f"{where} unreachable ({type(e).__name__}: {e}).",
            ),
            say(
                "Controleer host, port en security in [smtp] en de firewall.",
                "Check host, port and security in [smtp] and the firewall.",
            ),
        )
    else:
        login = say(f", aangemeld als {settings.user}", f", signed in as {settings.user}")
        yield Finding(
            OK,
            subject,
            say(f"{where} bereikbaar", f"{where} reachable") + (login if settings.user else "."),
        )


def check_imap(say, table: Mapping) -> Iterator[Finding]:
    subject = "IMAP"
    try:
        settings = ImapSettings.from_secrets(table)
        mailbox = _open_mailbox(settings)  # connects, TLS, login, opens the folder read-only
    except (ValueError, TypeError, MailboxUnavailable) as e:
        yield Finding(
            FAIL,
            subject,
            str(e),
            say(
                "Controleer [imap] (host, port, security, user, password, folder).",
                "Check [imap] (host, port, security, user, password, folder).",
            ),
        )
        return
    mailbox.logout()
    yield Finding(
        OK,
        subject,
        say(
            f"{settings.user}@{settings.host}, map {settings.folder} geopend.",
            f"{settings.user}@{settings.host}, folder {settings.folder} opened.",
        ),
    )
