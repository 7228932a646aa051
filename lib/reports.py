"""The numbers of the Overzicht page: pure pandas, no Streamlit.

`frames(tables)` turns one read of the store into typed DataFrames, once.
`view(frames, filters, settings, now)` applies the filters (location, category,
urgency, period) in this one place; every figure function takes that View.
The period's end is the "as of" moment: "open now" means open at the end of
the period, which is now when the period runs to today.

The figures: lib/reports_open.py (open reports, recurring trouble),
lib/reports_turnaround.py (Nemesys), lib/reports_costs.py (invoices, budget);
working hours in lib/reports_hours.py, targets and budget in lib/reports_settings.py,
tables and files in lib/reports_export.py, the directie's month in lib/reports_summary.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from lib import reports_outages as outage_counts
from lib.catalog import CATEGORIES, URGENCY_LABELS
from lib.procedure import Invoice, Ticket
from lib.reports_settings import Settings

TABLES = ("tickets", "events", "orders", "quotes", "invoices", "locations", "affected", "links")
# The order frames_from asks for the tables in: what labels or decides a table first.
FRAME_ORDER = (
    "locations",
    "tickets",
    "affected",
    "links",
    "events",
    "orders",
    "quotes",
    "invoices",
)
TZ = "Europe/Amsterdam"
# Ticket statuses as one fixed category, so statuses compare as small integers.
STATUS = pd.CategoricalDtype(["", *(str(s) for s in Ticket)])
# Invoices that stand as billed; a superseded one only when a credit note nets it
# (see counted_invoices).
_STANDING = frozenset({Invoice.RECEIVED, Invoice.APPROVED, Invoice.PAID})


@dataclass(frozen=True)
class Frames:
    tickets: pd.DataFrame
    events: pd.DataFrame  # ticket events only, sorted by time
    orders: pd.DataFrame
    quotes: pd.DataFrame
    invoices: pd.DataFrame
    invoice_lines: pd.DataFrame  # one row per (invoice, order): the invoice's share
    locations: dict[str, str]  # id -> name
    # Issue 14 (lib/reports_outages.py): people per outage, and the linked reports.
    affected: pd.DataFrame | None = None
    links: pd.DataFrame | None = None


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    locations: tuple[str, ...] = ()  # empty: all
    categories: tuple[str, ...] = ()
    urgencies: tuple[str, ...] = ()  # "urgent", "niet_urgent", "" (not yet assessed)


@dataclass(frozen=True)
class View:
    frames: Frames  # only the rows of the chosen locations, categories and urgencies
    start: pd.Timestamp  # period start, inclusive
    end: pd.Timestamp  # period end, exclusive: the "as of" moment
    settings: Settings

    def in_period(self, moments: pd.Series) -> pd.Series:
        return (moments >= self.start) & (moments < self.end)


# --- building the frames, once per read ------------------------------------------
# Tickets keep their row position as "tix"; the other frames refer to tickets by
# that integer and hold their repeated texts as categories. That keeps filtering,
# joining and the cache's copy of the frames cheap at 50,000 reports.


def _columns(rows: list[dict], names: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({n: pd.Series([r[n] for r in rows], dtype=object) for n in names})


def _moments(values: pd.Series) -> pd.Series:
    cleaned = values.where(values.astype(bool), None)
    parsed = pd.to_datetime(cleaned, utc=True, format="ISO8601")
    return parsed.dt.tz_convert(TZ).dt.as_unit("us")


def _days(values: pd.Series) -> pd.Series:
    cleaned = values.where(values.astype(bool), None)
    return pd.to_datetime(cleaned, format="ISO8601").dt.tz_localize(TZ).dt.as_unit("us")


def _typed(frame: pd.DataFrame, text=(), codes=(), moments=(), cents=()) -> pd.DataFrame:
    for n in text:
        frame[n] = frame[n].astype("str")
    for n in codes:
        frame[n] = frame[n].astype("str").astype("category")
    for n in moments:
        frame[n] = _moments(frame[n])
    for n in cents:
        frame[n] = frame[n].astype("int64")
    return frame


def _tix(ticket_index: pd.Index, ticket_ids: pd.Series) -> np.ndarray:
    """Row position of each referred ticket; -1 for a ticket that is not there."""
    return ticket_index.get_indexer(ticket_ids.astype("str")).astype("int32")


def _labelled(codes: pd.Series, labels: dict) -> pd.Series:
    names = [labels.get(c, c or "(onbekend)") for c in codes.cat.categories]
    values = np.asarray(names + ["(onbekend)"], dtype=object)[codes.cat.codes.to_numpy()]
    return pd.Series(values, index=codes.index, dtype="str").astype("category")


def frames(tables: dict[str, list[dict]]) -> Frames:
    """Typed frames from one read of the store; labels resolved once."""
    return frames_from(lambda name: tables.get(name, []))


def frames_from(read: Callable[[str], list[dict]]) -> Frames:
    """`frames` of the rows `read(table)` gives, asking for one table at a time.

    Each table is asked for once, in FRAME_ORDER; only its frame is kept. So `read` may fetch a
    table when asked and years of rows are never all in memory at once (issue 10:
    Overzicht's archived part, lib/reports_combine.py).
    """

    def rows(name: str) -> list[dict]:
        # In a fixed order, so the figures never depend on the order a store returns
        # rows (PostgreSQL moves an updated row; SQLite keeps insertion order). Ids
        # begin with the moment they were made, so by id is also by age.
        return sorted(read(name), key=lambda r: r["id"])

    places = rows("locations")
    locations = {r["id"]: r["name"] for r in places}
    reported = rows("tickets")
    # A linked report is part of another's outage: counted once, there (issue 14).
    kept = sorted(
        outage_counts.kept_tickets(reported),
        key=lambda r: (r["created_at"], r["number"], r["id"]),
    )
    t = _columns(kept, _TICKET_COLUMNS)
    del kept
    _typed(t, ("id", "number"), _TICKET_CODES, ("created_at", "check_due_at"))
    t["location"] = _labelled(t.location_id, locations)
    t["category_label"] = _labelled(t.category, CATEGORIES)
    t["urgency_label"] = _labelled(t.urgency, URGENCY_LABELS)
    t["status"] = t.status.astype("str").astype(STATUS)
    t["tix"] = np.arange(len(t), dtype="int32")
    index = pd.Index(t.id)
    linked = outage_counts.linked_ids(reported)  # left out with their steps
    people = outage_counts.affected_frame(
        {"tickets": reported, "affected": rows("affected"), "locations": places}, t
    )
    del reported
    links = outage_counts.links_frame({"links": rows("links")}, t)
    ev = events_frame([event_piece(rows("events"), index, linked)])
    o = _columns(rows("orders"), ("id", "ticket_id", "ordered_at", "confirmed_at"))
    _typed(o, ("id",), (), ("ordered_at", "confirmed_at"))
    o["tix"] = _tix(index, o.pop("ticket_id"))
    quotes = rows("quotes")
    q = _columns(quotes, ("order_id", "ticket_id", "status", "amount_cents"))
    q["decided_at"] = [r["decided_at"] for r in quotes]
    del quotes
    _typed(q, ("order_id",), ("status",), ("decided_at",), ("amount_cents",))
    q["tix"] = _tix(index, q.pop("ticket_id"))
    inv = _invoices(rows("invoices"))
    return Frames(t, ev, o, q, inv, _invoice_lines(inv, o, t), locations, people, links)


def event_piece(rows: Iterable[dict], index: pd.Index, linked: set[str]) -> pd.DataFrame:
    """The report steps among `rows` (not those of linked reports), typed, each with its
    report's position in `index` as `tix`. A part of `events_frame`: years of events can
    be read a batch at a time, each batch kept only as this compact frame (issue 10)."""
    rows = [e for e in rows if e["entity"] == "ticket" and e["ticket_id"] not in linked]
    ev = _typed(_columns(rows, _EVENT_COLUMNS), ("id",), (), ("at",))
    for n in ("from_status", "to_status"):
        ev[n] = ev[n].astype("str").astype(STATUS)
    ev["tix"] = _tix(index, ev.pop("ticket_id"))
    return ev


def events_frame(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """The pieces as one frame of steps, by time and then by id (ids sort by age)."""
    ev = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0]
    ev["action"] = ev.action.astype("str").astype("category")
    # By id, then stably by time: the order of sorting by both at once, without the
    # codes of every id that sorting by two columns makes (issue 10: ~50 MiB at
    # 50,000 reports).
    ev = ev.sort_values("id", ignore_index=True)
    ev = ev.sort_values("at", kind="stable", ignore_index=True)
    return ev.drop(columns=["id"])


_TICKET_COLUMNS = (
    "id",
    "number",
    "created_at",
    "status",
    "location_id",
    "category",
    "urgency",
    "check_due_at",
)
_TICKET_CODES = ("location_id", "category", "urgency")
_INVOICE_COLUMNS = ("id", "number", "kind", "status", "invoice_date", "amount_excl_cents")
_INVOICE_COLUMNS += ("amount_incl_cents", "order_ids", "paid_on", "rejection_reason")
_INVOICE_COLUMNS += ("corrects_invoice_id",)
_EVENT_COLUMNS = ("id", "ticket_id", "at", "action", "from_status", "to_status")
# The columns `frames` and the live rule (lib/repository/live.py) read. Overzicht's
# one read of the archive asks only for these: years of report texts, notes and
# names stay in the store (issue 10: memory at 50,000 reports).
COLUMNS = {
    "tickets": (*_TICKET_COLUMNS, "archived_at", "reporter_email"),
    "events": (*_EVENT_COLUMNS, "entity", "entity_id"),
    "orders": ("id", "ticket_id", "ordered_at", "confirmed_at"),
    "quotes": ("id", "order_id", "ticket_id", "status", "amount_cents", "decided_at"),
    "invoices": _INVOICE_COLUMNS,
    "locations": ("id", "name"),
    "affected": ("id", "ticket_id", "email", "location_id", "active"),
    "links": ("id", "ticket_id", "main_ticket_id", "active", "linked_at"),
}


def _invoices(rows: list[dict]) -> pd.DataFrame:
    inv = _columns(rows, _INVOICE_COLUMNS)
    _typed(inv, ("id", "number", "order_ids", "rejection_reason", "corrects_invoice_id"))
    _typed(inv, codes=("kind", "status"), cents=("amount_excl_cents", "amount_incl_cents"))
    inv["invoice_date"], inv["paid_on"] = _days(inv.invoice_date), _days(inv.paid_on)
    inv["counted"] = counted_invoices(inv)
    return inv


def counted_invoices(inv: pd.DataFrame) -> pd.Series:
    """Which invoices count as invoiced, so that a corrected invoice counts once.

    Standing invoices (received, approved, paid) count, credit notes negatively.
    Rejected ones, and ones awaiting Nemesys, do not. A superseded invoice does
    not count when a corrected invoice replaced it, but does when a credit note
    replaced it: the credit note is then the correction and the two net out
    (a full credit makes zero, a partial one leaves what is still owed).
    """
    credited = set(inv.corrects_invoice_id[inv.kind == "creditnota"]) - {""}
    superseded = inv.status == Invoice.SUPERSEDED
    return inv.status.isin(_STANDING) | (superseded & inv.id.isin(credited))


_LINE_FIELDS = (
    "number",
    "kind",
    "status",
    "counted",
    "invoice_date",
    "paid_on",
    "amount_excl_cents",
    "amount_incl_cents",
)


def _invoice_lines(inv: pd.DataFrame, orders: pd.DataFrame, tickets: pd.DataFrame):
    """An invoice for several orders is split evenly over them, in whole cents.

    Even splitting keeps per-location and per-category sums fair and exact (the
    shares add up to the invoice); any remainder cent goes to the first orders.
    """
    lines = inv.assign(order_id=inv.order_ids.str.split(",")).explode("order_id")
    lines = lines[["id", "order_id", *_LINE_FIELDS]]
    lines = lines.rename(columns={"id": "invoice_id"}).reset_index(drop=True)
    lines["order_id"] = lines.order_id.fillna("").astype("str")
    parts = lines.groupby("invoice_id").invoice_id.transform("size").to_numpy()
    position = lines.groupby("invoice_id").cumcount().to_numpy()
    for n in ("amount_excl_cents", "amount_incl_cents"):
        total = lines[n].to_numpy(dtype="int64")
        base, rest = np.divmod(np.abs(total), np.maximum(parts, 1))
        lines[n] = np.sign(total) * (base + (position < rest))
    order_tix = dict(zip(orders.id, orders.tix, strict=True))
    lines["tix"] = lines.order_id.map(lambda o: order_tix.get(o, -1)).astype("int32")
    dims = tickets[["location", "category_label"]].astype("str")
    known = lines.tix.to_numpy() >= 0
    for n in ("location", "category_label"):
        values = np.full(len(lines), "(onbekend)", dtype=object)
        values[known] = dims[n].to_numpy()[lines.tix.to_numpy()[known]]
        lines[n] = pd.Series(values, dtype="str").astype("category")
    return lines


# --- the filters, in one place -----------------------------------------------------


def _start_of(day: date) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(day, datetime.min.time()), tz=TZ)


def view(frames: Frames, filters: Filters, settings: Settings, now: datetime) -> View:
    """The rows the filters choose, and the period [start, end) with end at most now."""
    now_ts = pd.Timestamp(now).tz_convert(TZ)
    end = min(_start_of(filters.end + timedelta(days=1)), now_ts) if filters.end else now_ts
    start = _start_of(filters.start) if filters.start else end - pd.Timedelta(days=365)
    start = min(start, end)
    if not (filters.locations or filters.categories or filters.urgencies):
        return View(frames, start, end, settings)
    t = frames.tickets
    keep = np.ones(len(t) + 1, dtype=bool)  # the extra False answers tix -1
    keep[-1] = False
    for column, chosen in (
        ("location_id", filters.locations),
        ("category", filters.categories),
        ("urgency", filters.urgencies),
    ):
        if chosen:
            keep[:-1] &= t[column].isin(chosen).to_numpy()

    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[keep[frame.tix.to_numpy()]]

    lines = rows(frames.invoice_lines)
    chosen = replace(
        frames,
        tickets=rows(t),
        events=rows(frames.events),
        orders=rows(frames.orders),
        quotes=rows(frames.quotes),
        invoices=frames.invoices[frames.invoices.id.isin(set(lines.invoice_id))],
        invoice_lines=lines,
        affected=rows(frames.affected),
        links=rows(frames.links),
    )
    return View(chosen, start, end, settings)


def ns(moments) -> np.ndarray:
    """Nanoseconds since the epoch (UTC), for sorting and searching moments as numbers."""
    return pd.DatetimeIndex(moments).as_unit("ns").asi8
