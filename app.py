"""Router only: who is signed in, and the pages they may open (lib/navigation.py)."""

from pathlib import Path

import streamlit as st

from lib import navigation, ui
from lib.ui import dutch, identity

st.set_page_config(page_title="Storingsmeldingen ICT/Telefonie", page_icon="🛠️", layout="wide")
ui.leave_pages_folder_mode()
dutch.hide_untranslatable()  # Streamlit's English table and chart menus (lib/ui/dutch.py)

if ui.config().demo_mode:
    if not identity.demo_allowed():
        st.error(
            "Demomodus is alleen beschikbaar op deze computer: start de app met "
            "--server.address 127.0.0.1, of zet demo_mode uit en stel aanmelding in."
        )
        st.stop()
    identity.demo_picker()

who = identity.current()
if who is None:
    # Every page's address (a bookmark, a reload) shows the sign-in screen too, not
    # Streamlit's "Page not found" over it; after sign-in that page opens if allowed.
    sign_in = [st.Page(identity.sign_in_screen, title="Aanmelden", icon="🔑", url_path="aanmelden")]
    sign_in += [
        st.Page(identity.sign_in_screen, title="Aanmelden", url_path=Path(path).stem)
        for path in navigation.SCREENS
    ]
    st.navigation(sign_in, position="hidden").run()
    st.stop()

if not ui.config().demo_mode:
    identity.account_menu(who)
pages = {
    section: [
        st.Page(s.path, title=s.title, icon=s.icon, default=s.path == navigation.HOME)
        for s in screens
    ]
    for section, screens in navigation.visible(who).items()
}
# The other pages exist too, hidden from the menu: a typed address then reaches that
# page's own guard (a Dutch refusal, logged) instead of Streamlit's "Page not found".
pages[next(iter(pages))] += [
    st.Page(s.path, title=s.title, icon=s.icon, visibility="hidden")
    for s in navigation.SCREENS.values()
    if not navigation.may_open(who, s.path)
]
ui.run_page(st.navigation(pages))
