"""AppTest: reading Nemesys's confirmation e-mail on the Nemesys page (2.1 step 4).

AppTest drives st.file_uploader (Streamlit 1.67: `set_value((name, bytes, mime))`),
so these tests upload the hand-written samples of tests/mail_samples/ as the
MAZ would drop them on the page, and press the button.
"""

from __future__ import annotations

from datetime import datetime, time

import pytest

from lib import services
from lib.procedure import Ticket
from tests.app_checks import counts
from tests.apptest_support import app_store  # noqa: F401

# The work list's cards draw their forms only when opened: these tests open them first.
from tests.cards_support import page_with_open_cards as page
from tests.flows import MAZ, Office
from tests.test_inbound import TICKET_ID, order_placed, sample

PAGE = "pages/nemesys.py"
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
SUCCESS = "Bevestiging van Nemesys vastgelegd voor KIV-2026-0001 (uit de e-mail)."


@pytest.fixture
def office(app_store):  # noqa: F811
    return Office(app_store)  # orders of 23 November 2026; the samples answer on the 24th


@pytest.fixture
def ordered(office):
    return order_placed(office)


def dropped(name: str, data: bytes | None = None, filename: str | None = None):
    """The page with one file dropped on the uploader, as the MAZ would."""
    at = page(PAGE, role="maz").run()
    content = sample(name) if data is None else data
    at.file_uploader(key="inbound-upload-0").set_value(
        (filename or name, content, "message/rfc822")
    ).run()
    assert not at.exception
    return at


def inbound(widgets) -> list:
    """The widgets of the upload section (keys "inbound-<file>-..."), not of the order forms."""
    return [w for w in widgets if (w.key or "").startswith("inbound-") and "upload" not in w.key]


def shown(at) -> str:
    parts = []
    for kind in ("markdown", "caption", "text", "info", "success", "warning", "error"):
        parts += [str(el.value) for el in getattr(at, kind)]
    return "\n".join(parts)


def test_dropped_mail_shows_what_was_found_and_records_it(office, ordered):
    """Test that an Outlook reply shows report, sender, time and reference, and one click records it."""
    at = dropped("01_re_quoted_printable.eml")
    assert "Bevestiging van Nemesys inlezen" in [s.value for s in at.subheader]
    assert (
        "**KIV-2026-0001** · Kinderopvang De Zonnebloem \\(demo\\) · gevonden via het meldingsnummer in het "
        "onderwerp"
    ) in [m.value for m in at.markdown]
    assert "Van: Nemesys Support <support@nemesys.nl>" in shown(at)
    assert "monteur neemt vóór 11:00 uur contact op" in shown(at)
    (ref,) = inbound(at.text_input)
    assert ref.value == "NEM-48213"
    assert [d.value for d in inbound(at.date_input)] == [datetime(2026, 11, 24).date()]
    assert [t.value for t in inbound(at.time_input)] == [time(9, 42)]
    assert "geen adres van" not in shown(at)  # it comes from nemesys.nl
    (go,) = inbound(at.button)
    assert go.label == "Bevestiging vastleggen"

    go.click().run()
    assert not at.exception
    assert at.success[0].value == SUCCESS
    order = office.order(TICKET_ID)
    assert order["confirmed_at"] == "2026-11-24T09:42:17+01:00"  # the Date, to the second
    assert order["nemesys_reference"] == "NEM-48213"
    assert office.ticket(TICKET_ID)["status"] == Ticket.CONFIRMED
    assert "Referentie Nemesys: NEM-48213" in [t.value for t in at.text]
    # The uploader starts empty again: no second record from the same file.
    assert [u.key for u in at.file_uploader] == ["inbound-upload-1"]
    assert not inbound(at.button)


def test_missing_reference_is_typed_and_the_time_can_be_corrected(office, ordered):
    """Test that a thread-only match without reference asks for it; an edited time is stored."""
    at = dropped("08_references_thread_only.eml")
    assert any("gevonden via de e-mailwisseling" in m.value for m in at.markdown)
    assert "Geen referentie van Nemesys gevonden in de e-mail: typ die hierboven over." in [
        c.value for c in at.caption
    ]
    (ref,) = inbound(at.text_input)
    assert ref.value == ""
    ref.input("NEM-50001")
    inbound(at.time_input)[0].set_value(time(12, 30))
    inbound(at.button)[0].click().run()
    assert at.success[0].value == SUCCESS
    order = office.order(TICKET_ID)
    assert (order["nemesys_reference"], order["confirmed_at"]) == (
        "NEM-50001",
        "2026-11-24T12:30:00+01:00",
    )


def test_empty_reference_is_refused_and_the_file_kept(office, ordered):
    """Test that recording without a reference writes nothing and leaves the mail to correct."""
    at = dropped("08_references_thread_only.eml")
    before = counts(office.repo)
    inbound(at.button)[0].click().run()
    assert not at.exception
    assert "Referentie van Nemesys is verplicht." in [e.value for e in at.error]
    assert counts(office.repo) == before
    assert office.ticket(TICKET_ID)["status"] == Ticket.ORDERED
    (ref,) = inbound(at.text_input)
    ref.input("NEM-50002")
    inbound(at.button)[0].click().run()
    assert at.success[0].value == SUCCESS
    assert office.order(TICKET_ID)["nemesys_reference"] == "NEM-50002"


@pytest.mark.parametrize(
    ("name", "filename", "message"),
    [
        (
            "09_unrelated.eml",
            None,
            "Deze e-mail hoort bij geen melding: het onderwerp noemt geen meldingsnummer",
        ),
        ("10_unknown_number.eml", None, "Het onderwerp noemt KIV-2025-0417, maar die melding"),
        ("11_plain_text_no_headers.eml", None, "Dit bestand is geen e-mail: de kopregels"),
        ("12_screenshot.png", "bevestiging.eml", "Dit bestand is geen e-mail maar een afbeelding"),
        ("13_empty.eml", None, "Het bestand is leeg."),
        # Classic Outlook drags a .msg (an OLE compound file: this is its header).
        (None, "bevestiging.msg", "Dit bestand is geen e-mail maar een Outlook-bestand (.msg)"),
    ],
)
def test_mail_that_matches_nothing_or_no_mail_changes_nothing(
    office, ordered, name, filename, message
):
    """Test that a stray mail, an unknown number, or a file that is no e-mail gets a Dutch message."""
    before = counts(office.repo)
    if name is None:
        at = dropped("", OLE_HEADER, filename=filename)
    else:
        at = dropped(name, filename=filename)
    assert any(e.value.startswith(message) for e in at.error), [e.value for e in at.error]
    assert not inbound(at.button) and not inbound(at.text_input)
    assert counts(office.repo) == before
    assert office.ticket(TICKET_ID)["status"] == Ticket.ORDERED


def test_already_confirmed_report_is_not_confirmed_twice(office, ordered):
    """Test that a confirmation mail for a confirmed report says so and offers no button."""
    services.confirm_order(office.desk(), ordered, office.order(TICKET_ID), reference="NEM-1")
    before = counts(office.repo)
    at = dropped("02_base64_multipart.eml")
    assert [e.value for e in at.error] == [
        "Melding KIV-2026-0001 is al bevestigd door Nemesys (op 23-11-2026 10:00, "
        "referentie NEM-1). Er is niets vastgelegd."
    ]
    assert not inbound(at.button)
    assert counts(office.repo) == before


def test_forward_from_a_colleague_is_flagged(office, ordered):
    """Test that a forwarded mail from a Kivido address warns about sender and time, and still works."""
    at = dropped("05_doorst_forwarded.eml")
    warnings = [w.value for w in at.warning]
    assert (
        "Let op: de afzender (receptie@kivido.nl) is geen adres van nemesys.nl. "
        "Controleer of dit de bevestiging van Nemesys is."
    ) in warnings
    assert any(i.value.startswith("Dit is een doorgestuurde e-mail") for i in at.info)
    assert inbound(at.text_input)[0].value == "NEM-48213"
    inbound(at.time_input)[0].set_value(time(9, 41))  # the time in the forwarded text
    inbound(at.button)[0].click().run()
    assert office.order(TICKET_ID)["confirmed_at"] == "2026-11-24T09:41:00+01:00"


def test_confirmation_by_someone_else_meanwhile_is_not_overwritten(office, ordered):
    """Test that a confirmation recorded between upload and click is kept, with a warning."""
    at = dropped("01_re_quoted_printable.eml")
    services.confirm_order(
        office.desk(MAZ), office.ticket(TICKET_ID), office.order(TICKET_ID), reference="NEM-A"
    )
    inbound(at.button)[0].click().run()
    assert not at.exception
    assert "Iemand anders heeft dit intussen gewijzigd." in at.warning[0].value
    assert office.order(TICKET_ID)["nemesys_reference"] == "NEM-A"


def test_the_typed_form_at_the_order_still_works_beside_the_upload(office, ordered):
    """Test that a refused typed confirmation shows its message at its form, not in the upload."""
    at = dropped("01_re_quoted_printable.eml")
    key = f"confirm-{TICKET_ID}"
    at.button(key=f"{key}-go").click().run()
    assert not at.exception
    assert [e.value for e in at.error].count("Referentie van Nemesys is verplicht.") == 1
    assert inbound(at.text_input)[0].value == "NEM-48213"
    assert office.ticket(TICKET_ID)["status"] == Ticket.ORDERED
