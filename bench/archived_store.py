"""Most of a benchmark store archived, by the app's own rule (lib/archive.py).

bench.full_store spreads its reports over the last year, so nothing is old
enough for the real period yet; here the archive is planned as if run years
later, and the oldest of the reports that rule allows are archived (through the
repository's commit, as `lib.cli archive` does) until `live` reports remain.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from lib import archive, workdays
from lib.repository import Insert, Update
from lib.repository.sql import SqlRepository
from lib.snapshot import Snapshot


def archive_all_but(db: Path, live: int) -> int:
    """Archive the oldest archivable reports of the store `db` until `live` remain; how many."""
    repo = SqlRepository.at_path(db)
    try:
        later = workdays.now() + timedelta(days=3 * 365)
        plan = archive.plan(Snapshot(repo.read(archive.TABLES_READ)), now=later, months=12)
        total = len(repo.read(["tickets"])["tickets"])
        chosen = plan.tickets[: max(total - live, 0)]
        at = workdays.now().isoformat(timespec="seconds")
        cut = {"id": "setting-archive_cut", "key": archive.CUT_KEY, "value": at}
        repo.commit([Insert("settings", cut)])
        for start in range(0, len(chosen), 1000):
            batch = chosen[start : start + 1000]
            repo.commit(
                [Update("tickets", t["id"], t["version"], {"archived_at": at}) for t in batch]
            )
        return len(chosen)
    finally:
        repo.engine.dispose()
