"""Settings of the app, from `.streamlit/secrets.toml` and the environment.

The same TOML file Streamlit exposes as `st.secrets` is read here with tomllib,
so the CLI and the tests see exactly what the app sees. Every key is documented
in `.streamlit/secrets.toml.example`. Environment variables override the file
(`KIVIDO_STORE`, `KIVIDO_DB`, `KIVIDO_DATABASE_URL`, `KIVIDO_SHEET_KEY`, `KIVIDO_SHEETS_API_ROOT`,
`KIVIDO_CACHE_SECONDS`, `KIVIDO_DEMO_MODE`, and `KIVIDO_SECRETS` for another
secrets file, which tests use together with Streamlit's `--secrets.files`).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"
DEFAULT_DB = ROOT / "data" / "kivido.db"


@dataclass(frozen=True)
class Config:
    store: str = "sqlite"  # "sqlite" (embedded default) or "sheets"
    database_url: str = f"sqlite:///{DEFAULT_DB}"
    spreadsheet_key: str = ""
    service_account_info: Mapping | None = None
    service_account_file: str = ""
    sheets_api_root: str = ""  # only for tests and proxies
    # Demo mode only when asked for (`make run` without secrets.toml does): a role
    # picker instead of sign-in, on localhost only. Off: nobody is anybody until signed in.
    demo_mode: bool = False
    # "oidc" when secrets.toml has an [auth] section (st.login), else "local" accounts.
    sign_in: str = "local"
    oidc_provider: str = ""  # the [auth.NAME] provider, "" for a flat [auth] section
    cache_seconds: float = 10.0
    check_time: time = time(9, 0)
    day_start: time = time(8, 30)
    day_end: time = time(17, 0)
    confirmation_alert_working_hours: float = 4.0
    nemesys_address: str = "support@nemesys.nl"
    mail_from: str = "maz@kivido.nl"
    smtp: Mapping | None = None  # the [smtp] table; without a host, mail waits in the Postvak
    imap: Mapping | None = None  # the [imap] table: a mailbox with Nemesys's confirmations
    extra: Mapping = field(default_factory=dict)


def _time(value: str | None, default: time) -> time:
    return time.fromisoformat(value) if value else default


def load(secrets: Mapping | None = None) -> Config:
    """Build the configuration; `secrets` defaults to the secrets.toml file."""
    if secrets is None:
        path = Path(os.environ.get("KIVIDO_SECRETS") or SECRETS_FILE)
        secrets = tomllib.loads(path.read_text()) if path.exists() else {}
    store = dict(secrets.get("store", {}))
    sheets = dict(secrets.get("sheets", {}))
    app = dict(secrets.get("app", {}))
    smtp = dict(secrets.get("smtp", {}))
    env = os.environ
    db_path = env.get("KIVIDO_DB") or store.get("sqlite_path")
    url = (
        env.get("KIVIDO_DATABASE_URL")
        or store.get("database_url")
        or (f"sqlite:///{Path(db_path).resolve()}" if db_path else "")
    )
    return Config(
        store=env.get("KIVIDO_STORE") or store.get("driver", "sqlite"),
        database_url=url or Config.database_url,
        spreadsheet_key=env.get("KIVIDO_SHEET_KEY") or sheets.get("spreadsheet_key", ""),
        service_account_info=_filled(secrets.get("gcp_service_account")),
        service_account_file=sheets.get("service_account_file", ""),
        sheets_api_root=env.get("KIVIDO_SHEETS_API_ROOT") or sheets.get("api_root", ""),
        demo_mode=_bool(env.get("KIVIDO_DEMO_MODE"), app.get("demo_mode", False)),
        sign_in="oidc" if _oidc(secrets) is not None else "local",
        oidc_provider=_oidc(secrets) or "",
        cache_seconds=float(env.get("KIVIDO_CACHE_SECONDS") or app.get("cache_seconds", 10)),
        check_time=_time(app.get("check_time"), Config.check_time),
        day_start=_time(app.get("day_start"), Config.day_start),
        day_end=_time(app.get("day_end"), Config.day_end),
        confirmation_alert_working_hours=float(app.get("confirmation_alert_working_hours", 4)),
        nemesys_address=smtp.get("nemesys_address")
        or app.get("nemesys_address", Config.nemesys_address),
        mail_from=smtp.get("sender") or app.get("mail_from", Config.mail_from),
        smtp=smtp if smtp.get("host") else None,
        imap=dict(secrets["imap"]) if (secrets.get("imap") or {}).get("host") else None,
        extra=app,
    )


def _oidc(secrets: Mapping) -> str | None:
    """The OpenID Connect provider to sign in with: "" (flat [auth]), a name, or None."""
    auth = secrets.get("auth") or {}
    if auth.get("client_id"):
        return ""
    return next((k for k, v in auth.items() if isinstance(v, Mapping) and v.get("client_id")), None)


def _bool(env_value: str | None, default: bool) -> bool:
    if env_value is None:
        return bool(default)
    return env_value.strip().lower() in {"1", "true", "yes", "ja"}


def _filled(table: Mapping | None) -> Mapping | None:
    """The example file's empty [gcp_service_account] table counts as absent."""
    return table if table and table.get("private_key") else None
