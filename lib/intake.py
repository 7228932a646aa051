"""Reports made while the store does not answer: kept on this machine, delivered once.

A report is the one thing that must never wait for the store: the person with a
broken phone line has to be able to report it now. When `submit_report` fails
with StoreUnavailable, the validated form goes into a small SQLite file on the
app's machine (readable by its owner only, like the database: it holds personal
data). The reporter is told it was received. As soon as the store answers again
(the next page run that reads successfully, or `python -m lib.cli deliver-queued`
from cron), each waiting report goes through `submit_report` with its own
submission id and the moment it was made. That id makes delivery exactly once:
a delivery repeated after a crash, or by two processes at once, finds the report
already there and keeps the first (the repository contract for a repeated Insert).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lib import services, validation
from lib.config import ROOT, Config
from lib.procedure import Actor, IllegalTransition
from lib.repository import Repository, StoreUnavailable
from lib.snapshot import Snapshot

FILE_NAME = "intake-queue.sqlite"
WAITING, DELIVERED, REFUSED = "wacht", "afgeleverd", "geweigerd"
_lock = threading.Lock()  # one delivery at a time per process (others are safe, just idle)


def queue_path(config: Config) -> Path:
    """Beside the embedded database, or in data/ (env KIVIDO_INTAKE_QUEUE, [app] intake_queue)."""
    explicit = os.environ.get("KIVIDO_INTAKE_QUEUE") or config.extra.get("intake_queue")
    if explicit:
        return Path(explicit)
    if config.database_url.startswith("sqlite:///") and config.store == "sqlite":
        return Path(config.database_url.removeprefix("sqlite:///")).parent / FILE_NAME
    return ROOT / "data" / FILE_NAME


@dataclass(frozen=True)
class Entry:
    submission_id: str
    status: str
    number: str
    queued_at: str
    reporter_name: str
    detail: str


class IntakeQueue:
    def __init__(self, path: Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch(mode=0o600, exist_ok=True)
        self.path.chmod(0o600)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")  # "received" must survive a power cut
        conn.execute("PRAGMA secure_delete=ON")  # delivered reports' text is overwritten
        conn.execute(
            "CREATE TABLE IF NOT EXISTS intake (submission_id TEXT PRIMARY KEY,"
            " queued_at TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL,"
            " number TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '')"
        )
        return conn

    def put(
        self, *, submission_id: str, form: dict, actor: Actor, on_behalf: bool, at: datetime
    ) -> None:
        """Keep one report (a second put of the same submission keeps the first)."""
        payload = {
            "form": {k: form.get(k) for k in services_form_fields()},
            "actor": {
                "name": actor.name,
                "role": str(actor.role),
                "email": actor.email,
                "roles": sorted(str(r) for r in actor.roles),
            },
            "on_behalf": on_behalf,
        }
        conn = self._connect()
        try:
            conn.execute(
                "INSERT OR IGNORE INTO intake (submission_id, queued_at, payload, status)"
                " VALUES (?, ?, ?, ?)",
                (submission_id, at.isoformat(), json.dumps(payload), WAITING),
            )
        finally:
            conn.close()

    def entries(self, status: str | None = None) -> list[Entry]:
        if not self.path.exists():
            return []
        conn = self._connect()
        try:
            rows = conn.execute(
                "SELECT submission_id, status, number, queued_at, payload, detail FROM intake"
                " WHERE ? IS NULL OR status = ? ORDER BY queued_at",
                (status, status),
            ).fetchall()
        finally:
            conn.close()
        return [
            Entry(sid, st, number, at, json.loads(p)["form"].get("reporter_name") or "", detail)
            for sid, st, number, at, p, detail in rows
        ]

    def status(self, submission_id: str) -> Entry | None:
        return next((e for e in self.entries() if e.submission_id == submission_id), None)

    def has_waiting(self) -> bool:
        return bool(self.path.exists() and self.entries(WAITING))

    def deliver(
        self, repo: Repository, config: Config, *, on_delivered: Callable[[], None] | None = None
    ) -> list[Entry]:
        """Hand every waiting report to the store, oldest first; stop at the first outage.

        Returns what was delivered (with numbers) or refused. Raises nothing for
        an outage: the reports simply keep waiting for the next attempt.
        """
        done: list[Entry] = []
        if not _lock.acquire(blocking=False):
            return done
        try:
            waiting = self.entries(WAITING)
            if not waiting:
                return done
            try:
                snapshot = Snapshot(repo.read(["locations"]))
            except StoreUnavailable:
                return done
            for entry in waiting:
                outcome = self._deliver_one(repo, config, snapshot, entry)
                if outcome is None:
                    break
                done.append(outcome)
                if on_delivered:
                    on_delivered()
        finally:
            _lock.release()
        return done

    def _deliver_one(
        self, repo: Repository, config: Config, snapshot: Snapshot, entry: Entry
    ) -> Entry | None:
        payload = self._payload(entry.submission_id)
        who = payload["actor"]
        actor = Actor(who["name"], who["role"], email=who["email"], roles=frozenset(who["roles"]))
        made = datetime.fromisoformat(entry.queued_at)
        desk = services.Desk(repo=repo, actor=actor, config=config, clock=lambda: made)
        try:
            ticket = services.submit_report(
                desk,
                snapshot,
                payload["form"],
                submission_id=entry.submission_id,
                on_behalf=payload["on_behalf"],
            )
        except StoreUnavailable:
            return None
        except (validation.ValidationError, IllegalTransition) as e:
            # Only if the rules changed meanwhile (a location closed): kept, listed by the CLI.
            self._mark(entry.submission_id, REFUSED, "", str(e))
            return self.status(entry.submission_id)
        self._mark(entry.submission_id, DELIVERED, ticket["number"], "")
        return self.status(entry.submission_id)

    def _payload(self, submission_id: str) -> dict:
        conn = self._connect()
        try:
            (raw,) = conn.execute(
                "SELECT payload FROM intake WHERE submission_id = ?", (submission_id,)
            ).fetchone()
        finally:
            conn.close()
        return json.loads(raw)

    def _mark(self, submission_id: str, status: str, number: str, detail: str) -> None:
        """Record the outcome; a delivered report's personal data leaves this file."""
        conn = self._connect()
        try:
            conn.execute(
                "UPDATE intake SET status = ?, number = ?, detail = ? WHERE submission_id = ?",
                (status, number, detail, submission_id),
            )
            if status == DELIVERED:
                conn.execute(
                    "UPDATE intake SET payload = ? WHERE submission_id = ?",
                    (json.dumps({"form": {}}), submission_id),
                )
        finally:
            conn.close()


def submit_or_keep(
    desk: services.Desk, snapshot: Snapshot, form: dict, *, submission_id: str, on_behalf: bool
) -> dict | None:
    """Register the report; if the store does not answer, keep it in the queue (None)."""
    try:
        return services.submit_report(
            desk, snapshot, form, submission_id=submission_id, on_behalf=on_behalf
        )
    except StoreUnavailable:
        IntakeQueue(queue_path(desk.config)).put(
            submission_id=submission_id,
            form=form,
            actor=desk.actor,
            on_behalf=on_behalf,
            at=desk.clock(),
        )
        return None


def services_form_fields() -> tuple[str, ...]:
    """The form fields submit_report reads."""
    return (
        "reporter_name",
        "reporter_email",
        "reporter_role",
        "location_id",
        "category",
        "blocks_office_work",
        "description",
        "contact_info",
    )


def deliver_command(config: Config, repo: Repository) -> int:
    """`python -m lib.cli deliver-queued`: deliver what waits; list what cannot be."""
    queue = IntakeQueue(queue_path(config))
    for entry in queue.deliver(repo, config):
        if entry.status == DELIVERED:
            print(f"Afgeleverd: melding van {entry.reporter_name} als {entry.number}.")
        else:
            print(f"Geweigerd: melding van {entry.reporter_name}: {entry.detail}")
    waiting = queue.entries(WAITING)
    if waiting:
        print(f"{len(waiting)} melding(en) wachten nog: de opslag antwoordt niet.")
        return 1
    return 0
