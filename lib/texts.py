"""Every Dutch text the app sends or hands out: e-mails and announcements."""

from __future__ import annotations

from dataclasses import dataclass

from lib import audience, formatting
from lib.catalog import CATEGORIES
from lib.procedure import Ticket


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def order_mail(ticket: dict, location: dict, nemesys_address: str) -> Mail:
    """2.1 step 3b: the order to Nemesys, with every detail of the report."""
    body = f"""Beste supportafdeling van Nemesys,

Hierbij geeft Kivido opdracht tot het verhelpen van de volgende storing.
Wilt u deze opdracht per mail bevestigen onder vermelding van het meldingsnummer?

Meldingsnummer: {ticket["number"]}
Urgentie: {"URGENT" if ticket["urgency"] == "urgent" else "niet urgent"}
Categorie: {CATEGORIES.get(ticket["category"], ticket["category"])}
Locatie: {location.get("name", "")}
Gemeld op: {formatting.moment(ticket["created_at"])}
Melder: {ticket["reporter_name"]} ({ticket["reporter_email"]})
Bereikbaarheid melder: {ticket["contact_info"] or "-"}
Kantoor kan hierdoor niet werken: {"ja" if ticket["blocks_office_work"] else "nee"}

Omschrijving:
{ticket["description"]}

Onderzoek door Manager Algemene Zaken:
{ticket["investigation_notes"] or "-"}

Met vriendelijke groet,
Manager Algemene Zaken, Kivido
"""
    subject = f"Opdracht {ticket['number']}: {CATEGORIES.get(ticket['category'], '')} - {location.get('name', '')}"
    return Mail(nemesys_address, subject, body)


def status_mail(ticket: dict, new_status: str) -> Mail:
    """2.1 step 5: the reporter is kept informed, in their own words.

    Only the reporter-facing stage and what happens next (lib/audience.py):
    never the office's internal notes.
    """
    now = audience.stage(new_status)
    opening = (
        f"Wij hebben uw melding {ticket['number']} ontvangen."
        if new_status == Ticket.NEW
        else f"Er is nieuws over uw melding {ticket['number']}."
    )
    body = f"""Beste {ticket["reporter_name"]},

{opening}

Uw melding: {CATEGORIES.get(ticket["category"], ticket["category"])}
Stand van zaken: {now.label}
Wat er nu gebeurt: {now.next_step}

U kunt de voortgang ook volgen op de pagina 'Mijn meldingen'.

Met vriendelijke groet,
Manager Algemene Zaken, Kivido
"""
    return Mail(ticket["reporter_email"], f"Uw melding {ticket['number']}: {now.label}", body)


CHANNELS = {"klasbord": "Klasbord", "facebook": "Facebook", "groep": "Oudergroep"}
PHASES = {"storing": "Er is een storing", "opgelost": "De storing is opgelost"}


def announcement(phase: str, channel: str, ticket: dict, location: dict) -> str:
    """2.1 step 6: ready-to-copy announcements for parents and staff."""
    what = "telefonie" if ticket["category"] == "telefonie" else "e-mail"
    where = location.get("name", "onze locatie")
    reach = (
        "Wij zijn tijdelijk niet telefonisch bereikbaar; stuur ons een bericht via Klasbord."
        if what == "telefonie"
        else "Wij ontvangen tijdelijk geen e-mail; bel ons gerust."
    )
    if phase == "storing":
        text = (
            f"Beste ouders en collega's, er is op dit moment een storing in de {what} "
            f"van {where}. {reach} Wij werken aan een oplossing en laten het weten "
            f"zodra alles weer werkt."
        )
    else:
        text = (
            f"Beste ouders en collega's, de storing in de {what} van {where} is opgelost. "
            f"U kunt ons weer op de gewone manier bereiken. Dank voor uw begrip."
        )
    if channel == "facebook":
        text += " #Kivido"
    return text
