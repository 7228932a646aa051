"""lib.validation's messages as the user reads them (Dutch, naming the field)."""

import pytest

from lib import validation


def test_a_form_with_several_errors_names_them_all_in_one_message():
    """Test that the exception's text lists every field's message, in order."""
    error = validation.ValidationError({"a": "Naam is verplicht.", "b": "Kies een locatie."})
    assert str(error) == "Naam is verplicht.; Kies een locatie."
    assert error.errors == {"a": "Naam is verplicht.", "b": "Kies een locatie."}


def test_a_date_without_its_own_label_is_called_datum():
    """Test the default label of a date field in both of its messages."""
    with pytest.raises(ValueError, match=r"^Datum '31-02-2026' is geen geldige datum; gebruik"):
        validation.day("31-02-2026")
    with pytest.raises(ValueError, match=r"^Datum is verplicht\.$"):
        validation.day("  ")


@pytest.mark.parametrize("empty", [None, "", " € "])
def test_an_empty_amount_or_date_is_required_by_its_default_name(empty):
    """Test 'Bedrag is verplicht.' and 'Datum is verplicht.' for nothing typed."""
    with pytest.raises(ValueError, match=r"^Bedrag is verplicht\.$"):
        validation.amount_cents(empty)
    with pytest.raises(ValueError, match=r"^Datum is verplicht\.$"):
        validation.day(empty if empty is None else empty.replace("€", ""))


def test_an_amount_may_carry_a_euro_sign_and_spaces():
    """Test that '€ 1.234,56' and '€1 234,56' as people type them are 123456 cents."""
    assert validation.amount_cents("€ 1.234,56") == 123_456
    assert validation.amount_cents(" €12,50 ") == 1_250


def test_a_negative_amount_only_where_allowed():
    """Test that a minus is refused by name, except on a credit note."""
    with pytest.raises(ValueError, match=r"^Bedrag mag niet negatief zijn\.$"):
        validation.amount_cents("-5,00")
    assert validation.amount_cents("-5,00", allow_negative=True) == -500
    assert validation.amount_cents("- 1.000,00", allow_negative=True) == -100_000


def test_an_amount_in_the_wrong_shape_says_how_to_write_it():
    """Test the message for a badly grouped amount, which names what was typed."""
    with pytest.raises(ValueError, match=r"^Bedrag '12\.34,00' is geen geldig bedrag; schrijf"):
        validation.amount_cents("12.34,00")


def test_an_amount_up_to_a_hundred_million_euro_is_believed():
    """Test the upper bound: € 100.000.000,00 is accepted, one cent more is not."""
    assert validation.amount_cents("100.000.000,00") == 100_000_000_00
    with pytest.raises(ValueError, match=r"^Bedrag is onwaarschijnlijk hoog\.$"):
        validation.amount_cents("100.000.000,01")


def test_a_document_link_is_kept_and_checked_by_its_default_name():
    """Test a valid link kept as typed, a bad one and one over 2.000 characters refused."""
    link = "https://nemesys.example/" + "a" * 1976  # 2.000 characters
    assert validation.url(link) == link
    assert validation.url("") == ""
    with pytest.raises(ValueError, match=r"^Link naar document moet beginnen met http"):
        validation.url("javascript:alert(1)")
    with pytest.raises(
        ValueError, match=r"^Link naar document is te lang \(2\.001 tekens, maximaal 2\.000\)"
    ):
        validation.url(link + "b")


def test_a_choice_outside_the_list_names_the_field_first():
    """Test 'Locatie: kies een geldige waarde uit de lijst.' (issue 12: the field's own label
    first) for a value not offered."""
    assert validation.choice("a", {"a", "b"}, "Locatie") == "a"
    with pytest.raises(ValueError, match=r"^Locatie: kies een geldige waarde uit de lijst\.$"):
        validation.choice("z", {"a", "b"}, "Locatie")


def test_an_address_is_checked_by_its_default_name_and_kept_in_lower_case():
    """Test 'E-mailadres' in both messages and an address stored in lower case."""
    assert validation.email(" Ruben@Kivido.Example ") == "ruben@kivido.example"
    with pytest.raises(ValueError, match=r"^E-mailadres is verplicht\.$"):
        validation.email("")
    with pytest.raises(ValueError, match=r"^E-mailadres 'ruben@' is geen geldig e-mailadres\.$"):
        validation.email("ruben@")
