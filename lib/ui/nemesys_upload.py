"""The Nemesys page's upload: Nemesys's confirmation e-mail read, shown, checked, recorded.

lib/inbound.py reads the mail; lib/inbound_review.py holds what is said about it.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from lib import inbound, inbound_review, services, ui
from lib.services import Desk
from lib.snapshot import Snapshot
from lib.ui.timeline import plain
from lib.workdays import AMSTERDAM

UPLOAD_ROUND = "inbound-round"


def _record_mail(desk: Desk, found: inbound.Confirmation, key: str) -> None:
    s = st.session_state
    when = datetime.combine(s[f"{key}-day"], s[f"{key}-time"], tzinfo=AMSTERDAM)
    when = inbound_review.recorded_moment(found, when)
    s.pop("_field_errors_form", None)  # the messages below belong to this section
    s[UPLOAD_ROUND] = s.get(UPLOAD_ROUND, 0) + 1  # recorded: the uploader starts empty
    ui.act(
        services.confirm_order,
        desk,
        found.ticket,
        found.order,
        reference=s[f"{key}-ref"],
        confirmed_at=when,
        success=f"Bevestiging van Nemesys vastgelegd voor {found.number} (uit de e-mail).",
    )
    s[UPLOAD_ROUND] -= 1  # refused (ui.act showed why): keep the file to correct and retry


def _section_error(name: str) -> None:
    if "_field_errors_form" not in st.session_state:  # not a message of a form at an order
        ui.field_error(name)


def show_found(snap: Snapshot, desk: Desk, found: inbound.Confirmation, key: str) -> None:
    location = snap.location(found.ticket["location_id"])["name"]
    how = inbound_review.HOW_FOUND[found.matched_by]
    st.markdown(f"**{found.number}** · {plain(location)} · {how}")
    st.text(f"Van: {found.sender}\nOnderwerp: {found.subject}")
    if found.excerpt:
        st.text(found.excerpt)
    warning = inbound_review.sender_warning(found, ui.config().nemesys_address)
    if warning:
        st.warning(warning)
    if found.forwarded:
        st.info(inbound_review.FORWARDED)
    st.text_input("Referentie van Nemesys", value=found.reference, key=f"{key}-ref")
    if not found.reference:
        st.caption(inbound_review.NO_REFERENCE)
    _section_error("reference")
    day, moment = st.columns(2)
    seen = found.confirmed_at
    day.date_input("Bevestigd op", value=seen.date(), format="DD-MM-YYYY", key=f"{key}-day")
    moment.time_input(
        "Tijd", value=inbound_review.shown_moment(found).time(), step=60, key=f"{key}-time"
    )
    _section_error("confirmed_at")
    st.button(
        "Bevestiging vastleggen",
        key=f"{key}-go",
        type="primary",
        on_click=_record_mail,
        args=(desk, found, key),
    )


def upload_section(snap: Snapshot, desk: Desk) -> None:
    st.subheader("Bevestiging van Nemesys inlezen")
    upload = st.file_uploader(
        "Sleep de bevestigingsmail van Nemesys hierheen (een .eml-bestand, geen .msg)",
        type=["eml", "msg"],  # a .msg gets a Dutch explanation instead of Streamlit's refusal
        key=f"inbound-upload-{st.session_state.get(UPLOAD_ROUND, 0)}",
        help="Outlook op het web of de nieuwe Outlook: open de e-mail en kies ··· > Opslaan "
        "als (Downloaden) voor een .eml-bestand. De app zoekt het meldingsnummer, de tijd en "
        "de referentie van Nemesys; u controleert ze voordat u vastlegt.",
    )
    if upload is None:
        return
    with st.container(border=True):
        try:
            found = inbound.read_confirmation(upload.getvalue(), snap)
        except inbound.Refused as e:
            st.error(str(e))
            return
        show_found(snap, desk, found, f"inbound-{upload.file_id}")
