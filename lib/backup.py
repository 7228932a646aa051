"""Backups of the configured store, and putting one back (`python -m lib.cli backup|restore`).

Each store is copied the way that is consistent while the app keeps writing:

- SQLite: SQLite's online backup API (`sqlite3.Connection.backup`) copies the
  database page by page and restarts when a writer changes it underneath, so the
  copy is always one committed state, WAL included. The copy is checked with
  `PRAGMA integrity_check` before it counts.
- PostgreSQL: `pg_dump --format=custom` (one transaction snapshot); `pg_restore`.
- Google Sheet: every worksheet in one `values:batchGet` (the driver's single
  read), written to an .xlsx file with the column names as the header row.

A retention count keeps the newest N backups in the folder and removes older
ones, only ever files this module made (kivido-backup-*).

`restore` first checks the file (readable, every table and column of
lib/schema.py present, values of the right type) and then puts it back. It
never mixes a backup into data: the target store must be empty, or, for a SQLite
file, `overwrite=True` replaces it after a safety backup of what was there.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from lib.config import Config
from lib.repository import Insert, Repository
from lib.schema import TABLES
from lib.store import open_repository

PREFIX = "kivido-backup-"
SUFFIXES = {"sqlite": ".db", "postgresql": ".pgdump", "sheets": ".xlsx"}
DEFAULT_KEEP = 14
RESTORE_CHUNK = 500  # rows per write, as the migration does


class BackupError(Exception):
    """A backup or restore that cannot be done; the Dutch message says why and what to do."""


def kind(config: Config) -> str:
    """ "sqlite", "postgresql" or "sheets": how this configuration's store is backed up."""
    if config.store == "sheets":
        return "sheets"
    backend = sa.make_url(config.database_url).get_backend_name()
    if backend in ("sqlite", "postgresql"):
        return backend
    raise BackupError(f"Geen back-up mogelijk voor database '{backend}'.")


def default_folder(config: Config) -> Path:
    """[app] backup_dir, else a `backups` folder beside the database (or in data/)."""
    if config.extra.get("backup_dir"):
        return Path(config.extra["backup_dir"])
    if kind(config) == "sqlite":
        return _sqlite_path(config).parent / "backups"
    return Path("data") / "backups"


def backup(config: Config, folder: Path, *, keep: int = DEFAULT_KEEP, now=None) -> Path:
    """Make one consistent backup in `folder`; keep the newest `keep`; return its path."""
    if keep < 1:
        raise BackupError("Bewaar minstens één back-up (--keep 1 of meer).")
    how = kind(config)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{PREFIX}{stamp}{SUFFIXES[how]}"
    partial = target.with_name(f".partial-{target.name}")  # never counted as a backup
    partial.touch(mode=0o600)  # personal data: readable by its owner only
    try:
        {"sqlite": _backup_sqlite, "postgresql": _backup_postgresql, "sheets": _backup_sheet}[how](
            config, partial
        )
        check(partial, how)
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    prune(folder, keep)
    return target


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups of this module in `folder`."""
    ours = sorted(
        (p for p in folder.glob(f"{PREFIX}*") if p.suffix in SUFFIXES.values()),
        key=lambda p: p.name,
    )
    old = ours[:-keep]
    for path in old:
        path.unlink()
    return old


def restore(config: Config, source: Path, *, overwrite: bool = False) -> dict[str, int]:
    """Check `source`, then put it into the configured store; rows per table."""
    how = _kind_of_file(source)
    counts = check(source, how)
    target_kind = kind(config)
    if how == "sheets":  # an .xlsx goes into any store through the repository
        repo = open_repository(config)
        repo.setup()
        _require_empty(repo)
        _insert_all(repo, _read_workbook(source))
    elif how != target_kind:
        raise BackupError(
            f"Dit is een back-up van {_LABEL[how]}; de ingestelde opslag is {_LABEL[target_kind]}."
        )
    elif how == "sqlite":
        _restore_sqlite(config, source, overwrite=overwrite)
    else:
        _restore_postgresql(config, source, overwrite=overwrite)
    return counts


def check(path: Path, how: str) -> dict[str, int]:
    """Readable, complete and well-typed, or BackupError; the rows per table."""
    if how == "sqlite":
        return _check_sqlite(path)
    if how == "postgresql":
        return _check_postgresql(path)
    data = _read_workbook(path)
    return {table: len(rows) for table, rows in data.items()}


_LABEL = {"sqlite": "een SQLite-database", "postgresql": "PostgreSQL", "sheets": "de Sheet"}


def _kind_of_file(path: Path) -> str:
    if not path.is_file():
        raise BackupError(f"Back-upbestand niet gevonden: {path}")
    for how, suffix in SUFFIXES.items():
        if path.suffix == suffix:
            return how
    raise BackupError(f"Onbekend soort back-up '{path.name}': verwacht .db, .pgdump of .xlsx.")


# --- SQLite ------------------------------------------------------------------------


def _sqlite_path(config: Config) -> Path:
    return Path(sa.make_url(config.database_url).database or "")


def _backup_sqlite(config: Config, target: Path) -> None:
    source_path = _sqlite_path(config)
    if not source_path.is_file():
        raise BackupError(f"Database niet gevonden: {source_path}")
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # A self-contained file: no -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()


def _check_sqlite(path: Path) -> dict[str, int]:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path.name}: de database is beschadigd (integrity_check).")
            counts = {}
            for name, table in TABLES.items():
                columns = {r[1] for r in con.execute(f'PRAGMA table_info("{name}")')}
                missing = [c for c in table.column_names if c not in columns]
                if not columns or missing:
                    raise BackupError(
                        f"{path.name}: tabel '{name}' ontbreekt of mist kolommen "
                        f"{', '.join(missing) or '(alle)'}."
                    )
                counts[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            return counts
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{path.name} is geen leesbare SQLite-database ({e}).") from e


def _restore_sqlite(config: Config, source: Path, *, overwrite: bool) -> None:
    target_path = _sqlite_path(config)
    repo = open_repository(config)  # creates the file owner-only if it is new
    repo.setup()
    if _has_rows(repo):
        if not overwrite:
            _require_empty(repo)
        backup(config, default_folder(config), keep=10_000)  # what was there stays safe
    repo.engine.dispose()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target_path, timeout=30)
    try:
        src.backup(dst)  # replaces every page under SQLite's own lock
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()
    open_repository(config).setup()  # a backup from before a schema change gains its columns


# --- PostgreSQL --------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"'{name}' ontbreekt: installeer het pakket postgresql-client.")
    return path


def _libpq_url(config: Config) -> str:
    return sa.make_url(config.database_url).set(drivername="postgresql").render_as_string(False)


def _schema(config: Config) -> list[str]:
    """pg_dump's --schema for a store kept in its own schema (options=-csearch_path=NAME)."""
    options = str(sa.make_url(config.database_url).query.get("options", ""))
    match = re.search(r"-c\s*search_path=([\w$]+)", options)
    return ["--schema", match.group(1)] if match else []


def _backup_postgresql(config: Config, target: Path) -> None:
    _run(
        [_pg_tool("pg_dump"), "--format=custom", *_schema(config), "--file", str(target)]
        + [_libpq_url(config)]
    )


def _check_postgresql(path: Path) -> dict[str, int]:
    listing = _run([_pg_tool("pg_restore"), "--list", str(path)])
    missing = [t for t in TABLES if not re.search(rf" TABLE DATA \S+ {t} ", listing)]
    if missing:
        raise BackupError(f"{path.name}: tabellen ontbreken: {', '.join(missing)}.")
    return {t: -1 for t in TABLES}  # pg_restore --list does not count rows


def _restore_postgresql(config: Config, source: Path, *, overwrite: bool) -> None:
    repo = open_repository(config)
    repo.setup()
    if _has_rows(repo):
        if not overwrite:
            _require_empty(repo)
        backup(config, default_folder(config), keep=10_000)
    _run(
        [_pg_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction"]
        + ["--no-owner", "--dbname", _libpq_url(config), str(source)]
    )


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} mislukte: {done.stderr.strip()[:500]}")
    return done.stdout


# --- The Sheet (xlsx) --------------------------------------------------------------


def _backup_sheet(config: Config, target: Path) -> None:
    data = open_repository(config).read_all()  # one batchGet: one moment
    book = Workbook()
    book.remove(book.active)
    for name, table in TABLES.items():
        sheet = book.create_sheet(name[:31])
        sheet.append(table.column_names)
        for row in data[name]:
            sheet.append([row[c] for c in table.column_names])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula, whatever it starts with
    book.save(target)


def _read_workbook(path: Path) -> dict[str, list[dict]]:
    try:
        book = load_workbook(path, read_only=True)
    except Exception as e:  # openpyxl raises several kinds for a file that is no xlsx
        raise BackupError(f"{path.name} is geen leesbaar .xlsx-bestand ({e}).") from e
    data = {}
    for name, table in TABLES.items():
        if name[:31] not in book.sheetnames:
            raise BackupError(f"{path.name}: werkblad '{name}' ontbreekt.")
        rows = book[name[:31]].iter_rows(values_only=True)
        header = list(next(rows, ()))
        if header != table.column_names:
            raise BackupError(f"{path.name}: werkblad '{name}' heeft niet de juiste kolommen.")
        data[name] = [
            {c.name: _typed(c.type, v, name) for c, v in zip(table.columns, values, strict=True)}
            for values in rows
        ]
    book.close()
    return data


def _typed(column_type: str, value, table: str):
    if column_type == "text":
        return "" if value is None else str(value)
    if column_type == "bool" and isinstance(value, bool):
        return value
    if column_type == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    raise BackupError(f"Werkblad '{table}': waarde {value!r} is geen {column_type}.")


# --- Shared ------------------------------------------------------------------------


def _has_rows(repo: Repository) -> bool:
    return any(repo.read(TABLES).values())


def _require_empty(repo: Repository) -> None:
    if _has_rows(repo):
        raise BackupError(
            f"{repo.label} bevat al gegevens. Zet een back-up terug in een lege opslag "
            "(of, voor een database: --overwrite; wat er stond wordt eerst bewaard)."
        )


def _insert_all(repo: Repository, data: dict[str, list[dict]]) -> None:
    for table, rows in data.items():
        for i in range(0, len(rows), RESTORE_CHUNK):
            repo.commit([Insert(table, dict(r)) for r in rows[i : i + RESTORE_CHUNK]])


def with_database(config: Config, path: Path) -> Config:
    """The same configuration on another SQLite file (tests, a restore rehearsal)."""
    return replace(config, store="sqlite", database_url=f"sqlite:///{path.resolve()}")
