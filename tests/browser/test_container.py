"""The container image (issue 15, point 1), built and run with Debian's podman.

No image registry is reachable from the test machines, so the Containerfile's
`FROM ${BASE}` gets a Debian bookworm root made here with mmdebstrap (python3,
python3-venv, ca-certificates) and imported into podman; every step after the
FROM line is the Containerfile's own. podman runs with runc and cgroupfs and
`default_ulimits = []` (crun fails on rlimits and cgroups on these machines),
in a storage of its own under a temporary folder, and as root (CI runs as root).

What the test holds the image to, from the issue: a non-root user, the runtime
requirements only (no pytest), data and secrets as volumes and no secret
inside, a HEALTHCHECK on Streamlit's health endpoint that passes, and the Start
page served: a MAZ made with the CLI inside the container signs in in Chromium.
Build and run times and the image size are printed and written to
test-artifacts/container.txt.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from lib.config import ROOT
from tests.browser import steps
from tests.browser.conftest import free_port, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(1800)]

TOOLS = ("podman", "runc", "mmdebstrap")
BASE = "localhost/kivido-debian-base:bookworm"
IMAGE = "localhost/kivido-storingen:test"
MAZ_EMAIL = "nathalie@kivido.example"
MAZ_PASSWORD = "Container-proef-2026!"
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")


def _need_tools() -> None:
    missing = [t for t in TOOLS if not shutil.which(t)]
    problem = f"ontbreekt: {', '.join(missing)} (zie .ci/run)" if missing else ""
    if not problem and os.geteuid() != 0:
        problem = "podman met runc en cgroupfs draait hier als root (zoals in CI)"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)


class Podman:
    """Debian's podman with the settings that work on these machines, in its own storage."""

    def __init__(self, home: Path):
        conf = home / "containers.conf"
        conf.write_text("[containers]\ndefault_ulimits = []\n")
        self.env = {**os.environ, "CONTAINERS_CONF": str(conf)}
        self.base = [
            "podman",
            "--runtime",
            "runc",
            "--cgroup-manager=cgroupfs",
            "--root",
            str(home / "storage"),
            "--runroot",
            str(home / "run"),
        ]

    def __call__(self, *args: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [*self.base, *args], env=self.env, capture_output=True, text=True, **kw
        )
        if check and done.returncode:
            raise AssertionError(f"podman {args[0]} failed:\n{done.stdout}\n{done.stderr}")
        return done


def timed(record: dict, name: str, fn):
    start = time.monotonic()
    result = fn()
    record[name] = time.monotonic() - start
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Iterator[tuple[Podman, dict]]:
    """The image, built FROM a fresh mmdebstrap root; and the measured times."""
    _need_tools()
    home = tmp_path_factory.mktemp("podman")
    podman = Podman(home)
    figures: dict = {}
    root = home / "root.tar"
    timed(
        figures,
        "mmdebstrap",
        lambda: subprocess.run(
            ["mmdebstrap", "--variant=minbase", "--quiet"]
            + ["--include=python3,python3-venv,ca-certificates", "bookworm", str(root)],
            check=True,
            capture_output=True,
        ),
    )
    timed(figures, "import", lambda: podman("import", str(root), BASE))
    # A machine behind a TLS-inspecting proxy trusts its CA in the host's bundle: the
    # build's RUN steps see that bundle (a build-time mount, not kept in the image).
    ca = ["--volume", f"{HOST_CA}:{HOST_CA}:ro"] if HOST_CA.exists() else []
    timed(
        figures,
        "build",
        lambda: podman(
            "build",
            "--format",
            "docker",  # the OCI format has no HEALTHCHECK
            "--network",
            "host",
            *ca,
            "--build-arg",
            f"BASE={BASE}",
            "-t",
            IMAGE,
            "-f",
            str(ROOT / "Containerfile"),
            str(ROOT),
            timeout=1500,
        ),
    )
    (info,) = json.loads(podman("image", "inspect", IMAGE).stdout)
    figures["size_mb"] = info["Size"] / 1e6
    yield podman, figures
    podman("rmi", "-f", IMAGE, BASE, check=False)
    subprocess.run(["rm", "-rf", str(home)], check=False)  # overlay files are root-owned


def test_the_image_runs_as_a_user_with_volumes_a_healthcheck_and_no_secret(built):
    """Test that the image's user is not root, /app/data and /app/secrets are
    volumes, the HEALTHCHECK calls Streamlit's health endpoint, no secrets.toml
    and no test tool is inside, and only the runtime requirements are installed."""
    podman, _ = built
    (info,) = json.loads(podman("image", "inspect", IMAGE).stdout)
    config = info["Config"]
    assert config["User"] not in ("", "0", "root") and not config["User"].startswith("0:")
    assert {"/app/data", "/app/secrets"} <= set(config["Volumes"])
    health = " ".join((info.get("Healthcheck") or {}).get("Test", []))
    assert "kivido-healthcheck" in health, info.get("Healthcheck")
    script = (ROOT / "deploy" / "container-healthcheck.py").read_text()
    assert "/_stcore/health" in script
    probe = podman(
        "run",
        "--rm",
        "--network",
        "none",
        "--entrypoint",
        "sh",
        IMAGE,
        "-c",
        "id -u; id -un; id -gn; find / -xdev -name 'secrets.toml' 2>/dev/null; ls /app;"
        " python -c 'import pytest' 2>/dev/null && echo pytest-present;"
        " python -c 'import streamlit, gspread, sqlalchemy; print(\"runtime-ok\")'",
    ).stdout.split()
    assert probe[0] != "0" and probe[1:3] == ["kivido", "kivido"]
    assert "secrets.toml" not in " ".join(probe)
    assert sorted(p for p in probe[1:] if p in {"app.py", "lib", "pages", "tests", "data"}) == [
        "app.py",
        "data",
        "lib",
        "pages",
    ]
    assert "pytest-present" not in probe and "runtime-ok" in probe


def test_the_container_serves_a_healthy_app_whose_start_page_a_maz_reaches(
    built, tmp_path, page_in
):
    """Test that the container starts the app on its data volume, the health
    endpoint answers "ok" and podman's healthcheck passes, and in Chromium a MAZ
    (added with the CLI inside the container) signs in and sees the Start page."""
    podman, figures = built
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, 10001, 10001)  # the image's fixed uid owns the data folder
    port = free_port()
    name = f"kivido-test-{port}"
    started = time.monotonic()
    podman(
        "run",
        "--detach",
        "--name",
        name,
        "--network",
        "host",
        "--health-interval",
        "disable",  # no systemd here to run the timer; `healthcheck run` checks it
        "--env",
        f"STREAMLIT_SERVER_PORT={port}",
        "--volume",
        f"{data}:/app/data",
        IMAGE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("no health:\n" + podman("logs", name, check=False).stderr)
        figures["start_to_healthy"] = time.monotonic() - started
        assert podman("healthcheck", "run", name, check=False).returncode == 0
        assert (data / "kivido.db").is_file()  # the store is on the volume, owner-only
        assert oct((data / "kivido.db").stat().st_mode & 0o777) == "0o600"

        podman(
            "exec",
            "-i",
            name,
            "kivido-entrypoint",
            "add-user",
            "--name",
            "Nathalie de Boer",
            "--email",
            MAZ_EMAIL,
            "--roles",
            "maz",
            "--password-stdin",
            input=MAZ_PASSWORD + "\n",
        )
        page = page_in()
        steps.open_page(page, url)
        form = steps.form_with(steps.main(page), "Aanmelden")
        form.get_by_label("E-mailadres").fill(MAZ_EMAIL)
        form.get_by_label("Wachtwoord").fill(MAZ_PASSWORD)
        with steps.rerun(page):
            steps.button(form, "Aanmelden").click()
        expect(steps.nav_link(page, "Start")).to_have_attribute("aria-current", "page")
        expect(steps.sidebar(page).get_by_text("Aangemeld als")).to_contain_text("Nathalie de Boer")
        expect(steps.nav_link(page, "Beheer")).to_be_visible()
        start = steps.main(page)
        expect(start.get_by_role("heading", name="Storingsmeldingen ICT/Telefonie")).to_be_visible()
        expect(start.get_by_text("Welkom, Nathalie de Boer.")).to_be_visible()
        # An empty store: nothing waits for the MAZ (the store's path is shown to nobody).
        expect(start.get_by_role("heading", name="Er wacht nu niets op u")).to_be_visible()
        expect(start.get_by_text("/app/data")).to_have_count(0)
        screenshot(page, "container-start")

        backup = podman("exec", name, "kivido-entrypoint", "backup").stdout
        assert "Back-up gemaakt: /app/data/backups/kivido-backup-" in backup
        assert list((data / "backups").glob("kivido-backup-*.db"))
    finally:
        podman("rm", "--force", name, check=False)
        report = "\n".join(
            f"{k}: {v:.1f} {'MB' if k == 'size_mb' else 's'}" for k, v in figures.items()
        )
        print("\nContainer image figures:\n" + report)
        out = ROOT / "test-artifacts"
        out.mkdir(exist_ok=True)
        (out / "container.txt").write_text(report + "\n")
