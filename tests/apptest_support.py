"""Shared set-up for AppTest page tests: a fresh embedded store per test."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lib.config import ROOT
from lib.repository.sql import SqlRepository


@pytest.fixture
def app_store(tmp_path, monkeypatch) -> SqlRepository:
    """An empty embedded store the pages will use; Streamlit's caches emptied."""
    db = tmp_path / "app.db"
    monkeypatch.setenv("KIVIDO_DB", str(db))
    monkeypatch.setenv("KIVIDO_STORE", "sqlite")
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "true")
    st.cache_resource.clear()
    st.cache_data.clear()
    repo = SqlRepository.at_path(db)
    repo.setup()
    yield repo
    st.cache_resource.clear()
    st.cache_data.clear()


def page(path: str, *, role: str | None = None, name: str = "Test-MAZ", email: str = "") -> AppTest:
    """An AppTest of one page script, acting as `role` (the demo role picker)."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=30)
    if role:
        at.session_state["demo_role"] = role
        at.session_state["demo_name"] = name
        at.session_state["demo_email"] = email or f"{role}@kivido.example"
    return at


def signed_in(at: AppTest, email: str) -> AppTest:
    """`at` as after a correct password for `email` (local accounts): the address and
    the password's session token, as lib/ui/identity.py keeps them."""
    import os

    from lib import accounts
    from lib.ui import identity

    repo = SqlRepository.at_path(os.environ["KIVIDO_DB"])
    at.session_state[identity.SIGNED_IN] = email
    at.session_state[identity.SESSION_TOKEN] = accounts.current_token(repo, email)
    return at
