"""The free-text check for personal data (issue 13 point 3), against numbers worked by hand."""

from __future__ import annotations

import pytest

from lib import personal_data


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        # 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3 - 3 = 66 = 6*11
        ("111222333", True),
        # 9*1+8*2+7*3+6*4+5*5+4*6+3*7+2*8 - 2 = 154 = 14*11
        ("123456782", True),
        # 9*(9+8+7+6+5+4+3+2) - 0 = 396 = 36*11
        ("999999990", True),
        # 156 - 9 = 147 = 13*11 + 4
        ("123456789", False),
        # 66 - 1 = 65 = 5*11 + 10
        ("111222334", False),
        ("000000000", False),  # passes the sum, but is no number
        ("12345678", False),  # eight digits
        ("12345678a", False),
    ],
)
def test_elfproef(digits, valid):
    """Test that the BSN eleven test accepts and refuses the hand-worked examples."""
    assert personal_data.passes_elfproef(digits) is valid


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Het BSN van het kind is 111222333.", ["bsn"]),
        ("Genoteerd als 1112.22.333 in het dossier", ["bsn"]),
        ("Klantnummer 123456789 werkt niet", []),  # fails the elfproef
        ("Bel moeder op 06-12345678", ["telefoon"]),
        ("Vast nummer 020 123 4567, of +31 6 1234 5678", ["telefoon", "telefoon"]),
        ("Mail van ouder: j.jansen@example.nl", ["email"]),
        ("Sinds 03-12-2026 14:05 doet de printer het niet", []),
        ("Zie melding KIV-2026-0012 en bedrag € 1.234,56", []),
        ("", []),
    ],
)
def test_find_flags_likely_personal_data(text, kinds):
    """Test that BSN-like numbers, phone numbers and addresses are found, dates and numbers not."""
    assert [f.kind for f in personal_data.find(text)] == kinds


def test_the_warning_names_what_was_found():
    """Test that the Dutch question lists each kind once and quotes what was found."""
    text = personal_data.warning(personal_data.find("111222333, 06-12345678 en a@b.nl"))
    assert text.startswith(
        "Uw omschrijving lijkt een e-mailadres, een BSN-achtig nummer en een telefoonnummer"
    )
    assert "(a@b.nl, 111222333, 06-12345678)" in text


def test_a_number_at_the_end_of_a_long_text_is_still_found():
    """Test that a phone number after 10,000 letters is found (the digit stretches are scanned)."""
    found = personal_data.find("x" * 10_000 + " bel (020) 123 4567 of mail a@b.nl")
    assert [(f.kind, f.text) for f in found] == [
        ("email", "a@b.nl"),
        ("telefoon", "(020) 123 4567"),
    ]
