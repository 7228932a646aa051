"""Router only: which pages exist, for whom. Rules live in lib/, screens in pages/."""

import streamlit as st

st.set_page_config(page_title="Storingsmeldingen ICT/Telefonie", page_icon="🛠️", layout="wide")

PAGES = {
    "Start": [
        st.Page("pages/home.py", title="Overzicht van vandaag", icon="🏠", default=True),
    ],
}

st.navigation(PAGES).run()
