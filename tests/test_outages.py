"""Issue 14 on both drivers: one outage, one order, everyone affected kept informed."""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import pytest

from lib import affected, app_settings, audience, demo, outages, queues, reports, services
from lib import reports_open as opened
from lib import reports_outages as outage_counts
from lib.config import Config
from lib.procedure import Actor, IllegalTransition, Ticket
from lib.reports_settings import Settings
from lib.reports_summary import monthly_summary
from lib.repository import Conflict
from lib.snapshot import Snapshot
from lib.validation import ValidationError
from tests.flows import MAZ, Office, report_form
from tests.outage_support import join, link, staff

LOCATIONS = ("demo-zonnebloem", "demo-regenboog", "demo-vlinder")
NEMESYS = "support@nemesys.nl"


@pytest.fixture
def office(repo):
    return Office(repo)


def report(office: Office, who: Actor, *, location: str, category: str = "server") -> dict:
    form = report_form(location_id=location, category=category, description="Server ligt eruit.")
    desk = services.Desk(repo=office.repo, actor=who, clock=office.clock)
    return services.submit_report(desk, office.snap(), form, submission_id=uuid.uuid4().hex)


def mails(office: Office) -> list[dict]:
    return office.repo.read(["messages"])["messages"]


def twenty_reporters(office: Office, category: str) -> tuple[dict, list[str]]:
    """Twenty staff at three locations, one outage: the first reports it, the others
    press "Ik heb dit ook" (before and after triage) or report anew and are linked."""
    people = [staff(i) for i in range(20)]
    where = {p.email: LOCATIONS[i % 3] for i, p in enumerate(people)}
    main = report(office, people[0], location=where[people[0].email], category=category)
    for p in people[1:7]:
        office.later(minutes=1)
        join(office, p, main, where[p.email])
    office.later(minutes=5)
    main = office.triage(main, urgent=True, reason="Server ligt eruit")
    for p in people[7:13]:
        office.later(minutes=1)
        join(office, p, main, where[p.email])
    for p in people[13:]:
        office.later(minutes=1)
        dup = report(office, p, location=where[p.email], category=category)
        candidates = outages.likely_duplicates(office.snap(), dup, 24)
        assert candidates[0]["id"] == main["id"]
        link(office, dup, main)
    return office.ticket(main["id"]), [p.email for p in people]


@pytest.mark.parametrize("category", ["server", "mail"])
def test_twenty_reporters_one_outage(office, category):
    """Test that twenty affected at three locations make one order, one Nemesys mail, one
    communication task per location for a phone/mail outage (none for the server, step 6),
    and each update reaches every one of them once."""
    main, addresses = twenty_reporters(office, category)
    snap = office.snap()
    assert len(snap.rows("orders")) == 1
    assert [m["to_address"] for m in mails(office)].count(NEMESYS) == 1
    tasks = sorted(t["location_id"] for t in snap.rows("communication_tasks"))
    assert tasks == (sorted(LOCATIONS) if category == "mail" else [])
    assert affected.count(snap, main) == 20
    assert len([t for t in snap.rows("tickets") if t["status"] == Ticket.LINKED]) == 7

    office.later(minutes=20)
    services.confirm_order(
        office.desk(), office.ticket(main["id"]), snap.order_for(main["id"]), reference="NEM-9"
    )
    office.later(hours=2)
    services.resolve(office.desk(), office.ticket(main["id"]))
    for stage in ("Nemesys werkt eraan", "Opgelost"):
        got = Counter(m["to_address"] for m in mails(office) if m["subject"].endswith(stage))
        assert got == Counter(addresses), stage  # everyone, once each
    counted = overview(office)
    assert counted.storingen.sum() == 1 and counted.getroffen.sum() == 20
    assert sorted(counted.getroffen) == [6, 7, 7]  # the people at each of the three locations
    print(f"\n{category}: orders=1, Nemesys mails=1, tasks={len(tasks)}, affected=20")
    print(counted.to_string(index=False))


def overview(office: Office):
    """Overzicht's table of outages and people affected, for the whole past year."""
    v = reports.view(
        reports.frames(office.repo.read_all()), reports.Filters(), Settings(), office.at
    )
    return outage_counts.per_location_and_category(v)


def test_overzicht_counts_an_outage_once_and_the_summary_says_how_many_were_linked(office):
    """Test that linked reports are no outages of their own in Overzicht (new, open,
    recurring trouble) and the monthly summary counts them as linked."""
    main = office.triage(report(office, staff(0), location=LOCATIONS[0]), urgent=True)
    for i in (1, 2, 3):
        link(office, report(office, staff(i), location=LOCATIONS[0]), main)
    office.later(hours=1)
    v = reports.view(
        reports.frames(office.repo.read_all()), reports.Filters(), Settings(), office.at
    )
    assert len(v.frames.tickets) == 1 and len(opened.open_reports(v)) == 1
    assert opened.recurring_trouble(v).empty  # four reports of one outage are not 3 in 30 days
    assert outage_counts.linked_in_period(v) == 3
    html = monthly_summary(
        reports.frames(office.repo.read_all()),
        reports.Filters(),
        Settings(),
        office.at.date(),
        office.at,
    )
    assert "<b>3</b><span>gekoppeld aan een bekende storing</span>" in html
    assert overview(office).to_dict("records") == [
        {
            "Locatie": office.snap().location(LOCATIONS[0])["name"],
            "Categorie": "Server",
            "storingen": 1,
            "getroffen": 4,
        }
    ]


def test_joining_twice_or_as_the_reporter_adds_nobody(office):
    """Test that "Ik heb dit ook" twice is one row, and the reporter joining is no row."""
    first, other = staff(1), staff(2)
    main = report(office, first, location=LOCATIONS[0])
    join(office, other, main, LOCATIONS[1])
    join(office, other, main, LOCATIONS[1])
    join(office, first, main, LOCATIONS[0])
    rows = office.repo.read(["affected"])["affected"]
    assert [(r["email"], r["location_id"], r["active"]) for r in rows] == [
        (other.email, LOCATIONS[1], True)
    ]
    assert affected.count(office.snap(), main) == 2


def test_joining_a_solved_outage_is_refused(office):
    """Test that a solved outage takes no one: the message says to report anew."""
    main = office.triage(report(office, staff(1), location=LOCATIONS[0]), urgent=True)
    services.confirm_order(
        office.desk(), office.ticket(main["id"]), office.order(main["id"]), reference="N"
    )
    services.resolve(office.desk(), office.ticket(main["id"]))
    with pytest.raises(IllegalTransition, match="nieuwe melding"):
        join(office, staff(2), main, LOCATIONS[0])
    assert office.repo.read(["affected"])["affected"] == []


def test_known_outages_at_a_location_and_organisation_wide(office):
    """Test that Melden shows this location's open reports and every organisation-wide one."""
    printer = report(office, staff(1), location=LOCATIONS[0], category="printen")
    mail = report(office, staff(2), location=LOCATIONS[1], category="mail")
    elsewhere = report(office, staff(3), location=LOCATIONS[2], category="printen")
    shown = outages.known_outages(office.snap(), LOCATIONS[0], staff(4).email, office.at)
    ids = [k.ticket["id"] for k in shown]
    assert printer["id"] in ids and mail["id"] in ids and elsewhere["id"] not in ids
    line = next(k for k in shown if k.ticket["id"] == mail["id"]).summary
    assert line.startswith("Sinds 10:00 · de Manager Algemene Zaken beoordeelt")
    office.triage(office.ticket(mail["id"]), urgent=True)
    join(office, staff(4), mail, LOCATIONS[0])
    known = outages.known_outages(office.snap(), LOCATIONS[0], staff(4).email, office.at)
    row = next(k for k in known if k.ticket["id"] == mail["id"])
    assert row.mine and row.affected_count == 2
    assert row.summary.endswith(
        "Nemesys is ingeschakeld · 2 getroffen · verwacht: "
        "Nemesys bevestigt de opdracht en gaat aan de slag."
    )


def test_likely_duplicates_within_the_window(office):
    """Test that duplicates are same category, same location unless organisation-wide,
    within the window."""
    main = report(office, staff(1), location=LOCATIONS[0], category="printen")
    office.later(hours=30)
    late = report(office, staff(2), location=LOCATIONS[0], category="printen")
    other_place = report(office, staff(3), location=LOCATIONS[1], category="printen")
    assert outages.likely_duplicates(office.snap(), late, 24) == []
    found = outages.likely_duplicates(office.snap(), late, 48)
    assert [t["id"] for t in found] == [main["id"]]
    assert other_place["id"] not in [t["id"] for t in found]


def test_link_no_order_reporter_told_and_affected(office):
    """Test that linking makes no order and no Nemesys mail; the reporter is told and affected."""
    main = office.triage(report(office, staff(1), location=LOCATIONS[0]), urgent=True)
    dup = report(office, staff(2), location=LOCATIONS[1])
    link(office, dup, main)
    snap = office.snap()
    assert snap.ticket(dup["id"])["status"] == Ticket.LINKED
    assert snap.order_for(dup["id"]) is None and len(snap.rows("orders")) == 1
    told = [m for m in mails(office) if m["ticket_id"] == dup["id"] and "hoort bij" in m["subject"]]
    assert [m["to_address"] for m in told] == [staff(2).email]
    assert main["number"] in told[0]["body"]
    assert [r["email"] for r in affected.recipients(main, snap.rows("affected"))] == [
        staff(2).email
    ]
    assert dup["id"] not in [r.ticket["id"] for r in queues.triage_queue(snap, office.at)]


def test_undo_restores_the_report_to_triage_with_its_history(office):
    """Test that undoing a link puts the report back in the triage queue, history kept,
    and its reporter no longer hears of the main report."""
    main = office.triage(report(office, staff(1), location=LOCATIONS[0]), urgent=True)
    dup = report(office, staff(2), location=LOCATIONS[1])
    services.investigate(office.desk(), office.ticket(dup["id"]), "Zelfde als de server")
    link(office, dup, main)
    outages.unlink(office.desk(), office.snap(), office.ticket(dup["id"]))
    snap = office.snap()
    back = snap.ticket(dup["id"])
    assert back["status"] == Ticket.NEW and back["investigation_notes"] == "Zelfde als de server"
    assert dup["id"] in [r.ticket["id"] for r in queues.triage_queue(snap, office.at)]
    actions = [e["action"] for e in snap.timeline(dup["id"])]
    assert actions == ["submit", "investigate", "link_duplicate", "unlink"]
    assert affected.recipients(main, snap.rows("affected")) == []
    link(office, dup, main)  # linked again after the undo: the same rows come back
    assert affected.count(office.snap(), main) == 2


def test_undo_keeps_who_pressed_ik_heb_dit_ook(office):
    """Test that undoing a link keeps a person who also pressed "Ik heb dit ook" affected."""
    main = report(office, staff(1), location=LOCATIONS[0])
    dup = report(office, staff(2), location=LOCATIONS[1])
    link(office, dup, main)
    join(office, staff(2), main, LOCATIONS[1])
    outages.unlink(office.desk(), office.snap(), office.ticket(dup["id"]))
    assert affected.count(office.snap(), main) == 2


def test_undo_refused_once_the_main_report_is_closed(office):
    """Test that a link stays once its main report is closed."""
    main = report(office, staff(1), location=LOCATIONS[0])
    dup = report(office, staff(2), location=LOCATIONS[1])
    link(office, dup, main)
    office.urgent_until_closed(office.ticket(main["id"]))
    with pytest.raises(IllegalTransition, match="afgesloten"):
        outages.unlink(office.desk(), office.snap(), office.ticket(dup["id"]))
    assert office.ticket(dup["id"])["status"] == Ticket.LINKED


def test_update_computed_before_a_join_is_a_conflict(office):
    """Test that a status change read before someone joined is refused, so nobody misses it."""
    main = office.triage(report(office, staff(1), location=LOCATIONS[0]), urgent=True)
    seen = office.ticket(main["id"])
    join(office, staff(2), main, LOCATIONS[0])
    with pytest.raises(Conflict):
        services.confirm_order(office.desk(), seen, office.order(main["id"]), reference="N")


def _at_once(*calls) -> list[BaseException]:
    barrier, errors = threading.Barrier(len(calls)), []

    def run(call):
        barrier.wait()
        try:
            call()
        except BaseException as err:  # collected for the assertion
            errors.append(err)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_two_people_pressing_at_once(office):
    """Test that two presses at once both land, one row each, and a double press one row."""
    main = report(office, staff(1), location=LOCATIONS[0])
    snap = office.snap()
    ticket = snap.ticket(main["id"])

    def press(who):
        desk = services.Desk(repo=office.repo, actor=who, clock=office.clock)
        return lambda: outages.join(desk, snap, ticket, location_id=LOCATIONS[1])

    assert _at_once(press(staff(2)), press(staff(3)), press(staff(3))) == []
    rows = office.repo.read(["affected"])["affected"]
    assert sorted(r["email"] for r in rows) == [staff(2).email, staff(3).email]


def test_linking_while_the_reporter_presses(office):
    """Test that the MAZ linking while its reporter presses "Ik heb dit ook" makes one row."""
    main = report(office, staff(1), location=LOCATIONS[0])
    dup = report(office, staff(2), location=LOCATIONS[1])
    snap = office.snap()

    def press():
        desk = services.Desk(repo=office.repo, actor=staff(2), clock=office.clock)
        outages.join(desk, snap, snap.ticket(main["id"]), location_id=LOCATIONS[1])

    def link_it():
        outages.link(office.desk(), snap, snap.ticket(dup["id"]), snap.ticket(main["id"]))

    errors = _at_once(press, link_it)
    assert all(isinstance(e, Conflict) for e in errors)  # the MAZ is told to look again
    if errors:
        link(office, dup, main)
    rows = Snapshot(office.repo.read_all()).rows("affected")
    assert [r["email"] for r in rows] == [staff(2).email]
    assert office.ticket(dup["id"])["status"] == Ticket.LINKED


def test_setup_adds_the_new_tables_to_an_existing_sql_store(sql_repo):
    """Test that `setup` on a store made before issue 14 adds 'affected' and 'links'."""
    with sql_repo.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE affected")
        conn.exec_driver_sql("DROP TABLE links")
    lines = sql_repo.setup()
    assert "Tabel 'affected' aangemaakt." in lines and "Tabel 'links' aangemaakt." in lines
    assert sql_repo.read(["affected", "links"]) == {"affected": [], "links": []}


def test_setup_adds_the_new_worksheets_to_an_existing_sheet(make_sheets_repo, monkeypatch):
    """Test that `setup` on a Sheet made before issue 14 adds the two worksheets."""
    from lib import schema

    with monkeypatch.context() as before_issue_14:
        before_issue_14.delitem(schema.TABLES, "affected")
        before_issue_14.delitem(schema.TABLES, "links")
        repo = make_sheets_repo()
    lines = repo.setup()
    assert "Werkblad 'affected' aangemaakt." in lines and "Werkblad 'links' aangemaakt." in lines
    assert repo.read(["affected", "links"]) == {"affected": [], "links": []}


def test_the_duplicate_window_is_a_setting(office):
    """Test that the window comes from the settings (Beheer / [app]), 24 hours by default."""
    assert outages.window_hours(Config()) == 24
    saved = app_settings.applied(Config(extra={"duplicate_window_hours": 6}), office.snap())
    assert outages.window_hours(saved) == 6
    app_settings.save(office.repo, MAZ, office.snap(), {"duplicate_window_hours": "48"})
    assert outages.window_hours(app_settings.applied(Config(), office.snap())) == 48


def test_an_affected_person_reads_the_outage_as_a_reporter(office):
    """Test that whoever pressed "Ik heb dit ook" reads the report as its reporter would
    (no internal notes), and follows it beside their own reports; a stranger does not."""
    main = report(office, staff(1), location=LOCATIONS[0])
    join(office, staff(2), main, LOCATIONS[1])
    snap = office.snap()
    ticket = snap.ticket(main["id"])
    assert audience.audience_for(snap, staff(2), ticket) == audience.Audience.REPORTER
    assert audience.audience_for(snap, staff(3), ticket) is None
    assert [t["id"] for t in audience.followed_tickets(snap, staff(2))] == [main["id"]]
    assert audience.followed_tickets(snap, staff(3)) == []


def test_a_linked_report_is_followed_once(office):
    """Test that a person whose report was linked, and who also pressed "Ik heb dit ook",
    sees the outage once in Mijn meldingen: as their own report."""
    main = report(office, staff(1), location=LOCATIONS[0])
    dup = report(office, staff(2), location=LOCATIONS[1])
    link(office, dup, main)
    join(office, staff(2), main, LOCATIONS[1])
    assert [t["id"] for t in audience.followed_tickets(office.snap(), staff(2))] == [dup["id"]]


def test_bad_input_changes_nothing(office):
    """Test that an unknown location, a report linked to itself, or to a closed report is
    refused with a Dutch message and writes nothing."""
    main = report(office, staff(1), location=LOCATIONS[0])
    before = office.repo.read_all()
    with pytest.raises(ValidationError) as refused:
        join(office, staff(2), main, "geen-locatie")
    assert refused.value.errors["location_id"] == "Locatie: kies een geldige waarde uit de lijst."
    with pytest.raises(IllegalTransition, match="koppelen kan niet"):
        link(office, main, main)
    assert office.repo.read_all() == before
    office.urgent_until_closed(office.ticket(main["id"]))
    dup = report(office, staff(2), location=LOCATIONS[0])
    before = office.repo.read_all()
    with pytest.raises(IllegalTransition, match="niet \\(meer\\) open"):
        link(office, dup, main)
    assert office.repo.read_all() == before


def test_demo_reset_takes_the_demo_outages_people_and_links(sql_repo):
    """Test that demo-reset leaves no affected rows or links of demo reports behind."""
    office = Office(sql_repo)
    desk = services.Desk(repo=sql_repo, actor=staff(1), clock=office.clock)
    form = report_form(location_id=LOCATIONS[0], category="server")
    main = services.submit_report(desk, office.snap(), form, submission_id="d1", is_demo=True)
    dup = services.submit_report(
        services.Desk(repo=sql_repo, actor=staff(2), clock=office.clock),
        office.snap(),
        form,
        submission_id="d2",
        is_demo=True,
    )
    join(office, staff(3), main, LOCATIONS[1])
    link(office, dup, main)
    removed = demo.remove_demo(sql_repo)
    assert (removed["affected"], removed["links"]) == (2, 1)
    assert sql_repo.read(["affected", "links"]) == {"affected": [], "links": []}
