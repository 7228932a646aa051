"""`python -m lib.cli doctor` (issue 15, point 5) against real peers on loopback.

A good installation (SQLite store with a MAZ, SMTP over STARTTLS with a login
on aiosmtpd, the OIDC mock, Dovecot for IMAP, the Sheets stand-in) passes with
exit status 0; then each misconfiguration the issue names is made one at a time
and must give a FOUT line with its remedy and exit status 1 (a warning keeps 0).
"""

from __future__ import annotations

import io
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lib import doctor
from lib.cli import main as cli
from lib.repository import Insert
from lib.repository.sql import SqlRepository
from tests.browser.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider
from tests.imap_server import PASSWORD, Dovecot, dovecot_binary
from tests.smtp_server import SmtpServer, free_port, make_certificate

SMTP_USER, SMTP_PASSWORD = "storingen@kivido.example", "Geheim-wachtwoord-42"
COOKIE_SECRET = "f" * 64


@dataclass
class Install:
    """A secrets.toml being written: tables of keys, turned into TOML text."""

    folder: Path
    tables: dict[str, dict] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.folder / "secrets.toml"

    def write(self) -> Path:
        lines = []
        for name, table in self.tables.items():
            lines.append(f"[{name}]")
            for key, value in table.items():
                text = str(value).lower() if isinstance(value, bool) else value
                lines.append(
                    f"{key} = {text}" if not isinstance(value, str) else f'{key} = "{text}"'
                )
        self.path.write_text("\n".join(lines) + "\n")
        self.path.chmod(0o600)
        return self.path

    def run(self, *, english: bool = False, now=None) -> tuple[int, str]:
        self.write()
        out = io.StringIO()
        status = doctor.main(self.path, english=english, now=now, out=out)
        return status, out.getvalue()


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture(scope="module")
def smtp(tmp_path_factory) -> Iterator[tuple[SmtpServer, Path]]:
    certificate = make_certificate(tmp_path_factory.mktemp("smtp"))
    users = {SMTP_USER: SMTP_PASSWORD}
    with SmtpServer(tls="starttls", certificate=certificate, users=users) as server:
        yield server, certificate[0]


@pytest.fixture(autouse=True)
def dutch_clock(monkeypatch):
    """The server's clock on Dutch time, as the README asks (one test changes it)."""
    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def good(tmp_path, provider, smtp, monkeypatch) -> Install:
    """Every setting right: a store with a MAZ, SMTP with login, OIDC sign-in."""
    server, certificate = smtp
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))  # this machine trusts the server
    for name in ("KIVIDO_DB", "KIVIDO_STORE", "KIVIDO_DEMO_MODE", "KIVIDO_SHEET_KEY"):
        monkeypatch.delenv(name, raising=False)
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    repo = SqlRepository.at_path(data / "kivido.db")
    repo.setup()
    repo.commit(
        [
            Insert(
                "users",
                {"id": "u-maz", "name": "Nathalie de Boer", "email": "maz@kivido.example"}
                | {"role": "maz", "active": True, "is_demo": False},
            )
        ]
    )
    repo.engine.dispose()
    return Install(
        tmp_path,
        {
            "store": {"driver": "sqlite", "sqlite_path": str(data / "kivido.db")},
            "app": {"demo_mode": False},
            "auth": {
                "redirect_uri": "https://storingen.kivido.example/oauth2callback",
                "cookie_secret": COOKIE_SECRET,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "server_metadata_url": provider.metadata_url,
            },
            "smtp": server.secrets_table(host="localhost"),
        },
    )


def lines_with(report: str, label: str) -> list[str]:
    return [line for line in report.splitlines() if line.startswith(label)]


def expect_failure(install: Install, *words: str, **kw) -> str:
    status, report = install.run(**kw)
    assert status == 1, report
    failures = "\n".join(
        line + "\n" + follow
        for line, follow in zip(report.splitlines(), report.splitlines()[1:] + [""], strict=True)
        if line.startswith(("FOUT", "FAIL"))
    )
    for word in words:
        assert word in failures, report
    return report


def test_a_good_installation_passes_every_check(good):
    """Test that with every peer answering and every setting right, each line is OK, exit 0."""
    status, report = good.run()
    assert status == 0, report
    assert not lines_with(report, "FOUT") and not lines_with(report, "LET OP"), report
    for subject in ("Instellingen", "Gegevensmap", "Opslag", "Personen", "SMTP", "Aanmelden"):
        assert any(line.startswith(f"OK     {subject}") for line in report.splitlines()), subject
    assert "aangemeld als storingen@kivido.example" in report
    assert "Klaar voor gebruik." in report


def test_the_report_in_english(good):
    """Test that --english gives the same checks in English."""
    good.tables["smtp"]["password"] = "wrong"
    report = expect_failure(good, "refuses the login", "Check user and password", english=True)
    assert "Summary: 1 failure(s)" in report


def test_missing_or_broken_secrets(good):
    """Test that a missing secrets.toml and one with a TOML error block, with the remedy."""
    status, report = doctor.main(good.folder / "none.toml", out=(out := io.StringIO())), None
    report = out.getvalue()
    assert status == 1 and "ontbreekt" in report and "secrets.toml.example" in report
    good.write()
    good.path.write_text(good.path.read_text() + "[smtp\n")
    out = io.StringIO()
    assert doctor.main(good.path, out=out) == 1
    assert "niet leesbaar" in out.getvalue() and "TOML" in out.getvalue()


def test_secrets_readable_by_others_and_demo_mode_block(good):
    """Test that a world-readable secrets file and demo mode are failures."""
    good.tables["app"]["demo_mode"] = True
    good.write()
    good.path.chmod(0o644)
    out = io.StringIO()
    assert doctor.main(good.path, out=out) == 1
    report = out.getvalue()
    assert f"chmod 600 {good.path}" in report
    assert "Demomodus" in report and "demo_mode = false" in report


def test_a_missing_database_and_an_old_schema(good):
    """Test that a database file that is not there, and one lacking a table, say: setup."""
    db = Path(good.tables["store"]["sqlite_path"])
    good.tables["store"]["sqlite_path"] = str(db.parent / "elders.db")
    expect_failure(good, "bestaat niet", "python -m lib.cli setup")
    assert not (db.parent / "elders.db").exists()  # doctor created nothing
    good.tables["store"]["sqlite_path"] = str(db)
    with sqlite3.connect(db) as con:
        con.execute("DROP TABLE settings")
    expect_failure(good, "schema niet bij", "settings", "python -m lib.cli setup")


def test_data_folder_permissions(good):
    """Test that a database readable by others is a failure with the chmod to run."""
    db = Path(good.tables["store"]["sqlite_path"])
    db.chmod(0o644)
    expect_failure(good, "kivido.db leesbaar voor anderen", "chmod 600")


def test_no_maz_yet_is_a_warning_with_the_command(good):
    """Test that a store without a MAZ warns (exit 0) and names add-user."""
    db = Path(good.tables["store"]["sqlite_path"])
    with sqlite3.connect(db) as con:
        con.execute("DELETE FROM users")
    status, report = good.run()
    assert status == 0
    (line,) = lines_with(report, "LET OP")
    assert "Manager Algemene Zaken" in line and "add-user" in report


def test_smtp_refused_login_unreachable_and_absent(good):
    """Test SMTP: a wrong password, a closed port (failures) and no [smtp] (a warning)."""
    good.tables["smtp"]["password"] = "fout"
    expect_failure(good, "weigert de aanmelding", "535")
    good.tables["smtp"]["password"] = SMTP_PASSWORD
    good.tables["smtp"]["port"] = free_port()
    expect_failure(good, "niet bereikbaar", "Controleer host, port en security")
    del good.tables["smtp"]
    status, report = good.run()
    assert status == 0 and "LET OP SMTP: geen [smtp]" in report


def test_oidc_discovery_redirect_uri_and_cookie_secret(good, provider):
    """Test OIDC: a discovery URL that does not answer, a redirect URI without HTTPS or
    with another path, and a short cookie secret are each a failure."""
    auth = good.tables["auth"]
    auth["server_metadata_url"] = f"{provider.url}/geen-discovery"
    expect_failure(good, "antwoordt niet goed", "server_metadata_url")
    auth["server_metadata_url"] = provider.metadata_url
    auth["redirect_uri"] = "http://storingen.kivido.example/oauth2callback"
    expect_failure(good, "moet met https:// beginnen")
    auth["redirect_uri"] = "https://storingen.kivido.example/callback"
    expect_failure(good, "het pad moet /oauth2callback zijn")
    auth["redirect_uri"] = "https://storingen.kivido.example/oauth2callback"
    auth["cookie_secret"] = "kort"
    expect_failure(good, "cookie_secret is te kort", "token_hex")


def test_the_clock_and_the_time_zone(good, monkeypatch):
    """Test that a clock 10 minutes off the provider's fails, and a server not on Dutch
    time only warns (the app computes in Europe/Amsterdam itself)."""
    expect_failure(
        good, "klok wijkt", "set-ntp", now=lambda: datetime.now(UTC) + timedelta(minutes=10)
    )
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    status, report = good.run()
    assert status == 0
    (line,) = lines_with(report, "LET OP")
    assert "Nederlandse tijd" in line


def test_the_sheet_reachable_and_not_found(good, make_sheets_repo, standin, monkeypatch):
    """Test the Sheet: the stand-in's spreadsheet passes; an unknown key (not shared, or
    mistyped) fails with the remedy to share it with the service account."""
    sheet = make_sheets_repo()
    good.tables["store"] = {"driver": "sheets"}
    good.tables["sheets"] = {"spreadsheet_key": sheet.key, "api_root": standin.url}
    status, report = good.run()
    assert status == 0, report
    assert "werkbladen bij" in report
    good.tables["sheets"]["spreadsheet_key"] = "onbekende-sleutel"
    expect_failure(good, "niet gevonden", "Deel de Sheet als bewerker")


def test_a_sheet_no_longer_shared_with_the_service_account(good, make_sheets_repo, standin):
    """The owner stops sharing the Sheet: Google answers 403, and the doctor says so with
    the remedy (share it as editor with the service account), not "not found"."""
    sheet = make_sheets_repo()
    good.tables["store"] = {"driver": "sheets"}
    good.tables["sheets"] = {"spreadsheet_key": sheet.key, "api_root": standin.url}
    assert good.run()[0] == 0
    standin.unshare(sheet.key)
    report = expect_failure(good, "Geen toegang", "Deel de Sheet als bewerker")
    assert "niet gevonden" not in report


@pytest.fixture(scope="module")
def dovecot():
    if dovecot_binary() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Dovecot ontbreekt (zie .ci/run).")
        pytest.skip("Dovecot ontbreekt.")
    server = Dovecot().start()
    yield server
    server.stop()


def test_imap_opens_the_mailbox_or_fails_on_a_wrong_password(good, dovecot):
    """Test IMAP: the configured mailbox opens; a wrong password fails with the remedy."""
    good.tables["imap"] = {
        "host": "127.0.0.1",
        "port": dovecot.port,
        "security": "none",
        "user": "bevestigingen@kivido.nl",
        "password": PASSWORD,
    }
    status, report = good.run()
    assert status == 0, report
    assert "OK     IMAP: bevestigingen@kivido.nl@127.0.0.1, map INBOX geopend." in report
    good.tables["imap"]["password"] = "fout"
    expect_failure(good, "niet te openen", "Controleer [imap]")


def test_the_cli_command_exits_with_the_status(good, monkeypatch, capsys):
    """Test `python -m lib.cli doctor`: exit 0 when good, 1 when something blocks."""
    monkeypatch.setenv("KIVIDO_SECRETS", str(good.write()))
    assert cli(["doctor"]) == 0
    good.tables["smtp"]["port"] = free_port()
    good.write()
    assert cli(["doctor"]) == 1
    assert "FOUT   SMTP" in capsys.readouterr().out
