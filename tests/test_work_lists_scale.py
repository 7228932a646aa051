"""Issue 10 points 3 and 4: a page view costs what its work list shows, not the history.

Not timings: counts. How many cards a page draws, how many timelines it builds,
how often Overzicht builds its frames; and that the indexed Snapshot answers as
the definitions say (checked against plain scans written here).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from unittest import mock

import pytest
import streamlit as st

import bench
from lib import reports, workdays
from lib.procedure import Ticket
from lib.snapshot import Snapshot
from lib.ui import cards
from tests.apptest_support import app_store, page  # noqa: F401
from tests.cards_support import card_keys
from tests.flows import Office

CLOSED = {Ticket.CLOSED, Ticket.REMOVED}


# --- the Snapshot's look-ups, against their definitions ---------------------------


def _reference_timeline(tables: dict, ticket_id: str) -> list[dict]:
    """Procedure: a ticket's timeline is its events and those of invoices for its orders."""
    orders = {o["id"] for o in tables["orders"] if o["ticket_id"] == ticket_id}
    invoices = {i["id"] for i in tables["invoices"] if orders & set(i["order_ids"].split(","))}
    events = [
        e for e in tables["events"] if e["ticket_id"] == ticket_id or e["entity_id"] in invoices
    ]
    return sorted(events, key=lambda e: e["at"])


def test_indexed_snapshot_answers_as_a_scan_would():
    """Test that timeline, orders, quotes, invoices and statuses equal plain scans, per ticket."""
    tables = bench.generate(300, seed=5)
    # Invoice events, as the services write them: entity 'invoice', no ticket of their own.
    for k, invoice in enumerate(tables["invoices"][:40]):
        tables["events"].append(
            tables["events"][0]
            | {"id": f"inv-ev-{k}", "ticket_id": "", "entity": "invoice"}
            | {"entity_id": invoice["id"], "action": "approve", "at": invoice["registered_at"]}
        )
    snap = Snapshot(tables)
    for t in tables["tickets"]:
        assert snap.timeline(t["id"]) == _reference_timeline(tables, t["id"])
        orders = [o for o in tables["orders"] if o["ticket_id"] == t["id"]]
        assert snap.order_for(t["id"]) == (
            max(orders, key=lambda o: o["ordered_at"]) if orders else None
        )
        quotes = sorted(
            (q for q in tables["quotes"] if q["ticket_id"] == t["id"]),
            key=lambda q: q["received_at"],
        )
        assert snap.quotes_for(t["id"]) == quotes
    for o in tables["orders"]:
        expected = [i for i in tables["invoices"] if o["id"] in i["order_ids"].split(",")]
        assert snap.invoices_for_order(o["id"]) == expected
    statuses = (Ticket.NEW, Ticket.CLOSED, Ticket.ORDERED)
    expected = sorted(
        (t for t in tables["tickets"] if t["status"] in statuses), key=lambda t: t["created_at"]
    )
    assert snap.tickets_in(*statuses) == expected
    assert sum(len(snap.timeline(t["id"])) for t in tables["tickets"]) >= len(tables["events"]) - 40


# --- a page view does not grow with closed history ---------------------------------


def _store_with_history(repo, closed: int) -> dict:
    """The same open work (bench.generate's last month) with `closed` closed reports before it."""
    now = workdays.now()
    tables = bench.generate(400, seed=9, end=now)
    open_ids = [t["id"] for t in tables["tickets"] if t["status"] not in CLOSED]
    closed_ids = [t["id"] for t in tables["tickets"] if t["status"] in CLOSED][:closed]
    keep = set(open_ids) | set(closed_ids)
    kept = {
        name: [r for r in rows if r.get("ticket_id", r["id"]) in keep]
        for name, rows in tables.items()
    }
    kept["tickets"] = [t for t in tables["tickets"] if t["id"] in keep]
    orders = {o["id"] for o in kept["orders"]}
    kept["invoices"] = [i for i in tables["invoices"] if set(i["order_ids"].split(",")) <= orders]
    kept["locations"] = tables["locations"]
    bench.write(repo, kept)
    return kept


@pytest.fixture
def counted_timelines():
    calls = Counter()
    original = Snapshot.timeline

    def timeline(self, ticket_id):
        calls["timeline"] += 1
        return original(self, ticket_id)

    with mock.patch.object(Snapshot, "timeline", timeline):
        yield calls


@pytest.mark.parametrize("path", ["pages/nemesys.py", "pages/beoordelen.py", "pages/opvolgen.py"])
def test_a_work_page_draws_as_many_cards_and_timelines_whatever_the_closed_history(
    app_store,  # noqa: F811
    tmp_path,
    monkeypatch,
    counted_timelines,
    path,
):
    """Test that 20 or 200 closed reports make no difference to cards drawn and timelines built."""
    seen = []
    for closed in (20, 200):
        db = tmp_path / f"history-{closed}.db"
        repo = type(app_store).at_path(db)
        repo.setup()
        _store_with_history(repo, closed)
        monkeypatch.setenv("KIVIDO_DB", str(db))
        st.cache_data.clear()
        st.cache_resource.clear()
        counted_timelines.clear()
        at = page(path, role="maz").run()
        assert not at.exception
        seen.append((len(card_keys(at)), counted_timelines["timeline"]))
    assert seen[0] == seen[1]
    cards_drawn, timelines = seen[0]
    assert 0 < cards_drawn <= cards.PAGE_SIZE + 10  # one page of open work (+ 10 closed at Nemesys)
    # Nothing opened, so no card drew its timeline; Nemesys reads the ordering moment of
    # each open order from it (lib/invoice_check.py): open work, never the closed history.
    assert timelines == 0 if path != "pages/nemesys.py" else 0 < timelines <= cards_drawn


# --- paging and the search by number ----------------------------------------------


@pytest.fixture
def thirty_new(app_store):  # noqa: F811
    office = Office(app_store, start=datetime.now(workdays.AMSTERDAM) - timedelta(days=3))
    made = []
    for _ in range(cards.PAGE_SIZE + 5):
        made.append(office.submit())
        office.later(minutes=5)
    return made


def _queue_cards(at) -> list[str]:
    return [e.label.split(" · ")[0] for e in at.expander if e.label.startswith("KIV-")]


def test_beoordelen_shows_one_page_of_cards_and_finds_an_old_one_by_number(thirty_new):
    """Test that 30 new reports show 25 cards, page 2 the other 5, and a search finds the oldest."""
    at = page("pages/beoordelen.py", role="maz").run()
    assert not at.exception
    numbers = [t["number"] for t in thirty_new]
    assert _queue_cards(at) == numbers[: cards.PAGE_SIZE]  # oldest first, as the queue orders
    at.number_input(key="pagina-beoordelen").set_value(2).run()
    assert _queue_cards(at) == numbers[cards.PAGE_SIZE :]
    at.text_input(key="zoek-beoordelen").input(numbers[0][-4:]).run()
    assert _queue_cards(at) == [numbers[0]]
    at.text_input(key="zoek-beoordelen").input("KIV-1999").run()
    assert _queue_cards(at) == [] and "Geen melding(en)" in at.info[0].value


def test_a_start_link_opens_its_card_also_beyond_the_first_page(thirty_new):
    """Test that ?melding= shows the named report's card, opened with its forms, on page 1."""
    wanted = thirty_new[-1]
    at = page("pages/beoordelen.py", role="maz")
    at.query_params["melding"] = wanted["number"]
    at.run()
    assert not at.exception
    opened = [e.label.split(" · ")[0] for e in at.expander if e.proto.expanded]
    assert opened == [wanted["number"]]
    assert f"triage-{wanted['id']}-reason" in {t.key for t in at.text_area}
    assert len(_queue_cards(at)) == cards.PAGE_SIZE + 1


def test_a_closed_card_draws_no_forms_and_opening_it_does(thirty_new):
    """Test that a card's forms exist only once it is opened."""
    first = thirty_new[0]
    at = page("pages/beoordelen.py", role="maz").run()
    assert not at.text_area and not at.get("form")
    at.session_state[cards.card_key("beoordelen", first)] = True
    at.run()
    assert [t.key for t in at.text_area] == [
        f"onderzoek-{first['id']}-note",
        f"triage-{first['id']}-reason",
    ]


# --- Overzicht: frames once per data change, shared by sessions ----------------------


def test_overzicht_builds_its_frames_once_per_data_change_for_every_session(app_store):  # noqa: F811
    """Test that two sessions and an expired read reuse one build; new data builds anew."""
    office = Office(app_store, start=datetime.now(workdays.AMSTERDAM) - timedelta(days=3))
    office.submit()
    builds = Counter()
    original = reports.frames

    def frames(tables):
        builds["frames"] += 1
        return original(tables)

    with mock.patch.object(reports, "frames", frames), mock.patch("time.time") as clock:
        clock.return_value = 1_000_000.0
        first = page("pages/overzicht.py", role="directie").run()
        second = page("pages/overzicht.py", role="directie").run()
        assert not first.exception and not second.exception
        assert builds["frames"] == 1
        clock.return_value += 3600  # far past cache_seconds: the read is renewed
        second.run()
        assert builds["frames"] == 1  # same data: the frames are reused
        office.submit()
        clock.return_value += 3600
        second.run()
        assert not second.exception and builds["frames"] == 2
