"""The edges of lib/validation.py that the form tests pass by.

A form collects each field's own Dutch message and hands optional checks their
options; a typed text refuses invisible control characters with their own message
and other unusable characters by their code point, allows newline and tab only in
multi-line text (also after a line break), and takes every character outside the
Unicode noncharacters; an invoice number compares without format characters; the
acting person's name, an optional e-mail address, a date as dd-mm-jjjj and an
unanswered choice give the messages a person can act on.
"""

from __future__ import annotations

from datetime import date

import pytest

from lib import validation
from lib.validation import Form, ValidationError


def test_a_form_keeps_each_fields_own_message_and_passes_the_options_on():
    form = Form()
    assert form.check("naam", validation.text, "", "Naam") is None
    assert form.check("link", validation.text, "", "Link", required=False) == ""
    assert form.errors == {"naam": "Naam is verplicht."}
    with pytest.raises(ValidationError) as refused:
        form.done()
    assert refused.value.errors == {"naam": "Naam is verplicht."}


def test_a_text_is_required_unless_said_otherwise():
    with pytest.raises(ValueError, match=r"^Omschrijving is verplicht\.$"):
        validation.text("  ", "Omschrijving")
    assert validation.email("", required=False) == ""


@pytest.mark.parametrize("control", ["\x07", "\x1b", "\x7f", "\x85"])
def test_an_invisible_control_character_has_its_own_message(control):
    with pytest.raises(ValueError) as refused:
        validation.text(f"printer{control}kapot", "Omschrijving")
    assert str(refused.value) == (
        "Omschrijving bevat onzichtbare stuurtekens; typ de tekst opnieuw."
    )


@pytest.mark.parametrize("code", [0xFDD0, 0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFE, 0x10FFFF])
def test_a_noncharacter_is_refused_by_its_code_point(code):
    with pytest.raises(ValueError) as refused:
        validation.text(f"printer{chr(code)}kapot", "Omschrijving")
    assert str(refused.value) == (
        f"Omschrijving bevat een ongeldig teken (U+{code:04X}); typ de tekst opnieuw."
    )


@pytest.mark.parametrize("code", [0xFDCF, 0xFDF0, 0xFFFD, 0x1FFFD])
def test_the_characters_next_to_the_noncharacters_are_taken(code):
    assert validation.text(f"a{chr(code)}b", "Omschrijving") == f"a{chr(code)}b"


def test_newline_and_tab_only_in_multi_line_text_and_a_control_character_after_them():
    assert validation.unusable_character("regel 1\nregel 2") == "U+000A"
    assert validation.unusable_character("kolom\tkolom") == "U+0009"
    assert validation.unusable_character("regel 1\n\tregel 2", multiline=True) is None
    assert validation.unusable_character("regel 1\nregel\x07 2", multiline=True) == "U+0007"
    with pytest.raises(ValueError, match="stuurtekens"):
        validation.text("regel 1\nregel\x07 2", "Opvolging", multiline=True)


def test_an_invoice_number_compares_without_case_spaces_and_format_characters():
    assert validation.identifier_key(None) == ""
    assert validation.identifier_key("NEM-2026-0042") == "nem-2026-0042"
    # U+200E (left-to-right mark) and U+2066 (isolate) are format characters (Cf)
    # that a copy from a PDF or a mail brings along.
    assert validation.identifier_key("\u2066NEM-2026\u200e-0042\u2069") == "nem-2026-0042"


def test_an_empty_name_of_the_acting_person_is_refused_by_its_field():
    with pytest.raises(ValidationError) as refused:
        validation.actor_name(" ")
    assert refused.value.errors == {"actor_name": "Uw naam is verplicht."}
    assert validation.actor_name(" Marieke ") == "Marieke"


def test_a_date_is_typed_as_day_month_and_four_digit_year():
    assert validation.day("05-12-2026") == date(2026, 12, 5)
    assert validation.day(" 1-2-2027 ") == date(2027, 2, 1)
    with pytest.raises(ValueError) as refused:
        validation.day("05-12-26")
    assert str(refused.value) == "Datum '05-12-26' is geen geldige datum; gebruik dd-mm-jjjj."


def test_an_unanswered_choice_asks_to_choose_one_and_a_foreign_one_a_valid_one():
    options = ("telefonie", "e-mail", "internet")
    for empty in (None, ""):
        with pytest.raises(ValueError) as refused:
            validation.choice(empty, options, "Categorie")
        assert str(refused.value) == "Categorie: kies een van de mogelijkheden."
    with pytest.raises(ValueError) as refused:
        validation.choice("printer", options, "Categorie")
    assert str(refused.value) == "Categorie: kies een geldige waarde uit de lijst."
    assert validation.choice("e-mail", options, "Categorie") == "e-mail"
