"""The MAZ's daily list by e-mail (issue 8, point 7): `python -m lib.cli digest`, for cron.

One mail to the MAZ with what waits for her today: the checks of not-urgent
reports that are due today or overdue (2.2 step 3), orders Nemesys has not
confirmed within the limit (2.1 step 4), quotes waiting on the directie
(step 7) and invoices waiting for her check (step 9). Nothing due: no mail.

It runs as its own process beside the app and only reads the store: one read
of the tables it needs, never a write. The lists come from the same functions
as the pages (lib/queues, lib/invoice_check) and the procedure table.

Once a day: before sending, a small state file for the day is created with
O_EXCL outside the store (default: beside the database), so of two runs at
the same moment only one sends; a failed send removes it again, so the next
run tries again. The mail has one Message-ID per day. Without [smtp] the list
is printed to stdout (cron mails it to its user) and nothing is remembered.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TextIO

import sqlalchemy as sa
from babel.dates import format_date

from lib import (
    app_settings,
    formatting,
    invoice_check,
    people,
    procedure,
    queues,
    services,
    texts,
    workdays,
)
from lib.config import ROOT, Config
from lib.mailer import Connection, SmtpSettings, to_email
from lib.procedure import Actor, Role
from lib.repository import Repository, StoreUnavailable
from lib.snapshot import Snapshot
from lib.store import open_repository

TEMPLATE = "maz_dagoverzicht"
TABLES = ("tickets", "locations", "orders", "events", "quotes", "invoices", "users", "settings")
STATE_PREFIX = "dagoverzicht-"
KEEP_STATE_DAYS = 14  # older state files are tidied away after a send
# Waiting for the directie's decision / for the MAZ's check: read from the procedure table.
QUOTE_WAITING = procedure.transition("quote", "approve").sources
INVOICE_WAITING = procedure.transition("invoice", "approve").sources
FAILED = 1  # the store could not be read or the mail could not be sent: run again later
BAD_SETTINGS = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=None,
        help="map voor het bestandje per verstuurde dag "
        "(standaard: de map van de database, of [app] digest_state_dir)",
    )
    parser.add_argument(
        "--print",
        action="store_true",
        help="toon het overzicht alleen; er wordt niets gemaild of onthouden",
    )


def run(
    config: Config,
    *,
    today: date | datetime | None = None,
    state_dir: str | Path | None = None,
    send: bool = True,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Make the day's list and mail it once; the exit code for the command line.

    `today`: the moment the list is made for (default now, Europe/Amsterdam); a
    plain date means that day at the start of working hours. `send=False` only
    prints the list. 0: sent, printed, nothing due or already sent today.
    """
    out, err = out or sys.stdout, err or sys.stderr
    try:
        settings = SmtpSettings.from_secrets(config.smtp)
    except ValueError as e:
        print(f"Dagoverzicht niet gemaakt: {e}", file=err)
        return BAD_SETTINGS
    now = _moment(today, config)
    day = now.date()
    marker = Path(state_dir or default_state_dir(config)) / f"{STATE_PREFIX}{day.isoformat()}"
    mailing = send and settings is not None
    if mailing and marker.exists():
        print(f"Het dagoverzicht van {formatting.day(day)} is al verstuurd ({marker}).", file=out)
        return 0

    try:
        snapshot, repo = _read(config)
    except (StoreUnavailable, sa.exc.SQLAlchemyError, FileNotFoundError) as e:
        print(f"Dagoverzicht niet gemaakt: de opslag is niet te lezen ({e}).", file=err)
        return FAILED
    # The settings saved on Beheer win over secrets.toml, as in the app.
    config = app_settings.applied(config, snapshot)
    desk = services.Desk(repo, Actor("Dagoverzicht", Role.MAZ), config)
    context = build(snapshot, now, config, desk.workday_config)
    if not context["count"]:
        print(
            f"Dagoverzicht {formatting.day(day)}: niets te doen, er gaat geen mail uit.", file=out
        )
        return 0
    to = people.addresses(snapshot, Role.MAZ) or config.mail_from
    mail = texts.render(TEMPLATE, to, **context)
    if not mailing:
        why = (
            "Alleen getoond (--print): er is niets gemaild."
            if settings
            else "Geen [smtp] ingesteld in secrets.toml: het dagoverzicht is niet gemaild."
        )
        print(f"{why}\nAan: {mail.to}\nOnderwerp: {mail.subject}\n\n{mail.body}", file=out, end="")
        return 0

    if not _claim(marker):
        print(f"Het dagoverzicht van {formatting.day(day)} is al verstuurd ({marker}).", file=out)
        return 0
    message_id = f"<dagoverzicht-{day.isoformat()}@{services.mail_domain(desk)}>"
    try:
        _send(settings, mail, message_id, settings.sender or config.mail_from, now)
    except (smtplib.SMTPException, OSError) as e:
        marker.unlink(missing_ok=True)  # not sent: the next run tries again
        print(
            f"Dagoverzicht niet verstuurd ({type(e).__name__}: {e}); probeer het later opnieuw.",
            file=err,
        )
        return FAILED
    except BaseException:
        marker.unlink(missing_ok=True)
        raise
    marker.write_text(f"verzonden {_iso(workdays.now())} {message_id} aan {mail.to}\n")
    _tidy(marker.parent, day)
    print(
        f"Dagoverzicht {formatting.day(day)} verstuurd aan {mail.to}: {context['summary']}.",
        file=out,
    )
    return 0


def build(
    snapshot: Snapshot, now: datetime, config: Config, workday_config: workdays.WorkdayConfig
) -> dict:
    """What the template needs: the items under each heading, the counts, the dates."""
    buckets = queues.follow_up_buckets(snapshot, now)
    limit = config.confirmation_alert_working_hours
    late = [
        w
        for w in invoice_check.unconfirmed_orders(snapshot, now, limit, workday_config)
        if w.overdue
    ]
    quotes = sorted(
        (q for q in snapshot.rows("quotes") if q["status"] in QUOTE_WAITING),
        key=lambda q: q["received_at"],
    )
    invoices = sorted(
        (i for i in snapshot.rows("invoices") if i["status"] in INVOICE_WAITING),
        key=lambda i: i["registered_at"],
    )
    context = {
        "overdue": [
            _check(r, formatting.moment(r.ticket["check_due_at"])) for r in buckets.overdue
        ],
        "today": [_check(r, _time(r.ticket["check_due_at"])) for r in buckets.today],
        "unconfirmed": [
            {
                "title": _title(snapshot, w.ticket),
                "since": formatting.moment(w.since),
                "waited": formatting.hours(w.hours),
            }
            for w in late
        ],
        "quotes": [
            {
                "title": _title(snapshot, snapshot.ticket(q["ticket_id"])),
                "reference": q["reference"],
                "amount": formatting.money(q["amount_cents"]),
                "received": formatting.moment(q["received_at"]),
            }
            for q in quotes
        ],
        "invoices": [
            {
                "numbers": _report_numbers(snapshot, i),
                "kind": i["kind"] or "factuur",
                "number": i["number"],
                "amount": formatting.money(i["amount_incl_cents"]),
                "registered": formatting.moment(i["registered_at"]),
            }
            for i in invoices
        ],
    }
    checks = len(buckets.overdue) + len(buckets.today)
    parts = [
        _plural(checks, "controle", "controles")
        + (f" ({len(buckets.overdue)} te laat)" if buckets.overdue else ""),
        _plural(len(late), "onbevestigde opdracht", "onbevestigde opdrachten"),
        _plural(len(quotes), "offerte bij de directie", "offertes bij de directie"),
        _plural(len(invoices), "factuur te controleren", "facturen te controleren"),
    ]
    day = now.astimezone(workdays.AMSTERDAM).date()
    return {
        **context,
        "count": checks + len(late) + len(quotes) + len(invoices),
        "summary": ", ".join(p for p in parts if not p.startswith("0 ")),
        "date": formatting.day(day),
        "long_date": format_date(day, "EEEE d MMMM yyyy", locale=formatting.LOCALE),
        "limit": formatting.hours(limit),
        "nemesys": config.nemesys_address,
    }


def default_state_dir(config: Config) -> Path:
    """[app] digest_state_dir, else the folder of the embedded database, else data/."""
    if config.extra.get("digest_state_dir"):
        return Path(config.extra["digest_state_dir"])
    url = sa.make_url(config.database_url)
    if config.store == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent
    return ROOT / "data"


def _moment(today: date | datetime | None, config: Config) -> datetime:
    if today is None:
        return workdays.now()
    if isinstance(today, datetime):
        return today.astimezone(workdays.AMSTERDAM)
    return datetime.combine(today, config.day_start, tzinfo=workdays.AMSTERDAM)


def _read(config: Config) -> tuple[Snapshot, Repository]:
    """One read of the tables the list needs; the repository is closed again at once."""
    url = sa.make_url(config.database_url)
    if config.store == "sqlite" and url.database and not Path(url.database).exists():
        # Opening would create an empty database file: refuse instead.
        raise FileNotFoundError(f"geen database op {url.database}")
    repo: Repository = open_repository(config)
    try:
        snapshot = Snapshot(repo.read(TABLES))
    finally:
        engine = getattr(repo, "engine", None)
        if engine is not None:
            engine.dispose()
    return snapshot, repo


def _send(
    settings: SmtpSettings, mail: texts.Mail, message_id: str, sender: str, now: datetime
) -> None:
    """One SMTP session for the one mail; the same Message-ID every time on this day."""
    row = {
        "to_address": mail.to,
        "subject": mail.subject,
        "body": mail.body,
        "html_body": mail.html,
        "message_id": message_id,
        "thread_ref": "",
    }
    connection = Connection(settings)
    try:
        connection.send(to_email(row, sender, now))
    finally:
        connection.close()


def _claim(marker: Path) -> bool:
    """Create the day's state file; False when it exists (another run has the day)."""
    marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as f:
        f.write(f"bezig sinds {_iso(workdays.now())} (proces {os.getpid()})\n")
    return True


def _tidy(folder: Path, day: date) -> None:
    """Remove the state files of days long gone; the recent ones stay."""
    oldest = (day - timedelta(days=KEEP_STATE_DAYS)).isoformat()
    for path in folder.glob(f"{STATE_PREFIX}*"):
        if path.name.removeprefix(STATE_PREFIX) < oldest:
            path.unlink(missing_ok=True)


def _check(row: queues.QueueRow, due: str) -> dict:
    return {"title": row.title, "due": due}


def _title(snapshot: Snapshot, ticket: dict) -> str:
    """'KIV-2026-0001 · Printen · De Zonnebloem', as the work lists show a report."""
    return queues.QueueRow(ticket, snapshot.location(ticket["location_id"]), "").title


def _report_numbers(snapshot: Snapshot, invoice: dict) -> str:
    numbers = []
    for order_id in invoice_check.invoice_order_ids(invoice):
        order = snapshot.get("orders", order_id)
        ticket = snapshot.ticket(order["ticket_id"]) if order else None
        if ticket and ticket["number"] not in numbers:
            numbers.append(ticket["number"])
    return ", ".join(numbers) or "(geen melding)"


def _time(value: str) -> str:
    return formatting.moment(value)[-5:]


def _iso(moment: datetime) -> str:
    return moment.astimezone(workdays.AMSTERDAM).isoformat(timespec="seconds")


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
