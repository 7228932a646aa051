"""A realistic full store for the page benchmark: reports with everything around them.

bench.generate gives reports, events, orders, quotes and invoices; on top come
what a year of real work also leaves: the mails (receipt to the reporter and a
status mail per step, the order to Nemesys), all sent but for the last few
hours' ones still queued, and the communication tasks of telephone and mail
outages with the ticks of their announcements (done once the report is closed).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import bench
from lib import texts, workdays
from lib.catalog import COMMUNICATION_CATEGORIES
from lib.procedure import Communication, Message, Ticket
from lib.repository.base import complete_row
from lib.repository.sql import SqlRepository

DONE = {Ticket.CLOSED, Ticket.REMOVED}


_RENDERED: dict[tuple, texts.Mail] = {}


def _texts(ticket: dict, kind: str, status: str) -> texts.Mail:
    """The mail the services would queue (lib/texts.py, the real templates), rendered once
    per kind, stage and category (a store of 50,000 reports renders in seconds) with
    this report's number and reporter: texts of a real mail's length, HTML included."""
    key = (kind, status, ticket["category"], ticket["urgency"])
    if key not in _RENDERED:
        location = {
            "name": "De Zonnebloem",
            "unit_manager_name": "Sanne de Vries",
            "unit_manager_email": "sanne@kivido.example",
            "unit_manager_phone": "06 12345678",
        }
        shown = ticket | {"status": status, "number": "NUMMER", "reporter_email": "MELDER"}
        if kind == "place_order":
            _RENDERED[key] = texts.order_mail(shown, location, "support@nemesys.nl")
        else:
            _RENDERED[key] = texts.status_mail(shown, status or Ticket.NEW, location)
    mail = _RENDERED[key]
    own = {"NUMMER": ticket["number"], "MELDER": ticket["reporter_email"]}

    def filled(text: str) -> str:
        for slot, value in own.items():
            text = text.replace(slot, value)
        return text

    return texts.Mail(mail.to, filled(mail.subject), filled(mail.body), filled(mail.html))


def _mail(i: int, ticket: dict, at: str, kind: str, to: str, queued: bool, status: str) -> dict:
    texts_ = _texts(ticket, kind, status)
    return complete_row(
        "messages",
        {
            "id": f"bench-mail-{i:07d}",
            "ticket_id": ticket["id"],
            "kind": kind,
            "status": Message.QUEUED if queued else Message.SENT,
            "created_at": at,
            "to_address": to,
            "subject": texts_.subject,
            "body": texts_.body,
            "html_body": texts_.html,
            "sent_at": "" if queued else at,
            "message_id": f"<bench-mail-{i:07d}@kivido.nl>",
            "thread_ref": f"<melding-{ticket['id']}@kivido.nl>",
        },
    )


def extras(tables: dict[str, list[dict]], now) -> dict[str, list[dict]]:
    """Mails and communication tasks for the reports in `tables`."""
    recent = (now - timedelta(hours=2)).isoformat(timespec="seconds")
    tickets = {t["id"]: t for t in tables["tickets"]}
    mails: list[dict] = []
    first_orders = {i["id"]: i["order_ids"].split(",")[0] for i in tables["invoices"]}
    ticket_of_order = {o["id"]: o["ticket_id"] for o in tables["orders"]}
    for e in tables["events"]:
        if e["entity"] == "invoice":  # the MAZ is asked to check a registered invoice
            if e["action"] != "register":
                continue
            ticket = tickets[ticket_of_order[first_orders[e["entity_id"]]]]
            to = "maz@kivido.example"
            mails.append(_mail(len(mails), ticket, e["at"], "factuur", to, False, ticket["status"]))
            continue
        ticket = tickets[e["ticket_id"]]
        to = "support@nemesys.nl" if e["action"] == "place_order" else "melder@kivido.example"
        queued = e["at"] > recent
        mails.append(_mail(len(mails), ticket, e["at"], e["action"], to, queued, e["to_status"]))
    tasks, ticks = [], []
    for t in tables["tickets"]:
        if t["category"] not in COMMUNICATION_CATEGORIES or t["status"] == Ticket.NEW:
            continue
        done = t["status"] in DONE
        task = {"id": f"{t['id']}-c", "ticket_id": t["id"], "location_id": t["location_id"]}
        task |= {"status": Communication.DONE if done else Communication.OPEN}
        tasks.append(complete_row("communication_tasks", task | {"created_at": t["created_at"]}))
        phases = ("storing", "opgelost") if done else ("storing",)
        for phase in phases:
            tick = {"id": f"{task['id']}-{phase}", "task_id": task["id"], "phase": phase}
            tick |= {"channel": "klasbord", "at": t["updated_at"], "actor_name": "Bench"}
            ticks.append(complete_row("communication_ticks", tick))
    return {"messages": mails, "communication_tasks": tasks, "communication_ticks": ticks}


def build(n: int, db: Path, *, seed: int = 11, days: float = 365) -> dict[str, int]:
    """Write a store of `n` reports over `days` to the SQLite file `db`; rows per table."""
    now = workdays.now()
    tables = bench.generate(n, seed=seed, end=now, days=days)
    tables |= extras(tables, now)
    repo = SqlRepository.at_path(db)
    repo.setup()
    bench.write(repo, tables)
    repo.engine.dispose()
    return {name: len(rows) for name, rows in tables.items()}
