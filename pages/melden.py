"""Melden (2.1/2.2 step 1): a staff member or unit manager reports an outage.

One column, so it works on a phone. The form and what follows it are
lib/ui/report_form.py; a double click or Enter pressed twice makes one report.
"""

import uuid

import streamlit as st

from lib import ui
from lib.procedure import Role
from lib.ui import outage, report_form
from lib.ui import outages as outage_ui
from lib.ui import privacy as privacy_ui

who = ui.guard("pages/melden.py")
st.title("Storing melden")
ui.flash()
st.session_state.setdefault("melden-submission", uuid.uuid4().hex)

if st.session_state.get("melden-done"):
    report_form.show_done(st.session_state["melden-done"])
    st.stop()
if st.session_state.get("melden-queued"):
    report_form.show_queued(st.session_state["melden-queued"])
    st.stop()

outage.keep_input(report_form.KEYS)  # before the read: an outage there must not lose the typing
snap = ui.snapshot()
locations = {loc["id"]: loc["name"] for loc in snap.active_locations()}
outage_ui.known_outages(who, snap)  # issue 14: "Ik heb dit ook" instead of a new report
report_form.urgency_help()

# The reporter is who signed in; only the MAZ registers a report for a caller.
on_behalf = Role.MAZ in who.roles and st.toggle(
    "Melding namens iemand anders (telefonisch doorgegeven)",
    key="melden-namens",
    on_change=lambda: outage.forget_input(report_form.KEYS[:2]),
)
if not on_behalf:
    st.session_state["melden-reporter_name"] = who.name
    st.session_state["melden-reporter_email"] = who.email
privacy_ui.hint()  # AVG: no names of children or parents in the description
form, submitted = report_form.report_fields(who, locations, on_behalf)

# AVG: likely personal data in the description is flagged and sent only when sent again.
if submitted and privacy_ui.confirmed(form["description"], st.session_state["melden-submission"]):
    ui.act_form(
        report_form.FORM,
        report_form.submit,
        ui.desk(who),
        snap,
        form,
        st.session_state["melden-submission"],
        on_behalf,
        success="Melding verstuurd.",
    )
