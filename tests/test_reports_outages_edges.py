"""The outage figures of Overzicht (lib/reports_outages.py, issue 14) computed by hand:
each person affected counted once per outage however their address was typed, at the
location they named (or "(onbekend)"), the reporter at their own report's location; the
table's order; and the reports linked within the period, of the chosen outages only.
Written against the survivors of lib/reports_outages.py (issue 11)."""

from __future__ import annotations

from datetime import date

from lib import reports_outages as outage_counts
from lib.procedure import Ticket
from lib.repository.base import complete_row
from tests.reports_fixtures import Data, iso


def outage(d: Data, tid: str, created: str, reporter: str, **kw) -> None:
    d.ticket(tid, created, **kw)
    d.tables["tickets"][-1]["reporter_email"] = reporter


def affected(d: Data, tid: str, email: str, location: str, active: bool = True) -> None:
    row = {"id": f"{tid}-{email}", "ticket_id": tid, "email": email}
    row |= {"location_id": location, "active": active}
    d.tables["affected"].append(complete_row("affected", row))


def linked(d: Data, tid: str, main: str, created: str, at: str, active: bool = True) -> None:
    d.ticket(tid, created, ("2026-03-02 09:00", "link", "nieuw", Ticket.LINKED))
    row = {"id": tid, "ticket_id": tid, "main_ticket_id": main, "linked_at": iso(at)}
    d.tables["links"].append(complete_row("links", row | {"active": active}))


def two_outages() -> Data:
    d = Data()
    outage(d, "t1", "2026-03-02 08:00", "piet@kivido.nl", location="loc-a", category="printen")
    affected(d, "t1", " Anna@Kivido.nl", "loc-b")
    affected(d, "t1", "anna@kivido.nl", "loc-b")  # the same person, typed again
    affected(d, "t1", "PIET@kivido.nl", "loc-b")  # the reporter: counted at the report
    affected(d, "t1", "kees@kivido.nl", "loc-weg")  # a location no longer on the list
    affected(d, "t1", "ruud@kivido.nl", "loc-b", active=False)  # a link undone
    outage(d, "t2", "2026-03-03 08:00", "marie@kivido.nl", location="loc-b", category="mail")
    affected(d, "t2", "joop@kivido.nl", "loc-b")
    return d


def test_each_person_is_counted_once_per_outage_where_they_said_they_were():
    v = two_outages().view(date(2026, 3, 1), date(2026, 3, 31))
    table = outage_counts.per_location_and_category(v)
    # Most people affected first; equal counts by location A-Z ("(" sorts before "L").
    assert table.to_dict("records") == [
        {"Locatie": "Locatie B", "Categorie": "E-mail", "storingen": 1, "getroffen": 2},
        {"Locatie": "(onbekend)", "Categorie": "Printen", "storingen": 0, "getroffen": 1},
        {"Locatie": "Locatie A", "Categorie": "Printen", "storingen": 1, "getroffen": 1},
        {"Locatie": "Locatie B", "Categorie": "Printen", "storingen": 0, "getroffen": 1},
    ]
    assert table.storingen.dtype == "int64" and table.getroffen.dtype == "int64"


def test_links_are_counted_within_the_period_and_of_the_chosen_outages_only():
    d = two_outages()
    linked(d, "t3", "t1", "2026-03-02 08:30", at="2026-03-02 09:00")
    linked(d, "t4", "t1", "2026-02-27 10:00", at="2026-02-27 11:00")  # before the period
    linked(d, "t5", "t2", "2026-03-03 08:30", at="2026-03-03 09:00")
    linked(d, "t6", "t2", "2026-03-03 08:40", at="2026-03-03 09:10", active=False)  # undone
    march = (date(2026, 3, 1), date(2026, 3, 31))
    assert outage_counts.linked_in_period(d.view(*march)) == 2
    assert outage_counts.linked_in_period(d.view(*march, locations=("loc-b",))) == 1
    assert outage_counts.linked_in_period(d.view(date(2026, 4, 1), date(2026, 4, 30))) == 0
