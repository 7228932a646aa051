"""The Melden page's parts: the report form, and what the reporter sees once it is sent.

The submission id lives in session_state and is renewed only when the reporter
starts a new report, so a double click or Enter pressed twice makes one report
(submit_report is idempotent per id). A report the store cannot take is kept
(lib/intake.py) and its number follows once it is registered.
"""

from __future__ import annotations

import uuid

import streamlit as st

from lib import catalog, formatting, intake, ui, validation
from lib.procedure import Actor
from lib.ui import outage

FORM = "melden"
FIELDS = intake.services_form_fields()
KEYS = [f"melden-{name}" for name in FIELDS]


def new_report() -> None:
    st.session_state["melden-submission"] = uuid.uuid4().hex
    st.session_state.pop("melden-done", None)
    st.session_state.pop("melden-queued", None)
    outage.forget_input(KEYS)


def submit(desk, snap, form: dict, submission_id: str, on_behalf: bool) -> dict | None:
    """Register the report; if the store does not answer, keep it in the intake queue."""
    ticket = intake.submit_or_keep(
        desk, snap, form, submission_id=submission_id, on_behalf=on_behalf
    )
    if ticket is None:
        st.session_state["melden-queued"] = submission_id
        st.session_state["melden-just-queued"] = True
        return None
    st.session_state["melden-done"] = ticket["number"]
    return ticket


def show_queued(submission_id: str) -> None:
    """Received while the store was down: the number follows once it is registered."""
    if not st.session_state.pop("melden-just-queued", False):  # the store just failed: skip
        outage.deliver_now(ui.repository(), ui.config())
    entry = intake.IntakeQueue(intake.queue_path(ui.config())).status(submission_id)
    if entry is not None and entry.status == intake.DELIVERED:
        st.session_state["melden-done"] = entry.number
        show_done(entry.number)
        return
    st.subheader("Uw melding is ontvangen")
    st.info(
        "De opslag van meldingen antwoordt op dit moment niet. Uw melding is bewaard en wordt "
        "automatisch geregistreerd zodra de opslag weer bereikbaar is. U krijgt dan het "
        "meldingsnummer per e-mail; het verschijnt ook op deze pagina en bij 'Mijn meldingen'."
    )
    st.caption("U hoeft de melding niet opnieuw te versturen.")
    st.button("Nummer opvragen", key="melden-check", icon="🔄")
    st.button("Nieuwe melding maken", on_click=new_report, key="melden-new-queued")


def show_done(number: str) -> None:
    st.subheader(f"Uw meldingsnummer: {number}")
    st.caption("Noem dit nummer als u over deze storing contact opneemt.")
    st.markdown(
        "**Wat gebeurt er nu?**\n\n"
        "- De Manager Algemene Zaken beoordeelt uw melding: urgent of niet urgent.\n"
        "- Urgent: de Manager Algemene Zaken meldt de storing direct bij Nemesys, "
        "onze ICT-leverancier.\n"
        "- Niet urgent: de volgende werkdag neemt de Manager Algemene Zaken contact met u "
        "of uw locatie op om te vragen of het probleem al is opgelost.\n"
        "- U krijgt bij elke stap een e-mail. U kunt de voortgang ook volgen op de pagina "
        "'Mijn meldingen'."
    )
    st.button("Nieuwe melding maken", on_click=new_report, key="melden-new")


def urgency_help() -> None:
    with st.expander("Wanneer is een storing urgent?"):
        st.markdown("**Urgent**, bijvoorbeeld:")
        st.markdown("\n".join(f"- {e}" for e in catalog.URGENT_EXAMPLES))
        st.markdown("**Niet urgent**, bijvoorbeeld:")
        st.markdown("\n".join(f"- {e}" for e in catalog.NOT_URGENT_EXAMPLES))
        st.caption("U hoeft dit niet zelf te beslissen: de Manager Algemene Zaken beoordeelt het.")


def report_fields(who: Actor, locations: dict, on_behalf: bool) -> tuple[dict, bool]:
    """The form itself: what was typed, and whether it was sent."""
    roles = list(catalog.REPORTER_ROLES)
    with st.form(FORM):
        form = {
            "reporter_name": st.text_input(
                "Naam van de melder" if on_behalf else "Uw naam",
                key="melden-reporter_name",
                disabled=not on_behalf,
            ),
        }
        ui.field_error("reporter_name", FORM)
        form["reporter_email"] = st.text_input(
            "E-mailadres van de melder" if on_behalf else "Uw e-mailadres",
            key="melden-reporter_email",
            disabled=not on_behalf,
        )
        ui.field_error("reporter_email", FORM)
        form["reporter_role"] = st.radio(
            "Uw functie",
            roles,
            index=roles.index(who.role) if who.role in roles else 0,
            format_func=catalog.REPORTER_ROLES.get,
            horizontal=True,
            key="melden-reporter_role",
        )
        ui.field_error("reporter_role", FORM)
        form["location_id"] = st.selectbox(
            "Locatie",
            list(locations),
            index=None,
            format_func=locations.get,
            placeholder="Kies de locatie",
            key="melden-location_id",
        )
        ui.field_error("location_id", FORM)
        form["category"] = st.selectbox(
            "Soort storing",
            list(catalog.CATEGORIES),
            index=None,
            format_func=catalog.CATEGORIES.get,
            placeholder="Kies wat er niet werkt",
            key="melden-category",
        )
        ui.field_error("category", FORM)
        form["blocks_office_work"] = st.checkbox(
            "Kunnen kantoormedewerkers hierdoor niet werken?", key="melden-blocks_office_work"
        )
        form["description"] = st.text_area(
            "Omschrijving: wat werkt er niet, sinds wanneer, wat heeft u al geprobeerd?",
            help=f"Maximaal {formatting.number(validation.MAX_LONG)} tekens.",
            key="melden-description",
        )
        ui.field_error("description", FORM)
        form["contact_info"] = st.text_input(
            "Hoe bent u bereikbaar? (bijvoorbeeld een mobiel nummer, als mail of telefoon "
            "niet werkt)",
            key="melden-contact_info",
        )
        ui.field_error("contact_info", FORM)
        submitted = st.form_submit_button("Melding versturen", type="primary", key="melden-submit")
    return form, submitted
