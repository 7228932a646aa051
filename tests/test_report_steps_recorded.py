"""2.1 steps 2-4, 6 and 8, 2.2 steps 3-4 as the store must hold them: assessment,
orders, communication tasks, follow-up, confirmation, resolve/close/reopen.

Written against mutation survivors of lib/services.py (`make mutate
MODULES=services`). The embedded store only: these are the rules, not the
drivers (tests/test_services.py runs the use cases on every driver).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from lib import services
from lib.procedure import IllegalTransition, Role, Ticket
from lib.validation import ValidationError
from tests.flows import STAFF, Office
from tests.recorded_support import NOW, counts, events, rows


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo)


# --- 2.1 steps 2-3: the MAZ assesses --------------------------------------------------


def test_investigation_notes_accumulate_on_the_report_and_the_timeline(office):
    ticket = office.submit()
    services.investigate(office.desk(), office.ticket(ticket["id"]), "Router herstart.")
    office.later(minutes=10)
    services.add_investigation_note(office.desk(), office.ticket(ticket["id"]), "Nog steeds\nuit.")
    stored = office.ticket(ticket["id"])
    assert stored["investigation_notes"] == "Router herstart.\nNog steeds\nuit."
    assert (stored["status"], stored["updated_at"]) == ("in_onderzoek", "2026-11-23T10:10:00+01:00")
    looked, noted = events(office, ticket)[-2:]
    assert (looked["action"], looked["to_status"], looked["note"]) == (
        "investigate",
        "in_onderzoek",
        "Router herstart.",
    )
    assert (noted["action"], noted["from_status"], noted["to_status"], noted["note"]) == (
        "note",
        "in_onderzoek",
        "in_onderzoek",
        "Nog steeds\nuit.",
    )
    assert noted["at"] == "2026-11-23T10:10:00+01:00" and noted["actor_role"] == str(Role.MAZ)


def test_investigating_needs_no_note_but_an_extra_note_must_say_something(office):
    ticket = office.submit()
    services.investigate(office.desk(), office.ticket(ticket["id"]), "")
    assert office.ticket(ticket["id"])["investigation_notes"] == ""
    before = counts(office)
    with pytest.raises(ValidationError) as refused:
        services.add_investigation_note(office.desk(), office.ticket(ticket["id"]), " ")
    assert refused.value.errors["note"].startswith("Onderzoeksnotitie")
    with pytest.raises(IllegalTransition):
        services.add_investigation_note(office.desk(STAFF), office.ticket(ticket["id"]), "Ik")
    assert counts(office) == before


def test_notes_stop_at_twenty_thousand_characters_with_a_dutch_message(office):
    ticket = office.submit()
    services.investigate(office.desk(), office.ticket(ticket["id"]), "a" * 5000)
    for _ in range(2):
        services.add_investigation_note(office.desk(), office.ticket(ticket["id"]), "b" * 5000)
    # 5000 + 2 * 5001 = 15002; one more of 4997 (+ newline) makes exactly 20,000: allowed.
    services.add_investigation_note(office.desk(), office.ticket(ticket["id"]), "c" * 4997)
    assert len(office.ticket(ticket["id"])["investigation_notes"]) == 20_000
    before = counts(office)
    with pytest.raises(ValidationError) as refused:
        services.add_investigation_note(office.desk(), office.ticket(ticket["id"]), "d")
    assert refused.value.errors["note"] == (
        "De notities bij deze melding zijn vol (samen meer dan 20.000 tekens). "
        "Vat ze samen in een korte notitie of zet de details in een document."
    )
    assert counts(office) == before


def test_urgent_triage_records_the_reason_and_orders_at_nemesys_at_once(office):
    ticket = office.triage(office.submit(), urgent=True, reason="Kantoor ligt stil")
    assert (ticket["status"], ticket["urgency"], ticket["urgency_reason"]) == (
        "opdracht_nemesys",
        "urgent",
        "Kantoor ligt stil",
    )
    assert ticket["check_due_at"] == ""
    assessed, ordered = events(office, ticket)[-2:]
    assert [(e["action"], e["from_status"], e["to_status"]) for e in (assessed, ordered)] == [
        ("triage_urgent", "nieuw", "urgent"),
        ("place_order", "urgent", "opdracht_nemesys"),
    ]
    assert assessed["note"] == ordered["note"] == "Kantoor ligt stil"
    [order] = rows(office, "orders", ticket_id=ticket["id"])
    assert order["ordered_at"] == NOW
    [mail] = rows(office, "messages", kind="opdracht")
    assert mail["to_address"] == "support@nemesys.nl" and mail["ticket_id"] == ticket["id"]
    assert "(URGENT)" in mail["subject"] and "Geen kiestoon" in mail["body"]


def test_not_urgent_triage_waits_until_the_next_working_days_check(office):
    ticket = office.waiting()
    assert (ticket["status"], ticket["urgency"], ticket["urgency_reason"]) == (
        "wacht_op_controle",
        "niet_urgent",
        "Kan wachten",
    )
    assert ticket["check_due_at"] == "2026-11-24T09:00:00+01:00"
    assert rows(office, "orders", ticket_id=ticket["id"]) == []
    assert rows(office, "messages", kind="opdracht") == []
    [assessed] = events(office, ticket)[-1:]
    assert (assessed["action"], assessed["note"]) == ("triage_not_urgent", "Kan wachten")


def test_an_assessment_needs_a_reason(office):
    ticket = office.submit()
    before = counts(office)
    with pytest.raises(ValidationError) as refused:
        office.triage(ticket, urgent=True, reason="")
    assert refused.value.errors["note"].startswith("Reden")
    assert counts(office) == before


def test_reclassifying_a_waiting_report_as_urgent_orders_it(office):
    ticket = office.waiting()
    services.reclassify(
        office.desk(), office.snap(), office.ticket(ticket["id"]), urgent=True, reason="Erger"
    )
    stored = office.ticket(ticket["id"])
    assert (stored["status"], stored["urgency"], stored["urgency_reason"]) == (
        "opdracht_nemesys",
        "urgent",
        "Erger",
    )
    assert [e["action"] for e in events(office, ticket)[-2:]] == [
        "reclassify_urgent",
        "place_order",
    ]
    assert len(rows(office, "orders", ticket_id=ticket["id"])) == 1


# --- 2.1 step 6: phone and mail outages make a communication task ---------------------


def test_a_phone_outage_asks_the_unit_manager_to_inform_parents(office):
    ticket = office.triage(office.submit(category="telefonie"), urgent=True, reason="Stil")
    [task] = rows(office, "communication_tasks", ticket_id=ticket["id"])
    assert (task["location_id"], task["status"], task["created_at"]) == (
        "demo-zonnebloem",
        "open",
        NOW,
    )
    [mail] = rows(office, "messages", kind="communicatie")
    assert (mail["id"], mail["to_address"]) == (f"{task['id']}-mail", "sanne@kivido.example")
    [opened] = [e for e in office.snap().timeline(ticket["id"]) if e["entity"] == "communication"]
    assert (opened["entity_id"], opened["action"], opened["from_status"]) == (
        task["id"],
        "open",
        "",
    )
    assert (opened["to_status"], opened["note"]) == ("open", "Ouders en medewerkers informeren")


def test_a_printer_outage_makes_no_communication_task(office):
    ticket = office.triage(office.submit(category="printen"), urgent=True, reason="Stil")
    assert rows(office, "communication_tasks", ticket_id=ticket["id"]) == []


# --- 2.2 steps 3-4: the next-day follow-up ----------------------------------------------


def test_solved_at_follow_up_removes_the_report_with_the_contact_notes(office):
    ticket = office.waiting()
    office.later(days=1)
    stored = office.follow_up(ticket, solved=True, notes="Melder: werkt weer")
    assert (stored["status"], stored["followup_notes"]) == ("verwijderd", "Melder: werkt weer")
    solved = events(office, ticket)[-1]
    assert (solved["action"], solved["note"]) == ("follow_up_solved", "Melder: werkt weer")
    assert rows(office, "orders", ticket_id=ticket["id"]) == []


def test_not_solved_after_the_check_orders_at_nemesys(office):
    ticket = office.waiting()
    office.later(days=1)
    stored = office.follow_up(ticket, solved=False, notes="Nog steeds kapot")
    assert (stored["status"], stored["urgency"]) == ("opdracht_nemesys", "niet_urgent")
    assert [e["action"] for e in events(office, ticket)[-2:]] == [
        "triage_not_urgent",
        "follow_up_not_solved",
    ]
    assert events(office, ticket)[-1]["note"] == "Nog steeds kapot"
    [mail] = rows(office, "messages", kind="opdracht")
    assert "Nog steeds kapot" in mail["body"] and "(URGENT)" not in mail["subject"]


def test_an_order_before_the_check_moment_makes_the_report_urgent(office):
    ticket = office.waiting()
    office.later(hours=2)
    stored = office.follow_up(ticket, solved=False, notes="Belde terug: erger")
    assert (stored["urgency"], stored["urgency_reason"]) == ("urgent", "Belde terug: erger")
    assert [e["action"] for e in events(office, ticket)[-2:]] == [
        "reclassify_urgent",
        "place_order",
    ]


def test_a_follow_up_needs_a_report_of_the_contact(office):
    ticket = office.waiting()
    with pytest.raises(ValidationError) as refused:
        office.follow_up(ticket, solved=True, notes="")
    assert refused.value.errors["note"].startswith("Verslag van het contact")


# --- 2.1 step 4: Nemesys confirms -------------------------------------------------------


def test_the_confirmation_records_nemesys_reference_and_moment(office):
    ticket = office.triage(office.submit(), urgent=True, reason="Stil")
    office.later(minutes=20)
    confirmed_at = office.at - timedelta(minutes=5)
    services.confirm_order(
        office.desk(),
        office.ticket(ticket["id"]),
        office.order(ticket["id"]),
        reference="NEM-42",
        confirmed_at=confirmed_at,
    )
    order = office.order(ticket["id"])
    assert (order["nemesys_reference"], order["confirmed_at"]) == (
        "NEM-42",
        "2026-11-23T10:15:00+01:00",
    )
    step = events(office, ticket)[-1]
    assert (step["action"], step["note"]) == ("confirm", "Referentie Nemesys: NEM-42")
    assert office.ticket(ticket["id"])["status"] == Ticket.CONFIRMED


@pytest.mark.parametrize("minutes, accepted", [(-1, True), (-2, False), (5, True), (6, False)])
def test_a_confirmation_moment_is_checked_with_a_minute_of_slack(office, minutes, accepted):
    """Before the order (one minute of clock slack) or in the future (five) is refused."""
    ticket = office.triage(office.submit(), urgent=True, reason="Stil")
    # The order was placed at NOW; "now" is one hour later; minutes count from either end.
    office.later(hours=1)
    base = office.at - timedelta(hours=1) if minutes < 0 else office.at
    when = base + timedelta(minutes=minutes)
    args = (office.desk(), office.ticket(ticket["id"]), office.order(ticket["id"]))
    if accepted:
        services.confirm_order(*args, reference="NEM-1", confirmed_at=when)
        assert office.ticket(ticket["id"])["status"] == Ticket.CONFIRMED
    else:
        with pytest.raises(ValidationError) as refused:
            services.confirm_order(*args, reference="NEM-1", confirmed_at=when)
        assert refused.value.errors == {
            "confirmed_at": "Nemesys kan niet bevestigen voordat de opdracht is gegeven."
            if minutes < 0
            else "Het moment van bevestiging ligt in de toekomst."
        }


def test_a_confirmation_needs_nemesys_reference(office):
    ticket = office.triage(office.submit(), urgent=True, reason="Stil")
    with pytest.raises(ValidationError) as refused:
        services.confirm_order(
            office.desk(), office.ticket(ticket["id"]), office.order(ticket["id"]), reference=""
        )
    assert refused.value.errors["reference"].startswith("Referentie van Nemesys")


# --- 2.1 step 8 and after: resolved, closed, reopened -----------------------------------


def test_resolve_close_and_reopen_keep_their_notes(office):
    ticket = office.triage(office.submit(), urgent=True, reason="Stil")
    services.confirm_order(
        office.desk(), office.ticket(ticket["id"]), office.order(ticket["id"]), reference="N"
    )
    services.resolve(office.desk(), office.ticket(ticket["id"]), "Kabel vervangen")
    services.close(office.desk(), office.ticket(ticket["id"]), "Melder tevreden")
    with pytest.raises(ValidationError) as refused:
        services.reopen(office.desk(), office.ticket(ticket["id"]), "")
    assert refused.value.errors["note"].startswith("Reden")
    services.reopen(office.desk(), office.ticket(ticket["id"]), "Weer stuk")
    assert [(e["action"], e["note"]) for e in events(office, ticket)[-3:]] == [
        ("resolve", "Kabel vervangen"),
        ("close", "Melder tevreden"),
        ("reopen", "Weer stuk"),
    ]
    with pytest.raises(ValidationError):
        services.resolve(office.desk(), office.ticket(ticket["id"]), "x\x01")
