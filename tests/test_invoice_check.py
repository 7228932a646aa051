"""lib.invoice_check on hand-made snapshots whose answers were worked out by hand."""

from datetime import datetime

from lib import invoice_check
from lib.invoice_check import approved_quote_total, deviation, unconfirmed_orders
from lib.schema import empty_row
from lib.snapshot import Snapshot
from lib.workdays import AMSTERDAM, WorkdayConfig

WORKDAY = WorkdayConfig()  # 08:30-17:00


def row(table: str, **values) -> dict:
    return {**empty_row(table), **values}


def quote(order_id: str, cents: int, status: str = "goedgekeurd") -> dict:
    return row(
        "quotes", id=f"q-{order_id}-{cents}", order_id=order_id, amount_cents=cents, status=status
    )


def invoice(id_: str, excl: int, orders: str = "o1", status: str = "ontvangen", **kw) -> dict:
    return row("invoices", id=id_, amount_excl_cents=excl, order_ids=orders, status=status, **kw)


def snap(quotes=(), invoices=(), tickets=(), orders=(), events=(), locations=()) -> Snapshot:
    return Snapshot(
        {
            "quotes": list(quotes),
            "invoices": list(invoices),
            "tickets": list(tickets),
            "orders": list(orders),
            "events": list(events),
            "locations": list(locations),
        }
    )


def at(text: str) -> str:
    """'2026-11-23 15:00' as stored: ISO 8601 with the Amsterdam offset."""
    return datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM).isoformat()


QUOTES = [
    quote("o1", 100_000),
    quote("o1", 50_000, "afgewezen"),
    quote("o2", 20_000),
    quote("o3", 999, "ontvangen"),
]


def test_approved_quote_total_counts_only_approved_quotes_of_the_orders():
    """Test that only approved quotes on the given orders add up, in cents."""
    s = snap(QUOTES)
    assert approved_quote_total(s, ["o1", "o2"]) == 120_000
    assert approved_quote_total(s, ["o1"]) == 100_000
    assert approved_quote_total(s, ["o3"]) == 0
    assert approved_quote_total(s, []) == 0


def test_deviation_within_one_percent_is_not_flagged():
    """Test that € 9,00 on a € 1.000,00 quote (tolerance € 10,00) is not flagged."""
    d = deviation(invoice("i1", 100_900), snap(QUOTES))
    assert (d.quote_cents, d.difference_cents, d.flagged) == (100_000, 900, False)
    assert d.note == "In lijn met de goedgekeurde offerte."


def test_deviation_above_one_percent_is_flagged_both_ways():
    """Test that € 10,01 more and € 20,00 less than a € 1.000,00 quote are flagged."""
    higher = deviation(invoice("i1", 101_001), snap(QUOTES))
    assert (higher.difference_cents, higher.flagged) == (1_001, True)
    assert higher.note == "€\xa010,01 hoger dan de goedgekeurde offerte."
    lower = deviation(invoice("i1", 98_000), snap(QUOTES))
    assert (lower.difference_cents, lower.flagged) == (-2_000, True)
    assert lower.note == "€\xa020,00 lager dan de goedgekeurde offerte."


def test_small_quotes_get_one_euro_tolerance():
    """Test that on a € 50,00 quote € 1,00 passes and € 1,01 is flagged (1% would be 50 cents)."""
    s = snap([quote("o9", 5_000)])
    assert deviation(invoice("i1", 5_100, "o9"), s).flagged is False
    assert deviation(invoice("i1", 5_101, "o9"), s).flagged is True


def test_invoice_for_several_orders_compares_with_all_their_quotes():
    """Test that an invoice for o1 and o2 is held against € 1.000 + € 200."""
    d = deviation(invoice("i1", 120_000, "o1,o2"), snap(QUOTES))
    assert (d.quote_cents, d.difference_cents, d.flagged) == (120_000, 0, False)


def test_no_approved_quote_is_noted_not_flagged():
    """Test that without an approved quote there is no comparison, only a note."""
    d = deviation(invoice("i1", 5_000, "o3"), snap(QUOTES))
    assert (d.quote_cents, d.difference_cents, d.flagged) == (None, None, False)
    assert "Geen goedgekeurde offerte" in d.note


def test_earlier_accepted_invoices_on_the_same_order_count_towards_the_quote():
    """Test that € 600 approved + € 400 now match a € 1.000 quote; a rejected one is ignored."""
    earlier = [
        invoice("i0", 60_000, status="goedgekeurd"),
        invoice("ix", 99_999, status="afgekeurd"),
        invoice("iy", 50_000, "o2", status="betaald"),
    ]
    d = deviation(invoice("i1", 40_000), snap(QUOTES, earlier))
    assert (d.difference_cents, d.flagged) == (0, False)
    assert d.note.startswith("Samen met eerder gefactureerd (€\xa0600,00)")
    again = deviation(invoice("i1", 100_000), snap(QUOTES, earlier))
    assert (again.difference_cents, again.flagged) == (60_000, True)


def test_credit_note_is_netted_with_the_invoice_it_corrects():
    """Test that a € -210 credit note on a rejected € 1.210 invoice nets to the € 1.000 quote."""
    original = invoice("i0", 121_000, status="nemesys_benaderd")
    credit = invoice("i1", -21_000, kind="creditnota", corrects_invoice_id="i0")
    d = deviation(credit, snap(QUOTES, [original]))
    assert (d.difference_cents, d.flagged) == (0, False)


def ticket(id_: str, status: str = "opdracht_nemesys", created: str = "2026-11-01 09:00") -> dict:
    return row("tickets", id=id_, status=status, created_at=at(created), number=f"KIV-{id_}")


def order(ticket_id: str, ordered: str) -> dict:
    return row("orders", id=f"o-{ticket_id}", ticket_id=ticket_id, ordered_at=at(ordered))


def test_unconfirmed_orders_count_working_hours_longest_first():
    """Test that waits of 11 h, 3,5 h and 0,5 h (after a reopening) come longest first."""
    s = snap(
        tickets=[ticket("a"), ticket("b"), ticket("c"), ticket("d", "bevestigd_nemesys")],
        orders=[
            order("a", "2026-11-23 15:00"),  # Mon 15-17 + Tue 08:30-10 = 3,5 h
            order("b", "2026-11-20 16:00"),  # Fri 1 + Mon 8,5 + Tue 1,5 = 11 h
            order("c", "2026-11-16 09:00"),  # reopened Tue 09:30: 0,5 h
            order("d", "2026-11-02 09:00"),  # confirmed: not waiting
        ],
        events=[
            row("events", id="e1", ticket_id="c", entity="ticket", to_status="opdracht_nemesys",
                at=at("2026-11-16 09:00")),
            row("events", id="e2", ticket_id="c", entity="ticket", to_status="opdracht_nemesys",
                at=at("2026-11-24 09:30")),
        ],
    )  # fmt: skip
    now = datetime(2026, 11, 24, 10, 0, tzinfo=AMSTERDAM)
    waiting = unconfirmed_orders(s, now, 4, WORKDAY)
    assert [(w.ticket["id"], w.hours, w.overdue) for w in waiting] == [
        ("b", 11.0, True),
        ("a", 3.5, False),
        ("c", 0.5, False),
    ]
    assert waiting[2].since == at("2026-11-24 09:30")


def test_unconfirmed_at_exactly_the_limit_is_overdue():
    """Test that an order waiting exactly 4 working hours counts as overdue."""
    s = snap(tickets=[ticket("a")], orders=[order("a", "2026-11-23 13:00")])
    now = datetime(2026, 11, 23, 17, 0, tzinfo=AMSTERDAM)
    [w] = unconfirmed_orders(s, now, 4, WORKDAY)
    assert (w.hours, w.overdue) == (4.0, True)


def test_christmas_and_the_weekend_do_not_count():
    """Test that Thu 24-12 16:00 to Mon 28-12 09:00 is 1,5 working hours."""
    s = snap(tickets=[ticket("a")], orders=[order("a", "2026-12-24 16:00")])
    now = datetime(2026, 12, 28, 9, 0, tzinfo=AMSTERDAM)
    [w] = unconfirmed_orders(s, now, 4, WORKDAY)
    assert (w.hours, w.overdue) == (1.5, False)


def test_order_labels_name_ticket_number_and_location():
    """Test that an order is labelled by its ticket number and location name."""
    s = snap(
        tickets=[ticket("a") | {"location_id": "loc"}],
        orders=[order("a", "2026-11-23 13:00")],
        locations=[row("locations", id="loc", name="De Zonnebloem")],
    )
    assert invoice_check.order_labels(s) == {"o-a": "KIV-a · De Zonnebloem"}


def test_no_approved_quote_note_tells_the_maz_what_to_do():
    """Test the whole Dutch note when there is nothing to compare with."""
    d = deviation(invoice("i1", 5_000, "o3"), snap(QUOTES))
    assert d.note == (
        "Geen goedgekeurde offerte voor deze opdracht(en): "
        "controleer het bedrag aan de hand van de opdracht."
    )


def test_a_corrected_invoice_does_not_net_its_rejected_original():
    """Test that only a credit note nets the original; a corrected invoice replaces it."""
    original = invoice("i0", 121_000, status="nemesys_benaderd")
    corrected = invoice("i1", 100_000, kind="factuur", corrects_invoice_id="i0")
    assert invoice_check.invoiced_before(snap(QUOTES, [original]), corrected) == 0


def test_a_credit_note_nets_its_original_on_top_of_earlier_accepted_invoices():
    """Test € 200 approved earlier + the € 1.210 original = € 1.410 before the credit note."""
    earlier = invoice("i9", 20_000, status="goedgekeurd")
    original = invoice("i0", 121_000, status="nemesys_benaderd")
    credit = invoice("i1", -21_000, kind="creditnota", corrects_invoice_id="i0")
    assert invoice_check.invoiced_before(snap(QUOTES, [earlier, original]), credit) == 141_000


def test_other_steps_after_the_order_do_not_restart_the_wait():
    """Test that a communication event after the order leaves the wait counting from the order."""
    s = snap(
        tickets=[ticket("a")],
        orders=[order("a", "2026-11-23 13:00")],
        events=[
            row("events", id="e1", ticket_id="a", entity="ticket", to_status="opdracht_nemesys",
                at=at("2026-11-23 13:00")),
            row("events", id="e2", ticket_id="a", entity="communication", to_status="afgerond",
                at=at("2026-11-23 16:00")),
        ],
    )  # fmt: skip
    [w] = unconfirmed_orders(s, datetime(2026, 11, 23, 17, 0, tzinfo=AMSTERDAM), 4, WORKDAY)
    assert (w.since, w.hours, w.order["id"]) == (at("2026-11-23 13:00"), 4.0, "o-a")


def test_the_wait_starts_at_the_later_moment_also_across_the_clock_change():
    """Test that 02:10+01:00 (after the change back) is later than 02:30+02:00 on 25-10-2026."""
    early = "2026-10-25T02:30:00+02:00"  # 00:30 UTC
    late = "2026-10-25T02:10:00+01:00"  # 01:10 UTC
    s = snap(
        tickets=[ticket("a")],
        orders=[row("orders", id="o-a", ticket_id="a", ordered_at=early)],
        events=[row("events", id="e1", ticket_id="a", entity="ticket",
                    to_status="opdracht_nemesys", at=late)],
    )  # fmt: skip
    [w] = unconfirmed_orders(s, datetime(2026, 10, 26, 9, 0, tzinfo=AMSTERDAM), 4, WORKDAY)
    assert w.since == late


def test_an_ordered_report_without_its_order_row_is_skipped_not_the_rest():
    """Test that a report marked ordered by hand without an order does not hide the others."""
    s = snap(tickets=[ticket("x"), ticket("a")], orders=[order("a", "2026-11-23 13:00")])
    waiting = unconfirmed_orders(s, datetime(2026, 11, 23, 17, 0, tzinfo=AMSTERDAM), 4, WORKDAY)
    assert [w.ticket["id"] for w in waiting] == ["a"]


def test_the_working_day_of_the_settings_is_used():
    """Test that a day from 09:00 to 12:00 counts 3 working hours on a Monday afternoon order."""
    short = WorkdayConfig(day_start=WORKDAY.day_start.replace(hour=9, minute=0),
                          day_end=WORKDAY.day_end.replace(hour=12, minute=0))  # fmt: skip
    s = snap(tickets=[ticket("a")], orders=[order("a", "2026-11-23 13:00")])
    [w] = unconfirmed_orders(s, datetime(2026, 11, 24, 17, 0, tzinfo=AMSTERDAM), 4, short)
    assert w.hours == 3.0


def test_order_labels_come_newest_first_and_survive_a_missing_ticket():
    """Test the order of the labels and the '?' of an order whose report is gone."""
    s = snap(
        tickets=[ticket("a") | {"location_id": "loc"}, ticket("b") | {"location_id": "loc"}],
        orders=[
            order("a", "2026-11-20 13:00"),
            order("b", "2026-11-23 13:00"),
            order("gone", "2026-11-21 13:00"),
        ],
        locations=[row("locations", id="loc", name="De Zonnebloem")],
    )
    assert list(invoice_check.order_labels(s).items()) == [
        ("o-b", "KIV-b · De Zonnebloem"),
        ("o-gone", "? · (onbekend)"),
        ("o-a", "KIV-a · De Zonnebloem"),
    ]
