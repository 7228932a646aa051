"""What the MAZ is shown about a confirmation read from Nemesys's e-mail, before recording it.

The rules behind the Nemesys page's upload preview (lib/inbound.py reads the
mail; lib/ui/nemesys_upload.py draws the preview): how the report was found,
whether the sender is Nemesys at all, and which moment is recorded.
"""

from __future__ import annotations

from datetime import datetime

from lib.inbound import Confirmation

HOW_FOUND = {
    "onderwerp": "gevonden via het meldingsnummer in het onderwerp",
    "draad": "gevonden via de e-mailwisseling (antwoord op onze opdracht)",
}
FORWARDED = (
    "Dit is een doorgestuurde e-mail: de tijd hieronder is die van het doorsturen. "
    "Neem de tijd van Nemesys over uit de doorgestuurde tekst als die anders is."
)
NO_REFERENCE = "Geen referentie van Nemesys gevonden in de e-mail: typ die hierboven over."


def sender_warning(found: Confirmation, nemesys_address: str) -> str:
    """A Dutch warning when the mail does not come from Nemesys's domain; "" when it does."""
    nemesys_domain = nemesys_address.rpartition("@")[2].lower()
    domain = found.sender_address.rpartition("@")[2]
    if nemesys_domain and domain != nemesys_domain and not domain.endswith("." + nemesys_domain):
        return (
            f"Let op: de afzender ({found.sender_address or 'onbekend'}) is geen adres van "
            f"{nemesys_domain}. Controleer of dit de bevestiging van Nemesys is."
        )
    return ""


def shown_moment(found: Confirmation) -> datetime:
    """The moment the form offers: the mail's, to the minute (the time input has no seconds)."""
    return found.confirmed_at.replace(second=0, microsecond=0)


def recorded_moment(found: Confirmation, chosen: datetime) -> datetime:
    """What the MAZ chose; left as read, the mail's Date to the second."""
    return found.confirmed_at if chosen == shown_moment(found) else chosen
