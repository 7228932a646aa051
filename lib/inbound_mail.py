"""Reading Nemesys's e-mail (lib/inbound.py): the file, its headers, subject and text.

`parse(data)` turns the bytes of an .eml into a `Mail`, or refuses with a Dutch
message (`Refused` and its kinds); the subject helpers find reply and forward
prefixes and Kivido's report numbers.
"""

from __future__ import annotations

import email
import email.policy
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parseaddr
from html.parser import HTMLParser

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
REPORT_NUMBER = re.compile(r"(?<![A-Za-z0-9])KIV-(\d{4})-(\d{1,6})(?!\d)", re.IGNORECASE)


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
    numbers = [f"KIV-{y}-{int(n):04d}" for y, n in REPORT_NUMBER.findall(clean_subject(subject))]
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
