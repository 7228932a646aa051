"""The one small module in lib/ that knows Streamlit: glue between pages and lib.

Pages call `snapshot()` once per view, `actor()` for who is acting, and `act()`
to hand a user action to a service; `act` turns the service's refusals into
Dutch messages and drops the cached read after the session's own writes.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import streamlit as st

from lib import config as config_module
from lib.procedure import ROLE_LABELS, Actor, IllegalTransition, Role
from lib.repository import Conflict, NotFound, Repository, StoreUnavailable
from lib.services import Desk
from lib.snapshot import Snapshot
from lib.store import open_repository
from lib.validation import ValidationError


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml: the embedded defaults apply
        return {}


@st.cache_resource
def _config_and_repo(_secrets_key: str) -> tuple[config_module.Config, Repository]:
    config = config_module.load(_secrets())
    repo = open_repository(config)
    repo.setup()
    return config, repo


def config() -> config_module.Config:
    return _config_and_repo(str(sorted(_secrets())))[0]


def repository() -> Repository:
    return _config_and_repo(str(sorted(_secrets())))[1]


@st.cache_data(max_entries=64, show_spinner=False)
def _read(label: str, nonce: str, generation: int) -> dict:
    return repository().read_all()


@st.cache_data(max_entries=16, show_spinner=False)
def _derive(label: str, nonce: str, generation: int, name: str, tables: tuple, _build) -> Any:
    rows = _read(label, nonce, generation)  # the page's own cached read: never a second one
    return _build({t: rows[t] for t in tables})


@st.cache_resource
def _generations() -> dict:
    return {"lock": threading.Lock(), "started": {}}


def _generation(nonce: str) -> int:
    """Which read is current: a new one [app] cache_seconds after the last began.

    Counted from when a read was made (not on a fixed clock), so a slow build is
    still reused for the full period; `nonce` changes after the session's own
    writes (`invalidate`), so it sees them at once.
    """
    seconds, now = max(config().cache_seconds, 0.001), time.time()
    state = _generations()
    with state["lock"]:
        started, generation = state["started"].get(nonce, (now, 0))
        if now - started >= seconds:
            started, generation = now, generation + 1
        state["started"][nonce] = (started, generation)
        if len(state["started"]) > 1000:  # one entry per writing session: forget old ones
            old = [k for k, (t, _) in state["started"].items() if now - t > 3600]
            for key in old:
                del state["started"][key]
        return generation


def snapshot() -> Snapshot:
    """The one read of this page view (one batched request, briefly cached)."""
    nonce = st.session_state.get("_write_nonce", "")
    return Snapshot(_read(repository().label, nonce, _generation(nonce)))


def derived(name: str, tables: tuple[str, ...], build: Callable[[dict], Any]) -> Any:
    """`build` applied to `tables` of the cached read, itself cached as long.

    For pages that summarise many rows (Overzicht): the cache keeps the compact
    built value (DataFrames), so a warm view skips the build. `name` tells
    builders apart, since `build` itself is not hashed.
    """
    nonce = st.session_state.get("_write_nonce", "")
    return _derive(repository().label, nonce, _generation(nonce), name, tuple(tables), build)


def invalidate() -> None:
    st.session_state["_write_nonce"] = uuid.uuid4().hex


def actor() -> Actor:
    """Who is acting. Until sign-in exists this is the only place that decides it.

    In demo mode the person and role come from the sidebar picker that app.py
    draws once per run (`role_picker`); a page run on its own (AppTest) reads
    the same session keys, defaulting to the MAZ.
    """
    cfg = config()
    if not cfg.demo_mode:
        name = cfg.extra.get("acting_name", "Manager Algemene Zaken")
        return Actor(name, Role(cfg.extra.get("acting_role", Role.MAZ)))
    role = st.session_state.get("demo_role", Role.MAZ)
    name = str(st.session_state.get("demo_name", "")).strip()
    return Actor(name or "Demo-gebruiker", Role(role))


def role_picker() -> Actor:
    """The demo-mode sidebar picker; drawn by the router only, before the page runs.

    Known limit: because pages/ sits beside app.py, Streamlit runs a server's
    very first script run as a pages-folder app, so these widgets change ids
    once and the first visitor's first change here is lost (see
    tests/browser/test_procedures.py::test_the_first_visitor_after_a_restart...).
    """
    if config().demo_mode:
        # Defaults go into session state first: a widget given both a default and
        # a session value makes Streamlit warn.
        st.session_state.setdefault("demo_role", Role.MAZ)
        st.session_state.setdefault("demo_name", "Demo-gebruiker")
        with st.sidebar:
            st.caption("Demomodus: kies wie u bent")
            st.selectbox("Rol", list(Role), format_func=lambda r: ROLE_LABELS[r], key="demo_role")
            st.text_input("Naam", key="demo_name")
    return actor()


def desk(who: Actor | None = None) -> Desk:
    """A Desk for the acting person; pass `who` when the page already asked actor()."""
    return Desk(repo=repository(), actor=who or actor(), config=config())


def act(action: Callable[..., Any], *args: Any, success: str = "Opgeslagen.", **kwargs: Any) -> Any:
    """Run a service call; show a Dutch message for every refusal; rerun on success."""
    try:
        result = action(*args, **kwargs)
    except ValidationError as e:
        st.session_state["_field_errors"] = e.errors
        st.error("Controleer de invoer:\n\n" + "\n".join(f"- {m}" for m in e.errors.values()))
        return None
    except Conflict as e:
        invalidate()
        st.session_state["_flash"] = ("warning", str(e))
        st.rerun()
    except (IllegalTransition, NotFound) as e:
        invalidate()
        st.error(str(e))
        return None
    except StoreUnavailable as e:
        st.error(str(e))
        return None
    st.session_state.pop("_field_errors", None)
    invalidate()
    st.session_state["_flash"] = ("success", success)
    st.rerun()
    return result


def field_error(name: str, form: str | None = None) -> None:
    """Show the message for one field next to it, if the last attempt failed there.

    With `form`, only when that form (see `act_form`) made the failed attempt.
    """
    if form is not None and st.session_state.get("_field_errors_form") != form:
        return
    message = st.session_state.get("_field_errors", {}).get(name)
    if message:
        st.error(message)


def flash() -> None:
    """Show the outcome of the last action after the rerun it caused.

    Always in a container of its own, present also when empty: a message must
    not shift what follows, or Streamlit resets the tabs and expanders below it.
    """
    slot = st.container()
    kind, text = st.session_state.pop("_flash", (None, None))
    if kind:
        getattr(slot, kind)(text)


def require(*roles: Role) -> Actor:
    """Stop the page with a Dutch message unless the actor has one of `roles`."""
    who = actor()
    if who.role not in roles:
        if set(roles) == {Role.MAZ}:
            st.info("Deze pagina is voor de Manager Algemene Zaken.")
        else:
            allowed = ", ".join(ROLE_LABELS[r] for r in roles)
            st.info(f"Deze pagina is voor: {allowed}.")
        st.stop()
    return who


def act_form(
    form: str, action: Callable[..., Any], *args: Any, success: str = "Opgeslagen.", **kwargs: Any
) -> Any:
    """`act` for a submitted st.form: refused input reruns the page, so the fields of
    this form (drawn before the button was known to be pressed) show their messages."""
    st.session_state.pop("_field_errors", None)
    result = act(action, *args, success=success, **kwargs)
    if "_field_errors" in st.session_state:
        st.session_state["_field_errors_form"] = form
        st.session_state["_flash"] = (
            "error",
            "Controleer de invoer: zie de meldingen bij de velden.",
        )
        st.rerun()
    return result


def as_seen(table: str, row: dict) -> dict:
    """The row as the user saw it on the screen they acted on (the previous run).

    A button press reruns the page, which reads afresh; handing the service the
    row as it was shown makes a change by someone else in between a Conflict
    instead of an unnoticed overwrite.
    """
    seen = st.session_state.setdefault("_seen_rows", {})
    key = f"{table}:{row['id']}"
    previous = seen.get(key, row)
    seen[key] = row
    return previous
