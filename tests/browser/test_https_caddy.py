"""HTTPS through Caddy (issue 15, point 2), end to end in Chromium.

Debian's `caddy` runs on loopback the site block of deploy/Caddyfile, with only
its address and upstream changed and, instead of a public certificate, Caddy's
internal CA (`local_certs`). Chromium trusts that CA's keys and nothing else
(--ignore-certificate-errors-spki-list with the root and intermediate keys), so
an unrelated certificate would still fail. The app runs with sign-in through
the OIDC mock (tests/browser/oidc_provider.py) and a redirect URI on the HTTPS
address: a staff member signs in through Caddy, completes a report over the
websocket Caddy carries, and the report is in the store.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import expect

from lib.config import ROOT
from lib.repository import Insert
from lib.repository.sql import SqlRepository
from tests.browser import steps
from tests.browser.conftest import CHROMIUM_FLAGS, AppServer, chromium_path, free_port, screenshot
from tests.browser.oidc_provider import running_provider
from tests.flows import Office

pytestmark = pytest.mark.browser

SUB, EMAIL, NAME = "joost", "joost.smit@kivido.example", "Joost Smit"
ZONNEBLOEM = "Kinderopvang De Zonnebloem (demo)"
DESCRIPTION = "Het netwerk op de babygroep valt elke ochtend weg."


def caddy_binary() -> str:
    path = shutil.which("caddy")
    if not path:
        message = "Caddy ontbreekt: installeer Debian's pakket 'caddy' (zie .ci/run)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@dataclass
class Caddy:
    """Caddy on 127.0.0.1 serving deploy/Caddyfile's site with its internal CA."""

    folder: Path
    port: int
    upstream: int

    def start(self) -> Caddy:
        site = (ROOT / "deploy" / "Caddyfile").read_text()
        assert "storingen.kivido.nl {" in site and "reverse_proxy 127.0.0.1:8501" in site
        site = site.replace("storingen.kivido.nl {", f"localhost:{self.port} {{").replace(
            "reverse_proxy 127.0.0.1:8501", f"reverse_proxy 127.0.0.1:{self.upstream}"
        )
        options = (
            "{\n\tadmin off\n\tlocal_certs\n\tskip_install_trust\n\tdefault_bind 127.0.0.1\n"
            f"\thttp_port {free_port()}\n\thttps_port {self.port}\n"
            f"\tstorage file_system {self.folder / 'data'}\n}}\n"
        )
        config = self.folder / "Caddyfile"
        config.write_text(options + site)
        home = {k: str(self.folder) for k in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME")}
        self.log = (self.folder / "caddy.log").open("w")
        self.process = subprocess.Popen(
            [caddy_binary(), "run", "--config", str(config), "--adapter", "caddyfile"],
            env={**os.environ, **home},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/_stcore/health", verify=self.root, timeout=2).ok:
                    return self
            except (requests.RequestException, OSError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"Caddy did not serve; see {self.folder / 'caddy.log'}")

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    @property
    def authority(self) -> Path:
        return self.folder / "data" / "pki" / "authorities" / "local"

    @property
    def root(self) -> str:
        return str(self.authority / "root.crt")

    def spki_hashes(self) -> str:
        """base64(sha256(SubjectPublicKeyInfo)) of the CA's root and intermediate."""
        hashes = []
        for name in ("root.crt", "intermediate.crt"):
            cert = x509.load_pem_x509_certificate((self.authority / name).read_bytes())
            spki = cert.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            hashes.append(base64.b64encode(hashlib.sha256(spki).digest()).decode())
        return ",".join(hashes)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture
def behind_caddy(tmp_path) -> Iterator[tuple[Caddy, SqlRepository, object]]:
    """The app with OIDC sign-in, reachable only as https://localhost:<port> through Caddy."""
    db = tmp_path / "https.db"
    repo = SqlRepository.at_path(db)
    repo.setup()
    Office(repo)  # the demo locations
    repo.commit(
        [
            Insert(
                "users",
                {"id": "user-joost", "name": NAME, "email": EMAIL, "role": "medewerker"}
                | {"active": True, "is_demo": False},
            )
        ]
    )
    port = free_port()
    with running_provider() as provider:
        provider.add_person(SUB, email=EMAIL, name=NAME)
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            provider.secrets_toml().replace(
                "http://127.0.0.1:{port}/oauth2callback", f"https://localhost:{port}/oauth2callback"
            )
        )
        env = {
            "KIVIDO_STORE": "sqlite",
            "KIVIDO_DB": str(db),
            "KIVIDO_DEMO_MODE": "false",
            "KIVIDO_SECRETS": str(secrets),
        }
        app = AppServer(env, tmp_path / "st.log", ("--secrets.files", str(secrets)))
        caddy = Caddy(tmp_path / "caddy", port, app.port)
        try:
            caddy.folder.mkdir()
            caddy.start()
            yield caddy, repo, provider
        finally:
            if hasattr(caddy, "process"):
                caddy.stop()
            app.stop()


def test_a_staff_member_signs_in_and_reports_over_https_through_caddy(behind_caddy, playwright):
    """Test that through Caddy (internal CA) the page is HTTPS with HSTS, sign-in at
    the provider returns to the HTTPS redirect URI, the websocket runs over wss, and a
    report sent there is stored under the signed-in person."""
    caddy, repo, provider = behind_caddy
    if True:  # one Playwright per run (tests/browser/conftest.py)
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=[*CHROMIUM_FLAGS, f"--ignore-certificate-errors-spki-list={caddy.spki_hashes()}"],
            headless=True,
        )
        try:
            context = browser.new_context(
                viewport={"width": 1280, "height": 900},
                locale="nl-NL",
                timezone_id="Europe/Amsterdam",
            )
            page = context.new_page()
            page.set_default_timeout(20_000)
            first = page.goto(caddy.url)
            assert first.url.startswith(f"https://localhost:{caddy.port}")
            assert "max-age=31536000" in first.headers.get("strict-transport-security", "")
            steps.settle(page)

            steps.button(steps.main(page), "Inloggen").click()
            page.wait_for_url(f"{provider.url}/oauth2/authorize?**")
            assert (
                f"redirect_uri=https%3A%2F%2Flocalhost%3A{caddy.port}%2Foauth2callback" in page.url
            )
            provider.sign_in(page, SUB)
            page.wait_for_url(f"{caddy.url}/")
            page.on("websocket", lambda socket: steps._SOCKETS.__setitem__(page, socket))
            page.reload()  # a socket this test sees: the one after sign-in
            steps.settle(page)
            expect(steps.sidebar(page).get_by_text("Aangemeld als")).to_contain_text(NAME)
            assert steps._SOCKETS[page].url.startswith(f"wss://localhost:{caddy.port}/")

            with steps.rerun(page):
                steps.nav_link(page, "Melden").click()
            who = steps.Person(NAME, "Medewerker", EMAIL)
            report = steps.Report(
                "Medewerker", ZONNEBLOEM, "Printen", False, DESCRIPTION, "06-11112222"
            )
            number = steps.submit_report(page, who, report)
            screenshot(page, "https-caddy-report")
        finally:
            browser.close()

    assert re.fullmatch(r"\S+", number)
    (ticket,) = [t for t in repo.read(["tickets"])["tickets"] if t["number"] == number]
    assert ticket["reporter_email"] == EMAIL and ticket["description"] == DESCRIPTION
    # Without the internal CA's keys the same address is refused: the trust is real.
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(caddy.url, timeout=5)
