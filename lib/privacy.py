"""Retention under the AVG (GDPR): personal data of old reports is replaced by a marker.

A report closed or removed more than the retention period ago (default 24
months; `retention_months` on Beheer or in [app]) keeps what the figures need
(dates, location, category, urgency, amounts, statuses) and loses names,
addresses, phone numbers and free text: in the report, its events, its mails,
its quotes' decisions and its communication ticks. One event per report says
who purged it. The access log keeps a view only for the retention period.

Only the Repository interface is used: Redact for every row (the version
checked on mutable ones), all in one commit per batch. Running it
again finds nothing left to change.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from lib import people, workdays
from lib.config import Config
from lib.procedure import ROLE_LABELS, Actor, Role, Ticket, refuse
from lib.repository import Change, Conflict, Insert, Redact, Repository, StoreUnavailable
from lib.snapshot import Snapshot

MARKER = "[verwijderd na bewaartermijn]"
DEFAULT_MONTHS = 24
PURGE_ENTITY = "privacy"  # not "ticket": the figures and the procedure never count it
PURGE_ACTION = "persoonsgegevens_verwijderd"
BATCH = 50  # reports per commit: one Sheet write stays small

# The personal fields of each table; everything else is kept for the figures.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "tickets": (
        "reporter_name",
        "reporter_email",
        "description",
        "contact_info",
        "urgency_reason",
        "investigation_notes",
        "followup_notes",
    ),
    "events": ("actor_name", "note"),
    "messages": ("to_address", "subject", "body", "html_body", "last_error"),
    "quotes": ("decided_by", "decision_note"),
    "communication_ticks": ("actor_name",),
    "access_log": ("actor_name", "actor_email", "subject_email"),
    "affected": ("name", "email"),  # "Ik heb dit ook" and linked reporters (issue 14)
}
TABLES_READ = ("tickets", "events", "messages", "quotes", "communication_tasks")
TABLES_READ += ("communication_ticks", "access_log", "settings", "affected")


@dataclass
class PurgeItem:
    ticket_id: str
    number: str
    closed_at: str  # when it was closed or removed
    changes: list[Change] = field(default_factory=list)


@dataclass
class PurgePlan:
    cutoff: datetime
    months: int
    items: list[PurgeItem]
    access_changes: list[Change]

    @property
    def access_rows(self) -> int:
        return len(self.access_changes)

    def lines(self) -> list[str]:
        """What would go (or went), in Dutch: one line per report."""
        head = (
            f"Bewaartermijn {self.months} maanden: meldingen afgesloten of verwijderd "
            f"voor {self.cutoff:%d-%m-%Y}."
        )
        rows = [
            f"{i.number}: afgesloten op {_day(i.closed_at)}, {len(i.changes)} rij(en)"
            for i in self.items
        ]
        tail = f"{len(self.items)} melding(en); {self.access_rows} regel(s) uit het inzagelog."
        return [head, *rows, tail]


def _day(moment: str) -> str:
    """'2024-04-02T10:00:00+02:00' -> '02-04-2024' (the Dutch date of the moment)."""
    return datetime.fromisoformat(moment).astimezone(workdays.AMSTERDAM).strftime("%d-%m-%Y")


def months_ago(moment: datetime, months: int) -> datetime:
    """The same wall-clock moment `months` calendar months earlier (day clamped to the month)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last_day = [31, 29 if _leap(year) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def retention_months(config: Config, snapshot: Snapshot) -> int:
    """The period in force: saved on Beheer, else [app] retention_months, else 24."""
    raw = snapshot.setting("retention_months", str(config.extra.get("retention_months", "")))
    months = int(float(raw)) if str(raw).strip() else DEFAULT_MONTHS
    if months < 1:
        raise ValueError("De bewaartermijn moet minstens 1 maand zijn.")
    return months


def closing_moments(snapshot: Snapshot) -> dict[str, str]:
    """Report id -> when it last reached its closed or removed status, for those that are."""
    final = {Ticket.CLOSED, Ticket.REMOVED}
    last: dict[str, str] = {}
    for e in snapshot.rows("events"):  # one pass: the events table is the long one
        if e["entity"] != "ticket" or e["to_status"] not in final:
            continue
        seen = last.get(e["ticket_id"])
        if seen is None or datetime.fromisoformat(e["at"]) > datetime.fromisoformat(seen):
            last[e["ticket_id"]] = e["at"]
    return {
        t["id"]: last.get(t["id"]) or t["updated_at"] or t["created_at"]
        for t in snapshot.rows("tickets")
        if t["status"] in final
    }


def _marked(table: str, row: dict) -> dict:
    """The personal fields of `row` that still hold something other than the marker."""
    return {f: MARKER for f in PERSONAL_FIELDS[table] if row.get(f) and row[f] != MARKER}


def _changes(table: str, rows: list[dict]) -> list[Change]:
    out: list[Change] = []
    for row in rows:
        values = _marked(table, row)
        if not values:
            continue
        # A Redact also for mutable rows (version checked there): on the Google
        # Sheet only a redact takes the old text out of the change log as well.
        out.append(Redact(table, row["id"], values, expected_version=row.get("version")))
    return out


def plan(snapshot: Snapshot, *, now: datetime, months: int) -> PurgePlan:
    """What a purge at `now` would change; nothing is written."""
    cutoff = months_ago(now.astimezone(workdays.AMSTERDAM), months)
    limit = cutoff.isoformat(timespec="seconds")
    by_ticket: dict[str, dict[str, list[dict]]] = {}
    tasks = {c["id"]: c["ticket_id"] for c in snapshot.rows("communication_tasks")}
    for table in ("events", "messages", "quotes", "communication_ticks", "affected"):
        for row in snapshot.rows(table):
            owner = tasks.get(row["task_id"], "") if table == "communication_ticks" else ""
            owner = owner or row.get("ticket_id", "")
            if table == "events" and row["entity"] == PURGE_ENTITY:
                continue  # the record of who purged stays readable
            by_ticket.setdefault(owner, {}).setdefault(table, []).append(row)
    items = []
    closing = closing_moments(snapshot)
    for ticket in sorted(snapshot.rows("tickets"), key=lambda t: t["created_at"]):
        closed = closing.get(ticket["id"], "")
        if not closed or not _before(closed, limit):
            continue
        related = by_ticket.get(ticket["id"], {})
        changes = _changes("tickets", [ticket])
        for table, rows in related.items():
            changes += _changes(table, rows)
        if changes:
            items.append(PurgeItem(ticket["id"], ticket["number"], closed, changes))
    old_views = [r for r in snapshot.rows("access_log") if _before(r["at"], limit)]
    return PurgePlan(cutoff, months, items, _changes("access_log", old_views))


def _before(moment: str, limit: str) -> bool:
    return datetime.fromisoformat(moment) < datetime.fromisoformat(limit)


def purge(
    repo: Repository,
    actor: Actor,
    config: Config,
    *,
    dry_run: bool = False,
    clock: Callable[[], datetime] = workdays.now,
) -> PurgePlan:
    """Purge (or with dry_run only list) what is past the retention period; MAZ only."""
    if actor.role_among(people.MANAGERS) is None:
        raise refuse(actor, f"Persoonsgegevens opschonen mag alleen de {ROLE_LABELS[Role.MAZ]}.")
    snapshot = Snapshot(repo.read(TABLES_READ))
    now = clock()
    result = plan(snapshot, now=now, months=retention_months(config, snapshot))
    if dry_run:
        return result
    at = now.astimezone(workdays.AMSTERDAM).isoformat(timespec="seconds")
    for start in range(0, len(result.items), BATCH):
        batch = result.items[start : start + BATCH]
        changes: list[Change] = []
        for item in batch:
            changes += item.changes
            changes.append(_purge_event(actor, item, at, result.months))
        repo.commit(changes)
    if result.access_changes:
        repo.commit(result.access_changes)
    # Also when nothing was left to redact: a run after a failed one finishes the job.
    repo.scrub_history()
    return result


def _purge_event(actor: Actor, item: PurgeItem, at: str, months: int) -> Insert:
    return Insert(
        "events",
        {
            "id": f"purge-{item.ticket_id}-{uuid.uuid4().hex[:8]}",
            "ticket_id": item.ticket_id,
            "entity": PURGE_ENTITY,
            "entity_id": item.ticket_id,
            "at": at,
            "actor_name": actor.name,
            "actor_role": str(actor.role_among(people.MANAGERS) or actor.role),
            "action": PURGE_ACTION,
            "note": (
                f"Persoonsgegevens vervangen door '{MARKER}' ({len(item.changes)} rij(en)); "
                f"bewaartermijn {months} maanden na afsluiten op {_day(item.closed_at)}."
            ),
        },
    )


def add_arguments(parser) -> None:
    """`python -m lib.cli purge`: the options of the command line."""
    parser.add_argument(
        "--dry-run", action="store_true", help="toon alleen wat zou verdwijnen; verander niets"
    )
    parser.add_argument(
        "--door",
        default="",
        help="naam van wie opschoont (vastgelegd bij elke melding; standaard de systeemgebruiker)",
    )


def purge_command(config: Config, repo: Repository, *, dry_run: bool, by: str) -> int:
    """Run the purge from the command line as the MAZ (cron or by hand); print what went."""
    import getpass

    actor = Actor(by or f"{getpass.getuser()} (opdrachtregel)", Role.MAZ)
    try:
        result = purge(repo, actor, config, dry_run=dry_run)
    except (Conflict, StoreUnavailable, ValueError) as e:
        # A batch is all-or-nothing: what was not written is found again next time.
        print(f"Niet (helemaal) opgeschoond: {e}", file=sys.stderr)
        return 1
    print("\n".join(result.lines()))
    if dry_run:
        print("Proefdraai: er is niets veranderd.")
    else:
        print(f"Opgeschoond door {actor.name}.")
    return 0
