"""Who is signed in, and the screens to sign in, set up the first account and sign out.

Three modes, chosen by configuration (lib/config.py):
- OpenID Connect (an [auth] section in secrets.toml): Streamlit's st.login /
  st.user / st.logout against Kivido's Microsoft 365 or Google Workspace.
- Local accounts (no identity provider): address and password (lib/accounts.py).
- Demo mode, only when asked for: a role picker, on localhost only.
Roles always come from the people table (lib/people.py), read afresh each run,
so a role taken away on Beheer applies at once.
"""

from __future__ import annotations

import ipaddress

import streamlit as st
from streamlit.runtime import Runtime

from lib import accounts, people, ui
from lib.procedure import ROLE_LABELS, Actor, Role
from lib.ui.timeline import plain

SIGNED_IN = "_signed_in_email"  # session key of a local sign-in
SESSION_TOKEN = "_signed_in_token"  # the password's session token at sign-in
MUST_CHANGE = "_must_change_password"
DEMO_EMAIL = "demo@kivido.example"


def current() -> Actor | None:
    """The signed-in person, or None. In demo mode, whoever the picker says."""
    cfg = ui.config()
    if cfg.demo_mode:
        return _demo_actor()
    if cfg.sign_in == "oidc":
        if not st.user.is_logged_in or not st.user.get("email"):
            return None
        return people.actor_for(ui.snapshot(), str(st.user.email), str(st.user.get("name") or ""))
    if must_change_password():  # a temporary password opens no page (sign_in_screen asks)
        return None
    return _local_actor()


def _local_actor() -> Actor | None:
    """Whose password was accepted in this session (still active), or None."""
    email = st.session_state.get(SIGNED_IN)
    if not email:
        return None
    snap = ui.snapshot()
    row = people.person(snap, email)
    tokens = {r["email"]: r["session"] for r in snap.rows("accounts")}
    if (
        row is None
        or not row["active"]
        or tokens.get(email, "") != st.session_state.get(SESSION_TOKEN, "")
    ):
        # Removed, made inactive, or the password was reset meanwhile: sign in again.
        for key in (SIGNED_IN, SESSION_TOKEN, MUST_CHANGE):
            st.session_state.pop(key, None)
        return None
    return people.actor_for(snap, email)


def _demo_actor() -> Actor:
    role = Role(st.session_state.get("demo_role", Role.MAZ))
    name = str(st.session_state.get("demo_name", "")).strip() or "Demo-gebruiker"
    email = people.normal_email(str(st.session_state.get("demo_email", ""))) or DEMO_EMAIL
    return Actor(name, role, email=email)


def demo_allowed() -> bool:
    """Demo mode serves only this machine: anyone could otherwise pick any role."""
    if not Runtime.exists():  # a page run in a test, not served
        return True
    address = str(st.get_option("server.address") or "")
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def demo_picker() -> None:
    """The demo-mode sidebar: who you are, with a banner that says it is a demo."""
    st.session_state.setdefault("demo_role", Role.MAZ)
    st.session_state.setdefault("demo_name", "Demo-gebruiker")
    st.session_state.setdefault("demo_email", DEMO_EMAIL)
    with st.sidebar:
        st.warning("**Demomodus**: geen aanmelding, alleen op deze computer.", icon="🧪")
        st.caption("Kies wie u bent")
        st.selectbox(
            "Rol",
            list(Role),
            format_func=lambda r: ROLE_LABELS[r],
            key="demo_role",
            placeholder="Kies een rol",
        )
        st.text_input("Naam", key="demo_name")
        st.text_input("E-mail", key="demo_email")


def account_menu(who: Actor) -> None:
    """Who is signed in, and sign-out (and password change for local accounts)."""
    cfg = ui.config()
    with st.sidebar:
        roles = ", ".join(ROLE_LABELS[r] for r in Role if r in who.roles)
        st.caption(f"Aangemeld als **{plain(who.name)}**  \n{roles}")
        if cfg.sign_in == "local":
            with st.popover("Wachtwoord wijzigen"):
                password_form(who)
        if st.button("Afmelden", key="sign-out"):
            sign_out()


def sign_out() -> None:
    for key in list(st.session_state):
        del st.session_state[key]
    if ui.config().sign_in == "oidc":
        # st.logout() queues a message that sends the browser to /auth/logout, which
        # deletes the identity cookie. A rerun here would drop it unsent (a new run
        # clears the queue) and the next reload would sign the person in again.
        st.logout()
        st.stop()
    st.rerun()


def sign_in_screen() -> None:
    """What someone who is not signed in sees (instead of any page).

    Also what someone signed in with a temporary password sees, whichever page
    they open: first their own password.
    """
    cfg = ui.config()
    if cfg.sign_in == "local" and must_change_password() and _local_actor():
        change_password_screen()
        return
    st.title("Storingsmeldingen ICT/Telefonie")
    ui.flash()
    if cfg.sign_in == "oidc":
        st.write("Meld u aan met uw Kivido-account om een storing te melden of te volgen.")
        if st.button("Inloggen", type="primary", key="oidc-login"):
            if cfg.oidc_provider:
                st.login(cfg.oidc_provider)
            else:
                st.login()
        return
    if accounts.first_start_needed(ui.repository()):
        _first_account_form()
    else:
        _password_sign_in_form()


def _password_sign_in_form() -> None:
    with st.form("sign-in"):
        st.subheader("Aanmelden")
        email = st.text_input("E-mailadres", key="sign-in-email")
        password = st.text_input("Wachtwoord", type="password", key="sign-in-password")
        pressed = st.form_submit_button("Aanmelden", type="primary", key="sign-in-submit")
    st.caption("Wachtwoord vergeten? De Manager Algemene Zaken kan een nieuw wachtwoord instellen.")
    if pressed:
        try:
            who = accounts.sign_in(ui.repository(), email, password)
        except accounts.SignInRefused as e:
            st.error(str(e))
            return
        _signed_in(who.email)


def _first_account_form() -> None:
    st.info(
        "Eerste start: er is nog geen beheerder. Maak het account van de "
        "Manager Algemene Zaken; die voegt daarna op Beheer de anderen toe."
    )
    with st.form("first-account"):
        name = st.text_input("Naam", key="first-name")
        ui.field_error("name", "first-account")
        email = st.text_input("E-mailadres", key="first-email")
        ui.field_error("email", "first-account")
        password = st.text_input("Wachtwoord", type="password", key="first-password")
        ui.field_error("password", "first-account")
        again = st.text_input("Wachtwoord (nogmaals)", type="password", key="first-again")
        pressed = st.form_submit_button("Account aanmaken", type="primary", key="first-submit")
    if pressed:
        if password != again:
            st.error("De twee wachtwoorden zijn niet gelijk.")
            return
        who = ui.act_form(
            "first-account",
            _create_first,
            name,
            email,
            password,
            success="Account aangemaakt: u bent aangemeld.",
        )
        del who  # act_form reruns on success


def _create_first(name: str, email: str, password: str) -> Actor:
    who = accounts.create_first_maz(ui.repository(), name=name, email=email, password=password)
    _remember(who.email)
    return who


def _signed_in(email: str) -> None:
    _remember(email)
    st.session_state[MUST_CHANGE] = accounts.must_change(ui.repository(), email)
    ui.invalidate()
    st.rerun()


def _remember(email: str) -> None:
    """This session belongs to `email`, for as long as its password stays the same."""
    st.session_state[SIGNED_IN] = people.normal_email(email)
    st.session_state[SESSION_TOKEN] = accounts.current_token(ui.repository(), email)


def must_change_password() -> bool:
    """A local account given a temporary password by the MAZ must choose its own first."""
    return bool(st.session_state.get(MUST_CHANGE))


def change_password_screen() -> None:
    who = _local_actor()
    st.title("Kies een eigen wachtwoord")
    ui.flash()
    st.info("De Manager Algemene Zaken heeft een tijdelijk wachtwoord voor u ingesteld.")
    if who is not None:
        password_form(who, form="password-first")
    if st.button("Afmelden", key="sign-out"):
        sign_out()


def password_form(who: Actor, *, form: str = "password-change") -> None:
    with st.form(form):
        current = st.text_input("Huidig wachtwoord", type="password", key=f"{form}-current")
        ui.field_error("current", form)
        new = st.text_input("Nieuw wachtwoord", type="password", key=f"{form}-new")
        ui.field_error("new", form)
        pressed = st.form_submit_button("Wachtwoord opslaan", key=f"{form}-submit")
    if pressed:
        ui.act_form(form, _change, who, current, new, success="Uw wachtwoord is gewijzigd.")


def _change(who: Actor, current: str, new: str) -> None:
    accounts.change_password(ui.repository(), who, current=current, new=new)
    st.session_state.pop(MUST_CHANGE, None)
    _remember(who.email)  # this session stays; others opened with the old password end
