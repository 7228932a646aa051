"""Export all tables (xlsx and CSV) and migrate between the two stores."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from lib.repository import Insert, Repository
from lib.safe_text import for_export
from lib.schema import TABLES

MIGRATION_CHUNK = 500  # rows per write: keeps a Sheets request well under 2 MB
CHUNK_CHARS = 400_000  # and text per write: one change-log row of the Sheet holds ~1 M


def _chunks(rows: list[dict]):
    """Rows in writes of at most MIGRATION_CHUNK rows and about CHUNK_CHARS characters."""
    chunk, size = [], 0
    for row in rows:
        length = sum(len(str(v)) for v in row.values())
        if chunk and (len(chunk) >= MIGRATION_CHUNK or size + length > CHUNK_CHARS):
            yield chunk
            chunk, size = [], 0
        chunk.append(row)
        size += length
    if chunk:
        yield chunk


def _safe_frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows with Dutch headers; text neutralised so no spreadsheet program runs it."""
    spec = TABLES[table]
    data = [
        [for_export(r[c.name]) if c.type == "text" else r[c.name] for c in spec.columns]
        for r in rows
    ]
    return pd.DataFrame(data, columns=spec.headers)


def export(repo: Repository, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    data = repo.read_all()
    xlsx = out_dir / "storingsmeldingen.xlsx"
    written = [xlsx]
    with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
        for table, rows in data.items():
            frame = _safe_frame(table, rows)
            frame.to_excel(writer, sheet_name=table[:31], index=False)
            path = out_dir / f"{table}.csv"
            frame.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, encoding="utf-8-sig")
            written.append(path)
    return written


def migrate(source: Repository, target: Repository) -> dict[str, int]:
    """Copy every row, keeping ids and versions; safe to run again (ids are idempotent)."""
    target.setup()
    data = source.read_all()
    for table, rows in data.items():
        for chunk in _chunks(rows):
            target.commit([Insert(table, dict(r)) for r in chunk])
    copied = target.read_all()
    problems = []
    for table, rows in data.items():
        want = {r["id"]: r.get("version") for r in rows}
        have = {r["id"]: r.get("version") for r in copied[table]}
        missing = [i for i in want if i not in have]
        stale = [i for i in want if i in have and have[i] != want[i]]
        if missing or stale:
            problems.append(f"{table}: {len(missing)} ontbreken, {len(stale)} met andere versie")
    if problems:
        raise RuntimeError("Migratie niet volledig: " + "; ".join(problems))
    return {table: len(rows) for table, rows in data.items()}
