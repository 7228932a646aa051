"""The one small module in lib/ that knows Streamlit: glue between pages and lib.

Pages call `snapshot()` once per view, `actor()` for who is acting, and `act()`
to hand a user action to a service; `act` turns the service's refusals into
Dutch messages and drops the cached read after the session's own writes.
"""

from __future__ import annotations

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
def _read(label: str, nonce: str, time_bucket: int) -> dict:
    # `nonce` changes after this session's own writes, so it reads its own
    # changes at once; `time_bucket` makes every read expire after
    # [app] cache_seconds, so other people's changes show up soon.
    return repository().read_all()


def snapshot() -> Snapshot:
    """The one read of this page view (one batched request, briefly cached)."""
    nonce = st.session_state.get("_write_nonce", "")
    bucket = int(time.time() // max(config().cache_seconds, 0.001))
    return Snapshot(_read(repository().label, nonce, bucket))


def invalidate() -> None:
    st.session_state["_write_nonce"] = uuid.uuid4().hex


def actor() -> Actor:
    """Who is acting. Until sign-in exists this is the only place that decides it."""
    cfg = config()
    if not cfg.demo_mode:
        name = cfg.extra.get("acting_name", "Manager Algemene Zaken")
        return Actor(name, Role(cfg.extra.get("acting_role", Role.MAZ)))
    roles = list(Role)
    with st.sidebar:
        st.caption("Demomodus: kies wie u bent")
        role = st.selectbox(
            "Rol",
            roles,
            format_func=lambda r: ROLE_LABELS[r],
            index=roles.index(Role.MAZ),
            key="demo_role",
        )
        name = st.text_input(
            "Naam", value=st.session_state.get("demo_name", "Demo-gebruiker"), key="demo_name"
        )
    return Actor(name.strip() or "Demo-gebruiker", Role(role))


def desk() -> Desk:
    return Desk(repo=repository(), actor=actor(), config=config())


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


def field_error(name: str) -> None:
    """Show the message for one field next to it, if the last attempt failed there."""
    message = st.session_state.get("_field_errors", {}).get(name)
    if message:
        st.error(message)


def flash() -> None:
    """Show the outcome of the last action after the rerun it caused."""
    kind, text = st.session_state.pop("_flash", (None, None))
    if kind:
        getattr(st, kind)(text)
