"""Start: what waits for this person, one list per role (lib/worklists.py)."""

import streamlit as st

from lib import ui, workdays, worklists
from lib.ui import worklist

who = ui.guard("pages/home.py")
st.title("Storingsmeldingen ICT/Telefonie")
ui.flash()
snap = ui.snapshot()
config = ui.effective_config()

if ui.config().demo_mode:
    st.info("Demomodus: de gegevens met '(demo)' zijn voorbeeldgegevens.")
st.write(f"Welkom, {who.name}.")

lists = worklists.for_person(
    snap,
    who,
    workdays.now(),
    alert_hours=config.confirmation_alert_working_hours,
    workday_config=workdays.WorkdayConfig(config.check_time, config.day_start, config.day_end),
)
waiting = worklists.waiting_count(lists)
st.subheader("Wat op u wacht" if waiting else "Er wacht nu niets op u")
for wl in lists:
    worklist.show(wl)
ui.page_link("pages/melden.py", "Een storing melden", "📝")
