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

The work is split: lib/inbound_mail.py reads the file, lib/inbound_reference.py
finds the reference, lib/inbound_match.py matches the report and
lib/inbound_imap.py fetches from a mailbox; every name stays importable here.
"""

from __future__ import annotations

from lib.inbound_imap import (
    FETCH_ACTOR,
    LOOPBACK_HOSTS,
    FetchResult,
    ImapSettings,
    MailboxUnavailable,
    _open_mailbox,
    fetch_mail,
    fetch_mail_command,
)
from lib.inbound_mail import (
    EXCERPT_CHARS,
    MAX_BYTES,
    NOTHING_CHANGED,
    Mail,
    NoMatch,
    NotAnEmail,
    NotWaiting,
    Refused,
    body_text,
    clean_subject,
    html_to_text,
    parse,
    report_numbers,
    subject_prefixes,
)
from lib.inbound_match import Confirmation, match, read_confirmation
from lib.inbound_reference import excerpt, find_reference, new_part

__all__ = [
    "EXCERPT_CHARS",
    "FETCH_ACTOR",
    "LOOPBACK_HOSTS",
    "MAX_BYTES",
    "NOTHING_CHANGED",
    "Confirmation",
    "FetchResult",
    "ImapSettings",
    "Mail",
    "MailboxUnavailable",
    "NoMatch",
    "NotAnEmail",
    "NotWaiting",
    "Refused",
    "_open_mailbox",
    "body_text",
    "clean_subject",
    "excerpt",
    "fetch_mail",
    "fetch_mail_command",
    "find_reference",
    "html_to_text",
    "match",
    "new_part",
    "parse",
    "read_confirmation",
    "report_numbers",
    "subject_prefixes",
]
