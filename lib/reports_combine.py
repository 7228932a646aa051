"""Overzicht's frames of the archive and of the live store, joined (issue 10).

The archived part of the store only changes when the archive job runs, so its
frames are built once and kept (lib/ui/shared_frames.py); each change of the
live data then only builds the live part's frames and joins the two here,
instead of reading and typing the whole store again. The result holds the
same rows as `reports.frames` over the full read: tickets in the same order
(so the same row positions, "tix"), events by time with each report's steps
in their own order, orders and invoices by id; quotes (summed per order) archived
first. Invoices and their lines are
recomputed over the joined frames, since a live invoice may bill an archived
report's order (an invoice is archived only when all its orders are).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from lib import reports
from lib import reports_outages as outage_counts
from lib.repository import Repository
from lib.repository.live import LiveRule, live_invoices


@dataclasses.dataclass(frozen=True)
class ArchivedPart:
    frames: reports.Frames
    live_ids: frozenset  # the reports live when read
    archived_ids: frozenset


class _ArchivedRows:
    """The archived rows of one table at a time, read when `reports.frames_from` asks.

    What is archived follows the live rule (lib/repository/live.py), learnt as the
    tables come in reports.FRAME_ORDER: which reports are live from the tickets,
    which orders from the orders (before the invoices). The store hands them out in
    that order (`Repository.read_each`: the SQL store reads each when it is reached,
    the Sheet all in its one request). The events are read by `archived_part`.
    """

    def __init__(self, repo: Repository) -> None:
        names = [n for n in reports.FRAME_ORDER if n != "events"]
        self.tables = repo.read_each(names, columns=reports.COLUMNS)
        self.rule: LiveRule | None = None  # known once the tickets are read
        self.live_orders: set[str] | None = None  # known once the orders are read

    def __call__(self, name: str) -> list[dict]:
        if name == "events":
            return []
        handed, rows = next(self.tables)
        if handed != name:
            raise RuntimeError(f"reports.frames_from asked for {name}, not {handed}")
        if name == "locations":  # never archived, but they label the archived reports
            return rows
        if name == "tickets":
            self.rule = LiveRule.of({"tickets": rows})
            self.live_ids = frozenset(t["id"] for t in rows if not t["archived_at"])
            self.archived_ids = frozenset(t["id"] for t in rows if t["archived_at"])
            rows = [t for t in rows if t["archived_at"]]
            self.linked = outage_counts.linked_ids(rows)
            return rows
        if self.rule.everything:
            return []
        if name == "orders":
            self.live_orders = {o["id"] for o in rows if self.rule.belongs(o)}
        if name == "invoices":
            live = frozenset(i["id"] for i in live_invoices(rows, self.live_orders))
            self.rule = dataclasses.replace(self.rule, invoices=live)
            return [i for i in rows if i["id"] not in live]
        return [r for r in rows if not self.rule.belongs(r)]


def archived_part(repo: Repository, batch: int = 20_000) -> ArchivedPart:
    """The frames of the archived reports, read with only the columns they need.

    Read a table at a time, each table kept only as its frame (`reports.frames_from`),
    and their events, most of all rows, a batch at a time, each batch kept only as
    its compact frame: years of history are never all in memory as rows (issue 10:
    memory at 50,000 reports). An event is archived when the live rule leaves it
    out: that depends on the reports, orders and invoices alone, read first.
    """
    read = _ArchivedRows(repo)
    frames = reports.frames_from(read)
    index = pd.Index(frames.tickets.id)

    def piece(events: list[dict]) -> pd.DataFrame:
        return reports.event_piece(
            (e for e in events if not read.rule.event(e)), index, read.linked
        )

    # map() holds no batch once its piece is made, so the next batch is read into the
    # memory of the last one (a loop variable would keep it while the next is read).
    pieces = list(map(piece, repo.read_batches("events", reports.COLUMNS["events"], batch)))
    if pieces:
        frames = dataclasses.replace(frames, events=reports.events_frame(pieces))
    return ArchivedPart(frames, read.live_ids, read.archived_ids)


def _stacked(a: pd.DataFrame, b: pd.DataFrame, shift: int, tix: np.ndarray) -> pd.DataFrame:
    """`a` then `b` (whose ticket positions start after `a`'s), positions mapped by `tix`."""
    b = b.assign(tix=np.where(b.tix.to_numpy() >= 0, b.tix.to_numpy() + shift, -1))
    out = pd.concat([a, b], ignore_index=True)
    for column in a.columns:  # categories of both parts, as frames() would have made them
        if isinstance(a[column].dtype, pd.CategoricalDtype) and not isinstance(
            out[column].dtype, pd.CategoricalDtype
        ):
            out[column] = out[column].astype("str").astype("category")
    out["tix"] = tix[out.tix.to_numpy()].astype("int32")
    return out


def combine(archived: reports.Frames, live: reports.Frames) -> reports.Frames:
    """The frames of both parts of the store together, as `reports.frames` of all rows."""
    shift = len(archived.tickets)
    if not shift:
        return live
    tickets = pd.concat([archived.tickets, live.tickets], ignore_index=True)
    for column in ("location_id", "category", "urgency", "location", "category_label"):
        tickets[column] = tickets[column].astype("str").astype("category")
    tickets["urgency_label"] = tickets.urgency_label.astype("str").astype("category")
    order = tickets.sort_values(["created_at", "number", "id"], kind="stable").index.to_numpy()
    tickets = tickets.iloc[order].reset_index(drop=True)
    # Old position -> new position; the extra last entry keeps -1 (no such report) at -1.
    tix = np.full(len(order) + 1, -1, dtype="int64")
    tix[order] = np.arange(len(order))
    tickets["tix"] = np.arange(len(order), dtype="int32")
    events = _stacked(archived.events, live.events, shift, tix)
    events = events.sort_values("at", kind="stable", ignore_index=True)
    orders = _stacked(archived.orders, live.orders, shift, tix)
    orders = orders.sort_values("id", kind="stable", ignore_index=True)
    quotes = _stacked(archived.quotes, live.quotes, shift, tix)
    invoices = pd.concat([archived.invoices, live.invoices], ignore_index=True)
    invoices = invoices.sort_values("id", kind="stable", ignore_index=True)
    for column in ("kind", "status"):
        invoices[column] = invoices[column].astype("str").astype("category")
    invoices["counted"] = reports.counted_invoices(invoices)
    return reports.Frames(
        tickets,
        events,
        orders,
        quotes,
        invoices,
        reports._invoice_lines(invoices, orders, tickets),
        archived.locations | live.locations,
        _stacked(archived.affected, live.affected, shift, tix),
        _stacked(archived.links, live.links, shift, tix),
    )
