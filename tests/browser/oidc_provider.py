"""A local OpenID Connect provider on loopback for the browser tier (oidc-provider-mock).

`oidc-provider-mock` (PyPI) is a real OIDC provider for tests: discovery
document, authorization-code flow with signed ID tokens, userinfo and an
end-session endpoint. It runs here in a thread of the test process, on a free
port of 127.0.0.1, and accepts any client_id and client_secret (no client
registration). Its sign-in page is a form where the person types their
subject (`sub`); the claims of a subject are set beforehand with `add_person`
(the mock's `PUT /users/<sub>`). A subject nobody set up signs in with only
`email` = what was typed.

The app reaches it through an `[auth]` section in a secrets file
(`secrets_toml`), the same keys an organisation fills in for Entra ID or
Google Workspace.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import requests
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Page, expect

CLIENT_ID = "kivido-storingen-test"
CLIENT_SECRET = "not-a-secret-the-mock-accepts-any"


@dataclass(frozen=True)
class Provider:
    """The running provider: its address and what an app needs to use it."""

    url: str  # http://127.0.0.1:PORT

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def add_person(self, sub: str, *, email: str, name: str = "") -> None:
        """Who signs in as `sub`: the claims the provider puts in the ID token."""
        claims = {"email": email, "email_verified": True}
        if name:
            claims["name"] = name
        requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def secrets_toml(self) -> str:
        """An [auth] section for Streamlit's st.login against this provider.

        `{port}` in redirect_uri is filled in by Streamlit with its own
        server.port, so the file can be written before the app's port is known.
        """
        return (
            "[auth]\n"
            'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{CLIENT_SECRET}"\n'
            f'server_metadata_url = "{self.metadata_url}"\n'
        )

    def sign_in(self, page: Page, sub: str) -> None:
        """On the provider's sign-in page (where the app sent the browser): sign in as `sub`."""
        expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
        expect(page.get_by_text(f"Client ID: {CLIENT_ID}")).to_be_visible()
        page.get_by_placeholder("sub").fill(sub)
        page.get_by_role("button", name="Authorize", exact=True).click()

    def end_session(self, page: Page) -> None:
        """On the provider's end-session page (where sign-out sent the browser): confirm."""
        expect(page.get_by_role("heading", name="End Session")).to_be_visible()
        page.get_by_role("button", name="End session", exact=True).click()


@contextmanager
def running_provider() -> Iterator[Provider]:
    """An OIDC provider on a free port of 127.0.0.1, stopped when the block ends.

    The mock binds to "localhost", which werkzeug resolves to 127.0.0.1 (IPv4);
    every address it hands out (issuer, endpoints) is built from the host the
    request came to, so the app and the browser both use 127.0.0.1.
    """
    with run_server_in_thread(port=0, require_nonce=True) as server:
        provider = Provider(f"http://127.0.0.1:{server.server_port}")
        requests.get(provider.metadata_url, timeout=5).raise_for_status()
        yield provider
