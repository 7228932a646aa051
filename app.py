"""Router only: the pages this user may see (lib/navigation.py says which)."""

import streamlit as st

from lib import navigation, ui

st.set_page_config(page_title="Storingsmeldingen ICT/Telefonie", page_icon="🛠️", layout="wide")

role = ui.role_picker().role
pages = {
    section: [
        st.Page(s.path, title=s.title, icon=s.icon, default=s.path == navigation.HOME)
        for s in screens
    ]
    for section, screens in navigation.visible(role).items()
}
st.navigation(pages).run()
