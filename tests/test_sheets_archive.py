"""Issue 10 point 2 on the Sheet: archived reports leave the worksheets the live read asks for.

After an archive run the rows of archived reports stand in `<table>_archief`
worksheets, blank in the live worksheets, and a page view's read on the Sheet
costs the same one request and about the same bytes however much history was
archived. The full read (exports, search by number) still has every row.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from google.auth.credentials import AnonymousCredentials

from lib import archive, privacy
from lib.config import Config
from lib.procedure import Actor, Message, Role
from lib.repository import Insert, StoreUnavailable, Update, sheets_archive
from lib.repository.sheets import SheetsRepository, _Shared
from lib.repository.sheets_cells import row_cells
from lib.schema import SHARED_TABLES, TABLES
from tests.flows import Office

MAZ = Actor("Marije (MAZ)", Role.MAZ)
CONFIG = Config()
# What a report solved at the follow-up leaves (issue 10: "with their events,
# mails, ..."); the rest (locations, users, settings) stays live.
OF_A_REPORT = ("tickets", "events", "messages")


def _finished_reports(office: Office, count: int) -> list[dict]:
    """Reports solved at the follow-up (procedure 2.2: removed), their mails sent."""
    done = []
    for _ in range(count):
        ticket = office.waiting()
        office.later(days=1)
        done.append(office.follow_up(ticket, solved=True))
    _mails_sent(office.repo, {t["id"] for t in done})
    return done


def _mails_sent(repo, ticket_ids: set[str]) -> None:
    """The mails of these reports sent (the Postvak's "Verzonden")."""
    queued = [
        m
        for m in repo.read(["messages"])["messages"]
        if m["status"] == Message.QUEUED and m["ticket_id"] in ticket_ids
    ]
    if queued:
        repo.commit(
            [Update("messages", m["id"], m["version"], {"status": Message.SENT}) for m in queued]
        )


def _archive(office: Office) -> archive.ArchivePlan:
    """An archive run thirteen months on: everything finished by now is past the period."""
    later = office.clock() + timedelta(days=400)
    return archive.archive(office.repo, MAZ, CONFIG, clock=lambda: later)


def _fresh(repo: SheetsRepository, standin) -> SheetsRepository:
    """Another process on the same Sheet: it knows only the worksheets and the log."""
    other = SheetsRepository(
        spreadsheet_key=repo.key, credentials=AnonymousCredentials(), api_root=standin.url
    )
    other._shared = _Shared()
    return other


def _ids(rows: list[list]) -> set[str]:
    return {r[0] for r in rows[1:] if r and r[0]}


def _view_bytes(repo: SheetsRepository, standin) -> int:
    """What a page view's live read asks of the Sheet: one request; its answer in bytes.

    The worksheets are first brought up to date with the log (as the compact-log
    timer does), so each measure sees the worksheets alone, not a change in flight.
    """
    repo.compact_log(min_age=0)
    sizes, real = [], repo._http.values_batch_get

    def batch_get(key, ranges, params=None):
        answer = real(key, ranges, params)
        sizes.append(len(json.dumps(answer).encode()))
        return answer

    repo._http.values_batch_get = batch_get
    try:
        standin.reset_counts()
        repo.read(SHARED_TABLES, live_only=True)
        assert (standin.count(), standin.count("values.batchGet")) == (1, 1)
    finally:
        repo._http.values_batch_get = real
    return sizes[-1]


def test_archived_rows_move_to_the_archive_worksheets_and_nothing_is_lost(sheets_repo, standin):
    office = Office(sheets_repo)
    old = _finished_reports(office, 4)
    open_report = office.submit()
    before = sheets_repo.read(TABLES)
    done = _archive(office)
    assert {t["id"] for t in done.tickets} == {t["id"] for t in old}
    assert done.moved > len(old)  # the reports and their events and mails
    assert (
        done.lines()[-1]
        == f"{done.moved} rij(en) naar de archiefwerkbladen van de Google Sheet verplaatst."
    )
    gone = {t["id"] for t in old}
    for table in OF_A_REPORT:
        live_rows = standin.values(sheets_repo.key, table)
        kept = standin.values(sheets_repo.key, f"{table}_archief")
        owner = 0 if table == "tickets" else TABLES[table].column_names.index("ticket_id")
        assert not {r[owner] for r in live_rows[1:] if r} & gone, table
        assert {r[owner] for r in kept[1:] if r} == gone, table
    assert _ids(standin.values(sheets_repo.key, "tickets")) == {open_report["id"]}
    after = sheets_repo.read(TABLES)
    for name in TABLES:  # every row still there, changed only by the archive's flag and cut
        if name in ("tickets", "settings"):
            continue
        assert sorted(after[name], key=lambda r: r["id"]) == sorted(
            before[name], key=lambda r: r["id"]
        ), name
    assert {t["number"] for t in after["tickets"]} == {t["number"] for t in before["tickets"]}
    live_read = sheets_repo.read(["tickets"], live_only=True)["tickets"]
    assert [t["id"] for t in live_read] == [open_report["id"]]


def test_a_second_run_moves_nothing_and_a_fresh_process_sees_the_same(sheets_repo, standin):
    office = Office(sheets_repo)
    _finished_reports(office, 3)
    office.submit()
    assert _archive(office).moved
    full, live_read = sheets_repo.read(TABLES), sheets_repo.read(TABLES, live_only=True)
    assert _archive(office).moved == 0
    fresh = SheetsRepository(
        spreadsheet_key=sheets_repo.key, credentials=AnonymousCredentials(), api_root=standin.url
    )
    fresh._shared = _Shared()  # another process: starts from the worksheets and the log
    assert fresh.read(TABLES) == full
    assert fresh.read(TABLES, live_only=True) == live_read
    sheets_repo.compact_log(min_age=0)  # the log's rows summarised: the worksheets alone
    other = SheetsRepository(
        spreadsheet_key=sheets_repo.key, credentials=AnonymousCredentials(), api_root=standin.url
    )
    other._shared = _Shared()
    assert other.read(TABLES) == full


def test_a_page_view_costs_the_same_whatever_the_archived_history(sheets_repo, standin):
    """Week after week: history is finished and archived, new work arrives after it."""
    office = Office(sheets_repo)
    sizes, waiting = [], []
    for _ in range(4):
        _finished_reports(office, 3)
        office.later(days=1)
        for ticket in waiting:  # last week's open work, solved now
            office.follow_up(ticket, solved=True)
        _mails_sent(sheets_repo, {t["id"] for t in waiting})
        waiting = [office.waiting() for _ in range(2)]  # this week's open work
        _archive(office)
        sizes.append(_view_bytes(sheets_repo, standin))
    live_read = sheets_repo.read(["tickets"], live_only=True)["tickets"]
    assert {t["id"] for t in live_read} == {t["id"] for t in waiting}
    assert len(sheets_repo.read(["tickets"])["tickets"]) == 4 * 3 + 4 * 2
    assert max(sizes) <= sizes[0] * 1.01, sizes  # flat: 4x the history, not 4x the bytes


def test_a_change_to_an_archived_row_shows_at_once_and_goes_back_to_the_archive(
    sheets_repo, standin
):
    office = Office(sheets_repo)
    (old,) = _finished_reports(office, 1)
    _archive(office)
    row = sheets_repo.get("tickets", old["id"])
    sheets_repo.commit([Update("tickets", row["id"], row["version"], {"description": "Anders"})])
    assert sheets_repo.get("tickets", old["id"])["description"] == "Anders"
    assert not sheets_repo.read(["tickets"], live_only=True)["tickets"]
    sheets_repo.compact_log(min_age=0)  # the changed row is written where reads find it first
    assert sheets_repo.get("tickets", old["id"])["description"] == "Anders"
    assert _fresh(sheets_repo, standin).get("tickets", old["id"])["description"] == "Anders"
    assert sheets_repo.move_archived() == 1
    assert not _ids(standin.values(sheets_repo.key, "tickets"))
    (kept,) = [r for r in standin.values(sheets_repo.key, "tickets_archief")[1:] if r]
    assert "Anders" in kept
    assert sheets_repo.get("tickets", old["id"])["description"] == "Anders"


def test_the_numbers_of_archived_reports_are_never_handed_out_again(sheets_repo, standin):
    office = Office(sheets_repo)
    old = _finished_reports(office, 3)
    _archive(office)
    sheets_repo.compact_log(min_age=0)
    fresh = SheetsRepository(
        spreadsheet_key=sheets_repo.key, credentials=AnonymousCredentials(), api_root=standin.url
    )
    fresh._shared = _Shared()
    newer = Office(fresh, start=office.clock()).submit()
    assert newer["number"] not in {t["number"] for t in old}
    assert newer["number"] > max(t["number"] for t in old)


def test_a_purge_of_an_archived_report_leaves_no_text_in_either_worksheet(sheets_repo, standin):
    office = Office(sheets_repo)
    old = _finished_reports(office, 2)
    _archive(office)
    secret = old[0]["description"]
    assert any(secret in str(r) for r in standin.values(sheets_repo.key, "tickets_archief"))
    purge_at = office.clock() + timedelta(days=365 * 3)
    privacy.purge(sheets_repo, MAZ, CONFIG, clock=lambda: purge_at)
    for title in ("tickets", "tickets_archief", "_wijzigingen"):
        assert not any(secret in str(r) for r in standin.values(sheets_repo.key, title)), title
    live_ids = _ids(standin.values(sheets_repo.key, "tickets"))
    assert not live_ids & {t["id"] for t in old}  # moved back to the archive after the purge
    kept = sheets_repo.read(["tickets"])["tickets"]
    assert {t["id"] for t in kept} >= {t["id"] for t in old}  # purged, not deleted


def _live_rows_of(repo: SheetsRepository, standin, ticket_ids: set[str]) -> list:
    """Rows of these reports still standing in the live worksheets."""
    found = []
    for table in OF_A_REPORT:
        rows = standin.values(repo.key, table)
        owner = 0 if table == "tickets" else TABLES[table].column_names.index("ticket_id")
        found += [r for r in rows[1:] if r and r[owner] in ticket_ids]
    return found


def test_a_move_in_small_batches_takes_every_row_of_the_reports(sheets_repo, standin, monkeypatch):
    monkeypatch.setattr(sheets_archive, "MOVE_BATCH", 2)
    office = Office(sheets_repo)
    old = _finished_reports(office, 3)
    done = _archive(office)
    assert done.moved > 6  # more than three batches
    assert not _live_rows_of(sheets_repo, standin, {t["id"] for t in old})


def test_a_move_stopped_between_batches_shows_nothing_archived_and_the_next_run_ends_it(
    sheets_repo, standin, monkeypatch
):
    office = Office(sheets_repo)
    old = _finished_reports(office, 3)
    waiting = office.waiting()
    live_before = sheets_repo.read(SHARED_TABLES, live_only=True)
    monkeypatch.setattr(sheets_archive, "MOVE_BATCH", 2)
    sent, real = [], SheetsRepository._send

    def failing_send(self, *args, **kw):
        if kw.get("extra") and len(sent) == 2:  # the third batch never arrives
            raise StoreUnavailable("De Google Sheet is tijdelijk niet bereikbaar.")
        sent.append(1)
        return real(self, *args, **kw)

    monkeypatch.setattr(SheetsRepository, "_send", failing_send)
    with pytest.raises(StoreUnavailable):
        _archive(office)
    assert _live_rows_of(sheets_repo, standin, {t["id"] for t in old})  # half way
    live_now = sheets_repo.read(SHARED_TABLES, live_only=True)
    fresh_view = _fresh(sheets_repo, standin).read(SHARED_TABLES, live_only=True)
    for name in ("tickets", "events", "messages"):
        for view in (live_now, fresh_view):
            assert {r["id"] for r in view[name]} == {r["id"] for r in live_before[name]} - {
                r["id"]
                for r in live_before[name]
                if r.get("ticket_id", r["id"]) in {t["id"] for t in old}
            }, name
    monkeypatch.setattr(SheetsRepository, "_send", real)
    assert _archive(office).moved
    assert not _live_rows_of(sheets_repo, standin, {t["id"] for t in old})
    assert [t["id"] for t in sheets_repo.read(["tickets"], live_only=True)["tickets"]] == [
        waiting["id"]
    ]


def test_a_row_added_to_a_report_already_in_the_archive_follows_it(sheets_repo, standin):
    """A late row (here an event) for a report whose own row stands in the archive already."""
    office = Office(sheets_repo)
    (old,) = _finished_reports(office, 1)
    _archive(office)
    note = Insert(
        "events",
        {
            "id": "late-event",
            "ticket_id": old["id"],
            "entity": "ticket",
            "entity_id": old["id"],
            "at": office.clock().isoformat(),
            "actor_name": "Marije (MAZ)",
            "actor_role": "maz",
            "action": "note",
            "from_status": old["status"],
            "to_status": old["status"],
            "note": "Nagekomen",
        },
    )
    sheets_repo.commit([note])
    assert "late-event" not in {
        e["id"] for e in sheets_repo.read(["events"], live_only=True)["events"]
    }
    sheets_repo.compact_log(min_age=0)  # written to the live worksheet, as any new row
    assert sheets_repo.move_archived() == 1
    assert not _live_rows_of(sheets_repo, standin, {old["id"]})
    assert "late-event" in {e["id"] for e in sheets_repo.read(["events"])["events"]}


def test_a_number_from_before_the_log_stays_taken_once_its_report_is_archived(sheets_repo, standin):
    """Reports typed into the worksheet before the change log existed (a Sheet from
    before issue 9), the highest number not last; archived and moved in one batch, the
    highest is still never reused: the next number is one above it."""
    office = Office(sheets_repo)
    (old,) = _finished_reports(office, 1)
    sheets_repo.compact_log(min_age=0)
    params = {"valueInputOption": "RAW"}
    for row_id, number in (("by-hand", "KIV-2026-0041"), ("by-hand-2", "KIV-2026-0007")):
        by_hand = {**sheets_repo.get("tickets", old["id"]), "id": row_id, "number": number}
        body = {"values": [row_cells("tickets", by_hand)]}
        sheets_repo._http.values_append(sheets_repo.key, "'tickets'!A1", params, body)
    _archive(office)
    assert not {"by-hand", "by-hand-2"} & _ids(standin.values(sheets_repo.key, "tickets"))
    sheets_repo.compact_log(min_age=0)
    newer = Office(_fresh(sheets_repo, standin), start=office.clock()).submit()
    assert newer["number"] == "KIV-2026-0042"
