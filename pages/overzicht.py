"""Overzicht: the work in hand, Nemesys turnaround and costs, for the directie and the MAZ."""

from datetime import timedelta

import streamlit as st

from lib import archive, formatting, reports, reports_combine, ui, workdays
from lib.catalog import CATEGORIES, URGENCY_LABELS
from lib.reports_settings import settings_from
from lib.ui import overview, shared_frames

ui.guard("pages/overzicht.py")
st.title("Overzicht")
settings = settings_from(ui.effective_config())
for problem in settings.problems:
    st.warning(problem)
now = workdays.now()
today = now.date()

with st.sidebar:
    st.header("Filters")
    period = st.date_input(
        "Periode", (today - timedelta(days=364), today), format="DD-MM-YYYY", key="ov-period"
    )
    start, end = (tuple(period) * 2)[:2] if period else (today, today)
# A period from before the archive cut needs the archive too (issue 10): its frames are
# kept until the archive changes, joined to the live store's (lib/reports_combine.py).
cut = archive.archive_cut(ui.snapshot())
if archive.reaches_archive(start, cut):
    data = shared_frames.with_archive(
        "overzicht",
        reports.TABLES,
        reports.frames,
        reports_combine.archived_part,
        reports_combine.combine,
        cut,
    )
else:
    data = ui.derived("overzicht", reports.TABLES, reports.frames)
with st.sidebar:
    choices = {"locations": data.locations, "categories": CATEGORIES, "urgencies": URGENCY_LABELS}
    labels = {"locations": "Locatie", "categories": "Categorie", "urgencies": "Urgentie"}
    chosen = {
        f: tuple(
            st.multiselect(
                labels[f],
                sorted(options, key=options.get),
                format_func=options.get,
                key=f"ov-{f}",
                placeholder="Alle",
            )
        )
        for f, options in choices.items()
    }
    filters = reports.Filters(start=start, end=end, **chosen)
v = reports.view(data, filters, settings, now)
st.caption(f"Periode {formatting.day(start)} t/m {formatting.day(end)}; open = open aan het eind.")


overview.open_reports(v)
overview.outages(v)
overview.nemesys_turnaround(v, settings)
overview.spending(v, settings)
overview.recurring_trouble(v, settings)
overview.exports(v, data, filters, settings, now, start, end)
