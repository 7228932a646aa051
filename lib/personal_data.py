"""Likely personal data in free text: a BSN, a phone number, an e-mail address.

Melden shows the reporter what was found and asks to confirm before sending;
it only flags, it never blocks (a staff member may need to give a number).
Phone numbers are found by Google's libphonenumber (`phonenumbers`), which
knows the Dutch formats and does not mistake a date or a report number for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

HINT = (
    "Noem in de omschrijving geen namen van kinderen of ouders, en geen BSN, "
    "telefoonnummers of e-mailadressen van anderen. Beschrijf alleen wat er niet werkt."
)

KIND_LABELS = {
    "bsn": "een BSN-achtig nummer",
    "telefoon": "een telefoonnummer",
    "email": "een e-mailadres",
}

# Starts only where a word starts, so a long run of letters is scanned once.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Where a phone number could be: libphonenumber only looks at these stretches, since
# its matcher is slow on long text without digits.
_DIGIT_STRETCH = re.compile(r"\+?\(?\d[\d\s().\-/]{6,24}\d")
# Nine digits standing alone (not part of a longer number, a date or a report number).
_NINE_DIGITS = re.compile(r"(?<![\d-])(\d{9})(?![\d-])|(?<![\d-])(\d{4}\.\d{2}\.\d{3})(?![\d-])")


@dataclass(frozen=True)
class Finding:
    kind: str  # "bsn", "telefoon" or "email"
    text: str  # the part of the text that looks like it


def passes_elfproef(digits: str) -> bool:
    """The BSN eleven test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11.

    All zeros passes the arithmetic but is no number anyone has.
    """
    if len(digits) != 9 or not digits.isdigit() or set(digits) == {"0"}:
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(w * int(d) for w, d in zip(weights, digits, strict=True)) % 11 == 0


def find(text: str) -> list[Finding]:
    """Everything in `text` that looks like personal data, in order of kind."""
    text = text or ""
    found = [Finding("email", m.group(0)) for m in _EMAIL.finditer(text)]
    without_mail = _EMAIL.sub(" ", text)
    for match in _NINE_DIGITS.finditer(without_mail):
        candidate = match.group(0)
        if passes_elfproef(candidate.replace(".", "")):
            found.append(Finding("bsn", candidate))
    for stretch in _DIGIT_STRETCH.finditer(without_mail):
        for match in phonenumbers.PhoneNumberMatcher(stretch.group(0), "NL"):
            found.append(Finding("telefoon", match.raw_string))
    return found


def warning(findings: list[Finding]) -> str:
    """The Dutch question shown before sending, naming what was found."""
    kinds = list(dict.fromkeys(KIND_LABELS[f.kind] for f in findings))
    what = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " en " + kinds[-1]
    examples = ", ".join(dict.fromkeys(f.text for f in findings))
    return (
        f"Uw omschrijving lijkt {what} te bevatten ({examples}). "
        "Is dat nodig om de storing op te lossen? Pas de tekst aan, of druk nogmaals op "
        "'Melding versturen' om hem zo te versturen."
    )
