"""Counting an outage once (issue 14): outages and the people they affect.

A report linked to another ("hoort bij") is not an outage of its own: reports.frames
leaves it out of the tickets, so new reports, open work, recurring trouble and
turnaround count the outage once. Who it affected is its own figure, from the
`affected` frame built here: one row per person per outage (the reporter, and
each other address once), at the location that person named.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.procedure import Ticket


def kept_tickets(rows: list[dict]) -> list[dict]:
    """The reports that are outages of their own: every report but the linked ones."""
    return [r for r in rows if r["status"] != Ticket.LINKED]


def linked_ids(rows: list[dict]) -> set[str]:
    return {r["id"] for r in rows if r["status"] == Ticket.LINKED}


def affected_frame(tables: dict[str, list[dict]], tickets: pd.DataFrame) -> pd.DataFrame:
    """One row per person affected by each outage: tix, the person's location label."""
    kept = kept_tickets(tables["tickets"])
    people_rows = [(t["id"], t["reporter_email"], t["location_id"]) for t in kept]
    people_rows += [
        (r["ticket_id"], r["email"], r["location_id"]) for r in tables["affected"] if r["active"]
    ]
    frame = pd.DataFrame(people_rows, columns=["ticket_id", "email", "location_id"], dtype="str")
    frame["email"] = frame.email.str.strip().str.lower()  # as lib.people.normal_email
    frame = frame.drop_duplicates(["ticket_id", "email"], ignore_index=True)
    tix = pd.Index(tickets.id).get_indexer(frame.ticket_id).astype("int32")
    names = {r["id"]: r["name"] for r in tables["locations"]}
    location = frame.location_id.map(names).fillna("(onbekend)").astype("str")
    return pd.DataFrame({"tix": tix, "location": location})[tix >= 0].reset_index(drop=True)


def links_frame(tables: dict[str, list[dict]], tickets: pd.DataFrame) -> pd.DataFrame:
    """The reports linked to an outage: the outage's tix and when the link was made."""
    index = pd.Index(tickets.id)
    rows = [r for r in tables["links"] if r["active"]]
    tix = index.get_indexer([r["main_ticket_id"] for r in rows]).astype("int32")
    at = pd.to_datetime(pd.Series([r["linked_at"] for r in rows], dtype=object), utc=True)
    return pd.DataFrame({"tix": tix, "linked_at": at.dt.tz_convert("Europe/Amsterdam")})


def per_location_and_category(v) -> pd.DataFrame:
    """Outages reported in the period and the people they affected, per location and category.

    An outage counts at its own report's location; each person at the location they named.
    """
    t = v.frames.tickets
    t = t[v.in_period(t.created_at)]
    a = v.frames.affected
    a = a[np.isin(a.tix.to_numpy(), t.index.to_numpy())]
    category = t.category_label.astype("str")
    outages = pd.DataFrame({"location": t.location.astype("str"), "category": category})
    outages = outages.value_counts().rename("storingen")
    people_at = pd.DataFrame(
        {"location": a.location.to_numpy(), "category": category.loc[a.tix].to_numpy()}
    )
    counted = people_at.value_counts().rename("getroffen")
    table = pd.concat([outages, counted], axis=1).fillna(0).astype("int64").reset_index()
    table = table.rename(columns={"location": "Locatie", "category": "Categorie"})
    return table.sort_values(["getroffen", "Locatie"], ascending=[False, True], ignore_index=True)


def linked_in_period(v) -> int:
    """How many reports were linked to an outage (of the chosen ones) within the period."""
    links = v.frames.links
    chosen = np.isin(links.tix.to_numpy(), v.frames.tickets.index.to_numpy())
    return int((chosen & v.in_period(links.linked_at).to_numpy()).sum())
