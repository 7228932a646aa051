"""A page view's read leaves the mail texts out of its request (issue 10: the Sheet's
read of a page view under 2 MB; lib/repository/sheets.py, lib/ui/__init__.py).

A mail's text and HTML text are most of the bytes of a live read, and only Postvak
shows them. Read without them, the worksheet copy the driver keeps has those cells
blank: what must hold is that nothing is then written from that copy over the real
texts, and that an action after such a view is still one request.
"""

from __future__ import annotations

import json

import pytest

from lib.repository.base import Insert, Update, complete_row
from lib.schema import MAIL_TEXTS, MESSAGES, SHARED_TABLES, WITHOUT_MAIL_TEXTS
from tests.flows import Office
from tests.sheets_support import other_process

KEPT = 60.0  # the app's worksheet_refresh
BODY = "Beste Ruben, de printer op de eerste verdieping is weer in orde. Groet, MAZ"
HTML = "<p>Beste Ruben, de printer op de <b>eerste verdieping</b> is weer in orde.</p>"


@pytest.fixture
def sheet(make_sheets_repo):
    """A Sheet store as an app process keeps it (worksheets kept for KEPT seconds)."""
    made = make_sheets_repo()
    made.worksheet_refresh = KEPT
    return made


def answers(repo) -> list[str]:
    """Record the worksheets' part of every batchGet answer of `repo`, as JSON text.

    The change log's new rows (the last range) are left out: a mail queued since the
    last read is in them once, texts and all, as every change is."""
    seen, real = [], repo._http.values_batch_get

    def batch_get(key, ranges, params=None):
        answer = real(key, ranges, params)
        seen.append(json.dumps(answer["valueRanges"][:-1], ensure_ascii=False))
        return answer

    repo._http.values_batch_get = batch_get
    return seen


def asked_ranges(repo) -> list[list[str]]:
    """Record the ranges of every batchGet of `repo`, one list per request."""
    asked, real = [], repo._http.values_batch_get

    def batch_get(key, ranges, params=None):
        asked.append(list(ranges))
        return real(key, ranges, params)

    repo._http.values_batch_get = batch_get
    return asked


def mail(ticket: dict, n: int, **fields) -> dict:
    """A mail of the report as the services queue one, its texts set apart."""
    row = {
        "id": f"mail-{n}",
        "ticket_id": ticket["id"],
        "kind": "status",
        "status": "queued",
        "created_at": "2026-11-24T10:00:00+01:00",
        "to_address": "ruben@kivido.example",
        "subject": f"[{ticket['number']}] Uw melding is opgelost ({n})",
        "body": f"{BODY} ({n})",
        "html_body": f"{HTML} ({n})",
        "message_id": f"<mail-{n}@kivido.example>",
    }
    return complete_row("messages", row | fields)


def test_a_view_read_asks_no_mail_text_and_gives_every_other_column(sheet):
    """Test that the view's read holds the mails without their texts, all else as stored."""
    repo = sheet
    ticket = Office(repo).submit()
    # Cells around the texts filled and left blank, so a misplaced column would show.
    rows = [
        mail(ticket, 1),
        mail(ticket, 2, sent_at="2026-11-24T10:05:00+01:00", status="sent", thread_ref=""),
        mail(ticket, 3, attempts=3, last_error="550 onbekend adres", attempted_at="x"),
        mail(ticket, 4, is_demo=True, html_body="", message_id=""),
    ]
    repo.commit([Insert("messages", r) for r in rows])
    repo.compact_log(min_age=0)  # the mails in the worksheet itself, as after a day's work
    whole = other_process(repo).read(["messages"])["messages"]  # a fresh, plain read
    viewer = other_process(repo, worksheet_refresh=KEPT)  # an app process, nothing kept yet
    seen = answers(viewer)
    found = viewer.read(SHARED_TABLES, live_only=True, columns=WITHOUT_MAIL_TEXTS)
    assert len(seen) == 1
    assert BODY not in seen[0] and "eerste verdieping" not in seen[0]
    assert rows[0]["subject"] in seen[0]  # the mails themselves were read
    kept = WITHOUT_MAIL_TEXTS["messages"]
    assert set(kept) == set(MESSAGES.column_names) - set(MAIL_TEXTS)
    assert found["messages"] == [{c: r[c] for c in kept} for r in whole]


def test_a_mail_changed_after_such_a_view_keeps_its_texts(make_sheets_repo, standin):
    """Test that marking a mail sent after a view without texts writes no blank text."""
    office = make_sheets_repo()
    ticket = Office(office).submit()
    (queued,) = office.commit([Insert("messages", mail(ticket, 1))])
    office.compact_log(min_age=0)  # the mail in the worksheet, its log rows summarised
    repo = other_process(office, worksheet_refresh=KEPT)  # the Postvak-less app process
    (seen,) = [
        m
        for m in repo.read(["messages"], columns=WITHOUT_MAIL_TEXTS)["messages"]
        if m["id"] == "mail-1"
    ]
    sent = {"status": "sent", "sent_at": "2026-11-24T10:05:00+01:00"}
    repo.commit([Update("messages", seen["id"], seen["version"], sent)])
    for reader in (other_process(repo), repo):
        (row,) = [m for m in reader.read(["messages"])["messages"] if m["id"] == "mail-1"]
        assert (row["body"], row["html_body"]) == (f"{BODY} (1)", f"{HTML} (1)")
        assert row["status"] == "sent" and row["version"] == queued["version"] + 1
    repo.compact_log(min_age=0)  # the worksheet itself, once the log is written out
    (cells,) = [r for r in standin.values(repo.key, "messages") if r and r[0] == "mail-1"]
    names = MESSAGES.column_names
    assert cells[names.index("body")] == f"{BODY} (1)"
    assert cells[names.index("html_body")] == f"{HTML} (1)"


def test_a_new_mail_after_such_a_view_is_one_request(make_sheets_repo, standin):
    """Test that queueing a mail after a view without texts sends the log row alone."""
    office = make_sheets_repo()
    ticket = Office(office).submit()
    repo = other_process(office, worksheet_refresh=KEPT)
    repo.read(SHARED_TABLES, live_only=True, columns=WITHOUT_MAIL_TEXTS)
    repo._grid(["messages"])  # the sizes an app process has had since its first write
    standin.reset_counts()
    repo.commit([Insert("messages", mail(ticket, 7))])
    assert (standin.count(), standin.count("values.batchGet")) == (1, 0)
    (row,) = [m for m in other_process(repo).read(["messages"])["messages"] if m["id"] == "mail-7"]
    assert row["body"] == f"{BODY} (7)"


def test_the_texts_read_after_a_view_without_them_asks_only_for_the_mails(make_sheets_repo):
    """Test that Postvak's read after another page's reads the mail worksheet, no other."""
    office = make_sheets_repo()
    Office(office).submit()
    repo = other_process(office, worksheet_refresh=KEPT)
    repo.read(SHARED_TABLES, live_only=True, columns=WITHOUT_MAIL_TEXTS)
    ranges = asked_ranges(repo)
    found = repo.read(SHARED_TABLES, live_only=True)
    assert len(ranges) == 1
    assert ranges[0][:-1] == ["'messages'"]  # and the log's new rows
    assert found["messages"] and all(m["body"] for m in found["messages"])
    repo.read(SHARED_TABLES, live_only=True, columns=WITHOUT_MAIL_TEXTS)
    assert ranges[1:] == [[ranges[1][-1]]]  # the whole copy serves: only the log


def test_a_retried_mail_after_such_a_view_gives_back_the_stored_one(make_sheets_repo):
    """Test that a repeated insert (a retried save) answers with the mail as stored."""
    office = make_sheets_repo()
    ticket = Office(office).submit()
    office.commit([Insert("messages", mail(ticket, 5))])
    office.compact_log(min_age=0)
    repo = other_process(office, worksheet_refresh=KEPT)
    repo.read(SHARED_TABLES, live_only=True, columns=WITHOUT_MAIL_TEXTS)
    (again,) = repo.commit([Insert("messages", mail(ticket, 5, subject="Tweede poging"))])
    assert (again["subject"], again["body"]) == (mail(ticket, 5)["subject"], f"{BODY} (5)")


# --- read_rows: the texts of the mails a page shows ----------------------------------


@pytest.fixture
def mails(repo):
    """A report with three mails (one archived with its report) on every driver."""
    office = Office(repo)
    ticket = office.submit()
    rows = [mail(ticket, n) for n in (1, 2, 3)]
    repo.commit([Insert("messages", r) for r in rows])
    return repo, ticket, rows


def test_read_rows_gives_the_whole_rows_asked_for_in_that_order(mails):
    """Test that read_rows gives exactly the asked mails, texts included, in the asked
    order, once each, leaving out an id no row has (on every driver)."""
    repo, _, rows = mails
    asked = ["mail-3", "nergens", "mail-1", "mail-3"]
    found = repo.read_rows("messages", asked)
    assert [r["id"] for r in found] == ["mail-3", "mail-1"]
    for row in found:
        written = next(r for r in rows if r["id"] == row["id"])
        assert (row["body"], row["html_body"], row["subject"]) == (
            written["body"],
            written["html_body"],
            written["subject"],
        )
    assert repo.read_rows("messages", []) == []


def test_read_rows_finds_a_mail_of_an_archived_report(mails):
    """Test that a mail moved to the archive with its report is still read by id."""
    repo, ticket, _ = mails
    (current,) = [t for t in repo.read(["tickets"])["tickets"] if t["id"] == ticket["id"]]
    at = "2026-11-24T10:00:00+01:00"
    repo.commit([Update("tickets", ticket["id"], current["version"], {"archived_at": at})])
    repo.move_archived()
    assert not [
        m for m in repo.read(["messages"], live_only=True)["messages"] if m["id"] == "mail-2"
    ]
    (row,) = repo.read_rows("messages", ["mail-2"])
    assert row["body"] == f"{BODY} (2)"


def test_read_rows_after_a_view_asks_single_rows_and_the_log_holds_the_rest(make_sheets_repo):
    """Test that on the Sheet the mails a view saw are read as single rows at the
    positions that view found, and a mail queued since comes from the log, free."""
    office = make_sheets_repo()
    ticket = Office(office).submit()
    office.commit([Insert("messages", mail(ticket, n)) for n in (1, 2)])
    office.compact_log(min_age=0)  # in the worksheet
    repo = other_process(office, worksheet_refresh=KEPT)
    repo.read(SHARED_TABLES, live_only=True, columns=WITHOUT_MAIL_TEXTS)  # the view
    repo.commit([Insert("messages", mail(ticket, 3))])  # queued since: in the log only
    asked = asked_ranges(repo)
    found = repo.read_rows("messages", ["mail-2", "mail-1", "mail-3"])
    assert [r["body"] for r in found] == [f"{BODY} (2)", f"{BODY} (1)", f"{BODY} (3)"]
    ((*rows, log),) = asked
    assert len(rows) == 2 and all(r.startswith("'messages'!A") for r in rows)
    assert log.startswith("'_wijzigingen'!")
    asked.clear()
    assert [r["id"] for r in repo.read_rows("messages", ["mail-3"])] == ["mail-3"]
    assert asked == []  # the log's row: no request


def test_read_rows_after_a_hand_sort_still_gives_the_right_rows(make_sheets_repo, standin):
    """Test that rows no longer where the view found them are read from the whole
    worksheet, never taken from whatever row now stands there."""
    office = make_sheets_repo()
    ticket = Office(office).submit()
    office.commit([Insert("messages", mail(ticket, n)) for n in (1, 2, 3)])
    office.compact_log(min_age=0)
    repo = other_process(office, worksheet_refresh=KEPT)
    repo.read(SHARED_TABLES, live_only=True, columns=WITHOUT_MAIL_TEXTS)
    rows = standin.values(office.key, "messages")
    width = max(len(r) for r in rows)
    backwards = [rows[0]] + [r + [""] * (width - len(r)) for r in reversed(rows[1:])]
    office._http.values_update(
        office.key, "'messages'!A1", {"valueInputOption": "RAW"}, {"values": backwards}
    )
    found = repo.read_rows("messages", ["mail-1", "mail-3"])
    assert [(r["id"], r["body"]) for r in found] == [
        ("mail-1", f"{BODY} (1)"),
        ("mail-3", f"{BODY} (3)"),
    ]


def test_a_mail_shown_with_its_text_is_marked_sent_in_one_request(make_sheets_repo, standin):
    """Test that a mail whose text read_rows gave (Postvak) is changed on the kept copy:
    one request, the texts kept."""
    office = make_sheets_repo()
    ticket = Office(office).submit()
    office.commit([Insert("messages", mail(ticket, 1))])
    office.compact_log(min_age=0)
    repo = other_process(office, worksheet_refresh=KEPT)
    (seen,) = [
        m
        for m in repo.read(SHARED_TABLES, live_only=True, columns=WITHOUT_MAIL_TEXTS)["messages"]
        if m["id"] == "mail-1"
    ]
    repo.read_rows("messages", ["mail-1"])
    repo._grid(["messages"])
    standin.reset_counts()
    sent = {"status": "sent", "sent_at": "2026-11-24T10:05:00+01:00"}
    repo.commit([Update("messages", "mail-1", seen["version"], sent)])
    assert (standin.count(), standin.count("values.batchGet")) == (1, 0)
    (row,) = [m for m in other_process(repo).read(["messages"])["messages"] if m["id"] == "mail-1"]
    assert (row["status"], row["body"], row["html_body"]) == ("sent", f"{BODY} (1)", f"{HTML} (1)")


def test_read_rows_reads_an_archived_mail_where_the_full_view_found_it(make_sheets_repo):
    """Test that a mail in the archive worksheet, seen by a view of the whole store
    (a search by number), is read as its single row there."""
    office = make_sheets_repo()
    ticket = Office(office).submit()
    office.commit([Insert("messages", mail(ticket, n)) for n in (1, 2)])
    (current,) = [t for t in office.read(["tickets"])["tickets"] if t["id"] == ticket["id"]]
    at = "2026-11-24T10:00:00+01:00"
    office.commit([Update("tickets", ticket["id"], current["version"], {"archived_at": at})])
    office.move_archived()
    office.compact_log(min_age=0)
    repo = other_process(office, worksheet_refresh=KEPT)
    repo.read(SHARED_TABLES, columns=WITHOUT_MAIL_TEXTS)  # the archive included
    asked = asked_ranges(repo)
    (row,) = repo.read_rows("messages", ["mail-2"])
    assert row["body"] == f"{BODY} (2)"
    ((place, _log),) = asked
    assert place.startswith("'messages_archief'!A")


def test_read_rows_takes_a_mail_changed_since_the_view_from_the_log(make_sheets_repo):
    """Test that a mail changed after the view (the worksheet copy behind the log) comes
    from the log, with no request, as any read would show it."""
    office = make_sheets_repo()
    ticket = Office(office).submit()
    office.commit([Insert("messages", mail(ticket, 1))])
    office.compact_log(min_age=0)
    repo = other_process(office, worksheet_refresh=KEPT)
    repo.read(SHARED_TABLES, live_only=True, columns=WITHOUT_MAIL_TEXTS)  # the view
    (seen,) = repo.read_rows("messages", ["mail-1"])
    sent = {"status": "sent", "sent_at": "2026-11-24T10:05:00+01:00"}
    repo.commit([Update("messages", "mail-1", seen["version"], sent)])
    asked = asked_ranges(repo)
    (row,) = repo.read_rows("messages", ["mail-1"])
    assert (row["status"], row["version"], row["body"]) == (
        "sent",
        seen["version"] + 1,
        f"{BODY} (1)",
    )
    assert asked == []


def test_read_rows_shows_a_text_fixed_by_hand_in_the_worksheet(make_sheets_repo, standin):
    """Test that a typo fixed by hand in a mail's text shows, as on any read: the
    worksheet wins where it is as new as the log (lib/repository/sheets_plan.overlay),
    also when the log still holds the row."""
    office = make_sheets_repo()
    ticket = Office(office).submit()
    repo = other_process(office, worksheet_refresh=KEPT)
    office.commit([Insert("messages", mail(ticket, 1, body="Beste Ruben, de pritner doet het."))])
    # The next change to the worksheet writes the mail there, at the log's version.
    office.commit([Insert("messages", mail(ticket, 2))])
    repo.read(["messages"])  # this process folds the log: it holds the mail
    rows = standin.values(office.key, "messages")
    (number,) = [n for n, r in enumerate(rows, start=1) if r and r[0] == "mail-1"]
    column = MESSAGES.column_names.index("body")
    office._http.values_update(
        office.key,
        f"'messages'!{chr(ord('A') + column)}{number}",
        {"valueInputOption": "RAW"},
        {"values": [["Beste Ruben, de printer doet het."]]},
    )
    repo._shared.worksheets.clear()
    repo.read(SHARED_TABLES, live_only=True, columns=WITHOUT_MAIL_TEXTS)  # the view
    (row,) = repo.read_rows("messages", ["mail-1"])
    assert row["body"] == "Beste Ruben, de printer doet het."
    assert [m["body"] for m in repo.read(["messages"])["messages"] if m["id"] == "mail-1"] == [
        "Beste Ruben, de printer doet het."
    ]


def test_a_second_view_without_texts_within_a_minute_asks_only_the_log(sheet):
    """The copy kept from a view without the texts serves the next such view: that view
    asks for the change log alone."""
    ticket = Office(sheet).submit()
    sheet.commit([Insert("messages", mail(ticket, 1))])
    viewer = other_process(sheet, worksheet_refresh=KEPT)  # an app process, nothing kept yet
    asked = asked_ranges(viewer)
    first = viewer.read(["messages"], live_only=True, columns=WITHOUT_MAIL_TEXTS)
    again = viewer.read(["messages"], live_only=True, columns=WITHOUT_MAIL_TEXTS)
    assert again == first and "mail-1" in [m["id"] for m in again["messages"]]
    assert any(r.startswith("'messages'!") for r in asked[0]), asked
    assert len(asked) == 2 and len(asked[1]) == 1 and asked[1][0].startswith("'_wijzigingen'")


def test_a_full_read_without_texts_leaves_them_out_of_the_archive_worksheet_too(sheet):
    """Exports and Overzicht read the archive as well: its mails' worksheet is asked
    for in runs of the other columns, as the live one."""
    repo = sheet
    asked = asked_ranges(repo)
    repo.read(["messages"], columns=WITHOUT_MAIL_TEXTS)
    for title in ("messages", "messages_archief"):
        mine = [r for r in asked[0] if r.startswith(f"'{title}'!")]
        assert len(mine) == 3, asked[0]  # the runs of columns around the two texts
