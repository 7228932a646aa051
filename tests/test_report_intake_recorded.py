"""2.1 steps 1 and 5 as the store must hold them: every field of a report, its
receipt and mail thread, the outbox, and every refusal at intake.

Written against mutation survivors of lib/services.py (`make mutate
MODULES=services`). The embedded store only: these are the rules, not the
drivers (tests/test_services.py runs the use cases on every driver).
"""

from __future__ import annotations

import uuid

import pytest

from lib import services
from lib.config import Config
from lib.procedure import Actor, IllegalTransition, Role
from lib.validation import ValidationError
from tests.flows import MAZ, STAFF, Office, report_form
from tests.recorded_support import NOW, counts, events, rows


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo)


# --- 2.1 step 1: a report comes in ------------------------------------------------------


def test_a_report_records_what_the_reporter_typed_and_a_suggested_urgency(office):
    ticket = office.submit(
        description="Geen kiestoon.\nOok niet op de tweede lijn.", contact_info=" 06-1 "
    )
    expected = {
        "number": "KIV-2026-0001",
        "created_at": NOW,
        "updated_at": NOW,
        "status": "nieuw",
        "reporter_name": "Ruben de Groot",
        "reporter_email": "ruben@kivido.example",
        "reporter_role": "medewerker",
        "location_id": "demo-zonnebloem",
        "category": "telefonie",
        "blocks_office_work": True,
        "description": "Geen kiestoon.\nOok niet op de tweede lijn.",
        "contact_info": "06-1",
        "suggested_urgency": "urgent",
        "urgency": "",
        "is_demo": False,
    }
    stored = office.ticket(ticket["id"])
    assert {k: stored[k] for k in expected} == expected
    [submitted] = events(office, ticket)
    assert (submitted["id"], submitted["action"], submitted["from_status"]) == (
        f"{ticket['id']}-submit",
        "submit",
        "",
    )
    assert (submitted["to_status"], submitted["note"], submitted["at"]) == ("nieuw", "", NOW)
    assert (submitted["actor_name"], submitted["actor_role"]) == (STAFF.name, str(Role.STAFF))


def test_the_receipt_opens_the_reports_mail_thread(office):
    ticket = office.submit()
    [receipt] = rows(office, "messages", kind="ontvangst")
    thread = f"<melding-{ticket['id']}@kivido.nl>"
    assert (receipt["id"], receipt["ticket_id"], receipt["status"]) == (
        f"{ticket['id']}-received",
        ticket["id"],
        "wachtrij",
    )
    assert (receipt["message_id"], receipt["thread_ref"]) == (thread, thread)
    assert receipt["to_address"] == "ruben@kivido.example" and receipt["created_at"] == NOW
    assert "KIV-2026-0001" in receipt["subject"] and receipt["html_body"]
    assert receipt["is_demo"] is False


def test_a_later_mail_refers_to_the_thread_with_its_own_message_id(office):
    ticket = office.triage(office.submit(), urgent=True, reason="Kantoor ligt stil")
    [order_mail] = rows(office, "messages", kind="opdracht")
    assert order_mail["thread_ref"] == f"<melding-{ticket['id']}@kivido.nl>"
    assert order_mail["message_id"] == f"<{order_mail['id']}@kivido.nl>"


def test_the_mail_domain_follows_the_sender_address(office):
    desk = services.Desk(office.repo, MAZ, Config(mail_from="maz@kinderopvang.example"))
    assert services.mail_domain(desk) == "kinderopvang.example"
    assert services.mail_domain(services.Desk(office.repo, MAZ, Config(mail_from=""))) == (
        "kivido.nl"
    )


def test_a_demo_reports_mails_never_wait_in_the_outbox(office):
    ticket = services.submit_report(
        office.desk(STAFF), office.snap(), report_form(), submission_id="demo-1", is_demo=True
    )
    [receipt] = rows(office, "messages", ticket_id=ticket["id"])
    assert (receipt["status"], receipt["is_demo"]) == ("verzonden", True)
    assert office.ticket(ticket["id"])["is_demo"] is True


def test_the_signed_in_reporter_is_the_reporter_whatever_the_form_says(office):
    signed_in = Actor("Ruben Jansen", Role.STAFF, email="r.jansen@kivido.example")
    desk = services.Desk(office.repo, signed_in, clock=office.clock)
    form = report_form(reporter_name="Iemand anders", reporter_email="anders@kivido.example")
    ticket = services.submit_report(desk, office.snap(), form, submission_id="s-1")
    assert (ticket["reporter_name"], ticket["reporter_email"]) == (
        "Ruben Jansen",
        "r.jansen@kivido.example",
    )


def test_the_maz_registers_a_callers_report_on_their_behalf(office):
    maz = Actor("Nathalie", Role.MAZ, email="maz@kivido.example")
    desk = services.Desk(office.repo, maz, clock=office.clock)
    form = report_form(reporter_name="Beller Bakker", reporter_email="bakker@kivido.example")
    ticket = services.submit_report(desk, office.snap(), form, submission_id="s-2", on_behalf=True)
    assert (ticket["reporter_name"], ticket["reporter_email"]) == (
        "Beller Bakker",
        "bakker@kivido.example",
    )
    [submitted] = events(office, ticket)
    assert submitted["action"] == "submit_on_behalf"
    assert submitted["note"] == "Namens Beller Bakker (bakker@kivido.example)"
    with pytest.raises(IllegalTransition):
        services.submit_report(
            office.desk(STAFF), office.snap(), form, submission_id="s-3", on_behalf=True
        )


@pytest.mark.parametrize(
    "field, value, label",
    [
        ("reporter_name", "", "Naam"),
        ("reporter_email", "geen-adres", "E-mailadres"),
        ("reporter_role", "", "Uw functie"),
        ("location_id", "elders", "Locatie"),
        ("category", "koffie", "Soort storing"),
        ("description", "x" * 5001, "Omschrijving"),
        ("contact_info", "x" * 201, "Bereikbaarheid"),
    ],
)
def test_a_report_with_a_bad_field_is_refused_naming_that_field(office, field, value, label):
    before = counts(office)
    with pytest.raises(ValidationError) as refused:
        office.submit(**{field: value})
    assert list(refused.value.errors) == [field]
    assert refused.value.errors[field].startswith(label)
    assert counts(office) == before


def test_a_report_without_contact_info_and_with_a_long_description_is_accepted(office):
    ticket = office.submit(contact_info="", description="Regel\n" + "x" * 4990)
    assert office.ticket(ticket["id"])["contact_info"] == ""


# --- 2.1 step 5: the outbox ----------------------------------------------------------------


def test_a_mail_sent_by_hand_is_marked_sent_with_the_moment(office):
    office.submit()
    [receipt] = rows(office, "messages", kind="ontvangst")
    office.later(minutes=3)
    services.mark_sent(office.desk(), receipt)
    sent = office.repo.get("messages", receipt["id"])
    assert (sent["status"], sent["sent_at"]) == ("verzonden", "2026-11-23T10:03:00+01:00")
    with pytest.raises(IllegalTransition):
        services.mark_sent(office.desk(STAFF), sent)


def test_a_failed_mail_retried_goes_back_in_the_queue_with_a_clean_slate(office):
    office.submit()
    [receipt] = rows(office, "messages", kind="ontvangst")
    from lib.repository import Update

    office.repo.commit(
        [
            Update(
                "messages",
                receipt["id"],
                receipt["version"],
                {"status": "mislukt", "attempts": 3, "last_error": "550 onbekend"},
            )
        ]
    )
    services.retry_message(office.desk(), office.repo.get("messages", receipt["id"]))
    retried = office.repo.get("messages", receipt["id"])
    assert (retried["status"], retried["attempts"], retried["last_error"]) == ("wachtrij", 0, "")
    assert retried["message_id"] == receipt["message_id"]


def test_a_report_text_too_long_for_html_still_goes_as_plain_text(office):
    """The HTML part is left out above 45,000 characters; the plain text carries it all."""
    ticket = office.submit(description="<" * 5000)
    for _ in range(3):
        services.add_investigation_note(office.desk(), office.ticket(ticket["id"]), "<" * 4999)
    office.triage(ticket, urgent=True, reason="<" * 10)
    [mail] = rows(office, "messages", kind="opdracht")
    assert mail["html_body"] == "" and mail["body"].count("<") >= 5000 + 3 * 4999
    [receipt] = rows(office, "messages", kind="ontvangst")
    assert receipt["html_body"] != ""


def test_ids_sort_in_creation_order_and_never_repeat():
    ids = [services.new_id() for _ in range(200)]
    assert ids == sorted(ids) and len(set(ids)) == 200
    assert all(len(i) == 28 for i in ids)


def test_one_submission_id_twice_is_one_report(office):
    sid = uuid.uuid4().hex
    for _ in range(2):
        services.submit_report(office.desk(STAFF), office.snap(), report_form(), submission_id=sid)
    assert counts(office)["tickets"] == 1 and counts(office)["messages"] == 1


@pytest.mark.parametrize(
    "step, label",
    [
        (lambda o, t: services.investigate(o.desk(), t, "a\x00b"), "Onderzoeksnotitie"),
        (lambda o, t: services.resolve(o.desk(), t, "a\x00b"), "Toelichting"),
        (lambda o, t: services.close(o.desk(), t, "a\x00b"), "Toelichting"),
    ],
)
def test_an_unreadable_note_is_refused_naming_the_field(office, step, label):
    ticket = office.submit()
    before = counts(office)
    with pytest.raises(ValidationError) as refused:
        step(office, office.ticket(ticket["id"]))
    assert list(refused.value.errors) == ["note"]
    assert refused.value.errors["note"].startswith(f"{label} bevat")
    assert counts(office) == before


def test_resolve_and_close_without_a_note_log_no_note(office):
    ticket = office.triage(office.submit(), urgent=True, reason="Stil")
    services.confirm_order(
        office.desk(), office.ticket(ticket["id"]), office.order(ticket["id"]), reference="N"
    )
    services.resolve(office.desk(), office.ticket(ticket["id"]))
    services.close(office.desk(), office.ticket(ticket["id"]))
    assert [(e["action"], e["note"]) for e in events(office, ticket)[-2:]] == [
        ("resolve", ""),
        ("close", ""),
    ]
