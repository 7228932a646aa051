"""Page widgets for the AVG (issue 13): Beheer's privacy tab, the Melden check, the view log.

The rules are in lib/privacy.py, lib/privacy_access.py and lib/personal_data.py;
these functions only draw and hand over.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator

import streamlit as st

from lib import formatting, people, personal_data, privacy, privacy_access, ui
from lib.procedure import Actor, IllegalTransition
from lib.repository import Repository, StoreUnavailable
from lib.snapshot import Snapshot
from lib.ui import batch_job
from lib.validation import ValidationError

_LOG_KINDS = {privacy_access.VIEWED: "Melding bekeken", privacy_access.REQUESTED: "Inzageverzoek"}


# --- Melden: flag, never block ---------------------------------------------------


def hint() -> None:
    st.caption(personal_data.HINT)


def confirmed(text: str, submission: str, key: str = "melden-privacy") -> bool:
    """True when `text` holds no likely personal data, or the reporter sends it again as is.

    `submission` ties the confirmation to one report: a next report asks again.
    """
    findings = personal_data.find(text)
    if not findings:
        return True
    token = hashlib.sha256(f"{submission}\0{text}".encode()).hexdigest()
    if st.session_state.get(key) == token:
        return True
    st.session_state[key] = token
    st.warning(personal_data.warning(findings))
    return False


# --- a report's detail, logged when someone else opens it -------------------------


def _own(who: Actor | None, ticket: dict) -> bool:
    return bool(who and who.email) and people.normal_email(ticket["reporter_email"]) == who.email


def logged_open(who: Actor | None, ticket: dict, key: str, is_open: bool) -> bool:
    """Whether an opened detail may be drawn: once its view is in the access log.

    One log row per opening: the key is forgotten when the detail is closed, so
    opening it again later is a new view. A reporter reading their own report
    is not logged. When the log cannot be written, the content stays hidden.
    """
    seen = st.session_state.setdefault("_privacy_viewed", set())
    if not is_open:
        seen.discard(key)
        return False
    if who is None or _own(who, ticket) or key in seen:
        return who is not None
    try:
        privacy_access.log_view(ui.repository(), who, ticket)
    except StoreUnavailable as e:
        st.error(str(e))
        return False
    seen.add(key)
    return True


@contextlib.contextmanager
def detail(
    who: Actor, ticket: dict, label: str, key: str, *, expanded: bool = False
) -> Iterator[bool]:
    """An expander whose content is drawn only when open; opening it is logged once.

    Yields whether the content may be drawn. Someone other than the reporter
    sees it only after the view is in the access log.
    """
    if _own(who, ticket):
        with st.expander(label, key=key, expanded=expanded):  # their own report: nothing to log
            yield True
        return
    box = st.expander(label, key=key, expanded=expanded, on_change="rerun")
    with box:
        yield logged_open(who, ticket, key, bool(box.open))


# --- Beheer ------------------------------------------------------------------


def beheer_tab(repo: Repository, who: Actor, snap: Snapshot) -> None:
    _retention(repo, who)
    st.divider()
    from lib.ui import archive as archive_ui  # issue 10: old reports leave the work lists

    archive_ui.section(repo, who)
    st.divider()
    _data_request(repo, who)
    st.divider()
    _access_log(repo, snap)


def _retention(repo: Repository, who: Actor) -> None:
    st.subheader("Bewaartermijn")
    st.caption(
        "Van meldingen die langer dan de bewaartermijn (zie Instellingen) afgesloten of "
        "verwijderd zijn, worden namen, e-mailadressen, telefoonnummers en vrije tekst "
        f"vervangen door '{privacy.MARKER}', ook in de gebeurtenissen en e-mails. "
        "Datums, locatie, categorie, urgentie, bedragen en statussen blijven, dus het "
        "Overzicht verandert niet."
    )
    batch_job.buttons(
        batch_job.BatchJob(
            run=lambda dry_run: privacy.purge(repo, who, ui.effective_config(), dry_run=dry_run),
            key="privacy",
            run_key="privacy-purge",
            setting="retention_months",
            dry_label="Proefdraai: wat zou verdwijnen?",
            run_label="Nu opschonen",
            success="Persoonsgegevens opgeschoond.",
        )
    )


def _data_request(repo: Repository, who: Actor) -> None:
    st.subheader("Inzageverzoek")
    st.caption(
        "Alle rijen met dit e-mailadres (meldingen, gebeurtenissen, e-mails, communicatie, "
        "personen, accounts) in één Excel-bestand. Het verzoek wordt vastgelegd."
    )
    with st.form("inzage"):
        email = st.text_input("E-mailadres van de persoon", key="inzage-email")
        pressed = st.form_submit_button("Bestand maken", key="inzage-submit")
    if not pressed:
        return
    try:
        request = privacy_access.data_request(repo, who, email)
    except ValidationError as e:
        st.error("\n".join(e.errors.values()))
        return
    except (IllegalTransition, StoreUnavailable) as e:
        st.error(str(e))
        return
    counts = request.counts()
    st.success(f"Bestand gemaakt voor {request.email}: {sum(counts.values())} rij(en).")
    st.dataframe(
        [{"Blad": sheet, "Rijen": n} for sheet, n in counts.items()],
        hide_index=True,
        key="inzage-counts",
    )
    st.download_button(
        "Download inzageverzoek (.xlsx)",
        request.xlsx(),
        file_name=f"inzageverzoek-{request.email}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="inzage-download",
    )


def _access_log(repo: Repository, snap: Snapshot) -> None:
    st.subheader("Inzagelog")
    st.caption(
        "Wie een melding van een ander heeft geopend, en elk inzageverzoek. Regels ouder dan "
        "de bewaartermijn worden bij het opschonen geanonimiseerd."
    )
    # Read on request only: a page view stays one read of the store.
    if not st.toggle("Inzagelog tonen", key="inzagelog-tonen"):
        return
    try:
        rows = privacy_access.recent_log(repo)
    except StoreUnavailable as e:
        st.error(str(e))
        return
    if not rows:
        st.info("Nog niets vastgelegd.")
        return
    numbers = {t["id"]: t["number"] for t in snap.rows("tickets")}
    st.dataframe(
        [
            {
                "Tijdstip": formatting.moment(r["at"]),
                "Soort": _LOG_KINDS.get(r["kind"], r["kind"]),
                "Melding": numbers.get(r["ticket_id"], r["ticket_id"]),
                "Door": r["actor_name"],
                "E-mail": r["actor_email"],
                "Gevraagd e-mailadres": r["subject_email"],
            }
            for r in rows
        ],
        hide_index=True,
        key="inzagelog",
    )
