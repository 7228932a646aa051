"""Open reports and recurring trouble (procedure 2.1 and 2.2, the work in hand).

"Open" is every status in lib.procedure.OPEN_TICKET_STATES: a report is open
from its submission until it is closed or removed, and open again after a
reopen. Everything is measured at the end of the View's period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.procedure import OPEN_TICKET_STATES, STATUS_LABELS, Ticket
from lib.reports import STATUS, View, ns

_OPEN = frozenset(str(s) for s in OPEN_TICKET_STATES)


def status_at(v: View) -> pd.Series:
    """The status of each ticket submitted before the period's end, at that end.

    Indexed like the tickets frame (by tix). Events are in time order, so a
    ticket's last event before the end holds its status then.
    """
    t = v.frames.tickets
    t = t[t.created_at < v.end]
    codes = t.status.cat.codes.to_numpy().copy()
    ev = v.frames.events
    if not ev.empty and ev["at"].iloc[-1] >= v.end:
        ev = ev[ev["at"] < v.end]
        tix = ev.tix.to_numpy()
        last = len(tix) - 1 - np.unique(tix[::-1], return_index=True)[1]
        size = max(tix.max(initial=0), t.index.max() if len(t) else 0) + 2  # [-1] stays -1
        position = np.full(size, -1)
        position[t.index.to_numpy()] = np.arange(len(t))
        target = position[tix[last]]
        found = target >= 0
        # A ticket without events (imported by hand) keeps its stored status.
        codes[target[found]] = ev.to_status.cat.codes.to_numpy()[last][found]
    return pd.Series(pd.Categorical.from_codes(codes, dtype=STATUS), index=t.index)


def open_reports(v: View) -> pd.DataFrame:
    """The reports open at the end of the period, oldest first, with their age in days."""
    status = status_at(v)
    is_open = status.isin(_OPEN)
    status = status[is_open]
    t = v.frames.tickets.loc[status.index]
    t = t.assign(status=status, status_label=status.map(STATUS_LABELS))
    age = (v.end - t.created_at).dt.total_seconds() / 86400
    return t.assign(age_days=age).sort_values("created_at", ignore_index=True)


BREAKDOWNS = {
    "status": "Status",
    "urgency": "Urgentie",
    "location": "Locatie",
    "category": "Categorie",
}
_LABEL_OF = {
    "status": "status_label",
    "urgency": "urgency_label",
    "location": "location",
    "category": "category_label",
}


def open_counts(v: View, by: str, open_now: pd.DataFrame | None = None) -> pd.DataFrame:
    """Open reports counted by status, urgency, location or category, largest first."""
    rows = open_reports(v) if open_now is None else open_now
    labels = rows[_LABEL_OF[by]].astype("str")
    counts = labels.value_counts().rename_axis("label").rename("aantal").reset_index()
    return counts.sort_values(["aantal", "label"], ascending=[False, True], ignore_index=True)


def oldest_open(open_now: pd.DataFrame) -> dict | None:
    if open_now.empty:
        return None
    row = open_now.iloc[0]
    return {"number": row.number, "created_at": row.created_at, "age_days": float(row.age_days)}


def overdue_checks(v: View, status: pd.Series | None = None) -> pd.DataFrame:
    """Not-urgent reports still waiting whose next-day check (2.2 step 3) is past due."""
    status = status_at(v) if status is None else status
    t = v.frames.tickets.loc[status.index[status == Ticket.WAITING]]
    t = t[t.check_due_at < v.end]
    late = (v.end - t.check_due_at).dt.total_seconds() / 3600
    return t.assign(hours_late=late).sort_values("check_due_at", ignore_index=True)


def open_over_time(v: View) -> pd.DataFrame:
    """Per week of the period: reports open at the week's end and reports submitted in it.

    Each event that moves a ticket between an open and a closed status adds or
    takes one; the count at a moment is the running sum of the events before it.
    """
    ev = v.frames.events
    to_open = ev.to_status.isin(_OPEN).to_numpy(dtype="int64")
    delta = to_open - ev.from_status.isin(_OPEN).to_numpy(dtype="int64")
    changed = delta != 0
    moments = ns(ev["at"])[changed]
    running = np.concatenate(([0], np.cumsum(delta[changed])))
    week0 = (v.start - pd.Timedelta(days=v.start.weekday())).normalize()
    weeks = pd.date_range(week0, v.end, freq="7D", inclusive="left")
    ends = np.minimum(ns(weeks + pd.DateOffset(weeks=1)), ns([v.end]))
    open_at = running[np.searchsorted(moments, ends, side="left")]
    created = v.frames.tickets.created_at
    created = np.sort(ns(created[v.in_period(created)]))
    edges = np.maximum(ns(weeks.append(pd.DatetimeIndex([v.end]))), ns([v.start]))
    new = np.diff(np.searchsorted(created, edges))
    return pd.DataFrame({"week": weeks, "open": open_at, "new": new})


def recurring_trouble(v: View) -> pd.DataFrame:
    """Location x category pairs with at least N reports inside some window of D days.

    N and D come from the settings (default 3 reports in 30 days); the period
    filter chooses which reports take part. Of a pair's windows holding the most
    reports, the latest is shown: the most recent run of trouble.
    """
    n, days = v.settings.recurring_min_reports, v.settings.recurring_window_days
    keys = ["location", "category_label"]
    columns = [*keys, "max_in_window", "reports", "window_start", "last"]
    t = v.frames.tickets
    t = t[v.in_period(t.created_at)][[*keys, "created_at"]]
    if t.empty:
        return pd.DataFrame(columns=columns)
    t = t.astype({k: "str" for k in keys}).sort_values([*keys, "created_at"], ignore_index=True)
    group = t.groupby(keys, sort=False).ngroup().to_numpy()
    secs = (t.created_at - t.created_at.min()).dt.total_seconds().to_numpy()
    window = days * 86400.0
    # One sorted axis for all groups: each group gets its own stretch of time,
    # so one searchsorted finds, per report, the first report of its window.
    axis = secs + group * (secs.max() + window + 1)
    first = np.searchsorted(axis, axis - window, side="right")
    t["in_window"] = np.arange(len(t)) - first + 1
    t["window_start"] = pd.Series(t.created_at.iloc[first].array, index=t.index)
    best = t.sort_values("in_window", kind="stable").groupby(keys, sort=False).tail(1)
    best = best.set_index(keys)
    summary = t.groupby(keys).agg(reports=("created_at", "size"), last=("created_at", "max"))
    summary["max_in_window"] = best.in_window
    summary["window_start"] = best.window_start
    summary = summary.reset_index()[columns]
    hits = summary[summary.max_in_window >= n]
    return hits.sort_values(
        ["max_in_window", "reports", "location"], ascending=[False, False, True], ignore_index=True
    )
