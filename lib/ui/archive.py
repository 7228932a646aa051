"""Beheer's archive button (issue 10): the MAZ archives old finished reports by hand.

The rule is lib/archive.py (the same as `python -m lib.cli archive`); this only draws.
"""

from __future__ import annotations

import streamlit as st

from lib import archive, ui
from lib.procedure import Actor
from lib.repository import Repository
from lib.ui import batch_job


def section(repo: Repository, who: Actor) -> None:
    st.subheader("Archief")
    st.caption(
        "Meldingen die langer dan de archieftermijn afgesloten of verwijderd zijn (en waaraan "
        "niets meer te doen is) gaan naar het archief: ze staan niet meer in de werklijsten, "
        "maar blijven vindbaar op nummer, in Mijn meldingen, in exports en in het Overzicht. "
        "Er verdwijnt niets."
    )
    batch_job.buttons(
        batch_job.BatchJob(
            run=lambda dry_run: archive.archive(repo, who, ui.config(), dry_run=dry_run),
            key="archive",
            run_key="archive-run",
            setting="archive_months",
            dry_label="Proefdraai: wat gaat naar het archief?",
            run_label="Nu archiveren",
            success="Oude meldingen gearchiveerd.",
        )
    )
