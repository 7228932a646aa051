"""Reading Nemesys's confirmation e-mail (lib/inbound.py, 2.1 step 4).

The samples in tests/mail_samples/ are written by hand in the shapes real mail
programs produce (Outlook, Gmail, Zendesk, OTRS): quoted-printable, base64 and
HTML-only bodies, reply chains, Outlook's Dutch prefixes, a forward, thread
headers without a number in the subject, and files that are no e-mail at all.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from lib import inbound, services
from lib.procedure import Ticket
from lib.repository import Update
from lib.workdays import AMSTERDAM
from tests.flows import STAFF, Office, report_form

SAMPLES = Path(__file__).parent / "mail_samples"
# The samples answer report KIV-2026-0001 with this id (thread reference
# <melding-{TICKET_ID}@kivido.nl>) and its order mail with ORDER_MESSAGE_ID.
TICKET_ID = "5a1e0c7d2b9f4e8a9c3d6b1f0e2a4c71"
ORDER_MESSAGE_ID = "<0187f2a4c5d6e7f8a9b0c1d2@kivido.nl>"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def order_placed(office: Office, ticket_id: str = TICKET_ID, **report) -> dict:
    """Report KIV-2026-000n ordered at Nemesys; the first one's order mail carries ORDER_MESSAGE_ID.

    Message-IDs are random when a mail is queued; the samples answer a fixed one,
    so the order mail is given that id as if it had gone out with it.
    """
    ticket = services.submit_report(
        office.desk(STAFF), office.snap(), report_form(**report), submission_id=ticket_id
    )
    office.triage(ticket, urgent=True, reason="Kantoor ligt stil")
    if ticket_id == TICKET_ID:
        mail = next(
            m
            for m in office.snap().rows("messages")
            if m["ticket_id"] == ticket_id and m["kind"] == "opdracht"
        )
        office.repo.commit(
            [Update("messages", mail["id"], mail["version"], {"message_id": ORDER_MESSAGE_ID})]
        )
    return office.ticket(ticket_id)


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo)  # Monday 23 November 2026, 10:00: the samples answer on the 24th


@pytest.fixture
def ordered(office):
    return order_placed(office)


def mail(headers: str, body: str = "Wij bevestigen uw opdracht.") -> bytes:
    """A small mail written inline, for the cases no sample file is needed for."""
    return (headers.strip() + "\n\n" + body + "\n").encode()


def amsterdam(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(AMSTERDAM)


# --- the samples: which report, when, which reference -----------------------------------


@pytest.mark.parametrize(
    ("name", "matched_by", "confirmed_at", "reference", "sender"),
    [
        # Outlook reply, quoted-printable latin-1, Outlook's quoted original below.
        (
            "01_re_quoted_printable.eml",
            "onderwerp",
            "2026-11-24T09:42:17+01:00",
            "NEM-48213",
            "support@nemesys.nl",
        ),
        # Gmail-style multipart, base64 UTF-8 plain and HTML, encoded-word subject, Date in UTC.
        (
            "02_base64_multipart.eml",
            "onderwerp",
            "2026-11-24T09:05:00+01:00",
            "2026-8812",
            "support@nemesys.nl",
        ),
        # Zendesk: HTML only, quoted-printable, "Verzoek #45123" in a table.
        (
            "03_html_only.eml",
            "onderwerp",
            "2026-11-24T10:31:05+01:00",
            "45123",
            "support@nemesys.zendesk.com",
        ),
        # A chain: Nemesys answers the MAZ's reminder; an older ticket number only in the quote.
        (
            "04_reply_chain.eml",
            "onderwerp",
            "2026-11-24T14:07:52+01:00",
            "NEM-48299",
            "support@nemesys.nl",
        ),
        # A colleague forwards Nemesys's answer (Doorst: Antw:); the number sits below the forward.
        (
            "05_doorst_forwarded.eml",
            "onderwerp",
            "2026-11-24T15:20:00+01:00",
            "NEM-48213",
            "receptie@kivido.nl",
        ),
        # OTRS puts its own tag before "FW: RE:"; the reference is that tag.
        (
            "06_ticket_tag_in_subject.eml",
            "onderwerp",
            "2026-11-24T11:00:41+01:00",
            "2026112410000123",
            "servicedesk@nemesys.nl",
        ),
        # No number in the subject: In-Reply-To names the order mail (domain in capitals).
        (
            "07_in_reply_to_only.eml",
            "draad",
            "2026-11-24T12:15:00+01:00",
            "N/2026/118",
            "support@nemesys.nl",
        ),
        # No number in the subject: References holds the report's thread; no reference given.
        (
            "08_references_thread_only.eml",
            "draad",
            "2026-11-24T12:45:00+01:00",
            "",
            "support@nemesys.nl",
        ),
    ],
)
def test_sample_is_matched_with_its_time_and_reference(
    office, ordered, name, matched_by, confirmed_at, reference, sender
):
    """Test that each real-world shape finds report KIV-2026-0001, the Date and Nemesys's reference."""
    found = inbound.read_confirmation(sample(name), office.snap())
    assert (found.number, found.ticket_id) == ("KIV-2026-0001", TICKET_ID)
    assert found.order["id"] == office.order(TICKET_ID)["id"]
    assert found.matched_by == matched_by
    assert found.confirmed_at == amsterdam(confirmed_at)
    assert found.confirmed_at.isoformat() == confirmed_at  # shown and stored in Amsterdam time
    assert found.reference == reference
    assert found.sender_address == sender
    assert found.forwarded is (name == "05_doorst_forwarded.eml")


def test_quoted_printable_latin1_body_is_decoded_and_the_quote_left_out(office, ordered):
    """Test that "=F3=F3r" reads "vóór", soft line breaks join, and the quoted order is not in the excerpt."""
    found = inbound.read_confirmation(sample("01_re_quoted_printable.eml"), office.snap())
    assert "monteur neemt vóór 11:00 uur contact op met de melder op locatie De Zonnebloem" in (
        found.excerpt
    )
    assert "Meldingsnummer" not in found.excerpt and "Oorspronkelijk" not in found.excerpt
    assert found.subject == (
        "RE: [KIV-2026-0001] Opdracht Kivido: Telefonie - De Zonnebloem (URGENT)"
    )
    assert found.sender == "Nemesys Support <support@nemesys.nl>"


def test_base64_parts_and_encoded_subject_are_decoded_plain_text_preferred(office, ordered):
    """Test that base64 UTF-8 text, an encoded-word subject and the plain part (not the HTML) are read."""
    parsed = inbound.parse(sample("02_base64_multipart.eml"))
    assert parsed.subject == (
        "Antw: [KIV-2026-0001] Opdracht Kivido: Telefonie - Café-locatie De Zonnebloem (URGENT)"
    )
    assert "Servicedesk Nemesys — bereikbaar" in parsed.text
    assert "<b>" not in parsed.text and "&mdash;" not in parsed.text
    assert parsed.sent_at == datetime(2026, 11, 24, 8, 5, tzinfo=UTC)


def test_html_only_body_becomes_text_without_markup_styles_or_scripts(office, ordered):
    """Test that an HTML-only mail is read as text: tags, CSS and scripts gone, entities decoded."""
    found = inbound.read_confirmation(sample("03_html_only.eml"), office.snap())
    assert "toegewezen aan een collega van de tweede lijn." in found.excerpt
    assert "Servicedesk Nemesys & Partners" in found.excerpt
    for junk in ("<p>", "margin", "trackOpen", "99999", "&amp;", "\xa0"):
        assert junk not in found.excerpt


def test_reply_chain_excerpt_is_only_the_new_answer(office, ordered):
    """Test that the lines quoted with ">" (and their older ticket number) are not taken."""
    found = inbound.read_confirmation(sample("04_reply_chain.eml"), office.snap())
    assert found.excerpt.startswith("Beste Nathalie, Excuses voor de late reactie")
    assert "Heeft u onze opdracht" not in found.excerpt and "NEM-11111" not in found.excerpt
    assert not found.excerpt.endswith("schreef Manager Algemene Zaken <maz@kivido.nl>:")


def test_forwarded_mail_says_so_and_reads_the_forwarded_text(office, ordered):
    """Test that "Doorst: Antw:" is a forward (its Date is the forward's) and the excerpt is the note."""
    found = inbound.read_confirmation(sample("05_doorst_forwarded.eml"), office.snap())
    assert found.forwarded
    assert found.excerpt == "Hoi Nathalie, deze kwam in de algemene mailbox binnen. Groet, Mieke"


def test_confirmation_read_from_mail_is_recorded_by_the_service(office, ordered):
    """Test that the result goes straight into services.confirm_order: time and reference stored."""
    found = inbound.read_confirmation(sample("01_re_quoted_printable.eml"), office.snap())
    office.later(days=2)
    services.confirm_order(
        office.desk(),
        found.ticket,
        found.order,
        reference=found.reference,
        confirmed_at=found.confirmed_at,
    )
    order = office.order(TICKET_ID)
    assert order["confirmed_at"] == "2026-11-24T09:42:17+01:00"
    assert order["nemesys_reference"] == "NEM-48213"
    assert office.ticket(TICKET_ID)["status"] == Ticket.CONFIRMED


# --- refusals: nothing matches, nothing waits, no e-mail -----------------------------------


def test_mail_about_nothing_of_ours_is_refused(office, ordered):
    """Test that a newsletter without a number or thread headers matches no report."""
    with pytest.raises(inbound.NoMatch) as e:
        inbound.read_confirmation(sample("09_unrelated.eml"), office.snap())
    assert str(e.value) == (
        "Deze e-mail hoort bij geen melding: het onderwerp noemt geen meldingsnummer "
        "(zoals KIV-2026-0001) en de e-mail is geen antwoord op een opdracht uit deze app. "
        "Er is niets vastgelegd."
    )


def test_unknown_report_number_is_named_in_the_refusal(office, ordered):
    """Test that a number this app does not know (an old report) is refused by name."""
    with pytest.raises(inbound.NoMatch) as e:
        inbound.read_confirmation(sample("10_unknown_number.eml"), office.snap())
    assert "Het onderwerp noemt KIV-2025-0417, maar die melding bestaat niet" in str(e.value)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("11_plain_text_no_headers.eml", "Dit bestand is geen e-mail: de kopregels Van, Datum"),
        ("12_screenshot.png", "Dit bestand is geen e-mail maar een afbeelding (PNG)."),
        ("13_empty.eml", "Het bestand is leeg."),
    ],
)
def test_file_that_is_no_email_is_refused(office, ordered, name, message):
    """Test that text without headers, a picture and an empty file are refused in Dutch."""
    with pytest.raises(inbound.NotAnEmail) as e:
        inbound.read_confirmation(sample(name), office.snap())
    assert str(e.value).startswith(message)
    assert "Opslaan als (Downloaden) voor een .eml-bestand" in str(e.value)  # how to get one


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "een Outlook-bestand (.msg), en dat kan de app niet lezen",
        ),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "een PDF-bestand"),
        (b"From: a@b.nl\x00\x01\x02\nSubject: x\n\nbody", "het bevat binaire gegevens"),
        (b"  \r\n\r\n\t", "Het bestand is leeg."),
        (
            mail("From: support@nemesys.nl\nSubject: RE: [KIV-2026-0001] x"),
            "de kopregel Datum (Date) ontbreekt",
        ),
        (
            mail("Subject: RE: [KIV-2026-0001] x\nX-Mailer: iets"),
            "de kopregels Van (From) en Datum (Date) ontbreken",
        ),
        (
            mail("From: support@nemesys.nl\nDate: morgen\nSubject: RE: [KIV-2026-0001] x"),
            "De datum van deze e-mail is onleesbaar ('morgen')",
        ),
    ],
)
def test_broken_or_binary_file_is_refused(data, message):
    """Test that an Outlook .msg, a PDF, binary junk, blanks, no Date or a bad Date are refused."""
    with pytest.raises(inbound.NotAnEmail) as e:
        inbound.parse(data)
    assert message in str(e.value)


def test_confirmed_report_is_not_confirmed_again(office, ordered):
    """Test that a second confirmation mail for a confirmed report says so and names the first."""
    services.confirm_order(office.desk(), ordered, office.order(TICKET_ID), reference="NEM-1")
    with pytest.raises(inbound.NotWaiting) as e:
        inbound.read_confirmation(sample("01_re_quoted_printable.eml"), office.snap())
    assert str(e.value) == (
        "Melding KIV-2026-0001 is al bevestigd door Nemesys "
        "(op 23-11-2026 10:00, referentie NEM-1). Er is niets vastgelegd."
    )


def test_report_without_order_does_not_wait_for_nemesys(office):
    """Test that a mail naming a report not (yet) ordered at Nemesys is refused with its status."""
    services.submit_report(office.desk(STAFF), office.snap(), report_form(), submission_id="x1")
    with pytest.raises(inbound.NotWaiting) as e:
        inbound.read_confirmation(sample("02_base64_multipart.eml"), office.snap())
    assert str(e.value) == (
        "Melding KIV-2026-0001 wacht niet op een bevestiging van Nemesys (status: Nieuw). "
        "Er is niets vastgelegd."
    )


# --- matching rules ----------------------------------------------------------------------


def test_two_numbers_in_the_subject_are_refused_unless_the_thread_decides(office, ordered):
    """Test that a subject naming two reports is not guessed at; the thread headers may settle it."""
    order_placed(office, ticket_id="second")
    headers = (
        "From: support@nemesys.nl\nDate: Tue, 24 Nov 2026 12:00:00 +0100\n"
        "Subject: RE: [KIV-2026-0002] en [KIV-2026-0001] Opdrachten Kivido"
    )
    with pytest.raises(inbound.NoMatch) as e:
        inbound.read_confirmation(mail(headers), office.snap())
    assert "meerdere meldingen (KIV-2026-0002, KIV-2026-0001)" in str(e.value)
    found = inbound.read_confirmation(
        mail(headers + f"\nIn-Reply-To: {ORDER_MESSAGE_ID}"), office.snap()
    )
    assert (found.number, found.matched_by) == ("KIV-2026-0001", "draad")


def test_number_in_subject_wins_over_the_thread(office, ordered):
    """Test that a mail in report 1's thread but about report 2 (subject) is matched to report 2."""
    order_placed(office, ticket_id="second")
    data = mail(
        "From: support@nemesys.nl\nDate: Tue, 24 Nov 2026 12:00:00 +0100\n"
        f"Subject: [KIV-2026-0002] Bevestiging\nIn-Reply-To: {ORDER_MESSAGE_ID}"
    )
    found = inbound.read_confirmation(data, office.snap())
    assert (found.number, found.matched_by) == ("KIV-2026-0002", "onderwerp")


def test_unknown_number_falls_back_to_the_thread(office, ordered):
    """Test that a mistyped number in the subject still matches by the order mail it answers."""
    data = mail(
        "From: support@nemesys.nl\nDate: Tue, 24 Nov 2026 12:00:00 +0100\n"
        f"Subject: RE: [KIV-2026-0100] Opdracht\nReferences: {ORDER_MESSAGE_ID}"
    )
    found = inbound.read_confirmation(data, office.snap())
    assert (found.number, found.matched_by) == ("KIV-2026-0001", "draad")


def test_unknown_charset_is_read_as_far_as_possible():
    """Test that a body in a charset Python does not know is still read (as UTF-8), not refused."""
    parsed = inbound.parse(
        mail(
            "From: support@nemesys.nl\nDate: Tue, 24 Nov 2026 08:00:00 +0100\nSubject: x\n"
            'MIME-Version: 1.0\nContent-Type: text/plain; charset="x-onbekend"\n'
            "Content-Transfer-Encoding: 8bit",
            "Referentie: NEM-7 \u2013 bevestigd",
        )
    )
    assert parsed.text.strip() == "Referentie: NEM-7 \u2013 bevestigd"


def test_date_without_zone_is_utc():
    """Test that "-0000" (time in UTC, sender's zone unknown) gives an aware UTC moment."""
    parsed = inbound.parse(
        mail("From: support@nemesys.nl\nDate: Tue, 24 Nov 2026 08:00:00 -0000\nSubject: x")
    )
    assert parsed.sent_at == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("subject", "prefixes", "clean"),
    [
        ("RE: [KIV-2026-0007] Opdracht", ["re"], "[KIV-2026-0007] Opdracht"),
        ("Antw: RE: [KIV-2026-0007] Opdracht", ["antw", "re"], "[KIV-2026-0007] Opdracht"),
        (
            "FW: Re: Doorst:  [KIV-2026-0007]  Opdracht",
            ["fw", "re", "doorst"],
            "[KIV-2026-0007] Opdracht",
        ),
        ("Fwd:RE[2]: Opdracht", ["fwd", "re"], "Opdracht"),
        ("re: antw: x", ["re", "antw"], "x"),
        ("Referentie: NEM-1", [], "Referentie: NEM-1"),
        ("Request: RE: x", [], "Request: RE: x"),
    ],
)
def test_outlook_prefixes_are_peeled_off(subject, prefixes, clean):
    """Test that nested reply/forward prefixes (RE, FW, Fwd, Antw, Doorst) are recognised, others not."""
    assert inbound.subject_prefixes(subject) == prefixes
    assert inbound.clean_subject(subject) == clean


@pytest.mark.parametrize(
    ("subject", "numbers"),
    [
        ("Antw: RE: [KIV-2026-0007] Opdracht", ["KIV-2026-0007"]),
        ("Doorst: vraag over kiv-2026-7 en KIV-2026-0007", ["KIV-2026-0007"]),
        ("RE: KIV-2026-0012/KIV-2026-0013", ["KIV-2026-0012", "KIV-2026-0013"]),
        ("RE: XKIV-2026-0012 of KIV-2026-00123456", []),
        ("Opdracht", []),
    ],
)
def test_report_numbers_in_the_subject(subject, numbers):
    """Test that report numbers are found anywhere, in any case, written as the app writes them."""
    assert inbound.report_numbers(subject) == numbers


@pytest.mark.parametrize(
    ("subject", "body", "reference"),
    [
        ("RE: [KIV-2026-0001] x", "Ticketnummer: NEM-12345\n", "NEM-12345"),
        ("RE: [KIV-2026-0001] x", "Referentie: 2026-8812.", "2026-8812"),
        ("RE: [KIV-2026-0001] x", "Uw ticket-ID is 88231", "88231"),
        ("RE: [KIV-2026-0001] x", "Onder nummer #45123 geregistreerd", "45123"),
        ("RE: [KIV-2026-0001] [NEM-777] x", "Referentie: 2026-8812", "2026-8812"),
        ("RE: [KIV-2026-0001] [NEM-777] x", "Bedankt.", "NEM-777"),
        ("[Ticket#2026112410000123] RE: [KIV-2026-0001] x", "Referentie: 1", "2026112410000123"),
        ("RE: x", "Uw kenmerk: KIV-2026-0001\nOns kenmerk: N/2026/118", "N/2026/118"),
        ("RE: x", "Meldingsnummer: KIV-2026-0001", ""),
        ("RE: x", "Wij bellen u over ticket 12 terug. Tel: 088-5551200", ""),
        ("RE: x", "Zie hieronder.\n\n> Ticketnummer: NEM-1\n", ""),
        ("RE: x", "Hoi,\n\nVan: Nemesys\nVerzonden: vandaag\n\nReferentie: R-9", "R-9"),
    ],
)
def test_reference_heuristic(subject, body, reference):
    """Test the documented order: labelled values first, then tags, never Kivido's own numbers."""
    assert inbound.find_reference(subject, body) == reference
