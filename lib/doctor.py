"""`python -m lib.cli doctor`: is this installation ready for the organisation?

One line per check, with a remedy where something is wrong; Dutch by default,
English with --english. Every check talks to the real peer (the store, the mail
server, the identity provider) and changes nothing. Exit status 1 when a check
fails (something blocks daily use), 0 when only warnings or nothing remain.
"""

from __future__ import annotations

import os
import stat
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests

from lib import config as config_module
from lib.doctor_findings import FAIL, LABELS, LOOPBACK, OK, WARN, Finding, Say
from lib.doctor_peers import check_imap, check_smtp
from lib.doctor_store import check_store

MAX_CLOCK_SKEW_SECONDS = 60  # sign-in tokens and mail dates go wrong beyond this
AMSTERDAM = "Europe/Amsterdam"


@dataclass
class Context:
    """What the checks share: the language, the secrets, the clock, peers' clocks."""

    say: Say
    secrets_path: Path
    secrets: dict
    config: config_module.Config | None
    now: Callable[[], datetime]
    peer_dates: list[datetime]


def main(
    secrets_path: Path | None = None,
    *,
    english: bool = False,
    now: Callable[[], datetime] | None = None,
    out=None,
) -> int:
    """Run every check, print the report, return the exit status."""
    out = out or sys.stdout
    say = Say(english)
    findings = run_checks(secrets_path, say=say, now=now)
    print(say("Controle van de installatie:", "Installation check:"), file=out)
    for f in findings:
        line = f"{LABELS[say.lang][f.status]} {f.subject}: {f.detail}"
        if f.remedy:
            line += f"\n       → {f.remedy}"
        print(line, file=out)
    fails = sum(f.status == FAIL for f in findings)
    warns = sum(f.status == WARN for f in findings)
    print(
        say(
            f"Samenvatting: {fails} fout(en), {warns} waarschuwing(en)."
            + (" Los de fouten op voor gebruik." if fails else " Klaar voor gebruik."),
            f"Summary: {fails} failure(s), {warns} warning(s)."
            + (" Fix the failures before use." if fails else " Ready for use."),
        ),
        file=out,
    )
    return 1 if fails else 0


def run_checks(
    secrets_path: Path | None = None,
    *,
    say: Say | None = None,
    now: Callable[[], datetime] | None = None,
) -> list[Finding]:
    path = Path(secrets_path or os.environ.get("KIVIDO_SECRETS") or config_module.SECRETS_FILE)
    ctx = Context(say or Say(False), path, {}, None, now or (lambda: datetime.now(UTC)), [])
    findings = list(_secrets(ctx))
    if ctx.config is None:
        return findings
    for check in (check_store, _smtp, _imap, _oidc, _time):
        findings.extend(check(ctx))
    return findings


# --- secrets.toml --------------------------------------------------------------------


def _secrets(ctx: Context) -> Iterator[Finding]:
    say, path = ctx.say, ctx.secrets_path
    subject = say("Instellingen", "Settings")
    if not path.exists():
        yield Finding(
            FAIL,
            subject,
            say(f"{path} ontbreekt.", f"{path} is missing."),
            say(
                "Kopieer .streamlit/secrets.toml.example naar die plek en vul het in.",
                "Copy .streamlit/secrets.toml.example there and fill it in.",
            ),
        )
        return
    try:
        ctx.secrets = tomllib.loads(path.read_text(encoding="utf-8"))
        ctx.config = config_module.load(ctx.secrets)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError, TypeError) as e:
        yield Finding(
            FAIL,
            subject,
            say(f"{path} is niet leesbaar: {e}", f"{path} cannot be read: {e}"),
            say(
                "Herstel de TOML-opmaak (vergelijk met secrets.toml.example).",
                "Fix the TOML syntax (compare with secrets.toml.example).",
            ),
        )
        return
    yield Finding(OK, subject, say(f"{path} gelezen.", f"{path} read."))
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        yield Finding(
            FAIL,
            say("Rechten van de instellingen", "Settings file permissions"),
            say(
                f"{path} is leesbaar voor anderen (rechten {mode:o}); er staan wachtwoorden in.",
                f"{path} can be read by others (mode {mode:o}); it holds passwords.",
            ),
            f"chmod 600 {path}",
        )
    if ctx.config.demo_mode:
        yield Finding(
            FAIL,
            say("Demomodus", "Demo mode"),
            say(
                "staat aan: iedereen kiest zelf een rol, zonder aanmelding.",
                "is on: anyone picks a role, without signing in.",
            ),
            say(
                "Zet demo_mode = false in [app] en verwijder KIVIDO_DEMO_MODE.",
                "Set demo_mode = false in [app] and unset KIVIDO_DEMO_MODE.",
            ),
        )


# --- mail ------------------------------------------------------------------------------


def _smtp(ctx: Context) -> Iterator[Finding]:
    yield from check_smtp(ctx.say, ctx.config.smtp)


def _imap(ctx: Context) -> Iterator[Finding]:
    if ctx.secrets.get("imap", {}).get("host"):
        yield from check_imap(ctx.say, ctx.secrets["imap"])


# --- sign-in ---------------------------------------------------------------------------


def _auth_table(secrets: dict, provider: str) -> dict:
    auth = dict(secrets.get("auth") or {})
    if not provider:
        return auth
    return {**{k: v for k, v in auth.items() if not isinstance(v, dict)}, **auth[provider]}


def _oidc(ctx: Context) -> Iterator[Finding]:
    say, config = ctx.say, ctx.config
    subject = say("Aanmelden (OIDC)", "Sign-in (OIDC)")
    if config.sign_in != "oidc":
        yield Finding(
            OK,
            say("Aanmelden", "Sign-in"),
            say(
                "lokale accounts (geen [auth]): wachtwoorden in de app.",
                "local accounts (no [auth]): passwords in the app.",
            ),
        )
        return
    auth = _auth_table(ctx.secrets, config.oidc_provider)
    missing = [
        k
        for k in ("redirect_uri", "cookie_secret", "client_id", "client_secret")
        + ("server_metadata_url",)
        if not auth.get(k)
    ]
    if missing:
        yield Finding(
            FAIL,
            subject,
            say(
                f"ontbreekt in [auth]: {', '.join(missing)}.", f"[auth] lacks {', '.join(missing)}."
            ),
            say("Vul ze in (zie README, Aanmelden).", "Fill them in (see README, Sign-in)."),
        )
        return
    if len(str(auth["cookie_secret"])) < 32:
        yield Finding(
            FAIL,
            subject,
            say("cookie_secret is te kort.", "cookie_secret is too short."),
            'python -c "import secrets; print(secrets.token_hex(32))"',
        )
    yield from _redirect_uri(say, subject, str(auth["redirect_uri"]))
    yield from _discovery(ctx, subject, str(auth["server_metadata_url"]))


def _redirect_uri(say: Say, subject: str, uri: str) -> Iterator[Finding]:
    parts = urlsplit(uri)
    base = _base_url_path()
    wanted = f"{base}/oauth2callback"
    problems = []
    if parts.scheme != "https" and parts.hostname not in LOOPBACK:
        problems.append(say("moet met https:// beginnen", "must start with https://"))
    if parts.path != wanted:
        problems.append(say(f"het pad moet {wanted} zijn", f"its path must be {wanted}"))
    if problems:
        yield Finding(
            FAIL,
            subject,
            say(f"redirect_uri {uri}: ", f"redirect_uri {uri}: ") + "; ".join(problems) + ".",
            say(
                f"Gebruik https://<adres van de app>{wanted}, precies zo geregistreerd bij de "
                "identiteitsprovider.",
                f"Use https://<address of the app>{wanted}, registered exactly so at the "
                "identity provider.",
            ),
        )
    else:
        yield Finding(OK, subject, f"redirect_uri {uri}.")


def _base_url_path() -> str:
    """server.baseUrlPath of .streamlit/config.toml ('' or '/path'), as Streamlit serves it."""
    file = config_module.ROOT / ".streamlit" / "config.toml"
    settings = tomllib.loads(file.read_text()) if file.exists() else {}
    base = str(settings.get("server", {}).get("baseUrlPath", "")).strip("/")
    return f"/{base}" if base else ""


def _discovery(ctx: Context, subject: str, url: str) -> Iterator[Finding]:
    say = ctx.say
    try:
        answer = requests.get(url, timeout=10)
        answer.raise_for_status()
        document = answer.json()
    except (requests.RequestException, ValueError) as e:
        yield Finding(
            FAIL,
            subject,
            say(f"{url} antwoordt niet goed ({e}).", f"{url} does not answer properly ({e})."),
            say(
                "Controleer server_metadata_url (…/.well-known/openid-configuration) en of deze "
                "server het internet bereikt.",
                "Check server_metadata_url (…/.well-known/openid-configuration) and whether this "
                "server reaches the internet.",
            ),
        )
        return
    if answer.headers.get("Date"):
        ctx.peer_dates.append(parsedate_to_datetime(answer.headers["Date"]))
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    lacking = [k for k in needed if not document.get(k)] if isinstance(document, dict) else needed
    if lacking:
        yield Finding(
            FAIL,
            subject,
            say(
                f"{url} is geen OpenID-configuratie (mist {', '.join(lacking)}).",
                f"{url} is no OpenID configuration (lacks {', '.join(lacking)}).",
            ),
            say("Controleer server_metadata_url.", "Check server_metadata_url."),
        )
        return
    yield Finding(
        OK,
        subject,
        say(f"provider {document['issuer']} antwoordt.", f"provider {document['issuer']} answers."),
    )


# --- time -----------------------------------------------------------------------------


def _time(ctx: Context) -> Iterator[Finding]:
    say = ctx.say
    subject = say("Tijd", "Time")
    try:
        amsterdam = ZoneInfo(AMSTERDAM)
    except ZoneInfoNotFoundError:
        yield Finding(
            FAIL,
            subject,
            say("tijdzone Europe/Amsterdam ontbreekt.", "time zone Europe/Amsterdam is missing."),
            say("Installeer het pakket tzdata.", "Install the tzdata package."),
        )
        return
    now = ctx.now()
    local = datetime.now().astimezone().utcoffset()
    if local != now.astimezone(amsterdam).utcoffset():
        yield Finding(
            WARN,
            subject,
            say(
                "de klok van de server staat niet op Nederlandse tijd; de app rekent zelf in "
                "Europe/Amsterdam, maar cron-tijden volgen de server.",
                "the server's clock is not on Dutch time; the app computes in Europe/Amsterdam "
                "itself, but cron times follow the server.",
            ),
            say(
                "Gebruik de systemd-timers uit deploy/ (die noemen Europe/Amsterdam) of "
                "timedatectl set-timezone Europe/Amsterdam.",
                "Use the systemd timers in deploy/ (they name Europe/Amsterdam) or "
                "timedatectl set-timezone Europe/Amsterdam.",
            ),
        )
    if not ctx.peer_dates:
        yield Finding(
            WARN,
            subject,
            say(
                "klok niet vergeleken (geen server die een tijd gaf).",
                "clock not compared (no server gave a time).",
            ),
            say("Zorg dat NTP aan staat (timedatectl).", "Make sure NTP is on (timedatectl)."),
        )
        return
    skew = max(abs((now - peer).total_seconds()) for peer in ctx.peer_dates)
    if skew > MAX_CLOCK_SKEW_SECONDS:
        yield Finding(
            FAIL,
            subject,
            say(
                f"de klok wijkt {skew:.0f} s af van de identiteitsprovider.",
                f"the clock is {skew:.0f} s off the identity provider's.",
            ),
            say(
                "Zet NTP aan (timedatectl set-ntp true); aanmelden mislukt anders.",
                "Turn NTP on (timedatectl set-ntp true); sign-in fails otherwise.",
            ),
        )
    else:
        yield Finding(
            OK,
            subject,
            say(
                f"Europe/Amsterdam beschikbaar; klok wijkt {skew:.0f} s af.",
                f"Europe/Amsterdam available; clock {skew:.0f} s off.",
            ),
        )
