"""The MAZ's work lists (lib/queues.py): order, age, follow-up buckets, mailto links."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from lib import queues, services
from lib.procedure import Ticket
from lib.snapshot import Snapshot
from lib.workdays import AMSTERDAM
from tests.flows import Office

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def office(sql_repo):
    return Office(sql_repo, start=MONDAY_10)


@pytest.mark.parametrize(
    ("delta", "label"),
    [
        (timedelta(seconds=30), "zojuist"),
        (timedelta(minutes=1), "1 minuut"),
        (timedelta(minutes=45), "45 minuten"),
        (timedelta(hours=1), "1 uur"),
        (timedelta(hours=3, minutes=59), "3 uur"),
        (timedelta(hours=23, minutes=59), "23 uur"),
        (timedelta(days=1), "1 dag"),
        (timedelta(days=2, hours=5), "2 dagen"),
    ],
)
def test_age_label_speaks_dutch(delta, label):
    """Test that an age is said in Dutch minutes, hours or days, singular or plural."""
    assert queues.age_label((MONDAY_10 - delta).isoformat(), MONDAY_10) == label


def test_age_label_compares_across_time_zones():
    """Test that a UTC timestamp and an Amsterdam 'now' give the true age."""
    created = datetime(2026, 11, 23, 7, 0, tzinfo=AMSTERDAM).astimezone().isoformat()
    assert queues.age_label(created, MONDAY_10) == "3 uur"


def test_triage_queue_holds_new_and_investigating_oldest_first(office):
    """Test that the triage queue lists new and investigated reports, oldest first, with age."""
    first = office.submit(category="printen", blocks_office_work=False)
    office.later(hours=2)
    second = office.submit()
    office.later(hours=1)
    assessed = office.submit()
    services.investigate(office.desk(), office.ticket(first["id"]), "Kijk ik na")
    services.triage(
        office.desk(), office.snap(), office.ticket(assessed["id"]), urgent=True, reason="Stil"
    )
    rows = queues.triage_queue(office.snap(), office.at)
    assert [r.ticket["id"] for r in rows] == [first["id"], second["id"]]
    assert [r.age for r in rows] == ["3 uur", "1 uur"]
    assert rows[0].ticket["status"] == Ticket.INVESTIGATING
    assert rows[0].suggested == "Niet urgent" and rows[1].suggested == "Urgent"
    assert rows[0].category == "Printen" and "De Zonnebloem" in rows[0].title


def test_reclassify_queue_holds_waiting_reports(office):
    """Test that not-urgent reports waiting for their check can still be reassessed."""
    ticket = office.submit(category="printen", blocks_office_work=False)
    office.submit()
    services.triage(
        office.desk(),
        office.snap(),
        office.ticket(ticket["id"]),
        urgent=False,
        reason="Kan wachten",
    )
    assert [r.ticket["id"] for r in queues.reclassify_queue(office.snap(), office.at)] == [
        ticket["id"]
    ]


def _waiting(office: Office, due: datetime) -> dict:
    # The check moment is the service's; the buckets only compare it with now.
    return {**office.waiting(), "check_due_at": due.isoformat()}


def test_follow_up_buckets_split_by_day_in_amsterdam(office):
    """Test that checks due before today are overdue, today's are today, later ones upcoming."""
    now = datetime(2026, 11, 25, 11, 0, tzinfo=AMSTERDAM)  # a Wednesday
    rows = [
        _waiting(office, datetime(2026, 11, 24, 9, 0, tzinfo=AMSTERDAM)),  # yesterday
        _waiting(office, datetime(2026, 11, 25, 9, 0, tzinfo=AMSTERDAM)),  # today, passed
        _waiting(office, datetime(2026, 11, 25, 16, 0, tzinfo=AMSTERDAM)),  # today, later
        _waiting(office, datetime(2026, 11, 26, 9, 0, tzinfo=AMSTERDAM)),  # tomorrow
    ]
    # 23:30 UTC on the 24th is 00:30 on the 25th in Amsterdam: the day is Amsterdam's.
    rows.append(_waiting(office, datetime(2026, 11, 24, 23, 30, tzinfo=UTC)))
    snap = Snapshot({**office.snap().tables, "tickets": rows})
    buckets = queues.follow_up_buckets(snap, now)
    ids = [r["id"] for r in rows]
    assert [r.ticket["id"] for r in buckets.overdue] == [ids[0]]
    assert [r.ticket["id"] for r in buckets.today] == [ids[4], ids[1], ids[2]]
    assert [r.ticket["id"] for r in buckets.upcoming] == [ids[3]]
    assert len(buckets) == 5


def test_follow_up_buckets_ignore_other_statuses(office):
    """Test that only reports waiting for their check (wacht_op_controle) are bucketed."""
    office.submit()
    buckets = queues.follow_up_buckets(office.snap(), office.at)
    assert len(buckets) == 0 and not buckets.overdue and not buckets.today


def test_service_check_moment_lands_in_the_right_bucket(office):
    """Test that a Friday-afternoon triage is due Monday: upcoming on Saturday, today on Monday."""
    office.at = datetime(2026, 11, 27, 15, 0, tzinfo=AMSTERDAM)  # Friday
    ticket = office.submit(category="printen", blocks_office_work=False)
    services.triage(
        office.desk(), office.snap(), office.ticket(ticket["id"]), urgent=False, reason="Wacht"
    )
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=AMSTERDAM)
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=AMSTERDAM)
    tuesday = datetime(2026, 12, 1, 8, 0, tzinfo=AMSTERDAM)
    assert len(queues.follow_up_buckets(office.snap(), saturday).upcoming) == 1
    assert len(queues.follow_up_buckets(office.snap(), monday).today) == 1
    assert len(queues.follow_up_buckets(office.snap(), tuesday).overdue) == 1


def test_mailto_link_carries_address_subject_and_body_encoded():
    """Test that the mailto: link round-trips subject and multi-line body, CRLF line breaks."""
    message = {
        "to_address": "support@nemesys.nl",
        "subject": "Opdracht KIV-2026-0001: Telefonie & mail - De Zonnebloem?",
        "body": "Regel 1\nRegel 2: 50% #kapot",
    }
    link = queues.mailto_link(message)
    parts = urlsplit(link)
    assert parts.scheme == "mailto" and unquote(parts.path) == "support@nemesys.nl"
    query = parse_qs(parts.query)
    assert query["subject"] == [message["subject"]]
    assert query["body"] == ["Regel 1\r\nRegel 2: 50% #kapot"]
    assert " " not in link and "\n" not in link and "&mail" not in link


def test_message_kinds_have_dutch_labels():
    """Test that order and status mails are named in Dutch, unknown kinds as they are."""
    assert queues.message_kind_label("opdracht") == "Opdracht aan Nemesys"
    assert queues.message_kind_label("status") == "Statusbericht aan melder"
    assert queues.message_kind_label("anders") == "anders"
