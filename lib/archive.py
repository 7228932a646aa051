"""Archiving (issue 10 point 2): old finished reports leave the live read, and nothing is lost.

A report closed or removed longer ago than `archive_months` ([app] in
secrets.toml, default 12) gets `archived_at` set, through an ordinary versioned
Update on both drivers. The live read (lib/repository/live.py) then leaves it
out with everything that hangs on it, so the work pages cost what the open work
costs. Nothing is deleted: the full read (exports, migrate, backups, the privacy
purge, search by number, Overzicht over an old period) still holds it. The Sheet,
whose read returns whole worksheets, then moves the archived rows into archive
worksheets (`Repository.move_archived`, lib/repository/sheets_archive.py).

A report is archived only when nothing about it is still someone's work: its
communication task is done, every mail of it is sent (none queued, being sent or
failed: so the outbox, lib/mailer.py, needs only the live read), and every invoice
on its orders is paid or replaced. A report linked to an outage (issue 14) goes
with its main report. The newest cut ever used is kept
as the setting `archive_cut`: Overzicht reads the full store only for a period
that starts before it. Running it again finds nothing left to do.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from lib import people, queues, workdays
from lib.config import Config
from lib.privacy import closing_moments, months_ago
from lib.procedure import ROLE_LABELS, Actor, Communication, Invoice, Role, Ticket, refuse
from lib.repository import Change, Conflict, Insert, Repository, StoreUnavailable, Update
from lib.snapshot import Snapshot

DEFAULT_MONTHS = 12
BATCH = 50  # reports per commit: one Sheet write stays small
CUT_KEY = "archive_cut"  # settings row: archived reports were all finished before this moment
TABLES_READ = ("tickets", "events", "orders", "invoices", "messages", "communication_tasks")
TABLES_READ += ("links", "settings")
_FINISHED = {Ticket.CLOSED, Ticket.REMOVED}
_SETTLED_INVOICES = {Invoice.PAID, Invoice.SUPERSEDED}


def archive_months(config: Config) -> int:
    raw = str((config.extra or {}).get("archive_months", "")).strip()
    months = int(float(raw)) if raw else DEFAULT_MONTHS
    if months < 1:
        raise ValueError("archive_months moet minstens 1 maand zijn.")
    return months


@dataclass
class ArchivePlan:
    cutoff: datetime
    months: int
    tickets: list[dict]  # as read: their versions make the Updates
    moved: int = 0  # Sheet rows moved to the archive worksheets by this run

    def lines(self) -> list[str]:
        head = (
            f"Archiveren na {self.months} maanden: meldingen afgesloten of verwijderd "
            f"voor {self.cutoff:%d-%m-%Y}."
        )
        rows = [f"{t['number']}" for t in self.tickets]
        moved = [f"{self.moved} rij(en) naar de archiefwerkbladen van de Google Sheet verplaatst."]
        return [head, *rows, f"{len(self.tickets)} melding(en).", *(moved if self.moved else [])]


def _still_work(snapshot: Snapshot) -> set[str]:
    """Reports with something still to do: an open task, an unsent mail, an unsettled invoice."""
    tasks = snapshot.rows("communication_tasks")
    busy = {c["ticket_id"] for c in tasks if c["status"] != Communication.DONE}
    busy |= {m["ticket_id"] for m in snapshot.rows("messages") if m["status"] in queues.TO_SEND}
    reports_of = _reports_of_invoices(snapshot)
    for invoice in snapshot.rows("invoices"):
        if invoice["status"] not in _SETTLED_INVOICES:
            busy |= reports_of[invoice["id"]]
    return busy


def _reports_of_invoices(snapshot: Snapshot) -> dict[str, set[str]]:
    """Invoice id -> the reports whose orders it bills (one invoice may bill several)."""
    ticket_of_order = {o["id"]: o["ticket_id"] for o in snapshot.rows("orders")}
    return {
        i["id"]: {ticket_of_order.get(o, "") for o in i["order_ids"].split(",")}
        for i in snapshot.rows("invoices")
    }


def _last_activity(snapshot: Snapshot) -> dict[str, datetime]:
    """Report id -> its latest event, the events of invoices on its orders included.

    A report is archived only when all of it lies before the cut, so a period that
    starts after the cut holds nothing archived (Overzicht reads only the live store).
    """
    tickets_of_invoice = _reports_of_invoices(snapshot)
    last: dict[str, datetime] = {}
    for e in snapshot.rows("events"):
        owners = {e["ticket_id"]} if e["ticket_id"] else set()
        if e["entity"] == "invoice":
            owners |= tickets_of_invoice.get(e["entity_id"], set())
        at = datetime.fromisoformat(e["at"])
        for owner in owners:
            if owner not in last or at > last[owner]:
                last[owner] = at
    return last


def reaches_archive(start: date, cut: str) -> bool:
    """Whether a period from `start` may hold archived reports (then read the full store).

    The period starts at midnight (Amsterdam) of `start`; the cut keeps the run's time of
    day, so a report finished on the cut's day before that time may be archived.
    """
    first = datetime.combine(start, time.min, tzinfo=workdays.AMSTERDAM)
    return bool(cut) and first < datetime.fromisoformat(cut)


def plan(snapshot: Snapshot, *, now: datetime, months: int) -> ArchivePlan:
    """Which live reports an archive run at `now` would archive; nothing is written."""
    cutoff = months_ago(now.astimezone(workdays.AMSTERDAM), months)
    closing, busy = closing_moments(snapshot), _still_work(snapshot)
    last = _last_activity(snapshot)
    chosen = {
        t["id"]
        for t in snapshot.rows("tickets")
        if not t["archived_at"]
        and t["status"] in _FINISHED
        and t["id"] not in busy
        and datetime.fromisoformat(closing[t["id"]]) < cutoff
        and last.get(t["id"], cutoff - timedelta(seconds=1)) < cutoff
    }
    # A linked report (a duplicate of an outage) goes with its main report.
    mains = {r["ticket_id"]: r["main_ticket_id"] for r in snapshot.rows("links") if r["active"]}
    for t in snapshot.rows("tickets"):
        main = snapshot.ticket(mains.get(t["id"], ""))
        linked = t["status"] == Ticket.LINKED and not t["archived_at"] and main
        if linked and (main["id"] in chosen or main["archived_at"]):
            chosen.add(t["id"])
    tickets = sorted(
        (t for t in snapshot.rows("tickets") if t["id"] in chosen), key=lambda t: t["created_at"]
    )
    return ArchivePlan(cutoff, months, tickets)


def _cut_change(snapshot: Snapshot, cutoff: datetime) -> list[Change]:
    value = cutoff.isoformat(timespec="seconds")
    row = next((s for s in snapshot.rows("settings") if s["key"] == CUT_KEY), None)
    if row is None:
        return [Insert("settings", {"id": f"setting-{CUT_KEY}", "key": CUT_KEY, "value": value})]
    if datetime.fromisoformat(row["value"]) >= cutoff:
        return []
    return [Update("settings", row["id"], row["version"], {"value": value})]


def archive(
    repo: Repository,
    actor: Actor,
    config: Config,
    *,
    dry_run: bool = False,
    clock: Callable[[], datetime] = workdays.now,
) -> ArchivePlan:
    """Archive (or with dry_run only list) the finished reports past the period; MAZ only."""
    if actor.role_among(people.MANAGERS) is None:
        raise refuse(actor, f"Archiveren mag alleen de {ROLE_LABELS[Role.MAZ]}.")
    snapshot = Snapshot(repo.read(TABLES_READ))
    now = clock()
    result = plan(snapshot, now=now, months=archive_months(config))
    if dry_run:
        return result
    at = now.astimezone(workdays.AMSTERDAM).isoformat(timespec="seconds")
    # The cut first: Overzicht reads the full store for an older period before any
    # report leaves the live read.
    if result.tickets and (cut := _cut_change(snapshot, result.cutoff)):
        repo.commit(cut)
    for start in range(0, len(result.tickets), BATCH):
        batch = result.tickets[start : start + BATCH]
        repo.commit([Update("tickets", t["id"], t["version"], {"archived_at": at}) for t in batch])
    # Also after an earlier run that stopped between the two: the Sheet moves the
    # archived rows out of the worksheets its live read asks for (SQL: nothing to do).
    result.moved = repo.move_archived()
    return result


def archive_cut(snapshot: Snapshot) -> str:
    """The moment before which archived reports were finished ("" when none ever were)."""
    return snapshot.setting(CUT_KEY, "")


def add_arguments(parser) -> None:
    """`python -m lib.cli archive`: the options of the command line."""
    parser.add_argument(
        "--dry-run", action="store_true", help="toon alleen wat gearchiveerd zou worden"
    )


def archive_command(config: Config, repo: Repository, *, dry_run: bool) -> int:
    """Archive from the command line as the MAZ (cron or by hand); print what went."""
    import getpass

    actor = Actor(f"{getpass.getuser()} (opdrachtregel)", Role.MAZ)
    try:
        result = archive(repo, actor, config, dry_run=dry_run)
    except (Conflict, StoreUnavailable, ValueError) as e:
        # A batch is all-or-nothing: what was not written is found again next time.
        print(f"Niet (helemaal) gearchiveerd: {e}", file=sys.stderr)
        return 1
    print("\n".join(result.lines()))
    print("Proefdraai: er is niets veranderd." if dry_run else "Gearchiveerd.")
    return 0
