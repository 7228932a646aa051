"""Melden (2.1/2.2 step 1): a staff member or unit manager reports an outage.

One column, so it works on a phone. The submission id lives in session_state and
is renewed only when the reporter starts a new report, so a double click or
Enter pressed twice makes one report (submit_report is idempotent per id).
"""

import uuid

import streamlit as st

from lib import catalog, formatting, intake, services, ui, validation
from lib.procedure import Role
from lib.repository import StoreUnavailable
from lib.ui import outage
from lib.ui import outages as outage_ui
from lib.ui import privacy as privacy_ui

FORM = "melden"
FIELDS = (
    "reporter_name",
    "reporter_email",
    "reporter_role",
    "location_id",
    "category",
    "blocks_office_work",
    "description",
    "contact_info",
)


KEYS = [f"melden-{name}" for name in FIELDS]


def _new_report() -> None:
    st.session_state["melden-submission"] = uuid.uuid4().hex
    st.session_state.pop("melden-done", None)
    st.session_state.pop("melden-queued", None)
    outage.forget_input(KEYS)


def _submit(desk, snap, form: dict, submission_id: str, on_behalf: bool) -> dict | None:
    """Register the report; if the store does not answer, keep it in the intake queue."""
    try:
        ticket = services.submit_report(
            desk, snap, form, submission_id=submission_id, on_behalf=on_behalf
        )
    except StoreUnavailable:
        queue = intake.IntakeQueue(intake.queue_path(desk.config))
        queue.put(
            submission_id=submission_id,
            form=form,
            actor=desk.actor,
            on_behalf=on_behalf,
            at=desk.clock(),
        )
        st.session_state["melden-queued"] = submission_id
        st.session_state["melden-just-queued"] = True
        return None
    st.session_state["melden-done"] = ticket["number"]
    return ticket


def _show_queued(submission_id: str) -> None:
    """Received while the store was down: the number follows once it is registered."""
    if not st.session_state.pop("melden-just-queued", False):  # the store just failed: skip
        outage.deliver_now(ui.repository(), ui.config())
    entry = intake.IntakeQueue(intake.queue_path(ui.config())).status(submission_id)
    if entry is not None and entry.status == intake.DELIVERED:
        st.session_state["melden-done"] = entry.number
        _show_done(entry.number)
        return
    st.subheader("Uw melding is ontvangen")
    st.info(
        "De opslag van meldingen antwoordt op dit moment niet. Uw melding is bewaard en wordt "
        "automatisch geregistreerd zodra de opslag weer bereikbaar is. U krijgt dan het "
        "meldingsnummer per e-mail; het verschijnt ook op deze pagina en bij 'Mijn meldingen'."
    )
    st.caption("U hoeft de melding niet opnieuw te versturen.")
    st.button("Nummer opvragen", key="melden-check", icon="🔄")
    st.button("Nieuwe melding maken", on_click=_new_report, key="melden-new-queued")


def _show_done(number: str) -> None:
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
    st.button("Nieuwe melding maken", on_click=_new_report, key="melden-new")


who = ui.guard("pages/melden.py")
st.title("Storing melden")
ui.flash()
st.session_state.setdefault("melden-submission", uuid.uuid4().hex)

if st.session_state.get("melden-done"):
    _show_done(st.session_state["melden-done"])
    st.stop()
if st.session_state.get("melden-queued"):
    _show_queued(st.session_state["melden-queued"])
    st.stop()

outage.keep_input(KEYS)  # before the read: an outage there must not lose the typing
snap = ui.snapshot()
locations = {loc["id"]: loc["name"] for loc in snap.active_locations()}
outage_ui.known_outages(who, snap)  # issue 14: "Ik heb dit ook" instead of a new report

with st.expander("Wanneer is een storing urgent?"):
    st.markdown("**Urgent**, bijvoorbeeld:")
    st.markdown("\n".join(f"- {e}" for e in catalog.URGENT_EXAMPLES))
    st.markdown("**Niet urgent**, bijvoorbeeld:")
    st.markdown("\n".join(f"- {e}" for e in catalog.NOT_URGENT_EXAMPLES))
    st.caption("U hoeft dit niet zelf te beslissen: de Manager Algemene Zaken beoordeelt het.")

roles = list(catalog.REPORTER_ROLES)
# The reporter is who signed in; only the MAZ registers a report for a caller.
on_behalf = Role.MAZ in who.roles and st.toggle(
    "Melding namens iemand anders (telefonisch doorgegeven)",
    key="melden-namens",
    on_change=lambda: outage.forget_input(KEYS[:2]),
)
if not on_behalf:
    st.session_state["melden-reporter_name"] = who.name
    st.session_state["melden-reporter_email"] = who.email
privacy_ui.hint()  # AVG: no names of children or parents in the description
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
        "Hoe bent u bereikbaar? (bijvoorbeeld een mobiel nummer, als mail of telefoon niet werkt)",
        key="melden-contact_info",
    )
    ui.field_error("contact_info", FORM)
    submitted = st.form_submit_button("Melding versturen", type="primary", key="melden-submit")

# AVG: likely personal data in the description is flagged and sent only when sent again.
if submitted and privacy_ui.confirmed(form["description"], st.session_state["melden-submission"]):
    ui.act_form(
        FORM,
        _submit,
        ui.desk(who),
        snap,
        form,
        st.session_state["melden-submission"],
        on_behalf,
        success="Melding verstuurd.",
    )
