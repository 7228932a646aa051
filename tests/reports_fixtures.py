"""Hand-made store rows for the Overzicht's figure tests (tests/test_reports*.py)."""

from __future__ import annotations

from datetime import date, datetime

from lib import reports, workdays
from lib.reports_settings import Settings
from lib.repository.base import complete_row

AMS = workdays.AMSTERDAM


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


def iso(text: str) -> str:
    return at(text).isoformat(timespec="seconds")


class Data:
    """Rows as the store returns them, built by hand."""

    def __init__(self):
        self.tables = {t: [] for t in reports.TABLES}
        self.tables["locations"] = [
            {"id": "loc-a", "name": "Locatie A"},
            {"id": "loc-b", "name": "Locatie B"},
        ]

    def ticket(self, tid, created, *steps, location="loc-a", category="printen", urgency=""):
        """steps: (moment, action, from, to); the last one's target is the stored status."""
        status = steps[-1][3] if steps else "nieuw"
        row = {"id": tid, "number": f"KIV-{tid}", "created_at": iso(created), "status": status}
        row |= {"location_id": location, "category": category, "urgency": urgency}
        self.tables["tickets"].append(complete_row("tickets", row))
        for k, (moment, action, frm, to) in enumerate([(created, "submit", "", "nieuw"), *steps]):
            event = {
                "id": f"{tid}-{k:02d}",
                "ticket_id": tid,
                "entity": "ticket",
                "at": iso(moment),
            }
            event |= {"entity_id": tid, "action": action, "from_status": frm, "to_status": to}
            self.tables["events"].append(complete_row("events", event))

    def order(self, oid, tid, ordered, confirmed=""):
        row = {"id": oid, "ticket_id": tid, "ordered_at": iso(ordered)}
        row["confirmed_at"] = iso(confirmed) if confirmed else ""
        self.tables["orders"].append(complete_row("orders", row))

    def invoice(self, iid, orders, incl, status, day="2026-03-10", kind="factuur", **kw):
        row = {"id": iid, "number": iid, "kind": kind, "status": status, "invoice_date": day}
        row |= {"amount_incl_cents": incl, "amount_excl_cents": round(incl / 1.21)}
        row |= {"order_ids": ",".join(orders)} | kw
        self.tables["invoices"].append(complete_row("invoices", row))

    def view(
        self, start: date, end: date, now="2027-01-31 12:00", settings: Settings | None = None, **kw
    ) -> reports.View:
        filters = reports.Filters(start=start, end=end, **kw)
        settings = settings or Settings()
        return reports.view(reports.frames(self.tables), filters, settings, at(now))


def christmas_order() -> Data:
    d = Data()
    d.ticket(
        "t1",
        "2026-12-24 15:00",
        ("2026-12-24 16:00", "triage_urgent", "nieuw", "urgent"),
        ("2026-12-24 16:00", "place_order", "urgent", "opdracht_nemesys"),
        ("2026-12-28 09:30", "confirm", "opdracht_nemesys", "bevestigd_nemesys"),
        ("2026-12-28 16:30", "resolve", "bevestigd_nemesys", "opgelost"),
        urgency="urgent",
    )
    d.order("o1", "t1", "2026-12-24 16:00", "2026-12-28 09:30")
    return d


def two_orders() -> Data:
    d = Data()
    d.ticket("t1", "2026-03-02 09:00", location="loc-a", category="printen", urgency="urgent")
    d.ticket("t2", "2026-03-02 09:00", location="loc-b", category="mail", urgency="niet_urgent")
    d.order("o1", "t1", "2026-03-02 10:00")
    d.order("o2", "t2", "2026-03-02 10:00")
    return d
