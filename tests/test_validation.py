"""The one text check (lib/validation.py) and the identifier form (issue 9, bad input)."""

from __future__ import annotations

import pytest

from lib import validation

REFUSED = {
    "noncharacter U+FFFE": "a\ufffeb",
    "noncharacter U+FFFF": "a\uffffb",
    "noncharacter U+FDD0": "a\ufdd0b",
    "plane-16 noncharacter": "a\U0010ffffb",
    "lone high surrogate": "a\ud800b",
    "lone low surrogate": "a\udfffb",
    "lone CR": "regel\r=cmd|' /C calc'!A0",
    "NUL": "a\x00b",
    "escape": "a\x1bb",
    "C1 control NEL": "a\x85b",
}


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize("multiline", [False, True])
def test_unusable_characters_are_refused_in_dutch(value, multiline):
    with pytest.raises(ValueError, match="stuurtekens|ongeldig teken"):
        validation.text(value, "Omschrijving", multiline=multiline)


def test_newline_and_tab_only_in_multiline_text():
    assert validation.text("een\r\ntwee\tdrie", "Omschrijving", multiline=True) == (
        "een\ntwee\tdrie"
    )
    with pytest.raises(ValueError):
        validation.text("een\ntwee", "Naam")


def test_ordinary_unicode_passes_unchanged():
    value = "Crèche 't Kabouterhuis — ☎ kapot 😀 ‘quote’ 中文"
    assert validation.text(value, "Omschrijving") == value


@pytest.mark.parametrize(
    "variant",
    [
        "NEM-2026-0042",
        "nem-2026-0042",
        "NEM-2026-\u200b0042",
        "\ufeffNEM-2026-0042",
        " NEM-2026-0042 ",
        "NEM-2026-0042\u2060",
        "ＮＥＭ-２０２６-００４２",
        "NEM-2026- 0042",
    ],
)
def test_identifier_variants_are_one_key(variant):
    assert validation.identifier_key(variant) == validation.identifier_key("NEM-2026-0042")


def test_different_identifiers_stay_different():
    assert validation.identifier_key("NEM-2026-0042") != validation.identifier_key("NEM-2026-0043")
    assert validation.identifier_key("NEM-2026-0042") != validation.identifier_key("NEM20260042")


def test_actor_name_refused_with_field_message():
    with pytest.raises(validation.ValidationError) as e:
        validation.actor_name("Nathalie\x07")
    assert "actor_name" in e.value.errors
    assert validation.actor_name("Nathalie (MAZ)") == "Nathalie (MAZ)"
