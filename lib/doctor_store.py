"""`doctor`: the store is reachable, its schema current, someone can run it; the data folder."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from lib.doctor_findings import FAIL, OK, WARN, Finding
from lib.people import parse_roles
from lib.procedure import Role
from lib.repository import StoreUnavailable
from lib.schema import TABLES
from lib.store import open_repository


def check_store(ctx) -> Iterator[Finding]:
    say, config = ctx.say, ctx.config
    subject = say("Opslag", "Store")
    if config.store == "sheets":
        users = yield from _sheet(ctx, subject)
    else:
        url = sa.make_url(config.database_url)
        if url.get_backend_name() == "sqlite":
            path = Path(url.database or "")
            yield from _data_folder(say, path)
            if not path.is_file():
                yield Finding(
                    FAIL,
                    subject,
                    say(f"database {path} bestaat niet.", f"database {path} does not exist."),
                    "python -m lib.cli setup",
                )
                return
            url = sa.make_url(f"sqlite:///file:{path}?mode=ro&uri=true")
        users = yield from _sql(say, subject, url)
    if users is not None:
        yield from _first_maz(say, users)


def _sql(say, subject: str, url: sa.URL):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            have = set(inspector.get_table_names())
            stale = []
            for name, table in TABLES.items():
                columns = (
                    {c["name"] for c in inspector.get_columns(name)} if name in have else set()
                )
                if set(table.column_names) - columns:
                    stale.append(name)
            if stale:
                yield Finding(
                    FAIL,
                    subject,
                    say(
                        f"schema niet bij: {', '.join(stale)} ontbreekt of mist kolommen.",
                        f"schema not current: {', '.join(stale)} missing or lacking columns.",
                    ),
                    say(
                        "python -m lib.cli setup (voegt tabellen en kolommen toe, wist niets)",
                        "python -m lib.cli setup (adds tables and columns, deletes nothing)",
                    ),
                )
                return None
            users = [dict(r) for r in conn.execute(sa.text("SELECT * FROM users")).mappings()]
    except sa.exc.SQLAlchemyError as e:
        yield Finding(
            FAIL,
            subject,
            say(f"database niet bereikbaar: {e.orig or e}", f"database unreachable: {e.orig or e}"),
            say("Controleer [store] in secrets.toml.", "Check [store] in secrets.toml."),
        )
        return None
    finally:
        engine.dispose()
    yield Finding(
        OK,
        subject,
        say("database bereikbaar, schema bij.", "database reachable, schema current."),
    )
    return users


def _sheet(ctx, subject: str):
    say, config = ctx.say, ctx.config
    account = _service_account_email(config)
    try:
        repo = open_repository(config)
        users = repo.read(TABLES)["users"]
    except (StoreUnavailable, ValueError, OSError) as e:
        shared = say(
            f"Deel de Sheet als bewerker met {account or 'het service-account'}; controleer "
            "spreadsheet_key; voer daarna python -m lib.cli setup uit.",
            f"Share the Sheet as editor with {account or 'the service account'}; check "
            "spreadsheet_key; then run python -m lib.cli setup.",
        )
        yield Finding(FAIL, subject, say(f"Google Sheet: {e}", f"Google Sheet: {e}"), shared)
        return None
    yield Finding(
        OK,
        subject,
        say(
            f"{repo.label} bereikbaar, gedeeld, werkbladen bij.",
            f"{repo.label} reachable, shared, worksheets current.",
        ),
    )
    return users


def _service_account_email(config) -> str:
    if config.service_account_info:
        return str(config.service_account_info.get("client_email", ""))
    if config.service_account_file and Path(config.service_account_file).is_file():
        import json

        try:
            return str(json.loads(Path(config.service_account_file).read_text())["client_email"])
        except (ValueError, KeyError):
            return ""
    return ""


def _first_maz(say, users: list[dict]) -> Iterator[Finding]:
    mazzes = [u for u in users if u["active"] and Role.MAZ in parse_roles(u["role"])]
    if mazzes:
        yield Finding(
            OK,
            say("Personen", "People"),
            say(f"{len(mazzes)} actieve MAZ.", f"{len(mazzes)} active MAZ."),
        )
    else:
        yield Finding(
            WARN,
            say("Personen", "People"),
            say("nog geen Manager Algemene Zaken.", "no Manager Algemene Zaken yet."),
            'python -m lib.cli add-user --name "..." --email ... --roles maz',
        )


def _data_folder(say, db: Path) -> Iterator[Finding]:
    subject = say("Gegevensmap", "Data folder")
    folder = db.parent
    if not folder.is_dir():
        yield Finding(
            FAIL,
            subject,
            say(f"{folder} bestaat niet.", f"{folder} does not exist."),
            f"mkdir -m 700 {folder}",
        )
        return
    problems = []
    if not os.access(folder, os.W_OK | os.X_OK):
        problems.append(say("niet schrijfbaar voor deze gebruiker", "not writable for this user"))
    if stat.S_IMODE(folder.stat().st_mode) & 0o002:
        problems.append(say("schrijfbaar voor iedereen", "writable by everyone"))
    for path in (db, *db.parent.glob(db.name + "-*")):
        if path.is_file() and stat.S_IMODE(path.stat().st_mode) & 0o077:
            problems.append(
                say(f"{path.name} leesbaar voor anderen", f"{path.name} readable by others")
            )
    if problems:
        yield Finding(
            FAIL,
            subject,
            f"{folder}: " + "; ".join(problems) + ".",
            say(
                f"chown <app-gebruiker> {folder}; chmod 700 {folder}; chmod 600 {db}*",
                f"chown <app user> {folder}; chmod 700 {folder}; chmod 600 {db}*",
            ),
        )
    else:
        yield Finding(
            OK, subject, say(f"{folder}: rechten in orde.", f"{folder}: permissions fine.")
        )
