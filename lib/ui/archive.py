"""Beheer's archive button (issue 10): the MAZ archives old finished reports by hand.

The rule is lib/archive.py (the same as `python -m lib.cli archive`); this only draws.
"""

from __future__ import annotations

import streamlit as st

from lib import archive, ui
from lib.procedure import Actor, IllegalTransition
from lib.repository import Repository, StoreUnavailable
from lib.validation import ValidationError

DONE_KEY = "archive-done"


def section(repo: Repository, who: Actor) -> None:
    st.subheader("Archief")
    st.caption(
        "Meldingen die langer dan de archieftermijn afgesloten of verwijderd zijn (en waaraan "
        "niets meer te doen is) gaan naar het archief: ze staan niet meer in de werklijsten, "
        "maar blijven vindbaar op nummer, in Mijn meldingen, in exports en in het Overzicht. "
        "Er verdwijnt niets."
    )
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.text("\n".join(done))
    left, right = st.columns(2)
    if left.button("Proefdraai: wat gaat naar het archief?", key="archive-dry-run"):
        try:
            plan = archive.archive(repo, who, ui.config(), dry_run=True)
        except (ValueError, IllegalTransition, StoreUnavailable) as e:
            st.error(str(e))
        else:
            st.text("\n".join(plan.lines()))
    if right.button("Nu archiveren", type="primary", key="archive-run"):
        ui.act(_archive, repo, who, success="Oude meldingen gearchiveerd.")


def _archive(repo: Repository, who: Actor) -> archive.ArchivePlan:
    try:
        plan = archive.archive(repo, who, ui.config())
    except ValueError as e:
        raise ValidationError({"archive_months": str(e)}) from e
    st.session_state[DONE_KEY] = plan.lines()
    return plan
