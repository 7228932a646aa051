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
