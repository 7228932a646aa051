"""Nemesys turnaround (2.1 steps 3b, 4 and 8): order -> confirmation, order -> resolved.

Confirmation is the order's confirmed_at (the moment Nemesys's mail came in);
resolved is the first 'resolve' event of the ticket after the order. Both are
measured in working hours (the targets' unit) and in calendar hours. Only
orders placed in the period count, and nothing after the period's end is seen.
"""

from __future__ import annotations

import pandas as pd

from lib.reports import View
from lib.reports_hours import calendar_hours, working_hours
from lib.reports_settings import Targets

MEASURES = {"confirm": "Opdracht → bevestiging", "resolve": "Opdracht → opgelost"}
DONE = {"confirm": "Bevestigd", "resolve": "Opgelost"}
UNITS = {"wh": "werkuren", "ch": "kalenderuren"}


def order_times(v: View) -> pd.DataFrame:
    """One row per order placed in the period, with its turnaround in both units."""
    o = v.frames.orders
    o = o[v.in_period(o.ordered_at)].sort_values("ordered_at")
    ev = v.frames.events
    resolves = ev[(ev.action == "resolve") & (ev["at"] < v.end)][["tix", "at"]]
    o = pd.merge_asof(
        o,
        resolves.rename(columns={"at": "resolved_at"}).sort_values("resolved_at"),
        left_on="ordered_at",
        right_on="resolved_at",
        by="tix",
        direction="forward",
    )
    dims = ["number", "location", "category_label", "urgency", "urgency_label"]
    o = o.join(v.frames.tickets.set_index("tix")[dims], on="tix")
    o[dims] = o[dims].astype("str")
    o["confirmed_at"] = o.confirmed_at.where(o.confirmed_at < v.end)
    wd = v.settings.workday
    to_end = working_hours(o.ordered_at, pd.Series(v.end, index=o.index), wd)
    for measure, done_at in (("confirm", o.confirmed_at), ("resolve", o.resolved_at)):
        o[f"{measure}_wh"] = working_hours(o.ordered_at, done_at, wd)
        o[f"{measure}_ch"] = calendar_hours(o.ordered_at, done_at)
        # How long an unfinished order has been waiting, for targets already missed.
        o[f"{measure}_waiting_wh"] = pd.Series(to_end, index=o.index).where(done_at.isna())
    o["month"] = o.ordered_at.dt.tz_localize(None).dt.to_period("M").dt.to_timestamp()
    return o.reset_index(drop=True)


def by_month(times: pd.DataFrame, measure: str, unit: str) -> pd.DataFrame:
    """Median and 90th percentile per month and urgency, of the finished orders."""
    column = f"{measure}_{unit}"
    done = times[times[column].notna()]
    groups = done.groupby(["month", "urgency_label"])[column]
    out = pd.DataFrame(
        {"mediaan": groups.median(), "p90": groups.quantile(0.9), "aantal": groups.size()}
    )
    return out.reset_index()


def target_lines(times: pd.DataFrame, targets: Targets, measure: str) -> pd.DataFrame:
    """The target per urgency present in the data, to draw as a line."""
    present = times[["urgency", "urgency_label"]].drop_duplicates()
    hours = [targets.hours(measure, u) for u in present.urgency]
    return present.assign(norm=hours).sort_values("urgency_label", ignore_index=True)


def missed_targets(times: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Orders that took longer than the target, or are still waiting past it."""
    parts = []
    for measure, label in MEASURES.items():
        norm = times.urgency.map(lambda u, m=measure: targets.hours(m, u)).astype(float)
        took = times[f"{measure}_wh"]
        waiting = times[f"{measure}_waiting_wh"]
        late = took > norm
        still_open = took.isna() & (waiting > norm)
        rows = times[late | still_open].assign(
            measure=label,
            hours=took.where(late, waiting)[late | still_open],
            norm=norm[late | still_open],
            state=pd.Series("te laat", index=times.index).where(late, "nog open, norm verstreken")[
                late | still_open
            ],
        )
        parts.append(rows)
    columns = [
        "number",
        "location",
        "category_label",
        "urgency_label",
        "ordered_at",
        "measure",
        "hours",
        "norm",
        "state",
    ]
    missed = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if missed.empty:
        return pd.DataFrame(columns=columns)
    return missed[columns].sort_values(["ordered_at", "measure"], ignore_index=True)


def within_target(times: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Per measure and urgency: finished orders, the share within target, median, p90."""
    rows = []
    for measure, label in MEASURES.items():
        column = f"{measure}_wh"
        for (urgency, urgency_label), group in times.groupby(["urgency", "urgency_label"]):
            done = group[column].dropna()
            norm = targets.hours(measure, urgency)
            rows.append(
                {
                    "measure": label,
                    "done": DONE[measure],
                    "urgency_label": urgency_label,
                    "aantal": len(done),
                    "binnen_norm": float((done <= norm).mean()) if len(done) else float("nan"),
                    "mediaan": float(done.median()) if len(done) else float("nan"),
                    "p90": float(done.quantile(0.9)) if len(done) else float("nan"),
                    "norm": norm,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "measure",
            "done",
            "urgency_label",
            "aantal",
            "binnen_norm",
            "mediaan",
            "p90",
            "norm",
        ],
    )
