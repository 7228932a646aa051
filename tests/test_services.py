"""The use cases, step by step of the procedure, on both drivers."""

from datetime import datetime

import pytest

from lib import billing, services
from lib.procedure import IllegalTransition, Ticket
from lib.repository import Conflict
from lib.validation import ValidationError
from lib.workdays import AMSTERDAM
from tests.flows import DIRECTIE, FINANCE, MAZ, STAFF, UNIT_MANAGER, Office, report_form


@pytest.fixture
def office(repo):
    return Office(repo)


def counts(office: Office) -> dict[str, int]:
    return {name: len(rows) for name, rows in office.repo.read_all().items()}


def test_submit_makes_one_numbered_report_with_event_and_receipt(office):
    """Test that 2.1 step 1 creates ticket KIV-2026-0001, its event and a receipt mail."""
    ticket = office.submit()
    snap = office.snap()
    assert ticket["number"] == "KIV-2026-0001" and ticket["status"] == Ticket.NEW
    assert ticket["suggested_urgency"] == "urgent"
    assert [e["action"] for e in snap.timeline(ticket["id"])] == ["submit"]
    assert [m["to_address"] for m in snap.outbox()] == ["ruben@kivido.example"]
    assert office.submit()["number"] == "KIV-2026-0002"


def test_the_same_submission_twice_makes_one_report(office):
    """Test that a double click (same submission id) neither duplicates nor fails."""
    desk, form = office.desk(STAFF), report_form()
    first = services.submit_report(desk, office.snap(), form, submission_id="abc")
    second = services.submit_report(desk, office.snap(), form, submission_id="abc")
    assert first["id"] == second["id"] and first["number"] == second["number"]
    assert counts(office)["tickets"] == 1 and counts(office)["events"] == 1
    assert counts(office)["messages"] == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reporter_email", "geen-adres", "geen geldig e-mailadres"),
        ("reporter_name", "", "verplicht"),
        ("description", "x" * 50_000, "te lang"),
        ("description", "kapot\x00\x07", "stuurtekens"),
        ("location_id", "nergens", "geldige waarde"),
        ("category", "koffie", "geldige waarde"),
    ],
)
def test_bad_input_is_refused_in_dutch_and_writes_nothing(office, field, value, message):
    before = counts(office)
    with pytest.raises(ValidationError) as refused:
        services.submit_report(
            office.desk(STAFF), office.snap(), report_form(**{field: value}), submission_id="x"
        )
    assert message in refused.value.errors[field]
    assert counts(office) == before


def test_urgent_triage_orders_at_once_and_opens_the_communication_task(office):
    """Test 2.1 steps 2, 3b and 6: one action, an order, the mail to Nemesys, a task."""
    ticket = office.submit(category="telefonie")
    office.triage(ticket, urgent=True, reason="Geen telefoon")
    snap = office.snap()
    assert snap.ticket(ticket["id"])["status"] == Ticket.ORDERED
    assert [e["action"] for e in snap.timeline(ticket["id"])] == [
        "submit",
        "triage_urgent",
        "place_order",
        "open",
    ]
    order_mail = [m for m in snap.outbox() if m["kind"] == "opdracht"]
    assert order_mail[0]["to_address"] == "support@nemesys.nl"
    assert ticket["number"] in order_mail[0]["subject"]
    assert "Geen kiestoon" in order_mail[0]["body"]
    assert snap.communication_task(ticket["id"])["status"] == "open"


def test_not_urgent_on_friday_waits_until_monday(office):
    """Test 2.2 step 3: the check moment is the next working day."""
    office.at = datetime(2026, 11, 27, 15, 0, tzinfo=AMSTERDAM)
    ticket = office.submit(category="printen", blocks_office_work=False)
    assert ticket["suggested_urgency"] == "niet_urgent"
    services.triage(
        office.desk(),
        office.snap(),
        office.ticket(ticket["id"]),
        urgent=False,
        reason="Kan wachten",
    )
    row = office.ticket(ticket["id"])
    assert row["status"] == Ticket.WAITING
    assert row["check_due_at"] == "2026-11-30T09:00:00+01:00"
    assert office.snap().communication_task(ticket["id"]) is None  # not phone or mail


def test_follow_up_solved_removes_but_keeps_history(office):
    """Test 2.2 step 4 (solved): status 'verwijderd', the row and its events stay."""
    ticket = office.follow_up(office.waiting(), solved=True, notes="Printer herstart")
    snap = office.snap()
    assert ticket["status"] == Ticket.REMOVED
    assert len(snap.timeline(ticket["id"])) == 3 and snap.order_for(ticket["id"]) is None


def test_follow_up_not_solved_orders_at_nemesys(office):
    """Test 2.2 step 4 (not solved): an order at Nemesys is created."""
    ticket = office.follow_up(office.waiting(category="internet_locatie"), solved=False)
    assert ticket["status"] == Ticket.ORDERED
    assert office.snap().order_for(ticket["id"]) is not None


def test_whole_urgent_procedure_with_quote_and_invoice(office):
    """Test 2.1 steps 4-9: confirm, quote approved, resolved, closed, invoice paid."""
    ticket = office.submit()
    office.urgent_until_closed(ticket, quote="1.250,00")
    assert office.ticket(ticket["id"])["status"] == Ticket.CLOSED
    assert office.snap().quotes_for(ticket["id"])[0]["status"] == "goedgekeurd"
    invoice = office.invoice(ticket["id"], excl="1.250,00", incl="1.512,50")
    billing.check_invoice(office.desk(MAZ), invoice, approve=True)
    billing.pay_invoice(
        office.desk(FINANCE), office.repo.get("invoices", invoice["id"]), "05-12-2026"
    )
    paid = office.repo.get("invoices", invoice["id"])
    assert (paid["status"], paid["paid_on"], paid["amount_incl_cents"]) == (
        "betaald",
        "2026-12-05",
        151250,
    )
    actions = [e["action"] for e in office.snap().timeline(ticket["id"])]
    assert actions[-3:] == ["register", "approve", "pay"]


def test_rejected_invoice_then_corrected_invoice(office):
    """Test 2.1 step 9 rejected: Nemesys contacted, a corrected invoice supersedes it."""
    ticket = office.submit()
    office.urgent_until_closed(ticket)
    wrong = office.invoice(ticket["id"], number="F-9", excl="900,00", incl="1.089,00")
    billing.check_invoice(office.desk(), wrong, approve=False, reason="Te hoog")
    billing.record_nemesys_contact(
        office.desk(), office.repo.get("invoices", wrong["id"]), "Gebeld, nieuwe factuur volgt"
    )
    fixed = office.invoice(ticket["id"], number="F-10", corrects_invoice_id=wrong["id"])
    assert office.repo.get("invoices", wrong["id"])["status"] == "vervangen"
    assert fixed["status"] == "ontvangen" and fixed["corrects_invoice_id"] == wrong["id"]


def test_illegal_transition_changes_nothing(office):
    ticket = office.submit()
    before = counts(office)
    with pytest.raises(IllegalTransition):
        services.close(office.desk(), office.ticket(ticket["id"]))
    with pytest.raises(IllegalTransition):
        services.triage(
            office.desk(STAFF),
            office.snap(),
            office.ticket(ticket["id"]),
            urgent=True,
            reason="ik wil het",
        )
    assert counts(office) == before


def test_stale_ticket_is_refused_with_conflict(office):
    """Test that acting on an old copy of a ticket is refused and changes nothing."""
    ticket = office.submit()
    stale = office.ticket(ticket["id"])
    services.investigate(office.desk(), stale, "Even kijken")
    before = counts(office)
    with pytest.raises(Conflict):
        services.triage(office.desk(), office.snap(), stale, urgent=True, reason="snel")
    assert counts(office) == before


def test_quote_rejection_needs_a_note_and_only_the_directie_decides(office):
    ticket = office.submit()
    office.triage(ticket, urgent=True, reason="x")
    services.confirm_order(
        office.desk(), office.ticket(ticket["id"]), office.order(ticket["id"]), reference="NEM-2"
    )
    billing.register_quote(
        office.desk(),
        office.ticket(ticket["id"]),
        office.order(ticket["id"]),
        {"amount": "500,00", "reference": "OFF-2"},
    )
    quote = office.snap().quotes_for(ticket["id"])[0]
    with pytest.raises(ValidationError):
        billing.decide_quote(
            office.desk(DIRECTIE), office.ticket(ticket["id"]), quote, approve=False, note=""
        )
    with pytest.raises(IllegalTransition, match="'Offerte goedgekeurd' mag niet door de rol Man"):
        billing.decide_quote(
            office.desk(MAZ), office.ticket(ticket["id"]), quote, approve=True, note=""
        )
    billing.decide_quote(
        office.desk(DIRECTIE), office.ticket(ticket["id"]), quote, approve=False, note="Te duur"
    )
    assert office.snap().quotes_for(ticket["id"])[0]["status"] == "afgewezen"
    assert office.ticket(ticket["id"])["status"] == Ticket.CONFIRMED


@pytest.mark.parametrize("amount", ["12,3,4", "-5", "abc", ""])
def test_bad_amounts_are_refused(office, amount):
    ticket = office.submit()
    office.triage(ticket, urgent=True, reason="x")
    before = counts(office)
    with pytest.raises(ValidationError) as refused:
        billing.register_quote(
            office.desk(),
            office.ticket(ticket["id"]),
            office.order(ticket["id"]),
            {"amount": amount, "reference": "R"},
        )
    assert "amount" in refused.value.errors
    assert counts(office) == before


def test_communication_ticks_record_who_and_when(office):
    ticket = office.submit(category="mail")
    office.triage(ticket, urgent=True, reason="Geen mail")
    task = office.snap().communication_task(ticket["id"])
    billing.tick_channel(office.desk(UNIT_MANAGER), task, phase="storing", channel="klasbord")
    billing.tick_channel(office.desk(UNIT_MANAGER), task, phase="storing", channel="klasbord")
    ticks = office.snap().ticks(task["id"])
    assert [(t["channel"], t["actor_name"]) for t in ticks] == [("klasbord", "Sanne")]
    billing.complete_communication(office.desk(UNIT_MANAGER), task)
    assert office.snap().communication_task(ticket["id"])["status"] == "afgerond"


def test_every_status_change_queues_a_mail_to_the_reporter(office):
    """Test 2.1 step 5: one status mail per status change, in Dutch."""
    ticket = office.submit()
    office.urgent_until_closed(ticket)
    mails = [
        m
        for m in office.snap().outbox()
        if m["kind"] in ("ontvangst", "status") and m["ticket_id"] == ticket["id"]
    ]
    assert len(mails) == 5  # received, ordered, confirmed, resolved, closed
    assert "Wij hebben uw melding ontvangen" in mails[0]["body"]
    assert "Stand van zaken: Afgesloten" in mails[-1]["body"]


@pytest.mark.parametrize(
    ("shift", "message"),
    [({"days": 1}, "in de toekomst"), ({"hours": -2}, "voordat de opdracht")],
)
def test_confirmation_time_must_lie_between_order_and_now(office, shift, message):
    """Test that a confirmation time in the future or before the order is refused."""
    from datetime import timedelta

    ticket = office.submit()
    office.triage(ticket, urgent=True, reason="x")
    before = counts(office)
    with pytest.raises(ValidationError) as refused:
        services.confirm_order(
            office.desk(),
            office.ticket(ticket["id"]),
            office.order(ticket["id"]),
            reference="N",
            confirmed_at=office.at + timedelta(**shift),
        )
    assert message in refused.value.errors["confirmed_at"]
    assert counts(office) == before
