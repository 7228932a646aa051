"""Every Dutch text the app sends or hands out: e-mails and announcements."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from lib import audience, formatting
from lib.catalog import CATEGORIES
from lib.procedure import Ticket

TEMPLATES = Path(__file__).parent / "mail_templates"
_TEXT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=False,  # plain text; the HTML part is escaped by _HTML
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)
_HTML = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str  # plain text
    html: str = ""  # the same text as simple HTML


def render(template: str, to: str, **context) -> Mail:
    """One mail from one template file: its first line is 'Onderwerp: ...', then the body."""
    text = _TEXT.get_template(f"{template}.txt").render(**context)
    first, _, body = text.partition("\n")
    subject = first.removeprefix("Onderwerp:").strip()
    body = body.strip("\n") + "\n"
    paragraphs = [p.split("\n") for p in body.strip().split("\n\n")]
    html = _HTML.get_template("_layout.html").render(subject=subject, paragraphs=paragraphs)
    return Mail(to, subject, body, html)


def _category(ticket: dict) -> str:
    return CATEGORIES.get(ticket["category"], ticket["category"])


def order_mail(ticket: dict, location: dict, nemesys_address: str) -> Mail:
    """2.1 step 3b / 2.2 step 4: the order to Nemesys, with every detail of the report."""
    return render(
        "opdracht_nemesys",
        nemesys_address,
        t=ticket,
        location=location,
        category=_category(ticket),
        urgent=ticket["urgency"] == "urgent",
        reported_at=formatting.moment(ticket["created_at"]),
    )


def status_mail(ticket: dict, new_status: str, location: dict | None = None) -> Mail:
    """2.1 step 5: the reporter is kept informed, in their own words.

    Only the reporter-facing stage and what happens next (lib/audience.py):
    never the office's internal notes.
    """
    location = location or {"name": ""}
    if new_status == Ticket.NEW:
        return render(
            "melder_ontvangen",
            ticket["reporter_email"],
            t=ticket,
            location=location,
            category=_category(ticket),
        )
    stage = audience.stage(new_status)
    next_step = stage.next_step
    if new_status == Ticket.WAITING and ticket.get("check_due_at"):
        when = formatting.moment(ticket["check_due_at"])
        next_step = f"Op {when} vraagt de Manager Algemene Zaken of het probleem al is opgelost."
    return render(
        "melder_update",
        ticket["reporter_email"],
        t=ticket,
        stage=stage,
        next_step=next_step,
        category=_category(ticket),
    )


def affected_mail(ticket: dict, new_status: str, person: dict) -> Mail:
    """2.1 step 5 for someone else the outage affects (issue 14): the same news, their name."""
    stage = audience.stage(new_status)
    next_step = stage.next_step
    if new_status == Ticket.WAITING and ticket.get("check_due_at"):
        when = formatting.moment(ticket["check_due_at"])
        next_step = f"Op {when} vraagt de Manager Algemene Zaken of het probleem al is opgelost."
    return render(
        "getroffene_update",
        person["email"],
        t=ticket,
        name=person["name"],
        stage=stage,
        next_step=next_step,
        category=_category(ticket),
    )


def linked_mail(ticket: dict, main: dict) -> Mail:
    """Issue 14: the reporter's report belongs to an outage already reported."""
    return render(
        "melder_gekoppeld",
        ticket["reporter_email"],
        t=ticket,
        main=main,
        stage=audience.stage(main["status"]),
        category=_category(main),
    )


def communication_mail(ticket: dict, location: dict) -> Mail:
    """2.1 step 6: the unit manager is asked to inform parents and staff."""
    return render(
        "unitmanager_communicatie",
        location.get("unit_manager_email", ""),
        t=ticket,
        location=location,
        category=_category(ticket),
    )


def quote_mail(ticket: dict, location: dict, quote: dict, to: str) -> Mail:
    """2.1 step 7: the directie is asked to decide on a quote."""
    return render(
        "directie_offerte",
        to,
        t=ticket,
        location=location,
        quote=quote,
        category=_category(ticket),
        amount=formatting.money(quote["amount_cents"]),
    )


def invoice_check_mail(invoice: dict, numbers: list[str], to: str) -> Mail:
    """2.1 step 9: the MAZ is asked to check a registered invoice."""
    return render("maz_factuur", to, **_invoice_context(invoice, numbers))


def invoice_rejected_mail(invoice: dict, numbers: list[str], to: str) -> Mail:
    """2.1 step 9: a rejected invoice goes back to Nemesys with the reason."""
    return render("nemesys_factuur_afgekeurd", to, **_invoice_context(invoice, numbers))


def _invoice_context(invoice: dict, numbers: list[str]) -> dict:
    return {
        "invoice": invoice,
        "numbers": ", ".join(numbers) or "-",
        "invoice_date": formatting.day(invoice["invoice_date"]) if invoice["invoice_date"] else "-",
        "amount_excl": formatting.money(invoice["amount_excl_cents"]),
        "amount_incl": formatting.money(invoice["amount_incl_cents"]),
    }


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
