"""Reading Nemesys's confirmation e-mail (2.1 step 4): the MAZ drops it on the Nemesys page.

`read_confirmation(data, snapshot)` turns the bytes of an uploaded .eml into a
`Confirmation`: which report it belongs to, the order, when Nemesys confirmed
(the mail's Date) and Nemesys's own reference, or refuses with a Dutch message
(`Refused` and its kinds). It never writes: the page hands the result to
`services.confirm_order`, which checks the procedure as for a typed confirmation.

How a mail is matched to a report, in this order:

1. The report number (KIV-2026-0007) anywhere in the subject, behind any
   number of reply and forward prefixes ("Antw: RE: [KIV-2026-0007] ...").
   Several different numbers in one subject: the thread headers decide, or the
   mail is refused (which report it confirms is not for a guess).
2. Otherwise the thread headers: In-Reply-To and References hold the
   Message-ID of a mail this app sent for the report (messages.message_id) or
   the report's thread reference (messages.thread_ref).

Nemesys's reference, the first of (`find_reference`):

1. a labelled value in the subject ("Ticketnummer: NEM-12345", "[Ticket#2026112410000123]");
2. a labelled value in the new part of the body, above the quoted original
   ("Referentie: 2026-8812", "Ons kenmerk: N/2026/118", "Ticket ID: 88231");
3. a tag in the subject ("[NEM-12345]", "#45123");
4. a "#45123" in the new part of the body;
5. a labelled value anywhere else in the body but the ">" quoted lines (a
   forwarded confirmation sits below the forward's header block).

A value counts when it holds a digit and is not one of Kivido's own report
numbers (a reply quotes "Meldingsnummer: KIV-2026-0007"). Nothing found: the
reference stays empty and the MAZ types it.

`fetch_mail` does the same unattended for a mailbox that receives Nemesys's
replies ([imap] in secrets.toml, `python -m lib.cli fetch-mail`): it opens the
folder read-only, records only what needs no judgement and leaves every mail,
read or not, exactly as it was. Outlook's .msg files are not read (the upload
explains how to save the mail as .eml instead).
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parseaddr
from html.parser import HTMLParser

from lib import formatting
from lib.procedure import Ticket, status_label
from lib.snapshot import Snapshot
from lib.workdays import AMSTERDAM

MAX_BYTES = 25 * 1024 * 1024  # larger than any confirmation; an upload of a whole mailbox is not
EXCERPT_CHARS = 300

NOTHING_CHANGED = "Er is niets vastgelegd."


class Refused(Exception):
    """The upload cannot record a confirmation; the message says why, in Dutch."""


class NotAnEmail(Refused):
    """The file is empty, binary, or lacks the headers every e-mail has."""


class NoMatch(Refused):
    """A real e-mail, but it belongs to no report of this app."""


class NotWaiting(Refused):
    """The report exists but does not wait for Nemesys's confirmation (any more)."""


@dataclass(frozen=True)
class Mail:
    """What the upload says, before it is matched to a report."""

    sender: str  # as written: "Nemesys Support <support@nemesys.nl>"
    sender_address: str
    subject: str
    sent_at: datetime  # the Date header, timezone-aware
    thread_ids: tuple[str, ...]  # In-Reply-To, then References (newest first), lower case
    text: str  # the body as plain text (HTML stripped)

    @property
    def forwarded(self) -> bool:
        """Forwarded to the MAZ (the outermost prefix is FW:/Fwd:/Doorst:): Date is the forward's."""
        prefixes = subject_prefixes(self.subject)
        return bool(prefixes) and prefixes[0] in _FORWARD_PREFIXES


@dataclass(frozen=True)
class Confirmation:
    """A mail matched to a report that waits for Nemesys's confirmation."""

    ticket: dict
    order: dict
    confirmed_at: datetime
    reference: str  # "" when none was found: the MAZ types it
    sender: str
    sender_address: str
    subject: str
    excerpt: str
    matched_by: str  # "onderwerp" (the number in the subject) or "draad" (thread headers)
    forwarded: bool

    @property
    def ticket_id(self) -> str:
        return self.ticket["id"]

    @property
    def number(self) -> str:
        return self.ticket["number"]


# --- the subject ---------------------------------------------------------------------

# Reply and forward prefixes: Outlook in English, Dutch (Antw, Doorst), German (AW, WG),
# Swedish (SV) and French (TR); Fwd of Gmail and Apple Mail. "RE[2]:" counts too.
_REPLY_PREFIXES = ("re", "antw", "aw", "sv")
_FORWARD_PREFIXES = ("fw", "fwd", "doorst", "tr", "wg")
_PREFIX = re.compile(
    r"^\s*(?P<word>" + "|".join(_REPLY_PREFIXES + _FORWARD_PREFIXES) + r")"
    r"(?:\[\d+\]|\(\d+\))?\s*:\s*",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![A-Za-z0-9])KIV-(\d{4})-(\d{1,6})(?!\d)", re.IGNORECASE)


def subject_prefixes(subject: str) -> list[str]:
    """The reply/forward prefixes in front of the subject, outermost first, lower case."""
    found = []
    while m := _PREFIX.match(subject):
        found.append(m["word"].lower())
        subject = subject[m.end() :]
    return found


def clean_subject(subject: str) -> str:
    """The subject without its (nested) prefixes: "Antw: RE: [KIV-2026-0007] x" -> "[KIV-2026-0007] x"."""
    while m := _PREFIX.match(subject):
        subject = subject[m.end() :]
    return " ".join(subject.split())


def report_numbers(subject: str) -> list[str]:
    """Report numbers in the subject, in order, without repeats, written as the app writes them."""
    numbers = [f"KIV-{y}-{int(n):04d}" for y, n in _NUMBER.findall(clean_subject(subject))]
    return list(dict.fromkeys(numbers))


# --- reading the file ----------------------------------------------------------------

_MAGIC = {
    b"\x89PNG": "een afbeelding (PNG)",
    b"\xff\xd8\xff": "een afbeelding (JPEG)",
    b"GIF8": "een afbeelding (GIF)",
    b"%PDF": "een PDF-bestand",
    b"PK\x03\x04": "een ZIP- of Office-bestand",
    b"\xd0\xcf\x11\xe0": "een Outlook-bestand (.msg), en dat kan de app niet lezen",
}
_SAVE_AS_EML = (
    "Open de e-mail van Nemesys in Outlook op het web of de nieuwe Outlook, kies "
    "··· > Opslaan als (Downloaden) voor een .eml-bestand, en kies dat bestand hier."
)


def parse(data: bytes) -> Mail:
    """The uploaded bytes as a `Mail`, or `NotAnEmail` with a Dutch message."""
    if not data or not data.strip():
        raise NotAnEmail(f"Het bestand is leeg. {_SAVE_AS_EML}")
    if len(data) > MAX_BYTES:
        raise NotAnEmail(
            f"Het bestand is te groot voor één e-mail ({len(data) // (1024 * 1024)} MB, "
            f"maximaal {MAX_BYTES // (1024 * 1024)} MB)."
        )
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise NotAnEmail(f"Dit bestand is geen e-mail maar {what}. {_SAVE_AS_EML}")
    head = data.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    if b"\x00" in head:
        raise NotAnEmail(f"Dit bestand is geen e-mail (het bevat binaire gegevens). {_SAVE_AS_EML}")
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
        return _read(msg)
    except NotAnEmail:
        raise
    except Exception as e:  # the e-mail package's own errors on mangled headers
        raise NotAnEmail(
            f"Deze e-mail is niet te lezen ({type(e).__name__}). {_SAVE_AS_EML}"
        ) from e


def _read(msg: EmailMessage) -> Mail:
    missing = [label for name, label in _REQUIRED if msg[name] is None]
    if len(missing) == len(_REQUIRED):
        raise NotAnEmail(
            f"Dit bestand is geen e-mail: de kopregels Van, Datum en Onderwerp ontbreken. {_SAVE_AS_EML}"
        )
    if missing:
        which = " en ".join(missing)
        verb = "ontbreekt" if len(missing) == 1 else "ontbreken"
        raise NotAnEmail(
            f"Dit bestand is geen volledige e-mail: de kopregel{'s' * (len(missing) > 1)} "
            f"{which} {verb}. {_SAVE_AS_EML}"
        )
    sent_at = msg["Date"].datetime
    if sent_at is None:
        raise NotAnEmail(
            f"De datum van deze e-mail is onleesbaar ('{msg['Date']}'). Leg de bevestiging vast "
            "met het formulier bij de melding."
        )
    if sent_at.tzinfo is None:  # "-0000": the time is UTC, the sender's zone unknown (RFC 5322)
        sent_at = sent_at.replace(tzinfo=UTC)
    sender = str(msg["From"])
    ids = _message_ids(msg.get("In-Reply-To", "")) + list(
        reversed(_message_ids(msg.get("References", "")))
    )
    return Mail(
        sender=" ".join(sender.split()),
        sender_address=parseaddr(sender)[1].lower(),
        subject=" ".join(str(msg["Subject"]).split()),
        sent_at=sent_at,
        thread_ids=tuple(dict.fromkeys(ids)),
        text=body_text(msg),
    )


_REQUIRED = (("From", "Van (From)"), ("Date", "Datum (Date)"), ("Subject", "Onderwerp (Subject)"))


def _message_ids(header: str) -> list[str]:
    return [m.lower() for m in re.findall(r"<[^<>\s]+>", str(header or ""))]


def body_text(msg: EmailMessage) -> str:
    """The text of the mail: the plain part, else the HTML part as text (transfer encodings decoded)."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset: read what we can
        raw = part.get_payload(decode=True) or b""
        content = raw.decode("utf-8", errors="replace")
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        content = html_to_text(content)
    return content.replace("\r\n", "\n")


class _HtmlText(HTMLParser):
    _BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr"}
    _SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts)).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- the new part of the body and the reference ---------------------------------------

_QUOTE_STARTS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^-{2,}\s*(original message|oorspronkelijk bericht|origineel bericht|"
        r"forwarded message|doorgestuurd bericht)\s*-{2,}",
        r"^_{10,}$",
        r"^(op|on)\s.{4,200}(schreef|wrote|heeft.{0,40}geschreven)\s*.{0,60}:$",
        r"^begin (doorgestuurd bericht|forwarded message):",
    )
]
_HEADER_BLOCK = re.compile(r"^(van|from)\s*:\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(r"^(verzonden|sent|datum|date|aan|to)\s*:", re.IGNORECASE)


def new_part(text: str) -> str:
    """The text above the quoted original: a reply's own words (">" lines left out)."""
    lines = text.splitlines()
    kept = []
    for i, line in enumerate(lines):
        s = line.strip()
        if any(p.match(s) for p in _QUOTE_STARTS):
            break
        if _HEADER_BLOCK.match(s) and any(
            _HEADER_NEXT.match(n.strip()) for n in lines[i + 1 : i + 4]
        ):
            break  # Outlook's "Van: ... / Verzonden: ..." block above the original
        if not s.startswith(">"):
            kept.append(line)
    return "\n".join(kept).strip()


def excerpt(text: str) -> str:
    flat = " ".join(new_part(text).split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1].rstrip() + "…"


_LABELLED = re.compile(
    r"(?<![A-Za-z])(?P<label>ticket|referentie|ref|kenmerk|dossier|zaak|incident|case|"
    r"verzoek|request|meldings?)\.?"
    r"(?P<suffix>\s*-?\s*(?:nummer|nr\.?|number|no\.?|id))?"
    r"\s*(?P<sep>[:#]|\bis\b)?\s*#?\s*"
    r"(?P<value>[A-Za-z0-9][A-Za-z0-9\-/_.]{0,40})",
    re.IGNORECASE,
)
_TAG = re.compile(r"(?<![A-Za-z0-9-])(?P<value>[A-Z]{2,6}-\d[\d-]{2,20})(?![A-Za-z0-9])")
_HASH = re.compile(r"(?<![A-Za-z0-9&])#(?P<value>\d{3,12})(?!\d)")


def _acceptable(value: str) -> str:
    value = value.rstrip(".,;:)/-_")
    if not any(ch.isdigit() for ch in value) or _NUMBER.fullmatch(value):
        return ""
    return value


def _labelled(text: str) -> str:
    for m in _LABELLED.finditer(text):
        if not (m["suffix"] or m["sep"]):  # "ticket 12" in a sentence: no label
            continue
        if value := _acceptable(m["value"]):
            return value
    return ""


def _first(pattern: re.Pattern, text: str) -> str:
    for m in pattern.finditer(text):
        if value := _acceptable(m["value"]):
            return value
    return ""


def find_reference(subject: str, text: str) -> str:
    """Nemesys's own reference (see the module's docstring for the order), or ""."""
    subject, own = clean_subject(subject), new_part(text)
    return (
        _labelled(subject)
        or _labelled(own)
        or _first(_TAG, subject)
        or _first(_HASH, subject)
        or _first(_HASH, own)
        or _labelled("\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith(">")))
    )


# --- matching ---------------------------------------------------------------------------


def _thread_tickets(mail: Mail, snap: Snapshot) -> list[str]:
    """Ticket ids whose mail this one answers, nearest first."""
    known: dict[str, str] = {}
    for row in snap.rows("messages"):
        for value in (row.get("message_id"), row.get("thread_ref")):
            if value and row.get("ticket_id"):
                known.setdefault(value.lower(), row["ticket_id"])
    found = [known[i] for i in mail.thread_ids if i in known]
    return list(dict.fromkeys(found))


def match(mail: Mail, snap: Snapshot) -> tuple[dict, str]:
    """The report this mail belongs to and how it was found, or `NoMatch`."""
    by_number = {t["number"]: t for t in snap.rows("tickets")}
    numbers = report_numbers(mail.subject)
    named = [by_number[n] for n in numbers if n in by_number]
    threaded = [snap.ticket(t) for t in _thread_tickets(mail, snap)]
    threaded = [t for t in threaded if t is not None]
    if len(named) == 1:
        return named[0], "onderwerp"
    if len(named) > 1:
        both = [t for t in threaded if t in named]
        if both:
            return both[0], "draad"
        raise NoMatch(
            "Het onderwerp noemt meerdere meldingen ("
            + ", ".join(t["number"] for t in named)
            + "); welke Nemesys bevestigt is niet zeker. Leg de bevestiging vast met het "
            f"formulier bij de melding. {NOTHING_CHANGED}"
        )
    if threaded:
        return threaded[0], "draad"
    if numbers:
        raise NoMatch(
            f"Het onderwerp noemt {', '.join(numbers)}, maar die melding bestaat niet in deze "
            f"app. {NOTHING_CHANGED}"
        )
    raise NoMatch(
        "Deze e-mail hoort bij geen melding: het onderwerp noemt geen meldingsnummer "
        "(zoals KIV-2026-0001) en de e-mail is geen antwoord op een opdracht uit deze app. "
        f"{NOTHING_CHANGED}"
    )


def read_confirmation(data: bytes, snap: Snapshot) -> Confirmation:
    """The uploaded e-mail as a confirmation of a waiting order, or `Refused` with a Dutch reason."""
    mail = parse(data)
    ticket, matched_by = match(mail, snap)
    order = snap.order_for(ticket["id"])
    if ticket["status"] != Ticket.ORDERED or order is None:
        if order is not None and order.get("confirmed_at"):
            ref = order.get("nemesys_reference")
            raise NotWaiting(
                f"Melding {ticket['number']} is al bevestigd door Nemesys "
                f"(op {formatting.moment(order['confirmed_at'])}"
                + (f", referentie {ref}" if ref else "")
                + f"). {NOTHING_CHANGED}"
            )
        raise NotWaiting(
            f"Melding {ticket['number']} wacht niet op een bevestiging van Nemesys "
            f"(status: {status_label(ticket['status'])}). {NOTHING_CHANGED}"
        )
    return Confirmation(
        ticket=ticket,
        order=order,
        confirmed_at=mail.sent_at.astimezone(AMSTERDAM),
        reference=find_reference(mail.subject, mail.text),
        sender=mail.sender,
        sender_address=mail.sender_address,
        subject=mail.subject,
        excerpt=excerpt(mail.text),
        matched_by=matched_by,
        forwarded=mail.forwarded,
    )


# --- fetching from a mailbox: python -m lib.cli fetch-mail ---------------------------------

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
    from lib.schema import SHARED_TABLES
    from lib.validation import ValidationError

    nemesys_domain = desk.config.nemesys_address.rpartition("@")[2].lower()
    since = (now or desk.clock()) - timedelta(days=settings.days)
    result = FetchResult([], [])
    imap = _open_mailbox(settings)
    try:
        status, data = imap.uid("SEARCH", None, "SINCE", _imap_date(since))
        uids = data[0].split() if status == "OK" and data and data[0] else []
        snap = Snapshot(desk.repo.read(SHARED_TABLES))
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
            snap = Snapshot(desk.repo.read(SHARED_TABLES))  # the next mail sees this one
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
