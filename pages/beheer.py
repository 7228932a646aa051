"""Beheer (MAZ): people and their roles, passwords, locations and their unit managers;
the privacy tab (retention purge, data requests, access log) is drawn by lib/ui/privacy.py.

Each change goes through lib/people.py or lib/accounts.py, which check again
that the MAZ is acting; this screen only draws the forms. A person is saved
through accounts.save_person, so a changed address takes its password along.
"""

import uuid

import streamlit as st

from lib import accounts, affected, app_settings, catalog, people, ui
from lib.procedure import ROLE_LABELS, Role
from lib.ui import privacy as privacy_ui

who = ui.guard("pages/beheer.py")
st.title("Beheer")
ui.flash()
snap = ui.snapshot()
repo = ui.repository()
ROLES = list(Role)


def person_form(form: str, row: dict | None) -> None:
    """Add (row None) or change one person: name, address, roles, active."""
    with st.form(form):
        values = {
            "name": st.text_input("Naam", value=row["name"] if row else "", key=f"{form}-name"),
        }
        ui.field_error("name", form)
        values["email"] = st.text_input(
            "E-mailadres", value=row["email"] if row else "", key=f"{form}-email"
        )
        ui.field_error("email", form)
        values["roles"] = st.multiselect(
            "Rollen",
            ROLES,
            default=sorted(people.parse_roles(row["role"]), key=ROLES.index) if row else [],
            format_func=ROLE_LABELS.get,
            key=f"{form}-roles",
            placeholder="Kies een of meer rollen",
        )
        ui.field_error("roles", form)
        values["active"] = st.checkbox(
            "Actief", value=row["active"] if row else True, key=f"{form}-active"
        )
        pressed = st.form_submit_button("Opslaan", type="primary", key=f"{form}-save")
    if pressed:
        person_id = row["id"] if row else f"user-{uuid.uuid4().hex[:12]}"
        ui.act_form(
            form,
            accounts.save_person,
            repo,
            who,
            snap,
            values,
            person_id=person_id,
            success=f"Opgeslagen: {values['name']}.",
        )


def password_form(row: dict) -> None:
    form = f"wachtwoord-{row['id']}"
    with st.form(form):
        password = st.text_input(
            "Tijdelijk wachtwoord (de persoon kiest bij het aanmelden een eigen)",
            type="password",
            key=f"{form}-new",
        )
        ui.field_error("password", form)
        pressed = st.form_submit_button("Wachtwoord instellen", key=f"{form}-save")
    if pressed:
        ui.act_form(
            form,
            accounts.set_password,
            repo,
            who,
            row["email"],
            password,
            success=f"Wachtwoord ingesteld voor {row['name']}.",
        )


def location_form(location: dict) -> None:
    form = f"locatie-{location['id']}"
    with st.form(form):
        values = {"name": st.text_input("Naam", value=location["name"], key=f"{form}-name")}
        ui.field_error("name", form)
        values["unit_manager_name"] = st.text_input(
            "Unitmanager", value=location["unit_manager_name"], key=f"{form}-um"
        )
        ui.field_error("unit_manager_name", form)
        values["unit_manager_email"] = st.text_input(
            "E-mail unitmanager", value=location["unit_manager_email"], key=f"{form}-email"
        )
        ui.field_error("unit_manager_email", form)
        values["unit_manager_phone"] = st.text_input(
            "Telefoon unitmanager", value=location["unit_manager_phone"], key=f"{form}-phone"
        )
        ui.field_error("unit_manager_phone", form)
        values["active"] = st.checkbox("Actief", value=location["active"], key=f"{form}-active")
        pressed = st.form_submit_button("Opslaan", key=f"{form}-save")
    if pressed:
        ui.act_form(
            form,
            people.save_location,
            repo,
            who,
            ui.as_seen("locations", location),
            values,
            success=f"Opgeslagen: {values['name']}.",
        )
    else:
        ui.as_seen("locations", location)


def settings_form() -> None:
    """Check time, working day, targets and budget: saved here, they win over secrets.toml."""
    form = "instellingen"
    values = app_settings.current(ui.config(), snap)
    with st.form(form):
        typed = {}
        for key, setting in app_settings.EDITABLE.items():
            if setting.kind == "choice":
                typed[key] = st.selectbox(
                    setting.label,
                    setting.choices,
                    index=setting.choices.index(values[key])
                    if values[key] in setting.choices
                    else 0,
                    key=f"{form}-{key}",
                    placeholder="Kies een waarde",
                )
            else:
                typed[key] = st.text_input(setting.label, value=values[key], key=f"{form}-{key}")
            ui.field_error(key, form)
        pressed = st.form_submit_button("Instellingen opslaan", type="primary", key=f"{form}-save")
    if pressed:
        ui.act_form(
            form, app_settings.save, repo, who, snap, typed, success="Instellingen opgeslagen."
        )


tab_people, tab_locations, tab_categories, tab_settings, tab_privacy = st.tabs(
    ["Personen", "Locaties", "Categorieën", "Instellingen", "Privacy"]
)
with tab_privacy:
    privacy_ui.beheer_tab(repo, who, snap)  # AVG: retention, data requests, access log
with tab_settings:
    settings_form()
with tab_people:
    st.caption(
        "Rollen bepalen wat iemand ziet en mag. Wie zich aanmeldt en hier niet staat, "
        "mag alleen melden en de eigen meldingen volgen."
    )
    with st.expander("Persoon toevoegen"):
        person_form("persoon-nieuw", None)
    for row in sorted(snap.rows("users"), key=lambda p: p["name"].lower()):
        roles = ", ".join(ROLE_LABELS[r] for r in ROLES if r in people.parse_roles(row["role"]))
        state = "" if row["active"] else " · inactief"
        with st.expander(f"{row['name']} · {row['email']} · {roles}{state}"):
            person_form(f"persoon-{row['id']}", row)
            if ui.config().sign_in != "local" or ui.config().demo_mode:
                continue
            if people.normal_email(row["email"]) == who.email:
                st.caption("Uw eigen wachtwoord wijzigt u met 'Wachtwoord wijzigen' (links).")
            else:
                password_form(row)
with tab_locations:
    for location in snap.rows("locations"):
        with st.expander(f"{location['name']} · {location['unit_manager_name'] or '-'}"):
            location_form(location)
with tab_categories:
    st.caption(
        "De soorten storing van de procedure, met de regels die eraan hangen. Ze staan in "
        "de procedure zelf; een wijziging is een wijziging van de procedure en gaat via "
        "de ontwikkelaars (lib/catalog.py)."
    )
    st.dataframe(
        [
            {
                "Categorie": label,
                "Communicatie met ouders": key in catalog.COMMUNICATION_CATEGORIES,
                "Uit zichzelf urgent": key in catalog.URGENT_BY_NATURE,
                "Hele organisatie": key in affected.ORG_WIDE_CATEGORIES,
            }
            for key, label in catalog.CATEGORIES.items()
        ],
        hide_index=True,
    )
